"""``entities list`` and ``entities show`` over the fixtures in tests/fixtures/entities/."""

import json
import shutil

import pytest
from lxml import etree

from conftest import FIXTURES
from tei_edition.publish import anchors
from tei_edition.entities import mentions as entities
from tei_edition.xml.parse import NS, parse_file

HERE = FIXTURES / "entities"
DOSSIER = HERE / "dossier" / "dossier.xml"
REGISTER = HERE / "dossier" / "register.xml"
CORPUS = HERE / "corpus"


def _rows(*paths, **options):
    return {r.id: r for r in entities.rows(entities.load([str(p) for p in paths]), **options)}


# What a reader counts by hand in dossier.xml (header and standOff names are not mentions).
EXPECTED_MENTIONS = {
    "puzanov": 4,  # two heads, <roleName> + <surname>, Cyrillic <surname>
    "kimilsung": 4,  # incl. the rs pointing to two entries
    "khrushchev": 3,  # incl. the rs and the name inside <choice>
    "mao": 3,  # incl. lem and rdg of the apparatus
    "pyongyang": 3,  # note, dateline, Cyrillic
    "sed": 2,  # incl. the copy list
    "jperson": 1,  # byline; the header's author is not a mention
    "schaefer": 1,  # register.xml#schaefer
    "schneidewind": 1,  # signature
    "kimchaek": 1, "kwp": 1, "moscow": 1,
    "seoul": 1,  # the persName pointing to a place (the authority-only ref does not count)
    "ulbricht": 0,
}


@pytest.mark.parametrize("ident, count", sorted(EXPECTED_MENTIONS.items()))
def test_counts_are_tagged_names_pointing_to_the_entry(ident, count):
    assert _rows(DOSSIER)[ident].mentions == count


def test_counts_agree_with_an_independent_xpath_count():
    """The same counts as lxml XPath gets them, one expression per entry (slow, simple)."""
    tree = parse_file(DOSSIER)
    rows = _rows(DOSSIER)
    for ident, row in rows.items():
        if ident == "schaefer":
            continue  # pointed to as register.xml#schaefer
        xpath = ("count(//tei:text//*[self::tei:persName or self::tei:placeName or self::tei:orgName"
                 " or self::tei:rs][contains(concat(' ', @ref, ' '), ' #%s ')])" % ident)
        assert row.mentions == int(tree.xpath(xpath, namespaces=NS)), ident


def test_register_entry_fields():
    row = _rows(DOSSIER)["puzanov"]
    assert (row.type, row.name) == ("person", "Aleksandr Puzanov")
    assert row.names == ["Aleksandr Puzanov", "Puzanov", "Пузанов"]
    assert row.description.startswith("Soviet ambassador")
    assert row.documents == [str(DOSSIER)]
    assert row.register == str(DOSSIER)


def test_multi_uri_ref_counts_for_each_and_is_reported_as_shared():
    rows = _rows(DOSSIER)
    assert rows["khrushchev"].shared == rows["kimilsung"].shared == 1
    assert rows["mao"].shared == 0


def test_register_file_beside_the_document_is_read_but_is_not_a_document():
    row = _rows(DOSSIER)["schaefer"]
    assert row.register == str(REGISTER) and row.names == ["Bernd Schaefer", "Bernd Schäfer"]
    corpus = entities.load([str(DOSSIER)])
    assert corpus.documents == [str(DOSSIER)]


def test_register_file_outside_the_named_paths_is_not_read(tmp_path):
    doc = HERE / "outside" / "doc.xml"
    corpus = entities.load([str(doc)])
    assert len(corpus.register) == 0
    [mention] = corpus.mentions
    assert mention.missing == ["../dossier/register.xml#schaefer"]
    assert "not among the PATHs" in next(iter(corpus.refused.values()))
    # Named as a folder, the register is inside the PATHs and is read.
    corpus = entities.load([str(HERE)])
    assert any(m.targets for m in corpus.mentions if m.document == str(doc))


def test_a_folder_is_one_corpus_with_a_shared_register():
    rows = _rows(CORPUS)
    assert rows["p1"].mentions == 3 and rows["p2"].mentions == 2
    assert rows["p1"].documents == [str(CORPUS / "a.xml"), str(CORPUS / "b.xml")]
    assert rows["p1"].register == str(CORPUS / "persons.xml")


def test_type_filter_and_sorting():
    by_mentions = entities.rows(entities.load([str(DOSSIER)]), kind="place", sort="mentions")
    assert {r.type for r in by_mentions} == {"place"}
    counts = [r.mentions for r in by_mentions]
    assert counts == sorted(counts, reverse=True)
    by_name = entities.rows(entities.load([str(DOSSIER)]), sort="name")
    names = [r.name.casefold() for r in by_name]
    assert names == sorted(names)


def test_label_takes_name_parts_and_one_reading_of_choice():
    labels = {m.label for m in entities.load([str(DOSSIER)]).mentions}
    assert "Ambassador Puzanov" in labels  # <roleName> + <surname>
    assert "Chruschtschow" in labels and not any("Chrustschow" in label for label in labels)


