"""Hostile input, command by command (issue 9): malformed XML, encodings, entity
attacks, external entities and DTDs, deep nesting, size, compressed input, batches.

Every test runs the real console script in a subprocess, over the table of commands
in ``hostile_gen.COMMANDS``; a command that does not exist yet skips with the reason.
The behaviour asserted for a refused input: the documented exit code, one message
naming file, line and column, no traceback, no output file, nothing leaked.
"""

from __future__ import annotations

import gzip
import os
import shutil
import time

import pytest

from hostile_gen import (BATCH_COMMANDS, COMMANDS, HOSTILE, TRACEBACK, assert_clean_failure,
                         billion_laughs, command_matrix, command_params, deep, files_under,
                         good_document, quadratic, run_cli, tei, write_big)

# Bugs in other modules, reported; the tests stay, marked, so a fix shows as XPASS.


def _place(tmp_path, fixture: str, name: str | None = None):
    """Copy a fixture into a fresh input folder; returns (input path, output folder)."""
    source = HOSTILE / fixture
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    target = folder / (name or source.name)
    shutil.copyfile(source, target)
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return target, out


def _write(tmp_path, name: str, text: str | bytes):
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return path, out


# ---------------------------------------------------------------------- malformed XML

MALFORMED = [  # fixture, line of the error, a word the message must contain
    ("malformed/unclosed.xml", 4, "mismatch"),
    ("malformed/undefined-entity.xml", 4, "eacute"),
    ("malformed/empty.xml", 1, "empty"),
    ("malformed/whitespace.xml", 1, "empty"),
    ("malformed/binary.xml", 1, "binary"),
    ("malformed/truncated.xml", 3, "end of data"),
    ("malformed/docx.xml", 1, "ZIP"),
]


@pytest.mark.parametrize("command, fixture, line, word",
                         command_matrix(MALFORMED, [m[0].split("/")[1] for m in MALFORMED]))
def test_malformed_input_is_one_located_message(command, fixture, line, word, tmp_path):
    path, out = _place(tmp_path, fixture)
    ran = assert_clean_failure(run_cli(command.argv([path], out)), path, line=line)
    assert word.lower() in ran.output.lower(), str(ran)
    assert files_under(out) == set(), "no output for a malformed input"


@pytest.mark.parametrize("command", command_params(BATCH_COMMANDS, fast=("validate", "build")))
def test_batch_goes_on_after_a_malformed_file(command, tmp_path):
    bad, out = _place(tmp_path, "malformed/unclosed.xml", "a-bad.xml")  # sorted first
    good = bad.parent / "b-good.xml"
    good.write_text(good_document(), encoding="utf-8")
    ran = assert_clean_failure(run_cli(command.argv([bad, good], out)), bad, line=4)
    shown = ran.output + "".join(p.read_text("utf-8", "replace") for p in files_under(out)
                                 if p.suffix in (".txt", ".html", ".graphml", ".js"))
    assert command.good_sign in shown, f"the good file was not processed\n{ran}"


def test_folder_batch_reports_every_bad_file_and_validates_the_rest(tmp_path):
    for fixture, _, _ in MALFORMED:
        _place(tmp_path, fixture)
    (tmp_path / "in" / "zz-good.xml").write_text(good_document(), encoding="utf-8")
    ran = run_cli(["validate", str(tmp_path / "in")])
    assert ran.code == 1 and TRACEBACK not in ran.output
    for fixture, line, _ in MALFORMED:
        assert f"{tmp_path / 'in' / fixture.split('/')[1]}:{line}:" in ran.output, str(ran)
    assert f"{len(MALFORMED) + 1} files" in ran.output


# ---------------------------------------------------------------------- encodings

BOM_FIXTURES = ["encoding/utf8-bom.xml", "encoding/utf16le-bom.xml", "encoding/utf16be-bom.xml"]
ENCODING_WORDS = ["Encodingword", "café", "Ελληνικά", "кириллица"]


