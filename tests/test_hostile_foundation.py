"""The foundation's defences, in-process: parser limits and messages, the limit
options of every command, atomic output that never replaces devices or the user's
folders, safe child paths, and one-line terminal-safe messages."""

from __future__ import annotations

import os
import stat

import click
import pytest

from tei_edition.errors import InputError, XmlSyntaxError
from tei_edition.xml.output import MARKER, atomic_directory, safe_child, write_atomic
from tei_edition.textsafe import for_message, for_terminal
from tei_edition.xml.parse import (DEFAULT_MAX_BYTES, current_limits, limits, parse_bytes,
                                  parse_file, parse_size, read_bytes)


# ---------------------------------------------------------------------- parser

@pytest.mark.parametrize("text, size", [("100", 100), ("1K", 1024), ("2M", 2 << 20), ("1G", 1 << 30),
                                        ("500MB", 500 << 20), ("3 GiB", 3 << 30)])
def test_sizes(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "x", "1.5G", "-1", "1Q"])
def test_bad_sizes(text):
    with pytest.raises(ValueError):
        parse_size(text)


def test_limits_nest_and_restore():
    assert current_limits().max_bytes == DEFAULT_MAX_BYTES and not current_limits().huge
    with limits(huge=True):
        with limits(max_bytes=10):
            assert current_limits().huge and current_limits().max_bytes == 10
        assert current_limits().max_bytes == DEFAULT_MAX_BYTES
    assert not current_limits().huge


def test_depth_limit_and_huge():
    deep = b"<a>" * 300 + b"</a>" * 300
    with pytest.raises(XmlSyntaxError, match="256 levels.*--huge"):
        parse_bytes(deep)
    assert parse_bytes(deep, huge=True).getroot().tag == "a"
    with limits(huge=True):
        assert parse_bytes(deep).getroot().tag == "a"
    deeper = b"<a>" * 3000 + b"</a>" * 3000
    with pytest.raises(XmlSyntaxError, match="2048 levels, the hard limit"):
        parse_bytes(deeper, huge=True)


