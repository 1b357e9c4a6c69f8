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
import pickle
import select
import struct
import shutil
import subprocess
import sys
import resource
import signal
import time
import traceback
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterable

from tei_edition import workerstart
from tei_edition.publish.peak import own_peak
from tei_edition.terminate import Terminated, exit_now, terminations_raise

MB = 1024 * 1024
DEFAULT_MEMORY = 2048 * MB  # per worker, the processes it starts included
DEFAULT_TIMEOUT = 600.0  # seconds per task
_TICK = 0.05  # how often busy workers are measured
# Each worker's private temporary folder (its TMPDIR): whatever the worker and the
# processes it starts leave there (Typst's folder, jing's copies, the Schematron
# worker's HOME) goes with it, even when it is killed at a limit or by Ctrl-C/SIGTERM.
_TMP_PREFIX = workerstart.TMP_PREFIX


class Connection:
    """One end of a pipe carrying pickled messages, each after its length: what
    ``multiprocessing.connection.Connection`` does, without its import (30 ms of CPU in
    the command line and again in every worker)."""

    def __init__(self, fd: int):
        self.fd = fd
        self.closed = False

    def fileno(self) -> int:
        return self.fd

    def send(self, message) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(struct.pack("!Q", len(data)) + data)
        while view:
            view = view[os.write(self.fd, view):]

    def recv(self):
        (size,) = struct.unpack("!Q", self._read(8))
        return pickle.loads(self._read(size))

    def _read(self, size: int) -> bytes:
        chunks, left = [], size
        while left:
            chunk = os.read(self.fd, min(left, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def poll(self, timeout: float = 0.0) -> bool:
        """Whether a message (or the pipe's end) is there to read."""
        return bool(wait([self], timeout))

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            os.close(self.fd)


def wait(connections: list[Connection], timeout: float) -> list[Connection]:
    """The connections that have something to read (or have ended) within ``timeout``."""
    poller = select.poll()
    by_fd = {c.fileno(): c for c in connections}
    for fd in by_fd:
        poller.register(fd, select.POLLIN)
    return [by_fd[fd] for fd, _ in poller.poll(max(0, int(timeout * 1000)))]


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
    workers_renewed: int = 0


@dataclass(frozen=True)
class Later:
    """A task's payload made in the parent only once a worker is ready to take it, from
    what that worker's initializer returned: ``make(prepared)``; then ``sent()``, if
    given, while the worker works. (An export hands over a document whose form depends
    on the compiled stylesheet, and frees its own copy once it is sent.)"""

    make: Callable[[object], object]
    sent: Callable[[], None] | None = None


# A worker whose own memory (not its Typst worker's, which is renewed by its own rule)
# is above this after a task is replaced by a fresh one before the next. Saxon's heap
# (a GraalVM image started with no options) grows with what it has allocated, not
# what it keeps: a worker that starts at about 190 MB grew to 630 MB over 4,816 letters.
# Renewed, a worker's peak is bounded by this and by the largest document it renders,
# never by the size of the collection; a renewal costs a second or two of start-up.
RENEW_ABOVE = 384 * 2**20


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
    """One worker process (``workerstart``: ``python -c BOOT``), talking over two
    pipes (pickled messages), in its own process group so that the terminal's Ctrl-C
    reaches only the parent, which stops it. (Not ``multiprocessing``: its ``spawn`` imports
    the caller's main module again in every worker.)"""

    def __init__(self, function, initializer, initargs, *, started=None):
        self.process = started or workerstart.start()
        self.tmp = self.process.tmp
        self.sender = Connection(self.process.to_child)
        self.conn = Connection(self.process.from_child)
        self.ready = False
        self.prepared = None  # what its initializer returned (``Later``)
        self.task = None  # (key, payload) while busy
        self.started = 0.0
        self.peak = 0
        self.packed = None  # what it was set up with (``pack``), when that was packed
        if function is not None:
            self.setup(function, initializer, initargs)

    def setup(self, function, initializer, initargs) -> None:
        """Send what the worker runs; ``function`` may be that already pickled
        (``pack``: the same initializer's arguments, pickled once for every worker)."""
        self.sender.send(function if isinstance(function, bytes) else
                         (function, initializer, initargs))

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
        on_start: Callable[[object], None] = lambda key: None,
        packed: bytes | None = None, keep: bool = False, kept_only: bool = False) -> Usage:
    """Run ``function(payload)`` for every ``(key, payload)`` in worker processes and
    call ``on_done(key, result)`` in the parent as each finishes; ``result`` is what
    the function returned or a ``Failure``. Ctrl-C (or SIGTERM) stops every worker and
    everything they started before it propagates. ``packed``: what ``pack`` made of
    ``function``, ``initializer`` and ``initargs`` (pickled ahead).

    ``keep`` (with ``packed``): one worker left idle at the end is kept, ready, for the
    next run of the same ``packed`` (its first worker: no start, no initializer), until
    ``release_kept``; ``kept_only``: this run takes only such a worker, and runs
    nothing (no ``on_done``) when there is none."""
    queue = deque(tasks)
    usage = Usage()
    if not queue or (kept_only and not any(w.packed is packed for w in _kept)):
        return usage
    with _terminations_stop_workers():
        _run(queue, function, jobs, initializer, initargs, limits, on_done, on_start, usage,
             packed, keep=keep and packed is not None, kept_only=kept_only)
    return usage


# the worker a run kept (``run``'s ``keep``): idle and ready for its ``packed``
_kept: list["_Worker"] = []


def release_kept() -> None:
    """The worker a run kept, if any, told to end (killed if it does not at once)."""
    while _kept:
        worker = _kept.pop()
        if worker.alive():
            worker.stop()
        _reap(worker)


def _reap(worker: "_Worker") -> None:
    """A worker asked to end given a second to do so, killed if it has not, freed."""
    try:
        worker.process.wait(1)
    except subprocess.TimeoutExpired:
        pass
    if worker.alive():
        worker.kill()
    worker.close()


def _take_kept(packed) -> "_Worker | None":
    """The worker kept for ``packed`` (the same object), when it is still there."""
    for worker in list(_kept):
        if worker.packed is packed:
            _kept.remove(worker)
            if worker.alive():
                return worker
            worker.close()
    return None


def pack(function, initializer, initargs) -> bytes:
    """What every worker of a run is sent first, pickled once (a collection's register
    can take a tenth of a second to pickle): for ``run``'s ``packed``, made ahead by a
    caller that would make it while its own threads run (pickling contends with them
    for the interpreter lock, three times as long for a thousand letters' register)."""
    return pickle.dumps((function, initializer, initargs), protocol=pickle.HIGHEST_PROTOCOL)



def _run(queue, function, jobs, initializer, initargs, limits, on_done, on_start, usage,
         packed: bytes | None = None, *, keep: bool = False, kept_only: bool = False) -> None:
    workers: list[_Worker] = []

    def spawn():
        """Start workers while there are tasks no idle worker will take (the one kept
        for ``packed`` first: ready at once)."""
        nonlocal packed
        while len(workers) < jobs and len(queue) > sum(w.task is None for w in workers):
            kept = _take_kept(packed) if packed is not None else None
            if kept is None and kept_only:
                if not workers:  # (gone: its tasks fail, none is started for them)
                    while queue:
                        on_done(queue.popleft()[0], Failure("the worker kept for it was gone"))
                return
            if kept is None:
                usage.workers_started += 1
                if packed is None:
                    packed = pack(function, initializer, initargs)
                kept = _take_spare(packed, None, None) or _Worker(packed, None, None)
                kept.packed = packed
            workers.append(kept)

    renewed: list[_Worker] = []  # asked to end, left to finish on their own
    done = False
    try:
        jobs = max(1, jobs)
        spawn()
        while queue or any(w.task is not None for w in workers):
            _dispatch(workers, queue, on_start)
            ready = wait([w.conn for w in workers], timeout=_TICK)
            for worker in list(workers):
                if worker.conn in ready:
                    _collect(worker, workers, on_done, spawn, usage)
                    if queue and worker in workers and worker.task is None and \
                            _rss(worker.process.pid) > RENEW_ABOVE:
                        worker.stop()
                        workers.remove(worker)
                        renewed.append(worker)
                        usage.workers_renewed += 1
                        spawn()
            for worker in [w for w in renewed if not w.alive()]:  # ended: its pipes closed now
                renewed.remove(worker)
                worker.close()
            _measure(workers, queue, usage, limits, on_done, spawn)
        done = True
    finally:
        if done and keep:  # one idle worker, ready, kept for the next run
            ready = [w for w in workers if w.alive() and w.task is None and w.ready]
            if ready:
                workers.remove(ready[0])
                _kept.append(ready[0])
        for worker in renewed:
            _reap(worker)
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


def _take_spare(function, initializer, initargs) -> _Worker | None:
    started = workerstart.take_spare()
    if started is None:
        return None
    worker = _Worker(None, None, None, started=started)
    if not worker.alive():
        worker.close()
        return None
    try:
        worker.setup(function, initializer, initargs)
    except OSError:
        worker.kill()
        return None
    return worker


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
    ``function`` must be importable (module level), or named as ``"module:name"`` so
    that only the worker imports it; its arguments and result picklable.
    A ``TeiEditionError`` comes back as itself; so do ``RecursionError`` and
    ``MemoryError`` (the command line names them as it would in-process)."""
    from tei_edition.xml.limits import current_limits

    return run_one(_called, (function, args, kwargs, current_limits()), limits=limits)


def _called(payload):
    """In the worker: the caller's parser limits, then the call."""
    from tei_edition.xml.limits import set_limits

    function, args, kwargs, parse_limits = payload
    if isinstance(function, str):  # "module:name": imported here, not in the caller
        import importlib

        module, _, name = function.partition(":")
        function = getattr(importlib.import_module(module), name)
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
            later = task[1] if isinstance(task[1], Later) else None
            if later is not None:
                task = (task[0], later.make(worker.prepared))
            worker.send(task)
            if later is not None and later.sent is not None:
                later.sent()


def _collect(worker, workers, on_done, spawn, usage) -> None:
    """Read what the worker sent, or bury it if it died."""
    try:
        while worker.conn.poll():
            message = worker.conn.recv()
            kind = message[0]
            if kind == "ready":
                worker.ready, worker.prepared = True, message[1]
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


def _main(receive_fd: str, send_fd: str, parent: str, *preload: str) -> None:
    """A worker: initialise once, then one task at a time until told to stop (or until
    the parent is gone, even killed with SIGKILL: ``terminate.guard``); then it ends at
    once, with the processes it started and its private temporary folder (no
    interpreter shutdown: it has delivered all it was asked for)."""
    from tei_edition.terminate import guard

    # a process of its own watches: Saxon holds the interpreter lock for a whole call
    guard(int(parent), _leave_watched, apart=True)
    code = 1
    try:
        _preload(preload)
        _serve(int(receive_fd), int(send_fd))
        code = 0
    except (EOFError, OSError):  # the parent is gone (killed): there is no one to tell
        code = 0
    finally:
        _leave(code)


def guard_child(parent: int) -> None:
    """For a process of the build's own that is no worker of a pool (the volume's): ended
    at once, with the processes it started, when ``parent`` is gone (killed too), watched
    from a process of its own as a worker is. Call it before importing anything large."""
    from tei_edition.terminate import guard

    guard(parent, _leave_watched, apart=True)


def _remove_own_tmp() -> None:
    """Remove this worker's private temporary folder (its TMPDIR, if it is one)."""
    tmp = os.environ.get("TMPDIR", "")
    if os.path.basename(tmp).startswith(_TMP_PREFIX):
        shutil.rmtree(tmp, ignore_errors=True)


def _leave(code: int) -> None:
    """End this worker now: what it started killed (the Typst worker that stayed for
    the tasks among them: it has delivered every PDF asked of it), its folder removed
    (with the folders they kept there)."""
    kill_tree(os.getpid(), itself=False)
    _remove_own_tmp()
    exit_now(code)


def _leave_watched(code: int) -> None:
    """In the worker's watcher, its parent gone: end the worker, what it started, and
    its folder."""
    from tei_edition.terminate import WATCHED

    others = [pid for pid in descendants(WATCHED) if pid != os.getpid()]
    for target in (WATCHED, *reversed(others)):
        try:
            os.kill(target, signal.SIGKILL)
        except OSError:
            pass
    _remove_own_tmp()
    os._exit(code)


def _preload(names) -> None:
    """Import what the coming task will need (``"module"``) or call a function that
    prepares it (``"module:name"``, with string arguments after spaces: ``"module:name
    a b"``) while the parent is still reading its options. A failure here is the
    task's to report, when it needs the module."""
    import importlib

    for name in names:
        reference, *arguments = name.split()
        module, _, function = reference.partition(":")
        try:
            loaded = importlib.import_module(module)
            if function:
                getattr(loaded, function)(*arguments)
        except Exception:
            pass


def _serve(receive_fd: int, send_fd: int) -> None:
    from tei_edition.errors import TeiEditionError

    global _in_worker
    _in_worker = True
    receive = Connection(receive_fd)
    send = Connection(send_fd)
    try:
        setup = receive.recv()
        if setup is None:  # a spare worker that no one needed
            return
        if isinstance(setup, bytes):  # pickled once for every worker (``pack``)
            setup = pickle.loads(setup)
        function, initializer, initargs = setup
        prepared = initializer(*initargs) if initializer is not None else None
    except (EOFError, OSError):
        raise
    except BaseException as exc:
        send.send(("init-error", f"{type(exc).__name__}: {exc}"))
        return
    send.send(("ready", prepared))
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
    own = own_peak()  # (not ru_maxrss: it counts the parent's memory before exec)
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


def kill_tree(pid: int, *, itself: bool = True) -> None:
    """SIGKILL to ``pid`` and every process it started (``itself=False``: only to those),
    the youngest first."""
    for target in (*reversed(descendants(pid)), *((pid,) if itself else ())):
        try:
            os.kill(target, signal.SIGKILL)
        except OSError:
            pass
