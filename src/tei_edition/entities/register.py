"""Registers of persons, places and organizations, and the pointers into them.

A register entry is a ``person``/``personGrp``, ``place`` or ``org`` with an
``xml:id``, wherever it sits: ``standOff``, the header (``particDesc``,
``settingDesc``), ``back``, or a separate register file. Its name forms are its own
name children (not those of nested entries), without the notes in them and the
register's cross-references written into them ("(s. a. …)", policy.xml: what these
name is the entry's "See also"); the preferred one is the first typed
``preferred``/``reg``/``main``/``full``, else the first; its description is its
first ``note`` (or ``desc``).

``@ref`` tokens: ``#id`` points into the corpus (the document first), ``file.xml#id``
into a register file, anything with a URI scheme (``https:``, ``viaf:``) to an
outside authority, which is not a register reference and is ignored.
"""

from __future__ import annotations

import re
from copy import deepcopy
from functools import lru_cache
from dataclasses import dataclass, field

from lxml import etree

from tei_edition.policy import policy
from tei_edition.xml.parse import TEI_NS, XML_NS
from tei_edition.xml.uri import SCHEME

_T = f"{{{TEI_NS}}}"
XML_ID = f"{{{XML_NS}}}id"

# Register entry element -> kind; the children that are its name forms; the types of
# a preferred form: from the policy table (xslt/common/policy.xml), as in the XSLT.
ENTRY_KINDS = {f"{_T}{name}": kind for name, kind in policy().entry_kinds.items()}
KINDS = tuple(dict.fromkeys(ENTRY_KINDS.values()))
_FORM_TAGS = {kind: {f"{_T}{name}" for name in names} for kind, names in policy().entry_forms.items()}
_PREFERRED = policy().preferred_types
# A register's cross-reference written into a name form ("Zürich (Stadt) (s. a.
# Affoltern, …)"): not part of the name (policy.xml's see-also, as te:name-text).
_SEE_ALSO = re.compile(policy().see_also)
_BRACKET_ALONE = re.compile(policy().bracket_alone)
_SPACES = re.compile(r"\s+")


@dataclass
class Entry:
    """One register entry. ``key`` is (register file, id): ids may repeat across files."""

    id: str
    kind: str
    names: list[str]
    description: str
    path: str
    line: int | None
    # The entry's own attributes (``n``, ``key``, ...): what a document's ``@key`` may match.
    attributes: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    # A detached copy of the entry element, kept only when asked (for the stylesheets).
    element: etree._Element | None = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.path, self.id)

    @property
    def name(self) -> str:
        return self.names[0] if self.names else self.id


@dataclass(frozen=True)
class Pointer:
    """One token of an ``@ref``: a local ``#id`` (file None) or ``file.xml#id``."""

    file: str | None
    id: str

    def __str__(self) -> str:
        """The pointer as an ``@ref`` writes it: ``#id`` or ``file.xml#id``."""
        return f"{self.file or ''}#{self.id}"


@lru_cache(maxsize=65536)  # the same @ref values recur throughout a corpus
def parse_ref(value: str) -> tuple[tuple[Pointer, ...], tuple[str, ...]]:
    """Register pointers in an ``@ref``, and the tokens pointing outside (authorities)."""
    pointers, outside = [], []
    for token in value.split():
        if token.startswith("#") and len(token) > 1:
            pointers.append(Pointer(None, token[1:]))
        elif "#" in token and not SCHEME.match(token):
            file, _, ident = token.partition("#")
            if ident:
                pointers.append(Pointer(file, ident))
        else:
            outside.append(token)
    return tuple(pointers), tuple(outside)


def normalized_text(el: etree._Element) -> str:
    return _collapsed("".join(el.itertext()))


def _collapsed(text: str) -> str:
    """``text`` with its whitespace collapsed and trimmed (``\\s+`` -> " ", stripped;
    ``str.split`` knows the same whitespace, and is several times faster)."""
    return " ".join(text.split())


# A name form's text outside its notes, as the common layer's ``te:name-words`` reads it.
_NOTE = f"{_T}note"
_WORDS = etree.XPath(".//text()[not(ancestor::tei:note)]", namespaces={"tei": TEI_NS})


def name_words(form: etree._Element) -> str:
    """A name form's words as written, its notes left out, cross-references kept
    (``te:name-words``)."""
    if len(form) == 0 and next(form.iterancestors(_NOTE), None) is None:
        return _collapsed(form.text or "")  # (its one text: no XPath needed, most forms)
    return _collapsed("".join(_WORDS(form)))


