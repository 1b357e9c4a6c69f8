"""The collection model: discovery, classification, catalogue, register, resolution,
``edition.toml`` and the collection's integrity checks, on a small collection made up
for the tests (tests/fixtures/collection/: letters with correspDesc, separate register
files, ``#id``, ``file#id`` and ``@key`` links, a teiCorpus, a file of many documents,
a broken file and a file that is not TEI)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from conftest import DOSSIER, FIXTURES
from tei_edition import collection
from tei_edition.collection import config as configuration
from tei_edition.collection import model
from tei_edition.entities.resolve import TE_KEY, TE_REFS, TE_UNRESOLVED, resolve
from tei_edition.errors import UsageError
from tei_edition.xml.parse import NS

COLLECTION = FIXTURES / "collection"


@pytest.fixture(scope="module")
def fixture():
    return collection.load([COLLECTION])


def by_id(coll, ident):
    doc = coll.document(ident)
    assert doc is not None, f"no document {ident}"
    return doc


# -- discovery and classification ------------------------------------------------------

def test_registers_and_documents_are_told_apart(fixture):
    assert sorted(p.name for p in fixture.registers) == ["orgs.xml", "persons.xml", "places.xml"]
    assert sorted(d.id for d in fixture.documents) == sorted([
        "letters/diary-07", "letters/letter-01", "letters/letter-02", "letters/letter-03",
        "letters/letter-04", "letters/letter-08", "letters/note-05", "letters/note-06",
        "letters/note-09", "volumes/corpus/c1", "volumes/corpus/2", "volumes/frus/d1",
        "volumes/frus/d2", "volumes/frus/3"])
    assert not any(d.path.parent.name == "registers" for d in fixture.documents)


def test_a_broken_and_a_foreign_file_are_problems_not_crashes(fixture):
    located = {(Path(p.path).name, p.line, p.severity) for p in fixture.problems}
    assert ("broken.xml", 6, "error") in located
    assert ("notes.xml", 2, "warning") in located


def test_a_linked_folder_is_left_out_and_said_so(tmp_path):
    # not followed (it may lead outside the collection), but never silently: a registers
    # folder linked in would otherwise leave every name unresolved with no word why
    shutil.copytree(COLLECTION / "letters", tmp_path / "letters")
    (tmp_path / "registers").symlink_to(COLLECTION / "registers", target_is_directory=True)
    coll = collection.load([tmp_path])
    assert coll.registers == []
    said = [p for p in coll.problems if p.path == str(tmp_path / "registers")]
    assert [p.severity for p in said] == ["warning"]
    assert "symbolic link to a folder is not followed" in said[0].message


def test_a_teicorpus_is_a_collection_of_its_tei_children(fixture):
    first, second = by_id(fixture, "volumes/corpus/c1"), by_id(fixture, "volumes/corpus/2")
    assert (first.fragment, second.fragment) == ("c1", "2")
    assert first.catalogue.title == "Erstes Stück"
    tree = second.parse()
    assert tree.getroot().tag == "{http://www.tei-c.org/ns/1.0}TEI"
    assert tree.findtext(".//tei:title", namespaces=NS) == "Zweites Stück"


def test_the_corpus_header_describes_the_collection_where_edition_toml_is_silent(fixture):
    assert fixture.title == "Letters of the Fixture Family"  # edition.toml wins
    assert fixture.editors == ["Erika Editor"]
    assert fixture.introduction == "Two short pieces, gathered in one corpus file."


def test_without_edition_toml_the_corpus_header_gives_title_and_editors(tmp_path):
    shutil.copytree(COLLECTION, tmp_path / "c")
    (tmp_path / "c" / "edition.toml").unlink()
    coll = collection.load([tmp_path / "c"])
    assert (coll.title, coll.editors) == ("Fixture corpus", ["Corpus Editor"])
    assert coll.config.formats == ["html", "pdf", "text"]


def test_one_file_of_many_documents_is_titled_by_its_own_header(tmp_path):
    """The dossier, one file of an essay and translated documents, was titled "tei", its
    folder's name: its volume, text and site are now titled as its header titles it."""
    shutil.copy(DOSSIER, tmp_path / "dossier.xml")
    coll = collection.load([tmp_path])
    assert len(coll.documents) > 1 and all(d.catalogue.fragment for d in coll.documents)
    assert coll.title == ("New East German and Soviet Evidence on North Korean Support to South "
                          "Korean Political Parties and Labor Unions")
    # a folder of several files, each one document, keeps the folder's name
    shutil.copytree(COLLECTION / "letters", tmp_path / "letters", ignore=shutil.ignore_patterns("broken.xml"))
    assert collection.load([tmp_path / "letters"]).title == "letters"


