"""The collection checks a reader of its volume prompted, on a small collection
generated here (made-up letters). Dates far outside the collection's: a year that
stands for "unknown" (one real letter edition dates "05. April" as 1000-04-05) is
found by ``check`` (``date-outlier``), and declared a placeholder by the editors in
edition.toml (``[dates] unknown_year``): the catalogue then gives the day and month
with the year unknown and lists the document with the undated. A collection with no
title of its own is told so (``no-title``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tei_edition import collection
from tei_edition.collection import config as configuration
from tei_edition.collection import dates
from tei_edition.publish.site import printed_date, year_of

LETTER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>{title}</title></titleStmt><publicationStmt><p/></publicationStmt>
<sourceDesc><p/></sourceDesc></fileDesc><profileDesc><correspDesc>
<correspAction type="sent"><persName>Anna Muster</persName>
<date when="{when}">{words}</date></correspAction>
</correspDesc></profileDesc></teiHeader><text><body><p>Text.</p></body></text></TEI>
"""

# (file, @when, the date's own words)
BODY = [(f"b{n}.xml", f"187{n}-03-0{n + 1}", f"{n + 1}. März 187{n}") for n in range(5)]
PLACEHOLDERS = [("p1.xml", "1000-04-05", "05. April"), ("p2.xml", "1000-08-19", "19. August")]


def make(root: Path, letters, toml: str | None = None) -> Path:
    (root / "letters").mkdir(parents=True)
    for name, when, words in letters:
        (root / "letters" / name).write_text(
            LETTER.format(title=f"Anna Muster an Hans Beispiel, {words}", when=when, words=words),
            encoding="utf-8")
    if toml:
        (root / "edition.toml").write_text(toml, encoding="utf-8")
    return root


def outliers(coll):
    return [d for d in collection.check(coll) if d.rule == "date-outlier"]


def test_placeholder_years_are_one_warning_with_examples_and_the_setting(tmp_path):
    coll = collection.load([make(tmp_path, BODY + PLACEHOLDERS)])
    found = outliers(coll)
    assert len(found) == 1 and found[0].severity == "warning"
    message = found[0].message
    assert message.startswith("2 documents are dated in the year 1000, more than a century "
                              "before the collection's other dates (1870–1874)")
    assert "p1.xml:6 '05. April'" in message and "p2.xml:6 '19. August'" in message
    assert "[dates] unknown_year = 1000" in message


def test_one_placeholder_is_located_at_its_date(tmp_path):
    coll = collection.load([make(tmp_path, BODY + PLACEHOLDERS[:1])])
    [found] = outliers(coll)
    assert (Path(found.path).name, found.line) == ("p1.xml", 6)
    assert "the date '1000-04-05' is more than a century before" in found.message


def test_a_placeholder_with_no_words_of_its_own_is_found_too(tmp_path):
    coll = collection.load([make(tmp_path, BODY + [("p1.xml", "1000-04-05", "")])])
    [found] = outliers(coll)
    assert "and it has no words of its own to give that year" in found.message


@pytest.mark.parametrize("extra", [
    [("old.xml", "1291-08-01", "1. August 1291")],  # the words give the year: the source's
    [("p1.xml", "1869-04-05", "05. April")],  # within the body of the dates
])
def test_no_warning_for_a_year_the_words_give_or_within_the_body(tmp_path, extra):
    assert outliers(collection.load([make(tmp_path, BODY + extra)])) == []


def test_no_warning_without_a_body_of_dates(tmp_path):
    # two dates centuries apart: neither is "the rest of the collection"
    letters = [("a.xml", "1500-01-02", "2. Januar"), ("b.xml", "1900-01-02", "2. Januar")]
    assert outliers(collection.load([make(tmp_path, letters)])) == []


def test_a_declared_unknown_year_is_the_day_and_month_listed_with_the_undated(tmp_path):
    root = make(tmp_path, BODY + PLACEHOLDERS, "[dates]\nunknown_year = 1000\n")
    coll = collection.load([root])
    assert coll.config.unknown_years == [1000]
    entry = coll.document("letters/p1").catalogue
    assert (entry.date, entry.date_sort, entry.date_text) == (None, None, "05. April")
    assert printed_date(entry) == entry.date_words == "5 April, year unknown"
    assert year_of(entry) is None  # no year 1000 on a correspondent's page
    assert [d.id for d in coll.ordered()][-2:] == ["letters/p1", "letters/p2"]
    assert coll.document("letters/b0").catalogue.prev is None  # no longer before 1870
    assert outliers(coll) == []
    # the other letters as before
    assert coll.document("letters/b0").catalogue.date_words == "1 March 1870"


@pytest.mark.parametrize("value, words, printed", [
    ("1000-04-05", "05. April", "5 April, year unknown"),
    ("1000-04", "April", "April, year unknown"),
    ("1000", "", "undated"),
    (None, None, "undated"),
])
def test_a_date_with_its_year_unknown_in_words(value, words, printed):
    assert dates.year_unknown(value, words) == printed


def test_several_unknown_years(tmp_path):
    (tmp_path / "edition.toml").write_text("[dates]\nunknown_year = [1111, 1000, 1000]\n",
                                           encoding="utf-8")
    assert configuration.read(tmp_path).unknown_years == [1000, 1111]


def test_the_setting_holds_for_a_collection_loaded_from_its_records(tmp_path):
    """A rebuild reads unchanged files from the last load's records: the setting
    applies to them, and is undone when it is taken away (the records keep the
    source's date)."""
    root = make(tmp_path, BODY + PLACEHOLDERS)
    records = collection.load([root]).records
    (root / "edition.toml").write_text("[dates]\nunknown_year = 1000\n", encoding="utf-8")
    declared = collection.load([root], cache=records)
    assert declared.document("letters/p1").catalogue.date is None
    (root / "edition.toml").unlink()
    again = collection.load([root], cache=declared.records)
    assert again.document("letters/p1").catalogue.date_words == "5 April 1000"


def test_a_collection_titled_by_its_folder_is_told_so(tmp_path):
    """The volume of 60 real letters had the title page "vol60": its folder's name."""
    def untitled(coll):
        return [d for d in collection.check(coll) if d.rule == "no-title"]
    [found] = untitled(collection.load([make(tmp_path / "vol60", BODY)]))
    assert "titled by its folder's name ('vol60')" in found.message
    assert "edition.toml" in found.message
    assert untitled(collection.load([make(tmp_path / "titled", BODY, 'title = "Briefe"\n')])) == []
