"""The volume (issue 15): one book of a generated collection, read back with pypdf:
numbered documents in date order with their outline entries and contents lines, an
index whose page numbers print the names, byte-identical rebuilds, and parts when the
text is over the limit (said before any work)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_collection_site_fixture import generate  # noqa: E402

from tei_edition.collection import load  # noqa: E402
from tei_edition.errors import UsageError  # noqa: E402
from tei_edition.publish import volume  # noqa: E402

pypdf = pytest.importorskip("pypdf")


def collection(folder: Path, letters: int = 10):
    return load([generate(folder, letters=letters)])


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("volume")
    coll = collection(folder / "src")
    written = volume.write_volume(coll, folder / "letters.pdf")
    return coll, written, pypdf.PdfReader(str(written[0]))


def test_documents_are_numbered_in_date_order_with_outline_and_contents(book):
    coll, written, reader = book
    expected = [f"{n}. {d.catalogue.title}" for n, d in enumerate(coll.ordered(), 1)]
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert [t for t in titles if re.match(r"^\d+\. ", t)] == expected
    assert titles[0] == "Introduction"
    contents = reader.pages[2].extract_text() + reader.pages[3].extract_text()
    for line in expected:
        assert line.split(", ")[0] in contents
    first = next(i for i, p in enumerate(reader.pages) if p.extract_text().startswith(expected[0]))
    text = reader.pages[first].extract_text()
    assert "Archive, Box" in text.split("\n")[1]  # the source note under the heading


def test_index_page_numbers_print_the_names(book):
    coll, written, reader = book
    labels = reader.page_labels
    index_page = next(i for i, p in enumerate(reader.pages)
                      if p.extract_text().startswith("Index of persons"))
    index = " ".join(reader.pages[i].extract_text() for i in range(index_page, len(reader.pages)))
    index = re.sub(r"\s+", " ", index)
    checked = 0
    for name, needle in (("Oswald Heer", "Heer"), ("Gottfried Keller", ("Keller", "Kellerus")),
                         ("Zürich", "Zürich")):
        match = re.search(re.escape(name) + r"[^0-9]*((?:\d+(?:–\d+)?(?:, )?)+)", index)
        assert match, name
        for item in match.group(1).rstrip(", ").split(", "):
            first, _, last = item.partition("–")
            for number in range(int(first), int(last or first) + 1):
                page = reader.pages[labels.index(str(number))].extract_text()
                needles = needle if isinstance(needle, tuple) else (needle,)
                assert any(n in page for n in needles), (name, number)
                checked += 1
    assert checked >= 6


def test_rebuild_is_byte_identical(book, tmp_path):
    coll, written, _ = book
    again = volume.write_volume(coll, tmp_path / "letters.pdf")
    assert again[0].read_bytes() == written[0].read_bytes()


def test_ids_stay_unique_across_the_book(book):
    coll, _, _ = book
    from tei_edition.entities.resolve import resolve

    tree = volume.assemble(coll, coll.ordered(), resolve=resolve)
    ids = tree.getroot().xpath("//@xml:id")
    assert len(ids) == len(set(ids))
    refs = {r[1:] for v in tree.getroot().xpath("//@ref") for r in v.split()}
    assert refs <= set(ids)


def test_plan_splits_into_parts_under_the_limit(tmp_path):
    coll = collection(tmp_path / "src", letters=12)
    sizes = {d.id: 1000 for d in coll.ordered()}
    parts = volume.plan(coll, max_chars=4500, sizes=sizes)
    assert [len(p.documents) for p in parts] == [4, 4, 4]
    assert parts[0].label().startswith("Part 1: 18")
    with pytest.raises(UsageError, match="over the PDF limit of 900"):
        volume.plan(coll, max_chars=900, sizes=sizes)


@pytest.mark.slow
def test_a_large_volume_is_printed_in_parts(tmp_path):
    coll = collection(tmp_path / "src", letters=6)
    chars = sum(volume._chars(volume._text_of(d.parse(), d)) for d in coll.ordered())
    written = volume.write_volume(coll, tmp_path / "letters.pdf",
                                  max_chars=chars // 2 + 200)
    pdfs = [p for p in written if p.suffix == ".pdf"]
    assert [p.name for p in pdfs] == ["letters-part1.pdf", "letters-part2.pdf"]
    first, second = (pypdf.PdfReader(str(p)) for p in pdfs)
    assert "Part 1: 18" in first.pages[0].extract_text()
    numbered = [o.title for o in second.outline if not isinstance(o, list) and o.title[0].isdigit()]
    assert numbered[0].startswith(f"{len([o for o in first.outline if not isinstance(o, list) and o.title[0].isdigit()]) + 1}. ")


def test_write_books_for_the_build(tmp_path):
    coll = collection(tmp_path / "src", letters=4)
    out = tmp_path / "out"
    out.mkdir()
    written, problems = volume.write_books(coll, out, ["html", "text"])
    assert [p.name for p in written] == ["src.txt"] and problems == []
    written, problems = volume.write_books(coll, out, ["pdf"], books="per-document")
    assert written == [] and problems == []
    written, problems = volume.write_books(coll, out, ["pdf"], books="volume", max_chars=50)
    assert written == [] and len(problems) == 1 and "over the PDF limit" in problems[0]
    with pytest.raises(UsageError):
        volume.write_books(coll, out, ["pdf"], books="all")
    written, _ = volume.write_books(coll, out, ["pdf", "text"])
    assert sorted(p.name for p in written if p.suffix in (".pdf", ".txt")) == ["src.pdf", "src.txt"]
