"""The one safe way to read XML, used by every command.

The parser never touches the network, never loads a DTD, never resolves external
entities (internal ones are expanded, with libxml2's amplification guard against
"billion laughs" and quadratic blow-up), keeps line numbers, and turns every failure
into our own ``XmlSyntaxError`` (file, line, column) or ``InputError`` (cannot read
at all).

Limits, and how to lift them (``tei-edition --huge --max-bytes 2G COMMAND ...``):
  * ``max_bytes``: a file larger than this is refused before it is read (default
    100 MiB: a tree of that size already takes a few GB of memory to transform);
  * ``huge``: libxml2's safety limits (nesting deeper than 256 levels, text nodes over
    10 MB, ...) are lifted; nesting stays capped at libxml2's hard limit of 2048 levels,
    so that no stylesheet or tree walk can overflow its stack.
  * ``xinclude``: ``xi:include`` is expanded, safely (``tei_edition.xml.xinclude``); off by
    default, when an include stays an element like any other.
Callers pass them explicitly, or leave them ``None`` to use the values in force (set
for a whole command by ``limits()``, which the CLI does from its options).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from lxml import etree

from tei_edition.errors import InputError, XmlSyntaxError
from tei_edition.xml import xinclude as xi
from tei_edition.xml.limits import (DEFAULT_MAX_BYTES, Limits, current_limits,  # noqa: F401
                                    limits, parse_size, set_limits)
from tei_edition.xml.namespaces import TE_NS, TEI_NS, XML_NS  # noqa: F401

NS = {"tei": TEI_NS}

# libxml2's nesting limits: without XML_PARSE_HUGE, and its hard cap with it.
DEPTH_LIMIT = 256
HUGE_DEPTH_LIMIT = 2048


def _human(size: int) -> str:
    for unit, factor in (("GiB", 1024 ** 3), ("MiB", 1024 ** 2), ("KiB", 1024)):
        if size >= factor:
            value = size / factor
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


# What archivists' disks hold besides XML: named, so the message says what it is.
_MAGIC = (
    (b"\x1f\x8b", "gzip-compressed input is not inflated; decompress it first"),
    (b"PK\x03\x04", "a ZIP archive (perhaps a .docx, .odt or .epub), not an XML file; "
                    "export or unpack the XML first"),
    (b"BZh", "bzip2-compressed input is not inflated; decompress it first"),
    (b"\xfd7zXZ\x00", "xz-compressed input is not inflated; decompress it first"),
    (b"(\xb5/\xfd", "zstd-compressed input is not inflated; decompress it first"),
    (b"%PDF", "a PDF file, not an XML file"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file (.doc), not an XML file"),
    (b"{\\rtf", "an RTF file, not an XML file"),
)


class _NothingOutside(etree.Resolver):
    """Every external resource the parser asks for (an external DTD subset, which
    libxml2 reads even with ``load_dtd=False`` when entities are substituted) is
    empty: no file is opened and no connection made on a document's behalf."""

    def resolve(self, url, pubid, context):
        return self.resolve_string("", context)


def make_parser(*, huge: bool = False) -> etree.XMLParser:
    """A fresh parser (lxml parsers are not thread-safe, so none is shared globally)."""
    parser = etree.XMLParser(
        resolve_entities="internal",
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=huge,
        remove_blank_text=False,
        collect_ids=False,
    )
    parser.resolvers.add(_NothingOutside())
    return parser


