"""ISO Schematron on Saxon: compile a schema to XSLT 3.0 once, run it on many documents.

Why Saxon and not ``lxml.isoschematron``: lxml runs only XSLT 1.0 / XPath 1.0 rules,
while real-world schemas (the TEI's own constraints, FRUS's frus.sch) and ours use
``queryBinding="xslt2"`` (regular expressions, ``xs:date`` casts, ``tokenize``). One
engine for every schema keeps the results consistent. No installable Python package
compiles Schematron for Saxon, so ``xslt/schematron/compile.xsl`` is our own compact
compiler; its output is compiled by a Saxon processor that can open no URI at all, so
rules cannot read files or the network while they run.

Locations: each finding carries ``path()`` of its context node; we walk that path in
the lxml tree to get the source line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from tei_edition.publish import transform
from tei_edition.validation.diagnostics import Diagnostic
from tei_edition.errors import InputError, TransformError
from tei_edition.xml.parse import parse_bytes, parse_file

SCH_NS = "http://purl.oclc.org/dsdl/schematron"
SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
RNG_NS = "http://relaxng.org/ns/structure/1.0"
COMPILER = "schematron/compile.xsl"
_MAX_INCLUDE_DEPTH = 10

_SEVERITY = {"warning": "warning", "warn": "warning", "info": "info", "information": "info",
             "note": "info"}


@dataclass
class CompiledSchematron:
    """A Schematron schema compiled to XSLT, with the latched processor that owns it."""

    path: Path
    phase: str
    xslt: str  # the generated stylesheet, kept for debugging and tests
    processor: object
    executable: object


_cache: dict[tuple, CompiledSchematron] = {}


def compiled(path: str | os.PathLike, *, phase: str = "#DEFAULT") -> CompiledSchematron:
    """The schema at ``path`` compiled for ``phase``, once per process (and per file version)."""
    p = Path(path).resolve()
    try:
        stamp = p.stat().st_mtime_ns
    except OSError:
        raise InputError("no such Schematron file", path=str(path)) from None
    key = (p, stamp, phase)
    if key not in _cache:
        _cache[key] = compile_tree(load(p), p, phase=phase)
    return _cache[key]


def load(path: Path) -> etree._ElementTree:
    """The schema as one tree: includes resolved, or the rules embedded in a RELAX NG file."""
    tree = parse_file(path)
    root = tree.getroot()
    if root.tag == f"{{{RNG_NS}}}grammar":
        return embedded_rules(tree)
    if root.tag != f"{{{SCH_NS}}}schema":
        raise InputError(f"not an ISO Schematron schema (root element {etree.QName(root).localname}, "
                         f"expected schema in namespace {SCH_NS})", path=str(path), line=root.sourceline)
    _resolve_includes(root, path, depth=0)
    return tree


def embedded_rules(rng: etree._ElementTree) -> etree._ElementTree:
    """The Schematron embedded in a RELAX NG schema (as the TEI's ODD constraints are)."""
    schema = etree.Element(f"{{{SCH_NS}}}schema", queryBinding="xslt2", nsmap={"sch": SCH_NS})
    prefixes = set()
    for kind in ("ns", "let", "pattern", "diagnostics"):
        for el in rng.iter(f"{{{SCH_NS}}}{kind}"):
            if kind == "ns" and el.get("prefix") in prefixes:
                continue
            if kind == "let" and _inside_pattern(el):
                continue  # it travels with its pattern
            prefixes.add(el.get("prefix"))
            schema.append(_copy(el))
    return etree.ElementTree(schema)


def _inside_pattern(el: etree._Element) -> bool:
    return any(a.tag == f"{{{SCH_NS}}}pattern" for a in el.iterancestors())


def _copy(el: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(el))


def _resolve_includes(root: etree._Element, base: Path, depth: int) -> None:
    """Replace each ``sch:include`` by the root element of the local file it names."""
    for include in list(root.iter(f"{{{SCH_NS}}}include")):
        href = include.get("href", "")
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", href):
            raise InputError(f"sch:include of {href} is unavailable offline; "
                             "download it and include the local copy", path=str(base),
                             line=include.sourceline)
        if depth >= _MAX_INCLUDE_DEPTH:
            raise InputError("sch:include nests too deeply", path=str(base), line=include.sourceline)
        target = (base.parent / href.split("#")[0]).resolve()
        included = parse_file(target).getroot()
        _resolve_includes(included, target, depth + 1)
        include.getparent().replace(include, included)


def compile_tree(tree: etree._ElementTree, path: Path, *, phase: str = "#DEFAULT") -> CompiledSchematron:
    """Compile a Schematron tree (uncached; ``compiled`` is the cached entry point)."""
    try:
        xslt = transform.run(COMPILER, tree, {"phase": phase}).output
    except TransformError as exc:
        raise InputError(f"cannot compile the Schematron schema: {exc.message}", path=str(path)) from None
    proc = transform.sandboxed_processor(latched=True)
    try:  # a rule's XPath may be wrong
        executable = transform.call_saxon(
            lambda: proc.new_xslt30_processor().compile_stylesheet(stylesheet_text=xslt),
            "a rule does not compile")
    except TransformError as error:
        raise InputError(f"cannot compile the Schematron schema: {error.message}", path=str(path)) from None
    return CompiledSchematron(path, phase, xslt, proc, executable)


def svrl(schema: CompiledSchematron, tree: etree._ElementTree) -> etree._Element:
    """Run the compiled schema on a document; the SVRL report as an lxml element."""
    node = transform.to_xdm(schema.processor, tree, lines=False)
    # a dynamic error in a rule (e.g. a bad cast) becomes a TransformError
    output = transform.call_saxon(lambda: schema.executable.transform_to_string(xdm_node=node),
                                  f"a rule of {schema.path.name} failed")
    return parse_bytes(output.encode("utf-8"), path="<svrl>").getroot()


def check(schema: CompiledSchematron, tree: etree._ElementTree, path: str) -> list[Diagnostic]:
    """Every failed assert and successful report as a diagnostic on ``path``."""
    try:
        report = svrl(schema, tree)
    except TransformError as exc:
        return [Diagnostic(path, 1, 1, "error", "sch", exc.message, None)]
    found = []
    for item in report:
        if etree.QName(item).localname not in ("failed-assert", "successful-report"):
            continue
        element = node_at(tree, item.get("location", ""))
        line = element.sourceline if element is not None and element.sourceline else 1
        found.append(Diagnostic(path, line, 1, _severity(item.get("role")), "sch",
                                _message(item), item.get("id") or item.get(f"{{{transform.TE_NS}}}rule")))
    return found


def _severity(role: str | None) -> str:
    return _SEVERITY.get((role or "").strip().lower(), "error")


def _message(item: etree._Element) -> str:
    text = " ".join(item.findtext(f"{{{SVRL_NS}}}text", "").split())
    extra = [" ".join("".join(d.itertext()).split()) for d in item.iter(f"{{{SVRL_NS}}}diagnostic-reference")]
    extra = [e for e in extra if e]
    return f"{text} ({'; '.join(extra)})" if extra else text or f"test failed: {item.get('test')}"


# Saxon's path(): /Q{uri}local[n]/... then possibly @name, text()[n], comment()[n].
_STEP = re.compile(r"/Q\{([^}]*)\}([^/\[]+)\[(\d+)\]")


def node_at(tree: etree._ElementTree, location: str) -> etree._Element | None:
    """The element a ``path()`` names, or its nearest element ancestor for other nodes."""
    node = None
    children = [tree.getroot()]
    for match in _STEP.finditer(location.split("/@")[0]):
        tag = f"{{{match.group(1)}}}{match.group(2)}" if match.group(1) else match.group(2)
        same = [c for c in children if c.tag == tag]
        index = int(match.group(3)) - 1
        if index >= len(same):
            break
        node = same[index]
        children = list(node)
    return node