def test_registers_from_an_unrelated_folder_leave_the_collection_where_its_documents_are(
        tmp_path, monkeypatch):
    """``build /tmp/x/real40 /work/…/letters/registers``: the folders' common path was the
    collection's root (``/``), its edition.toml beside the documents' folder was never
    read and the site was titled "Collection". The collection's own folder is the one
    above the documents' (where their pages are), as in ``build letters/ registers/``."""
    home = tmp_path / "a" / "x"
    shutil.copytree(COLLECTION / "letters", home / "real40", ignore=shutil.ignore_patterns("broken.xml"))
    shutil.copytree(COLLECTION / "registers", tmp_path / "b" / "elsewhere" / "registers")
    (home / "edition.toml").write_text('title = "Letters of the Fixture Family"\n'
                                       '[correspondence]\nroles = "swapped"\n', encoding="utf-8")
    bases = []
    real = model._pages_base
    monkeypatch.setattr(model, "_pages_base", lambda *a: bases.append(real(*a)) or bases[-1])
    coll = collection.load([home / "real40", tmp_path / "b" / "elsewhere" / "registers"])
    assert bases == [str(home)]  # worked out once, for its home and its pages' addresses
    assert coll.title == "Letters of the Fixture Family"
    assert Path(coll.root) == home and coll.config.path == home / "edition.toml"
    assert "real40/letter-01" in {d.id for d in coll.documents}  # the pages stay where they were
    assert coll.document("real40/letter-01").catalogue.roles  # its decision on roles is taken
    assert len(coll.registers) == 3


def test_a_file_of_many_documents_is_catalogued_per_document(fixture):
    d1, d2, third = (by_id(fixture, f"volumes/frus/{f}") for f in ("d1", "d2", "3"))
    assert [d.catalogue.title for d in (d1, d2, third)] == [
        "Memorandum from Hans Beispiel", "Telegram to Anna Muster", "Editorial note"]
    assert (d1.catalogue.date, d2.catalogue.date, third.catalogue.date) == ("1872-01-10", "1872-01-12", None)
    tree = d2.parse()
    divs = tree.getroot().findall(".//tei:body/tei:div", NS)
    assert [d.get("{http://www.w3.org/XML/1998/namespace}id") for d in divs] == ["d2"]
    assert tree.findtext("tei:teiHeader//tei:title", namespaces=NS) == "A volume of many documents"


# -- the catalogue -------------------------------------------------------------------------

def test_a_letters_catalogue_entry(fixture):
    entry = by_id(fixture, "letters/letter-01").catalogue.to_json()
    assert entry == {
        "id": "letters/letter-01", "source": "letters/letter-01.xml", "fragment": None,
        "kind": "letter", "title": "Anna Muster an Hans Beispiel, Altstadt, 15. März 1870",
        "date": "1870-03-15", "date_sort": "1870-03-15", "date_text": "15. März 1870",
        "date_words": "15 March 1870",
        "sender": [{"name": "Anna Muster", "key": "p1"}],
        "addressee": [{"name": "Hans Beispiel", "key": "p2"}],
        "place_sent": {"name": "Altstadt", "key": "pl1"},
        "place_received": {"name": "Neuburg", "key": "pl2"},
        "language": "de", "identifier": "FX-001",
        "prev": "letters/letter-08", "next": "letters/letter-02",
        "corresp_prev": None, "corresp_next": "letters/letter-03",
        "roles": "as-encoded", "roles_note": None,
    }


