"""The one safe way to read XML, used by every command.

The parser never touches the network, never loads a DTD, never resolves external
entities (internal ones are expanded, with libxml2's amplification guard against
"billion laughs"), keeps line numbers, and turns every failure into our own
``XmlSyntaxError`` (file, line, column) or ``InputError`` (cannot read at all).
"""

from __future__ import annotations

import os
from pathlib import Path

from lxml import etree

from tei_edition.errors import InputError, XmlSyntaxError

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NS = {"tei": TEI_NS}

# Input larger than this is refused unless the caller lifts the limit (``--huge``).
DEFAULT_MAX_BYTES = 512 * 1024 * 1024

_GZIP_MAGIC = b"\x1f\x8b"


def make_parser(*, huge: bool = False) -> etree.XMLParser:
    """A fresh parser (lxml parsers are not thread-safe, so none is shared globally)."""
    return etree.XMLParser(
        resolve_entities="internal",
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=huge,
        remove_blank_text=False,
        collect_ids=False,
    )


def read_bytes(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read a file named by the user, refusing what the parser must not see."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise InputError("is a folder, not an XML file", path=str(path))
        if size > max_bytes:
            raise InputError(f"file is {size:,} bytes, over the limit of {max_bytes:,}; "
                             "pass --max-bytes to lift it", path=str(path))
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    except PermissionError:
        raise InputError("permission denied", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder, not an XML file", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    if data.startswith(_GZIP_MAGIC):
        raise XmlSyntaxError("gzip-compressed input is not inflated; decompress it first",
                             path=str(path), line=1, column=1)
    return data


def parse_bytes(data: bytes, *, path: str = "<input>", huge: bool = False) -> etree._ElementTree:
    """Parse bytes into a tree whose elements keep their source line numbers."""
    if not data.strip():
        raise XmlSyntaxError("document is empty", path=path, line=1, column=1)
    parser = make_parser(huge=huge)
    try:
        root = etree.fromstring(data, parser, base_url=path)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (1, 1)
        raise XmlSyntaxError(_clean_message(exc.msg), path=path, line=line,
                             column=max(column, 1)) from None
    except (OSError, ValueError, LookupError) as exc:  # bad encodings surface as these
        raise XmlSyntaxError(f"cannot decode the document: {exc}", path=path,
                             line=1, column=1) from None
    except RecursionError:
        raise XmlSyntaxError("document nests too deeply to process", path=path,
                             line=1, column=1) from None
    if root is None:
        raise XmlSyntaxError("document has no root element", path=path, line=1, column=1)
    return root.getroottree()


def parse_file(path: str | os.PathLike, *, huge: bool = False,
               max_bytes: int = DEFAULT_MAX_BYTES) -> etree._ElementTree:
    """Read and parse a file the user named."""
    return parse_bytes(read_bytes(path, max_bytes=max_bytes), path=str(path), huge=huge)


def _clean_message(message: str) -> str:
    """libxml2 messages end with their own ", line L, column C"; we report those apart."""
    text = message.split(", line ")[0].strip()
    if "XML_PARSE_HUGE" in text or "xmlSAX2Characters: huge text node" in text:
        text += " (the document exceeds the parser's safety limits; pass --huge to lift them)"
    return text


def is_tei(tree: etree._ElementTree) -> bool:
    return etree.QName(tree.getroot()).namespace == TEI_NS


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
