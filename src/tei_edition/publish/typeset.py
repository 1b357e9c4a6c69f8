"""Typst source to PDF, in a worker process with a time limit.

The compile runs in a fresh temporary root holding only the generated ``main.typ``
and the layout template, with empty package folders, so a document can neither read
other files nor fetch ``@preview`` packages. It runs in a child process (this module,
``python -m tei_edition.publish.typeset``) that is killed when it overruns its time. A Typst
error is mapped back, through the ``// tei:LINE NAME`` marks of the generated source,
to the TEI element and line that produced the failing code.

The ``typst`` package is imported only in the worker (and by ``fonts()``), never when
the command line starts.

Nothing outlives the command: the worker's output goes to unnamed temporary files, and
the work folder is removed by whichever side ends first. The parent removes it after
the compile, on an error, on Ctrl-C and on SIGTERM (``cancel``); the worker removes it
when it has delivered the PDF, when it gets SIGINT, SIGTERM or SIGHUP, and when its
parent is gone (killed, or ended by a signal while Saxon held it, see ``transform``).
"""

from __future__ import annotations

import json
import os
import re
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


class Compile:
    """One Typst compile in a worker process.

    The worker starts at once (``Compile()``) and loads Typst and the fonts while the
    caller is still making the Typst source; ``submit`` hands it the source, ``wait``
    collects the PDF, ``cancel`` stops it. The time limit counts from ``submit``. The
    worker's output goes to unnamed temporary files, not pipes: nobody reads a pipe
    while the caller does other work, and a full pipe would stall the worker. Its
    report comes first, then the PDF's bytes."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, tei_path: str | None = None,
                 memory_limit: int | None = None, limit_hint: str = ""):
        self._timeout, self._tei_path = timeout, tei_path
        # The worker's data segment (heap) is bounded: Typst stops at this many bytes
        # instead of taking the machine's memory. ``limit_hint`` says how to lift it.
        self._memory_limit, self._limit_hint = memory_limit, limit_hint
        self._deadline = None
        self._source, self._template = "", None
        self._work_dir = tempfile.TemporaryDirectory(prefix=_WORK_PREFIX,
                                                     ignore_cleanup_errors=True)
        work = Path(self._work_dir.name)
        self._stdout, self._stderr = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        try:
            for folder in ("root", "packages", "package-cache"):
                (work / folder).mkdir()
            self._process = subprocess.Popen(
                [sys.executable, "-m", "tei_edition.publish.typeset"], stdin=subprocess.PIPE,
                stdout=self._stdout, stderr=self._stderr, env=_worker_env(work))
        except BaseException:
            self._close()
            raise

    def submit(self, source: str, template: Path, *, standards: tuple[str, ...] = (),
               timestamp: int = 0, query: str | None = None) -> "Compile":
        """Give the worker the generated ``source`` (which imports ``TEMPLATE_NAME``)."""
        self._source, self._template = source, template
        self._deadline = time.monotonic() + self._timeout
        work = Path(self._work_dir.name)
        root = work / "root"
        try:
            (root / MAIN_NAME).write_text(source, encoding="utf-8")
            shutil.copyfile(template, root / TEMPLATE_NAME)
            job = {
                "root": str(root), "main": str(root / MAIN_NAME), "output": str(work / "out.pdf"),
                "standards": list(standards), "timestamp": int(timestamp),
                "memory_limit": self._memory_limit, "query": query,
                "package_path": str(work / "packages"),
                "package_cache_path": str(work / "package-cache"),
            }
            try:
                self._process.stdin.write(json.dumps(job).encode("utf-8"))
                self._process.stdin.close()
            except BrokenPipeError:
                pass  # the worker died early: wait() reports what it said
        except BaseException:
            self.cancel()
            raise
        return self

    def wait(self) -> Typeset:
        """The PDF, once the worker is done; the worker is stopped at its time limit."""
        try:
            try:
                if self._deadline is None:
                    raise TransformError("nothing was submitted to the Typst worker", path=self._tei_path)
                self._process.wait(timeout=max(0.0, self._deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                raise TransformError(f"Typst did not finish typesetting within {self._timeout:g} "
                                     "seconds and was stopped", path=self._tei_path) from None
            return self._result()
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop the worker if it still runs and remove its files (safe to repeat)."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        if self._process.stdin and not self._process.stdin.closed:
            try:
                self._process.stdin.close()
            except OSError:
                pass
        self._close()

    def _close(self) -> None:
        self._work_dir.cleanup()
        for handle in (self._stdout, self._stderr):
            handle.close()

    def _result(self) -> Typeset:
        self._stdout.seek(0)
        output = self._stdout.read()
        self._stderr.seek(0)
        stderr = self._stderr.read().decode("utf-8", errors="replace")
        report, pdf = _split_output(output)
        if self._memory_limit and ((report is None and "memory allocation of" in stderr)
                                   or (report or {}).get("memory")):
            raise TransformError(f"Typst needed more than the {self._memory_limit / 1e9:.1f} GB of "
                                 f"memory allowed for this book and was stopped"
                                 + (f"; {self._limit_hint}" if self._limit_hint else ""),
                                 path=self._tei_path)
        if report is None:
            detail = stderr.strip().splitlines()[-1:] or ["no output"]
            raise TransformError(f"the Typst worker ended without a result (exit "
                                 f"{self._process.returncode}): {detail[0][:300]}",
                                 path=self._tei_path) from None
        if not report.get("ok"):
            template = self._template.read_text(encoding="utf-8") if self._template else ""
            raise typst_error(report, self._source, self._tei_path, template_source=template)
        return Typeset(pdf, report.get("warnings", []), report.get("queried"))


def _split_output(output: bytes) -> tuple[dict | None, bytes]:
    """The worker's report (its last line before the PDF) and the PDF's bytes."""
    head, _, _ = output.partition(b"\n%PDF")  # the report line never holds a raw newline
    pdf = output[len(head) + 1:] if len(head) < len(output) else b""
    try:
        report = json.loads(head.decode("utf-8", "replace").strip().splitlines()[-1])
    except (IndexError, ValueError):
        return None, b""
    return (report, pdf) if isinstance(report, dict) else (None, b"")


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


def main() -> None:
    work = _own_work_dir()
    _guard(work, int(os.environ.get(_PARENT_ENV) or os.getppid()))
    # Typst and the fonts load while the parent is still making the source.
    import typst

    fonts = typst.Fonts(include_system_fonts=True, include_embedded_fonts=True)
    job = json.loads(sys.stdin.read())
    limit = job.get("memory_limit")
    if limit:
        import resource

        # the heap of this process from here on (fonts are mapped files, not counted)
        hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_DATA, (int(limit), hard))
    report = _work(job, fonts)
    pdf = Path(job["output"]).read_bytes() if report.get("ok") else b""
    out = sys.stdout.buffer
    out.write(json.dumps(report).encode("utf-8") + b"\n" + pdf)
    out.flush()
    if work is not None:  # delivered: nothing of it is needed any more
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
