"""Typst source to PDF, in a worker process with a time limit.

The compile runs in a temporary root holding only the generated ``main.typ`` and the
layout template (emptied before each job), with empty package folders, so a document
can neither read other files nor fetch ``@preview`` packages. It runs in a child
process (this module, ``python -m tei_edition.publish.typeset``) that is killed when
it overruns its time. A Typst error is mapped back, through the ``// tei:LINE NAME``
marks of the generated source, to the TEI element and line that produced the failing
code.

The worker loads Typst and the fonts once and then compiles job after job: a single
export uses it once; a build's worker process keeps one (``Compile(reuse=True)``) for
all its documents, each job with its own time limit and memory bound, and replaces it
when it overran, crashed, ran out of memory or kept much memory from a job.

The ``typst`` package is imported only in the worker (and by ``fonts()``), never when
the command line starts.

Nothing outlives the command: the worker's messages go to an unnamed temporary file,
and the work folder is removed by whichever side ends first. The parent removes it
when it closes the worker, on an error, on Ctrl-C and on SIGTERM (``cancel``); the
worker removes it when its input ends, when it gets SIGINT, SIGTERM or SIGHUP, and
when its parent is gone (killed, or ended by a signal while Saxon held it, see
``transform``).
"""

from __future__ import annotations

import atexit
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tei_edition.errors import TransformError
from tei_edition.publish.peak import own_peak, status

# The PDF standards Typst can target (its own names).
STANDARDS = ("1.4", "1.5", "1.6", "1.7", "2.0", "a-1a", "a-1b", "a-2a", "a-2b", "a-2u",
             "a-3a", "a-3b", "a-3u", "a-4", "a-4e", "a-4f", "ua-1")

# The name the generated source imports the layout template under.
TEMPLATE_NAME = "tei-edition.typ"
MAIN_NAME = "main.typ"

DEFAULT_TIMEOUT = 300.0

# The worker learns its folder and its parent from these (see ``_guard``).
_WORK_ENV = "TEI_EDITION_TYPST_WORK"
_PARENT_ENV = "TEI_EDITION_TYPST_PARENT"
_WORK_PREFIX = "tei-edition-typst-"

_MARK = re.compile(r"// tei:(\d+) (\S+)\s*$")
_WHERE = re.compile(r"([\w./-]*?)(main\.typ|" + re.escape(TEMPLATE_NAME) + r"):(\d+):(\d+)")


@dataclass
class Typeset:
    """A compiled PDF and the warnings Typst gave."""

    pdf: bytes
    warnings: list[str] = field(default_factory=list)
    # the JSON of what a ``query`` selector found in the layout (values of metadata), if asked
    queried: str | None = None


def compile_pdf(source: str, template: Path, *, standards: tuple[str, ...] = (),
                timestamp: int = 0, timeout: float = DEFAULT_TIMEOUT,
                tei_path: str | None = None) -> Typeset:
    """Compile generated Typst ``source`` (which imports ``TEMPLATE_NAME``) to PDF bytes."""
    return start_pdf(source, template, standards=standards, timestamp=timestamp,
                     timeout=timeout, tei_path=tei_path).wait()


def start_pdf(source: str, template: Path, *, standards: tuple[str, ...] = (),
              timestamp: int = 0, timeout: float = DEFAULT_TIMEOUT,
              tei_path: str | None = None) -> "Compile":
    """Start compiling ``source`` in a worker and return at once; ``wait()`` on the
    result gives the PDF (or raises). The time limit counts from now."""
    return Compile(timeout=timeout, tei_path=tei_path).submit(
        source, template, standards=standards, timestamp=timestamp)


