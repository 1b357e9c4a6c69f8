"""The static HTML edition: structure of the written site, checked with XPath.

Every page is XHTML5 (well-formed XML served as HTML), so it is parsed strictly here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import etree

from conftest import FIXTURES
from tei_edition.publish.anchors import anchor
from tei_edition.publish.export import export_file
from tei_edition.xml.parse import NS, TEI_NS, parse_file

EDITION = FIXTURES / "html" / "edition.xml"
HOSTILE = FIXTURES / "html" / "hostile.xml"
APPARATUS = FIXTURES / "text" / "apparatus.xml"
X = {"x": "http://www.w3.org/1999/xhtml"}
PAGES = ("index.html", "persons.html", "places.html", "organizations.html", "about.html")
# Elements whose HTML content model is phrasing: no block may stand inside them.
PHRASING = ("p", "span", "a", "h1", "h2", "h3", "h4", "h5", "h6", "i", "em", "b", "cite",
            "time", "sup", "sub", "mark", "label", "summary", "dt")
BLOCKS = ("div", "p", "section", "ul", "ol", "li", "table", "blockquote", "dl", "h1", "h2",
          "h3", "h4", "h5", "h6", "header", "footer", "nav", "article", "aside", "figure")


def build(source: Path, folder: Path, **options) -> Path:
    export_file(source, "html", folder, **options)
    return folder


def page(site: Path, name: str) -> etree._Element:
    text = (site / name).read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>"), f"{name} starts with the HTML5 doctype"
    return etree.fromstring(text.encode("utf-8"))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(EDITION, tmp_path_factory.mktemp("html") / "site")


@pytest.fixture(scope="module")
def index(site) -> etree._Element:
    return page(site, "index.html")


@pytest.fixture(scope="module")
def tei() -> etree._Element:
    return parse_file(EDITION).getroot()


def entity_cards(site: Path) -> dict:
    """The name cards' data: entities.js assigns one JSON object to window.teEntities,
    the entries grouped by type, each [label, dates, description] without the empty ones
    at its end; returned as {id: {"type", "label", "dates"?, "description"?}}."""
    script = (site / "entities.js").read_text(encoding="utf-8")
    assert "\\/" not in script
    return parse_cards(json.loads(script.split("window.teEntities = ", 1)[1].rstrip().removesuffix(";")))


def parse_cards(data: dict) -> dict:
    cards = {}
    for kind, entries in data.items():
        for key, fields in entries.items():
            assert 1 <= len(fields) <= 3 and all(isinstance(f, str) for f in fields), fields
            assert fields[0] and (len(fields) == 1 or fields[-1]), f"{key}: an empty field at the end"
            assert key not in cards, f"{key} twice"
            cards[key] = {"type": kind, **{k: v for k, v in zip(("label", "dates", "description"), fields) if v}}
    return cards


def text_of(node) -> str:
    return "".join(node.itertext())


def _skipped_names() -> set[str]:
    """The elements the common layer classifies as metadata (never reading text),
    read from classify.xsl so that this test follows the policy."""
    from tei_edition import resources

    sheet = etree.parse(str(resources.stylesheet("common/classify.xsl")))
    select = sheet.xpath("//*[local-name()='variable'][@name='te:skipped']/@select")[0]
    return set(re.findall(r"'([^']+)'", select))


SKIPPED = _skipped_names()
_SHOWN = {"normalised": ("corr", "reg", "expan", "ex"), "diplomatic": ("sic", "orig", "abbr", "am")}


def _shown_child(el, reading: str):
    children = [c for c in el if isinstance(c.tag, str)]
    if etree.QName(el).localname == "app":
        named = [c for name in ("lem", "rdg", "rdgGrp") for c in children if etree.QName(c).localname == name]
    else:
        named = [c for name in _SHOWN[reading] for c in children if etree.QName(c).localname == name]
    return (named or children or [None])[0]


def _left_out(node, reading: str) -> bool:
    """Whether the policy leaves this element's text out of the reading text: skipped
    metadata, a gap's description, the rejected readings of choice and app."""
    for el in (node, *node.iterancestors()):
        parent = el.getparent()
        if etree.QName(el).namespace == TEI_NS and etree.QName(el).localname in SKIPPED:
            return True
        if parent is None or etree.QName(parent).namespace != TEI_NS:
            continue
        name, parent_name = etree.QName(el).localname, etree.QName(parent).localname
        if name == "desc" and parent_name == "gap":
            return True
        if parent_name in ("choice", "app") and el is not _shown_child(parent, reading):
            return True
    return False


def words_by_text_node(nodes) -> list[set[str]]:
    return [set(re.findall(r"\w+", t)) for t in nodes]


def missing_words(tei_root, html_root, reading: str = "normalised") -> list[str]:
    """Words of the TEI <text> (by text node, as the policy shows them) that are on no
    text node of the page. Text nodes are copied whole, so a word never straddles two."""
    page_words: set[str] = set()
    for text in html_root.xpath("//x:body//text()[not(ancestor::x:script)]", namespaces=X):
        page_words.update(re.findall(r"\w+", text))
    missing = []
    for outer in tei_root.xpath("//tei:text[not(ancestor::tei:text)]", namespaces=NS):
        for text in outer.xpath(".//text()"):
            words = set(re.findall(r"\w+", text))
            if not words or words <= page_words:
                continue
            holder = text.getparent()
            if text.is_tail:
                holder = holder.getparent()
            if holder is None or _left_out(holder, reading):
                continue
            missing.extend(sorted(words - page_words))
    return missing


# ---------------------------------------------------------------- the pages

