"""The collection site in a real browser (Debian's Chromium through Playwright), opened
from file:// with its Content-Security-Policy in force, on a generated collection:
the catalogue table sorts and filters, search finds a name in another spelling and a
phrase across documents while loading only the shards it needs, prev/next follow the
date order, a register page lists mentions from several documents, and no request
leaves the site.

Screenshots go to tests/artifacts/collection/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).parent))
from catalogue_files import read_rows  # noqa: E402
from conftest import BROWSER_MARKS, ROOT  # noqa: E402
from test_collection_site_fixture import build_site, generate  # noqa: E402

ARTIFACTS = ROOT / "tests" / "artifacts" / "collection"

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("collection-browser")
    figures = build_site(generate(folder / "src", letters=40), folder / "out")
    return folder / "out" / "html", figures["collection"]


@pytest.fixture
def open_page(new_page, built):
    """A fresh page of the built site (``name`` may carry a #fragment), recording
    problems and requests (conftest's ``new_page``)."""
    def opener(name="index.html", width=1300, height=900):
        path, _, fragment = name.partition("#")
        return new_page(built[0].joinpath(path).as_uri() + (f"#{fragment}" if fragment else ""),
                        width, height)

    return opener


def shot(page, name, **options):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), **options)


def column(page, n):
    """Column n's cells once the rows drawn have their titles and names: until its chunk
    arrives a row shows "…" for its title and no names (CI once read them too soon). Only
    the rows in view ask for their chunk, so a test reading every row sees all of them."""
    expect(page.locator("#te-rows td.loading")).to_have_count(0)
    return page.locator(f"#te-rows tr:not(.spacer) td:nth-child({n})").all_inner_texts()


def test_catalogue_sorts_by_any_column(open_page, built):
    page = open_page(height=2400)  # all 40 rows in view
    page.wait_for_selector("#te-rows tr:not(.spacer)")
    assert page.locator("#te-count").inner_text() == "40 documents"
    collection = built[1]
    titles = [d.catalogue.title for d in collection.ordered()]
    assert column(page, 2)[:5] == titles[:5]  # date order first
    page.click("button.sort[data-key='sender']")
    # (sorted by the order written at build time: catalogue/o-sender.js, not every row's names)
    expect(page.locator("th[data-key='sender']")).to_have_attribute("aria-sort", "ascending")
    loaded = [u.rsplit("/", 1)[1] for u in page.requests if "/catalogue/" in u]
    assert "o-sender.js" in loaded and "names.js" not in loaded
    senders = column(page, 3)
    assert senders == sorted(senders) and len(set(senders)) > 1
    page.click("button.sort[data-key='sender']")
    expect(page.locator("th[data-key='sender']")).to_have_attribute("aria-sort", "descending")
    assert column(page, 3) == sorted(column(page, 3), reverse=True)
    shot(page, "home-sorted")
    assert page.problems == []


def test_the_text_filter_shows_its_whole_hint(open_page):
    """The free-text filter's hint says what it searches ("title, names, place or date"):
    the box is wide enough for all of it (it was cut at "or d")."""
    page = open_page()
    hint, room = page.evaluate("""() => {
        const box = document.getElementById("te-text"), style = getComputedStyle(box);
        const pen = document.createElement("canvas").getContext("2d");
        pen.font = style.font;
        return [pen.measureText(box.placeholder).width,
                box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)];
    }""")
    assert page.get_attribute("#te-text", "placeholder") == "title, names, place or date"
    assert 0 < hint <= room


def test_catalogue_filters_by_year_correspondent_place_and_text(open_page, built):
    collection = built[1]
    page = open_page()
    page.wait_for_selector("#te-rows tr:not(.spacer)")
    page.fill("#te-from", "1840")
    page.fill("#te-to", "1842")
    expected = [d for d in collection.ordered() if "1840" <= d.catalogue.date[:4] <= "1842"]
    expect(page.locator("#te-count")).to_have_text(f"{len(expected)} of 40 documents")
    assert column(page, 2) == [d.catalogue.title for d in expected]
    # (each filter is applied 120 ms after the typing, once its list of names or words
    # has come: the table is redrawn as the state is written in the address)
    page.fill("#te-person", "oswald heer")  # case does not matter
    expect(page).to_have_url(re.compile(r"person=oswald%20heer"))
    expected = [d for d in expected if any(p["name"] == "Oswald Heer"
                                           for p in d.catalogue.sender + d.catalogue.addressee)]
    expect(page.locator("#te-count")).to_have_text(f"{len(expected)} of 40 documents")
    assert column(page, 2) == [d.catalogue.title for d in expected]
    page.click("#te-reset")
    page.fill("#te-place", "geneve")  # diacritics folded
    expect(page).to_have_url(re.compile(r"#place=geneve$"))  # the state is in the address
    places = set(column(page, 5))
    assert places == {"Genève"}
    page.click("#te-reset")
    page.fill("#te-text", "Welti Bern")
    expect(page).to_have_url(re.compile(r"#q=Welti%20Bern$"))
    titles = column(page, 2)
    assert titles and all("Welti" in title and "Bern" in title for title in titles), titles
    shot(page, "home-filtered")
    assert page.problems == []


def test_many_rows_render_only_what_is_visible(open_page):
    page = open_page(height=500)
    page.wait_for_selector("#te-rows tr:not(.spacer)")
    rendered = page.locator("#te-rows tr:not(.spacer)").count()
    assert rendered < 40  # virtual rows: what is in view and a margin
    page.evaluate("document.getElementById('te-frame').scrollTop = 100000")
    # (drawn on the next frame after the scroll)
    expect(page.locator("#te-rows tr:not(.spacer)").last).to_have_attribute("aria-rowindex", "41")


def shard_requests(page):
    return [u for u in page.requests if "/search/s-" in u]


def test_search_finds_a_name_in_another_spelling(open_page, built):
    page = open_page("search.html#q=Turicum")
    page.wait_for_selector("#te-hits li")
    status = page.locator("#te-search-status").inner_text()
    assert "documents for Turicum" in status
    assert page.locator("#te-entity-hits a").inner_text() == "Zürich"
    hits = page.locator("#te-hits li.hit").count()
    zurich = [d for d in built[1].ordered() if "pl1" in open(d.path, encoding="utf-8").read()]
    assert hits == len(zurich)
    # the search loaded the one shard of its term, never the whole index
    assert len(shard_requests(page)) == 1
    shot(page, "search-spelling")
    assert page.problems == []


