"""Stable anchors for citable blocks: the one definition shared by every output.

The HTML edition puts these ids on its paragraphs, ``entities show`` reports them as
locators, and the normalise pass of the XSLT common layer (``@te:anchor``,
``xslt/common/normalize.xsl``) computes the same string (a test holds the two to each
other).

anchor(block) = the block's ``xml:id`` when it has one; otherwise the steps from the
outermost ``<text>`` down to the block, each ``local-name + position among siblings of
the same name``, joined by ``.`` — for example ``div2.p3`` or ``front1.p2``. The text's
body is no step (its blocks are most of what is cited, and every link to one carried
``body1.``), unless the steps spell an ``xml:id`` of the document: then ``body1.`` is
put back, so that a path never takes an id the encoding gave. The steps depend only
on the document's structure, so rebuilds give identical anchors.
"""

from __future__ import annotations

from lxml import etree

from tei_edition.policy import policy
from tei_edition.xml.parse import TEI_NS, XML_NS

# Elements that are citable blocks (the unit a reader links to), and the division
# types that make a unit of the edition (a document of a dossier, an essay, a letter):
# the policy table xslt/common/policy.xml, which the XSLT common layer reads too.
BLOCKS = policy().blocks
_XML_ID = f"{{{XML_NS}}}id"
UNIT_TYPES = policy().unit_types
_DIVS = frozenset({f"{{{TEI_NS}}}div", f"{{{TEI_NS}}}div1"})


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _is_tei(el: etree._Element, name: str) -> bool:
    return isinstance(el.tag, str) and el.tag == f"{{{TEI_NS}}}{name}"


def block_of(el: etree._Element) -> etree._Element:
    """The nearest citable ancestor-or-self: a block, else a ``div``, else the element."""
    for candidate in _ancestors_or_self(el):
        if etree.QName(candidate).namespace == TEI_NS and _local(candidate) in BLOCKS:
            return candidate
    for candidate in _ancestors_or_self(el):
        if _local(candidate).startswith("div"):
            return candidate
    return el


def unit_of(el: etree._Element) -> etree._Element:
    """The unit an element belongs to, as te:unit() defines it: the outermost
    unit-typed division, else the outermost ``<text>``, else the root element."""
    chain = list(_ancestors_or_self(el))
    for candidate in reversed(chain):
        if candidate.tag in _DIVS and candidate.get("type") in UNIT_TYPES:
            return candidate
    for candidate in reversed(chain):
        if _is_tei(candidate, "text"):
            return candidate
    return chain[-1]


def anchor(el: etree._Element) -> str:
    """The stable anchor of an element (use ``block_of`` first for a mention's block)."""
    own = el.get(_XML_ID)
    if own:
        return own
    chain = list(_ancestors_or_self(el))
    outermost_text = max((i for i, a in enumerate(chain) if _is_tei(a, "text")), default=None)
    steps = chain[:outermost_text] if outermost_text is not None else chain[:-1]
    if outermost_text is not None and steps and _is_tei(steps[-1], "body") and _position(steps[-1]) == 1:
        steps = steps[:-1]  # the text's body: no step (the module's note)
    path = ".".join(f"{_local(s)}{_position(s)}" for s in reversed(steps))
    if not path:
        return _local(el)
    return f"body1.{path}" if path in _ids(chain[-1]) else path


# the last document's xml:ids, found once for all its anchors (``anchor`` is asked for
# every mention's block, a document at a time; lxml elements take no weak reference)
_LAST_IDS: list = [None, frozenset()]


def _ids(root: etree._Element) -> frozenset[str]:
    if _LAST_IDS[0] is not root:
        _LAST_IDS[:] = [root, frozenset(root.xpath("//@xml:id", namespaces={"xml": XML_NS}))]
    return _LAST_IDS[1]


def _ancestors_or_self(el: etree._Element):
    node = el
    while node is not None and isinstance(node.tag, str):
        yield node
        node = node.getparent()


def _position(el: etree._Element) -> int:
    count = 1
    for sibling in el.itersiblings(preceding=True):
        if sibling.tag == el.tag:
            count += 1
    return count
