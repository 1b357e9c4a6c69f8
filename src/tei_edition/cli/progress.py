"""A progress bar that a command hands to its worker process (which shares the
terminal and draws it): pickled into the worker, so it imports nothing but ``sys``
(the worker needs no click for it)."""

from __future__ import annotations

import sys

WIDTH = 36


class Bar:
    """Called with (files done since the last call, total): draws ``label [###---] 50%``
    on stderr, only for more than ``start_from`` files; the last file ends its line."""

    def __init__(self, label: str, *, start_from: int = 0):
        self.label, self.start_from = label, start_from
        self.pos = 0

    def __call__(self, count: int, total: int) -> None:
        if total <= self.start_from:
            return
        self.pos = min(self.pos + count, total)
        filled = WIDTH * self.pos // total
        sys.stderr.write(f"\r{self.label}  [{'#' * filled}{'-' * (WIDTH - filled)}]  "
                         f"{100 * self.pos // total:3d}%" + ("\n" if self.pos >= total else ""))
        sys.stderr.flush()