@pytest.mark.parametrize("ident, date, date_sort, date_text", [
    ("letters/letter-03", "1870-05", "1870-05", "Mai 1870"),  # month precision kept
    ("letters/letter-04", None, "1870-06-01", "Juni 1870"),  # a range: no date invented
    ("letters/note-05", "1871", "1871", "1871"),  # creation
    ("volumes/corpus/c1", "1869-12-24", "1869-12-24", "Heiligabend 1869"),  # docDate
    ("letters/note-06", "1871-02-03", "1871-02-03", "3. Februar 1871"),  # dateline
    ("letters/diary-07", "1872-07-01", "1872-07-01", "Tagebuch 1872-07-01"),  # the title
    ("letters/note-09", None, None, None),  # nothing anywhere
])
def test_dates_come_from_the_first_source_that_has_one(fixture, ident, date, date_sort, date_text):
    entry = by_id(fixture, ident).catalogue
    assert (entry.date, entry.date_sort, entry.date_text) == (date, date_sort, date_text)


@pytest.mark.parametrize("ident, words", [
    ("letters/letter-01", "15 March 1870"),
    ("letters/letter-03", "May 1870"),  # month precision kept, in the site's language
    ("letters/letter-04", "June 1870"),  # notBefore 1870-06-01, notAfter 1870-06-30
    ("letters/note-05", "1871"),
    ("volumes/corpus/c1", "24 December 1869"),
    ("letters/diary-07", "1 July 1872"),  # the title's ISO date
    ("letters/note-09", None),  # undated
])
def test_the_catalogue_prints_dates_in_the_sites_language(fixture, ident, words):
    """The site printed the source's German ("Mai 1870") beside English dates ("15
    March 1870"); the edition's own dates follow one rule (collection/dates.py)."""
    assert by_id(fixture, ident).catalogue.date_words == words


def test_chronological_neighbours_run_through_the_whole_collection(fixture):
    ordered = fixture.catalogue()
    assert [e.id for e in ordered][:3] == ["volumes/corpus/c1", "letters/letter-08", "letters/letter-01"]
    for before, after in zip(ordered, ordered[1:]):
        assert (before.next, after.prev) == (after.id, before.id)
    assert ordered[0].prev is None and ordered[-1].next is None
    undated = [e for e in ordered if e.date_sort is None]
    assert ordered[-len(undated):] == undated  # undated last


def test_correspondence_neighbours_prefer_correspcontext(fixture):
    one, two, three = (by_id(fixture, f"letters/letter-0{n}").catalogue for n in (1, 2, 3))
    # letter-01's correspContext says its next is letter-03 (not letter-02, the next by date)
    assert one.corresp_next == "letters/letter-03"
    assert three.corresp_prev == "letters/letter-01"
    # letter-02 has no correspContext: its neighbours between the same two correspondents
    assert (two.corresp_prev, two.corresp_next) == ("letters/letter-01", "letters/letter-03")
    assert by_id(fixture, "letters/note-05").catalogue.corresp_prev is None


def test_edition_toml_order_comes_first(tmp_path):
    shutil.copytree(COLLECTION, tmp_path / "c")
    with open(tmp_path / "c" / "edition.toml", "a", encoding="utf-8") as out:
        out.write('order = ["letters/note-09", "volumes/frus.xml", "letters/lost"]\n')
    coll = collection.load([tmp_path / "c"])
    ids = [e.id for e in coll.catalogue()]
    [unknown] = [p for p in coll.problems if p.rule == "order-unknown"]
    assert "'letters/lost'" in unknown.message and unknown.path.endswith("edition.toml")
    assert ids[:4] == ["letters/note-09", "volumes/frus/d1", "volumes/frus/d2", "volumes/frus/3"]
    assert ids[4] == "volumes/corpus/c1"  # then by date


# -- the register ----------------------------------------------------------------------

def test_registers_are_merged_with_collection_wide_keys(fixture):
    register = fixture.register
    assert sorted(register.keys()) == sorted([
        "p1", "p2", "p3", "registers/persons.xml#n1", "pl1", "pl2",
        "registers/places.xml#n1", "o1", "local1"])
    assert register.find("registers/places.xml#n1").kind == "place"
    assert register.find("n1") is None  # ambiguous: there are two


def test_an_id_defined_twice_names_both_places(fixture):
    [dup] = [p for p in fixture.problems if p.rule == "duplicate-id"]
    assert Path(dup.path).name == "places.xml" and dup.line == 11
    assert "registers/persons.xml:18" in dup.message


