"""XInclude: off by default; with --xinclude only files inside the document's own
folder tree, no network, bounded depth, count and size, cycles reported."""

from __future__ import annotations

import pytest

from hostile_gen import (COMMANDS, TRACEBACK, assert_clean_failure, command_params,
                         files_under, run_cli, tei)
from tei_edition.xml import xinclude
from tei_edition.errors import InputError, XmlSyntaxError
from tei_edition.xml.parse import limits, parse_bytes, parse_file

XI = 'xmlns:xi="http://www.w3.org/2001/XInclude"'
PART = '<div xmlns="http://www.tei-c.org/ns/1.0"><p>Includedword here</p><p xml:id="second">Pointedword</p></div>'


def _doc(body: str) -> str:
    return tei(body, root_attrs=f" {XI}")


def _files(tmp_path, files: dict[str, str]):
    root = tmp_path / "edition"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _text(tree) -> str:
    return "".join(tree.getroot().itertext())


# ---------------------------------------------------------------------- the library

def test_off_by_default_and_expanded_when_asked(tmp_path):
    root = _files(tmp_path, {"main.xml": _doc('<xi:include href="parts/part.xml"/>'),
                             "parts/part.xml": PART})
    plain = parse_file(root / "main.xml")
    assert "Includedword" not in _text(plain) and xinclude.has_includes(plain)
    expanded = parse_file(root / "main.xml", xinclude=True)
    assert "Includedword" in _text(expanded) and not xinclude.has_includes(expanded)
    with limits(xinclude=True):
        assert "Includedword" in _text(parse_file(root / "main.xml"))


def test_pointers_text_and_tails(tmp_path):
    root = _files(tmp_path, {
        "main.xml": _doc('<p>before <xi:include href="part.xml" xpointer="second"/> after</p>'
                         '<p><xi:include href="part.xml" xpointer="element(/1/1)"/></p>'
                         '<p>[<xi:include href="note.txt" parse="text"/>]</p>'),
        "part.xml": PART, "note.txt": "a & b < c\n"})
    tree = parse_file(root / "main.xml", xinclude=True)
    paragraphs = [" ".join("".join(p.itertext()).split())
                  for p in tree.getroot().iter("{http://www.tei-c.org/ns/1.0}body")][0]
    assert "before Pointedword after" in paragraphs
    assert "Includedword here" in paragraphs
    assert "[a & b < c ]" in paragraphs


@pytest.mark.parametrize("href", [
    "../outside.xml", "/etc/passwd", "file:///etc/passwd", "http://127.0.0.1:9/x.xml",
    "//host/share/x.xml", "link.xml", "parts/../../outside.xml",
])
def test_nothing_outside_the_folder_tree(tmp_path, href):
    root = _files(tmp_path, {"main.xml": _doc(f'<xi:include href="{href}" parse="text"/>')})
    (tmp_path / "outside.xml").write_text("SENTINEL-OUTSIDE", encoding="utf-8")
    (root / "link.xml").symlink_to(tmp_path / "outside.xml")
    with pytest.raises(XmlSyntaxError) as info:
        parse_file(root / "main.xml", xinclude=True)
    assert "SENTINEL" not in str(info.value)
    assert info.value.line == 5 and str(root / "main.xml") == info.value.path


def test_a_refused_include_uses_its_fallback(tmp_path):
    root = _files(tmp_path, {"main.xml": _doc(
        '<xi:include href="http://127.0.0.1:9/x.xml"><xi:fallback><p>Fallbackword</p>'
        '</xi:fallback></xi:include><xi:include href="missing.xml"><xi:fallback/></xi:include>')})
    assert "Fallbackword" in _text(parse_file(root / "main.xml", xinclude=True))


@pytest.mark.parametrize("files, shown", [
    ({"main.xml": '<a xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="main.xml"/></a>'},
     "main.xml -> main.xml"),
    ({"main.xml": '<a xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="b.xml"/></a>',
      "b.xml": '<b xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="c/c.xml"/></b>',
      "c/c.xml": '<c xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="../b.xml"/></c>'},
     "b.xml -> c/c.xml -> b.xml"),
    ({"main.xml": '<a xmlns:xi="http://www.w3.org/2001/XInclude"><b xml:id="x">'
                  '<xi:include xpointer="x"/></b></a>'}, "main.xml#x -> main.xml#x"),
])
def test_cycles_are_reported(tmp_path, files, shown):
    root = _files(tmp_path, files)
    with pytest.raises(XmlSyntaxError, match="cycle") as info:
        parse_file(root / "main.xml", xinclude=True)
    assert shown in info.value.message


