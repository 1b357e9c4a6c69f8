"""Sender and addressee against the letter's title ("A an B"): the contradiction is
found, reported once for the collection, and resolved only by an explicit editorial
decision in edition.toml (``[correspondence] roles``), which each changed catalogue
entry records. On a small collection generated here (made-up people, no real letters)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from tei_edition import collection
from tei_edition.collection import catalogue as cat
from tei_edition.collection import config as configuration
from tei_edition.errors import UsageError

PERSONS = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>Personen</title>
</titleStmt><publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc>
</teiHeader><text><body><listPerson>
<person xml:id="anna"><persName>Anna Muster</persName></person>
<person xml:id="hans"><persName>Hans Beispiel</persName></person>
<person xml:id="eva"><persName>Eva Probe</persName></person>
</listPerson></body></text></TEI>
"""

LETTER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>{title}</title></titleStmt><publicationStmt><p/></publicationStmt>
<sourceDesc><p/></sourceDesc></fileDesc><profileDesc><correspDesc>
<correspAction type="sent">{names}<date when="{date}"/></correspAction>
</correspDesc></profileDesc></teiHeader><text><body><p>Text.</p></body></text></TEI>
"""


def person(role: str, who: str, name: str) -> str:
    return f'<persName type="{role}" ref="#{who}">{name}</persName>'


# (file, title, encoded names): the first three are encoded the other way round from
# their titles, as the letter edition that prompted this does it throughout.
LETTERS = [
    ("a1.xml", "Anna Muster an Hans Beispiel, Altstadt, 1. März 1870",
     person("addressee", "anna", "Anna Muster") + person("sender", "hans", "Hans Beispiel")),
    ("a2.xml", "Hans Beispiel an Anna Muster, Neuburg, 2. März 1870",
     person("addressee", "hans", "Hans Beispiel") + person("sender", "anna", "Anna Muster")),
    ("a3.xml", "Anna Muster und Eva Probe to Hans Beispiel, 3 March 1870",
     person("addressee", "anna", "Anna Muster") + person("addressee", "eva", "Eva Probe")
     + person("sender", "hans", "Hans Beispiel")),
    # A title that agrees with the encoding.
    ("b1.xml", "Eva Probe à Anna Muster, Paris, 4 mars 1870",
     person("sender", "eva", "Eva Probe") + person("addressee", "anna", "Anna Muster")),
    # A title that names nobody encoded, and one with no "A an B" at all.
    ("c1.xml", "Ein Fremder an Hans Beispiel, 5. März 1870",
     person("sender", "anna", "Anna Muster")),
    ("c2.xml", "Brief vom 6. März 1870",
     person("sender", "hans", "Hans Beispiel") + person("addressee", "anna", "Anna Muster")),
]
REVERSED = ["a1.xml", "a2.xml", "a3.xml"]


def make(root: Path, roles: str | None = None) -> Path:
    (root / "letters").mkdir(parents=True)
    (root / "persons.xml").write_text(PERSONS, encoding="utf-8")
    for day, (name, title, names) in enumerate(LETTERS, start=1):
        (root / "letters" / name).write_text(
            LETTER.format(title=title, names=names, date=f"1870-03-0{day}"), encoding="utf-8")
    if roles:
        (root / "edition.toml").write_text(f'[correspondence]\nroles = "{roles}"\n', encoding="utf-8")
    return root


def entry(coll, name: str):
    return coll.document(f"letters/{name.removesuffix('.xml')}").catalogue


def people(found: list[dict]) -> list[tuple[str, str | None]]:
    return [(p["name"], p["key"]) for p in found]


def test_as_encoded_keeps_the_encoding_and_the_contradiction_is_one_warning(tmp_path):
    coll = collection.load([make(tmp_path / "c", "as-encoded")])
    assert coll.config.roles == "as-encoded"
    assert people(entry(coll, "a1.xml").sender) == [("Hans Beispiel", "hans")]  # never changed
    assert all(e.roles == "as-encoded" and e.roles_note is None for e in coll.catalogue())
    assert sorted(d.path.name for d in coll.roles_contradicted()) == REVERSED
    assert coll.document("letters/a1").roles_contradiction == (
        "the title names Anna Muster as sender and Hans Beispiel as addressee; the "
        "catalogue's roles (as encoded) are the other way round")
    warnings = [d for d in collection.check(coll) if d.rule == "roles-contradict-title"]
    assert len(warnings) == 1
    [warning] = warnings
    assert warning.severity == "warning" and warning.line is None
    assert warning.message.startswith("3 letters' titles name sender and addressee the other "
                                      "way round from their encoding")
    first, second = coll.roles_contradicted()[:2]
    assert f"{first.path}:{first.roles_line}" in warning.message
    assert f"{second.path}:{second.roles_line}" in warning.message
    lines = first.path.read_text(encoding="utf-8").splitlines()
    assert "<persName" in lines[first.roles_line - 1]  # the line of its first encoded name
    assert '[correspondence] roles = "swapped"' in warning.message
    assert '"from-title"' in warning.message


# A letter whose encoding agrees with itself (an untyped name in the sending action is
# its sender) but not with its title.
CONSISTENT = ("d1.xml", "Eva Probe an Hans Beispiel, 7. März 1870",
              '<persName ref="#hans">Hans Beispiel</persName>')


def test_by_default_the_title_decides_only_where_the_encoding_contradicts_itself(tmp_path):
    """The real letter edition types the writer "addressee" inside the sending action
    (and the addressee "sender") in every letter: the encoding contradicts itself, and
    the title, which names them the other way round, decides."""
    root = make(tmp_path / "c")
    name, title, names = CONSISTENT
    (root / "letters" / name).write_text(LETTER.format(title=title, names=names, date="1870-03-07"),
                                         encoding="utf-8")
    coll = collection.load([root])
    assert coll.config.roles == "auto"
    one = entry(coll, "a1.xml")
    assert people(one.sender) == [("Anna Muster", "anna")]  # as its title, keys kept
    assert people(one.addressee) == [("Hans Beispiel", "hans")]
    assert (one.roles, one.roles_note) == ("auto", configuration_note("auto"))
    three = entry(coll, "a3.xml")
    assert people(three.sender) == [("Anna Muster", "anna"), ("Eva Probe", "eva")]
    assert people(three.addressee) == [("Hans Beispiel", "hans")]
    # agreeing; naming nobody encoded; contradicting itself with a title that tells no
    # roles (c2); agreeing with itself against its title (d1): all as encoded
    for name in ("b1.xml", "c1.xml", "c2.xml", "d1.xml"):
        assert (entry(coll, name).roles, entry(coll, name).roles_note) == ("as-encoded", None)
    assert people(entry(coll, "d1.xml").sender) == [("Hans Beispiel", "hans")]
    assert [d.path.name for d in coll.roles_contradicted()] == ["d1.xml"]
    [warning] = [d for d in collection.check(coll) if d.rule == "roles-contradict-title"]
    assert warning.message.startswith("1 letter's title names sender and addressee the other "
                                      "way round from their encoding")
    # a load from the records decides the same (the conflict is part of what is recorded)
    again = collection.load([root], cache=json.loads(json.dumps(coll.records)))
    assert [e.to_json() for e in again.catalogue()] == [e.to_json() for e in coll.catalogue()]


def test_the_site_says_the_default_decision_once_for_the_collection_and_per_letter(tmp_path):
    """The home page said one letter's note ("as the letter's title names them") for the
    whole collection: the collection's own words were overwritten by a second "auto"."""
    from tei_edition.publish.build import build
    XHTML = {"h": "http://www.w3.org/1999/xhtml"}
    root = make(tmp_path / "c")
    assert build([root], tmp_path / "out", jobs=0, only=["html"]).exit_code == 0
    html = tmp_path / "out" / "html"
    home = etree.parse(str(html / "index.html"))
    said = home.xpath("string(//h:p[@class='roles-note'])", namespaces=XHTML)
    assert said.startswith("Where the source's description of a letter contradicts itself"), said
    letter = etree.parse(str(next((html / "letters").glob("a1*.html"))))
    assert letter.xpath("string(//h:p[@class='roles-note'])", namespaces=XHTML) == configuration_note("auto")