def test_the_key_attribute_is_detected(fixture):
    assert fixture.register.key_rules == {"person": "n", "place": "n"}
    three = by_id(fixture, "letters/letter-03")
    assert three.register_refs == ["p1", "p2", "pl1"]  # key="Muster Anna", key="Altstadt"


def test_key_rules_from_edition_toml_win(tmp_path):
    shutil.copytree(COLLECTION, tmp_path / "c")
    with open(tmp_path / "c" / "edition.toml", "a", encoding="utf-8") as out:
        out.write('[keys]\nperson = "xml:id"\n')
    coll = collection.load([tmp_path / "c"])
    assert coll.register.key_rules["person"] == "xml:id"
    unresolved = {m for _, m in coll.document("letters/letter-03").unresolved}
    assert "Muster Anna" in unresolved  # no person has that xml:id


def test_document_register_refs_cover_every_kind_of_link(fixture):
    one = by_id(fixture, "letters/letter-01")
    # #p1, file#id (../registers/places.xml#pl1 and #n1), key (Beispiel Hans, Neuburg), #o1
    assert one.register_refs == ["o1", "p1", "p2", "p3", "pl1", "pl2", "registers/places.xml#n1"]
    assert one.unresolved == [(21, "Niemand Bekannt")]
    assert by_id(fixture, "letters/note-09").register_refs == ["local1", "p1"]


def test_the_bundle_holds_only_entries_each_with_its_key(fixture):
    whole = fixture.register.bundle().getroot()
    assert whole.tag == "{urn:x-tei-edition}registers"
    assert sorted(el.get(TE_KEY) for el in whole) == sorted(fixture.register.keys())
    assert {etree.QName(el).localname for el in whole} == {"person", "place", "org"}
    some = fixture.register.bundle(["pl1", "registers/persons.xml#n1"]).getroot()
    assert [(etree.QName(el).localname, el.get(TE_KEY)) for el in some] == [
        ("place", "pl1"), ("person", "registers/persons.xml#n1")]


# -- one resolver ----------------------------------------------------------------------

def test_resolve_writes_the_decision_on_each_name(fixture):
    doc = by_id(fixture, "letters/letter-01")
    tree = doc.parse()
    used = resolve(tree, doc.path, fixture.register)
    names = {el.text.strip(): el for el in tree.iter("{*}persName", "{*}placeName", "{*}orgName")
             if el.text and el.getparent().tag.endswith("}p")}
    assert names["Seedorf"].get(TE_REFS) == "registers/places.xml#n1"
    assert names["Clara"].get(TE_REFS) == "p3"
    assert names["Nordbahn"].get(TE_REFS) == "o1"
    assert names["Jemand"].get(TE_UNRESOLVED) == "Niemand Bekannt"
    assert names["Jemand"].get(TE_REFS) is None
    assert used == set(doc.register_refs)


def test_places_n1_never_becomes_persons_n1_in_any_format(fixture, normalise_probe):
    """Issue 13, item 5: the stylesheets read the resolver's decision."""
    from tei_edition.publish import transform

    for ident, kind, label in (("letters/letter-01", "place", "Seedorf"),
                               ("letters/letter-02", "person", "Nora Eins")):
        doc = by_id(fixture, ident)
        tree = doc.parse()
        keys = resolve(tree, doc.path, fixture.register)
        out = transform.run(normalise_probe, tree, {"registers": fixture.register.bundle(keys)})
        root = etree.fromstring(out.output.encode())
        [name] = [el for el in root.iter() if (el.get("{urn:x-tei-edition}entity") or "").endswith("#n1")]
        assert (name.get("{urn:x-tei-edition}entity-type"), name.get("{urn:x-tei-edition}label")) == (kind, label)


