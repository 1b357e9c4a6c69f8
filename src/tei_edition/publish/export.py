"""``export``: one TEI file in one registered format."""

from __future__ import annotations

from pathlib import Path

from tei_edition.errors import InputError, TransformError
from tei_edition.publish import formats
from tei_edition.publish.formats import ExportRequest, ExportResult
from tei_edition.xml.parse import parse_file


def export_file(path: str | Path, fmt: str, output: str | Path | None = None,
                **options) -> ExportResult:
    """Export one TEI file in a registered format; returns what was written.

    Inside ``pool.LIMITS`` (the command line sets it) the export runs in a worker
    process that is stopped at the memory or time limit (the error names it)."""
    from tei_edition.publish import pool
    from tei_edition.xml.parse import current_limits

    limits = pool.LIMITS.get()
    if limits is None:
        return _export_here(path, fmt, output, **options)
    if options.get("timeout"):  # a format's own time limit (PDF: Typst's): the worker's is above it
        limits = pool.Limits(limits.memory, max(limits.timeout, float(options["timeout"]) + 60))
    try:
        return pool.run_one(_in_worker, (str(path), fmt, output, options, current_limits()),
                            limits=limits)
    except TransformError as exc:
        if exc.path is None:
            exc.path = str(path)
        raise


def _in_worker(payload) -> ExportResult:
    from tei_edition.xml.parse import set_limits

    path, fmt, output, options, parse_limits = payload
    set_limits(huge=parse_limits.huge, max_bytes=parse_limits.max_bytes,
               xinclude=parse_limits.xinclude)
    return _export_here(path, fmt, output, **options)


def _export_here(path: str | Path, fmt: str, output: str | Path | None = None,
                 **options) -> ExportResult:
    fmt_entry = formats.get(fmt)
    source = Path(path)
    tree = parse_file(source)
    target = Path(output) if output else fmt_entry.default_output(source, source.parent)
    if target.resolve() == source.resolve():
        raise InputError("refusing to overwrite the input with the export", path=str(source))
    request = ExportRequest(tree=tree, source=source, output=target, options=options)
    return fmt_entry.exporter()(request)
