"""``entities cooccur``: pairs, weights, kinds, and GraphML that networkx reads."""

import json
from itertools import combinations

import networkx as nx
import pytest

from conftest import FIXTURES
from tei_edition.publish import anchors
from tei_edition.entities import mentions as entities
from tei_edition.entities.cooccur import cooccur, to_graphml

HERE = FIXTURES / "entities"
DOSSIER = HERE / "dossier" / "dossier.xml"
CORPUS = HERE / "corpus"


def _weights(network):
    return {frozenset((p.source, p.target)): p.weight for p in network.pairs}


def _pairs_by_group(groups: dict) -> dict:
    """Expected weights: each pair of known entries counted once per group naming both."""
    known = {r.id for r in entities.rows(entities.load([str(DOSSIER)]))}
    expected: dict = {}
    for members in groups.values():
        for a, b in combinations(sorted(members & known), 2):
            expected[frozenset((a, b))] = expected.get(frozenset((a, b)), 0) + 1
    return expected


def test_paragraph_and_document_scopes_on_the_corpus():
    paragraph = _weights(cooccur([str(CORPUS)], scope="paragraph"))
    assert paragraph == {frozenset({"p1", "p2"}): 2}  # a.xml p1 and b.xml p1
    document = _weights(cooccur([str(CORPUS)], scope="document"))
    assert document == {frozenset({"p1", "p2"}): 2}  # a.xml and b.xml


def test_weights_agree_with_a_count_by_block():
    """Recount from the mentions and anchors.block_of directly."""
    from tei_edition.xml.parse import NS, parse_file

    tree = parse_file(DOSSIER)
    blocks: dict = {}
    for el in tree.xpath("//tei:text//*[@ref]", namespaces=NS):
        ids = [t[1:] for t in el.get("ref").split() if t.startswith("#")]
        blocks.setdefault(anchors.block_of(el), set()).update(ids)
    expected = _pairs_by_group(blocks)
    got = _weights(cooccur([str(DOSSIER)]))
    schaefer_free = {k: v for k, v in got.items() if "schaefer" not in k}
    assert schaefer_free == expected


def test_multi_uri_ref_makes_its_entries_cooccur():
    assert _weights(cooccur([str(DOSSIER)]))[frozenset({"khrushchev", "kimilsung"})] >= 1


def test_type_and_with_restrict_the_two_ends():
    people = cooccur([str(DOSSIER)], kind="person")
    assert people.pairs and all(n["type"] == "person" for n in people.nodes)
    mixed = cooccur([str(DOSSIER)], kind="person", with_kind="place")
    kinds = {n["id"]: n["type"] for n in mixed.nodes}
    assert mixed.pairs
    assert all((kinds[p.source], kinds[p.target]) == ("person", "place") for p in mixed.pairs)


def test_graphml_loads_into_networkx(tmp_path, run):
    out = tmp_path / "people.graphml"
    result = run("entities", "cooccur", str(DOSSIER), "--format", "graphml", "-o", str(out))
    assert result.exit_code == 0
    graph = nx.read_graphml(out)
    network = cooccur([str(DOSSIER)])
    assert graph.number_of_edges() == len(network.pairs)
    pair = network.pairs[0]
    assert graph.edges[pair.source, pair.target]["weight"] == pair.weight
    assert graph.nodes["puzanov"]["label"] == "Aleksandr Puzanov"
    assert graph.nodes["puzanov"]["type"] == "person"
    assert graph.nodes["puzanov"]["mentions"] == 4
    assert to_graphml(network) == out.read_bytes()  # deterministic


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_cooccur_cli_formats(run, fmt):
    result = run("entities", "cooccur", str(CORPUS), "--format", fmt)
    assert result.exit_code == 0
    if fmt == "json":
        data = json.loads(result.output)
        assert data["pairs"] == [{"source": "p1", "source_name": "Anna Müller", "target": "p2",
                                  "target_name": "Jan Nowak", "weight": 2}]
    elif fmt == "csv":
        assert result.output.splitlines() == ["source,source_name,target,target_name,weight",
                                              "p1,Anna Müller,p2,Jan Nowak,2"]
    else:
        assert result.output.splitlines()[2].split() == ["p1", "Anna", "Müller", "p2", "Jan",
                                                         "Nowak", "2"]


def test_document_scope_counts_the_units_of_an_edition():
    """In one file holding several documents, "document" means each div of type
    document (as te:unit() defines units), not the file."""
    from tei_edition.xml.parse import NS, parse_file

    tree = parse_file(DOSSIER)
    units: dict = {}
    for el in tree.xpath("//tei:text//*[@ref]", namespaces=NS):  # with register.xml#id too
        ids = [t.split("#", 1)[1] for t in el.get("ref").split() if "#" in t]
        units.setdefault(anchors.unit_of(el), set()).update(ids)
    assert len(units) > 1, "the fixture holds several documents"
    assert _weights(cooccur([str(DOSSIER)], scope="document")) == _pairs_by_group(units)
