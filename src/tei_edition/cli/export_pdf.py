"""``tei-edition export pdf`` (filled in by its own issue)."""

import click

from tei_edition.errors import UsageError


@click.command()
@click.argument("path")
def pdf(path):
    """A PDF print edition typeset with Typst.

    \b
    Example:
      tei-edition export pdf tei/nkidp-edossier-8.xml -o dossier.pdf
    """
    raise UsageError("export pdf is not available yet")
