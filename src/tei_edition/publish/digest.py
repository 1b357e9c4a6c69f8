"""What the collection site needs of one rendered document (its ``Digest``): its
passages (anchor, text) for the search, and its mentions (collection key, anchor,
snippet) for the registers.

Every rule of the text is the common layer's: the worker that renders a document's
page runs the HTML stylesheet with ``passages`` (``xslt/html/passages.xsl``), which
gives, beside the page, each citable block's anchor and text as the export's search
index reads it (the same templates), marked where each name that names register
entries begins and ends and where each nested block stands. This module only reads
the marks (the names' places, in document order), cuts the snippets' windows (a rule
of the site) and makes the digest's share of the search index."""

from __future__ import annotations

import hashlib
import marshal
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field

from tei_edition.errors import TransformError
from tei_edition.publish import anchors
from tei_edition.publish.search_index import document_groups, document_postings
from tei_edition.xml.parse import TEI_NS

_T = f"{{{TEI_NS}}}"
_SPACES = re.compile(r"\s+")
# A mention's snippet: the name with up to CONTEXT_WORDS words either side (fewer when
# they run past CONTEXT characters), cut at word boundaries: what a reader needs to
# recognise the passage, whose link is beside it (a register lists a hundred thousand
# of them: they were a third of its pages with six words and 40 characters a side).
CONTEXT_WORDS = 4
CONTEXT = 30
# What the HTML stylesheet puts before the passages, after the files (passages.xsl).
PASSAGES = "#passages"


@dataclass
class Digest:
    """What the collection pages need of one rendered document: its passages (anchor,
    text, in reading order) and its mentions (collection key, anchor, snippet)."""

    id: str
    passages: list[tuple[str, str]] = field(default_factory=list)
    mentions: list[tuple[str, str, str]] = field(default_factory=list)
    # its share of the search index (``search_index.document_postings``), None: not made
    terms: dict[str, str] | None = None
    # its share of the index by group of terms (``search_index.document_groups``) and
    # a signature of its mentions of each entry (``mention_marks``), None: not made
    groups: dict[str, list] | None = None
    marks: dict[str, str] | None = None
    # what identifies its content (the engine's name for the digest it kept: a hash of
    # it), None: not known; not compared
    stamp: str | None = field(default=None, compare=False)
    # read from the build folder (``unpack``): its share of the search index as
    # ``SearchIndex.add`` takes it, passages not decoded (which that ``add`` takes
    # over), None: not packed; not compared
    packed: tuple | None = field(default=None, compare=False, repr=False)

    def pack(self) -> tuple:
        """As plain values (the build folder keeps it ``marshal``-led, which reads
        back ten times faster than JSON): id, mentions (keys, anchors and snippets,
        each a list), marks, then its share of the search index as ``SearchIndex.add``
        writes it, each group of terms (group, mark, its lines ``term<TAB>postings``),
        and its passages marshalled with their length in UTF-8 (read back only when its
        search text is made again)."""
        terms, groups = self.terms, self.groups
        if terms is None:
            terms = document_postings(self.passages)
        if groups is None:  # (a digest made elsewhere: its terms in order, its groups)
            terms = dict(sorted(terms.items()))
            groups = document_groups(terms)
        items = list(terms.items())
        blocks = [(group, mark, "".join([f"{term}\t{part}\n" for term, part
                                          in items[first:first + count]]))
                  for group, (mark, first, count) in groups.items()]
        passages = [(str(anchor), str(text)) for anchor, text in self.passages]
        return (self.id, [[str(m[n]) for m in self.mentions] for n in range(3)],
                None if self.marks is None else dict(self.marks), blocks,
                marshal.dumps(passages, 2),
                sum(len(text.encode("utf-8", "surrogatepass")) for _, text in passages))

    @classmethod
    def unpack(cls, values: tuple) -> "Digest":
        """``pack``'s values as a digest: its passages, terms and groups left packed
        (``packed``) for ``SearchIndex.add``."""
        doc_id, (keys, anchors, snippets), marks, blocks, passages, size = values
        # (keys and anchors recur, a collection's digests hold a million mentions: one
        # string each)
        intern = sys.intern
        return cls(doc_id, [], list(zip(map(intern, keys), map(intern, anchors), snippets)),
                   marks=None if marks is None else {intern(k): v for k, v in marks.items()},
                   packed=(blocks, passages, size))


def digest(tree, document) -> Digest:
    """The digest of one document whose names carry ``te:refs`` (the collection keys
    ``entities.resolve`` wrote), made by the HTML stylesheet as a build's worker makes
    it beside the page (``digests``). For a document that is one division of a file of
    many (``document.fragment``, ``tree`` the whole file's), that division's. For
    callers without a page to render (the tests): a build takes the passages from the
    page's own run."""
    from tei_edition.publish import transform
    from tei_edition.publish.formats import html

    root = tree.getroot() if hasattr(tree, "getroot") else tree
    division = division_anchor(root, document)
    params = html.parameters(passages=True, divisions=[division] if division else ())
    strings = transform.run_strings(html.STYLESHEET, root.getroottree(), params,
                                    path=str(getattr(document, "path", "") or "")).strings
    [found] = digests(passages_of(strings)[1], [document.id])
    return found