def test_search_folds_case_and_diacritics_and_finds_a_phrase(open_page):
    page = open_page("search.html#q=GENEVE")
    expect(page.locator("#te-hits mark").first).to_have_text("Genève")
    page.fill("#te-query", '"gotthard tunnel company"')
    page.press("#te-query", "Enter")
    expect(page.locator("#te-search-status")).to_contain_text("gotthard tunnel")
    hits = page.locator("#te-hits li.hit").count()
    assert hits == 8  # letters 5, 10, ..., 40: the phrase ends their last paragraph
    # (each result's snippets come with its passages, in any order: the first's awaited)
    expect(page.locator("#te-hits li").first.locator("mark")).to_have_text(["Gotthard", "tunnel", "company"])
    # the words of the phrase in another order are not the phrase
    page.fill("#te-query", '"tunnel gotthard"')
    page.press("#te-query", "Enter")
    expect(page.locator("#te-search-status")).to_contain_text("Nothing found")
    requested = shard_requests(page)
    assert len(requested) == len(set(requested)) == 4  # ge, go, tu, co: each once
    shot(page, "search-phrase")
    assert page.problems == []


def test_words_typed_and_entered_are_searched_once(open_page):
    """Enter searched at once, and the typing's own search came 250 ms after the last
    key anyway: the results were drawn again, the reader's place in them (focus, "More
    results") lost. Typed and entered within the 250 ms, the words are searched once."""
    page = open_page("search.html")
    page.evaluate("""() => { window.teSearches = 0;  // each search first says "Searching…"
        new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(
            n => { if (n.data === "Searching\u2026") { window.teSearches += 1; } })))
          .observe(document.getElementById("te-search-status"), {childList: true}); }""")
    page.evaluate("""() => { const query = document.getElementById("te-query");
        query.value = "heer";
        query.dispatchEvent(new Event("input", {bubbles: true}));  // typed ...
        document.getElementById("te-search-form").requestSubmit(); }""")  # ... and entered
    expect(page.locator("#te-hits li.hit").first).to_be_attached()
    # the typing's search has had its turn: a timer set now, as long, fires after it
    page.evaluate("() => new Promise(done => setTimeout(done, 250))")
    assert page.evaluate("window.teSearches") == 1
    assert page.problems == []


def test_search_filters_by_year(open_page, built):
    """The years given keep exactly the hits of those years, both years included."""
    def hits(address):
        page = open_page(address)
        all_hits(page)  # (every page of them: ten are shown at a time)
        found = page.locator("#te-hits li.hit").evaluate_all(
            "hits => hits.map(h => [h.querySelector('.date').textContent, h.textContent])")
        assert page.problems == []
        return found

    every = hits("search.html#q=heer")
    within = [[date, text] for date, text in every if date.endswith(("1845", "1846"))]
    assert {d[-4:] for d, _ in within} == {"1845", "1846"} and len(within) < len(every)
    assert hits("search.html#q=heer&from=1845&to=1846") == within


def test_prev_and_next_follow_the_date_order(open_page, built):
    documents = built[1].ordered()
    page = open_page(documents[0].id + ".html")
    for link, document in (("a.next", documents[1]), ("a.next", documents[2]), ("a.prev", documents[1])):
        page.click(link)
        expect(page).to_have_url(re.compile("/" + re.escape(document.id + ".html") + "$"))
    shot(page, "document")
    assert page.problems == []


def test_catalogue_rows_and_search_hits_open_the_document_pages(open_page, built):
    """The catalogue and the search build each document's address from its id
    (site.js): ``letters/<id>.html``, a file of its own."""
    documents = built[1].ordered()
    page = open_page()
    page.wait_for_selector("#te-rows tr:not(.spacer)")
    page.locator("#te-rows tr:not(.spacer) td.title a").first.click()
    expect(page).to_have_url(re.compile("/" + re.escape(documents[0].id + ".html") + "$"))
    assert page.locator("section.collection-doc").count() == 1 and page.problems == []
    page = open_page("search.html#q=heer")
    page.wait_for_selector("#te-hits li.hit a")
    link = page.locator("#te-hits li.hit a").first
    target = link.get_attribute("href")
    link.click()
    expect(page).not_to_have_url(re.compile(r"/search\.html"))
    page.wait_for_load_state()
    path, _, anchor = page.url.partition("#")
    assert path.endswith(".html") and not path.endswith("/index.html") and "/letters/" in path, target
    assert page.locator("section.collection-doc").count() == 1
    assert not anchor or page.locator(f"[id='{anchor}']").count() == 1
    assert page.problems == []


def card_scripts(html: Path) -> dict:
    """Entry id -> (type, [label, dates, description] without the empty ones at its end):
    the name cards' data, a script beside each entry's register page
    (registers/person/p3.js: teCard("p3", ["person", label, ...]);)."""
    cards = {}
    for script in html.glob("registers/*/*.js"):
        call = re.fullmatch(r'teCard\(("[^"]*"),(\[.*\])\);\n', script.read_text(encoding="utf-8"), re.S)
        assert call, script
        key, fields = json.loads(call[1]), json.loads(call[2])
        assert key == script.stem and fields[0] == script.parent.name, script
        cards[key] = (fields[0], fields[1:])
    return cards


def test_a_documents_page_gets_its_search_box_and_backlinks_described_by_the_script(new_page, tmp_path):
    """What only a script can use is the script's, not written on each of thousands of
    pages: the header's search box (which opens the site's search page) and each note's
    backlink described by the page's one "Back to the text"; notes all in the margin
    are marked so once, on their list, and still get their margin copies."""
    source = generate(tmp_path / "src", letters=3)
    letter = sorted((source / "letters").glob("*.xml"))[0]
    letter.write_text(letter.read_text(encoding="utf-8").replace(
        "_p1\">", "_p1\"><note>An editor's note.</note>", 1), encoding="utf-8")
    figures = build_site(source, tmp_path / "out")
    html = tmp_path / "out" / "html"
    document = next(d for d in figures["collection"].ordered() if Path(d.path).name == letter.name)
    written = (html / f"{document.id}.html").read_text(encoding="utf-8")
    assert 'role="doc-backlink"' in written and 'class="footnotes all-in-margin"' in written
    assert 'id="te-search"' not in written and "aria-describedby" not in written
    assert 'class="in-margin"' not in written
    page = new_page((html / f"{document.id}.html").as_uri(), 1400, 900)
    page.wait_for_selector("#te-tools:not([hidden])")
    assert page.locator("header #te-search[role='search'] label[for='te-q']").count() == 1
    assert page.get_attribute("#te-search", "data-target") == "../search.html"
    described = page.evaluate("[...document.querySelectorAll('a[role=doc-backlink]')]"
                              ".map(a => a.getAttribute('aria-describedby'))")
    assert described == ["te-back"]
    assert page.locator(".sidenote").inner_text().endswith("An editor's note.")
    assert page.problems == []


