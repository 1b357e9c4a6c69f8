"""``tei-edition export html|pdf|text``: one module per format's options."""

import click

from tei_edition.cli import export_html, export_pdf, export_text
from tei_edition.cli.base import bound_options


@click.group()
def export():
    """Export a TEI document as HTML, PDF or plain text.

    \b
    Example:
      tei-edition export text tei/nkidp-edossier-8.xml -o build/dossier.txt
    """


for command in (export_html.html, export_pdf.pdf, export_text.text):
    bound_options(command)
    export.add_command(command)
