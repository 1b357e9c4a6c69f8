"""``tei-edition export pdf``: the options of the print edition, over ``formats.pdf``."""

import click

from tei_edition.textsafe import for_line, for_message

# Kept here (not imported from typeset) so that --help does not load the PDF path.
PAPERS = ("a4", "us-letter")
STANDARDS = ("1.4", "1.5", "1.6", "1.7", "2.0", "a-1a", "a-1b", "a-2a", "a-2b", "a-2u",
             "a-3a", "a-3b", "a-3u", "a-4", "a-4e", "a-4f", "ua-1")


@click.command()
@click.argument("path", type=click.Path(dir_okay=True, path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str),
              help="The PDF to write (default: beside PATH, with .pdf).")
@click.option("--paper", type=click.Choice(PAPERS), default="a4", show_default=True,
              help="Paper size.")
@click.option("--pdf-standard", "standards", type=click.Choice(STANDARDS), multiple=True,
              help="A PDF standard to conform to, e.g. a-2b, a-3a, ua-1 (repeatable). "
                   "The PDF is tagged in any case.")
@click.option("--keep-typst", is_flag=True,
              help="Also write the generated Typst source (NAME.typ) and its layout "
                   "template (tei-edition.typ) beside the PDF.")
@click.option("--diplomatic", is_flag=True,
              help="Show the source's readings (sic, orig, abbr) instead of the corrected ones.")
@click.option("--timeout", type=click.FloatRange(min=1), default=300, show_default=True,
              metavar="SECONDS", help="Seconds Typst may take before it is stopped.")
@click.option("--max-chars", type=click.IntRange(min=1), default=10_000_000, show_default=True,
              help="Refuse a text longer than this many characters: Typst holds the whole "
                   "book in memory, about 0.8 GB per million characters.")
def pdf(path, output, paper, standards, keep_typst, diplomatic, timeout, max_chars):
    """A PDF print edition typeset with Typst: title page, contents, the texts with
    footnotes and marginal page numbers of the source, editorial principles and an
    index of names with page numbers. The same input gives the same bytes (the date
    comes from the TEI or SOURCE_DATE_EPOCH).

    \b
    Example:
      tei-edition export pdf tei/nkidp-edossier-8.xml -o dossier.pdf --pdf-standard a-2b
    """
    from tei_edition.publish.export import export_file

    result = export_file(path, "pdf", output, paper=paper, pdf_standards=standards,
                         keep_typst=keep_typst, diplomatic=diplomatic, timeout=timeout,
                         max_chars=max_chars)
    for warning in result.warnings:
        click.echo(for_message(warning), err=True)
    for written in result.outputs:
        click.echo(for_line(str(written)))
