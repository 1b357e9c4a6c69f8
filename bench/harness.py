"""The measuring machinery: run a command as a child process, time it, and read the
child's own peak memory; repeat, interleaved with a reference, and take medians.

Peak memory comes from a tiny wrapper process that starts the command and reads its
child's resource usage with ``wait4``: GNU ``/usr/bin/time`` when present, else a few
lines of Python. The wrapper matters: Linux counts the memory a child shared with its
parent before ``exec`` into the child's ``ru_maxrss``, so a child started straight from
this (large) process would inherit its size. ``ru_maxrss`` covers the child and every
descendant it waited for (so ``java`` under a script counts). Wall time is
``time.perf_counter`` around the whole run, start-up included; the wrapper's own cost
(about a millisecond) is paid by ours and the reference alike.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

# The shell's code for a program that is not installed (a reference tool, e.g. jing).
_NOT_FOUND = 127


GNU_TIME = "/usr/bin/time"

# The fallback wrapper: run argv[2:], write "<maxrss KB> <exit code>" to argv[1].
_WRAPPER = r"""
import os, sys
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
code = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_maxrss} {code}\n")
sys.exit(code if code >= 0 else 128 - code)
"""


def _gnu_time() -> bool:
    if not os.access(GNU_TIME, os.X_OK):
        return False
    try:
        probe = subprocess.run([GNU_TIME, "-f", "%M", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0 and probe.stderr.strip().isdigit()


_USE_GNU_TIME: bool | None = None


def wrapped(cmd: Sequence[str], report: str) -> list[str]:
    """``cmd`` under the wrapper that writes its peak memory and exit code to ``report``."""
    global _USE_GNU_TIME
    if _USE_GNU_TIME is None:
        _USE_GNU_TIME = _gnu_time()
    if _USE_GNU_TIME:
        return [GNU_TIME, "-f", "%M %x", "-o", report, *cmd]
    return [sys.executable, "-S", "-c", _WRAPPER, report, *cmd]


def _read_report(path: str) -> tuple[int | None, int | None]:
    """(maxrss KB, exit code) from the wrapper's report; GNU time may prefix a line."""
    try:
        lines = Path(path).read_text().strip().splitlines()
        kb, code = lines[-1].split()
        return int(kb), int(code)
    except (OSError, ValueError, IndexError):
        return None, None


