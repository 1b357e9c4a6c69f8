"""What every command shares: error mapping to exit codes, the parser's limits, and
common options."""

from __future__ import annotations

import os

import click

from tei_edition.errors import EXIT_PROBLEMS, TeiEditionError
from tei_edition.terminate import Terminated, terminations_raise
from tei_edition.textsafe import for_message

# Commands that read no XML get no limit options.
_NO_LIMITS = {"doctor"}


class EditionGroup(click.Group):
    """A group that turns our errors into one line and an exit code, never a traceback.

    It also gives every command that reads XML the two options that lift the safe
    parser's limits, ``--huge`` and ``--max-bytes SIZE``, and ``--xinclude`` (accepted
    before the command name too, and from ``TEI_EDITION_HUGE``, ``TEI_EDITION_MAX_BYTES``,
    ``TEI_EDITION_XINCLUDE``); they apply to every file the command reads.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.params.extend(limit_options())

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        super().add_command(cmd, name)
        _add_limit_options(cmd)

    def invoke(self, ctx: click.Context):
        from tei_edition.xml.limits import limits

        try:
            with limits(**ctx.meta.get(_META, {})), terminations_raise():  # undone when the command ends
                return super().invoke(ctx)
        except TeiEditionError as exc:
            if _debug(ctx):
                raise
            click.echo(for_message(exc.located()), err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Terminated as exc:
            click.echo("terminated", err=True)
            ctx.exit(128 + exc.signal)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:  # ``tei-edition ... | head``: the reader has gone, say nothing
            _silence_stdout()
            ctx.exit(EXIT_PROBLEMS)
        except (RecursionError, MemoryError) as exc:  # the input outgrew this machine
            if _debug(ctx):
                raise
            click.echo(_EXHAUSTED[type(exc)], err=True)
            ctx.exit(EXIT_PROBLEMS)
        except Exception as exc:  # a bug: say so in one line, keep the traceback in a file
            if _debug(ctx):
                raise
            saved = _save_traceback()
            click.echo(f"internal error: {for_message(type(exc).__name__)}: "
                       f"{for_message(str(exc))[:300]} (traceback saved to {saved}; "
                       "please report it)", err=True)
            ctx.exit(EXIT_PROBLEMS)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that flushing it at exit raises nothing more."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except OSError:
        pass


_EXHAUSTED = {
    RecursionError: "error: the document nests too deeply to process (a recursion limit "
                    "was reached); no output was written",
    MemoryError: "error: out of memory; the input is too large to process here "
                 "(lower --max-bytes to refuse such files early)",
}


def _debug(ctx: click.Context) -> bool:
    root = ctx.find_root()
    return bool(root.obj and root.obj.get("debug")) or bool(os.environ.get("TEI_EDITION_DEBUG"))


def _save_traceback() -> str:
    import tempfile  # only on a crash: keeps both out of every start-up
    import traceback

    fd, path = tempfile.mkstemp(prefix="tei-edition-crash-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(traceback.format_exc())
    return path


# ------------------------------------------------------------------ parser limits

_META = "tei_edition.limits"


def _set_huge(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        _apply(ctx, huge=True)
    return value


def _set_xinclude(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        _apply(ctx, xinclude=True)
    return value


def size_value(ctx: click.Context, param: click.Parameter, value: str) -> int:
    """A SIZE option (``500M``, ``2G`` ...) as bytes, more than 0, or a usage error."""
    from tei_edition.xml.limits import parse_size

    try:
        size = parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None
    if size <= 0:
        raise click.BadParameter("must be more than 0", ctx=ctx, param=param)
    return size


def _set_max_bytes(ctx: click.Context, param: click.Parameter, value: str | None):
    if value is None:
        return value
    _apply(ctx, max_bytes=size_value(ctx, param, value))
    return value


def _apply(ctx: click.Context, **values) -> None:
    """Before the command name the values wait in the context until ``invoke``; after
    it they take effect at once (inside the ``limits()`` block that ``invoke`` opened)."""
    ctx.meta.setdefault(_META, {}).update(values)
    if ctx.parent is not None:
        from tei_edition.xml.limits import set_limits

        set_limits(**values)


def limit_options() -> list[click.Option]:
    """``--huge``, ``--max-bytes`` and ``--xinclude``: they set the parser's limits and
    pass no value on to the command."""
    return [
        click.Option(["--huge"], is_flag=True, expose_value=False, callback=_set_huge,
                     envvar="TEI_EDITION_HUGE",
                     help="Lift the XML parser's safety limits (nesting deeper than 256 "
                          "levels, up to 2048; text nodes over 10 MB)."),
        click.Option(["--max-bytes"], metavar="SIZE", expose_value=False, callback=_set_max_bytes,
                     envvar="TEI_EDITION_MAX_BYTES",
                     help="Refuse input files larger than SIZE (e.g. 500M, 2G; default 100M)."),
        click.Option(["--xinclude"], is_flag=True, expose_value=False, callback=_set_xinclude,
                     envvar="TEI_EDITION_XINCLUDE",
                     help="Expand xi:include: only files inside the document's folder, "
                          "never from the network; depth, count and size are bounded."),
    ]


def _add_limit_options(cmd: click.Command) -> None:
    if isinstance(cmd, click.Group):
        for sub in cmd.commands.values():
            _add_limit_options(sub)
        return
    if cmd.name in _NO_LIMITS:
        return
    taken = {opt for p in cmd.params for opt in getattr(p, "opts", [])}
    cmd.params.extend(o for o in limit_options() if not taken.intersection(o.opts))


# ------------------------------------------------------------------ time and memory

def _bounds(ctx: click.Context, param: click.Parameter, value) -> None:
    """``--max-memory`` and ``--timeout``: the command's work runs in a worker process
    that is stopped at either limit, the error naming it (``pool.LIMITS``, undone at
    the end)."""
    from tei_edition.publish import pool

    if value is None:
        return
    current = pool.LIMITS.get() or pool.Limits()
    if param.name == "max_memory":
        limits = pool.Limits(size_value(ctx, param, value), current.timeout)
    else:
        limits = pool.Limits(current.memory, float(value))
    token = pool.LIMITS.set(limits)
    ctx.call_on_close(lambda: pool.LIMITS.reset(token))


def bound_options(command: click.Command) -> click.Command:
    """Give a command that does work ``--max-memory SIZE`` and ``--timeout SECONDS``
    (a command with a ``--timeout`` of its own, ``export pdf``, keeps it)."""
    names = {opt for p in command.params for opt in getattr(p, "opts", [])}
    command.params.append(click.Option(
        ["--max-memory"], metavar="SIZE", default="2G", show_default=True, expose_value=False,
        callback=_bounds, help="Memory the command may use, the processes it starts included "
                               "(e.g. 500M, 4G); it is stopped beyond, naming the limit."))
    if "--timeout" not in names:
        command.params.append(click.Option(
            ["--timeout", "time_limit"], type=click.FloatRange(min=0, min_open=True), default=600,
            show_default=True, metavar="SECONDS", expose_value=False, callback=_bounds,
            help="Time the command may take; it is stopped beyond, naming the limit."))
    return command


def bounded(function, *args, **kwargs):
    """``function(*args, **kwargs)`` (a library call) in a worker process within the
    command line's ``--max-memory`` and ``--timeout``: its result, or its
    ``TeiEditionError`` raised here, or a ``TransformError`` naming the limit hit."""
    from dataclasses import replace

    from tei_edition.publish import pool

    limits = replace(pool.LIMITS.get() or pool.Limits(), whole=True)
    return pool.call(function, *args, limits=limits, **kwargs)


# ------------------------------------------------------------------ shared options

def format_option(*choices: str, default: str | None = None):
    """The shared ``--format`` option of every command that reports or lists things."""
    return click.option("--format", "fmt", type=click.Choice(choices), default=default or choices[0],
                        show_default=True, help="Output format.")


def default_paths(paths: tuple[str, ...]) -> list[str]:
    return list(paths) or ["tei"]