def test_a_name_in_a_document_shows_its_card(open_page, built):
    """A letter's names carry no entry id: the card's entry is the one the link's file
    names (registers/person/p3.html), its data a script beside that page (p3.js), which
    the letter loads when a reader points at the name: the page carries no cards. Nor
    a class on each name: its link says it is one, and of which kind (edition.css and
    .js find names by it), and "Highlight names" marks them by kind."""
    documents = built[1].ordered()
    page = open_page(documents[0].id + ".html")
    page.wait_for_selector("#te-tools:not([hidden])")
    names = page.locator("#te-text a[href*='registers/']")
    assert names.count() >= 1
    cards = card_scripts(built[0])
    assert page.locator("#te-entities").count() == 0
    scripts = lambda: page.evaluate("[...document.scripts].map(s => s.getAttribute('src'))")  # noqa: E731
    assert scripts() == ["../assets/edition.js", "../assets/search-box.js"]  # no card before a name is pointed at
    kinds = {"person": "Person", "place": "Place", "org": "Organisation"}
    for i in range(names.count()):
        name = names.nth(i)
        assert name.get_attribute("data-entity") is None and name.get_attribute("class") is None
        entity = name.get_attribute("href").rsplit("/", 1)[1].removesuffix(".html")
        name.focus()
        card = page.locator("#te-card")
        # the card is this name's once it is marked open: until its script has come
        # the card of the name before stays
        expect(name).to_have_class("te-card-open")
        expect(card).to_be_visible()
        kind, fields = cards[entity]
        label, dates, description = (fields + ["", ""])[:3]
        assert card.locator(".card-type").text_content() == kinds[kind]  # (shown in capitals)
        assert card.locator(".card-label").inner_text() == label
        assert card.locator(".card-dates").all_inner_texts() == ([dates] if dates else [])
        assert card.locator(".card-description").all_inner_texts() == ([description] if description else [])
        assert name.get_attribute("aria-describedby") == "te-card"
    assert any(len(fields) == 3 for _, fields in cards.values()), "no card with a description"
    # each card loaded once, however often its name stands in the letter
    loaded = scripts()[2:]
    assert len(loaded) == len(set(loaded)) == len({names.nth(i).get_attribute("href") for i in range(names.count())})
    decoration = "getComputedStyle(document.querySelector(\"#te-text a[href*='registers/%s/']\")).%s"
    assert page.evaluate(decoration % ("person", "textDecorationLine")) == "none"
    page.click("#te-highlight")
    assert page.evaluate(decoration % ("person", "textDecorationStyle")) == "solid"
    assert page.evaluate(decoration % ("place", "textDecorationStyle")) == "dotted"
    assert page.problems == []


def test_a_name_whose_card_has_not_come_leaves_no_other_name_s_card_open(new_page, built, tmp_path):
    """A name's card comes when a reader points at it: pointing at a second name while
    the first's card was open left that card open beside the first name until the
    second's came, and for good when it never came (here its script is gone); the
    first name stayed described by it."""
    import shutil

    site = tmp_path / "html"
    shutil.copytree(built[0], site)
    document = site / (built[1].ordered()[0].id + ".html")
    page = new_page(document.as_uri())
    page.wait_for_selector("#te-tools:not([hidden])")
    names = page.locator("#te-text a[href*='registers/']")
    hrefs = names.evaluate_all("names => names.map(n => n.getAttribute('href'))")
    other = next(i for i, href in enumerate(hrefs) if href != hrefs[0])
    (document.parent / hrefs[other]).with_suffix(".js").unlink()
    first, second = names.nth(0), names.nth(other)
    first.focus()
    expect(first).to_have_class("te-card-open")
    expect(page.locator("#te-card")).to_be_visible()
    second.focus()
    expect(page.locator("#te-card")).to_be_hidden()
    assert first.get_attribute("aria-describedby") is None
    assert "te-card-open" not in first.get_attribute("class")


def test_register_page_links_to_passages_in_several_documents(open_page):
    page = open_page("registers/person/p2.html")
    groups = page.locator("section.mentions > ul.by-document > li")
    assert groups.count() >= 5
    # a document's line (its title, which says its date here), its snippet under it,
    # indented, as a paragraph of its own, naming the entry
    title, snippet = groups.first.locator("a").first, groups.first.locator("p")
    assert re.search(r", \d{1,2} [A-Z][a-z]+ \d{4}$", title.inner_text())
    assert "Heer" in snippet.inner_text()
    above, below = title.bounding_box(), snippet.bounding_box()
    assert below["y"] >= above["y"] + above["height"] - 1 and below["x"] > above["x"]
    # its ellipses drawn by the stylesheet where the passage goes on, none where it
    # starts or ends (the page's text holds none: registers.xsl, s:snippet)
    assert_ellipses_drawn(page)
    mention = groups.nth(1).locator("a[href*='#']").first
    anchor = mention.get_attribute("href").split("#")[1]
    mention.click()
    expect(page).to_have_url(re.compile(r"/letters/[^/#]+\.html#" + re.escape(anchor) + "$"))
    page.wait_for_load_state()
    assert page.locator(f"[id='{anchor}']").inner_text().count("Heer") >= 1
    shot(page, "after-mention")
    assert page.problems == []


def assert_ellipses_drawn(page) -> set[str]:
    """A register page's snippets: their text holds no ellipsis, the stylesheet draws one
    on each side their passage goes on (not after one marked "end" ...); the marks seen."""
    drawn = page.evaluate("""() => [...document.querySelectorAll('.by-document p, .by-document a ~ a')].map(
        s => [s.className, getComputedStyle(s, '::before').content, getComputedStyle(s, '::after').content,
              s.textContent])""")
    assert drawn and not any("…" in text for *_, text in drawn)
    for marks, before, after, _ in drawn:
        assert before == ("none" if "start" in marks.split() else '"… "')
        assert after == ("none" if "end" in marks.split() else '" …"')
    return {mark for marks, *_ in drawn for mark in marks.split()}


def test_a_snippet_that_starts_or_ends_its_passage_has_no_ellipsis_that_side(open_page, built):
    page = next(open_page(path.relative_to(built[0]).as_posix())
                for path in sorted((built[0] / "registers").glob("*/*.html"))
                if 'class="start' in path.read_text(encoding="utf-8"))
    assert "start" in assert_ellipses_drawn(page)
    # (no generated letter here names an entry last in its paragraph: one marked so)
    page.evaluate("document.querySelector('.by-document p:not(.start)').className = 'end'")
    assert assert_ellipses_drawn(page) == {"start", "end"}
    assert page.problems == []


