"""The HTML edition in a real browser: Debian's Chromium through Playwright, pages
opened from file:// with the site's own Content-Security-Policy in force.

Screenshots go to tests/artifacts/html/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re

import pytest

from playwright.sync_api import expect

from conftest import BROWSER_MARKS, DOSSIER, FIXTURES, ROOT
from tei_edition.publish.export import export_file

ARTIFACTS = ROOT / "tests" / "artifacts" / "html"

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser") / "site"
    export_file(FIXTURES / "html" / "edition.xml", "html", folder)
    return folder


@pytest.fixture
def open_page(new_page, site):
    """A fresh page (wide screen) of the site, or of ``folder``, recording problems
    (conftest's ``new_page``)."""
    def opener(name="index.html", width=1400, height=1000, folder=None):
        return new_page((folder or site).joinpath(name).as_uri(), width, height)

    return opener


def shot(page, name, **options):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), **options)


def test_index_runs_its_script_under_the_csp_without_errors(open_page):
    page = open_page()
    page.wait_for_selector("#te-tools:not([hidden])")
    assert page.evaluate("typeof window.teSearchIndex") == "object"
    assert page.locator("h1").inner_text().startswith("New Evidence on Inter-Korean")
    shot(page, "index-wide", full_page=True)
    assert page.problems == []


def test_focusing_a_name_shows_its_card(open_page):
    page = open_page()
    name = page.locator("#div1\\.p1-n1")
    name.focus()
    card = page.locator("#te-card")
    card.wait_for(state="visible")
    assert "Aleksandr Puzanov" in card.inner_text()
    assert "Soviet ambassador to the DPRK" in card.inner_text()
    # what the card shows: the type, the label, the index's short description (no dates
    # in the register), and where the link leads
    assert [card.locator(f".card-{part}").all_text_contents() for part in ("type", "label", "dates", "description")] \
        == [["Person"], ["Aleksandr Puzanov"], [], ["Soviet ambassador to the DPRK, 1957–1962."]]
    assert card.locator(".card-more").count() == 1
    assert name.get_attribute("aria-describedby") == "te-card"
    shot(page, "name-card", full_page=True, clip=_around(page, "#div1\\.p1", 220))
    page.keyboard.press("Escape")
    card.wait_for(state="hidden")
    page.locator("#div1\\.p2-n1").hover()
    card.wait_for(state="visible")
    assert "Kim Il Sung" in card.inner_text()


def test_a_name_leads_to_its_register_entry_and_back(open_page):
    page = open_page()
    page.locator("#div1\\.p1-n1").click()
    page.wait_for_url(re.compile(r"persons\.html#p-puzanov$"))
    entry = page.locator("#p-puzanov")
    assert entry.is_visible() and "3 mentions" in entry.inner_text()
    assert _in_viewport(page, "#p-puzanov")
    shot(page, "register-entry")
    page.go_back()
    page.wait_for_url(re.compile(r"index\.html$"))
    page.go_forward()
    # from the register to the exact mention in the text
    page.locator("#p-puzanov .mentions a").nth(1).click()
    page.wait_for_url(re.compile(r"index\.html#div1\.p1-n1$"))
    assert _in_viewport(page, "#div1\\.p1-n1")
    assert page.evaluate("document.querySelector(':target').id") == "div1.p1-n1"
    assert page.problems == []


def test_search_finds_a_passage_and_reaches_it(open_page):
    page = open_page()
    page.locator("#te-q").fill("bucharest meeting")
    results = page.locator("#te-results")
    results.wait_for(state="visible")
    hit = results.locator("a.search-hit").first
    assert "Document No. 1" in hit.inner_text()
    assert hit.locator("mark").first.inner_text() == "Bucharest"
    shot(page, "search-results")
    hit.click()
    page.wait_for_url(re.compile(r"#div1\.p1$"))
    assert _in_viewport(page, "#div1\\.p1")
    assert results.is_hidden()
    # names are found too, and diacritics do not matter
    page.locator("#te-q").fill("angstrom")
    results.wait_for(state="visible")
    assert "Ängström" in results.inner_text()


def test_search_from_a_register_page_leads_into_the_text(open_page):
    page = open_page("places.html")
    page.locator("#te-q").fill("skachkoobraznoe")
    page.locator("#te-results a.search-hit").first.click()
    page.wait_for_url(re.compile(r"index\.html#div2\.p1\.note1$"))
    assert _in_viewport(page, "#div2\\.p1\\.note1")


