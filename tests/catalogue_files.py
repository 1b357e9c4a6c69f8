"""The collection site's catalogue (``catalogue.js``, ``catalogue/names.js``,
``catalogue/t<k>.js``, written by ``tei_edition.publish.site``) read back, for the
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
    not make it from the date: else ""), senders and addressees ([(name, page)]),
    place, lang, kind, id, title and page (a part of a page, else "")."""
    catalogue = script_value(html / "catalogue.js", "teCatalogue")
    names = script_value(html / "catalogue" / "names.js", "teCatalogueNames")
    rows, at = [], 0
    for n, step in enumerate(catalogue["dates"]):
        if isinstance(step, int):
            at += step
        place = names["place"][n]
        rows.append({"date": iso_date(at) if isinstance(step, int) else step,
                     "date_text": catalogue["texts"].get(str(n), ""),
                     "senders": [names["names"][k] for k in _numbers(names["from"][n])],
                     "addressees": [names["names"][k] for k in _numbers(names["to"][n])],
                     "place": names["places"][place] if place >= 0 else "",
                     "lang": catalogue["langs"][catalogue["lang"][n] if "lang" in catalogue else 0],
                     "kind": catalogue["kinds"][catalogue["kind"][n] if "kind" in catalogue else 0]})
    for path in (html / "catalogue").glob("t*.js"):
        text = path.read_text(encoding="utf-8")
        k, chunk = json.loads("[" + text[text.index("(") + 1:text.rindex(")")] + "]")
        for i, item in enumerate(chunk):
            row = rows[k * catalogue["chunk"] + i]
            pages = item[2] if len(item) > 2 else []
            people = row["senders"] + row["addressees"]
            pages += [""] * (len(people) - len(pages))
            row["senders"] = list(zip(row["senders"], pages))
            row["addressees"] = list(zip(row["addressees"], pages[len(row["senders"]):]))
            row.update(id=item[0], title=item[1], page=item[3] if len(item) > 3 else "")
    return rows


def _numbers(value) -> list[int]:
    """A row's names: a number when there is one."""
    return [value] if isinstance(value, int) else value
