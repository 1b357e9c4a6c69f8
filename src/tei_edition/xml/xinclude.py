"""Safe XInclude expansion: off by default, on with ``--xinclude``.

libxml2's own XInclude processing would follow any ``href`` (other folders, ``http:``)
and trusts the included files; this one does not. An ``xi:include``:

  * names a file by a relative reference (no scheme, no ``//host``), resolved against
    the including file, that lies inside the top document's own folder tree (links
    are resolved first, so a link cannot lead out);
  * is read by the safe parser (``xmlparse``), under the same limits, so the included
    files get the same protection as the document;
  * may select an element by ``xpointer="id"``, ``element(id)``, ``element(id/2/1)``
    or ``element(/1/2)``; ``parse="text"`` includes the file as text;
  * falls back to its ``xi:fallback`` when the resource is missing or refused, and is
    otherwise an error naming the file, line and column of the ``xi:include``.

Bounds: nesting of includes (``MAX_DEPTH``), number of includes (``MAX_COUNT``), and
total bytes read (the parser's ``max_bytes``). A file that includes itself, directly
or through others, is reported as a cycle.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from tei_edition.errors import InputError, XmlSyntaxError
from tei_edition.xml.uri import SCHEME

XI_NS = "http://www.w3.org/2001/XInclude"
XI_NS_2001_OLD = "http://www.w3.org/2003/XInclude"  # never standardised; seen in the wild
INCLUDE = {f"{{{XI_NS}}}include", f"{{{XI_NS_2001_OLD}}}include"}
FALLBACK = {f"{{{XI_NS}}}fallback", f"{{{XI_NS_2001_OLD}}}fallback"}

MAX_DEPTH = 8
MAX_COUNT = 1000


class _Refused(Exception):
    """A resource that may not or cannot be read: the fallback applies, if any."""


@dataclass
class _Run:
    root_folder: Path
    max_depth: int
    max_count: int
    max_bytes: int
    parse: Callable  # the safe parser's parse_file, passed in (no import cycle)
    read: Callable  # the safe parser's read_bytes
    count: int = 0
    bytes_read: int = 0
    cache: dict[Path, etree._ElementTree] = field(default_factory=dict)


def has_includes(tree: etree._ElementTree) -> bool:
    return any(True for _ in _includes(tree.getroot()))


def expand(tree: etree._ElementTree, source: str | Path, *, parse: Callable, read: Callable,
           max_bytes: int, max_depth: int = MAX_DEPTH,
           max_count: int = MAX_COUNT) -> etree._ElementTree:
    """Replace every ``xi:include`` in ``tree`` (read from ``source``), in place.

    ``parse`` and ``read`` are the safe parser's ``parse_file`` and ``read_bytes``: the
    parser calls this module, so it hands them over instead of being imported back."""
    path = Path(source).resolve()
    run = _Run(path.parent, max_depth, max_count, max_bytes, parse, read)
    run.bytes_read = _size(path)
    root = tree.getroot()
    if root.tag in INCLUDE:
        raise XmlSyntaxError("the root element is an xi:include; include it from a document",
                             path=str(source), line=root.sourceline or 1, column=1)
    _expand_in(root, path, str(source), [(path, None)], run)
    return tree


def _includes(element: etree._Element) -> list:
    """The include elements under ``element``, except those inside another include
    (their fallbacks are expanded only if the fallback is used)."""
    found = []
    for el in element.iter(etree.Element):
        if el.tag not in INCLUDE:
            continue
        nested = False
        for ancestor in el.iterancestors():
            if ancestor is element:
                break
            if ancestor.tag in INCLUDE:
                nested = True
                break
        if not nested:
            found.append(el)
    return found


def _expand_in(element, path: Path, shown: str, stack: list, run: _Run) -> None:
    for include in _includes(element):
        if include.getparent() is None:
            continue
        run.count += 1
        if run.count > run.max_count:
            raise _error(include, shown, f"more than {run.max_count} xi:include elements; "
                                         "refusing to expand further")
        try:
            replacement = _resolve(include, path, shown, stack, run)
        except _Refused as refused:
            fallback = next((c for c in include if c.tag in FALLBACK), None)
            if fallback is None:
                raise _error(include, shown, str(refused)) from None
            replacement = _fallback_content(fallback, path, shown, stack, run)
        _replace(include, replacement)


def _resolve(include, path: Path, shown: str, stack: list, run: _Run) -> list:
    href = (include.get("href") or "").strip()
    parse = (include.get("parse") or "xml").strip()
    pointer = (include.get("xpointer") or "").strip() or None
    if parse not in ("xml", "text"):
        raise _error(include, shown, f"xi:include parse={parse!r} is neither 'xml' nor 'text'")
    if parse == "text" and pointer:
        raise _error(include, shown, "xi:include with parse='text' cannot have an xpointer")
    if not href:
        if pointer is None:
            raise _error(include, shown, "xi:include has neither href nor xpointer")
        target = path  # a pointer into the same document
    else:
        target = _target(include, href, path, shown, run)
    if len(stack) >= run.max_depth + 1:
        raise _error(include, shown, f"xi:include nested more than {run.max_depth} deep")
    key = (target, pointer)
    if key in stack or (target == path and pointer is None):
        chain = " -> ".join(_rel(p, run) + (f"#{x}" if x else "") for p, x in [*stack, key])
        raise _error(include, shown, f"xi:include cycle: {chain}")
    if parse == "text":
        return [_read_text(include, target, shown, run)]
    document = _load(target, run)
    nodes = [document.getroot()] if pointer is None else [_point(include, document, pointer, shown)]
    copies = []
    for node in nodes:
        copied = copy.deepcopy(node)
        _expand_in(copied, target, _rel(target, run), [*stack, key], run)
        copies.append(copied)
    return copies


def _target(include, href: str, path: Path, shown: str, run: _Run) -> Path:
    if SCHEME.match(href) or href.startswith("//"):
        raise _Refused(f"xi:include href {href!r} is not a relative file reference "
                       "(only files beside the document are included; nothing is fetched)")
    relative = unquote(href.split("#", 1)[0].split("?", 1)[0])
    if "\x00" in relative:
        raise _Refused(f"xi:include href {href!r} is not a file name")
    target = (path.parent / relative).resolve()
    if run.root_folder not in target.parents:
        raise _Refused(f"xi:include href {href!r} leads outside the document's folder "
                       f"({run.root_folder}); refusing to read it")
    if not target.is_file():
        raise _Refused(f"xi:include href {href!r}: no such file")
    return target


def _load(target: Path, run: _Run) -> etree._ElementTree:
    _count_bytes(target, run)  # every inclusion counts: repeating a file grows the tree
    if target not in run.cache:
        run.cache[target] = run.parse(target, xinclude=False)
    return run.cache[target]


def _read_text(include, target: Path, shown: str, run: _Run) -> str:
    _count_bytes(target, run)
    encoding = (include.get("encoding") or "utf-8").strip()
    data = run.read(target)
    try:
        text = data.decode(encoding)
    except LookupError:
        raise _error(include, shown, f"xi:include encoding {encoding!r} is unknown") from None
    except UnicodeDecodeError as exc:
        raise _error(include, shown, f"{_rel(target, run)} is not {encoding}: byte "
                                     f"{exc.start} cannot be decoded") from None
    text = text.removeprefix("\ufeff")
    bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", text)
    if bad:
        raise _error(include, shown, f"{_rel(target, run)} holds a character XML forbids "
                                     f"(U+{ord(bad.group()):04X}) at offset {bad.start()}")
    return text


def _count_bytes(target: Path, run: _Run) -> None:
    run.bytes_read += _size(target)
    if run.bytes_read > run.max_bytes:
        raise InputError(f"the document and its xi:include files add up to more than "
                         f"{run.max_bytes:,} bytes; pass --max-bytes SIZE to lift the limit",
                         path=str(target))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


_ELEMENT_SCHEME = re.compile(r"^element\(([^)]*)\)$")
_XPOINTER_ID = re.compile(r"""^xpointer\(\s*id\(\s*['"]([^'"]+)['"]\s*\)\s*\)$""")
_XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


def _point(include, document, pointer: str, shown: str):
    """The element an XPointer selects (shorthand id, element() or xpointer(id('x')))."""
    match = _ELEMENT_SCHEME.match(pointer) or _XPOINTER_ID.match(pointer)
    if match:
        start, *steps = match.group(1).split("/")
    elif re.fullmatch(r"[^\s()/]+", pointer):
        start, steps = pointer, []
    else:
        raise _error(include, shown, f"xi:include xpointer {pointer!r} is not supported "
                                     "(use an id, element(id) or element(/1/2))")
    found = None
    if start:
        found = next((el for el in document.iter(etree.Element)
                      if el.get(_XML_ID) == start or el.get("id") == start), None)
        if found is None:
            raise _Refused(f"xi:include xpointer {pointer!r}: no element has the id {start!r}")
    elif not steps:
        raise _error(include, shown, f"xi:include xpointer {pointer!r} selects nothing")
    for step in steps:
        candidates = ([document.getroot()] if found is None
                      else [k for k in found if isinstance(k.tag, str)])
        try:
            number = int(step)
            found = candidates[number - 1] if number >= 1 else None
        except (ValueError, IndexError):
            found = None
        if found is None:
            raise _Refused(f"xi:include xpointer {pointer!r} selects nothing")
    return found


def _fallback_content(fallback, path: Path, shown: str, stack: list, run: _Run) -> list:
    content = copy.deepcopy(fallback)
    _expand_in(content, path, shown, stack, run)
    return [content.text or "", *list(content)]


def _replace(include, replacement: list) -> None:
    """Put ``replacement`` (strings and elements) where ``include`` stands, keeping the
    text that followed it."""
    parent = include.getparent()
    tail = include.tail or ""
    index = parent.index(include)
    previous = include.getprevious()
    parent.remove(include)
    last = previous
    for item in replacement:
        if isinstance(item, str):
            if not item:
                continue
            if last is None:
                parent.text = (parent.text or "") + item
            else:
                last.tail = (last.tail or "") + item
        else:
            item.tail = None
            parent.insert(index, item)
            index += 1
            last = item
    if tail:
        if last is None:
            parent.text = (parent.text or "") + tail
        else:
            last.tail = (last.tail or "") + tail


def _error(include, shown: str, message: str) -> XmlSyntaxError:
    return XmlSyntaxError(message, path=shown, line=include.sourceline or 1, column=1)


def _rel(path: Path, run: _Run) -> str:
    try:
        return str(path.relative_to(run.root_folder))
    except ValueError:
        return str(path)
