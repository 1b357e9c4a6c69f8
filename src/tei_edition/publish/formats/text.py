"""Plain text export: ``xslt/text/text.xsl`` does all the work (layout included);
this module checks the options, hands the document and its registers to Saxon,
and writes the result atomically."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tei_edition.errors import UsageError
from tei_edition.publish.run import run_format
from tei_edition.publish.formats import ExportRequest, ExportResult
from tei_edition.xml.output import write_atomic

STYLESHEET = "text/text.xsl"
NOTES = ("end", "inline", "none")
ENTITIES = ("none", "inline")
READINGS = ("normalised", "diplomatic")
DEFAULT_WIDTH = 72


@dataclass
class Rendered:
    """The text, the user-facing warnings, and coverage (element -> count)."""

    text: str
    warnings: list[str] = field(default_factory=list)
    coverage: dict[str, int] = field(default_factory=dict)


def parameters(*, width: int = DEFAULT_WIDTH, notes: str = "end", reading: str = "normalised",
               page_breaks: bool = False, entities: str = "none") -> dict:
    """The stylesheet parameters for the text options, checked (``reading`` as for
    every format: "normalised" shows corr/reg/expan, "diplomatic" sic/orig/abbr)."""
    if reading not in READINGS:
        raise UsageError(f"reading must be one of {', '.join(READINGS)} (got {reading!r})")
    if not isinstance(width, int) or isinstance(width, bool) or width < 0:
        raise UsageError(f"--width must be a whole number, 0 or more (got {width!r})")
    if notes not in NOTES:
        raise UsageError(f"--notes must be one of {', '.join(NOTES)} (got {notes!r})")
    if entities not in ENTITIES:
        raise UsageError(f"--entities must be one of {', '.join(ENTITIES)} (got {entities!r})")
    return {"width": width, "notes": notes, "page-breaks": bool(page_breaks),
            "entities": entities, "reading": reading}


def render(tree, source: Path, *, dispose: bool = False, **options) -> Rendered:
    """The plain text of a parsed TEI document (``source`` locates its register files).
    ``dispose``: empty ``tree`` once Saxon holds the document (nothing else reads it)."""
    output, messages = run_format(STYLESHEET, tree, source, parameters(**options), dispose=dispose)
    return Rendered(output, messages.warnings, messages.coverage)


def export(request: ExportRequest) -> ExportResult:
    rendered = render(request.tree, request.source, dispose=request.disposable, **request.options)
    write_atomic(request.output, rendered.text)
    return ExportResult([request.output], rendered.warnings, rendered.coverage)
