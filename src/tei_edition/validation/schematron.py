"""ISO Schematron on Saxon: compile a schema to XSLT 3.0 once, run it on many documents.

Why Saxon and not ``lxml.isoschematron``: lxml runs only XSLT 1.0 / XPath 1.0 rules,
while real-world schemas (the TEI's own constraints, FRUS's frus.sch) and ours use
``queryBinding="xslt2"`` (regular expressions, ``xs:date`` casts, ``tokenize``). One
engine for every schema keeps the results consistent. No installable Python package
compiles Schematron for Saxon, so ``xslt/schematron/compile.xsl`` is our own compiler
(ISO/IEC 19757-3:2020, query bindings xslt, xslt2 and xslt3).

A schema is untrusted input (README, "Threat model"). Three layers keep it harmless:

* ``screen``: a schema may hold ISO Schematron and, at its top level, ``xsl:key`` and
  ``xsl:function`` whose bodies are expressions (``xsl:copy-of`` inside a property, the
  standard's one use of an instruction); any other XSLT instruction, ``xsl:import``,
  ``xsl:include``, an ``xsl:*`` attribute or an extension element is refused, naming
  file:line. ``sch:include`` and ``sch:extends`` open only files inside the schema's
  folder tree, through our safe parser.
* Saxon runs in a child process (``_Worker``) whose environment is scrubbed (HOME and
  TMPDIR are an empty private folder, no variable of ours is inherited), so
  ``environment-variable()`` has nothing to tell; its stylesheets are compiled by a
  processor that may open no URI (``doc()``, ``unparsed-text()``, ``collection()``,
  ``json-doc()`` fail), and ``xsl:result-document`` output is captured in memory and
  thrown away instead of being written.
* ``pattern/@documents``: the expressions are evaluated first (as strings), each target
  is checked in Python (inside the schema's or the document's folder tree, never a
  remote URI), parsed by our safe parser with its limits, and handed to the stylesheet.

Locations: each finding carries ``path()`` of its context node; we walk that path in
the lxml tree for the line, and search the source text from that line for the column.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from tei_edition.errors import InputError, TeiEditionError, TransformError
from tei_edition.validation.diagnostics import Diagnostic
from tei_edition.xml.parse import TE_NS, parse_bytes, parse_file
from tei_edition.xml.uri import SCHEME

SCH_NS = "http://purl.oclc.org/dsdl/schematron"
SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
RNG_NS = "http://relaxng.org/ns/structure/1.0"
XSL_NS = "http://www.w3.org/1999/XSL/Transform"
SAXON_NS = "http://saxon.sf.net/"
XML_NS = "http://www.w3.org/XML/1998/namespace"
COMPILER = "schematron/compile.xsl"
_MAX_INCLUDE_DEPTH = 10

# Annotations the loader leaves on elements that came from another file: which file
# (for error lines) and that file's sch:ns bindings (its XPath keeps its own prefixes).
FILE_ATTR = f"{{{TE_NS}}}file"
NS_ATTR = f"{{{TE_NS}}}ns"
LINE_ATTR = f"{{{TE_NS}}}src-line"  # every element's line in its file, for compile errors

_SEVERITY = {"warning": "warning", "warn": "warning", "info": "info", "information": "info",
             "note": "info"}


def _sch(name: str) -> str:
    return f"{{{SCH_NS}}}{name}"


@dataclass
class CompiledSchematron:
    """A Schematron schema compiled to XSLT inside the sandboxed worker process."""

    path: Path
    phase: str
    xslt: str  # the generated stylesheet, kept for debugging and tests
    key: int  # the worker's handle on the compiled stylesheet
    documents: bool = False  # some active pattern reads subordinate documents
    generation: int = 0  # which worker process holds it


_cache: dict[tuple, CompiledSchematron] = {}


def compiled(path: str | os.PathLike, *, phase: str = "#DEFAULT") -> CompiledSchematron:
    """The schema at ``path`` compiled for ``phase``, once per process (and per file version)."""
    p = Path(path).resolve()
    try:
        stamp = p.stat().st_mtime_ns
    except OSError:
        raise InputError("no such Schematron file", path=str(path)) from None
    key = (p, stamp, phase)
    _worker.start()  # it boots (and compiles our compiler) while we read the schema
    cached = _cache.get(key)
    if cached is None or cached.generation != _worker.generation:
        _cache[key] = compile_tree(load(p), p, phase=phase)
    return _cache[key]


def prepare() -> None:
    """Start the sandboxed worker now, so that it boots while the caller does other work
    (``validate`` calls this before the RELAX NG pass)."""
    _worker.start()


# ------------------------------------------------------------------ loading and screening

def load(path: Path) -> etree._ElementTree:
    """The schema as one tree: includes and external extends resolved (inside the
    schema's folder tree only), or the rules embedded in a RELAX NG file; screened."""
    path = Path(path).resolve()
    tree = parse_file(path)
    root = tree.getroot()
    if root.tag == f"{{{RNG_NS}}}grammar":
        tree = embedded_rules(tree)
    elif root.tag != _sch("schema"):
        raise InputError(f"not an ISO Schematron schema (root element {etree.QName(root).localname}, "
                         f"expected schema in namespace {SCH_NS})", path=str(path), line=root.sourceline)
    else:
        _Includes(path.parent).resolve(root, path, depth=0)
    screen(tree, path)
    check_structure(tree, path)
    return tree


def embedded_rules(rng: etree._ElementTree) -> etree._ElementTree:
    """The Schematron embedded in a RELAX NG schema (as the TEI's ODD constraints are)."""
    schema = etree.Element(_sch("schema"), queryBinding="xslt2", nsmap={"sch": SCH_NS})
    prefixes = set()
    for kind in ("ns", "let", "pattern", "diagnostics", "properties"):
        for el in rng.iter(_sch(kind)):
            if kind == "ns" and el.get("prefix") in prefixes:
                continue
            if kind == "let" and _inside_pattern(el):
                continue  # it travels with its pattern
            prefixes.add(el.get("prefix"))
            schema.append(_copy(el))
    for el in rng.iter(f"{{{XSL_NS}}}key", f"{{{XSL_NS}}}function"):  # screened like any schema's
        if not any(a.tag.startswith(f"{{{SCH_NS}}}") for a in el.iterancestors()):
            schema.append(_copy(el))  # (other XSLT in a grammar is an annotation, never run)
    return etree.ElementTree(schema)


def _inside_pattern(el: etree._Element) -> bool:
    return any(a.tag == _sch("pattern") for a in el.iterancestors())


def _copy(el: etree._Element) -> etree._Element:
    """A copy that keeps its source line (for error messages) on every element."""
    copy = etree.fromstring(etree.tostring(el))
    for original, new in zip(el.iter(), copy.iter()):
        if isinstance(new.tag, str):
            new.sourceline = original.sourceline
    return copy


class _Includes:
    """``sch:include`` and ``sch:extends/@href``, each naming a local file (optionally
    ``#id`` of an element in it) inside ``top``, the schema's folder tree."""

    def __init__(self, top: Path):
        self.top = top.resolve()
        self.trees: dict[Path, etree._ElementTree] = {}

    def resolve(self, root: etree._Element, path: Path, depth: int) -> None:
        for el in list(root.iter(_sch("include"), _sch("extends"))):
            if el.tag == _sch("extends") and el.get("href") is None:
                continue  # extends/@rule: the compiler resolves it
            target = self.target(el, path, depth)
            if el.tag == _sch("include") and target.tag != _sch("library"):
                el.getparent().replace(el, target)
                continue
            if el.tag == _sch("extends") and target.tag != _sch("rule"):
                raise InputError(f"sch:extends href=\"{el.get('href')}\" names a "
                                 f"{etree.QName(target).localname} element; ISO Schematron "
                                 "requires it to name a rule", path=str(path), line=el.sourceline)
            _splice(el, target)  # a rule's content, or (ISO 2020) a library's components

    def target(self, el: etree._Element, path: Path, depth: int) -> etree._Element:
        """A fresh copy of the element ``el/@href`` names, its own includes resolved."""
        what = etree.QName(el).localname
        href = (el.get("href") or "").strip()
        file_part, _, fragment = href.partition("#")
        if SCHEME.match(href) and not href.startswith("file:"):
            raise InputError(f"sch:{what} of {href} is unavailable offline; "
                             f"download it and {what} the local copy", path=str(path), line=el.sourceline)
        if depth >= _MAX_INCLUDE_DEPTH:
            raise InputError(f"sch:{what} nests deeper than {_MAX_INCLUDE_DEPTH} files "
                             "(does a file include itself?)", path=str(path), line=el.sourceline)
        local = file_part[5:].lstrip("/") if file_part.startswith("file:") else file_part
        if file_part.startswith("file:"):
            local = "/" + local
        target = (path.parent / local).resolve() if file_part else path
        if not target.is_relative_to(self.top):
            raise InputError(f"sch:{what} of {href} reads a file outside the schema's folder "
                             f"{self.top}; copy it there", path=str(path), line=el.sourceline)
        if target not in self.trees:
            self.trees[target] = parse_file(target)
        source = self.trees[target].getroot()
        chosen = source
        if fragment:
            found = [e for e in source.iter(etree.Element)
                     if e.get(f"{{{XML_NS}}}id") == fragment or e.get("id") == fragment]
            if not found:
                raise InputError(f"sch:{what} of {href}: {target.name} has no element with id "
                                 f"{fragment}", path=str(path), line=el.sourceline)
            chosen = found[0]
        copy = _copy(chosen)
        self.resolve(copy, target, depth + 1)
        if target != path:
            for node in copy.iter(etree.Element):
                node.set(FILE_ATTR, str(target))
            bindings = [(n.get("prefix"), n.get("uri")) for n in source.iter(_sch("ns"))]
            if bindings and source.tag in (_sch("schema"), _sch("library")):
                copy.set(NS_ATTR, " ".join(f"{p} {u}" for p, u in bindings))
        language = _language(chosen)
        if language is not None and copy.get(f"{{{XML_NS}}}lang") is None and language != _language(el):
            copy.set(f"{{{XML_NS}}}lang", language)
        return copy


def _splice(el: etree._Element, target: etree._Element) -> None:
    """Put the element children of ``target`` where ``el`` is; each keeps the namespace
    bindings and language it had there."""
    parent, index = el.getparent(), el.getparent().index(el)
    parent.remove(el)
    for offset, child in enumerate(c for c in target if isinstance(c.tag, str)):
        for name in (NS_ATTR, f"{{{XML_NS}}}lang"):
            if target.get(name) is not None and child.get(name) is None:
                child.set(name, target.get(name))
        parent.insert(index + offset, child)


def _language(el: etree._Element) -> str | None:
    for node in (el, *el.iterancestors()):
        lang = node.get(f"{{{XML_NS}}}lang")
        if lang is not None:
            return lang
    return None


def _where(el: etree._Element, path: Path) -> dict:
    return {"path": el.get(FILE_ATTR) or str(path), "line": el.sourceline}


# What may stand in a function's body: declarations and one result, all expressions;
# in a key's body (instead of @use): one expression or a constant.
_FUNCTION_BODY = {"param", "variable", "sequence"}
_KEY_BODY = {"sequence", "value-of", "text"}
_XSL_ATTRIBUTES_OK = {
    "key": {"name", "match", "use", "collation", "composite"},
    "function": {"name", "as", "visibility", "streamability", "override-extension-function",
                 "override", "new-each-time", "cache"},
    "param": {"name", "as", "select", "required", "tunnel"},
    "variable": {"name", "as", "select"},
    "sequence": {"select"},
    "copy-of": {"select", "copy-namespaces", "copy-accumulators", "validation", "type"},
    "value-of": {"select", "separator"},
    "text": set(),
}


# The standard attributes any XSLT element may carry that change no behaviour we guard
# (use-when is not among them: it is evaluated while compiling).
_XSL_STANDARD_ATTRIBUTES = {"xpath-default-namespace", "exclude-result-prefixes", "expand-text",
                            "version", "default-collation"}


def screen(tree: etree._ElementTree, path: Path) -> None:
    """Refuse anything in the schema that is not ISO Schematron or an expression-only
    ``xsl:key``/``xsl:function`` (see the module docstring); one InputError, file:line."""
    for el in tree.getroot().iter(etree.Element):
        if _inside_let_data(el):
            continue  # a let's element content is data (compiled as a string), never run
        qname = etree.QName(el)
        for name in el.attrib:
            attr = etree.QName(name)
            if attr.namespace in (XSL_NS, SAXON_NS):
                raise InputError(f"the attribute {_prefixed(attr)} is an XSLT/Saxon directive, which "
                                 "a Schematron schema may not carry", **_where(el, path))
        if qname.namespace == SAXON_NS or "extension-element-prefixes" in el.attrib:
            raise InputError(f"extension element or declaration ({qname.localname}) refused: "
                             "a Schematron schema may hold only ISO Schematron and expression-only "
                             "xsl:key/xsl:function", **_where(el, path))
        if qname.namespace == XSL_NS:
            _screen_xsl(el, qname.localname, path)


def _prefixed(q: etree.QName) -> str:
    return f"{'xsl' if q.namespace == XSL_NS else 'saxon'}:{q.localname}"


def _inside_let_data(el: etree._Element) -> bool:
    return any(a.tag == _sch("let") and a.get("value") is None for a in el.iterancestors())


def _screen_xsl(el: etree._Element, name: str, path: Path) -> None:
    parent = el.getparent()
    parent_name = etree.QName(parent).localname if parent is not None else ""
    parent_ns = etree.QName(parent).namespace if parent is not None else ""
    allowed = (
        (name in ("key", "function") and parent is not None and parent.tag == _sch("schema"))
        or (name in _FUNCTION_BODY and parent_ns == XSL_NS and parent_name == "function")
        or (name in _KEY_BODY and parent_ns == XSL_NS and parent_name == "key"
            and parent.getparent() is not None and parent.getparent().tag == _sch("schema"))
        or (name == "copy-of" and any(a.tag == _sch("property") for a in el.iterancestors()))
    )
    if not allowed:
        raise InputError(f"XSLT instruction xsl:{name} refused: a Schematron schema may hold only "
                         "xsl:key and xsl:function (at its top level, bodies of expressions) "
                         "besides ISO Schematron", **_where(el, path))
    extra = set(el.attrib) - _XSL_ATTRIBUTES_OK[name] - _XSL_STANDARD_ATTRIBUTES
    if extra:
        raise InputError(f"xsl:{name} with attribute {sorted(extra)[0]} refused (only "
                         f"{', '.join(sorted(_XSL_ATTRIBUTES_OK[name]))})", **_where(el, path))
    children = [c for c in el if isinstance(c.tag, str)]
    text = "".join(el.itertext()).strip() if name != "function" else (el.text or "").strip()
    if name == "function":
        names = [etree.QName(c).localname for c in children]
        if any(etree.QName(c).namespace != XSL_NS or n not in _FUNCTION_BODY for c, n in zip(children, names)) \
                or names.count("sequence") != 1 or names[-1] != "sequence" \
                or any(n == "param" for n in names[names.index("sequence"):]) \
                or "".join((c.tail or "") for c in children).strip():
            raise InputError("xsl:function refused: its body may hold only xsl:param, xsl:variable "
                             "with @select and one final xsl:sequence with @select", **_where(el, path))
    elif name == "key" and el.get("use") is None:
        if not children or len(children) > 1 or (el.text or "").strip() or (children[0].tail or "").strip():
            raise InputError("xsl:key refused: without @use its body is one xsl:sequence, xsl:value-of "
                             "(with @select) or xsl:text", **_where(el, path))
    elif name == "text":
        if children:
            raise InputError("xsl:text refused: it may hold text only", **_where(el, path))
    elif children or text:
        raise InputError(f"xsl:{name} refused: it may have no content, only a @select or @use "
                         "expression", **_where(el, path))


# ISO/IEC 19757-3:2020's elements and the attributes each requires.
_REQUIRED = {
    "schema": (), "title": (), "ns": ("prefix", "uri"), "p": (), "let": ("name",),
    "phase": ("id",), "active": ("pattern",), "pattern": (), "group": (), "rule": (),
    "rules": (), "assert": ("test",), "report": ("test",), "extends": (), "include": ("href",),
    "param": ("name",), "diagnostics": (), "diagnostic": ("id",), "properties": (),
    "property": ("id",), "name": (), "value-of": ("select",), "emph": (), "dir": (),
    "span": (), "library": (),
}


def _extends_itself(rule: etree._Element, root: etree._Element) -> bool:
    """Does an abstract rule reach itself by following sch:extends/@rule?"""
    def bases(r: etree._Element) -> list[etree._Element]:
        names = {e.get("rule") for e in r.findall(_sch("extends"))}
        scope = [*r.getparent().findall(_sch("rule")),
                 *(x for rules in root.findall(_sch("rules")) for x in rules.findall(_sch("rule")))]
        return [x for x in scope if x.get("abstract") == "true" and x.get("id") in names]

    seen, todo = set(), bases(rule)
    while todo:
        current = todo.pop()
        if current is rule:
            return True
        if id(current) not in seen:
            seen.add(id(current))
            todo.extend(bases(current))
    return False


def check_structure(tree: etree._ElementTree, path: Path) -> None:
    """Schema errors the standard names, reported before any compiling."""
    root = tree.getroot()
    for el in root.iter(f"{{{SCH_NS}}}*"):
        if _inside_let_data(el):
            continue
        name = etree.QName(el).localname
        if name not in _REQUIRED:
            raise InputError(f"sch:{name} is not an ISO Schematron element", **_where(el, path))
        for attribute in _REQUIRED[name]:
            if el.get(attribute) is None:
                raise InputError(f"sch:{name} without @{attribute}; ISO Schematron requires it",
                                 **_where(el, path))
        if name == "rule" and el.get("abstract") != "true" and el.get("context") is None:
            raise InputError("sch:rule without @context; ISO Schematron requires it of every rule "
                             "that is not abstract", **_where(el, path))
        if name == "extends" and el.get("rule") is None and el.get("href") is None:
            raise InputError("sch:extends needs @rule or @href (ISO Schematron)", **_where(el, path))
    patterns = {p.get("id") for p in root.iter(_sch("pattern"), _sch("group"))}
    for active in root.iter(_sch("active")):
        if active.get("pattern") not in patterns:
            raise InputError(f"sch:active names the pattern {active.get('pattern')}, which the schema "
                             "does not define (ISO Schematron)", **_where(active, path))
    for kind, container in (("diagnostics", "diagnostic"), ("properties", "property")):
        defined = {d.get("id") for d in root.iter(_sch(container))}
        for finding in root.iter(_sch("assert"), _sch("report")):
            for wanted in (finding.get(kind) or "").split():
                if wanted not in defined:
                    raise InputError(f"@{kind} names {wanted}, which no sch:{container} defines "
                                     "(ISO Schematron)", **_where(finding, path))
    scopes = [root, *root.iter(_sch("phase"), _sch("pattern"), _sch("rule"))]
    for scope in scopes:
        seen: dict[str, etree._Element] = {}
        for let in scope.findall(_sch("let")):
            name = let.get("name", "")
            if name in seen:
                raise InputError(f"variable ${name} is declared twice in the same {etree.QName(scope).localname} "
                                 f"(first on line {seen[name].sourceline}); ISO Schematron: a variable "
                                 "may not be redefined in its scope", **_where(let, path))
            seen[name] = let
    for rule in root.iter(_sch("rule")):
        for extends in rule.findall(_sch("extends")):
            wanted = extends.get("rule")
            if wanted is None:
                continue
            pattern = rule.getparent()
            local = [r for r in pattern.findall(_sch("rule"))
                     if r.get("abstract") == "true" and r.get("id") == wanted]
            shared = [r for rules in root.findall(_sch("rules")) for r in rules.findall(_sch("rule"))
                      if r.get("id") == wanted]
            if local or shared:
                continue
            elsewhere = [r for r in root.iter(_sch("rule")) if r.get("id") == wanted]
            if elsewhere and elsewhere[0].get("abstract") != "true":
                why = f"rule {wanted} is not abstract; ISO Schematron: extends names an abstract rule"
            elif elsewhere:
                why = (f"the abstract rule {wanted} belongs to another pattern (line "
                       f"{elsewhere[0].sourceline}); ISO Schematron: a rule extends only abstract "
                       "rules of its own pattern (or of the schema's sch:rules)")
            else:
                why = f"no abstract rule {wanted} is defined"
            raise InputError(f"sch:extends rule=\"{wanted}\": {why}", **_where(extends, path))
        if rule.get("abstract") == "true" and _extends_itself(rule, root):
            raise InputError(f"abstract rule {rule.get('id')} extends itself (through sch:extends); "
                             "ISO Schematron: extension may not be circular", **_where(rule, path))
        if rule.get("abstract") == "true" and rule.get("context") is not None:
            raise InputError("an abstract rule may not have a context; ISO Schematron",
                             **_where(rule, path))
    patterns = {p.get("id"): p for p in root.iter(_sch("pattern")) if p.get("abstract") == "true"}
    for pattern in root.iter(_sch("pattern")):
        wanted = pattern.get("is-a")
        if wanted is not None and wanted not in patterns:
            raise InputError(f"pattern is-a=\"{wanted}\": no abstract pattern with that id; "
                             "ISO Schematron: is-a names an abstract pattern", **_where(pattern, path))


# ------------------------------------------------------------------ compiling and running

def compile_tree(tree: etree._ElementTree, path: Path, *, phase: str = "#DEFAULT") -> CompiledSchematron:
    """Compile a Schematron tree (uncached; ``compiled`` is the cached entry point)."""
    annotated = etree.fromstring(etree.tostring(tree))
    for original, copy in zip(tree.getroot().iter(), annotated.iter()):
        if isinstance(copy.tag, str) and original.sourceline:
            copy.set(LINE_ATTR, str(original.sourceline))
    reply = _worker.call({"op": "compile", "schema": etree.tostring(annotated, encoding="unicode"),
                          "phase": phase})
    if "error" in reply:
        file, _, line = (reply.get("at") or "").partition("#")
        raise InputError(f"cannot compile the Schematron schema: {_TE_CODE.sub('', reply['error'])}",
                         path=file or str(path), line=int(line) if line else None) from None
    return CompiledSchematron(path, phase, reply["xslt"], reply["key"], reply["documents"],
                              _worker.generation)


_TE_CODE = re.compile(r"\bTE\d{4}\b:?\s*")


def svrl(schema: CompiledSchematron, tree: etree._ElementTree, path: str | None = None,
         trees: dict | None = None) -> etree._Element:
    """Run the compiled schema on a document; the SVRL report as an lxml element.
    ``path`` is the document's file (for subordinate documents named by @documents,
    which land in ``trees`` by URI)."""
    text = etree.tostring(tree.getroot(), encoding="unicode")
    uri = Path(path).resolve().as_uri() if path and not path.startswith("<") else None
    request = {"op": "run", "key": schema.key, "document": text, "subordinate": None, "uri": uri}
    if schema.documents:
        request["subordinate"] = _subordinate(schema, text, path, trees)
    reply = _worker.call(request)
    if "error" in reply:
        raise TransformError(f"a rule of {schema.path.name} failed: {reply['error'].removeprefix('rule: ')}")
    return parse_bytes(reply["svrl"].encode("utf-8"), path="<svrl>", huge=True).getroot()


def _subordinate(schema: CompiledSchematron, text: str, path: str | None,
                 trees: dict | None = None) -> str:
    """The documents the active patterns' @documents name, checked, parsed by our safe
    parser and wrapped for the stylesheet: ``<te:documents><te:document pattern= uri=>``.
    ``trees`` receives each parsed document by URI (to locate findings in it)."""
    reply = _worker.call({"op": "documents", "key": schema.key, "document": text})
    if "error" in reply:
        raise TransformError(f"a pattern's @documents of {schema.path.name} failed: {reply['error']}")
    base = Path(path).resolve().parent if path else None
    allowed = [schema.path.parent] + ([base] if base else [])
    wrapper = etree.Element(f"{{{TE_NS}}}documents", nsmap={"te": TE_NS})
    for pattern, uri in reply["uris"]:
        target = _local_document(uri, base, allowed, schema.path)
        entry = etree.SubElement(wrapper, f"{{{TE_NS}}}document", pattern=pattern, uri=target.as_uri())
        tree = parse_file(target)
        if trees is not None:
            trees[target.as_uri()] = tree
        entry.append(etree.fromstring(etree.tostring(tree.getroot())))
    return etree.tostring(wrapper, encoding="unicode")


def _local_document(uri: str, base: Path | None, allowed: list[Path], schema: Path) -> Path:
    if SCHEME.match(uri) and not uri.startswith("file:"):
        raise TransformError(f"{schema.name}: a pattern names the document {uri}, which is "
                             "unavailable offline (tei-edition never fetches documents)")
    local = uri[5:] if uri.startswith("file:") else uri
    if uri.startswith("file:"):
        local = "/" + local.lstrip("/")
    target = ((base or schema.parent) / local).resolve()
    if not any(target.is_relative_to(folder) for folder in allowed):
        raise TransformError(f"{schema.name}: a pattern names the document {uri}, outside the "
                             "schema's and the document's folders; refused")
    return target


def check(schema: CompiledSchematron, tree: etree._ElementTree, path: str) -> list[Diagnostic]:
    """Every failed assert and successful report as a diagnostic on ``path``."""
    return run(schema, tree, path)[1]


def run(schema: CompiledSchematron, tree: etree._ElementTree,
        path: str) -> tuple[etree._Element | None, list[Diagnostic]]:
    """The SVRL report (None when a rule failed to run) and its findings as diagnostics."""
    trees: dict = {}
    try:
        report = svrl(schema, tree, path, trees)
    except (TransformError, InputError) as exc:
        return None, [Diagnostic(path, 1, 1, "error", "sch", exc.message, None)]
    return report, diagnostics(report, tree, path, trees)


def diagnostics(report: etree._Element, tree: etree._ElementTree, path: str,
                subordinate: dict | None = None) -> list[Diagnostic]:
    """The findings of an SVRL report; the rule named is the assert's id, else its
    rule's, else its pattern's."""
    found = []
    main = Path(path).resolve().as_uri() if path and not path.startswith("<") else None
    pattern = rule = document = rule_role = rule_flag = None
    for item in report:
        name = etree.QName(item).localname
        if name == "active-pattern":
            pattern, rule = item.get("id"), None
        elif name == "fired-rule":
            rule, document = item.get("id"), item.get("document")
            rule_role, rule_flag = item.get("role"), item.get("flag")
        if name not in ("failed-assert", "successful-report"):
            continue
        elsewhere = document is not None and document != main
        where = _from_uri(document) if elsewhere else path
        source = (subordinate or {}).get(document) if elsewhere else tree
        line, column = locate(source, item.get("location", ""), where) if source is not None else (1, 1)
        role = item.get("role") or rule_role
        found.append(Diagnostic(where, line, column, _severity(role), "sch", _message(item),
                                item.get("id") or rule or pattern, role=role, flag=item.get("flag") or rule_flag,
                                properties=tuple(_properties(item)), location=item.get("location")))
    return found


def merge_svrl(outputs: list[etree._Element]) -> etree._Element:
    """One ``svrl:schematron-output`` from the reports of several schemas on a document:
    the first one's attributes, then every text, every prefix binding, every pattern."""
    if len(outputs) == 1:
        return outputs[0]
    merged = etree.Element(outputs[0].tag, dict(outputs[0].attrib), nsmap={"svrl": SVRL_NS})
    order = {"text": 0, "ns-prefix-in-attribute-values": 1}
    children = [c for output in outputs for c in output if isinstance(c.tag, str)]
    bound = set()
    for child in sorted(children, key=lambda c: order.get(etree.QName(c).localname, 2)):
        binding = (child.get("prefix"), child.get("uri"))
        if etree.QName(child).localname == "ns-prefix-in-attribute-values":
            if binding in bound:
                continue
            bound.add(binding)
        merged.append(child)
    return merged


def _properties(item: etree._Element):
    for ref in item.iter(f"{{{SVRL_NS}}}property-reference"):
        entry = {"property": ref.get("property"), "role": ref.get("role"), "scheme": ref.get("scheme"),
                 "text": " ".join("".join(ref.itertext()).split())}
        yield {k: v for k, v in entry.items() if v is not None}


def _from_uri(uri: str) -> str:
    from urllib.parse import unquote, urlparse

    return unquote(urlparse(uri).path) if uri.startswith("file:") else uri


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


def locate(tree: etree._ElementTree, location: str, path: str | None = None) -> tuple[int, int]:
    """Line and column (both from 1) of the node an SVRL ``location`` names: the start
    tag of its element, or the attribute's name inside it. lxml gives the line; the
    column is found by reading the source from that line (column 1 when it cannot be
    read, e.g. a tree built in memory)."""
    element = node_at(tree, location)
    if element is None or not element.sourceline:
        return 1, 1
    line = element.sourceline
    lines = _source_lines(path, tree.docinfo.encoding) if path else None
    if not lines or line > len(lines):
        return line, 1
    # the k-th start tag of this name on its line (others may start there too)
    same = [e for e in tree.getroot().iter(element.tag) if e.sourceline == line]
    name = f"{element.prefix}:{etree.QName(element).localname}" if element.prefix else etree.QName(element).localname
    tag = re.compile(rf"<{re.escape(name)}(?=[\s/>]|$)")
    starts = [m.start() for m in tag.finditer(lines[line - 1])]
    k = same.index(element) if element in same else 0
    if k < len(starts):
        column = starts[k]
    else:  # libxml2 counts the line where a long start tag ends: look above
        for above in range(line - 1, max(line - 50, 0), -1):
            found = list(tag.finditer(lines[above - 1]))
            if found:
                line, column = above, found[-1].start()
                break
        else:
            return line, 1
    attribute = location.rpartition("/@")[2] if "/@" in location else None
    if attribute:
        local = attribute.rpartition("}")[2]
        for offset, text in enumerate(lines[line - 1:line + 50]):
            begin = column if offset == 0 else 0
            end = text.find(">", begin)
            found = re.search(rf"(?<![\w.:-])(?:[\w.-]+:)?{re.escape(local)}\s*=", text[begin:end if end >= 0 else None])
            if found:
                return line + offset, begin + found.start() + 1
            if end >= 0:
                break
    return line, column + 1


_lines_cache: dict[tuple, list[str]] = {}


def _source_lines(path: str, encoding: str | None) -> list[str] | None:
    """The document's text, line by line (the last few documents are kept)."""
    try:
        stamp = os.stat(path).st_mtime_ns
        key = (path, stamp)
        if key not in _lines_cache:
            if len(_lines_cache) > 8:
                _lines_cache.clear()
            data = Path(path).read_bytes()
            _lines_cache[key] = data.decode(encoding or "utf-8", errors="replace").split("\n")
        return _lines_cache[key]
    except (OSError, LookupError):
        return None


# ------------------------------------------------------------------ the sandboxed worker

def _send(stream, message: dict) -> None:
    data = json.dumps(message).encode("utf-8")
    stream.write(struct.pack(">Q", len(data)) + data)
    stream.flush()


def _receive(stream) -> dict | None:
    head = stream.read(8)
    if len(head) < 8:
        return None
    (size,) = struct.unpack(">Q", head)
    data = stream.read(size)
    if len(data) < size:
        return None
    return json.loads(data.decode("utf-8"))


class _Worker:
    """One child process runs every Schematron stylesheet of this process.

    Its environment holds no variable of ours (HOME and TMPDIR point to a private empty
    folder, removed when we exit, and by the worker itself when its input ends: the
    parent may have been killed), so nothing a rule asks of ``environment-variable()``
    can leak. It is started on first use and stops when its input closes.
    """

    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.home: str | None = None
        self.generation = 0
        self.pid = os.getpid()
        self.lock = threading.Lock()

    def start(self) -> None:
        with self.lock:
            self._ensure()

    def _ensure(self) -> None:
        if self.pid != os.getpid():  # a forked child: the parent's worker is not ours
            self.process, self.home, self.pid = None, None, os.getpid()
        if self.process is None or self.process.poll() is not None:
            self._start()

    def call(self, request: dict) -> dict:
        with self.lock:
            self._ensure()
            limit = time_limit()
            try:
                _send(self.process.stdin, request)
                ready, _, _ = select.select([self.process.stdout], [], [], limit)
                reply = _receive(self.process.stdout) if ready else False
            except (BrokenPipeError, OSError):
                reply = None
            if reply is False:
                self._stop(kill=True)
                raise TransformError(f"the Schematron rules ran over the time limit of {limit:g} s "
                                     f"(set {TIME_LIMIT_VARIABLE}=SECONDS to lift it)")
            if reply is None:
                self._stop()
                raise TransformError("the Schematron worker process stopped (out of memory?)")
            return reply

    def _start(self) -> None:
        self.home = tempfile.mkdtemp(prefix=_HOME_PREFIX)
        env = {"HOME": self.home, "TMPDIR": self.home, "PATH": os.defpath,
               "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        bootstrap = ("import sys, json; sys.path[:0] = json.loads(sys.argv[1]); "
                     "from tei_edition.validation.schematron import worker_main; "
                     "worker_main(int(sys.argv[2]))")
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-c", bootstrap, json.dumps([p for p in sys.path if p]),
             str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, cwd=self.home)
        self.generation += 1
        if self.generation == 1:
            atexit.register(self.stop)

    def stop(self) -> None:
        with self.lock:
            self._stop()

    def _stop(self, *, kill: bool = False) -> None:
        if self.process is not None:
            try:
                if kill:
                    self.process.kill()
                self.process.stdin.close()
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
            self.process = None
        if self.home:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None


