"""What a build folder was made from, so that the next build redoes only what changed.

Each document's outputs are recorded under a key: a hash of everything they depend on
(the document's bytes, the register files it points into, the stylesheets and this
package's code, the options). A rebuild whose key for a document is unchanged takes
the old outputs over instead of rendering them again.

The collection site's own pages (``publish.site``) are recorded the same way, as one
whole: their key (the catalogue, every document's digest, the register, the options)
and the files they are. A rebuild whose site key is unchanged links them over; one
whose key changed makes again only the parts of the site whose own keys changed (the
overview, each register entry's pages) and links every file whose content is the same.

Each document's site digest (what the collection site needs of it: its passages,
mentions and search postings, ``digest.Digest``) is a file of its own under ``DIGESTS``
(marshalled plain values, ``digest.Digest.pack``: a rebuild reads a thousand in a tenth
of the time their JSON took),
named by its content hash, which the manifest's entry names: a rebuild links the
unchanged ones over and reads them only when the site is made again (the manifest
itself stays small, read and written in milliseconds).

``RECORDS`` keeps what the collection's model read of each file (``collection.load``'s
cache), so that a rebuild parses only the files that changed, with each document's
names as resolved against the register, so that an unchanged register resolves none
again. A build writes it while its workers render.

The collection's own books (its volume, in one file or in parts, and its text file)
are recorded as one whole too, under a key of everything they are made of (every
document's file, the registers, the collection's order and imprint, the tool and the
options): a rebuild whose books key is unchanged links them over (a volume of a few
hundred letters took Typst a quarter of a minute to set again, unchanged).

``SITE_INTAKE`` keeps what the collection site took in of every document's digest
(``site.Intake.keep``: the search index's share of each, the mentions and marks by
register entry), under each digest's name and the catalogue's order, so that a
rebuild takes the unchanged ones in at once and reads only the digests that changed;
one that is missing, unreadable or for another catalogue or tool is not used.

Two files:
  * ``MANIFEST`` in a finished build folder: every document's key and outputs, and
    the collection site's;
  * ``JOURNAL`` in a build folder under construction: one line per document as it is
    finished, so that an interrupted build resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tei_edition import __version__, resources
from tei_edition.publish import links
from tei_edition.xml.output import write_atomic

MANIFEST = ".tei-edition-manifest.json"
# the collection site's record (``Site``), beside the manifest, which names it by its
# key: a thousand letters' site has seventeen thousand files, each with its hash, whose
# JSON took a rebuild a tenth of a second to read and write; marshalled, and linked
# over as it is when the site is taken over whole
SITE_RECORD = ".tei-edition-site.marshal"
JOURNAL = ".tei-edition-journal.jsonl"
# what ``collection.load`` read of each file of one document, by content hash: the
# next build's load parses only the files that changed
RECORDS = ".tei-edition-collection.marshal"
# the records that changed since ``RECORDS`` was written whole, with the order of them
# all: a rebuild of a few letters writes these alone and links the whole file over
# (rewriting a thousand letters' records, 12 MB, took a tenth of a second), until they
# are more than ``RECORDS_APART``
RECORDS_CHANGED = ".tei-edition-collection-changes.marshal"
RECORDS_APART = 50
# what the collection site took in of every document's digest (``site.Intake.keep``):
# the next build takes the unchanged ones in from it, and reads only the digests that
# changed (a missing, stale or unreadable one: every digest is read)
SITE_INTAKE = ".tei-edition-site-intake.marshal"
# what the collection site's description was made of and the keys of its parts
# (``site._Described``): the next build whose description is made of the same takes
# them over and describes only the register entries whose pages it makes again
SITE_DESCRIBED = ".tei-edition-site-description.marshal"
# what the collection site's search index made of the register's entries (their rows,
# documents and terms, ``site._search_entities``), under what the description is made
# of: the next build whose description is made of the same takes them over
SITE_ENTITIES = ".tei-edition-site-entities.marshal"
# the documents' site digests, one file each, named by their content hash
DIGESTS = ".tei-edition-digests"
# 3: the site's parts and hashes, the digests' search postings; 4: DIGESTS; 5: the
# digests marshalled (``digest.Digest.pack``), not JSON; 6: the site's record apart
# (``SITE_RECORD``)
FORMAT_VERSION = 6


@dataclass
class Entry:
    """One document's record: its key, its outputs (relative to the build folder),
    and what its rendering said (shown again when it is skipped)."""

    key: str
    source: str
    outputs: dict[str, list[str]] = field(default_factory=dict)  # format -> paths
    warnings: list[str] = field(default_factory=list)
    # what the collection site needs of it: the content hash of its site digest, the file
    # ``digest_path(digest)`` in the build folder (``put_digest``, ``read_digest``)
    digest: str | None = None


@dataclass
class Site:
    """The collection site's record: its key and its files (relative to the build
    folder); its parts, each with its own key and files, and each file's content hash
    (relative to the site's folder, ``html/``), so that a build whose site key changed
    makes again only the parts whose keys changed and links the files whose contents
    did not (``site.write_collection_site``)."""

    key: str
    files: list[str] = field(default_factory=list)
    parts: dict[str, list] = field(default_factory=dict)  # part -> [key, [files]]
    hashes: dict[str, str] = field(default_factory=dict)  # file -> content hash
    salt: str = ""  # the tool and options that made them: with others, nothing is taken over
    # the register entries' details its pages show (``site.details``): key -> [the
    # register's digest of the entry, identifiers, dates, coordinates, name forms ...]
    details: dict = field(default_factory=dict)


def file_digest(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@cache
def tool_digest() -> str:
    """The version, the stylesheets and the package's own code: any change to them
    changes every key (a development checkout edits them without a new version)."""
    digest = hashlib.sha256(f"tei-edition {__version__} manifest {FORMAT_VERSION}".encode())
    package = Path(__file__).resolve().parents[1]
    trees = [resources.xslt_dir(), package]
    for top in trees:
        for path in sorted(top.rglob("*")):
            if path.is_file() and path.suffix in (".xsl", ".xslt", ".typ", ".css", ".js", ".py"):
                digest.update(str(path.relative_to(top)).encode())
                digest.update(file_digest(path).encode())
    return digest.hexdigest()


def key(*parts: str | bytes) -> str:
    """The hash of ``parts``, each followed by a NUL (hashed at once: a rebuild makes
    ten thousand keys)."""
    joined = b"\0".join([part if isinstance(part, bytes) else part.encode("utf-8", "surrogateescape")
                          for part in parts])
    return hashlib.sha256(joined + b"\0" if parts else b"").hexdigest()


def options_digest(options: dict) -> str:
    return key(json.dumps(options, sort_keys=True, default=str))


def load(folder: Path) -> dict[str, Entry]:
    """The finished build's entries by document id (empty when there is none or it is
    unreadable: then everything is rendered again)."""
    return _entries(_read(folder))


def load_site(folder: Path) -> Site | None:
    """The finished build's collection site record, or None."""
    return _site(folder, _read(folder))


