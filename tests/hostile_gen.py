"""Shared by the hostile-input tests: the table of commands, a way to run the real
console script, a listening socket that must see no connection, and generators for
the fixtures too big (or too machine-specific) to keep in tests/fixtures/hostile/."""

from __future__ import annotations

import os
import resource
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
CLI = Path(sys.executable).parent / "tei-edition"

TRACEBACK = "Traceback (most recent call last)"
# path:line:col: error: message  (validate prints it with a [rule] after it)
LOCATED = r"{path}:(\d+):(\d+): error: "


# ---------------------------------------------------------------------- documents

HEADER = """<teiHeader><fileDesc><titleStmt><title>{title}</title></titleStmt>
<publicationStmt><p>Test publication.</p></publicationStmt>
<sourceDesc><p>Generated for a test.</p></sourceDesc></fileDesc></teiHeader>"""


def tei(body: str, *, title: str = "Hostile test", prolog: str = "", back: str = "",
        root_attrs: str = "", standoff: str = "") -> str:
    """A small TEI document around ``body`` (the content of <body>)."""
    return (f'{prolog}<TEI xmlns="http://www.tei-c.org/ns/1.0"{root_attrs}>'
            f"{HEADER.format(title=title)}\n<text><body>\n{body}\n</body>{back}</text>"
            f"{standoff}</TEI>\n")


GOOD_BODY = ('<p>The goodword file names <persName ref="#p-one">Anna Good</persName> in '
             '<placeName ref="#pl-one">Goodtown</placeName>.</p>')
GOOD_STANDOFF = ('<standOff><listPerson><person xml:id="p-one"><persName>Anna Good</persName>'
                 '</person></listPerson><listPlace><place xml:id="pl-one"><placeName>Goodtown'
                 '</placeName></place></listPlace></standOff>')


def good_document(title: str = "Good document") -> str:
    """Valid against the project's schema, with a register, so that every command
    (build included, which exports only valid documents) has something to show."""
    return tei(GOOD_BODY, title=title, standoff=GOOD_STANDOFF)


def deep(depth: int, *, element: str = "hi") -> str:
    """A TEI document whose paragraph nests ``depth`` inline elements."""
    return tei(f"<p>{f'<{element}>' * depth}deepword{f'</{element}>' * depth}</p>")


def billion_laughs(levels: int = 10, fan: int = 10) -> str:
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * fan}">' for i in range(1, levels))
    return tei(f"<p>&l{levels - 1};</p>", prolog=f"<!DOCTYPE TEI [{entities}]>")


def quadratic(entity_size: int = 100_000, uses: int = 50_000) -> str:
    """One big entity used many times: small file, huge expansion ("quadratic blow-up")."""
    return tei("<p>" + "&e;" * uses + "</p>",
               prolog=f'<!DOCTYPE TEI [<!ENTITY e "{"x" * entity_size}">]>')


