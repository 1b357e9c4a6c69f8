"""Neutralise text from documents before it reaches a terminal."""

from __future__ import annotations

import re

# C0 and C1 controls (ESC starts terminal escape sequences), except tab and newline.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def for_terminal(text: str) -> str:
    """Show control characters as visible escapes so no document can drive the terminal."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
