"""Signals stop the command and leave nothing behind: the Typst worker is stopped and
its temporary folder removed, whether the command gets SIGTERM while it waits for Typst,
while Saxon runs, or is killed outright; Ctrl-C ends a long Saxon evaluation at once
(saxonche holds the interpreter lock, so Python's own handler would wait for it).

Real processes: the console script is started, the signal sent with os.kill, and the
process table and the temporary folder inspected afterwards. The waits below are
generous deadlines for something that must happen, never timing assertions."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import cpu_seconds
from hostile_gen import CLI, tei

WORDS = ("Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
         "incididunt ut labore et dolore magna aliqua ") * 2


def _long_document(path: Path, paragraphs: int = 1500) -> Path:
    """Enough text that Typst (and Saxon before it) take seconds, not minutes."""
    body = "\n".join(f"<p>{i} {WORDS}<note>Note {i} {WORDS[:80]}</note></p>"
                     for i in range(paragraphs))
    path.write_text(tei(body), encoding="utf-8")
    return path


@contextlib.contextmanager
def _running(argv: list[str], tmp: Path | None = None, **popen):
    """The console script started with ``argv`` (its temporary folder ``tmp``), killed
    on the way out if the test left it running."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if tmp is not None:
        env["TMPDIR"] = str(tmp)
    env.pop("TEI_EDITION_DEBUG", None)
    # As from a terminal: Ctrl-C at its default, even when the tests themselves run in a
    # background job of a shell, which starts them with SIGINT ignored (inherited).
    proc = subprocess.Popen([str(CLI), *argv], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL), **popen)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _signal(proc: subprocess.Popen, sig: signal.Signals) -> list[int]:
    """Send ``sig`` to the command once its workers are running; wait for it to end.
    Returns the workers (the command's descendants when the signal went)."""
    workers = _until(lambda: _descendants(proc.pid))
    assert workers, "no worker process found"
    os.kill(proc.pid, sig)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{sig.name} did not end the command")
    return workers


def _until(condition, deadline: float = 120.0, step: float = 0.05):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        found = condition()
        if found:
            return found
        time.sleep(step)
    return None


def _work_dirs(tmp: Path) -> list[Path]:
    """Typst's folders (in a build they sit in the worker's own temporary folder)."""
    return sorted(tmp.rglob("tei-edition-typst-*"))


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _descendants(pid: int) -> list[int]:
    found, frontier = [], [pid]
    while frontier:
        children = [c for p in frontier for c in _children(p)]
        found += children
        frontier = children
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


@needs_proc
@pytest.mark.slow
@pytest.mark.parametrize("command,moment,sig", [
    ("export", "typst", signal.SIGTERM),   # the command waits for Typst: it cleans up
    ("build", "typst", signal.SIGTERM),
    ("export", "saxon", signal.SIGTERM),   # Saxon is making the Typst source
    ("export", "typst", signal.SIGKILL),   # no cleanup by the command at all
], ids=["export-sigterm", "build-sigterm", "export-sigterm-in-saxon", "export-sigkill"])
def test_a_signal_stops_the_typst_worker_and_removes_its_folder(command, moment, sig, tmp_path):
    doc = _long_document(tmp_path / "long.xml")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "out"
    argv = (["export", "pdf", str(doc), "-o", str(out / "long.pdf")] if command == "export"
            else ["build", str(doc), "-o", str(out), "--only", "pdf", "--no-validate"])

    def ready():
        dirs = _work_dirs(tmp)
        if not dirs:
            return None
        has_source = (dirs[0] / "root" / "main.typ").exists()
        return dirs if has_source == (moment == "typst") else None

    with _running(argv, tmp) as proc:
        assert _until(ready, step=0.01), "the Typst worker never started"
        workers = _signal(proc, sig)
    stderr = proc.stderr.read().decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    if sig == signal.SIGTERM:
        # 143: the command unwound ("terminated"; 130 "interrupted" where the build's
        # worker pool handles it); -15: the signal ended it inside Saxon
        assert proc.returncode in (143, 130, -signal.SIGTERM), (proc.returncode, stderr)
    assert _until(lambda: not any(_alive(pid) for pid in workers), deadline=60), \
        "the Typst worker is still running"
    assert _until(lambda: not list(tmp.iterdir()), deadline=60), f"left behind: {list(tmp.rglob('*'))}"
    if sig != signal.SIGKILL:  # after SIGKILL a worker busy with the document finishes it
        assert not (out.exists() and list(out.rglob("*.pdf"))), "no PDF from a stopped run"


SLOW_QUERY = "sum(for $i in 1 to 100000, $j in 1 to 100000 return ($i * $j) mod 7)"


@needs_proc
@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_signal_ends_a_long_saxon_evaluation(sig, tmp_path):
    """Ten billion steps in Saxon (many minutes): the signal must end it long before."""
    doc = tmp_path / "doc.xml"
    doc.write_text(tei("<p>Text.</p>"), encoding="utf-8")
    with _running(["query", SLOW_QUERY, str(doc)], start_new_session=True) as proc:
        def used():  # the command's and its workers' processor time (the query runs in one)
            return sum(cpu_seconds(pid) for pid in [proc.pid, *_descendants(proc.pid)])

        # start-up takes well under this much CPU: past it, Saxon is evaluating
        assert _until(lambda: proc.poll() is None and used() > 3), "the query never ran"
        workers = _signal(proc, sig)
    assert proc.returncode in (-sig, 128 + sig), proc.returncode
    assert _until(lambda: not any(_alive(pid) for pid in workers), deadline=30), \
        "the worker evaluating the query is still running"


