"""The collection's text file (issue 15): every document's text in the collection's
order, each headed by its numbered catalogue line, after the collection's title and
introduction; byte-identical rebuilds."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_collection_site_fixture import generate  # noqa: E402

from tei_edition.collection import load  # noqa: E402
from tei_edition.publish import text_volume  # noqa: E402
from tei_edition.publish.formats import text as text_format  # noqa: E402
from tei_edition.xml.output import safe_child  # noqa: E402


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("text-volume")
    collection = load([generate(folder / "src", letters=8)])
    out = folder / "out"
    for document in collection.ordered()[:-1]:  # the last one "failed"
        rendered = text_format.render(document.parse(), Path(document.path))
        target = safe_child(out, document.id + ".txt")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(rendered.text, encoding="utf-8")
    return collection, out, text_volume.write(collection, out)


def test_documents_in_order_under_their_catalogue_lines(written):
    collection, out, path = written
    assert path == out / "src.txt"
    content = path.read_text(encoding="utf-8")
    assert content.startswith("Letters of a generated collection\n=================================\n"
                              "Edited by A. Editor, B. Editor\n\nThis edition collects letters.")
    positions = []
    for n, document in enumerate(collection.ordered(), 1):
        line = f"{n}. {document.catalogue.title}"
        at = content.index(f"\n{line}\n")
        positions.append(at)
        if n < len(collection.ordered()):
            own = (out / (document.id + ".txt")).read_text(encoding="utf-8").rstrip("\n")
            assert content[at:].split("\n\n", 1)[1].startswith(own[:200])
    assert positions == sorted(positions)
    assert "[The text of this document could not be written.]\n" in content


def test_text_conventions_and_identical_rebuilds(written, tmp_path):
    collection, out, path = written
    data = path.read_bytes()
    text = data.decode("utf-8")
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "\r" not in text and all(line == line.rstrip() for line in text.split("\n"))
    assert unicodedata.is_normalized("NFC", text)
    again = text_volume.write(collection, out, tmp_path / "again.txt")
    assert again.read_bytes() == data


def test_a_document_without_title_or_names_is_not_given_any():
    from tei_edition.collection import CatalogueEntry

    bare = CatalogueEntry("a/b", "a/b.xml", None, "document", "")
    assert text_volume.catalogue_line(bare, 3) == "3. Untitled document, undated"
    bare.addressee = [{"name": "Oswald Heer", "key": None}]
    bare.date, bare.date_text = "1850-01-02", "2 January 1850"
    assert text_volume.catalogue_line(bare) == "Unknown sender to Oswald Heer, 2 January 1850"
