"""The one error hierarchy. Library code raises these; the CLI maps them to exit codes.

Exit codes (documented in the README and in ``tei-edition --help``):
  0  success
  1  the document has problems (invalid, malformed, a transformation failed on it)
  2  usage error or unreadable input (missing file, no permission, bad option)
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


class TeiEditionError(Exception):
    """Base of every error the tool reports as a message rather than a crash."""

    exit_code = EXIT_PROBLEMS

    def __init__(self, message: str, *, path: str | None = None,
                 line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return self.located()

    def located(self) -> str:
        """Compiler-style ``path:line:col: error: message``, as editors expect."""
        where = [str(p) for p in (self.path, self.line, self.column) if p is not None]
        prefix = ":".join(where)
        return f"{prefix}: error: {self.message}" if prefix else f"error: {self.message}"


class UsageError(TeiEditionError):
    """A bad option or argument combination."""

    exit_code = EXIT_USAGE


class InputError(TeiEditionError):
    """Input that cannot be read at all: missing, a folder, no permission, refused."""

    exit_code = EXIT_USAGE


class XmlSyntaxError(TeiEditionError):
    """Input that is read but is not well-formed XML (or is refused by the safe parser)."""


class ResourceError(TeiEditionError):
    """A stylesheet, schema or template of the installation itself is missing."""

    exit_code = EXIT_USAGE


class TransformError(TeiEditionError):
    """An XSLT or Typst step failed. ``code`` is the stylesheet's error code, if any."""

    def __init__(self, message: str, *, code: str | None = None, **where):
        super().__init__(message, **where)
        self.code = code
