"""``tei-edition query`` (filled in by the entities issue)."""

import click

from tei_edition.errors import UsageError


@click.command()
@click.argument("expr")
@click.argument("paths", nargs=-1)
def query(expr, paths):
    """Evaluate an XPath 3.1 expression over TEI files (``tei:`` is bound).

    \b
    Example:
      tei-edition query "count(//tei:persName)" tei/
    """
    raise UsageError("query is not available yet")
