"""The collection register: every register entry of a collection, under one key each.

Entries come from the register files and from documents' own lists (``standOff``,
``back``, the header's ``particDesc``). Each has a collection-wide key: its id when no
other entry of the collection has that id, else ``path#id`` (the path relative to
the collection's root). A name reaches an entry three ways, all decided here:

* ``#id``: the pointing document's own entry, else the one entry of that id;
* ``file.xml#id``: the entry of that id in that file only (relative to the
  document, else to the collection's root, else the one file of that name);
* ``@key``: matched against one attribute of the register entries of the name's
  kind (``persName key="Heer Oswald"`` = ``person n="Heer Oswald"``), set in
  ``edition.toml`` or detected: the attribute that most of the keys match.
"""

from __future__ import annotations

import itertools
import os
import posixpath
from copy import deepcopy
from collections import Counter, defaultdict
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote

from lxml import etree

from tei_edition.entities.register import ENTRY_KINDS, XML_ID, Entry, Pointer, Register
from tei_edition.entities.resolve import TE_KEY
from tei_edition.validation.diagnostics import Diagnostic
from tei_edition.xml.limits import current_limits
from tei_edition.xml.parse import TE_NS, make_parser

SOURCE = "collection"
# A detected key attribute must match at least this share of the distinct keys.
DETECT_SHARE = 0.5
_STAMPS = itertools.count(1)  # a register's ``stamp``: unique in the process


def _same(one: Entry, other: Entry) -> bool:
    """Two entries of one id that describe the same entity: same kind and name forms."""
    return one.kind == other.kind and one.names == other.names


def elements_of(texts, count: int | None = None) -> list[etree._Element]:
    """Register entries' elements from their XML texts (``str`` or ``bytes``, each one
    element or several, as ``etree.tostring`` wrote them), parsed in one go: a
    register's thousands of entries in a third of the time of one parse each. Checked,
    as what was kept in a build folder may be damaged: ``ValueError`` (or
    ``XMLSyntaxError``) unless they are ``count`` register entries (each text one, when
    no count is given), with an id each and nothing between them."""
    texts = list(texts)
    count = len(texts) if count is None else count
    if not texts and not count:
        return []  # (most letters give the register nothing)
    if not texts:
        joined = b""
    elif isinstance(texts[0], str):
        joined = "".join(texts).encode("utf-8")
    else:
        joined = b"".join(texts)
    parser = make_parser(huge=current_limits().huge)  # (an entry's text as large as its file's)
    wrapper = etree.fromstring(b"<entries>" + joined + b"</entries>", parser)
    elements = list(wrapper)
    if len(elements) != count or (wrapper.text or "").strip() or any(
            el.tag not in ENTRY_KINDS or not el.get(XML_ID) or (el.tail or "").strip()
            for el in elements):
        raise ValueError("not the register entries kept")
    return elements


