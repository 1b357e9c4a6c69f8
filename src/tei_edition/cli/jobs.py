"""Work the command lines hand to their worker process that no library function does
in one call. Imported in the worker only: no click here."""

from __future__ import annotations


def render_text(path: str, options: dict):
    """The text of the TEI file at ``path`` (what ``export text -o -`` prints)."""
    from pathlib import Path

    from tei_edition.publish.formats.text import render
    from tei_edition.xml.parse import parse_file

    return render(parse_file(path), Path(path), **options)
