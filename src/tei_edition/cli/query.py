"""``tei-edition query``: XPath 3.1 or XQuery 3.1 over TEI files."""

from __future__ import annotations

import click

from tei_edition.cli.base import bound_options, bounded, default_paths, format_option
from tei_edition.textsafe import for_line, for_message, for_terminal, to_json


@bound_options
@click.command()
@click.argument("args", nargs=-1, metavar="EXPR [PATH]...")
@click.option("--xquery", "xquery", type=click.Path(dir_okay=False, path_type=str),
              help="Run the XQuery in this file instead of EXPR (then every argument is a PATH).")
@format_option("text", "json", "xml")
def query(args, xquery, fmt):
    """Evaluate an XPath 3.1 expression over TEI files (``tei:`` is bound).

    text: one atomised item per line (line breaks inside an item shown as spaces),
    prefixed by the file when there are several; json: [{"path", "results"}];
    xml: nodes serialized. The expression can read no other file and no URI.

    \b
    Example:
      tei-edition query "count(//tei:persName)" tei/
      tei-edition query "//tei:div[@type='document']/tei:head" tei/ --format xml
    """
    from tei_edition.errors import UsageError

    if xquery is None and not args:
        raise UsageError("missing the XPath expression (or --xquery FILE)")
    expr, paths = (None, args) if xquery else (args[0], args[1:])
    results = bounded("tei_edition.query:run", expr, default_paths(paths), xquery=xquery)
    failed = [r.error for r in results if r.error is not None]
    for error in failed:
        click.echo(for_message(error.located()), err=True)
    results = [r for r in results if r.error is None]
    if fmt == "json":
        click.echo(to_json([{"path": r.path, "results": [i.value for i in r.items]}
                            for r in results], indent=2))
        return
    several = len(results) > 1
    for result in results:
        if fmt == "xml" and several:
            click.echo(f"<!-- {for_line(result.path).replace('--', '- -')} -->")
        for item in result.items:
            shown = item.xml if fmt == "xml" else " ".join(item.text.split("\n"))
            prefix = f"{for_line(result.path)}:" if several and fmt == "text" else ""
            click.echo(prefix + for_terminal(shown))
    if failed:  # the worst failure decides: unreadable (2) over malformed (1)
        click.get_current_context().exit(max(error.exit_code for error in failed))