def test_list_cli_formats(run):
    table = run("entities", "list", str(DOSSIER), "--sort", "mentions")
    assert table.exit_code == 0
    lines = table.output.splitlines()
    assert lines[0].split()[:4] == ["id", "type", "name", "mentions"]
    assert lines[2].split()[0] in ("puzanov", "kimilsung")
    assert "*" in table.output  # shared mentions are marked and explained
    data = json.loads(run("entities", "list", str(DOSSIER), "--format", "json").output)
    assert {"id", "type", "name", "mentions", "documents"} <= set(data[0])
    assert {d["id"]: d["mentions"] for d in data} == EXPECTED_MENTIONS
    csv_out = run("entities", "list", str(DOSSIER), "--format", "csv", "--type", "org").output
    assert csv_out.splitlines()[0] == "id,type,name,description,mentions,shared_mentions,documents"
    assert len(csv_out.splitlines()) == 3


def test_output_is_deterministic(run):
    first = run("entities", "list", str(HERE), "--format", "json").output
    assert first == run("entities", "list", str(HERE), "--format", "json").output


# -- show ------------------------------------------------------------------------------

def test_show_gives_every_mention_in_text_order_with_the_html_anchor():
    record = entities.show([str(DOSSIER)], "puzanov", words=3)
    assert (record["id"], record["type"], record["name"]) == ("puzanov", "person", "Aleksandr Puzanov")
    lines = [m["line"] for m in record["mentions"]]
    assert lines == sorted(lines) and len(lines) == 4
    tree = parse_file(DOSSIER)
    expected = [anchors.anchor(anchors.block_of(el)) for el in
                tree.xpath("//tei:text//tei:persName[@ref='#puzanov']", namespaces=NS)]
    assert [m["locator"] for m in record["mentions"]] == expected
    first = record["mentions"][0]
    assert first["section"].startswith("document 1: Note about a Conversation")
    assert first["text"] == "Puzanov"


def test_show_context_is_n_words_either_side():
    record = entities.show([str(DOSSIER)], "khrushchev", words=3)
    m = record["mentions"][0]
    assert m["context"] == m["before"] + m["text"] + m["after"]
    assert m["before"] == "Kim informed Comrade "
    assert m["after"] == "."
    assert len(m["before"].split()) == 3
    inside_choice = record["mentions"][2]
    assert inside_choice["context"] == "record spells it Chruschtschow; the reading"


def test_show_finds_an_entry_by_any_folded_name_form():
    assert entities.show([str(DOSSIER)], "Хрущев")["id"] == "khrushchev"
    assert entities.show([str(DOSSIER)], "CHRUSCHTSCHOW")["id"] == "khrushchev"
    assert entities.show([str(DOSSIER)], "#pyongyang")["id"] == "pyongyang"


def test_show_reports_shared_refs_and_dangling_ids():
    record = entities.show([str(DOSSIER)], "kimilsung")
    shared = [m for m in record["mentions"] if m["shared_with"]]
    assert [m["shared_with"] for m in shared] == [["khrushchev"]]
    dangling = entities.show([str(DOSSIER)], "nobody")
    assert dangling["name"] is None and [m["text"] for m in dangling["mentions"]] == ["Ivanov"]


def test_show_cli(run):
    result = run("entities", "show", "puzanov", str(DOSSIER), "--context", "2")
    assert result.exit_code == 0
    assert "\x1b[" not in result.output  # no colour when stdout is not a terminal
    assert "4 mentions" in result.output and "div1.head1" in result.output
    data = json.loads(run("entities", "show", "puzanov", str(DOSSIER), "--format", "json").output)
    assert {"id", "type", "name", "mentions"} <= set(data)
    assert {"document", "locator", "context", "text"} <= set(data["mentions"][0])
    missing = run("entities", "show", "nosuchperson", str(DOSSIER))
    assert missing.exit_code == 2 and "no register entry" in missing.stderr


def test_show_cli_neutralises_control_characters(run, tmp_path):
    doc = tmp_path / "evil.xml"
    doc.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><standOff><listPerson>'
                   '<person xml:id="x"><persName>X&#x9b;31m</persName></person></listPerson></standOff>'
                   '<text><body><p>See <persName ref="#x">X&#x9b;31m</persName>.</p></body></text></TEI>',
                   encoding="utf-8")
    result = run("entities", "show", "x", str(doc))
    assert result.exit_code == 0 and "\x9b" not in result.output and "\\x9b" in result.output


def test_unreadable_input_exits_2(run, tmp_path):
    assert run("entities", "list", str(tmp_path / "missing.xml")).exit_code == 2
    broken = tmp_path / "broken.xml"
    broken.write_text("<TEI><text>", encoding="utf-8")
    result = run("entities", "list", str(broken))
    assert result.exit_code == 1 and result.stderr.startswith(f"{broken}:")


def test_copied_folder_with_register_beside(tmp_path):
    """A document named alone reads its neighbour register, found relative to itself."""
    shutil.copytree(HERE / "dossier", tmp_path / "d")
    rows = _rows(tmp_path / "d" / "dossier.xml")
    assert rows["schaefer"].mentions == 1
    assert rows["schaefer"].register == str(tmp_path / "d" / "register.xml")


def test_parse_check_of_fixture():
    """The fixtures are well-formed TEI (a guard against editing mistakes)."""
    for path in HERE.rglob("*.xml"):
        assert etree.QName(parse_file(path).getroot()).localname == "TEI"