def test_single_file_export_resolves_file_pointers_by_file(tmp_path):
    """Exported alone, a document's ``file.xml#id`` finds the entry in that file only:
    in the text, the site's registers and the PDF's index (issue 13, item 5)."""
    from tei_edition.publish.formats import text

    for name in ("persons.xml", "places.xml"):
        shutil.copy(COLLECTION / "registers" / name, tmp_path / name)
    doc = tmp_path / "doc.xml"
    doc.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>T</title>'
        '</titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p></sourceDesc>'
        '</fileDesc></teiHeader><text><body><p>In <placeName ref="places.xml#n1">S</placeName> '
        'with <persName ref="persons.xml#n1">N</persName>.</p></body></text></TEI>', encoding="utf-8")
    from tei_edition.xml.parse import parse_file

    written = text.render(parse_file(doc), doc, entities="inline").text
    assert "S [place: places.xml#n1]" in written and "N [person: persons.xml#n1]" in written
    from tei_edition.publish.formats import html

    site = html.render(parse_file(doc), doc).files
    assert "Seedorf" in site["places.html"] and "Nora Eins" in site["persons.html"]
    assert "Seedorf" not in site["persons.html"]
    from tei_edition.publish.formats import pdf

    index = pdf.typst_source(parse_file(doc), doc).typst.split("#te.index(", 1)[1]
    assert 'kind: "place", label: "Seedorf"' in index
    assert 'kind: "person", label: "Nora Eins"' in index  # unstructured: as written
    assert index.count('label: "Seedorf"') == 1


# -- edition.toml ------------------------------------------------------------------------

def test_edition_toml_is_read(fixture):
    config = fixture.config
    assert (config.title, config.editors, config.formats, config.base_url) == (
        "Letters of the Fixture Family", ["Erika Editor"], ["html", "text"],
        "https://example.org/fixture/")


@pytest.mark.parametrize("text, message", [
    ('titel = "x"\n', "unknown setting(s) titel"),
    ('formats = ["html", "docx"]\n', "unknown format(s) docx"),
    ('[keys]\nperson = 3\n', "keys: person = 3"),
    ('title = \n', "not a valid TOML file"),
    ('[dates]\nunknown_year = "1000"\n', "dates: unknown_year = '1000': expected a year"),
    ('[dates]\nunknown_years = 1000\n', "dates: unknown setting(s) unknown_years"),
    ('dates = 1000\n', "dates: expected a table"),
    ('[correspondence]\nrole = "auto"\n', "correspondence: unknown setting(s) role"),
])
def test_a_bad_edition_toml_is_one_located_error(tmp_path, text, message):
    (tmp_path / "edition.toml").write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        configuration.read(tmp_path)
    assert message in caught.value.message and caught.value.path.endswith("edition.toml")


# -- integrity ---------------------------------------------------------------------------

def test_check_reports_what_matters_across_the_collection(fixture):
    found = {(Path(d.path).name, d.line, d.rule) for d in collection.check(fixture)}
    assert found >= {
        ("letter-01.xml", 21, "unresolved-ref"),  # a key no register holds
        ("letter-04.xml", 18, "unresolved-ref"),  # #nowhere
        ("letter-08.xml", 11, "date-not-real"),  # 30 February
        ("places.xml", 11, "duplicate-id"),
        ("broken.xml", 6, None),
    }
    assert not any(d.rule == "unresolved-ref" and Path(d.path).name == "letter-02.xml"
                   for d in collection.check(fixture))


@pytest.mark.parametrize("iso, real", [("1870-02-28", True), ("1872-02-29", True),
                                       ("1870-02-29", False), ("1870-13", False),
                                       ("0000-00-00", False), ("1870", True), ("187", False)])
def test_real_dates(iso, real):
    from tei_edition.collection.catalogue import is_real_date

    assert is_real_date(iso) is real


def test_no_xml_files_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError):
        collection.load([tmp_path])


def test_entities_list_and_show_use_the_same_resolver(fixture):
    """``entities`` agrees with the collection: keys resolve by the detected rule, and
    ``places.xml#n1`` is the place."""
    from tei_edition.entities import mentions

    corpus = mentions.load([COLLECTION])
    rows = {(r.type, r.name): r for r in mentions.rows(corpus)}
    altstadt = rows[("place", "Altstadt")]
    assert any(d.endswith("letter-03.xml") for d in altstadt.documents)  # key="Altstadt"
    assert rows[("place", "Seedorf")].mentions == 1 and rows[("person", "Nora Eins")].mentions == 1
    shown = mentions.show([COLLECTION], "pl1")
    assert [(Path(m["document"]).name, m["text"]) for m in shown["mentions"]] == [
        ("letter-03.xml", "Altstadt")]