def test_a_register_page_gets_the_search_box_from_its_script(open_page, built):
    """An entry's page is written without the header's search box (it needs the script
    to search); the script draws it, and it searches as on every other page."""
    written = (built[0] / "registers" / "person" / "p2.html").read_text(encoding="utf-8")
    assert 'id="te-search"' not in written and 'href="../../search.html"' in written
    page = open_page("registers/person/p2.html")
    box = page.locator("header form#te-search[role=search] input#te-q")
    expect(box).to_have_attribute("placeholder", "Search the collection")
    assert page.locator("label[for=te-q]").inner_text() == "Search the collection"
    box.fill("Turicum")
    box.press("Enter")
    page.wait_for_selector("#te-hits li")
    assert page.url.endswith("search.html#q=Turicum")
    assert page.locator("#te-entity-hits a").inner_text() == "Zürich"
    assert page.problems == []


def test_a_document_page_has_the_site_s_header_and_its_box_searches_the_site(open_page, built):
    """A letter's page had a header of its own (Documents, Registers, Search: no
    Timeline, no Map, no search box) under the site's title: one site, one header. Its
    links are the home page's, and its box opens the site's search."""
    def header(page):
        return page.evaluate("""() => [document.querySelector('.site-title').textContent,
            [...document.querySelectorAll('.site-nav a')].map(a => [a.textContent, a.href]),
            document.querySelector('.site-header-inner').getBoundingClientRect().height,
            !!document.querySelector('.site-header form#te-search input#te-q')]""")

    home = header(open_page())
    letter = open_page("letters/letter_11_001.html")
    assert header(letter) == home
    assert [label for label, _ in home[1]][:3] == ["Documents", "Registers", "Timeline"] and home[3]
    shot(letter, "letter-header", clip={"x": 0, "y": 0, "width": 1300, "height": 120})
    box = letter.locator("header form#te-search input#te-q")
    box.fill("Turicum")
    box.press("Enter")
    letter.wait_for_selector("#te-hits li")
    assert letter.url.endswith("search.html#q=Turicum")
    assert letter.problems == []


@pytest.mark.parametrize("name", ["registers/person/p2.html", "letters/letter_11_001.html"])
def test_the_drawn_search_box_moves_nothing_in_the_header(browser, built, name):
    """The header keeps the place of the box the script draws on an entry's and a
    document's page: with and without the script it is as high, and its links stand
    where they stand."""
    where = """() => [document.querySelector('.site-header-inner').getBoundingClientRect().height,
        document.querySelector('.site-nav').getBoundingClientRect().x, !!document.getElementById('te-q')]"""
    for width in (1400, 390):
        found = []
        for script in (False, True):
            context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=script)
            try:
                page = context.new_page()
                page.goto((built[0] / name).as_uri())
                found.append(page.evaluate(where))
            finally:
                context.close()
        (bare_height, bare_x, bare_box), (height, x, box) = found
        assert (bare_box, box) == (False, True)
        assert height == pytest.approx(bare_height, abs=0.5) and x == pytest.approx(bare_x, abs=0.5), width


@pytest.mark.parametrize("name", ["index.html", "registers/person/p2.html", "letters/letter_11_001.html"])
def test_text_scrolled_under_the_header_does_not_show_through(open_page, name):
    """The header was 97% opaque: the text scrolled under it showed through. With its
    own content hidden, the header looks the same over the text as over nothing."""
    page = open_page(name, 1300, 500)
    settled(page)
    page.evaluate("() => window.scrollTo(0, 260)")
    wait_until(page, "window.scrollY > 200")
    shot(page, f"scrolled-under-the-header-{name.replace('/', '-')}",
         clip={"x": 0, "y": 0, "width": 1300, "height": 200})
    page.evaluate("() => { for (const el of document.querySelectorAll('.site-header-inner > *'))"
                  " el.style.visibility = 'hidden'; }")
    box = page.evaluate("() => { const r = document.querySelector('.site-header')"
                        ".getBoundingClientRect(); return {x: 0, y: 0, width: 1300, height: r.bottom - 1}; }")
    over_text = page.screenshot(clip=box)
    page.evaluate("() => { document.querySelector('main').style.visibility = 'hidden'; }")
    assert page.screenshot(clip=box) == over_text
    assert page.problems == []