@pytest.mark.parametrize("actions, conflict", [
    ('<correspAction type="sent"><persName type="addressee">A</persName>'
     '<persName type="sender">B</persName></correspAction>', True),
    ('<correspAction type="received"><persName type="sender">A</persName></correspAction>', True),
    ('<correspAction type="sent"><persName type="sender">A</persName></correspAction>'
     '<correspAction type="received"><persName type="addressee">B</persName></correspAction>', False),
    ('<correspAction type="sent"><persName>A</persName></correspAction>'
     '<correspAction type="received"><persName>B</persName></correspAction>', False),
    ('<correspAction><persName type="sender">A</persName>'
     '<persName type="addressee">B</persName></correspAction>', False),
])
def test_a_name_typed_against_its_action_is_a_conflict(actions, conflict):
    header = etree.fromstring(
        f'<teiHeader xmlns="http://www.tei-c.org/ns/1.0"><fileDesc><titleStmt><title>T</title>'
        f'</titleStmt></fileDesc><profileDesc><correspDesc>{actions}</correspDesc></profileDesc>'
        f'</teiHeader>')
    found = cat.read(etree.Element("TEI"), header, id="x", source="x.xml", fragment=None)
    assert found.roles_conflict is conflict


def test_swapped_turns_every_letter_and_says_so(tmp_path):
    coll = collection.load([make(tmp_path / "c", "swapped")])
    one = entry(coll, "a1.xml")
    assert people(one.sender) == [("Anna Muster", "anna")]
    assert people(one.addressee) == [("Hans Beispiel", "hans")]
    assert (one.roles, one.roles_note) == ("swapped", configuration_note("swapped"))
    three = entry(coll, "a3.xml")
    assert people(three.sender) == [("Anna Muster", "anna"), ("Eva Probe", "eva")]
    # b1 agreed with its title: swapped, the title now contradicts it, and check says so.
    agreed = entry(coll, "b1.xml")
    assert people(agreed.sender) == [("Anna Muster", "anna")] and agreed.roles == "swapped"
    assert [d.path.name for d in coll.roles_contradicted()] == ["b1.xml"]
    [warning] = [d for d in collection.check(coll) if d.rule == "roles-contradict-title"]
    assert warning.message.startswith("1 letter's title names")
    assert 'roles = "swapped"' in warning.message and '"from-title"' in warning.message
    assert warning.path == str(tmp_path / "c" / "edition.toml")


