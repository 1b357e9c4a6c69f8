"""The safe parser: located errors, no network, no external entities, no DTDs."""

from __future__ import annotations

import pytest

from tei_edition.errors import InputError, XmlSyntaxError
from tei_edition.xml.parse import collect_xml_files, parse_bytes, parse_file


def test_keeps_line_numbers():
    tree = parse_bytes(b"<a>\n  <b/>\n</a>")
    assert tree.getroot()[0].sourceline == 2


@pytest.mark.parametrize("data, message, line, column", [
    (b"<a><b></a>", "Opening and ending tag mismatch", 1, 11),
    (b"<a>&eacute;</a>", "Entity 'eacute' not defined", 1, 12),
    (b"", "document is empty", 1, 1),
    (b"   \n  ", "document is empty", 1, 1),
    (b"\x00\x01\x02junk", "", 1, None),
    (b'<?xml version="1.0" encoding="UTF-8"?>\n<a>\xff\xfe</a>', "Invalid bytes", 2, None),
])
def test_malformed_input_is_located(data, message, line, column):
    with pytest.raises(XmlSyntaxError) as info:
        parse_bytes(data, path="bad.xml")
    err = info.value
    assert err.path == "bad.xml" and err.line == line
    assert err.column is not None and err.column >= 1
    if column is not None:
        assert err.column == column
    assert message in err.message
    assert err.located().startswith(f"bad.xml:{line}:")


def test_external_entity_is_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SENTINEL-SECRET")
    doc = f'<!DOCTYPE a [<!ENTITY x SYSTEM "file://{secret}">]><a>&x;</a>'.encode()
    with pytest.raises(XmlSyntaxError) as info:
        parse_bytes(doc)
    assert "SENTINEL" not in str(info.value)


def test_internal_entities_expand_but_billion_laughs_is_refused():
    assert parse_bytes(b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>').getroot().text == "x"
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    with pytest.raises(XmlSyntaxError) as info:
        parse_bytes(f"<!DOCTYPE a [{entities}]><a>&l9;</a>".encode())
    assert "amplification" in info.value.message


def test_gzip_is_not_inflated(tmp_path):
    import gzip

    path = tmp_path / "doc.xml"
    path.write_bytes(gzip.compress(b"<a/>"))
    with pytest.raises(XmlSyntaxError, match="gzip"):
        parse_file(path)


def test_missing_file_and_folder_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        parse_file(tmp_path / "nope.xml")
    with pytest.raises(InputError, match="folder"):
        parse_file(tmp_path)


def test_size_limit_names_the_way_to_lift_it(tmp_path):
    path = tmp_path / "big.xml"
    path.write_bytes(b"<a>" + b"x" * 100 + b"</a>")
    with pytest.raises(InputError, match="--max-bytes"):
        parse_file(path, max_bytes=50)


def test_collect_recurses_into_folders_in_sorted_order(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ("b.xml", "a.xml", "sub/c.xml", "notes.txt"):
        (tmp_path / name).write_text("<a/>")
    found = collect_xml_files([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.xml", "b.xml", "sub/c.xml"]
