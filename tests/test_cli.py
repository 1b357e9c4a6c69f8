"""The CLI surface: version, help on every level, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest

from tei_edition import __version__
from tei_edition.cli import cli


def _all_commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _all_commands(command, (*prefix, name))


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_top_level_help_lists_groups_and_exit_codes(run):
    result = run("--help")
    assert result.exit_code == 0
    for name in ("validate", "export", "build", "entities", "query", "doctor"):
        assert name in result.output
    assert "Exit codes" in result.output


@pytest.mark.parametrize("path", [p for p, _ in _all_commands(cli)], ids=" ".join)
def test_every_command_has_help_with_an_example(run, path):
    result = run(*path, "--help")
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    assert "tei-edition " in result.output.split("Example:", 1)[1]


# What ``--help`` of every command imported, in a fresh interpreter each (one process
# for them all would count what an earlier command imported).
_IMPORTED = """
import sys
from tei_edition.cli import cli
try:
    cli.main(args=sys.argv[1:], prog_name="tei-edition")
except SystemExit:
    pass
import json
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("lxml", "saxonche", "typst"))
print(json.dumps(heavy), file=sys.stderr)
"""


@pytest.mark.parametrize("path", [(), *(p for p, _ in _all_commands(cli))], ids=" ".join)
def test_help_imports_no_engine(path):
    """--help stays instant: no lxml, Saxon or Typst until a command runs."""
    done = subprocess.run([sys.executable, "-c", _IMPORTED, *path, "--help"],
                          capture_output=True, text=True, check=True)
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []


def test_doctor_reports_engines_and_resources(run):
    result = run("doctor")
    assert result.exit_code == 0
    for name in ("lxml", "Saxon", "Typst", "Cyrillic", "Hangul", "Java", "stylesheets and schemas"):
        assert name in result.output
    assert "SaxonC" in result.output
