"""Work the command lines hand to their worker process that no library function does
in one call. Imported in the worker only: no click here."""

from __future__ import annotations


def render_text(path: str, options: dict):
    """The text of the TEI file at ``path`` (what ``export text -o -`` prints)."""
    from pathlib import Path

    from tei_edition.publish.formats.text import render
    from tei_edition.xml.parse import parse_file

    return render(parse_file(path), Path(path), **options)


def compile_stylesheets(*names: str) -> None:
    """Compile the stylesheets of the formats ``names`` (every format without names)
    into this process's cache, as a worker that will render them starts (``early``)."""
    import importlib

    from tei_edition.publish import formats, transform

    for name in names or tuple(formats.REGISTRY):
        stylesheet = getattr(importlib.import_module(formats.get(name).module), "STYLESHEET", None)
        if stylesheet:
            transform.compiled(stylesheet)


def compile_site_stylesheet() -> None:
    """Compile the collection site's stylesheet, as the first worker of a ``build`` with
    the HTML format starts (``early``): a rebuild of a few documents has that worker make
    the site's few pages it changes (``build._pages_by_worker``)."""
    from tei_edition.publish import site, transform

    transform.compiled(site.STYLESHEET)
