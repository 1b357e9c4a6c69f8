"""What reaches the user's disk and screen: paths, injection, terminal escapes, Unicode.

  * output file names never come from document data unchecked, nothing is written
    outside the output folder, and file names with spaces, quotes, ``;``, ``$(...)``
    and backticks work and never reach a shell;
  * script URLs and raw markup never reach HTML; Typst code in TEI text prints
    literally; terminal escape sequences in messages are neutralised;
  * bidi overrides, zero-width characters, combining marks and astral characters
    survive into every export unchanged.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import threading
import unicodedata

import pytest

from hostile_gen import (COMMANDS, HOSTILE, TRACEBACK, assert_clean_failure, command_params,
                         files_under, good_document, run_cli, tei)

EXPORTS = [c for c in COMMANDS if c.name.startswith("export-") or c.name == "build"]


def _command(name: str):
    return next(c for c in COMMANDS if c.name == name)


def _snapshot(folder):
    """Files with their modification times, and folders (whose times change when an
    entry is added, so only their appearance counts)."""
    return {p: (None if p.is_dir() else p.stat().st_mtime_ns) for p in folder.rglob("*")}


# ---------------------------------------------------------------------- paths

HOSTILE_NAMES = ["with space.xml", "quote'single.xml", 'quote"double.xml', "semi;colon.xml",
                 "$(touch PWNED-dollar).xml", "`touch PWNED-tick`.xml", "amp&and|pipe>gt.xml",
                 "ünïcödé名前.xml", "new\nline.xml"]


@pytest.mark.parametrize("command", command_params(fast=("validate", "build")))
def test_file_names_with_shell_characters_work(command, tmp_path):
    paths = []
    for index, name in enumerate(HOSTILE_NAMES):
        folder = tmp_path / f"in {index}; $(touch PWNED-dir)"
        folder.mkdir()
        paths.append(folder / name)
        paths[-1].write_text(good_document(f"Good document {index}"), encoding="utf-8")
    groups = [paths] if command.batch else [[p] for p in paths]  # a batch takes them all at once
    for index, group in enumerate(groups):
        out = tmp_path / f"out {index} '$(touch PWNED-out)' `x`"
        out.mkdir()
        ran = run_cli(command.argv(group, out), cwd=tmp_path)
        # entities check warns (exit 1) about the register ids the copies share
        assert ran.code == 0 or (command.name == "entities-check" and "0 error(s)" in ran.output), str(ran)
        assert TRACEBACK not in ran.output
        if command.writes:
            assert files_under(out), f"nothing written\n{ran}"
    assert not list(tmp_path.rglob("PWNED*")), "a file name reached a shell"
    assert not list(tmp_path.parent.glob("PWNED*"))


@pytest.mark.parametrize("command", command_params(EXPORTS))
def test_nothing_is_written_outside_the_output_folder(command, tmp_path):
    work = tmp_path / "a" / "b" / "c"
    work.mkdir(parents=True)
    path = work / "ids.xml"
    shutil.copyfile(HOSTILE / "paths" / "ids.xml", path)
    out = work / "out"
    before = _snapshot(tmp_path)
    ran = run_cli(command.argv([path], out), cwd=work)
    assert ran.code in (0, 1) and TRACEBACK not in ran.output, str(ran)
    changed = {p for p, m in _snapshot(tmp_path).items() if before.get(p) != m}
    outside = {p for p in changed if out not in p.parents and p != out}
    assert not outside, f"written outside {out}: {sorted(map(str, outside))}"
    for written in files_under(out):
        name = written.relative_to(out).as_posix()
        assert ".." not in name.split("/") and "escaped" not in name and "passwd" not in name, name
    assert not list(tmp_path.rglob("INJECTED")) and not os.path.exists("/tmp/absolute-idno")


def test_output_into_a_pipe_writes_into_it(tmp_path):
    """-o naming a device or pipe writes into it, never replaces it (/dev/null stays)."""
    _command("export-text")
    path = tmp_path / "doc.xml"
    path.write_text(good_document(), encoding="utf-8")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    ran = run_cli(["export", "text", str(path), "-o", str(fifo)], timeout=60)
    reader.join(10)
    assert ran.code == 0, str(ran)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert b"goodword" in received[0]


@pytest.mark.parametrize("command", command_params([c for c in EXPORTS if c.name in ("export-html", "build")]))
def test_a_folder_export_never_replaces_the_users_files(command, tmp_path):
    path = tmp_path / "doc.xml"
    path.write_text(good_document(), encoding="utf-8")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_text("precious", encoding="utf-8")
    argv = command.argv([path], tmp_path)
    argv[argv.index("-o") + 1] = str(mine)
    ran = run_cli(argv)
    if command.name == "export-html":  # the site folder is replaced as a whole: refused
        assert_clean_failure(ran, code=2)
        assert "not made by tei-edition" in ran.output, str(ran)
    assert (mine / "thesis.docx").read_text(encoding="utf-8") == "precious", str(ran)
    argv[argv.index("-o") + 1] = str(tmp_path)  # the folder that holds the input
    ran = run_cli(argv)
    assert TRACEBACK not in ran.output, str(ran)
    assert path.read_text(encoding="utf-8") == good_document()
    assert (mine / "thesis.docx").is_file()


# ---------------------------------------------------------------------- HTML injection

_SCRIPT_URL = re.compile(r"^\s*(javascript|vbscript|data\s*:\s*text/html)", re.I)


def _html_pages(site):
    from lxml import html

    return {p: html.parse(str(p)).getroot() for p in files_under(site) if p.suffix == ".html"}


def test_script_urls_and_raw_markup_never_reach_html(tmp_path):
    command = _command("export-html")
    path = tmp_path / "html.xml"
    shutil.copyfile(HOSTILE / "injection" / "html.xml", path)
    ran = run_cli(command.argv([path], tmp_path))
    assert ran.code == 0, str(ran)
    pages = _html_pages(tmp_path / "site")
    assert pages
    text = ""
    for page, root in pages.items():
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            if element.tag == "script":
                assert "alert" not in (element.text or ""), f"{page.name}: script with document text"
            assert element.tag not in ("iframe", "img") or "alert" not in str(element.attrib)
            for name, value in element.attrib.items():
                clean = re.sub(r"[\x00-\x20]", "", value)
                assert not _SCRIPT_URL.match(clean), f"{page.name}: <{element.tag} {name}={value!r}>"
                assert not (name.lower().startswith("on") and "alert" in value), \
                    f"{page.name}: <{element.tag} {name}={value!r}>"
        text += root.text_content()
    for literal in ('<script>alert("body")</script>', "<img src=x onerror=alert(1)>",
                    '<script>alert("cdata")</script>'):
        assert literal in text, f"{literal} should be shown as text"
    for script in files_under(tmp_path / "site"):
        if script.suffix == ".js" and script.parent.name != "assets":
            content = script.read_text("utf-8")
            assert "</script" not in content.lower(), f"{script.name} can close a script element"


# ---------------------------------------------------------------------- Typst injection

TYPST_LITERALS = ['#panic("injected")', '#read("sentinel.txt")', '#import "evil.typ": *',
                  "#set page(width: 1pt)", '#{ panic("block") }', "$ x^2 + y_1 $",
                  "*strong* _emph_ `raw code`", "= not a heading", "- not a list",
                  "// not a comment", "/* not a block comment */", "Backslash \\ and \\n",
                  "@label <label>", '#"string"']


def test_typst_code_in_text_prints_literally(tmp_path):
    _command("export-pdf")
    from pypdf import PdfReader

    path = tmp_path / "typst.xml"
    shutil.copyfile(HOSTILE / "injection" / "typst.xml", path)
    (tmp_path / "sentinel.txt").write_text("SENTINEL-TYPST", encoding="utf-8")
    (tmp_path / "evil.typ").write_text('#panic("imported")', encoding="utf-8")
    ran = run_cli(["export", "pdf", str(path), "-o", str(tmp_path / "out.pdf")])
    assert ran.code == 0, str(ran)
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "out.pdf").pages)
    flat = re.sub(r"\s+", "", text)
    assert "SENTINEL" not in text
    for literal in ['#panic("injected")', '#read("sentinel.txt")', "$x^2+y_1$", "*strong*",
                    "_emph_", "`rawcode`", "=notaheading", "//notacomment", "@label"]:
        assert literal.replace(" ", "") in flat.replace("“", '"').replace("”", '"'), literal


def test_typst_code_in_text_export_is_unchanged(tmp_path):
    _command("export-text")
    path = tmp_path / "typst.xml"
    shutil.copyfile(HOSTILE / "injection" / "typst.xml", path)
    ran = run_cli(["export", "text", str(path), "-o", str(tmp_path / "out.txt"), "--width", "0"])
    assert ran.code == 0, str(ran)
    text = " ".join((tmp_path / "out.txt").read_text("utf-8").split())
    for literal in TYPST_LITERALS:
        assert literal in text, literal


# ---------------------------------------------------------------------- terminal

def test_escape_sequences_never_reach_the_terminal(tmp_path):
    """C1 controls (CSI) are allowed in XML 1.0 text; file names may hold ESC."""
    body = "<p>Csiword \u009b31m red \u009b2J and \u0085 next-line</p>"
    path = tmp_path / "csi.xml"
    path.write_text(tei(body, title="Title \u009b2J"), encoding="utf-8")
    bad = tmp_path / "bad\x1b[2Jname\x1b]0;owned\x07.xml"
    bad.write_text("<TEI><unclosed></TEI>", encoding="utf-8")
    runs = [run_cli(["query", "string(//tei:body)", str(path)]),
            run_cli(["query", "string(//tei:body)", str(path), str(bad)]),
            run_cli(["validate", str(bad)]), run_cli(["entities", "list", str(bad)])]
    for command in COMMANDS:
        out = tmp_path / f"out-{command.name}"
        out.mkdir()
        runs.append(run_cli(command.argv([bad], out)))
        runs.append(run_cli(command.argv([path], out)))
    for ran in runs:
        assert TRACEBACK not in ran.output, str(ran)
        for char in ("\x1b", "\x9b", "\x85", "\x07"):
            assert char not in ran.output, f"{char!r} reached the terminal\n{ran!s}"
    assert "\\x9b31m" in runs[0].stdout, "the control is shown, escaped"


def test_bidi_controls_in_messages_are_shown_escaped(tmp_path):
    bad = tmp_path / "invoice\u202egpj.xml"  # displays as invoicelmx.jpg
    bad.write_text("<TEI>", encoding="utf-8")
    ran = run_cli(["entities", "list", str(bad)])
    assert ran.code == 1 and "\u202e" not in ran.stderr and "\\u202e" in ran.stderr, str(ran)


# ---------------------------------------------------------------------- Unicode

def _unicode_words():
    from lxml import etree

    tree = etree.parse(str(HOSTILE / "unicode" / "unicode.xml"))
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    return {p.get("n"): "".join(p.itertext()).split(": ", 1)[1].removesuffix(" end")
            for p in tree.getroot().iterfind(".//t:body/t:p", ns)}


@pytest.mark.parametrize("command", command_params([c for c in COMMANDS if c.name in
                                                    ("export-text", "export-html", "query", "build")]))
def test_unicode_survives_unchanged(command, tmp_path):
    """Every character survives. The plain text is NFC by its specification (issue 5),
    so there a decomposed é (e + U+0301) comes out as its canonical equivalent, the
    composed é; nothing else may change (RLO, zero-width, astral characters stay)."""
    path = tmp_path / "unicode.xml"
    shutil.copyfile(HOSTILE / "unicode" / "unicode.xml", path)
    out = tmp_path / "out"
    if command.name == "query":
        ran = run_cli(["query", "--format", "json", "//tei:body/tei:p/string()", str(path)])
        # JSON carries controls and bidirectional characters as \u escapes: read it as JSON
        shown = "\n".join(r for entry in json.loads(ran.stdout) for r in entry["results"])
    else:
        ran = run_cli(command.argv([path], out))
        shown = "".join(p.read_text("utf-8") for p in files_under(out)
                        if p.suffix in (".txt", ".html"))
    assert ran.code == 0, str(ran)
    if command.name == "build":
        from lxml import html

        shown = "".join(html.parse(str(p)).getroot().text_content() for p in files_under(out)
                        if p.suffix == ".html") + shown
    elif command.name == "export-html":
        from lxml import html

        shown = "".join(html.parse(str(p)).getroot().text_content() for p in files_under(out)
                        if p.suffix == ".html")
    for key, word in _unicode_words().items():
        if command.name == "export-text":
            word = unicodedata.normalize("NFC", word)
        assert word in shown, f"{key}: {word!r} did not survive ({ascii(word)})"


def test_unicode_survives_into_pdf(tmp_path):
    _command("export-pdf")
    from pypdf import PdfReader

    path = tmp_path / "unicode.xml"
    shutil.copyfile(HOSTILE / "unicode" / "unicode.xml", path)
    ran = run_cli(["export", "pdf", str(path), "-o", str(tmp_path / "out.pdf")])
    assert ran.code == 0 and TRACEBACK not in ran.output, str(ran)
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "out.pdf").pages)
    for key in ("arabic", "devanagari", "combining"):
        assert key in text, f"paragraph {key} missing from the PDF"


def _on_a_terminal(argv: list[str], cwd) -> str:
    """Run with stdout and stderr on a pseudo-terminal: click strips escape sequences
    when writing to a pipe, so only a terminal shows what would reach the user's."""
    import pty
    import subprocess

    from hostile_gen import CLI

    leader, follower = pty.openpty()
    proc = subprocess.Popen([str(CLI), *argv], stdout=follower, stderr=follower,
                            stdin=subprocess.DEVNULL, cwd=cwd)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize("command", command_params(fast=("validate", "export-html",
                                                          "entities-cooccur")))
