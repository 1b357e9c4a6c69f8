"""SIGTERM and SIGHUP as exceptions, so that ``finally`` blocks run: child processes
stopped, temporary folders removed, no half-written output. Python's default action
would end the process at once. Used by the command line (every command) and by the
worker pool (a library caller that set no handler).

And, for worker processes, ``guard``: end (cleaning up) when the parent is gone, even
killed with SIGKILL, which no handler sees."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager

_SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None))
                 if s is not None)


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived: unwinds like Ctrl-C (it is a KeyboardInterrupt, so
    whatever cleans up after Ctrl-C cleans up after it)."""

    def __init__(self, signal_number: int):
        super().__init__(signal_number)
        self.signal = signal_number


def _raise(signal_number: int, frame) -> None:
    raise Terminated(signal_number)


@contextmanager
def terminations_raise():
    """Inside the block, SIGTERM and SIGHUP raise ``Terminated`` where they still have
    their default action (a handler someone else set is left alone). Yields the set of
    signals taken over; the handlers are restored on the way out. Only the main thread
    can take signals over: elsewhere it takes none."""
    taken: dict[int, object] = {}
    if threading.current_thread() is threading.main_thread():
        for number in _SIGNALS:
            if signal.getsignal(number) is signal.SIG_DFL:
                taken[number] = signal.signal(number, _raise)
    try:
        yield set(taken)
    finally:
        for number, handler in taken.items():
            signal.signal(number, handler)


def guard(parent: int, leave: Callable[[int], None], *, signals: Iterable[int] = (),
          apart: bool = False, every: float = 0.2) -> None:
    """For a worker process: ``leave(code)`` (which cleans up and ends the process with
    ``os._exit``) as soon as the process ``parent`` is no longer its parent (it died,
    even by SIGKILL, and this process was adopted), checked every ``every`` seconds by
    a thread of its own, so that it acts while the main thread computes; at once if it
    is gone already. With ``signals`` (SIGTERM ...), these are blocked in the calling
    thread (and so in threads it starts later) and taken by the same thread: ``leave(128
    + signal)``. The worker's children inherit the blocked signals: only a process that
    starts no others (Typst's worker) should ask for them.

    ``apart``: for a worker whose main thread may hold the interpreter lock for minutes
    (saxonche does for a whole call), where no thread of its own would get to look. The
    watching is done by a small process forked now (call it before importing anything
    large): ``leave(code)`` runs there, with the worker's pid in ``WATCHED``, and must
    end the worker (``os.kill``) before it cleans up. The watcher ends with the worker."""
    import os
    import time

    global WATCHED
    if os.getppid() != parent:
        leave(1)
    if apart:
        worker = os.getpid()
        if os.fork():
            return  # the worker goes on; the watcher is its child
        WATCHED = worker
        # none of the worker's files held open here: its pipes end when it does
        os.closerange(3, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 1024)
        try:
            while os.getppid() == worker:  # else the worker has ended: nothing to watch
                if _parent_of(worker) not in (parent, None):
                    leave(1)
                time.sleep(every)
        finally:
            os._exit(0)
    waited = frozenset(signals) if hasattr(signal, "sigtimedwait") else frozenset()
    if waited:
        signal.pthread_sigmask(signal.SIG_BLOCK, waited)

    def watch() -> None:
        while True:
            got = signal.sigtimedwait(waited, every) if waited else time.sleep(every)
            if got is not None:
                leave(128 + got.si_signo)
            if os.getppid() != parent:
                leave(1)

    threading.Thread(target=watch, name="guard", daemon=True).start()


WATCHED: int | None = None  # in a watcher process (``guard(apart=True)``): the worker


def _parent_of(pid: int) -> int | None:
    """The parent of ``pid`` (Linux: /proc), None if unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return int(handle.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def exit_now(code: int) -> None:
    """End this process at once with ``code``, its standard streams flushed first
    (``os._exit`` skips the interpreter's exit, which would flush them)."""
    import os
    import sys

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
