"""The shared XSLT layer: the policy pre-pass every format renders from."""

from __future__ import annotations

import pytest
from lxml import etree

from conftest import FIXTURES
from tei_edition.entities.resolve import resolve
from tei_edition.publish import transform
from tei_edition.publish.run import document_register
from tei_edition.publish.anchors import anchor
from tei_edition.xml.parse import NS, parse_file

TE = "urn:x-tei-edition"
POLICY = FIXTURES / "common" / "policy.xml"
APPARATUS = FIXTURES / "text" / "apparatus.xml"


@pytest.fixture(scope="module")
def probe(normalise_probe):
    return normalise_probe


def normalised(probe, source, reading="normalised"):
    """The pre-pass as every format runs it: names resolved first (entities.resolve)."""
    tree = parse_file(source)
    register = document_register(tree, source)
    resolve(tree, source, register)
    result = transform.run(probe, tree, {"reading": reading, "registers": register.bundle()})
    return etree.fromstring(result.output.encode()), result.warnings


def te(name):
    return f"{{{TE}}}{name}"


@pytest.mark.parametrize("reading, shown, alt", [("normalised", "corr", "polices"),
                                                 ("diplomatic", "sic", "policies")])
def test_choice_shows_one_reading_and_records_the_other(probe, reading, shown, alt):
    root, _ = normalised(probe, POLICY, reading)
    choice = root.find(".//tei:choice", NS)
    assert [etree.QName(c).localname for c in choice] == [shown]
    assert choice.get(te("alt")) == alt


def test_notes_are_numbered_within_their_document(probe):
    root, _ = normalised(probe, POLICY)
    numbers = [n.get(te("n")) for n in root.iterfind(".//tei:text//tei:note", NS)]
    assert numbers == ["1", "2", "1"]


def test_entity_names_resolve_and_dangling_refs_are_marked(probe):
    root, _ = normalised(probe, POLICY)
    good, bad = root.iterfind(".//tei:text//tei:persName", NS)
    assert (good.get(te("entity")), good.get(te("entity-type")), good.get(te("label"))) == \
        ("p1", "person", "A. M. Puzanov")
    assert bad.get(te("unresolved")) == "#nope other.xml#p1"


def test_editorial_signs_and_unknown_elements(probe):
    root, warnings = normalised(probe, POLICY)
    supplied = root.find(".//tei:supplied", NS)
    assert (supplied.get(te("open")), supplied.get(te("close")), supplied.get(te("why"))) == ("[", "]", "x")
    foo = root.find(".//tei:foo", NS)
    assert foo.get(te("kind")) == "unknown-inline" and foo.text == "kept"
    assert warnings == ["TE-COVERAGE foo 1 3"]


def test_xslt_anchors_equal_python_anchors(probe):
    source = parse_file(POLICY)
    root, _ = normalised(probe, POLICY)
    from_xslt = [el.get(te("anchor")) for el in root.iter() if el.get(te("anchor"))]
    assert from_xslt, "the fixture has citable blocks"
    expected = [anchor(el) for el in source.getroot().iter()
                if isinstance(el.tag, str) and el.getparent() is not None
                and etree.QName(el).localname in {"p", "head", "note", "div"}
                and el.xpath("ancestor::tei:text", namespaces=NS)]
    assert from_xslt == expected


def test_apparatus_letters_and_entries_are_decided_once(probe):
    root, _ = normalised(probe, APPARATUS)
    entries = [(a.get(te("apparatus")), a.get(te("apparatus-entry")))
               for a in root.iterfind(".//tei:text//*", NS) if a.get(te("apparatus-entry"))]
    # counted where each ends (a nested app first), restarting per unit; inside a foot
    # note an entry has no letter (a footnote carries no notes); a choice's other
    # reading is a textual note too
    assert entries == [
        ("a", "lemmaone] readingone (B); readingtwo (C)"),
        ("c", "outer innerlem words] om. C"),
        ("b", "innerlem] innerrdg (B)"),
        (None, "notelem] noterdg (B)"),
        ("d", "∅] addedrdg (B)"),
        ("e", "firstrdg] secondrdg (B) — B: Detailword"),
        ("f", "Corrword] source reads: Sicword"),
        ("a", "againlem] againrdg (B) [Note: Rdgnote]"),
        ("b", "linklem] linkrdg (B)"),
    ]
    # an app without rejected readings gets no letter
    assert root.find(".//tei:app[tei:lem='onlylem']", NS).get(te("apparatus")) is None
    # a note inside a reading not shown is in the entry, not numbered in the text
    numbers = [n.get(te("n")) for n in root.iterfind(".//tei:text//tei:note", NS)]
    assert numbers == ["1", "1"]