def test_highlighting_sets_kinds_of_names_apart_beyond_colour(open_page):
    page = open_page()
    button = page.locator("#te-highlight")
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    styles = {kind: page.evaluate(
        f"getComputedStyle(document.querySelector(\"main a[href^='{kind}.html#']\")).textDecorationStyle")
        for kind in ("persons", "places", "organizations")}
    assert styles == {"persons": "solid", "places": "dotted", "organizations": "double"}
    markers = {kind: page.evaluate(
        f"getComputedStyle(document.querySelector(\"main a[href^='{kind}.html#']\"), '::before').content")
        for kind in ("persons", "places", "organizations")}
    assert len(set(markers.values())) == 3 and "none" not in markers.values()
    shot(page, "highlight", full_page=True, clip=_around(page, "#front1\\.div1\\.p1", 160))
    page.reload()  # the choice is remembered
    page.wait_for_selector("#te-tools:not([hidden])")
    assert page.locator("#te-highlight").get_attribute("aria-pressed") == "true"
    page.locator("#te-highlight").click()


def test_reading_switch_shows_the_diplomatic_text(open_page):
    page = open_page()
    choice = page.locator("#div1\\.p1 .tei-choice").first
    assert choice.inner_text() == "Bucharest"
    # the script sets the other reading beside the shown one, hidden (from data-other)
    assert choice.locator(":scope > .reading-shown").inner_text() == "Bucharest"
    other = choice.locator(":scope > .reading-other")
    assert other.get_attribute("hidden") == "" and other.is_hidden()
    assert choice.get_attribute("data-other") is None
    button = page.locator("#te-reading")
    assert button.get_attribute("data-shown") == "normalised"
    assert button.get_attribute("data-other") == "diplomatic"
    assert button.get_attribute("aria-pressed") == "false"
    assert page.locator("#te-tools").evaluate("t => t.parentNode.className") == "site-header"
    button.click()
    assert choice.inner_text() == "Bucarest"
    assert button.inner_text() == "Show normalised reading"
    shot(page, "diplomatic", full_page=True, clip=_around(page, "#div1\\.p1", 120))
    button.click()
    assert choice.inner_text() == "Bucharest"


def test_each_paragraph_gets_its_permalink_from_the_script(open_page):
    page = open_page()
    page.wait_for_selector("#te-tools:not([hidden])")
    links = page.evaluate("""() => [...document.querySelectorAll('#te-text p[id]')]
        .filter(p => !p.closest('.footnotes, .sidenote'))
        .map(p => [p.id, [...p.querySelectorAll(':scope > a.cite')].map(a =>
            [a.getAttribute('href'), a.getAttribute('aria-label'), a.textContent,
             a.previousSibling.data.slice(-1)])])""")
    assert len(links) >= 8
    for block, cites in links:
        assert cites == [["#" + block, "Link to this passage", "\u00b6", "\u00a0"]], block
    # none in the lists of notes nor in the margin copies
    assert page.locator(".footnotes a.cite, .sidenote a.cite").count() == 0


def test_permalink_puts_the_passage_address_in_the_address_bar(open_page):
    page = open_page()
    paragraph = page.locator("#div1\\.p2")
    paragraph.hover()
    paragraph.locator("a.cite").click()
    expect(page).to_have_url(re.compile(r"#div1\.p2$"))
    page.locator(".te-toast").wait_for(state="visible")


def test_narrow_screen_and_print_layouts(open_page):
    page = open_page(width=420, height=900)
    assert page.locator(".sidenote").first.is_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 420 + 1
    shot(page, "index-narrow", full_page=True)
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.locator(".footnotes").first.is_visible()


def test_dossier_screens(open_page, tmp_path):
    folder = tmp_path / "dossier"
    export_file(DOSSIER, "html", folder)
    for name in ("index.html", "persons.html", "about.html"):
        page = open_page(name, folder=folder)
        page.wait_for_load_state()
        shot(page, f"dossier-{name.removesuffix('.html')}", full_page=True)
        assert page.problems == []


def _in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """s => { const r = document.querySelector(s).getBoundingClientRect();
                  return r.top >= 0 && r.top < innerHeight; }""", selector)


def _around(page, selector: str, pad: int) -> dict:
    """A full-page clip (page coordinates) around an element."""
    top, height = page.evaluate("""s => { const r = document.querySelector(s).getBoundingClientRect();
                                         return [r.top + scrollY, r.height]; }""", selector)
    return {"x": 0, "y": max(0, top - pad), "width": page.viewport_size["width"], "height": height + 2 * pad}


# ---------------------------------------------------------------- reading and searching (issue 17)

