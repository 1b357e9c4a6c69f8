"""The collection site's search index: an inverted index in shards by term prefix,
written as scripts (``search/*.js``) that ``xslt/site/assets/search.js`` loads on demand,
so that search works from ``file://`` and loads only the shards of the query's terms.
Terms are folded as entity names are (``entities.namefold``)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import marshal
import os
import re
import shutil
import tempfile
import zlib
from bisect import bisect_left
import weakref
from collections import defaultdict
from operator import itemgetter

from tei_edition.entities.namefold import fold, fold_characters

_WORD = re.compile(r"\w+")
_SERIAL = re.compile(r" \d+ ")  # a holder's serial, between its number and mark (``group_keys``)
SHARD_BYTES = 32_000  # a shard larger than this is split by one more character of prefix
# a term whose postings and entries are more than this is split by document range into
# parts of about this size (``search/p-*.js``), its shard listing where each part starts
PART_BYTES = 6_000
# a document's passages (the snippets' text) are written whole when they are up to this
# size, else cut by passage range into files of about the same size (at most this), each
# compressed (``text_files``): a letter is one file or two, a snippet loads a few KB
TEXT_BYTES = 12_000
# a large term's entity rows (the register entries its name forms give) are written
# apart from its postings, in files of about this size (``search/e-*.js``)
NAMES_BYTES = 5_000


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
    return _WORD.findall(fold_characters(text))  # (its whitespace is no word: left as it is)


def name_terms(names) -> list[str]:
    """The search terms of an entry's name forms, each once, in order: a reader finds
    the entry under any of them."""
    return sorted({t for name in names for t in terms(name)})


def shard_name(prefix: str) -> str:
    """A shard's file stem: the prefix's code points in hex (safe on any file system,
    computed the same way by the script)."""
    return "-".join(f"{ord(c):x}" for c in prefix)


SPILL_BYTES = 8_000_000  # postings held (characters) before they go to the spill files


class _Spill:
    """Text appended under keys (the groups of terms), held until ``limit``
    characters are, then appended to a file per key in ``folder`` (None: all held).
    ``read`` gives a key's text whole, in the order it was appended."""

    def __init__(self, folder: str | None, name: str, limit: int) -> None:
        self.folder, self.name, self.limit = folder, name, limit
        self.held: dict[str, list[str]] = defaultdict(list)
        self.size = 0
        self.written: set[str] = set()

    def _path(self, key: str) -> str:
        return os.path.join(self.folder, f"{self.name}-{shard_name(key)}")

    def add(self, key: str, text: str) -> None:
        self.held[key].append(text)
        self.size += len(text)
        if self.folder is not None and self.size > self.limit:
            self.flush()

    def add_all(self, items) -> None:
        """``add`` of each (key, text), the limit checked once after them."""
        held, size = self.held, 0
        for key, text in items:
            held[key].append(text)
            size += len(text)
        self.size += size
        if self.folder is not None and self.size > self.limit:
            self.flush()

    def flush(self) -> None:
        for key, parts in self.held.items():
            with open(self._path(key), "a", encoding="utf-8", errors="surrogatepass") as file:
                file.write("".join(parts))
            self.written.add(key)
        self.held.clear()
        self.size = 0

    def read(self, key: str) -> str:
        held = "".join(self.held.get(key, ()))
        if key not in self.written:
            return held
        with open(self._path(key), encoding="utf-8", errors="surrogatepass") as file:
            return file.read() + held


class _Blobs:
    """Bytes appended one after the other to a file in ``folder`` (None: held), each
    read back by where it is."""

    def __init__(self, folder: str | None, name: str) -> None:
        self.file = open(os.path.join(folder, name), "w+b") if folder is not None else io.BytesIO()
        self.end = 0

    def add(self, data: bytes) -> tuple[int, int]:
        self.file.seek(self.end)
        self.file.write(data)
        self.end += len(data)
        return self.end - len(data), len(data)

    def read(self, where: tuple[int, int]) -> bytes:
        self.file.seek(where[0])
        return self.file.read(where[1])

    def close(self) -> None:
        self.file.close()


