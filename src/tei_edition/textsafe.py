"""Text from documents, file names and schemas, made safe for where it is shown.

The one place that decides it (the README's threat model names it): every command
passes untrusted text through these functions before it reaches a terminal, a CSV
cell or JSON.

- ``for_terminal``: C0 and C1 control characters (ESC and CSI start terminal escape
  sequences; U+009B is CSI on its own) and the bidirectional embeddings, overrides and
  isolates (which make a line read as something else: "Trojan Source") are shown as
  visible escapes, ``\\x9b`` and ``\\u202e``. Tabs and line breaks stay.
- ``for_line``: the same, and line breaks shown too: a value that must stay on its line
  (a file name, a table cell) cannot forge another one.
- ``for_message``: a one-line diagnostic; line breaks become spaces.
- ``for_stdout``: ``for_terminal`` when standard output is a terminal, else the text
  unchanged (``export text -o - > file`` keeps every character).
- ``csv_cell``: a cell that a spreadsheet would run as a formula (starting with ``=``,
  ``+``, ``-``, ``@``, tab or carriage return) gets a leading ``'`` (OWASP's advice);
  controls and bidirectional overrides are shown as for the terminal.
- ``to_json``: JSON whose strings carry C1 controls, bidirectional controls and
  U+2028/2029 as ``\\u`` escapes (JSON escapes C0 itself): the same data, safe to print.
"""

from __future__ import annotations

import json
import re
import sys

# C0 and C1 controls, except tab and newline.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidirectional embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# What some terminals or editors take as a line break beyond \n, \r, \v, \f and NEL.
_SEPARATORS = re.compile("[\u2028\u2029]")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str) -> str:
    """Show control and bidirectional characters as visible escapes, so that no document
    can drive the terminal or reorder what it shows; tabs and line breaks stay."""
    text = _CONTROLS.sub(_visible, text)
    return _SEPARATORS.sub(_visible, _BIDI.sub(_visible, text))


def for_line(text: str) -> str:
    """As ``for_terminal``, with line breaks shown as ``\\x0a``: the value stays on its line."""
    return for_terminal(text).replace("\n", "\\x0a")


def for_message(text: str) -> str:
    """A one-line diagnostic: controls as for the terminal, line breaks as spaces, and
    bidirectional controls shown as escapes, so that what is reported reads as it is."""
    return for_terminal(text.replace("\r\n", " ").replace("\n", " ").replace("\r", " "))


def for_stdout(text: str) -> str:
    """Text for standard output: made safe when it is a terminal, else unchanged."""
    stream = sys.stdout
    try:
        tty = stream is not None and stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return for_terminal(text) if tty else text


def csv_cell(value: object) -> object:
    """A CSV cell no spreadsheet runs as a formula and no terminal obeys; numbers pass."""
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA):
        value = "'" + value
    return for_terminal(value)


def to_json(data: object, **options) -> str:
    """``json.dumps`` (UTF-8 text kept) with every terminal-unsafe character escaped."""
    text = json.dumps(data, ensure_ascii=False, **options)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
