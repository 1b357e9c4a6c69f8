"""The transformation layer: cached compilation, typed parameters, messages, errors,
and a Saxon that cannot read files or the network on a document's behalf."""

from __future__ import annotations

import pytest

from tei_edition.publish import transform
from tei_edition.errors import TransformError
from tei_edition.xml.parse import parse_bytes

XSL = """<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:te="urn:x-tei-edition"
  expand-text="yes" exclude-result-prefixes="#all">
  <xsl:output method="text"/>
  <xsl:param name="n" as="xs:integer" select="0"/>
  <xsl:param name="flag" as="xs:boolean" select="false()"/>
  <xsl:param name="s" as="xs:string" select="''"/>
  <xsl:template match="/">
    <xsl:message>note: {count(//b)} b</xsl:message>
    <xsl:text>{$n + 1}|{$flag}|{$s}|{string-join(//b/@te:line, ',')}</xsl:text>
  </xsl:template>
</xsl:stylesheet>"""


@pytest.fixture
def sheet(tmp_path):
    path = tmp_path / "probe.xsl"
    path.write_text(XSL)
    return path


def test_typed_parameters_messages_and_source_lines(sheet):
    doc = parse_bytes(b"<a>\n<b/>\n\n<b/></a>")
    result = transform.run(sheet, doc, {"n": 41, "flag": True, "s": "zz"})
    assert result.output == "42|true|zz|2,4"
    assert result.warnings == ["note: 2 b"]
    # the line annotations are not left behind on the caller's tree
    assert not any(el.attrib for el in doc.iter())


def test_stylesheet_compiled_once(sheet):
    assert transform.compiled(sheet) is transform.compiled(sheet)


def test_document_cannot_read_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SENTINEL-SECRET")
    path = tmp_path / "leak.xsl"
    path.write_text("""<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
      <xsl:output method="text"/>
      <xsl:template match="/"><xsl:value-of select="unparsed-text(string(/a/@href))"/></xsl:template>
    </xsl:stylesheet>""")
    doc = parse_bytes(f'<a href="file://{secret}"/>'.encode())
    with pytest.raises(TransformError) as info:
        transform.run(path, doc)
    assert "SENTINEL" not in str(info.value)
    assert "prohibited" in str(info.value)


def test_stylesheet_error_code_is_reported(tmp_path):
    path = tmp_path / "fail.xsl"
    path.write_text("""<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
      <xsl:template match="/"><xsl:sequence select="error(QName('urn:x-tei-edition', 'TE0001'), 'TE0001: no luck')"/></xsl:template>
    </xsl:stylesheet>""")
    with pytest.raises(TransformError) as info:
        transform.run(path, parse_bytes(b"<a/>"))
    assert info.value.code == "TE0001"
    assert "no luck" in str(info.value)
    assert "fail.xsl line 2" in str(info.value)


def test_broken_stylesheet_is_a_transform_error(tmp_path):
    path = tmp_path / "broken.xsl"
    path.write_text('<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
                    '<xsl:template match="/"><xsl:value-of select="1 +"/></xsl:template></xsl:stylesheet>')
    with pytest.raises(TransformError, match="cannot compile stylesheet broken.xsl: XPST0003"):
        transform.compiled(path)


STRINGS_XSL = """<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" exclude-result-prefixes="#all">
  <xsl:output method="xml" indent="yes"/>
  <xsl:template match="/" as="xs:string*">
    <xsl:message>made {count(//s)}</xsl:message>
    <xsl:sequence select="//s ! string(.), '', 'a &amp; b &lt;c/> ]]&gt;', 'last'"/>
  </xsl:template>
  <xsl:template name="page" as="element()">
    <p>x &amp; y</p>
  </xsl:template>
</xsl:stylesheet>"""


