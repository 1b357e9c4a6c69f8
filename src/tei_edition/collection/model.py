"""A collection: every TEI file under the paths given, read once.

``load(paths)`` parses each file with the safe parser, sorts it into registers and
documents (``classify``), merges the registers into one ``CollectionRegister``,
reads each document's catalogue entry and the register entries it mentions, and
drops the tree: what stays in memory is the catalogue and the register, never the
documents. Then it decides the key rule (``@key`` -> register attribute), resolves
the names of the catalogue and each document's references, and links neighbours.

A ``teiCorpus`` is a collection of its ``TEI`` children (its header describes the
collection); a file of many ``div type="document"`` gives one document per division.
Problems (a file that is not well-formed, an id defined twice, a key no register
holds) are collected as located diagnostics, never raised: one broken file does not
stop a collection.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import stat
import time
from copy import deepcopy
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path, PurePosixPath

from lxml import etree

from tei_edition.collection import catalogue as cat
from tei_edition.collection import config as configuration
from tei_edition.collection.classify import document_divisions, is_register
from tei_edition.collection.registers import SOURCE, CollectionRegister, elements_of
from tei_edition.entities.namefold import fold
from tei_edition.entities.register import ENTRY_KINDS, Entry, entries_in, normalized_text
from tei_edition.entities.resolve import (NAME_KINDS, decide_values, decided_in, kind_of,
                                         points_into_document)
from tei_edition.errors import TeiEditionError, UsageError, XmlSyntaxError
from tei_edition.validation.diagnostics import Diagnostic
from tei_edition.xml.parse import TEI_NS, XML_NS, collect_xml_files, linked_folders, parse_file

_T = f"{{{TEI_NS}}}"
XML_ID = f"{{{XML_NS}}}id"
_UNSAFE = re.compile(r"[^\w.\-/]+")


def _safe_id(path: str) -> str:
    """A document's id from its path: a name of the site's pages, so no part of it is
    "." or ".." ("sub/...xml" would be the page html/sub/.. otherwise)."""
    parts = _UNSAFE.sub("-", path).strip("-").split("/")
    return "/".join(part if part.strip(".") else part.replace(".", "-") for part in parts)


@dataclass
class Document:
    """One document of the collection: a file, a ``TEI`` of a ``teiCorpus``, or a
    division of a file of many documents (``fragment`` names which)."""

    path: Path
    id: str
    catalogue: cat.CatalogueEntry
    fragment: str | None = None
    register_refs: list[str] = field(default_factory=list)  # keys of entries it names
    unresolved: list[tuple[int | None, str]] = field(default_factory=list)  # (line, pointer)
    xml_id: str | None = None  # the document element's own xml:id
    part: str | None = None  # None (the whole file), "corpus" (a TEI child), "division"
    position: int | None = None  # 1-based, among the file's TEI children or divisions
    date_line: int | None = None  # where the catalogue's date was read
    roles_line: int | None = None  # where the encoded sender or addressee is
    # Why the title contradicts the catalogue's sender and addressee (as decided by
    # edition.toml's [correspondence] roles), or None; see ``Collection.roles_contradicted``.
    roles_contradiction: str | None = None

    def parse(self) -> etree._ElementTree:
        """This document's tree, parsed anew (a teiCorpus child as its own ``TEI``; a
        division inside a ``TEI`` with the file's header)."""
        tree = parse_file(self.path)
        if self.part is None:
            return tree
        root = tree.getroot()
        if self.part == "corpus":
            return etree.ElementTree(deepcopy(_corpus_children(root)[self.position - 1]))
        division = document_divisions(root)[self.position - 1]
        tei = etree.Element(f"{_T}TEI", nsmap={None: TEI_NS})
        header = root.find(f"{_T}teiHeader")
        if header is not None:
            tei.append(deepcopy(header))
        body = etree.SubElement(etree.SubElement(tei, f"{_T}text"), f"{_T}body")
        body.append(deepcopy(division))
        return etree.ElementTree(tei)