class SearchIndex:
    """An inverted index split into shards by term prefix.

    Each term maps to its postings: for each passage holding it, the document's number
    (its row in the catalogue), the passage's number in the document and the term's word
    positions there (for phrase search), written as one string of numbers (``numbers``:
    no separators): per posting the document (delta-coded: 0 is the document of
    the posting before), the passage times two, plus one when the term is there more
    than once, then (only then) the count of positions less two, then the positions
    (delta-coded). ``read_postings`` reads them back. Shards start at two
    characters of prefix; a shard over ``SHARD_BYTES`` is split by one more character
    (its own terms shorter than that stay in it). A term larger than ``PART_BYTES``
    (a word of every letter) is cut by document range into parts of about that size
    (``search/p-<term>.<n>.js``: its postings in those documents and which of its
    entries each document names; ``_parts``), its entries written apart
    (``search/e-<term>.<n>.js``, in the order of their first documents), its shard
    holding only where each part and each file of entries starts: a search loads the
    parts it needs, and the entries it can find, never a shard or part much over the
    limits. A shard names its terms without its
    prefix. ``search/shards.js`` lists the shards. A document's passages (anchor and
    text), for the snippets of the results shown, are written compressed, in one file
    ``search/d<n>.js`` (a letter), or a long document's cut by passage range into files
    of at most about ``TEXT_BYTES`` before compression, ``search/d<n>.js`` listing
    where each starts (``text_files``): a snippet loads a few KB, never a long
    document's whole text.
    Register entries are found through their name forms: a term of a name maps to the
    entry (its label, its page under ``registers/`` without ``.html``, the documents
    that mention it, delta-coded ``numbers``, and for a correspondent the count of those
    and the letters sent and received, when that is more: the search lists the entries
    with the most documents first), so a reader finds a person under any name form the
    register gives; an entry the site shows that no document mentions (a correspondent)
    has no documents.

    The index is not held while it is built: with ``spill`` (a folder, which the index
    makes a folder of its own in and removes on ``close``), each document's postings
    are appended to a file per group of terms (a term's first two characters; the
    shards of one group are split apart from the others') once ``spill_bytes`` of them
    are held, its passages to one file; the shards are then made group by group, each
    group's read back from its file. Without ``spill`` all that is held, and the
    files are the same.
    """

    def __init__(self, spill: str | os.PathLike | None = None, spill_bytes: int = SPILL_BYTES) -> None:
        self.folder = tempfile.mkdtemp(prefix=".search-", dir=spill) if spill is not None else None
        # (removed with the index, or at exit, if ``close`` is not reached)
        self._finalize = weakref.finalize(self, shutil.rmtree, self.folder, True) \
            if self.folder is not None else None
        self._postings = _Spill(self.folder, "t", spill_bytes)  # group -> its documents' shares
        self._holders = _Spill(self.folder, "h", spill_bytes)  # group -> its documents' marks
        self._blobs = _Blobs(self.folder, "b")  # passages, then shards, as written
        self._latest: dict[int, int] = {}  # document -> the number of its latest ``add``
        self._stale: set[int] = set()  # documents added again or dropped (``state``)
        self._serial = 0
        self.texts: dict[int, tuple[int, int]] = {}  # document -> where its passages' file is
        self._text_bytes: dict[int, int] = {}
        self.entities: dict[str, list[int]] = defaultdict(list)
        self.entity_rows: list = []
        self.entity_documents: list[list[int]] = []  # each row's documents (``_parts``)
        self._rows_by_group: dict[str, str] | None = None  # (``_group_rows``)
        self.bytes = 0
        self.shard_count = 0
        self.shard_files: dict[str, list[str]] = {}  # group -> its shards' files (``files``)

    @property
    def text_bytes(self) -> int:
        return sum(self._text_bytes.values())

    def add(self, number: int, found) -> None:
        """Index one document's passages (``found``: its ``digest.Digest``, or None); a
        document added again replaces what it was. Its postings are the digest's
        ``terms`` when it has them (made where the document was rendered, kept by an
        incremental build), else made here. Nothing of ``found`` is kept."""
        if number in self._latest:
            self._stale.add(number)
        packed = getattr(found, "packed", None)
        if packed is not None:  # (``Digest.unpack``: as written here, taken over)
            found.packed = None
            blocks, kept, size = packed
            self.texts[number] = self._blobs.add(kept)
            self._text_bytes[number] = size
            self._serial += 1
            serial = self._latest[number] = self._serial
            head, tag = f"#{number} {serial}\n", f"{number} {serial} "
            self._postings.add_all([(group, head + lines) for group, _, lines in blocks])
            self._holders.add_all([(group, f"{tag}{mark}\n") for group, mark, _ in blocks])
            return
        passages = found.passages if found else []
        # (its file made only if it is written: kept from an earlier build, it is not)
        try:
            kept = marshal.dumps(passages)
        except ValueError:  # (a string of a kind of its own: as strings)
            kept = marshal.dumps([(str(anchor), str(text)) for anchor, text in passages])
        self.texts[number] = self._blobs.add(kept)
        self._text_bytes[number] = sum(len(text.encode("utf-8")) for _, text in passages)
        own = getattr(found, "terms", None)
        own = document_postings(passages) if own is None else own
        groups = getattr(found, "groups", None)
        if groups is None:  # (a digest made elsewhere: its terms in order, its groups)
            own = dict(sorted(own.items()))
            groups = document_groups(own)
        self._serial += 1
        serial = self._latest[number] = self._serial
        items = list(own.items())
        for group, (mark, first, count) in groups.items():
            self._postings.add(group, f"#{number} {serial}\n" + "".join(
                [f"{term}\t{part}\n" for term, part in items[first:first + count]]))
            self._holders.add(group, f"{number} {serial} {mark}\n")

    def state(self) -> dict:
        """What the documents added so far gave the index, as plain values (for
        ``marshal``): each group's postings and holders, each document's latest ``add``
        (its passages not: ``text_items`` reads them one at a time); a document added
        again is there once. Before ``add_entities``."""
        latest = self._latest
        # (a group's records are read one by one only when a document added again, or
        # dropped, may have left records there that are no longer its latest)
        stale = re.compile("(?m)^(?:%s) " % "|".join(map(str, sorted(self._stale)))) \
            if self._stale else None

        def fresh(number: str, serial: str) -> bool:
            return latest.get(int(number)) == int(serial)

        postings, holders = {}, {}
        for group in sorted(self._holders.written | set(self._holders.held)):
            held, shares = self._holders.read(group), self._postings.read(group)
            if stale is None or not stale.search(held):
                postings[group], holders[group] = shares, held
                continue
            records = shares.split("#")[1:]  # "number serial\nlines"
            postings[group] = "".join(["#" + record for record in records
                                       if fresh(*record.partition("\n")[0].split(" "))])
            lines = held.split("\n")[:-1]  # "number serial mark"
            holders[group] = "".join([line + "\n" for line in lines if fresh(*line.split(" ")[:2])])
        return {"postings": {g: t for g, t in postings.items() if t},
                "holders": {g: t for g, t in holders.items() if t},
                "text_bytes": dict(self._text_bytes), "latest": dict(latest),
                "serial": self._serial}

    def text_items(self):
        """(document number, its passages as kept) of each document, read one at a time."""
        for number, where in list(self.texts.items()):
            yield number, self._blobs.read(where)

    def restore(self, state: dict) -> None:
        """The documents of a ``state`` added again, as they were (into an index to which
        nothing is added yet)."""
        if self._serial or self.texts:
            raise ValueError("an index is restored before anything is added to it")
        self._postings.add_all(state["postings"].items())
        self._holders.add_all(state["holders"].items())
        for number, data in state["texts"].items():
            self.texts[int(number)] = self._blobs.add(data)
        self._text_bytes.update(state["text_bytes"])
        self._latest.update(state["latest"])
        self._serial = int(state["serial"])

    def drop(self, number: int) -> None:
        """A document taken out of the index (restored, and no longer wanted)."""
        if number in self._latest:
            self._latest[number] = 0  # (serials start at 1: none of its postings is read)
            self._stale.add(number)
        self.texts.pop(number, None)
        self._text_bytes.pop(number, None)

    def add_entities(self, register: dict, mentions: dict, numbers: dict,
                     documents: dict | None = None, shown=(), letters: dict | None = None) -> None:
        """Each entry that ``mentions`` (key -> (document id, ...) each) names, and each
        entry of ``shown`` (the keys of those the site has a page for: a correspondent
        whom no text names), found through the terms of its names. ``documents``: key ->
        the ids of the documents that mention it, each once (what is read of
        ``mentions`` then); ``letters``: key -> the ids of the letters a correspondent
        sent and received. An entry's row holds the documents that mention it, and,
        when it is more than their count, the count of those and its letters together
        (the search lists the entries with the most documents first)."""
        shown = set(shown)
        letters = letters or {}
        self._rows_by_group = None
        for key, entry in register.items():
            named = documents.get(key) if documents is not None else \
                [m[0] for m in mentions.get(key) or ()]
            if not named and key not in shown:
                continue
            docs = sorted({numbers[d] for d in named or ()})
            theirs = letters.get(key)  # (a correspondent's letters: most entries have none)
            count = len(set(docs).union(numbers[d] for d in theirs if d in numbers)) if theirs else len(docs)
            row = len(self.entity_rows)
            self.entity_rows.append([entry.label, f"{entry.kind}/{entry.slug}", _deltas(docs)]
                                    + ([count] if count > len(docs) else []))
            self.entity_documents.append(docs)
            found_terms = getattr(entry, "terms", None)
            for term in name_terms(entry.names) if found_terms is None else found_terms:
                self.entities[term].append(row)

    def entity_state(self) -> tuple[list, list, dict, dict]:
        """What ``add_entities`` made, as plain values (for ``marshal``): the rows, each
        row's documents, term -> its rows, and group -> its terms' rows as the group's
        key reads them (``_group_rows``)."""
        return self.entity_rows, self.entity_documents, dict(self.entities), self._group_rows()

    def _group_rows(self) -> dict[str, str]:
        """Group -> its terms' rows (what ``group_keys`` reads of the entities): a line
        each, the term then its rows, each row's fields written once (a row is under
        each term of its names) and joined by a character no text, name or address
        holds. Made once."""
        if self._rows_by_group is None:
            written = ["\x1f".join(map(str, row)) for row in self.entity_rows]
            rows: dict[str, list[str]] = defaultdict(list)
            for term in sorted(self.entities):
                rows[term[:2]].append("\x1e".join([term, *[written[r] for r in self.entities[term]]]))
            self._rows_by_group = {group: "\n".join(lines) for group, lines in rows.items()}
        return self._rows_by_group

    def restore_entities(self, state) -> bool:
        """What ``entity_state`` gave, in place of ``add_entities`` of the same entries
        and documents (into an index with no entities yet); False, and nothing taken,
        when ``state`` is not what it gives (a damaged file)."""
        if self.entity_rows or self.entities:
            raise ValueError("entities are restored before any is added")
        try:
            rows, documents, entities, by_group = state
            if not (type(rows) is list and type(documents) is list and type(entities) is dict
                    and len(rows) == len(documents) and type(by_group) is dict
                    and all(type(g) is str and type(t) is str for g, t in by_group.items())
                    and set(by_group) == {term[:2] for term in entities}):
                return False
            for row, docs in zip(rows, documents):
                if not (type(row) is list and 3 <= len(row) <= 4 and type(row[0]) is str
                        and type(row[1]) is str and type(row[2]) is str
                        and all(type(x) is int for x in row[3:]) and type(docs) is list
                        and all(type(n) is int and n >= 0 for n in docs)):
                    return False
            count = len(rows)
            for term, found in entities.items():
                if not (type(term) is str and type(found) is list and found
                        and all(type(r) is int and 0 <= r < count for r in found)):
                    return False
        except (TypeError, ValueError):
            return False
        self.entity_rows, self.entity_documents = rows, documents
        self.entities = defaultdict(list, entities)
        self._rows_by_group = by_group
        return True

    def _groups(self) -> list[str]:
        """Every group of terms, in order: of the documents' terms and the entities'."""
        return sorted(self._holders.written | set(self._holders.held)
                      | {term[:2] for term in self.entities})

    def group_keys(self):
        """(group, what its shards are made of) for each group of terms: the
        documents holding its terms (number and the signature of their share) and
        its terms' entity rows. The same key, the same shards."""
        rows = self._group_rows()
        # the records of a document added again, or dropped, that are not its latest
        # (its serial now: 0 when dropped) left out, and each holder's serial, in C
        # (a rebuild keys each group of a thousand holders each)
        stale = re.compile("(?m)^(?:%s)\\d+ [^\n]*\n" % "|".join(
            f"{number} (?!{self._latest.get(number, 0)} )" for number in sorted(self._stale))) \
            if self._stale else None
        for group in self._groups():
            held = self._holders.read(group)
            if stale is not None:
                held = stale.sub("", held)
            holders = _SERIAL.sub(":", held).split("\n")[:-1]
            if not holders and group not in rows:
                continue  # (held only by documents added again since, without it)
            holders.sort()  # (in the order of their text: the same holders, the same key)
            yield group, "\n".join(holders) + "\n\n" + rows.get(group, "")

    def _group_postings(self, group: str) -> dict[str, list[tuple[int, str]]]:
        """Term -> its postings, of the terms of ``group``, read from its spill: per
        document holding it, in order, its number and its share (``_joined``)."""
        shares = []
        for record in self._postings.read(group).split("#")[1:]:
            head, _, lines = record.partition("\n")
            number, serial = map(int, head.split(" "))
            if self._latest[number] == serial:
                shares.append((number, lines))
        shares.sort(key=lambda share: share[0])
        postings: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for number, lines in shares:
            for line in lines.split("\n")[:-1]:
                term, _, part = line.partition("\t")
                postings[term].append((number, part))
        return postings

    def _parts(self, shares: list[tuple[int, str]], rows: list[int]) -> tuple[list, list, list]:
        """A large term's postings (``shares``) cut by document range into parts of
        about ``PART_BYTES``, and its entity rows, the most documents first (then by
        their pages), cut into files of about ``NAMES_BYTES``: what its shard lists
        (where each part starts, its first document, the first part at 0; when it names
        entries, the number of the first entry of each file of them, and that entry's
        count of documents and page), each part's value ({"t": its postings there, "n":
        for each document there that names entries, its number (delta-coded, the first
        whole), the count of those entries and their numbers (delta-coded)}) and each
        file's entries ([label, page, its place among the term's entries in the
        register's order, the count of its documents, a correspondent's letters with
        them] each). A search reads the first file (the entries most named), and of the
        others those of the entries it needs (a word held whole finds them, with their
        counts), never all of a frequent word's entries."""
        count = {r: (self.entity_rows[r][3:] or [len(self.entity_documents[r])])[0] for r in rows}
        rank = {r: i for i, r in enumerate(rows)}
        order = sorted(rows, key=lambda r: (-count[r], self.entity_rows[r][1]))
        number_of = {r: i for i, r in enumerate(order)}
        cost: dict[int, int] = defaultdict(int)
        for number, share in shares:
            cost[number] += len(share) + 2
        named: dict[int, list[int]] = defaultdict(list)  # document -> its entries' numbers
        for r in order:
            for number in self.entity_documents[r]:
                named[number].append(number_of[r])
                cost[number] += 3
        starts, size = [0], 0
        for number in sorted(cost):
            if size and size + cost[number] > PART_BYTES:
                starts.append(number)
                size = 0
            size += cost[number]
        numbered = [number for number, _ in shares]
        parts = []
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else float("inf")
            refs, last = [], 0
            for number in sorted(d for d in named if start <= d < end):
                ours = sorted(named[number])
                refs.extend([number - last, len(ours), *[b - a for a, b in zip([0] + ours, ours)]])
                last = number
            text = _joined(shares[bisect_left(numbered, start):bisect_left(numbered, end)])
            parts.append({"t": text, "n": numbers(refs)})
        if not order:
            return [starts], parts, []
        firsts, counts, pages, names, size = [], [], [], [], 0
        for i, r in enumerate(order):
            label, page, *_ = self.entity_rows[r]
            if not names or size + len(label) + len(page) + 16 > NAMES_BYTES:
                firsts.append(i)
                counts.append(count[r])
                pages.append(page)
                names.append([])
                size = 0
            names[-1].append([label, page, rank[r], count[r]])
            size += len(label) + len(page) + 16
        return [starts, firsts, counts, pages], parts, names

    def files(self, groups=None, documents=None, other_prefixes=()):
        """The index's files, (name, content) in the order of their names: the shards
        of ``groups`` (None: all), the passages of ``documents`` (None: all) and the
        list of shards, which names ``other_prefixes`` too (the shards of the other
        groups, kept). The shards are made now (``shard_files``, ``shard_count``), a
        group at a time, and kept aside; the files are read as they are given, and
        ``bytes`` is their size once the last is read (0 until then)."""
        made: dict[str, tuple[int, int]] = {}  # shard -> where it is
        self.shard_files = {}
        prefixes: set[str] = set()
        by_group: dict[str, dict[str, list[int]]] = defaultdict(dict)
        for term, rows in self.entities.items():
            by_group[term[:2]][term] = rows
        # (once, not per group: hundreds of groups, tens of thousands of rows)
        row_size = [len(label) + len(page) + len(docs) + 10 for label, page, docs, *_ in self.entity_rows]
        for group in self._groups():
            if groups is not None and group not in groups:
                continue
            postings, entities = self._group_postings(group), by_group.get(group, {})
            size = {t: len(t) + sum(len(share) + 1 for _, share in postings.get(t, ()))
                    + sum(row_size[r] for r in entities.get(t, ())) for t in set(postings) | set(entities)}
            # (a term over a part's size: its shard lists where its parts start)
            split = {t: self._parts(postings.get(t, []), entities.get(t, []))
                     for t in sorted(size) if size[t] > PART_BYTES}
            for term, (listed, parts, names) in split.items():
                size[term] = len(term) + len(_json(listed))
                for i, value in enumerate(parts):
                    name = part_name(term, i)
                    made[name] = self._blobs.add(script_call("teSearchPart", term, i, value))
                    self.shard_files.setdefault(term[:2], []).append(name)
                for i, value in enumerate(names):
                    name = names_name(term, i)
                    made[name] = self._blobs.add(script_call("teSearchNames", term, i, value))
                    self.shard_files.setdefault(term[:2], []).append(name)
            for prefix, members in _shards(size).items():
                cut = len(prefix)
                value = {"t": {t[cut:]: split[t][0] if t in split
                               else _joined(postings[t]) for t in members if t in postings or t in split},
                         "e": {t[cut:]: [self.entity_rows[r] for r in entities[t]]
                               for t in members if t in entities and t not in split}}
                name = f"search/s-{shard_name(prefix)}.js"
                made[name] = self._blobs.add(script_call("teSearchShard", prefix, value))
                self.shard_files.setdefault(prefix[:2], []).append(name)
                prefixes.add(prefix)
            del postings
        texts = {f"search/d{number}.js": number for number in self.texts
                 if documents is None or number in documents}
        listing = script_value("teSearchShards", sorted({*prefixes, *other_prefixes}))
        self.shard_count = len(prefixes) + len(set(other_prefixes) - prefixes)
        self.bytes = 0  # (counted once every file is read)

        def read():
            count = 0
            for name in sorted([*made, *texts, "search/shards.js"]):
                if name in made:
                    data = self._blobs.read(made[name])
                elif name in texts:  # (its passages' files, then the list of them)
                    for name, data in text_files(texts[name], self.passages(texts[name])):
                        count += len(data)
                        yield name, data
                    continue
                else:
                    data = listing
                count += len(data)
                yield name, data
            self.bytes = count
        return read()

    def passages(self, number: int) -> list:
        """A document's passages (anchor, text), as added."""
        return marshal.loads(self._blobs.read(self.texts[number]))

    def text_names(self, number: int) -> list[str]:
        """The files of a document's passages (``text_files``), in order."""
        return sorted([f"search/d{number}.js"] + [f"search/d{number}.{c}.js" for c in
                                                  range(1, len(text_starts(self.passages(number))))])

    def close(self) -> None:
        """Removes the spill (an index without one keeps nothing on disk)."""
        self._blobs.close()
        if self._finalize is not None:
            self._finalize()

    def __enter__(self) -> "SearchIndex":
        return self

    def __exit__(self, *exc) -> None:
        """The spill removed however the block ends (an error, Ctrl-C): none is left in
        the folder it was made in."""
        self.close()


