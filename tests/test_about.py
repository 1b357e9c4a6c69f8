"""The editorial principles as readers see them, on the site's "About this edition"
page, in the PDF and in the text export (task about). One rule in the common layer
(te:principles-for-readers, policy.xml's principles) picks the declarations and the
paragraphs every format prints, under the same titles: a paragraph that names the
markup (marked up with gi/att/tag/val, or written out, "the attribute @source") and the
encoding's own declarations (tags, references, prefixes) are the encoders'
documentation and stay in the TEI. The header's details are given as the record of the
edition, in words, not as a tree of element names."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from conftest import CORPUS, DOSSIER
from tei_edition.publish.export import export_file
from tei_edition.publish.formats import pdf
from tei_edition.xml.parse import parse_file

X = {"x": "http://www.w3.org/1999/xhtml"}
# "<choice>", "</sic>", "<div type="essay">", "@n", "resp="#encoder"": markup a reader
# should not meet (an address like someone@example.org is not one)
MARKUP = re.compile(r'</?[A-Za-z_][\w:.-]*(\s+[\w:.-]+="[^"]*")*\s*/?>|(^|[^\w.@/])@[A-Za-z_][\w:-]*'
                    r'|[A-Za-z_][\w:.-]*="')

PTA = CORPUS / "pta-apparatus" / "pta0039.pta001.pta-grc2.xml"      # editorialDecl with "@source"
STYLESHEETS = CORPUS / "tei-stylesheets" / "test.xml"               # tagsDecl, prefixDef with <code>
FREEDICT = CORPUS / "freedict" / "eng-pol.xml"                      # projectDesc, tagsDecl values


def needs(path: Path):
    return pytest.mark.skipif(not path.is_file(), reason=f"{path} is not available")


def about(source: Path, folder: Path) -> etree._Element:
    export_file(source, "html", folder / "site")
    return etree.parse(str(folder / "site" / "about.html")).getroot()


def visible(node) -> str:
    """The text a reader sees: every text node but scripts and styles."""
    return " ".join("".join(node.xpath(".//text()[not(ancestor::x:script or ancestor::x:style)]",
                                       namespaces=X)).split())


def html_principles(root) -> list[tuple[str, list[str]]]:
    """(title, paragraphs) per section of the page's editorial conventions."""
    return [(visible(s.find("x:h3", X)), [visible(p) for p in s.xpath("x:p | x:ul | x:h4", namespaces=X)])
            for s in root.xpath("//x:section[@id='te-conventions']/x:section", namespaces=X)]


def pdf_principles(source: Path) -> list[tuple[str, list[str]]]:
    """(title, paragraphs) per section of the PDF's editorial principles, from the Typst
    source the stylesheet writes (the hands, given in full there, are the about page's
    own section)."""
    typst = pdf.typst_source(parse_file(source), source, fonts=[]).typst
    block = typst.split("#te.principles(", 1)[1].split("\n  signs: (", 1)[0]
    sections = []
    for m in re.finditer(r'^  \(title: ("(?:[^"\\]|\\.)*"), body: \[(.*?)^  \]\),$', block, re.M | re.S):
        paragraphs = [" ".join("".join(json.loads(s) for s in re.findall(r'"(?:[^"\\]|\\.)*"',
                                                                          p.split("{", 1)[1])).split())
                      for p in re.split(r"^#te\.p\(", m.group(2), flags=re.M)[1:]]
        sections.append((json.loads(m.group(1)), paragraphs))
    return [s for s in sections if s[0] != "Hands"]


@pytest.fixture(scope="module")
def dossier(tmp_path_factory) -> etree._Element:
    return about(DOSSIER, tmp_path_factory.mktemp("about"))


def test_the_dossiers_about_page_prints_the_principles_for_readers_only(dossier):
    text = visible(dossier.find("x:body/x:main", X))
    # the encoders' documentation of the dossier is not on the page ...
    assert not MARKUP.search(text), MARKUP.search(text).group(0)
    for encoders in ("corrected visibly with", "with the page number in", "Role-based references",
                     "Dates carry ISO 8601 values", "TEI header", "element and attribute"):
        assert encoders not in text
    # ... what is written for readers is, under the PDF's titles, in the PDF's order
    sections = html_principles(dossier)
    assert [title for title, _ in sections] == ["The edition", "Normalisation", "Hyphenation"]
    assert sections[1][1][0].startswith("No spelling, capitalisation or punctuation is normalised")
    assert sections == pdf_principles(DOSSIER)


