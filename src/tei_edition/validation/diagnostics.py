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

    def as_text(self) -> str:
        where = ":".join(str(p) for p in (self.path, self.line, self.column) if p is not None)
        rule = f" [{self.rule}]" if self.rule else ""
        return for_message(f"{where}: {self.severity}: {self.message}{rule}")

    def as_json(self) -> dict:
        data = asdict(self)
        del data["path"]
        return data


def to_json(files: list[tuple[str, list[Diagnostic]]]) -> str:
    """The documented JSON report: ``{"valid", "files": [{"path", "valid", "diagnostics"}]}``."""
    entries = []
    for path, diagnostics in files:
        errors = [d for d in diagnostics if d.severity == "error"]
        entries.append({"path": path, "valid": not errors,
                        "diagnostics": [d.as_json() for d in diagnostics]})
    return safe_json({"valid": all(e["valid"] for e in entries), "files": entries}, indent=2)