def test_depth_count_and_size_are_bounded(tmp_path):
    chain = {f"f{i}.xml": f'<a xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="f{i + 1}.xml"/></a>'
             for i in range(20)}
    chain["f20.xml"] = "<end/>"
    root = _files(tmp_path, chain)
    with pytest.raises(XmlSyntaxError, match=f"nested more than {xinclude.MAX_DEPTH} deep"):
        parse_file(root / "f0.xml", xinclude=True)
    # exponential fan-out: 10 includes of a file that includes 10 of the next, ...
    fan = {f"g{i}.xml": '<a xmlns:xi="http://www.w3.org/2001/XInclude">'
           + f'<xi:include href="g{i + 1}.xml"/>' * 10 + "</a>" for i in range(6)}
    fan["g6.xml"] = "<leaf/>"
    root = _files(tmp_path / "fan", fan)
    with pytest.raises(XmlSyntaxError, match="more than 1000 xi:include"):
        parse_file(root / "g0.xml", xinclude=True)
    big = _files(tmp_path / "big", {"main.xml": '<a xmlns:xi="http://www.w3.org/2001/XInclude">'
                                    + '<xi:include href="part.xml"/>' * 50 + "</a>",
                                    "part.xml": "<p>" + "x" * 10_000 + "</p>"})
    with pytest.raises(InputError, match="--max-bytes"):
        parse_file(big / "main.xml", xinclude=True, max_bytes=100_000)


def test_included_files_get_the_safe_parser(tmp_path):
    root = _files(tmp_path, {
        "main.xml": _doc('<xi:include href="bomb.xml"/>'),
        "bomb.xml": '<!DOCTYPE a [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
                    '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
                    '<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>'
                    '<a>&h;</a>'})
    with pytest.raises(XmlSyntaxError, match="entity expansion refused") as info:
        parse_file(root / "main.xml", xinclude=True)
    assert info.value.path.endswith("bomb.xml")


def test_parse_bytes_never_expands(tmp_path):
    tree = parse_bytes(_doc('<xi:include href="/etc/passwd" parse="text"/>').encode())
    assert "root:" not in _text(tree)


# ---------------------------------------------------------------------- every command

@pytest.mark.parametrize("command", command_params(fast=("export-text", "build", "query")))
def test_commands_include_only_with_the_option(command, tmp_path):
    root = _files(tmp_path, {"main.xml": _doc('<xi:include href="parts/part.xml"/><p>Mainword</p>'),
                             "parts/part.xml": PART})
    out = tmp_path / "out"
    out.mkdir()
    query = command.name == "query"
    argv = (["query", "string(//tei:body)", str(root / "main.xml")] if query
            else command.argv([root / "main.xml"], out))
    off = run_cli(argv)
    assert off.code in (0, 1) and TRACEBACK not in off.output, str(off)
    on = run_cli([*argv, "--xinclude"])
    assert on.code in (0, 1) and TRACEBACK not in on.output, str(on)
    if query:
        assert "Includedword" not in off.stdout and "Includedword" in on.stdout, str(on)
    if command.name == "export-text":
        assert "Includedword" in (out / "out.txt").read_text("utf-8")


@pytest.mark.parametrize("command", command_params(fast=("validate", "export-pdf",
                                                          "entities-list")))
def test_commands_refuse_includes_from_outside(command, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SENTINEL-XI", encoding="utf-8")
    root = _files(tmp_path, {"main.xml": _doc('<xi:include href="../secret.txt" parse="text"/>'),
                             "cycle.xml": _doc('<xi:include href="cycle.xml"/>')})
    out = tmp_path / "out"
    out.mkdir()
    ran = assert_clean_failure(run_cli(command.argv([root / "main.xml"], out) + ["--xinclude"]),
                               root / "main.xml", line=5)
    assert "outside the document's folder" in ran.output and "SENTINEL" not in ran.output
    ran = assert_clean_failure(run_cli(command.argv([root / "cycle.xml"], out) + ["--xinclude"]),
                               root / "cycle.xml", line=5)
    assert "cycle" in ran.output
    assert not [p for p in files_under(out) if b"SENTINEL" in p.read_bytes()]
    assert not [c for c in COMMANDS if c.name == command.name and c.writes] or files_under(out) == set()
