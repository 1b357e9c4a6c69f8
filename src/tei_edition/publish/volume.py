"""The volume: one printed book of a whole collection (``DIR/<collection>.pdf``).

The engine calls ``write_volume(collection, out_path)`` once per build (``build --pdf
volume|both``). The book is made by the PDF format itself (``xslt/typst/typst.xsl`` and
the layout template ``edition.typ``) from one TEI document assembled here, so the
volume looks like every other PDF of the edition:

- the header from the collection (title, editors), the introduction as front matter;
- every document in catalogue order (date order, or the order of ``edition.toml``) as
  a ``div type="document"``, numbered and headed by its catalogue line ("12. Alfred
  Escher to Oswald Heer, Zürich, 12 October 1836") with its source as the division's
  source note; each opens a page, gets a PDF outline entry and a line in the contents;
- the register entries the documents name, in a ``standOff``, so that the book's index
  of persons, places and organisations takes its page numbers from the finished layout.

Every ``xml:id`` of a document is prefixed with its number (``d12-``) and its internal
pointers rewritten, so that ids stay unique across the book; names point to the
entries by the keys the collection's resolver wrote (``te:refs``).

Memory: Typst holds the whole book while setting it (about 0.8 GB per million
characters, see the PDF format). A collection whose text is over ``max_chars`` is
printed in parts (``NAME-part1.pdf``, "Part 1: 1836–1848"), each under the limit, each
with its own contents and index; ``plan`` tells before any work how the volume will be
divided.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tei_edition.errors import UsageError
from tei_edition.publish.formats import ExportRequest
from tei_edition.publish.formats import pdf
from tei_edition.publish.site import _paragraphs, _title, catalogue_line, year_of
from tei_edition.xml.parse import TEI_NS, XML_NS, parse_file

_T = f"{{{TEI_NS}}}"
TE_NS = "urn:x-tei-edition"
_REFS = f"{{{TE_NS}}}refs"
_KEY = f"{{{TE_NS}}}key"
XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"
_NAMES = frozenset(f"{_T}{n}" for n in ("persName", "placeName", "orgName", "geogName", "rs", "name"))
_POINTERS = ("target", "corresp", "ref", "facs", "sameAs", "next", "prev", "from", "to", "hand",
             "wit", "source", "resp", "who", "spanTo", "synch", "start", "end")
_LISTS = {"person": "listPerson", "personGrp": "listPerson", "place": "listPlace", "org": "listOrg"}


@dataclass
class Part:
    """Documents printed in one Typst run, with the characters of their text."""

    number: int
    documents: list = field(default_factory=list)
    chars: int = 0

    def label(self) -> str:
        years = [y for y in (year_of(d.catalogue) for d in self.documents) if y]
        span = f"{min(years)}–{max(years)}" if years and min(years) != max(years) else (
            str(years[0]) if years else "")
        return f"Part {self.number}" + (f": {span}" if span else "")


def plan(collection, *, max_chars: int = pdf.DEFAULT_MAX_CHARS, sizes: dict | None = None) -> list[Part]:
    """How the volume is divided: consecutive documents, each part's text under
    ``max_chars`` (one part when it all fits). ``sizes``: characters per document id
    when known (else each document is read once to count them). A single document over
    the limit cannot be printed in any part: that is said here, before any work."""
    if not isinstance(max_chars, int) or max_chars <= 0:
        raise UsageError(f"--max-chars must be a positive whole number (got {max_chars!r})")
    parts = [Part(1)]
    for document in ordered(collection):
        chars = (sizes or {}).get(document.id)
        if chars is None:
            chars = _chars(_text_of(_parse(document), document))
        if chars > max_chars:
            raise UsageError(
                f"{document.id} alone costs Typst as much as {chars:,} characters of text, over the PDF limit of "
                f"{max_chars:,}: the volume cannot hold it (export pdf --max-chars lifts the "
                "limit on a machine with the memory)")
        if parts[-1].documents and parts[-1].chars + chars > max_chars:
            parts.append(Part(len(parts) + 1))
        parts[-1].documents.append(document)
        parts[-1].chars += chars
    return parts


def write_volume(collection, out_path, *, resolve=None, max_chars: int = pdf.DEFAULT_MAX_CHARS,
                 paper: str = "a4", keep_typst: bool = False) -> list[Path]:
    """Write the collection's volume (or its parts) and return the files written.

    ``resolve(tree, source, register)``: the collection's name resolver
    (``tei_edition.entities.resolve.resolve`` by default), run on each document before
    it joins the book. Each part is one Typst run; see ``plan``."""
    if resolve is None:
        from tei_edition.entities.resolve import resolve  # the collection model's resolver
    out = Path(out_path)
    parts = plan(collection, max_chars=max_chars)
    written: list[Path] = []
    warnings: list[str] = []
    for part in parts:
        label = part.label() if len(parts) > 1 else None
        tree = assemble(collection, part.documents, resolve=resolve, part=label,
                        first_number=1 + sum(len(p.documents) for p in parts[:part.number - 1]))
        target = out if len(parts) == 1 else out.with_name(f"{out.stem}-part{part.number}{out.suffix}")
        # the plan counted the documents' text; the book adds headings, the
        # introduction and the register entries it indexes
        extra = _chars(tree) - part.chars
        request = ExportRequest(tree=tree, source=Path(getattr(collection, "root", ".")) / out.name,
                                output=target, options={"paper": paper, "max_chars": max_chars + max(extra, 0),
                                                        "keep_typst": keep_typst})
        result = pdf.export(request)
        written.extend(result.outputs)
        warnings.extend(result.warnings)
    return written


def assemble(collection, documents, *, resolve, part: str | None = None, first_number: int = 1):
    """The book as one TEI document (see the module's description)."""
    tei = etree.Element(f"{_T}TEI", nsmap={None: TEI_NS, "te": TE_NS})
    languages = [d.catalogue.language for d in documents if getattr(d.catalogue, "language", None)]
    if languages:
        tei.set(XML_LANG, max(sorted(set(languages)), key=languages.count))
    tei.append(_header(collection, part))
    stand_off = etree.SubElement(tei, f"{_T}standOff")
    text = etree.SubElement(tei, f"{_T}text")
    intro = _paragraphs(getattr(collection, "introduction", None))
    if intro and (part is None or part.startswith("Part 1")):
        front = etree.SubElement(text, f"{_T}front")
        div = etree.SubElement(front, f"{_T}div", type="introduction")
        etree.SubElement(div, f"{_T}head").text = "Introduction"
        for para in intro:
            etree.SubElement(div, f"{_T}p").text = para
    body = etree.SubElement(text, f"{_T}body")
    register = getattr(collection, "register", None)
    used: dict[str, str] = {}  # collection key -> id in the book
    for offset, document in enumerate(documents):
        number = first_number + offset
        tree = _parse(document)
        if register is not None:
            resolve(tree, Path(document.path), register)
        body.append(_division(tree, document, number, used))
    _entries(stand_off, register, used)
    if not len(stand_off):
        tei.remove(stand_off)
    return etree.ElementTree(tei)


def ordered(collection) -> list:
    """The documents in the collection's order (``edition.toml``, else by date)."""
    return collection.ordered() if hasattr(collection, "ordered") else list(collection.documents)


def _parse(document):
    """A document's own tree (one ``TEI`` of a ``teiCorpus``, one division of a file of
    many, as the collection model gives it), else its file."""
    return document.parse() if hasattr(document, "parse") else parse_file(document.path)


def _header(collection, part: str | None):
    header = etree.Element(f"{_T}teiHeader")
    file_desc = etree.SubElement(header, f"{_T}fileDesc")
    title_stmt = etree.SubElement(file_desc, f"{_T}titleStmt")
    etree.SubElement(title_stmt, f"{_T}title", type="main").text = _title(collection)
    if part:
        etree.SubElement(title_stmt, f"{_T}title", type="sub").text = part
    for editor in getattr(collection, "editors", None) or []:
        etree.SubElement(title_stmt, f"{_T}editor").text = str(editor)
    publication = etree.SubElement(file_desc, f"{_T}publicationStmt")
    etree.SubElement(publication, f"{_T}p").text = "Printed from the TEI of the collection."
    source = etree.SubElement(file_desc, f"{_T}sourceDesc")
    etree.SubElement(source, f"{_T}p").text = "The documents of the collection, in catalogue order."
    return header


def _text_of(tree, document):
    """The part of a file that is the document: its division (``fragment``) or its text."""
    root = tree.getroot()
    fragment = getattr(document, "fragment", None)
    if fragment:
        for el in root.iter(f"{_T}div", f"{_T}div1", f"{_T}text"):
            if el.get(XML_ID) == fragment:
                return el
    return next(root.iter(f"{_T}text"), None)


def _chars(el) -> int:
    # counted as the PDF format's size guard counts (notes, names, cells weigh more)
    return pdf.weighted_chars(el)


def _division(tree, document, number: int, used: dict[str, str]):
    """One document of the book: numbered heading with its source note, then its text,
    ids prefixed and names pointing to the book's register entries."""
    div = etree.Element(f"{_T}div", type="document", n=str(number))
    div.set(XML_ID, f"d{number}")
    head = etree.SubElement(div, f"{_T}head")
    head.text = catalogue_line(document.catalogue, number)
    source = _source_note(tree)
    if source:
        etree.SubElement(head, f"{_T}note", type="source").text = source
    content = _text_of(tree, document)
    if content is None:
        return div
    content = copy.deepcopy(content)
    _prefix_ids(content, f"d{number}-")
    _point_names(content, used)
    children = list(content)
    # a letter's one division holds the whole text: its contents join the document
    bodies = [c for c in children if c.tag == f"{_T}body"]
    for child in children:
        if child.tag in (f"{_T}front", f"{_T}body", f"{_T}back"):
            only = [g for g in child if isinstance(g.tag, str)]
            if child in bodies and len(only) == 1 and only[0].tag == f"{_T}div" and only[0].find(f"{_T}head") is None:
                child = only[0]
            for grandchild in list(child):
                div.append(grandchild)
        elif isinstance(child.tag, str):
            div.append(child)
    return div


def _source_note(tree) -> str:
    root = tree.getroot()
    found = root.find(f"{_T}teiHeader/{_T}fileDesc/{_T}sourceDesc")
    if found is None:
        return ""
    ident = found.find(f".//{_T}msIdentifier")
    if ident is not None:
        parts = [re.sub(r"\s+", " ", "".join(c.itertext())).strip() for c in ident if isinstance(c.tag, str)]
        return ", ".join(p for p in parts if p)
    bibl = found.find(f".//{_T}bibl")
    if bibl is not None:
        return re.sub(r"\s+", " ", "".join(bibl.itertext())).strip()
    return ""


def _prefix_ids(content, prefix: str) -> None:
    ids = {}
    for el in content.iter():
        if isinstance(el.tag, str) and el.get(XML_ID):
            ids[el.get(XML_ID)] = prefix + el.get(XML_ID)
            el.set(XML_ID, ids[el.get(XML_ID)])
    if not ids:
        return
    for el in content.iter():
        if not isinstance(el.tag, str):
            continue
        for name in _POINTERS:
            value = el.get(name)
            if value and "#" in value:
                el.set(name, " ".join("#" + ids[t[1:]] if t.startswith("#") and t[1:] in ids else t
                                      for t in value.split()))


def _point_names(content, used: dict[str, str]) -> None:
    """Names point by ``#id`` to the book's own register entries (one per collection
    key), and carry the keys as ``te:refs``; other pointers into registers are dropped."""
    for el in content.iter(*_NAMES):
        keys = el.get(_REFS, "").split()
        if "key" in el.attrib:
            del el.attrib["key"]
        if not keys:
            if "ref" not in el.attrib or el.get("ref").startswith("#") or "#" not in el.get("ref"):
                continue  # the document's own entry, or an authority URI
            del el.attrib["ref"]
            continue
        ids = []
        for key in keys:
            if key not in used:
                used[key] = "e-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", key).strip("-") + f"-{len(used)}"
            ids.append("#" + used[key])
        el.set("ref", " ".join(ids))


