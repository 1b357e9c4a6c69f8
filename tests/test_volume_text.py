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
            # the file's own title block ("Title\n=====") is not printed again under the
            # numbered heading; the rest of the file follows as it is
            title = document.catalogue.title
            underline = "\n" + "=" * len(title) + "\n"
            assert own.startswith(title + underline)
            rest = own[len(title + underline):]
            assert content[at:].split("\n\n", 1)[1].startswith(rest[:200])
            assert content[at:].split(f"\n{n + 1}. ", 1)[0].count(title) == 1
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


def test_documents_of_one_file_print_its_text_once(tmp_path):
    import shutil

    source = tmp_path / "collection"
    shutil.copytree(Path(__file__).parent / "fixtures" / "collection", source,
                    ignore=shutil.ignore_patterns("broken.xml"))
    collection = load([source])
    out = tmp_path / "out"
    (out / "volumes").mkdir(parents=True)
    (out / "volumes" / "frus.txt").write_text("THE WHOLE FILE\n", encoding="utf-8")
    content = text_volume.write(collection, out).read_text(encoding="utf-8")
    assert content.count("THE WHOLE FILE") == 1
    numbers = [n for n, d in enumerate(collection.ordered(), 1) if d.catalogue.source == "volumes/frus.xml"]
    assert content.count(f"[Printed above with the other documents of its file, under {numbers[0]}.]") == 2


def test_the_book_prints_one_key_of_all_its_documents_signs(tmp_path):
    """Each document's text ends with the key of its signs; the book printed them all,
    one after each letter: it prints one, at its end, of every sign it uses."""
    from tei_edition.policy import policy

    source = generate(tmp_path / "src", letters=3)
    signs = ["<del>struck</del>", "<supplied>added</supplied>", "<del>gone</del> <unclear>maybe</unclear>"]
    for path, sign in zip(sorted((source / "letters").glob("*.xml")), signs):
        content = path.read_text(encoding="utf-8")
        path.write_text(content.replace("<salute>Dear friend,</salute>", f"<salute>Dear {sign} friend,</salute>", 1),
                        encoding="utf-8")
    collection = load([source])
    out = tmp_path / "out"
    for document in collection.ordered():
        target = safe_child(out, document.id + ".txt")
        target.parent.mkdir(parents=True, exist_ok=True)
        rendered = text_format.render(document.parse(), Path(document.path)).text
        assert f"\n{policy().sign_key}\n" in rendered  # each document's own key
        target.write_text(rendered, encoding="utf-8")
    book = text_volume.write(collection, out).read_text(encoding="utf-8")
    heading = f"\n{policy().sign_key}\n"
    assert book.count(heading) == 1
    key = book.split(heading, 1)[1]
    assert book.rindex(heading) > book.index(f"\n{len(collection.ordered())}. ")  # at the end
    starts = [line.split("  ", 1)[0] for line in key.strip("\n").split("\n") if line and line[0] != " "]
    assert starts == ["[text]", "text[?]", "⟦text⟧"]  # the policy's order, each once
