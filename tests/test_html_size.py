"""Size of the HTML edition (issue #15): what the bytes of a page are spent on.

The source's indentation is written as one character per whitespace run; the text a
reader sees (after CSS collapses whitespace: no element of the pages keeps lines as
written) is the same as with the source's whitespace kept.
"""

from __future__ import annotations

import json

import re
from pathlib import Path

import pytest
from lxml import etree

from conftest import BROWSER_MARKS, DOSSIER, FIXTURES, letter_sample
from tei_edition.publish.export import export_file
from tei_edition.publish.formats.html import render
from tei_edition.xml.parse import parse_file

X = "{http://www.w3.org/1999/xhtml}"
# Elements whose whitespace a browser would keep (none is written today; if one ever
# is, its text must keep the source's whitespace).
KEEPS_LINES = {f"{X}pre", f"{X}textarea", f"{X}script", f"{X}style"}
SOURCES = [FIXTURES / "html" / "edition.xml", FIXTURES / "html" / "reader.xml",
           FIXTURES / "text" / "apparatus.xml", DOSSIER] + letter_sample(400)


def seen(text: str | None) -> str:
    """Text as CSS shows it in an element that collapses whitespace."""
    return re.sub(r"[ \t\n\r\f]+", " ", text or "")


def rendered(source: Path, collapse: bool) -> dict[str, str]:
    site = render(parse_file(source), source, collapse_whitespace=collapse)
    return {name: text for name, text in site.files.items() if name.endswith(".html")}


def nodes(page: str):
    """Every element with its text and tail, in document order, and whether it is in
    the reading text (what comes from the source, not from the stylesheets)."""
    root = etree.fromstring(page.encode("utf-8"))
    text = set(root.iterfind(f".//{X}div[@id='te-text']//*"))
    return [(el, el.text, el.tail, el in text) for el in root.iter()]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem[:30])
def test_collapsed_whitespace_reads_the_same(source):
    kept, collapsed = rendered(source, False), rendered(source, True)
    assert kept.keys() == collapsed.keys()
    saved = 0
    for name in kept:
        before, after = nodes(kept[name]), nodes(collapsed[name])
        assert len(before) == len(after), name
        extra = [0, 0]  # whitespace characters beyond the first of a run, in the reading text
        for (a, a_text, a_tail, in_text), (b, b_text, b_tail, _) in zip(before, after):
            assert (a.tag, dict(a.attrib)) == (b.tag, dict(b.attrib)), name
            if a.tag in KEEPS_LINES:
                assert a_text == b_text, (name, a.tag)
            else:
                assert seen(a_text) == seen(b_text), (name, a.get("id"), a_text, b_text)
            assert seen(a_tail) == seen(b_tail), (name, a.get("id"), a_tail, b_tail)
            if in_text and a.tag not in KEEPS_LINES:
                for i, texts in enumerate(((a_text, a_tail), (b_text, b_tail))):
                    extra[i] += sum(len(run) - 1 for text in texts
                                    for run in re.findall(r"[ \t\n\r]+", text or ""))
        # the source's text is written collapsed (a run stays two characters only where
        # the source has two text nodes around something the page leaves out)
        assert extra[1] <= extra[0] / 10, (name, extra)
        saved += len(kept[name].encode()) - len(collapsed[name].encode())
        # the whole page's text, as one string, is the same too
        assert (seen("".join(etree.fromstring(kept[name].encode()).itertext())).strip()
                == seen("".join(etree.fromstring(collapsed[name].encode()).itertext())).strip())
    if source.parent.name == "letters":
        assert saved > 0, "a real letter's indentation is written shorter"


@BROWSER_MARKS[0]
@BROWSER_MARKS[1]
def test_hover_texts_written_once_show_on_hover(new_page, tmp_path):
    """The hover texts that are the same on thousands of elements are the script's
    (edition.js, hints): the page shows them as the title it used to carry."""
    from playwright.sync_api import expect

    site = tmp_path / "site"
    export_file(FIXTURES / "html" / "edition.xml", "html", site)
    page = new_page((site / "index.html").as_uri(), 1400, 1000)
    page.wait_for_selector("#te-tools:not([hidden])")
    expected = {
        "span.name.unresolved": "Not found in the registers",
        "#div1\\.p2 > a.cite": "Link to this passage",
        "main .tei-choice.shown-corr": "Corrected; the source reads: Bucarest",
    }
    for selector, title in expected.items():
        node = page.locator(selector).first
        assert node.get_attribute("title") is None, selector
        node.hover()
        expect(node).to_have_attribute("title", title)
    assert page.problems == []


@BROWSER_MARKS[0]
@BROWSER_MARKS[1]
def test_an_addition_and_a_page_break_have_their_hover_texts_from_the_script(new_page, tmp_path):
    """"Added in the source" (an addition that names no place or hand) and "Page 7 of
    the source begins" are the script's, not written on each of hundreds."""
    from playwright.sync_api import expect

    source = tmp_path / "letter.xml"
    source.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>A letter'
        '</title></titleStmt><publicationStmt><p>Test</p></publicationStmt><sourceDesc><p>Test</p>'
        '</sourceDesc></fileDesc></teiHeader><text><body><p>Words <add>added</add> and more'
        '<pb n="7"/> words, <add place="above">above</add>, <pb/> the end.</p></body></text></TEI>',
        encoding="utf-8")
    export_file(source, "html", tmp_path / "site")
    written = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "of the source begins" not in written and written.count('title="Added in the source') == 1
    page = new_page((tmp_path / "site" / "index.html").as_uri(), 1400, 1000)
    page.wait_for_selector("#te-tools:not([hidden])")
    expected = [("main .tei-add >> nth=0", "Added in the source"),
                ("main .tei-add >> nth=1", "Added in the source, place: above"),
                ("main .pb >> nth=0", "Page 7 of the source begins"),
                ("main .pb >> nth=1", "A page of the source begins")]
    for selector, title in expected:
        node = page.locator(selector)
        node.hover()
        expect(node).to_have_attribute("title", title)
    assert page.problems == []