@pytest.mark.parametrize("command, fixture",  # fast: export-text, -html, -pdf, which read words
                         command_matrix([(f,) for f in BOM_FIXTURES],
                                        [f.split("/")[1] for f in BOM_FIXTURES], offset=1))
def test_byte_order_marks_are_read(command, fixture, tmp_path):
    path, out = _place(tmp_path, fixture)
    ran = run_cli(command.argv([path], out))
    assert ran.code in (0, 1) and TRACEBACK not in ran.output and "internal error" not in ran.output
    if command.name != "validate" and not command.name.startswith("entities-check"):
        assert ran.code == 0, str(ran)
    assert "encoding" not in ran.output.lower() and "decode" not in ran.output.lower(), str(ran)
    if command.name in ("export-text", "export-html"):
        text = "".join(p.read_text("utf-8") for p in files_under(out) if p.suffix in (".txt", ".html"))
        for word in ENCODING_WORDS:
            assert word in text, f"{word} lost from {fixture}"


def test_query_reads_utf16_text(tmp_path):
    path, _ = _place(tmp_path, "encoding/utf16le-bom.xml")
    ran = run_cli(["query", "string(//tei:body)", str(path)])
    assert ran.code == 0 and "café Ελληνικά кириллица" in ran.stdout, str(ran)


BAD_ENCODINGS = [
    ("encoding/invalid-utf8.xml", 6, "encoding"),
    ("encoding/false-declaration-utf8.xml", 6, "declared encoding"),
    ("encoding/false-declaration-utf16.xml", 1, "UTF-16"),
    ("encoding/control-char.xml", 5, "Char value 1"),
    ("encoding/control-escape.xml", 5, "Char value 27"),
    ("encoding/control-charref.xml", 5, "value 27"),
]


@pytest.mark.parametrize("command, fixture, line, word",
                         command_matrix(BAD_ENCODINGS, [b[0].split("/")[1] for b in BAD_ENCODINGS],
                                        offset=3))
def test_bad_encodings_and_control_characters_are_located(command, fixture, line, word, tmp_path):
    path, out = _place(tmp_path, fixture)
    ran = assert_clean_failure(run_cli(command.argv([path], out)), path, line=line)
    assert word in ran.output, str(ran)
    assert "\x1b" not in ran.output and "\x9b" not in ran.output, "a raw escape reached the terminal"
    assert files_under(out) == set()


# ---------------------------------------------------------------------- entity attacks

@pytest.mark.parametrize("command, kind", command_matrix([("billion-laughs",), ("quadratic",)],
                                                         ["billion-laughs", "quadratic"]))
def test_entity_bombs_are_refused_quickly_in_bounded_memory(command, kind, tmp_path):
    text = billion_laughs() if kind == "billion-laughs" else quadratic()
    path, out = _write(tmp_path, f"{kind}.xml", text)
    ran = assert_clean_failure(run_cli(command.argv([path], out), measure=True,
                                       cpu_seconds=20), path)
    assert "entity expansion refused" in ran.output, str(ran)
    assert ran.max_rss_mb < 600, f"{ran.max_rss_mb} MB for a refused entity bomb"
    assert files_under(out) == set()


def _sentinel(tmp_path):
    secret = tmp_path / "secret.txt"
    token = f"SENTINEL-{os.getpid()}-{time.monotonic_ns()}"
    secret.write_text(token + "\n", encoding="utf-8")
    return secret, token