def test_run_strings_returns_each_string_as_it_is(tmp_path):
    """run_strings takes Saxon's strings in one piece and splits them: each comes back
    whole (markup characters unescaped, line ends, spaces, empty strings, other
    scripts), the messages are kept, and the stylesheet's own serialisation is the
    same for the next run (its xsl:output)."""
    path = tmp_path / "strings.xsl"
    path.write_text(STRINGS_XSL.replace("<xsl:message>", '<xsl:message expand-text="yes">'),
                    encoding="utf-8")
    doc = parse_bytes("<d><s>  two\nlines  </s><s/><s>Zürich — Île  </s><s> </s></d>".encode())
    for _ in range(2):
        result = transform.run_strings(path, doc)
        assert result.strings == ["  two\nlines  ", "", "Zürich — Île  ", " ", "",
                                  "a & b <c/> ]]>", "last"]
        assert result.warnings == ["made 4"]
    assert transform.run(path, doc).output.startswith("<?xml")  # xsl:output's method again


def test_a_document_full_of_escaped_characters_is_handed_over_whole(tmp_path):
    """Saxon's parser refuses text holding more than 100,000 &amp;, &lt;, &gt; or
    &quot;: a letter book of "Escher & Co." was "cannot hand the document to Saxon".
    Every character arrives, and a comment keeps its own text."""
    path = tmp_path / "count.xsl"
    path.write_text("""<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
      expand-text="yes"><xsl:output method="text"/>
      <xsl:template match="/">{string-length(string-join(//p))}|{count(//p[@n = '"&amp;'])}|{//comment()}</xsl:template>
    </xsl:stylesheet>""")
    body = "".join(f'<p n="&quot;&amp;">A &amp; B &lt;{i}&gt;</p>' for i in range(40_000))
    doc = parse_bytes(f"<a><!-- a &amp; b -->{body}</a>".encode())
    result = transform.run(path, doc)
    expected = sum(len(f"A & B <{i}>") for i in range(40_000))
    assert result.output == f"{expected}|40000| a &amp; b "


def test_saxon_text_writes_references_as_characters_only_where_they_stand_for_one():
    text = "<a t=\"&quot;\">&amp;&lt;<!-- &amp; --><?pi &gt;?><![CDATA[&lt;]]></a>" * 50_000
    written = transform.saxon_text(text)
    assert written.startswith("<a t=\"&#34;\">&#38;&#60;<!-- &amp; --><?pi &gt;?><![CDATA[&lt;]]></a>")
    assert transform.saxon_text("<a>&amp;</a>") == "<a>&amp;</a>"  # (few: as it is)


LINES_XSL = """<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:te="urn:x-tei-edition"
  expand-text="yes" exclude-result-prefixes="#all">
  <xsl:output method="text"/>
  <xsl:template name="te:lines-unread" as="xs:string*">
    <xsl:sequence select="'p', 'TEI'"/>
  </xsl:template>
  <xsl:template match="/">{string-join(//*[@te:line] ! (local-name() || ':' || @te:line), ' ')}</xsl:template>
</xsl:stylesheet>"""


def test_a_stylesheet_names_the_tei_elements_whose_lines_it_never_reads(tmp_path):
    """Only the other elements carry their source line to Saxon (te:lines-unread: a
    page reads the lines of unknown and skipped elements alone)."""
    path = tmp_path / "lines.xsl"
    path.write_text(LINES_XSL)
    doc = parse_bytes(b'<TEI xmlns="http://www.tei-c.org/ns/1.0">\n<p/>\n<foo/>\n'
                      b'<x:p xmlns:x="urn:other"/></TEI>')
    assert transform.run(path, doc).output == "foo:3 p:4"
    tei = "{http://www.tei-c.org/ns/1.0}"
    page = transform.lines_unread("html/html.xsl")
    assert {tei + "p", tei + "persName", tei + "note"} <= page
    assert not {tei + "teiHeader", tei + "interpGrp", tei + "foo"} & page
    assert transform.lines_unread("text/text.xsl") == page  # (the plain text reads none either)
    assert transform.lines_unread("typst/typst.xsl") == frozenset()  # every line read