def write_big(path: Path, megabytes: int) -> Path:
    """A well-formed TEI file of about ``megabytes`` MB (many ordinary paragraphs)."""
    paragraph = ("<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod "
                 "tempor incididunt ut labore et dolore magna aliqua.</p>\n").encode()
    head, tail = tei("@@").encode().split(b"@@")
    count = megabytes * 1024 * 1024 // len(paragraph) + 1
    with open(path, "wb") as handle:
        handle.write(head)
        chunk = paragraph * 1000
        for _ in range(count // 1000):
            handle.write(chunk)
        handle.write(paragraph * (count % 1000))
        handle.write(tail)
    return path


# ---------------------------------------------------------------------- commands

@dataclass(frozen=True)
class Command:
    """One command as the hostile tests drive it.

    ``argv(inputs, out)`` builds the arguments for input files and an output folder
    ``out`` (where the command may write); ``outputs(out)`` are the paths it writes,
    ``batch`` whether it takes several files.
    """

    name: str
    build_argv: Callable[[list[str], Path], list[str]]
    batch: bool = False
    writes: bool = False
    # what shows that the good file of a batch was processed: a word in the output
    good_sign: str | None = None

    def argv(self, inputs: list[str | Path], out: Path) -> list[str]:
        return self.build_argv([str(i) for i in inputs], out)

    def __str__(self) -> str:
        return self.name


COMMANDS = [
    Command("validate", lambda i, o: ["validate", *i], batch=True, good_sign="2 files"),
    Command("export-text", lambda i, o: ["export", "text", i[0], "-o", str(o / "out.txt")],
            writes=True),
    Command("export-html", lambda i, o: ["export", "html", i[0], "-o", str(o / "site")],
            writes=True),
    Command("export-pdf", lambda i, o: ["export", "pdf", i[0], "-o", str(o / "out.pdf")],
            writes=True),
    Command("build", lambda i, o: ["build", *i, "-o", str(o / "build")], batch=True,
            writes=True, good_sign="goodword"),
    Command("entities-list", lambda i, o: ["entities", "list", *i], batch=True,
            good_sign="Anna Good"),
    Command("entities-check", lambda i, o: ["entities", "check", *i], batch=True,
            good_sign="2 files"),
    Command("entities-cooccur", lambda i, o: ["entities", "cooccur", *i, "--format", "graphml",
                                              "-o", str(o / "net.graphml")],
            batch=True, writes=True, good_sign="Anna Good"),
    Command("query", lambda i, o: ["query", "string(//tei:title[1])", *i], batch=True,
            good_sign="Good document"),
]
BATCH_COMMANDS = [c for c in COMMANDS if c.batch]


# The fast tier (make test) tries each hostile behaviour on a few commands and each
# command on several behaviours; make test-all runs every command on every input.
def command_params(commands=COMMANDS, fast: tuple[str, ...] | None = None):
    """``pytest.param`` per command, named after it; with ``fast`` (command names), the
    other commands are marked ``slow``."""
    return [pytest.param(command, id=command.name,
                         marks=() if fast is None or command.name in fast else pytest.mark.slow)
            for command in commands]


def command_matrix(vectors: list[tuple], ids: list[str], commands=COMMANDS, *, offset: int = 0):
    """Every (command, *vector) pair, for ``parametrize("command, a, b", ...)``, with ids
    ``command-vector`` as stacked parametrize decorators would give them. The fast tier
    keeps a diagonal: each vector once, on the commands in turn from ``offset`` (tests
    using different offsets spread the commands); every other pair is marked ``slow``."""
    fast = {(i, (offset + i) % len(commands)) for i in range(len(vectors))}
    return [pytest.param(command, *vector, id=f"{command.name}-{vector_id}",
                         marks=() if (i, j) in fast else pytest.mark.slow)
            for i, (vector, vector_id) in enumerate(zip(vectors, ids))
            for j, command in enumerate(commands)]


@dataclass
class Ran:
    code: int
    stdout: str
    stderr: str
    argv: list[str] = field(default_factory=list)
    max_rss_mb: float = 0.0  # the peak resident memory of the command

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __str__(self) -> str:
        return (f"$ tei-edition {' '.join(self.argv)}\nexit {self.code}\n"
                f"--- stdout\n{self.stdout[-3000:]}\n--- stderr\n{self.stderr[-3000:]}")


# A child forked from the (large) test process starts with the parent's memory counted
# in its peak RSS; a small launcher starts the command and reports its peak alone.
_LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
open(sys.argv[1], "w").write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_cli(argv: list[str], *, cwd: Path | None = None, env: dict | None = None,
            timeout: float = 180, measure: bool = False, cpu_seconds: int | None = None) -> Ran:
    """The real console script in a subprocess (exit code and stderr as a user sees them),
    with its peak memory when ``measure``. ``cpu_seconds`` is a resource limit, not a
    stopwatch: the kernel stops a command that uses more processor time (SIGXCPU)."""
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    environment.pop("TEI_EDITION_DEBUG", None)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.TemporaryDirectory() as scratch:
        peak_file = Path(scratch) / "peak"
        command = [str(CLI), *argv]
        if measure:
            command = [sys.executable, "-c", _LAUNCHER, str(peak_file), *command]
        limit = None if cpu_seconds is None else (lambda: resource.setrlimit(
            resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1)))
        proc = subprocess.Popen(command, cwd=cwd, env=environment, stdout=out,
                                stderr=err, stdin=subprocess.DEVNULL, preexec_fn=limit)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                raise AssertionError(f"tei-edition {' '.join(argv)} ran over {timeout} s")
            time.sleep(0.01)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        peak = int(peak_file.read_text()) if measure and peak_file.exists() else usage.ru_maxrss
        ran = Ran(proc.returncode, out.read().decode("utf-8", "replace"),
                  err.read().decode("utf-8", "replace"), list(argv), peak / 1024)
    return ran