def _external_documents(secret) -> dict[str, tuple[str, bool]]:
    """name -> (document, whether it must fail): every way to pull a file in."""
    url = secret.as_uri()
    return {
        "general-entity": (tei("<p>&x;</p>", prolog=f'<!DOCTYPE TEI [<!ENTITY x SYSTEM "{url}">]>'), True),
        "general-entity-path": (tei("<p>&x;</p>", prolog=f'<!DOCTYPE TEI [<!ENTITY x SYSTEM "{secret}">]>'), True),
        "parameter-entity": (tei("<p>pe</p>", prolog=f'<!DOCTYPE TEI [<!ENTITY % x SYSTEM "{url}"> %x;]>'), True),
        "entity-in-attribute": (tei('<p n="&x;">attr</p>', prolog=f'<!DOCTYPE TEI [<!ENTITY x SYSTEM "{url}">]>'), True),
        "external-dtd": (tei("<p>dtd</p>", prolog=f'<!DOCTYPE TEI SYSTEM "{url}">'), False),
        "dtd-defines-entity": (tei("<p>&leak;</p>", prolog='<!DOCTYPE TEI SYSTEM "leak.dtd">'), True),
        "xml-model": (tei("<p>model</p>", prolog=f'<?xml-model href="{url}" schematypens="http://relaxng.org/ns/structure/1.0"?>'), None),
        "uri-attributes": (tei(f'<p><ref target="{url}">r</ref><graphic url="{url}"/><pb facs="{url}"/></p>'), False),
        "register-outside": (tei('<p><persName ref="../register.xml#x">n</persName></p>'), False),
        "register-absolute": (tei(f'<p><persName ref="{secret.parent / "register.xml"}#x">n</persName>'
                                  f'<placeName ref="{(secret.parent / "register.xml").as_uri()}#x">'
                                  'p</placeName></p>'), False),
    }


@pytest.mark.parametrize("command", command_params(fast=("export-html", "entities-list")))
def test_external_entities_and_dtds_are_never_read(command, tmp_path):
    secret, token = _sentinel(tmp_path)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "leak.dtd").write_text(f'<!ENTITY leak "{token}">', encoding="utf-8")
    (tmp_path / "register.xml").write_text(  # a register outside the document's folder
        f'<TEI xmlns="http://www.tei-c.org/ns/1.0"><standOff><listPerson><person xml:id="x">'
        f'<persName>{token}</persName></person></listPerson></standOff></TEI>', encoding="utf-8")
    for name, (text, fails) in _external_documents(secret).items():
        path, out = _write(tmp_path, f"{name}.xml", text)
        out = out / name
        out.mkdir()
        ran = run_cli(command.argv([path], out))
        assert TRACEBACK not in ran.output and "internal error" not in ran.output, f"{name}\n{ran}"
        if fails:
            assert_clean_failure(ran, path)
        leaked = [p for p in files_under(out) if token.encode() in p.read_bytes()]
        assert token not in ran.output and not leaked, f"{name} leaked the sentinel\n{ran}"


@pytest.mark.parametrize("command, fixture",
                         command_matrix([("entities/xxe-passwd.xml",), ("entities/xxe-parameter.xml",)],
                                        ["entities/xxe-passwd.xml", "entities/xxe-parameter.xml"],
                                        offset=2))
def test_xxe_to_etc_passwd(command, fixture, tmp_path):
    path, out = _place(tmp_path, fixture)
    ran = assert_clean_failure(run_cli(command.argv([path], out)), path)
    assert "never read" in ran.output
    assert "root:" not in ran.output and files_under(out) == set()


@pytest.mark.parametrize("command", command_params(fast=("export-text",)))
def test_internal_entities_still_expand(command, tmp_path):
    path, out = _place(tmp_path, "entities/internal.xml")
    ran = run_cli(command.argv([path], out))
    assert ran.code in (0, 1) and TRACEBACK not in ran.output, str(ran)
    if command.name == "export-text":
        assert "Internal editorial entities" in (out / "out.txt").read_text("utf-8")


# ---------------------------------------------------------------------- depth and size

@pytest.mark.parametrize("command", command_params(fast=("export-pdf", "query")))
def test_deep_nesting_is_refused_with_the_way_to_lift_it(command, tmp_path):
    path, out = _write(tmp_path, "deep.xml", deep(20_000))
    ran = assert_clean_failure(run_cli(command.argv([path], out)), path, line=5)
    assert "256 levels" in ran.output and "--huge" in ran.output, str(ran)
    # --huge lifts the limit to libxml2's hard cap, and says so
    ran = assert_clean_failure(run_cli(["--huge", *command.argv([path], out)]), path, line=5)
    assert "2048" in ran.output and "RecursionError" not in ran.output, str(ran)
    assert files_under(out) == set()


