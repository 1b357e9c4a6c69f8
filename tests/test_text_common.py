"""Extensions of the common layer made for plain text (and shared by every format):
where a note goes, which division is a note unit, breaks inside words."""

from __future__ import annotations

import pytest
from lxml import etree

from conftest import FIXTURES
from tei_edition.publish import transform
from tei_edition.xml.parse import NS, parse_file

TE = "urn:x-tei-edition"
NOTES = FIXTURES / "text" / "notes.xml"


def te(name):
    return f"{{{TE}}}{name}"


@pytest.fixture(scope="module")
def normalised(normalise_probe):
    return etree.fromstring(transform.run(normalise_probe, parse_file(NOTES)).output.encode())


def test_apparatus_notes_are_blocks_without_numbers(normalised):
    notes = {"".join(n.itertext()).strip(): (n.get(te("place")), n.get(te("n")))
             for n in normalised.iterfind(".//tei:text//tei:note", NS)}
    assert notes["Source: Archive A."] == ("block", None)  # by type, even inside a head
    assert notes["Department B"] == ("block", None)
    assert notes["standing"] == ("block", None)  # stands among blocks, no @place
    assert notes["placed"][0] == "foot"  # an explicit @place keeps it a numbered note


def test_foot_notes_number_through_nested_units(normalised):
    numbers = [(("".join(n.itertext()).strip()), n.get(te("n")))
               for n in normalised.iterfind(".//tei:text//tei:note", NS) if n.get(te("n"))]
    # the entry inside document 1 does not restart the count; document 2 does
    assert numbers == [("one", "1"), ("two", "2"), ("three", "3"), ("placed", "4"),
                       ("again one", "1")]


def test_breaks_inside_words_are_marked(normalised):
    assert normalised.find(".//tei:lb", NS).get(te("join")) == "true"
    assert normalised.find(".//tei:pb", NS).get(te("join")) == "true"
