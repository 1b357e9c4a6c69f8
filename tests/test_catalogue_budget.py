"""The home page's weight (issue #15: every page loads under 300 KB of HTML, script and
data before images): the catalogue of 5,000 letters shaped as the benchmark's generated
ones (each between two of 5,000 persons, who have register pages, from one of 2,000
places) loads, with the page, its scripts and style and the titles of the rows in view,
under 300 KB, and so does each first sort by a column (its order, written at build
time, and the titles of the rows then in view) and each filter by correspondent or
place (each name once with its rows); the search page, which lists documents by date
too, reads the dates only. Counted in Debian's Chromium from file://: every file the
page asked for, once, at its size on disk. The site is the catalogue alone (no letters' pages behind it)."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).parent))
from conftest import BROWSER_MARKS  # noqa: E402
from test_search_budget import loaded  # noqa: E402

pytestmark = BROWSER_MARKS

BUDGET = 300_000
LETTERS, PERSONS, PLACES = 5_000, 5_000, 2_000


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """The catalogue-only site of 5,000 letters, drawn as ``bench.generate`` draws its
    correspondents and places, eight letters a month from 1850."""
    from tei_edition.collection import CatalogueEntry
    from tei_edition.publish import site

    rng = random.Random(8)
    persons = [SimpleNamespace(key=f"pe{n:05d}", names=[f"Person {n}"], description="")
               for n in range(PERSONS)]
    documents = []
    for n in range(LETTERS):
        sender, addressee = rng.sample(persons, 2)
        place = f"Place {rng.randrange(PLACES)}"
        date = f"{1850 + n // 96}-{1 + n // 8 % 12:02d}-{1 + n % 8 * 3:02d}"
        entry = CatalogueEntry(
            f"letters/letter-{n:05d}", "", None, "letter",
            title=f"Generated letter {n} from {sender.names[0]} to {addressee.names[0]}",
            date=date, date_text=date,
            sender=[{"name": sender.names[0], "key": sender.key}],
            addressee=[{"name": addressee.names[0], "key": addressee.key}],
            place_sent={"name": place, "key": None})
        documents.append(SimpleNamespace(id=entry.id, catalogue=entry))
    collection = SimpleNamespace(title="Generated letters", editors=[], introduction=None,
                                 register=SimpleNamespace(entries=persons), documents=documents,
                                 catalogue=lambda: [d.catalogue for d in documents])
    folder = tmp_path_factory.mktemp("catalogue-budget")
    site.write_collection_site(collection, [], folder)
    return CatalogueSite(folder, documents)


class CatalogueSite(type(Path())):
    """The site's folder, and the documents it was made of."""

    def __new__(cls, folder, documents):
        site = super().__new__(cls, folder)
        site.documents = documents
        return site


def test_the_home_page_of_5000_letters_loads_under_300_kb(new_page, catalogue):
    page = new_page((catalogue / "index.html").as_uri())
    expect(page.locator("#te-count")).to_have_text(f"{LETTERS} documents")
    first = page.locator("#te-rows tr:not(.spacer)").first
    entry = catalogue.documents[0].catalogue
    # (its title and correspondents come with its chunk of titles)
    expect(first.locator("td.title a")).to_have_text(entry.title)
    expect(first.locator("td:nth-child(3), td:nth-child(4)")).to_have_text(
        [entry.sender[0]["name"], entry.addressee[0]["name"]])
    assert entry.title == f"Generated letter 0 from {entry.sender[0]['name']} to {entry.addressee[0]['name']}"
    # the correspondents link to their pages (the addresses come with the titles)
    assert first.locator("td:nth-child(3) a").get_attribute("href").startswith("registers/person/")
    files = loaded(page)
    size = sum(files.values())
    print(f"home: {size} bytes in {len(files)} files")
    assert size < BUDGET, sorted(files.items(), key=lambda kv: -kv[1])
    assert [Path(f).name for f in files if "/catalogue/" in f] == ["t0.js"]
    assert page.problems == []


def shown(page) -> list[str]:
    """The documents of the rows in view, once their titles have come (the rows drawn
    above and below the view come when scrolled to)."""
    return page.wait_for_function("""() => {
      const frame = document.getElementById("te-frame").getBoundingClientRect();
      const rows = [...document.querySelectorAll("#te-rows tr:not(.spacer)")].filter(tr => {
        const r = tr.getBoundingClientRect();
        return r.bottom > frame.top && r.top < frame.bottom;
      });
      const links = rows.map(tr => tr.querySelector("td.title a"));
      return rows.length && links.every(Boolean) &&
        links.map(a => a.getAttribute("href").replace(/[.]html$/, ""));
    }""").json_value()


def within_budget(page, action: str) -> dict[str, int]:
    """What the page has loaded, checked against the budget; no file of every row's
    names or titles among it."""
    files = loaded(page)
    size = sum(files.values())
    print(f"{action}: {size} bytes in {len(files)} files")
    assert size < BUDGET, sorted(files.items(), key=lambda kv: -kv[1])[:5]
    assert not [f for f in files if f.endswith("/catalogue/names.js")]
    assert page.problems == []
    return files


def column_text(document, key: str) -> str:
    """A row's text in a column, as the table's script compares them."""
    entry = document.catalogue
    return {"title": lambda: entry.title,
            "sender": lambda: "; ".join(p["name"] for p in entry.sender),
            "addressee": lambda: "; ".join(p["name"] for p in entry.addressee),
            "place": lambda: entry.place_sent["name"]}[key]()


