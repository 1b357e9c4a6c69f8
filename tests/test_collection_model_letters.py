"""The collection model on a real correspondence edition (../shared/corpus/letters/:
letters whose names link to registers/people.xml and places.xml by ``@key`` = ``@n``,
with ``correspContext`` neighbours numbered ``B7380`` for the letter ``K_7380``)."""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import FRESH_PYTHON, LETTERS, letter_sample, needs_shared
from tei_edition import collection
from tei_edition.collection import catalogue as cat
from tei_edition.entities.resolve import TE_REFS, resolve

pytestmark = needs_shared(LETTERS)

WELTI = ["K_7378_Welti_Emil_an_Escher_1876-02-26", "K_7379_AE_an_Welti_Emil_1876-02-28",
         "K_7380_AE_an_Welti_Emil_1876-03-03"]


@pytest.fixture(scope="module")
def sample():
    files = sorted(set(letter_sample(400)) | {LETTERS / "letters" / f"{n}.xml" for n in WELTI})
    return collection.load([*files, LETTERS / "registers"])


def test_registers_are_found_and_never_documents(sample):
    assert sorted(p.name for p in sample.registers) == ["people.xml", "places.xml"]
    assert all(d.path.parent.name == "letters" for d in sample.documents)
    assert all(d.catalogue.kind == "letter" and d.catalogue.title for d in sample.documents)


def test_keys_link_to_the_registers_n_attribute_without_configuration(sample):
    assert sample.register.key_rules == {"person": "n", "place": "n"}
    assert len(sample.register) > 3000
    resolved = sum(len(d.register_refs) for d in sample.documents)
    unresolved = sum(len(d.unresolved) for d in sample.documents)
    assert resolved > 4 * unresolved  # most keys are in the registers


def test_a_real_letters_catalogue_entry(sample):
    entry = sample.document(f"letters/{WELTI[1]}").catalogue
    assert (entry.date, entry.date_text, entry.identifier) == (
        "1876-02-28", "28. Februar 1876", "VGB_GB_SBBGB02_045")
    # As its title says ("Alfred Escher an Emil Welti"): the encoding contradicts itself
    # (Escher typed addressee inside the sending action), see below.
    assert entry.sender == [{"name": "Alfred Escher", "key": "Escher-_vom-Glas-Alfred"}]
    assert entry.addressee == [{"name": "Emil Welti", "key": "Welti-Emil"}]
    assert (entry.place_sent["name"], entry.place_received["name"]) == ("Zürich", "Bern")
    # correspContext: previous-in-corresp B7378, next-in-corresp B7380
    assert (entry.corresp_prev, entry.corresp_next) == (f"letters/{WELTI[0]}", f"letters/{WELTI[2]}")


def test_resolve_marks_key_links_in_a_real_letter(sample):
    doc = sample.document(f"letters/{WELTI[1]}")
    tree = doc.parse()
    used = resolve(tree, doc.path, sample.register)
    welti = [el for el in tree.iter("{*}persName") if el.get("key") == "Welti Emil"]
    assert welti and all(el.get(TE_REFS) == "Welti-Emil" for el in welti)
    bundle = sample.register.bundle(used).getroot()
    assert {el.get("n") for el in bundle} >= {"Welti Emil"}