def test_a_tap_on_a_name_loads_its_card_before_following_it(browser, built):
    """On a touch screen the first tap on a name shows its card (loaded then, from
    beside the entry's page); the second follows the link."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(built[0].joinpath(built[1].ordered()[0].id + ".html").as_uri())
        page.wait_for_selector("#te-tools:not([hidden])")
        name = page.locator("#te-text a[href$='/p3.html']").first
        name.scroll_into_view_if_needed()
        name.tap()
        page.locator("#te-card").wait_for(state="visible")
        assert page.url.endswith(".html") and "/registers/" not in page.url
        assert "Gottfried Keller" in page.locator("#te-card").inner_text()
        name.tap()
        page.wait_for_url(re.compile(r"registers/person/p3\.html$"))
    finally:
        context.close()


def test_every_collection_page_holds_the_csp(open_page, built):
    document = built[1].ordered()[0].id + ".html"
    for name in ("index.html", "search.html#q=heer", "registers/index.html", "registers/person-G.html",
                 "registers/place/pl1.html", "timeline.html", "years/1840.html", "map.html", document):
        page = open_page(name)
        settled(page)
        csp = page.locator("meta[http-equiv='Content-Security-Policy']").get_attribute("content")
        assert "script-src 'self'" in csp and "default-src 'none'" in csp
        # no script in the page's own text (a document's cards load from files)
        inline = page.evaluate("""() => [...document.scripts].filter(s => !s.src)
            .map(s => s.type + ' ' + s.id)""")
        assert inline == [], name
        assert page.problems == [], name
        if name == "map.html":
            shot(page, "map")
        if name == "timeline.html":
            assert page.evaluate("document.querySelector('.bar .fill').style.width").endswith("%")
            shot(page, "timeline")


@pytest.fixture(scope="module")
def ten_thousand(tmp_path_factory):
    """A catalogue of 10,000 made-up documents (no pages behind them): the table alone."""
    from types import SimpleNamespace

    from tei_edition.collection import CatalogueEntry

    people = [f"Person {chr(65 + i % 26)}{i}" for i in range(300)]
    documents = []
    for n in range(10_000):
        year, month, day = 1800 + n // 120, 1 + (n // 10) % 12, 1 + n % 10  # in date order
        entry = CatalogueEntry(
            f"letters/l{n:05d}", "", None, "letter", title=f"Letter {n:05d} from {people[n % 300]}",
            date=f"{year}-{month:02d}-{day:02d}", date_text=f"{day}.{month}.{year}",
            sender=[{"name": people[n % 300], "key": None}],
            addressee=[{"name": people[(n * 7) % 300], "key": None}],
            place_sent={"name": f"Town {n % 50}", "key": None}, language="de")
        documents.append(SimpleNamespace(id=entry.id, catalogue=entry))
    folder = tmp_path_factory.mktemp("ten-thousand")
    _write_catalogue_only(folder, "Ten thousand", documents)
    return folder


def test_ten_thousand_rows_load_titles_for_what_is_shown(browser, ten_thousand):
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    requests, problems = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto((ten_thousand / "index.html").as_uri())
    expect(page.locator("#te-count")).to_have_text("10000 documents")
    expect(page.locator("#te-rows tr:not(.spacer) td.title a").first).to_have_text("Letter 00000 from Person A0")
    # "1.1.1800" printed by the edition's date rule, the month named from its table
    assert page.locator("#te-rows tr:not(.spacer) td.date").first.inner_text() == "1 January 1800"
    assert page.locator("#te-rows tr:not(.spacer)").count() < 60
    chunks = lambda: sorted(u.rsplit("/", 1)[1] for u in requests if "/catalogue/t" in u)  # noqa: E731
    first = chunks()
    assert first and len(first) <= 2  # (25 rows a file: the rows in view)
    page.evaluate("document.getElementById('te-frame').scrollTop = 1e9")
    expect(page.locator("#te-rows tr:not(.spacer) td.title a").last).to_have_text(re.compile("Letter 09999"))
    assert "t399.js" in chunks() and len(chunks()) <= 4
    page.click("button.sort[data-key='title']")
    page.click("button.sort[data-key='title']")  # descending
    expect(page.locator("#te-rows tr:not(.spacer) td.title a").first).to_have_text(re.compile("Letter 09999"))
    assert len(chunks()) <= 6  # the order of titles comes from the build, not from every title
    page.fill("#te-from", "1850")
    page.fill("#te-to", "1850")
    expect(page.locator("#te-count")).to_have_text("120 of 10000 documents")
    shot(page, "ten-thousand")
    assert problems == []
    weight = sum(p.stat().st_size for p in (ten_thousand / "index.html", ten_thousand / "catalogue.js",
                                            ten_thousand / "assets" / "site.js", ten_thousand / "assets" / "site.css",
                                            ten_thousand / "catalogue" / "t0.js"))
    assert weight < 300_000  # 10,000 rows: dates in one script, titles and names in chunks
    context.close()


def test_a_facsimile_shows_beside_its_page_and_nothing_leaves_the_site(open_page):
    page = open_page("letters/letter_11_001.html")
    image = page.locator(".pb a.facsimile img")
    expect(image).to_be_visible()
    # (loaded lazily, after the page's load: its box is drawn before the image comes)
    expect(image).to_have_js_property("naturalWidth", 40)
    shot(page, "facsimile")
    assert page.problems == []
    remote = open_page("letters/letter_22_002.html")
    expect(remote.locator("a.facsimile.remote")).to_have_text("Facsimile of p. 1 (external)")
    assert remote.problems == []  # the IIIF image is linked, not loaded


def test_a_facsimile_zooms_and_pans_in_its_viewer(open_page):
    """A click on the page's facsimile opens it in a dialog, whole; buttons, + - 0 and
    Ctrl+wheel zoom, a drag moves about, Escape closes it and gives focus back."""
    page = open_page("letters/letter_11_001.html")
    page.click(".pb a.facsimile")
    viewer = page.get_by_role("dialog", name="Facsimile of p. 1")
    expect(viewer).to_be_visible()
    frame, level = viewer.locator(".te-viewer-frame"), viewer.locator("output")
    image = frame.locator("img")
    expect(level).to_have_text("100%")
    # the page is fitted to the frame once the image has come: its zoom-out then disabled
    expect(viewer.get_by_role("button", name="Zoom out (-)")).to_be_disabled()

    def size():
        box = image.bounding_box()
        return box["width"], box["height"]

    fit, room = size(), frame.bounding_box()
    assert fit[0] > 40 * 2  # the 40-pixel page drawn as large as the frame allows ...
    assert fit[0] <= room["width"] + 1 and fit[1] <= room["height"] + 1  # ... and whole
    assert max(fit[0] / room["width"], fit[1] / room["height"]) > 0.95
    viewer.get_by_role("button", name="Zoom in (+)").click()
    expect(level).to_have_text("125%")
    assert size() == pytest.approx((fit[0] * 1.25, fit[1] * 1.25), rel=0.01)
    page.keyboard.type("+")
    expect(level).to_have_text("156%")
    page.keyboard.type("-")
    expect(level).to_have_text("125%")
    page.keyboard.type("0")
    expect(level).to_have_text("100%")
    assert size() == pytest.approx(fit, rel=0.001)  # reset restores the whole page

    middle = (room["x"] + room["width"] / 2, room["y"] + room["height"] / 2)
    page.mouse.move(*middle)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -400)
    page.keyboard.up("Control")
    expect(level).not_to_have_text("100%")
    assert size()[0] > fit[0] * 1.5
    for _ in range(4):
        page.keyboard.type("+")
    before = frame.evaluate("f => [f.scrollLeft, f.scrollTop]")
    page.mouse.move(*middle)
    page.mouse.down()
    page.mouse.move(middle[0] - 120, middle[1] - 90, steps=4)
    page.mouse.up()
    after = frame.evaluate("f => [f.scrollLeft, f.scrollTop]")
    assert after == pytest.approx([before[0] + 120, before[1] + 90], abs=1)  # dragged along
    shot(page, "facsimile-zoomed")
    assert viewer.get_by_role("link", name="Image alone").get_attribute("href") == "letter_11_001/facsimile/001-letter-1.png"

    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    expect(page.locator(".pb a.facsimile")).to_be_focused()
    # the size went through the CSSOM, which the policy allows: no violation reported
    assert page.problems == []
    assert page.requests and all(url.startswith("file://") for url in page.requests)

def test_the_site_works_from_a_web_server_too(browser, built):
    """Served over http (any static server), the same pages and scripts work."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built[0]))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        context = browser.new_context()
        page = context.new_page()
        problems, outside = [], []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
                and problems.append(f"{r.status} {r.url}"))  # the browser asks for an icon we do not make
        page.on("request", lambda r: None if r.url.startswith(base) else outside.append(r.url))
        page.goto(base + "search.html#q=%22railway%20question%22")
        expect(page.locator("#te-hits li.hit").first).to_be_visible()
        page.goto(base + "index.html")
        expect(page.locator("#te-count")).to_have_text("40 documents")
        assert problems == [] and outside == []
        context.close()
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("width", [1400, 390])
def test_collection_pages_have_no_accessibility_violations(open_page, built, width):
    """axe-core over the pages a reader of the collection meets: a document (with the
    script's tools, permalinks and margin notes), a register entry (with the search box
    its script draws), the home page and a search."""
    from test_html_browser import axe_violations

    document = built[1].ordered()[0].id + ".html"
    for name in (document, "registers/person/p2.html", "index.html", "search.html#q=heer"):
        page = open_page(name, width=width)
        settled(page)
        assert page.problems == [], name  # (before axe, whose own fetches the CSP refuses)
        assert axe_violations(page) == [], name


