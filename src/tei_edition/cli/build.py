"""``tei-edition build``: validate, then write every export format."""

from __future__ import annotations

import click

from tei_edition.textsafe import for_line, for_message


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("-o", "--output", "out_dir", default="build", show_default=True,
              type=click.Path(file_okay=False, path_type=str), help="The folder to write into.")
@click.option("--no-validate", is_flag=True, help="Export even documents that fail validation.")
@click.option("--only", multiple=True, metavar="FORMAT",
              help="Write only this format (repeatable): html, pdf, text.")
@click.option("--report-coverage", is_flag=True,
              help="List the elements that had no rendering rule of their own.")
@click.pass_context
def build(ctx, paths, out_dir, no_validate, only, report_coverage):
    """Validate every document, then write every format into one folder.

    PATHS are files or folders (default tei/). Writes DIR/html/ (the site),
    DIR/<stem>.pdf and DIR/<stem>.txt. A document that fails validation is not
    exported (unless --no-validate); register files (TEI without <text>) are used
    through @ref and not exported themselves.

    \b
    Example:
      tei-edition build tei/ -o build/
      tei-edition build letters/ -o site/ --only html --no-validate
    """
    from tei_edition.publish.build import build as run_build

    report = run_build(list(paths), out_dir, validate=not no_validate, only=list(only) or None)
    click.echo(for_message(report.validation))
    for doc in report.documents:
        _print_document(doc, report_coverage)
    written = sum(len(f.outputs) for d in report.documents for f in d.formats if f.ok)
    failed = [d for d in report.documents if not d.ok]
    click.echo(f"{written} output{'s' * (written != 1)} in {for_line(str(report.out_dir))}"
               + (f"; {len(failed)} file{'s' * (len(failed) != 1)} with problems" if failed else ""))
    ctx.exit(report.exit_code)


_KINDS = {"register": "register file (no <text>): used through @ref, not exported",
          "other": "not a TEI document: left alone"}


def _print_document(doc, report_coverage: bool) -> None:
    name = for_line(str(doc.path))
    if doc.kind in _KINDS:
        click.echo(f"{name}: {_KINDS[doc.kind]}")
        return
    for problem in doc.problems:
        click.echo(for_message(problem), err=True)
    if doc.problems:
        click.echo(f"{name}: not exported ({len(doc.problems)} problem{'s' * (len(doc.problems) != 1)})")
        return
    for outcome in doc.formats:
        if not outcome.ok:
            click.echo(for_message(outcome.message), err=True)
            click.echo(f"{name}: {outcome.format} failed")
            continue
        paths = ", ".join(for_line(str(p)) for p in outcome.outputs)
        click.echo(f"{name}: {outcome.format} -> {paths}")
        for warning in outcome.warnings:
            if report_coverage or "has no rendering rule" not in warning:
                click.echo(for_message(warning), err=True)