_WHOLE = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 ** 2, 1536 * 1024 ** 2))
from tei_edition import collection
from tei_edition.collection import catalogue as cat
started = time.process_time()
coll = collection.load([sys.argv[1]])
catalogue = coll.catalogue()
print(json.dumps({
    "documents": len(coll.documents), "registers": [p.name for p in coll.registers],
    "in_registers": sum(d.path.parent.name == "registers" for d in coll.documents),
    "catalogued": len(catalogue), "cpu": time.process_time() - started,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


@pytest.mark.slow
def test_the_whole_edition_loads_in_bounded_memory():
    """All 4,816 letters and both registers, under a 1.5 GB address-space limit (the
    trees are dropped; what stays is the catalogue and the register)."""
    done = subprocess.run([*FRESH_PYTHON, "-c", _WHOLE, str(LETTERS)], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout)
    assert figures["documents"] == figures["catalogued"] == 4816
    assert figures["registers"] == ["people.xml", "places.xml"] and figures["in_registers"] == 0
    assert figures["peak_mb"] < 400, figures


def test_a_letter_exported_with_the_collections_register_links_its_names(sample):
    """A format run inside ``collection_register`` resolves keys against the
    collection: the HTML links the places named by key to the places page."""
    from tei_edition.publish.formats import html
    from tei_edition.publish.run import collection_register

    doc = sample.document(f"letters/{WELTI[1]}")
    alone = html.render(doc.parse(), doc.path).files["index.html"]
    with collection_register(sample.register):
        site = html.render(doc.parse(), doc.path).files
    assert 'id="Bern_Stadt"' not in alone
    assert 'href="places.html#Bern_Stadt"' in site["index.html"]
    assert 'id="Bern_Stadt"' in site["places.html"]


HEER = LETTERS / "letters" / "K_1625_Heer_Oswald_an_Escher_1857-05-31.xml"


@needs_shared(HEER)
def test_roles_against_the_titles_one_warning_and_the_setting_turns_the_table_right():
    """The edition's correspDesc types Heer the addressee of "Oswald Heer an Alfred
    Escher", inside the sending action: as encoded, reported once for the collection;
    roles = "swapped", and the default (the encoding contradicts itself, the title
    decides), make Heer the sender."""
    files = sorted(set(letter_sample(100)) | {HEER})
    coll = collection.load([*files, LETTERS / "registers"], config=collection.Config(roles="as-encoded"))
    contradicted = coll.roles_contradicted()
    assert HEER in [d.path for d in contradicted]
    warnings = [d for d in collection.check(coll) if d.rule == "roles-contradict-title"]
    assert len(warnings) == 1
    assert warnings[0].message.startswith(f"{len(contradicted)} letters' titles name sender")
    assert len(contradicted) > len(coll.documents) // 2  # the edition does it throughout
    heer = coll.document(f"letters/{HEER.stem}").catalogue
    assert heer.sender[0]["name"] == "Alfred Escher" and heer.roles == "as-encoded"

    for rule in ("swapped", None):
        decided = collection.load([*files, LETTERS / "registers"],
                                  config=collection.Config(roles=rule) if rule else None)
        heer = decided.document(f"letters/{HEER.stem}").catalogue
        assert heer.sender == [{"name": "Oswald Heer", "key": "Heer-Oswald"}]
        assert heer.addressee == [{"name": "Alfred Escher", "key": "Escher-_vom-Glas-Alfred"}]
        assert heer.roles == (rule or "auto") and heer.roles_note
        assert not [d for d in collection.check(decided) if d.rule == "roles-contradict-title"]


@needs_shared(LETTERS / "letters" / "K_0005_Bianchetti_Felice_an_Escher_1880-03-00.xml")
def test_by_default_every_real_letter_agrees_with_its_title():
    """"Felice Bianchetti an Alfred Escher" was catalogued from Escher to Bianchetti, and
    so were all the letters of this sample (all 4,816 of the edition: 4,816 before, 0
    after): the edition types each writer "addressee" inside the sending action."""
    bianchetti = LETTERS / "letters" / "K_0005_Bianchetti_Felice_an_Escher_1880-03-00.xml"
    files = sorted(set(letter_sample(100)) | {bianchetti})
    coll = collection.load([*files, LETTERS / "registers"])
    entry = coll.document(f"letters/{bianchetti.stem}").catalogue
    assert entry.sender == [{"name": "Felice Bianchetti", "key": "Bianchetti-Felice"}]
    assert entry.addressee == [{"name": "Alfred Escher", "key": "Escher-_vom-Glas-Alfred"}]
    assert coll.roles_contradicted() == []
    assert all(cat.title_roles(e.title, [p["name"] for p in e.sender],
                               [p["name"] for p in e.addressee])[0] == "agrees"
               for e in coll.catalogue())


PLACEHOLDERS = ["K_0083_Stocker_Johann_Gustav_an_Escher_0000-04-05",
                "K_0091_Unbekannt_an_Escher_0000-10-26",
                "K_5513_Behn-Eschenburg_Hermann_an_Escher_0000-08-19"]


@needs_shared(LETTERS / "letters" / f"{PLACEHOLDERS[0]}.xml")
def test_the_editions_placeholder_year_is_one_warning_and_can_be_declared():
    """Three letters are dated 1000-..., the edition's placeholder for an unknown year
    ("05. April"): listed first, as "5 April 1000", until the editors declare it."""
    files = sorted(set(letter_sample(100)) | {LETTERS / "letters" / f"{n}.xml" for n in PLACEHOLDERS})
    coll = collection.load([*files, LETTERS / "registers"])
    [warning] = [d for d in collection.check(coll) if d.rule == "date-outlier"]
    assert warning.message.startswith("3 documents are dated in the year 1000, more than a "
                                      "century before the collection's other dates (18")
    assert coll.ordered()[0].catalogue.date_words == "5 April 1000"

    declared = collection.load([*files, LETTERS / "registers"],
                               config=collection.Config(unknown_years=[1000]))
    assert not [d for d in collection.check(declared) if d.rule == "date-outlier"]
    entries = declared.catalogue()
    unknown = [e for e in entries if e.source.removeprefix("letters/").removesuffix(".xml")
               in PLACEHOLDERS]
    assert [(e.date, e.date_words) for e in unknown] == [
        (None, "5 April, year unknown"), (None, "26 October, year unknown"),
        (None, "19 August, year unknown")]
    last_dated = max(i for i, e in enumerate(entries) if e.date_sort)
    assert all(entries.index(e) > last_dated for e in unknown)  # with the undated