def test_from_title_changes_only_the_contradicted_letters(tmp_path):
    coll = collection.load([make(tmp_path / "c", "from-title")])
    assert coll.roles_contradicted() == []
    assert not [d for d in collection.check(coll) if d.rule == "roles-contradict-title"]
    for name in REVERSED:
        e = entry(coll, name)
        assert (e.roles, e.roles_note) == ("from-title", configuration_note("from-title"))
    assert people(entry(coll, "a2.xml").sender) == [("Hans Beispiel", "hans")]
    assert people(entry(coll, "a3.xml").sender) == [("Anna Muster", "anna"), ("Eva Probe", "eva")]
    assert people(entry(coll, "a3.xml").addressee) == [("Hans Beispiel", "hans")]
    for name in ("b1.xml", "c1.xml", "c2.xml"):  # agreeing, or the title cannot tell
        e = entry(coll, name)
        assert (e.roles, e.roles_note) == ("as-encoded", None)
    assert people(entry(coll, "c1.xml").sender) == [("Anna Muster", "anna")]


def configuration_note(rule: str) -> str:
    from tei_edition.collection.model import ROLES_NOTES
    note = ROLES_NOTES[rule]
    assert "correspDesc" not in note and "@" not in note and "<" not in note  # no jargon
    return note


@pytest.mark.parametrize("title, senders, addressees, stand", [
    ("Anna an Hans, Ort", ["Anna"], ["Hans"], "agrees"),
    ("Anna an Hans, Ort", ["Hans"], ["Anna"], "reversed"),
    ("Anna an Hans, Ort", ["Hans"], [], "reversed"),  # one side encoded
    ("anna  AN hans", ["HANS"], ["Anna"], "reversed"),  # case and spacing aside
    ("Zoë an Jürg", ["Jurg"], ["Zoe"], "reversed"),  # folded as names are: accents aside
    ("Ch’oe an Kim Il-sung", ["Kim Il Sung"], ["Ch'oe"], "reversed"),  # apostrophes, hyphens
    ("Johann an der Heiden an Hans", ["Hans"], ["Johann an der Heiden"], "reversed"),
    ("Socin und Wick an Hans, Basel", ["Hans"], ["Socin und Wick"], "reversed"),
    ("Hans an Wurster, Randegger und Compagnie, Ort", ["Wurster, Randegger und Compagnie"],
     ["Hans"], "reversed"),
    ("Anna an Anna, Ort", ["Anna"], ["Anna"], None),  # the title cannot tell
    ("Anna an Hans", ["Eva"], ["Hans"], None),  # names someone not encoded
    ("Anna schreibt Hans", ["Hans"], ["Anna"], None),  # no connecting word
    ("Anna an Hans", [], [], None),
])
def test_title_roles(title, senders, addressees, stand):
    assert cat.title_roles(title, senders, addressees)[0] == stand


def test_title_roles_names_each_side():
    assert cat.title_roles("Hans an Socin und Wick, Basel", ["Socin und Wick"], ["Hans"]) == (
        "reversed", (["Hans"], ["Socin und Wick"]))
    assert cat.title_roles("Anna und Eva an Hans, Ort", ["Hans"], ["Anna"]) == (
        "reversed", (["Anna", "Eva"], ["Hans"]))


@pytest.mark.parametrize("text, message", [
    ('[correspondence]\nroles = "reversed"\n', "correspondence: roles = 'reversed': expected one of"),
    ('[correspondence]\nrole = "swapped"\n', "correspondence: unknown setting(s) role"),
    ('correspondence = "swapped"\n', "correspondence: expected a table"),
])
def test_a_bad_roles_setting_is_one_located_error(tmp_path, text, message):
    path = tmp_path / "edition.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        configuration.read(tmp_path)
    assert message in caught.value.message and caught.value.path == str(path)
