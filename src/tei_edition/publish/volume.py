"""The volume: one printed book of a whole collection (``DIR/<collection>.pdf``).

The engine calls ``write_books`` (``write_volume(collection, out_path)``) once per build (``build --pdf
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
with its own contents, typeset one after the other as one book: page numbers continue
from part to part, the earlier parts say where the index is, and the last part prints
one index of the whole volume, its page numbers taken from every part's layout (each
part reports its entries and the pages it printed them on through Typst metadata,
``<te-index-pages>``, which the last part's index merges with its own). ``plan`` tells
before any work how the volume will be divided.

Time: a part is one Typst run over up to ``max_chars`` of text, not one document: its
time limit grows with its size (``part_timeout``), so that a limit meant to stop a
runaway document does not stop a long book (the real letters' first part, 1,434
letters, was stopped after 300 seconds on a loaded machine).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tei_edition.collection import dates
from tei_edition.collection.model import given_place
from tei_edition.errors import UsageError
from tei_edition.publish.formats import ExportRequest
from tei_edition.publish.formats import pdf
from tei_edition.publish import typeset
from tei_edition.publish.site import _paragraphs, _title, catalogue_line, year_of
from tei_edition.entities.register import normalized_text
from tei_edition.entities.resolve import NAME_KINDS, TE_KEY, TE_REFS, resolve
from tei_edition.xml.parse import TE_NS, TEI_NS, XML_NS

_T = f"{{{TEI_NS}}}"
XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"
_NAMES = frozenset(NAME_KINDS)  # the policy's mentions (settlement, country ... too)
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


def plan(collection, *, max_chars: int = pdf.DEFAULT_MAX_CHARS, sizes: dict | None = None,
         withheld=frozenset()) -> list[Part]:
    """How the volume is divided: consecutive documents, each part's text under
    ``max_chars`` (one part when it all fits). ``sizes``: characters per document id
    when known (else each document is read once to count them). A single document over
    the limit cannot be printed in any part: that is said here, before any work.
    ``withheld``: the ids of documents not published (``build --strict``), left out."""
    if not isinstance(max_chars, int) or max_chars <= 0:
        raise UsageError(f"--max-chars must be a positive whole number (got {max_chars!r})")
    parts = [Part(1)]
    for document in published(collection, withheld):
        chars = (sizes or {}).get(document.id)
        if chars is None:
            chars = _chars(_text_of(document.parse(), document))
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


def published(collection, withheld=frozenset()) -> list:
    """The documents a collection's books print, in its order: all but those withheld
    from publication (their errors, ``build --strict``)."""
    return [d for d in collection.ordered() if d.id not in withheld]


# A part's Typst time limit: the limit of one document (typeset.DEFAULT_TIMEOUT) for
# each million characters it weighs (Typst set 1.5 million characters of real letters
# in about 10 seconds of CPU time, 37 seconds on a loaded machine: a wide margin).
TIMEOUT_CHARS = 1_000_000


def part_timeout(chars: int, timeout: float = typeset.DEFAULT_TIMEOUT) -> float:
    """The time limit of a Typst run over ``chars`` characters of text (as ``plan``
    weighs them): ``timeout`` per started million, never less than ``timeout``."""
    return timeout * max(1, -(-chars // TIMEOUT_CHARS))


def write_volume(collection, out_path, *, max_chars: int = pdf.DEFAULT_MAX_CHARS,
                 paper: str = "a4", keep_typst: bool = False,
                 timeout: float = typeset.DEFAULT_TIMEOUT,
                 withheld=frozenset()) -> tuple[list[Path], list[str]]:
    """Write the collection's volume (or its parts); returns the files written and the
    warnings of the PDF format and of Typst, one line each, named by the part's file
    (``letters-part2.pdf: warning: ...``). Each part is one Typst run; see ``plan``;
    its time limit is ``part_timeout`` of its size (``timeout`` per million characters).
    ``withheld``: see ``plan``."""
    out = Path(out_path)
    parts = plan(collection, max_chars=max_chars, withheld=withheld)
    written: list[Path] = []
    warnings: list[str] = []
    first_page, earlier = 1, []  # where the next part's pages start; the earlier parts' index
    for part in parts:
        label = part.label() if len(parts) > 1 else None
        tree = assemble(collection, part.documents, part=label,
                        first_number=1 + sum(len(p.documents) for p in parts[:part.number - 1]))
        target = out if len(parts) == 1 else out.with_name(f"{out.stem}-part{part.number}{out.suffix}")
        # the plan counted the documents' text; the book adds headings, the
        # introduction and the register entries it indexes
        extra = _chars(tree) - part.chars
        last = part is parts[-1]
        options = {"paper": paper, "max_chars": max_chars + max(extra, 0), "keep_typst": keep_typst,
                   "timeout": part_timeout(part.chars + max(extra, 0), timeout)}
        if len(parts) > 1:
            options["prelude"] = _part_prelude(first_page, None if last else f"Part {len(parts)}", earlier)
            if not last:
                options["query"] = "<te-index-pages>"
        request = ExportRequest(tree=tree, source=Path(collection.root) / out.name,
                                output=target, options=options)
        result = pdf.export(request)
        written.extend(result.outputs)
        warnings.extend(_book_warnings(result.warnings, request.source, target.name))
        if len(parts) > 1 and not last:
            reports = result.queried or []
            if not reports:
                raise UsageError(f"{target}: the part reported no page numbers for the index")
            first_page = reports[-1]["last-page"] + 1
            earlier.extend(reports[-1]["entries"])
    return written, warnings


def _book_warnings(warnings: list[str], source: Path, name: str) -> list[str]:
    """A part's warnings, named by its file (the format names the book's source, which
    is no file). The elements without a rendering rule of their own are left out: the
    documents' builds report them at their own lines, the book only repeats them at
    lines of the assembled tree, which exists nowhere."""
    prefix = f"{source}:"
    return [name + ":" + w[len(prefix):] if w.startswith(prefix) else w
            for w in warnings if "> has no rendering rule;" not in w]


def _part_prelude(first_page: int, index_in: str | None, earlier: list) -> str:
    """The Typst lines that make one part of a volume continue the previous parts
    (``edition.typ``: ``first-page``, ``index-in``, ``earlier-index``)."""
    lines = [f"#te.first-page.update({int(first_page)})"]
    if index_in:
        lines.append(f"#te.index-in.update({_typst_str(index_in)})")
    if earlier:
        data = json.dumps(earlier, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        lines.append(f"#te.earlier-index.update(json(bytes({_typst_str(data)})))")
    return "\n".join(lines) + "\n"


def _typst_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def assemble(collection, documents, *, resolve=resolve, part: str | None = None,
             first_number: int = 1):
    """The book as one TEI document (see the module's description); ``resolve(tree,
    source, register)`` decides each document's names (the collection's resolver)."""
    tei = etree.Element(f"{_T}TEI", nsmap={None: TEI_NS, "te": TE_NS})
    tei.set(f"{{{TE_NS}}}book", "collection")  # made of many files (the imprint says so)
    languages = [d.catalogue.language for d in documents if d.catalogue.language]
    if languages:
        tei.set(XML_LANG, max(sorted(set(languages)), key=languages.count))
    tei.append(_header(collection, part))
    stand_off = etree.SubElement(tei, f"{_T}standOff")
    text = etree.SubElement(tei, f"{_T}text")
    intro = _paragraphs(collection.introduction)
    if intro and (part is None or part.startswith("Part 1")):
        front = etree.SubElement(text, f"{_T}front")
        div = etree.SubElement(front, f"{_T}div", type="introduction")
        etree.SubElement(div, f"{_T}head").text = "Introduction"
        for para in intro:
            etree.SubElement(div, f"{_T}p").text = para
    body = etree.SubElement(text, f"{_T}body")
    register = collection.register
    used: dict[str, str] = {}  # collection key -> id in the book
    for offset, document in enumerate(documents):
        number = first_number + offset
        tree = document.parse()
        resolve(tree, Path(document.path), register)
        body.append(_division(tree, document, number, used, register))
    _entries(stand_off, register, used)
    if not len(stand_off):
        tei.remove(stand_off)
    return etree.ElementTree(tei)


def _header(collection, part: str | None):
    header = etree.Element(f"{_T}teiHeader")
    file_desc = etree.SubElement(header, f"{_T}fileDesc")
    title_stmt = etree.SubElement(file_desc, f"{_T}titleStmt")
    etree.SubElement(title_stmt, f"{_T}title", type="main").text = _title(collection)
    if part:
        etree.SubElement(title_stmt, f"{_T}title", type="sub").text = part
    for editor in collection.editors:
        etree.SubElement(title_stmt, f"{_T}editor").text = str(editor)
    publication = etree.SubElement(file_desc, f"{_T}publicationStmt")
    # The edition's date (edition.toml, or the corpus header's) is the volume's: on its
    # title page and as the PDF's date. Without one the volume is undated (pdf.py's
    # creation_date), never dated by the day it was built nor by 1970. Without one the
    # imprint says nothing of publication (it printed "Printed from the TEI of the
    # collection.": the encoding's name, and no fact of the edition).
    if collection.date:
        # (the title page, as a book's, gives the year; the imprint, te:words, the date
        # as the edition prints it: collection/dates.py, the one rule)
        date = etree.SubElement(publication, f"{_T}date", when=collection.date)
        date.text = collection.date[:4]
        words = dates.words(collection.date)
        if words:
            date.set(f"{{{TE_NS}}}words", words)
    source = etree.SubElement(file_desc, f"{_T}sourceDesc")
    etree.SubElement(source, f"{_T}p").text = _order_words(collection)
    return header


def _order_words(collection) -> str:
    """The imprint's source, in a reader's words: the edition's documents and the order
    they are printed in (it said "The documents of the collection, in catalogue order.",
    which told a reader nothing). The order is ``Collection.ordered``'s: the one
    ``edition.toml`` gives, then by date, the undated last."""
    last = [d.catalogue for d in collection.documents if d.catalogue.date_sort is None]
    # (a date whose year the editors declare unknown, edition.toml's [dates] unknown_year,
    # has no sort key but its words: "5 April, year unknown")
    unknown = sum(1 for e in last if getattr(e, "date_words", None) and e.date_words != "undated")
    by_date = "by date" + ("" if not last else ", the undated ones last" if not unknown
                           else ", those whose year is unknown last" if unknown == len(last)
                           else ", those whose year is unknown and the undated ones last")
    if not collection.config.order:
        return f"The documents of the edition, printed {by_date}."
    given = given_place(collection.config.order)
    if all(given(d) is not None for d in collection.documents):
        return "The documents of the edition, printed in the order the editors gave them."
    return f"The documents of the edition, printed in the order the editors gave them, the others after them {by_date}."


def _text_of(tree, document):
    """The part of a file that is the document: its division (``fragment``) or its text."""
    root = tree.getroot()
    fragment = document.fragment
    if fragment:
        for el in root.iter(f"{_T}div", f"{_T}div1", f"{_T}text"):
            if el.get(XML_ID) == fragment:
                return el
    return next(root.iter(f"{_T}text"), None)


def _chars(el) -> int:
    # counted as the PDF format's size guard counts (notes, names, cells weigh more)
    return pdf.weighted_chars(el)


def _division(tree, document, number: int, used: dict[str, str], register=None):
    """One document of the book: numbered heading with its source note, then its text,
    ids prefixed and names pointing to the book's register entries."""
    div = etree.Element(f"{_T}div", type="document", n=str(number))
    div.set(XML_ID, f"d{number}")
    head = etree.SubElement(div, f"{_T}head")
    head.text = catalogue_line(document.catalogue, number)
    _correspondents(head, document.catalogue, used, register)
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


