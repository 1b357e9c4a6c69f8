"""``tei-edition export html|pdf|text`` (each format filled in by its own issue)."""

import click

from tei_edition.errors import UsageError


@click.group()
def export():
    """Export a TEI document as HTML, PDF or plain text.

    \b
    Example:
      tei-edition export text tei/nkidp-edossier-8.xml -o build/dossier.txt
    """


@export.command()
@click.argument("path")
def text(path):
    """Plain text.

    \b
    Example:
      tei-edition export text tei/nkidp-edossier-8.xml -o dossier.txt
    """
    raise UsageError("export text is not available yet")


@export.command()
@click.argument("path")
def html(path):
    """A static HTML edition (a folder).

    \b
    Example:
      tei-edition export html tei/nkidp-edossier-8.xml -o build/html
    """
    raise UsageError("export html is not available yet")


@export.command()
@click.argument("path")
def pdf(path):
    """A PDF print edition typeset with Typst.

    \b
    Example:
      tei-edition export pdf tei/nkidp-edossier-8.xml -o dossier.pdf
    """
    raise UsageError("export pdf is not available yet")
