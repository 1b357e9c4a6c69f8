"""Fold names so that spellings match: case, diacritics, apostrophes, Unicode forms.

``fold("Хрущёв") == fold("ХРУЩЕВ")``, ``fold("Kim Il-sung") == fold("Kim Il Sung")``,
``fold("Ch’oe") == fold("Ch'oe")``. Transliterations (Khrushchev, Chruschtschow) are
not guessed: a register lists them as name forms, and folding makes each form match
however it is accented, cased or composed.

The fold of one character: compatibility decomposition (NFKD: ligatures, full-width
forms), combining marks dropped (é → e, ё → е, ŏ → o), case folded, recomposed (NFC:
Hangul syllables come back whole), apostrophe-like marks made ``'`` and hyphens and
dashes made spaces (romanised Korean names are hyphenated or not).

``fold_span`` folds long text and keeps a way back to the original offsets, so that a
match in folded text can be reported at its place in the source.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache

_APOSTROPHES = "'\u2018\u2019\u201b\u02bc\u02bb\u02bd\u02b9\u0060\u00b4\u2032\uff07"
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00ad\ufe63\uff0d"


@lru_cache(maxsize=None)  # bounded by the characters that occur
def fold_char(char: str) -> str:
    """The fold of one character (may be empty, e.g. a lone combining mark, or longer)."""
    if char in _APOSTROPHES:
        return "'"
    if char in _DASHES:
        return " "
    decomposed = unicodedata.normalize("NFKD", char)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.casefold())


class _OneToOne(dict):
    """A ``str.translate`` table built on demand: each character to its one-character
    fold, or to a marker when its fold is not exactly one character long."""

    MARK = "\uffff"

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        value = folded if len(folded) == 1 else self.MARK
        self[code] = value
        return value


_TABLE = _OneToOne()


def fold(text: str) -> str:
    """The folded form of a name or a search term, whitespace collapsed."""
    # (``str.split`` and the regex ``\s`` know the same whitespace; split and join is
    # several times faster than a substitution that replaces every single space)
    return " ".join(fold_characters(text).split())


def fold_characters(text: str) -> str:
    """``fold`` without collapsing whitespace: for what only reads its words (the
    search's terms)."""
    text = unicodedata.normalize("NFC", text)
    folded = text.translate(_TABLE)
    if _OneToOne.MARK in folded:
        folded = "".join(fold_char(c) for c in text)
    return folded


def is_acronym(form: str) -> bool:
    """Short all-capital forms (KWP, SED, CPSU) match only in capitals: "sed" is Latin."""
    letters = [c for c in form if c.isalpha()]
    return 1 < len(letters) <= 6 and all(c.isupper() for c in letters)


class FoldedText:
    """Folded text with the offsets back into the original.

    Most text folds one character to one character, done at C speed by
    ``str.translate``; only the pieces where that fails (ß, ligatures, decomposed
    accents) are folded character by character with an offset table.
    """

    def __init__(self, text: str):
        self.original = text
        quick = text.translate(_TABLE)
        if _OneToOne.MARK not in quick:
            self.text, self._map = quick, None
            return
        parts: list[str] = []
        starts: list[int] = []  # folded offset where each original character begins
        length = 0
        for char in text:
            starts.append(length)
            piece = fold_char(char)
            parts.append(piece)
            length += len(piece)
        self.text = "".join(parts)
        self._map = starts

    def to_original(self, index: int) -> int:
        """The original offset of the character that produced folded ``index``."""
        if self._map is None:
            return index
        return max(bisect_right(self._map, index) - 1, 0)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        if self._map is None:
            return start, end
        return self.to_original(start), self.to_original(max(end - 1, start)) + 1


def form_pattern(folded_form: str) -> str:
    """A regex for a folded form in folded text: any run of whitespace between words."""
    return r"\s+".join(re.escape(word) for word in folded_form.split(" "))


def compile_forms(folded_forms) -> re.Pattern | None:
    """One alternation over many folded forms, longest first, on word boundaries."""
    forms = sorted({f for f in folded_forms if f}, key=lambda f: (-len(f), f))
    if not forms:
        return None
    body = "|".join(form_pattern(f) for f in forms)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")
