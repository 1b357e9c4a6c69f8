"""``tei-edition export html|pdf|text``: one module per format's options."""

import click

from tei_edition.cli import export_html, export_pdf, export_text


@click.group()
def export():
    """Export a TEI document as HTML, PDF or plain text.

    \b
    Example:
      tei-edition export text tei/nkidp-edossier-8.xml -o build/dossier.txt
    """


def _limits(ctx: click.Context, param: click.Parameter, value) -> None:
    """``--max-memory`` and ``--timeout``: the export runs in a worker process that is
    stopped at either limit, the error naming it (``pool.LIMITS``, undone at the end)."""
    from tei_edition.cli.base import size_value
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


def _limit_options(command: click.Command) -> None:
    names = {opt for p in command.params for opt in getattr(p, "opts", [])}
    command.params.append(click.Option(
        ["--max-memory"], metavar="SIZE", default="2G", show_default=True, expose_value=False,
        callback=_limits, help="Memory the export may use, the processes it starts included "
                               "(e.g. 500M, 4G); it is stopped beyond, naming the limit."))
    if "--timeout" not in names:
        command.params.append(click.Option(
            ["--timeout", "time_limit"], type=click.FloatRange(min=0, min_open=True), default=600,
            show_default=True, metavar="SECONDS", expose_value=False, callback=_limits,
            help="Time the export may take; it is stopped beyond, naming the limit."))


for command in (export_html.html, export_pdf.pdf, export_text.text):
    _limit_options(command)
    export.add_command(command)
