"""The collection site's search index: an inverted index in shards by term prefix,
written as scripts (``search/*.js``) that ``xslt/site/assets/site.js`` loads on demand,
so that search works from ``file://`` and loads only the shards of the query's terms.
Terms are folded as entity names are (``entities.namefold``)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import defaultdict

from tei_edition.entities.namefold import fold

_WORD = re.compile(r"\w+")
SHARD_BYTES = 60_000  # a shard larger than this is split by one more character of prefix


def _json(value) -> str:
    """Compact JSON that is safe in a script: a JSON string may hold U+2028/9 (not
    JavaScript line ends since ES2019) and "</", written "<\\/"."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def script_value(name: str, value) -> bytes:
    """A script that sets ``window.<name>`` to ``value``."""
    return f"/* written by tei-edition */\nwindow.{name}={_json(value)};\n".encode("utf-8")


def script_call(function: str, *args) -> bytes:
    """A script that calls ``function`` with ``args`` (loaded on demand by the site)."""
    return f"{function}({','.join(map(_json, args))});\n".encode("utf-8")


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
    positions there (for phrase search), written as one string of numbers (``numbers``:
    base 32, no separators): per posting the document (delta-coded: 0 is the document of
    the posting before), the passage times two, plus one when the term is there more
    than once, then (only then) the count of positions less two, then the positions
    (delta-coded). ``read_postings`` reads them back. Shards start at two
    characters of prefix; a shard over ``SHARD_BYTES`` is split by one more character
    (its own terms shorter than that stay in it). A shard names its terms without its
    prefix (``read_shard`` gives them whole). ``search/shards.js`` lists the shards;
    ``search/d<n>.js`` holds a document's passages (anchor and text) for the snippets of
    the results shown, the anchors without the start they share (``read_passages``).
    Register entries are found through their name forms: a term of a name maps to the
    entry (its label, its page under ``registers/`` without ``.html``, and the documents
    that mention it, delta-coded ``numbers``), so a reader finds a person under any name form the register gives.
    """

    def __init__(self) -> None:
        self.own: dict[int, dict[str, str]] = {}  # document -> its share (document_postings)
        self.groups: dict[int, dict[str, list]] = {}  # document -> its groups (document_groups)
        self.entities: dict[str, list[int]] = defaultdict(list)
        self.entity_rows: list = []
        self.texts: dict[int, list] = {}
        self.text_bytes = 0
        self.bytes = 0
        self.shard_count = 0
        self.shard_files: dict[str, list[str]] = {}  # group -> its shards' files (``files``)

    def add(self, number: int, found) -> None:
        """Index one document's passages (``found``: its ``site.Digest``, or None), the
        documents in ascending order. Its postings are the digest's ``terms`` when it
        has them (made where the document was rendered, kept by an incremental build),
        else made here."""
        passages = found.passages if found else []
        self.texts[number] = passages
        self.text_bytes += sum(len(text.encode("utf-8")) for _, text in passages)
        own = getattr(found, "terms", None)
        own = document_postings(passages) if own is None else own
        groups = getattr(found, "groups", None)
        if groups is None:  # (a digest made elsewhere: its terms in order, its groups)
            own = dict(sorted(own.items()))
            groups = document_groups(own)
        self.own[number], self.groups[number] = own, groups

    def add_entities(self, register: dict, mentions: dict, numbers: dict) -> None:
        for key, entry in register.items():
            found = mentions.get(key)
            if not found:
                continue
            docs = sorted({numbers[m[0]] for m in found})
            row = len(self.entity_rows)
            self.entity_rows.append([entry.label, f"{entry.kind}/{entry.slug}",
                                     _deltas(docs)])
            for term in sorted({t for name in entry.names for t in terms(name)}):
                self.entities[term].append(row)

    def group_keys(self) -> dict[str, str]:
        """Group (a term's first two characters: the shards of one group are split
        apart from the others') -> what its shards are made of: the documents holding
        its terms (number and the signature of their share) and its terms' entity
        rows. The same key, the same shards."""
        holders: dict[str, list[str]] = defaultdict(list)
        for number, groups in self.groups.items():
            for group, (mark, _, _) in groups.items():
                holders[group].append(f"{number}:{mark}")
        rows: dict[str, list] = defaultdict(list)
        for term in sorted(self.entities):
            rows[term[:2]].append([term, [self.entity_rows[r] for r in self.entities[term]]])
        return {group: "\n".join(holders.get(group, ())) + "\n" + _json(rows.get(group, []))
                for group in set(holders) | set(rows)}

    def files(self, groups=None, documents=None, other_prefixes=()) -> dict[str, bytes]:
        """The index's files: the shards of ``groups`` (None: all), the passages of
        ``documents`` (None: all) and the list of shards, which names
        ``other_prefixes`` too (the shards of the other groups, kept)."""
        postings: dict[str, list[str]] = defaultdict(list)
        last: dict[str, int] = {}  # term -> the document of its last posting
        for number, own in self.own.items():
            if groups is None:
                found = own.items()
            else:  # the ranges of the groups wanted among its terms (in order)
                held = [self.groups[number][g] for g in groups if g in self.groups[number]]
                if not held:
                    continue
                items = list(own.items())
                found = [item for _, start, count in held for item in items[start:start + count]]
            for term, part in found:
                step = number - last.get(term, 0)
                last[term] = number
                postings[term].append((LAST[step] if step < 32 else numbers((step,))) + part)
        entities = self.entities if groups is None else \
            {t: rows for t, rows in self.entities.items() if t[:2] in groups}
        shards = _shards(postings, entities)
        files: dict[str, bytes] = {}
        self.shard_files = {}
        for prefix, members in shards.items():
            cut = len(prefix)
            value = {"t": {t[cut:]: "".join(postings[t]) for t in members if t in postings},
                     "e": {t[cut:]: [self.entity_rows[r] for r in entities[t]]
                           for t in members if t in entities}}
            name = f"search/s-{shard_name(prefix)}.js"
            files[name] = script_call("teSearchShard", prefix, value)
            self.shard_files.setdefault(prefix[:2], []).append(name)
        for number, passages in self.texts.items():
            if documents is not None and number not in documents:
                continue
            start = os.path.commonprefix([anchor for anchor, _ in passages]) if passages else ""
            files[f"search/d{number}.js"] = script_call(
                "teSearchText", number, start, [[anchor[len(start):], text] for anchor, text in passages])
        files["search/shards.js"] = script_value("teSearchShards", sorted({*shards, *other_prefixes}))
        self.bytes = sum(len(v) for k, v in files.items())
        self.shard_count = len(shards) + len(set(other_prefixes) - set(shards))
        return files


def shard_prefix(name: str) -> str | None:
    """The prefix of a shard's file (``search/s-*.js``, ``shard_name``), None for
    another file."""
    stem = name.rpartition("/")[2]
    if not (stem.startswith("s-") and stem.endswith(".js")):
        return None
    try:
        return "".join(chr(int(code, 16)) for code in stem[2:-3].split("-"))
    except ValueError:
        return None


def _arguments(script: str) -> list:
    """The arguments of a ``script_call`` script."""
    return json.loads("[" + script[script.index("(") + 1:script.rindex(")")] + "]")


def read_shard(script: str) -> tuple[str, dict]:
    """A shard script (``search/s-*.js``) read back: its prefix and ``{"t": term ->
    postings, "e": term -> entity rows}``, the terms whole."""
    prefix, value = _arguments(script)
    return prefix, {part: {prefix + t: v for t, v in value[part].items()} for part in ("t", "e")}


def read_passages(script: str) -> tuple[int, list[tuple[str, str]]]:
    """A document's passages script (``search/d<n>.js``) read back: its number and its
    (anchor, text) in order, the anchors whole."""
    number, start, passages = _arguments(script)
    return number, [(start + anchor, text) for anchor, text in passages]


def document_postings(passages) -> dict[str, str]:
    """One document's share of the index: for each term, its postings in the document
    without the document's number (which the index puts before them, delta-coded):
    passage times two (plus one, then the count of positions less two, when there are
    several), positions, the postings of its passages one after the other, each after
    the first led by 0 (the same document again)."""
    found: dict[str, list[str]] = {}
    written = _WRITTEN
    for p, (_, text) in enumerate(passages):
        positions: dict[str, list[int] | int] = {}
        for i, term in enumerate(terms(text)):
            where = positions.get(term)
            if where is None:
                positions[term] = i  # (most terms are once in a passage: no list)
            elif where.__class__ is int:
                positions[term] = [where, i]
            else:
                where.append(i)
        once = written[2 * p] if 2 * p < 1024 else _number(2 * p)
        for term, where in positions.items():
            if where.__class__ is int:
                posting = once + (written[where] if where < 1024 else _number(where))
            else:  # (several, then)
                posting = numbers([2 * p + 1, len(where) - 2, where[0],
                                   *[b - a for a, b in zip(where, where[1:])]])
            postings = found.get(term)
            if postings is None:
                found[term] = [posting]
            else:
                postings.append(posting)
    return {term: LAST[0].join(found[term]) for term in sorted(found)}


def document_groups(own: dict[str, str]) -> dict[str, list]:
    """A document's share of the index (``document_postings``, its terms in order) by
    group (a term's first two characters, as shards are split): group -> [signature of
    its terms and postings there, index of its first term, count of its terms]."""
    groups: dict[str, list] = {}
    start, group, digest = 0, None, None
    for i, (term, part) in enumerate(own.items()):
        if term[:2] != group:
            if group is not None:
                groups[group] = [digest.hexdigest(), start, i - start]
            group, start, digest = term[:2], i, hashlib.blake2b(digest_size=10)
        digest.update(f"{term}\t{part}\n".encode("utf-8", "surrogateescape"))
    if group is not None:
        groups[group] = [digest.hexdigest(), start, len(own) - start]
    return groups


# A number is its base-32 digits, most significant first: the last from LAST, the
# others from MORE, so that numbers follow each other with no separator
# (xslt/site/assets/site.js reads them with the same two alphabets).
LAST = "0123456789abcdefghijklmnopqrstuv"
MORE = "ABCDEFGHIJKLMNOPQRSTUVWXYZwxyz_$"


def _number(n: int) -> str:
    digits = LAST[n & 31]
    n >>= 5
    while n:
        digits = MORE[n & 31] + digits
        n >>= 5
    return digits


# the numbers below 1,024 (one or two digits: most deltas and passages), written once
_WRITTEN = [_number(n) for n in range(1024)]


def numbers(values) -> str:
    """Non-negative integers written one after the other (LAST, MORE)."""
    written = _WRITTEN
    return "".join([written[n] if 0 <= n < 1024 else _number(n) for n in values])


def read_numbers(text: str) -> list[int]:
    """The integers ``numbers`` wrote."""
    out, n = [], 0
    for c in text:
        if c in LAST:
            out.append(n * 32 + LAST.index(c))
            n = 0
        else:
            n = n * 32 + MORE.index(c)
    return out


def read_postings(text: str) -> list[tuple[int, int, list[int]]]:
    """(document, passage, word positions) of each posting of a term, as
    ``SearchIndex`` wrote them (``xslt/site/assets/site.js`` reads them the same way)."""
    decoded, number, values, i = [], 0, read_numbers(text), 0
    while i < len(values):
        number += values[i]
        passage, several = divmod(values[i + 1], 2)
        count = values[i + 2] + 2 if several else 1
        i += 3 if several else 2
        where, position = [], 0
        for delta in values[i:i + count]:
            position += delta
            where.append(position)
        i += count
        decoded.append((number, passage, where))
    return decoded


def _deltas(values: list[int]) -> str:
    """Ascending integers, delta-coded (``numbers``)."""
    return numbers(b - a for a, b in zip([0] + values, values))


def read_documents(text: str) -> list[int]:
    """The documents of an entity row (its third field): numbers, delta-coded."""
    found, number = [], 0
    for step in read_numbers(text):
        number += step
        found.append(number)
    return found


def _shards(postings: dict, entities: dict) -> dict[str, list[str]]:
    """Prefix -> terms. Starts from two-character prefixes and splits any shard whose
    postings exceed SHARD_BYTES by one more character, as long as that helps."""
    size = {t: len(t) + sum(len(p) for p in postings.get(t, ())) + 40 * len(entities.get(t, ()))
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
        if not longer:
            continue  # a single term over the limit: it stays whole
        shards[prefix] = [t for t in members if len(t) <= len(prefix)]
        for term in longer:
            shards[term[:len(prefix) + 1]].append(term)
        queue.extend(sorted({t[:len(prefix) + 1] for t in longer}))  # each split again if over
        if not shards[prefix]:
            del shards[prefix]
    return {p: m for p, m in shards.items() if m}
