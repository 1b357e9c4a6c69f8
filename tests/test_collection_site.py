"""The collection site (issue 15) on a generated collection: catalogue, document pages
with their neighbours, registers with mentions across documents, the search index in
shards. Browser behaviour is in test_collection_site_browser.py."""

from __future__ import annotations

import json
import marshal
import re
import sys
import tracemalloc
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree

sys.path.insert(0, str(Path(__file__).parent))
from catalogue_files import iso_date, read_rows  # noqa: E402
from search_files import read_names, read_part, read_passages, read_shard, term_whole  # noqa: E402
from test_collection_site_fixture import build_site, generate  # noqa: E402

from tei_edition.collection import load  # noqa: E402
from tei_edition.publish import search_index, site  # noqa: E402
from tei_edition.publish import digest as site_digest  # noqa: E402

XHTML = {"h": "http://www.w3.org/1999/xhtml", "svg": "http://www.w3.org/2000/svg"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("collection")
    source = generate(folder / "src")
    figures = build_site(source, folder / "out")
    return folder / "out" / "html", figures


def page(path: Path):
    return etree.fromstring(path.read_bytes())


def script_value(path: Path, name: str):
    text = path.read_text(encoding="utf-8")
    match = re.search(rf"window\.{name}=(.*);\n$", text, re.S)
    return json.loads(match.group(1))


def test_catalogue_lists_every_document_in_date_order(built):
    html, figures = built
    rows = read_rows(html)
    assert len(rows) == 24
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)
    documents = figures["collection"].ordered()
    assert [(r["id"], r["title"], r["date"]) for r in rows] == [
        (d.id, d.catalogue.title, d.catalogue.date) for d in documents]
    first = rows[0]
    assert first["senders"][0][0] in first["title"]  # sender in the title
    # each correspondent with a register entry links to its page
    pages = {name: page for r in rows for name, page in r["senders"] + r["addressees"]}
    assert pages and all((html / "registers" / f"{page}.html").is_file() for page in pages.values() if page)
    assert any(pages.values())
    home = page(html / "index.html")
    scripts = home.xpath("//h:script/@src", namespaces=XHTML)
    assert scripts == ["catalogue.js", "assets/site.js", "assets/search-box.js"]
    # the search's script is the search page's alone (a map of 2,400 places went over
    # its 300 KB with the search inside site.js)
    searching = page(html / "search.html").xpath("//h:script/@src", namespaces=XHTML)
    assert searching == ["catalogue.js", "search/shards.js", "assets/site.js", "assets/search-box.js",
                         "assets/search.js"]
    assert (html / "assets" / "search.js").is_file()
    for other in ("timeline.html", "registers/index.html"):
        assert "assets/search.js" not in " ".join(page(html / other).xpath("//h:script/@src", namespaces=XHTML))
    assert home.xpath("string(//h:h1)", namespaces=XHTML) == "Letters of a generated collection"
    # the text filter says what it looks in
    assert home.xpath("string(//h:input[@id='te-text']/@placeholder)", namespaces=XHTML) == \
        "title, names, place or date"
    assert "Edited by A. Editor, B. Editor" in home.xpath("string(//h:p[@class='editors'])", namespaces=XHTML)


def test_a_column_s_order_is_the_one_the_table_s_script_sorts_by():
    """The orders written at build time compare texts as JavaScript does (UTF-16 code
    units: a character beyond U+FFFF before U+FF21), then by row; packed, each row's
    number is the same few base-64 digits."""
    from tei_edition.publish.site import _order, _pack, _words_of

    assert _order(["\uff21", "\U0001f600", "a", "", "a"]) == [3, 2, 4, 1, 0]
    assert _pack([0, 63, 64, 4999], 5000) == "000" + "00_" + "010" + "1E7"  # 4999 = 1·64² + 14·64 + 7
    words, packed = _words_of([["Brief an Heer", "Oswald Heer"], ["Heer"], []])
    assert words[0] == "heer" and packed.split(".")[2] == ""
    assert len(packed.split(".")[0]) == 4  # brief, an, heer, oswald: each once


def test_catalogue_dates_are_steps_between_day_numbers():
    """A row's date is the number YYYYMMDD less the one before it (00 for a month or a
    day not known); a date not in those digits is its text and steps over nothing."""
    values = ["0950-03-01", "1850-01-01", "1850-01-05", "1850-02", "", "1851", "-0044-03-15",
              "1851-00-04", "1851-01-01"]
    steps = site._date_steps(values)
    assert steps == [9500301, 18500101 - 9500301, 4, 95, "", 9800, "-0044-03-15", "1851-00-04", 101]
    at, read = 0, []
    for step in steps:
        at += step if isinstance(step, int) else 0
        read.append(iso_date(at) if isinstance(step, int) else step)
    assert read == values


def test_document_pages_link_neighbours_in_date_order(built):
    html, figures = built
    ids = [d.id for d in figures["collection"].ordered()]
    for before, current, after in zip(ids, ids[1:], ids[2:]):
        doc = page(html / f"{current}.html")
        prev = doc.xpath("//h:head/h:link[@rel='prev']/@href", namespaces=XHTML)
        nxt = doc.xpath("//h:head/h:link[@rel='next']/@href", namespaces=XHTML)
        assert prev == [f"../{before}.html"]
        assert nxt == [f"../{after}.html"]
        assert (html / current).with_name(prev[0][3:].rsplit("/", 1)[-1]).is_file()
    first = page(html / f"{ids[0]}.html")
    assert not first.xpath("//h:head/h:link[@rel='prev']", namespaces=XHTML)
    # the arrows are seen, not read out: a screen reader says "Previous", "Next"
    middle = page(html / f"{ids[1]}.html")
    for rel, seen, heard in (("prev", "← Previous", "Previous"), ("next", "Next →", "Next")):
        [link] = middle.xpath(f"//h:nav[@class='neighbours']/h:a[@class='{rel}']", namespaces=XHTML)
        assert " ".join(link.xpath("string()").split()) == seen
        assert " ".join("".join(link.xpath("text()[normalize-space()] | *[not(@aria-hidden = 'true')]//text()")).split()) == heard
        assert [s.text for s in link.xpath("h:span[@aria-hidden='true']", namespaces=XHTML)] == [seen.replace(heard, "").strip()]
    # the document's own page is one file: no folder of per-document registers, search
    # index, cards' data or marker beside it (a folder only for facsimiles)
    for document_id in ids:
        beside = html / document_id
        assert not beside.exists() or [p.name for p in beside.iterdir()] == ["facsimile"], document_id
    assert not list(html.rglob(".tei-edition-output")) and not list(html.rglob("entities.js"))
    assert first.xpath("//h:link[@rel='stylesheet']/@href", namespaces=XHTML) == ["../assets/edition.css"]
    facts = first.xpath("//h:section[@class='collection-doc']//h:dt/text()", namespaces=XHTML)
    assert facts[:3] == ["Date", "From", "To"]
    citation = first.xpath("string(//h:p[@class='citation'])", namespaces=XHTML)
    assert "Letters of a generated collection, ed. by A. Editor, B. Editor." in citation
    assert f"https://example.org/letters/{ids[0]}.html" in citation  # edition.toml's base_url


def test_a_document_page_reads_neighbours_title_then_its_catalogue_data(built):
    """A reader meets the way to the neighbouring letters, then the letter's title, then
    what the catalogue says of it (date, correspondents, citation), then the text: the
    catalogue data stood above the title before."""
    html, figures = built
    middle = figures["collection"].ordered()[1]
    main = page(html / f"{middle.id}.html").xpath("//h:main", namespaces=XHTML)[0]
    order = [(el.get("class") or el.tag.split("}")[1]) for el in main.iter(
        f"{{{XHTML['h']}}}nav", f"{{{XHTML['h']}}}h1", f"{{{XHTML['h']}}}section", f"{{{XHTML['h']}}}div")
        if el.tag.endswith("h1") or (el.get("class") or "").split(" ")[0] in
        ("neighbours", "collection-doc", "edition-text")]
    assert order == ["neighbours", "h1", "collection-doc", order[3]] and order[3].startswith("edition-text"), order


def test_names_in_a_document_link_to_the_collection_register(built):
    html, figures = built
    hrefs = set()
    for doc in figures["collection"].ordered():
        tree = page(html / f"{doc.id}.html")
        # (a name's link carries no class: its folder says it is a name, and of which kind)
        names = tree.xpath("//h:div[@id='te-text']//h:a[contains(@href, 'registers/')]", namespaces=XHTML)
        assert not [a.get("class") for a in names if a.get("class")]
        found = {a.get("href") for a in names}
        for href in found:
            assert (html / doc.id).parent.joinpath(href).resolve().is_file(), href
        hrefs |= found
    assert {"../registers/person/p3.html", "../registers/place/pl1.html"} <= hrefs


def test_each_entry_s_name_card_is_a_script_beside_its_page(built):
    """A document's page carries no name cards (they were a quarter of the letters'
    pages); each entry's card is a script beside its register page, which the page
    loads when a reader points at the name: its type, label, life dates and short
    description, as the common layer gives a card (issue 15)."""
    html, figures = built
    for doc in figures["collection"].ordered():
        assert 'id="te-entities"' not in (html / f"{doc.id}.html").read_text(encoding="utf-8")
    cards = {p.relative_to(html).as_posix(): p.read_text(encoding="utf-8")
             for p in (html / "registers").glob("*/*.js")}
    assert cards["registers/person/p3.js"] == (
        'teCard("p3",["person","Gottfried Keller","1819\u20131890","Writer, state clerk of Zurich."]);\n')
    assert cards["registers/place/pl1.js"] == 'teCard("pl1",["place","Zürich"]);\n'
    # one beside each entry's page, none for an entry without one
    pages = {p.with_suffix(".js").relative_to(html).as_posix()
             for p in (html / "registers").glob("*/*.html") if "-" not in p.stem}
    assert set(cards) == pages and "registers/person/p6.js" not in cards


