"""Neutralise text from documents before it reaches a terminal."""

from __future__ import annotations

import re

# C0 and C1 controls (ESC and CSI start terminal escape sequences), except tab and newline.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidirectional embeddings, overrides and isolates: in a one-line message they can make a
# file name or a quoted value display as something else ("Trojan Source").
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def for_terminal(text: str) -> str:
    """Show control characters as visible escapes so no document can drive the terminal."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def for_message(text: str) -> str:
    """A one-line diagnostic: controls as for the terminal, line breaks as spaces, and
    bidirectional controls shown as escapes, so that what is reported reads as it is."""
    text = for_terminal(text.replace("\r\n", " ").replace("\n", " ").replace("\r", " "))
    return _BIDI.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
