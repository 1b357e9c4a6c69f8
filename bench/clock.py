"""The timing wrappers of the profiles (``bench.page_profile``, ``bench.worker_profile``):
CPU and wall seconds spent inside named calls, and how many calls."""

from __future__ import annotations

import functools
import time
from collections import defaultdict
from contextlib import contextmanager


class Clock:
    """CPU (``time.process_time``: Saxon's own threads included) and wall seconds spent
    inside named calls, and their number. ``inclusive``: a call's figure holds the
    timed calls it makes; else those of another name are taken out of it (``page``
    without its own ``to_xdm``). Nothing is counted while ``counting`` is False (a
    profile's warm-up)."""

    def __init__(self, *, inclusive: bool = False) -> None:
        self.inclusive = inclusive
        self.counting = True
        self.cpu: dict[str, float] = defaultdict(float)
        self.wall: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._stack: list[list[float]] = []  # time spent in nested timed calls, per level

    @contextmanager
    def timing(self, name: str):
        if not self.counting:
            yield
            return
        frame = [0.0, 0.0]
        self._stack.append(frame)
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            yield
        finally:
            spent_cpu, spent_wall = time.process_time() - cpu, time.perf_counter() - wall
            self._stack.pop()
            nested = (0.0, 0.0) if self.inclusive else frame
            self.cpu[name] += spent_cpu - nested[0]
            self.wall[name] += spent_wall - nested[1]
            self.calls[name] += 1
            if self._stack:
                self._stack[-1][0] += spent_cpu
                self._stack[-1][1] += spent_wall

    def timed(self, function, name: str):
        """``function`` timed under ``name`` (the original as its ``__wrapped__``)."""
        @functools.wraps(function)
        def timed(*args, **kwargs):
            with self.timing(name):
                return function(*args, **kwargs)

        return timed

    def wrap(self, owner, attribute: str, name: str | None = None) -> None:
        """``owner.attribute`` (a module's function, a class's method) timed, under
        ``name`` (default ``module.attribute``)."""
        if name is None:
            name = f"{getattr(owner, '__name__', '').rsplit('.', 1)[-1]}.{attribute}"
        setattr(owner, attribute, self.timed(getattr(owner, attribute), name))

    def reset(self) -> None:
        self.cpu.clear(), self.wall.clear(), self.calls.clear()
