"""``edition.toml``: what a collection says about itself beyond its TEI.

Every key is optional; a collection without the file builds with the defaults below.

    title = "Letters of Alfred Escher"
    editors = ["A. Editor", "B. Editor"]
    introduction = "One paragraph or several, as plain text."
    date = 2024-05-01      # the edition's date (the volume's title page and PDF date)
    order = ["letters/K_0002", "letters/K_0003.xml"]   # document ids or source paths
    formats = ["html", "pdf", "text"]
    base_url = "https://example.org/escher/"
    fallback_schema = "../schemas/tei_all.rng"  # for documents declaring no schema
                                                # (relative to this file; needs jing)

    [keys]                 # which register attribute a name's @key matches
    person = "n"           # persName/@key = person/@n
    place = "n"
    # "*" = "n" applies to every kind

    [correspondence]       # an editorial decision, shown with each letter it changes
    roles = "auto"         # as encoded, unless the encoding contradicts itself (default)
    # roles = "as-encoded" # sender and addressee as the correspDesc encodes them, always
    # roles = "swapped"    # the edition's encoding has them the other way round throughout
    # roles = "from-title" # as each letter's title names them ("A an B", "A to B", "A à B")

    [dates]                # an editorial decision, said with each date it changes
    unknown_year = 1000    # the edition's placeholder for a year it does not know
    # unknown_year = [1000, 1111]

``roles`` answers the ``roles-contradict-title`` warning of ``check``: letters whose
titles name sender and addressee the other way round from their encoding. "auto"
keeps the encoding except where it contradicts itself (a name typed addressee in the
sending ``correspAction``, or sender in the receiving one: the real letter edition
does so in every letter) and the title names the people the other way round; there
the title, the one unambiguous statement, decides. Every catalogue entry a rule
changes says so (``roles``, ``roles_note``); the TEI is never changed.

``unknown_year`` answers the ``date-outlier`` warning of ``check``: dates whose year is
centuries away from the rest of the collection and not in their own words, as a
placeholder for an unknown year is ("1000-04-05" for "05. April"). The catalogue then
gives such a date as its day and month with the year unknown ("5 April, year
unknown"), and lists the document with the undated ones; the TEI is never changed.

Without ``[keys]`` the attribute is detected: the one most of the documents' keys
match (see ``CollectionRegister.detect_keys``).
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from tei_edition.collection.catalogue import is_real_date
from tei_edition.errors import UsageError

FILE_NAME = "edition.toml"
FORMATS = ("html", "pdf", "text")
KEY_KINDS = ("person", "place", "org", "*")
ROLES = ("auto", "as-encoded", "swapped", "from-title")


@dataclass
class Config:
    title: str | None = None
    editors: list[str] = field(default_factory=list)
    introduction: str | None = None
    date: str | None = None  # ISO: YYYY, YYYY-MM or YYYY-MM-DD
    order: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=lambda: list(FORMATS))
    base_url: str | None = None
    keys: dict[str, str] = field(default_factory=dict)  # kind (or "*") -> attribute name
    roles: str = "auto"  # [correspondence] roles: one of ROLES
    unknown_years: list[int] = field(default_factory=list)  # [dates] unknown_year
    fallback_schema: str | None = None  # RELAX NG for documents declaring none (build)
    path: Path | None = None  # the file it was read from, if any


def read(root: Path) -> Config:
    """The collection's ``edition.toml`` (at its root), or the defaults."""
    path = root / FILE_NAME
    if not path.is_file():
        return Config()
    return parse(path.read_bytes(), path)


def parse(data: bytes, path: Path) -> Config:
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"not a valid TOML file: {exc}", path=str(path)) from None
    known = {"title", "editors", "introduction", "date", "order", "formats", "base_url", "keys",
             "correspondence", "dates", "fallback_schema"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise UsageError(f"unknown setting(s) {', '.join(unknown)} (known: "
                         f"{', '.join(sorted(known))})", path=str(path))
    config = Config(path=path)
    config.title = _text(raw, "title", path)
    config.introduction = _text(raw, "introduction", path)
    config.base_url = _text(raw, "base_url", path)
    config.date = _date(raw.get("date"), path)
    config.fallback_schema = _text(raw, "fallback_schema", path)
    editors = raw.get("editors", [])
    config.editors = [editors] if isinstance(editors, str) else _strings(editors, "editors", path)
    config.order = _strings(raw.get("order", []), "order", path)
    if "formats" in raw:
        config.formats = _strings(raw["formats"], "formats", path)
        wrong = [f for f in config.formats if f not in FORMATS]
        if wrong:
            raise UsageError(f"formats: unknown format(s) {', '.join(wrong)} "
                             f"(known: {', '.join(FORMATS)})", path=str(path))
    keys = raw.get("keys", {})
    if not isinstance(keys, dict):
        raise UsageError("keys: expected a table ([keys])", path=str(path))
    for kind, attribute in keys.items():
        if kind not in KEY_KINDS or not isinstance(attribute, str) or not attribute.strip():
            raise UsageError(f"keys: {kind} = {attribute!r}: expected one of "
                             f"{', '.join(KEY_KINDS)} = \"attribute name\"", path=str(path))
        config.keys[kind] = attribute.strip().removeprefix("@")
    correspondence = _table(raw, "correspondence", ("roles",), path)
    roles = correspondence.get("roles", "auto")
    if roles not in ROLES:
        raise UsageError(f"correspondence: roles = {roles!r}: expected one of "
                         f"{', '.join(repr(r) for r in ROLES)}", path=str(path))
    config.roles = roles
    config.unknown_years = _unknown_years(_table(raw, "dates", ("unknown_year",), path), path)
    return config


def _table(raw: dict, name: str, known: tuple[str, ...], path: Path) -> dict:
    """The table ``[name]`` (empty when absent), refused when it is not a table or holds
    a setting not ``known``."""
    table = raw.get(name, {})
    if not isinstance(table, dict):
        raise UsageError(f"{name}: expected a table ([{name}])", path=str(path))
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise UsageError(f"{name}: unknown setting(s) {', '.join(unknown)} "
                         f"(known: {', '.join(known)})", path=str(path))
    return table


def _unknown_years(table: dict, path: Path) -> list[int]:
    """``[dates] unknown_year``: one year or a list of them."""
    value = table.get("unknown_year", [])
    years = value if isinstance(value, list) else [value]
    if not all(isinstance(y, int) and not isinstance(y, bool) and 0 < y <= 9999 for y in years):
        raise UsageError(f"dates: unknown_year = {value!r}: expected a year such as 1000, "
                         f"or a list of years", path=str(path))
    return sorted(set(years))


def _text(raw: dict, name: str, path: Path) -> str | None:
    value = raw.get(name)
    if value is not None and not isinstance(value, str):
        raise UsageError(f"{name}: expected a string", path=str(path))
    return value


def _date(value, path: Path) -> str | None:
    """A TOML date (``date = 2024-05-01``) or a string ``"2024"``, ``"2024-05"``,
    ``"2024-05-01"``, as ISO text."""
    if value is None:
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    text = value.strip() if isinstance(value, str) else ""
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text) and is_real_date(text):
        return text
    raise UsageError(f"date: expected a date such as 2024-05-01 (got {value!r})", path=str(path))


def _strings(value, name: str, path: Path) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{name}: expected a list of strings", path=str(path))
    return list(value)
