"""The limits the safe parser reads with (``tei_edition.xml.parse``), set for a whole
command by ``limits()``; the command line sets them from ``--huge``, ``--max-bytes`` and
``--xinclude``. Kept apart from the parser so that reading options imports no lxml."""

from __future__ import annotations

import contextvars
import re
from contextlib import contextmanager
from dataclasses import dataclass, replace

# Input larger than this is refused unless the caller lifts the limit (``--max-bytes``).
DEFAULT_MAX_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    huge: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    xinclude: bool = False  # expand xi:include (safely: see ``tei_edition.xml.xinclude``)


_limits: contextvars.ContextVar[Limits] = contextvars.ContextVar("tei_edition_limits",
                                                                 default=Limits())


def current_limits() -> Limits:
    return _limits.get()


@contextmanager
def limits(*, huge: bool | None = None, max_bytes: int | None = None,
           xinclude: bool | None = None):
    """Parse with these limits inside the ``with`` block (``None`` keeps the current)."""
    token = _limits.set(_changed(huge, max_bytes, xinclude))
    try:
        yield _limits.get()
    finally:
        _limits.reset(token)


def set_limits(*, huge: bool | None = None, max_bytes: int | None = None,
               xinclude: bool | None = None) -> None:
    """Change the limits in force until the enclosing ``limits()`` block ends."""
    _limits.set(_changed(huge, max_bytes, xinclude))


def _changed(huge: bool | None, max_bytes: int | None, xinclude: bool | None) -> Limits:
    """The current limits with those given (not ``None``) changed."""
    changes = {k: v for k, v in (("huge", huge), ("max_bytes", max_bytes),
                                 ("xinclude", xinclude)) if v is not None}
    return replace(_limits.get(), **changes)


def parse_size(text: str) -> int:
    """``"512M"``, ``"2G"``, ``"1500000"`` as bytes (K, M, G, T are powers of 1024)."""
    match = re.fullmatch(r"\s*(\d+)\s*([kKmMgGtT]?)(?:i?[bB])?\s*", str(text))
    if not match:
        raise ValueError(f"not a size: {text!r} (use a number of bytes, or e.g. 500M, 2G)")
    number, unit = int(match.group(1)), match.group(2).upper()
    return number * 1024 ** " KMGT".index(unit or " ")
