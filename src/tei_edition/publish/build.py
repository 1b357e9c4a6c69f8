"""``build``: validate every document, then write every registered export format.

What is exported: each TEI document with a ``<text>`` (a ``TEI`` or ``teiCorpus``
root). A TEI file without ``<text>`` is a register (persons, places ... in a
``standOff``): documents reach it through ``@ref="persons.xml#id"``, so it is listed
but not exported itself. Other XML files are listed and left alone.

Where: ``DIR/<stem><suffix>`` for file formats (``DIR/<stem>.txt``, ``.pdf``) and
``DIR/html/`` for the site; with several documents each site goes to
``DIR/html/<stem>/``.

Each file is parsed once: classification, validation and every export share its tree.
Failures are per document and per format: an invalid document is not exported, and a
format that fails on one document does not stop the others.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from tei_edition.publish import formats
from tei_edition.errors import (EXIT_OK, EXIT_PROBLEMS, InputError, TeiEditionError,
                                UsageError)
from tei_edition.publish.formats import ExportRequest
from tei_edition.xml.parse import TEI_NS, collect_xml_files, parse_file

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
    tree: object = field(default=None, repr=False)  # parsed once, for validation and export
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
    chosen = [formats.get(name) for name in (only or formats.REGISTRY)]
    documents = [_classify(path) for path in files]
    exportable = [d for d in documents if d.kind == "document"]
    validation = _validate(exportable) if validate else "validation skipped (--no-validate)"
    report = BuildReport(Path(out_dir), validation, documents)
    several = len(exportable) > 1
    for doc in exportable:
        tree, doc.tree = doc.tree, None  # each tree is let go once its exports are written
        if doc.problems:
            continue  # stops before exporting a document that fails validation
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


def _classify(path: Path) -> DocumentOutcome:
    try:
        tree = parse_file(path)
    except TeiEditionError as exc:
        return DocumentOutcome(path, "malformed", [exc.located()], exit_code=exc.exit_code)
    root, tei = tree.getroot(), f"{{{TEI_NS}}}"
    if root.tag not in (f"{tei}TEI", f"{tei}teiCorpus"):
        return DocumentOutcome(path, "other")
    if next(root.iter(f"{tei}text"), None) is None:
        return DocumentOutcome(path, "register")
    return DocumentOutcome(path, "document", tree=tree)


def _validate(documents: list[DocumentOutcome]) -> str:
    """Validate in one run (our schema and rules, or a document's own xml-model),
    on the trees already parsed."""
    if not documents:
        return "nothing to validate"
    from tei_edition.validation.validate import validate_trees

    report = validate_trees([(d.path, d.tree) for d in documents])
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

