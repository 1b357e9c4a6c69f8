"""Where a letter's page spends its time in Saxon: one process loads the collection
and its register once, as a build's worker does (``publish.build.init_worker``), renders
N letters' pages (``publish.build.render``), and prints the CPU milliseconds per letter
spent in Saxon beside the reference stylesheets' on the same letters, in the same
process and run.

Usage: ``python -m bench.page_profile [--letters N] [--warmup K] [--out DIR]
[--stylesheet XSL ...] [--replay ROUNDS] [--reference XSL ...] [COLLECTION_FOLDER]``

COLLECTION_FOLDER holds ``letters/`` and ``registers/`` (default: the 1,000 generated
letters, ``bench.generate.cached_letters(1000)``). ``--out`` keeps the pages made (to
compare two stylesheet versions with ``diff -r``); otherwise a temporary folder is used.
``--stylesheet`` renders every letter again with another page stylesheet, right after
ours (to bisect: one that imports xslt/html/html.xsl and overrides a part; or a copy of
an earlier xslt/ folder, for before and after). ``--replay`` then runs every captured
page transformation again with each stylesheet in turn, the documents handed to Saxon
beforehand: Saxon's time alone, the stylesheets interleaved.

Figures are CPU time of this process (``time.process_time``: Saxon's own threads
included) around each call, so a busy machine moves them less than wall time (but
still some: compare stylesheets in one run, never across runs):

  * ``page``: the page stylesheet's transformation (``transform.run_strings`` without
    handing the document over); ``replay:page`` the same replayed,
  * ``to_xdm``: handing documents and the register bundle to Saxon (lxml -> text -> Saxon),
  * ``forms``: the entries' name forms (``run.with_forms``: ``te:entry-forms``, made once
    per entry per process: dear for the first letters, then less and less),
  * ``render``: the rest of ``build.render`` (parse, resolve, page parameters, digest ...),
  * each reference stylesheet's transformation of the same letter files (parsed by Saxon
    from the file, not timed).
"""

from __future__ import annotations

import argparse
import atexit
import dataclasses
import shutil
import sys
import tempfile
import time
from copy import deepcopy
from pathlib import Path

from lxml import etree

