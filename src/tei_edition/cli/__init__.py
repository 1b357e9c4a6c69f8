"""The ``tei-edition`` command line: a thin layer over the library.

Each command group lives in its own module and only turns options into library calls
and results into output. Heavy engines (lxml, Saxon, Typst) are imported inside the
command bodies so that ``--help`` stays instant.
"""

from __future__ import annotations

import sys

import click

from tei_edition import __version__
from tei_edition.cli.base import EditionGroup
from tei_edition.cli import build, doctor, entities, export, query, validate

EXIT_CODES = """\b
Exit codes:
  0  success
  1  the document has problems (invalid, malformed, an export failed on it)
  2  usage error or unreadable input"""


@click.group(cls=EditionGroup, epilog=EXIT_CODES, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="tei-edition")
@click.option("--debug", is_flag=True, help="Show full tracebacks instead of one-line errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Validate, query and publish TEI P5 editions.

    \b
    Example:
      tei-edition build tei/ -o build/
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


for command in (validate.validate, export.export, build.build, entities.entities,
                query.query, doctor.doctor):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=argv, prog_name="tei-edition")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