_GRAMMAR = """<grammar xmlns="http://relaxng.org/ns/structure/1.0"
  ns="http://www.tei-c.org/ns/1.0"><start><element name="TEI">
  <element name="text"><text/></element></element></start></grammar>"""


def _declared_collection(folder: Path) -> list[Path]:
    (folder / "mini.rng").write_text(_GRAMMAR, encoding="utf-8")
    model = '<?xml-model href="mini.rng" type="application/xml"?>\n'
    files = {"fits.xml": model + '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text>x</text></TEI>',
             "misfits.xml": model + '<TEI xmlns="http://www.tei-c.org/ns/1.0"><body/></TEI>',
             "silent.xml": '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text>x</text></TEI>'}
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in files]


def test_documents_are_validated_against_what_they_declare(tmp_path):
    from tei_edition.collection.check import validate_declared

    reports = {Path(r.path).name: r for r in validate_declared(_declared_collection(tmp_path))}
    assert set(reports) == {"fits.xml", "misfits.xml"}  # no tei_all given: nothing else
    assert reports["fits.xml"].valid and not reports["misfits.xml"].valid


@pytest.mark.slow
def test_undeclared_documents_fall_back_to_tei_all_with_jing(tmp_path):
    from conftest import TEI_ALL
    from tei_edition.collection.check import validate_declared
    from tei_edition.validation import rng

    if not (TEI_ALL.is_file() and rng.jing_jar()):
        pytest.skip("tei_all or jing is not available")
    reports = {Path(r.path).name: r for r in validate_declared(_declared_collection(tmp_path),
                                                               tei_all=TEI_ALL)}
    assert set(reports) == {"fits.xml", "misfits.xml", "silent.xml"}
    assert not reports["silent.xml"].valid  # a TEI without a header is not tei_all


def test_a_file_named_twice_is_read_once(fixture):
    again = collection.load([COLLECTION, COLLECTION / "letters" / "letter-01.xml"])
    assert sorted(d.id for d in again.documents) == sorted(d.id for d in fixture.documents)


def test_the_register_travels_to_a_worker_process(fixture):
    """Pickled (as a process pool sends it), the register decides the same."""
    import pickle

    copy = pickle.loads(pickle.dumps(fixture.register))
    assert copy.keys() == fixture.register.keys() and copy.key_rules == fixture.register.key_rules
    assert etree.tostring(copy.bundle()) == etree.tostring(fixture.register.bundle())
    doc = by_id(fixture, "letters/letter-01")
    assert resolve(doc.parse(), doc.path, copy) == set(doc.register_refs)
    assert pickle.loads(pickle.dumps(fixture)).document("letters/letter-03").register_refs == [
        "p1", "p2", "pl1"]


def test_the_index_lists_the_documents_naming_each_entry(fixture):
    index = fixture.index()
    assert index["registers/places.xml#n1"] == ["letters/letter-01"]
    assert index["p2"] == ["volumes/corpus/c1", "letters/letter-08", "letters/letter-01",
                           "letters/letter-02", "letters/letter-03", "volumes/frus/d1"]
    assert "pl2" in index and "nowhere" not in index


def test_a_documents_register_digest_changes_only_with_the_entries_it_names(tmp_path):
    shutil.copytree(COLLECTION, tmp_path / "c")
    before = collection.load([tmp_path / "c"])
    persons = tmp_path / "c" / "registers" / "persons.xml"
    text = persons.read_text(encoding="utf-8")
    persons.write_text(text.replace("Writes most of the letters.", "Writes many letters."),
                       encoding="utf-8")
    after = collection.load([tmp_path / "c"])
    for ident, changed in (("letters/letter-01", True), ("volumes/frus/d1", False)):
        keys = before.document(ident).register_refs
        assert (before.register.digest(keys) != after.register.digest(keys)) is changed