from bench.clock import Clock

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = ("/work/ref/tei-stylesheets/html/html.xsl", str(ROOT / "bench/reference/tei-html.xsl"))


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.page_profile",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("collection", nargs="?", type=Path, help="folder with letters/ and registers/")
    parser.add_argument("--letters", type=int, default=50, help="letters timed (default 50)")
    parser.add_argument("--warmup", type=int, default=5, help="letters rendered first, not timed")
    parser.add_argument("--out", type=Path, help="keep the pages here")
    parser.add_argument("--reference", nargs="*", default=list(REFERENCES),
                        help="reference stylesheets (default: the TEI Stylesheets' html.xsl, "
                             "bench/reference/tei-html.xsl)")
    parser.add_argument("--stylesheet", type=Path, action="append", default=[],
                        help="another page stylesheet, timed beside ours letter by letter (one "
                             "that imports xslt/html/html.xsl and leaves out a part of it: to "
                             "bisect; its pages go to OUT/<n>-<its stem>/); may be repeated")
    parser.add_argument("--replay", type=int, default=0, metavar="ROUNDS",
                        help="then run our page's timed transformations again ROUNDS times with "
                             "every stylesheet, the documents handed to Saxon beforehand")
    parser.add_argument("--repeat", type=int, default=1, help="render the letters this many times")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from bench import generate
    from tei_edition import collection as collection_model
    from tei_edition.publish import build, formats, transform
    from tei_edition.publish.formats import html
    from tei_edition.xml import parse as xmlparse

    folder = args.collection or generate.cached_letters(1000)
    clock = Clock()
    clock.wrap(transform, "to_xdm", "to_xdm")
    page = {"name": "page", "timed": False}  # what the page's transformation is counted as

    captured: list[tuple] = []  # (document, params, path) of our page's timed runs, to replay

    def run_strings(stylesheet, document, params=None, **kwargs):
        if args.replay and page["name"] == "page" and page["timed"]:
            captured.append((deepcopy(document), {k: deepcopy(v) for k, v in (params or {}).items()},
                             kwargs.get("path")))
        with clock.timing(page["name"]):
            return original_run_strings(stylesheet, document, params, **kwargs)

    original_run_strings, transform.run_strings = transform.run_strings, run_strings
    clock.wrap(transform, "call_template_strings", "forms")

    started = time.process_time()
    collection = collection_model.load([folder / "letters", folder / "registers"])
    load_cpu = time.process_time() - started
    documents = build._units(collection)
    chosen = [formats.get("html")]
    plan = build._plan(documents, chosen)
    ids = list(documents)[: args.warmup + args.letters]
    out = args.out
    if out is None:  # (a temporary folder: removed when the profile ends)
        out = Path(tempfile.mkdtemp(prefix="page-profile-"))
        atexit.register(shutil.rmtree, out, True)
    tasks = [build._Task(doc_id, Path(documents[doc_id].path), out, plan[doc_id], validate=False,
                         strict=False, document=documents[doc_id], page=True) for doc_id in ids]
    ours = html.STYLESHEET
    variants = [("page", ours, out)] + [(f"page:{n}-{path.stem}", str(path.resolve()), out / f"{n}-{path.stem}")
                                        for n, path in enumerate(args.stylesheet, 1)]
    started = time.process_time()
    build.init_worker(None, ["html"], xmlparse.current_limits(), build._for_workers(collection, tasks))
    init_cpu = time.process_time() - started
    warm, timed = tasks[: args.warmup], tasks[args.warmup:]
    for task in warm:
        for name, stylesheet, staging in variants:
            _render(html, name, stylesheet, task, staging, page, clock)
    clock.reset()
    page["timed"] = True
    for _ in range(args.repeat):
        for task in timed:
            for name, stylesheet, staging in variants:
                _render(html, name, stylesheet, task, staging, page, clock)
    html.STYLESHEET = ours
    n = len(timed) * args.repeat
    replayed = _replay(transform, variants, captured, args.replay, clock)

    from saxonche import PySaxonProcessor

    references = {}
    with PySaxonProcessor(license=False) as proc:
        for stylesheet in args.reference:
            executable = proc.new_xslt30_processor().compile_stylesheet(stylesheet_file=stylesheet)
            name = f"ref:{Path(stylesheet).parent.name}/{Path(stylesheet).name}"
            for task in warm:
                executable.transform_to_string(xdm_node=proc.parse_xml(xml_file_name=str(task.source)))
            for _ in range(args.repeat):
                for task in timed:
                    node = proc.parse_xml(xml_file_name=str(task.source))
                    with clock.timing(name):
                        executable.transform_to_string(xdm_node=node)
            references[name] = stylesheet

    print(f"{folder}: collection loaded in {load_cpu * 1000:.0f} ms CPU, worker started in "
          f"{init_cpu * 1000:.0f} ms CPU; {n} letter pages timed after {len(warm)} untimed")
    print(f"{'ms per letter':<34}{'CPU':>8}{'wall':>8}")
    for name in [*(v[0] for v in variants), *replayed, "to_xdm", "forms", "render", *references]:
        if clock.calls.get(name):
            per = clock.calls[name] if name in replayed else n
            print(f"{name:<34}{clock.cpu[name] * 1000 / per:>8.2f}{clock.wall[name] * 1000 / per:>8.2f}")
    mine = {"page": clock.cpu["page"] / n}
    if "replay:page" in replayed:
        mine["replay:page"] = clock.cpu["replay:page"] / clock.calls["replay:page"]
    for name in references:
        theirs = clock.cpu[name] / n
        for label, value in mine.items():
            print(f"{label} / {name}: {value / theirs:.2f}x")
    return 0


def _replay(transform, variants, captured, rounds: int, clock) -> list[str]:
    """Each captured page transformation again, ``rounds`` times with every variant in
    turn: Saxon's own time alone (the documents handed over before the clock starts),
    the variants interleaved so that a busy machine weighs on them alike."""
    if not rounds or not captured:
        return []
    names = [f"replay:{name}" for name, _, _ in variants]
    prepared = []
    for document, params, path in captured:
        for name, (_, stylesheet, _) in zip(names, variants):
            sheet = transform.compiled(stylesheet)
            node = getattr(transform.to_xdm, "__wrapped__", transform.to_xdm)(sheet.processor, document)
            values = {key: transform._xdm_value(sheet.processor, value) for key, value in params.items()}
            prepared.append((name, sheet.executable, node, values))
    for _ in range(rounds):
        for name, executable, node, values in prepared:
            executable.clear_parameters()
            for key, value in values.items():
                executable.set_parameter(key, value)
            executable.set_result_as_raw_value(True)
            with clock.timing(name):
                executable.transform_to_value(xdm_node=node)
            executable.set_result_as_raw_value(False)
            executable.get_xsl_messages() and executable.clear_xsl_messages()
    return names


def _render(html, name, stylesheet, task, staging, page, clock) -> None:
    """One letter's page by one of the stylesheets, into its own folder."""
    from tei_edition.publish import build

    html.STYLESHEET, page["name"] = stylesheet, name
    staging.mkdir(parents=True, exist_ok=True)
    task = dataclasses.replace(task, staging=staging)
    with clock.timing("render" if name == "page" else f"render:{name}"):
        _rendered(build.render(task))


def _rendered(outcome) -> None:
    if not outcome.ok:
        raise SystemExit(f"{outcome.path}: {outcome.problems or outcome.failure or outcome.formats}")


if __name__ == "__main__":
    sys.exit(main())
