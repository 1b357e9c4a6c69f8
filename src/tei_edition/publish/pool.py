"""Worker processes with time and memory bounds that hold.

Each worker is a fresh process (``spawn``: no Saxon state is inherited) that runs an
initializer once (compile the stylesheets, load the registers) and then one task at a
time. The parent watches every busy worker: the resident memory of the worker and of
the processes it started (Typst's) is summed several times a second, and a worker
over its memory limit, or over its time limit for one task, is killed with everything
it started; its task is reported as failed, naming the limit and the option that
lifts it, and a fresh worker takes its place. A worker that crashes costs only its
task. ``concurrent.futures`` cannot do this: one dead worker breaks its whole pool.
"""

from __future__ import annotations

import contextvars
import os
import shutil
import subprocess
import sys
import resource
import tempfile
import signal
import time
import traceback
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterable

from tei_edition.terminate import Terminated, terminations_raise

MB = 1024 * 1024
DEFAULT_MEMORY = 2048 * MB  # per worker, the processes it starts included
DEFAULT_TIMEOUT = 600.0  # seconds per task
_TICK = 0.05  # how often busy workers are measured
# Each worker's private temporary folder (its TMPDIR): whatever the worker and the
# processes it starts leave there (Typst's folder, jing's copies, the Schematron
# worker's HOME) goes with it, even when it is killed at a limit or by Ctrl-C/SIGTERM.
_TMP_PREFIX = "tei-edition-worker-"


@dataclass(frozen=True)
class Limits:
    memory: int = DEFAULT_MEMORY  # bytes
    timeout: float = DEFAULT_TIMEOUT  # seconds
    whole: bool = False  # the limits of a whole command (``call``), not of each document

    def describe(self) -> str:
        return f"{human(self.memory)} of memory and {self.timeout:g} s per document"


@dataclass
class Failure:
    """A task that did not return: it raised outside its own guard, crashed its worker,
    or was stopped at a limit."""

    message: str
    limit: str = ""  # "time" or "memory" when it was stopped at that limit


@dataclass
class Usage:
    """Peak memory seen: of any one worker (with its children), and of all workers and
    the parent together at one moment."""

    worker_peak: int = 0
    total_peak: int = 0
    workers_started: int = 0


# The limits a command line asked for (``export --max-memory``): the library runs in
# its own process unless a caller sets them.
LIMITS: contextvars.ContextVar[Limits | None] = contextvars.ContextVar(
    "tei_edition_pool_limits", default=None)


_in_worker = False  # this process is a pool worker (it runs task after task)


def in_worker() -> bool:
    """Whether this process is a pool worker: what it starts for one task (a Typst
    worker) may stay for the next."""
    return _in_worker


def human(size: int) -> str:
    return f"{size / 1024 ** 3:.1f} GB" if size >= 1024 ** 3 else f"{size / MB:.0f} MB"


class _Worker:
    """One worker process: ``python -m tei_edition.publish.pool``, talking over two
    pipes (pickled messages), in its own process group so that the terminal's Ctrl-C
    reaches only the parent, which stops it. (Not ``multiprocessing``: its ``spawn`` imports
    the caller's main module again in every worker.)"""

    def __init__(self, function, initializer, initargs):
        from_parent, to_child = os.pipe()
        from_child, to_parent = os.pipe()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p and os.path.isdir(p))
        self.tmp = tempfile.mkdtemp(prefix=_TMP_PREFIX)
        env["TMPDIR"] = self.tmp
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tei_edition.publish.pool", str(from_parent), str(to_parent)],
                pass_fds=(from_parent, to_parent), process_group=0, env=env,
                stdin=subprocess.DEVNULL)
        except BaseException:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise
        finally:
            os.close(from_parent)
            os.close(to_parent)
        self.sender = Connection(to_child, readable=False)
        self.conn = Connection(from_child, writable=False)
        self.sender.send((function, initializer, initargs))
        self.ready = False
        self.task = None  # (key, payload) while busy
        self.started = 0.0
        self.peak = 0

    def send(self, task) -> None:
        self.task, self.started = task, time.monotonic()
        self.sender.send(task)

    def alive(self) -> bool:
        return self.process.poll() is None

    def rss(self) -> int:
        return tree_rss(self.process.pid)

    def stop(self) -> None:
        """Ask an idle worker to end."""
        try:
            self.sender.send(None)
        except OSError:
            pass

    def kill(self) -> None:
        kill_tree(self.process.pid)
        self.process.wait()
        self.close()

    def close(self) -> None:
        for conn in (self.conn, self.sender):
            if not conn.closed:
                conn.close()
        if not self.alive():  # its processes are gone: so goes what they left
            shutil.rmtree(self.tmp, ignore_errors=True)