def test_every_page_is_xhtml5_with_language_csp_and_skip_link(site):
    for name in PAGES:
        root = page(site, name)
        assert root.get("lang") == "en"
        csp = root.xpath("string(//x:meta[@http-equiv='Content-Security-Policy']/@content)", namespaces=X)
        assert "default-src 'none'" in csp and "script-src 'self'" in csp
        assert root.xpath("//x:a[@class='skip-link']/@href", namespaces=X) == ["#te-main"]
        assert root.xpath("count(//x:main[@id='te-main'])", namespaces=X) == 1
        assert len(root.xpath("//x:h1", namespaces=X)) == 1, f"{name} has one h1"
    assert (site / "assets" / "edition.css").is_file() and (site / "assets" / "edition.js").is_file()


def test_assets_ship_with_the_stylesheets_in_the_wheel():
    import tomllib

    from conftest import ROOT
    from tei_edition import resources

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    included = project["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert included.get("xslt") == "tei_edition/_data/xslt"
    for name in ("palette.css", "edition.css", "edition.js"):
        assert (resources.xslt_dir() / "html" / "assets" / name).is_file()


def test_nothing_is_fetched_from_elsewhere(site):
    for name in PAGES:
        root = page(site, name)
        sources = root.xpath("//x:script/@src | //x:link/@href | //x:img/@src", namespaces=X)
        assert sources and all(not re.match(r"^[a-z]+:|^//", s) for s in sources), sources
        assert not root.xpath("//x:script[not(@src)] | //@style | //x:style", namespaces=X)
    css = (site / "assets" / "edition.css").read_text()
    # its one import is the palette beside it, which imports and loads nothing
    assert re.findall(r"@import[^;]*;", css) == ['@import url("palette.css");']
    assert "url(" not in css.replace('@import url("palette.css");', "")
    palette = (site / "assets" / "palette.css").read_text()
    assert "--ink" in palette and "@import" not in palette and "url(" not in palette


def test_html_content_models_ids_and_internal_links(site):
    ids_of = {}
    for name in PAGES:
        root = page(site, name)
        ids = root.xpath("//@id")
        assert len(ids) == len(set(ids)), f"duplicate ids in {name}"
        ids_of[name] = set(ids)
        blocks = " or ".join(f"self::x:{b}" for b in BLOCKS)
        for container in PHRASING:
            bad = root.xpath(f"//x:{container}//*[{blocks}]", namespaces=X)
            assert not bad, f"{name}: <{etree.QName(bad[0]).localname}> inside <{container}>"
        assert not root.xpath("//x:a//x:a", namespaces=X), f"nested links in {name}"
    for name in PAGES:
        for href in page(site, name).xpath("//x:a/@href", namespaces=X):
            if href.startswith("https://"):
                continue
            target, _, fragment = href.partition("#")
            target = target or name
            assert target in ids_of, f"{name}: link to a missing page {href}"
            if fragment:
                assert unquote(fragment) in ids_of[target], f"{name}: dangling link {href}"


def test_title_block_comes_from_the_header(index):
    block = index.find(".//x:header[@class='title-block']", X)
    text = re.sub(r"\s+", " ", text_of(block))
    for expected in ("New Evidence on Inter-Korean Party Ties", "by James Person",
                     "Bernd Schaefer, Gary Goldberg", "Example e-Dossier no. 8",
                     "Bundesarchiv (SAPMO-BA), DY 30, IV 2/20/137", "AVPRF"):
        assert expected in text
    contents = index.xpath("//x:nav[@class='contents']//x:a", namespaces=X)
    assert [a.get("href") for a in contents] == ["#front1.div1", "#doc1", "#doc2"]
    assert text_of(contents[1]).startswith("Document No. 1: Note about a Conversation")


# ---------------------------------------------------------------- the reading text

def test_every_word_of_the_text_is_on_the_page(index, tei):
    assert not missing_words(tei, index), "words of the TEI missing from index.html"


def test_every_citable_block_has_its_stable_anchor(index, tei):
    ids = set(index.xpath("//@id"))
    blocks = [el for el in tei.find("tei:text", NS).iter(f"{{{TEI_NS}}}p", f"{{{TEI_NS}}}head",
                                                          f"{{{TEI_NS}}}note", f"{{{TEI_NS}}}item")]
    assert len(blocks) > 10
    for block in blocks:
        assert anchor(block) in ids, f"no id {anchor(block)} for <{etree.QName(block).localname}>"
    # the permalinks are the script's, made from these ids (test_html_browser): the page
    # does not carry one per paragraph
    assert index.xpath("//x:div[@id='te-text']//x:p[@id]", namespaces=X)
    assert not index.xpath("//x:a[@class='cite']", namespaces=X)


def test_every_tagged_name_links_to_an_existing_register_entry(site, index, tei):
    resolvable = [n for n in tei.find("tei:text", NS).xpath(".//*[@ref]")
                  if etree.QName(n).localname in ("persName", "placeName", "orgName", "rs", "name")
                  and tei.xpath("boolean(//*[@xml:id=$id])", id=n.get("ref").lstrip("#"))]
    # (a name's link says it is one, and of which kind: persons.html#…, no class)
    links = [a for a in index.xpath("//x:main//x:a[@href]", namespaces=X)
             if a.get("href").split("#")[0] in ("persons.html", "places.html", "organizations.html")
             and not a.xpath("ancestor::x:span[@class='sidenote']", namespaces=X)]
    assert len(links) == len(resolvable) == 20
    assert not [a.get("class") for a in links if {"name", "person", "place", "org"} & set(a.get("class", "").split())]
    cards = entity_cards(site)
    for link in links:
        target, _, fragment = link.get("href").partition("#")
        entry = page(site, target).xpath("//x:article[@id=$id]", id=fragment, namespaces=X)
        assert entry, f"{link.get('href')} has no entry"
        # the card's data is written once, in entities.js; the name holds only the link,
        # whose fragment is the entry's id (the script reads it there: no data-entity)
        card = cards[unquote(fragment)]
        assert link.get("data-entity") is None
        assert card["label"] and card["type"] in ("person", "place", "org")
        assert link.get("data-description") is None and link.get("title") is None
    # a name whose @ref points nowhere is marked, not linked
    nobody = index.xpath("//x:span[contains(@class, 'unresolved')]", namespaces=X)
    assert [text_of(n) for n in nobody] == ["Nobody"]


def test_a_card_says_what_the_printed_index_says(tmp_path):
    """A card is a glance (issue 15): the entry's life dates and the index's short form of
    its description (names.xsl, te:index-description: the first clause, the name and
    dates it opens with not repeated); the register page keeps the whole note."""
    source = tmp_path / "card.xml"
    source.write_text(
        f'<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt><title>Cards</title></titleStmt>'
        "<publicationStmt><p>test</p></publicationStmt><sourceDesc><p>generated</p></sourceDesc>"
        "</fileDesc></teiHeader><text><body><p>A letter to <persName ref='#p1'>Lydia</persName>"
        " from <placeName ref='#pl1'>Enge</placeName>.</p></body></text><standOff><listPerson>"
        "<person xml:id='p1'><persName><forename>Lydia</forename> <surname>Escher</surname></persName>"
        "<birth when='1797-05-10'/><death when='1868'/><note>Lydia Escher (1797–1868), daughter of"
        " a merchant &amp; weaver in Zürich/Enge; married 1820 a <hi>silk</hi> trader. Later she"
        " founded a school.</note></person></listPerson><listPlace><place xml:id='pl1'>"
        "<placeName>Enge</placeName></place></listPlace></standOff></TEI>", encoding="utf-8")
    site = build(source, tmp_path / "site")
    script = (site / "entities.js").read_text(encoding="utf-8")
    assert "Zürich/Enge" in script and "\\u0026" in script and "&" not in script
    assert entity_cards(site) == {
        "p1": {"type": "person", "label": "Lydia Escher", "dates": "1797–1868",
               "description": "daughter of a merchant & weaver in Zürich/Enge"},
        "pl1": {"type": "place", "label": "Enge"}}
    persons = "".join(page(site, "persons.html").itertext())
    assert "married 1820 a silk trader. Later she founded a school." in persons


def test_an_entry_s_literature_reads_as_the_text_does(tmp_path):
    """A register entry's bibl stood on its register page under "Bibl" (the element's
    name), its text raw: both readings of a choice ("Vgl.Vergleiche") and the marks around
    a reference that prints nothing ("Seite(n) 15; ."). It reads as the collection
    site's pages read it (te:literature)."""
    source = tmp_path / "literature.xml"
    source.write_text(
        f'<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt><title>Literature</title></titleStmt>'
        "<publicationStmt><p>test</p></publicationStmt><sourceDesc><p>generated</p></sourceDesc>"
        "</fileDesc></teiHeader><text><body><p>A letter to <persName ref='#p1'>Lydia</persName>."
        "</p></body></text><standOff><listPerson><person xml:id='p1'><persName>Lydia Escher</persName>"
        "<bibl><choice><abbr>Vgl.</abbr><expan>Vergleiche</expan></choice> <ref type='lit'>Verzeichnis"
        "</ref>, <choice><abbr>S.</abbr><expan>Seite(n)</expan></choice> 15; <ref type='sum' "
        "target='F_p19'><!--Jung, Briefe--></ref>.</bibl></person></listPerson></standOff></TEI>",
        encoding="utf-8")
    entry = page(build(source, tmp_path / "site"), "persons.html").xpath("//x:article[@id='p1']", namespaces=X)[0]
    facts = [(el.tag.split("}")[1], text_of(el)) for el in entry.xpath(".//x:dl/*", namespaces=X)]
    assert facts == [("dt", "Literature"), ("dd", "Vergleiche Verzeichnis, Seite(n) 15.")], facts


def test_every_register_entry_lists_every_mention(site, index, tei):
    refs = {}
    for name in tei.find("tei:text", NS).xpath(".//*[@ref]"):
        for token in name.get("ref").split():
            refs[token.lstrip("#")] = refs.get(token.lstrip("#"), 0) + 1
    ids = set(index.xpath("//@id"))
    seen = 0
    for register in ("persons.html", "places.html", "organizations.html"):
        root = page(site, register)
        entries = root.xpath("//x:article[contains(@class, 'entry')]", namespaces=X)
        for entry in entries:
            mentions = entry.xpath(".//x:ol[@class='mentions']/x:li/x:a/@href", namespaces=X)
            assert len(mentions) == refs.get(entry.get("id"), 0), entry.get("id")
            assert all(h.split("#", 1)[1] in ids for h in mentions)
            seen += 1
        labels = [text_of(e.find(".//x:span[@class='entry-label']", X)) for e in entries]
        keys = [re.sub(r"[^a-z ,]", "", lbl.lower().replace("ä", "a").replace("ö", "o")) for lbl in labels]
        assert keys == sorted(keys), f"{register} is alphabetical"
    assert seen == 14
    puzanov = page(site, "persons.html").xpath("//x:article[@id='p-puzanov']", namespaces=X)[0]
    assert text_of(puzanov.find(".//x:span[@class='count']", X)) == "3 mentions"
    assert text_of(puzanov.find(".//x:span[@class='entry-label']", X)) == "Puzanov, Aleksandr"
    first = puzanov.find(".//x:ol[@class='mentions']/x:li", X)
    assert "Document No. 1" in text_of(first) and first.find(".//x:mark", X).text == "Puzanov"


def test_register_identifiers_link_only_to_safe_addresses(site):
    root = page(site, "persons.html")
    links = root.xpath("//x:ul[@class='identifiers']//x:a/@href", namespaces=X)
    assert links == ["https://www.wikidata.org/wiki/Q39464", "https://viaf.org/viaf/12345678"]
    assert "javascript:alert(2)" in text_of(root)  # shown as text, never as a link


def test_editorial_markup_is_visible_and_explained(index):
    def one(cls):
        found = index.xpath(f"//x:main//x:span[contains(@class, '{cls}')]"
                            "[not(ancestor::x:span[@class='sidenote'])]", namespaces=X)
        assert found, cls
        return found[0]

    supplied = one("tei-supplied")
    assert text_of(supplied) == "[SED]" and "omitted in the source" in supplied.get("title")
    gap = one("tei-gap")
    # the common layer's sign says why the text is missing, in words
    assert text_of(gap).startswith("[… ") and "illegible" in gap.get("title")
    choice = index.xpath("//x:span[contains(@class, 'shown-corr')]", namespaces=X)[0]
    assert text_of(choice) == "Bucharest"
    # what the source reads: the other reading, which the script sets beside it, hidden
    # until the switch shows it (its hover text is the script's too, a browser test
    # hovers it: test_html_size; the switch: test_html_browser)
    assert choice.get("data-other") == "Bucarest"
    assert choice.get("title") is None
    assert "hand: Handwritten annotations in ink" in one("tei-add").get("title")
    assert one("tei-stamp").get("title") == "Stamp: received"
    assert text_of(one("tei-del")) == "⟦twice⟧"
    pbs = index.xpath("//x:main//*[contains(@class, 'pb')]/x:span[@class='pb-n']", namespaces=X)
    assert [text_of(p) for p in pbs] == ["p. 1", "p. 2"]
    source = index.xpath("//x:p[contains(@class, 'source-line')]", namespaces=X)
    assert len(source) == 2 and text_of(source[0]).startswith("[Source: Bundesarchiv")


def backlinks(entry):
    """Where the backlinks of a note's entry lead: a link that is the entry's number or
    letter, a backlink to assistive technology (described by the page's one label, by
    the script: not an attribute written on each)."""
    links = entry.xpath("x:a[@role='doc-backlink']", namespaces=X)
    assert [a.text for a in links] == [entry.xpath("string(x:a[1])", namespaces=X)] and links[0].text
    assert not any(a.get("aria-describedby") for a in links)
    return [a.get("href") for a in links]


def assert_backlinks_described(root):
    """Every backlink's description is there once, "Back to the text" (hidden: it is
    read only as the links' description, which edition.js gives each backlink:
    test_html_browser, test_backlinks_are_described_by_the_script)."""
    assert root.xpath("//x:a[@role='doc-backlink']", namespaces=X)
    label = root.xpath("//*[@id='te-back']", namespaces=X)
    assert len(label) == 1 and label[0].text == "Back to the text" and label[0].get("hidden") == ""
    assert not root.xpath("//x:a[@role='doc-backlink'][@aria-describedby]", namespaces=X)


def test_notes_are_numbered_footnotes_with_back_links(index):
    refs = index.xpath("//x:a[@class='noteref']", namespaces=X)
    assert [text_of(r) for r in refs] == ["1", "1", "1"]
    for ref in refs:
        note = index.xpath("//x:li[@id=$id]", id=ref.get("href")[1:], namespaces=X)
        assert note and backlinks(note[0]) == ["#" + ref.get("id")]
    assert_backlinks_described(index)
    # notes never stand in the running text: only a marker and the margin copy
    paragraph = index.xpath("//x:p[@id='div1.p1']", namespaces=X)[0]
    visible = "".join(t for t in paragraph.xpath(".//text()[not(ancestor::x:span[@class='sidenote'])]",
                                                    namespaces=X))
    assert "had met in December" not in visible
    # the margin copy is the script's (test_html_browser, test_each_note_is_shown_once)
    assert not index.xpath("//x:span[@class='sidenote']", namespaces=X)
    # a reader sees each note once: the list after the unit marks the notes that stand
    # in the margin (the stylesheet hides them there on wide screens), and each list is
    # a landmark with a name of its own
    items = index.xpath("//x:section[contains(@class, 'footnotes')][not(contains(@class, 'apparatus'))]//x:li",
                        namespaces=X)
    assert items and all("in-margin" in li.get("class", "").split()
                         or "all-in-margin" in li.getparent().getparent().get("class").split() for li in items)
    labels = index.xpath("//x:section[contains(@class, 'footnotes')]/@aria-label", namespaces=X)
    assert len(labels) == len(set(labels)) >= 2 and "Notes to Document No. 1" in labels[1]


def test_critical_apparatus_is_visible_with_letters_and_back_links(tmp_path):
    site = build(APPARATUS, tmp_path / "site")
    root = page(site, "index.html")
    ids = root.xpath("//@id")
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert not root.xpath("//x:a//x:a", namespaces=X)
    # after each lemma its letter, linking to the entry, which links back
    refs = root.xpath("//x:a[contains(@class, 'appref')]", namespaces=X)
    # (the app inside a footnote has no letter: a footnote carries no notes, its entry
    # follows the word in brackets; the choice's other reading is lettered f)
    assert [text_of(r) for r in refs] == ["a", "b", "c", "d", "e", "f", "a"]
    for ref in refs:
        entry = root.xpath("//x:li[@id=$id]", id=ref.get("href")[1:], namespaces=X)
        assert entry and backlinks(entry[0]) == ["#" + ref.get("id")]
    assert_backlinks_described(root)
    # inside a link the letter is not a link of its own, but the entry still links back
    inner = root.xpath("//x:a[starts-with(@href, 'https:')]//x:sup[contains(@class, 'appref')]", namespaces=X)
    assert [text_of(s) for s in inner] == ["b"]
    assert root.xpath("//x:li[@id=$id]", id=inner[0].get("id")[:-len("-ref")], namespaces=X)
    # one variants list per unit, after its notes, in letter order
    lists = root.xpath("//x:section[contains(@class, 'apparatus')]", namespaces=X)
    assert len(lists) == 2
    assert lists[0].xpath("preceding-sibling::x:section[1]/x:h3/text()", namespaces=X) == ["Notes"]
    entries = [" ".join(text_of(li).split()) for li in lists[0].xpath(".//x:li", namespaces=X)]
    assert entries == ["a lemmaone] readingone (B); readingtwo (C)", "b innerlem] innerrdg (B)",
                       "c outer innerlem words] om. C", "d ∅] addedrdg (B)",
                       "e firstrdg] secondrdg (B) — B: Detailword", "f Corrword] source reads: Sicword"]
    assert "[Note: Rdgnote]" in text_of(lists[1])
    # the readings stay on hover too
    assert root.xpath("//x:span[contains(@class, 'tei-app')]/@title", namespaces=X)[0] == \
        "Variant readings: readingone (B) | readingtwo (C)"


def test_unknown_elements_keep_their_text_in_a_classed_element(index):
    zzz = index.xpath("//x:span[@class='tei-zzz unknown']", namespaces=X)
    mystery = index.xpath("//x:div[@class='tei-mystery unknown']", namespaces=X)
    assert text_of(zzz[0]) == "kept words" and "block words" in text_of(mystery[0])


def test_a_page_break_between_list_items_keeps_every_item_in_the_list(tmp_path):
    """FRUS 1918 Russia III's contents put page breaks between chapters' items: the list
    was written as plain blocks, every item without its bullet, the page number among
    them. A break before an item opens that item; one after the last follows the list."""
    source = tmp_path / "contents.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Contents</title></titleStmt><publicationStmt><p>P</p></publicationStmt><sourceDesc><p>S</p>
</sourceDesc></fileDesc></teiHeader><text><body><div><head>Contents</head><list type="toc">
<item>Loans</item><item>Currency</item><pb n="IV" xml:id="pg_IV"/><item>Relief</item>
<item>Railways</item><pb n="V" xml:id="pg_V"/></list><p>After the list.</p></div></body></text></TEI>""",
                      encoding="utf-8")
    root = page(build(source, tmp_path / "site"), "index.html")
    lists = root.xpath("//x:div[@id='te-text']//x:ul", namespaces=X)
    assert len(lists) == 1
    assert [child.tag for child in lists[0]] == ["{http://www.w3.org/1999/xhtml}li"] * 4
    words = ".//text()[not(ancestor::*[contains(@class, 'pb')])]"
    assert ["".join(li.xpath(words)) for li in lists[0]] == ["Loans", "Currency", "Relief", "Railways"]
    # the page opens the item it stands before, its number first; the last page follows the list
    assert lists[0][2][0].get("id") == "pg_IV" and "pb" in lists[0][2][0].get("class").split()
    after = lists[0].getnext()
    assert after.get("id") == "pg_V" and text_of(after) == "p. V"


@pytest.mark.parametrize("reading, shown, other", [("normalised", "Bucharest", "Bucarest"),
                                                   ("diplomatic", "Bucarest", "Bucharest")])
def test_the_reading_follows_the_common_policy(tmp_path, reading, shown, other):
    root = page(build(EDITION, tmp_path / "site", reading=reading), "index.html")
    choice = root.xpath("//x:span[contains(@class, 'tei-choice')]", namespaces=X)[0]
    # the shown reading is the text; the other one is for the switch, which the script
    # makes (its button's reading from the text's class: test_html_browser)
    assert text_of(choice) == shown and choice.get("data-other") == other
    assert "switch" in choice.get("class").split()
    assert root.xpath("//x:div[@id='te-text']/@class", namespaces=X) == [f"edition-text reading-{reading}"]


# ---------------------------------------------------------------- search, about

def test_search_index_is_a_script_with_passages_and_entries(site, index):
    script = (site / "search-index.js").read_text(encoding="utf-8")
    match = re.search(r"window\.teSearchIndex = (.*);\n$", script, re.S)
    data = json.loads(match.group(1))
    ids = set(index.xpath("//@id"))
    assert data["passages"] and all(p["id"] in ids for p in data["passages"])
    texts = " ".join(p["text"] for p in data["passages"])
    assert "Bucharest Meeting" in texts and "skachkoobraznoe razvitie" in texts
    note = next(p for p in data["passages"] if "had met in December" in p["text"])
    assert note["where"] == "Document No. 1, note 1"
    assert {"label": "Aleksandr Puzanov", "register": "Persons", "href": "persons.html#p-puzanov",
            "mentions": 3} in data["entries"]


def test_about_page_explains_conventions_signs_and_header(site):
    root = page(site, "about.html")
    text = re.sub(r"\s+", " ", text_of(root))
    assert "Obvious slips of the typescript are corrected" in text
    assert "Corrections" in text and "Normalisation" in text
    signs = [text_of(td) for td in root.xpath("//x:table[@class='signs']//x:tr/x:td[1]", namespaces=X)]
    assert signs[:4] == ["[text]", "[… illegible]", "text[?]", "⟦text⟧"]
    # a hand is named in words, not by its identifier ("hand-ink")
    assert "Hand 1 (ink)" in text and "hand-ink" not in text and "Korean (romanised)" in text and "(ko)" not in text
    # the header's every detail, in words: publication, sources (identifier and contents),
    # revisions with their date and who made them; no tree of element names
    record = {text_of(dt) for dt in root.xpath("//x:section[@id='te-record']//x:dt", namespaces=X)}
    assert "Example Documentation Project, Washington, DC, November 2011" in text
    assert "Creative Commons Attribution 4.0" in text
    assert "Moscow, Archive of the Foreign Policy of the Russian Federation (AVPRF), Fond 0102, " \
           "opis 16, delo 7, listi 8-10" in text
    assert "Journal of the Soviet ambassador (document 2)." in text
    assert "1 May 2024, Bernd Schaefer: First encoding." in text
    assert {"Published", "Rights", "Sources", "Revisions"} <= record
    assert not root.xpath("//x:code | //*[contains(@class, 'header-tree')]", namespaces=X)
    assert not re.search(r"\b(teiHeader|revisionDesc|msIdentifier|xml:id)\b", text)


# ---------------------------------------------------------------- safety, determinism

def test_hostile_input_never_becomes_markup_or_script_links(tmp_path):
    site = build(HOSTILE, tmp_path / "site")
    for name in ("index.html", "persons.html", "about.html"):
        root = page(site, name)
        scripts = root.xpath("//x:script/@src", namespaces=X)
        assert scripts == ["search-index.js", "entities.js", "assets/edition.js"]
        assert not root.xpath("//*[namespace-uri() != 'http://www.w3.org/1999/xhtml']")
        assert not root.xpath("//@*[starts-with(name(), 'on')] | //@style")
        for href in root.xpath("//@href | //@src"):
            assert not re.match(r"^\s*(javascript|data|vbscript|file):", href, re.I), href
    root = page(site, "index.html")
    assert root.get("lang") == "und"
    assert '<script>alert("title")</script>' in text_of(root.find(".//x:h1", X))
    assert "Text <script>alert(8)</script> stays text." in text_of(root)
    assert root.xpath("//x:a[@href='https://example.org/ok']", namespaces=X)
    for word in ("one", "two", "three", "four", "html link", "alert(9)", "Evil Ref", "Quoted Id"):
        assert word in text_of(root.find(".//x:main", X))


def test_rebuilds_are_byte_identical(site, tmp_path):
    again = build(EDITION, tmp_path / "again")
    files = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for name in files:
        assert (site / name).read_bytes() == (again / name).read_bytes(), name


# ---------------------------------------------------------------- command line

def test_cli_writes_the_site_and_reports_coverage(run, tmp_path):
    out = tmp_path / "site"
    result = run("export", "html", str(EDITION), "-o", str(out), "--report-coverage")
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file() and "mystery 1, zzz 1" in result.stderr
    again = run("export", "html", str(EDITION), "-o", str(out), "--reading", "diplomatic")
    assert again.exit_code == 0, "an earlier site is replaced"


def test_cli_refuses_bad_options_and_foreign_folders(run, tmp_path):
    assert run("export", "html", str(EDITION), "--reading", "modern").exit_code == 2
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("keep me")
    result = run("export", "html", str(EDITION), "-o", str(precious))
    assert result.exit_code == 2 and (precious / "thesis.txt").read_text() == "keep me"
    assert run("export", "html", str(tmp_path / "missing.xml"), "-o", str(tmp_path / "o")).exit_code == 2
    help_text = run("export", "html", "--help").output
    assert "Example:" in help_text and "build/html" in help_text


# ---------------------------------------------------------------- what a reader meets (issue 17)

READER = FIXTURES / "html" / "reader.xml"


def test_header_and_contents_read_as_a_reader_expects(tmp_path):
    root = page(build(READER, tmp_path / "site"), "index.html")
    block = root.find(".//x:header[@class='title-block']", X)
    # the document's own title, not its series or its date
    assert text_of(block.find("x:h1", X)) == "A Letter to a Friend, 3 August 1906"
    assert text_of(block.find("x:p[@class='series']", X)) == "Collected Letters of Someone"
    # one person in two languages is one person; an identifier is not a name
    assert text_of(block.find("x:p[@class='byline']", X)) == "by Writer, Anna; Антон Чехов (Anton Chekhov)"
    meta = {text_of(dt): text_of(dt.getnext()) for dt in block.iterfind(".//x:dt", X)}
    assert meta["Edited by"] == "Müller, Martin Anton; Susen, Gerd-Hermann"
    assert meta["Source"] == "Frankfurt am Main, Freies Deutsches Hochstift, Hs-25714,2"
    contents = [text_of(a) for a in root.iterfind(".//x:nav[@class='contents']//x:a", X)]
    assert contents == ["Russia: Economic Relations", "Chapter I. Loans"]
    # a note's number follows its word, and the space moves after it
    paragraph = etree.tostring(root.xpath("//x:p[contains(., 'jezt')]", namespaces=X)[0], encoding="unicode")
    assert re.search(r'jezt<a class="noteref"[^>]*><sup>1</sup></a> aber', paragraph)
    assert re.search(r'then<a class="noteref"[^>]*><sup>2</sup></a>\.', paragraph)


def test_the_bounded_worker_writes_exactly_what_this_process_writes(tmp_path):
    """An export in the time-bounded worker (the default) and one in this process
    (``timeout=None``) write the same files and give the same warnings and coverage."""
    for options in ({}, {"reading": "diplomatic"}):
        here = export_file(EDITION, "html", tmp_path / "here", timeout=None, **options)
        there = export_file(EDITION, "html", tmp_path / "there", **options)
        files = {p.relative_to(tmp_path / "here"): p.read_bytes() for p in (tmp_path / "here").rglob("*")
                 if p.is_file()}
        assert files and files == {p.relative_to(tmp_path / "there"): p.read_bytes()
                                   for p in (tmp_path / "there").rglob("*") if p.is_file()}
        assert (there.warnings, there.coverage) == (here.warnings, here.coverage)
        assert there.warnings and "edition.xml:" in there.warnings[0]  # the same source lines


def test_inside_a_build_the_collection_register_is_used_in_this_process(monkeypatch):
    """A build worker holds the collection's register (run.collection_register) and is
    bounded itself: the HTML renders there, never in a process that cannot see it."""
    import subprocess

    from tei_edition.publish import run
    from tei_edition.publish.formats import html

    started = []
    monkeypatch.setattr(subprocess, "Popen", lambda *args, **kwargs: started.append(args))
    tree = parse_file(EDITION)
    with run.collection_register(run.document_register(tree, EDITION)):
        site = html.render(tree, EDITION)
    assert started == [] and "index.html" in site.files


def _search_passages(site: Path) -> list[dict]:
    script = (site / "search-index.js").read_text(encoding="utf-8")
    return json.loads(re.search(r"window\.teSearchIndex = (.*);\n$", script, re.S).group(1))["passages"]


WHERE_TEI = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Where</title></titleStmt><publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p>
</sourceDesc></fileDesc></teiHeader><text><body>
<p>Loose words before any division.</p>
<div type="chapter" n="1"><head>First chapter</head>
  <div type="document" n="7"><head>A telegram</head><p>Words of the telegram.</p>
    <div type="section"><head>Inner part</head><p>Words of the inner part.</p></div>
  </div>
  <div type="section" n="2"><head>Notes on it</head><p>Words of the chapter's section.</p></div>
</div>
<div><p>Words of a division with no heading.</p></div>
<div type="document" n="8"><head>A memorandum</head><p>Words of the memorandum.</p>
  <div type="section"><head>Annex</head><p>Words of its annex.</p></div></div>
</body></text></TEI>"""


def test_search_index_says_where_each_passage_is(tmp_path):
    """A passage is placed in its unit (the outermost unit-typed division: a document
    inside a chapter is not one, its chapter is), named by its number when it has one
    ("Document No. 8"), else by its heading; outside any division it is in the "Text"."""
    source = tmp_path / "where.xml"
    source.write_text(WHERE_TEI, encoding="utf-8")
    where = {p["text"]: p["where"] for p in _search_passages(build(source, tmp_path / "site"))}
    assert where["Loose words before any division."] == "Text"
    assert where["Words of the telegram."] == "First chapter"
    assert where["Words of the inner part."] == "First chapter"
    assert where["Words of the chapter's section."] == "First chapter"
    assert where["Words of a division with no heading."] == "Section"
    assert where["Words of the memorandum."] == "Document No. 8"
    assert where["Words of its annex."] == "Document No. 8"


def test_search_passages_are_escaped_as_xml_to_json_escapes_them(tmp_path):
    """The index's passages are written as JSON text, each string quoted as
    xml-to-json quotes one (its entries still are xml-to-json's): quotation marks,
    backslashes and solidi escaped, a C1 control as \\u0085, markup characters and the
    line separator as they are; the strings read back unchanged."""
    source = tmp_path / "escapes.xml"
    said = 'He wrote "1/2" \\ <&> \u0085 \u2028 end.'
    source.write_text(WHERE_TEI.replace("Loose words before any division.",
                                        said.replace("&", "&amp;").replace("<", "&lt;")
                                        .replace(">", "&gt;")), encoding="utf-8")
    site = build(source, tmp_path / "site")
    script = (site / "search-index.js").read_text(encoding="utf-8")
    assert r'"text":"He wrote \"1\/2\" \\ <&> \u0085' + " \u2028 end.\"" in script
    assert said in [p["text"] for p in _search_passages(site)]


def test_notes_headings_follow_the_page_s_heading_order(tmp_path):
    """A letter without divisions has its title as h1: its notes are headed h2, not h3
    (axe's heading-order rule failed on every real letter with notes)."""
    source = tmp_path / "letter.xml"
    source.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>A letter'
        '</title></titleStmt><publicationStmt><p>Test</p></publicationStmt><sourceDesc><p>Made'
        '</p></sourceDesc></fileDesc></teiHeader><text><body><p>Dear friend<note place="foot">'
        'A note.</note>, <choice><abbr>u.</abbr><expan>und</expan></choice> more.</p></body>'
        '</text></TEI>', encoding="utf-8")
    export_file(source, "html", tmp_path / "out")
    import lxml.html

    page = lxml.html.parse(str(tmp_path / "out" / "index.html")).getroot()
    levels = [int(h.tag[1]) for h in page.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    titles = [h.text_content() for h in page.xpath("//*[contains(@class, 'footnotes-title')]")]
    assert len(titles) == 2 and levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels


def test_organisations_are_spelt_as_the_edition_spells_its_words(site):
    """The site said "Organizations", the PDF's index and the collection site
    "organisations": one spelling, the one of the edition's other words ("normalised",
    "regularised"), in the pages, the name cards' script and the PDF."""
    from datetime import datetime, timezone

    from tei_edition import resources
    from tei_edition.publish.formats import pdf

    seen = []
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".js"):
            # (the register's file name and the class of its page are no words of the text)
            words = re.sub(r"organizations\.html|page-organizations", "", path.read_text(encoding="utf-8"))
            seen += [(path.name, w) for w in re.findall(r"organi[sz]ations?", words, re.I)]
    typst = pdf.typst_source(parse_file(EDITION), EDITION, date=datetime(2000, 1, 1, tzinfo=timezone.utc),
                             fonts=[]).typst
    seen += [("typst", w) for w in re.findall(r"organi[sz]ations?", typst, re.I)]
    template = resources.typst_template().read_text(encoding="utf-8")
    seen += [("edition.typ", w) for w in re.findall(r"organi[sz]ations?", template, re.I)]
    assert {name for name, _ in seen} >= {"organizations.html", "edition.js", "edition.typ"}
    assert [s for s in seen if "z" in s[1].lower()] == []


