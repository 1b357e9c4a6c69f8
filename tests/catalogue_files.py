"""The collection site's catalogue (``catalogue.js``, ``catalogue/t<k>.js``,
``catalogue/names.js``, written by ``tei_edition.publish.site``) read back, for the
tests: one dict per row, as the site's script reads it."""

from __future__ import annotations

import json
import re
from pathlib import Path


def script_value(path: Path, name: str):
    """The value a ``script_value`` script sets ``window.<name>`` to."""
    match = re.search(rf"window\.{name}=(.*);\n$", path.read_text(encoding="utf-8"), re.S)
    return json.loads(match.group(1))


def iso_date(number: int) -> str:
    """A date's number (YYYYMMDD, 00 for a part left out) as ISO."""
    year, month, day = number // 10000, number // 100 % 100, number % 100
    return f"{year:04d}" + (f"-{month:02d}" + (f"-{day:02d}" if day else "") if month else "")


def read_rows(html: Path) -> list[dict]:
    """Each row: date (ISO), date_text (as the edition prints it, where the script does
    not make it from the date: else ""), lang and kind (``catalogue.js``); id, title,
    senders and addressees ([(name, page)]), place and page (a part of a page, else "")
    (``catalogue/t<k>.js``). The correspondents and places of every row in
    ``catalogue/names.js`` are checked against the chunks'."""
    catalogue = script_value(html / "catalogue.js", "teCatalogue")
    rows, at = [], 0
    for n, step in enumerate(catalogue["dates"]):
        if isinstance(step, int):
            at += step
        rows.append({"date": iso_date(at) if isinstance(step, int) else step,
                     "date_text": catalogue["texts"].get(str(n), ""),
                     "lang": catalogue["langs"][catalogue["lang"][n] if "lang" in catalogue else 0],
                     "kind": catalogue["kinds"][catalogue["kind"][n] if "kind" in catalogue else 0]})
    for path in (html / "catalogue").glob("t*.js"):
        k, chunk, people = _arguments(path)
        for i, item in enumerate(chunk):
            item += [[], [], "", ""][len(item) - 2:]
            rows[k * catalogue["chunk"] + i].update(
                id=item[0], title=item[1], senders=[_person(people[p]) for p in _numbers(item[2])],
                addressees=[_person(people[p]) for p in _numbers(item[3])], place=item[4], page=item[5])
    [names] = _arguments(html / "catalogue" / "names.js")
    for n, row in enumerate(rows):
        place = names["place"][n]
        assert ([names["names"][k] for k in _numbers(names["from"][n])] == [p for p, _ in row["senders"]]
                and [names["names"][k] for k in _numbers(names["to"][n])] == [p for p, _ in row["addressees"]]
                and (names["places"][place] if place >= 0 else "") == row["place"]), (n, row)
    return rows


def _arguments(path: Path) -> list:
    """The arguments of a ``script_call`` script."""
    text = path.read_text(encoding="utf-8")
    return json.loads("[" + text[text.index("(") + 1:text.rindex(")")] + "]")


def _person(value: str) -> tuple[str, str]:
    name, _, page = value.partition("\t")
    return name, page


def _numbers(value) -> list[int]:
    """A row's names: a number when there is one."""
    return [value] if isinstance(value, int) else value