def test_a_register_entry_s_markup_in_its_card_stays_text(new_page, tmp_path):
    """A register's label and note reach a document's page in the entry's card script
    (registers/person/p1.js, JSON): markup in them ("</script>", "<!--", "&") never
    runs; the card shows it as text (textContent)."""
    source = generate(tmp_path / "src", letters=6)
    persons = source / "registers" / "persons.xml"
    hostile = "Gottfried </script><img src=x id=te-pwn> <!-- & Keller\u2028\u0085"
    note = "Writer & <script>window.tePwned = 1</script> state </script> clerk"
    xml = persons.read_text(encoding="utf-8")
    assert "<persName type=\"reg\">Gottfried Keller</persName>" in xml and "Writer, state clerk of Zurich." in xml
    escape = lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # noqa: E731
    persons.write_text(xml.replace("<persName type=\"reg\">Gottfried Keller</persName>",
                                   f"<persName type=\"reg\">{escape(hostile)}</persName>")
                       .replace("Writer, state clerk of Zurich.", escape(note)), encoding="utf-8")
    figures = build_site(source, tmp_path / "out")
    html = tmp_path / "out" / "html"
    cards = card_scripts(html)
    key = next(k for k, (_, fields) in cards.items() if "te-pwn" in fields[0])
    for document in figures["collection"].ordered():
        written = (html / f"{document.id}.html").read_text(encoding="utf-8")
        if f"/{key}.html" not in written:
            continue
        page = new_page((html / f"{document.id}.html").as_uri())
        page.wait_for_selector("#te-tools:not([hidden])")
        name = page.locator(f"#te-text a[href$='/{key}.html']").first
        name.focus()
        page.locator("#te-card").wait_for(state="visible")
        assert page.locator("#te-card .card-label").text_content() == cards[key][1][0]
        assert "</script>" in page.locator("#te-card .card-label").text_content()
        assert cards[key][1][0].endswith("Keller\u2028\u0085")  # not "&#x2028;" as text
        assert page.locator("#te-pwn").count() == 0 and page.evaluate("window.tePwned") is None
        assert page.locator("script").count() == 3  # edition.js, search-box.js and the card's, no more
        assert page.problems == []
        break
    else:
        pytest.fail("no document names the entry")


def test_a_name_whose_entry_id_is_not_its_page_s_name_shows_its_card(new_page, tmp_path):
    """An entry's page and card script are named by its slug ("p3.ü": p3-u.html, p3-u.js),
    the name on a document's page by its id (data-entity="p3.ü"): the real letters'
    "Zürich_Stadt" (Zurich_Stadt.js) showed no card. The card is the one its link's
    script gives."""
    source = generate(tmp_path / "src", letters=6)
    persons = source / "registers" / "persons.xml"
    persons.write_text(persons.read_text(encoding="utf-8").replace('xml:id="p3"', 'xml:id="p3.\u00fc"'),
                       encoding="utf-8")
    for letter in (source / "letters").glob("*.xml"):
        letter.write_text(letter.read_text(encoding="utf-8").replace('ref="#p3"', 'ref="#p3.\u00fc"'),
                          encoding="utf-8")
    figures = build_site(source, tmp_path / "out")
    html = tmp_path / "out" / "html"
    label = card_scripts(html)["p3-u"][1][0]
    document = next(d for d in figures["collection"].ordered()
                    if "/p3-u.html" in (html / f"{d.id}.html").read_text(encoding="utf-8"))
    page = new_page((html / f"{document.id}.html").as_uri())
    page.wait_for_selector("#te-tools:not([hidden])")
    name = page.locator("#te-text a[href$='/p3-u.html']").first
    assert name.get_attribute("data-entity") == "p3.\u00fc"
    name.focus()
    page.locator("#te-card").wait_for(state="visible")
    assert page.locator("#te-card .card-label").text_content() == label
    assert page.problems == []


def test_a_column_no_document_fills_is_left_out(browser, tmp_path):
    """The real letters name no language: the table had a Language column empty down
    its whole length. A column no row fills is not shown; one some rows fill is."""
    from types import SimpleNamespace

    from tei_edition.collection import CatalogueEntry

    documents = []
    for n in range(12):
        entry = CatalogueEntry(
            f"letters/l{n:02d}", "", None, "letter", title=f"Letter {n:02d}",
            date=f"18{40 + n}-05-01", date_text=None,
            sender=[{"name": f"Person {n}", "key": None}], addressee=[{"name": "Alfred Escher", "key": None}],
            place_sent={"name": "Zürich", "key": None} if n % 3 else None, language=None)
        documents.append(SimpleNamespace(id=entry.id, catalogue=entry))
    context, page, problems = _catalogue_only_site(browser, tmp_path, "No languages", documents, "index.html")
    expect(page.locator("#te-count")).to_have_text("12 documents")
    headers = page.locator("#te-catalogue thead th").all_inner_texts()
    assert [h.strip(" ▲▼") for h in headers] == ["Date", "Title", "From", "To", "Place"]
    rows = page.locator("#te-rows tr:not(.spacer)")
    # (a row's names and place come with its chunk of titles)
    expect(rows.first.locator("td:nth-child(n+2)")).to_have_text(["Letter 00", "Person 0", "Alfred Escher", ""])
    expect(rows.nth(1).locator("td").nth(4)).to_have_text("Zürich")
    assert page.eval_on_selector("#te-rows tr.spacer td", "td => td.colSpan") == 5
    page.click("button.sort[data-key='place']")
    expect(page.locator("th[data-key='place']")).to_have_attribute("aria-sort", "ascending")
    expect(page.locator("#te-rows tr:not(.spacer) td:nth-child(5)")).to_have_text([""] * 4 + ["Zürich"] * 8)
    shot(page, "no-language-column")
    assert problems == []
    context.close()


@pytest.mark.parametrize("kinds", [("letter",), ("letter", "report")])
def test_the_search_offers_a_type_only_among_several(browser, tmp_path, kinds):
    """Every real letter is a letter: the search form offered "Type: any / letter", a
    choice that chose nothing. It is offered when the documents are of several kinds."""
    from types import SimpleNamespace

    from tei_edition.collection import CatalogueEntry

    documents = []
    for n in range(6):
        entry = CatalogueEntry(f"letters/l{n:02d}", "", None, kinds[n % len(kinds)], title=f"Document {n:02d}",
                               date=f"18{40 + n}-05-01", date_text=None)
        documents.append(SimpleNamespace(id=entry.id, catalogue=entry))
    context, page, problems = _catalogue_only_site(browser, tmp_path, "Kinds", documents, "search.html")
    expect(page.locator("#te-kind option")).to_have_count(len(kinds) + 1)
    assert page.locator("#te-kind").is_visible() == (len(kinds) > 1)
    assert page.locator("#te-query").is_visible()
    assert problems == []
    context.close()


