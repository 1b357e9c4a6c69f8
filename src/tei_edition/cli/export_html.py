"""``tei-edition export html`` (filled in by its own issue)."""

import click

from tei_edition.errors import UsageError


@click.command()
@click.argument("path")
def html(path):
    """A static HTML edition (a folder).

    \b
    Example:
      tei-edition export html tei/nkidp-edossier-8.xml -o build/html
    """
    raise UsageError("export html is not available yet")
