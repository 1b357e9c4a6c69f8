"""What a TEI file of a collection is: a register, one document, or many documents.

* A **register** is a ``TEI`` whose ``<text>`` holds only lists (``listPerson``,
  ``listPlace``, ``listOrg``, ``listBibl``, ``listEvent``, ``listRelation``, in
  ``body``, ``back`` or ``front``, possibly inside ``div``s with a ``head``), or
  that has no ``<text>`` at all (its entries are in ``standOff`` or the header) and
  no transcription either (``sourceDoc``, ``facsimile``: a document without ``text``).
* A file whose body holds two or more ``div``s typed ``document`` or ``letter`` (as
  a FRUS volume does) is **many documents**, one per such division.
* Everything else is **one document**.
"""

from __future__ import annotations

from lxml import etree

from tei_edition.xml.parse import TEI_NS

_T = f"{{{TEI_NS}}}"
LISTS = frozenset(f"{_T}{name}" for name in (
    "listPerson", "listPlace", "listOrg", "listBibl", "listEvent", "listRelation"))
_CONTAINERS = frozenset(f"{_T}{name}" for name in (
    "front", "body", "back", "group", "div", "div1", "div2", "div3", "div4", "div5"))
_LABELS = frozenset({f"{_T}head", f"{_T}docTitle", f"{_T}titlePage"})
# Divisions of a file each of which is a document of its own.
DOCUMENT_DIVISIONS = ("document", "letter")
_DIVS = tuple(f"{_T}{name}" for name in ("div", "div1", "div2", "div3"))


def is_register(tei: etree._Element) -> bool:
    text = tei.find(f"{_T}text")
    if text is None:
        return tei.find(f"{_T}sourceDoc") is None and tei.find(f"{_T}facsimile") is None
    lists = _only_lists(text)
    return lists is not None and lists > 0


def _only_lists(el: etree._Element) -> int | None:
    """How many lists ``el`` holds, or None when it holds anything else."""
    if (el.text or "").strip():
        return None
    count = 0
    for child in el:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        if child.tag in LISTS:
            count += 1
        elif child.tag in _CONTAINERS:
            inner = _only_lists(child)
            if inner is None:
                return None
            count += inner
        elif child.tag not in _LABELS:
            return None
        if (child.tail or "").strip():
            return None
    return count


def document_divisions(tei: etree._Element) -> list[etree._Element]:
    """The divisions that are documents of their own (outermost only), when there are
    at least two; else an empty list (the file is one document)."""
    text = tei.find(f"{_T}text")
    if text is None:
        return []
    found: list[etree._Element] = []
    inside: set = set()
    for div in text.iter(*_DIVS):
        if div.get("type") not in DOCUMENT_DIVISIONS:
            continue
        if any(a in inside for a in div.iterancestors(*_DIVS)):
            continue
        inside.add(div)
        found.append(div)
    return found if len(found) >= 2 else []