class Worker:
    """A Typst worker process (``python -m tei_edition.publish.typeset``): it loads Typst
    and the fonts once, then compiles one job after another. A job is a line of JSON on
    its stdin; the worker writes the PDF into its work folder and a one-line report to
    its stdout. What it says on stderr (a panic, an allocation failure) goes to an
    unnamed temporary file. Its root folder is emptied before each job, so a job sees
    only its own source and the template."""

    def __init__(self):
        self.work_dir = tempfile.TemporaryDirectory(prefix=_WORK_PREFIX, ignore_cleanup_errors=True)
        self.work = Path(self.work_dir.name)
        self.stderr = tempfile.TemporaryFile()
        self.busy = False  # a ``Compile`` holds it
        self._unread = b""
        try:
            for folder in ("root", "packages", "package-cache"):
                (self.work / folder).mkdir()
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tei_edition.publish.typeset"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=self.stderr, env=_worker_env(self.work))
        except BaseException:
            self.work_dir.cleanup()
            self.stderr.close()
            raise

    def alive(self) -> bool:
        return self.process.poll() is None

    def fresh_root(self) -> Path:
        """The root folder, emptied of the last job's files."""
        root = self.work / "root"
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir()
        return root

    def send(self, job: dict) -> int:
        """Hand the worker a job; returns where its stderr for this job begins."""
        self.stderr.seek(0, os.SEEK_END)
        offset = self.stderr.tell()
        try:
            self.process.stdin.write(json.dumps(job).encode("utf-8") + b"\n")
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass  # the worker died early: ``receive`` finds it gone
        return offset

    def receive(self, deadline: float) -> dict | None:
        """The report of the job sent last; None if the worker ended without one.
        Raises ``TimeoutError`` when none came by ``deadline`` (``time.monotonic``)."""
        fd = self.process.stdout.fileno()
        while b"\n" not in self._unread:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return None
            self._unread += chunk
        line, _, self._unread = self._unread.partition(b"\n")
        try:
            report = json.loads(line.decode("utf-8", "replace"))
        except ValueError:
            return None
        if isinstance(report, dict):
            global _peak
            _peak = max(_peak, int(report.get("peak") or 0))
            return report
        return None

    def errors(self, offset: int) -> str:
        """What the worker wrote to stderr since ``offset``."""
        self.stderr.seek(offset)
        return self.stderr.read().decode("utf-8", errors="replace")

    def close(self, *, kill: bool = True) -> None:
        """End the worker (at once, or once it has seen the end of its input) and
        remove its files (safe to repeat)."""
        if self.alive() and not kill:
            try:
                self.process.stdin.close()
                self.process.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if self.alive():
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.work_dir.cleanup()
        self.stderr.close()


# A worker that stays for the life of this process (a build's worker process renders
# many documents): compiles after the first cost no start and no font loading. It is
# replaced when it crashed, overran or ran out of memory, and when it kept more memory
# than ``RETIRE_GROWTH`` from a job.
_resident: Worker | None = None
RETIRE_GROWTH = 256 * 1024 * 1024
_peak = 0  # the largest peak memory (bytes) a worker of this process reported


def worker_peak() -> int:
    """The peak resident memory (bytes) of the Typst workers of this process so far,
    as they reported it (a worker that stays is not counted by ``RUSAGE_CHILDREN``)."""
    return _peak


def _take_worker(reuse: bool) -> tuple[Worker, bool]:
    """A worker for one compile, and whether it is the caller's own (to close after)."""
    global _resident
    if not reuse:
        return Worker(), True
    if _resident is not None and not _resident.alive():
        _resident.close()
        _resident = None
    if _resident is None:
        _resident = Worker()
    if _resident.busy:  # another compile holds it
        return Worker(), True
    _resident.busy = True
    return _resident, False


def close_resident() -> None:
    """Stop the worker that stays, if any (at the end of a build worker's life)."""
    global _resident
    if _resident is not None:
        worker, _resident = _resident, None
        worker.close(kill=worker.busy)


atexit.register(close_resident)


