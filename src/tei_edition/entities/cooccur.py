"""``entities cooccur``: who is named together with whom.

Two entries co-occur when names pointing to both sit in the same paragraph (the same
citable block, as ``anchors.block_of`` defines it) or the same document: the unit as
``anchors.unit_of`` defines it (a ``div`` of type document, letter, essay, chapter; a
file without such divisions is one document). The
weight of a pair is the number of such paragraphs or documents. A name whose ``@ref``
points to several entries makes them co-occur too.

GraphML is written here with lxml (a dozen lines) rather than with networkx, which
would be a runtime dependency for one output format; the tests load the file with
networkx to prove that it interoperates (and Gephi reads the same keys).
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations

from lxml import etree

from tei_edition.entities.mentions import Corpus, load
from tei_edition.entities.network import Network, Pair  # noqa: F401 (Pair: the library's too)

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"


def cooccur(paths, *, kind: str | None = None, with_kind: str | None = None,
            scope: str = "paragraph") -> Network:
    """Pairs of entries named together, heaviest first. ``kind`` alone: both ends of
    that kind; with ``with_kind``: one end of each (a bipartite network)."""
    corpus = load(paths, scopes=True)
    first, second = kind, with_kind or kind
    together: dict[tuple, set] = {}
    for m in corpus.mentions:
        unit = (m.document, m.scope) if scope == "paragraph" else (m.document, m.unit)
        together.setdefault(unit, set()).update(m.targets)
    weights: Counter = Counter()
    kinds = {e.key: e.kind for e in corpus.register}
    for members in together.values():
        for a, b in combinations(sorted(members), 2):
            edge = _oriented(a, b, kinds, first, second)
            if edge:
                weights[edge] += 1
    network = _network(corpus, weights)
    network.not_read = [exc.located() for exc in corpus.malformed]
    return network


def cooccur_graphml(paths, **options) -> tuple[Network, bytes]:
    """``cooccur`` and its network as GraphML, made where it is found (the command
    line's worker: lxml stays out of the command line's process)."""
    network = cooccur(paths, **options)
    return network, to_graphml(network)


def _oriented(a, b, kinds, first, second):
    """The pair as (source, target), source of the first kind; None if it does not fit."""
    def fits(x, y) -> bool:
        return (first is None or kinds[x] == first) and (second is None or kinds[y] == second)

    if fits(a, b):
        return (a, b)
    if fits(b, a):
        return (b, a)
    return None


def _network(corpus: Corpus, weights: Counter) -> Network:
    name = {e.key: e.name for e in corpus.register}
    ident = corpus.display_id
    pairs = [Pair(ident(a), name[a], ident(b), name[b], w) for (a, b), w in weights.items()]
    pairs.sort(key=lambda p: (-p.weight, p.source, p.target))
    counts = Counter(k for m in corpus.mentions for k in m.targets)
    used = sorted({k for edge in weights for k in edge}, key=ident)
    nodes = [{"id": ident(k), "label": name[k], "type": corpus.register.entries[k].kind,
              "mentions": counts[k]} for k in used]
    return Network(nodes, pairs)


def to_graphml(network: Network) -> bytes:
    """An undirected GraphML graph: node label, type, mentions; edge weight."""
    g = f"{{{GRAPHML_NS}}}"
    root = etree.Element(f"{g}graphml", nsmap={None: GRAPHML_NS})
    keys = [("label", "node", "string"), ("type", "node", "string"),
            ("mentions", "node", "int"), ("weight", "edge", "int")]
    for name, domain, kind in keys:
        etree.SubElement(root, f"{g}key", {"id": name, "for": domain, "attr.name": name,
                                          "attr.type": kind})
    graph = etree.SubElement(root, f"{g}graph", id="entities", edgedefault="undirected")
    for node in network.nodes:
        el = etree.SubElement(graph, f"{g}node", id=node["id"])
        for name in ("label", "type", "mentions"):
            etree.SubElement(el, f"{g}data", key=name).text = str(node[name])
    for pair in network.pairs:
        el = etree.SubElement(graph, f"{g}edge", source=pair.source, target=pair.target)
        etree.SubElement(el, f"{g}data", key="weight").text = str(pair.weight)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