@dataclass
class Run:
    """One execution of a command."""

    seconds: float
    maxrss: int  # bytes, the child's (and its waited-for descendants') peak
    returncode: int
    stderr: str = ""  # the last lines, for reporting failures
    timed_out: bool = False
    over_memory: bool = False  # killed for holding more than the memory limit


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def session_rss(sid: int) -> int:
    """Resident bytes of every process in session ``sid`` (the run's whole tree)."""
    total = 0
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
            fields = stat[stat.rindex(b")") + 2:].split()
            if int(fields[3]) != sid:  # field 6 of stat, the session id
                continue
            with open(f"/proc/{entry}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * _PAGE
        except (OSError, ValueError, IndexError):
            continue
    return total


class _Watchdog:
    """Kills a run's process group on timeout or when it holds too much memory."""

    def __init__(self, pid: int, timeout: float | None, mem_limit: int | None, every: float = 0.25):
        self.pid, self.timeout, self.mem_limit, self.every = pid, timeout, mem_limit, every
        self.reason: str | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._start = time.perf_counter()

    def start(self) -> None:
        if self.timeout or self.mem_limit:
            self._thread.start()

    def stop(self) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()

    def _watch(self) -> None:
        while not self._done.wait(self.every):
            if self.timeout and time.perf_counter() - self._start > self.timeout:
                self._kill("timeout")
            elif self.mem_limit and session_rss(self.pid) > self.mem_limit:
                self._kill("memory")

    def _kill(self, reason: str) -> None:
        self.reason = reason
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._done.set()


def run_once(cmd: Sequence[str], *, cwd: str | os.PathLike | None = None,
             timeout: float | None = None, env: dict | None = None,
             mem_limit: int | None = None) -> Run:
    """Run ``cmd`` once and report its wall time, peak memory and exit code.

    The run is killed after ``timeout`` seconds, or as soon as its processes together
    hold more than ``mem_limit`` bytes (the machine is shared: a runaway export must not
    take everyone's memory).
    """
    cmd = [str(c) for c in cmd]
    if shutil.which(cmd[0]) is None and not Path(cmd[0]).exists():
        return Run(seconds=0.0, maxrss=0, returncode=127, stderr=f"{cmd[0]}: not found")
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
        argv = wrapped(cmd, report.name)
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        watch = _Watchdog(proc.pid, timeout, mem_limit)
        watch.start()
        try:
            _, status, usage = _wait4(proc.pid)
        finally:
            watch.stop()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        kb, code = _read_report(report.name)
        err.seek(0)
        tail = err.read()[-4000:].decode("utf-8", "replace")
    if kb is None:  # the wrapper itself was killed: fall back on what wait4 saw
        kb = usage.ru_maxrss
    tail = "\n".join(line for line in tail.splitlines()
                     if not line.startswith(("Command exited with non-zero status",
                                             "Command terminated by signal")))
    return Run(seconds=seconds, maxrss=kb * 1024, returncode=code if code is not None else proc.returncode,
               stderr=tail.strip(), timed_out=watch.reason == "timeout",
               over_memory=watch.reason == "memory")


def _wait4(pid: int):
    while True:
        try:
            return os.wait4(pid, 0)
        except InterruptedError:  # pragma: no cover - retried by Python itself since 3.5
            continue


def median(values: Sequence[float]) -> float | None:
    """The median, or None for no values (a case that never ran)."""
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def not_available(run: Run) -> bool:
    """The program is not installed here (a reference tool). A usage error of ours is a
    failure, never "not available": a missing option must show as a broken case."""
    return run.returncode == _NOT_FOUND


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip()[:160] if lines else ""


@dataclass
class Series:
    """The runs of one command in one case, and what became of them."""

    cmd: list[str]
    runs: list[Run] = field(default_factory=list)
    warmup: list[Run] = field(default_factory=list)
    status: str = "ok"  # ok | not available | failed | timeout | over memory | skipped
    detail: str = ""

    @property
    def seconds(self) -> float | None:
        return median([r.seconds for r in self.runs]) if self.status == "ok" else None

    @property
    def maxrss(self) -> int | None:
        value = median([r.maxrss for r in self.runs]) if self.status == "ok" else None
        return int(value) if value is not None else None

    def as_json(self) -> dict:
        return {"cmd": self.cmd, "status": self.status, "detail": self.detail,
                "median_seconds": self.seconds, "median_maxrss_bytes": self.maxrss,
                "runs": [asdict(r) for r in self.runs], "warmup": [asdict(r) for r in self.warmup]}


def _judge(series: Series, run: Run, ok_codes: Sequence[int], limit: int | None = None) -> bool:
    """Record a failed run on the series; True while the series is still good."""
    if run.timed_out:
        series.status, series.detail = "timeout", f"killed after {run.seconds:.0f} s"
    elif run.over_memory:
        series.status = "over memory"
        series.detail = f"killed after {run.seconds:.0f} s holding over {fmt_bytes(limit)}"
    elif not_available(run):
        series.status, series.detail = "not available", last_line(run.stderr)
    elif run.returncode not in ok_codes:
        series.status = "failed"
        series.detail = f"exit {run.returncode}: {last_line(run.stderr)}"
    return series.status == "ok"


def measure(commands: Sequence[Sequence[str]], *, repeats: int = 5, warmup: int = 1,
            timeout: float | None = None, mem_limit: int | None = None,
            cwd: str | os.PathLike | None = None,
            ok_codes: Sequence[Sequence[int]] | None = None,
            before_each=None) -> list[Series]:
    """Measure several commands side by side: warm-up runs, then ``repeats`` rounds in
    which each command runs once, in turn, so that the machine's drift touches all alike.

    A command that fails, times out or is not available yet stops being run; the others
    carry on. ``before_each(i)`` runs before every run of command ``i`` (to clear outputs).
    """
    series = [Series(cmd=[str(c) for c in cmd]) for cmd in commands]
    codes = ok_codes or [(0,)] * len(commands)

    def once(i: int, bucket: list[Run]) -> None:
        if series[i].status != "ok":
            return
        if before_each:
            before_each(i)
        run = run_once(series[i].cmd, cwd=cwd, timeout=timeout, mem_limit=mem_limit)
        bucket.append(run)
        _judge(series[i], run, codes[i], mem_limit)

    for _ in range(warmup):
        for i, s in enumerate(series):
            once(i, s.warmup)
    for _ in range(repeats):
        for i, s in enumerate(series):
            once(i, s.runs)
    for s in series:  # a series whose last run failed keeps its good runs only for the record
        if s.status != "ok":
            s.runs = [r for r in s.runs if r.returncode in (0, 1)]
    return series


def ratio(ours: float | None, reference: float | None) -> float | None:
    if ours is None or reference is None or reference <= 0:
        return None
    return ours / reference


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def fmt_bytes(value: int | float | None) -> str:
    if value is None:
        return "-"
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if value >= size:
            return f"{value / size:.1f} {unit}"
    return f"{value:.0f} B"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table with aligned columns (numbers right, text left)."""
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h))
              for i, h in enumerate(headers)]

    def line(cells) -> str:
        out = []
        for i, cell in enumerate(cells):
            cell = str(cell)
            numeric = cell[:1].isdigit() or cell[:1] in "+-." and cell[1:2].isdigit()
            out.append(cell.rjust(widths[i]) if numeric and i else cell.ljust(widths[i]))
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def file_size(path: Path) -> int:
    """Bytes of a file, or of every file under a folder."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size
