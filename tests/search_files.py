"""The collection site's search files (``tei_edition.publish.search_index``) read back,
for the tests: shards, parts of frequent terms and documents' passages, each as the
site's script reads it."""

from __future__ import annotations

import json
from collections import defaultdict

from tei_edition.publish.search_index import _deltas, numbers, read_numbers, read_postings, unpacked_text


def _arguments(script: str) -> list:
    """The arguments of a ``script_call`` script."""
    return json.loads("[" + script[script.index("(") + 1:script.rindex(")")] + "]")


def read_shard(script: str) -> tuple[str, dict]:
    """A shard script (``search/s-*.js``) read back: its prefix and ``{"t": term ->
    postings, "e": term -> entity rows}``, the terms whole."""
    prefix, value = _arguments(script)
    return prefix, {part: {prefix + t: v for t, v in value[part].items()} for part in ("t", "e")}


def read_part(script: str) -> tuple[str, int, dict]:
    """A part of a large term (``search/p-*.js``) read back: the term, the part's
    number and ``{"t": its postings there, "e": its entity rows there}``."""
    term, number, value = _arguments(script)
    return term, number, value


def read_names(script: str) -> tuple[str, int, list]:
    """A file of a large term's entries (``search/e-*.js``) read back: the term, the
    file's number and its entries ([label, page, rank, count] each)."""
    term, number, rows = _arguments(script)
    return term, number, rows


def term_whole(shard: dict, term: str, parts, names) -> tuple[str, list]:
    """A term's postings and entity rows whole (``read_shard``'s value of its shard;
    for a term split in parts, ``parts``: part number -> ``read_part``'s value, and
    ``names``: file number -> ``read_names``' rows): the postings as one string, the
    rows as a shard holds them."""
    listed = shard["t"].get(term)
    if not isinstance(listed, list):
        return listed or "", shard["e"].get(term, [])
    text, entries, docs, last = "", [], defaultdict(list), 0
    for i in range(len(listed[0])):
        value = parts[i]
        decoded = read_numbers(value["t"])
        if decoded:  # (the part's first document written whole: from the part before)
            decoded[0] -= last
            text += numbers(decoded)
            last = max(d for d, _, _ in read_postings(value["t"]))
        refs, j, number = read_numbers(value["n"]), 0, 0
        while j < len(refs):
            number += refs[j]
            count, j, entry = refs[j + 1], j + 2, 0
            for step in refs[j:j + count]:
                entry += step
                docs[entry].append(number)
            j += count
    for i, first in enumerate(listed[1] if len(listed) > 1 else []):
        assert len(entries) == first
        entries.extend(names[i])
        # (each file's first entry's count and page)
        assert [entries[first][3], entries[first][1]] == [listed[2][i], listed[3][i]]
    rows = sorted((rank, [label, page, _deltas(docs[i])] + ([count] if count > len(docs[i]) else []))
                  for i, (label, page, rank, count) in enumerate(entries))
    return text, [row for _, row in rows]


def read_passages(read, number: int) -> list[tuple[str, str]]:
    """A document's passages (anchor, text) in order, the anchors whole, read from its
    files (``search/d<n>.js``, its first range of passages and where each starts, then
    ``search/d<n>.<c>.js``, the others; ``read(name)``: a file's text), inflated
    (``unpacked_text``)."""
    listed, starts, *first = _arguments(read(f"search/d{number}.js"))
    assert listed == number and len(first) == (1 if starts else 0)
    passages = []
    for c, at in enumerate(starts):
        if c:
            own, part, packed = _arguments(read(f"search/d{number}.{c}.js"))
            assert (own, part) == (number, c)
        else:
            packed = first[0]
        start, texts = unpacked_text(packed)
        assert len(passages) == at
        passages += [(start + anchor, text) for anchor, text in texts]
    return passages