def text_starts(passages) -> list[int]:
    """Where a document's passages are cut into files (the first passage of each): all
    in one when they are up to ``TEXT_BYTES``, else in as few files of about the same
    size as keep each about that size at most (each passage in the file its middle
    falls in)."""
    if not passages:
        return []
    costs = [len(anchor) + len(text.encode("utf-8")) + 8 for anchor, text in passages]
    count = -(-sum(costs) // TEXT_BYTES)
    size = sum(costs) / count
    starts, done = [0], 0
    for p, cost in enumerate(costs):
        if p and (done + cost / 2) // size >= len(starts) and len(starts) < count:
            starts.append(p)
        done += cost
    return starts


def packed_text(value) -> str:
    """A value as JSON compressed (zlib) and written in base64: a document's passages
    are half their size or less so (the site's script inflates them,
    ``DecompressionStream("deflate")``)."""
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    return base64.b64encode(zlib.compress(data, 6)).decode("ascii")


def unpacked_text(text: str):
    """The value ``packed_text`` wrote."""
    return json.loads(zlib.decompress(base64.b64decode(text)).decode("utf-8", "surrogatepass"))


def text_files(number: int, passages) -> list[tuple[str, bytes]]:
    """A document's passages as files, in the order of their names, each range of
    passages (``text_starts``) compressed (``packed_text``: [the start their anchors
    share, [[anchor without it, text], ...]]): ``search/d<n>.js``, the list of where
    each range starts and the first range, then ``search/d<n>.<c>.js``, the others (a
    letter has one range, its one file)."""
    starts = text_starts(passages)
    packed = []
    for c, first in enumerate(starts):
        own = passages[first:starts[c + 1] if c + 1 < len(starts) else len(passages)]
        start = os.path.commonprefix([anchor for anchor, _ in own])
        packed.append(packed_text([start, [[anchor[len(start):], text] for anchor, text in own]]))
    files = [(f"search/d{number}.js", script_call("teSearchText", number, starts, *packed[:1]))]
    files += [(f"search/d{number}.{c}.js", script_call("teSearchPassages", number, c, packed[c]))
              for c in range(1, len(starts))]
    return sorted(files, key=itemgetter(0))


def part_name(term: str, number: int) -> str:
    """The file of a large term's part (``SearchIndex._parts``): not a shard's, so that
    ``shard_prefix`` gives None for it; computed the same way by the script."""
    return f"search/p-{shard_name(term)}.{number}.js"


def names_name(term: str, number: int) -> str:
    """The file of a large term's entries (``SearchIndex._parts``), as ``part_name``."""
    return f"search/e-{shard_name(term)}.{number}.js"


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


# A number is its last digit, base 64, from LAST, after the number of the others (n //
# 64), base 26, most significant first, from MORE: numbers follow each other with no
# separator, in characters a JSON string holds as they are (no quote, backslash or
# "<"), and no "#" (a record's mark in the spill, ``_Spill``) nor white space; most
# take one character (xslt/site/assets/search.js reads them the same way).
LAST = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$"
MORE = "!%&'()*+,-./:;=>?@[]^`{|}~"


def _number(n: int) -> str:
    n, last = divmod(n, len(LAST))
    digits = LAST[last]
    while n:
        n, more = divmod(n, len(MORE))
        digits = MORE[more] + digits
    return digits


# the numbers below 1,024 (one or two digits: most deltas and passages), written once
_WRITTEN = [_number(n) for n in range(1024)]
_DIGIT = {c: (True, d) for d, c in enumerate(LAST)} | {c: (False, d) for d, c in enumerate(MORE)}


def numbers(values) -> str:
    """Non-negative integers written one after the other (LAST, MORE)."""
    written = _WRITTEN
    return "".join([written[n] if 0 <= n < 1024 else _number(n) for n in values])


def read_numbers(text: str) -> list[int]:
    """The integers ``numbers`` wrote."""
    out, n = [], 0
    for c in text:
        last, d = _DIGIT[c]
        if last:
            out.append(n * len(LAST) + d)
            n = 0
        else:
            n = n * len(MORE) + d
    return out


def read_postings(text: str) -> list[tuple[int, int, list[int]]]:
    """(document, passage, word positions) of each posting of a term, as
    ``SearchIndex`` wrote them (``xslt/site/assets/search.js`` reads them the same way)."""
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


def _joined(shares: list[tuple[int, str]]) -> str:
    """A term's postings (``SearchIndex``) from its shares, (document, its postings
    there) in order: each share led by its document, delta-coded (the first from 0)."""
    last, out = 0, []
    for number, share in shares:
        step, last = number - last, number
        out.append((LAST[step] if step < len(LAST) else numbers((step,))) + share)
    return "".join(out)


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


def _shards(size: dict[str, int]) -> dict[str, list[str]]:
    """Prefix -> terms (``size``: term -> its size in a shard). Starts from
    two-character prefixes and splits any shard whose terms exceed SHARD_BYTES by one
    more character, as long as that helps."""
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
