"""``export``: one TEI file in one registered format."""

from __future__ import annotations

from pathlib import Path

from tei_edition.errors import InputError
from tei_edition.publish import formats
from tei_edition.publish.formats import ExportRequest, ExportResult
from tei_edition.xml.parse import parse_file


def export_file(path: str | Path, fmt: str, output: str | Path | None = None,
                **options) -> ExportResult:
    """Export one TEI file in a registered format; returns what was written."""
    fmt_entry = formats.get(fmt)
    source = Path(path)
    tree = parse_file(source)
    target = Path(output) if output else fmt_entry.default_output(source, source.parent)
    if target.resolve() == source.resolve():
        raise InputError("refusing to overwrite the input with the export", path=str(source))
    request = ExportRequest(tree=tree, source=source, output=target, options=options)
    return fmt_entry.exporter()(request)
