"""The export formats: one registry entry each, instead of ``if fmt == ...``.

A new format is one stylesheet folder under ``xslt/`` and one entry here. Each entry
names the module whose ``export(request)`` writes that format; modules are imported
only when their format is used, so ``typst`` loads only to make PDF.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from tei_edition.errors import UsageError


@dataclass(frozen=True)
class Format:
    name: str
    module: str  # dotted module path with an ``export(request) -> ExportResult`` function
    suffix: str  # output file suffix; "" for a folder (the HTML site)
    description: str
    # A format whose ``timeout`` option is the time limit of the whole export: its
    # default (seconds). ``export_file`` runs such an export in a worker process that is
    # stopped then (``timeout=None``: here, unbounded). ``None``: the format's own
    # ``timeout``, if it has one, is a step's (PDF: Typst's).
    timeout: float | None = None

    def exporter(self):
        return importlib.import_module(self.module).export

    def default_output(self, source: Path, out_dir: Path) -> Path:
        """Where ``build`` puts this format for ``source`` (the site is one folder)."""
        return out_dir / self.name if not self.suffix else out_dir / f"{source.stem}{self.suffix}"


@dataclass
class ExportRequest:
    """One export: the parsed document, where it came from, where it goes, options."""

    tree: object  # lxml ElementTree from tei_edition.xml.parse
    source: Path
    output: Path
    options: dict = field(default_factory=dict)
    # Nothing reads ``tree`` after this export (``export_file`` parsed it for this one):
    # a format may empty it once Saxon holds the document, so that its memory is free
    # while the stylesheet runs.
    disposable: bool = False


@dataclass
class ExportResult:
    outputs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # element name -> count of elements that fell back to the default rendering
    coverage: dict[str, int] = field(default_factory=dict)
    # what the PDF format's ``query`` option found in the layout (parsed JSON), if asked
    queried: object = None
    # the HTML format's ``passages`` option: the document's passages for a collection
    # site, as the stylesheet gives them (``publish.digest.digests`` reads them)
    passages: list[str] | None = None


REGISTRY: dict[str, Format] = {
    f.name: f
    for f in (
        Format("html", "tei_edition.publish.formats.html", "", "static HTML edition (a folder)",
               timeout=600.0),  # about 100x what the largest real documents need
        Format("pdf", "tei_edition.publish.formats.pdf", ".pdf", "PDF print edition typeset with Typst"),
        Format("text", "tei_edition.publish.formats.text", ".txt", "plain text, UTF-8"),
    )
}


def get(name: str) -> Format:
    try:
        return REGISTRY[name]
    except KeyError:
        raise UsageError(f"unknown format {name!r}; choose from {', '.join(REGISTRY)}") from None