@dataclass
class Collection:
    root: Path
    config: configuration.Config
    title: str
    editors: list[str]
    introduction: str | None
    documents: list[Document]
    registers: list[Path]
    register: CollectionRegister
    problems: list[Diagnostic]
    # what was read of each plain document file (path relative to the root -> record),
    # for the next ``load``'s ``cache``; and each file's SHA-256 (absolute path -> hex)
    records: dict[str, dict] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    # the edition's date, ISO (edition.toml's ``date``, else the corpus header's
    # publicationStmt date), or None: never made up
    date: str | None = None

    def catalogue(self) -> list[cat.CatalogueEntry]:
        """The catalogue in the collection's order: ``edition.toml``'s ``order`` first
        (document ids or source paths), then by date (undated last), then by id."""
        return [d.catalogue for d in self.ordered()]

    def ordered(self) -> list[Document]:
        given, last = given_place(self.config.order), len(self.config.order)

        def place(doc: Document):
            wanted = given(doc)
            return (last if wanted is None else wanted, *_chronological(doc))
        return sorted(self.documents, key=place)

    def index(self) -> dict[str, list[str]]:
        """Register key -> the ids of the documents that name it, in catalogue order
        (the register pages' lists, and what a changed entry makes stale)."""
        found: dict[str, list[str]] = {}
        for doc in self.ordered():
            for key in doc.register_refs:
                found.setdefault(key, []).append(doc.id)
        return found

    def roles_contradicted(self) -> list[Document]:
        """The letters whose titles ("A an B") name sender and addressee the other way
        round from the catalogue's, in catalogue order (each says why in
        ``roles_contradiction``)."""
        return [d for d in self.ordered() if d.roles_contradiction]

    def document(self, id: str) -> Document | None:
        """The document with this id, or None."""
        if getattr(self, "_by_id", None) is None or len(self._by_id) != len(self.documents):
            self._by_id = {d.id: d for d in self.documents}
        return self._by_id.get(id)


def given_place(order):
    """A document -> its place in ``edition.toml``'s ``order`` (named there by its id or
    its file, with or without ".xml"; the first place where it recurs), None when the
    order does not name it: what ``Collection.ordered`` puts first."""
    rank: dict[str, int] = {}
    for i, name in enumerate(order):
        rank.setdefault(name, i)
        rank.setdefault(name.removesuffix(".xml"), i)

    def place(doc) -> int | None:
        found = [rank[n] for n in (doc.id, doc.catalogue.source) if n in rank]
        return min(found) if found else None
    return place


def _chronological(doc: Document):
    date = doc.catalogue.date_sort
    return (date is None, date or "", doc.id)


def load(paths, *, config: configuration.Config | None = None,
         cache: dict | None = None, files: list[Path] | None = None) -> Collection:
    """The collection of every XML file under ``paths`` (files or folders).

    ``cache``: an earlier collection's ``records`` (as JSON gives them back): a file of
    one document whose bytes hash as its record says is not parsed again; its
    catalogue entry, names and register entries are taken from the record, and so are
    its names as resolved when the register was what it is now (the record's
    ``resolved``, under a stamp of the files that gave the register its entries and the
    key rules: ``_Reader.resolution_stamp``); under another register they are resolved
    again. ``files``: what ``collect_xml_files`` gives of ``paths``, when the caller
    has it (a build checks the paths first)."""
    paths = [Path(p) for p in ([paths] if isinstance(paths, (str, os.PathLike)) else paths)]
    found = collect_xml_files(paths) if files is None else files
    files = list({os.path.abspath(f): f for f in found}.values())  # once each
    if not files:
        raise UsageError("no XML files found in the PATHs given")
    root = _root(paths)
    register = CollectionRegister(root)
    reader = _Reader(root, register, cache=cache)
    for file in files:
        reader.read(file)
    # the collection's own folder, where its edition.toml is and what its pages' addresses
    # are relative to: known once its documents are (``_pages_base``)
    base = _pages_base(paths, [p.document.path for p in reader.pending], root)
    home = root if base is None else Path(base)
    if config is None:
        config = configuration.read(home)
    reader.roles = config.roles  # (decided as each document is finished, below)
    rules = register.detect_keys(reader.keys_by_kind, config.keys)
    reader.stamp = reader.resolution_stamp(rules)
    problems = list(reader.problems)
    _check_keys(reader, rules, problems)
    documents = [reader.finish(pending) for pending in reader.pending]
    for doc in documents:  # before the neighbours: such a date sorts with the undated
        cat.year_unknown(doc.catalogue, config.unknown_years)
    _page_ids(documents, base, root)
    _neighbours(documents, reader)
    problems += [replace(p, path=_shown(root, p.path)) for p in register.problems]
    problems += _check_order(config, documents)
    problems += [Diagnostic(str(link), None, None, "warning", SOURCE,
                            "a symbolic link to a folder is not followed, so its files are not "
                            "part of the collection; name its target on the command line to "
                            "include them") for link in linked_folders(paths)]
    corpus = reader.corpus_header
    return Collection(
        root=home, config=config,
        title=config.title or (corpus or {}).get("title") or _one_file_title(documents) or home.name,
        editors=config.editors or (corpus or {}).get("editors", []),
        introduction=config.introduction or (corpus or {}).get("introduction"),
        documents=documents, registers=reader.registers, register=register,
        problems=problems, records=reader.records, hashes=reader.hashes,
        date=config.date or (corpus or {}).get("date"))


