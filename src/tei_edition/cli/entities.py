"""``tei-edition entities list|show|cooccur|check``: who is named, where, with whom."""

from __future__ import annotations

import csv
import io

import click

from tei_edition.cli.base import bound_options, bounded, default_paths, format_option
from tei_edition.errors import EXIT_PROBLEMS
from tei_edition.textsafe import csv_cell, for_line, for_message, for_stdout, to_json

KINDS = ("person", "place", "org")


@click.group()
def entities():
    """Query the persons, places and organisations tagged in TEI documents.

    Registers (listPerson, listPlace, listOrg) may sit in the documents or in register
    files; a folder of files is one corpus. Names match across case, accents,
    apostrophes and Unicode forms.

    \b
    Example:
      tei-edition entities list tei/ --type person
    """


@bound_options
@entities.command(name="list")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--type", "kind", type=click.Choice(KINDS), help="Only entries of this kind.")
@click.option("--sort", type=click.Choice(("name", "mentions")), default="name", show_default=True)
@format_option("table", "csv", "json")
def list_(paths, kind, sort, fmt):
    """One row per register entry, with its mention count and documents.

    A name whose @ref points to several entries counts once for each (marked * in
    the table, "shared_mentions" in CSV and JSON).

    \b
    Example:
      tei-edition entities list tei/ --sort mentions
    """
    rows, not_read = bounded("tei_edition.entities.mentions:listing", default_paths(paths), kind=kind, sort=sort)
    if fmt == "json":
        click.echo(to_json([r.as_json() for r in rows], indent=2))
    elif fmt == "csv":
        click.echo(_csv(["id", "type", "name", "description", "mentions", "shared_mentions",
                         "documents"],
                        [[r.id, r.type, r.name, r.description, r.mentions, r.shared,
                          ";".join(r.documents)] for r in rows]), nl=False)
    else:
        click.echo(_table(["id", "type", "name", "mentions", "documents", "description"],
                          [[r.id, r.type, r.name, f"{r.mentions}{'*' if r.shared else ''}",
                            _short(", ".join(_basename(d) for d in r.documents), 40),
                            _short(r.description, 50)] for r in rows]))
        if any(r.shared for r in rows):
            click.echo("* includes names whose @ref points to several entries (counted for each)")
    _not_read(not_read)


@bound_options
@entities.command()
@click.argument("entity_id", metavar="ID")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--context", "words", type=click.IntRange(0, 200), default=8, show_default=True,
              help="Words of context either side of each mention.")
@format_option("text", "json")
def show(entity_id, paths, words, fmt):
    """An entry and every mention of it, in text order, with locator and context.

    ID is a register id (#puzanov, register.xml#puzanov) or any of its name forms,
    matched folded: "Хрущев" finds the entry whose forms include Хрущёв.

    \b
    Example:
      tei-edition entities show puzanov tei/ --context 5
    """
    record = bounded("tei_edition.entities.mentions:show", default_paths(paths), entity_id, words=words)
    if fmt == "json":
        click.echo(to_json(record, indent=2))
    else:
        _echo_show(record)
    _not_read(record["not_read"])


def _echo_show(record: dict) -> None:
    safe = for_line  # every field stays on its line
    name = record["name"] or "(no register entry)"
    click.echo(f"#{safe(record['id'])}  {record['type'] or '?'}  {click.style(safe(name), bold=True)}")
    if len(record["names"]) > 1:
        click.echo(f"  also: {safe('; '.join(record['names'][1:]))}")
    if record["description"]:
        click.echo(f"  {safe(record['description'])}")
    if record["register"]:
        click.echo(f"  register: {safe(record['register'])}")
    mentions = record["mentions"]
    click.echo(f"\n{len(mentions)} mention{'s' if len(mentions) != 1 else ''}")
    for m in mentions:
        shared = f"  (also #{', #'.join(m['shared_with'])})" if m["shared_with"] else ""
        where = " — ".join(v for v in (m["section"], m["locator"]) if v)
        click.echo(f"{safe(m['document'])}:{m['line']}  {safe(where)}{safe(shared)}")
        text = click.style(safe(m["text"]), bold=True, fg="yellow")
        click.echo(f"    {safe(m['before'])}{text}{safe(m['after'])}")


