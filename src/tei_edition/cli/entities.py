"""``tei-edition entities list|show|cooccur|check`` (filled in by the entities issue)."""

import click

from tei_edition.errors import UsageError


@click.group()
def entities():
    """Query the persons, places and organizations tagged in TEI documents.

    \b
    Example:
      tei-edition entities list tei/ --type person
    """


@entities.command(name="list")
@click.argument("paths", nargs=-1)
def list_(paths):
    """One row per register entry, with its mention count.

    \b
    Example:
      tei-edition entities list tei/ --sort mentions
    """
    raise UsageError("entities list is not available yet")
