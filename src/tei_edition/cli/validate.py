"""``tei-edition validate`` (filled in by the validation issue)."""

import click

from tei_edition.errors import UsageError


@click.command()
@click.argument("paths", nargs=-1)
def validate(paths):
    """Check documents against schemas and rules.

    \b
    Example:
      tei-edition validate tei/nkidp-edossier-8.xml
    """
    raise UsageError("validate is not available yet")