def test_page_parameters_without_the_tree_use_the_keys_the_model_recorded(built):
    html, figures = built
    collection = figures["collection"]
    document = collection.ordered()[0]
    from tei_edition.entities.resolve import resolve

    tree = document.parse()
    resolve(tree, document.path, collection.register)
    with_tree = _page(site.page_parameters(collection, document, tree))
    without = _page(site.page_parameters(collection, document))
    by_key = lambda page: {e.get("id"): e.get("href") for e in page.iter("{urn:x-tei-edition}entity")  # noqa: E731
                           if e.get("id") in document.register_refs}
    assert by_key(without) == by_key(with_tree) and by_key(without)
    formats = lambda page: [f.get("label") for f in page.iter("{urn:x-tei-edition}format")]  # noqa: E731
    assert formats(without) == ["PDF", "plain text"]
    only_text = _page(site.page_parameters(collection, document, formats=["html", "text"]))
    assert formats(only_text) == ["plain text"]


def _page(params):
    """The ``collection-page`` parameter (the XML text Saxon parses) as a tree."""
    return etree.fromstring(params["collection-page"].text)


def test_register_page_lists_mentions_from_several_documents(built):
    html, figures = built
    heer = page(html / "registers" / "person" / "p2.html")
    groups = heer.xpath("//h:section[@class='mentions']/h:ul[@class='by-document']/h:li", namespaces=XHTML)
    assert len(groups) >= 5
    for group in groups:
        # a list item per document: its title and date (here the title says the date:
        # "Emil Welti to Jakob Dubs, Zürich, 17 January 1839"), then its snippets
        title = group.xpath("string(h:a[1])", namespaces=XHTML)
        assert re.search(r", \d{1,2} [A-Z][a-z]+ \d{4}$", title), title
        # the passage: the title's link for one (its snippet a paragraph under it), each
        # snippet's for several (the title's the document's)
        single, several = group.xpath("h:p", namespaces=XHTML), group.xpath("h:a[position() > 1]", namespaces=XHTML)
        assert bool(single) != bool(several) and len(single) <= 1 and len(several) != 1
        snippets = single or several
        links = group.xpath("h:a[contains(@href, '#')]/@href", namespaces=XHTML)
        assert len(links) == len(several) or len(links) == 1 == len(single)
        for link in links:
            target, anchor = link.split("#")
            target_page = page((html / "registers" / "person" / target).resolve())
            assert "Heer" in "".join(target_page.xpath(f"//*[@id='{anchor}']//text()", namespaces=XHTML)), link
        for snippet in snippets:  # the name with a few words either side, cut at words
            text = "".join(snippet.itertext())
            assert "Heer" in text and len(text.split()) <= 2 * site_digest.CONTEXT_WORDS + 3, text
    # identifiers become links to the authorities
    assert heer.xpath("//h:ul[@class='identifiers']//h:a/@href", namespaces=XHTML) == [
        "https://d-nb.info/gnd/116553146", "https://www.wikidata.org/wiki/Q69056"]
    # a correspondent's letters, by year
    years = heer.xpath("//h:section[@class='letters-of']/h:h3/text()", namespaces=XHTML)
    assert years == sorted(years) and years


def test_unmentioned_entries_only_with_full_registers(built, tmp_path):
    html, figures = built
    assert not (html / "registers" / "person" / "p6.html").exists()
    index = page(html / "registers" / "person-N.html") if (html / "registers" / "person-N.html").exists() else None
    assert index is None
    collection = figures["collection"]
    site.write_collection_site(collection, [], tmp_path, full_registers=True)
    assert (tmp_path / "registers" / "person" / "p6.html").is_file()


def test_letter_index_pages_count_entries(built):
    html, _ = built
    places = page(html / "registers" / "index.html")
    counts = places.xpath("//h:nav[@class='letters']//h:a", namespaces=XHTML)
    assert counts
    total = sum(int(a.xpath("string(h:span)", namespaces=XHTML)) for a in counts)
    written = len(list((html / "registers").glob("*/*.html")))
    assert total == written
    # a screen reader read "H 12": each link says what it counts
    for a in counts:
        n = int(a.xpath("string(h:span)", namespaces=XHTML))
        assert " ".join(a.xpath("string()").split()).endswith(f"{n} {'entry' if n == 1 else 'entries'}")
    # a letter's page: each entry's link and its counts in words, which say what they
    # count ("3 mentions, 1 letter"), with no hover text saying it again (thousands of them)
    letter = page(html / "registers" / counts[0].get("href"))
    entries = letter.xpath("//h:ul[@class='entries']/h:li", namespaces=XHTML)
    assert entries
    for entry in entries:
        count = entry.xpath("h:span[@class='count']", namespaces=XHTML)[-1]
        assert re.fullmatch(r"\d+ mentions?(, \d+ letters?)?", count.text), count.text
        assert not entry.xpath(".//@title")


def test_search_shards_hold_postings_with_positions(built):
    html, _ = built
    shards = script_value(html / "search" / "shards.js", "teSearchShards")
    assert "he" in shards or any(s.startswith("he") for s in shards)
    text = (html / "search" / f"s-{search_index.shard_name('he')}.js").read_text(encoding="utf-8")
    prefix, data = read_shard(text)
    assert prefix == "he" and '"er":' in text  # its terms written without its prefix
    docs = [d for d, _, _ in _postings(data["t"]["heer"])]
    assert docs == sorted(docs) and len(set(docs)) >= 5
    rows = read_rows(html)
    titles = [d.catalogue.title for d in figures_docs(built)]
    assert len(rows) == len(titles)
    # every term of every shard: exactly the passages that hold it, at exactly its word
    # positions there (the phrase search relies on them)
    expected = defaultdict(list)
    for number in range(len(titles)):
        passages = read_passages(lambda name: (html / name).read_text(encoding="utf-8"), number)
        for p, (_, passage) in enumerate(passages):
            where = defaultdict(list)
            for i, term in enumerate(search_index.terms(passage)):
                where[term].append(i)
            for term, found in where.items():
                expected[term].append((number, p, found))
    indexed = {}
    for name in shards:
        text = (html / "search" / f"s-{search_index.shard_name(name)}.js").read_text(encoding="utf-8")
        prefix, data = read_shard(text)
        assert prefix == name and all(term.startswith(name) for term in data["t"])
        for term, postings in data["t"].items():
            indexed[term] = _postings(postings)
    assert any(len(found) > 1 for term in indexed for _, _, found in indexed[term])
    assert indexed == expected
    # the entity found under any of its name forms: "Turicum" leads to Zürich
    tu = (html / "search" / f"s-{search_index.shard_name('tu')}.js").read_text(encoding="utf-8")
    entities = read_shard(tu)[1]["e"]
    assert entities["turicum"][0][:2] == ["Zürich", "place/pl1"]  # registers/place/pl1.html
    assert (html / "registers" / "place" / "pl1.html").is_file()
    naming = [n for n, d in enumerate(figures_docs(built)) if "pl1" in open(d.path, encoding="utf-8").read()]
    assert search_index.read_documents(entities["turicum"][0][2]) == naming and len(naming) > 1


