"""``entities check``: one fixture line per rule, positions checked against the source."""

import json

import pytest

from conftest import FIXTURES
from tei_edition.entities.check import check

HERE = FIXTURES / "entities"
DOSSIER = HERE / "dossier" / "dossier.xml"
SOURCE_LINES = DOSSIER.read_text(encoding="utf-8").split("\n")


def _findings(*paths):
    return [d for _, ds in check([str(p) for p in paths]) for d in ds]


def _by_rule(rule, *paths):
    return [d for d in _findings(*(paths or (DOSSIER,))) if d.rule == rule]


def _position_of(needle: str, after: str = "") -> tuple[int, int]:
    """Line and column (1-based) of ``needle`` in the fixture, after ``after`` on its line."""
    for number, line in enumerate(SOURCE_LINES, 1):
        start = line.find(after) if after else 0
        if start >= 0 and line.find(needle, start) >= 0:
            return number, line.find(needle, start) + 1
    raise AssertionError(f"{needle!r} not in the fixture")


def test_untagged_mentions_are_found_at_their_exact_place():
    found = {(d.line, d.column): d.message for d in _by_rule("untagged")}
    told = _position_of("Puzanov", after="Comrade Puzanov told")
    assert told in found and '"Puzanov" is not tagged' in found[told]
    after_amp = _position_of("Puzanov", after="&amp; ")
    assert after_amp in found  # the column counts the source, entity reference included
    cyrillic = _position_of("Хрущев")  # Хрущёв in the register, without ё in the text
    assert "#khrushchev" in found[cyrillic]
    hangul = _position_of("김일성", after="(")
    assert "#kimilsung" in found[hangul]


def test_untagged_search_skips_names_header_acronyms_in_lowercase():
    messages = [d.message for d in _by_rule("untagged")]
    assert len(messages) == 4
    assert not any('"sed"' in m.lower() and "SED" not in m for m in messages)  # "sed contra"
    assert not any("Mao" in m or "Seoul" in m for m in messages)  # tagged, or in an authority ref


def test_missing_entry_and_wrong_type_are_errors_at_the_element():
    [missing] = _by_rule("missing-entry")
    assert missing.severity == "error" and "#nobody" in missing.message
    assert (missing.line, missing.column) == _position_of('<persName ref="#nobody"')
    [wrong] = _by_rule("wrong-type")
    assert wrong.severity == "error" and "a place" in wrong.message
    assert (wrong.line, wrong.column) == _position_of('<persName ref="#seoul"')


def test_unused_entry_points_at_the_register():
    [unused] = _by_rule("unused-entry")
    assert "#ulbricht" in unused.message
    assert unused.line == _position_of('xml:id="ulbricht"')[0]


def test_same_surface_form_for_different_entries_is_a_warning():
    [ambiguous] = _by_rule("ambiguous-form")
    assert ambiguous.severity == "warning"
    assert "#kimchaek" in ambiguous.message and "#kimilsung" in ambiguous.message


def test_unlinked_name():
    [unlinked] = _by_rule("unlinked")
    assert "Ivan Petrov" in unlinked.message


def test_register_outside_the_paths_is_reported_as_not_read():
    [missing] = _by_rule("missing-entry", HERE / "outside" / "doc.xml")
    assert "register file not read" in missing.message


def test_clean_corpus_passes(run, tmp_path):
    doc = tmp_path / "clean.xml"
    doc.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><standOff><listPerson>'
                   '<person xml:id="a"><persName>Anna</persName></person></listPerson></standOff>'
                   '<text><body><p><persName ref="#a">Anna</persName> wrote.</p></body></text></TEI>',
                   encoding="utf-8")
    assert _findings(doc) == []
    assert run("entities", "check", str(doc)).exit_code == 0


def test_duplicate_ids_across_registers(tmp_path):
    for name in ("one.xml", "two.xml"):
        (tmp_path / name).write_text(
            '<TEI xmlns="http://www.tei-c.org/ns/1.0"><standOff><listPerson><person xml:id="a">'
            f'<persName>A of {name}</persName></person></listPerson></standOff>'
            '<text><body><p><persName ref="#a">A</persName></p></body></text></TEI>',
            encoding="utf-8")
    [dup] = _by_rule("duplicate-id", tmp_path)
    assert dup.path == str(tmp_path / "two.xml")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_check_cli_exits_1_and_reports(run, fmt):
    result = run("entities", "check", str(DOSSIER), "--format", fmt)
    assert result.exit_code == 1
    if fmt == "json":
        data = json.loads(result.output)
        diagnostics = data["files"][0]["diagnostics"]
        assert data["valid"] is False and {d["rule"] for d in diagnostics} >= {
            "untagged", "missing-entry", "wrong-type", "unused-entry", "ambiguous-form"}
    else:
        line, column = _position_of("Puzanov", after="Comrade Puzanov told")
        assert f"{DOSSIER}:{line}:{column}: warning: \"Puzanov\" is not tagged" in result.output
        assert "error(s)" in result.stderr


def test_a_form_that_starts_a_longer_name_is_not_an_untagged_mention(tmp_path):
    """"North" (a register form of North Korea) inside "North Korean" is an adjective;
    "the North" standing alone is a mention that should have been tagged."""
    path = tmp_path / "north.xml"
    path.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>
  <titleStmt><title>t</title></titleStmt><publicationStmt><p>p</p></publicationStmt>
  <sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader>
  <text><body><p>The <placeName ref="#nk">DPRK</placeName> said so.</p>
  <p>North Korean leaders met, and then the North agreed.</p></body></text>
  <standOff><listPlace><place xml:id="nk"><placeName>DPRK</placeName>
  <placeName>North</placeName></place></listPlace></standOff></TEI>""", encoding="utf-8")
    hits = [(d.line, d.column) for d in _by_rule("untagged", path)]
    [(line, text)] = [(n, t) for n, t in enumerate(path.read_text("utf-8").split("\n"), 1)
                      if "North agreed" in t]
    assert hits == [(line, text.index("North agreed") + 1)]