def test_reading_is_bounded_even_from_a_pipe(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    import threading

    def feed():
        with open(fifo, "wb") as handle:
            try:
                handle.write(b"<a>" + b"x" * 5000 + b"</a>")
            except BrokenPipeError:
                pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    with pytest.raises(InputError, match="larger than the limit"):
        read_bytes(fifo, max_bytes=1000)
    writer.join(5)


def test_devices_are_refused():
    with pytest.raises(InputError, match="device"):
        read_bytes("/dev/zero")


@pytest.mark.parametrize("data, word", [
    (b"PK\x03\x04rest", "ZIP"), (b"%PDF-1.7", "PDF"), (b"BZh91AY", "bzip2"),
    (b"\xfd7zXZ\x00\x00", "xz"), (b"{\\rtf1\\ansi", "RTF"), (b"\xd0\xcf\x11\xe0\xa1\xb1", ".doc"),
])
def test_other_files_are_named(tmp_path, data, word):
    path = tmp_path / "doc.xml"
    path.write_bytes(data)
    with pytest.raises(XmlSyntaxError, match=word):
        parse_file(path)


def test_utf16_without_bom_is_not_binary():
    for encoding in ("utf-16-le", "utf-16-be"):
        data = '<?xml version="1.0" encoding="UTF-16"?><a>é</a>'.encode(encoding)
        assert parse_bytes(data).getroot().text == "é"


@pytest.mark.parametrize("data, word", [
    (b'<!DOCTYPE a SYSTEM "x.dtd"><a>&nbsp;</a>', "external DTD are never read"),
    (b'<!DOCTYPE a [<!ENTITY x SYSTEM "/etc/passwd">]><a>&x;</a>', "external entity 'x' is never read"),
    (b"<a>&hellip;</a>", "write the character \u2026 or &#8230;"),
    (b"<a>&nonsense;</a>", "Entity 'nonsense' not defined"),
    (b'<?xml version="1.0" encoding="klingon"?><a/>', "re-save the file as UTF-8"),
    (b"<a>caf\xe9</a>", "declares no encoding"),
])
def test_entity_and_encoding_messages_say_what_to_do(data, word):
    with pytest.raises(XmlSyntaxError) as info:
        parse_bytes(data, path="doc.xml")
    assert word in info.value.message


def test_an_external_dtd_is_not_read_but_the_document_is(tmp_path):
    (tmp_path / "x.dtd").write_text('<!ENTITY w "FROM-DTD"><!ATTLIST a b CDATA "default">')
    path = tmp_path / "doc.xml"
    path.write_text('<!DOCTYPE a SYSTEM "x.dtd"><a>text</a>')
    root = parse_file(path).getroot()
    assert root.text == "text" and root.get("b") is None


# ---------------------------------------------------------------------- CLI options

def _invoke(args, env=None):
    from click.testing import CliRunner

    from tei_edition.cli import cli

    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture
def runner():
    return lambda *args: _invoke(args)


def test_every_reading_command_has_the_limit_options():
    from tei_edition.cli import cli

    def leaves(group, prefix=()):
        for name, command in group.commands.items():
            if isinstance(command, click.Group):
                yield from leaves(command, (*prefix, name))
            else:
                yield (*prefix, name), command

    for path, command in leaves(cli):
        options = {o for p in command.params for o in getattr(p, "opts", [])}
        if path != ("doctor",):
            assert {"--huge", "--max-bytes", "--xinclude"} <= options, path


def test_limit_options_apply_to_one_run_only(runner, tmp_path):
    path = tmp_path / "doc.xml"
    path.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0">' + "<hi>" * 300 + "</hi>" * 300 + "</TEI>")
    assert runner("query", "count(//*)", str(path)).exit_code == 1
    assert runner("--huge", "query", "count(//*)", str(path)).output.strip() == "301"
    assert runner("query", "count(//*)", str(path), "--huge").output.strip() == "301"
    assert runner("query", "count(//*)", str(path)).exit_code == 1, "--huge leaked into the next run"
    result = runner("--max-bytes", "10", "query", "count(//*)", str(path))
    assert result.exit_code == 2 and "--max-bytes" in result.output
    assert runner("query", "count(//*)", str(path), "--huge").exit_code == 0
    assert current_limits().max_bytes == DEFAULT_MAX_BYTES and not current_limits().huge


def test_environment_variables_lift_limits(tmp_path):
    path = tmp_path / "doc.xml"
    path.write_text("<a>" * 300 + "</a>" * 300)
    result = _invoke(["query", "count(//*)", str(path)], env={"TEI_EDITION_HUGE": "1"})
    assert result.output.strip() == "300"


def test_bad_size_is_a_usage_error(tmp_path):
    result = _invoke(["query", "1", str(tmp_path), "--max-bytes", "lots"])
    assert result.exit_code == 2 and "not a size" in result.output


def test_recursion_and_memory_errors_are_one_line(monkeypatch, tmp_path):
    # the command's work runs in its worker: the error crosses back as itself ...
    from tei_edition.publish import pool

    deep = "(lambda f: f(f))(lambda f: f(f))"
    for source, error in ((deep, RecursionError), ("bytearray(1 << 62)", MemoryError)):
        with pytest.raises(error):
            pool.call(eval, source, limits=pool.Limits(whole=True))
    # ... and the command line says it in one line, exit 1
    import tei_edition.cli.query as query_command

    for error in (RecursionError("deep"), MemoryError()):
        def boom(*a, _error=error, **k):
            raise _error
        monkeypatch.setattr(query_command, "bounded", boom)
        result = _invoke(["query", "1", str(tmp_path)])
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output


# ---------------------------------------------------------------------- output

def test_write_atomic_never_replaces_a_device_or_pipe(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    import threading

    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write_atomic(fifo, "through the pipe")
    reader.join(5)
    assert got == [b"through the pipe"] and stat.S_ISFIFO(fifo.stat().st_mode)
    with pytest.raises(InputError, match="folder"):
        write_atomic(tmp_path, "x")


def test_write_atomic_replaces_a_link_not_its_target(tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep")
    link = tmp_path / "out.txt"
    link.symlink_to(target)
    write_atomic(link, "new")
    assert target.read_text() == "keep" and link.read_text() == "new" and not link.is_symlink()


def test_atomic_directory_replaces_only_its_own_folders(tmp_path):
    site = tmp_path / "site"
    with atomic_directory(site) as staging:
        (staging / "index.html").write_text("one")
    assert (site / MARKER).is_file()
    with atomic_directory(site) as staging:  # its own: replaced as a whole
        (staging / "index.html").write_text("two")
    assert (site / "index.html").read_text() == "two"
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_text("precious")
    with pytest.raises(InputError, match="not made by tei-edition"):
        with atomic_directory(mine) as staging:
            (staging / "index.html").write_text("x")
    assert (mine / "thesis.docx").read_text() == "precious"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="not a folder"):
        with atomic_directory(tmp_path / "file"):
            pass
    empty = tmp_path / "empty"
    empty.mkdir()
    with atomic_directory(empty) as staging:
        (staging / "a").write_text("a")
    assert (empty / "a").is_file()


@pytest.mark.parametrize("name", ["../x.html", "/etc/passwd", "a/../../x", "", "a\x00b",
                                  "bad\nname", "x" * 300, "..", "."])
def test_safe_child_refuses(tmp_path, name):
    with pytest.raises(InputError):
        safe_child(tmp_path, name)


def test_safe_child_refuses_links_out(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "link").symlink_to(tmp_path)
    with pytest.raises(InputError):
        safe_child(tmp_path / "out", "link/x.html")
    assert safe_child(tmp_path / "out", "ok-page.html").parent == (tmp_path / "out").resolve()


# ---------------------------------------------------------------------- messages

def test_messages_are_one_line_without_controls():
    text = "a\x1b[2Jb\x9b31mc\nd\r\ne\u202ef\u2066g\x07"
    shown = for_message(text)
    assert "\n" not in shown and "\x1b" not in shown and "\u202e" not in shown
    assert shown == "a\\x1b[2Jb\\x9b31mc d e\\u202ef\\u2066g\\x07"
    assert for_terminal("tab\tand\nline") == "tab\tand\nline"


def test_safe_folder_checks_many_names_as_safe_child_does(tmp_path):
    from tei_edition.xml.output import SafeFolder

    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    (out / "sub" / "link").symlink_to(tmp_path)  # a folder link pointing out
    (tmp_path / "secret.txt").write_text("x")
    (out / "file-link.html").symlink_to(tmp_path / "secret.txt")  # a file link pointing out
    (out / "inner").symlink_to(out / "sub")  # a link that stays inside
    folder = SafeFolder(out)
    assert folder.child("sub/page.html") == out.resolve() / "sub" / "page.html"
    assert folder.child("new/deeper/page.html") == out.resolve() / "new" / "deeper" / "page.html"
    assert folder.child("inner/page.html") == out.resolve() / "sub" / "page.html"
    for name in ("sub/link/x.html", "file-link.html", "../x", "sub/../../x", "/etc/passwd", ""):
        with pytest.raises(InputError):
            folder.child(name)
    # a folder seen once is not looked at again; one that becomes a link is still refused
    # when the name itself is the link
    (out / "sub" / "late").symlink_to(tmp_path)
    with pytest.raises(InputError):
        folder.child("sub/late")