_worker = _Worker()
# The worker's private HOME; the worker removes it itself when its input ends.
_HOME_PREFIX = "tei-edition-schematron-"

# One request (compiling a schema, or running it on one document) may take this long.
TIME_LIMIT_VARIABLE = "TEI_EDITION_SCHEMATRON_SECONDS"
_DEFAULT_TIME_LIMIT = 600.0


def time_limit() -> float:
    try:
        value = float(os.environ.get(TIME_LIMIT_VARIABLE, _DEFAULT_TIME_LIMIT))
    except ValueError:
        return _DEFAULT_TIME_LIMIT
    return value if value > 0 else _DEFAULT_TIME_LIMIT


def worker_main(parent: int | None = None) -> None:
    """The child's loop: requests on stdin, replies on a private copy of stdout (fd 1
    itself goes to /dev/null, so nothing Saxon prints can corrupt the replies).
    ``parent``: the process that started it, whose death ends it."""
    try:
        _serve_requests(parent)
    finally:  # the parent may be gone (killed, or ended by a signal): leave nothing behind
        home = Path(os.environ.get("HOME", ""))
        if home.name.startswith(_HOME_PREFIX):
            shutil.rmtree(home, ignore_errors=True)


def _serve_requests(parent: int | None) -> None:
    replies = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    _die_with_parent(os.getppid() if parent is None else parent)
    requests = sys.stdin.buffer
    stylesheets: dict[int, tuple] = {}
    from tei_edition.publish import transform

    transform.compiled(COMPILER)  # before the first request arrives
    while True:
        request = _receive(requests)
        if request is None:  # the parent has gone (or is done): leave no folder behind
            _remove_home()
            return
        try:
            reply = _serve(request, stylesheets)
        except TeiEditionError as exc:
            reply = {"error": exc.message}
        except Exception as exc:  # a bug: report it rather than leave the parent waiting
            reply = {"error": f"internal error: {type(exc).__name__}: {exc}"}
        try:
            _send(replies, reply)
        except OSError:  # nobody reads any more
            _remove_home()
            return


