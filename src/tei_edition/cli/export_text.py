"""``tei-edition export text`` (filled in by its own issue)."""

import click

from tei_edition.errors import UsageError


@click.command()
@click.argument("path")
def text(path):
    """Plain text, UTF-8.

    \b
    Example:
      tei-edition export text tei/nkidp-edossier-8.xml -o dossier.txt
    """
    raise UsageError("export text is not available yet")