def load_all(folder: Path) -> tuple[dict[str, Entry], Site | None, "Books | None"]:
    """``load``, ``load_site`` and ``load_books`` of one reading of the manifest."""
    data = _read(folder)
    return _entries(data), _site(folder, data), _books(data)


@dataclass
class Books:
    """The collection's books' record: their key, their files (relative to the build
    folder) and what making them said (shown again when they are taken over)."""

    key: str
    files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def load_books(folder: Path) -> Books | None:
    """The finished build's record of the collection's books, or None."""
    return _books(_read(folder))


def _books(data) -> Books | None:
    try:
        if data.get("format") != FORMAT_VERSION or not isinstance(data.get("books"), dict):
            return None
        books = Books(**data["books"])
    except (TypeError, AttributeError):
        return None
    plain = isinstance(books.key, str) and all(isinstance(v, list) and all(isinstance(s, str) for s in v)
                                               for v in (books.files, books.notes))
    return books if plain else None


def _read(folder: Path):
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _entries(data) -> dict[str, Entry]:
    try:
        if data.get("format") != FORMAT_VERSION:
            return {}
        return {name: Entry(**entry) for name, entry in data["documents"].items()}
    except (ValueError, TypeError, KeyError, AttributeError):
        return {}


def _site(folder: Path, data) -> Site | None:
    """The site record (``SITE_RECORD``) the manifest ``data`` names by its key; None
    when it names none, or the file is missing, unreadable or of another site."""
    try:
        if data.get("format") != FORMAT_VERSION or not isinstance(data.get("site"), str):
            return None
        kind, record = marshal.loads((folder / SITE_RECORD).read_bytes())
        if kind != _SITE_KIND or not isinstance(record, dict) or record.get("key") != data["site"]:
            return None
        return Site(**record)
    except (OSError, EOFError, ValueError, TypeError, KeyError, AttributeError):
        return None