_SAXON_AT = re.compile(r"on line (\d+)")
_SAXON_CODE = re.compile(r"^\s+(?:\S+:)?([A-Z]{2,}[A-Z0-9]*\d+)\s+(.*)$", re.M)


def _compile_error(text: str, xslt: str) -> dict:
    """Saxon's compile error on the generated stylesheet, told in the schema's terms:
    its code and description, and the schema line (te:at) of the failing instruction."""
    code = _SAXON_CODE.search(text)
    message = f"{code.group(1)}: {code.group(2).strip()}" if code else text.strip().splitlines()[0]
    reply = {"error": f"a rule does not compile: {message}"}
    at = _SAXON_AT.search(text)
    if at:
        line = int(at.group(1))
        generated = etree.fromstring(xslt.encode("utf-8"))
        candidates = [e for e in generated.iter(etree.Element) if e.sourceline and e.sourceline <= line]
        for element in reversed(candidates):
            source = next((a.get(f"{{{TE_NS}}}at") for a in (element, *element.iterancestors())
                           if a.get(f"{{{TE_NS}}}at")), None)
            if source:
                reply["at"] = source
                break
    return reply


def _die_with_parent(parent: int) -> None:
    """The worker ends with its parent, removing its HOME first: when its requests end
    (the parent exited or was killed: the pipe closes), when its reply finds no reader,
    on SIGTERM (a signal to the whole process group), and while it evaluates a rule,
    as soon as its parent is gone (``terminate.guard``)."""
    import signal

    from tei_edition.terminate import guard

    def leave(*_):
        _remove_home()
        os._exit(0)

    signal.signal(signal.SIGTERM, leave)
    guard(parent, leave)


