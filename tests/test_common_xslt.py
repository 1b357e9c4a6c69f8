"""The shared XSLT layer: the policy pre-pass every format renders from."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from conftest import FIXTURES
from tei_edition.entities.resolve import resolve
from tei_edition.publish import transform
from tei_edition.publish.run import document_register
from tei_edition.publish.anchors import anchor
from tei_edition.xml.parse import NS, TEI_NS, parse_file

TE = "urn:x-tei-edition"
POLICY = FIXTURES / "common" / "policy.xml"
APPARATUS = FIXTURES / "text" / "apparatus.xml"


@pytest.fixture(scope="module")
def probe(normalise_probe):
    return normalise_probe


def normalised(probe, source, reading="normalised"):
    """The pre-pass as every format runs it: names resolved first (entities.resolve)."""
    tree = parse_file(source)
    register = document_register(tree, source)
    resolve(tree, source, register)
    result = transform.run(probe, tree, {"reading": reading, "registers": register.bundle()})
    return etree.fromstring(result.output.encode()), result.warnings


def te(name):
    return f"{{{TE}}}{name}"


@pytest.mark.parametrize("reading, shown, alt", [("normalised", "corr", "polices"),
                                                 ("diplomatic", "sic", "policies")])
def test_choice_shows_one_reading_and_records_the_other(probe, reading, shown, alt):
    root, _ = normalised(probe, POLICY, reading)
    choice = root.find(".//tei:choice", NS)
    assert [etree.QName(c).localname for c in choice] == [shown]
    assert choice.get(te("alt")) == alt


def test_notes_are_numbered_within_their_document(probe):
    root, _ = normalised(probe, POLICY)
    numbers = [n.get(te("n")) for n in root.iterfind(".//tei:text//tei:note", NS)]
    assert numbers == ["1", "2", "1"]


def test_entity_names_resolve_and_dangling_refs_are_marked(probe):
    root, _ = normalised(probe, POLICY)
    good, bad = root.iterfind(".//tei:text//tei:persName", NS)
    assert (good.get(te("entity")), good.get(te("entity-type")), good.get(te("label"))) == \
        ("p1", "person", "A. M. Puzanov")
    assert bad.get(te("unresolved")) == "#nope other.xml#p1"


def test_editorial_signs_and_unknown_elements(probe):
    root, warnings = normalised(probe, POLICY)
    supplied = root.find(".//tei:supplied", NS)
    assert (supplied.get(te("open")), supplied.get(te("close")), supplied.get(te("why"))) == ("[", "]", "x")
    foo = root.find(".//tei:foo", NS)
    assert foo.get(te("kind")) == "unknown-inline" and foo.text == "kept"
    assert warnings == ["TE-COVERAGE foo 1 3"]


def test_xslt_anchors_equal_python_anchors(probe):
    source = parse_file(POLICY)
    root, _ = normalised(probe, POLICY)
    from_xslt = [el.get(te("anchor")) for el in root.iter() if el.get(te("anchor"))]
    assert from_xslt, "the fixture has citable blocks"
    expected = [anchor(el) for el in source.getroot().iter()
                if isinstance(el.tag, str) and el.getparent() is not None
                and etree.QName(el).localname in {"p", "head", "note", "div"}
                and el.xpath("ancestor::tei:text", namespaces=NS)]
    assert from_xslt == expected


def test_anchors_leave_out_the_body_unless_that_takes_an_id_of_the_encoding(probe, tmp_path):
    # "p2" rather than "body1.p2" on thousands of links to a collection's paragraphs;
    # where the short path spells an xml:id the encoding gave ("p1" is a person here,
    # "div2.p1" the back's paragraph), "body1." comes back so that no id is given twice
    source = tmp_path / "anchors.xml"
    source.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>A</title>'
        '</titleStmt><publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p></sourceDesc>'
        '</fileDesc><profileDesc><particDesc><listPerson><person xml:id="p1"><persName>B</persName>'
        '</person></listPerson></particDesc></profileDesc></teiHeader><text><front><p>f</p></front>'
        '<body><p>one</p><p>two</p><div><p>three</p><p>four</p></div>'
        '<div><p>five</p><p>six</p></div></body><back><p xml:id="div2.p1">b</p></back></text></TEI>', encoding="utf-8")
    root, _ = normalised(probe, source)
    from_xslt = [el.get(te("anchor")) for el in root.iter() if el.get(te("anchor"))]
    assert from_xslt == ["front1.p1", "body1.p1", "p2", "div1", "div1.p1", "div1.p2", "div2",
                         "body1.div2.p1", "div2.p2", "div2.p1"]
    tree = parse_file(source)
    assert [anchor(el) for el in tree.iter(f"{{{TEI_NS}}}p", f"{{{TEI_NS}}}div")
            if el.xpath("ancestor::tei:text", namespaces=NS)] == from_xslt


def test_apparatus_letters_and_entries_are_decided_once(probe):
    root, _ = normalised(probe, APPARATUS)
    entries = [(a.get(te("apparatus")), a.get(te("apparatus-entry")))
               for a in root.iterfind(".//tei:text//*", NS) if a.get(te("apparatus-entry"))]
    # counted where each ends (a nested app first), restarting per unit; inside a foot
    # note an entry has no letter (a footnote carries no notes); a choice's other
    # reading is a textual note too
    assert entries == [
        ("a", "lemmaone] readingone (B); readingtwo (C)"),
        ("c", "outer innerlem words] om. C"),
        ("b", "innerlem] innerrdg (B)"),
        (None, "noterdg (B)"),
        ("d", "∅] addedrdg (B)"),
        ("e", "firstrdg] secondrdg (B) — B: Detailword"),
        ("f", "Corrword] source reads: Sicword"),
        ("a", "againlem] againrdg (B) [Note: Rdgnote]"),
        ("b", "linklem] linkrdg (B)"),
    ]
    # an app without rejected readings gets no letter
    assert root.find(".//tei:app[tei:lem='onlylem']", NS).get(te("apparatus")) is None
    # a note inside a reading not shown is in the entry, not numbered in the text
    numbers = [n.get(te("n")) for n in root.iterfind(".//tei:text//tei:note", NS)]
    assert numbers == ["1", "1"]


SOURCE_DOC = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>G</title>
</titleStmt><publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p></sourceDesc></fileDesc>
</teiHeader><facsimile><surface><graphic url="f1.jpg"/></surface></facsimile>
<sourceDoc><surface><zone><line>Firstline words</line><line>Secondline words</line></zone>
<zone><line>Thirdline</line></zone></surface></sourceDoc>
<text><body><p>Body words.</p><spanGrp type="commentary"><span from="#a" to="#b">Spancomment text</span>
<span>Spantwo text</span></spanGrp></body></text></TEI>"""