def test_file_names_cannot_drive_the_terminal(command, tmp_path):
    injected = "\x1b[31mRED\x1b]0;owned\x07"
    missing = tmp_path / f"missing{injected}.xml"
    malformed = tmp_path / f"bad{injected}.xml"
    malformed.write_text("<TEI><p></TEI>", encoding="utf-8")
    for path in (missing, malformed):
        shown = _on_a_terminal(command.argv([path], tmp_path / "out"), tmp_path)
        assert "RED" in shown, shown  # the message names the file ...
        assert "\x1b[31m" not in shown and "\x1b]0;" not in shown and "\x07" not in shown, \
            f"{command}: a file name drove the terminal: {shown!r}"


def test_a_closed_pipe_is_no_crash(tmp_path):
    """``tei-edition query ... | head -1``: the reader goes away mid-output."""
    import subprocess

    from hostile_gen import CLI

    path = tmp_path / "many.xml"
    path.write_text(tei("".join(f"<p>line {i}</p>" for i in range(20000))), encoding="utf-8")
    proc = subprocess.Popen([str(CLI), "query", "//tei:p/string()", str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(10)
    proc.stdout.close()  # as head does after its first line
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.wait(60)
    assert "internal error" not in err and TRACEBACK not in err and "Broken pipe" not in err, err
    assert proc.returncode in (0, 1)
