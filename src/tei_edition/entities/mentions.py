"""The entity index: who and what is named where, over one file or a corpus.

One pass over each document: ``root.iter()`` over the name elements (a C-level
filter), one dict lookup per ``@ref`` token, no XPath per entity. Trees are dropped
after their pass; what is kept is small (entries, mention records, and for ``check``
the plain text outside names).

What counts as a mention (``xslt/common/policy.xml``, shared with the HTML registers
and the PDF index): a ``persName``, ``placeName``, ``geogName``, ``settlement``,
``country``, ``region``, ``bloc``, ``district``, ``orgName``, or an ``rs``/``name``
typed person/place/org, anywhere in a document (headings, notes,
apparatus, ``choice``, signatures, copy lists) except the header, ``standOff`` and
register lists, where names are the register's own name forms. Each register pointer
of an ``@ref`` counts once for its entry: ``ref="#a #b"`` is a mention of both (and
reported as shared).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tei_edition.policy import policy
from tei_edition.publish import anchors
from tei_edition.errors import UsageError, XmlSyntaxError
from tei_edition.entities.namefold import fold
from tei_edition.collection.registers import CollectionRegister
from tei_edition.entities.register import ENTRY_KINDS, Entry, Pointer, entries_in, parse_ref
from tei_edition.entities.resolve import NAME_KINDS, kind_of
from tei_edition.xml.parse import TEI_NS, collect_xml_files, parse_file

_T = f"{{{TEI_NS}}}"
# Name element -> the kind it names (None: the kind comes from @type), as the resolver
# reads it; where names are register name forms, not mentions: the policy table
# (xslt/common/policy.xml), which the HTML registers and the PDF index read too.
NAME_TAGS = NAME_KINDS
REGISTER_TAGS = frozenset({f"{_T}{name}" for name in policy().register_parts} | set(ENTRY_KINDS))
# Text whose referent is encoded another way (``sp/@who``, ``castItem``): not "untagged".
LINKED_ELSEWHERE = frozenset({f"{_T}speaker", f"{_T}castList"})
_NOTE, _CHOICE = f"{_T}note", f"{_T}choice"
# Inside <choice>, the reading a label takes (the edited one).
_CHOSEN = (f"{_T}corr", f"{_T}reg", f"{_T}expan")


@dataclass
class Mention:
    """One tagged name in a document, with the entries it points to once resolved."""

    document: str
    line: int | None
    nth: int  # how many elements of this tag began earlier on the same line
    tag: str  # local name: persName, rs, ...
    kind: str | None
    label: str
    pointers: tuple[Pointer, ...]
    outside: tuple[str, ...]  # authority URIs (not register pointers)
    scope: int = 0  # the paragraph (citable block) it sits in, numbered per document
    unit: str = ""  # the anchor of its unit (a document of a dossier, a letter), if any
    detail: "Detail | None" = None
    targets: list[tuple[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    key: str | None = None  # @key: matched against a register attribute (entities.resolve)


@dataclass
class Detail:
    """Where a mention sits, for ``show``: computed only for the mentions asked for."""

    section: str
    locator: str
    before: str
    after: str


@dataclass
class Corpus:
    """Everything a run knows: the register, the documents read and their mentions."""

    register: CollectionRegister
    documents: list[str]
    mentions: list[Mention]
    flows: dict = field(default_factory=dict)  # path -> untagged.TextFlow (check only)
    refused: dict = field(default_factory=dict)  # pointer file -> why it was not read
    malformed: list = field(default_factory=list)  # XmlSyntaxError of files not read

    def display_id(self, key: tuple[str, str]) -> str:
        """The bare id, or ``file#id`` when several registers use that id."""
        path, ident = key
        return ident if self.register.by_id.get(ident) == key else f"{path}#{ident}"

    def mentions_of(self, key: tuple[str, str]) -> list[Mention]:
        return [m for m in self.mentions if key in m.targets]


def load(paths, *, detail_ids: set[str] | None = None, scopes: bool = False,
         flows: bool = False) -> Corpus:
    """Read every file named (folders recursively), then resolve every pointer.

    ``detail_ids``: compute section, locator and context for mentions pointing to
    these ids; ``scopes``: number the paragraphs and name the units for co-occurrence;
    ``flows``: keep the
    plain text outside names for the untagged-mention check.
    """
    files = collect_xml_files([Path(p) for p in paths])
    if not files:
        raise UsageError("no XML files found in the PATHs given")
    corpus = Corpus(CollectionRegister(), [], [])
    for file in files:
        try:
            _scan(str(file), corpus, detail_ids, scopes, flows)
        except XmlSyntaxError as exc:  # one malformed file does not hide the corpus
            corpus.malformed.append(exc)
    if not corpus.documents:
        raise corpus.malformed[0]
    _resolve(corpus, allowed_folders=[Path(p).resolve() for p in paths if Path(p).is_dir()])
    return corpus