@pytest.mark.parametrize("command", command_params(fast=("export-text",)))
def test_deep_but_allowed_nesting_runs_with_huge(command, tmp_path):
    path, out = _write(tmp_path, "deep.xml", deep(1_500))
    ran = run_cli(command.argv([path], out) + ["--huge"])
    assert ran.code in (0, 1) and TRACEBACK not in ran.output and "internal error" not in ran.output, str(ran)
    if command.name == "export-text":
        assert ran.code == 0 and "deepword" in (out / "out.txt").read_text("utf-8")


@pytest.mark.parametrize("command", command_params(fast=("validate", "build")))
def test_size_limit_is_named_with_the_way_to_lift_it(command, tmp_path):
    path, out = _write(tmp_path, "doc.xml", good_document())
    ran = assert_clean_failure(run_cli(["--max-bytes", "100", *command.argv([path], out)]), code=2)
    assert "over the limit of 100 bytes" in ran.output and "--max-bytes" in ran.output, str(ran)
    assert str(path) in ran.output and files_under(out) == set()
    ran = run_cli(command.argv([path], out) + ["--max-bytes", "1M"])
    assert ran.code in (0, 1) and "over the limit" not in ran.output, str(ran)


@pytest.mark.slow
def test_a_file_of_hundreds_of_megabytes_is_refused_at_once(tmp_path):
    path = write_big(tmp_path / "big.xml", 220)
    assert path.stat().st_size > 200 * 1024 * 1024
    for command in COMMANDS:
        out = tmp_path / f"out-{command.name}"
        out.mkdir()
        ran = assert_clean_failure(run_cli(command.argv([path], out), measure=True,
                                           cpu_seconds=10), code=2)
        assert "100 MiB" in ran.output and "--max-bytes" in ran.output, str(ran)
        assert ran.max_rss_mb < 400 and files_under(out) == set(), command.name


@pytest.mark.slow
@pytest.mark.parametrize("command", command_params([c for c in COMMANDS if c.name in
                                                    ("validate", "export-text", "query")]))
def test_a_large_file_runs_in_bounded_memory(command, tmp_path):
    """An 8 MB file (a long book): memory stays within a fixed multiple of its size."""
    path = write_big(tmp_path / "large.xml", 8)
    out = tmp_path / "out"
    out.mkdir()
    ran = run_cli(command.argv([path], out), measure=True, timeout=300)
    assert ran.code in (0, 1) and TRACEBACK not in ran.output, str(ran)
    assert ran.max_rss_mb < 1000, f"{command.name}: {ran.max_rss_mb} MB for an 8 MB file"
    print(f"{command.name}: 8 MB file, peak {ran.max_rss_mb:.0f} MB")


@pytest.mark.parametrize("command", command_params(fast=("export-html", "entities-check")))
def test_gzip_input_is_not_inflated(command, tmp_path):
    path, out = _write(tmp_path, "doc.xml", gzip.compress(good_document().encode()))
    ran = assert_clean_failure(run_cli(command.argv([path], out)), path, line=1)
    assert "gzip" in ran.output and files_under(out) == set()


@pytest.mark.parametrize("command", command_params(fast=("export-text", "entities-list")))
def test_devices_and_folders_are_not_read(command, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    ran = assert_clean_failure(run_cli(command.argv(["/dev/zero"], out), timeout=30), code=2)
    assert "device" in ran.output, str(ran)
    if not command.batch:  # batch commands read *.xml inside a folder
        ran = assert_clean_failure(run_cli(command.argv([str(tmp_path)], out)), code=2)
        assert "folder" in ran.output, str(ran)
