"""Untagged mentions: register name forms found in the plain text outside names.

The text searched is what a reader reads in ``<text>``: not the header, ``standOff``
or register lists, and not the text of any name element (tagged already). Text on
either side of a name is kept apart so that a match never straddles one; block
boundaries, line breaks and the readings of a ``choice`` are word breaks.

Positions: lxml knows the line of each element's start tag, not where a text node
begins. So each text piece remembers that line as a lower bound, and a hit is located
in the source itself: the piece's text is matched right after a ``>`` at or after that
line, character by character (entity and character references and CDATA decoded), so
the reported ``line:col`` is exact. If the source cannot be matched (an internal
entity of the DTD subset), the element's line is reported without a column.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from html.entities import name2codepoint

from lxml import etree

from tei_edition.publish.anchors import BLOCKS
from tei_edition.entities.namefold import FoldedText, compile_forms, fold, is_acronym
from tei_edition.xml.parse import TEI_NS, read_bytes

_T = f"{{{TEI_NS}}}"
_BREAKS = frozenset({f"{_T}{n}" for n in BLOCKS | {"lb", "pb", "cb", "div", "list", "table", "row",
                                                    "sic", "corr", "orig", "reg", "abbr", "expan",
                                                    "lem", "rdg", "app", "figure", "figDesc"}})
_SEPARATOR = "\x00"  # stands for a tagged name: not a word character, not a space


@dataclass
class Piece:
    start: int  # offset in the flow's text
    line: int  # the line of the owning element's start tag: a lower bound
    text: str


@dataclass
class TextFlow:
    path: str
    text: str = ""
    pieces: list[Piece] = field(default_factory=list)


def text_flow(root: etree._Element, path: str, skip_tags) -> TextFlow:
    """The document's reading text outside names and registers, with piece positions."""
    skip = frozenset(skip_tags)
    parts: list[str] = []
    flow = TextFlow(path)
    length = 0

    def add(text: str | None, line: int) -> None:
        nonlocal length
        if text:
            flow.pieces.append(Piece(length, line or 1, text))
            parts.append(text)
            length += len(text)

    def mark(sep: str) -> None:
        nonlocal length
        parts.append(sep)
        length += len(sep)

    for top in _outermost_texts(root):
        walker = etree.iterwalk(top, events=("start", "end"))
        for event, el in walker:
            tag = el.tag if isinstance(el.tag, str) else None
            if event == "start":
                if tag in skip:
                    mark(_SEPARATOR)
                    walker.skip_subtree()
                elif tag is not None:
                    if tag in _BREAKS and el.get("break") != "no":
                        mark(" ")
                    add(el.text, el.sourceline)
            else:
                if tag in _BREAKS and tag not in skip:
                    mark(" ")
                if el is not top:
                    add(el.tail, el.sourceline)
        mark(_SEPARATOR)
    flow.text = "".join(parts)
    return flow


def _outermost_texts(root: etree._Element):
    texts = [t for t in root.iter(f"{_T}text")
             if not any(a.tag == f"{_T}text" for a in t.iterancestors())]
    if texts:
        return texts
    local = etree.QName(root).localname
    return [] if local in ("TEI", "teiCorpus", "teiHeader") else [root]


@dataclass
class Hit:
    path: str
    line: int
    column: int | None
    form: str  # the text as it stands in the document
    folded: str


class FormMatcher:
    """Every folded name form of a register, matched in one regex pass per document."""

    def __init__(self, forms):
        """``forms``: name forms as written in the register."""
        forms = set(forms)
        self.acronyms = {fold(f) for f in forms if is_acronym(f)}
        self.pattern = compile_forms(fold(f) for f in forms)

    def search(self, flow: TextFlow) -> list[Hit]:
        if self.pattern is None or not flow.text:
            return []
        folded = FoldedText(flow.text)
        hits: list[Hit] = []
        locator = None
        for match in self.pattern.finditer(folded.text):
            start, end = folded.original_span(match.start(), match.end())
            surface = flow.text[start:end]
            key = " ".join(match.group().split())
            if key in self.acronyms and not surface.isupper():
                continue  # "sed" in running Latin is not the SED
            if _starts_a_longer_name(flow.text, end):
                continue  # "North" in "North Korean" is not the North
            locator = locator or _SourceLocator(flow.path)
            line, column = locator.locate(flow, start)
            hits.append(Hit(flow.path, line, column, " ".join(surface.split()), key))
        return hits


