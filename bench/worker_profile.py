"""What a build's worker spends per document, by part: ``python -m bench.worker_profile
[N] [--skip S] [--formats html,pdf,text] [--collection DIR]`` renders N letters (default
200 of ``cached_letters(1000)``, or of DIR's ``letters/`` and ``registers/``) in this
process the way a worker does (``build.init_worker`` once, then ``build.render`` per
letter, the chosen formats of the collection site; a pool worker's Typst worker stays
from letter to letter), and prints CPU ms per letter (wall ms in brackets) and calls per
letter of each part (times inclusive: a part's figure holds the parts it calls). The
first ``S`` letters (default 20) warm up and are not counted. The worker's start
(``init_worker``) is timed on its own.

A part run for several formats (the hand-over to Saxon, the register's bundle, Saxon's
transformation) is named with its format in brackets. The Typst compile runs in a child
process: ``typeset.Compile.wait`` is the worker's wait for it (wall; its CPU is nil),
``typst child`` the child's CPU and the time from the job's submission to its result.

A part listed here that no longer exists stops the profile, named; one that exists but
was never called is named at the end (its caller looks it up elsewhere now: wrap it
there). Nothing is written outside a temporary folder."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.clock import Clock

FORMATS = ("html", "pdf", "text")


@dataclass(frozen=True)
class Part:
    """A function timed: ``owner`` (a dotted module, or module:Class) and its attribute,
    where its callers look it up. ``per_format``: named with the format it runs for.
    ``sometimes``: not called for every letter (so not missed when never called)."""

    owner: str
    attribute: str
    label: str = ""
    per_format: bool = False
    sometimes: bool = False

    @property
    def name(self) -> str:
        return self.label or f"{self.owner.rpartition('.')[2].replace(':', '.')}.{self.attribute}"


P = "tei_edition.publish."
# What every worker does for a letter, whatever its formats
COMMON = (
    Part(P + "transform", "to_xdm", per_format=True),
    Part(P + "transform", "_prepared", per_format=True),
    Part(P + "transform", "call_template_strings", per_format=True, sometimes=True),
    Part(P + "run", "resolve", "run.resolve (names, once)"),  # (inside ``run.resolved``)
    Part(P + "run", "handed_bundle", per_format=True),
    Part(P + "run", "with_forms", per_format=True, sometimes=True),  # (entries new to the worker)
    Part(P + "build", "_check"),
    Part(P + "build", "_export_all"),
    Part("tei_edition.collection.model:Document", "parse", "Document.parse"),
)
PARTS = {
    "html": (
        Part(P + "site", "page_parameters"),
        Part(P + "digest", "digests"),
        Part(P + "digest", "document_postings"),  # (imported by name from search_index)
        Part(P + "site", "write_facsimiles"),
        Part(P + "formats.html", "export"),
        Part(P + "formats.html", "render"),
        Part(P + "formats.html", "_run_format", "html.run_format"),
        Part(P + "formats.html", "write_atomic", "html.write_atomic"),
    ),
    "pdf": (
        Part(P + "formats.pdf", "start"),
        Part(P + "formats.pdf", "check_size"),
        Part(P + "formats.pdf", "creation_date"),
        Part(P + "formats.pdf", "fallback_fonts"),
        Part(P + "formats.pdf", "typst_source"),
        Part(P + "formats.pdf", "revision_words"),
        Part(P + "formats.pdf", "run_format", "pdf.run_format"),
        Part("tei_edition.resources", "typst_template"),
        Part(P + "typeset:Worker", "__init__", "typeset.Worker (a Typst worker started)",
             sometimes=True),
        Part(P + "typeset:Compile", "__init__", "typeset.Compile (a worker taken)"),
        Part(P + "typeset:Compile", "submit", "typeset.Compile.submit"),
        Part(P + "formats.pdf:Pending", "finish", "pdf.Pending.finish"),
        Part(P + "typeset:Compile", "wait", "typeset.Compile.wait (idle, wall)"),
        Part(P + "typeset", "quiet_mark_info"),
        Part(P + "formats.pdf", "write_atomic", "pdf.write_atomic"),
    ),
    "text": (
        Part(P + "formats.text", "export"),
        Part(P + "formats.text", "render"),
        Part(P + "formats.text", "run_format", "text.run_format"),
        Part(P + "formats.text", "write_atomic", "text.write_atomic"),
    ),
}
TYPST_CHILD = "typst child: submit to result"
HAND_OVER, TRANSFORM, TEMPLATE = ("saxon: hand over (parse_xml)", "saxon: transform",
                                  "saxon: named template")


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.worker_profile",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=200, help="letters timed (200)")
    parser.add_argument("--skip", type=int, default=20, help="letters rendered first, not timed")
    parser.add_argument("--formats", default="html",
                        help="the formats rendered, comma-separated (html; html,pdf,text: all)")
    parser.add_argument("--collection", type=Path,
                        help="folder with letters/ and registers/ (default: 1,000 generated)")
    args = parser.parse_args(argv)
    args.formats = [name.strip() for name in args.formats.split(",") if name.strip()]
    unknown = sorted(set(args.formats) - set(FORMATS))
    if unknown or not args.formats:
        parser.error(f"--formats: choose from {', '.join(FORMATS)} (got {args.formats!r})")
    return args


def _owner(dotted: str):
    module, _, cls = dotted.partition(":")
    loaded = importlib.import_module(module)
    return getattr(loaded, cls) if cls else loaded


_ABSENT = object()  # (an attribute the owner did not hold itself: removed again)


class _Profile:
    """The clock, the format being written (``build._attempt``'s), the parts wrapped."""

    def __init__(self) -> None:
        self.clock = Clock(inclusive=True)
        self.clock.counting = False
        self.format = "-"
        self.in_template = False  # inside ``transform.call_template_strings``
        self._undo: list[tuple[object, str, object]] = []

    def patch(self, owner, attribute: str, replacement) -> None:
        """``owner.attribute`` replaced until ``restore`` (put back as it was)."""
        self._undo.append((owner, attribute, owner.__dict__.get(attribute, _ABSENT)))
        setattr(owner, attribute, replacement)

    def restore(self) -> None:
        while self._undo:
            owner, attribute, original = self._undo.pop()
            if original is _ABSENT:
                delattr(owner, attribute)
            else:
                setattr(owner, attribute, original)

    def wrap(self, part: Part) -> None:
        owner = _owner(part.owner)
        function = getattr(owner, part.attribute, None)
        if function is None:  # renamed or moved: the profile is stale, not silently partial
            raise AttributeError(f"bench.worker_profile times {part.owner}.{part.attribute}, "
                                 f"which is gone: update PARTS in {__file__}")

        def timed(*args, **kwargs):
            name = f"{part.name} [{self.format}]" if part.per_format else part.name
            with self.clock.timing(name):
                return function(*args, **kwargs)

        timed.__wrapped__ = function
        self.patch(owner, part.attribute, timed)

    def counted_as(self, part: Part) -> list[str]:
        """The names ``part`` may be counted under."""
        return [f"{part.name} [{f}]" for f in FORMATS] if part.per_format else [part.name]



def _hook_saxon(profile: _Profile, transform) -> None:
    """Saxon's calls timed by what they do: hand a tree over, transform, or run a named
    template (the entries' forms, what a stylesheet declares)."""
    saxon, call_template = transform.call_saxon, transform.call_template_strings

    def call_saxon(action, context, **kwargs):
        kind = HAND_OVER if context.startswith("cannot hand") else \
            TEMPLATE if profile.in_template else TRANSFORM
        with profile.clock.timing(f"{kind} [{profile.format}]"):
            return saxon(action, context, **kwargs)

    def call_template_strings(*args, **kwargs):
        outer, profile.in_template = profile.in_template, True
        try:
            return call_template(*args, **kwargs)
        finally:
            profile.in_template = outer

    profile.patch(transform, "call_saxon", call_saxon)
    profile.patch(transform, "call_template_strings", call_template_strings)


def _hook_formats(profile: _Profile, build) -> None:
    """The format ``build._attempt`` runs, for the parts named by format."""
    attempt = build._attempt

    def attempt_format(fmt, call):
        outer, profile.format = profile.format, fmt.name
        try:
            return attempt(fmt, call)
        finally:
            profile.format = outer

    profile.patch(build, "_attempt", attempt_format)


def _hook_typst(profile: _Profile, typeset) -> None:
    """The Typst child's time from a job's submission to its result (wall)."""
    submit, receive = typeset.Compile.submit, typeset.Worker.receive

    def submitted(self, *args, **kwargs):
        result = submit(self, *args, **kwargs)
        self._worker.submitted = time.perf_counter()
        return result

    def received(self, deadline):
        report = receive(self, deadline)
        if profile.clock.counting and hasattr(self, "submitted"):
            profile.clock.wall[TYPST_CHILD] += time.perf_counter() - self.submitted
            profile.clock.calls[TYPST_CHILD] += 1
        return report

    profile.patch(typeset.Compile, "submit", submitted)
    profile.patch(typeset.Worker, "receive", received)


def _child_cpu(typeset) -> tuple[int, float] | None:
    """The resident Typst worker's pid and CPU seconds so far (None: none, or no /proc)."""
    worker = typeset._resident
    if worker is None or not worker.alive():
        return None
    try:
        fields = Path(f"/proc/{worker.process.pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return worker.process.pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Figures:
    """What a profile measured: the clock's sums, the worker's start, the Typst child's
    CPU over the counted letters (None: not measured) and the parts never called."""

    cpu: dict
    wall: dict
    calls: dict
    start_cpu: float
    start_wall: float
    typst_cpu: float | None
    missed: list[str]


def profile(folder: Path, count: int, skip: int, formats: list[str]) -> Figures:
    """Render ``count`` letters of ``folder`` after ``skip`` more, timed by part."""
    from tei_edition.publish import build, pool, transform, typeset

    session = _Profile()
    clock, start = session.clock, Clock()
    parts = list(COMMON) + [p for name in formats for p in PARTS[name]]
    child: dict[str, tuple[int, float] | None] = {}

    def run_here(tasks, init_args, finished):
        with start.timing("init_worker"):
            build.init_worker(*init_args)
        chosen = tasks[:count + skip]
        try:
            for n, task in enumerate(chosen):
                clock.counting = n >= skip
                if n == skip:
                    child["from"] = _child_cpu(typeset)
                with clock.timing("build.render"):
                    outcome = build.render(task)
                if not outcome.ok:
                    print(outcome, file=sys.stderr)
            child["to"] = _child_cpu(typeset)
        finally:
            clock.counting = False
            build._release_worker()
        raise _Stop

    for part in parts:  # every module imported before any is wrapped: none binds a wrapper
        _owner(part.owner)  # by name (``from ... import``) that would outlive the profile
    try:
        for part in parts:
            session.wrap(part)
        _hook_saxon(session, transform)
        _hook_formats(session, build)
        if "pdf" in formats:
            _hook_typst(session, typeset)
        session.patch(build, "_run_here", run_here)
        session.patch(pool, "_in_worker", True)  # (its Typst worker stays, as in a pool's)
        with tempfile.TemporaryDirectory() as tmp, contextlib.suppress(_Stop):
            build.build([str(folder / "letters"), str(folder / "registers")], Path(tmp) / "out",
                        only=formats, jobs=0, force=True)
    finally:
        session.restore()
        typeset.close_resident()
    before, after = child.get("from"), child.get("to")
    typst_cpu = after[1] - before[1] if before and after and before[0] == after[0] else None
    missed = [p.name for p in parts if not p.sometimes
              and not any(clock.calls.get(n) for n in session.counted_as(p))]
    return Figures(dict(clock.cpu), dict(clock.wall), dict(clock.calls), start.cpu["init_worker"],
                   start.wall["init_worker"], typst_cpu, missed)


class _Stop(Exception):
    pass


def report(figures: Figures, out=None) -> None:
    out = out or sys.stdout
    cpu, wall, calls = figures.cpu, figures.wall, figures.calls
    n = calls["build.render"]
    print(f"worker start (init_worker): {figures.start_cpu * 1000:.0f} ms CPU, "
          f"{figures.start_wall * 1000:.0f} ms wall", file=out)
    print(f"{n} letters; CPU ms per letter (wall), calls per letter", file=out)
    for label in sorted(calls, key=lambda k: (-cpu.get(k, 0.0), -wall[k])):
        print(f"  {label:48} {cpu.get(label, 0.0) / n * 1000:7.2f} ({wall[label] / n * 1000:7.2f})"
              f"  {calls[label] / n:5.2f}", file=out)
    if figures.typst_cpu is not None:
        print(f"  {'typst child: its own CPU':48} {figures.typst_cpu / n * 1000:7.2f}", file=out)
    inside = sum(v for k, v in cpu.items() if k.startswith("saxon:"))
    transforming = sum(v for k, v in cpu.items() if k.startswith((TRANSFORM, TEMPLATE)))
    print(f"  {'render outside Saxon calls':48} {(cpu['build.render'] - inside) / n * 1000:7.2f}",
          file=out)
    print(f"  {'render outside the transform':48} "
          f"{(cpu['build.render'] - transforming) / n * 1000:7.2f}", file=out)
    if figures.missed:
        print(f"never called (looked up elsewhere now? wrap it there): {', '.join(figures.missed)}",
              file=out)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.collection is None:
        from bench.generate import cached_letters

        args.collection = cached_letters(1000)
    figures = profile(args.collection, args.count, args.skip, args.formats)
    report(figures)
    return 1 if figures.missed else 0


if __name__ == "__main__":
    sys.exit(main())
