"""What a command prints is safe to print: no cell a spreadsheet runs as a formula, no
control or bidirectional character that drives or reorders the terminal, no line a file
name can forge. One enforcement point (``tei_edition.textsafe``), checked here through
the real commands."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess

import pytest

from hostile_gen import CLI, TRACEBACK, run_cli, tei
from tei_edition import textsafe

CSI = "\u009b"  # a C1 control: "Control Sequence Introducer" on its own
RLO = "\u202e"  # right-to-left override
ESC = "\x1b"
RAW = (CSI, RLO, ESC, "\u2066", "\u2028")

# Names that a spreadsheet would run (OWASP's list), and text that drives a terminal.
FORMULAS = {
    "p-eq": '=HYPERLINK("http://127.0.0.1/x","click")',
    "p-plus": "+cmd|' /C calc'!A0",
    "p-minus": "-2+3+cmd|' /C calc'!A0",
    "p-at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "p-tab": "&#9;=1+1",
    "p-cr": "&#13;=1+1",
}
CONTROLLED = {"p-csi": "Kim&#x9B;31mRed&#x9B;0m", "p-rlo": "Anna &#x202E;txt.exe&#x202C; Good"}


def _document() -> str:
    names = {**FORMULAS, **CONTROLLED}
    persons = "".join(f'<person xml:id="{key}"><persName>{name}</persName>'
                      f"<note>{name} described</note></person>" for key, name in names.items())
    body = "<p>" + " and ".join(f'<persName ref="#{key}">{name}</persName>'
                                for key, name in names.items()) + ".</p>"
    return tei(body, standoff=f"<standOff><listPerson>{persons}</listPerson></standOff>")


@pytest.fixture
def doc(tmp_path):
    path = tmp_path / "names.xml"
    path.write_text(_document(), encoding="utf-8")
    return path


def _no_raw(text: str, what: str) -> None:
    for char in RAW:
        assert char not in text, f"{what} printed U+{ord(char):04X} as it is"


# ---------------------------------------------------------------------- textsafe itself

def test_csv_cells_that_start_a_formula_get_a_quote():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert textsafe.csv_cell(f"{start}1+1").startswith("'")
    assert textsafe.csv_cell("Anna = Good") == "Anna = Good"
    assert textsafe.csv_cell(-3) == -3  # numbers are numbers


def test_json_escapes_are_lossless():
    data = {"name": f"a{CSI}b{RLO}c\u2028d\x00e\u00e9"}
    text = textsafe.to_json(data)
    _no_raw(text, "to_json")
    assert "\u00e9" in text  # ordinary text stays as it is
    assert json.loads(text) == data


def test_one_line_values_cannot_break_the_line():
    shown = textsafe.for_line("a.xml\nFORGED: ok\u2028x\r")
    assert "\n" not in shown and "\r" not in shown and "\u2028" not in shown
    assert textsafe.for_terminal("a\tb\nc") == "a\tb\nc"
    assert textsafe.for_terminal(f"{CSI}{RLO}") == "\\x9b\\u202e"


# ---------------------------------------------------------------------- the commands

def test_entities_csv_neutralises_formulas_and_controls(doc, tmp_path):
    ran = run_cli(["entities", "list", str(doc), "--format", "csv"])
    assert ran.code == 0, str(ran)
    _no_raw(ran.stdout, "entities list --format csv")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(ran.stdout))}
    for key in FORMULAS:
        for column in ("name", "description"):
            assert rows[key][column].startswith("'"), (key, column, rows[key][column])
    assert rows["p-csi"]["name"] == "Kim\\x9b31mRed\\x9b0m"
    out = tmp_path / "pairs.csv"
    ran = run_cli(["entities", "cooccur", str(doc), "--format", "csv", "-o", str(out)])
    assert ran.code == 0, str(ran)
    written = out.read_text(encoding="utf-8")
    _no_raw(written, "entities cooccur --format csv")
    for row in csv.reader(io.StringIO(written)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row


def test_entities_tables_and_show_make_controls_visible(doc):
    ran = run_cli(["entities", "list", str(doc)])
    assert ran.code == 0, str(ran)
    _no_raw(ran.stdout, "entities list")
    assert "\\u202e" in ran.stdout and "\\x9b" in ran.stdout
    ran = run_cli(["entities", "show", "p-rlo", str(doc)])
    assert ran.code == 0, str(ran)
    _no_raw(ran.stdout, "entities show")
    assert "\\u202e" in ran.stdout


def _rules(folder):
    rules = folder / "rules.sch"
    rules.write_text('<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">'
                     '<ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/><pattern>'
                     '<rule context="tei:persName"><report test="true()"><value-of select="."/>'
                     "</report></rule></pattern></schema>", encoding="utf-8")
    return rules


@pytest.mark.parametrize("argv", [["entities", "list", "{doc}", "--format", "json"],
                                  ["entities", "show", "p-csi", "{doc}", "--format", "json"],
                                  ["query", "//tei:p/string()", "{doc}", "--format", "json"],
                                  ["validate", "{doc}", "--format", "json",
                                   "--schematron", "{rules}"]],
                         ids=["list", "show", "query", "validate"])
def test_json_carries_controls_as_escapes(argv, doc, tmp_path):
    rules = _rules(tmp_path)
    ran = run_cli([a.format(doc=doc, rules=rules) for a in argv])
    assert TRACEBACK not in ran.stderr and ran.code in (0, 1), str(ran)
    _no_raw(ran.stdout, " ".join(argv[:2]))
    assert CSI in json.dumps(json.loads(ran.stdout), ensure_ascii=False), "the data is all there"


def _on_a_terminal(argv: list[str], codes: tuple[int, ...] = (0,)) -> str:
    """Run the command with a pseudo-terminal as its standard output."""
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen([str(CLI), *argv], stdout=follower, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the other side closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=120)
        assert proc.returncode in codes, proc.stderr.read()
    finally:
        os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_export_text_to_a_terminal_shows_controls_and_to_a_pipe_keeps_them(doc):
    shown = _on_a_terminal(["export", "text", str(doc), "-o", "-"])
    _no_raw(shown, "export text -o - on a terminal")
    assert "\\x9b" in shown and "\\u202e" in shown and "Anna" in shown
    piped = run_cli(["export", "text", str(doc), "-o", "-"])
    assert piped.code == 0 and CSI in piped.stdout, "a pipe gets the text as it is"


@pytest.mark.parametrize("argv", [["entities", "cooccur", "{doc}", "--format", "graphml"],
                                  ["validate", "{doc}", "--format", "svrl", "--schematron", "{rules}"],
                                  ["query", "//tei:persName", "{doc}", "--format", "xml"]],
                         ids=["graphml", "svrl", "query-xml"])
def test_xml_reports_on_a_terminal_show_controls(argv, doc, tmp_path):
    shown = _on_a_terminal([a.format(doc=doc, rules=_rules(tmp_path)) for a in argv], codes=(0, 1))
    _no_raw(shown, " ".join(argv[:2]))
    assert "\\x9b" in shown or "&#x9b;" in shown.lower(), "the character is shown, not dropped"


def test_a_newline_in_a_file_name_cannot_forge_a_line(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    name = "letter.xml\nFORGED: all documents valid\n.xml"
    (folder / name).write_text(tei("<p>Text.</p>"), encoding="utf-8")
    for argv in (["build", str(folder), "-o", str(tmp_path / "out"), "--only", "text", "--no-validate"],
                 ["validate", str(folder)], ["query", "count(//tei:p)", str(folder), str(folder)],
                 ["entities", "check", str(folder)]):
        ran = run_cli(argv)
        assert TRACEBACK not in ran.stderr, str(ran)
        lines = (ran.stdout + ran.stderr).splitlines()
        assert not any(line.startswith(("FORGED", ".xml")) for line in lines), str(ran)
        assert any("FORGED" in line for line in lines) or argv[0] in ("validate", "entities"), str(ran)
