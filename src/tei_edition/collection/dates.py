"""Dates the edition prints itself ("9 April 1843", "April 1843", "1843?"): the one rule,
by its table, ``policy.xml``'s ``<dates>`` (month names, how months begin in the sources'
languages, the words of ranges). The stylesheets print no date of their own making: the
volume's imprint takes its date's words from here (volume.py, ``te:words``). Never more
precise than the source's words beside the value say (a value filled out to the first of
a month or a year, as "1845-01-01" for "[1845]", loses what the words do not name); the
transcription keeps the source's words."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import cache

from lxml import etree

from tei_edition import resources

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class _Table:
    doubt: str
    range: str
    between: str
    after: str
    before: str
    undated: str
    unknown_year: str  # "{1}, year unknown": a day and month whose year is unknown
    months: dict[int, str]  # number -> name in the site's language
    source: re.Pattern  # how a month's name begins in the sources' words
    sources: dict[int, re.Pattern]  # number -> how that month's name begins


@cache
def _table() -> _Table:
    root = etree.parse(str(resources.xslt_dir() / "common" / "policy.xml")).getroot()
    dates = root.find("dates")
    months = list(dates.iter("month"))
    return _Table(
        doubt=dates.get("doubt"), range=dates.get("range"), between=dates.get("between"),
        after=dates.get("after"), before=dates.get("before"), undated=dates.get("undated"),
        unknown_year=dates.get("unknown-year"),
        months={int(m.get("n")): m.get("name") for m in months},
        source=re.compile("^(?:%s)" % "|".join(f"(?:{m.get('source')})" for m in months)),
        sources={int(m.get("n")): re.compile(f"^(?:{m.get('source')})") for m in months})


def month_names() -> list[str]:
    """The months' names in the site's language, January first (the catalogue's script
    writes a full date with them: ``catalogue.js``'s ``months``)."""
    months = _table().months
    return [months[n] for n in sorted(months)]


def month(word: str) -> int | None:
    """The month a word names (1-12): its name in the site's language, or a word as a
    month's name begins in the sources' languages ("März", "Martii", "août");
    None for any other word."""
    word = word.strip().casefold()
    table = _table()
    return next((n for n, name in table.months.items() if name.casefold() == word), None) \
        or next((n for n, source in table.sources.items() if source.match(word)), None)


def words(value: str | None, source_words: str | None = None, *, year: bool = True) -> str | None:
    """One ISO date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``; a time after it ignored) in
    words, as precise as the value and the source's words both say; None for what is
    no such date (or year 0000, "unknown"). Without ``year``: its day and month only
    ("5 April"; "" for a year alone), for a year the editors declare unknown."""
    match = _ISO.match((value or "").strip().split("T")[0])
    if not match or match.group(1) == "0000":
        return None
    table = _table()
    parts = [int(p) for p in match.groups() if p is not None]
    tokens = _TOKEN.findall(" ".join((source_words or "").split()).lower())
    said = any(re.fullmatch(r"\d{3,4}", t) for t in tokens)  # the words give its year
    small = sum(1 for t in tokens if re.fullmatch(r"\d{1,2}", t))
    named = any(table.source.match(t) for t in tokens)
    # only a value filled out to the first (day 01, month 01) may say more than the
    # words: "Heiligabend 1869" keeps its 24 December
    day = len(parts) == 3 and (not said or parts[2] != 1 or small >= 1)
    month = len(parts) >= 2 and (not said or parts[1] != 1 or named or small >= (2 if day else 1))
    if (month and not 1 <= parts[1] <= 12) or (day and not 1 <= parts[2] <= 31):
        return None
    out = " ".join(([str(parts[2])] if day else []) + ([table.months[parts[1]]] if month else [])
                   + ([f"{parts[0]:04d}"] if year else []))
    return out + (table.doubt if year and said and "?" in source_words else "")


def year_unknown(value: str | None, source_words: str | None = None) -> str:
    """A date whose year the editors declare a placeholder (edition.toml's ``[dates]
    unknown_year``), in words: its day and month, saying that the year is unknown
    ("5 April, year unknown"); "undated" when it gives neither."""
    table = _table()
    day_month = words(value, source_words, year=False) if value else None
    return table.unknown_year.replace("{1}", day_month) if day_month else table.undated


def of(when=None, from_=None, to=None, not_before=None, not_after=None,
       source_words=None) -> str | None:
    """A date's date in words: ``@when``, else its range (``@from``/``@to``,
    ``@notBefore``/``@notAfter``), else None."""
    def first(*values):
        return next((v.strip() for v in values if v and v.strip()), "")

    if when and when.strip():
        return words(when, source_words)
    table = _table()
    start, end = first(from_, not_before), first(to, not_after)
    whole, low, high = words(_whole(start, end)), words(start), words(end)
    fixed = bool(first(from_, to))
    if whole:
        return whole
    if low and high:
        return low + table.range + high if fixed else \
            table.between.replace("{1}", low).replace("{2}", high)
    if low:
        return low if fixed else table.after.replace("{1}", low)
    if high:
        return high if fixed else table.before.replace("{1}", high)
    return None


def _whole(a: str, b: str) -> str | None:
    """A range that is one day, or one whole month or year (1870-06-01 to 1870-06-30,
    1870-01-01 to 1870-12-31, 1870-06 to 1870-06): that day, month or year; else None."""
    if not a or not b:
        return None
    if a == b:
        return a
    if re.fullmatch(r"\d{4}-01-01", a) and b == a[:4] + "-12-31":
        return a[:4]
    if re.fullmatch(r"\d{4}-\d{2}-01", a):
        year, month = int(a[:4]), int(a[5:7])
        if 1 <= month <= 12 and year > 0 and b == f"{a[:7]}-{calendar.monthrange(year, month)[1]:02d}":
            return a[:7]
    return None