# A form followed, on the same line, by a capitalised word is taken as the start of a
# longer name or a name used as an adjective ("North Korean", "South Korean ties"), not
# as a mention of its entry; a form at the end of a phrase is still reported.
_NEXT_WORD = re.compile(r"[^\S\n]+(\w)")


def _starts_a_longer_name(text: str, end: int) -> bool:
    following = _NEXT_WORD.match(text, end)
    return bool(following) and following.group(1).isupper()


_PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


class _SourceLocator:
    """Finds text pieces in the raw source, in document order (a moving cursor)."""

    def __init__(self, path: str):
        self.source = decode_source(read_bytes(path))
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", self.source)]
        self.cursor = 0
        self.starts: list[int] | None = None  # piece offsets of the one flow it serves

    def locate(self, flow: TextFlow, offset: int) -> tuple[int, int | None]:
        if self.starts is None:
            self.starts = [p.start for p in flow.pieces]
        index = bisect_right(self.starts, offset) - 1
        piece = flow.pieces[max(index, 0)]
        within = offset - piece.start
        if self.source is None:
            return piece.line, None
        lower = self.line_starts[min(piece.line, len(self.line_starts)) - 1]
        at = self._find(piece.text, within, max(lower, self.cursor))
        if at is None:
            return piece.line, None
        self.cursor = at
        line = bisect_right(self.line_starts, at)
        return line, at - self.line_starts[line - 1] + 1

    def _find(self, text: str, within: int, start: int, tries: int = 5000) -> int | None:
        """The raw offset of ``text[within]``, for the first ``>`` after which the raw
        source spells ``text`` up to there."""
        gt = self.source.find(">", start)
        while gt >= 0 and tries:
            raw = _match_raw(self.source, gt + 1, text, within)
            if raw is not None:
                return raw
            gt = self.source.find(">", gt + 1)
            tries -= 1
        return None


def decode_source(data: bytes) -> str | None:
    """The source as text, for locating positions (None when it cannot be decoded)."""
    match = re.match(rb"<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)", data)
    for encoding in ((match.group(1).decode("ascii"),) if match else ()) + ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return None


def _match_raw(src: str, i: int, text: str, upto: int) -> int | None:
    """Walk raw XML from ``i`` against parsed ``text``; the raw offset of ``text[upto]``."""
    k, in_cdata = 0, False
    while True:
        if not in_cdata and src.startswith("<![CDATA[", i):
            i, in_cdata = i + 9, True
            continue
        if in_cdata and src.startswith("]]>", i):
            i, in_cdata = i + 3, False
            continue
        if k >= upto:
            return i
        if i >= len(src):
            return None
        c = src[i]
        if c == "&" and not in_cdata:
            semi = src.find(";", i, i + 40)
            value = _reference(src[i + 1:semi]) if semi > 0 else None
            if value is None or not text.startswith(value, k):
                return None
            i, k = semi + 1, k + len(value)
            continue
        if c == "\r":  # XML line-end normalisation: \r\n and \r are read as \n
            i += 2 if src.startswith("\r\n", i) else 1
            c = "\n"
        elif c == "<" and not in_cdata:
            return None
        else:
            i += 1
        if c != text[k]:
            return None
        k += 1


def _reference(name: str) -> str | None:
    if name.startswith("#x"):
        return _char(name[2:], 16)
    if name.startswith("#"):
        return _char(name[1:], 10)
    if name in _PREDEFINED:
        return _PREDEFINED[name]
    return chr(name2codepoint[name]) if name in name2codepoint else None


def _char(digits: str, base: int) -> str | None:
    try:
        return chr(int(digits, base))
    except (ValueError, OverflowError):
        return None