def _scan(path: str, corpus: Corpus, detail_ids, scopes: bool, flows: bool) -> None:
    root = parse_file(path).getroot()
    corpus.documents.append(path)
    for entry in entries_in(root, path):
        corpus.register.add(entry)
    # The set holds the elements themselves: that keeps their proxies (and identities) alive.
    in_register = {n for c in root.iter(*REGISTER_TAGS) for n in c.iter(*NAME_TAGS)}
    blocks: dict[etree._Element, int] = {}
    block_of_parent: dict = {}
    per_line: Counter = Counter()
    for el in root.iter(*NAME_TAGS):
        if el in in_register:
            continue
        local = el.tag[len(_T):]
        nth = per_line[(el.sourceline, local)]
        per_line[(el.sourceline, local)] += 1
        kind = kind_of(el)
        if kind is None and el.get("ref") is None and el.get("key") is None:
            continue  # an untyped, unlinked <rs>/<name>: not an entity name
        pointers, outside = parse_ref(el.get("ref", ""))
        mention = Mention(path, el.sourceline, nth, local, kind, label_of(el), pointers, outside,
                          key=" ".join(el.get("key", "").split()) or None)
        if scopes:  # a name is never a block itself: its block is its parent's
            parent = el.getparent()
            if parent not in block_of_parent:
                block_of_parent[parent] = anchors.block_of(parent if parent is not None else el)
            mention.scope = blocks.setdefault(block_of_parent[parent], len(blocks))
            mention.unit = anchors.anchor(anchors.unit_of(el))
        if detail_ids and (any(p.id in detail_ids for p in pointers) or mention.key in detail_ids):
            mention.detail = detail_of(el)
        corpus.mentions.append(mention)
    if flows:
        from tei_edition.entities.untagged import text_flow

        corpus.flows[path] = text_flow(root, path, NAME_TAGS.keys() | REGISTER_TAGS | LINKED_ELSEWHERE)


def label_of(el: etree._Element) -> str:
    """A name's label: its descendant text (name parts included), one reading of each
    ``choice`` (corr/reg/expan), without the text of notes inside it."""
    if len(el) == 0:  # most names: no parts, no choice
        return " ".join((el.text or "").split())
    parts: list[str] = []
    _label_parts(el, parts)
    return " ".join("".join(parts).split())


def _label_parts(el: etree._Element, parts: list[str]) -> None:
    if el.text:
        parts.append(el.text)
    for child in el:
        if child.tag == _CHOICE:
            chosen = next((c for c in child if c.tag in _CHOSEN), None)
            options = [chosen] if chosen is not None else list(child)[:1]
            for option in options:
                _label_parts(option, parts)
        elif child.tag != _NOTE and isinstance(child.tag, str):
            _label_parts(child, parts)
        if child.tail:
            parts.append(child.tail)


def _resolve(corpus: Corpus, allowed_folders: list[Path]) -> None:
    """Turn pointers into entry keys; read register files named in ``file.xml#id``."""
    by_real = {os.path.realpath(d): d for d in corpus.documents}
    known: dict[tuple[str, Pointer], Entry | None] = {}  # pointers recur: look each up once
    for mention in corpus.mentions:
        seen = set()
        for pointer in mention.pointers:
            where = (mention.document, pointer)
            if where not in known:
                known[where] = _lookup(corpus, mention.document, pointer, by_real, allowed_folders)
            entry = known[where]
            if entry is None:
                mention.missing.append(str(pointer))
            elif entry.key not in seen:
                seen.add(entry.key)
                mention.targets.append(entry.key)
    _resolve_keys(corpus)