def _remove_home() -> None:
    home = os.environ.get("HOME", "")
    if Path(home).name.startswith("tei-edition-schematron-"):
        shutil.rmtree(home, ignore_errors=True)


def _serve(request: dict, stylesheets: dict) -> dict:
    from tei_edition.publish import transform

    op = request["op"]
    if op == "compile":
        xslt = request.get("xslt")  # a stylesheet generated earlier (or by a test)
        if xslt is None:
            schema = parse_bytes(request["schema"].encode("utf-8"), path="<schema>", huge=True)
            xslt = transform.run(COMPILER, schema, {"phase": request["phase"]}).output
        proc = transform.sandboxed_processor(latched=True)
        with transform.captured_stderr():
            try:
                executable = proc.new_xslt30_processor().compile_stylesheet(stylesheet_text=xslt)
            except Exception as exc:  # saxonche's PySaxonApiError: name the schema's line
                return _compile_error(str(exc), xslt)
        executable.set_capture_result_documents(True)
        key = len(stylesheets) + 1
        stylesheets[key] = (proc, executable)
        documents = etree.fromstring(xslt.encode("utf-8")).get(f"{{{TE_NS}}}documents") == "yes"
        return {"xslt": xslt, "key": key, "documents": documents}
    proc, executable = stylesheets[request["key"]]
    node = transform.parse_text(proc, request["document"], "cannot hand the document to Saxon")
    executable.clear_parameters()
    executable.set_global_context_item(xdm_item=node)
    if request.get("uri"):
        executable.set_parameter(f"{{{TE_NS}}}uri", proc.make_string_value(request["uri"]))
    if op == "documents":
        text = transform.call_saxon(
            lambda: executable.call_template_returning_string(f"{{{TE_NS}}}documents"),
            "evaluating @documents")
        root = etree.fromstring(text.encode("utf-8")) if text else None
        uris = [[d.get("pattern"), d.text or ""] for d in (root if root is not None else [])]
        return {"uris": uris}
    if request.get("subordinate"):
        subordinate = transform.parse_text(proc, request["subordinate"],
                                           "cannot hand the subordinate documents to Saxon")
        executable.set_parameter(f"{{{TE_NS}}}documents", subordinate)
    try:
        output = transform.call_saxon(lambda: executable.transform_to_string(xdm_node=node), "rule")
    finally:
        executable.get_result_documents()  # captured, never written: dropped
    return {"svrl": output or ""}