class CollectionRegister(Register):
    """The merged register of a collection. Paths are relative to ``root`` (POSIX)."""

    def __init__(self, root: Path | None = None):
        super().__init__()
        self.root = root
        self.holders: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.files: set[str] = set()
        self.key_rules: dict[str, str] = {}  # kind -> attribute ("xml:id" for the id)
        self.problems: list[Diagnostic] = []
        self._by_key_value: dict[tuple[str, str], list[Entry]] = {}
        self._by_basename: dict[str, list[str]] = defaultdict(list)
        self.copies: dict[tuple[str, str], tuple[str, str]] = {}  # (file, id) -> the entry's
        self._hashed: dict[str, bytes] = {}  # key -> its part of ``digest``, once each
        # what its entries are now: a new stamp (unique in the process) whenever one is
        # added, so that what is made of an entry can be kept under its key and stamp
        self.stamp = next(_STAMPS)

    # -- to a worker process and back ------------------------------------------------------

    def __getstate__(self) -> dict:
        """Picklable (for a pool's workers): the entries' fields, and their elements as
        XML text, all in one (``elements_of`` parses them in one go)."""
        entries = [(e.id, e.kind, e.names, e.description, e.path, e.line, e.attributes,
                    e.element is not None) for e in self]
        xml = b"".join(etree.tostring(e.element, with_tail=False) for e in self
                       if e.element is not None)
        copies = [(path, first) for (path, _), first in self.copies.items()]
        return {"root": self.root, "entries": entries, "xml": xml, "copies": copies,
                "key_rules": self.key_rules, "problems": self.problems}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["root"])
        entries = state["entries"]
        elements = iter(elements_of([state["xml"]], count=sum(e[-1] for e in entries)))
        for *fields, has_element in entries:
            self._restore(Entry(*fields, element=next(elements) if has_element else None))
        self.stamp = next(_STAMPS)
        for path, first in state["copies"]:
            entry = self.entries[tuple(first)]
            self.add(Entry(entry.id, entry.kind, entry.names, entry.description, path, None))
        self.set_key_rules(state["key_rules"])
        self.problems = state["problems"]

    def _restore(self, entry: Entry) -> None:
        """``add`` for an entry of a register that was whole (no duplicate, no copy:
        those it found are in its problems and copies already)."""
        if entry.path not in self.files:
            self.files.add(entry.path)
            self._by_basename[PurePosixPath(entry.path).name].append(entry.path)
        self.holders[entry.id].append(entry.key)
        Register.add(self, entry)

    # -- building ---------------------------------------------------------------------

    def add(self, entry: Entry) -> None:
        self._hashed.clear()
        self.stamp = next(_STAMPS)
        if entry.path not in self.files:
            self.files.add(entry.path)
            self._by_basename[PurePosixPath(entry.path).name].append(entry.path)
        if entry.key in self.entries:  # the same id twice in one file
            first = self.entries[entry.key]
            self._duplicate(entry, first)
            self.duplicates.append(entry)
            return
        holders = self.holders[entry.id]
        if holders:
            first = self.entries[holders[0]]
            if _same(entry, first):
                # A copy of an entry (as editions that repeat the register in each
                # letter's standOff write them): one entity, found from either file.
                self.copies[entry.key] = first.key
                return
            self._duplicate(entry, first)
        holders.append(entry.key)
        super().add(entry)

    def _duplicate(self, entry: Entry, first: Entry) -> None:
        self.problems.append(Diagnostic(
            entry.path, entry.line, None, "error", SOURCE,
            f"id {entry.id!r} is defined twice: here and at {first.path}:{first.line}",
            "duplicate-id"))

    def in_file(self, path: str, ident: str) -> Entry | None:
        key = self.copies.get((path, ident), (path, ident))
        return self.entries.get(key)

    def relative(self, path) -> str:
        """A file as this register names it: relative to the root, POSIX separators
        (symbolic links are not resolved, as the root's are not)."""
        if self.root is None:
            return Path(path).as_posix()
        absolute = os.path.abspath(path)
        root = os.path.abspath(self.root)
        if absolute == root or absolute.startswith(root.rstrip(os.sep) + os.sep):
            return Path(os.path.relpath(absolute, root)).as_posix()
        return Path(absolute).as_posix()

    # -- keys ---------------------------------------------------------------------------

    def key_of(self, entry: Entry) -> str:
        """The entry's collection-wide key: its id, or ``path#id`` when the id repeats."""
        if len(self.holders[entry.id]) == 1:
            return entry.id
        return f"{quote(entry.path, safe='/')}#{entry.id}"  # a key holds no space

    def find(self, key: str) -> Entry | None:
        """The entry with this collection-wide key."""
        path, sep, ident = key.rpartition("#")
        if sep:
            return self.entries.get((unquote(path), ident))
        holders = self.holders.get(key)
        return self.entries[holders[0]] if holders and len(holders) == 1 else None

    def keys(self) -> list[str]:
        return [self.key_of(e) for e in self]

    # -- the decisions --------------------------------------------------------------------

    def lookup(self, pointer: Pointer, document: str) -> Entry | None:
        """The entry a ``#id`` or ``file.xml#id`` of ``document`` points to, or None."""
        if pointer.file is None:
            return self.find_pointer(pointer, document)
        return self.find_pointer(pointer, document, self._target(pointer.file, document))

    def _target(self, file: str, document: str) -> str | None:
        beside = posixpath.normpath(posixpath.join(posixpath.dirname(document), file))
        if beside in self.files:
            return beside
        from_root = posixpath.normpath(file.lstrip("/"))
        if from_root in self.files:
            return from_root
        named = self._by_basename.get(PurePosixPath(file).name, [])
        return named[0] if len(named) == 1 else None

    def lookup_key(self, value: str, kind: str | None) -> Entry | None:
        """The entry a name's ``@key`` means (``kind``: person, place, org, or None for
        a name of no known kind), by the key rules; None if none or several match."""
        value = " ".join(value.split())
        kinds = [kind] if kind else sorted(self.key_rules)
        hits = [e for k in kinds for e in self._by_key_value.get((k, value), [])]
        return hits[0] if len(hits) == 1 else None

    def key_value(self, entry: Entry) -> str | None:
        """The ``@key`` value that names ``entry`` under the key rules, if any."""
        attribute = self.key_rules.get(entry.kind)
        if attribute is None:
            return None
        return entry.id if attribute in ("xml:id", "id") else entry.attributes.get(attribute)

    def set_key_rules(self, rules: dict[str, str]) -> None:
        """Index the entries by the attribute each kind's keys match."""
        self.key_rules = dict(rules)
        index: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        for entry in self:
            value = self.key_value(entry)
            if value:
                index[(entry.kind, value)].append(entry)
        self._by_key_value = dict(index)
        for (kind, value), entries in index.items():
            if len(entries) > 1:
                places = ", ".join(f"{e.path}:{e.line}" for e in entries)
                self.problems.append(Diagnostic(
                    entries[1].path, entries[1].line, None, "warning", SOURCE,
                    f"{len(entries)} {kind} entries share the key {value!r} "
                    f"({self.key_rules[kind]}): {places}; names with this key stay unresolved",
                    "duplicate-key"))

    def detect_keys(self, keys_by_kind: dict[str | None, set[str]],
                    configured: dict[str, str] | None = None) -> dict[str, str]:
        """Choose, for each kind, the entry attribute the documents' ``@key`` values
        match (``configured`` rules win; ``"*"`` applies to every kind), index by it,
        and return the rules."""
        configured = dict(configured or {})
        default = configured.pop("*", None)
        rules: dict[str, str] = {}
        kinds = {e.kind for e in self}
        loose = keys_by_kind.get(None, set())
        for kind in sorted(kinds):
            if kind in configured or default:
                rules[kind] = configured.get(kind, default)
                continue
            values = keys_by_kind.get(kind, set()) | loose
            chosen = self._best_attribute(kind, values)
            if chosen:
                rules[kind] = chosen
        self.set_key_rules(rules)
        return rules

    def _best_attribute(self, kind: str, values: set[str]) -> str | None:
        if not values:
            return None
        seen: dict[str, set[str]] = defaultdict(set)
        for entry in self:
            if entry.kind != kind:
                continue
            seen["xml:id"].add(entry.id)
            for name, value in entry.attributes.items():
                seen[name].add(value)
        counts = Counter({name: len(values & found) for name, found in seen.items()})
        if not counts:
            return None
        name, hits = counts.most_common(1)[0]
        return name if hits and hits >= DETECT_SHARE * len(values) else None

    def digest(self, keys) -> str:
        """A hash of the entries with these keys (and of the key rules): what a
        document's output depends on in the register, for incremental builds."""
        import hashlib  # (here: OpenSSL is loaded only where something is hashed)

        h = hashlib.sha256(repr(sorted(self.key_rules.items())).encode())
        hashed = self._hashed
        parts = []
        for key in sorted(set(keys)):
            part = hashed.get(key)
            if part is None:
                entry = self.find(key)
                part = key.encode() + b"\0"
                if entry is not None and entry.element is not None:
                    part += hashlib.sha256(etree.tostring(entry.element, with_tail=False,
                                                          method="c14n")).digest()
                hashed[key] = part = part + b"\0"  # each part ends in a NUL
            parts.append(part)
        h.update(b"".join(parts))  # one call, not two a key: a build digests a thousand lists
        return h.hexdigest()

    # -- for the stylesheets ------------------------------------------------------------------

    def bundle(self, keys=None) -> etree._ElementTree:
        """The stylesheets' ``$registers``: one ``te:registers`` element holding a copy of
        each entry (all, or those with the given keys), each marked with ``@te:key``."""
        root = etree.Element(f"{{{TE_NS}}}registers", nsmap={"te": TE_NS})
        entries = self if keys is None else filter(None, map(self.find, sorted(set(keys))))
        for entry in entries:
            self.bundle_entry(root, entry)
        return root.getroottree()

    def bundle_entry(self, root: etree._Element, entry: Entry) -> etree._Element | None:
        """Append to a bundle's ``root`` the copy of ``entry`` that ``bundle`` holds
        (None: an entry without an element, which a bundle leaves out)."""
        if entry.element is None:
            return None
        copy = deepcopy(entry.element)
        copy.tail = None
        root.append(copy)
        copy.set(TE_KEY, self.key_of(entry))
        if entry.id and copy.get(XML_ID) is None:
            copy.set(XML_ID, entry.id)
        return copy
