"""The editorial policy's tables (``xslt/common/policy.xml``), which the XSLT common
layer reads too: which elements are mentions and of what kind, register entries and
their name forms, the preferred-name rule, the cross-references a name form may carry, which register files may be read, the
citable blocks, the unit types and what alignment a @rend or @style asks for. Python never keeps its own copy of these lists."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lxml import etree

from tei_edition import resources


@dataclass(frozen=True)
class Policy:
    mention_kinds: dict[str, str | None]  # name element -> entry kind (None: from @type)
    register_parts: frozenset[str]  # where names are register name forms, not mentions
    entry_kinds: dict[str, str]  # entry element -> kind
    entry_forms: dict[str, frozenset[str]]  # entry kind -> its name-form elements
    preferred_types: frozenset[str]  # @type values of a preferred name form
    see_also: str  # regex of a register's cross-reference inside a name form ("(s. a. …)")
    bracket_alone: str  # regex of a name form that is only brackets ("(Stadt)"): no name
    register_files: frozenset[str]  # where a register file named in @ref may lie
    blocks: frozenset[str]  # citable blocks (anchors)
    unit_types: frozenset[str]  # division types that make a unit
    aligned_blocks: frozenset[str]  # blocks the source may set right or centred
    alignments: dict[tuple[str, str], str]  # ("rend", token) / ("style", "text-align:right") -> right|center|left
    sign_key: str  # the heading of the plain text's key of its signs


def _words(value: str | None) -> list[str]:
    return (value or "").split()


@cache
def policy() -> Policy:
    root = etree.parse(str(resources.xslt_dir() / "common" / "policy.xml")).getroot()
    mentions = root.find("mentions")
    entries = root.find("entries")
    forms: dict[str, set[str]] = {}
    for entry in entries.iter("entry"):
        forms.setdefault(entry.get("kind"), set()).update(_words(entry.get("forms")))
    return Policy(
        mention_kinds={n.get("element"): n.get("kind") or None for n in mentions.iter("name")},
        register_parts=frozenset(_words(mentions.get("where-not"))),
        entry_kinds={e.get("element"): e.get("kind") for e in entries.iter("entry")},
        entry_forms={kind: frozenset(names) for kind, names in forms.items()},
        preferred_types=frozenset(_words(entries.get("preferred"))),
        see_also=entries.find("see-also").get("pattern"),
        bracket_alone=entries.find("see-also").get("alone"),
        register_files=frozenset(_words(root.find("register-files").get("read"))),
        blocks=frozenset(_words(root.find("blocks").get("anchored"))),
        unit_types=frozenset(_words(root.find("units").get("types"))),
        aligned_blocks=frozenset(_words(root.find("alignment").get("blocks"))),
        alignments={(attr, value): a.get("says") for a in root.find("alignment").iter("align")
                    for attr in ("rend", "style") for value in _words(a.get(attr))},
        sign_key=root.find("signs").get("key"),
    )
