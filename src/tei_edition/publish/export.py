"""``export``: one TEI file in one registered format."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from tei_edition.errors import InputError, ResourceError, TransformError, UsageError
from tei_edition.publish import formats
from tei_edition.publish.formats import ExportRequest, ExportResult
from tei_edition.xml.output import same_file


def export_file(path: str | Path, fmt: str, output: str | Path | None = None,
                **options) -> ExportResult:
    """Export one TEI file in a registered format; returns what was written.

    Inside ``pool.LIMITS`` (the command line sets it) the export runs in a worker
    process that is stopped at the memory or time limit (the error names it). So does
    an export whose format's ``timeout`` bounds the whole export (HTML: Saxon cannot be
    stopped in this process), at that limit; ``timeout=None`` runs it here. An HTML
    document small beside the memory limit is parsed and resolved in this process,
    while the worker compiles the stylesheet (``_export_handed``)."""
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
        stylesheet = _handed_over(fmt_entry, path, limits)
        if stylesheet is not None:
            return _export_handed(path, fmt, output, options, stylesheet, limits, overran)
        return pool.run_one(_in_worker, (str(path), fmt, output, options, current_limits()),
                            limits=limits, overran=overran)
    except TransformError as exc:
        if exc.path is None:
            exc.path = str(path)
        raise


def parse_file(path, **kwargs):
    """``xml.parse.parse_file``, imported when a document is parsed: an HTML export's
    worker, handed its document as text, loads neither the parser nor lxml (some 7 MB
    of its peak), and this module is what it imports first (``cli.early``)."""
    from tei_edition.xml.parse import parse_file as parse

    return parse(path, **kwargs)


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
    target = _target(source, fmt, output)
    request = ExportRequest(tree=tree, source=source, output=target, options=options,
                            disposable=True)
    return fmt_entry.exporter()(request)


# A document whose file is at most this part of the memory limit is parsed, checked and
# resolved in the command's own process while its worker starts and compiles the
# stylesheet (a third of a second for HTML, on the way to the transformation
# otherwise), and handed to the worker as the text Saxon parses. A tree takes up to
# some 40 times its file (an element of a few bytes is a node of a hundred and more):
# a larger file is parsed in the worker, within the memory limit, as before.
HANDED_PART = 128
# The formats whose export takes such a document (``Handover``; their worker compiles
# their module's ``STYLESHEET`` meanwhile).
HANDED_FORMATS = frozenset({"html"})


def _handed_over(fmt_entry, path, limits) -> str | None:
    """The stylesheet of a format whose export takes a document made ready in this
    process, if the file is small enough for that; else None."""
    import importlib
    import os

    if fmt_entry.name not in HANDED_FORMATS:
        return None
    try:
        size = os.stat(path).st_size
    except OSError:
        return None  # (the worker's parser says why)
    if size > limits.memory // HANDED_PART:
        return None
    return importlib.import_module(fmt_entry.module).STYLESHEET


def _export_handed(path, fmt: str, output, options: dict, stylesheet: str, limits,
                   overran) -> ExportResult:
    """The export of a document parsed, checked (the same parser, the same limits) and
    resolved here while the worker compiles ``stylesheet``: once it is ready, the
    document goes to it as the text Saxon parses (``transform.handed``), its source
    lines marked where that stylesheet reads them (which its initializer says)."""
    from tei_edition.publish import pool, transform

    source = Path(path)
    tree = parse_file(source)
    target = _target(source, fmt, output)
    registers = _registers_named(tree, source)
    names = transform.element_names(tree)

    def document(unread):
        return (str(source), fmt, str(target), options, transform.handed(tree, unread, names),
                registers)

    return pool.run_one(_in_worker_handed, pool.Later(document, lambda: transform.emptied(tree)),
                        limits=limits, overran=overran, initializer=_lines_unread,
                        initargs=(stylesheet,))


def _registers_named(tree, source: Path):
    """The register entries ``tree`` names, resolved as ``run.run_format`` resolves a
    document exported on its own, as the text Saxon parses."""
    from lxml import etree

    from tei_edition.entities.resolve import resolve
    from tei_edition.publish import transform
    from tei_edition.publish.run import document_register

    register = document_register(tree, source)
    bundle = register.bundle(resolve(tree, source, register))
    return transform.XmlText(etree.tostring(bundle.getroot(), encoding="unicode"))


def _lines_unread(stylesheet: str) -> frozenset[str]:
    """In the worker, once it has compiled ``stylesheet``: the elements whose source
    line it never reads."""
    from tei_edition.publish import transform

    return transform.lines_unread(stylesheet)


def _in_worker_handed(payload) -> ExportResult:
    path, fmt, target, options, handed, registers = payload
    request = ExportRequest(tree=Handover(handed, registers), source=Path(path),
                            output=Path(target), options=options, disposable=True)
    return formats.get(fmt).exporter()(request)


@dataclass
class Handover:
    """What a format's export takes instead of a tree when the document was made ready
    in the command's process (``_export_handed``): the document as Saxon parses it and
    the register entries it names."""

    document: object  # transform.Handed
    registers: object  # transform.XmlText


def _target(source: Path, fmt: str, output) -> Path:
    target = Path(output) if output else formats.get(fmt).default_output(source, source.parent)
    if same_file(target, source):
        raise InputError("refusing to overwrite the input with the export", path=str(source))
    return target