def test_search_folds_names_keeps_signs_and_finds_the_other_reading(open_page):
    page = open_page()
    results = page.locator("#te-results")
    page.locator("#te-q").fill("kim il-sung")  # hyphenated as romanised Korean often is
    results.wait_for(state="visible")
    assert "Kim Il Sung" in results.locator("a.search-hit").first.inner_text()
    # the source's own spelling (the diplomatic reading) is found in the normalised one
    page.locator("#te-q").fill("bucarest")
    results.get_by_text("Other reading: Bucarest").wait_for()
    assert "Other reading: Bucarest" in results.locator("a.search-hit").first.inner_text()
    # the editorial signs and the spaces between blocks stay in a result
    page.locator("#te-q").fill("central committee")
    results.locator("a.search-hit", has_text="our [SED] Central Committee").first.wait_for()


def test_search_keeps_keyboard_focus_where_the_reader_is(open_page):
    page = open_page()
    box = page.locator("#te-q")
    results = page.locator("#te-results")
    box.click()
    page.keyboard.type("puzanov")
    page.keyboard.press("Enter")  # within the 150 ms the typing waits for
    # the typing's pending search has had its turn: a timer set now, as long, fires after it
    page.evaluate("() => new Promise(done => setTimeout(done, 150))")
    assert page.evaluate("document.activeElement.classList.contains('search-hit')") or \
        page.evaluate("document.activeElement.closest('#te-results') !== null")
    page.keyboard.press("Escape")
    results.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == "te-q"
    # a click outside closes the results
    box.fill("puzanov")
    results.wait_for(state="visible")
    page.locator("h1").click()
    results.wait_for(state="hidden")


def test_names_are_underlined_only_when_highlighted_or_pointed_at(open_page):
    page = open_page()
    name = page.locator("main a[href^='persons.html#']").first
    expect(name).to_have_css("text-decoration-line", "none")
    name.hover()
    expect(name).to_have_css("text-decoration-line", "underline")
    page.mouse.move(0, 0)
    page.locator("#te-highlight").click()
    expect(name).to_have_css("text-decoration-line", "underline")
    page.locator("#te-highlight").click()
    expect(name).to_have_css("text-decoration-line", "none")  # highlighting off, nothing pointed at


def test_a_tap_on_a_name_shows_its_card_before_following_it(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(site.joinpath("index.html").as_uri())
        name = page.locator("#div1\\.p1-n1")
        name.scroll_into_view_if_needed()
        name.tap()
        page.locator("#te-card").wait_for(state="visible")
        assert page.url.endswith("index.html") and "Aleksandr Puzanov" in page.locator("#te-card").inner_text()
        name.tap()
        page.wait_for_url(re.compile(r"persons\.html#p-puzanov$"))
    finally:
        context.close()


def test_each_note_is_shown_once(open_page, browser, site):
    for width in (1400, 420):
        page = open_page(width=width)
        shown = page.evaluate("""() => [...document.querySelectorAll('.sidenote, .footnotes li')]
            .filter(e => { const r = e.getBoundingClientRect();
                           return r.width > 1 && r.height > 1 && !e.closest('.apparatus'); })
            .map(e => e.innerText.replace(/\\s+/g, ' '))""")
        texts = [t for t in shown if "had met in December 1959" in t]
        assert len(texts) == 1, (width, texts)
    # the margin copy (the script's) is the note's for the eye only: hidden from
    # assistive technology, no ids, no tab stops
    page = open_page()
    copies = page.evaluate("""() => [...document.querySelectorAll('.sidenote')].map(s => [
        s.getAttribute('aria-hidden'), s.previousElementSibling.className,
        s.querySelectorAll('[id]').length,
        [...s.querySelectorAll('a')].filter(a => a.getAttribute('tabindex') !== '-1').length,
        s.innerText.replace(/\\s+/g, ' ')])""")
    assert copies and all(c[:4] == ["true", "noteref", 0, 0] for c in copies), copies
    assert any("had met in December 1959" in c[4] for c in copies)
    # without the script every note is in the list after its unit, on a wide screen too
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, java_script_enabled=False)
    try:
        bare = context.new_page()
        bare.goto((site / "index.html").as_uri())
        assert bare.locator(".sidenote").count() == 0
        assert bare.locator(".footnotes li", has_text="had met in December 1959").is_visible()
    finally:
        context.close()
    # on a wide screen the number leads to the note in the margin
    page = open_page()
    page.locator("#div1\\.p1 a.noteref:not(.appref)").click()
    assert page.evaluate("document.querySelector('#div1\\\\.p1 .sidenote').classList.contains('te-flash')")