def _one_file_title(documents) -> str:
    """The title of a collection that is one file of many documents (a FRUS volume):
    that file's own, from its header ("" for anything else)."""
    if not documents or any(not d.catalogue.fragment or d.path != documents[0].path for d in documents):
        return ""
    return cat.file_title(documents[0].path)


def _sha256(path: Path) -> str:
    """The file's hash; OSError for anything but a regular file (a device or a pipe
    would never end or never open: the parser refuses those with a message)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"not a regular file: {path}")
        import hashlib  # (here: OpenSSL is loaded only where something is hashed)

        digest = hashlib.sha256()
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# A file whose last change is this recent may change again within the same tick of the
# file system's clock, its size and times the same: its record keeps no ``seen``, and
# the next load hashes it (what git calls racy files; 2 s covers the coarsest clocks).
_SETTLED_NS = 2_000_000_000
_now = time.time_ns


def _seen(path: Path) -> list[int] | None:
    """What the file system says of a regular file (size, modification and change
    times, inode): while it is the same, the file's bytes are taken to be the same (as
    make and git take them); None for anything else, or when it cannot say."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def _settled(seen: list[int]) -> bool:
    """Whether the file's last change (modification or change time) is old enough that
    a later change would show in its times."""
    return _now() - max(seen[1], seen[2]) > _SETTLED_NS


def _shown(root: Path, rel: str) -> str:
    """A file of the collection as diagnostics name it: relative to the working folder."""
    try:
        return os.path.relpath(root / rel)
    except ValueError:  # another drive
        return str(root / rel)


def _root(paths: list[Path]) -> Path:
    # Absolute, symbolic links kept (a resolved root would not contain the given paths).
    folders = [Path(os.path.abspath(p if p.is_dir() else p.parent)) for p in paths]
    return Path(os.path.commonpath(folders)) if folders else Path.cwd()


def _pages_base(paths: list[Path], documents, root: Path) -> str | None:
    """The collection's own folder when ``root`` (the folders' common path) lies further
    up than the folder above the one that holds every PATH holding ``documents`` (their
    files); else None, and ``root`` is it. Registers given from an unrelated folder do
    not move the collection up to what the two share (``/tmp/x/real40`` with
    ``/work/letters/registers``: ``/tmp/x``, not ``/``): its pages are under it, and its
    ``edition.toml`` is there, as it is beside the documents' folder in ``build
    letters/ registers/``."""
    folders = {os.path.abspath(p if p.is_dir() else p.parent) for p in paths}
    holding = set()
    for path in documents:
        absolute = os.path.abspath(path)
        holding.update(f for f in folders if absolute.startswith(f.rstrip(os.sep) + os.sep))
    if not holding:
        return None
    pages = os.path.commonpath(sorted(holding))
    base = os.path.dirname(pages) if pages != os.path.abspath(root) else pages
    return None if base == os.path.abspath(root) else base


def _page_ids(documents: list[Document], base: str | None, root: Path) -> None:
    """The documents' ids, which are their pages' addresses, relative to the collection's
    own folder ``base`` (``_pages_base``) when ``root`` (the folders' common path) lies
    further up (``/tmp/x/real40`` with ``/work/letters/registers`` made the letter's page
    ``html/tmp/x/real40/letter.html``; it is ``html/real40/letter.html``). The
    documents' own folder stays in the address, so ``build L`` and ``build L/letters
    L/registers`` give the same pages (``html/letters/...``). (Files keep their names
    relative to ``root``: ``catalogue.source``.)"""
    if base is None:
        return
    prefix = _safe_id(Path(os.path.relpath(base, root)).as_posix()) + "/"
    if not all(doc.id.startswith(prefix) for doc in documents):
        return
    for doc in documents:
        doc.id = doc.catalogue.id = doc.id[len(prefix):]


@dataclass
class _Pending:
    """A document read, waiting for the register to be complete."""

    document: Document
    read: cat.Read
    # (kind, ref, key) -> line; from a record, as the record keeps them (``_packed_refs``:
    # one string, read only when the names are resolved again)
    refs: dict[tuple[str | None, str | None, str | None], int | None] | str
    # its names as resolved by an earlier load (its record's ``resolved``), or None
    resolved: dict | None = None

    def names(self) -> dict:
        """``refs`` read; from a record that cannot say them, from the file again."""
        if not isinstance(self.refs, str):
            return self.refs
        try:
            self.refs = _unpacked_refs(self.refs)
        except (ValueError, TypeError):
            try:
                self.refs = _refs_of(parse_file(self.document.path).getroot(), {})
            except TeiEditionError:  # (changed since it was hashed: its worker says how)
                self.refs = {}
        return self.refs


