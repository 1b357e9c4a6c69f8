"""STAND-IN for ``tei_edition.collection`` (issue 14, the model's branch) until it lands
on main; ``build`` imports the real one when it is there. Delete this file then.

Only what the engine needs: which files are documents and which are registers, the
collection's root, and the register files as one bundle for the stylesheets.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tei_edition.errors import TeiEditionError
from tei_edition.xml.parse import TEI_NS, collect_xml_files, parse_file

T = f"{{{TEI_NS}}}"
TE_NS = "urn:x-tei-edition"
_LISTS = {f"{T}{name}" for name in ("listPerson", "listPlace", "listOrg", "listBibl",
                                    "listEvent", "listRelation", "listNym", "listObject")}


@dataclass
class Document:
    path: Path
    id: str
    fragment: str | None = None
    catalogue: object = None
    register_refs: frozenset = frozenset()


@dataclass
class Register:
    paths: list[Path]

    def bundle(self):
        if not self.paths:
            return None
        bundle = etree.Element(f"{{{TE_NS}}}registers")
        for path in self.paths:
            bundle.append(copy.deepcopy(parse_file(path).getroot()))
        return bundle.getroottree()


@dataclass
class Collection:
    root: Path
    documents: list[Document] = field(default_factory=list)
    registers: list[Path] = field(default_factory=list)
    register: Register | None = None
    problems: list[TeiEditionError] = field(default_factory=list)
    others: list[Path] = field(default_factory=list)


def load(paths, config=None) -> Collection:
    files = collect_xml_files(list(paths))
    documents, registers, others, problems = [], [], [], []
    for path in files:
        try:
            tree = parse_file(path)
        except TeiEditionError as exc:
            problems.append(exc)
            continue
        kind = _kind(tree.getroot())
        if kind == "register":
            registers.append(path)
        elif kind == "document":
            refs = frozenset(tree.getroot().xpath("//@ref | //@key"))
            documents.append(Document(path, "", register_refs=refs))
        else:
            others.append(path)
    root = _root([d.path for d in documents] or files)
    for doc in documents:
        doc.id = doc.path.resolve().relative_to(root).with_suffix("").as_posix()
    return Collection(root, documents, registers, Register(registers), problems, others)


def _kind(root) -> str:
    if root.tag not in (f"{T}TEI", f"{T}teiCorpus"):
        return "other"
    text = root.find(f"{T}text")
    if text is None:
        return "register"
    parts = [child for part in text for child in part if isinstance(child.tag, str)
             and etree.QName(child).localname not in ("head", "p")]
    return "register" if parts and all(child.tag in _LISTS for child in parts) else "document"


def _root(paths: list[Path]) -> Path:
    if not paths:
        return Path.cwd()
    folders = [str(p.resolve().parent) for p in paths]
    return Path(os.path.commonpath(folders))


def resolve(tree, source, register) -> None:
    """The model's resolver annotates key and #id links; the stand-in leaves the tree."""
