"""Where the Typst stylesheet asks something cheaper than the obvious expression, it
gets the same answer: white space read without regular expressions (xslt/typst/
inlines.xsl), the index sorted by collation keys rather than with lang="en"
(xslt/typst/index.xsl)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from tei_edition import resources
from tei_edition.publish import transform
from tei_edition.publish.formats import pdf
from tei_edition.xml.parse import parse_file

TT = "urn:x-tei-edition:typst"

# XML's white space, characters that look like it but are not (no-break space, line and
# paragraph separators, NEL, zero-width space), a character outside the BMP
STRINGS = ["", " ", "  ", "\t", "\n", "\r\n", "a", " a", "a ", " a ", "\ta\n", "a  b",
           "a \t\n\r b", "\n  a\n  b\n  ", "\u00a0", "a\u00a0", "\u00a0a", " \u00a0 ",
           "a\u2028", "\u2029a", "a\u0085", "\u200b", "😀 ", " 😀", "x😀\ty", "Person 2085"]


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    """A stylesheet (the Typst one, imported) that writes, for each <s> of its input,
    the cheap answers and the regular expressions' on one line each."""
    path = tmp_path_factory.mktemp("xsl") / "probe.xsl"
    typst = resources.stylesheet("typst/typst.xsl").as_uri()
    path.write_text(f"""<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
      xmlns:tt="{TT}"><xsl:import href="{typst}"/><xsl:output method="text"/>
      <xsl:template match="/"><xsl:for-each select="//s">
        <xsl:value-of select="string-to-codepoints(tt:one-spaced(.)), '|', tt:starts-with-space(.),
                              tt:ends-with-space(.), '='"/>
        <xsl:value-of select="string-to-codepoints(replace(., '\\s+', ' ')), '|', matches(., '^\\s'),
                              matches(., '\\s$')"/><xsl:text>&#10;</xsl:text>
      </xsl:for-each></xsl:template>
    </xsl:stylesheet>""")
    return path


def test_white_space_is_read_as_the_regular_expressions_read_it(probe):
    root = etree.Element("strings")
    for text in STRINGS:
        etree.SubElement(root, "s").text = text
    lines = transform.run(probe, root.getroottree()).output.split("\n")[:len(STRINGS)]
    assert len(lines) == len(STRINGS)
    for text, line in zip(STRINGS, lines):
        cheap, regex = line.split("=")
        assert cheap.strip() == regex.strip(), repr(text)


# Names whose order an English collation decides otherwise than code points do: case,
# diacritics, letters of their own, punctuation and spaces, digits, other scripts.
NAMES = ["Zürich", "zurich", "Ångström", "Angstrom", "Æbeltoft", "Aebeltoft", "Øster",
         "Oster", "Łódź", "Lodz", "Straße", "Strasse", "de la Cruz", "De La Cruz",
         "D'Alembert", "Dalembert", "O'Brien", "Obrien", "van Gogh", "Van Buren",
         "abc-def", "abc def", "abcdef", "Abc", "10 Downing", "2nd", "Émile", "Ebert",
         "Kim Il Sung", "김일성", "Пузанов", "Ярослав", "日本", "Person 124", "Person 1240",
         "Person 12 4", "(Anonymous)", "anonymous"]


def test_the_index_sorts_as_an_english_collation_does(tmp_path):
    mentions = "".join(f'<persName ref="#p{i}">x</persName> ' for i in range(len(NAMES)))
    entries = "".join(f'<person xml:id="p{i}"><persName>{name}</persName></person>'
                      for i, name in enumerate(NAMES))
    source = tmp_path / "names.xml"
    source.write_text(f"""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>
      <titleStmt><title>Names</title></titleStmt><publicationStmt><p>-</p></publicationStmt>
      <sourceDesc><p>-</p></sourceDesc></fileDesc></teiHeader>
      <text><body><p>{mentions}</p></body><back><listPerson>{entries}</listPerson></back></text>
      </TEI>""", encoding="utf-8")
    typst = pdf.typst_source(parse_file(source), Path(source)).typst
    index = typst[typst.index("#te.index(("):]
    printed = re.findall(r'\(id: "([^"]*)", kind: "person", label: "[^"]*", sort: "([^"]*)"', index)
    assert len(printed) == len(NAMES)
    # the order lang="en" gives the same sort keys (then the keys' ids, as the index)
    sorter = tmp_path / "sort.xsl"
    sorter.write_text("""<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
      <xsl:output method="text"/><xsl:template match="/"><xsl:for-each select="//e">
        <xsl:sort select="@sort" lang="en"/><xsl:sort select="string(@id)"/>
        <xsl:value-of select="@id"/><xsl:text>&#10;</xsl:text></xsl:for-each></xsl:template>
    </xsl:stylesheet>""")
    root = etree.Element("entries")
    for key, sort in printed:
        etree.SubElement(root, "e", id=key, sort=sort)
    expected = transform.run(sorter, root.getroottree()).output.split()
    assert [key for key, _ in printed] == expected
    # (and the collation is not the code points' order: the test would pass for that too)
    assert expected != [key for key, _ in sorted(printed, key=lambda p: (p[1], p[0]))]
