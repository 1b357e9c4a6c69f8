"""``tei-edition doctor``: one screen on what this installation can do."""

import click


@click.command()
def doctor():
    """Report engines, fonts, Java/jing and where resources were found.

    \b
    Example:
      tei-edition doctor
    """
    from tei_edition.doctor import checks

    results = checks()
    width = max(len(c.name) for c in results)
    for check in results:
        mark = "ok " if check.ok else "-- "
        click.echo(f"{mark}{check.name.ljust(width)}  {check.detail}")
