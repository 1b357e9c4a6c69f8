"""``export``: one TEI file in one registered format."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tei_edition.errors import InputError, ResourceError, TransformError, UsageError
from tei_edition.publish import formats
from tei_edition.publish.formats import ExportRequest, ExportResult
from tei_edition.xml.parse import parse_file


def export_file(path: str | Path, fmt: str, output: str | Path | None = None,
                **options) -> ExportResult:
    """Export one TEI file in a registered format; returns what was written.

    Inside ``pool.LIMITS`` (the command line sets it) the export runs in a worker
    process that is stopped at the memory or time limit (the error names it). So does
    an export whose format's ``timeout`` bounds the whole export (HTML: Saxon cannot be
    stopped in this process), at that limit; ``timeout=None`` runs it here."""
    from tei_edition.publish import pool
    from tei_edition.xml.parse import current_limits

    fmt_entry = formats.get(fmt)
    limits = pool.LIMITS.get()
    overran = None
    if fmt_entry.timeout is not None:  # the option is the worker's time limit
        timeout = options.pop("timeout", fmt_entry.timeout)
        if timeout is not None:
            if not timeout > 0:
                raise UsageError(f"the {fmt.upper()} time limit must be positive (got {timeout!r})")
            limits = replace(limits or pool.Limits(), timeout=float(timeout))
            overran = ResourceError(f"the {fmt.upper()} export did not finish within {timeout:g} "
                                    "seconds and was stopped; pass --timeout SECONDS to allow more",
                                    path=str(path))
    elif limits is not None and options.get("timeout"):
        # a format's own time limit (PDF: Typst's): the worker's is above it
        limits = pool.Limits(limits.memory, max(limits.timeout, float(options["timeout"]) + 60))
    if limits is None:
        return _export_here(path, fmt, output, **options)
    try:
        return pool.run_one(_in_worker, (str(path), fmt, output, options, current_limits()),
                            limits=limits, overran=overran)
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
    request = ExportRequest(tree=tree, source=source, output=target, options=options,
                            disposable=True)
    return fmt_entry.exporter()(request)