def _entries(stand_off, register, used: dict[str, str]) -> None:
    if register is None or not used or not hasattr(register, "bundle"):
        return
    try:
        bundle = register.bundle(list(used))
    except TypeError:  # a register whose bundle takes no keys
        bundle = register.bundle()
    lists: dict[str, etree._Element] = {}
    for el in list(bundle.getroot()):
        key = el.get(_KEY)
        if key not in used or not isinstance(el.tag, str):
            continue
        kind = _LISTS.get(etree.QName(el).localname)
        if kind is None:
            continue
        if kind not in lists:
            lists[kind] = etree.SubElement(stand_off, f"{_T}{kind}")
        entry = copy.deepcopy(el)
        for inner in entry.iter():
            if isinstance(inner.tag, str) and inner is not entry and inner.get(XML_ID):
                del inner.attrib[XML_ID]  # nested ids would clash across registers
        entry.set(XML_ID, used[key])
        lists[kind].append(entry)


PDF_CHOICES = ("per-document", "volume", "both")


def write_books(collection, out_dir, formats, *, books: str = "both",
                max_chars: int = pdf.DEFAULT_MAX_CHARS) -> tuple[list[Path], list[str]]:
    """The collection's own books, for ``build`` to call once after the documents:
    ``DIR/<collection>.txt`` (``text_volume``) when ``text`` is among the ``formats``,
    and the volume ``DIR/<collection>.pdf`` (or its parts) when ``pdf`` is and ``books``
    (``build --pdf``) is ``volume`` or ``both``. Reads the documents' text files the
    build wrote into ``out_dir``. Returns the files written and the problems, one line
    each (a volume that cannot be made is reported, and the rest of the build stands)."""
    from tei_edition.errors import TeiEditionError
    from tei_edition.publish import text_volume
    from tei_edition.xml.output import safe_child

    if books not in PDF_CHOICES:
        raise UsageError(f"--pdf must be one of {', '.join(PDF_CHOICES)} (got {books!r})")
    out = Path(out_dir)
    name = Path(getattr(collection, "root", "") or "collection").name or "collection"
    written: list[Path] = []
    problems: list[str] = []
    if "text" in formats:
        try:
            written.append(text_volume.write(collection, out, safe_child(out, name + ".txt")))
        except TeiEditionError as exc:
            problems.append(exc.located())
    if "pdf" in formats and books in ("volume", "both"):
        try:
            written.extend(write_volume(collection, safe_child(out, name + ".pdf"), max_chars=max_chars))
        except TeiEditionError as exc:
            problems.append(exc.located())
    return written, problems
