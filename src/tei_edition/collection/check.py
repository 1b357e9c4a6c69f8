"""Validation that fits other projects' TEI.

``check(collection)``: the integrity rules that matter across a collection, whatever
schema its documents follow, with every problem ``load`` found:

  unresolved-ref   warning  a ``#id``, ``file.xml#id`` or ``@key`` no register holds
  duplicate-id     error    a register id defined twice (both places named)
  date-not-real    error    a date that names no real day (``1876-02-30``, ``0000``)
  duplicate-doc-id warning  two documents with one ``xml:id`` (``correspContext`` cannot
                            tell them apart)
  date-outlier     warning  dates whose year is more than a century away from the body
                            of the collection's dates and not in their own words
                            ("1000-04-05" for "05. April": a placeholder for an unknown
                            year, as one real letter edition writes it): one warning
                            per such year, with examples and the edition.toml setting
                            that declares it a placeholder (``_outliers``)
  roles-contradict-title
                   warning  letters whose titles ("A an B") name sender and addressee the
                            other way round from the catalogue: ONE warning for the
                            collection, with the count, two examples and the
                            edition.toml setting that resolves it (each letter's detail:
                            ``Collection.roles_contradicted``)
  no-title         warning  a collection of several files with no title of its own
                            (edition.toml, teiCorpus header): its volume's title page,
                            text and site are titled by its folder's name ("letters")
  (and what ``load`` reports: files not well-formed, files that are not TEI, keys
  matching no register attribute)

``validate_declared(paths)``: each document against the schemas it declares
(``<?xml-model?>``; our own customisation only for documents that declare it), else
against ``tei_all`` when one is given and the jing engine is there.
"""

from __future__ import annotations

import re
from pathlib import Path

from tei_edition.collection.catalogue import is_real_date
from tei_edition.collection.registers import SOURCE
from tei_edition.validation.diagnostics import Diagnostic


def check(collection) -> list[Diagnostic]:
    """Every problem of the collection, sorted by file and line."""
    found = list(collection.problems)
    owners: dict[str, object] = {}
    for doc in collection.documents:
        path = str(doc.path)
        for line, pointer in doc.unresolved:
            found.append(Diagnostic(path, line, None, "warning", SOURCE,
                                    f"{pointer!r} is in none of the collection's registers",
                                    "unresolved-ref"))
        entry = doc.catalogue
        if entry.date and not is_real_date(entry.date):
            found.append(Diagnostic(path, doc.date_line, None, "error", SOURCE,
                                    f"the date {entry.date!r} names no real day, month or year",
                                    "date-not-real"))
        if doc.xml_id and doc.part != "division":
            other = owners.setdefault(doc.xml_id, doc)
            if other is not doc:
                found.append(Diagnostic(path, None, None, "warning", SOURCE,
                                        f"document id {doc.xml_id!r} is also that of "
                                        f"{other.path}", "duplicate-doc-id"))
    found += _roles(collection)
    found += _outliers(collection)
    found += _untitled(collection)
    return sorted(found, key=lambda d: (d.path, d.line or 0, d.column or 0, d.message))


def _roles(collection) -> list[Diagnostic]:
    letters = collection.roles_contradicted()
    if not letters:
        return []
    rule = collection.config.roles
    examples = ", ".join(f"{d.path}:{d.roles_line}" if d.roles_line else str(d.path)
                         for d in letters[:2])
    many = f"{len(letters):,} letters' titles name" if len(letters) > 1 else "1 letter's title names"
    if rule in ("auto", "as-encoded"):  # (auto changes no letter whose encoding agrees with itself)
        how = "their encoding in correspDesc"
        fix = ('if the titles are right, decide it in edition.toml: [correspondence] '
               'roles = "swapped" (every letter\'s encoding is reversed) or "from-title" '
               '(each such letter as its title says)')
    else:
        how = f'the roles as decided by edition.toml\'s [correspondence] roles = "{rule}"'
        fix = ('roles = "from-title" follows each title instead' if rule != "from-title"
               else "check these letters' titles and encoding")
    path = str(collection.config.path or collection.root)
    return [Diagnostic(path, None, None, "warning", SOURCE,
                       f"{many} sender and addressee the other way round from {how} "
                       f"(e.g. {examples}); {fix}", "roles-contradict-title")]


def _untitled(collection) -> list[Diagnostic]:
    """A collection titled by its folder's name: the volume's title page said "vol60"."""
    folder = Path(collection.root).name
    files = {str(d.path) for d in collection.documents}
    if len(files) < 2 or collection.config.title or collection.title != folder:
        return []  # (one file of many documents: left to its own header, see model.py)
    return [Diagnostic(str(collection.root), None, None, "warning", SOURCE,
                       f"the collection has no title of its own: its volume, text and site are "
                       f"titled by its folder's name ({folder!r}); give one in edition.toml "
                       f"(title = \"...\", with editors = [...]) or in a teiCorpus header",
                       "no-title")]