def _catalogue_only_site(browser, folder: Path, title: str, documents: list, opened: str):
    """``_write_catalogue_only``, its page ``opened`` in a new browser context:
    (context, page, the page's script errors)."""
    _write_catalogue_only(folder, title, documents)
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto((folder / opened).as_uri())
    return context, page, problems


def _write_catalogue_only(folder: Path, title: str, documents: list) -> None:
    """The site of a collection that is only its catalogue (``documents``: id and
    catalogue entry each; no register, no digests), written to ``folder``."""
    from types import SimpleNamespace

    from tei_edition.publish import site

    collection = SimpleNamespace(title=title, editors=[], introduction=None, register=None,
                                 documents=documents, catalogue=lambda: [d.catalogue for d in documents])
    site.write_collection_site(collection, [], folder)


def _accessible_names(page, role: str) -> list[str]:
    """The names Chromium gives a screen reader for the elements of a role."""
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")
    return [n.get("name", {}).get("value", "") for n in tree["nodes"]
            if n.get("role", {}).get("value") == role and not n.get("ignored")]


def test_the_catalogue_is_readable_on_a_phone_and_its_sort_buttons_are_named_plainly(open_page):
    """At 390 px the catalogue's From, To and Place columns were 21 px wide, a letter
    each ('O', 'A'); the sorted column's button was read out as 'Date ▲' (its arrow is
    the header's sort state, which a screen reader says from aria-sort)."""
    page = open_page(width=390)
    page.wait_for_selector("#te-rows tr:not(.spacer)")
    widths = page.evaluate("[...document.querySelectorAll('#te-catalogue thead th')]"
                           ".map(th => th.getBoundingClientRect().width)")
    assert len(widths) >= 4 and min(widths) >= 80, widths
    # the table scrolls within its frame; the page itself does not scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    frame = page.locator("#te-frame")
    assert frame.evaluate("f => f.scrollWidth > f.clientWidth")
    assert page.locator("th[data-key='date']").get_attribute("aria-sort") == "ascending"
    names = _accessible_names(page, "button")
    assert "Date" in names and "Title" in names, names
    assert not [n for n in names if "▲" in n or "▼" in n], names
    shot(page, "catalogue-390")


def test_a_long_word_in_a_heading_stays_on_a_phone_s_screen(new_page, tmp_path):
    """A file's contents page was headed by its file name, "frus1918Russiav03.xml" (now
    by its title, which may hold as long a word): at 390 px it ran off the screen, cut,
    and the page scrolled sideways."""
    import shutil

    source = tmp_path / "collection"
    shutil.copytree(Path(__file__).parent / "fixtures" / "collection", source,
                    ignore=shutil.ignore_patterns("broken.xml"))
    volume = source / "volumes" / "frus.xml"
    volume.write_text(volume.read_text(encoding="utf-8").replace(
        "<title>A volume of many documents</title>", "<title>frus1918Russiav03volumeiii</title>"),
        encoding="utf-8")
    volume.rename(source / "volumes" / "frus1918Russiav03volumeiii.xml")
    build_site(source, tmp_path / "out")
    contents = tmp_path / "out" / "html" / "files" / "volumes-frus1918Russiav03volumeiii.html"
    page = new_page(contents.as_uri(), 390, 900)
    heading = page.locator("h1")
    assert "frus1918Russiav03volumeiii" in heading.inner_text()
    assert heading.evaluate("h => h.scrollWidth <= h.clientWidth"), heading.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.problems == []


def test_a_correspondent_no_text_names_is_found_in_the_registers(open_page, built):
    """Jakob Dubs writes and receives letters but no letter's text names him: his page
    is in the registers, and a search for his name offers it."""
    assert (built[0] / "registers" / "person" / "p4.html").is_file()
    page = open_page("search.html#q=Dubs")
    page.wait_for_selector("#te-entity-hits a")
    link = page.locator("#te-entity-hits a")
    assert link.all_inner_texts() == ["Jakob Dubs"]
    assert link.get_attribute("href") == "registers/person/p4.html"
    assert page.problems == []


NAMESAKES = ["Adam", "Adele", "Agnes", "Albert", "Alma", "Anna", "Anton", "August", "Barbara",
             "Benedikt", "Berta", "Carl", "Clara", "David"]


@pytest.fixture(scope="module", params=[None, 150], ids=["whole", "in-parts"])
def namesakes(tmp_path_factory, request):
    """The site of a generated collection whose persons' register starts with fourteen
    other Kellers, each named by one letter, before Gottfried Keller, whom every
    letter names, and with Hans Dubs, named by two letters (Jakob Dubs, who writes and
    receives letters, by none); its terms whole, or cut in parts of 150 bytes
    (``parted``)."""
    from tei_edition.publish import search_index

    folder = tmp_path_factory.mktemp("collection-namesakes")
    source = generate(folder / "src", letters=len(NAMESAKES))
    register = source / "registers" / "persons.xml"
    others = "".join(f'<person xml:id="k{i:02d}" n="Keller {first}"><persName type="reg">{first} Keller'
                     f'</persName><note>A namesake.</note></person>' for i, first in enumerate(NAMESAKES))
    others += '<person xml:id="d01"><persName type="reg">Hans Dubs</persName><note>A namesake.</note></person>'
    register.write_text(register.read_text(encoding="utf-8").replace("<listPerson>", "<listPerson>" + others),
                        encoding="utf-8")
    def name(n, k, key=None, label=None):
        path = next((source / "letters").glob(f"letter_*_{n:03d}.xml"))
        paragraph = f'<p xml:id="L{n:03d}_p3">'
        key, label = key or f"k{k:02d}", label or f"{NAMESAKES[k]} Keller"
        named = f'{paragraph}<persName ref="../registers/persons.xml#{key}">{label}</persName> '
        path.write_text(path.read_text(encoding="utf-8").replace(paragraph, named), encoding="utf-8")

    for n in range(1, len(NAMESAKES) + 1):
        name(n, n - 1)
    for n in (9, 11):  # (Clara Keller, named by the first letter in date order, 13, by the next two too)
        name(n, NAMESAKES.index("Clara"))
    for n in (2, 5):
        name(n, None, "d01", "Hans Dubs")
    size = search_index.PART_BYTES
    search_index.PART_BYTES = request.param or size
    try:
        build_site(source, folder / "out")
    finally:
        search_index.PART_BYTES = size
    return folder / "out" / "html"