def _resolve_keys(corpus: Corpus) -> None:
    """``@key`` values, by the rule the collection model uses (the register attribute
    most keys match, per kind: ``persName key="Heer Oswald"`` = ``person n="..."``)."""
    keys: dict[str | None, set[str]] = {}
    for mention in corpus.mentions:
        if mention.key:
            keys.setdefault(mention.kind, set()).add(mention.key)
    if not keys:
        return
    corpus.register.detect_keys(keys)
    for mention in corpus.mentions:
        if mention.key:
            entry = corpus.register.lookup_key(mention.key, mention.kind)
            if entry is None:
                mention.missing.append(mention.key)
            elif entry.key not in mention.targets:
                mention.targets.append(entry.key)


def _lookup(corpus: Corpus, document: str, pointer: Pointer, by_real, allowed) -> Entry | None:
    register = corpus.register
    if pointer.file is None:
        return register.find_pointer(pointer, document)
    target = Path(document).parent / pointer.file
    real = os.path.realpath(target)
    if real not in by_real:
        why = _refusal(document, real, allowed)
        if why:
            corpus.refused.setdefault(str(target), why)
            return None
        by_real[real] = str(target)
        for entry in entries_in(parse_file(target).getroot(), str(target)):
            register.add(entry)
    return register.find_pointer(pointer, document, by_real[real])


def _refusal(document: str, real: str, allowed: list[Path]) -> str | None:
    """Why a register file may not be read (None: it may). Only files beside a named
    document or inside a named folder are read: never a file the user did not name."""
    beside = Path(real).parent == Path(os.path.realpath(document)).parent
    inside = any(Path(real).is_relative_to(folder) for folder in allowed)
    if not (beside or inside):
        return "not among the PATHs given, nor beside the document that points to it"
    if not Path(real).is_file():
        return "no such register file"
    return None


# -- detail for ``show`` -------------------------------------------------------------

def detail_of(el: etree._Element) -> Detail:
    block = anchors.block_of(el)
    before, after = _context(block, el)
    return Detail(section_of(el), anchors.anchor(block), before, after)


def section_of(el: etree._Element) -> str:
    """The top-level ``div`` a mention sits in: ``type n: head``, or the text part."""
    top, part = None, None
    for anc in el.iterancestors():
        if not isinstance(anc.tag, str) or not anc.tag.startswith(_T):
            continue
        local = anc.tag[len(_T):]
        if local.startswith("div"):
            top = anc
        elif local in ("front", "body", "back") and part is None:
            part = local
    if top is None:
        return part or ""
    head = top.find(f"{_T}head")
    title = label_of(head) if head is not None else ""
    number = " ".join(v for v in (top.get("type"), top.get("n")) if v)
    if len(title) > 80:
        title = title[:79].rstrip() + "…"
    return ": ".join(v for v in (number, title) if v) or (part or "")


_ALTERNATIVES = frozenset({f"{_T}rdg", f"{_T}sic", f"{_T}orig", f"{_T}abbr"})
_WS = re.compile(r"\s+")


def _context(block: etree._Element, el: etree._Element) -> tuple[str, str]:
    """The block's text before and after the mention, whitespace collapsed but kept at
    the edges (so before + label + after reads as the text does). Notes elsewhere in
    the block and the unedited side of ``app``/``choice`` are left out."""
    keep = set(el.iterancestors())
    before: list[str] = []
    after: list[str] = []
    bucket = before
    walker = etree.iterwalk(block, events=("start", "end"))
    for event, node in walker:
        if event == "start":
            if node is el:
                bucket = None  # the mention's own text is the label
                walker.skip_subtree()
            elif node is not block and node not in keep and (
                    node.tag == _NOTE or node.tag in _ALTERNATIVES):
                walker.skip_subtree()
            elif bucket is not None and node.text and isinstance(node.tag, str):
                bucket.append(node.text)
        else:
            if node is el:
                bucket = after
            if node is not block and node.tail and bucket is not None:
                bucket.append(node.tail)
    return _WS.sub(" ", "".join(before)).lstrip(), _WS.sub(" ", "".join(after)).rstrip()


def kwic(detail: Detail, words: int) -> tuple[str, str]:
    """N words either side of a mention, spacing at the mention kept as in the text."""
    left, right = detail.before.split(), detail.after.split()
    left_text = " ".join(left[-words:]) if words and left else ""
    right_text = " ".join(right[:words]) if words and right else ""
    if left_text and detail.before.endswith(" "):
        left_text += " "
    if right_text and detail.after.startswith(" "):
        right_text = " " + right_text
    return left_text, right_text


# -- list ------------------------------------------------------------------------------