def run(tasks: Iterable[tuple[object, object]], function: Callable, *, jobs: int,
        initializer: Callable | None = None, initargs: tuple = (), limits: Limits = Limits(),
        on_done: Callable[[object, object], None] = lambda key, result: None,
        on_start: Callable[[object], None] = lambda key: None) -> Usage:
    """Run ``function(payload)`` for every ``(key, payload)`` in worker processes and
    call ``on_done(key, result)`` in the parent as each finishes; ``result`` is what
    the function returned or a ``Failure``. Ctrl-C (or SIGTERM) stops every worker and
    everything they started before it propagates."""
    queue = deque(tasks)
    usage = Usage()
    if not queue:
        return usage
    with _terminations_stop_workers():
        _run(queue, function, jobs, initializer, initargs, limits, on_done, on_start, usage)
    return usage


def _run(queue, function, jobs, initializer, initargs, limits, on_done, on_start, usage) -> None:
    workers: list[_Worker] = []

    def spawn():
        """Start workers while there are tasks no idle worker will take."""
        while len(workers) < jobs and len(queue) > sum(w.task is None for w in workers):
            usage.workers_started += 1
            workers.append(_Worker(function, initializer, initargs))

    try:
        jobs = max(1, jobs)
        spawn()
        while queue or any(w.task is not None for w in workers):
            _dispatch(workers, queue, on_start)
            ready = wait([w.conn for w in workers], timeout=_TICK)
            for worker in list(workers):
                if worker.conn in ready:
                    _collect(worker, workers, on_done, spawn, usage)
            _measure(workers, queue, usage, limits, on_done, spawn)
    finally:
        for worker in workers:
            if worker.alive() and worker.task is None and worker.ready:
                worker.stop()
        deadline = time.monotonic() + 1
        for worker in workers:
            if worker.task is None:
                try:
                    worker.process.wait(max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    pass
            if worker.alive():
                worker.kill()
            worker.close()


def run_one(function: Callable, payload, *, limits: Limits, initializer: Callable | None = None,
            initargs: tuple = (), overran: Exception | None = None):
    """``function(payload)`` in one worker process within ``limits``: its result, or a
    ``TransformError`` naming the limit it hit (or how it crashed); ``overran``, if
    given, is raised instead when the task took longer than the time limit."""
    from tei_edition.errors import TransformError

    results = {}
    run([(0, payload)], function, jobs=1, initializer=initializer, initargs=initargs,
        limits=limits, on_done=results.__setitem__)
    result = results[0]
    if isinstance(result, Failure):
        if result.limit == "time" and overran is not None:
            raise overran
        raise TransformError(result.message)
    if isinstance(result, BaseException):
        raise result
    return result


def call(function: Callable, *args, limits: Limits, **kwargs):
    """``function(*args, **kwargs)`` in a worker process within ``limits``, under the
    caller's XML parser limits: what a command line runs its library call through.
    ``function`` must be importable (module level), its arguments and result picklable.
    A ``TeiEditionError`` comes back as itself; so do ``RecursionError`` and
    ``MemoryError`` (the command line names them as it would in-process)."""
    from tei_edition.xml.limits import current_limits

    return run_one(_called, (function, args, kwargs, current_limits()), limits=limits)


def _called(payload):
    """In the worker: the caller's parser limits, then the call."""
    from tei_edition.xml.limits import set_limits

    function, args, kwargs, parse_limits = payload
    set_limits(huge=parse_limits.huge, max_bytes=parse_limits.max_bytes,
               xinclude=parse_limits.xinclude)
    try:
        return function(*args, **kwargs)
    except (RecursionError, MemoryError) as exc:
        return type(exc)(str(exc))


def _dispatch(workers, queue, on_start) -> None:
    for worker in workers:
        if worker.ready and worker.task is None and queue:
            task = queue.popleft()
            on_start(task[0])
            worker.send(task)


def _collect(worker, workers, on_done, spawn, usage) -> None:
    """Read what the worker sent, or bury it if it died."""
    try:
        while worker.conn.poll():
            message = worker.conn.recv()
            kind = message[0]
            if kind == "ready":
                worker.ready = True
            elif kind == "init-error":
                raise RuntimeError(f"a worker could not start: {message[1]}")
            elif kind == "done":
                _, key, result, peak = message
                worker.peak = max(worker.peak, peak)
                usage.worker_peak = max(usage.worker_peak, worker.peak)
                worker.task = None
                on_done(key, result)
        return
    except (EOFError, OSError):
        pass
    # The worker is gone: its task (if any) is lost, another worker takes over.
    code = worker.process.wait()
    workers.remove(worker)
    worker.close()
    how = (f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}")
    if not worker.ready:
        raise RuntimeError(f"a worker process could not start ({how})")
    if worker.task is not None:
        task, worker.task = worker.task, None
        on_done(task[0], Failure(f"the worker rendering it crashed ({how}); "
                                 "the other documents went on"))
    spawn()


def _measure(workers, queue, usage: Usage, limits: Limits, on_done, spawn) -> None:
    total = _rss(os.getpid())
    now = time.monotonic()
    for worker in list(workers):
        if not worker.alive():
            continue
        rss = worker.rss()
        total += rss
        worker.peak = max(worker.peak, rss)
        usage.worker_peak = max(usage.worker_peak, worker.peak)
        over = limit = None
        if rss > limits.memory:
            limit = "memory"
            over = (f"stopped: it needed more than the memory limit of {human(limits.memory)}"
                    f"{'' if limits.whole else ' per worker'} (--max-memory lifts it)")
        elif worker.task is not None and now - worker.started > limits.timeout:
            limit = "time"
            over = (f"stopped: it took longer than the time limit of {limits.timeout:g} s"
                    f"{'' if limits.whole else ' per document'} (--timeout lifts it)")
        if over:
            task = worker.task
            worker.kill()
            workers.remove(worker)
            if task is None and not worker.ready and queue:  # over the limit as it starts:
                task = queue.popleft()  # the next task fails (no worker restarted for ever)
            if task is not None:
                on_done(task[0], Failure(over, limit))
            spawn()
    usage.total_peak = max(usage.total_peak, total)


@contextmanager
def _terminations_stop_workers():
    """SIGTERM or SIGHUP with its default action (a library caller that set no handler)
    would end this process at once and leave busy workers to finish their tasks, and
    write their output, alone. While ``run`` runs, such a signal stops the workers and
    removes their folders first (``Terminated`` unwinds through ``_run``), then ends
    this process as it would have. (The command line has handlers of its own: left
    alone, its ``Terminated`` passes through.)"""
    with terminations_raise() as taken:
        try:
            yield
        except Terminated as exc:
            if exc.signal not in taken:
                raise
            signal.signal(exc.signal, signal.SIG_DFL)
            os.kill(os.getpid(), exc.signal)  # the default action: this process ends here
            raise


def _main(receive_fd: int, send_fd: int) -> None:
    """A worker: initialise once, then one task at a time until told to stop (or until
    the parent is gone); then its private temporary folder goes."""
    try:
        _serve(receive_fd, send_fd)
    except (EOFError, OSError):  # the parent is gone (killed): there is no one to tell
        pass
    finally:
        typeset = sys.modules.get("tei_edition.publish.typeset")
        if typeset is not None:  # the Typst worker that stayed for the tasks
            typeset.close_resident()
        tmp = os.environ.get("TMPDIR", "")
        if os.path.basename(tmp).startswith(_TMP_PREFIX):
            shutil.rmtree(tmp, ignore_errors=True)


def _serve(receive_fd: int, send_fd: int) -> None:
    from tei_edition.errors import TeiEditionError

    from tei_edition.publish import pool  # this file runs as ``__main__``: the module others see

    pool._in_worker = True
    receive = Connection(receive_fd, writable=False)
    send = Connection(send_fd, readable=False)
    try:
        function, initializer, initargs = receive.recv()
        if initializer is not None:
            initializer(*initargs)
    except BaseException as exc:
        send.send(("init-error", f"{type(exc).__name__}: {exc}"))
        return
    send.send(("ready",))
    while True:
        try:
            task = receive.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        key, payload = task
        try:
            result = function(payload)
        except TeiEditionError as exc:  # the caller's to report, as it would be in-process
            result = exc
        except Exception as exc:
            result = Failure(f"internal error: {type(exc).__name__}: {exc} "
                             f"({traceback.extract_tb(exc.__traceback__)[-1].name})")
        send.send(("done", key, result, _own_peak()))


def _own_peak() -> int:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    typeset = sys.modules.get("tei_edition.publish.typeset")  # its worker stays: not waited for
    return max(own, children, typeset.worker_peak() if typeset is not None else 0)


# --------------------------------------------------------------- process trees (Linux)

def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{current}/task/{tid}/children", "rb") as handle:
                    children = [int(c) for c in handle.read().split()]
            except (OSError, ValueError):
                continue
            found.extend(children)
            todo.extend(children)
    return found


def tree_rss(pid: int) -> int:
    return sum(_rss(p) for p in (pid, *descendants(pid)))


def kill_tree(pid: int) -> None:
    for target in (*reversed(descendants(pid)), pid):
        try:
            os.kill(target, signal.SIGKILL)
        except OSError:
            pass


if __name__ == "__main__":
    _main(int(sys.argv[1]), int(sys.argv[2]))