def test_page_numbers_and_permalinks_keep_their_place_on_a_phone(open_page):
    page = open_page(width=390, height=844)
    # a page number in a line stands apart from the next word
    gap = page.evaluate("""() => { const n = document.querySelector('span.pb .pb-n, div.pb .pb-n');
        return parseFloat(getComputedStyle(n).paddingRight) || n.getBoundingClientRect().width; }""")
    assert gap > 0
    # the permalink never wraps onto a line of its own: it follows its last word
    lonely = page.evaluate("""() => [...document.querySelectorAll('a.cite')].filter(a => {
        const r = a.getClientRects(); const p = a.previousSibling;
        if (!p || !r.length) return false;
        const range = document.createRange(); range.selectNodeContents(p);
        const rects = range.getClientRects();
        const last = rects[rects.length - 1];  // on one line: their boxes overlap vertically
        return rects.length && !(r[0].top < last.bottom && r[0].bottom > last.top); }).length""")
    assert lonely == 0


def test_labels_pages_and_address_lines_keep_their_places(open_page, tmp_path):
    folder = tmp_path / "reader"
    export_file(FIXTURES / "html" / "reader.xml", "html", folder)
    for width in (1400, 390):
        page = open_page(folder=folder, width=width)
        boxes = page.evaluate("""() => [...document.querySelectorAll('.tei-list > .tei-label')].map(l => {
            const item = l.nextElementSibling.getBoundingClientRect(), label = l.getBoundingClientRect();
            return [label.top, item.top, label.right <= item.left + 1]; })""")
        assert len(boxes) == 2
        for label_top, item_top, beside in boxes:  # the label on the item's first line
            assert abs(label_top - item_top) < 2 and beside
        numbers = page.evaluate("""() => [...document.querySelectorAll('.pb-n')].map(n => {
            const r = n.getBoundingClientRect(); return [r.top, r.bottom]; })""")
        assert len(numbers) == 2 and numbers[0][1] <= numbers[1][0] + 1, "two page numbers never overlap"
        lines = page.evaluate("""() => [...document.querySelectorAll('.tei-addrLine')]
            .map(l => l.getBoundingClientRect().top)""")
        assert len(lines) == 2 and lines[1] > lines[0]
        shot(page, f"reader-{width}", full_page=True)
        assert axe_violations(page) == []


def test_a_page_that_opens_a_list_item_is_numbered_clear_of_its_bullet(open_page, tmp_path):
    """FRUS contents: a page break before a nested item put its number over the item's
    bullet (the margin number stood in the list's indent)."""
    source = tmp_path / "contents.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Contents</title></titleStmt><publicationStmt><p>P</p></publicationStmt><sourceDesc><p>S</p>
</sourceDesc></fileDesc></teiHeader><text><body><div><head>Contents</head><list>
<item>Chapter I<list><item>Loans</item><pb n="IV"/><item>Credits</item></list></item>
<pb n="V"/><item>Chapter II</item></list></div></body></text></TEI>""", encoding="utf-8")
    folder = tmp_path / "site"
    export_file(source, "html", folder)
    page = open_page(folder=folder, width=1200)
    boxes = page.evaluate("""() => [...document.querySelectorAll('li > div.pb')].map(pb => {
        const n = pb.querySelector('.pb-n').getBoundingClientRect();
        const li = pb.parentElement.getBoundingClientRect();
        const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
        return [n.left >= 0, n.right <= li.left - 1.5 * rem, Math.abs(n.top - li.top) < rem]; })""")
    assert boxes == [[True, True, True]] * 2, boxes
    shot(page, "list-pages")


# ---------------------------------------------------------------- accessibility (axe-core)

AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"  # vendored from npm: see its README


def axe_violations(page) -> list[str]:
    """Every axe-core violation on the page as "rule: where (how many)". axe is run
    through the DevTools protocol (page.evaluate), so the site's CSP stays in force."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(
            n => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' ')).join(' | ')
            + ' (' + v.nodes.length + ')');
    }""")


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("name", ["index.html", "persons.html", "places.html", "about.html"])
def test_no_accessibility_violations(open_page, name, width):
    page = open_page(name, width=width)
    page.wait_for_load_state()
    assert axe_violations(page) == []
    if name == "index.html":  # with names highlighted, and with search results open
        page.locator("#te-highlight").click()
        page.locator("#te-q").fill("puzanov")
        page.locator("#te-results").wait_for(state="visible")
        assert axe_violations(page) == []


@pytest.mark.skipif(not DOSSIER.is_file(), reason="tei/nkidp-edossier-8.xml is not there yet")
def test_dossier_has_no_accessibility_violations(open_page, tmp_path):
    folder = tmp_path / "dossier"
    export_file(DOSSIER, "html", folder)
    for name in ("index.html", "persons.html", "organizations.html", "about.html"):
        for width in (1400, 390):
            page = open_page(name, width=width, folder=folder)
            page.wait_for_load_state()
            assert axe_violations(page) == [], (name, width)