def _packed_refs(refs: dict) -> str:
    """A document's names (``_Pending.refs``) as its record keeps them: one string (JSON),
    not a list each: a rebuild reads a thousand letters' records, a hundred names each,
    and resolves none of them again while the register is the same."""
    return json.dumps([[kind, ref, key, line] for (kind, ref, key), line in refs.items()],
                      ensure_ascii=False, separators=(",", ":"))


def _unpacked_refs(packed: str) -> dict:
    """``_packed_refs`` read back (ValueError: not what it wrote)."""
    refs = {}
    for kind, ref, key, line in json.loads(packed):
        if not all(v is None or isinstance(v, str) for v in (kind, ref, key)) or \
                not (line is None or isinstance(line, int)):
            raise ValueError("not a document's names")
        refs[(kind, ref, key)] = line
    return refs


def _refs_of(unit, keys_by_kind: dict) -> dict:
    """The names of a document (``unit``) that point somewhere: (kind, ref, key) -> the
    line of the first; each key, normalised, added to ``keys_by_kind`` (kind -> keys)."""
    refs: dict = {}
    for el in unit.iter(*NAME_KINDS):
        ref, key = el.get("ref"), el.get("key")
        if ref is None and key is None:
            continue
        kind = NAME_KINDS.get(el.tag)  # (``kind_of`` inlined: a letter names ~190)
        if kind is None:
            kind = kind_of(el)
        name = (kind, ref, key)
        if name not in refs:
            refs[name] = el.sourceline
        if key and key.strip():
            keys_by_kind.setdefault(kind, set()).add(" ".join(key.split()))
    return refs


def _keys_of(refs: dict) -> list[list]:
    """The keys of a document's names, normalised, as [kind, key] pairs, once each (what
    its record keeps beside ``_packed_refs``, for the key rules)."""
    return sorted({(kind or "", " ".join(key.split())) for kind, _, key in refs if key and key.strip()})


def _recorded_entries(recorded: list, rel: str) -> list[Entry]:
    """A file's register entries as its record keeps them, their elements parsed in one
    go; ``ValueError`` (or another error of a damaged record) unless each is an entry of
    this file with the id and kind its element has."""
    entries = [Entry(ident, kind, list(names), description, path, line, dict(attributes))
               for ident, kind, names, description, path, line, attributes, _ in recorded]
    texts = [xml for *_, xml in recorded]
    elements = iter(elements_of([t for t in texts if t is not None]))
    for entry, text in zip(entries, texts):
        if not (isinstance(entry.id, str) and isinstance(entry.description, str)
                and entry.path == rel and all(isinstance(n, str) for n in entry.names)):
            raise ValueError("not this file's register entries")
        if text is not None:
            entry.element = next(elements)
            if entry.element.get(XML_ID) != entry.id or ENTRY_KINDS[entry.element.tag] != entry.kind:
                raise ValueError("not this file's register entries")
    return entries


