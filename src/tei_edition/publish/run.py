"""How every format runs its stylesheet: the register files it points to, the Saxon
run, and the common layer's messages turned into warnings and coverage figures."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tei_edition.publish import transform
from tei_edition.xml.parse import parse_file

TE_NS = "urn:x-tei-edition"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

# "TE-COVERAGE {element name} {count} {first line}", from xslt/common/normalize.xsl
_COVERAGE = re.compile(r"^TE-COVERAGE (\S+) (\d+) ?(\d*)$")


@dataclass
class Messages:
    """xsl:message output split into coverage figures and warnings for the user."""

    warnings: list[str] = field(default_factory=list)
    coverage: dict[str, int] = field(default_factory=dict)


def split_messages(messages: list[str], source: str) -> Messages:
    found = Messages()
    for message in messages:
        match = _COVERAGE.match(message)
        if match:
            name, count, line = match.group(1), int(match.group(2)), match.group(3)
            found.coverage[name] = found.coverage.get(name, 0) + count
            where = f"{source}:{line}" if line else source
            found.warnings.append(f"{where}: warning: <{name}> has no rendering rule; "
                                  f"its text is kept ({count}x)")
        else:
            found.warnings.append(f"{source}: warning: {message}")
    return found


def register_documents(tree, source: Path) -> list:
    """Register files that ``@ref="file.xml#id"`` values point to, parsed safely.

    Only files inside the document's own folder tree are read: a reference may not
    lead the tool to a file the user did not put beside the document.
    """
    folder = source.resolve().parent
    names = set()
    for ref in tree.getroot().xpath("//@ref"):
        for uri in ref.split():
            target = uri.split("#", 1)[0]
            if target and "#" in uri and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
                names.add(target)
    documents = []
    for name in sorted(names):
        path = (folder / name).resolve()
        if folder not in path.parents or not path.is_file() or path == source.resolve():
            continue
        documents.append(parse_file(path))
    return documents


def registers_parameter(tree, source: Path):
    """The register files as the stylesheets' ``registers`` parameter: one document
    holding each register's root element (``key()`` finds ids in all of them), or
    None when the document points into no register file."""
    documents = register_documents(tree, source)
    if not documents:
        return None
    bundle = etree.Element(f"{{{TE_NS}}}registers")
    for document in documents:
        bundle.append(copy.deepcopy(document.getroot()))
    return bundle.getroottree()


class _CollectionRegisters:
    """A collection's register bundle, held once per process, of which each document
    gets only the entries its ``@ref`` values name: a stylesheet indexes the registers
    it is given on every run, so handing it thousands of entries for the few dozen a
    letter names would cost more than the letter. The entries keep their place (the
    register's root and the lists around them, shallow), their order and their ids."""

    def __init__(self, bundle):
        self.bundle = bundle
        root = bundle.getroot() if isinstance(bundle, etree._ElementTree) else bundle
        self.index: dict[str, list[tuple[int, etree._Element]]] = {}
        for position, element in enumerate(root.iter(etree.Element)):
            identifier = element.get(XML_ID)
            if identifier is not None and element is not root:
                self.index.setdefault(identifier, []).append((position, element))
        self.root = root

    def parameter(self, tree):
        """The part of the bundle ``tree`` points into, as a new tree."""
        wanted = set()
        for ref in tree.getroot().xpath("//@ref"):
            for uri in ref.split():
                if "#" in uri:
                    wanted.add(uri.split("#", 1)[1])
        found = sorted((hit for name in wanted for hit in self.index.get(name, ())),
                       key=lambda hit: hit[0])
        mirror = {self.root: etree.Element(self.root.tag, self.root.attrib, nsmap=self.root.nsmap)}
        taken = set()
        for _, entry in found:
            if any(ancestor in taken for ancestor in entry.iterancestors()):
                continue  # already inside an entry taken whole
            taken.add(entry)
            chain = [a for a in entry.iterancestors()][::-1]
            for parent, child in zip(chain, chain[1:] + [entry]):
                if child is entry:
                    mirror[parent].append(copy.deepcopy(entry))
                elif child not in mirror:
                    mirror[child] = etree.SubElement(mirror[parent], child.tag, child.attrib)
        return mirror[self.root].getroottree()


_collection: _CollectionRegisters | None = None


def use_collection_registers(bundle) -> None:
    """From now on in this process, every document's registers are ``bundle`` (the
    collection's merged register, from ``collection.register.bundle()``) instead of
    the files its ``@ref`` values name; None goes back to the per-document lookup.
    ``build``'s worker processes call it once, before their first document."""
    global _collection
    _collection = _CollectionRegisters(bundle) if bundle is not None else None


def run_format(stylesheet: str, tree, source: Path, params: dict, *,
               strings: bool = False) -> tuple[object, Messages]:
    """Run a format's entry stylesheet the way every format does: its parameters plus
    the register files it points to, and the messages split into warnings and coverage.
    Returns the serialized output (or, with ``strings``, the list of strings)."""
    params = dict(params)
    if _collection is not None:
        registers = _collection.parameter(tree)
    else:
        registers = registers_parameter(tree, source)
    if registers is not None:
        params["registers"] = registers
    if strings:
        result = transform.run_strings(stylesheet, tree, params, path=str(source))
        output = result.strings
    else:
        result = transform.run(stylesheet, tree, params, path=str(source))
        output = result.output
    return output, split_messages(result.warnings, str(source))