_NAME_TAGS = {"person": "persName", "personGrp": "persName", "org": "orgName", "place": "placeName"}


def _correspondents(head, entry, used: dict[str, str], register) -> None:
    """A letter's sender and addressee, where the heading names them ("Oswald Heer an
    Alfred Escher, ..."), become names pointing to their register entries: the index
    gives the page of each letter they wrote or received, as a printed letter edition's
    does (named only in the catalogue, not in the text, they were not in it at all)."""
    text, spans = head.text, []
    for person in (entry.sender or []) + (entry.addressee or []):
        key, name = person.get("key"), (person.get("name") or "").strip()
        found = register.find(key) if register is not None and key and name else None
        where = text.find(name) if found is not None else -1
        if where >= 0 and not any(a < where + len(name) and where < b for a, b, *_ in spans):
            spans.append((where, where + len(name), key, found.kind))
    spans.sort()
    if not spans:
        return
    head.text = text[:spans[0][0]]
    for n, (a, b, key, kind) in enumerate(spans):
        el = etree.SubElement(head, f"{_T}{_NAME_TAGS.get(kind, 'name')}", ref="#" + _book_id(key, used))
        el.set(TE_REFS, key)
        el.text = text[a:b]
        el.tail = text[b:spans[n + 1][0] if n + 1 < len(spans) else None]