@needs_proc
@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["sigkill", "sigterm"])
def test_the_schematron_worker_and_its_folder_go_with_the_command(sig, tmp_path):
    """The Schematron rules run in a child process with a private HOME folder: however
    the command ends, that process ends and the folder is removed."""
    doc = tmp_path / "doc.xml"
    doc.write_text(tei("<p>Text.</p>"), encoding="utf-8")
    rules = tmp_path / "slow.sch"
    rules.write_text('<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">'
                     '<pattern><rule context="/"><assert test="sum(for $i in 1 to 3000, $j in 1 '
                     'to 3000 return ($i * $j) mod 7) ge 0">never fails</assert></rule></pattern>'
                     "</schema>", encoding="utf-8")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    with _running(["validate", str(doc), "--schematron", str(rules)], tmp) as proc:
        assert _until(lambda: list(tmp.rglob("tei-edition-schematron-*")), step=0.01), \
            "the Schematron worker never started"
        workers = _signal(proc, sig)
    assert _until(lambda: not any(_alive(pid) for pid in workers), deadline=60), \
        "the Schematron worker is still running"
    assert _until(lambda: not list(tmp.rglob("tei-edition-schematron-*")), deadline=60), \
        f"left behind: {list(tmp.glob('tei-edition-schematron-*'))}"


@needs_proc
@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["sigkill", "sigterm"])
def test_the_html_worker_goes_with_the_command(sig, tmp_path):
    """The HTML export runs in worker processes: however the command ends while they
    render, they end too and nothing is left in the temporary folder."""
    doc = _long_document(tmp_path / "long.xml", paragraphs=6000)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    with _running(["export", "html", str(doc), "-o", str(tmp_path / "site")], tmp) as proc:
        def rendering():  # a child that has worked a while: it has the job
            return [pid for pid in _descendants(proc.pid) if cpu_seconds(pid) > 1.0]

        assert _until(rendering, step=0.02), "the HTML worker never rendered"
        workers = _signal(proc, sig)
    assert _until(lambda: not any(_alive(pid) for pid in workers), deadline=120), \
        "the HTML worker is still running"
    assert _until(lambda: not list(tmp.iterdir()), deadline=60), f"left behind: {list(tmp.iterdir())}"
    if sig != signal.SIGKILL:  # after SIGKILL a worker busy with the document finishes it
        assert not (tmp_path / "site").exists()


@needs_proc
@pytest.mark.slow
def test_a_build_worker_stopped_at_its_limit_leaves_nothing_behind(tmp_path):
    """A build worker over its time limit is killed with every process it started
    (Typst's among them, which then cannot clean up): its private temporary folder,
    where they all kept their files, goes with it."""
    doc = _long_document(tmp_path / "long.xml", paragraphs=4000)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    with _running(["build", str(doc), "-o", str(tmp_path / "out"), "--only", "pdf",
                   "--no-validate", "--timeout", "1"], tmp) as proc:
        seen = _until(lambda: _work_dirs(tmp), step=0.01)
        proc.wait(timeout=120)
    stderr = proc.stderr.read().decode("utf-8", "replace")
    assert seen, "Typst never started"
    assert proc.returncode == 1 and "time limit" in stderr, (proc.returncode, stderr)
    assert _until(lambda: not list(tmp.iterdir()), deadline=60), f"left behind: {list(tmp.rglob('*'))}"


LONG_RULE = ('<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">'
             '<pattern><rule context="/"><assert test="sum(for $i in 1 to 100000, $j in 1 to '
             '100000 return ($i * $j) mod 7) ge 0">never fails</assert></rule></pattern></schema>')


@needs_proc
@pytest.mark.slow
@pytest.mark.parametrize("work", ["query", "schematron"])
def test_a_worker_ends_soon_after_its_command_is_killed(work, tmp_path):
    """SIGKILL gives the command no chance to stop its worker, busy with minutes of
    Saxon (a query; Schematron rules in the worker's own child): the worker sees its
    parent gone (``terminate.guard``) and ends within a few seconds, long before its
    --timeout, with every process it started; its private folder goes with it."""
    doc = tmp_path / "doc.xml"
    doc.write_text(tei("<p>Text.</p>"), encoding="utf-8")
    rules = tmp_path / "slow.sch"
    rules.write_text(LONG_RULE, encoding="utf-8")
    argv = (["query", SLOW_QUERY, str(doc)] if work == "query"
            else ["validate", str(doc), "--schematron", str(rules)])
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    with _running([*argv, "--timeout", "3600"], tmp) as proc:
        def computing():  # Saxon has been evaluating for a while in some descendant
            found = [pid for pid in _descendants(proc.pid) if cpu_seconds(pid) > 2.0]
            return found and _descendants(proc.pid)

        workers = _until(computing, step=0.05)
        assert workers, "the worker never computed"
        assert list(tmp.glob("tei-edition-worker-*")), "the worker has no private folder"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    # a few seconds for what must happen (the guard looks every 0.2 s); without it the
    # worker would compute for minutes, until its --timeout of an hour
    assert _until(lambda: not any(_alive(pid) for pid in workers), deadline=10), \
        "the worker is still running after its command was killed"
    assert _until(lambda: not list(tmp.iterdir()), deadline=10), f"left behind: {list(tmp.rglob('*'))}"