@bound_options
@entities.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--type", "kind", type=click.Choice(KINDS), help="Kind of one end of each pair.")
@click.option("--with", "with_kind", type=click.Choice(KINDS),
              help="Kind of the other end (default: the same as --type).")
@click.option("--scope", type=click.Choice(("paragraph", "document")), default="paragraph",
              show_default=True, help="Named together in one paragraph, or one document.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str),
              help="Write to this file instead of standard output.")
@format_option("table", "csv", "json", "graphml")
def cooccur(paths, kind, with_kind, scope, output, fmt):
    """Pairs of entries named together, weighted by the paragraphs (or documents)
    they share. GraphML loads into Gephi and networkx.

    \b
    Example:
      tei-edition entities cooccur tei/ --type person --format graphml -o people.graphml
    """
    # by name: the worker imports the module (lxml); this process only unpickles the
    # network (entities.network) and, for GraphML, the bytes the worker wrote
    options = {"kind": kind, "with_kind": with_kind, "scope": scope}
    data: str | bytes
    if fmt == "graphml":
        network, data = bounded("tei_edition.entities.cooccur:cooccur_graphml",
                                default_paths(paths), **options)
    else:
        network = bounded("tei_edition.entities.cooccur:cooccur", default_paths(paths), **options)
    if fmt == "json":
        data = to_json({"nodes": network.nodes, "pairs": [p.as_json() for p in network.pairs]},
                       indent=2) + "\n"
    elif fmt == "csv":
        data = _csv(["source", "source_name", "target", "target_name", "weight"],
                    [[p.source, p.source_name, p.target, p.target_name, p.weight]
                     for p in network.pairs])
    elif fmt == "table":
        data = _table(["source", "name", "target", "name", "weight"],
                      [[p.source, p.source_name, p.target, p.target_name, p.weight]
                       for p in network.pairs]) + "\n"
    if output:
        from tei_edition.xml.output import write_atomic

        write_atomic(output, data)
    else:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        click.echo(for_stdout(text), nl=False)  # GraphML: on a terminal, controls shown
    _not_read(network.not_read)


@bound_options
@entities.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@format_option("text", "json")
@click.pass_context
def check(ctx, paths, fmt):
    """Lint the tagging; exit 1 if anything is found.

    \b
    Rules:
      missing-entry   a pointer to an id no register has        (error)
      wrong-type      persName pointing to a place, and so on   (error)
      unused-entry    a register entry never mentioned          (warning)
      ambiguous-form  one surface form, different entries       (warning)
      duplicate-id    one id in two registers                   (warning)
      unlinked        a name without @ref                       (warning)
      untagged        a register name form in untagged text     (warning)

    \b
    Example:
      tei-edition entities check tei/ --format json
    """
    from tei_edition.validation.diagnostics import to_json
    results = bounded("tei_edition.entities.check:check", default_paths(paths))
    found = sum(len(d) for _, d in results)
    if fmt == "json":
        click.echo(to_json(results))
    else:
        for _, diagnostics in results:
            for diagnostic in diagnostics:
                click.echo(diagnostic.as_text())
        errors = sum(1 for _, ds in results for d in ds if d.severity == "error")
        click.echo(f"{len(results)} file{'s' if len(results) != 1 else ''}: {errors} error(s), "
                   f"{found - errors} warning(s)", err=True)
    if found:
        ctx.exit(EXIT_PROBLEMS)


# -- output helpers ----------------------------------------------------------------------

def _not_read(errors: list[str]) -> None:
    """Malformed files of a corpus: reported, the rest answered, exit 1."""
    for error in errors:
        click.echo(for_message(error), err=True)
    if errors:
        click.get_current_context().exit(EXIT_PROBLEMS)


def _basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _table(headers: list[str], rows: list[list]) -> str:
    """Aligned columns; document text made safe for the terminal, each cell on its line."""
    cells = [[for_line(str(c)) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _csv(headers: list[str], rows: list[list]) -> str:
    """CSV whose cells no spreadsheet runs as formulas and no terminal obeys."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([csv_cell(c) for c in row] for row in rows)
    return buffer.getvalue()
