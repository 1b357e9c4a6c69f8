"""The static HTML edition: ``xslt/html/html.xsl`` makes every page and the search
index; this module checks the options, hands the document and its registers to
Saxon, and writes the site folder atomically with the static assets beside it.

The stylesheet returns a sequence of strings, each file's path then its text, already
serialised; Python only writes them (no markup is built here, and none is re-parsed:
a page of any size goes through, whatever the XML parser's limits).

Time bound: Saxon holds the interpreter while it transforms, so nothing in this
process can stop it. The transform therefore runs in a worker process (this module,
``python -m tei_edition.publish.formats.html``), started once and reused, which is
killed when one export overruns its time (``timeout``, seconds; ``--timeout`` lifts
it); the error names the limit. The document travels to the worker as our own
serialisation with each element's source line, so messages name the same lines.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import selectors
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tei_edition import resources
from tei_edition import errors
from tei_edition.errors import InputError, ResourceError, TransformError, UsageError
from tei_edition.publish.run import run_format
from tei_edition.publish.formats import ExportRequest, ExportResult
from tei_edition.xml.output import atomic_directory, safe_child

STYLESHEET = "html/html.xsl"
READINGS = ("normalised", "diplomatic")
# The static files every site carries, from xslt/html/assets/ (shipped in the wheel).
ASSETS = ("edition.css", "edition.js")
_SAFE_PATH = re.compile(r"^[a-z][a-z0-9-]*\.(html|js)$")
# Seconds one export may take (about 100x what the largest real documents need).
DEFAULT_TIMEOUT = 600.0
LINE_ATTR = "{urn:x-tei-edition}line"  # as transform.LINE_ATTR: the source line of an element


@dataclass
class Site:
    """The files of the site (relative path -> text), warnings and coverage."""

    files: dict[str, str]
    warnings: list[str] = field(default_factory=list)
    coverage: dict[str, int] = field(default_factory=dict)


def parameters(*, reading: str = "normalised", collection_page=None) -> dict:
    """The stylesheet's parameters. ``collection_page``: a document's page in a
    collection site (the tree ``tei_edition.publish.site.page_parameters`` makes)."""
    if reading not in READINGS:
        raise UsageError(f"--reading must be one of {', '.join(READINGS)} (got {reading!r})")
    params = {"reading": reading}
    if collection_page is not None:
        params["collection-page"] = collection_page
    return params


def render(tree, source: Path, *, timeout: float | None = DEFAULT_TIMEOUT, **options) -> Site:
    """Every page of the edition of a parsed TEI document, as text. With a ``timeout``
    (seconds) the transform runs in the worker process and is stopped when it
    overruns; ``timeout=None`` runs it here, unbounded."""
    parameters(**options)  # a bad option is refused before any work
    if timeout is None:
        return _render_here(tree, source, **options)
    if not timeout > 0:
        raise UsageError(f"the HTML time limit must be positive (got {timeout!r})")
    return _render_in_worker(tree, source, options, float(timeout))


def _render_here(tree, source: Path, **options) -> Site:
    strings, messages = run_format(STYLESHEET, tree, source, parameters(**options), strings=True)
    if len(strings) % 2:
        raise TransformError(f"{STYLESHEET} returned an odd number of strings "
                             "(expected path, text pairs)", path=str(source))
    files: dict[str, str] = {}
    pairs = iter(strings)
    for name, text in zip(pairs, pairs):
        if not _SAFE_PATH.match(name) or name in files:
            raise TransformError(f"{STYLESHEET} returned an unexpected file name {name!r}",
                                 path=str(source))
        files[name] = text
    return Site(files, messages.warnings, messages.coverage)


def export(request: ExportRequest) -> ExportResult:
    site = render(request.tree, request.source, **request.options)
    target = Path(request.output)
    _check_target(target, Path(request.source))
    assets = resources.xslt_dir() / "html" / "assets"
    with atomic_directory(target) as staging:
        staging.chmod(0o755)  # a temporary folder is private; a site is for reading
        for name, text in sorted(site.files.items()):
            safe_child(staging, name).write_bytes(text.encode("utf-8"))
        (staging / "assets").mkdir()
        for name in ASSETS:
            source = assets / name
            if not source.is_file():
                raise ResourceError(f"asset {name} is missing from {assets}; reinstall tei-edition")
            (staging / "assets" / name).write_bytes(source.read_bytes())
    return ExportResult([target], site.warnings, site.coverage)


# ---------------------------------------------------------------- the worker process

class _Worker:
    """One worker process that renders sites, one job at a time, until it is killed
    (at a time limit) or this process ends. Jobs and results go through files in a
    private temporary folder; the worker says "done" on its own pipe."""

    def __init__(self):
        self._folder = tempfile.TemporaryDirectory(prefix=_FOLDER_PREFIX, ignore_cleanup_errors=True)
        self.folder = Path(self._folder.name)
        self._stderr = open(self.folder / "stderr", "wb")
        self.process = subprocess.Popen([sys.executable, "-m", "tei_edition.publish.formats.html"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self._stderr,
                                        env={**os.environ, _FOLDER_ENV: str(self.folder)})
        self.jobs = 0

    def alive(self) -> bool:
        return self.process.poll() is None

    def render(self, tree, source: Path, options: dict, timeout: float) -> Site:
        from tei_edition.xml.parse import current_limits

        self.jobs += 1
        document, result = self.folder / f"{self.jobs}.xml", self.folder / f"{self.jobs}.json"
        page = self.folder / f"{self.jobs}-page.xml"
        _write_with_lines(tree, document)
        options = dict(options)
        if options.get("collection_page") is not None:
            _write_with_lines(options.pop("collection_page"), page)
            options["collection_page"] = str(page)
        limits = current_limits()
        job = {"document": str(document), "source": str(source), "options": options, "result": str(result),
               "limits": {"huge": limits.huge, "max_bytes": limits.max_bytes, "xinclude": limits.xinclude}}
        try:
            self.process.stdin.write((json.dumps(job) + "\n").encode("utf-8"))
            self.process.stdin.flush()
            self._wait(timeout, source)
            answer = json.loads(result.read_text(encoding="utf-8"))
        except (BrokenPipeError, FileNotFoundError, json.JSONDecodeError):
            self.close()
            raise TransformError(f"the HTML worker stopped unexpectedly: {self._said()}", path=str(source)) from None
        finally:
            for used in (document, result, page):
                used.unlink(missing_ok=True)
        if "error" in answer:
            raise _error(answer["error"])
        return Site(answer["files"], answer["warnings"], answer["coverage"])

    def _wait(self, timeout: float, source: Path) -> None:
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(timeout=left):
                    self.close()
                    raise ResourceError(f"the HTML export did not finish within {timeout:g} seconds and was "
                                        f"stopped; pass --timeout SECONDS to allow more", path=str(source))
                line = self.process.stdout.readline()
                if not line:
                    raise BrokenPipeError
                if line.strip() == b"done":
                    return

    def _said(self) -> str:
        self._stderr.flush()
        lines = (self.folder / "stderr").read_text(encoding="utf-8", errors="replace").strip().splitlines()
        return lines[-1] if lines else f"exit status {self.process.returncode}"

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self._stderr):
            try:
                stream.close()
            except OSError:
                pass
        self._folder.cleanup()


# The worker's private folder, named to it so that it can remove it itself when its
# input ends: the parent may have been killed, or ended by a signal inside Saxon.
_FOLDER_PREFIX = "tei-edition-html-"
_FOLDER_ENV = "TEI_EDITION_HTML_WORK"

_current: _Worker | None = None
_lock = threading.Lock()  # one job at a time in the worker (Saxon held the GIL anyway)


def prepare() -> None:
    """Start the worker now (it loads Saxon and compiles the stylesheet while the
    caller does other work, e.g. validation), so that the first export need not wait."""
    with _lock:
        _ready_worker()


def _ready_worker() -> _Worker:
    global _current
    if _current is None or not _current.alive():
        if _current is not None:
            _current.close()
        _current = _Worker()
    return _current


def _render_in_worker(tree, source: Path, options: dict, timeout: float) -> Site:
    with _lock:
        return _ready_worker().render(tree, source, options, timeout)


@atexit.register
def _stop_worker() -> None:
    if _current is not None:
        _current.close()


def _write_with_lines(tree, path: Path) -> None:
    """Our serialisation of the tree, each element carrying its source line."""
    from lxml import etree

    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    marked = list(root.iter(etree.Element))
    for el in marked:
        el.set(LINE_ATTR, str(el.sourceline or 0))
    try:
        path.write_bytes(etree.tostring(root, encoding="utf-8"))
    finally:
        for el in marked:
            del el.attrib[LINE_ATTR]


def _read_with_lines(path: Path):
    """The tree the parent wrote, with the parent's source lines (ours, so no limits)."""
    from lxml import etree

    parser = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True, load_dtd=False)
    tree = etree.parse(str(path), parser)
    for el in tree.getroot().iter(etree.Element):
        line = el.attrib.pop(LINE_ATTR, None)
        if line is not None:
            el.sourceline = int(line)
    return tree