def _book_id(key: str, used: dict[str, str]) -> str:
    """The id in the book of the entry with this collection key: the same in every part
    of a volume (the index merges the parts by it)."""
    if key not in used:
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
        used[key] = "e-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", key).strip("-") + f"-{digest}"
    return used[key]


def _source_note(tree) -> str:
    """Where the document is: its manuscript's identifier ("BAR, CH-BAR#J1.67#1000/1363#176*,
    J I.67"), then where it is printed ("Jung/Fischer, Escher Briefe, Band 2, Nr. 38"),
    as the document's own imprint and text file name them."""
    root = tree.getroot()
    found = root.find(f"{_T}teiHeader/{_T}fileDesc/{_T}sourceDesc")
    if found is None:
        return ""
    sources = []
    ident = found.find(f".//{_T}msIdentifier")
    if ident is not None:
        parts = [normalized_text(c) for c in ident if isinstance(c.tag, str)]
        sources.append(", ".join(p for p in parts if p))
    bibls = found.findall(f"{_T}bibl")  # the source's own descriptions
    if not bibls and ident is None:
        bibls = found.findall(f".//{_T}bibl")[:1]
    sources += [normalized_text(bibl) for bibl in bibls]
    return "; ".join(s for s in sources if s)


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
        keys = el.get(TE_REFS, "").split()
        if "key" in el.attrib:
            del el.attrib["key"]
        if not keys:
            if "ref" not in el.attrib or el.get("ref").startswith("#") or "#" not in el.get("ref"):
                continue  # the document's own entry, or an authority URI
            del el.attrib["ref"]
            continue
        el.set("ref", " ".join("#" + _book_id(key, used) for key in keys))