def name_text(form: etree._Element) -> str:
    """A name form's words without the register's cross-references in it
    ("Zürich (Stadt) (s. a. Affoltern, …)" is "Zürich (Stadt)"; a form that is only
    brackets, "(Stadt)", is none) and without its notes, as the common layer's
    ``te:name-text`` reads it."""
    text = _collapsed(_SEE_ALSO.sub("", name_words(form)))
    return "" if text.startswith("(") and _BRACKET_ALONE.match(text) else text


def name_forms(el: etree._Element) -> list[etree._Element]:
    """A register entry's own name forms (policy.xml), in document order."""
    allowed = _FORM_TAGS.get(ENTRY_KINDS.get(el.tag), ())
    return [child for child in el if child.tag in allowed]


def see_also(el: etree._Element) -> list[str]:
    """What the register's cross-references in an entry's name forms name, each once
    ("Affoltern, Altstetten, …"), unless it is one of the entry's own names ("Bad
    Ragaz (← Ragaz)" with a form "Ragaz"): its page's "See also", as the common
    layer's ``te:see-also`` finds it."""
    forms = name_forms(el)
    own = {name_text(f) for f in forms}
    found = (_SPACES.sub(" ", m.group(4)).strip() for f in forms
             for m in _SEE_ALSO.finditer(name_words(f)))
    return [name for name in _unique(found) if name not in own]


def entries_in(root: etree._Element, path: str, *, keep: bool | str = False) -> list[Entry]:
    """Every register entry in a document, in document order. ``keep``: each with a
    detached copy of its element (True), or with the element itself (``"element"``,
    which keeps the whole tree alive: for register files, whose tree is the register)."""
    found = []
    for el in root.iter(*ENTRY_KINDS):
        ident = el.get(XML_ID)
        if not ident:
            continue  # an entry nobody can point to
        kind = ENTRY_KINDS[el.tag]
        forms = name_forms(el)
        preferred = [f for f in forms if f.get("type") in _PREFERRED]
        ordered = preferred[:1] + [f for f in forms if f not in preferred[:1]]
        names = _unique(name_text(f) for f in ordered)
        note = next((c for c in el if c.tag in (f"{_T}note", f"{_T}desc")), None)
        attributes = {k: " ".join(v.split()) for k, v in el.attrib.items()
                      if isinstance(k, str) and k != XML_ID}
        found.append(Entry(ident, kind, names, normalized_text(note) if note is not None else "",
                           path, el.sourceline, attributes,
                           el if keep == "element" else _detached(el) if keep else None))
    return found


def _detached(el: etree._Element) -> etree._Element:
    copy = etree.Element(el.tag, el.attrib, nsmap={None: TEI_NS})
    copy.text = el.text
    copy.extend(deepcopy(child) for child in el)
    copy.sourceline = el.sourceline
    return copy


def _unique(values) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v:
            seen.setdefault(v, None)
    return list(seen)


@dataclass
class Register:
    """All entries known to a run, found by key, by bare id, and by folded name form."""

    entries: dict[tuple[str, str], Entry] = field(default_factory=dict)
    by_id: dict[str, tuple[str, str]] = field(default_factory=dict)
    duplicates: list[Entry] = field(default_factory=list)

    def add(self, entry: Entry) -> None:
        if entry.key in self.entries:
            self.duplicates.append(entry)
            return
        self.entries[entry.key] = entry
        if entry.id in self.by_id:
            self.duplicates.append(entry)
        else:
            self.by_id[entry.id] = entry.key

    def in_file(self, path: str, ident: str) -> Entry | None:
        return self.entries.get((path, ident))

    def by_bare_id(self, ident: str) -> Entry | None:
        key = self.by_id.get(ident)
        return self.entries[key] if key else None

    def find_pointer(self, pointer: Pointer, document: str, target: str | None = None) -> Entry | None:
        """The one decision for a register pointer, shared by every format and command.

        ``#id``: the entry in the pointing document itself, else the first entry with
        that id (registers are read in a fixed order; a repeated id is reported).
        ``file.xml#id``: the entry of that id in that file (``target``, the file as this
        register names it), and nowhere else: ``places.xml#n1`` is never
        ``persons.xml#n1``.
        """
        if pointer.file is None:
            return self.in_file(document, pointer.id) or self.by_bare_id(pointer.id)
        return self.in_file(target, pointer.id) if target is not None else None

    def __iter__(self):
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)