class _Reader:
    def __init__(self, root: Path, register: CollectionRegister, roles: str = "auto",
                 cache: dict | None = None):
        self.root = root
        self.cache = cache or {}
        self.records: dict[str, dict] = {}
        self.hashes: dict[str, str] = {}
        self._record: dict | None = None  # the record of the file being read
        self.roles = roles
        self.register = register
        self.pending: list[_Pending] = []
        self.registers: list[Path] = []
        self.problems: list[Diagnostic] = []
        self.keys_by_kind: dict[str | None, set[str]] = {}
        self.corpus_header: dict | None = None
        self.ids: dict[str, str] = {}
        self._decided: dict = {}
        # folder -> (kind, ref, key) -> ``_decide``'s answer, for the names whose answer
        # depends on the document's folder at most (not on a ``#id`` of the document)
        self._in_folder: dict[str, dict] = {}
        # the files that gave the register entries, in the order read: (path, SHA-256)
        self.contributors: list[tuple[str, str | None]] = []
        self._gave = False  # whether the file being read gave the register an entry
        self.stamp = ""  # what the names' resolution depends on (``resolution_stamp``)

    def _add(self, entry: Entry) -> None:
        self.register.add(entry)
        self._gave = True

    def read(self, file: Path) -> None:
        rel = self.register.relative(file)
        self._gave = False
        try:
            self._read(file, rel)
        finally:
            if self._gave:
                self.contributors.append((rel, self.hashes.get(os.path.abspath(file))))

    def resolution_stamp(self, rules: dict[str, str]) -> str:
        """What resolving a name depends on: the register's entries (the files that gave
        them, in order, by content) and the key rules. A document's names resolved
        under the same stamp resolve the same way again."""
        import hashlib  # (here: OpenSSL is loaded only where something is hashed)

        return hashlib.sha256(json.dumps([sorted(rules.items()), self.contributors],
                                         ensure_ascii=False).encode("utf-8", "surrogateescape")
                              ).hexdigest()

    def _read(self, file: Path, rel: str) -> None:
        record = self.cache.get(rel)
        seen = _seen(file)
        if seen is not None and isinstance(record, dict) and record.get("seen") == seen and \
                isinstance(record.get("sha256"), str):
            digest = record["sha256"]  # unchanged since it was hashed: not read again
        else:
            try:
                digest = _sha256(file)
            except OSError:
                digest = None  # parse_file says what is wrong
        if digest is not None:
            self.hashes[os.path.abspath(file)] = digest
            if isinstance(record, dict) and record.get("sha256") == digest:
                try:
                    self._from_record(file, rel, record)
                    if record.get("seen") != seen:  # hashed again: what it was seen as now
                        record = {k: v for k, v in record.items() if k != "seen"}
                        if seen is not None and _settled(seen):
                            record["seen"] = seen
                    self.records[rel] = record
                    return
                except (KeyError, TypeError, ValueError, etree.XMLSyntaxError):
                    pass  # an unreadable record: the file is read
        try:
            tree = parse_file(file)
        except TeiEditionError as exc:
            source = "xml" if isinstance(exc, XmlSyntaxError) else "input"
            self.problems.append(Diagnostic(exc.path or str(file), exc.line, exc.column, "error",
                                            source, exc.message))
            return
        root = tree.getroot()
        if root.tag == f"{_T}teiCorpus":
            self._corpus(root, file, rel)
        elif root.tag == f"{_T}TEI":
            self._record = {"sha256": digest} if digest is not None else None
            if self._record is not None and seen is not None and _settled(seen):
                self._record["seen"] = seen
            self._tei(root, file, rel, None, None)
            if self._record is not None and ("document" in self._record or "register" in self._record):
                self.records[rel] = self._record
            self._record = None
        else:
            self.problems.append(Diagnostic(str(file), root.sourceline, None, "warning", SOURCE,
                                            "not a TEI document (its root is not TEI or "
                                            "teiCorpus); left out of the collection",
                                            "not-tei"))

    def _corpus(self, corpus: etree._Element, file: Path, rel: str) -> None:
        header = corpus.find(f"{_T}teiHeader")
        if header is not None and self.corpus_header is None:
            self.corpus_header = _collection_header(header)
        for entry in entries_in(header, rel, keep=True) if header is not None else []:
            self._add(entry)
        for position, child in enumerate(_corpus_children(corpus), start=1):
            self._tei(child, file, rel, "corpus", position)

    def _tei(self, tei, file: Path, rel: str, part: str | None, position: int | None) -> None:
        register = is_register(tei)
        # A register file's tree is kept (it is the register); a document's entries are
        # copied out of it, so that its tree can go.
        entries = entries_in(tei, rel, keep="element" if register and part is None else True)
        for entry in entries:
            self._add(entry)
        if self._record is not None:
            if register and part is None:  # a register file's entries, kept to be taken again
                self._record["register"] = True
            self._record["entries"] = [
                [e.id, e.kind, e.names, e.description, e.path, e.line, e.attributes,
                 etree.tostring(e.element, encoding="unicode", with_tail=False)
                 if e.element is not None else None] for e in entries]
        if register:
            if part is None:
                self.registers.append(file)
            return
        header = tei.find(f"{_T}teiHeader")
        divisions = document_divisions(tei)
        if part is None and divisions:
            self._record = None  # a file of many documents is read whole each time
            for n, division in enumerate(divisions, start=1):
                fragment = division.get(XML_ID) or str(n)
                self._document(division, header, file, rel, fragment, "division", n)
            return
        fragment = (tei.get(XML_ID) or str(position)) if part == "corpus" else None
        self._document(tei, header, file, rel, fragment, part, position)

    def _document(self, unit, header, file, rel, fragment, part, position) -> None:
        ident = self._slug(rel, fragment)
        division = part == "division"
        read = cat.read(unit, header, id=ident, source=rel, fragment=fragment, division=division)
        doc = Document(path=file, id=ident, catalogue=read.entry, fragment=fragment,
                       xml_id=unit.get(XML_ID), part=part, position=position)
        refs = _refs_of(unit, self.keys_by_kind)
        self.pending.append(_Pending(doc, read, refs))
        if self._record is not None and part is None:
            self._record["document"] = {
                "entry": read.entry.to_json(), "xml_id": doc.xml_id,
                "senders": [asdict(n) for n in read.senders],
                "addressees": [asdict(n) for n in read.addressees],
                "place_sent": asdict(read.place_sent) if read.place_sent else None,
                "place_received": asdict(read.place_received) if read.place_received else None,
                "context": read.context, "date_where": read.date_where,
                "roles_line": read.roles_line, "roles_conflict": read.roles_conflict,
                "refs": _packed_refs(refs), "keys": [list(pair) for pair in _keys_of(refs)]}

    def _from_record(self, file: Path, rel: str, record: dict) -> None:
        """What ``read`` would find in an unchanged file of one document, or of a register,
        from its record (checked: anything amiss in it raises, and the file is read)."""
        entries = _recorded_entries(record["entries"], rel)
        if record.get("register") is True:
            for one in entries:
                self._add(one)
            self.registers.append(file)
            return
        data = record["document"]
        # (its id taken only once the record is read: one read again takes it then)
        entry = cat.CatalogueEntry(**{**data["entry"], "id": "", "source": rel})

        def name(value):
            return cat.Name(**value) if value is not None else None
        where = data["date_where"]
        read = cat.Read(entry, [name(n) for n in data["senders"]],
                        [name(n) for n in data["addressees"]], name(data["place_sent"]),
                        name(data["place_received"]), dict(data["context"]),
                        tuple(where) if where is not None else None, data["roles_line"],
                        bool(data["roles_conflict"]))
        refs, keys = data["refs"], data["keys"]
        if not isinstance(refs, str) or not isinstance(keys, list) or \
                not all(isinstance(kind, str) and isinstance(key, str) for kind, key in keys):
            raise ValueError("not a document's names")
        ident = entry.id = self._slug(rel, None)
        for kind, key in keys:
            self.keys_by_kind.setdefault(kind or None, set()).add(key)
        for one in entries:
            self._add(one)
        resolved = record.get("resolved")
        self.pending.append(_Pending(Document(path=file, id=ident, catalogue=entry,
                                              xml_id=data["xml_id"]), read, refs,
                                     resolved if isinstance(resolved, dict) else None))

    def _slug(self, rel: str, fragment: str | None) -> str:
        stem = PurePosixPath(rel).with_suffix("").as_posix()
        ident = _safe_id(stem + (f"/{fragment}" if fragment else ""))
        if ident in self.ids:
            self.problems.append(Diagnostic(_shown(self.root, rel), None, None, "warning", SOURCE,
                                            f"document id {ident!r} is also that of "
                                            f"{self.ids[ident]}; this one keeps its suffix",
                                            "duplicate-document"))
            ident = base = _safe_id(rel + (f"/{fragment}" if fragment else ""))
            number = 1
            while ident in self.ids:  # a file named like another's id with its suffix
                number += 1
                ident = f"{base}-{number}"
        self.ids[ident] = rel
        return ident

    def _decide(self, ref, key, kind, source, folder=None):
        """``decide_values`` as (entries, collection keys, what found none), once per
        distinct name: ``#id`` depends on the document, ``file#id`` on its folder
        (``folder``: the document's, when the caller has it), keys on neither."""
        folder = posixpath.dirname(source) if folder is None else folder
        memo = (ref, key, kind, decided_in(ref, source, folder))
        hit = self._decided.get(memo)
        if hit is None:
            found, missing = decide_values(ref, key, kind, source, self.register)
            hit = self._decided[memo] = (found, [self.register.key_of(e) for e in found], missing)
        return hit

    def finish(self, pending: _Pending) -> Document:
        """Resolve a document's names once the register is complete; those of a file
        whose record resolved them under the same ``stamp`` are taken from its record,
        and a record that did not is given them (for the next load)."""
        doc, read = pending.document, pending.read
        source = doc.catalogue.source
        doc.date_line = read.date_where[0] if read.date_where else None
        cached = pending.resolved
        if cached is not None and cached.get("stamp") == self.stamp:
            try:
                return self._resolved(doc, read, cached)
            except (KeyError, TypeError, ValueError):
                pass  # an unreadable record: resolved again
        self._resolve(doc, read, pending.names(), source)
        record = self.records.get(source) if doc.part is None else None
        if record is not None and self.stamp:
            entry = doc.catalogue
            self.records[source] = {**record, "resolved": {
                "stamp": self.stamp, "keys": doc.register_refs,
                "unresolved": [list(u) for u in doc.unresolved],
                "names": [[dict(n) for n in entry.sender], [dict(n) for n in entry.addressee],
                          _copy(entry.place_sent), _copy(entry.place_received)]}}
        self._roles(doc, read)
        return doc

    def _resolved(self, doc: Document, read: cat.Read, cached: dict) -> Document:
        """``finish`` from a record's resolution of the same stamp."""
        keys, unresolved = cached["keys"], cached["unresolved"]
        sender, addressee, place_sent, place_received = cached["names"]
        if not (isinstance(keys, list) and isinstance(unresolved, list)
                and isinstance(sender, list) and isinstance(addressee, list)):
            raise ValueError("not a resolution")
        # all read before any is set: an unreadable record leaves the document as it was
        missing = [(line, pointer) for line, pointer in unresolved]
        people = [dict(n) for n in sender], [dict(n) for n in addressee]
        places = _copy(place_sent), _copy(place_received)
        doc.register_refs, doc.unresolved = list(keys), missing
        entry = doc.catalogue
        (entry.sender, entry.addressee), (entry.place_sent, entry.place_received) = people, places
        self._roles(doc, read)
        return doc

    def _roles(self, doc: Document, read: cat.Read) -> None:
        doc.roles_line = read.roles_line
        _decide_roles(doc, self.roles, read.roles_conflict)

    def _resolve(self, doc: Document, read: cat.Read, refs: dict, source: str) -> None:
        """A document's names resolved against the register."""
        folder = posixpath.dirname(source)
        keys: set[str] = set()
        # (a document names a hundred, a collection a few thousand distinct ones: those
        # decided before for the folder are found with one look-up)
        in_folder = self._in_folder.setdefault(folder, {})
        for name, line in refs.items():
            hit = in_folder.get(name)
            if hit is None:
                kind, ref, key = name
                hit = self._decide(ref, key, kind, source, folder)
                if not (ref and points_into_document(ref)):
                    in_folder[name] = hit
            keys.update(hit[1])
            if hit[2]:
                doc.unresolved.extend((line, m) for m in hit[2])
        doc.register_refs = sorted(keys)
        entry = doc.catalogue

        def named(name: cat.Name | None) -> dict | None:
            if name is None:
                return None
            found, found_keys, _ = self._decide(name.ref, name.key, name.kind, source)
            key = found_keys[0] if found else None
            label = name.name or (found[0].name if found else "")
            return {"name": label, "key": key}
        entry.sender = [named(n) for n in read.senders]
        entry.addressee = [named(n) for n in read.addressees]
        entry.place_sent = named(read.place_sent)
        entry.place_received = named(read.place_received)