# what ``SITE_RECORD`` holds (another version is read as none)
_SITE_KIND = "tei-edition site record 1"


def save(folder: Path, entries: dict[str, Entry], site: Site | None = None, *,
         site_from: Path | None = None, books: Books | None = None) -> None:
    """The manifest, and the site's record beside it; ``site_from``: the previous build's
    folder, whose record ``site`` is (taken over whole), linked over. ``books``: the
    collection's books' record, when they were made (or taken over) whole."""
    data = {"format": FORMAT_VERSION, "tool": __version__,
            "documents": {name: _plain(entry) for name, entry in sorted(entries.items())}}
    if books is not None:
        data["books"] = _plain(books)
    (folder / SITE_RECORD).unlink(missing_ok=True)  # (a file left by an interrupted build)
    if site is not None:
        data["site"] = site.key
        try:
            if site_from is None:
                raise OSError("no record to take over")
            links.link_path(str(site_from / SITE_RECORD), str(folder / SITE_RECORD))
        except OSError:
            try:
                kept = marshal.dumps((_SITE_KIND, _plain(site)), 2)
            except ValueError:  # (a string of a kind of its own: as JSON gives it back)
                kept = marshal.dumps((_SITE_KIND, json.loads(json.dumps(_plain(site)))), 2)
            write_atomic(folder / SITE_RECORD, kept)
    # one line: json's indented form is written by its slow pure-Python encoder
    (folder / MANIFEST).write_text(json.dumps(data, ensure_ascii=False) + "\n",
                                   encoding="utf-8")


def put_digest(folder: Path, data: bytes | None) -> str | None:
    """Keep a document's site digests (``build._pack``) in the build folder under
    construction; their name (content hash) for its entry."""
    if data is None:
        return None
    name = hashlib.sha256(data).hexdigest()
    path = folder / digest_path(name)
    if not path.is_file():
        path.parent.mkdir(exist_ok=True)
        write_atomic(path, data)  # whole or absent: its name is its content's hash
    return name


_DIGEST_NAME = re.compile("[0-9a-f]{64}")


def digest_path(name: str) -> str:
    """Where the digest ``name`` is, relative to the build folder."""
    if not isinstance(name, str) or _DIGEST_NAME.fullmatch(name) is None:
        raise ValueError(f"not the name of a digest: {name[:80]!r}")
    return f"{DIGESTS}/{name}.marshal"


def read_digest(folder: Path, name: str) -> bytes:
    return (folder / digest_path(name)).read_bytes()


def _plain(record) -> dict:
    """An Entry's or a Site's fields (lists, dicts and strings) for ``json.dumps``:
    ``asdict``'s deep copy takes a thousand entries a third of a second."""
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