def division_anchor(root, document) -> str | None:
    """The anchor of the division that is ``document`` in the tree of its whole file
    (``root``), None when the tree is the document alone."""
    [found] = division_anchors(root, [document])
    return found


def division_anchors(root, documents) -> list[str | None]:
    """``division_anchor`` of each of ``documents`` (the file's document divisions
    found once, not once for each)."""
    from tei_edition.collection.classify import document_divisions

    divisions = document_divisions(root)
    return [None if (found := _division(root, document, divisions)) is None
            else anchors.anchor(found) for document in documents]


def passages_of(strings: list[str]) -> tuple[list[str], list[str] | None]:
    """The HTML stylesheet's strings split: its files' (paths, or paths and texts), and
    the passages' records after them (``PASSAGES``), None when there are none."""
    try:
        at = strings.index(PASSAGES)
    except ValueError:
        return strings, None
    return strings[:at], strings[at + 1:]


def digests(records: list[str], ids: list[str]) -> list[Digest]:
    """The digests of a document's parts (the whole text, or each division asked for,
    in order; ``ids``, their documents' ids) from the HTML stylesheet's passages
    (passages.xsl: "d" a part, "r" its own text around its blocks, "p" a block; each
    text marked, with its names' keys)."""
    parts: list[list[tuple]] = []
    values = iter(records)
    try:
        for tag in values:
            if tag == "d":
                parts.append([])
            elif tag == "r" and parts and not parts[-1]:
                parts[-1].append((None, next(values), next(values)))
            elif tag == "p" and parts and parts[-1]:
                parts[-1].append((next(values), next(values), next(values)))
            else:
                raise TransformError(f"the HTML stylesheet's passages hold an unexpected record {tag!r}")
    except StopIteration:
        raise TransformError("the HTML stylesheet's passages end inside a record") from None
    if len(parts) != len(ids):
        raise TransformError(f"the HTML stylesheet gave the passages of {len(parts)} parts, "
                             f"not of {len(ids)}")
    return [_digest(doc_id, blocks) for doc_id, blocks in zip(ids, parts)]


def _digest(doc_id: str, blocks: list[tuple]) -> Digest:
    """One part's digest: ``blocks``, its own text (no anchor), then each block in
    document order (anchor, marked text, keys); the mentions in document order, a
    nested block's where its mark stands in the text around it."""
    read = [_read(text, keys) for _, text, keys in blocks]
    found = Digest(doc_id, [(anchor, text) for (anchor, _, _), (text, _) in zip(blocks[1:], read[1:])
                            if text])
    mentions = found.mentions

    def walk(at: int) -> int:
        """The mentions of block ``at`` and of the blocks in it; the block after them."""
        anchor, (text, marks) = blocks[at][0], read[at]
        after = at + 1
        joined = _snippet_text(text, marks) if anchor is not None and text else None
        for mark in marks:
            if mark is None:  # a nested block
                if after >= len(blocks):
                    raise TransformError("the HTML stylesheet's passages mark more blocks than they hold")
                after = walk(after)
                continue
            keys, start, end = mark
            # a name outside any block (or in a block without text): the name alone
            snippet = text[start:end] if joined is None else _snippet(joined, start, end)
            for key in keys.split():
                mentions.append((key, anchor or "", snippet))
        return after

    if blocks and walk(0) != len(blocks):
        raise TransformError("the HTML stylesheet's passages hold blocks whose place is not marked")
    found.terms = document_postings(found.passages)
    found.groups = document_groups(found.terms)
    found.marks = mention_marks(found.mentions)
    return found


# The marks in a passage's text (search.xsl, mode h:marked-text): a name begins, a name
# ends, a nested block stands here. Its text is whitespace-normalised as XPath's
# normalize-space does (XML's four whitespace characters), as the export's index is.
_NAME, _END, _BLOCK = "\ufdd0", "\ufdd1", "\ufdd2"
_MARKS = re.compile("([\ufdd0-\ufdd2])")
_SPACE_RUN = re.compile("  +")


def _xml_space(text: str) -> str:
    """Each run of XML whitespace in ``text`` one space (as ``[ \t\n\r]+`` would
    make it, seven times faster: most of a passage's spaces are single already, and a
    substitution replaces every one)."""
    if "\n" in text or "\t" in text or "\r" in text:
        text = text.replace("\n", " ").replace("\t", " ").replace("\r", " ")
    return _SPACE_RUN.sub(" ", text) if "  " in text else text