def test_the_full_header_is_the_record_of_the_edition_in_words(dossier):
    record = dossier.find(".//x:section[@id='te-record']", X)
    terms = [visible(dt) for dt in record.iterfind(".//x:dt", X)]
    assert terms == ["Published", "Rights", "Sources", "Revisions"]
    text = visible(record)
    assert "tei-edition project, 2026" in text
    assert "the terms under which the source text was published are not stated" in text
    # every source in full: the identifiers, the contents, the history, the notes
    assert "Bundesarchiv, SAPMO-BA, DY 30, IV 2/20/137" in text
    assert "K. Schneidewind, Note about a Conversation in the Soviet Embassy with Comrade Puzanov" in text
    assert "Pyongyang, 19 September 1960" in text and "incoming stamp, number 02044s" in text
    assert "Encoded from the text layer of the published PDF" in text
    # the revision with its date in words and who made it (the header's #encoder)
    assert "27 November 2026, tei-edition project: Complete digital text of the essay" in text
    assert not dossier.xpath("//x:code | //x:details", namespaces=X)
    # the hand is named in words, not by its identifier or scope ("h1, minor")
    hands = [visible(dt) for dt in dossier.iterfind(".//x:section[@id='te-hands']//x:dt", X)]
    assert hands == ["Hand 1 (an occasional hand)"]


def test_the_text_export_prints_no_markup_of_the_declarations(tmp_path):
    export_file(DOSSIER, "text", tmp_path / "dossier.txt")
    text = (tmp_path / "dossier.txt").read_text(encoding="utf-8")
    assert "corrected visibly with" not in text and not MARKUP.search(" ".join(text.split()))


@needs(PTA)
def test_a_declaration_that_writes_an_attribute_out_is_the_encoders(tmp_path):
    """The Patristic Text Archive's interpretation says where references go "in the
    attribute @source": that paragraph is the encoders', its neighbours are the readers'."""
    root = about(PTA, tmp_path)
    text = visible(root.find("x:body/x:main", X))
    assert not MARKUP.search(text), MARKUP.search(text).group(0)
    assert "@source" not in text
    sections = html_principles(root)
    assert [title for title, _ in sections] == ["Interpretation"]
    assert any(p.startswith("Places are partially annotated") for p in sections[0][1])
    # refsDecl's patterns and their notes document the encoding, not the edition
    assert "Noted are references to a biblical book" not in text and "#xpath(" not in text
    assert sections == pdf_principles(PTA)


@needs(STYLESHEETS)
@needs(FREEDICT)
def test_the_encodings_own_declarations_stay_in_the_tei(tmp_path):
    stylesheets = visible(about(STYLESHEETS, tmp_path / "a").find("x:body/x:main", X))
    # tagsDecl's CSS renditions and listPrefixDef's notes were printed as "Tags: content:..."
    assert "content:" not in stylesheets and "Private URIs" not in stylesheets
    assert "The edition states no editorial principles for its readers." in stylesheets
    freedict = about(FREEDICT, tmp_path / "b")
    text = visible(freedict.find("x:body/x:main", X))
    assert [title for title, _ in html_principles(freedict)] == ["The edition"]
    assert "It is part of the FreeDict project." in text
    # the part-of-speech values its tagsDecl lists for the encoders are not
    assert "N Comp" not in text and "V Phras V Refl" not in text
    conventions = visible(freedict.find(".//x:section[@id='te-conventions']", X))
    assert not MARKUP.search(conventions)
    # its revisions stay as its encoders wrote them, "<subc>" and all: a record, quoted
    assert "prepared the representation for the so far non-existent <subc>" in text


