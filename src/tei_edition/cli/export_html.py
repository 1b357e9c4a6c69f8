"""``tei-edition export html``: options to library values, one call, the report."""

from __future__ import annotations

import click

from tei_edition.textsafe import for_line

DEFAULT_OUTPUT = "build/html"


@click.command()
@click.argument("path", type=click.Path(path_type=str))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=str), default=DEFAULT_OUTPUT,
              show_default=True,
              help="The site folder to write. It is replaced as a whole, so it must be new, empty, "
                   "or an earlier output of tei-edition.")
@click.option("--reading", type=click.Choice(["normalised", "diplomatic"]), default="normalised",
              show_default=True,
              help="The reading the pages open with (corr/reg/expan, or sic/orig/abbr as the source "
                   "has it); readers can switch to the other one.")
@click.option("--report-coverage", is_flag=True,
              help="List the elements that had no rendering rule of their own (their text is kept).")
@click.option("--timeout", type=click.FloatRange(min=1), default=600, show_default=True,
              metavar="SECONDS", help="Seconds the export may take before it is stopped.")
def html(path, output, reading, report_coverage, timeout):
    """A static HTML edition: a folder that opens from disk or any web server.

    Pages: index.html (title block, contents, the text with notes), one register
    page per kind of entry (persons, places, organisations), about.html (editorial
    principles, signs, the record of the edition); search-index.js, entities.js and assets/ make search, name
    cards, highlighting and the reading switch work without a server or network.

    \b
    Example:
      tei-edition export html tei/nkidp-edossier-8.xml -o build/html
      tei-edition export html letter.xml -o site --reading diplomatic
    """
    from tei_edition.cli.export_text import report_messages
    from tei_edition.publish.export import export_file

    result = export_file(path, "html", output, reading=reading, timeout=timeout)
    click.echo(f"wrote {for_line(str(result.outputs[0]))}/index.html", err=True)
    report_messages(result.warnings, result.coverage, report_coverage)