class Compile:
    """One Typst compile in a worker process.

    The worker starts at once (``Compile()``) and loads Typst and the fonts while the
    caller is still making the Typst source, or (``reuse``) is the worker that stays
    in this process, already loaded. ``submit`` hands it the source, ``wait`` collects
    the PDF, ``cancel`` stops it. The time limit counts from ``submit``; the memory
    bound (``memory_limit``, the worker's heap) holds for each job alone."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, tei_path: str | None = None,
                 memory_limit: int | None = None, limit_hint: str = "", reuse: bool = False):
        self._timeout, self._tei_path = timeout, tei_path
        # The worker's data segment (heap) is bounded: Typst stops at this many bytes
        # instead of taking the machine's memory. ``limit_hint`` says how to lift it.
        self._memory_limit, self._limit_hint = memory_limit, limit_hint
        self._deadline = None
        self._source, self._template = "", None
        self._offset = 0
        self._reusable = False  # the job is done and left the worker fit for the next
        self._worker, self._own = _take_worker(reuse)
        self._process, self._work_dir = self._worker.process, self._worker.work_dir

    def submit(self, source: str, template: Path, *, standards: tuple[str, ...] = (),
               timestamp: int = 0, query: str | None = None) -> "Compile":
        """Give the worker the generated ``source`` (which imports ``TEMPLATE_NAME``)."""
        self._source, self._template = source, template
        self._deadline = time.monotonic() + self._timeout
        worker = self._worker
        try:
            root = worker.fresh_root()
            (root / MAIN_NAME).write_text(source, encoding="utf-8")
            shutil.copyfile(template, root / TEMPLATE_NAME)
            output = worker.work / "out.pdf"
            output.unlink(missing_ok=True)
            self._offset = worker.send({
                "root": str(root), "main": str(root / MAIN_NAME), "output": str(output),
                "standards": list(standards), "timestamp": int(timestamp),
                "memory_limit": self._memory_limit, "query": query,
                "package_path": str(worker.work / "packages"),
                "package_cache_path": str(worker.work / "package-cache"),
            })
        except BaseException:
            self.cancel()
            raise
        return self

    def wait(self) -> Typeset:
        """The PDF, once the worker is done; the worker is stopped at its time limit."""
        try:
            if self._deadline is None:
                raise TransformError("nothing was submitted to the Typst worker", path=self._tei_path)
            try:
                report = self._worker.receive(self._deadline)
            except TimeoutError:
                raise TransformError(f"Typst did not finish typesetting within {self._timeout:g} "
                                     "seconds and was stopped", path=self._tei_path) from None
            return self._result(report)
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop the worker if it still runs and remove its files (safe to repeat); a
        worker that stays and finished its job cleanly is kept for the next."""
        global _resident
        worker, self._worker = self._worker, None
        if worker is None:
            return
        worker.busy = False
        if self._own or not self._reusable or not worker.alive():
            if worker is _resident:
                _resident = None
            worker.close(kill=not self._reusable)

    def _result(self, report: dict | None) -> Typeset:
        worker = self._worker
        stderr = worker.errors(self._offset) if report is None or not report.get("ok") else ""
        if self._memory_limit and ((report is None and "memory allocation of" in stderr)
                                   or (report or {}).get("memory")):
            raise TransformError(f"Typst needed more than the {self._memory_limit / 1e9:.1f} GB of "
                                 f"memory allowed for this book and was stopped"
                                 + (f"; {self._limit_hint}" if self._limit_hint else ""),
                                 path=self._tei_path)
        if report is None:
            worker.process.wait()
            detail = stderr.strip().splitlines()[-1:] or ["no output"]
            raise TransformError(f"the Typst worker ended without a result (exit "
                                 f"{worker.process.returncode}): {detail[0][:300]}",
                                 path=self._tei_path) from None
        self._reusable = not report.get("memory") and (report.get("grown") or 0) <= RETIRE_GROWTH
        if not report.get("ok"):
            template = self._template.read_text(encoding="utf-8") if self._template else ""
            raise typst_error(report, self._source, self._tei_path, template_source=template)
        output = worker.work / "out.pdf"
        pdf = quiet_mark_info(output.read_bytes())
        output.unlink()
        return Typeset(pdf, report.get("warnings", []), report.get("queried"))


