"""The static HTML edition: ``xslt/html/html.xsl`` makes every page and the search
index; this module checks the options, hands the document and its registers to
Saxon, and writes the site folder atomically with the static assets beside it. A
document's page in a collection site (``collection_page``) is one file instead: the
output names the page itself (``DIR/html/letters/L001.html``), written atomically with
no folder, assets or marker beside it (the collection site has them once).

An export's site is written by Saxon itself, file by file, into a private folder
(the ``output-folder`` parameter: each page goes from the templates straight to the
serialiser, and no page's text is held as one string, in Saxon or here), then moved
into the site folder, which replaces the old one as a whole; the stylesheet returns
the files' paths, which are checked. A collection's page, and ``render`` for
callers that want the texts, take the files as strings (a path then its text,
already serialised; no markup is built here, and none is re-parsed: a page of any
size goes through, whatever the XML parser's limits).

Time bound: Saxon holds the interpreter while it transforms, so nothing in this
process can stop it. ``export_file`` therefore runs the whole export in a worker of
``publish.pool``, stopped at the time limit (the format's ``timeout`` option, seconds;
``--timeout`` lifts it) or the memory limit; the error names the limit. A build runs
this module in its own pool workers, bounded the same way.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tei_edition import resources
from tei_edition.errors import InputError, ResourceError, TransformError, UsageError
from tei_edition.publish import transform
from tei_edition.publish.export import Handover
from tei_edition.publish.formats import ExportRequest, ExportResult
from tei_edition.publish.messages import split_messages
from tei_edition.xml.output import atomic_directory, safe_child, same_file, write_atomic

STYLESHEET = "html/html.xsl"
READINGS = ("normalised", "diplomatic")
# The static files every site carries, from xslt/html/assets/ (shipped in the wheel).
ASSETS = ("palette.css", "edition.css", "edition.js")
_SAFE_PATH = re.compile(r"^[a-z][a-z0-9-]*\.(html|js)$")


@dataclass
class Site:
    """The files of the site (relative path -> text), warnings and coverage."""

    files: dict[str, str]
    warnings: list[str] = field(default_factory=list)
    coverage: dict[str, int] = field(default_factory=dict)
    passages: list[str] | None = None  # asked for (``parameters``): their records


def parameters(*, reading: str = "normalised", collection_page=None,
               collapse_whitespace: bool = True, passages: bool = False,
               divisions=()) -> dict:
    """The stylesheet's parameters. ``collection_page``: a document's page in a
    collection site (what ``tei_edition.publish.site.page_parameters`` makes: its XML
    text, or a tree).
    ``collapse_whitespace=False`` keeps the source's whitespace runs (for tests that
    compare the two renderings). ``passages``: the document's passages for a collection
    site too (``publish.digest``; ``Site.passages``, ``ExportResult.passages``), of the
    whole text, or of each division whose anchor ``divisions`` names (a file of many)."""
    if reading not in READINGS:
        raise UsageError(f"--reading must be one of {', '.join(READINGS)} (got {reading!r})")
    params = {"reading": reading}
    if not collapse_whitespace:
        params["collapse-whitespace"] = False
    if collection_page is not None:
        params["collection-page"] = collection_page
    if passages:
        params["passages"] = True
        params["passage-divisions"] = " ".join(divisions)
    return params


def render(tree, source: Path, *, dispose: bool = False, **options) -> Site:
    """Every page of the edition of a parsed TEI document, as text, rendered in this
    process (``export_file`` bounds an export's time and memory with a worker).
    ``dispose``: empty ``tree`` once Saxon holds the document (nothing else reads it).
    A site's files are made as an export makes them (``write_site``), then read."""
    if options.get("collection_page") is None:
        with tempfile.TemporaryDirectory(prefix="tei-edition-html-") as made:
            written = write_site(tree, source, Path(made), dispose=dispose, **options)
            files = {name: (Path(made) / name).read_bytes().decode("utf-8")
                     for name in written.files}
        return Site(files, written.warnings, written.coverage, written.passages)
    params = parameters(**options)
    strings, messages = _run_format(STYLESHEET, tree, source, params, strings=True,
                                    dispose=dispose)
    strings, passages = _passages_of(strings, params)
    if len(strings) % 2:
        raise TransformError(f"{STYLESHEET} returned an odd number of strings "
                             "(expected path, text pairs)", path=str(source))
    files: dict[str, str] = {}
    pairs = iter(strings)
    for name, text in zip(pairs, pairs):
        _check_name(name, files, source)
        files[name] = text
    return Site(files, messages.warnings, messages.coverage, passages)


@dataclass
class Written:
    """The files ``write_site`` wrote (paths inside its folder), warnings and coverage."""

    files: list[str]
    warnings: list[str] = field(default_factory=list)
    coverage: dict[str, int] = field(default_factory=dict)
    passages: list[str] | None = None


def write_site(tree, source: Path, folder: Path, *, dispose: bool = False,
               **options) -> Written:
    """Every file of the edition of a parsed TEI document, written by the stylesheet into
    ``folder`` (empty, made by the caller, private to it: the files are whole only once
    this returns). ``dispose`` as in ``render``. ``tree`` may be an ``export.Handover``
    (an export's document made ready in the command's process)."""
    params = parameters(**options)
    params["output-folder"] = Path(folder).resolve().as_uri().rstrip("/") + "/"
    if isinstance(tree, Handover):  # made ready in the command's process
        params["registers"] = tree.registers
        result = transform.run_strings_handed(STYLESHEET, tree.document, params, path=str(source))
        names, messages = result.strings, split_messages(result.warnings, str(source))
    else:
        names, messages = _run_format(STYLESHEET, tree, source, params, strings=True,
                                      dispose=dispose)
    names, passages = _passages_of(names, params)
    seen: dict[str, None] = {}
    for name in names:
        _check_name(name, seen, source)
        seen[name] = None
    if sorted(os.listdir(folder)) != sorted(seen):
        raise TransformError(f"{STYLESHEET} wrote other files than the {len(seen)} it named",
                             path=str(source))
    return Written(list(seen), messages.warnings, messages.coverage, passages)


def _run_format(*args, **kwargs):
    """``publish.run.run_format``, imported for a tree: an export's worker handed its
    document as text (``export.Handover``) loads neither it nor the register,
    collection and lxml modules it imports (some 10 MB of the worker's peak)."""
    from tei_edition.publish.run import run_format

    return run_format(*args, **kwargs)


def _passages_of(strings: list[str], params: dict):
    """``publish.digest.passages_of`` when the passages were asked for (the stylesheet
    returns none otherwise): an export asks for none, and its worker need not load the
    digest's modules (and with them OpenSSL, 3.5 MB resident)."""
    if not params.get("passages"):
        return strings, None
    from tei_edition.publish.digest import passages_of

    return passages_of(strings)


def _check_name(name: str, files, source: Path) -> None:
    if not _SAFE_PATH.match(name) or name in files:
        raise TransformError(f"{STYLESHEET} returned an unexpected file name {name!r}",
                             path=str(source))


def export(request: ExportRequest) -> ExportResult:
    target = Path(request.output)
    if request.options.get("collection_page") is not None:
        site = render(request.tree, request.source, dispose=request.disposable,
                      **request.options)
        return _export_page(site, target, Path(request.source))
    _check_target(target, Path(request.source))
    assets = resources.xslt_dir() / "html" / "assets"
    # Saxon writes into a private temporary folder (a worker's own, removed with it even
    # when it is stopped at a limit): the site folder is made only once every file is whole
    with tempfile.TemporaryDirectory(prefix="tei-edition-html-") as made:
        written = write_site(request.tree, request.source, Path(made),
                             dispose=request.disposable, **request.options)
        with atomic_directory(target) as staging:
            staging.chmod(0o755)  # a temporary folder is private; a site is for reading
            for name in sorted(written.files):
                shutil.move(Path(made) / name, safe_child(staging, name))
            (staging / "assets").mkdir()
            for name in ASSETS:
                source = assets / name
                if not source.is_file():
                    raise ResourceError(f"asset {name} is missing from {assets}; reinstall tei-edition")
                (staging / "assets" / name).write_bytes(source.read_bytes())
    return ExportResult([target], written.warnings, written.coverage, passages=written.passages)


def _export_page(site: Site, target: Path, source: Path) -> ExportResult:
    """A page of a collection: the one page the stylesheet made, as the file
    ``target`` (its cards' data are inside it; the site's assets serve it)."""
    if set(site.files) != {"index.html"}:
        raise TransformError(f"{STYLESHEET} returned {', '.join(sorted(site.files))} for a page "
                             "of a collection (expected index.html alone)", path=str(source))
    if same_file(target, source):
        raise InputError("refusing to replace the source document", path=str(target))
    write_atomic(target, site.files["index.html"].encode("utf-8"))
    return ExportResult([target], site.warnings, site.coverage, passages=site.passages)


def _check_target(target: Path, source: Path) -> None:
    """Never replace the folder that holds the source document (atomic_directory
    itself refuses folders it did not make)."""
    resolved = target.resolve()
    if resolved == source.resolve().parent or resolved in source.resolve().parents:
        raise InputError("refusing to replace the folder that holds the source document",
                         path=str(target))