def _error(data: dict) -> Exception:
    kind = getattr(errors, data.get("kind", ""), None)
    if not (isinstance(kind, type) and issubclass(kind, errors.TeiEditionError)):
        kind = TransformError
    where = {k: data.get(k) for k in ("path", "line", "column")}
    if kind is TransformError:
        return TransformError(data["message"], code=data.get("code"), **where)
    return kind(data["message"], **where)


def _serve() -> None:
    """The worker: one job a line on stdin, the result in the job's file, "done" on
    the protocol pipe (the original stdout; anything else printed goes to stderr)."""
    from tei_edition.xml.parse import set_limits

    from tei_edition.publish import transform

    protocol = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    transform.compiled(STYLESHEET)  # while the parent gets the job ready
    for line in sys.stdin:
        job = json.loads(line)
        try:
            set_limits(**job["limits"])
            options = job["options"]
            if options.get("collection_page"):
                options["collection_page"] = _read_with_lines(Path(options["collection_page"]))
            site = _render_here(_read_with_lines(Path(job["document"])), Path(job["source"]), **options)
            answer = {"files": site.files, "warnings": site.warnings, "coverage": site.coverage}
        except errors.TeiEditionError as exc:
            answer = {"error": {"kind": type(exc).__name__, "message": exc.message, "path": exc.path,
                                "line": exc.line, "column": exc.column, "code": getattr(exc, "code", None)}}
        except Exception as exc:  # a bug: reported as a failed transform, the worker lives on
            answer = {"error": {"kind": "TransformError", "message": f"{type(exc).__name__}: {exc}"}}
        Path(job["result"]).write_text(json.dumps(answer), encoding="utf-8")
        protocol.write("done\n")
        protocol.flush()


def _check_target(target: Path, source: Path) -> None:
    """Never replace the folder that holds the source document (atomic_directory
    itself refuses folders it did not make)."""
    resolved = target.resolve()
    if resolved == source.resolve().parent or resolved in source.resolve().parents:
        raise InputError("refusing to replace the folder that holds the source document",
                         path=str(target))


def _serve_then_clean_up() -> None:
    try:
        _serve()
    finally:
        folder = Path(os.environ.get(_FOLDER_ENV, ""))
        if folder.name.startswith(_FOLDER_PREFIX) and folder.parent == Path(tempfile.gettempdir()):
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    _serve_then_clean_up()
