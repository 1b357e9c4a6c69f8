"""The collection site's search index: an inverted index in shards by term prefix,
written as scripts (``search/*.js``) that ``xslt/site/assets/site.js`` loads on demand,
so that search works from ``file://`` and loads only the shards of the query's terms.
Terms are folded as entity names are (``entities.namefold``)."""

from __future__ import annotations

import json
import re
from collections import defaultdict

from tei_edition.entities.namefold import fold

_WORD = re.compile(r"\w+")
SHARD_BYTES = 60_000  # a shard larger than this is split by one more character of prefix


def _script(name: str, value) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # a JSON string may hold U+2028/9 (not JavaScript line ends since ES2019) and "</"
    text = text.replace("</", "<\\/")
    return f"/* written by tei-edition */\nwindow.{name}={text};\n".encode("utf-8")



def terms(text: str) -> list[str]:
    """The search terms of a text, folded as entity names are (``namefold.fold``):
    case, diacritics, apostrophes, dashes; ``assets/site.js`` folds queries the same."""
    return _WORD.findall(fold(text))


def shard_name(prefix: str) -> str:
    """A shard's file stem: the prefix's code points in hex (safe on any file system,
    computed the same way by the script)."""
    return "-".join(f"{ord(c):x}" for c in prefix)


class SearchIndex:
    """An inverted index split into shards by term prefix.

    Each term maps to its postings: for each passage holding it, the document's number
    (its row in the catalogue), the passage's number in the document and the term's word
    positions there (for phrase search), written compactly as base-36 text:
    ``doc.passage:pos,pos;...``, documents and positions delta-coded (a posting in the
    same document as the one before it leaves the document out: ``.passage:pos``). Shards start at two
    characters of prefix; a shard over ``SHARD_BYTES`` is split by one more character
    (its own terms shorter than that stay in it). ``search/shards.js`` lists the shards;
    ``search/d<n>.js`` holds a document's passages (anchor and text) for the snippets of
    the results shown. Register entries are found through their name forms: a term of a
    name maps to the entry and the documents that mention it, so a reader finds a
    person under any name form the register gives.
    """

    def __init__(self) -> None:
        self.postings: dict[str, list[str]] = defaultdict(list)
        self.last: dict[str, int] = {}  # term -> the document of its last posting
        self.entities: dict[str, list[int]] = defaultdict(list)
        self.entity_rows: list = []
        self.texts: dict[int, list] = {}
        self.text_bytes = 0
        self.bytes = 0
        self.shard_count = 0

    def add(self, number: int, found) -> None:
        """Index one document's passages (``found``: its ``site.Digest``, or None)."""
        passages = found.passages if found else []
        self.texts[number] = passages
        for p, (anchor, text) in enumerate(passages):
            self.text_bytes += len(text.encode("utf-8"))
            positions: dict[str, list[int]] = defaultdict(list)
            for i, term in enumerate(terms(text)):
                positions[term].append(i)
            for term, where in positions.items():
                deltas = [where[0]] + [b - a for a, b in zip(where, where[1:])]
                step = number - self.last.get(term, 0)
                self.last[term] = number
                self.postings[term].append(  # the same document again: no number
                    f"{_b36(step) if step or len(self.postings[term]) == 0 else ''}.{_b36(p)}:"
                    f"{','.join(map(_b36, deltas))}")

    def add_entities(self, register: dict, mentions: dict, numbers: dict) -> None:
        for key, entry in register.items():
            found = mentions.get(key)
            if not found:
                continue
            docs = sorted({numbers[m[0]] for m in found})
            row = len(self.entity_rows)
            self.entity_rows.append([entry.label, f"registers/{entry.kind}/{entry.slug}.html",
                                     entry.kind, ".".join(map(_b36, docs))])
            for term in sorted({t for name in entry.names for t in terms(name)}):
                self.entities[term].append(row)

    def files(self) -> dict[str, bytes]:
        shards = _shards(self.postings, self.entities)
        files: dict[str, bytes] = {}
        for prefix, members in shards.items():
            value = {"t": {t: ";".join(self.postings[t]) for t in members if t in self.postings},
                     "e": {t: [self.entity_rows[r] for r in self.entities[t]]
                           for t in members if t in self.entities}}
            name = f"search/s-{shard_name(prefix)}.js"
            body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
            files[name] = f"teSearchShard({json.dumps(prefix, ensure_ascii=False)},{body});\n".encode("utf-8")
        for number, passages in self.texts.items():
            body = json.dumps(passages, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
            files[f"search/d{number}.js"] = f"teSearchText({number},{body});\n".encode("utf-8")
        files["search/shards.js"] = _script("teSearchShards", sorted(shards))
        self.bytes = sum(len(v) for k, v in files.items())
        self.shard_count = len(shards)
        return files


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def _shards(postings: dict, entities: dict) -> dict[str, list[str]]:
    """Prefix -> terms. Starts from two-character prefixes and splits any shard whose
    postings exceed SHARD_BYTES by one more character, as long as that helps."""
    size = {t: len(t) + sum(len(p) + 1 for p in postings.get(t, ())) + 40 * len(entities.get(t, ()))
            for t in set(postings) | set(entities)}
    shards: dict[str, list[str]] = defaultdict(list)
    for term in sorted(size):
        shards[term[:2]].append(term)
    queue = sorted(shards)
    while queue:
        prefix = queue.pop()
        members = shards[prefix]
        if sum(size[t] for t in members) <= SHARD_BYTES:
            continue
        longer = [t for t in members if len(t) > len(prefix)]
        if len({t[:len(prefix) + 1] for t in longer}) < 2 and len(longer) == len(members):
            pass  # one longer prefix holds everything: split it further below
        if not longer:
            continue  # a single term over the limit: it stays whole
        shards[prefix] = [t for t in members if len(t) <= len(prefix)]
        for term in longer:
            shards[term[:len(prefix) + 1]].append(term)
        queue.extend(sorted({t[:len(prefix) + 1] for t in longer}))
        if not shards[prefix]:
            del shards[prefix]
    return {p: m for p, m in shards.items() if m}