def read_journal(folder: Path) -> dict[str, Entry]:
    """Entries an interrupted build finished (a torn last line is ignored)."""
    entries = {}
    try:
        lines = (folder / JOURNAL).read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    for line in lines:
        try:
            record = json.loads(line)
            name = record.pop("id")
            entries[name] = Entry(**record)
        except (ValueError, TypeError, KeyError, AttributeError):
            continue
    return entries


def load_records(folder: Path, base: dict | None = None) -> dict:
    """The collection records a finished build kept, when the same tool made them
    (``marshal``: a thousand letters' records read in a fifth of the time of JSON),
    with the records changed since they were written whole (``RECORDS_CHANGED``) in
    their place. ``base``: given, it gets the whole file's records and stamp, for
    ``save_records``. (A changes file of another whole file, or unreadable, is not
    read: the records are a cache, each checked against its file's hash.)"""
    try:
        data = marshal.loads((folder / RECORDS).read_bytes())
        if data.get("tool") != tool_digest() or not isinstance(data.get("files"), dict):
            return {}
        files = data["files"]
    except (OSError, ValueError, EOFError, TypeError, AttributeError):
        return {}
    stamp = data.get("stamp")
    if base is not None and isinstance(stamp, str) and stamp:
        base.update(files=files, stamp=stamp)
    try:
        changes = marshal.loads((folder / RECORDS_CHANGED).read_bytes())
        if changes.get("tool") != tool_digest() or changes.get("of") != stamp or not stamp:
            return files
        changed, order = changes["files"], changes["order"]
        return {name: changed[name] if name in changed else files[name] for name in order}
    except (OSError, ValueError, EOFError, TypeError, AttributeError, KeyError):
        return files


def save_records(folder: Path, records: dict, *, previous: Path | None = None,
                 base: dict | None = None) -> None:
    """The collection's records (``collection.load`` makes them of plain values: no
    string of lxml's own kind, which ``marshal`` refuses). With the ``base`` that
    ``load_records`` gave of the ``previous`` build's folder: when no more than
    ``RECORDS_APART`` records differ from its whole file, that file is linked over and
    those records written beside it (``RECORDS_CHANGED``); else all, whole."""
    if previous is not None and base and base.get("stamp"):
        files = base["files"]
        changed = {name: record for name, record in records.items()
                   if files.get(name) is not record and files.get(name) != record}
        if len(changed) <= RECORDS_APART:
            try:
                links.link_path(str(previous / RECORDS), str(folder / RECORDS))
            except OSError:
                pass
            else:
                write_atomic(folder / RECORDS_CHANGED, marshal.dumps(
                    {"tool": tool_digest(), "of": base["stamp"], "order": list(records),
                     "files": changed}))
                return
    (folder / RECORDS_CHANGED).unlink(missing_ok=True)
    # its stamp, which a changes file names: the files and contents it records (the same
    # for the same collection); a new file: the one there may be a link to the previous build's
    stamp = key(tool_digest(), *(f"{name}\t{record.get('sha256') if isinstance(record, dict) else ''}"
                                 for name, record in records.items()))
    write_atomic(folder / RECORDS, marshal.dumps({"tool": tool_digest(), "files": records,
                                                  "stamp": stamp}))


class Journal:
    """Appends one line per finished document, flushed at once."""

    def __init__(self, folder: Path):
        self._handle = open(folder / JOURNAL, "a", encoding="utf-8")

    def add(self, name: str, entry: Entry) -> None:
        self.add_all([(name, entry)])

    def add_all(self, entries) -> None:
        """Several (name, entry) at once, in one write."""
        lines = [json.dumps({"id": name, **_plain(entry)}, ensure_ascii=False) + "\n"
                 for name, entry in entries]
        if lines:
            self._handle.write("".join(lines))
            self._handle.flush()

    def close(self) -> None:
        self._handle.close()