# Typst tags every PDF it makes here (``pdf_tags=True``, PDF/A or not) and writes the
# catalogue's ``/MarkInfo<</Marked true/Suspects false>>``. ``/Suspects false`` is valid
# (and the default), but poppler (22.12, Debian 12's: pdftoppm, pdfinfo, the viewers built
# on it) reads a false value as a wrong type and prints "Syntax Error: Suspects object
# is wrong type (boolean)" for every file. The entry is blanked with as many spaces:
# every object keeps its offset, so the cross-reference table holds as Typst wrote it.
_SUSPECTS_FALSE = b"/MarkInfo<</Marked true/Suspects false>>"
_MARKED = b"/MarkInfo<</Marked true" + b" " * len(b"/Suspects false") + b">>"


def quiet_mark_info(pdf: bytes) -> bytes:
    """``pdf`` without its catalogue's default ``/Suspects false`` (when it is there
    once, as Typst writes it; anything else is left as it is)."""
    if pdf.count(_SUSPECTS_FALSE) != 1:
        return pdf
    return pdf.replace(_SUSPECTS_FALSE, _MARKED)


def _worker_env(work: Path) -> dict[str, str]:
    """The child sees the same package path, its work folder and who its parent is."""
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    env["RUST_BACKTRACE"] = "0"  # an allocation failure says one line, not a backtrace
    env[_WORK_ENV], env[_PARENT_ENV] = str(work), str(os.getpid())
    return env


def typst_error(report: dict, source: str, tei_path: str | None, *,
                template_source: str = "") -> TransformError:
    """A Typst failure named by the TEI element behind it, with Typst's own message.

    An error while evaluating the generated source has a place in ``main.typ`` (the
    call, or the call that led into the template): the nearest mark above it names
    the element. A layout error has a place in the template only: the template
    function around it names the kind of call, and the generated calls of that
    function name the element (or the first of several candidates)."""
    message = (report.get("message") or "error").strip()
    texts = [report.get("diagnostic") or "", *report.get("trace", [])]
    places = [m for text in texts for m in _WHERE.finditer(text)]
    in_main = [int(m.group(3)) for m in places if m.group(2) == MAIN_NAME]
    hints = "; ".join(h.strip() for h in report.get("hints", []) if h.strip())
    detail = f"{message}" + (f" (hint: {hints})" if hints else "")
    if in_main:
        line = in_main[0]
        element = _element_at(source, line)
        if element:
            tei_line, name = element
            return TransformError(f"Typst could not typeset the text from <{name}> (TEI line "
                                  f"{tei_line}; generated Typst line {line}): {detail}",
                                  path=tei_path, line=tei_line)
    in_template = [int(m.group(3)) for m in places if m.group(2) == TEMPLATE_NAME]
    function = _template_function(template_source, in_template[0]) if in_template else None
    calls = _calls_of(source, function) if function else []
    if calls:
        tei_line, name = calls[0]
        which = (f"<{name}>" if len(calls) == 1
                 else f"one of the {len(calls)} elements set by te.{function} (the first is <{name}>)")
        return TransformError(f"Typst could not lay out the text from {which} (TEI line {tei_line}): "
                              f"{detail}", path=tei_path, line=tei_line)
    where = next((f" ({m.group(2)} line {m.group(3)})" for m in places), "")
    return TransformError(f"Typst failed in the layout template{where}: {detail}", path=tei_path)


def _template_function(template: str, line: int) -> str | None:
    """The name of the top-level ``#let NAME(...)`` of the template around ``line``."""
    lines = template.splitlines()
    for number in range(min(line, len(lines)), 0, -1):
        found = re.match(r"#let ([\w-]+)\(", lines[number - 1])
        if found:
            return found.group(1)
    return None


def _calls_of(source: str, function: str) -> list[tuple[int, str]]:
    """The marked elements whose rendering calls ``te.FUNCTION`` on their line."""
    call = re.compile(r"(?<![\w-])te\." + re.escape(function) + r"\(")
    found = []
    for text in source.splitlines():
        mark = _MARK.search(text)
        if mark and call.search(text):
            found.append((int(mark.group(1)), mark.group(2)))
    return found


def _element_at(source: str, line: int) -> tuple[int, str] | None:
    """The TEI element whose rendering encloses generated line ``line`` (1-based)."""
    lines = source.splitlines()
    for number in range(min(line, len(lines)), 0, -1):
        mark = _MARK.search(lines[number - 1])
        if mark:
            return int(mark.group(1)), mark.group(2)
    return None


