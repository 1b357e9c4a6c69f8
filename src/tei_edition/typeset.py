"""Typst source to PDF, in a worker process with a time limit.

The compile runs in a fresh temporary root holding only the generated ``main.typ``
and the layout template, with empty package folders, so a document can neither read
other files nor fetch ``@preview`` packages. It runs in a child process (this module,
``python -m tei_edition.typeset``) that is killed when it overruns its time. A Typst
error is mapped back, through the ``// tei:LINE NAME`` marks of the generated source,
to the TEI element and line that produced the failing code.

The ``typst`` package is imported only in the worker (and by ``fonts()``), never when
the command line starts.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
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

_MARK = re.compile(r"// tei:(\d+) (\S+)\s*$")
_WHERE = re.compile(r"([\w./-]*?)(main\.typ|" + re.escape(TEMPLATE_NAME) + r"):(\d+):(\d+)")


@dataclass
class Typeset:
    """A compiled PDF and the warnings Typst gave."""

    pdf: bytes
    warnings: list[str] = field(default_factory=list)


def compile_pdf(source: str, template: Path, *, standards: tuple[str, ...] = (),
                timestamp: int = 0, timeout: float = DEFAULT_TIMEOUT,
                tei_path: str | None = None) -> Typeset:
    """Compile generated Typst ``source`` (which imports ``TEMPLATE_NAME``) to PDF bytes."""
    with tempfile.TemporaryDirectory(prefix="tei-edition-typst-") as work_dir:
        work = Path(work_dir)
        root = work / "root"
        for folder in (root, work / "packages", work / "package-cache"):
            folder.mkdir()
        (root / MAIN_NAME).write_text(source, encoding="utf-8")
        shutil.copyfile(template, root / TEMPLATE_NAME)
        job = {
            "root": str(root), "main": str(root / MAIN_NAME), "output": str(work / "out.pdf"),
            "standards": list(standards), "timestamp": int(timestamp),
            "package_path": str(work / "packages"),
            "package_cache_path": str(work / "package-cache"),
        }
        try:
            done = subprocess.run([sys.executable, "-m", "tei_edition.typeset"],
                                  input=json.dumps(job), capture_output=True, text=True,
                                  timeout=timeout, env=_worker_env(), check=False)
        except subprocess.TimeoutExpired:
            raise TransformError(f"Typst did not finish typesetting within {timeout:g} seconds "
                                 "and was stopped", path=tei_path) from None
        try:
            report = json.loads(done.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            detail = (done.stderr or "").strip().splitlines()[-1:] or ["no output"]
            raise TransformError(f"the Typst worker ended without a result (exit {done.returncode}): "
                                 f"{detail[0][:300]}", path=tei_path) from None
        if not report.get("ok"):
            raise typst_error(report, source, tei_path,
                              template_source=template.read_text(encoding="utf-8"))
        return Typeset((work / "out.pdf").read_bytes(), report.get("warnings", []))


def _worker_env() -> dict[str, str]:
    """The child sees the same package path; nothing else is needed from us."""
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
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

def _work(job: dict) -> dict:
    import warnings

    import typst

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            compiler = typst.Compiler(
                job["main"], root=job["root"], package_path=job["package_path"],
                package_cache_path=job["package_cache_path"])
            _, typst_warnings = compiler.compile_with_warnings(
                output=job["output"], format="pdf", pdf_standards=job["standards"],
                timestamp=job["timestamp"], pdf_tags=True)
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
    return {"ok": True, "warnings": [str(w) for w in found]}


def main() -> None:
    job = json.loads(sys.stdin.read())
    print(json.dumps(_work(job)))


if __name__ == "__main__":
    main()