def _copy(name: dict | None) -> dict | None:
    return dict(name) if name is not None else None


ROLES_NOTES = {
    "auto": "Sender and addressee as the letter's title names them: the source's "
            "description of the letter contradicts itself, and names them the other way round.",
    "swapped": "Sender and addressee as the editors read them: the source's description "
               "of the letter names them the other way round.",
    "from-title": "Sender and addressee as the letter's title names them (the editors' "
                  "decision): the source's description of the letter names them the other "
                  "way round.",
}
# The same decision said once for the whole collection (above its catalogue).
COLLECTION_ROLES_NOTES = {
    "auto": "Where the source's description of a letter contradicts itself about who wrote "
            "it and names sender and addressee the other way round from the letter's title, "
            "they are given as the title names them.",
    "swapped": "Sender and addressee as the editors read them: the sources' descriptions "
               "of the letters name them the other way round.",
    "from-title": "Where a letter's title names sender and addressee the other way round "
                  "from the source's description of the letter, they are given as the title "
                  "names them (the editors' decision).",
}


def _decide_roles(doc: Document, rule: str, conflict: bool = False) -> None:
    """Sender and addressee by edition.toml's ``[correspondence] roles``: as encoded,
    swapped in every letter, or (``from-title``) as the title names them where it names
    the encoded people the other way round; ``auto`` (the default) does the latter only
    where the encoding contradicts itself (``conflict``: a name typed against its
    action). A changed entry says so (``roles``, ``roles_note``); then
    ``doc.roles_contradiction`` says whether the title still contradicts the result."""
    entry = doc.catalogue

    def names(people):
        return [p["name"] for p in people]
    if entry.kind == "letter" and rule == "swapped" and (entry.sender or entry.addressee):
        entry.sender, entry.addressee = entry.addressee, entry.sender
        entry.roles, entry.roles_note = rule, ROLES_NOTES[rule]
    elif entry.kind == "letter" and (rule == "from-title" or rule == "auto" and conflict):
        stand, split = cat.title_roles(entry.title, names(entry.sender), names(entry.addressee))
        if stand == "reversed":
            encoded = {fold(p["name"]): p for p in entry.sender + entry.addressee}

            def person(name: str) -> dict:
                return encoded.get(fold(name), {"name": name, "key": None})
            writers, tos = split
            entry.sender, entry.addressee = [person(n) for n in writers], [person(n) for n in tos]
            entry.roles, entry.roles_note = rule, ROLES_NOTES[rule]
    stand, split = cat.title_roles(entry.title, names(entry.sender), names(entry.addressee))
    if stand == "reversed":
        how = "as encoded" if entry.roles == "as-encoded" else f"as decided (roles = {entry.roles!r})"
        doc.roles_contradiction = (
            f"the title names {' and '.join(split[0])} as sender and {' and '.join(split[1])} "
            f"as addressee; the catalogue's roles ({how}) are the other way round")


