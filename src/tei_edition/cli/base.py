"""What every command shares: error mapping to exit codes, and common options."""

from __future__ import annotations

import os
import tempfile
import traceback

import click

from tei_edition.errors import EXIT_PROBLEMS, TeiEditionError
from tei_edition.textsafe import for_terminal


class EditionGroup(click.Group):
    """A group that turns our errors into one line and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TeiEditionError as exc:
            if _debug(ctx):
                raise
            click.echo(for_terminal(exc.located()), err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:  # a bug: say so in one line, keep the traceback in a file
            if _debug(ctx):
                raise
            saved = _save_traceback()
            click.echo(f"internal error: {for_terminal(type(exc).__name__)}: "
                       f"{for_terminal(str(exc))[:300]} (traceback saved to {saved}; "
                       "please report it)", err=True)
            ctx.exit(EXIT_PROBLEMS)


def _debug(ctx: click.Context) -> bool:
    root = ctx.find_root()
    return bool(root.obj and root.obj.get("debug")) or bool(os.environ.get("TEI_EDITION_DEBUG"))


def _save_traceback() -> str:
    fd, path = tempfile.mkstemp(prefix="tei-edition-crash-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(traceback.format_exc())
    return path


def format_option(*choices: str, default: str | None = None):
    """The shared ``--format`` option of every command that reports or lists things."""
    return click.option("--format", "fmt", type=click.Choice(choices), default=default or choices[0],
                        show_default=True, help="Output format.")


def paths_argument(default: str | None = "tei"):
    """Zero or more files or folders; defaults to the ``tei/`` folder."""
    return click.argument("paths", nargs=-1, type=click.Path(path_type=str))


def default_paths(paths: tuple[str, ...]) -> list[str]:
    return list(paths) or ["tei"]
