"""One answer to "who is mentioned where": ``entities list``, the site's registers and
the PDF's index count the same mentions of every entry, on every file of the shared
corpus, because all three read one table (xslt/common/policy.xml) for what a mention
is. (The letter edition is sampled, as in the other per-file corpus tests.)"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import corpus_files
from tei_edition.entities import mentions
from tei_edition.errors import XmlSyntaxError
from tei_edition.policy import policy
from tei_edition.publish.formats import html, pdf
from tei_edition.xml.parse import parse_file

FILES = corpus_files()


def listed(path: Path) -> Counter:
    corpus = mentions.load([path])
    return Counter({row.id: row.mentions for row in mentions.rows(corpus) if row.mentions})


def registers(tree, path: Path) -> Counter:
    counts = Counter()
    for name, page in html.render(tree, path).files.items():
        for ident, n in re.findall(r'<article class="entry[^"]*" id="([^"]+)">(?:(?!<article).)*?'
                                   r'<span class="count">(\d+) mentions?</span>', page, re.S):
            counts[ident] += int(n)
    return counts


def indexed(tree, path: Path) -> Counter:
    source = pdf.typst_source(tree, path, fonts=[]).typst
    counts = Counter()
    for ids in re.findall(r'te\.entity\(\(([^)]*)\), "[^"]*", indexed: true', source):
        for ident in re.findall(r'"((?:[^"\\]|\\.)*)"', ids):
            counts[ident] += 1
    return counts


def test_python_reads_the_same_table_as_the_xslt():
    table = policy()
    assert {"persName", "settlement", "country", "region", "bloc", "district", "rs"} <= set(table.mention_kinds)
    assert table.mention_kinds["settlement"] == "place" and table.mention_kinds["rs"] is None
    assert mentions.NAME_TAGS["{http://www.tei-c.org/ns/1.0}settlement"] == "place"
    assert {"document", "letter"} <= table.unit_types and "p" in table.blocks


def test_a_settlement_counts_the_same_in_every_listing(tmp_path):
    doc = tmp_path / "s.xml"
    doc.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>S</title>'
        '</titleStmt><publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p></sourceDesc>'
        '</fileDesc></teiHeader><text><body><p>In <settlement ref="#pl">Pyongyang</settlement> and '
        '<placeName ref="#pl">P.</placeName>.</p></body></text><standOff><listPlace><place xml:id="pl">'
        '<placeName>Pyongyang</placeName></place></listPlace></standOff></TEI>', encoding="utf-8")
    tree = parse_file(doc)
    assert listed(doc) == registers(tree, doc) == indexed(tree, doc) == Counter({"pl": 2})


@pytest.mark.slow
@pytest.mark.skipif(not FILES, reason="../shared/corpus is not available")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_entities_list_registers_and_index_agree(path):
    try:
        tree = parse_file(path)
    except XmlSyntaxError:  # a malformed file of the corpus: no listing reads it
        pytest.skip(f"{path.name} is not well-formed")
    python, site, book = listed(path), registers(tree, path), indexed(tree, path)
    assert site == python, "the site's registers and `entities list` count differently"
    assert book == python, "the PDF index and `entities list` count differently"