def _check_order(config: configuration.Config, documents: list[Document]) -> list[Diagnostic]:
    names = {d.id for d in documents} | {d.catalogue.source for d in documents}
    return [Diagnostic(str(config.path), None, None, "warning", SOURCE,
                       f"order: {name!r} is no document of the collection", "order-unknown")
            for name in config.order
            if name not in names and name.removesuffix(".xml") not in names]


def _check_keys(reader: _Reader, rules: dict[str, str], problems: list[Diagnostic]) -> None:
    kinds = {k for k in reader.keys_by_kind if k}
    for kind in sorted(kinds - set(rules)):
        count = len(reader.keys_by_kind[kind])
        problems.append(Diagnostic(
            str(reader.root), None, None, "warning", SOURCE,
            f"{count} distinct @key value(s) of {kind} names match no attribute of the "
            f"register's {kind} entries; set one in edition.toml ([keys] {kind} = \"n\")",
            "keys-unmatched"))


def _neighbours(documents: list[Document], reader: _Reader) -> None:
    """Chronological neighbours within the collection, and neighbours within each
    correspondence: ``correspContext`` when the edition gives it and its target is in
    the collection, else the previous and next letter between the same correspondents."""
    ordered = sorted(documents, key=_chronological)
    for before, after in zip(ordered, ordered[1:]):
        before.catalogue.next = after.id
        after.catalogue.prev = before.id
    targets = _targets(documents)
    pairs: dict[frozenset, list[Document]] = {}
    for doc in ordered:
        entry = doc.catalogue
        if entry.kind != "letter":
            continue
        people = [p["key"] or p["name"] for p in entry.sender + entry.addressee]
        if people:
            pairs.setdefault(frozenset(people), []).append(doc)
    reads = {p.document.id: p.read for p in reader.pending}
    for letters in pairs.values():
        for i, doc in enumerate(letters):
            context = reads[doc.id].context
            for side, step, attribute in (("prev", -1, "corresp_prev"), ("next", 1, "corresp_next")):
                target = _target(context.get(side), doc, targets)
                if target is None and 0 <= i + step < len(letters):
                    target = letters[i + step].id
                setattr(doc.catalogue, attribute, target)


