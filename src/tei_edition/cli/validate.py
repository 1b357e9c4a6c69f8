"""``tei-edition validate``: a thin layer over ``tei_edition.validation.validate``."""

from __future__ import annotations

import sys

import click

from tei_edition.cli.base import bound_options, bounded, default_paths, format_option
from tei_edition.cli.progress import Bar
from tei_edition.errors import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from tei_edition.textsafe import for_message, for_stdout

_PROGRESS_FROM = 5  # files; fewer finish before a bar would be worth drawing


@bound_options
@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--schema", type=click.Path(dir_okay=False, path_type=str),
              help="Any RELAX NG schema (.rng, or .rnc with jing) instead of ours.")
@click.option("--schematron", "schematron_files", multiple=True,
              type=click.Path(dir_okay=False, path_type=str),
              help="Extra ISO Schematron rules (repeatable); xslt2/xslt3 rules run on Saxon.")
@click.option("--phase", default="#DEFAULT", show_default=True,
              help="Schematron phase to run (#ALL for every pattern).")
@click.option("--engine", type=click.Choice(["auto", "lxml", "jing"]), default="auto",
              show_default=True,
              help="RELAX NG engine; auto uses lxml for our schema and jing for others.")
@format_option("text", "json", "svrl")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary line (nothing on success).")
@click.pass_context
def validate(ctx, paths, schema, schematron_files, phase, engine, fmt, quiet):
    """Check documents: well-formed, RELAX NG, Schematron.

    PATHS are files or folders (searched for *.xml); the default is tei/. Without
    --schema or --schematron, a document's own <?xml-model?> schemas are used when
    it names any, otherwise schemas/tei_edition.rng and schemas/tei_edition.sch.

    \b
    Example:
      tei-edition validate tei/nkidp-edossier-8.xml
      tei-edition validate corpus/ --schema tei_all.rng --format json
      tei-edition validate letter.xml --schematron rules.sch --format svrl

    --format svrl writes the standard Schematron report (ISO SVRL): one
    svrl:schematron-output per document (several are wrapped in te:svrl-reports);
    other problems (well-formedness, RELAX NG) go to stderr.
    """
    report = bounded("tei_edition.validation.validate:validate_paths", default_paths(paths), schema=schema,
                     schematron_files=schematron_files, engine=engine, phase=phase,
                     keep_svrl=fmt == "svrl",
                     progress=Bar("validating", start_from=_PROGRESS_FROM)
                     if not quiet and fmt == "text" and sys.stderr.isatty() else None)
    for problem in report.unreadable:
        click.echo(for_message(problem.located()), err=True)
    if fmt == "json":
        click.echo(report.to_json())
    elif fmt == "svrl":
        _print_others(report)
        click.echo(for_stdout(report.to_svrl()), nl=False)  # XML: on a terminal, controls shown
    else:
        _print_text(report, quiet)
    ctx.exit(EXIT_USAGE if report.unreadable else EXIT_OK if report.valid else EXIT_PROBLEMS)


def _print_others(report) -> None:
    """With --format svrl: what the SVRL cannot hold (well-formedness, RELAX NG, a rule
    that failed to run) on stderr."""
    for file_report in report.files:
        for diagnostic in file_report.diagnostics:
            if diagnostic.source != "sch" or diagnostic.location is None:
                click.echo(diagnostic.as_text(), err=True)


def _print_text(report, quiet: bool) -> None:
    if not quiet:
        for note in report.notes:
            click.echo(for_message(f"note: {note}"), err=True)  # names a schema file
        for file_report in report.files:
            for diagnostic in file_report.diagnostics:
                click.echo(diagnostic.as_text())
    if not (quiet and report.valid):
        click.echo(report.summary())
