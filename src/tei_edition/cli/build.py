"""``tei-edition build`` (filled in by the transformation issue)."""

import click

from tei_edition.errors import UsageError


@click.command()
@click.argument("paths", nargs=-1)
def build(paths):
    """Validate, then write every export format.

    \b
    Example:
      tei-edition build tei/ -o build/
    """
    raise UsageError("build is not available yet")