def read_bytes(path: str | os.PathLike, *, max_bytes: int | None = None) -> bytes:
    """Read a file named by the user, refusing what the parser must not see.

    Never reads more than ``max_bytes`` + 1 bytes, even from a device or a pipe.
    """
    if max_bytes is None:
        max_bytes = current_limits().max_bytes
    p = Path(path)
    try:
        info = p.stat()
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a folder, not an XML file", path=str(path))
        if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) or stat.S_ISSOCK(info.st_mode):
            raise InputError("is a device, not an XML file", path=str(path))
        if info.st_size > max_bytes:
            raise InputError(_too_big(info.st_size, max_bytes), path=str(path))
        with open(p, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    except PermissionError:
        raise InputError("permission denied", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder, not an XML file", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    if len(data) > max_bytes:  # it grew, or it is a pipe
        raise InputError(_too_big(None, max_bytes), path=str(path))
    for magic, message in _MAGIC:
        if data.startswith(magic):
            raise XmlSyntaxError(message, path=str(path), line=1, column=1)
    return data


def _too_big(size: int | None, max_bytes: int) -> str:
    what = f"file is {size:,} bytes" if size is not None else "file is larger than the limit"
    return (f"{what}, over the limit of {max_bytes:,} bytes ({_human(max_bytes)}); "
            f"pass --max-bytes SIZE to lift it (e.g. tei-edition --max-bytes "
            f"{_suggest(size)} ...); a tree needs about ten times the file's size in memory")


def _suggest(size: int | None) -> str:
    if size is None:
        return "2G"
    gib = 1024 ** 3
    return f"{-(-size // gib)}G" if size >= gib else f"{-(-size // (1024 ** 2)) + 1}M"


def parse_bytes(data: bytes, *, path: str = "<input>", huge: bool | None = None) -> etree._ElementTree:
    """Parse bytes into a tree whose elements keep their source line numbers."""
    if huge is None:
        huge = current_limits().huge
    if not data.strip():
        raise XmlSyntaxError("document is empty", path=path, line=1, column=1)
    junk = _binary(data)
    if junk:
        raise XmlSyntaxError(junk, path=path, line=1, column=1)
    parser = make_parser(huge=huge)
    try:
        root = etree.fromstring(data, parser, base_url=path)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (1, 1)
        raise XmlSyntaxError(_clean_message(exc.msg, huge=huge, data=data), path=path,
                             line=max(line or 1, 1), column=max(column or 1, 1)) from None
    except (OSError, ValueError, LookupError, UnicodeError) as exc:  # bad encodings surface as these
        raise XmlSyntaxError(f"cannot decode the document: {_first_line(exc)}", path=path,
                             line=1, column=1) from None
    except RecursionError:
        raise XmlSyntaxError("document nests too deeply to process", path=path,
                             line=1, column=1) from None
    except MemoryError:
        raise XmlSyntaxError("not enough memory to parse the document", path=path,
                             line=1, column=1) from None
    if root is None:
        raise XmlSyntaxError("document has no root element", path=path, line=1, column=1)
    return root.getroottree()


def parse_file(path: str | os.PathLike, *, huge: bool | None = None,
               max_bytes: int | None = None, xinclude: bool | None = None) -> etree._ElementTree:
    """Read and parse a file the user named (expanding its XIncludes when asked to)."""
    tree = parse_bytes(read_bytes(path, max_bytes=max_bytes), path=str(path), huge=huge)
    if xinclude is None:
        xinclude = current_limits().xinclude
    if xinclude and xi.has_includes(tree):
        xi.expand(tree, path, parse=parse_file, read=read_bytes,
                  max_bytes=max_bytes if max_bytes is not None else current_limits().max_bytes)
    return tree


def first_element(path: str | os.PathLike, tag: str, *, chunk: int = 1 << 16) -> etree._Element | None:
    """The first ``tag`` element of a file, whole, read only as far as its end (a file's
    ``teiHeader`` without the text after it), with the safe parser's settings; None if
    there is none or the file cannot be read as XML that far."""
    parser = etree.XMLPullParser(events=("end",), tag=tag, resolve_entities="internal",
                                 no_network=True, load_dtd=False, huge_tree=True, collect_ids=False)
    parser.resolvers.add(_NothingOutside())
    try:
        with open(path, "rb") as stream:
            while data := stream.read(chunk):
                parser.feed(data)
                for _, el in parser.read_events():
                    return el
    except (OSError, etree.XMLSyntaxError):
        pass
    return None


# UTF-16/32 without a byte order mark, per XML 1.0 appendix F ("<" then a letter or "?").
_WIDE = re.compile(rb"\x00\x00\x00<|<\x00\x00\x00|\x00<\x00[^\x00]|<\x00[^\x00]\x00")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _binary(data: bytes) -> str | None:
    """A message for data that is no text at all (NUL bytes outside UTF-16/32)."""
    head = data[:4096]
    if head.startswith(_BOMS[1:]) or _WIDE.match(head):
        return None  # UTF-16 or UTF-32: the parser decodes it
    if b"\x00" in head:
        offset = head.index(b"\x00")
        return (f"binary data, not an XML document (a NUL byte at offset {offset}; "
                "is this the right file?)")
    return None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


_EXTERNAL_SUBSET = re.compile(rb"<!DOCTYPE\s+\S+\s+(?:SYSTEM|PUBLIC)\b")
_DECLARED = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")


def _clean_message(message: str, *, huge: bool = False, data: bytes = b"") -> str:
    """libxml2 messages end with their own ", line L, column C"; we report those apart,
    and say in our words what the safety limits mean and how to lift them."""
    text = (message or "not well-formed").split(", line ")[0].strip()
    if "Excessive depth in document" in text:
        if huge:
            return (f"the document nests deeper than {HUGE_DEPTH_LIMIT} levels, the hard "
                    "limit even with --huge (deep nesting can crash the tools that read it)")
        return (f"the document nests deeper than {DEPTH_LIMIT} levels, the parser's safety "
                f"limit; pass --huge to lift it to {HUGE_DEPTH_LIMIT} "
                "(tei-edition --huge COMMAND ...)")
    if "amplification" in text or "entity reference loop" in text.lower():
        return ("entity expansion refused: the document's entities expand far beyond its "
                "size (a 'billion laughs' or quadratic blow-up); entity amplification "
                f"is limited ({text.rstrip('.')})")
    if "XML_PARSE_HUGE" in text or "huge text node" in text or "huge input lookup" in text:
        if huge:
            return f"{text} (over the parser's limits even with --huge)"
        return f"{text} (the document exceeds the parser's safety limits; pass --huge to lift them)"
    declared = _DECLARED.match(data[:200])
    name = declared.group(1).decode("ascii") if declared else None
    if name and name.upper().replace("-", "").startswith(("UTF16", "UTF32", "UCS")) \
            and b"\x00" not in data[:200]:
        return (f"{text}: the document declares the encoding {name!r} but its bytes are "
                "not in it (correct the declaration, or re-save the file)")
    undefined = re.match(r"Entity '([^']*)' not defined", text)
    if undefined:
        return _undefined_entity(undefined.group(1), text, data)
    if text.startswith("Unsupported encoding"):
        return f"{text} (an encoding this tool cannot read; re-save the file as UTF-8)"
    if "Invalid bytes in character encoding" in text or "not proper UTF-8" in text \
            or "Document labelled UTF-16" in text or "Char 0x" in text:
        if name:
            return (f"{text}: the bytes do not match the declared encoding {name!r} "
                    "(re-save the file in that encoding, or correct the declaration)")
        return (f"{text}: the file is not UTF-8 and declares no encoding "
                "(add <?xml version=\"1.0\" encoding=\"...\"?> or re-save it as UTF-8)")
    return text


def _undefined_entity(name: str, text: str, data: bytes) -> str:
    head = data[:1 << 20]
    external = re.search(rb"<!ENTITY\s+(%\s+)?" + re.escape(name.encode("utf-8", "replace"))
                         + rb"\s+(SYSTEM|PUBLIC)\b", head)
    if external:
        kind = "parameter entity" if external.group(1) else "entity"
        return (f"external {kind} '{name}' is never read (it names a file or URL outside "
                "the document); replace it by its text")
    if _EXTERNAL_SUBSET.search(head):
        return (f"{text} (entities declared in an external DTD are never read; declare it "
                "in the document's internal subset or replace it by the character)")
    from html.entities import name2codepoint

    if name in name2codepoint:
        char = chr(name2codepoint[name])
        return (f"{text}: &{name}; is an HTML entity, not XML; write the character "
                f"{char} or &#{ord(char)}; instead")
    return text


def collect_xml_files(paths: list[str | os.PathLike]) -> list[Path]:
    """Files named directly, plus ``*.xml`` found by recursing into named folders.

    A folder's files come in sorted order so that every run reports the same way.
    """
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found.extend(sorted(q for q in p.rglob("*.xml") if q.is_file()))
        else:
            found.append(p)  # a missing file is reported when it is read
    return found


def linked_folders(paths: list[str | os.PathLike]) -> list[Path]:
    """Symbolic links to folders inside the named folders: ``collect_xml_files`` does not
    follow them (a received collection must not lead the tool outside its folder tree),
    so that callers can say which were left out."""
    linked = []
    for raw in paths:
        if Path(raw).is_dir():
            for folder, names, _ in os.walk(raw):
                linked += [Path(folder, n) for n in sorted(names) if os.path.islink(os.path.join(folder, n))]
    return linked