def test_the_registers_list_the_entry_most_named_first(new_page, namesakes):
    """More than twelve entries are called Keller and the one every letter names comes
    last in the registers: the search offers him first (the rest by their documents,
    then in the registers' order), and the documents found are those of every Keller."""
    page = new_page((namesakes / "search.html").as_uri() + "#q=Keller")
    found = all_hits(page)
    entries = page.locator("#te-entity-hits a").all_inner_texts()
    assert entries[:2] == ["Gottfried Keller", "Clara Keller"]
    assert entries[2:] == [f"{first} Keller" for first in NAMESAKES if first != "Clara"][:10]
    assert len(found) == len(NAMESAKES)
    assert page.problems == []
    # the same when only the first letter's year is chosen: in parts, only the first
    # part is read, where Clara Keller is named as often as he is (his count is known
    # before his documents are read)
    page = new_page((namesakes / "search.html").as_uri() + "#q=Keller&from=1837&to=1837")
    assert len(all_hits(page)) == 1
    assert page.locator("#te-entity-hits a").all_inner_texts()[:2] == ["Gottfried Keller", "Clara Keller"]
    assert page.problems == []


def test_a_correspondent_s_letters_count_in_the_registers_order(new_page, namesakes):
    """Jakob Dubs writes and receives letters that no text names him in, Hans Dubs is
    named by two: a search for "Dubs" offers Jakob Dubs first, his letters counted as
    his documents (in 40 real letters to Alfred Escher, "Escher" listed him last)."""
    letters = [r for r in read_rows(namesakes)
               if "Jakob Dubs" in [name for name, _ in r["senders"] + r["addressees"]]]
    assert len(letters) > 2
    page = new_page((namesakes / "search.html").as_uri() + "#q=Dubs")
    all_hits(page)
    assert page.locator("#te-entity-hits a").all_inner_texts() == ["Jakob Dubs", "Hans Dubs"]
    assert page.problems == []


@pytest.fixture(scope="module")
def parted(tmp_path_factory, built):
    """The site of ``built``'s collection with parts of 150 bytes: the words
    of every letter are cut into many parts, as those of thousands of letters are."""
    from tei_edition.publish import search_index

    folder = tmp_path_factory.mktemp("collection-parts")
    size, search_index.PART_BYTES = search_index.PART_BYTES, 150
    try:
        build_site(generate(folder / "src", letters=40), folder / "out")
    finally:
        search_index.PART_BYTES = size
    return folder / "out" / "html"


def wait_until(page, condition):
    """Waits until the script ``condition`` holds (``wait_for_function`` evaluates a
    string as script when it polls, which the pages' CSP refuses)."""
    for _ in range(600):
        if page.evaluate(f"() => {condition}"):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"never: {condition}")


# every result shown has its title and the snippets of its passages (they come after it)
FILLED = ("Array.from(document.querySelectorAll('#te-hits li.hit')).every("
          "h => h.querySelector('.hit-title') && Array.from(h.querySelectorAll('ul.snippets'))"
          ".every(u => u.children.length))")


def all_hits(page):
    """The documents a search found, each page of them read ("More results"), with
    their titles and snippets."""
    wait_until(page, "/\\S/.test(document.getElementById('te-search-status').textContent) && "
                     "document.getElementById('te-search-status').textContent.indexOf('Searching') < 0")
    while page.locator("#te-more").count():
        shown = page.locator("#te-hits li.hit").count()
        page.click("#te-more")
        wait_until(page, f"document.querySelectorAll('#te-hits li.hit').length > {shown} "
                         "|| !document.getElementById('te-more')")
    wait_until(page, FILLED)
    return page.locator("#te-hits li.hit").evaluate_all("hits => hits.map(h => h.textContent)")


def settled(page):
    """Waits until what a page's scripts ask for as it opens has come and been drawn:
    the catalogue's rows in view with their titles, a search's first results with their
    titles and snippets, a document's tools; the other pages' scripts draw as they run."""
    page.wait_for_load_state("load")
    if page.locator("#te-catalogue").count():
        expect(page.locator("#te-rows tr:not(.spacer) td.title a").first).to_be_attached()
    if page.locator("#te-search-form").count() and "q=" in page.url:
        wait_until(page, "/\\S/.test(document.getElementById('te-search-status').textContent) && "
                         "document.getElementById('te-search-status').textContent.indexOf('Searching') < 0")
        wait_until(page, FILLED)
    if page.locator("#te-text.edition-text").count():  # (the home page's #te-text: its filter)
        expect(page.locator("#te-tools")).to_be_visible()


def part_requests(page):
    return sorted({u.rsplit("/", 1)[1] for u in page.requests if "/search/p-" in u})


@pytest.mark.parametrize(("address", "in_parts"), [
    ("q=the", True), ("q=heer", False), ('q="the railway question"', True), ("q=the&from=1840&to=1841", True),
    ("q=the+gotthard", True), ("q=heer+oswald", False), ("q=Gottfried+the", True)])
def test_a_term_in_parts_finds_what_it_found_whole(new_page, built, parted, address, in_parts):
    """Searching a site whose frequent terms are cut in parts finds the same documents,
    with the same snippets and register entries, as one whose terms are whole."""
    def search(html):
        page = new_page((html / "search.html").as_uri() + "#" + address)
        found = all_hits(page)
        entries = page.locator("#te-entity-hits a").all_inner_texts()
        assert page.problems == []
        return page, found, entries

    _, whole, whole_entries = search(built[0])
    page, found, entries = search(parted)
    assert found == whole and len(whole) > 0
    assert entries == whole_entries
    assert bool(part_requests(page)) == in_parts  # (a rare name's postings are whole)
    assert "so far" not in page.locator("#te-search-status").inner_text()


def test_a_frequent_term_loads_its_first_part_first_and_only_the_parts_it_needs(new_page, parted):
    from tei_edition.publish import search_index

    every = {p.name for p in (parted / "search").glob(f"p-{search_index.shard_name('the')}.*.js")}
    assert len(every) > 4
    page = new_page((parted / "search.html").as_uri() + "#q=the")
    page.wait_for_selector("#te-hits li.hit")
    # the first results from the first parts, before the rest is asked for
    status = page.locator("#te-search-status").inner_text()
    assert status.endswith("documents for the so far"), status
    first = set(part_requests(page))
    assert search_index.part_name("the", 0).rpartition("/")[2] in first and len(first) < len(every)
    assert page.locator("#te-more").count() == 1
    all_hits(page)
    assert set(part_requests(page)) == every
    assert page.locator("#te-search-status").inner_text() == "40 documents for the"
    # a year chosen: only the parts of that year's letters (and the first, for the
    # register entries no letter names)
    page = new_page((parted / "search.html").as_uri() + "#q=the&from=1850&to=1850")
    found = all_hits(page)
    assert found and len(part_requests(page)) < len(every) / 2
    assert page.problems == []