def _entries(stand_off, register, used: dict[str, str]) -> None:
    if not used:
        return
    bundle = register.bundle(list(used))
    lists: dict[str, etree._Element] = {}
    for el in list(bundle.getroot()):
        key = el.get(TE_KEY)
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


def book_name(collection) -> str:
    """The stem of the collection's own books (``<name>.pdf``, ``<name>.txt``): its
    root folder's name."""
    return Path(collection.root).name or "collection"


def books_asked(formats, books: str) -> list[str]:
    """The suffixes of the collection's own books that ``formats`` and ``books`` (``build
    --pdf``) ask for: ``.txt`` with text, ``.pdf`` with pdf as a volume."""
    return ([".txt"] if "text" in formats else []) + \
        ([".pdf"] if "pdf" in formats and books in ("volume", "both") else [])


def write_books(collection, out_dir, formats, *, books: str = "both",
                max_chars: int = pdf.DEFAULT_MAX_CHARS,
                timeout: float = typeset.DEFAULT_TIMEOUT,
                withheld=frozenset()) -> tuple[list[Path], list[str]]:
    """The collection's own books, for ``build`` to call once after the documents:
    ``DIR/<collection>.txt`` (``text_volume``) when ``text`` is among the ``formats``,
    and the volume ``DIR/<collection>.pdf`` (or its parts) when ``pdf`` is and ``books``
    (``build --pdf``) is ``volume`` or ``both``. Reads the documents' text files the
    build wrote into ``out_dir``. Returns the files written and the problems, one line
    each: a book that cannot be made (the rest of the build stands) and the volume's
    warnings (``write_volume``; ``timeout``: its time limit per million characters).
    ``withheld``: the ids of the documents not published, which the books leave out."""
    from tei_edition.errors import TeiEditionError
    from tei_edition.publish import text_volume
    from tei_edition.xml.output import safe_child

    if books not in PDF_CHOICES:
        raise UsageError(f"--pdf must be one of {', '.join(PDF_CHOICES)} (got {books!r})")
    out = Path(out_dir)
    name = book_name(collection)
    written: list[Path] = []
    problems: list[str] = []
    asked = books_asked(formats, books)
    if ".txt" in asked:
        try:
            written.append(text_volume.write(collection, out, safe_child(out, name + ".txt"),
                                             withheld=withheld))
        except TeiEditionError as exc:
            problems.append(exc.located())
    if ".pdf" in asked:
        try:
            pdfs, warnings = write_volume(collection, safe_child(out, name + ".pdf"), max_chars=max_chars,
                                          timeout=timeout, withheld=withheld)
            written.extend(pdfs)
            problems.extend(warnings)
        except TeiEditionError as exc:
            problems.append(exc.located())
    return written, problems