def _targets(documents: list[Document]) -> dict[str, str]:
    """What a ``correspContext`` target may name -> document id: the document's
    xml:id, its file (with and without suffix), its id; and, when every document id
    carries one distinct number, that number (``B2904`` -> the ``K_2904`` letter)."""
    found: dict[str, str] = {}
    numbers: dict[str, list[str]] = {}
    for doc in documents:
        names = [doc.id, doc.catalogue.source, PurePosixPath(doc.catalogue.source).name,
                 PurePosixPath(doc.catalogue.source).stem]
        if doc.xml_id:
            names.append(doc.xml_id)
        for name in names:
            found.setdefault(name, doc.id)
        number = re.findall(r"\d+", doc.xml_id or "")
        if len(number) == 1:
            numbers.setdefault(str(int(number[0])), []).append(doc.id)
    if numbers and all(len(ids) == 1 for ids in numbers.values()):
        for number, ids in numbers.items():
            found.setdefault(f"#number:{number}", ids[0])
    return found


def _target(value: str | None, doc: Document, targets: dict[str, str]) -> str | None:
    if not value:
        return None
    value = value.strip()
    file, _, fragment = value.partition("#")
    for name in (fragment, file, PurePosixPath(file).name, value):
        if name and name in targets and targets[name] != doc.id:
            return targets[name]
    number = re.findall(r"\d+", value)
    if len(number) == 1 and not re.search(r"[#./]", value):  # a bare letter number
        hit = targets.get(f"#number:{int(number[0])}")
        return hit if hit != doc.id else None
    return None


def _corpus_children(corpus: etree._Element) -> list[etree._Element]:
    """The ``TEI`` documents of a ``teiCorpus``, nested corpora included."""
    return [el for el in corpus.iter(f"{_T}TEI")]


def _collection_header(header: etree._Element) -> dict:
    title = header.find(f"{_T}fileDesc/{_T}titleStmt/{_T}title")
    editors = [normalized_text(e) for e in header.findall(f"{_T}fileDesc/{_T}titleStmt/{_T}editor")]
    project = header.find(f"{_T}encodingDesc/{_T}projectDesc")
    introduction = None
    if project is not None:
        paragraphs = [normalized_text(p) for p in project.iter(f"{_T}p")]
        introduction = "\n\n".join(p for p in paragraphs if p) or None
    date = header.find(f"{_T}fileDesc/{_T}publicationStmt/{_T}date")
    when = None
    if date is not None:
        for value in (date.get("when"), normalized_text(date)):
            if value and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value.strip()):
                when = value.strip()
                break
    return {"title": normalized_text(title) if title is not None else None,
            "editors": [e for e in editors if e], "introduction": introduction, "date": when}