@dataclass
class Row:
    """One register entry with its mentions: a row of ``entities list``."""

    id: str
    type: str
    name: str
    names: list[str]
    description: str
    mentions: int
    shared: int  # of those, mentions whose @ref points to several entries
    documents: list[str]
    register: str

    def as_json(self) -> dict:
        return {"id": self.id, "type": self.type, "name": self.name, "names": self.names,
                "description": self.description, "mentions": self.mentions,
                "shared_mentions": self.shared, "documents": self.documents,
                "register": self.register}


def rows(corpus: Corpus, *, kind: str | None = None, sort: str = "name") -> list[Row]:
    counts: Counter = Counter()
    shared: Counter = Counter()
    docs: dict[tuple[str, str], dict[str, None]] = {}
    for mention in corpus.mentions:
        for key in mention.targets:
            counts[key] += 1
            if len(mention.targets) > 1:
                shared[key] += 1
            docs.setdefault(key, {})[mention.document] = None
    result = [Row(corpus.display_id(e.key), e.kind, e.name, e.names, e.description,
                  counts[e.key], shared[e.key], list(docs.get(e.key, {})), e.path)
              for e in corpus.register if kind is None or e.kind == kind]
    if sort == "mentions":
        result.sort(key=lambda r: (-r.mentions, fold(r.name), r.id))
    else:
        result.sort(key=lambda r: (fold(r.name), r.id))
    return result


# -- show ------------------------------------------------------------------------------

def listing(paths, *, kind: str | None = None, sort: str = "name") -> tuple[list[Row], list[str]]:
    """``rows`` of the corpus in ``paths``, and the located errors of the files not read."""
    corpus = load(paths)
    return rows(corpus, kind=kind, sort=sort), [exc.located() for exc in corpus.malformed]


def find_entry(corpus: Corpus, wanted: str) -> Entry | None:
    """An entry by id (``#id`` and ``file#id`` accepted), else by any name form, folded.
    A name shared by several entries is a usage error listing them."""
    ident = wanted.lstrip("#")
    if "#" in ident:
        file, _, ident = ident.partition("#")
        hits = [e for e in corpus.register if e.id == ident and Path(e.path).name == Path(file).name]
        return hits[0] if hits else None
    entry = corpus.register.by_bare_id(ident)
    if entry is not None:
        return entry
    folded = fold(wanted)
    hits = [e for e in corpus.register if any(fold(n) == folded for n in e.names)]
    if len(hits) > 1:
        ids = ", ".join(f"#{corpus.display_id(e.key)}" for e in hits)
        raise UsageError(f"{wanted!r} names several entries: {ids}; give an id")
    return hits[0] if hits else None


def show(paths, wanted: str, *, words: int = 8) -> dict:
    """An entry and every mention of it in text order, with locator and context."""
    guess = wanted.lstrip("#").rpartition("#")[2]
    corpus = load(paths, detail_ids={guess})
    entry = find_entry(corpus, wanted)
    if entry is not None and (entry.id != guess or any(  # a second pass for details
            m.detail is None for m in corpus.mentions_of(entry.key))):
        value = corpus.register.key_value(entry)
        corpus = load(paths, detail_ids={entry.id, *([value] if value else [])})
    ident = entry.id if entry else guess
    if entry is not None:
        mentions = corpus.mentions_of(entry.key)
    else:  # not in any register: still show where the dangling id is used
        mentions = [m for m in corpus.mentions if any(p.id == ident for p in m.pointers)]
        if not mentions:
            raise UsageError(f"no register entry or mention for {wanted!r}")
    record = _show_record(corpus, entry, ident, mentions, words)
    record["not_read"] = [exc.located() for exc in corpus.malformed]
    return record


def _show_record(corpus: Corpus, entry: Entry | None, ident: str, mentions, words: int) -> dict:
    record = {
        "id": corpus.display_id(entry.key) if entry else ident,
        "type": entry.kind if entry else None,
        "name": entry.name if entry else None,
        "names": entry.names if entry else [],
        "description": entry.description if entry else "",
        "register": entry.path if entry else None,
        "mentions": [],
    }
    for m in mentions:
        left, right = kwic(m.detail, words)
        others = [corpus.display_id(k) for k in m.targets if k != (entry.key if entry else None)]
        record["mentions"].append({
            "document": m.document, "section": m.detail.section, "locator": m.detail.locator,
            "line": m.line, "context": f"{left}{m.label}{right}",
            "text": m.label, "before": left, "after": right, "element": m.tag,
            "shared_with": others,
        })
    return record
