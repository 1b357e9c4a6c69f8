"""The one test for "this reference names a URI scheme" (``https:``, ``viaf:``,
``file:``): what every reader of ``@ref``, ``href`` and ``xml:base`` values decides
with, so that what counts as an outside reference is decided in one place."""

from __future__ import annotations

import re

# RFC 3986 3.1: a letter, then letters, digits, "+", "-" or ".", then ":".
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
