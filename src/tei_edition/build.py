"""``build``: validate every document, then write every registered export format.

What is exported: each TEI document with a ``<text>`` (a ``TEI`` or ``teiCorpus``
root). A TEI file without ``<text>`` is a register (persons, places ... in a
``standOff``): documents reach it through ``@ref="persons.xml#id"``, so it is listed
but not exported itself. Other XML files are listed and left alone.

Where: ``DIR/<stem><suffix>`` for file formats (``DIR/<stem>.txt``, ``.pdf``) and
``DIR/html/`` for the site; with several documents each site goes to
``DIR/html/<stem>/``.

Failures are per document and per format: an invalid document is not exported, a
format that fails on one document does not stop the others, and a format whose
module is not part of this installation yet is reported as skipped.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

from tei_edition import formats
from tei_edition.errors import (EXIT_OK, EXIT_PROBLEMS, InputError, TeiEditionError,
                                UsageError)
from tei_edition.formats import ExportRequest
from tei_edition.xmlparse import TEI_NS, collect_xml_files, parse_file

DEFAULT_PATHS = ("tei",)
DEFAULT_OUT = "build"


@dataclass
class FormatOutcome:
    format: str
    ok: bool
    outputs: list[Path] = field(default_factory=list)
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    coverage: dict[str, int] = field(default_factory=dict)


@dataclass
class DocumentOutcome:
    path: Path
    kind: str  # "document" | "register" | "other" | "malformed"
    problems: list[str] = field(default_factory=list)  # validation or parse errors
    formats: list[FormatOutcome] = field(default_factory=list)
    exit_code: int = EXIT_PROBLEMS  # what its problems mean: 2 when it could not be read

    @property
    def ok(self) -> bool:
        return not self.problems and all(f.ok for f in self.formats)


@dataclass
class BuildReport:
    out_dir: Path
    validation: str  # how documents were checked, in words
    documents: list[DocumentOutcome] = field(default_factory=list)
    skipped_formats: dict[str, str] = field(default_factory=dict)  # name -> why

    @property
    def ok(self) -> bool:
        return all(d.ok for d in self.documents)

    @property
    def exit_code(self) -> int:
        """0 all good; else the worst failure: unreadable input (2) over problems (1)."""
        return max((d.exit_code for d in self.documents if not d.ok), default=EXIT_OK)


def build(paths=None, out_dir: str | Path = DEFAULT_OUT, *, validate: bool = True,
          only: list[str] | None = None) -> BuildReport:
    """Validate and export every document under ``paths`` into ``out_dir``."""
    files = _input_files(list(paths or DEFAULT_PATHS))
    chosen, skipped = _formats(only)
    documents = [_classify(path) for path in files]
    exportable = [d for d in documents if d.kind == "document"]
    validation = _validate(exportable) if validate else "validation skipped (--no-validate)"
    report = BuildReport(Path(out_dir), validation, documents, skipped)
    several = len(exportable) > 1
    for doc in exportable:
        if doc.problems:
            continue  # stops before exporting a document that fails validation
        tree = parse_file(doc.path)
        targets = [_target(fmt, doc.path, report.out_dir, several) for fmt in chosen]
        doc.formats = _export_all(tree, doc.path, chosen, targets)
    return report


def _input_files(paths: list) -> list[Path]:
    for raw in paths:
        if not Path(raw).exists():
            raise InputError("no such file or folder", path=str(raw))
    files = collect_xml_files(paths)
    if not files:
        raise UsageError(f"no XML files found in {', '.join(map(str, paths))}")
    return files


def _formats(only: list[str] | None):
    """The formats to write, and those skipped because their module is not there yet."""
    names = list(only) if only else list(formats.REGISTRY)
    chosen, skipped = [], {}
    for name in names:
        fmt = formats.get(name)
        if importlib.util.find_spec(fmt.module) is None:
            skipped[name] = "not available in this installation yet"
        else:
            chosen.append(fmt)
    return chosen, skipped


def _classify(path: Path) -> DocumentOutcome:
    try:
        root = parse_file(path).getroot()
    except TeiEditionError as exc:
        return DocumentOutcome(path, "malformed", [exc.located()], exit_code=exc.exit_code)
    tei = f"{{{TEI_NS}}}"
    if root.tag not in (f"{tei}TEI", f"{tei}teiCorpus"):
        return DocumentOutcome(path, "other")
    has_text = next(root.iter(f"{tei}text"), None) is not None
    return DocumentOutcome(path, "document" if has_text else "register")


def _validate(documents: list[DocumentOutcome]) -> str:
    """Validate in one run (our schema and rules, or a document's own xml-model);
    without the validation module, documents are only checked for well-formedness."""
    if not documents:
        return "nothing to validate"
    try:
        from tei_edition.validate import validate_paths
    except ImportError:
        return "well-formedness only (tei_edition.validate is not available)"
    report = validate_paths([d.path for d in documents])
    by_path = {Path(f.path): f for f in report.files}
    for doc in documents:
        found = by_path.get(doc.path)
        if found is not None:
            doc.problems = [d.as_text() for d in found.diagnostics if d.severity == "error"]
    for problem in report.unreadable:
        for doc in documents:
            if problem.path and Path(problem.path) == doc.path:
                doc.problems.append(problem.located())
    checked = "validated (RELAX NG and Schematron)"
    return f"{checked}: {'; '.join(report.notes)}" if report.notes else checked


def _target(fmt: formats.Format, source: Path, out_dir: Path, several: bool) -> Path:
    if not fmt.suffix and several:
        return out_dir / fmt.name / source.stem
    return fmt.default_output(source, out_dir)


def _export_all(tree, source: Path, chosen: list[formats.Format],
                targets: list[Path]) -> list[FormatOutcome]:
    """Every chosen format of one document, outcomes in the formats' order. A format
    whose module can ``start`` an export that finishes in the background (PDF: Typst
    compiles in its worker process) is started first; the others are written while it
    runs; then it is waited for."""
    requests = [ExportRequest(tree=tree, source=source, output=target) for target in targets]
    outcomes: dict[str, FormatOutcome] = {}
    started = {}
    try:
        for fmt, request in zip(chosen, requests):
            start = getattr(importlib.import_module(fmt.module), "start", None)
            if start is not None:
                pending = _attempt(fmt, lambda: start(request))
                if isinstance(pending, FormatOutcome):
                    outcomes[fmt.name] = pending
                else:
                    started[fmt.name] = pending
        for fmt, request in zip(chosen, requests):
            if fmt.name not in outcomes and fmt.name not in started:
                outcomes[fmt.name] = _outcome(fmt, _attempt(fmt, lambda: fmt.exporter()(request)))
        for fmt in chosen:
            if fmt.name in started:
                outcomes[fmt.name] = _outcome(fmt, _attempt(fmt, started[fmt.name].finish))
    finally:
        for pending in started.values():
            pending.cancel()  # nothing left to do once finished; stops it after a failure
    return [outcomes[fmt.name] for fmt in chosen]


def _attempt(fmt: formats.Format, call):
    """``call()``, or the failed outcome of ``fmt`` when it raises."""
    try:
        return call()
    except TeiEditionError as exc:
        return FormatOutcome(fmt.name, False, message=exc.located())
    except Exception as exc:  # one format's bug must not stop the others
        return FormatOutcome(fmt.name, False, message=f"internal error: {type(exc).__name__}: {exc}")


def _outcome(fmt: formats.Format, result) -> FormatOutcome:
    if isinstance(result, FormatOutcome):
        return result
    return FormatOutcome(fmt.name, True, result.outputs, warnings=result.warnings,
                         coverage=result.coverage)

