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
it); the error names the limit. The document travels to the worker through a pipe as
our own serialisation with each element's source line, so messages name the same
lines; nothing is written to disk, and the worker ends with its parent.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import selectors
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tei_edition import errors, resources
from tei_edition.errors import InputError, ResourceError, TransformError, UsageError
from tei_edition.publish.run import active_collection_register, run_format
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
    overruns; ``timeout=None`` runs it here, unbounded. Inside a collection's register
    (a build's worker, which has time and memory limits of its own) it runs here too:
    the register lives in this process."""
    parameters(**options)  # a bad option is refused before any work
    if timeout is None or active_collection_register() is not None:
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
        # a page of a collection uses the collection site's assets (publish.site)
        own_assets = request.options.get("collection_page") is None
        if own_assets:
            (staging / "assets").mkdir()
        for name in ASSETS if own_assets else ():
            source = assets / name
            if not source.is_file():
                raise ResourceError(f"asset {name} is missing from {assets}; reinstall tei-edition")
            (staging / "assets" / name).write_bytes(source.read_bytes())
    return ExportResult([target], site.warnings, site.coverage)


# ---------------------------------------------------------------- the worker process
#
# Frames on the pipes: one JSON header line, then the bytes it announces. The parent
# sends {"source", "options", "limits", "sizes": [document, page]} and the documents
# (our serialisation, with source lines); the worker answers {"size"} and the result as
# JSON. Nothing is written to disk, so nothing is left behind however either side ends;
# on Linux the worker is killed with its parent (PR_SET_PDEATHSIG).

class _Worker:
    """One worker process that renders sites, one job at a time, until it is killed
    (at a time limit) or this process ends."""

    def __init__(self):
        self._stderr = tempfile.TemporaryFile()  # no name: gone with its last handle
        self.process = subprocess.Popen([sys.executable, "-m", "tei_edition.publish.formats.html"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self._stderr, env=_worker_env())

    def alive(self) -> bool:
        return self.process.poll() is None

    def render(self, tree, source: Path, options: dict, timeout: float) -> Site:
        from tei_edition.xml.parse import current_limits

        options = dict(options)
        page = options.pop("collection_page", None)
        blobs = [_with_lines(tree), _with_lines(page) if page is not None else b""]
        limits = current_limits()
        header = {"source": str(source), "options": options, "sizes": [len(b) for b in blobs],
                  "limits": {"huge": limits.huge, "max_bytes": limits.max_bytes, "xinclude": limits.xinclude}}
        deadline = time.monotonic() + timeout
        try:
            self.process.stdin.write(json.dumps(header).encode("utf-8") + b"\n")
            for blob in blobs:
                self.process.stdin.write(blob)
            self.process.stdin.flush()
            answer = json.loads(self._read_answer(deadline, timeout, source))
        except (BrokenPipeError, EOFError, ValueError):
            self.close()
            raise TransformError(f"the HTML worker stopped unexpectedly: {self._said()}",
                                 path=str(source)) from None
        if "error" in answer:
            raise _error(answer["error"])
        return Site(answer["files"], answer["warnings"], answer["coverage"])

    def _read_answer(self, deadline: float, timeout: float, source: Path) -> bytes:
        """The answer's bytes, read as they come until the deadline."""
        fd = self.process.stdout.fileno()
        buffer, size = bytearray(), None
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while size is None or len(buffer) < size:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(timeout=left):
                    self.close()
                    raise ResourceError(f"the HTML export did not finish within {timeout:g} seconds and was "
                                        f"stopped; pass --timeout SECONDS to allow more", path=str(source))
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise EOFError
                buffer += chunk
                if size is None and b"\n" in buffer:
                    line, _, rest = bytes(buffer).partition(b"\n")
                    size, buffer = int(json.loads(line)["size"]), bytearray(rest)
        return bytes(buffer)

    def _said(self) -> str:
        self._stderr.seek(0)
        lines = self._stderr.read().decode("utf-8", errors="replace").strip().splitlines()
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


def _worker_env() -> dict:
    """The child imports the same package as this process, wherever it came from."""
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = os.pathsep.join([package_root] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    return env


def _with_lines(tree) -> bytes:
    """Our serialisation of the tree, each element carrying its source line."""
    from lxml import etree

    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    marked = list(root.iter(etree.Element))
    for el in marked:
        el.set(LINE_ATTR, str(el.sourceline or 0))
    try:
        return etree.tostring(root, encoding="utf-8")
    finally:
        for el in marked:
            del el.attrib[LINE_ATTR]


def _from_lines(data: bytes):
    """The tree the parent sent, with the parent's source lines (ours, so no limits)."""
    from lxml import etree

    parser = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True, load_dtd=False)
    tree = etree.ElementTree(etree.fromstring(data, parser))
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


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when its parent ends, even while Saxon
    holds the interpreter (elsewhere the worker ends when its stdin closes)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _serve() -> None:
    """The worker: read a job frame from stdin, render, answer on the protocol pipe
    (the original stdout; anything else printed goes to stderr); end at end of input."""
    from tei_edition.publish import transform
    from tei_edition.xml.parse import set_limits

    _die_with_parent()
    protocol = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    jobs = sys.stdin.buffer
    transform.compiled(STYLESHEET)  # while the parent gets the job ready
    while True:
        line = jobs.readline()
        if not line:
            return
        job = json.loads(line)
        blobs = [jobs.read(size) for size in job["sizes"]]
        try:
            set_limits(**job["limits"])
            options = job["options"]
            if blobs[1]:
                options["collection_page"] = _from_lines(blobs[1])
            site = _render_here(_from_lines(blobs[0]), Path(job["source"]), **options)
            answer = {"files": site.files, "warnings": site.warnings, "coverage": site.coverage}
        except errors.TeiEditionError as exc:
            answer = {"error": {"kind": type(exc).__name__, "message": exc.message, "path": exc.path,
                                "line": exc.line, "column": exc.column, "code": getattr(exc, "code", None)}}
        except Exception as exc:  # a bug: reported as a failed transform, the worker lives on
            answer = {"error": {"kind": "TransformError", "message": f"{type(exc).__name__}: {exc}"}}
        data = json.dumps(answer).encode("utf-8")
        protocol.write(json.dumps({"size": len(data)}).encode("utf-8") + b"\n" + data)
        protocol.flush()


def _check_target(target: Path, source: Path) -> None:
    """Never replace the folder that holds the source document (atomic_directory
    itself refuses folders it did not make)."""
    resolved = target.resolve()
    if resolved == source.resolve().parent or resolved in source.resolve().parents:
        raise InputError("refusing to replace the folder that holds the source document",
                         path=str(target))


if __name__ == "__main__":
    _serve()
