"""search_index.SearchIndex.group_keys: a group's key is what its shards are made of,
whatever order or how often its documents were added (an incremental build takes the
unchanged ones in from the previous build and adds the changed ones again)."""

from types import SimpleNamespace

from tei_edition.publish.search_index import SearchIndex

TEXTS = {0: "Dear friend, the weather in Vienna", 1: "Dear Anna, Vienna again",
         2: "Weather and friends", 3: "Another dear letter"}


def _index(order, drop=(), texts=TEXTS) -> SearchIndex:
    index = SearchIndex()
    for number in order:
        index.add(number, SimpleNamespace(passages=[(f"p{number}", texts[number])]))
    for number in drop:
        index.drop(number)
    entry = SimpleNamespace(label="Anna Weather", kind="person", slug="anna", names=["Anna Weather"])
    index.add_entities({"anna": entry}, {}, {"d0": 0, "d1": 1}, documents={"anna": ["d0", "d1"]})
    return index


def test_the_same_documents_the_same_keys_added_in_any_order_or_again():
    keys = dict(_index([0, 1, 2, 3]).group_keys())
    assert keys == dict(_index([3, 1, 0, 2]).group_keys())
    assert keys == dict(_index([0, 1, 2, 3, 1, 2, 1]).group_keys())


def test_a_document_dropped_or_changed_changes_the_keys_of_its_groups_alone():
    keys = dict(_index([0, 1, 2, 3]).group_keys())
    dropped = dict(_index([0, 1, 2, 3], drop=[3]).group_keys())
    assert dropped == dict(_index([0, 1, 2]).group_keys())
    changed = {g for g in keys if keys[g] != dropped.get(g)}
    assert changed and all(g in ("an", "de", "le") for g in changed), changed
    edited = dict(_index([0, 1, 2, 3, 2], texts={**TEXTS, 2: "Weather and friends!"}).group_keys())
    assert edited == keys  # (the same terms and positions: the same shards)
    moved = dict(_index([0, 1, 2, 3], texts={**TEXTS, 2: "Weather and then friends"}).group_keys())
    assert {g for g in keys if keys[g] != moved.get(g)} >= {"fr", "th"}
    assert moved["vi"] == keys["vi"]


def test_an_entry_s_row_is_in_the_keys_of_its_terms():
    keys = dict(_index([0, 1]).group_keys())
    other = _index([0, 1])
    other.entity_rows[0][0] = "Anna Weathers"
    assert {g for g, k in other.group_keys() if keys[g] != k} == {"an", "we"}