def _postings(text: str) -> list[tuple[int, int, list[int]]]:
    """(document, passage, word positions) of each posting of a term (``search_index``:
    per posting the document, delta-coded, the passage times two, plus one when the term
    is there more than once, then the count of positions less two, the positions,
    delta-coded), read here on its own and by ``search_index.read_postings`` alike."""
    decoded, number, values = [], 0, search_index.read_numbers(text)
    while values:
        step, twice, *values = values
        count = 1
        if twice % 2:
            count, *values = values
            count += 2
        number += step
        where, values = values[:count], values[count:]
        decoded.append((number, twice // 2, [sum(where[:i + 1]) for i in range(len(where))]))
    assert decoded == search_index.read_postings(text)
    return decoded


def figures_docs(built):
    return built[1]["collection"].ordered()


def test_terms_are_folded_like_entity_names():
    assert search_index.terms("Zürich, ZURICH; Chruschtschow’s Kim Il-sung") == [
        "zurich", "zurich", "chruschtschow", "s", "kim", "il", "sung"]


def test_a_letter_s_passages_are_one_compressed_file_a_long_document_s_a_few():
    """A document's passages, for the snippets: one file (a letter), its text
    compressed; a long document's cut into files of about the same size, at most about
    ``TEXT_BYTES`` each before compression, the first with the list of where each
    starts. Read back (as the script does), they are the passages whole."""
    letter = [(f"body1.p{i}", f"Dear friend, the railway is open {i}. " * 10) for i in range(20)]
    files = dict(search_index.text_files(3, letter))
    assert list(files) == ["search/d3.js"]
    assert read_passages(lambda name: files[name].decode("utf-8"), 3) == letter
    assert len(files["search/d3.js"]) < sum(len(text) for _, text in letter) / 2
    long = [(f"body1.div{i // 40}.p{i}", f"Passage {i} of the long report, ‘quoted’ </p>. " * 12)
            for i in range(400)]
    files = dict(search_index.text_files(4, long))
    starts = search_index.text_starts(long)
    raw = sum(len(anchor) + len(text.encode("utf-8")) + 8 for anchor, text in long)
    assert len(starts) == -(-raw // search_index.TEXT_BYTES) > 2
    assert sorted(files) == sorted(["search/d4.js"] + [f"search/d4.{c}.js" for c in range(1, len(starts))])
    assert read_passages(lambda name: files[name].decode("utf-8"), 4) == long
    for c, first in enumerate(starts):
        end = starts[c + 1] if c + 1 < len(starts) else len(long)
        size = sum(len(anchor) + len(text.encode("utf-8")) + 8 for anchor, text in long[first:end])
        assert raw / len(starts) * 0.9 < size < search_index.TEXT_BYTES * 1.05
    assert all(b"</" not in data for data in files.values())


def _indexed(built) -> list:
    """The digests of the built site's documents as the index reads them (their
    passages, from its files)."""
    html, _ = built
    found = []
    for number, document in enumerate(figures_docs(built)):
        passages = read_passages(lambda name: (html / name).read_text(encoding="utf-8"), number)
        assert passages
        found.append(site_digest.Digest(document.id, passages))
    return found


def _index_files(index, digests, times=1) -> dict[str, bytes]:
    """The files of ``index`` made of ``digests`` (``times`` over), added last first, one
    of them twice (the second replaces the first), with an entry named in two of them."""
    numbers = {}
    for again in range(times):
        for n, found in enumerate(digests):
            numbers[f"{found.id}/{again}"] = again * len(digests) + n
    for number in sorted(numbers.values(), reverse=True):
        index.add(number, digests[number % len(digests)])
    index.add(3, digests[3])
    zurich = SimpleNamespace(label="Zürich", kind="place", slug="pl1", names=["Zürich", "Turicum"])
    index.add_entities({"pl1": zurich}, {"pl1": [(f"{digests[1].id}/0", "", ""),
                                                   (f"{digests[5].id}/0", "", "")]}, numbers)
    return dict(index.files())


def test_packed_digests_are_indexed_as_the_digests_they_were(built):
    """A digest as the build folder keeps it (``Digest.pack``, read back by ``unpack``
    with its passages and postings left packed for ``SearchIndex.add``) keeps its id,
    mentions and marks and makes the same search index, also when it was made without
    its postings."""
    from dataclasses import replace

    digests = _indexed(built)
    digests[2] = replace(digests[2], terms=None, groups=None)
    unpacked = [site_digest.Digest.unpack(marshal.loads(marshal.dumps(d.pack(), 2))) for d in digests]
    assert [(d.id, d.mentions, d.marks) for d in unpacked] == \
        [(d.id, d.mentions, d.marks) for d in digests]
    assert all(d.packed is not None and not d.passages for d in unpacked)
    plain, packed = search_index.SearchIndex(), search_index.SearchIndex()
    for number, (found, again) in enumerate(zip(digests, unpacked)):
        plain.add(number, found)
        packed.add(number, again)
    assert again.packed is None  # taken over by the index
    assert packed.text_bytes == plain.text_bytes > 0
    assert dict(packed.files()) == dict(plain.files())


def test_the_index_spilled_to_files_is_the_index_held(built, tmp_path):
    html, figures = built
    assert not list(html.glob(".search-*"))  # the site's spill is gone
    assert figures["index_bytes"] == sum(p.stat().st_size for p in (html / "search").iterdir())
    digests = _indexed(built)
    held = _index_files(search_index.SearchIndex(), digests)
    # a limit of a few characters: every document's postings go to files at once
    index = search_index.SearchIndex(spill=tmp_path, spill_bytes=10)
    spilled = _index_files(index, digests)
    folder = Path(index.folder)
    assert folder.parent == tmp_path and len(list(folder.iterdir())) > 2 * len(index.shard_files)
    index.close()
    assert not folder.exists()
    assert spilled == held
    # ... and what the site wrote: each document's passages, each term's postings
    assert {name: data for name, data in held.items() if name.startswith("search/d")} == \
        {f"search/{p.name}": p.read_bytes() for p in (html / "search").glob("d*.js")}
    written = {}
    for path in (html / "search").glob("s-*.js"):
        written.update(read_shard(path.read_text(encoding="utf-8"))[1]["t"])
    ours = {}
    for name, data in held.items():
        if name.startswith("search/s-"):
            prefix, value = read_shard(data.decode("utf-8"))
            ours.update(value["t"])
            if "turicum" in value["e"]:
                assert search_index.read_documents(value["e"]["turicum"][0][2]) == [1, 5]
    assert ours == written and len(ours) >= 100


def test_the_index_counts_its_bytes_once_every_file_is_read(built, tmp_path):
    digests = _indexed(built)
    index = search_index.SearchIndex(spill=tmp_path)
    for number, found in enumerate(digests):
        index.add(number, found)
    reader = index.files()
    first = next(reader)
    assert index.bytes == 0  # not a part of the files, counted before they are read
    rest = list(reader)
    assert index.bytes == sum(len(data) for _, data in [first, *rest]) > 0
    index.close()


@pytest.mark.parametrize("stop", [KeyboardInterrupt, RuntimeError])
def test_the_sites_spill_is_removed_when_it_stops_early(built, tmp_path, monkeypatch, stop):
    html, figures = built
    made = []

    def interrupted(*args, **kwargs):  # once the index has every document's postings
        made.extend(p for p in tmp_path.iterdir() if p.name.startswith(".search-"))
        raise stop("stopped")

    monkeypatch.setattr(site, "_site_data", interrupted)
    with pytest.raises(stop) as caught:
        site.write_collection_site(figures["collection"], _indexed(built), tmp_path)
    # gone at once, not when the index is freed (the error, still held, holds it)
    assert caught.value.__traceback__ is not None
    assert made and not made[0].exists()
    assert not list(tmp_path.glob(".search-*"))


def test_the_index_held_while_it_is_built_does_not_grow_with_it(built, tmp_path):
    """With a spill, what the index holds of each document is a few numbers (where
    its passages are, which add of it is the latest), not its postings or text."""
    digests = _indexed(built)
    text = sum(len(t.encode("utf-8")) for found in digests for _, t in found.passages)

    def held_by(index, times):
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for again in range(times):
                for n, found in enumerate(digests):
                    index.add(again * len(digests) + n, found)
            return tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()

    times = 20
    spilled = search_index.SearchIndex(spill=tmp_path, spill_bytes=1000)
    small, large = held_by(spilled, times), held_by(search_index.SearchIndex(), times)
    spilled.close()
    assert large > text * times  # held: its text, its postings
    assert small < large / 8
    assert small < 500 * len(digests) * times  # a few numbers a document


@pytest.mark.slow
def test_index_grows_linearly_and_shards_stay_small(tmp_path):
    small = build_site(generate(tmp_path / "a", letters=40), tmp_path / "oa")
    large = build_site(generate(tmp_path / "b", letters=260), tmp_path / "ob")
    ratio_small = small["index_bytes"] / small["text_bytes"]
    ratio_large = large["index_bytes"] / large["text_bytes"]
    assert ratio_large <= ratio_small * 1.1
    # Keller is named in each of the 260 letters: his mentions take two pages
    person = tmp_path / "ob" / "html" / "registers" / "person"
    first, second = page(person / "p3.html"), page(person / "p3-2.html")
    assert not (person / "p3-3.html").exists()
    groups = [len(p.xpath("//h:section[@class='mentions']/h:ul[@class='by-document']/h:li", namespaces=XHTML)) for p in (first, second)]
    assert groups == [250, 10]
    assert first.xpath("//h:nav[@class='pager'][1]//h:a/@href", namespaces=XHTML) == ["p3.html", "p3-2.html"]
    assert not second.xpath("//h:p[@class='description']", namespaces=XHTML)
    # every shard and part bounded: a frequent term is cut in parts, never one large shard
    for shard in (tmp_path / "ob" / "html" / "search").glob("[sp]-*.js"):
        assert shard.stat().st_size <= search_index.SHARD_BYTES * 1.5


def test_digests_round_trip_and_downloads_are_linked(built, tmp_path):
    html, figures = built
    collection = figures["collection"]
    document = collection.ordered()[0]
    tree = document.parse()
    from tei_edition.entities.resolve import resolve

    resolve(tree, document.path, collection.register)
    found = site_digest.digest(tree, document)
    assert found.mentions and found.passages
    # as the build folder keeps it (``pack``, marshalled) and reads it back: whole
    kept = site_digest.Digest.unpack(marshal.loads(marshal.dumps(found.pack(), 2)))
    assert (kept.id, kept.mentions, kept.marks) == (found.id, found.mentions, found.marks)
    blocks, passages, size = kept.packed
    assert marshal.loads(passages) == found.passages
    assert size == sum(len(text.encode("utf-8")) for _, text in found.passages)
    terms = dict(line.split("\t", 1) for _, _, lines in blocks for line in lines.split("\n")[:-1])
    assert terms == found.terms and search_index.document_groups(terms) == found.groups
    assert [(group, mark) for group, mark, _ in blocks] == \
        [(group, mark) for group, (mark, _, _) in found.groups.items()]
    whole = {document.id: "letters/all/index.html#L001"}  # a page that is part of another
    site.write_collection_site(collection, [found], tmp_path, pages=whole,
                               downloads=[("The volume (PDF)", "../src.pdf")])
    home = page(tmp_path / "index.html")
    assert home.xpath("//h:p[@class='downloads']/h:a/@href", namespaces=XHTML) == ["../src.pdf"]
    row = next(r for r in read_rows(tmp_path) if r["id"] == document.id)
    assert (row["title"], row["page"]) == (document.catalogue.title, "letters/all/index.html#L001")
    key, anchor, _ = found.mentions[0]
    mentioned = collection.register.find(key)
    entry_page = next((tmp_path / "registers").glob(f"*/{mentioned.id}.html"))
    assert f'href="../../letters/all/index.html#{anchor}"' in entry_page.read_text(encoding="utf-8")


def test_rebuild_is_byte_identical(built, tmp_path):
    html, figures = built
    site.write_collection_site(figures["collection"], [], tmp_path / "a")
    site.write_collection_site(figures["collection"], [], tmp_path / "b")
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b
    for name in files_a:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_what_is_read_of_every_entry_ahead_makes_the_same_site(built, tmp_path):
    """A build that renders a few documents reads every register entry's "See also" and
    search terms while it waits for them (``prepare(every_entry=True)``): the site is
    the one made without."""
    html, figures = built
    digests = _indexed(built)
    site.write_collection_site(figures["collection"], digests, tmp_path / "plain")
    again = load([Path(figures["collection"].root)])
    site.prepare(again, every_entry=True)
    entries = site._register_entries(again)
    assert all(entry.terms for entry in entries.values())
    site.write_collection_site(again, _indexed(built), tmp_path / "ahead")
    files = sorted(p.relative_to(tmp_path / "plain") for p in (tmp_path / "plain").rglob("*")
                   if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "ahead") for p in (tmp_path / "ahead").rglob("*")
                           if p.is_file())
    assert any(name.parts[0] == "registers" for name in files)
    for name in files:
        assert (tmp_path / "plain" / name).read_bytes() == (tmp_path / "ahead" / name).read_bytes()


def test_digests_taken_in_ahead_make_the_same_site(built, tmp_path):
    """A build takes the digests of the letters it does not render into the site while
    its workers render the others (``site.Intake``), in any order: the site is the one
    made of them all at once, and the intake's spill is gone with it."""
    html, figures = built
    collection = figures["collection"]
    site.write_collection_site(collection, _indexed(built), tmp_path / "whole")
    digests = _indexed(built)
    intake = site.Intake(collection, tmp_path / "parts")
    for found in reversed(digests[len(digests) // 2:]):
        intake.add(found)
    assert list((tmp_path / "parts").glob(".search-*"))
    site.write_collection_site(collection, digests[:len(digests) // 2], tmp_path / "parts",
                               intake=intake)
    assert not list((tmp_path / "parts").glob(".search-*"))
    files = sorted(p.relative_to(tmp_path / "whole") for p in (tmp_path / "whole").rglob("*")
                   if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "parts") for p in (tmp_path / "parts").rglob("*")
                           if p.is_file())
    assert any(name.parts[0] == "search" for name in files)
    for name in files:
        assert (tmp_path / "whole" / name).read_bytes() == (tmp_path / "parts" / name).read_bytes()


def test_every_page_is_well_formed_and_small(built):
    html, _ = built
    for path in html.rglob("*.html"):
        page(path)  # XHTML5: well-formed
        assert path.stat().st_size < 300_000


def test_map_draws_places_from_coordinates(built):
    html, _ = built
    svg = page(html / "map.html").xpath("//svg:svg", namespaces=XHTML)[0]
    links = svg.xpath(".//svg:a/@href", namespaces=XHTML)  # circles, and dots in a group
    assert sorted(links) == [f"registers/place/pl{n}.html" for n in range(1, 5)]


def test_a_file_of_many_documents_gets_a_contents_page(tmp_path):
    """The collection model's own fixture holds a FRUS-style file of three documents."""
    import shutil

    source = tmp_path / "collection"  # without its broken document: not what is tested here
    shutil.copytree(Path(__file__).parent / "fixtures" / "collection", source,
                    ignore=shutil.ignore_patterns("broken.xml"))
    figures = build_site(source, tmp_path)
    html = tmp_path / "html"
    contents = page(html / "files" / "volumes-frus.html")
    links = contents.xpath("//h:ol[@class='doc-list']/h:li/h:a/@href", namespaces=XHTML)
    ids = [d.id for d in figures["collection"].ordered() if d.catalogue.source == "volumes/frus.xml"]
    assert links == [f"../{i}.html" for i in ids] and len(ids) == 3
    # each document with its date (FRUS 1918 Russia III listed 478 titles, "The
    # Ambassador in Russia (Francis) to the Secretary of State" over and over, no date)
    items = [" ".join(li.xpath("string()").split())
             for li in contents.xpath("//h:ol[@class='doc-list']/h:li", namespaces=XHTML)]
    assert items[:2] == ["Memorandum from Hans Beispiel, 10 January 1872",
                         "Telegram to Anna Muster, 12 January 1872"], items
    year = page(html / "years" / "1872.html")
    listed = [" ".join(li.xpath("string()").split())
              for li in year.xpath("//h:ol[@class='doc-list']/h:li", namespaces=XHTML)]
    assert "Memorandum from Hans Beispiel, 10 January 1872" in listed, listed
    for document_id in ids:
        assert (html / "files").joinpath(f"../{document_id}.html").resolve().is_file()
        doc = page(html / f"{document_id}.html")
        up = doc.xpath("//h:nav[@class='neighbours']/h:a[@class='contents']/@href", namespaces=XHTML)
        assert up == [site.root_prefix(document_id) + "files/volumes-frus.html"]


def test_facsimiles_beside_their_page(built):
    html, _ = built
    local = page(html / "letters" / "letter_11_001.html")
    images = local.xpath("//h:*[contains(@class, 'pb')]/h:a[@class='facsimile']/h:img/@src", namespaces=XHTML)
    assert images == ["letter_11_001/facsimile/001-letter-1.png"]
    copied = html / "letters" / "letter_11_001" / "facsimile" / "001-letter-1.png"
    assert (html / "letters" / images[0]).samefile(copied)
    assert copied.read_bytes().startswith(b"\x89PNG")
    assert not (html / "letters" / "letter_22_002").exists()  # no folder without local images
    remote = page(html / "letters" / "letter_22_002.html")
    assert not remote.xpath("//h:img", namespaces=XHTML)  # never fetched, only linked
    assert remote.xpath("//h:a[@class='facsimile remote']/@href", namespaces=XHTML) == [
        "https://iiif.example.org/iiif/letter-2/full/max/0/default.jpg"]


def test_map_windows_fit_the_places_and_where_they_are_named():
    S = "{urn:x-tei-edition:site}"
    data = etree.Element(f"{S}site")
    places = [(47.0 + i / 100, 8.0 + i / 100, 50) for i in range(30)]  # a dense, much named cluster
    places += [(-33.0, 151.0, 1), (64.0, -21.0, 1), (40.7, -74.0, 1)] + [(48 + i, 2 + i, 1) for i in range(8)]
    for lat, lon, count in places:
        entity = etree.SubElement(data, f"{S}entity", count=str(count))
        etree.SubElement(entity, f"{S}geo", lat=str(lat), lon=str(lon))
    site._map_windows(data)
    south, west, north, east = map(float, data.get("map-detail").split())
    assert south < 47.0 and north > 47.29 and west < 8.0 and east > 8.29 and north - south < 2
    south, west, north, east = map(float, data.get("map-all").split())
    assert south > -33.0 and north - south > 10  # the far outliers are left to the list


def test_pages_of_documents_rendered_as_their_whole_file(tmp_path):
    import shutil

    from tei_edition.collection import load

    source = tmp_path / "collection"
    shutil.copytree(Path(__file__).parent / "fixtures" / "collection", source,
                    ignore=shutil.ignore_patterns("broken.xml"))
    collection = load([source])
    pages = site.whole_file_pages(collection)
    assert sorted(pages.items()) == [
        ("volumes/frus/3", "volumes/frus/index.html#div2"),
        ("volumes/frus/d1", "volumes/frus/index.html#d1"),
        ("volumes/frus/d2", "volumes/frus/index.html#d2")]
    # the digest of one of them, read from the whole file, anchors into the whole page
    from tei_edition.xml.parse import parse_file

    third = next(d for d in collection.documents if d.id == "volumes/frus/3")
    found = site_digest.digest(parse_file(third.path), third)
    assert [a for a, _ in found.passages] == ["div2.head1", "div2.p1"]


def test_a_collection_page_uses_the_sites_assets(built, tmp_path):
    """Exported as a page of the collection, a document gets no copy of the assets: its
    page links the collection's (thousands of copies would be most of a site)."""
    from tei_edition.publish.formats import ExportRequest, html as html_format

    html, figures = built
    collection = figures["collection"]
    document = collection.ordered()[0]
    param = site.page_parameters(collection, document)["collection-page"]
    target = tmp_path / "letters" / "page.html"
    request = ExportRequest(tree=document.parse(), source=Path(document.path), output=target,
                            options={"collection_page": param})
    result = html_format.export(request)
    assert result.outputs == [target]
    page(target)  # the one page, whole: no folder, assets, marker or cards' script beside it
    assert [p.name for p in (tmp_path / "letters").iterdir()] == ["page.html"]
    # its names' cards are the site's, beside the register pages (registers/person/p1.js)
    assert 'id="te-entities"' not in target.read_text(encoding="utf-8")
    assert list((html / "registers").glob("*/*.js"))
    assert (html / "assets" / "edition.css").is_file() and (html / "assets" / "edition.js").is_file()


def test_registers_file_names_as_the_common_layer_does(tmp_path):
    """Index pages, order and headings use the common layer's index form and sort key
    (xslt/common/names.xsl, as the dossier's registers and PDF index): a structured
    name under its surname, its particle after the forename ("Dusch, Ferdinand von" on D), a name written family name
    first as written ("Kim Il Sung", never "Kim, Il Sung"), an unstructured one as
    written; an entry's own page keeps its display name."""
    from tei_edition.collection import load

    source = generate(tmp_path / "src", letters=2)
    persons = source / "registers" / "persons.xml"
    extra = ('<person xml:id="p7" n="Dusch Ferdinand"><persName type="reg"><forename>Ferdinand</forename> '
             '<surname>von Dusch</surname></persName></person>'
             '<person xml:id="p8" n="Kim Il Sung"><persName type="reg"><surname>Kim</surname> '
             '<forename>Il Sung</forename></persName></person>'
             '<person xml:id="p9" n="Kaiser Anna"><persName type="reg"><forename>Anna</forename> '
             '<surname>Kaiser</surname></persName></person>')
    persons.write_text(persons.read_text(encoding="utf-8").replace("</listPerson>", extra + "</listPerson>"),
                       encoding="utf-8")
    out = tmp_path / "html"
    site.write_collection_site(load([source]), [], out, full_registers=True)

    def listed(letter):
        index = page(out / "registers" / f"person-{letter}.html")
        return [("".join(a.itertext()), a.get("href"))
                for a in index.xpath("//h:ul[@class='entries']/h:li/h:a", namespaces=XHTML)]

    assert ("Dusch, Ferdinand von", "person/p7.html") in listed("D")
    assert not (out / "registers" / "person-V.html").exists()
    assert not (out / "registers" / "person-F.html").exists()  # nobody else has an F
    k = listed("K")
    assert k == [("Kaiser, Anna", "person/p9.html"), ("Kim Il Sung", "person/p8.html")]
    assert ("Alfred Escher", "person/p1.html") in listed("A")  # unstructured: as written
    dusch = page(out / "registers" / "person" / "p7.html")
    assert "".join(dusch.xpath("//h:h1//text()", namespaces=XHTML)).strip() == "Ferdinand von Dusch"


def test_a_line_break_is_a_space_in_passages_and_snippets(tmp_path):
    # as in every format: "mir<lb/>meine Eltern" is two words, "ma<lb break='no'/>chen" one
    # (a real letter's register snippet read "so tragen mirmeine Eltern")
    _, found = _one_letter(tmp_path, '<listPerson><person xml:id="p1"><persName>Eltern</persName></person>'
                           '</listPerson>', '<p>so tragen mir<lb/><persName ref="#p1">meine Eltern</persName> '
                           'auf, ob Sie ma<lb break="no"/>chen</p>')
    assert [text for _, text in found.passages] == ["so tragen mir meine Eltern auf, ob Sie machen"]
    assert "mir meine Eltern" in found.mentions[0][2]


def test_a_snippet_is_its_own_name_with_a_few_whole_words_and_names_around(tmp_path):
    # each mention's own place, not the first string like it ("Heer" in "Heerbrugg"
    # came first: its snippet showed another passage's part); four words either side
    # (six made the registers' pages a third snippets), a name next to it whole
    # ("… Ragaz a b" once cut "Bad Ragaz")
    words = " ".join(f"w{n}" for n in range(30))
    _, found = _one_letter(tmp_path, '<listPerson><person xml:id="p1"><persName>Heer</persName></person>'
                           '<person xml:id="p2"><persName>Bad Ragaz</persName></person></listPerson>',
                           f'<p>Heerbrugg {words} <persName ref="#p2">Bad  Ragaz</persName> a b '
                           '<persName ref="#p1">Heer</persName>, der x1 x2 x3 x4 x5 x6 x7 '
                           '<persName ref="#p1">Heer</persName>.</p>')
    snippets = {}
    for key, _, snippet in found.mentions:
        snippets.setdefault(key.rsplit("#", 1)[-1].rsplit(":", 1)[-1], []).append(snippet)
    ragaz, (first, second) = snippets["p2"][0], snippets["p1"]
    assert ragaz == "… w26 w27 w28 w29 Bad Ragaz a b Heer, der …"
    assert first == "… w29 Bad Ragaz a b Heer, der x1 x2 x3 …"
    assert second == "… x4 x5 x6 x7 Heer."


def test_a_snippet_of_long_words_holds_fewer_of_them(tmp_path):
    # a real letter's sentence: four words of its left are 27 characters, four of its
    # right 38, past the 30 a side a snippet shows (the farthest word left out)
    _, found = _one_letter(tmp_path, '<listPerson><person xml:id="p1"><persName>Welti</persName></person>'
                           '</listPerson>', '<p>Wie Herr Schenk und Herr Bundesrath <persName ref="#p1">Welti'
                           '</persName> würden wohl allfällige Informationen geben.</p>')
    assert [snippet for _, _, snippet in found.mentions] == [
        "… Schenk und Herr Bundesrath Welti würden wohl allfällige …"]


def test_a_snippet_s_ellipses_are_the_stylesheet_s_and_a_snippet_at_its_passage_s_end_says_so(tmp_path):
    """A snippet is written without its "… " and " …" (site.css draws them: 870,000
    snippets of 5,000 letters' registers held 6.4 MB of them, 4.8 MB net of the marks);
    one that begins its passage is marked "start", one that ends it "end", so that no
    ellipsis is drawn that side."""
    words = " ".join(f"w{n}" for n in range(12))
    entry_page = _one_entry_page(
        tmp_path, '<listPerson><person xml:id="p1"><persName>Heer</persName></person></listPerson>',
        f'<p><persName ref="#p1">Heer</persName> {words}</p><p>{words} <persName ref="#p1">Heer</persName> '
        f'{words}</p><p>{words} <persName ref="#p1">Heer</persName>.</p><p>Mit <persName ref="#p1">Heer'
        '</persName>.</p>')
    snippets = page(entry_page).xpath("//h:ul[@class='by-document']/h:li/h:a[position() > 1]", namespaces=XHTML)
    assert [(a.get("class"), a.text) for a in snippets] == [
        ("start", "Heer w0 w1 w2 w3"), (None, "w8 w9 w10 w11 Heer w0 w1 w2 w3"), ("end", "w8 w9 w10 w11 Heer."),
        ("start end", "Mit Heer.")]


def test_a_mention_shows_the_catalogue_date_unless_the_title_says_it():
    from types import SimpleNamespace

    def entry(date, date_text=None):
        return SimpleNamespace(date=date, date_text=date_text, date_sort=date or None)

    assert site.mention_date(entry("1852-03-19"), "Generated letter 242") == "19 March 1852"
    # as the catalogue prints it (the date rule: no more precise than the source's words)
    assert site.mention_date(entry("1845-01-01", "[1845]"), "Letter") == site.printed_date(entry("1845-01-01", "[1845]"))
    assert site.mention_date(entry(""), "A note") == "undated"
    # a real letter's title: "…, Glarus, Sonntag, 08. August 1841"
    assert site.mention_date(entry("1841-08-08"),
                             "Johann Jakob Blumer an Alfred Escher, Glarus, Sonntag, 08. August 1841") == ""
    assert site.mention_date(entry("1841-08-08"), "Letter of 8 May 1841") == "8 August 1841"
    assert site.mention_date(entry("1843-03-09"),
                             "Heinrich Lukas Zwicky an Alfred Escher, Zürich, 09. / 11. März 1843") == ""
    # a month's name in any of the sources' languages the date rule knows (policy.xml)
    assert site.mention_date(entry("1843-03-09"), "Epistola ad Alfredum Escher, Turici, 9. Martii 1843") == ""


def test_a_phrase_s_closing_space_before_punctuation_is_left_out_of_passages_and_snippets(tmp_path):
    # as in every format (spacing.xsl): a real letter's register snippet read "wie Sinz ,"
    _, found = _one_letter(tmp_path, '<listPerson><person xml:id="p1"><persName>Sinz</persName></person>'
                           '</listPerson>', '<p>Pläne, wie <rs><persName ref="#p1">Sinz</persName> </rs>, '
                           'nächsten (in <hi>Genth </hi>) Sommer</p>')
    assert [text for _, text in found.passages] == ["Pläne, wie Sinz, nächsten (in Genth) Sommer"]
    assert "wie Sinz, nächsten" in found.mentions[0][2]


def test_an_entry_page_reads_its_description_as_the_text_would(tmp_path):
    # one reading of a choice, decided by the common layer (the real letters' register
    # pages read "u. a. unter anderem")
    entry_page = _one_entry_page(tmp_path, '<listPerson><person xml:id="p1"><persName>Heer</persName><note>'
                                 'Botaniker, <choice><abbr>u. a.</abbr><expan>unter anderem</expan></choice> in '
                                 'Zürich</note></person></listPerson>',
                                 '<p>Gruss an <persName ref="#p1">Heer</persName></p>')
    assert page(entry_page).xpath("string(//h:p[@class='description'])", namespaces=XHTML) == \
        "Botaniker, unter anderem in Zürich"


def test_entry_pages_are_made_in_batches_bounded_by_entries_and_mentions(monkeypatch):
    from lxml import etree

    monkeypatch.setattr(site, "PAGE_BATCH", 3)
    monkeypatch.setattr(site, "BATCH_MENTIONS", 10)
    entries = [etree.Element("entity", key=f"k{n}") for n in range(7)]
    mentions = site.Mentions({"k0": [()] * 4, "k1": [()] * 4, "k2": [()] * 4, "k3": [()] * 25,
                              "k4": [()]})
    batches = [[el.get("key") for el in batch] for batch in site._batches(entries, mentions)]
    # k2 would bring the first batch to 12 mentions; k3 alone is over the bound, and is
    # a batch of its own; a batch holds at most three entries
    assert batches == [["k0", "k1"], ["k2"], ["k3"], ["k4", "k5", "k6"]]


def test_an_identifier_that_is_an_address_shows_its_site(tmp_path):
    """The real register gives a person's article as ``<idno type="URI">http://www.hls-
    dhs-dss.ch/textes/d/D28847.php</idno>``: the page printed the address as if it were
    a code. It shows the site's name, linking to (and naming on hover) the address;
    an authority's number still shows as the number."""
    source = generate(tmp_path / "src", letters=6)
    persons = source / "registers" / "persons.xml"
    address = "http://www.hls-dhs-dss.ch/textes/d/D28847.php"
    text = persons.read_text(encoding="utf-8")
    persons.write_text(text.replace('<idno type="wikidata">Q69056</idno>',
                                    f'<idno type="wikidata">Q69056</idno><idno type="URI">{address}</idno>'),
                       encoding="utf-8")
    build_site(source, tmp_path / "out")
    heer = page(tmp_path / "out" / "html" / "registers" / "person" / "p2.html")
    links = heer.xpath("//h:ul[@class='identifiers']//h:a", namespaces=XHTML)
    assert [(a.text, a.get("href"), a.get("title")) for a in links] == [
        ("116553146", "https://d-nb.info/gnd/116553146", None),
        ("Q69056", "https://www.wikidata.org/wiki/Q69056", None),
        ("hls-dhs-dss.ch", address, address)]


def test_the_registers_page_lists_persons_before_places(tmp_path):
    """The kinds came in the order of each one's first entry: "Places" stood above
    "Persons" when the places were read first (the real letters)."""
    source = generate(tmp_path / "src", letters=6)
    for path in [source / "registers" / "places.xml", *(source / "letters").glob("*.xml")]:
        # the places' ids sort before the persons' (as "Aarau" before "Abegg-Hans-Heinrich")
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('xml:id="pl', 'xml:id="apl').replace('"#pl', '"#apl'), encoding="utf-8")
    build_site(source, tmp_path / "out")
    kinds = page(tmp_path / "out" / "html" / "registers" / "index.html").xpath(
        "//h:section[@class='register-kind']/h:h2/text()[1]", namespaces=XHTML)
    assert [k.strip() for k in kinds] == ["Persons", "Places"]


def test_an_entry_page_keeps_the_registers_paragraphs_and_literature(tmp_path):
    # as the real letters' people.xml writes an entry: a note of paragraphs, a bibl
    # ("Vgl. …", links to works), a portrait whose graphic is a file of that edition
    person = ('<listPerson><person xml:id="p1"><persName>Schweizer</persName>'
              '<figure><graphic url="Schweizer_01.jpg"><desc>Fotografie um 1865.</desc></graphic></figure>'
              '<note type="bio"><p>Theologe in\n  Zürich.</p><p>Studierte in Berlin.</p></note>'
              '<bibl><choice><abbr>Vgl.</abbr><expan>Vergleiche</expan></choice> '
              '<ref type="lit">Schweizer, Aufzeichnungen</ref>; <ref target="https://hls.example/1">'
              '<ref type="lit">HLS online</ref>, Schweizer</ref></bibl><bibl><!-- to come --></bibl>'
              '<bibl><ref type="lit">Verzeichnis</ref>, <choice><abbr>S.</abbr><expan>Seite(n)</expan>'
              '</choice> 15; <ref type="sum" target="F_p19"><!--Jung, Briefe--></ref>.</bibl>'
              '<bibl> ; </bibl></person></listPerson>')
    entry_page = _one_entry_page(tmp_path, person, '<p>Gruss an <persName ref="#p1">Schweizer</persName></p>')
    html = page(entry_page)
    assert [p.xpath("string()") for p in html.xpath("//h:p[@class='description']", namespaces=XHTML)] == \
        ["Theologe in Zürich.", "Studierte in Berlin."]
    # a citation that prints nothing (an empty link: "; <ref><!--comment--></ref>.") left
    # "Seite(n) 15; ." on the real letters' pages, and an empty bibl a "; " of its own
    assert html.xpath("string(//h:p[@class='literature'])", namespaces=XHTML) == \
        "Literature Vergleiche Schweizer, Aufzeichnungen; HLS online, Schweizer; Verzeichnis, Seite(n) 15."
    assert "Fotografie" not in entry_page.read_text(encoding="utf-8")  # the portrait is left out


def test_an_entry_s_literature_reads_as_the_text_does_around_what_prints_nothing(tmp_path):
    """The real letters' people.xml (Stockar Kaspar, Evrard, Arnaboldi, Escher-Hess,
    Welti): a reference commented out, a link that prints nothing, indentation before a
    separator or inside brackets. The register pages read "Seite(n) 617; ; .",
    "Vergleiche ; Dagant", "Vergleiche .", "( Seite(n) 24)", "online ;": their literature
    was made apart from the common layer's rule for what prints nothing
    (te:around-silent), with a copy of it that saw some of these and not others. One
    citation that ends its sentence is not followed by "; " ("617.; Vergleiche")."""
    vgl = "<choice>\n  <abbr>Vgl.</abbr>\n  <expan>Vergleiche</expan>\n </choice>"
    page_ = "<choice>\n  <abbr>S.</abbr>\n  <expan>Seite(n)</expan>\n </choice>"
    person = ('<listPerson><person xml:id="p1"><persName>Stockar</persName>'
              f'<bibl>{vgl}\n <ref type="lit">Gemeinnützige Gesellschaft</ref>, {page_} 617;'
              '<!-- <ref type="lit">Jung/Fischer, Escher Briefe</ref>, Nr. 15 -->\n   ; .\n </bibl>'
              f'<bibl>{vgl} <!-- Brief von Charles Evrard an Alfred Escher -->; '
              f'<ref type="lit">Dagant, Construction</ref>, {page_} 55.</bibl>'
              f'<bibl>{vgl} <!--Brief Pietro Arnaboldi an Alfred Escher-->.</bibl>'
              '<bibl><ref type="lit">Verhandlungen Nordbahn</ref> 1846 ('
              f'{page_}\n   24); <ref target="http://www.genealogienetz.de/b.pdf">\n  '
              '<ref type="lit">Heer, Biographische Daten</ref>\n  </ref>; <ref type="lit">Weber, Welti</ref>;'
              '\n  <ref type="sum" target="Gotthardbahn_d1.7"><!-- Jung, Escher Briefe --></ref>\n </bibl>'
              '</person></listPerson>')
    entry_page = _one_entry_page(tmp_path, person, '<p>Gruss an <persName ref="#p1">Stockar</persName></p>')
    literature = page(entry_page).xpath("string(//h:p[@class='literature'])", namespaces=XHTML)
    assert literature == (
        "Literature Vergleiche Gemeinnützige Gesellschaft, Seite(n) 617. "
        "Vergleiche Dagant, Construction, Seite(n) 55. Vergleiche. "
        "Verhandlungen Nordbahn 1846 (Seite(n) 24); Heer, Biographische Daten; Weber, Welti"), literature


def test_the_map_link_is_the_register_s_and_its_page_says_when_no_named_place_is_on_it(tmp_path):
    """A document's page is made before the site knows which places its documents name:
    its header (the site's, header.xsl) shows the Map when the register has coordinates
    (``site.has_map``), and so does every page of the site; the map page is there then,
    and says so when none of the places named has them (no link leads nowhere)."""
    register = ('<listPerson><person xml:id="p1"><persName>Anna</persName></person></listPerson>'
                '<listPlace><place xml:id="pl1"><placeName>Bern</placeName>'
                '<location><geo>46.95 7.45</geo></location></place></listPlace>')
    coll, found = _one_letter(tmp_path / "src", register, '<p>Gruss an <persName ref="#p1">Anna</persName></p>')
    assert site.has_map(coll)
    [document] = coll.documents
    assert _page(site.page_parameters(coll, document)).get("map") == "true"
    out = tmp_path / "out"
    site.write_collection_site(coll, [found], out)
    home = page(out / "index.html")
    assert home.xpath("//h:nav[@class='site-nav']//h:a/text()", namespaces=XHTML) == [
        "Documents", "Registers", "Timeline", "Map", "Search"]
    assert "None of the places the documents name has coordinates" in \
        page(out / "map.html").xpath("string(//h:main)", namespaces=XHTML)


def test_the_footer_and_the_map_speak_to_readers(built):
    # who made the edition and how large it is; no word of tools, formats or servers
    html, _ = built
    pages = [html / "index.html", html / "map.html", html / "timeline.html",
             next((html / "registers" / "person").glob("*.html"))]
    for path in pages:
        footer = page(path).xpath("//h:footer[@class='site-footer']", namespaces=XHTML)[0]
        text = " ".join(footer.xpath("string()").split())
        assert text == ("Letters of a generated collection, ed. by A. Editor, B. Editor. 24 documents. "
                        "Signs and markup in the text."), (path, text)
    intro = page(html / "map.html").xpath("string(//h:main/h:p[1])", namespaces=XHTML)
    assert "tiles" not in intro and "places of the register" in intro


_TEI = ('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>{}</title>'
        '</titleStmt><publicationStmt><p>P</p></publicationStmt><sourceDesc><p>S</p></sourceDesc>'
        '</fileDesc></teiHeader><text><body>{}</body></text></TEI>')


def _one_letter(src: Path, persons: str, letter: str):
    """A collection written to ``src``: a register of persons (``persons``, its
    ``listPerson``) and one letter (``letter``, its body). The collection and the
    letter's digest, its names resolved, made as a worker makes it."""
    from tei_edition.entities.resolve import resolve

    src.mkdir(exist_ok=True)
    for name, title, body in (("persons.xml", "Persons", persons), ("letter.xml", "Letter", letter)):
        (src / name).write_text(_TEI.format(title, body), encoding="utf-8")
    coll = load([src])
    [document] = coll.documents
    tree = document.parse()
    resolve(tree, document.path, coll.register)
    return coll, site_digest.digest(tree, document)


def _one_entry_page(tmp_path: Path, persons: str, letter: str) -> Path:
    """The site of the collection of ``_one_letter`` (in ``tmp_path``/src), written to
    ``tmp_path``/out; the page of its one person."""
    out = tmp_path / "out"
    coll, found = _one_letter(tmp_path / "src", persons, letter)
    site.write_collection_site(coll, [found], out)
    [entry_page] = (out / "registers" / "person").glob("*.html")
    return entry_page


@pytest.mark.parametrize("letters", [True, False])
def test_mentions_written_as_text_are_the_elements_they_stand_for(letters):
    """An entry's mentions go into the site stylesheet's input as text (``_with_mentions``):
    parsed, they are the ``s:mention`` elements before the entry's letters, their values
    and snippets as they were, whatever characters these hold."""
    S = f"{{{site.SITE_NS}}}"
    data = etree.Element(f"{S}site")
    entity = etree.SubElement(data, f"{S}entity", key="p1")
    etree.SubElement(entity, f"{S}name").text = "Anna & <Bertha>"
    if letters:
        etree.SubElement(entity, f"{S}letter", doc="L1", role="sent")
        etree.SubElement(entity, f"{S}letter", doc="L2", role="received")
    lines = [("L1", "d1.p1", 'a < b && c > d "quoted"\r\n\ttabbed <!--mentions--> ]]>'),
             ("L\"2&", "x\ty\nz", "Zürich – 北京 \U0001F600"), ("L3", "", "")]
    parsed = etree.fromstring(site._with_mentions(entity, lines))
    assert [child.tag.split("}")[1] for child in parsed] == \
        ["name", "mention", "mention", "mention"] + (["letter", "letter"] if letters else [])
    mentions = parsed.findall(f"{S}mention")
    assert [(m.get("doc"), m.get("anchor"), m.text or "") for m in mentions] == lines
    assert parsed.findtext(f"{S}name") == "Anna & <Bertha>"
    assert len(entity) == (3 if letters else 1)  # the entity itself as it was


def test_a_letters_page_prints_its_date_by_the_editions_rule_and_its_shelfmark_once(tmp_path):
    """The real letters: a date known to the month or the year showed the source's German
    ("[Mai? 1878?]") beside the table's English full dates ("27 April 1850"), and the
    shelfmark stood twice on a letter's page, under "Identifier" and under "Source"."""
    source = generate(tmp_path / "src", letters=6)
    filled = {"L001": ("1878-05-01", "[Mai? 1878?]", "May 1878?"),  # as the real letters
              "L002": ("1845-01-01", "[1845]", "1845")}             # fill out their values
    for path in (source / "letters").glob("*.xml"):
        text = path.read_text(encoding="utf-8")
        for ident, (when, words, _) in filled.items():
            if f'xml:id="{ident}"' in text:
                text = re.sub(r'<date when="[^"]*">[^<]*</date>', f'<date when="{when}">{words}</date>', text)
                path.write_text(text, encoding="utf-8")
    figures = build_site(source, tmp_path / "out")
    html = tmp_path / "out" / "html"
    printed = {when: shown for when, _, shown in filled.values()}
    rows = read_rows(html)
    # the table's own dates: the rule's words where the script would not write them so
    assert {r["date"]: r["date_text"] for r in rows if r["date_text"]} == printed
    documents = figures["collection"].ordered()
    assert len(documents) == 6
    for document in documents:
        doc = page(html / f"{document.id}.html")
        head = doc.xpath("//h:section[@class='collection-doc']", namespaces=XHTML)[0]
        facts = dict(zip(head.xpath(".//h:dt/text()", namespaces=XHTML), head.xpath(".//h:dd/text()", namespaces=XHTML)))
        if document.catalogue.date in printed:
            assert facts["Date"] == printed[document.catalogue.date]
        else:
            assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", facts["Date"]), facts["Date"]
        shelfmark = document.catalogue.identifier
        assert shelfmark.startswith("Box ") and "Identifier" not in facts
        shown = [t for t in doc.xpath("//h:main//text()", namespaces=XHTML) if shelfmark in t]
        assert len(shown) == 1 and shown[0].startswith("Bern, Archive, Box "), shown


def test_a_years_page_counts_its_documents_in_words_a_reader_reads(built):
    """A year of one letter was headed "1836 (1 documents)"."""
    html, figures = built
    counts = {}
    for path in sorted((html / "years").glob("*.html")):
        heading = page(path).xpath("string(//h:h1)", namespaces=XHTML)
        year, count = re.fullmatch(r"(\d{4}) \((\d+) documents?\)", " ".join(heading.split())).groups()
        assert heading.endswith("document)" if count == "1" else "documents)"), heading
        counts[year] = int(count)
    assert 1 in counts.values() and sum(counts.values()) == 24


def test_a_correspondent_s_letters_are_counted_without_a_part_that_counts_none(tmp_path):
    """The real letters' register pages said "(4 sent, 0 received)"."""
    source = generate(tmp_path / "src", letters=6)
    for n, path in enumerate(sorted((source / "letters").glob("*.xml"))):
        # p1 writes every letter; p2 receives the first, p3 the others
        text = re.sub(r'(<correspAction type="sent"><persName ref=")#p\d(">)[^<]*', r"\1#p1\2Alfred Escher",
                      path.read_text(encoding="utf-8"))
        text = re.sub(r'(<correspAction type="received"><persName ref=")#p\d(">)[^<]*',
                      r"\1#p2\2Oswald Heer" if n == 0 else r"\1#p3\2Gottfried Keller", text)
        path.write_text(text, encoding="utf-8")
    build_site(source, tmp_path / "out")
    counts = {}
    for path in (tmp_path / "out" / "html" / "registers" / "person").glob("*.html"):
        for span in page(path).xpath("//h:h2[@id='te-letters']/h:span[@class='count']", namespaces=XHTML):
            counts[path.stem] = span.xpath("string()")
    assert counts == {"p1": "(6 sent)", "p2": "(1 received)", "p3": "(5 received)"}


def test_a_correspondent_of_many_letters_lists_years_each_with_its_count_apart(tmp_path):
    """Past 200 letters a correspondent's page lists years with counts: "1831 (8)". The
    year and its count ran together ("18318"), to the eye and to a screen reader."""
    source = generate(tmp_path / "src", letters=201)
    for path in (source / "letters").glob("*.xml"):
        text = re.sub(r'(<correspAction type="sent"><persName ref=")#p\d(">)[^<]*', r"\1#p1\2Alfred Escher",
                      path.read_text(encoding="utf-8"))
        path.write_text(text, encoding="utf-8")
    build_site(source, tmp_path / "out")
    entry = page(tmp_path / "out" / "html" / "registers" / "person" / "p1.html")
    said = [" ".join(li.xpath("string()").split())
            for li in entry.xpath("//h:ul[@class='year-counts']/h:li", namespaces=XHTML)]
    assert said and all(re.fullmatch(r"(\d{4}|undated) \(\d+\)", one) for one in said), said
    heading = entry.xpath("string(//h:h2[@id='te-letters']/h:span[@class='count'])", namespaces=XHTML)
    assert sum(int(one.split("(")[1][:-1]) for one in said) == sum(map(int, re.findall(r"\d+", heading)))
    assert heading.startswith("(201 sent")


def test_a_register_index_reads_each_entry_s_count_as_words_of_its_own(built):
    """An index line read "Heer, Oswald (1809–1883)32 mentions": the count ran into the
    dates (or the name) for a screen reader and in copied text."""
    html, _ = built
    lines = [" ".join("".join(li.itertext()).split())
             for index in (html / "registers").glob("*-*.html")
             for li in page(index).xpath("//h:ul[@class='entries']/h:li", namespaces=XHTML)]
    assert lines and all(re.search(r"[^\s(] \d+ mentions?(, \d+ letters?)?$", one) for one in lines), lines[:5]


def test_a_timeline_link_names_its_year_and_count(built):
    # A screen reader read the timeline as "link 1, link 1, link 2": the year stood
    # outside each year's link, the count alone inside it.
    html, _ = built
    links = page(html / "timeline.html").xpath("//h:ol[@class='timeline']//h:a", namespaces=XHTML)
    assert links
    for link in links:
        name = " ".join(link.xpath("string()").split())
        year = link.get("href").removeprefix("years/").removesuffix(".html")
        m = re.fullmatch(r"(\d{4}|undated): (\d+) documents?", name)
        assert m and m.group(1) == year, name
        assert (m.group(2) == "1") == name.endswith("document"), name
        listed = page(html / link.get("href")).xpath("//h:main//h:li", namespaces=XHTML)
        assert len(listed) == int(m.group(2)), name


def test_a_correspondent_never_named_in_a_text_is_not_given_an_empty_count(built):
    # Oswald Heer's page (40 real letters) closed on "Mentions (0 in 0 documents)", a
    # heading over nothing: his letters are listed, no text names him.
    html, _ = built
    seen = 0
    for path in (html / "registers" / "person").glob("*.html"):
        doc = page(path)
        heading = " ".join(doc.xpath("string(//h:h2[@id='te-mentions'])", namespaces=XHTML).split())
        assert "(0 in 0 documents)" not in heading, path
        if heading == "Mentions":
            seen += 1
            said = doc.xpath("string(//h:section[@class='mentions']/h:p)", namespaces=XHTML)
            assert said == "No document names this person in its text.", (path, said)
            assert doc.xpath("//h:section[@class='letters-of']", namespaces=XHTML), path
    assert seen


def _split_index(digests, times, entities) -> dict[str, str]:
    """The files of an index of ``digests`` (``times`` over, in order) with the
    register entries ``entities`` (key -> (entry, the documents naming it)), as text."""
    index = search_index.SearchIndex()
    numbers = {}
    for again in range(times):
        for n, found in enumerate(digests):
            numbers[f"{found.id}/{again}"] = number = again * len(digests) + n
            index.add(number, found)
    register = {key: entry for key, (entry, _) in entities.items()}
    named = {key: [f"{digests[n % len(digests)].id}/{n // len(digests)}" for n in docs]
             for key, (_, docs) in entities.items() if docs}
    index.add_entities(register, {}, numbers, named, shown=list(register))
    return {name: data.decode("utf-8") for name, data in index.files()}


def _whole_terms(files: dict[str, str]) -> dict[str, tuple[str, list]]:
    """Term -> its postings and entity rows whole, read from the shards, parts and
    files of entries."""
    parts, names = defaultdict(dict), defaultdict(dict)
    for name, text in files.items():
        if name.startswith("search/p-"):
            term, number, value = read_part(text)
            assert name == search_index.part_name(term, number)
            parts[term][number] = value
        elif name.startswith("search/e-"):
            term, number, rows = read_names(text)
            assert name == search_index.names_name(term, number)
            names[term][number] = rows
    whole = {}
    for name, text in files.items():
        if name.startswith("search/s-"):
            _, shard = read_shard(text)
            for term in {*shard["t"], *shard["e"]}:
                whole[term] = term_whole(shard, term, parts[term], names[term])
    return whole


def test_a_frequent_term_is_split_by_document_range_into_parts(built, monkeypatch):
    """A term whose postings and entries pass ``PART_BYTES`` is cut into parts by
    document range, each about that size, its entries written apart in files of
    about ``NAMES_BYTES``, its shard listing where each starts; read back whole they
    are what one shard held."""
    digests = _indexed(built)
    entry = lambda label, slug: SimpleNamespace(label=label, kind="person", slug=slug,  # noqa: E731
                                                names=[label])
    entities = {f"p{n}": (entry(f"The Person {n}", f"p{n}"), list(range(n % 7, 3 * len(digests), 5 + n % 3)))
                for n in range(60)}
    entities["p99"] = (entry("The Correspondent", "p99"), [])  # (shown, named by no text)
    plain = _split_index(digests, 3, entities)
    assert not [name for name in plain if name.startswith("search/p-")]  # (all under the limit)
    monkeypatch.setattr(search_index, "PART_BYTES", 1500)
    monkeypatch.setattr(search_index, "NAMES_BYTES", 500)
    split = _split_index(digests, 3, entities)
    parted = {name for name in split if name.startswith("search/p-")}
    terms = {read_part(split[name])[0] for name in parted}
    assert {"the", "person"} <= terms and len(parted) > 2 * len(terms)
    # every part is about the limit: none over it by more than a document's share
    assert max(len(split[name].encode("utf-8")) for name in parted) < 2 * 1500
    listed = json.loads(split["search/shards.js"].split("=", 1)[1].rstrip(";\n"))
    prefix = max((p for p in listed if "person".startswith(p)), key=len)
    shard = read_shard(split[f"search/s-{search_index.shard_name(prefix)}.js"])[1]
    starts, firsts, first_counts, first_pages = shard["t"]["person"]
    assert starts[0] == 0 and starts == sorted(set(starts)) and "person" not in shard["e"]
    assert firsts[0] == 0 and firsts == sorted(set(firsts)) and len(firsts) > 2
    assert [(-c, p) for c, p in zip(first_counts, first_pages)] == sorted(zip([-c for c in first_counts], first_pages))
    # the parts hold the documents of their ranges; each entry is written once, the
    # most named first, then by page
    # (with the count of its documents, known before the parts holding them are read)
    for i, start in enumerate(starts):
        value = read_part(split[search_index.part_name("person", i)])[2]
        end = starts[i + 1] if i + 1 < len(starts) else 10 ** 6
        assert all(start <= d < end for d, _, _ in search_index.read_postings(value["t"]))
    labels, counts = [], {}
    for i, first in enumerate(firsts):
        term, number, rows = read_names(split[search_index.names_name("person", i)])
        assert (term, number, len(labels)) == ("person", i, first)
        assert len(split[search_index.names_name("person", i)]) < 2 * 500
        labels += [label for label, *_ in rows]
        counts.update((label, count) for label, _, _, count in rows)
    assert sorted(labels) == sorted(f"The Person {n}" for n in range(60))
    assert labels == [label for label, _ in sorted(counts.items(), key=lambda lc: (-lc[1], "person/p" + lc[0].split()[-1]))]
    # an entry no document names (a correspondent) last
    prefix = max((p for p in listed if "the".startswith(p)), key=len)
    shard = read_shard(split[f"search/s-{search_index.shard_name(prefix)}.js"])[1]
    last = read_names(split[search_index.names_name("the", len(shard["t"]["the"][1]) - 1)])[2]
    assert last[-1] == ["The Correspondent", "person/p99", 60, 0]  # (after the 60 persons in the register)
    assert counts == {label: len(search_index.read_documents(docs))
                      for label, _, docs in _whole_terms(plain)["person"][1]}
    assert len(set(counts.values())) > 1
    assert _whole_terms(split) == _whole_terms(plain)
    assert _whole_terms(plain)["person"][1][:2] == [["The Person 0", "person/p0", search_index._deltas(
        entities["p0"][1])], ["The Person 1", "person/p1", search_index._deltas(entities["p1"][1])]]


def test_an_entry_s_row_counts_a_correspondent_s_letters():
    """The search ranks the entries found by their documents: a correspondent's row
    counts the letters sent and received with those that name him (each once), an
    entry no letter concerns keeps its count, that of its documents."""
    index = search_index.SearchIndex()
    for number in range(4):
        index.add(number, None)
    escher = SimpleNamespace(label="Alfred Escher", kind="person", slug="p1", names=["Alfred Escher"])
    other = SimpleNamespace(label="Clara Escher", kind="person", slug="p9", names=["Clara Escher"])
    index.add_entities({"p1": escher, "p9": other}, {}, {f"d{n}": n for n in range(4)},
                       {"p1": ["d0"], "p9": ["d1", "d2"]}, shown=["p1", "p9"],
                       letters={"p1": ["d0", "d1", "d3"]})
    files = {name: data.decode("utf-8") for name, data in index.files()}
    shard = read_shard(files[f"search/s-{search_index.shard_name('es')}.js"])[1]
    assert shard["e"]["escher"] == [["Alfred Escher", "person/p1", search_index.numbers([0]), 3],
                                    ["Clara Escher", "person/p9", search_index.numbers([1, 1])]]


def test_an_entry_shown_on_the_site_is_found_though_no_text_names_it():
    """A correspondent whom no letter's text names has a page: the index finds it by
    its names (with no documents of its own), an entry neither named nor shown not."""
    index = search_index.SearchIndex()
    index.add(0, None)
    heer = SimpleNamespace(label="Oswald Heer", kind="person", slug="heer", names=["Oswald Heer", "Heer, Oswald"])
    other = SimpleNamespace(label="Hans Heer", kind="person", slug="hans", names=["Hans Heer"])
    index.add_entities({"heer": heer, "hans": other}, {}, {"d": 0}, {}, shown=["heer"])
    files = {name: data.decode("utf-8") for name, data in index.files()}
    shard = read_shard(files[f"search/s-{search_index.shard_name('he')}.js"])[1]
    assert shard["e"] == {"heer": [["Oswald Heer", "person/heer", ""]]}


def test_a_pages_parameter_holds_every_value_as_it_was(tmp_path):
    """A document's ``collection-page`` is written as the XML text Saxon parses
    (``site.page_parameters``): parsed, it holds the collection's title and the
    citation as they were, whatever characters they hold, and the names' links; a
    value no XML can hold is refused, as a tree refused it."""
    import dataclasses

    register = '<listPerson><person xml:id="p1"><persName>Anna</persName></person></listPerson>'
    coll, _ = _one_letter(tmp_path / "src", register,
                          '<p>Gruss an <persName ref="#p1">Anna</persName> &amp; <persName ref="#p1">sie</persName></p>')
    title = 'Briefe & "Notizen" <1836>\n\tan Anna'
    coll = dataclasses.replace(coll, title=title, editors=["A & B"])
    [document] = coll.documents
    tree = document.parse()
    from tei_edition.entities.resolve import resolve

    resolve(tree, document.path, coll.register)
    page = _page(site.page_parameters(coll, document, tree))
    assert page.get("collection") == title
    [citation] = page.iter("{urn:x-tei-edition}citation")
    assert citation.text == f"Letter. In: {title}, ed. by A & B"
    links = [(e.get("id"), e.get("href")) for e in page.iter("{urn:x-tei-edition}entity")]
    keys = tree.getroot().xpath("//@te:refs", namespaces={"te": "urn:x-tei-edition"})
    # the name's id and its key, once for both names, to the entry's page
    assert [i for i, _ in links] == list(dict.fromkeys(["p1", keys[0]])) and keys == [keys[0]] * 2
    assert len({h for _, h in links}) == 1 and links[0][1].startswith("registers/person/")
    with pytest.raises(ValueError):
        site.page_parameters(dataclasses.replace(coll, title="Briefe\x0b"), document, tree)


def test_a_collection_page_never_replaces_its_source(built, tmp_path):
    """A page whose target is its source document, by a link or by its own path, is
    refused and the source left as it was; a target not there yet is written."""
    from tei_edition.errors import InputError
    from tei_edition.publish.formats import ExportRequest, html as html_format

    html, figures = built
    document = figures["collection"].ordered()[0]
    source = tmp_path / "letter.xml"
    source.write_bytes(Path(document.path).read_bytes())
    param = site.page_parameters(figures["collection"], document)["collection-page"]
    link = tmp_path / "page.html"
    link.symlink_to(source)
    for target in (link, source):
        request = ExportRequest(tree=document.parse(), source=source, output=target,
                                options={"collection_page": param})
        with pytest.raises(InputError, match="refusing to replace the source document"):
            html_format.export(request)
        assert source.read_bytes() == Path(document.path).read_bytes()
    fresh = tmp_path / "out" / "page.html"
    result = html_format.export(ExportRequest(tree=document.parse(), source=source, output=fresh,
                                              options={"collection_page": param}))
    assert result.outputs == [fresh] and fresh.read_bytes().startswith(b"<!DOCTYPE html>")


def test_an_entrys_point_is_its_first_location_geo_as_find_gives_it():
    from lxml import etree

    from tei_edition.publish import site

    def place(inner: str):
        return etree.fromstring(f'<place xmlns="http://www.tei-c.org/ns/1.0">{inner}</place>')

    assert site._geo(place("<location><geo>52.5 13.4</geo><geo>1 2</geo></location>")) == (52.5, 13.4)
    assert site._geo(place("<location/><location><geo>1, 2</geo></location>")) == (1.0, 2.0)
    assert site._geo(place("<geo>1 2</geo><note><location><geo>1 2</geo></location></note>")) is None
    assert site._geo(place("<location><geo>north</geo></location>")) is None
    assert site._geo(place("<location><geo>91 2</geo></location>")) is None
