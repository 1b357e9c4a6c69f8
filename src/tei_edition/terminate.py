"""SIGTERM and SIGHUP as exceptions, so that ``finally`` blocks run: child processes
stopped, temporary folders removed, no half-written output. Python's default action
would end the process at once. Used by the command line (every command) and by the
worker pool (a library caller that set no handler)."""

from __future__ import annotations

import signal
import threading
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
