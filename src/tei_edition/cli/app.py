"""The ``tei-edition`` command group (``tei_edition.cli`` starts it)."""

from __future__ import annotations

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
