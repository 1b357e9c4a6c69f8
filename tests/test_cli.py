"""The CLI surface: version, help on every level, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from tei_edition import __version__
from tei_edition.cli import cli

from conftest import DOSSIER

CLI_SCRIPT = Path(sys.executable).parent / "tei-edition"


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


@pytest.mark.parametrize("path", [(), *(p for p, _ in _all_commands(cli))], ids=" ".join)
def test_help_spells_as_the_edition_does(run, path):
    # the edition's spelling, as its pages print it: "Organisations"
    result = run(*path, "--help")
    assert result.exit_code == 0, result.output
    assert "organiz" not in result.output.lower()


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


# The console script's own process: ``main`` (which starts the worker early).
_MAIN_IMPORTED = _IMPORTED.replace("from tei_edition.cli import cli", "from tei_edition.cli import main").replace(
    'cli.main(args=sys.argv[1:], prog_name="tei-edition")', "main(sys.argv[1:])")


def test_a_command_line_that_hands_its_work_to_its_worker_loads_no_engine(tmp_path):
    """validate runs in its worker process, started before the options are read: the
    command line itself imports no lxml or Saxon (it printed the worker's verdict), and
    no worker process or folder is left behind."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    done = subprocess.run([sys.executable, "-c", _MAIN_IMPORTED, "validate", str(DOSSIER)],
                          capture_output=True, text=True, env={**os.environ, "TMPDIR": str(tmp)})
    assert "1 file, 0 invalid, 0 errors" in done.stdout, done.stderr
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []
    assert not list(tmp.iterdir())


@pytest.mark.parametrize("fmt", ["graphml", "table"])
def test_entities_cooccur_leaves_its_engines_to_its_worker(tmp_path, fmt):
    """entities cooccur: the network is found (and GraphML written) in the worker; the
    command line unpickles plain data and imports no lxml."""
    out = tmp_path / f"network.{fmt}"
    done = subprocess.run([sys.executable, "-c", _MAIN_IMPORTED, "entities", "cooccur",
                           str(DOSSIER), "--type", "person", "--format", fmt, "-o", str(out)],
                          capture_output=True, text=True)
    assert done.stderr.strip() and json.loads(done.stderr.strip().splitlines()[-1]) == [], done.stderr
    text = out.read_text(encoding="utf-8")
    assert ("<graphml" in text and "<edge " in text) if fmt == "graphml" else "weight" in text


def test_validate_s_progress_bar_brings_no_click_into_its_worker():
    """validate's bar is pickled into the worker that draws it: unpickling it there
    imports no click (nor anything of the command line), and it draws to the end."""
    import pickle

    from tei_edition.cli.progress import Bar

    bar = pickle.dumps(Bar("validating", start_from=5))
    code = ("import pickle, sys\nbar = pickle.loads(sys.stdin.buffer.read())\n"
            "for _ in range(8): bar(1, 8)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'click'))")
    done = subprocess.run([sys.executable, "-c", code], input=bar, capture_output=True, check=True)
    assert done.stdout.decode().strip() == "[]"
    assert done.stderr.decode().endswith("validating  [" + "#" * 36 + "]  100%\n")
    few = subprocess.run([sys.executable, "-c", code.replace("range(8)", "range(3)").replace(
        "bar(1, 8)", "bar(1, 3)")], input=bar, capture_output=True, check=True)
    assert few.stderr == b""


def test_a_worker_started_early_and_not_needed_leaves_nothing(tmp_path):
    """A usage error after the worker was started: it is ended, its folder removed."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    done = subprocess.run([str(CLI_SCRIPT), "validate", "--no-such-option", str(DOSSIER)],
                          capture_output=True, text=True, env={**os.environ, "TMPDIR": str(tmp)})
    assert done.returncode == 2 and "No such option" in done.stderr
    assert not list(tmp.iterdir())


def test_doctor_reports_engines_and_resources(run):
    result = run("doctor")
    assert result.exit_code == 0
    for name in ("lxml", "Saxon", "Typst", "Cyrillic", "Hangul", "Java", "stylesheets and schemas"):
        assert name in result.output
    assert "SaxonC" in result.output