def test_no_input_chooses_a_file_the_export_writes(tmp_path):
    """Saxon writes the export's files itself (xsl:result-document into a private
    folder): a document whose ids, keys, types and titles look like file names or
    paths still gets the site's fixed files, inside its folder, and nothing beside it."""
    source = tmp_path / "in" / "paths.xml"
    source.parent.mkdir()
    source.write_text(f"""<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc>
      <titleStmt><title>../../outside.html</title></titleStmt>
      <publicationStmt><p>index.html</p></publicationStmt>
      <sourceDesc><p>/etc/passwd</p></sourceDesc></fileDesc></teiHeader>
      <standOff><listPerson type="../../lists"><person xml:id="index.html" type="../persons">
        <persName>Person</persName></person></listPerson>
        <listPlace><place xml:id="about"><placeName>../../places.html</placeName></place></listPlace>
        <listOrg><org xml:id="x.js"><orgName>Org</orgName></org></listOrg></standOff>
      <text><body><div type="../../div" xml:id="search-index.js">
        <p><persName ref="#index.html" type="../../../escape">Person</persName>,
           <placeName ref="#about">Place</placeName>, <orgName ref="#x.js">Org</orgName>,
           <name type="../thing" key="../../../../tmp/evil.html">Thing</name>,
           <ref target="../../outside.html">a link</ref>.</p></div></body></text></TEI>""",
                      encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    site = build(source, out / "site")
    written = sorted(str(p.relative_to(site)) for p in site.rglob("*")
                     if p.is_file() and not p.name.startswith("."))
    pages = [n for n in written if not n.startswith("assets/")]
    assert pages == sorted(["index.html", "persons.html", "places.html", "organizations.html",
                            "about.html", "search-index.js", "entities.js"]), written
    assert [p.name for p in out.iterdir()] == ["site"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]
    assert [p.name for p in source.parent.iterdir()] == ["paths.xml"]


BACK_TEI = ('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>Back'
            '</title></titleStmt><publicationStmt><p>Test</p></publicationStmt><sourceDesc><p>Made'
            '<note place="foot">A note of the header.</note></p></sourceDesc></fileDesc></teiHeader>'
            '<text><body>{}</body></text></TEI>')


@pytest.mark.parametrize("body, back", [
    ('<p>Words with no note.</p>', False),
    ('<div type="document" n="1"><head>One</head><p>Dear <app><lem>friend</lem><rdg wit="#B">'
     'fiend</rdg></app>.</p></div>', True),
    ('<p>Dear friend<note place="foot">A note.</note>.</p>', True),
])
def test_back_to_the_text_is_said_on_a_page_whose_notes_link_back(tmp_path, body, back):
    """The page's one "Back to the text" (the backlinks' description) stands where a list
    of notes or textual notes links back to the text, and nowhere else: not for a note
    of the header, which no list holds."""
    source = tmp_path / "back.xml"
    source.write_text(BACK_TEI.format(body), encoding="utf-8")
    root = page(build(source, tmp_path / "site"), "index.html")
    if back:
        assert_backlinks_described(root)
    else:
        assert not root.xpath("//x:a[@role='doc-backlink'] | //*[@id='te-back']", namespaces=X)


def test_coverage_names_the_source_lines_of_unknown_and_skipped_elements(tmp_path):
    """A page marks the source lines of unknown and skipped elements alone
    (transform.lines_unread): the warnings still name them."""
    source = tmp_path / "lines.xml"
    source.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>'
        '<title>T</title></titleStmt><publicationStmt><p>P</p></publicationStmt>'
        '<sourceDesc><p>S</p></sourceDesc></fileDesc></teiHeader>\n'
        '<text><body>\n<p>One\n<foo>kept</foo></p>\n\n'
        '<p>Two <interpGrp><interp>hidden words</interp></interpGrp></p>\n'
        '</body></text></TEI>', encoding="utf-8")
    result = export_file(source, "html", tmp_path / "site", timeout=None)
    assert any(w.startswith(f"{source}:4: warning: <foo> has no rendering rule")
               for w in result.warnings), result.warnings
    assert any("<interpGrp> element(s) hold text that is not shown" in w and "first at line 6" in w
               for w in result.warnings), result.warnings
