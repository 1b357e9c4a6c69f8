"""The static HTML edition: ``xslt/html/html.xsl`` makes every page and the search
index; this module checks the options, hands the document and its registers to
Saxon, and writes the site folder atomically with the static assets beside it. A
document's page in a collection site (``collection_page``) is one file instead: the
output names the page itself (``DIR/html/letters/L001.html``), written atomically with
no folder, assets or marker beside it (the collection site has them once).

The stylesheet returns a sequence of strings, each file's path then its text, already
serialised; Python only writes them (no markup is built here, and none is re-parsed:
a page of any size goes through, whatever the XML parser's limits).

Time bound: Saxon holds the interpreter while it transforms, so nothing in this
process can stop it. ``export_file`` therefore runs the whole export in a worker of
``publish.pool``, stopped at the time limit (the format's ``timeout`` option, seconds;
``--timeout`` lifts it) or the memory limit; the error names the limit. A build runs
this module in its own pool workers, bounded the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tei_edition import resources
from tei_edition.errors import InputError, ResourceError, TransformError, UsageError
from tei_edition.publish.run import run_format
from tei_edition.publish.formats import ExportRequest, ExportResult
from tei_edition.xml.output import atomic_directory, safe_child, write_atomic

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


def parameters(*, reading: str = "normalised", collection_page=None,
               collapse_whitespace: bool = True) -> dict:
    """The stylesheet's parameters. ``collection_page``: a document's page in a
    collection site (the tree ``tei_edition.publish.site.page_parameters`` makes).
    ``collapse_whitespace=False`` keeps the source's whitespace runs (for tests that
    compare the two renderings)."""
    if reading not in READINGS:
        raise UsageError(f"--reading must be one of {', '.join(READINGS)} (got {reading!r})")
    params = {"reading": reading}
    if not collapse_whitespace:
        params["collapse-whitespace"] = False
    if collection_page is not None:
        params["collection-page"] = collection_page
    return params


def render(tree, source: Path, *, dispose: bool = False, **options) -> Site:
    """Every page of the edition of a parsed TEI document, as text, rendered in this
    process (``export_file`` bounds an export's time and memory with a worker).
    ``dispose``: empty ``tree`` once Saxon holds the document (nothing else reads it)."""
    strings, messages = run_format(STYLESHEET, tree, source, parameters(**options), strings=True,
                                   dispose=dispose)
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
    site = render(request.tree, request.source, dispose=request.disposable, **request.options)
    target = Path(request.output)
    if request.options.get("collection_page") is not None:
        return _export_page(site, target, Path(request.source))
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


def _export_page(site: Site, target: Path, source: Path) -> ExportResult:
    """A page of a collection: the one page the stylesheet made, as the file
    ``target`` (its cards' data are inside it; the site's assets serve it)."""
    if set(site.files) != {"index.html"}:
        raise TransformError(f"{STYLESHEET} returned {', '.join(sorted(site.files))} for a page "
                             "of a collection (expected index.html alone)", path=str(source))
    if target.resolve() == source.resolve():
        raise InputError("refusing to replace the source document", path=str(target))
    write_atomic(target, site.files["index.html"].encode("utf-8"))
    return ExportResult([target], site.warnings, site.coverage)


def _check_target(target: Path, source: Path) -> None:
    """Never replace the folder that holds the source document (atomic_directory
    itself refuses folders it did not make)."""
    resolved = target.resolve()
    if resolved == source.resolve().parent or resolved in source.resolve().parents:
        raise InputError("refusing to replace the folder that holds the source document",
                         path=str(target))