def assert_clean_failure(ran: Ran, path: str | Path | None = None, *, code: int = 1,
                         line: int | None = None):
    """Exit ``code``, no traceback, no "internal error", and (with ``path``) one located
    message naming the file, line and column."""
    assert ran.code == code, str(ran)
    assert TRACEBACK not in ran.output, str(ran)
    assert "internal error" not in ran.output, str(ran)
    if path is not None:
        located = re.findall(LOCATED.format(path=re.escape(str(path))), ran.output)
        assert len(located) == 1, f"expected one located message for {path}\n{ran}"
        if line is not None:
            assert int(located[0][0]) == line, str(ran)
    return ran


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


# ---------------------------------------------------------------------- network

class Listener:
    """A TCP socket on 127.0.0.1 that counts every connection made to it."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self.connections += 1
            conn.close()  # whatever it wanted, it gets nothing

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


def network_document(url: str) -> str:
    """Every place a TEI document can name a URL: none may be opened."""
    prolog = (f'<?xml-model href="{url}/schema.rng" type="application/xml" '
              f'schematypens="http://relaxng.org/ns/structure/1.0"?>\n'
              f'<?xml-model href="{url}/rules.sch" type="application/xml" '
              f'schematypens="http://purl.oclc.org/dsdl/schematron"?>\n'
              f'<?xml-stylesheet type="text/xsl" href="{url}/style.xsl"?>\n'
              f'<!DOCTYPE TEI SYSTEM "{url}/tei_all.dtd">\n')
    body = (f'<pb n="1" facs="{url}/page1.jpg"/>'
            f'<p>Networkword <ref target="{url}/target">a link</ref> '
            f'<ptr target="{url}/ptr"/> <persName ref="{url}/register.xml#p1">Anna Net</persName>'
            f' <placeName ref="{url}/places.xml#pl1">Nettown</placeName>'
            f' <bibl><ref target="{url}/bibl.xml">bibl</ref></bibl></p>'
            f'<figure><graphic url="{url}/figure.png"/><figDesc>fig</figDesc></figure>'
            f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{url}/part.xml"/>'
            f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{url}/part.txt" '
            f'parse="text"/>')
    standoff = (f'<standOff><listPerson><person xml:id="p2" sameAs="{url}/p2"><persName>Nick'
                f'</persName><idno type="URI">{url}/authority/p2</idno></person></listPerson>'
                '</standOff>')
    return tei(body, prolog=prolog, standoff=standoff,
               root_attrs=(' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
                           f' xsi:schemaLocation="http://www.tei-c.org/ns/1.0 {url}/tei.xsd"'
                           f' facs="{url}/facs.xml"'))


def network_entity_documents(url: str) -> dict[str, str]:
    """DTD tricks that make a naive parser open a URL."""
    return {
        "external-entity": tei("<p>&x;</p>", prolog=f'<!DOCTYPE TEI [<!ENTITY x SYSTEM "{url}/x">]>'),
        "parameter-entity": tei("<p>pe</p>",
                                prolog=f'<!DOCTYPE TEI [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>'),
        "public-dtd": tei("<p>dtd</p>",
                          prolog=f'<!DOCTYPE TEI PUBLIC "-//TEI//DTD TEI P5//EN" "{url}/tei.dtd">'),
        "dtd-with-entity": tei("<p>&nbsp;</p>", prolog=f'<!DOCTYPE TEI SYSTEM "{url}/tei.dtd">'),
    }
