"""STAND-IN for ``tei_edition.collection`` (issue 14, being written on another branch):
just enough of its interface (load, Collection, CatalogueEntry, register, resolve) to
build the collection site and volume against until the real model is on main. Delete
this file then. Not a model of anything: correspDesc and title only, no validation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tei_edition.xml.parse import parse_file

T = "{http://www.tei-c.org/ns/1.0}"
TE = "{urn:x-tei-edition}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
KINDS = {f"{T}person": "person", f"{T}place": "place", f"{T}org": "org"}
NAMES = {f"{T}persName": "person", f"{T}placeName": "place", f"{T}orgName": "org"}


@dataclass
class Entry:
    key: str
    kind: str
    names: list
    description: str = ""
    identifiers: list = field(default_factory=list)  # (type, value)
    dates: str = ""
    geo: tuple | None = None
    n: str = ""


@dataclass
class Register:
    entries: dict = field(default_factory=dict)
    by_n: dict = field(default_factory=dict)
    files: list = field(default_factory=list)

    def bundle(self):
        bundle = etree.Element(f"{TE}registers")
        for path in self.files:
            for el in parse_file(path).getroot().iter(*KINDS):
                if el.get(XML_ID) in self.entries:
                    el.set(f"{TE}key", el.get(XML_ID))
                    bundle.append(el)
        return bundle.getroottree()


@dataclass
class CatalogueEntry:
    id: str
    source: str
    fragment: str | None = None
    kind: str = "letter"
    title: str = ""
    date: str = ""
    date_sort: str = ""
    date_text: str = ""
    sender: list = field(default_factory=list)
    addressee: list = field(default_factory=list)
    place_sent: dict | None = None
    place_received: dict | None = None
    language: str = ""
    identifier: str = ""
    prev: str | None = None
    next: str | None = None
    corresp_prev: str | None = None
    corresp_next: str | None = None


@dataclass
class Document:
    path: Path
    id: str
    fragment: str | None
    catalogue: CatalogueEntry


@dataclass
class Collection:
    root: Path
    title: str
    editors: list
    introduction: str
    documents: list
    register: Register

    def catalogue(self):
        return [d.catalogue for d in self.documents]


def _text(el) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip() if el is not None else ""


def _register(paths) -> Register:
    register = Register(files=list(paths))
    for path in paths:
        root = parse_file(path).getroot()
        for el in root.iter(*KINDS):
            ident = el.get(XML_ID)
            if not ident:
                continue
            kind = KINDS[el.tag]
            names = [_text(n) for n in el if n.tag in (f"{T}persName", f"{T}placeName", f"{T}orgName")
                     and n.get("type") != "add"]
            geo = el.find(f".//{T}geo")
            coords = None
            if geo is not None and len(_text(geo).split()) == 2:
                coords = tuple(float(v) for v in _text(geo).split())
            life = [_text(el.find(f"{T}{t}")) or (el.find(f"{T}{t}").get("when", "") if el.find(f"{T}{t}") is not None else "")
                    for t in ("birth", "death")]
            entry = Entry(ident, kind, [n for n in names if n] or [ident],
                          _text(el.find(f"{T}note")) or _text(el.find(f"{T}desc")),
                          [(i.get("type", ""), _text(i)) for i in el.iter(f"{T}idno")],
                          "–".join(x for x in life if x), coords, el.get("n", ""))
            register.entries[ident] = entry
            if entry.n:
                register.by_n[(kind, entry.n)] = ident
    return register


def resolve(tree, source, register: Register) -> None:
    """Write te:refs (collection keys) on the name elements that point into the register."""
    for el in tree.getroot().iter(*NAMES):
        keys = []
        for token in el.get("ref", "").split():
            ident = token.split("#", 1)[-1]
            if ident in register.entries:
                keys.append(ident)
        if el.get("key"):
            found = register.by_n.get((NAMES[el.tag], el.get("key")))
            if found:
                keys.append(found)
        if keys:
            el.set(f"{TE}refs", " ".join(keys))


def _party(el, register):
    tree = etree.ElementTree(el)
    keys = []
    if el.get("ref"):
        keys = [t.split("#", 1)[-1] for t in el.get("ref").split()]
    elif el.get("key"):
        keys = [register.by_n.get((NAMES.get(el.tag, "person"), el.get("key")))]
    del tree
    return {"name": _text(el), "key": keys[0] if keys and keys[0] in register.entries else None}


def _catalogue(path: Path, root: Path, register: Register) -> CatalogueEntry:
    doc = parse_file(path).getroot()
    ident = path.relative_to(root).with_suffix("").as_posix()
    entry = CatalogueEntry(ident, str(path), title=_text(doc.find(f".//{T}titleStmt/{T}title")))
    for action in doc.iter(f"{T}correspAction"):
        people = [_party(p, register) for p in action if p.tag in (f"{T}persName", f"{T}orgName")]
        place = next((_party(p, register) for p in action if p.tag == f"{T}placeName"), None)
        date = action.find(f"{T}date")
        if action.get("type") == "sent":
            entry.sender = [p for p in people if p["name"]]
            entry.place_sent = place
            if date is not None:
                entry.date = date.get("when") or date.get("notBefore") or ""
                entry.date_text = _text(date)
        else:
            entry.addressee = [p for p in people if p["name"]]
            entry.place_received = place
    if not entry.addressee:  # the real letters put the addressee in the sent action
        for action in doc.iter(f"{T}correspAction"):
            for p in action:
                if p.get("type") == "addressee":
                    entry.addressee.append(_party(p, register))
                    entry.sender = [s for s in entry.sender if s["name"] != entry.addressee[-1]["name"]]
    lang = doc.find(f".//{T}langUsage/{T}language")
    entry.language = lang.get("ident") if lang is not None else (doc.get("{http://www.w3.org/XML/1998/namespace}lang") or "de")
    idno = doc.find(f".//{T}msIdentifier/{T}idno")
    entry.identifier = _text(idno)
    entry.date_sort = entry.date or "9999"
    return entry


def load(paths, config=None) -> Collection:
    files = sorted(p for raw in paths for p in (Path(raw).rglob("*.xml") if Path(raw).is_dir() else [Path(raw)]))
    root = Path(paths[0]) if Path(paths[0]).is_dir() else Path(paths[0]).parent
    registers = [p for p in files if "registers" in p.parts or p.parent.name == "registers"]
    register = _register(registers)
    documents = []
    for path in files:
        if path in registers:
            continue
        entry = _catalogue(path, root, register)
        documents.append(Document(path, entry.id, None, entry))
    documents.sort(key=lambda d: (d.catalogue.date_sort, d.id))
    for a, b in zip(documents, documents[1:]):
        a.catalogue.next, b.catalogue.prev = b.id, a.id
    last = {}
    for d in documents:
        pair = frozenset(p["key"] or p["name"] for p in d.catalogue.sender + d.catalogue.addressee)
        if pair in last:
            d.catalogue.corresp_prev, last[pair].catalogue.corresp_next = last[pair].id, d.id
        last[pair] = d
    return Collection(root, "Letters of a generated collection", ["A. Editor", "B. Editor"],
                      "This edition collects letters.\n\nIt is generated for tests.",
                      documents, register)