@pytest.mark.parametrize("key", ["title", "sender", "addressee", "place"])
def test_a_sort_by_any_column_loads_under_300_kb(new_page, catalogue, key):
    """The order comes from the build (catalogue/o-<key>.js), the titles of the rows in
    view only: the same rows as sorting every row's text, ties in the catalogue's order,
    and reversed on a second click."""
    page = new_page((catalogue / "index.html").as_uri())
    expect(page.locator("#te-count")).to_have_text(f"{LETTERS} documents")
    order = [d.id for d in sorted(catalogue.documents, key=lambda d: column_text(d, key))]
    page.click(f"button.sort[data-key='{key}']")
    expect(page.locator(f"th[data-key='{key}']")).to_have_attribute("aria-sort", "ascending")
    rows = shown(page)
    assert len(rows) > 10 and rows == order[:len(rows)]
    files = within_budget(page, f"sort by {key}")
    assert f"{catalogue}/catalogue/o-{key}.js" in files
    page.click(f"button.sort[data-key='{key}']")
    expect(page.locator(f"th[data-key='{key}']")).to_have_attribute("aria-sort", "descending")
    rows = shown(page)
    assert rows == order[::-1][:len(rows)]
    within_budget(page, f"sort by {key}, descending")


@pytest.mark.parametrize("field, words, named", [
    ("#te-person", "Person 12", lambda e: [p["name"] for p in e.sender + e.addressee]),
    ("#te-place", "place 7", lambda e: [e.place_sent["name"]])])
def test_a_filter_by_correspondent_or_place_loads_under_300_kb(new_page, catalogue, field, words, named):
    """The names come once each with their rows (catalogue/people.js, places.js): the
    same rows as looking for the words in every row's names (any part of a name, any
    case)."""
    page = new_page((catalogue / "index.html").as_uri())
    expect(page.locator("#te-count")).to_have_text(f"{LETTERS} documents")
    kept = [d.id for d in catalogue.documents
            if any(words.lower() in name.lower() for name in named(d.catalogue))]
    page.fill(field, words)
    expect(page.locator("#te-count")).to_have_text(f"{len(kept)} of {LETTERS} documents")
    rows = shown(page)
    assert len(rows) > 10 and rows == kept[:len(rows)]
    within_budget(page, f"filter {field} {words!r}")


def test_a_correspondent_asked_for_across_two_names_is_found(new_page, catalogue):
    """Words that span a sender and an addressee ("… | …", as the table joins a row's
    names) are looked for in every row's names joined (catalogue/names.js), as before."""
    page = new_page((catalogue / "index.html").as_uri())
    expect(page.locator("#te-count")).to_have_text(f"{LETTERS} documents")
    words = "12 | person 3"
    kept = [d.id for d in catalogue.documents if words in " | ".join(
        column_text(d, key) for key in ("sender", "addressee")).lower()]
    assert kept
    page.fill("#te-person", words)
    expect(page.locator("#te-count")).to_have_text(f"{len(kept)} of {LETTERS} documents")
    assert shown(page) == kept[:len(shown(page))]


def test_the_search_page_reads_the_dates_not_the_names(new_page, catalogue):
    page = new_page((catalogue / "search.html").as_uri())
    page.wait_for_load_state("load")
    files = loaded(page)
    assert not [f for f in files if f.endswith("/catalogue/names.js")]
    assert sum(files.values()) < BUDGET / 2, files
    assert page.problems == []


def test_a_filter_by_text_loads_under_300_kb(new_page, catalogue):
    """The words of every row's title, names and place come once each
    (catalogue/words.js), not every title: the same rows as looking for each word in a
    row's date, title, names and place, in any case."""
    from tei_edition.collection import dates

    page = new_page((catalogue / "index.html").as_uri())
    expect(page.locator("#te-count")).to_have_text(f"{LETTERS} documents")
    words = "12 letter PERSON 4"  # "12": a title's, a name's, or December's date
    kept = [d.id for d in catalogue.documents if all(w in " | ".join(
        [dates.words(d.catalogue.date), d.catalogue.date, d.catalogue.title,
         *(column_text(d, key) for key in ("sender", "addressee", "place"))]).lower()
        for w in words.lower().split())]
    assert 10 < len(kept) < LETTERS
    page.fill("#te-text", words)
    expect(page.locator("#te-count")).to_have_text(f"{len(kept)} of {LETTERS} documents")
    rows = shown(page)
    assert len(rows) > 10 and rows == kept[:len(rows)]
    files = within_budget(page, f"filter by text {words!r}")
    assert f"{catalogue}/catalogue/words.js" in files


def test_without_the_lists_of_names_the_filters_read_every_row_s_names(new_page, catalogue, tmp_path):
    """A site whose lists of names did not load (people.js, places.js) filters by
    every row's names (names.js), to the same rows."""
    import shutil

    copy = tmp_path / "site"
    shutil.copytree(catalogue, copy)
    for name in ("people.js", "places.js"):
        (copy / "catalogue" / name).unlink()
    page = new_page((copy / "index.html").as_uri())
    expect(page.locator("#te-count")).to_have_text(f"{LETTERS} documents")
    for field, words, keys in (("#te-person", "Person 12", ("sender", "addressee")), ("#te-place", "place 7", ("place",))):
        kept = [d.id for d in catalogue.documents if any(words.lower() in column_text(d, key).lower() for key in keys)]
        page.fill(field, words)
        expect(page.locator("#te-count")).to_have_text(f"{len(kept)} of {LETTERS} documents")
        assert shown(page) == kept[:len(shown(page))]
        page.fill(field, "")
    assert any(u.endswith("/catalogue/names.js") for u in page.requests)