def test_copies_of_an_entry_in_each_letter_are_one_entity(tmp_path):
    """Editions that repeat the register entries in each letter's own list: the same
    id, kind and names are one entity, found from either letter, and no problem."""
    for name in ("a.xml", "b.xml"):
        (tmp_path / name).write_text(
            '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>'
            f'<title>{name}</title></titleStmt></fileDesc></teiHeader>'
            '<standOff><listPerson><person xml:id="pmb1"><persName>Arthur</persName></person>'
            '</listPerson></standOff><text><body><p><persName ref="#pmb1">A.</persName></p>'
            '</body></text></TEI>', encoding="utf-8")
    coll = collection.load([tmp_path])
    assert coll.register.keys() == ["pmb1"]
    assert [d for d in collection.check(coll) if d.rule != "no-title"] == []  # (untitled)
    assert [d.register_refs for d in coll.documents] == [["pmb1"], ["pmb1"]]
    import pickle

    assert pickle.loads(pickle.dumps(coll.register)).in_file("b.xml", "pmb1").path == "a.xml"


def test_a_transcription_without_text_is_a_document(tmp_path):
    (tmp_path / "genetic.xml").write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>G</title>'
        '</titleStmt></fileDesc></teiHeader><sourceDoc><surface><line>eins</line></surface>'
        '</sourceDoc></TEI>', encoding="utf-8")
    coll = collection.load([tmp_path])
    assert [d.id for d in coll.documents] == ["genetic"] and coll.registers == []


def test_a_catalogue_entry_as_json_is_its_fields_copied():
    from dataclasses import asdict

    from tei_edition.collection.catalogue import CatalogueEntry

    entry = CatalogueEntry("letters/a", "letters/a.xml", None, "letter", "A an B",
                           date="1850-01-02", sender=[{"name": "A", "key": "p1"}],
                           addressee=[{"name": "B", "key": None}],
                           place_sent={"name": "Zürich", "key": "z"})
    data = entry.to_json()
    assert data == asdict(entry)
    data["sender"][0]["name"] = "changed"
    data["place_sent"]["key"] = "changed"
    assert entry.sender == [{"name": "A", "key": "p1"}] and entry.place_sent["key"] == "z"


def test_resolve_decides_again_once_the_register_changes(tmp_path):
    """A worker keeps its decisions for the register as it is: an entry added, new key
    rules, or a ``#id`` read in another document decide anew."""
    from tei_edition.collection.registers import CollectionRegister
    from tei_edition.entities.register import Entry

    def names(*xml: str):
        tree = etree.ElementTree(etree.fromstring(
            f'<TEI xmlns="{NS["tei"]}"><text><body><p>{"".join(xml)}</p></body></text></TEI>'))
        return tree, list(tree.iter("{*}persName"))

    register = CollectionRegister(tmp_path)
    register.add(Entry("a", "person", ["Ada"], "", "letters/one.xml", 1))
    register.add(Entry("a", "person", ["Anna"], "", "letters/two.xml", 1))
    pointers = '<persName ref="#a">A</persName><persName ref="persons.xml#b">B</persName>' \
               '<persName key="Bea">B</persName>'
    tree, (local, by_file, by_key) = names(pointers)
    resolve(tree, tmp_path / "letters/one.xml", register)
    assert local.get(TE_REFS) == "letters/one.xml#a"
    assert by_file.get(TE_UNRESOLVED) == "persons.xml#b" and by_key.get(TE_UNRESOLVED) == "Bea"
    # (its namespace declared once, on the root: not again on each name Saxon is handed)
    assert etree.tostring(tree).count(b'"urn:x-tei-edition"') == 1 and tree.getroot().get(TE_REFS) is None
    tree, (local, _, _) = names(pointers)
    resolve(tree, tmp_path / "letters/two.xml", register)
    assert local.get(TE_REFS) == "letters/two.xml#a"
    register.add(Entry("b", "person", ["Bea"], "", "letters/persons.xml", 1, {"n": "Bea"}))
    tree, (_, by_file, by_key) = names(pointers)
    resolve(tree, tmp_path / "letters/one.xml", register)
    assert by_file.get(TE_REFS) == "b" and by_file.get(TE_UNRESOLVED) is None
    assert by_key.get(TE_UNRESOLVED) == "Bea"
    register.set_key_rules({"person": "n"})
    tree, (_, _, by_key) = names(pointers)
    assert resolve(tree, tmp_path / "letters/one.xml", register) == {"b", "letters/one.xml#a"}
    assert by_key.get(TE_REFS) == "b" and by_key.get(TE_UNRESOLVED) is None