# ----- fonts ----------------------------------------------------------------

@cache
def font_families() -> frozenset[str]:
    """The font families Typst sees here: its embedded fonts and the system's."""
    import typst

    return frozenset(typst.Fonts(include_system_fonts=True).families())


# ----- the worker -------------------------------------------------------------

def _work(job: dict, fonts=None) -> dict:
    import warnings

    import typst

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            compiler = typst.Compiler(
                job["main"], root=job["root"], package_path=job["package_path"],
                package_cache_path=job["package_cache_path"],
                font_paths=fonts if fonts is not None else [])
            _, typst_warnings = compiler.compile_with_warnings(
                output=job["output"], format="pdf", pdf_standards=job["standards"],
                timestamp=job["timestamp"], pdf_tags=True)
            queried = None
            if job.get("query"):
                # the same compiler: its layout is cached, the query costs little more
                queried = compiler.query(job["query"], field="value", format="json")
    except MemoryError:
        return {"ok": False, "memory": True, "message": "out of memory"}
    except typst.TypstError as exc:
        return {"ok": False, "message": getattr(exc, "message", str(exc)),
                "diagnostic": getattr(exc, "diagnostic", ""),
                "hints": list(getattr(exc, "hints", []) or []),
                "trace": list(getattr(exc, "trace", []) or [])}
    except Exception as exc:  # a panic or an I/O error: still one report
        return {"ok": False, "message": f"{type(exc).__name__}: {exc}", "diagnostic": "",
                "hints": [], "trace": []}
    found = [getattr(w, "message", str(w)) for w in typst_warnings]
    found += [str(w.message) for w in caught]
    return {"ok": True, "warnings": [str(w) for w in found], "queried": queried}


_STOP_SIGNALS = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                 if hasattr(signal, name)}


def _guard(work: Path | None, parent: int) -> None:
    """Remove ``work`` and end at once on SIGINT, SIGTERM or SIGHUP, or when the parent
    is gone (``terminate.guard``), even while Typst computes."""
    from tei_edition.terminate import guard

    def remove_and_exit(code: int) -> None:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
        os._exit(code)

    guard(parent, remove_and_exit, signals=_STOP_SIGNALS)


def _own_work_dir() -> Path | None:
    """The folder the parent named, if it is one of ours (never remove anything else)."""
    named = os.environ.get(_WORK_ENV)
    if not named:
        return None
    path = Path(named)
    ours = path.name.startswith(_WORK_PREFIX) and path.parent == Path(tempfile.gettempdir())
    return path if ours else None


def _data_size() -> int:
    """The size (bytes) of this process's data segment, what ``RLIMIT_DATA`` bounds
    (0 where /proc does not say)."""
    return status("VmData") or 0


def _bounded(limit: int | None, base: int):
    """The heap of this process bounded for one job: to ``limit`` as a fresh worker
    would be (``base`` is its data size before any job), however much earlier jobs
    left behind. Returns how to lift the bound again."""
    if not limit:
        return lambda: None
    try:
        import resource
    except ImportError:
        return lambda: None
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    bound = int(limit) + max(0, _data_size() - base)
    if hard != resource.RLIM_INFINITY:
        bound = min(bound, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (bound, hard))
    return lambda: resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def main() -> None:
    work = _own_work_dir()
    _guard(work, int(os.environ.get(_PARENT_ENV) or os.getppid()))
    # Typst and the fonts load once, while the parent is still making the first source.
    import typst

    fonts = typst.Fonts(include_system_fonts=True, include_embedded_fonts=True)
    base = _data_size()  # (fonts are mapped files, not counted)
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        job = json.loads(line)
        unbound = _bounded(job.get("memory_limit"), base)
        try:
            report = _work(job, fonts)
        finally:
            unbound()
        report["grown"] = max(0, _data_size() - base)
        report["peak"] = own_peak()
        out.write(json.dumps(report).encode("utf-8") + b"\n")
        out.flush()
    if work is not None:  # the parent has no more jobs: nothing of it is needed any more
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