CENTURY = 100  # years: a gap this wide or wider parts a date from the body of the dates
_YEAR = re.compile(r"^-?(\d{4})")
_VALUES = re.compile(r"\s*-?\d{4}(?:-\d{2}){0,2}(?:\s*–\s*-?\d{4}(?:-\d{2}){0,2})?\s*")


def _outliers(collection) -> list[Diagnostic]:
    """Dates far outside the collection's: the body of its dates is the largest run of
    years with no gap over a century between them, holding most dated documents; a
    date more than a century before or after it is suspect when its own words do not
    give its year (a year the words give is the source's: a document quoted from
    centuries before). One warning per such year."""
    dated = sorted(((int(m.group(1)), doc) for doc in collection.ordered()
                    if (m := _YEAR.match(doc.catalogue.date_sort or "")) and int(m.group(1))),
                   key=lambda one: one[0])
    if not dated:
        return []
    runs, run = [], [dated[0]]
    for one in dated[1:]:
        if one[0] - run[-1][0] > CENTURY:
            runs.append(run)
            run = []
        run.append(one)
    runs.append(run)
    body = max(runs, key=len)
    if 2 * len(body) <= len(dated):
        return []  # no body of dates to stand apart from
    low, high = body[0][0], body[-1][0]
    by_year: dict[int, list] = {}
    for year, doc in dated:
        if not low <= year <= high and not _says_year(doc.catalogue, year):
            by_year.setdefault(year, []).append(doc)
    return [_outlier(collection, year, docs, low, high) for year, docs in by_year.items()]


def _words(entry) -> str:
    """The date's own words: "" for none (its text is then its value, repeated)."""
    text = entry.date_text or ""
    return "" if _VALUES.fullmatch(text) else text


def _says_year(entry, year: int) -> bool:
    """Whether the date's own words give its year (a date with no words of its own
    says nothing)."""
    return re.search(rf"(?<!\d)0*{year}(?!\d)", _words(entry)) is not None


def _outlier(collection, year: int, docs: list, low: int, high: int) -> Diagnostic:
    side = "before" if year < low else "after"
    span = f"{low}" if low == high else f"{low}–{high}"
    where = [(str(d.path), d.date_line) for d in docs]
    fix = (f"if {year} stands for an unknown year, declare it in edition.toml: [dates] "
           f"unknown_year = {year} (the catalogue then gives the day and month with the year "
           f"unknown, and lists {'it' if len(docs) == 1 else 'them'} with the undated); "
           f"else correct {'the date' if len(docs) == 1 else 'their dates'}")
    far = f"more than a century {side} the collection's other dates ({span})"
    if len(docs) == 1:
        entry = docs[0].catalogue
        words = _words(entry)
        said = f"its own words ({words!r}) do not" if words else "it has no words of its own to"
        return Diagnostic(where[0][0], where[0][1], None, "warning", SOURCE,
                          f"the date {entry.date or entry.date_sort!r} is {far}, and {said} "
                          f"give that year; {fix}", "date-outlier")
    examples = ", ".join((f"{p}:{line}" if line else p) + (f" {w!r}" if (w := _words(d.catalogue)) else "")
                         for (p, line), d in zip(where[:2], docs))
    path = str(collection.config.path or collection.root)
    return Diagnostic(path, None, None, "warning", SOURCE,
                      f"{len(docs):,} documents are dated in the year {year}, {far}, and their "
                      f"own words do not give that year (e.g. {examples}); {fix}",
                      "date-outlier")


def validate_declared(paths, *, tei_all: Path | None = None, engine: str = "auto"):
    """Validate documents against what they declare (``xml-model``), else against
    ``tei_all`` (only with jing: lxml takes minutes on it). Returns FileReports."""
    from tei_edition.validation import rng, validate
    from tei_edition.xml.parse import parse_file

    declared, undeclared = [], []
    for path in paths:
        tree = parse_file(path)
        has_model = any(getattr(pi, "target", None) == "xml-model"
                        for pi in tree.getroot().itersiblings(preceding=True))
        (declared if has_model else undeclared).append((str(path), tree))
    reports = []
    if declared:
        reports += validate.validate_trees(declared, engine=engine).files
    if undeclared and tei_all is not None and rng.jing_jar():
        reports += validate.validate_trees(undeclared, schema=tei_all, engine="jing").files
    return reports