def _read(marked: str, keys: str) -> tuple[str, list]:
    """A marked text's words (its whitespace normalised) and its marks in order: None
    for a nested block, [keys, start, end] for a name (where its words start and end in
    the text; a name without words stands where it is)."""
    marked = _xml_space(marked)  # (the marks are no whitespace)
    if _NAME not in marked and _BLOCK not in marked:
        return marked.strip(" "), []
    names = iter(keys.split("\t") if keys else ())
    words: list[str] = []
    length, space = 0, False
    marks: list = []
    open_: list = []  # names begun, not ended
    waiting: list = []  # names begun before any word of theirs
    try:
        for n, piece in enumerate(_MARKS.split(marked)):
            if n % 2:
                if piece == _NAME:
                    mark = [next(names), None, None]
                    marks.append(mark)
                    open_.append(mark)
                    waiting.append(mark)
                elif piece == _END:
                    mark = open_.pop()
                    if mark[1] is None:
                        waiting.remove(mark)
                        mark[1] = length
                    mark[2] = length
                else:
                    marks.append(None)
            elif piece:
                text = piece.strip(" ")
                if not text:
                    space = True
                    continue
                if length and (space or piece[0] == " "):
                    words.append(" ")
                    length += 1
                for mark in waiting:
                    mark[1] = length
                waiting.clear()
                words.append(text)
                length += len(text)
                space = piece[-1] == " "
    except (StopIteration, IndexError):
        raise TransformError("the HTML stylesheet's passages mark other names than they name") from None
    if open_ or next(names, None) is not None:
        raise TransformError("the HTML stylesheet's passages mark other names than they name")
    return "".join(words), marks


def mention_marks(mentions) -> dict[str, str]:
    """Collection key -> a signature of a document's mentions of it (anchor and
    snippet, in order): what of the document the entry's pages show."""
    by_key: dict[str, list] = defaultdict(list)
    for key, anchor, snippet in mentions:  # (U+0001, U+0002: in no XML text)
        by_key[key].append(f"{anchor}\x01{snippet}")
    blake2b = hashlib.blake2b
    return {key: blake2b("\x02".join(found).encode("utf-8", "surrogateescape"),
                         digest_size=10).hexdigest() for key, found in by_key.items()}


def _division(root, document, divisions: list):
    """The division that is the document, in the tree of its whole file: by the model's
    position among the file's document divisions (``divisions``), else by its xml:id
    (its ``fragment``); None for a tree that is the document alone."""
    position = getattr(document, "position", None)
    if getattr(document, "part", None) == "division" and position:
        if position <= len(divisions):
            return divisions[position - 1]
    fragment = getattr(document, "fragment", None)
    if not fragment:
        return None
    for el in root.iter(f"{_T}div", f"{_T}div1", f"{_T}text"):
        if el.get("{http://www.w3.org/XML/1998/namespace}id") == fragment:
            return el
    return None


_NAME_SPACE = "\x00"  # a space inside a name, for its snippets: never cut there


def _snippet_text(text: str, marks: list) -> str:
    """A passage's text as its names' snippets read it: the spaces inside its names
    ``_NAME_SPACE`` (so that a snippet cut at a space never cuts a name: "… 1811 the
    while" of "Place 1811")."""
    for mark in marks:
        if mark is not None and " " in text[mark[1]:mark[2]]:
            start, end = mark[1], mark[2]
            text = text[:start] + text[start:end].replace(" ", _NAME_SPACE) + text[end:]
    return text


def _snippet(text: str, start: int, end: int) -> str:
    """A name in its passage (the block's ``text``, the name from ``start`` to ``end``):
    the name whole, with up to ``CONTEXT_WORDS`` words either side, cut at word
    boundaries, "…" where the passage goes on. The word the name is part of ("(Zürich"
    or "Escher's") is kept whole. Only what is near the name is read (a long passage
    is not read again for each of its names)."""
    low, high = max(0, start - 4 * CONTEXT), end + 4 * CONTEXT
    left, right = text[low:start].split(" "), text[end:high].split(" ")
    # left[-1], right[0]: what touches the name; a word the window cut is not shown
    left_words = [w for w in left[1 if low else 0:-1] if w]
    right_words = [w for w in right[1:-1 if high < len(text) else None] if w]
    kept_left = _words(left_words[:-CONTEXT_WORDS - 1:-1])[::-1]
    kept_right = _words(right_words)
    middle = (left[-1] + text[start:end] + right[0]).strip(" ")
    if "  " in middle:
        middle = _SPACES.sub(" ", middle)
    shown = " ".join([*kept_left, middle, *kept_right]) if middle else " ".join([*kept_left, *kept_right])
    return (("… " if low or len(kept_left) < len(left_words) else "") + shown + (
        " …" if high < len(text) or len(kept_right) < len(right_words) else "")).replace(_NAME_SPACE, " ")


def _words(words: list[str]) -> list[str]:
    """The first of ``words`` (nearest the name first) a snippet shows: up to
    ``CONTEXT_WORDS`` of them, fewer when they run past ``CONTEXT`` characters (at
    least one, however long)."""
    kept = words[:CONTEXT_WORDS]
    size = sum(map(len, kept)) + len(kept)
    while size > CONTEXT + 1 and len(kept) > 1:
        size -= len(kept.pop()) + 1
    return kept
