"""Dates the edition prints itself: one rule (collection/dates.py, by policy.xml's
<dates>), which the catalogue, the site and the volume's imprint all take."""

from __future__ import annotations

import pytest

from tei_edition.collection import dates

# (the date's attributes, the source's words) -> as the edition prints it
CASES = [
    (dict(when="1843-04-09"), "[09. April 1843]", "9 April 1843"),
    (dict(when="1850-04-27"), "", "27 April 1850"),
    (dict(when="1850-03"), "März 1850", "March 1850"),
    (dict(when="1850"), "1850", "1850"),
    # the real letters fill out a month or a year to its first day: the words decide
    (dict(when="1878-05-01"), "[Mai? 1878?]", "May 1878?"),
    (dict(when="1845-01-01"), "[1845]", "1845"),
    (dict(when="1871-12-01"), "[Dezember 1871]", "December 1871"),
    (dict(when="1842-02-07"), "07. [Februar] 1842", "7 February 1842"),
    (dict(when="1844-10-05"), "05. [Oktober? 1844?]", "5 October 1844?"),
    (dict(when="1841-06-03"), "03.06.1841", "3 June 1841"),
    (dict(when="1841-06-01"), "Sonntag", "1 June 1841"),  # words without a year
    (dict(when="1869-12-24"), "Heiligabend 1869", "24 December 1869"),  # not filled out
    (dict(when="1870-01-01"), "Neujahr 1870", "1870"),  # filled out, or so it seems
    (dict(when="1870-01-01"), "1. Januar 1870", "1 January 1870"),
    (dict(when="1870-03-01"), "[März 1870]", "March 1870"),
    (dict(when="1849-07-01T10:00"), "", "1 July 1849"),
    (dict(from_="1841-06-03", to="1841-06-05"), "", "3 June 1841 – 5 June 1841"),
    (dict(not_before="1850-03", not_after="1850-04"), "", "between March 1850 and April 1850"),
    (dict(not_before="1850"), "", "not before 1850"),
    (dict(not_before="1870-06-01", not_after="1870-06-30"), "Juni 1870", "June 1870"),  # a whole month
    (dict(not_before="1868-02-01", not_after="1868-02-29"), "", "February 1868"),
    (dict(from_="1870-01-01", to="1870-12-31"), "", "1870"),
    (dict(not_before="1870-06", not_after="1870-06"), "", "June 1870"),
    (dict(not_after="1850-12-31"), "", "not after 31 December 1850"),
    (dict(when="0000-00-00"), "s.d.", None),
    (dict(when="1850-13-01"), "", None),
    (dict(when="not a date"), "", None),
]


@pytest.mark.parametrize("attributes, source_words, printed", CASES)
def test_the_edition_prints_dates_by_the_rule(attributes, source_words, printed):
    assert dates.of(**attributes, source_words=source_words) == printed


def test_an_untitled_documents_catalogue_line_prints_its_date_by_the_rule():
    """The volume's and the text file's headings of a document without a title are
    made from its metadata: its date as the edition prints it, not the source's words."""
    from tei_edition.collection import CatalogueEntry
    from tei_edition.publish.site import catalogue_line

    entry = CatalogueEntry("l1", "l1.xml", None, "letter", title="", date="1850-03", date_sort="1850-03",
                           date_text="März 1850", sender=[{"name": "Anna Muster", "key": None}],
                           addressee=[{"name": "Hans Beispiel", "key": None}])
    assert catalogue_line(entry, 3) == "3. Anna Muster to Hans Beispiel, March 1850"
    entry.date = entry.date_sort = entry.date_text = None
    assert catalogue_line(entry) == "Anna Muster to Hans Beispiel, undated"


def test_a_word_names_its_month_by_the_rule_s_table():
    # the site's names and how a month's name begins in the sources' languages
    # (policy.xml's month/@source), the one table the register pages read titles by
    assert [dates.month(w) for w in ("December", "märz", "Jänner", "août", "Martii", "maggio", "Mai")] \
        == [12, 3, 1, 8, 3, 5, 5]
    assert [dates.month(w) for w in ("Maier", "Zürich", "1843", "")] == [None] * 4
