"""The Typst worker that stays: a build's worker process compiles document after
document in one Typst worker (fonts loaded once). Each job keeps what a fresh worker
gives it: the same bytes, its own time limit and memory bound, a root folder holding
only its own files; a worker that overran, crashed or ran out of memory is replaced."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from conftest import FIXTURES
from tei_edition.errors import TransformError
from tei_edition.publish import pool, typeset
from tei_edition.publish.formats import ExportRequest
from tei_edition.publish.formats import pdf as pdf_format
from tei_edition.xml.parse import parse_file

EDITION = FIXTURES / "pdf" / "edition.xml"
HELLO = '#import "tei-edition.typ" as te\nHello\n'


@pytest.fixture
def resident():
    """A worker that stays, as in a build's worker process; stopped afterwards."""
    yield
    typeset.close_resident()


def _template() -> Path:
    return pdf_format.resources.typst_template()


def _compile(source: str, **kwargs) -> tuple[typeset.Typeset, int]:
    """``source`` compiled by the worker that stays, and that worker's process id."""
    compiling = typeset.Compile(timeout=kwargs.pop("timeout", 60), reuse=True, **kwargs)
    pid = compiling._process.pid
    return compiling.submit(source, _template()).wait(), pid


def test_one_worker_compiles_one_document_after_another(resident):
    first, pid = _compile(HELLO)
    second, again = _compile(HELLO.replace("Hello", "Goodbye"))
    assert again == pid and typeset._resident.alive()
    assert first.pdf.startswith(b"%PDF") and second.pdf.startswith(b"%PDF")
    assert first.pdf != second.pdf
    # what a fresh worker makes of the same source, byte for byte
    assert typeset.compile_pdf(HELLO, _template()).pdf == first.pdf


def test_a_typst_error_keeps_the_worker(resident):
    _, pid = _compile(HELLO)
    with pytest.raises(TransformError, match="unknown variable|no-such"):
        _compile('#import "tei-edition.typ" as te\n#te.no-such(1)\n')
    done, again = _compile(HELLO)
    assert again == pid and done.pdf.startswith(b"%PDF")


def test_each_job_sees_only_its_own_files(resident):
    """The root is emptied before each job: nothing left in it (by an earlier job or
    anyone else) can be read by the next."""
    _compile(HELLO)
    leftover = typeset._resident.work / "root" / "leftover.txt"
    leftover.write_text("from before", encoding="utf-8")
    with pytest.raises(TransformError):
        _compile('#read("leftover.txt")\n')
    assert not leftover.exists()


def test_an_overrun_stops_the_worker_and_the_next_job_gets_a_fresh_one(resident):
    _, pid = _compile(HELLO)
    with pytest.raises(TransformError, match="did not finish"):
        _compile("#let n = 0\n#for i in range(1000000000) { n += 1 }\n#n\n", timeout=1.5)
    assert typeset._resident is None
    done, again = _compile(HELLO)
    assert again != pid and done.pdf.startswith(b"%PDF")


def test_the_memory_bound_holds_for_each_job(resident):
    """A worker that has compiled before gives a job the same bound a fresh one would:
    over it, the job is stopped naming the limit, and the next job is served."""
    for _ in range(3):
        _compile(HELLO, memory_limit=150_000_000)
    cells = ", ".join(f'"r{i}"' for i in range(20_000))
    with pytest.raises(TransformError) as caught:
        _compile(f'#import "tei-edition.typ" as te\n#table(columns: 40, {cells})\n',
                 timeout=120, memory_limit=150_000_000, limit_hint="lift it")
    assert "0.1 GB of memory allowed" in caught.value.message and "lift it" in caught.value.message
    done, _ = _compile(HELLO, memory_limit=150_000_000)
    assert done.pdf.startswith(b"%PDF")


def test_a_worker_that_died_is_replaced(resident):
    _, pid = _compile(HELLO)
    os.kill(pid, signal.SIGKILL)
    typeset._resident.process.wait()
    done, again = _compile(HELLO)
    assert again != pid and done.pdf.startswith(b"%PDF")


def test_a_second_compile_at_once_gets_a_worker_of_its_own(resident):
    held = typeset.Compile(timeout=60, reuse=True)
    other = typeset.Compile(timeout=60, reuse=True)
    try:
        assert other._process.pid != held._process.pid
        assert other.submit(HELLO, _template()).wait().pdf.startswith(b"%PDF")
        assert other._process.poll() is not None  # its own: closed when done
        assert held.submit(HELLO, _template()).wait().pdf.startswith(b"%PDF")
        assert typeset._resident.alive()
    finally:
        held.cancel()
        other.cancel()


def _export_in_worker(output: str) -> tuple[int, bytes]:
    """In a pool worker: the PDF of the fixture, and the Typst worker that made it."""
    request = ExportRequest(tree=parse_file(EDITION), source=EDITION, output=Path(output))
    pdf_format.export(request)
    return typeset._resident.process.pid, Path(output).read_bytes()


@pytest.mark.slow
def test_a_pool_worker_keeps_its_typst_worker_and_the_bytes_stay_the_same(tmp_path):
    results = {}
    usage = pool.run([(i, str(tmp_path / f"{i}.pdf")) for i in range(3)], _export_in_worker,
                     jobs=1, on_done=results.__setitem__)
    assert sorted(results) == [0, 1, 2] and all(isinstance(r, tuple) for r in results.values()), results
    pids = {pid for pid, _ in results.values()}
    assert len(pids) == 1
    alone = tmp_path / "alone.pdf"
    pdf_format.export(ExportRequest(tree=parse_file(EDITION), source=EDITION, output=alone))
    assert {pdf for _, pdf in results.values()} == {alone.read_bytes()}
    assert usage.worker_peak > 0
    # it ended with the pool worker
    pid, = pids
    deadline = time.monotonic() + 30
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists()
