"""``python -m bench``: run the cases, print the table, write ``bench/results/latest.json``.

Every figure is the median of several runs of the real command line, interleaved with
its reference in the same run. Options: ``--quick`` skips the 100 MB file, ``--repeats``
sets the runs per figure, ``--only`` picks cases, ``--profile CASE`` runs one case's
command once under pyinstrument instead of measuring.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench import cases, generate
from bench.harness import fmt_bytes, fmt_seconds, table
from tei_edition.publish.peak import available_memory

RESULTS = Path(__file__).resolve().parent / "results"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 100 MB file")
    parser.add_argument("--repeats", type=int, default=5, help="runs per figure (default 5; "
                        "large files use fewer)")
    parser.add_argument("--timeout", type=float, help="seconds before one run is killed "
                        "(default 300, 120 with --quick)")
    parser.add_argument("--max-memory", type=float, metavar="GB",
                        help="kill a run holding more than this (default: 40%% of the memory "
                             "available when the run starts; the machine is shared)")
    parser.add_argument("--only", nargs="+", metavar="CASE",
                        help=f"cases to run: {', '.join(c.name for c in cases.CASES)}")
    parser.add_argument("--json", type=Path, default=RESULTS / "latest.json", help="where to write results")
    parser.add_argument("--profile", metavar="CASE", help="profile our command of CASE with pyinstrument")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _byte_compile()
    work = Path(tempfile.mkdtemp(prefix="tei-edition-bench-"))
    try:
        available = available_memory()
        limit = (int(args.max_memory * 2**30) if args.max_memory
                 else int(0.4 * available) if available else None)
        ctx = cases.Context.detect(work, quick=args.quick, repeats=max(1, args.repeats),
                                   timeout=args.timeout or (120.0 if args.quick else 300.0),
                                   mem_limit=limit)
        if args.profile:
            return profile(ctx, args.profile)
        return run(ctx, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _byte_compile() -> None:
    """Our sources compiled once, as an installed package is: without this a shell with
    PYTHONDONTWRITEBYTECODE set would compile every module again in every process the
    bench starts (about 0.2 s each), which a user's install never does."""
    compileall.compile_dir(str(cases.ROOT / "src"), quiet=1)


def run(ctx: cases.Context, args: argparse.Namespace) -> int:
    started = time.time()
    print(f"tei-edition benchmarks{' (quick)' if ctx.quick else ''}: median of {ctx.repeats} runs, "
          f"input {ctx.dossier.relative_to(cases.ROOT)} ({ctx.dossier.stat().st_size:,} bytes)"
          + (" - the dossier is absent, its template stands in" if ctx.dossier_is_template else ""))
    if not ctx.tei_all or not ctx.jing:
        print("note: jing or tei_all.rng is absent; validation cases have no reference")
    outcomes: list[cases.Outcome] = []
    busy = 0.0
    for case in cases.selected(args.only):
        t0 = time.perf_counter()
        print(f"  running {case.name} ...", end="", flush=True, file=sys.stderr)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        try:
            found = case.run(ctx)
        except Exception as exc:  # a broken case is reported, never the end of the run
            found = [cases.Outcome(case.name, "-", None, None, note=f"bench error: {type(exc).__name__}: {exc}")]
        for outcome in found:
            outcome.extra.setdefault("loadavg_before", load)
        outcomes.extend(found)
        busy = max(busy, load or 0.0)
        print(f" {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    print()
    print(report(outcomes))
    cores = os.cpu_count() or 1
    if busy > 0.75 * cores:
        print(f"\nnote: the machine was busy (load average up to {busy:.1f} on {cores} cores): "
              "ratios hold, absolute times (build, entities) read high")
    record = {
        "timestamp": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "duration_seconds": round(time.time() - started, 1),
        "args": {"quick": ctx.quick, "repeats": ctx.repeats, "timeout": ctx.timeout,
                 "mem_limit_bytes": ctx.mem_limit, "only": args.only},
        "machine": cases.machine(),
        "inputs": {"dossier": str(ctx.dossier), "dossier_bytes": ctx.dossier.stat().st_size,
                   "dossier_is_template": ctx.dossier_is_template,
                   "tei_all": str(ctx.tei_all) if ctx.tei_all else None, "jing": ctx.jing,
                   "generator_version": generate.GENERATOR_VERSION},
        "cases": [o.as_json() for o in outcomes],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"\nraw runs and machine facts: {args.json} ({record['duration_seconds']:.0f} s in all)")
    return 0


def report(outcomes: list[cases.Outcome]) -> str:
    rows, notes = [], []
    for o in outcomes:
        mem = o.ours.maxrss if o.ours else None
        mem_text = fmt_bytes(mem)
        if mem and o.extra.get("memory_multiple"):
            mem_text += f" ({o.extra['memory_multiple']:.1f}x)"
        met = {True: "yes", False: "NO", None: "n/a" if o.goal[:1] != "(" else ""}[o.met]
        if "time_exponent" in o.extra:  # a growth row: exponents, 1.0 being linear
            rows.append([o.name, f"time^{o.extra['time_exponent']:.2f}", "-", "-",
                         f"mem^{o.extra['memory_exponent']:.2f}", "-", o.goal, met])
            notes.append(f"  {o.name}: {o.note}")
            continue
        rows.append([o.name,
                     fmt_seconds(o.ours.seconds) if o.ours else "-",
                     fmt_seconds(o.reference.seconds) if o.reference else "-",
                     f"{o.ratio:.2f}x" if o.ratio is not None else "-",
                     mem_text, fmt_bytes(o.reference.maxrss) if o.reference else "-", o.goal, met])
        if o.note:
            notes.append(f"  {o.name}: {o.note}")
    text = table(["case", "ours", "reference", "ratio", "peak mem", "ref mem", "goal", "met?"], rows)
    if notes:
        text += "\n\nnotes:\n" + "\n".join(notes)
    return text


def profile(ctx: cases.Context, name: str) -> int:
    [case] = cases.selected([name])[:1]
    if case.profile_args is None:
        print(f"case {case.name} has no single command to profile", file=sys.stderr)
        return 2
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"profile-{case.name}.txt"
    script = ctx.cli[0] if len(ctx.cli) == 1 else None
    target = [script] if script else ["-m", "tei_edition"]
    cmd = [sys.executable, "-m", "pyinstrument", "-r", "text", "-o", str(out), *target,
           *case.profile_args(ctx)]
    print("$ " + " ".join(cmd[:7]) + " ... " + " ".join(case.profile_args(ctx)))
    code = subprocess.call(cmd)
    print(f"profile written to {out} (exit {code})")
    return 0 if out.exists() else 1


if __name__ == "__main__":
    sys.exit(main())