def test_source_doc_lines_and_span_annotations_reach_every_format(tmp_path):
    from tei_edition.publish.formats import html, pdf, text

    doc = tmp_path / "genetic.xml"
    doc.write_text(SOURCE_DOC, encoding="utf-8")
    tree = parse_file(doc)
    plain = text.render(tree, doc)
    # line by line: the lines of a zone on consecutive lines, zones apart
    assert "\nFirstline words\nSecondline words\n\nThirdline\n" in plain.text
    assert "Spancomment text" in plain.text and "Spantwo text" in plain.text
    site = html.render(tree, doc).files["index.html"]
    assert site.count('class="tei-line"') == 3
    assert "Spancomment text" in site and "Thirdline" in site
    typst = pdf.typst_source(tree, doc, fonts=[]).typst
    assert typst.count('kind: "line"') == 3
    assert "Spancomment text" in typst
    # nothing of it is reported as lost, nor as kept by default
    assert plain.coverage == {}


STAND_OFF = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>S</title>
</titleStmt><publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p></sourceDesc></fileDesc>
</teiHeader><text><body><div type="letter"><head>A letter</head><p xml:id="p1">Body <seg xml:id="w1">words</seg>
here.</p></div></body></text><standOff><spanGrp type="commentary"><span from="#w1">Spancomment text</span>
<span target="#p1">Spantwo text</span></spanGrp><listPerson><person xml:id="x"><persName>X</persName></person>
</listPerson></standOff></TEI>"""


def test_stand_off_annotations_are_shown_after_the_text_in_every_format(tmp_path):
    # a spanGrp in standOff is annotation a reader must have (issue 17 item 14): the
    # common layer puts it after the text, each span after the words it annotates;
    # the rest of the standOff (a register) stays out of the reading text
    from tei_edition.publish.formats import html, pdf, text

    doc = tmp_path / "standoff.xml"
    doc.write_text(STAND_OFF, encoding="utf-8")
    tree = parse_file(doc)
    plain = text.render(tree, doc, width=0)
    assert plain.text.endswith("Annotations\n-----------\n\nwords] Spancomment text\n"
                               "Body words here.] Spantwo text\n")
    site = html.render(tree, doc).files["index.html"]
    assert site.index("Body") < site.index('class="tei-head">Annotations') < site.index("words] Spancomment text")
    assert "Body words here.] Spantwo text" in site
    assert 'href="#te-annotations">Annotations</a>' in site  # in the contents, as back matter
    typst = pdf.typst_source(tree, doc, fonts=[]).typst
    assert 'title-text: "Annotations"' in typst and '"words] Spancomment text"' in typst
    assert '"Body words here.] Spantwo text"' in typst
    assert plain.coverage == {}


def test_notes_around_units_and_in_annotations_are_numbered_without_gaps(tmp_path):
    # the text's own notes go on after a unit (a letter numbers its notes anew), and
    # the notes of standOff annotations, shown after the text, go on from them
    from tei_edition.publish.formats import html, text

    doc = tmp_path / "numbers.xml"
    doc.write_text(STAND_OFF.replace("here.</p>", "here.<note>Lone</note><note>Ltwo</note></p>")
                   .replace("</div></body>", "</div><p>Outside<note>Tone</note></p></body>")
                   .replace("Spantwo text", "Spantwo text<note>Sone</note>"), encoding="utf-8")
    tree = parse_file(doc)
    plain = text.render(tree, doc, width=0).text
    assert "Notes\n\n[1] Lone\n[2] Ltwo\n" in plain
    # the last notes, then only the key of the signs (which explains the numbers)
    body, key = plain.split("\n\nSigns used in the text\n\n")
    assert body.endswith("Notes\n\n[1] Tone\n[2] Sone") and key.startswith("[1], [2], [3]  Numbered notes")
    site = html.render(tree, doc).files["index.html"]
    assert re.findall(r'role="doc-backlink">(\d+)</a>', site) == ["1", "2", "1", "2"]


def test_a_numbered_document_is_labelled_once_in_every_format(tmp_path):
    # "Document No. 2" above a heading that has no label; nothing more where the heading
    # already starts with its number (a volume's "12. Alfred ...") or has a label of its own
    from tei_edition.publish.formats import html, pdf, text

    doc = tmp_path / "numbered.xml"
    doc.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>N'
                   '</title></titleStmt><publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p>'
                   '</sourceDesc></fileDesc></teiHeader><text><body>'
                   '<div type="document" n="2"><head>Plain title</head><p>One.</p></div>'
                   '<div type="document" n="12"><head>12. Numbered title</head><p>Two.</p></div>'
                   '<div type="document" n="13"><head type="label">DOC 13</head><head>Own label</head>'
                   '<p>Three.</p></div></body></text></TEI>', encoding="utf-8")
    tree = parse_file(doc)
    plain = text.render(tree, doc, width=0).text
    assert "\nDocument No. 2\nPlain title\n" in plain
    assert plain.count("Document No.") == 1
    site = html.render(tree, doc).files["index.html"]
    assert re.findall(r'<span class="doc-number">([^<]*)</span>', site) == ["Document No. 2"]
    typst = pdf.typst_source(tree, doc, fonts=[]).typst
    assert re.findall(r'label-text: ("[^"]*"|none)', typst) == ['"Document No. 2"', "none", '"DOC 13"']


def test_coverage_never_claims_skipped_text_was_kept(probe, tmp_path):
    doc = tmp_path / "skipped.xml"
    doc.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>Shown '
                   '<interpGrp><interp>Hidden interp words<zzz>inner</zzz></interp></interpGrp></p>'
                   '</body></text></TEI>', encoding="utf-8")
    _, warnings = normalised(probe, doc)
    # an unknown element inside a part no format shows is not "kept"; the text that is
    # not shown is said so
    assert not any(w.startswith("TE-COVERAGE zzz") for w in warnings)
    assert any("interpGrp" in w and "not shown" in w for w in warnings)


def test_every_mode_is_declared_and_unmatched_nodes_fail_alike():
    # one policy in every format: a mode names what it does with a node it has no rule
    # for; the rendering modes of text, PDF and the site fail (each has a rule for every element,
    # the last keeping its text) instead of dropping text silently
    from pathlib import Path

    xsl = "{http://www.w3.org/1999/XSL/Transform}"
    used, declared = set(), {}
    for sheet in Path(transform.resources.xslt_dir()).rglob("*.xsl"):
        tree = etree.parse(str(sheet))
        for el in tree.iter(f"{xsl}template", f"{xsl}apply-templates"):
            used.update(m for m in (el.get("mode") or "").split() if not m.startswith("#"))
        declared.update({m.get("name"): m.get("on-no-match") for m in tree.iter(f"{xsl}mode") if m.get("name")})
    assert used - set(declared) == set()
    for mode in ("tx:block", "tx:inline", "tt:block", "tt:inline", "tt:block-break", "tt:note", "tt:book",
                 "h:text"):
        assert declared[mode] == "fail", mode


def test_comments_and_processing_instructions_print_nothing_in_every_format(tmp_path):
    from tei_edition.publish.formats import html, pdf, text

    doc = tmp_path / "c.xml"
    doc.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>C'
                   '</title></titleStmt><publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p>'
                   '</sourceDesc></fileDesc></teiHeader><text><body><!-- between -->'
                   '<p>One <!-- inside --> two<?pi data?> three.</p><lb/><cb/></body></text></TEI>',
                   encoding="utf-8")
    tree = parse_file(doc)
    assert "One two three." in text.render(tree, doc).text
    assert "inside" not in html.render(tree, doc).files["index.html"]
    typst = pdf.typst_source(tree, doc, fonts=[]).typst
    assert '"One "' in typst and "inside" not in typst and "data" not in typst


@pytest.mark.parametrize("stylesheet", ["text/text.xsl", "html/html.xsl", "typst/typst.xsl"])
def test_error_codes_come_from_the_policy_table(stylesheet):
    # one table of codes and messages (policy.xml), raised by te:fail in every format
    from tei_edition.errors import TransformError

    with pytest.raises(TransformError) as info:
        transform.run(stylesheet, parse_file(POLICY), {"reading": "sideways"})
    assert "TE0001: reading must be normalised or diplomatic, not sideways" in str(info.value)


REGISTER_ENTRIES = """<listPerson xmlns="http://www.tei-c.org/ns/1.0">
  <person xml:id="blumer"><persName><forename>Johann Jakob</forename><surname>Blumer</surname></persName>
    <birth>1819</birth><death>1875</death>
    <note type="bio"><p>Glarner Politiker, Jurist und Redaktor: Ständerat (1848–1872), Gross-
      <choice><abbr>bzw.</abbr><expan>beziehungsweise</expan></choice> Landrat,
      <choice><abbr>u. a.</abbr><expan>unter anderem</expan></choice> Bundesrichter.</p>
      <p>Blumer studierte in Zürich, Bonn und Berlin.</p></note></person>
  <person xml:id="coutin"><persName><forename>Jules</forename><surname>Coutin</surname></persName>
    <birth>gest. 1879</birth></person>
  <person xml:id="anna"><persName>Anna</persName><birth>1756</birth></person>
  <person xml:id="lydia"><persName><forename>Lydia</forename><surname>Escher-Zollikofer</surname></persName>
    <note type="bio"><p>Lydia Escher-Zollikofer (von Altenklingen) (1797-1868), Tochter von Elisabetha
    Zollikofer-Kunkler. Nach dem Bezug des Belvoir 1831 blieb sie dort.</p></note></person>
  <person xml:id="hofmannsthal"><persName>Hugo</persName><birth when="1874-02-01"><date>1874-02-01</date>
    <settlement><placeName>Wien</placeName><location><geo>48,208333 16,373056</geo></location></settlement></birth>
    <death><date when="1929-07-15">15. 7. 1929</date><settlement><placeName>Rodaun</placeName></settlement></death></person>
  <place xml:id="aargau"><placeName>Aargau</placeName>
    <desc><ref target="http://www.hls-dhs-dss.ch/textes/d/D7392.php">Artikel Aargau in HLS online</ref></desc></place>
  <person xml:id="long"><persName>Long</persName><note>Ein Mann mit einer Beschreibung, die lang ist und
    lang und lang und lang und lang und lang und lang und lang und lang und lang und lang geht, ohne Ende</note></person>
