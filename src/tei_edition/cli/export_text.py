"""``tei-edition export text``: options to library values, one call, the report."""

from __future__ import annotations

import click

from tei_edition.textsafe import for_line, for_message, for_stdout


@click.command()
@click.argument("path", type=click.Path(path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str),
              help="Where to write the text (default: PATH with .txt beside it; - for stdout).")
@click.option("--width", type=click.IntRange(min=0), default=72, show_default=True,
              help="Fill lines up to N characters (0: one line per paragraph). Words are never broken.")
@click.option("--notes", type=click.Choice(["end", "inline", "none"]), default="end", show_default=True,
              help="Note texts after each document with [1] markers, in brackets where they stand, or dropped "
                   "(the textual notes, [a], are listed whatever this says).")
@click.option("--diplomatic", is_flag=True,
              help="Show the original readings (sic, orig, abbr) instead of corr, reg, expan.")
@click.option("--page-breaks", is_flag=True, help="Show page breaks as [p. 2].")
@click.option("--entities", type=click.Choice(["none", "inline"]), default="none", show_default=True,
              help="inline: follow each tagged name by its register entry, e.g. Puzanov [person: pers-puzanov].")
@click.option("--report-coverage", is_flag=True,
              help="List the elements that had no rendering rule of their own (their text is kept).")
def text(path, output, width, notes, diplomatic, page_breaks, entities, report_coverage):
    """Plain text, UTF-8: a title block, then the text with its notes.

    \b
    Example:
      tei-edition export text tei/nkidp-edossier-8.xml -o dossier.txt --width 80
      tei-edition export text letter.xml -o - --notes inline --diplomatic
    """
    options = dict(width=width, notes=notes, page_breaks=page_breaks, entities=entities,
                   reading="diplomatic" if diplomatic else "normalised")
    if output == "-":
        from tei_edition.cli.base import bounded

        result = bounded("tei_edition.cli.jobs:render_text", path, options)  # within --max-memory and --timeout
        click.echo(for_stdout(result.text), nl=False)  # a terminal gets no control character
    else:
        from tei_edition.publish.export import export_file

        result = export_file(path, "text", output, **options)
        click.echo(f"wrote {for_line(str(result.outputs[0]))}", err=True)
    report_messages(result.warnings, result.coverage, report_coverage)


def report_messages(warnings: list[str], coverage: dict[str, int], full: bool) -> None:
    """Warnings on stderr; coverage in full on request, else one hint line."""
    for warning in warnings:
        if full or "has no rendering rule" not in warning:
            click.echo(for_message(warning), err=True)
    if coverage and full:
        total = sum(coverage.values())
        click.echo(f"coverage: {total} element{'s' * (total != 1)} of {len(coverage)} kind"
                   f"{'s' * (len(coverage) != 1)} fell back to the default (text kept): "
                   + ", ".join(f"{name} {count}" for name, count in sorted(coverage.items())), err=True)
    elif coverage:
        click.echo(f"note: {len(coverage)} element kind{'s' * (len(coverage) != 1)} had no rendering "
                   "rule (text kept); --report-coverage lists them", err=True)
