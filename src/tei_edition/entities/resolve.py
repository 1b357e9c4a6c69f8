"""One resolver for every format and command: which register entries a name means.

``resolve(tree, source, register)`` decides once, in Python, for every name of a
parsed document, and writes the decision on the name:

* ``te:refs="key1 key2"``: the collection-wide keys of the entries it points to
  (``@ref`` tokens in order, then ``@key``), each once;
* ``te:unresolved="..."``: the pointers that found no entry (``#x``, ``file.xml#x``,
  or the ``@key`` value).

Entries defined in the document itself get ``te:key``. The stylesheets look keys up
(``te:lookup`` in ``xslt/common/entities.xsl``) and never decide again, so HTML, text
and PDF agree with ``entities list``/``show``: ``places.xml#n1`` is never
``persons.xml#n1``. Authority URIs (``https:``, ``viaf:``) are not register pointers.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache

from lxml import etree

from tei_edition.policy import policy
from tei_edition.entities.register import ENTRY_KINDS, KINDS, XML_ID, Entry, parse_ref
from tei_edition.xml.parse import TE_NS, TEI_NS

TE_REFS = f"{{{TE_NS}}}refs"
TE_UNRESOLVED = f"{{{TE_NS}}}unresolved"
TE_KEY = f"{{{TE_NS}}}key"
etree.register_namespace("te", TE_NS)  # (as ``publish.transform`` does: te:refs, not ns0:refs)

_T = f"{{{TEI_NS}}}"
# Name elements that may point to register entries, and the kind each expects (None:
# from @type): the policy table (xslt/common/policy.xml), which the XSLT reads too.
NAME_KINDS = {f"{_T}{name}": kind for name, kind in policy().mention_kinds.items()}


def kind_of(el: etree._Element) -> str | None:
    kind = NAME_KINDS.get(el.tag)
    if kind is None:
        kind = el.get("type") if el.get("type") in KINDS else None
    return kind


def decide(el: etree._Element, document: str, register) -> tuple[list[Entry], list[str]]:
    """The entries one name points to (in order, each once) and what found none."""
    return decide_values(el.get("ref"), el.get("key"), kind_of(el), document, register)


def decide_values(ref: str | None, key: str | None, kind: str | None, document: str,
                  register) -> tuple[list[Entry], list[str]]:
    """``decide`` on a name's ``@ref``, ``@key`` and kind, read beforehand."""
    found: list[Entry] = []
    missing: list[str] = []
    if ref:
        pointers, _outside = parse_ref(ref)
        for pointer in pointers:
            entry = register.lookup(pointer, document)
            if entry is None:
                missing.append(str(pointer))
            elif entry not in found:
                found.append(entry)
    if key and key.strip():
        entry = register.lookup_key(key, kind)
        if entry is None:
            missing.append(" ".join(key.split()))
        elif entry not in found:
            found.append(entry)
    return found, missing


def resolve(tree, source, register) -> set[str]:
    """Write each name's resolved keys (``te:refs``) and unresolved pointers
    (``te:unresolved``) on ``tree``, and ``te:key`` on the entries it defines.
    ``source`` is the document's file; returns the keys it mentions."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    document = register.relative(source)
    folder = posixpath.dirname(document)
    decided = _decisions(register)
    used: set[str] = set()
    if TE_NS not in root.nsmap.values():
        # the namespace declared once, on the root, for every name's te:refs (else lxml
        # declares it again on each name: text that Saxon is handed and parses; the
        # root has it in scope anyway once its line is marked, ``transform.to_xdm``)
        root.set(TE_REFS, "")
        del root.attrib[TE_REFS]
    for el in root.iter(*ENTRY_KINDS):
        ident = el.get(XML_ID)
        entry = register.in_file(document, ident) if ident else None
        if entry is not None:
            el.set(TE_KEY, register.key_of(entry))
    for el in root.iter(*NAME_KINDS):
        attributes = el.attrib
        for stale in (TE_REFS, TE_UNRESOLVED):
            attributes.pop(stale, None)
        ref, key = attributes.get("ref"), attributes.get("key")
        if ref is None and key is None:
            continue
        kind = kind_of(el)
        # what the decision depends on: ``#id`` the document, ``file#id`` its folder,
        # keys neither (``find_pointer``, ``CollectionRegister.lookup``)
        memo = (ref, key, kind, decided_in(ref, document, folder))
        hit = decided.get(memo) if decided is not None else None
        if hit is None:
            found, missing = decide_values(ref, key, kind, document, register)
            keys = [register.key_of(e) for e in found]
            hit = (" ".join(keys), keys, " ".join(missing))
            if decided is not None:
                decided[memo] = hit
        refs, keys, missing = hit
        if refs:
            el.set(TE_REFS, refs)
            used.update(keys)
        if missing:
            el.set(TE_UNRESOLVED, missing)
    return used


def decided_in(ref: str | None, document: str, folder: str) -> str | None:
    """What a name's decision depends on besides its ``ref``, ``key`` and kind: a ``#id``
    on its ``document``, a ``file#id`` on its ``folder``, keys on neither (None). The
    collection's load (``collection.model``) and the worker's resolving key their
    decisions by it."""
    if not ref:
        return None
    return document if points_into_document(ref) else folder


@lru_cache(maxsize=65536)
def points_into_document(ref: str) -> bool:
    """Whether an ``@ref`` points into its own document (a ``#id`` token)."""
    return any(token.startswith("#") for token in ref.split())


# The decisions made against one register as it is (its ``stamp``, a new one with every
# entry added, and its key rules): a build's worker resolves a thousand documents that
# name the same entries again and again.
_DECIDED_HELD = 200_000
_decided: dict = {"state": None, "hits": {}}


def _decisions(register) -> dict | None:
    """The decisions kept for ``register`` in its present state (None: a register
    without a ``stamp``, whose decisions are not kept)."""
    stamp = getattr(register, "stamp", None)
    if stamp is None:
        return None
    state = (stamp, tuple(sorted(getattr(register, "key_rules", {}).items())))
    if _decided["state"] != state or len(_decided["hits"]) > _DECIDED_HELD:
        _decided["state"], _decided["hits"] = state, {}
    return _decided["hits"]
