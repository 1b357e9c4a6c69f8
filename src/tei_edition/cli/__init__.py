"""The ``tei-edition`` command line: a thin layer over the library.

Each command group lives in its own module and only turns options into library calls
and results into output. Heavy engines (lxml, Saxon, Typst) are imported only in the
worker process that does a command's work (``base.bounded``), so that ``--help`` stays
instant and the command line itself stays light.

This package imports nothing at start: ``main`` starts the worker process first (see
``early``), so that the worker's Python boots and imports its engines while this one
imports click and reads the options; worker-side modules (``cli.jobs``) import no
click either.
"""

from __future__ import annotations


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    import sys

    from tei_edition.cli import early

    early.start(sys.argv[1:] if argv is None else argv)
    try:
        from tei_edition.cli.app import cli

        cli.main(args=argv, prog_name="tei-edition")
    finally:
        early.discard()


def __getattr__(name: str):
    """``tei_edition.cli.cli`` (the click group) and ``EXIT_CODES``, loaded on first use."""
    if name in ("cli", "EXIT_CODES"):
        from tei_edition.cli import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
