"""publish.manifest: the keys a build's parts are recorded under."""

import hashlib

from tei_edition.publish import manifest


def test_a_key_hashes_each_part_followed_by_a_nul():
    """Text and bytes alike, each part ended (so that ("ab", "c") and ("a", "bc") differ)."""
    expected = hashlib.sha256("ab\0\u00e9\0\udcff\0".encode("utf-8", "surrogateescape")).hexdigest()
    assert manifest.key(b"ab", "\u00e9", "\udcff") == expected
    assert manifest.key("ab", "c") != manifest.key("a", "bc")
    assert manifest.key() == hashlib.sha256().hexdigest()