def test_the_about_pages_languages_are_named_for_readers_not_by_their_tags(dossier, tmp_path):
    # The dossier describes each language in words: the words alone, no "(ru-Latn)".
    listed = [visible(li) for li in dossier.xpath("//x:section[@id='te-languages']//x:li", namespaces=X)]
    assert listed[0] == "English: the essay and the translations."
    assert len(listed) == 5 and not any(re.search(r"\((en|de|ru|ru-Latn|ko-Latn)\)", li) for li in listed)
    # A language the header leaves without words is named from its tag, script and all;
    # a tag the policy does not know is given as written, the only fact there is.
    text = DOSSIER.read_text(encoding="utf-8")
    for tag in ("de", "ru-Latn", "ko-Latn"):
        text, n = re.subn(rf'<language ident="{tag}">[^<]*</language>',
                          f'<language ident="{"xx-Yyyy" if tag == "ko-Latn" else tag}"/>', text)
        assert n == 1
    source = tmp_path / "languages.xml"
    source.write_text(text, encoding="utf-8")
    root = about(source, tmp_path)
    listed = [visible(li) for li in root.xpath("//x:section[@id='te-languages']//x:li", namespaces=X)]
    assert listed[1:] == ["German", "Russian: the language of the original of Document No. 2 (not reproduced).",
                          "Russian in Latin script", "xx-Yyyy"]


def test_the_dossier_speaks_of_itself_in_readers_words():
    """The dossier's header showed readers "a TEI P5 encoding" (its subtitle) and "TEI
    encoding, register of names, …: tei-edition project" (who did what), on the site,
    in the PDF and in the text: the same facts, in words a reader uses."""
    from datetime import datetime, timezone

    from tei_edition.publish.formats import html, text

    tree = parse_file(DOSSIER)
    outputs = {"text": text.render(tree, DOSSIER).text,
               "typst": pdf.typst_source(tree, DOSSIER, date=datetime(2000, 1, 1, tzinfo=timezone.utc),
                                         fonts=[]).typst,
               **{name: page for name, page in html.render(tree, DOSSIER).files.items() if name.endswith(".html")}}
    for name, output in outputs.items():
        words = " ".join(output.split())
        assert not re.search(r"TEI P5|TEI encoding|this encoding", words), name
    # the facts stay: what the edition is, what the project did, who publishes it
    for name in ("text", "typst", "index.html"):
        words = " ".join(outputs[name].split())
        assert "NKIDP e-Dossier no. 8: a digital edition" in words, name
        assert re.search(r"[Dd]igital text, register of names, editorial corrections and notes", words), name
    assert "editorial notes of this edition are the work of the tei-edition project, which publishes them" in \
        " ".join(outputs["about.html"].split())


def _imprint(tree, source: Path) -> dict[str, str]:
    """The imprint page's lines (label -> text) from the Typst source the stylesheet writes."""
    typst = pdf.typst_source(tree, source, fonts=[]).typst
    block = typst.split("#te.imprint((", 1)[1].split("\n))", 1)[0]
    return {json.loads(label): json.loads(value)
            for label, value in re.findall(r'^  \(("(?:[^"\\]|\\.)*"), ("(?:[^"\\]|\\.)*")\),$', block, re.M)}


def test_the_imprint_dates_the_revision_and_the_printing_in_words(tmp_path):
    """The dossier's imprint printed "Revision: 2026-11-27: Complete encoding …" and "This
    printing: From the source file nkidp-edossier-8.xml of the edition.": the date in
    words (collection/dates.py), the printing for a reader of a book (no file name)."""
    imprint = _imprint(parse_file(DOSSIER), DOSSIER)
    assert imprint["Revision"].startswith("27 November 2026: Complete digital text of the essay and of "
                                          "Documents No. 1 and 2"), imprint
    assert imprint["This printing"] == "From the edition's text as revised on 27 November 2026."
    lines = " ".join(imprint.values())
    assert not re.search(r"2026-11-27|\.xml|source file|encoding", lines), lines
    # a revision dated by a range, and a text with no revision: nothing made up
    source = tmp_path / "text.xml"
    ranged = DOSSIER.read_text(encoding="utf-8").replace(
        '<change when="2026-11-27"', '<change notBefore="2026-11" notAfter="2026-12"')
    source.write_text(ranged, encoding="utf-8")
    imprint = _imprint(parse_file(source), source)
    assert imprint["Revision"].startswith("between November 2026 and December 2026: Complete digital text")
    assert imprint["This printing"] == \
        "From the edition's text as last revised (between November 2026 and December 2026)."
    source.write_text(re.sub(r"<revisionDesc>.*?</revisionDesc>", "", ranged, flags=re.S), encoding="utf-8")
    imprint = _imprint(parse_file(source), source)
    assert "Revision" not in imprint and imprint["This printing"] == "From the edition's text."
