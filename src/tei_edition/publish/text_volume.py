"""The collection as one plain-text file (``DIR/<collection>.txt``).

The engine writes each document's text as ``DIR/<doc id>.txt`` (the text format), then
calls ``write(collection, out_dir)`` once: the collection's title block and
introduction, then every document in the collection's order, each headed by its
numbered catalogue line ("12. Alfred Escher to Oswald Heer, Zürich, 12 October 1836"),
underlined, followed by its text file as it is (less the file's own title block, when
that only repeats the catalogue's title). A document whose text file is missing
(its export failed) keeps its heading and says so. The documents of a file of many,
which the build exports as that one file, print its text once, under the first of them.
Each document's text ends with a key of the signs it uses (policy.xml's ``signs/@key``):
the book prints one key at its end, of every sign its documents use, in the order the
keys give them. The same files give the same bytes:
UTF-8 (NFC), ``\\n`` line ends, one final newline, like every text output.
"""

from __future__ import annotations

import textwrap
import unicodedata
from pathlib import Path

from tei_edition.policy import policy
from tei_edition.publish.site import _paragraphs, _title, catalogue_line
from tei_edition.publish.volume import book_name, published
from tei_edition.xml.output import safe_child, write_atomic

WIDTH = 72


def default_name(collection) -> str:
    """``<collection>.txt``: the collection's root folder name."""
    return book_name(collection) + ".txt"


def write(collection, out_dir, out_path=None, *, width: int = WIDTH, withheld=frozenset()) -> Path:
    """Write the collection's text file from the documents' text files in ``out_dir``;
    returns its path (``out_path``, else ``out_dir/<collection>.txt``). ``withheld``:
    the ids of the documents not published, left out."""
    out = Path(out_dir)
    target = Path(out_path) if out_path else out / default_name(collection)
    write_atomic(target, text(collection, out, width=width, withheld=withheld).encode("utf-8"))
    return target


def text(collection, out_dir: Path, *, width: int = WIDTH, withheld=frozenset()) -> str:
    title = _title(collection)
    parts = [title, "=" * len(title)]
    editors = [str(e) for e in collection.editors]
    if editors:
        parts.append("Edited by " + ", ".join(editors))
    front = ["\n".join(parts)] + [_fill(p, width) for p in
                                  _paragraphs(collection.introduction)]
    blocks = ["\n\n".join(front)]
    printed: dict[str, int] = {}  # a file of many documents, exported whole -> where
    key: list[str] = []  # the signs the documents' keys explain, each once
    for number, document in enumerate(published(collection, withheld), 1):
        line = catalogue_line(document.catalogue, number)
        heading = "\n".join(_fill(line, width).split("\n") + ["-" * min(len(line), width or len(line))])
        name = document.id
        if document.part == "division":  # its text is its file's
            name = document.id.rsplit("/", 1)[0]
        body_file = safe_child(out_dir, name + ".txt")
        if name in printed:
            body = f"[Printed above with the other documents of its file, under {printed[name]}.]"
        elif body_file.is_file():
            body = _without_title(body_file.read_text(encoding="utf-8").rstrip("\n"),
                                  document.catalogue.title)
            body = _without_key(body, key)
            if name != document.id:
                printed[name] = number
        else:
            body = "[The text of this document could not be written.]"
        blocks.append(heading + "\n\n" + body)
    if key:
        blocks.append(policy().sign_key + "\n\n" + "\n".join(key))
    joined = "\n\n\n".join(blocks) + "\n"
    lines = [l.rstrip() for l in unicodedata.normalize("NFC", joined).replace("\r\n", "\n").split("\n")]
    return "\n".join(lines)


def _without_title(body: str, title: str) -> str:
    """A document's text without its own title block when that says what the numbered
    heading above it says (the title, underlined with ``=``): the book printed every
    letter's title twice, the second time underlined more heavily than the first."""
    lines = body.split("\n")
    for i, line in enumerate(lines):
        if not line.strip():
            return body  # the first block ended without an underlined title
        if i and set(line) == {"="}:
            if " ".join(" ".join(lines[:i]).split()) == " ".join((title or "").split()):
                return "\n".join(lines[i + 1:]).lstrip("\n") or body
            return body
    return body


def _without_key(body: str, key: list[str]) -> str:
    """A document's text without the key of signs at its end; the key's entries (a
    line beginning with the sign, then the lines hanging under it) not yet in ``key``
    are put there after the entry that precedes them in this document's key (every
    key lists its signs in the policy's order, so the book's key keeps it)."""
    marker = "\n\n" + policy().sign_key + "\n\n"
    at = body.rfind(marker)
    if at < 0:
        return body
    entries: list[str] = []
    for line in body[at + len(marker):].split("\n"):
        if entries and (not line or line[0] == " "):
            entries[-1] += "\n" + line
        else:
            entries.append(line)
    position = 0
    for entry in entries:
        if entry in key:
            position = key.index(entry) + 1
        else:
            key.insert(position, entry)
            position += 1
    return body[:at]


def _fill(paragraph: str, width: int) -> str:
    if not width:
        return paragraph
    return textwrap.fill(paragraph, width=width, break_long_words=False, break_on_hyphens=False)
