"""Diagnostics are data: one record that both the text and the JSON reporters print."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from tei_edition.textsafe import for_message, to_json as safe_json


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int | None
    column: int | None
    severity: str  # "error" | "warning" | "info"
    source: str  # "xml" | "rng" | "sch" | "entities" | ...
    message: str
    rule: str | None = None
    # Schematron findings only: the assert's role and flag, its properties (dicts of
    # property, role, scheme, text) and the XPath of its context node (SVRL @location).
    role: str | None = None
    flag: str | None = None
    properties: tuple = ()
    location: str | None = None

    def as_text(self) -> str:
        where = ":".join(str(p) for p in (self.path, self.line, self.column) if p is not None)
        rule = f" [{self.rule}]" if self.rule else ""
        return for_message(f"{where}: {self.severity}: {self.message}{rule}")

    def as_json(self) -> dict:
        data = asdict(self)
        del data["path"]
        if self.source != "sch":  # the Schematron fields appear only where they mean something
            for name in ("role", "flag", "properties", "location"):
                del data[name]
        else:
            data["properties"] = list(self.properties)
        return data


def to_json(files: list[tuple[str, list[Diagnostic]]]) -> str:
    """The documented JSON report: ``{"valid", "files": [{"path", "valid", "diagnostics"}]}``."""
    entries = []
    for path, diagnostics in files:
        errors = [d for d in diagnostics if d.severity == "error"]
        entries.append({"path": path, "valid": not errors,
                        "diagnostics": [_located(d, path) for d in diagnostics]})
    return safe_json({"valid": all(e["valid"] for e in entries), "files": entries}, indent=2)


def _located(diagnostic: Diagnostic, path: str) -> dict:
    """A finding in another file than the one checked (a document a Schematron pattern
    reads through @documents) names that file."""
    data = diagnostic.as_json()
    if diagnostic.path != path:
        data["path"] = diagnostic.path
    return data
