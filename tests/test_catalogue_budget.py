"""The home page's weight (issue #15: every page loads under 300 KB of HTML, script and
data before images): the catalogue of 5,000 letters shaped as the benchmark's generated
ones (each between two of 5,000 persons, who have register pages, from one of 2,000
places) loads, with the page, its scripts and style and the titles of the rows in view,
under 300 KB (every row's correspondents come when the table is filtered or sorted
by them); the search page, which lists documents by date too, reads the dates only. Counted in Debian's Chromium from file://: every file the page asked for, once,
at its size on disk. The site is the catalogue alone (no letters' pages behind it)."""

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
    return folder


def test_the_home_page_of_5000_letters_loads_under_300_kb(new_page, catalogue):
    page = new_page((catalogue / "index.html").as_uri())
    expect(page.locator("#te-count")).to_have_text(f"{LETTERS} documents")
    first = page.locator("#te-rows tr:not(.spacer)").first
    expect(first.locator("td.title a")).to_have_text("Generated letter 0 from " + first.locator(
        "td:nth-child(3)").inner_text() + " to " + first.locator("td:nth-child(4)").inner_text())
    # the correspondents link to their pages (the addresses come with the titles)
    assert first.locator("td:nth-child(3) a").get_attribute("href").startswith("registers/person/")
    files = loaded(page)
    size = sum(files.values())
    print(f"home: {size} bytes in {len(files)} files")
    assert size < BUDGET, sorted(files.items(), key=lambda kv: -kv[1])
    assert [Path(f).name for f in files if "/catalogue/" in f] == ["t0.js"]
    # every row's correspondents come when the table is filtered by one
    name = first.locator("td:nth-child(3)").inner_text()
    page.fill("#te-person", name)
    expect(page.locator("#te-count")).to_contain_text(f" of {LETTERS} documents")
    expect(page.locator("#te-rows td.title.loading")).to_have_count(0)
    assert all(name in row[0] or name in row[1] for row in zip(
        page.locator("#te-rows tr:not(.spacer) td:nth-child(3)").all_inner_texts(),
        page.locator("#te-rows tr:not(.spacer) td:nth-child(4)").all_inner_texts()))
    assert [Path(f).name for f in loaded(page) if "/catalogue/" in f and "/catalogue/t" not in f] == ["names.js"]
    assert page.problems == []


def test_the_search_page_reads_the_dates_not_the_names(new_page, catalogue):
    page = new_page((catalogue / "search.html").as_uri())
    page.wait_for_load_state("load")
    files = loaded(page)
    assert not [f for f in files if f.endswith("/catalogue/names.js")]
    assert sum(files.values()) < BUDGET / 2, files
    assert page.problems == []
