"""Every command over every real TEI file in ../shared/corpus/: zero crashes, and every
word of <text> in the text and HTML exports.

Runs in-process (compiled stylesheets are shared, so 37 files take seconds, not
minutes). A crash is a traceback, an "internal error" line (an unexpected exception
caught by the CLI), or an exit code outside 0/1/2. Words are \\w+ runs of each text
node of <text>, compared NFC with the output's text; each must occur in the output at
least as often as in the source. By design the text export shows one reading of a
<choice> (corr, reg, expan): the alternatives (sic, orig, abbr) are not counted for it.
"""

from __future__ import annotations

import collections
import re
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CORPUS, corpus_files
from hostile_gen import COMMANDS, TRACEBACK

pytestmark = pytest.mark.slow

FILES = corpus_files()
TEI = "{http://www.tei-c.org/ns/1.0}"
IDS = [p.relative_to(CORPUS).as_posix() for p in FILES]

_outputs: dict[tuple[str, str], str] = {}


def _invoke(argv: list[str]):
    from tei_edition.cli import cli

    return CliRunner().invoke(cli, argv, catch_exceptions=True)


def _assert_no_crash(result, argv):
    shown = f"$ tei-edition {' '.join(argv)}\nexit {result.exit_code}\n{result.output[-2000:]}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"crashed: {result.exception!r}\n{shown}") from result.exception
    assert TRACEBACK not in result.output and "internal error" not in result.output, shown
    assert result.exit_code in (0, 1, 2), shown


def _well_formed(path: Path) -> bool:
    from tei_edition.errors import TeiEditionError
    from tei_edition.xml.parse import parse_file

    try:
        parse_file(path)
    except TeiEditionError:
        return False
    return True


CHEAP = [c for c in COMMANDS if c.name in ("validate", "entities-list", "entities-check",
                                          "entities-cooccur", "query")]


@pytest.mark.skipif(not FILES, reason=f"{CORPUS} is not available")
@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_reading_commands_never_crash(path, tmp_path):
    for command in CHEAP:
        argv = command.argv([path], tmp_path)
        _assert_no_crash(_invoke(argv), argv)
    for expr in ("count(//tei:persName)", "//tei:title[1]", "string-join(//tei:p ! normalize-space(), ' ')"):
        argv = ["query", expr, str(path), "--format", "json"]
        _assert_no_crash(_invoke(argv), argv)
    argv = ["entities", "show", "no-such-entry", str(path)]
    _assert_no_crash(_invoke(argv), argv)


def _export_params():
    return [pytest.param(c, id=c.name) for c in COMMANDS if c.name.startswith("export-")]


@pytest.mark.skipif(not FILES, reason=f"{CORPUS} is not available")
@pytest.mark.parametrize("command", _export_params())
@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_exports_never_crash(path, command, tmp_path):
    argv = command.argv([path], tmp_path)
    result = _invoke(argv)
    _assert_no_crash(result, argv)
    if _well_formed(path):
        assert result.exit_code == 0, f"{' '.join(argv)}\n{result.output[-2000:]}"
        fmt = command.name.removeprefix("export-")
        if fmt in ("text", "html"):
            _outputs[(str(path), fmt)] = _output_text(tmp_path, fmt)
    else:
        assert result.exit_code == 1 and re.search(r":\d+:\d+: error: ", result.output), result.output


def _output_text(out: Path, fmt: str) -> str:
    if fmt == "text":
        return (out / "out.txt").read_text("utf-8")
    from lxml import html

    return "\n".join(html.parse(str(p)).getroot().text_content() for p in sorted((out / "site").glob("*.html")))


def source_words(path: Path, *, reading: str) -> collections.Counter:
    """The words of every text node of <text> (nested <text>s once), NFC."""
    from tei_edition.xml.parse import parse_file

    skipped = {f"{TEI}sic", f"{TEI}orig", f"{TEI}abbr"} if reading == "normalised" else set()
    counts: collections.Counter = collections.Counter()
    root = parse_file(path).getroot()
    for text in root.iter(f"{TEI}text"):
        if any(a.tag == f"{TEI}text" for a in text.iterancestors()):
            continue
        for node in text.iter():
            parent_hidden = lambda el: any(  # noqa: E731
                a.tag in skipped and a.getparent() is not None and a.getparent().tag == f"{TEI}choice"
                for a in [el, *el.iterancestors()])
            if isinstance(node.tag, str) and node.text and not parent_hidden(node):
                counts.update(re.findall(r"\w+", unicodedata.normalize("NFC", node.text)))
            if node is not text and node.tail and not parent_hidden(node.getparent()):
                counts.update(re.findall(r"\w+", unicodedata.normalize("NFC", node.tail)))
    return counts


def missing_words(path: Path, fmt: str, output: str) -> dict[str, int]:
    words = source_words(path, reading="normalised" if fmt == "text" else "all")
    flat = " ".join(unicodedata.normalize("NFC", output).split())
    tokens = collections.Counter(re.findall(r"\w+", flat))
    missing = {}
    for word, count in words.items():
        if tokens[word] >= count:
            continue  # as whole words: enough (substring counting only when needed)
        found = flat.count(word)
        if found < count:
            missing[word] = count - found
    return missing


def _word_params():
    params = []
    for path, ident in zip(FILES, IDS):
        for fmt in ("text", "html"):
            params.append(pytest.param(path, fmt, id=f"{ident}-{fmt}"))
    return params


@pytest.mark.skipif(not FILES, reason=f"{CORPUS} is not available")
@pytest.mark.parametrize("path, fmt", _word_params())
def test_every_word_of_text_is_exported(path, fmt, tmp_path):
    if not _well_formed(path):
        pytest.skip("not well-formed: refused with a located message (see test_exports_never_crash)")
    output = _outputs.get((str(path), fmt))
    if output is None:
        command = next(c for c in COMMANDS if c.name == f"export-{fmt}")
        result = _invoke(command.argv([path], tmp_path))
        assert result.exit_code == 0, result.output
        output = _output_text(tmp_path, fmt)
    missing = missing_words(path, fmt, output)
    total = sum(source_words(path, reading="normalised" if fmt == "text" else "all").values())
    assert not missing, (f"{sum(missing.values())} of {total} words missing from the {fmt} export, "
                         f"e.g. {sorted(missing.items(), key=lambda i: -i[1])[:12]}")


@pytest.mark.skipif(not FILES, reason=f"{CORPUS} is not available")
@pytest.mark.parametrize("command", [c for c in COMMANDS if c.batch], ids=str)
def test_every_batch_command_over_the_whole_corpus(command, tmp_path):
    """Every file of the other projects and the letter sample, named in one call (the
    whole letter edition is the collection tests' and the bench's)."""
    argv = command.argv(FILES, tmp_path)
    result = _invoke(argv)
    _assert_no_crash(result, argv)
    if command.name == "validate":
        assert f"{len(FILES)} files" in result.output