</listPerson>"""


def test_index_descriptions_read_one_reading_no_link_labels_and_the_first_clause(tmp_path):
    """The real letters' index printed "bzw. beziehungsweise", "u. a. unter anderem"
    (both readings of a choice), "Artikel Aargau in HLS online" (a link's label without
    its address) and whole biographies; a person's dates were missing."""
    from tei_edition import resources

    common = (resources.xslt_dir() / "common" / "common.xsl").as_uri()
    probe = tmp_path / "probe.xsl"
    probe.write_text(f"""<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
      xmlns:tei="http://www.tei-c.org/ns/1.0" xmlns:te="urn:x-tei-edition"><xsl:import href="{common}"/>
      <xsl:output method="text"/>
      <xsl:template match="/"><xsl:for-each select="//tei:person | //tei:place">
        <xsl:value-of select="@xml:id, te:life-dates(.), te:entity-description(.), te:index-description(.)"
                      separator="|"/><xsl:text>&#10;</xsl:text></xsl:for-each></xsl:template>
    </xsl:stylesheet>""")
    result = transform.run(probe, etree.ElementTree(etree.fromstring(REGISTER_ENTRIES)), {})
    rows = {line.split("|")[0]: line.split("|")[1:] for line in result.output.splitlines()}
    dates, described, short = rows["blumer"]
    assert dates == "1819–1875"
    assert "Gross- beziehungsweise Landrat, unter anderem Bundesrichter." in described
    assert "bzw." not in described and "u. a." not in described
    assert "Blumer studierte in Zürich" in described  # the whole note for the site
    assert short == "Glarner Politiker, Jurist und Redaktor"
    assert rows["coutin"][0] == "gest. 1879"  # as the register writes it
    assert rows["anna"][0] == "* 1756"
    assert rows["lydia"][2] == "Tochter von Elisabetha Zollikofer-Kunkler"  # not her name again
    assert rows["hofmannsthal"][0] == "1874–1929"  # years, never places or coordinates
    assert rows["aargau"] == ["", "", ""]
    long = rows["long"][2]
    assert long.endswith(" …") and len(long) <= 102 and long.startswith("Ein Mann mit einer Beschreibung")