def test_what_the_element_says_carries_no_class(tmp_path):
    """A paragraph is a <p>, italic an <i>, bold a <b>, underlined a <u>: no class
    "tei-p", "tei-hi rend-italic" on each of thousands; what the element does not say
    keeps its class (another rendition, two at once)."""
    source = tmp_path / "doc.xml"
    source.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>A letter'
        '</title></titleStmt><publicationStmt><p>Test</p></publicationStmt><sourceDesc><p>Test</p>'
        '</sourceDesc></fileDesc></teiHeader><text><body><p xml:id="p1">An <hi rend="italic">italic</hi>,'
        ' <hi rend="bold">bold</hi>, <hi rend="underline">underlined</hi>, <hi rend="italic underline">both'
        '</hi> and <hi rend="spaced">spaced</hi> word.</p><p xml:id="p2" rend="indent">Indented.</p>'
        '</body></text></TEI>', encoding="utf-8")
    page = render(parse_file(source), source).files["index.html"]
    assert ('<p id="p1">An <i>italic</i>, <b>bold</b>, <u>underlined</u>, '
            '<i class="tei-hi rend-italic rend-underline">both</i> and '
            '<span class="tei-hi rend-spaced">spaced</span> word.</p>') in page
    assert '<p id="p2" class="rend-indent">Indented.</p>' in page


def test_search_numbers_round_trip():
    from tei_edition.publish import search_index

    values = [0, 1, 31, 32, 63, 64, 1023, 1024, 1663, 1664, 4815, 99_999, 2**31 + 7, 0, 5]
    text = search_index.numbers(values)
    assert search_index.read_numbers(text) == values
    # most numbers (passages, positions, steps) one character, a position of a long
    # passage two
    assert [len(search_index.numbers([n])) for n in (31, 63, 64, 1023, 1663, 1664)] == [1, 1, 2, 2, 2, 3]
    # safe in a JSON string inside a script: no quote, backslash, "<"; no "#" (the
    # spill's records) nor white space
    assert not set(search_index.LAST + search_index.MORE) & set("\"\\<# \t\n")
    assert json.dumps(text) == f'"{text}"'


def load_size(page: Path, site: Path) -> int:
    """What a page loads before images: itself, its scripts and stylesheets (the search
    page's shards come on demand, for the query's terms)."""
    root = etree.fromstring(page.read_bytes()[page.read_bytes().index(b"<html"):])
    size = page.stat().st_size
    for ref in root.xpath("//x:script/@src | //x:link[@rel='stylesheet']/@href",
                          namespaces={"x": X[1:-1]}):
        target = (page.parent / ref).resolve()
        assert target.is_file() and site.resolve() in target.parents, (page, ref)
        size += target.stat().st_size
    return size


def site_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


@pytest.mark.slow
def test_every_page_of_a_collection_loads_under_300_kb(tmp_path):
    from test_collection_site_fixture import build_site, generate

    source = generate(tmp_path / "src", letters=60)
    build_site(source, tmp_path / "out")
    site = tmp_path / "out" / "html"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 60
    loads = {p: load_size(p, site) for p in pages}
    assert max(loads.values()) < 300_000, max(loads.items(), key=lambda kv: kv[1])
    # a letter's page is its letter and the shared assets (edition.js and .css, the
    # header's search-box.js: 62 KB),
    # never the collection's data (catalogue, search index, name cards: those load on
    # demand): the smallest stays small
    letters = [p for p in pages if p.parent.name == "letters"]  # letters/<id>.html
    assert len(letters) == 60
    for page in letters:
        loaded = etree.fromstring(page.read_bytes()[page.read_bytes().index(b"<html"):]).xpath(
            "//x:script/@src | //x:link[@rel='stylesheet']/@href", namespaces={"x": X[1:-1]})
        assert all(ref.startswith("../assets/") for ref in loaded), (page, loaded)
    assert min(loads[p] for p in letters) < 66_000


@pytest.mark.slow
@pytest.mark.skipif(not letter_sample(1), reason="the letter corpus is not available")
def test_site_of_real_letters_stays_within_its_size_ratio(tmp_path):
    """The site of real letters (the first 80 of ../shared/corpus/letters, with the
    registers) against its TEI. Issue #15: at most 3x; here the letters' own pages and
    their search index (2.9x when this was written, 3.2x before the whitespace, hover
    texts and postings were made smaller) against the letters' TEI, the registers'
    pages being the registers' own; and every page loads under 300 KB."""
    from test_collection_site_fixture import build_site

    letters = letter_sample(1)[:80]
    source = tmp_path / "src"
    (source / "letters").mkdir(parents=True)
    for path in letters:
        (source / "letters" / path.name).symlink_to(path)
    (source / "registers").symlink_to(letters[0].parent.parent / "registers")
    build_site(source, tmp_path / "out")
    site = tmp_path / "out" / "html"
    tei = sum(p.stat().st_size for p in letters)
    own = site_bytes(site / "letters") + site_bytes(site / "search")
    print(f"letters and search {own} bytes for {tei} bytes of TEI: {own / tei:.2f}x")
    assert own <= 3.0 * tei, own / tei
    assert max(load_size(p, site) for p in site.rglob("*.html")) < 300_000
