"""The collection site: the pages that belong to a collection rather than to one of its
documents (issue 15). The engine (``publish/build.py``) renders every document's own
page into ``DIR/html/<doc id>.html`` (one file, no folder: 4,816 letters made 4,816
folders) and then calls, once per build:

- ``publish.digest``: the document's digest, in the worker that rendered it, from
  what its page's stylesheet gave beside the page (``xslt/html/passages.xsl``, after
  ``entities.resolve`` wrote ``te:refs`` on its names): its passages (anchor and text)
  and mentions (collection key, anchor, context), small and picklable;
- ``page_parameters(collection, document)`` for the HTML stylesheet of each document's
  page (``collection-page``: header with catalogue data, citation, prev/next, formats,
  links of its names to the collection's registers, its facsimiles), and
  ``write_facsimiles(document, tree, html_dir)`` for the local images it shows;
- ``write_collection_site(collection, digests, out_dir)`` with every digest, which writes
  into ``out_dir`` (``DIR/html/``):

  ``index.html`` (title, editors, introduction, the catalogue table), ``catalogue.js``
  and ``catalogue/*.js`` (the catalogue as scripts, so that the table sorts and filters
  from ``file://``: the dates for the pages that list documents, titles and
  correspondents in chunks loaded for the rows in view, every row's correspondents
  when the table is filtered or sorted by them),
  ``search.html`` with ``search/*.js`` (the index in shards by term prefix, loaded on
  demand, and each document's passages for snippets), ``registers/`` (an index page per
  kind and letter with counts, a page per entry with its identifiers and its mentions
  grouped by document, a correspondent's letters by year), ``timeline.html``,
  ``map.html`` (an SVG drawn here from register coordinates), and ``assets/``.
  ``whole_file_pages(collection)`` gives its ``pages=`` when the documents of a file of
  many are rendered as that one file.

The pages are made by ``xslt/site/site.xsl`` from one XML description of the site that
this module assembles (``te:site``); the catalogue is JSON written here, the search
index by ``search_index``.
The same collection and digests give byte-identical files.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import json
import marshal
import multiprocessing
import os
import re
import threading
import unicodedata
from collections import Counter, defaultdict, deque
from copy import deepcopy
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from functools import cache
from operator import itemgetter
from pathlib import Path

from lxml import etree

from tei_edition import resources
from tei_edition.collection import dates
from tei_edition.entities.namefold import fold
from tei_edition.entities.register import see_also
from tei_edition.errors import ResourceError, TransformError
from tei_edition.publish import anchors, links, manifest, transform
# (a document's digest: made beside its page, ``publish.digest``)
from tei_edition.publish.digest import Digest, mention_marks
from tei_edition.publish.peak import own_peak
from tei_edition.publish.pool import descendants, human, kill_tree, tree_rss
from tei_edition.publish.search_index import (SearchIndex, name_terms, script_call, script_value,
                                               shard_prefix)
from tei_edition.publish.transform import escaped
from tei_edition.xml.output import SafeFolder, safe_child, write_atomic
from tei_edition.entities.resolve import NAME_KINDS, TE_KEY, TE_REFS
from tei_edition.collection.catalogue import file_title, header_title
from tei_edition.collection.model import COLLECTION_ROLES_NOTES
from tei_edition.xml.parse import TE_NS, TEI_NS

STYLESHEET = "site/site.xsl"
NAMES_STYLESHEET = "site/names.xsl"  # the common layer's index form and sort key per entry
SITE_NS = "urn:x-tei-edition:site"
ASSETS = ("site.css", "site.js", "search.js", "search-box.js")  # search.js: the search page's alone; search-box.js: every page's header
# What the collection site writes at its top (``DIR/html/``): no document's page or
# folder may take one of these places.
SITE_NAMES = frozenset(("index.html", "about.html", "search.html", "timeline.html", "map.html",
                        "catalogue.js", "assets", "catalogue", "registers", "search", "years",
                        "files"))
DOCUMENT_ASSETS = ("palette.css", "edition.css", "edition.js")  # the documents' assets; site.css imports palette.css too

_T = f"{{{TEI_NS}}}"
_S = f"{{{SITE_NS}}}"
_NAMES = frozenset(NAME_KINDS)  # the policy's mentions (settlement, country ... too)
_SPACES = re.compile(r"\s+")
TITLE_CHUNK = 25  # catalogue rows per file of ids and titles (a sorted table's rows in view
# come from as many files as there are rows: each stays small)
AUTHORITIES = {
    "gnd": "https://d-nb.info/gnd/{}", "viaf": "https://viaf.org/viaf/{}",
    "wikidata": "https://www.wikidata.org/wiki/{}", "geonames": "https://www.geonames.org/{}",
}


# ---------------------------------------------------------------- the collection


def href(document_id: str) -> str:
    """A document's page, relative to the site root (``DIR/html/``): one file,
    ``letters/L001.html``."""
    return f"{document_id}.html"


def file_page(source: str) -> str:
    """The contents page of a file of many documents, relative to the site root."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", str(source).removesuffix(".xml")).strip("-") or "file"
    return f"files/{stem}.html"


def whole_file_pages(collection) -> dict[str, str]:
    """``pages`` for ``write_collection_site`` when the documents of a file of many
    (divisions, FRUS-style) are rendered as that one file (``DIR/html/<file id>/``, as
    the build does): each document's page is the file's page at its division's anchor."""
    from tei_edition.collection.classify import document_divisions
    from tei_edition.xml.parse import parse_file

    pages: dict[str, str] = {}
    trees: dict[str, list] = {}
    for document in getattr(collection, "documents", []):
        if getattr(document, "part", None) != "division":
            continue
        path = str(document.path)
        if path not in trees:
            trees[path] = document_divisions(parse_file(path).getroot())
        divisions = trees[path]
        position = getattr(document, "position", None)
        if not position or position > len(divisions):
            continue
        unit = document.id.rsplit("/", 1)[0]
        pages[document.id] = f"{unit}/index.html#{anchors.anchor(divisions[position - 1])}"
    return pages


def root_prefix(document_id: str) -> str:
    """From a document's page (``href``) back to the site root: one ``../`` per folder
    the page is in."""
    return "../" * document_id.count("/")


def page_parameters(collection, document, tree=None, *, base_url: str | None = None,
                    formats=("pdf", "text")) -> dict:
    """The HTML stylesheet's ``collection-page`` parameter for one document's page: a
    small XML (te:page) with the way back to the collection, its catalogue data, a
    citation, previous/next in date order and within the correspondence, the other
    formats of the document, and (given the document's resolved ``tree``) where each
    register entry it names has its page on the collection site. The engine passes it
    to ``xslt/html/html.xsl`` with the document, as the text Saxon parses
    (``transform.XmlText``, written here: a letter's is some 11 KB of entity links,
    which a tree built, serialised and parsed again cost more than the text)."""
    entry = document.catalogue
    by_id = _once(collection, "documents", lambda c: {d.id: d for d in c.documents})
    up = root_prefix(document.id)
    page = [_page_start(collection, up)]
    for rel, target in (("prev", entry.prev), ("next", entry.next),
                        ("corresp-prev", entry.corresp_prev), ("corresp-next", entry.corresp_next)):
        if target and target in by_id:
            page.append(_element("link", (("rel", rel), ("href", up + _neighbour(by_id[target])),
                                          ("label", _line(by_id[target].catalogue)))))
    if getattr(entry, "fragment", None) and entry.source:
        page.append(_element("link", (("rel", "contents"), ("href", up + file_page(entry.source)),
                                      ("label", file_titles(collection).get(str(entry.source))
                                       or str(entry.source)))))
    for label, value in _facts(entry):
        page.append(_element("fact", (("label", label),), value))
    if getattr(entry, "roles_note", None):  # sender and addressee as the editors decided
        page.append(_element("roles-note", (), entry.roles_note))
    _formats(page, document.id, "../" * (document.id.count("/") + 1), formats)  # DIR/html/<id>.html
    _citation(page, collection, _line(entry), href(document.id), base_url, entry.identifier)
    _entities(page, collection, up, tree, document)
    if tree is not None:
        for facsimile in facsimiles(document, tree):
            page.append(_element("facsimile", (("facs", facsimile.facs), ("href", facsimile.href),
                                               ("remote", str(facsimile.source is None).lower()))))
    return {"collection-page": _page_text(page)}


_PAGE_END = "</te:page>"


def _page_start(collection, up: str) -> str:
    """The start tag of a page's ``collection-page`` (te:page: the way back to the
    collection's root, its title, whether it has a map)."""
    attributes = [("root", up), ("collection", _title(collection))]
    if has_map(collection):
        attributes.append(("map", "true"))
    return f'<te:page xmlns:te="{TE_NS}"{_attributes(attributes)}>'


def _element(name: str, attributes, text: str | None = None) -> str:
    """One te: element of a page's ``collection-page`` as XML text: its attributes
    (name, value) in order, its text if any."""
    start = f"<te:{name}{_attributes(attributes)}"
    return f"{start}/>" if text is None else f"{start}>{escaped(text)}</te:{name}>"


def _attributes(attributes) -> str:
    """(name, value) pairs as the attributes of a start tag, in order."""
    return "".join([f' {name}="{escaped(value)}"' for name, value in attributes])


def _page_text(page: list[str]) -> transform.XmlText:
    """A page's ``collection-page`` whole (its start tag and elements, ``page``)."""
    text = "".join(page) + _PAGE_END
    if _NOT_XML.search(text):  # (as lxml refused them, so does this: Saxon would fail later)
        raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes "
                         "or control characters")
    return transform.XmlText(text)


# What no XML 1.0 text holds (a value read from edition.toml might)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _neighbour(document) -> str:
    """A neighbour's page, relative to the site root. A division of a file of many is
    on the file's page (``whole_file_pages``, as the build renders it): at its own
    anchor when it has an xml:id, else at the top of the page (its anchor needs the
    whole file read; a letter beside it linked to ``<file>/3.html``, a page that is
    not there)."""
    if getattr(document, "part", None) != "division":
        return href(document.id)
    unit = document.id.rsplit("/", 1)[0]
    return f"{unit}/index.html" + (f"#{document.xml_id}" if getattr(document, "xml_id", None) else "")


def whole_file_parameters(collection, file_id: str, divisions, tree, *,
                          base_url: str | None = None, formats=("pdf", "text")) -> dict:
    """``collection-page`` for the page of a file of many documents rendered whole
    (``DIR/html/<file id>/index.html``, ``whole_file_pages``): the collection's header
    as on a letter's page, the way to the file's contents page, its other formats, how
    to cite it and where the names it holds have their register pages. No catalogue
    data or neighbours: those are its documents' (``divisions``), on its contents page.
    As text, as ``page_parameters``."""
    up = "../" * (file_id.count("/") + 1)
    page = [_page_start(collection, up)]
    root = tree.getroot()
    title = header_title(root.find(f"{_T}teiHeader")) or _leaf(file_id)
    source = next((d.catalogue.source for d in divisions
                   if getattr(getattr(d, "catalogue", None), "source", None)), None)
    if source:
        page.append(_element("link", (("rel", "contents"), ("href", up + file_page(source)),
                                      ("label", title))))
    _formats(page, file_id, up + "../", formats)
    _citation(page, collection, title, f"{file_id}/index.html", base_url, None)
    _entities(page, collection, up, tree, None)
    return {"collection-page": _page_text(page)}


def file_titles(collection) -> dict[str, str]:
    """The title of each file of many documents (its header's, ``header_title``), by
    its source as the catalogue names it: what its contents page is headed by. Only
    the header is read."""
    def read(collection) -> dict[str, str]:
        titles: dict[str, str] = {}
        for document in getattr(collection, "documents", []):
            entry = getattr(document, "catalogue", None)
            if not getattr(entry, "fragment", None) or not entry.source or entry.source in titles:
                continue
            titles[str(entry.source)] = file_title(document.path)
        return titles
    return _once(collection, "file titles", read)


def _formats(page: list[str], document_id: str, to_out: str, formats) -> None:
    """The document's other formats, beside ``DIR/html/`` (``to_out`` leads there from
    its page)."""
    for name, label, suffix in (("pdf", "PDF", ".pdf"), ("text", "plain text", ".txt")):
        if name in formats:
            page.append(_element("format", (("label", label), ("href", to_out + document_id + suffix))))


def _citation(page: list[str], collection, line: str, path: str, base_url: str | None,
              identifier: str | None) -> None:
    """How to cite a page: its catalogue line, the collection and its editors, and its
    address (``base_url`` + ``path``) or, with none, its shelfmark, which the page
    names as its Source line does (xslt/html, h:sources)."""
    base_url = base_url or getattr(getattr(collection, "config", None), "base_url", None)
    citation = f"{line.rstrip('.')}. In: {_title(collection)}"  # "s.d.": one stop
    editors = [str(e) for e in getattr(collection, "editors", None) or []]
    if editors:
        citation += ", ed. by " + ", ".join(editors)
    attributes = ()
    if base_url:
        attributes = (("url", base_url.rstrip("/") + "/" + path),)
    elif identifier:  # no address to cite (a page's relative path is none)
        attributes = (("shelfmark", identifier),)
        citation += "."
    page.append(_element("citation", attributes, citation))


_LINKS_HELD = 200_000  # names' entity links kept per collection (``_entities``)


def _entities(page: list[str], collection, up: str, tree, document) -> None:
    """Where each register entry the page names has its page on the collection site:
    from the resolved ``tree``, else the keys the collection model recorded for the
    ``document``. A name's links (its ``@ref`` ids and its keys, to the page of its
    first key) are written once per worker for the names alike (a collection's
    letters name the same entries again and again)."""
    register = _entry_pages(collection)
    seen: set[str] = set()
    if tree is not None:
        made = _once(collection, "entity links", lambda c: {})
        if len(made) > _LINKS_HELD:
            made.clear()
        for el in tree.getroot().iter(*_NAMES):
            refs = el.get(TE_REFS)
            if not refs:
                continue
            ref = el.get("ref")
            links = made.get((up, refs, ref))
            if links is None:
                links = made[(up, refs, ref)] = _entity_links(register, up, refs, ref)
            for ident, link in links:
                if ident not in seen:
                    seen.add(ident)
                    page.append(link)
    elif document is not None:
        for key in sorted(set(getattr(document, "register_refs", None) or [])):
            if key in register:
                page.append(_element("entity", (("id", key), ("href", f"{up}registers/{register[key]}.html"))))


def _entity_links(register: dict[str, str], up: str, refs: str, ref: str | None) -> tuple:
    """A name's entity links (id, its te:entity element), its ``@ref`` ids then its keys
    (``te:refs``), each to the page of its first key; none when that has no page."""
    keys = refs.split()
    if not keys or keys[0] not in register:
        return ()
    target_href = f"{up}registers/{register[keys[0]]}.html"
    ids = [t.rsplit("#", 1)[-1] for t in (ref or "").split() if "#" in t]
    return tuple((ident, _element("entity", (("id", ident), ("href", target_href))))
                 for ident in dict.fromkeys(ids + keys))


# ---------------------------------------------------------------- facsimiles

FACSIMILE = "facsimile"
_IMAGE = re.compile(r"\.(jpe?g|png|gif|webp|avif)$", re.I)
_REMOTE = re.compile(r"^https?://", re.I)


@dataclass
class Facsimile:
    """The image of one page break (``pb/@facs``, directly or through a ``surface``):
    a local file copied into a folder of the site named after the document, beside its
    page (``DIR/html/letters/L001/facsimile/001-p1.jpg`` for ``letters/L001.html``;
    ``href`` relative to the page), or a remote one (http, IIIF) that is only linked,
    never fetched."""

    facs: str  # the pb/@facs value it answers
    href: str
    source: Path | None  # the local file, None when remote


def facsimiles(document, tree) -> list[Facsimile]:
    """The facsimile of each page break of the document, in order. A local image must
    lie inside the document's own folder tree (no ``..`` out of it) and exist; others
    are left out."""
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    surfaces = {}
    for surface in root.iter(f"{_T}surface"):
        graphic = surface.find(f".//{_T}graphic")
        ident = surface.get("{http://www.w3.org/XML/1998/namespace}id")
        if ident and graphic is not None and graphic.get("url"):
            surfaces[ident] = graphic.get("url")
    folder = None  # (resolved once a local image asks for it: most documents have none)
    found: list[Facsimile] = []
    seen: set[str] = set()
    for pb in root.iter(f"{_T}pb"):
        facs = (pb.get("facs") or "").strip()
        if not facs or facs in seen:
            continue
        seen.add(facs)
        url = surfaces.get(facs[1:]) if facs.startswith("#") else facs.split()[0]
        if not url:
            continue
        if _REMOTE.match(url):
            found.append(Facsimile(facs, url, None))
            continue
        folder = folder or Path(document.path).resolve().parent
        local = (folder / url).resolve()
        if folder not in local.parents or not local.is_file() or not _IMAGE.search(local.name):
            continue
        name = f"{len(found) + 1:03d}-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", local.name)
        found.append(Facsimile(facs, f"{_leaf(document.id)}/{FACSIMILE}/{name}", local))
    return found


def facsimile_folder(document_id: str) -> str:
    """The folder of a document's local facsimiles, relative to the site root (made
    only for a document that has some)."""
    return f"{document_id}/{FACSIMILE}"


def _leaf(document_id: str) -> str:
    return document_id.rsplit("/", 1)[-1]


def write_facsimiles(document, tree, html_dir) -> list[Path]:
    """Copy the document's local facsimile images beside its page
    (``DIR/html/<doc id>/facsimile/``); the engine calls it with the page and records
    the files among the page's outputs."""
    written = []
    for facsimile in facsimiles(document, tree):
        if facsimile.source is None:
            continue
        name = facsimile.href.rsplit("/", 1)[-1]
        target = safe_child(Path(html_dir), f"{facsimile_folder(document.id)}/{name}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(facsimile.source.read_bytes())
        written.append(target)
    return written


def _facts(entry) -> list[tuple[str, str]]:
    facts = [("Date", printed_date(entry))]
    for label, people in (("From", entry.sender), ("To", entry.addressee)):
        names = "; ".join(p.get("name") or "" for p in (people or []) if p.get("name"))
        if names:
            facts.append((label, names))
    for label, place in (("Place", entry.place_sent), ("Received at", entry.place_received)):
        if place and place.get("name"):
            facts.append((label, place["name"]))
    if entry.language:
        facts.append(("Language", entry.language))
    if entry.identifier:
        facts.append(("Identifier", entry.identifier))
    return facts


def _title(collection) -> str:
    return str(getattr(collection, "title", "") or "Collection")


def _line(entry) -> str:
    """The catalogue line of a document: its title, else who to whom, where, when."""
    if entry.title:
        return entry.title
    who = " and ".join(p["name"] for p in entry.sender if p.get("name"))
    to = " and ".join(p["name"] for p in entry.addressee if p.get("name"))
    if who or to:
        parts = [(who or "Unknown sender") + (f" to {to}" if to else "")]
    else:
        parts = ["Untitled document"]
    if entry.place_sent and entry.place_sent.get("name"):
        parts.append(entry.place_sent["name"])
    parts.append(printed_date(entry))
    return ", ".join(parts)


def printed_date(entry) -> str:
    """The date as the edition prints it (``collection/dates.py``, the one rule): "9 April
    1843", "April 1836?", "1845"; a source's date in no ISO value as written; else
    "undated"."""
    words = getattr(entry, "date_words", None) or (entry.date and dates.words(entry.date, entry.date_text))
    if words:  # (an entry made without the catalogue's reading: its words made here)
        return words
    if entry.date_sort or entry.date:  # a value the rule cannot put in words: as written
        return entry.date_text or entry.date
    return "undated"


def catalogue_line(entry, number: int | None = None) -> str:
    """"12. Alfred Escher to Oswald Heer, Zürich, 12 October 1836" (volume, text file)."""
    return (f"{number}. " if number is not None else "") + _line(entry)


def year_of(entry) -> int | None:
    match = re.match(r"^-?(\d{4})", entry.date or "")
    return int(match.group(1)) if match and match.group(1) != "0000" else None


# ---------------------------------------------------------------- writing the site


@dataclass
class Previous:
    """The site an earlier build wrote, for ``write_collection_site`` to take over what
    has not changed: its folder, what each part was made from (part -> (key, its files)),
    and the content hash of each of its files (all relative to ``folder``)."""

    folder: Path
    parts: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)


OVERVIEW = "overview"  # the part of the pages every change of the catalogue or registers touches


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def write_collection_site(collection, digests, out_dir, *, full_registers: bool = False,
                          downloads: list[tuple[str, str]] = (), pages: dict | None = None,
                          previous: Previous | None = None, salt: str = "",
                          known: dict | None = None, jobs: int = 1,
                          memory: int | None = None, intake: "Intake | None" = None,
                          keep: str | os.PathLike | None = None,
                          described: tuple | None = None, ahead=None, pages_by=None) -> dict:
    """Write the collection's own pages, catalogue, registers and search index into
    ``out_dir`` (``DIR/html/``, beside the documents' pages). ``digests``: one
    ``Digest`` per document (any order; a document without one has no passages or
    mentions), any iterable: given one at a time, what is not kept of them is freed
    once read. ``full_registers``: list entries no document mentions too.
    ``downloads``: (label, path relative to ``out_dir``) shown on the home page, e.g.
    ``("The volume (PDF)", "../letters.pdf")``. ``pages``: document id -> its page
    relative to ``out_dir`` when it is not ``<id>.html`` (a file of many documents
    rendered whole: ``volumes/frus/index.html#d1``). Also copies ``assets/`` (the
    collection's and the documents' pages' own).

    Incremental with ``previous`` (an earlier build's site, in another folder): the
    pages are made in parts, the overview (home, registers' indexes, timeline, years,
    map ...) and each register entry's pages, each under a key (``salt``, what the
    tool and options are, and the part of the site description its pages read); a part
    whose key is the previous one's is not made again but its files linked over. Every
    other file (catalogue, search index, assets) is made and linked over when its
    content is the previous file's. The files are those a build without ``previous``
    writes, byte for byte.

    ``known``: the register entries' details an earlier build found (its ``details``),
    taken over for the entries that did not change (made with the same ``salt``).
    ``intake``: the digests taken in so far (``Intake``, for ``out_dir``: ``digests``
    are the others), closed here. ``keep``: a file to keep what was taken in for the
    next build's ``Intake.restore`` (written when every digest has its stamp).
    ``described``: (the previous build's file, this build's, a key of the collection)
    of what the site's description was made of and the keys it gave (``_Described``):
    when it was made of the same, the description is made only of the entries whose
    pages are made again. The key of the collection is the caller's: of everything the
    site reads of it but the digests (its words and settings, the catalogue in order,
    the register, the tool and options, the pages and titles of files of many).
    ``ahead``: a call giving the names of the previous site's files (relative to
    ``out``) linked into ``out`` ahead, while the documents were rendered: those of the
    parts kept, and the files whose contents are the same, are not linked again; the
    caller removes those the site does not have.
    ``pages_by``: a call making the pages of one input of the site stylesheet elsewhere
    (its text, the folder: the pages' (part, name, text), None: made here), used when no
    child process makes them (a worker that has the stylesheet compiled).
    ``jobs``: above 1, a child process makes the pages when they are more than one
    batch (``_batches``), which keeps this process's memory to what it holds (the
    figures' ``child_peak``, and ``together_peak`` with this process's). ``memory``:
    a child whose memory passes it (bytes; a build's ``--max-memory`` per worker) is
    stopped, and the site with it (a ``TransformError``).

    Returns figures: files written and kept (linked over), bytes of the search index and
    of the text it indexes, shards, ``paths``: every file, relative to ``out_dir``;
    ``parts`` and ``hashes`` for the next build's ``Previous``, ``details`` for its
    ``known``."""
    out = Path(out_dir)
    # the search index made as the digests are read, spilled to files as it is built
    # (not held here), in a folder of ``out`` removed however the site ends (an error,
    # Ctrl-C: none is left in the build folder)
    with intake if intake is not None else Intake(collection, out) as taken, _Children() as children:
        for found in digests:
            taken.add(found)
            del found
        return _write_collection_site(collection, taken, out, full_registers=full_registers,
                                      downloads=downloads, pages=pages, previous=previous,
                                      salt=salt, known=known, jobs=jobs, memory=memory,
                                      keep=keep, described=described, ahead=ahead,
                                      pages_by=pages_by, children=children)


# what ``Intake.keep`` writes (another version is read as none)
_KEPT = "tei-edition site intake 3"
# documents whose digests the intake kept may no longer hold (read again by every
# build) before it is written anew: at least this many, or a fiftieth of the documents
KEPT_APART = 16
# what it keeps is written and read in pieces (``marshal`` records one after the other:
# its head, then each table's size and its items, at most this many a record), so that
# neither holds the file's bytes whole beside its values (240 MB for 5,000 letters)
KEPT_PIECE = 500


def _dump_table(count: int, items, file) -> None:
    """A table of ``count`` (key, value) ``items`` written to ``file`` in pieces."""
    marshal.dump(count, file)
    items = iter(items)
    while piece := dict(itertools.islice(items, KEPT_PIECE)):
        marshal.dump(piece, file)


def _load_table(file) -> dict:
    """A table ``_dump_table`` wrote (ValueError, EOFError: not one)."""
    count, table = marshal.load(file), {}
    if not isinstance(count, int):
        raise ValueError("no table kept here")
    while len(table) < count:
        piece = marshal.load(file)
        if not isinstance(piece, dict) or not piece:
            raise ValueError("no table kept here")
        table.update(piece)
    return table
# the separators of what it keeps packed, one string per entry: before each document
# (or mention), and between a document and its mark (a mention's fields); neither is
# in any XML text, name or identifier
_ITEM, _FIELD = "\x1e", "\x1f"


class Mentions:
    """Entry key -> its mentions (document, anchor, snippet; documents in the catalogue's
    order): a list each, or packed (one string, as ``Intake.keep`` keeps them) until the
    entry's mentions are read (``get``); ``count`` reads none."""

    def __init__(self, lists: dict[str, list] | None = None,
                 packed: dict[str, tuple[int, str]] | None = None) -> None:
        self.lists = lists if lists is not None else {}
        self.packed = packed if packed is not None else {}

    def get(self, key: str, default=None):
        found = self.lists.get(key)
        if found is None:
            packed = self.packed.get(key)
            if packed is None:
                return default
            found = self.lists[key] = [tuple(item.split(_FIELD)) for item in packed[1].split(_ITEM)[1:]]
        return found

    def count(self, key: str) -> int:
        found = self.lists.get(key)
        if found is not None:
            return len(found)
        return self.packed[key][0] if key in self.packed else 0

    def packed_all(self) -> dict[str, tuple[int, str]]:
        """Every entry's mentions packed (``Intake.keep``)."""
        packed = dict(self.packed)
        for key, found in self.lists.items():
            if found:
                packed[key] = (len(found), "".join([f"{_ITEM}{d}{_FIELD}{a}{_FIELD}{s}"
                                                    for d, a, s in found]))
            else:
                packed.pop(key, None)
        return packed


class Intake:
    """The digests as the collection site takes them in, one at a time, in any order:
    each document's passages and postings into the search index (``index``, spilled to
    a folder of its own in ``out``, removed by ``close``) and what the site's pages read
    of it kept (``by_digest``: its mentions and their marks). A build takes in the
    digests of the documents it did not render while its workers render the others.

    What it took in is kept in the build folder (``keep``: the index's share of each
    document, the mentions and marks by entry, each document's digest stamp), so that
    the next build takes the unchanged documents in at once (``restore``) and reads
    only the digests that changed: it then reads the entries those documents name, and
    of the others only their counts and marks, packed."""

    def __init__(self, collection, out) -> None:
        Path(out).mkdir(parents=True, exist_ok=True)
        self.entries = list(collection.catalogue())
        self.numbers = {e.id: n for n, e in enumerate(self.entries)}
        self.index = SearchIndex(spill=out)
        self.by_digest: dict[str, Digest] = {}
        self._out = out
        # restored (``restore``): document -> its digest's stamp; entry key -> the
        # mentions of those documents (``Mentions.packed``); entry key -> the documents
        # that mention it and their marks of it (each joined by ``_ITEM``, in the
        # catalogue's order)
        self.restored: dict[str, str] = {}
        self._mentions: dict[str, tuple[int, str]] = {}
        self._marked: dict[str, tuple[str, str]] = {}
        self._kept_from: str | None = None  # the file restored from

    def add(self, found: Digest) -> None:
        """One document's digest (nothing of it kept but its mentions and marks)."""
        if found.id in self.restored:  # (a digest of it restored: this one instead)
            self._drop({found.id})
        if found.id in self.numbers:
            self.index.add(self.numbers[found.id], found)
        self.by_digest[found.id] = replace(found, passages=[], terms=None, groups=None)

    def restore(self, path, names) -> set[str]:
        """Take in what ``keep`` wrote in ``path`` of the digests named ``names`` (the
        stamps' names: the build folder's names of the digest files), when it was kept
        for this catalogue (the same documents in the same order) by this version;
        the names of the digests taken in. Nothing is taken in from a file that is
        missing, unreadable, of another version or of another catalogue."""
        if self.restored or self.by_digest or not names:
            return set()
        try:
            with open(path, "rb") as file:  # (its head first: nothing more of another's)
                kind, tool, numbers, stamps = marshal.load(file)
                if kind != _KEPT or tool != manifest.tool_digest() or numbers != self.numbers or \
                        not isinstance(stamps, dict):
                    return set()
                index = marshal.load(file)
                if not isinstance(index, dict):
                    return set()
                for table in ("postings", "holders", "texts"):
                    index[table] = _load_table(file)
                mentions, marked = _load_table(file), _load_table(file)
            wanted = set(names)
            taken = {d: stamp for d, stamp in stamps.items()
                     if isinstance(stamp, str) and stamp.partition(":")[0] in wanted}
            self.index.restore(index)
        except (OSError, EOFError, ValueError, TypeError, KeyError, AttributeError):
            self.index.close()  # (what the index took in of it, if any, goes)
            self.index = SearchIndex(spill=self._out)
            return set()
        self.restored, self._mentions, self._marked = stamps, mentions, marked
        self._drop(set(stamps) - set(taken))
        self._kept_from = str(path)
        return {stamp.partition(":")[0] for stamp in taken.values()}

    def _drop(self, documents: set[str]) -> None:
        """Restored documents taken out again (their digests changed, or they went)."""
        if not documents:
            return
        for d in documents:
            self.restored.pop(d, None)
            if d in self.numbers:
                self.index.drop(self.numbers[d])
        # the entries they mention: those whose marks name them (a document marks each
        # entry it mentions, ``mention_marks``), found in the short lists of documents
        # (not in every entry's mentions, the bulk of what was kept)
        # (each list searched as it is first, without a copy of it ended by separators)
        signs = [f"{_ITEM}{d}{_ITEM}" for d in documents]
        named_by = []
        for key, (named, marks) in self._marked.items():
            if any(d in named for d in documents) and \
                    any(sign in f"{_ITEM}{named}{_ITEM}" for sign in signs):
                named_by.append(key)
        for key in named_by:
            named, marks = self._marked[key]
            pairs = [(d, m) for d, m in zip(named.split(_ITEM), marks.split(_ITEM)) if d not in documents]
            self._marked[key] = (_ITEM.join(d for d, _ in pairs), _ITEM.join(m for _, m in pairs))
            if key not in self._mentions:
                continue
            left = [item for item in self._mentions[key][1].split(_ITEM)[1:]
                    if item.partition(_FIELD)[0] not in documents]
            self._mentions[key] = (len(left), "".join(_ITEM + item for item in left))

    def tables(self) -> tuple[Mentions, dict, dict]:
        """Of every digest taken in: entry key -> its mentions (``Mentions``), entry key
        -> (the documents that mention it, their marks of it; each joined by ``_ITEM``,
        in the catalogue's order), document -> its digest's stamp (None: not known)."""
        numbers = self.numbers
        lists: dict[str, list] = defaultdict(list)
        pairs: dict[str, list] = defaultdict(list)
        for entry in self.entries:
            d = entry.id
            found = self.by_digest.get(d)
            if found is None:
                continue
            for key, anchor, snippet in found.mentions:
                lists[key].append((d, anchor, snippet))
            for key, mark in (found.marks if found.marks is not None
                              else mention_marks(found.mentions)).items():
                pairs[key].append((d, mark))
        packed = {key: value for key, value in self._mentions.items() if value[0]}
        mentions = Mentions(packed=packed)
        for key, found in lists.items():
            if key in packed:  # (the documents taken in now among those restored: in order)
                found = mentions.get(key) + found
                found.sort(key=lambda m: numbers[m[0]])
            mentions.lists[key] = found
        marked = dict(self._marked)
        for key, found in pairs.items():
            if key in marked and marked[key][0]:
                named, marks = marked[key]
                found = sorted([*zip(named.split(_ITEM), marks.split(_ITEM)), *found],
                               key=lambda pair: numbers[pair[0]])
            marked[key] = (_ITEM.join(d for d, _ in found), _ITEM.join(m for _, m in found))
        marked = {key: value for key, value in marked.items() if value[0]}
        stamps: dict[str, str | None] = dict(self.restored)
        stamps.update((d, found.stamp) for d, found in self.by_digest.items())
        return mentions, marked, stamps

    def keep(self, path, tables: tuple[Mentions, dict, dict]) -> None:
        """What was taken in (``tables``: ``tables()``), for the next build's ``restore``
        (written whole or not at all); before the index is read for the site. When
        all but a few digests (``KEPT_APART``) were restored, the file restored from is
        linked over instead."""
        mentions, marked, stamps = tables
        if any(stamp is None for stamp in stamps.values()):
            return  # (digests not from a build folder: nothing to name them by)
        if self._kept_from is not None and \
                len(stamps) - len(self.restored) <= max(KEPT_APART, len(self.numbers) // 50):
            # the file restored from, as it is: the next build takes in from it what is
            # still the same and reads the few digests that are not (a rebuild of a
            # letter or two rewrites no file of every document's share)
            try:
                links.link_path(self._kept_from, str(path))
                return
            except OSError:
                pass
        partial = Path(f"{path}.{os.getpid()}.partial")
        try:
            with open(partial, "wb") as file:
                marshal.dump((_KEPT, manifest.tool_digest(), self.numbers, stamps), file)
                index = self.index.state()
                tables = {table: index.pop(table) for table in ("postings", "holders")}
                marshal.dump(index, file)
                for table in tables.values():
                    _dump_table(len(table), table.items(), file)
                del tables
                _dump_table(len(self.index.texts), self.index.text_items(), file)
                packed = mentions.packed_all()
                _dump_table(len(packed), packed.items(), file)
                del packed
                _dump_table(len(marked), marked.items(), file)
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def close(self) -> None:
        """The index's spill removed (again: nothing)."""
        self.index.close()

    def __enter__(self) -> "Intake":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _write_collection_site(collection, taken: Intake, out: Path, *, full_registers: bool,
                           downloads, pages: dict | None, previous: Previous | None, salt: str,
                           known: dict | None, jobs: int, memory: int | None,
                           keep: Path | None = None, described: tuple | None = None,
                           ahead=None, pages_by=None,
                           children: "_Children | None" = None) -> dict:
    """``write_collection_site`` once every digest is ``taken`` in (closed by the caller).
    ``children``: where the child processes making the pages are started ahead, when
    they will be (closed by the caller)."""
    entries, numbers, index = taken.entries, taken.numbers, taken.index
    mentions, marked, stamp_of = taken.tables()
    if children is not None and jobs > 1 and (previous is None or not previous.folder.is_dir()) \
            and _batch_count(mentions) >= max(2, jobs - 1):
        # a whole site of many batches: its children (as many as ``jobs``, below) start and
        # compile the stylesheet while this process describes the site (a second or more)
        children.start(jobs, out)
    if keep is not None:
        taken.keep(keep, (mentions, marked, stamp_of))
    taken.by_digest = {}  # (what the site does not keep of them goes with it, below)
    for entry in entries:
        if entry.id not in stamp_of:
            index.add(numbers[entry.id], None)
    register = _register_entries(collection)
    # the documents that mention each entry (in the catalogue's order), from their marks
    documents = {key: named.split(_ITEM) for key, (named, _) in marked.items() if key in register}
    letters = _letters_by_role(entries, register)  # each correspondent's, sent and received
    pages = dict(pages or {})
    base = [salt, STYLESHEET, str(full_registers)]

    def described_whole():
        made = _site_data(collection, entries, register, mentions, numbers, full_registers,
                          pages, known, documents, letters)
        for label, target in downloads:
            etree.SubElement(made, f"{_S}download", href=target).text = label
        _map_windows(made)
        return made

    # what the description is made of: when the previous build's was made of the same
    # (and its entries' details are known), its keys are taken over and the description
    # is made later, of the entries whose pages are made again
    source = _Described.source(described[2], register, mentions, marked, base, pages,
                               downloads) if described is not None else None
    before = _Described.read(described[0], source) \
        if source is not None and known is not None else None
    data = None
    if before is None:
        data = described_whole()
        now = _Described.of(data, base, documents, source)
    else:
        now = before
    # the parts and their keys: the overview reads all but the mentions; an entry's
    # pages read the entry, the documents that name it and the page shell
    # (``_Described``), and its mentions, named by the signatures of them the digests
    # hold (``marked``)
    shown = now.shown
    no_marks = ("", "")
    parts: dict[str, str] = {OVERVIEW: now.overview}
    for key, made_of in zip(shown, now.entities):
        parts[f"entity {key}"] = manifest.key(made_of, *marked.get(key, no_marks))
    del marked
    if source is not None:
        now.write(described[1])
    # the overview's and the entries' parts whose keys are the previous build's: their
    # files linked over meanwhile (by a thread of their own when they are many)
    old = previous if previous is not None and previous.folder.is_dir() else None
    linked = ahead() if ahead is not None else set()
    if old is None:  # (nothing to take over: none of them is kept, nor written into)
        for name in linked:
            Path(out, name).unlink(missing_ok=True)
        linked = set()
    writer = _Writer(out, old.folder if old is not None else None, old.hashes if old is not None else None,
                     linked=linked)
    linking = _PartLinks(old, writer, parts)
    # the search index in parts too (when every digest has its stamp): the shards of
    # each group of terms, read from the documents holding them, and each document's
    # passages
    _search_entities(index, described, source, lambda: index.add_entities(
        register, mentions, numbers, documents, shown,
        letters={key: [d for ids in roles.values() for d in ids] for key, roles in letters.items()}))
    if data is not None:
        del documents  # (else the entries described later read it)
    index_parts: dict[str, str] = {}
    if all(stamp is not None for stamp in stamp_of.values()):
        stamps = {numbers[e.id]: stamp_of.get(e.id) or "" for e in entries}
        for group, made_of in index.group_keys():
            index_parts[f"search {group}"] = manifest.key(*base, "search", group, made_of)
        for number, stamp in stamps.items():
            index_parts[f"search text {number}"] = manifest.key(*base, "search text", str(number), stamp)
    # what is kept of the digests is in ``mentions`` and the index: the rest (their
    # mentions as read, their marks) goes now, unless the caller holds them
    del stamp_of
    folder = writer.folder
    hashes: dict[str, str] = {}
    written = kept = 0

    # the parts whose keys are the previous build's: their files linked over (those of
    # the search index now, the others' meanwhile)
    kept_parts: set[str] = set()
    for linked in (_PartLinks(old, writer, index_parts, here=True), linking):
        for part, names in linked.kept().items():
            kept_parts.add(part)
            kept += len(names)
            hashes.update((name, old.hashes[name]) for name in names)
    if data is None:  # (described as before: made now, of what its pages read)
        if OVERVIEW not in kept_parts:
            data = described_whole()
        else:  # the entries made again, and the first with a place (the pages' Map link)
            again = {key for key in shown if f"entity {key}" not in kept_parts}
            data = _site_data(collection, entries, register, mentions, numbers, full_registers,
                              pages, known, documents, letters, only=again | {now.mapped})
            data.attrib.clear()
            data.attrib.update(now.attrib)
    pending = []  # the entries whose pages are made, a batch at a time (below)
    for el in list(data.iter(f"{_S}entity")):
        if f"entity {el.get('key')}" in kept_parts:
            if OVERVIEW in kept_parts and el.find(f"{_S}geo") is None:
                data.remove(el)  # only the overview reads the entries whose pages are kept
        else:
            pending.append(el)
        el.set("pages", "skip")

    part_files: dict[str, list[str]] = {part: [] for part in parts}
    files_written: list[tuple[str, str, bool]] = []  # (name, hash, written) of the files below
    index_bytes = [0]  # the search index's files (``write_files``)

    def write_files() -> None:
        """The catalogue, the search index and the assets (while the pages are made, when
        child processes make them)."""
        files: dict[str, bytes] = {}
        files.update(_catalogue_files(entries, register, pages))
        if index_parts:
            kept_groups = {part[len("search "):] for part in kept_parts
                           if part.startswith("search ") and not part.startswith("search text ")}
            index_files = index.files(
                groups={part[len("search "):] for part in index_parts
                        if not part.startswith("search text ")} - kept_groups,
                documents={number for number in index.texts if f"search text {number}" not in kept_parts},
                other_prefixes=[prefix for group in kept_groups for name in old.parts[f"search {group}"][1]
                                if (prefix := shard_prefix(name)) is not None])
            for number in sorted(index.texts):
                if f"search text {number}" not in kept_parts:
                    part_files[f"search text {number}"] = index.text_names(number)
        else:
            index_files = index.files()
        files.update(_assets())

        # (the index's files read one at a time from where they were made)
        for name, data_bytes in heapq.merge(sorted(files.items()), index_files, key=itemgetter(0)):
            files_written.append((name, *writer.write(name, data_bytes)))
        # (those it made, once all are read, and those kept: linked, so plain names of
        # files under ``folder``, whose sizes are read without following anything)
        root = str(folder.root)
        index_bytes[0] = index.bytes + sum(
            os.lstat(os.path.join(root, name)).st_size for part in kept_parts
            if part.startswith("search ") for name in old.parts[part][1]) if index_parts else index.bytes
        for group, names in index.shard_files.items() if index_parts else ():
            part_files[f"search {group}"] = names

    batches = _batches(pending, mentions)
    inputs = _stylesheet_inputs(data, batches, mentions, overview=OVERVIEW not in kept_parts)
    # (child processes cost their start: not for the few entries of a rebuild)
    peak = [0, 0]  # the children's own peak; the peak of this process and them together
    count = max(1, min(jobs, len(batches) + (OVERVIEW not in kept_parts))) \
        if jobs > 1 and len(batches) > 1 else 0
    for part, name, digest, wrote in _made_pages(inputs, writer, count, peak, write_files,
                                                 memory=memory, pages_by=pages_by,
                                                 ahead=children):
        hashes[name] = digest
        written, kept = written + wrote, kept + (not wrote)
        part_files.setdefault(part, []).append(name)
    for name, digest, wrote in files_written:  # after the pages, as they were made
        hashes[name] = digest
        written, kept = written + wrote, kept + (not wrote)
    for part in kept_parts:
        part_files[part] = list(old.parts[part][1])
    return {"files": len(hashes), "index_bytes": index_bytes[0], "text_bytes": index.text_bytes,
            "shards": index.shard_count, "paths": sorted(hashes), "written": written, "kept": kept,
            "parts": {part: (parts[part] if part in parts else index_parts[part], sorted(names))
                      for part, names in part_files.items()},
            "hashes": hashes,
            "details": details(collection, shown) if before is None else known,
            "child_peak": peak[0],
            "together_peak": peak[1]}


# what ``_search_entities`` keeps (another version is read as none)
_ENTITIES = "tei-edition site entities 2"


def _search_entities(index: SearchIndex, described: tuple | None, made_of: str | None, add) -> None:
    """The search index's entities (``SearchIndex.add_entities``: each entry's row, its
    documents and its terms), which read nothing but what the site's description is
    made of (``made_of``, ``_Described.source``): taken over from the previous build's
    folder when its were made of the same (``described``: its file and this build's,
    beside which they are kept, ``manifest.SITE_ENTITIES``), else made (``add()``) and
    kept for the next build. A rebuild whose letter's edit changed no entry's mentions
    but their snippets made them again (seven thousand entries for a thousand letters)."""
    if made_of is None or described is None or described[1] is None:
        add()
        return
    old, new = (Path(p).with_name(manifest.SITE_ENTITIES) if p is not None else None
                for p in described[:2])
    restored = False
    if old is not None:
        try:
            with open(old, "rb") as file:
                kind, source = marshal.load(file)
                restored = kind == _ENTITIES and source == made_of and \
                    index.restore_entities(marshal.load(file))
        except (OSError, EOFError, ValueError, TypeError):
            pass
    if restored:  # (the file as it is, linked over; written anew if it cannot be)
        try:
            links.link_path(str(old), str(new))
            return
        except OSError:
            pass
    else:
        add()
    try:
        kept = marshal.dumps((_ENTITIES, made_of), 2) + marshal.dumps(index.entity_state(), 2)
    except ValueError:  # (a string of a kind of its own: not kept, made again next time)
        return
    write_atomic(new, kept)


# what ``_Described.write`` keeps (another version is read as none)
_DESCRIBED = "tei-edition site description 1"


@dataclass
class _Described:
    """What the site's description (``_site_data``) was made of (``made_of``: a key of
    all it reads) and what the keys of the site's parts read of it: the overview's key,
    the entries it shows (in its order) and, for each, a key of its element, the
    documents that name it and the page shell (its part's key adds its mentions' marks,
    which the description does not read); the description's own attributes (the map's
    windows) and the first entry with a place (the pages' Map link). A rebuild whose
    description would be made of the same takes these over from the build folder
    (``read``) and describes only the entries whose pages are made again: a letter's
    edit that changes no entry's mentions but their snippets made the description of
    every entry again (seven thousand for a thousand letters) to find the same keys."""

    made_of: str
    overview: str
    shown: list[str]
    entities: list[str]
    attrib: dict[str, str]
    mapped: str | None

    @staticmethod
    def source(collection_key: str, register: dict, mentions: Mentions, marked: dict,
               base: list[str], pages: dict, downloads) -> str | None:
        """A key of what the description is made of: the collection (``collection_key``,
        the caller's: its words, catalogue and register), each ``register`` entry's count
        of mentions and the documents that name it, the pages of files of many, the
        downloads and ``base`` (the tool, options and stylesheet). None: no key given."""
        if not collection_key:
            return None
        no_marks = ("", "")
        return manifest.key(*base, "site description", collection_key,
                            json.dumps([sorted(pages.items()), [list(d) for d in downloads]]),
                            "\n".join([f"{key}\t{mentions.count(key)}\t{marked.get(key, no_marks)[0]}"
                                       for key in register]))

    @staticmethod
    def of(data, base: list[str], documents: dict, made_of: str | None) -> "_Described":
        """The keys of the description ``data`` (``documents``: key -> the documents
        that mention it)."""
        docs = {el.get("id"): etree.tostring(el) for el in data.iter(f"{_S}doc")}
        shell = [data.get("title", ""), data.get("documents", ""), data.get("map", "")]
        # each document as an entry's pages show it (its catalogue line), hashed once: an
        # entry's key names each of its documents by that hash (a hundred thousand of
        # them in a thousand letters)
        shown_as = {d: hashlib.blake2b(line, digest_size=16).hexdigest() for d, line in docs.items()}
        head = manifest.key(*base, *shell)
        shown, entities, mapped = [], [], None
        for el in data.iter(f"{_S}entity"):
            key = el.get("key")
            # its lines are made of these alone: the documents that mention it (each once,
            # in the catalogue's order) and its letters (in that order too), each once
            named = dict.fromkeys(documents.get(key, ()))
            named.update(dict.fromkeys(x.get("doc") for x in el.iter(f"{_S}letter")))
            shown.append(key)
            entities.append(manifest.key(head, etree.tostring(el), "\n".join(
                [shown_as.get(d, "-") for d in named])))
            if mapped is None and el.find(f"{_S}geo") is not None:
                mapped = key
        return _Described(made_of or "", manifest.key(*base, etree.tostring(data)), shown,
                          entities, dict(data.attrib), mapped)

    def write(self, path) -> None:
        write_atomic(path, marshal.dumps((_DESCRIBED, self.made_of, self.overview, self.shown,
                                          self.entities, self.attrib, self.mapped), 2))

    @staticmethod
    def read(path, made_of: str) -> "_Described | None":
        """What ``write`` kept in ``path``, when it was made of ``made_of``; else None."""
        try:
            kind, source, overview, shown, entities, attrib, mapped = marshal.loads(
                Path(path).read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if kind != _DESCRIBED or source != made_of or not isinstance(overview, str) or \
                not isinstance(shown, list) or not isinstance(entities, list) or \
                len(shown) != len(entities) or \
                not all(isinstance(x, str) for x in (*shown, *entities)) or \
                not isinstance(attrib, dict) or \
                not all(isinstance(x, str) for x in (*attrib, *attrib.values())) or \
                not (mapped is None or isinstance(mapped, str)):
            return None
        return _Described(made_of, overview, shown, entities, attrib, mapped)


# What one stylesheet call makes: the pages of at most this many entries, or of fewer
# when they list more mentions than this. The site's memory is bounded by a batch's
# mentions, not by the collection's (5,000 generated letters name about a million times).
PAGE_BATCH = 500
BATCH_MENTIONS = 20_000


def _batches(pending: list, mentions: Mentions) -> list[list]:
    """The ``pending`` entries cut into batches (``_cut``)."""
    return _cut([(el, mentions.count(el.get("key"))) for el in pending])


def _batch_count(mentions: Mentions) -> int:
    """How many batches (``_batches``) the entries with mentions make: the entries
    shown are those at least (and correspondents, every entry with ``full_registers``)."""
    keys = itertools.chain(mentions.lists, (k for k in mentions.packed if k not in mentions.lists))
    return len(_cut([(key, found) for key in keys if (found := mentions.count(key))]))


def _cut(counted: list[tuple]) -> list[list]:
    """Items with their mentions' counts cut into batches, in order: at most
    ``PAGE_BATCH`` items and ``BATCH_MENTIONS`` mentions each (an item alone may hold
    more)."""
    batches, size = [[]], 0
    for item, count in counted:
        if batches[-1] and (len(batches[-1]) >= PAGE_BATCH or size + count > BATCH_MENTIONS):
            batches.append([])
            size = 0
        batches[-1].append(item)
        size += count
    return [batch for batch in batches if batch]


def _stylesheet_inputs(data, batches: list[list], mentions: Mentions, *, overview: bool):
    """The site stylesheet's inputs, one after the other, as their text: the overview's
    (``data``, every entry without its mentions, made when ``overview``), then the
    ``batches`` of entries (taken out of ``data``) with their mentions, beside the
    documents and the editors, which their pages read, and one place with coordinates,
    for the pages' "Map" link. What every batch has (the documents, the place) is serialised once."""
    if overview:
        yield etree.tostring(data)
    data.set("overview", "skip")
    shell = etree.Element(data.tag, dict(data.attrib))
    shell.extend(deepcopy(el) for el in data if el.tag in (f"{_S}doc", f"{_S}editor"))  # the footer's
    mapped = next((deepcopy(el) for el in data.iter(f"{_S}entity")
                   if el.find(f"{_S}geo") is not None), None)  # its pages "skip"
    if mapped is not None:
        shell.append(mapped)
    shell.append(etree.Comment("entries"))  # where each batch's entries go
    head, mark, tail = etree.tostring(shell).rpartition(b"<!--entries-->")
    if not mark:
        raise TransformError("the site description lost its place for the entries")
    del shell
    for chosen in batches:
        for el in chosen:
            del el.attrib["pages"]
        yield head + b"".join(_with_mentions(el, _passages_named(mentions.get(el.get("key"), [])))
                              for el in chosen) + tail
        for el in chosen:  # made: its mentions are not kept for the rest
            el.clear()
            if el.getparent() is not None:
                el.getparent().remove(el)


# Files of the previous build's site linked over, from which on by a thread of their own
# (``os.link`` and ``os.lstat`` release the GIL: the file system's tens of microseconds
# a link, which a site of thousands of files adds up, are spent while this one goes on)
LINK_APART = 1000


class _PartLinks:
    """The files of the ``parts`` (part -> key) whose keys are those of the previous
    build's (``old``), linked over by ``writer``: here, or, when they are more than
    ``LINK_APART`` (and not ``here``: when nothing is done meanwhile), by a thread of
    their own, or two, each half of them, when they are more than twice that (their
    links overlap), started now (``kept`` waits for them). A part a file of which cannot
    be linked is made again (its files linked are removed)."""

    def __init__(self, old: Previous | None, writer: "_Writer", parts: dict[str, str], *,
                 here: bool = False):
        self._writer = writer
        self._parts: dict[str, list[str]] = {}
        for part, key in parts.items():
            before = old.parts.get(part) if old is not None else None
            if before and before[0] == key and all(f in old.hashes for f in before[1]):
                self._parts[part] = list(before[1])
        names = [name for files in self._parts.values() for name in files
                 if name not in writer.linked]
        self._threads: list[threading.Thread] = []
        self._failed: list[set[str]] = []  # each thread's names it could not link
        if not here and len(names) > LINK_APART and writer._linker is not None:
            middle = len(names) // 2 if len(names) > 2 * LINK_APART else len(names)
            for number, some in enumerate(n for n in (names[:middle], names[middle:]) if n):
                self._failed.append(set(some))  # (until it is done: an error fails them all)
                thread = threading.Thread(target=self._link_apart, args=(some, number), daemon=True)
                self._threads.append(thread)
                thread.start()

    def _link_apart(self, names: list[str], number: int) -> None:
        """``names`` linked by a linker of their own (its folders made apart from the
        writer's), those it could not link in ``_failed[number]``."""
        linker = links.Linker(self._writer._linker.old, self._writer._linker.new)
        try:
            self._failed[number] = {name for name in names if not linker.link(name)}
        except OSError:
            pass  # (their parts are made again, here: an error that lasts is told there)

    def kept(self) -> dict[str, list[str]]:
        """Part -> its files, linked over, of each part kept."""
        for thread in self._threads:
            thread.join()
        failed = set().union(*self._failed)
        kept = {}
        for part, names in self._parts.items():
            if not self._threads:  # (linked here: one at a time, up to the first missing)
                linked = list(itertools.takewhile(self._writer.link, names))
            else:
                linked = [name for name in names if name not in failed]  # (or linked ahead)
            if len(linked) == len(names):
                kept[part] = names
                continue
            for name in linked:  # a file of it is missing: the part is made again
                os.unlink(self._writer.folder.child(name))
                self._writer.linked.discard(name)
        return kept


class _Writer:
    """The site's files into ``out``: each linked over from the previous build's folder
    (``old``, its files' content hashes ``old_hashes``) when its content is the same,
    else written. In this process, and in each child process that makes pages."""

    def __init__(self, out, old=None, old_hashes: dict | None = None, *,
                 linked: set[str] | None = None):
        self.folder = SafeFolder(out)
        self._linker = links.Linker(old, out) if old is not None else None
        self._old_hashes = old_hashes or {}
        self._made: set[str] = set()
        # the previous build's files already linked in (ahead, by the caller)
        self.linked = linked if linked is not None and old is not None else set()

    def link(self, name: str) -> bool:
        """The previous build's file linked in (False: there is no previous build, the
        file is not there, or its name, from the previous build's record, is no name of
        a file inside)."""
        if name in self.linked:
            return True
        return self._linker is not None and self._linker.link(name)

    def write(self, name: str, data: bytes) -> tuple[str, bool]:
        """One file: its content hash, and whether it was written (else linked over)."""
        digest = content_hash(data)
        if self._old_hashes.get(name) == digest and self.link(name):
            return digest, False
        target = self.folder.child(name)
        if str(target.parent) not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(str(target.parent))
        if self._linker is not None:  # never written into: it may be a link to the previous build's file
            try:
                os.unlink(target)
            except FileNotFoundError:
                pass
            self.linked.discard(name)
        target.write_bytes(data)
        return digest, True


def _pages(tree, out: Path):
    """(part, file name, page) of each page the site stylesheet makes of ``tree`` (an
    lxml tree, or the text of one, ours: handed to Saxon as it is)."""
    if isinstance(tree, bytes):
        strings = _run_text(tree, str(out))
    else:
        strings = transform.run_strings(STYLESHEET, tree, {}, path=str(out)).strings
    if len(strings) % 2:
        raise TransformError(f"{STYLESHEET} returned an odd number of strings", path=str(out))
    pairs = iter(strings)
    part = OVERVIEW
    for name, text in zip(pairs, pairs):
        if not name:  # the stylesheet's mark: the pages of this part follow
            part = text
            continue
        yield part, name, text


def _run_text(xml: bytes, path: str) -> list[str]:
    """The site stylesheet's strings for the text of a site description, parsed by Saxon
    alone (``transform.run_strings`` takes an lxml tree, which a child process would
    parse first, and mark with line numbers the site stylesheet never reads); the
    strings cross from Saxon in one piece, as ``run_strings`` has them."""
    sheet = transform.compiled(STYLESHEET)
    executable = sheet.executable
    node = transform.parse_text(sheet.processor, xml.decode("utf-8"), "cannot hand the site to Saxon",
                                path=path)
    executable.clear_parameters()
    executable.set_save_xsl_message(True, None)
    # (its messages are not reported: the site stylesheet's are the pages' own)
    return transform.strings_of(executable, lambda: executable.transform_to_string(xdm_node=node),
                                f"{STYLESHEET} failed", path=path).strings


# Stylesheet calls one child process makes before it ends: Saxon's heap grows with what
# it allocates, not with what it keeps, and goes back to the system only with its process.
CALLS_PER_CHILD = 4


def _made_pages(inputs, writer: _Writer, children: int, peak: list[int], meanwhile=None, *,
                memory: int | None = None, pages_by=None, ahead: "_Children | None" = None):
    """(part, file name, content hash, written) of the pages of each input (text), in
    order, each written (or linked over) by ``writer``: here, or by ``children`` child
    processes (a standard library pool, each child renewed after ``CALLS_PER_CHILD``
    calls), which write the pages themselves; one call more than children in flight.
    ``meanwhile()`` is called once: while the children make the first pages, else after
    the pages. ``peak`` gets the children's peak memory and that of this process and
    them together (bytes). A child whose memory passes ``memory`` (bytes) is stopped,
    and the pages with it: a ``TransformError``, as a worker over the limit fails its
    document. ``pages_by``: without children, what makes the pages of an input (text)
    elsewhere (None from it: made here). ``ahead``: children started ahead
    (``_Children``), used when they are as many and write as ``writer`` does (else ended)."""
    if not children:
        for tree in inputs:
            made = pages_by(tree, writer.folder.folder) \
                if pages_by is not None and isinstance(tree, bytes) else None
            for part, name, text in made if made is not None else _pages(tree, writer.folder.folder):
                yield part, name, *writer.write(name, text.encode("utf-8"))
        if meanwhile is not None:
            meanwhile()
        return
    out = writer.folder.folder
    old = writer._linker.old if writer._linker else None
    if ahead is not None and ahead.fits(children, out, old):
        pool, started = ahead.pool, ahead.started
    else:
        if ahead is not None:
            ahead.close()
        pool, started = _child_pool(children, out, old, writer._old_hashes, CALLS_PER_CHILD)
    try:
        waiting: deque = deque()
        for tree in inputs:
            waiting.append(pool.submit(_pages_of, tree, str(out)))
            del tree
            if meanwhile is not None and len(waiting) > children:
                meanwhile()
                meanwhile = None
            while len(waiting) > children:
                yield from _result(waiting.popleft(), out, peak, started, memory)
        if meanwhile is not None:
            meanwhile()
        while waiting:
            yield from _result(waiting.popleft(), out, peak, started, memory)
    finally:
        if ahead is not None and pool is ahead.pool:
            ahead.close()
        else:
            pool.shutdown(wait=True, cancel_futures=True)
            started.queue.close()


def _child_pool(count: int, out: Path, old, old_hashes: dict, calls: int):
    """A standard library pool of ``count`` child processes making pages into ``out``
    (``_start_child``: ``old``, the previous build's folder, and its files' hashes),
    each renewed after ``calls`` calls; and what tells their starts (``_Started``)."""
    context = multiprocessing.get_context("spawn")
    started = _Started(context.SimpleQueue())
    pool = ProcessPoolExecutor(max_workers=count, mp_context=context, max_tasks_per_child=calls,
                               initializer=_start_child,
                               initargs=(str(out), old, old_hashes, started.queue))
    return pool, started


class _Children:
    """The child processes making a whole site's pages (``_made_pages``), started ahead
    (``start``): each compiles the site stylesheet then, as its first call would (that
    counts as one of its calls: one more is allowed). Ended on ``close``."""

    def __init__(self) -> None:
        self.pool: ProcessPoolExecutor | None = None
        self.started: _Started | None = None
        self._made: tuple | None = None

    def start(self, count: int, out: Path) -> None:
        self.pool, self.started = _child_pool(count, out, None, {}, CALLS_PER_CHILD + 1)
        self._made = (count, str(out))
        for _ in range(count):  # (each submitted while none is idle starts a child)
            self.pool.submit(_compile_site)

    def fits(self, count: int, out: Path, old) -> bool:
        """Whether the children started are those ``count`` children writing into
        ``out`` with no previous build's files would be."""
        return self.pool is not None and self._made == (count, str(out)) and old is None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.started.queue.close()
            self.pool = None

    def __enter__(self) -> "_Children":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _compile_site() -> None:
    """In a child process started ahead: the site stylesheet compiled."""
    transform.compiled(STYLESHEET)


class _Started:
    """The child processes of a pool making pages, as each announces itself
    (``_start_child`` puts its pid on ``queue``): their memory is watched by pid."""

    def __init__(self, queue) -> None:
        self.queue = queue
        self.pids: set[int] = set()

    def alive(self) -> list[int]:
        """The pids announced whose processes are still children of this one (a pid of
        one that ended may be another process's by now)."""
        while not self.queue.empty():
            self.pids.add(self.queue.get())
        self.pids &= set(descendants(os.getpid()))
        return sorted(self.pids)


_child_writer: _Writer | None = None  # in a child process making pages: how it writes them


def _start_child(out: str, old: str | None, old_hashes: dict, started) -> None:
    global _child_writer
    started.put(os.getpid())  # (the parent watches its memory: ``_Started``)
    _child_writer = _Writer(out, old, old_hashes)


def _pages_of(xml: bytes, out: str) -> tuple[list[tuple[str, str, str, bool]], int]:
    """In a child process: the pages of a tree sent as its text (our own markup),
    written (``_start_child``'s writer), as (part, name, content hash, written); and
    the child's peak memory so far."""
    made = [(part, name, *_child_writer.write(name, text.encode("utf-8")))
            for part, name, text in _pages(xml, Path(out))]
    return made, own_peak()


def _result(future, out: Path, peak: list[int], started: _Started,
            memory: int | None = None) -> list[tuple[str, str, str, bool]]:
    """A call's pages; meanwhile, this process's memory and its children's, together,
    measured several times a second (``peak[1]``), and each child ``started`` stopped
    when its own (with what it started) passes ``memory``."""
    try:
        while True:
            for pid in started.alive() if memory else ():
                if tree_rss(pid) > memory:
                    kill_tree(pid)
                    raise TransformError(
                        f"a process making the site's pages was stopped: it needed more than "
                        f"the memory limit of {human(memory)} per worker (--max-memory lifts it)",
                        path=str(out))
            try:
                made, used = future.result(timeout=0.2)
                break
            except TimeoutError:
                peak[1] = max(peak[1], tree_rss(os.getpid()))
    except BrokenProcessPool as exc:
        raise TransformError(f"a process making the site's pages ended without its result "
                             f"({exc})", path=str(out)) from None
    peak[0] = max(peak[0], used)
    return made


def _assets() -> dict[str, bytes]:
    """``assets/``: the collection's and the documents' pages' own, by path."""
    found = {}
    for folder, names in (("site", ASSETS), ("html", DOCUMENT_ASSETS)):
        source = resources.xslt_dir() / folder / "assets"
        for name in names:
            if not (source / name).is_file():
                raise ResourceError(f"asset {name} is missing from {source}; reinstall tei-edition")
            found[f"assets/{name}"] = (source / name).read_bytes()
    return found


@dataclass
class RegisterEntry:
    key: str
    kind: str
    names: list[str]
    description: str
    identifiers: list[tuple[str, str]]
    dates: str
    geo: tuple[float, float] | None
    slug: str = ""
    heading: str = ""  # the index form ("Surname, Forename"), from the common layer
    sort: str = ""     # its sort key, from the common layer
    # what the register's cross-references in its name forms name ("(s. a. Affoltern,
    # …)"), but its own names: its page's "See also" (entities.register.see_also)
    see_also: list[str] = field(default_factory=list)
    # the register's literature on it ("Vgl. …"), each bibl as the text reads it
    literature: list[str] = field(default_factory=list)
    # its name card's fields as JSON (site/names.xsl), "": none made
    card: str = ""
    # the search terms of its names (``search_index.name_terms``), None: not made yet
    terms: list[str] | None = None

    @property
    def label(self) -> str:
        return self.names[0] if self.names else self.key


# id(collection) -> (collection, {what: made of it}): what every page and the site's
# own pages read of one collection, made once (a build's worker renders many pages)
_MADE: dict[int, tuple] = {}


def _once(collection, what: str, make):
    """``make(collection)``, made once per collection and kept for the next call."""
    cached = _MADE.get(id(collection))
    if cached is None or cached[0] is not collection:
        _MADE.clear()
        cached = _MADE[id(collection)] = (collection, {})
    if what not in cached[1]:
        cached[1][what] = make(collection)
    return cached[1][what]


def forget() -> None:
    """What was made of a collection (``_once``) dropped: a build is done with it. (Kept,
    it keeps the collection alive, its register and records, millions of objects that
    the interpreter's exit then walks and frees, slower than this.)"""
    _MADE.clear()


def prepare(collection, *, details: bool = False, every_entry: bool = False,
            known: dict | None = None) -> None:
    """Make now what the collection's pages read of its register (kept for
    ``write_collection_site``): a build does it while its workers render. ``details``:
    what every entry's pages show besides its names (``_with_details``), for a site
    made afresh that will show most of the register's entries. ``every_entry``: each
    entry's "See also" and the search terms of its names too, for a site made again
    after a few documents changed (what it reads of the register is then most of its
    work): taken from ``known`` (an earlier build's ``details``) for the entries that
    did not change, made for the others."""
    entries = _register_entries(collection)
    if details:
        _with_details(collection, list(entries))
    if every_entry:
        for key, found in (known or {}).items():
            if key in entries and isinstance(found, list) and len(found) == len(_DETAILS):
                _take_names(collection, key, found)
        _see_also(collection, list(entries))
        for entry in entries.values():
            if entry.terms is None:
                entry.terms = name_terms(entry.names)


def _see_also(collection, keys) -> dict[str, list[str]]:
    """Collection key -> the names its register entry's cross-references give
    (``entities.register.see_also``) but its own names, of the entries with these
    ``keys`` (at least). Kept for the collection."""
    known = _once(collection, "see also", lambda _: {})
    missing = [key for key in keys if key not in known]
    if missing:
        register = _register_entries(collection)
        source = getattr(getattr(collection, "register", None), "find", None) or \
            dict(_register_pairs(collection)).get
        for key in missing:
            element = getattr(source(key), "element", None)
            names = register[key].names
            known[key] = [name for name in (see_also(element) if element is not None else [])
                          if name not in names]
    return known


def _register_entries(collection) -> dict[str, RegisterEntry]:
    """Collection key -> entry: its names and description, from the collection
    register, and its page (kind, slug). What its page shows besides is read for the
    entries the site shows (``_with_details``). Made once per collection."""
    return _once(collection, "entries", _read_entries)


def _with_details(collection, keys, known: dict | None = None) -> None:
    """Fill in, for the entries with these keys (those the site shows), what their
    pages show besides their names: identifiers (``idno``), life dates and coordinates
    (``location/geo``) from the entries themselves, as the register's ``bundle()``
    hands them to the stylesheets (each marked with its key), and the index form and
    sort key from the common layer's name forms over that bundle
    (``site/names.xsl``), as the dossier's registers and index file them. Once per
    entry: a register of thousands is not read whole for a site that shows a few.
    ``known``: what an earlier build found (``details``); an entry whose stamp is the
    same is taken from it, not read again."""
    entries = _register_entries(collection)
    done = _once(collection, "detailed", lambda c: set())
    wanted = sorted({key for key in keys if key in entries} - done)
    register = collection.register
    if known and wanted and hasattr(register, "digest"):
        left = []
        for key in wanted:
            found = known.get(key)
            try:
                stamp, identifiers, dates, geo, heading, sort, description, literature, card, *_ = found
                if len(found) != len(_DETAILS) or stamp != _entry_stamp(collection, key):
                    raise ValueError("changed")
                entry = entries[key]
                entry.identifiers = [(str(t), str(v)) for t, v in identifiers]
                entry.geo = (float(geo[0]), float(geo[1])) if geo else None
                entry.dates, entry.heading, entry.sort, entry.description = (
                    str(dates), str(heading), str(sort), str(description))
                entry.literature = [str(one) for one in literature]
                entry.card = str(card)
                _take_names(collection, key, found)
            except (TypeError, ValueError, IndexError):
                left.append(key)
        done.update(set(wanted) - set(left))
        wanted = left
    if not wanted:
        return
    bundle = register.bundle(wanted) if hasattr(register, "bundle") else None
    extras = _bundle_extras(bundle)
    forms = _name_forms(bundle)
    for key in wanted:
        entry = entries[key]
        entry.identifiers, entry.dates, entry.geo = extras.get(key, ([], "", None))
        entry.heading, entry.sort, entry.description, entry.literature, entry.card = (
            forms.get(key) or (entry.label, fold(entry.label), entry.description, [], ""))
    done.update(wanted)


# What ``details`` keeps of an entry, in this order (a record of another length is
# taken for none: made again)
_DETAILS = ("stamp", "identifiers", "dates", "geo", "heading", "sort", "description",
            "literature", "card", "see also", "terms")


def details(collection, keys) -> dict:
    """What ``_with_details`` found of these entries, for the next build (``known``):
    key -> [stamp (the register's digest of the entry), identifiers, dates, coordinates,
    index form, sort key, description, literature, name card, "See also", search terms
    of its names] (``_DETAILS``); empty when the register has no digests."""
    register = collection.register
    if not hasattr(register, "digest"):
        return {}
    entries = _register_entries(collection)
    done = _once(collection, "detailed", lambda c: set())
    named_also = _see_also(collection, [key for key in keys if key in done])
    found = {}
    for key in sorted(keys):
        if key not in done:
            continue
        entry = entries[key]
        if entry.terms is None:
            entry.terms = name_terms(entry.names)
        found[key] = [_entry_stamp(collection, key), entry.identifiers, entry.dates, entry.geo,
                      entry.heading, entry.sort, entry.description, entry.literature,
                      entry.card, named_also[key], entry.terms]
    return found


def _take_names(collection, key: str, found: list) -> None:
    """An entry's "See also" and search terms from an earlier build's record of it
    (``details``), when its stamp is the entry's now (else nothing: made when read)."""
    try:
        stamp, *_, named_also, terms = found
        if stamp != _entry_stamp(collection, key):
            return
        named_also, terms = [str(n) for n in named_also], [str(t) for t in terms]
    except (TypeError, ValueError):
        return
    _once(collection, "see also", lambda _: {})[key] = named_also
    _register_entries(collection)[key].terms = terms


def _entry_stamp(collection, key: str) -> str:
    """The register's digest of one entry (``details``' stamp), made once per entry and
    state of the register (its ``stamp``, a new one with every entry added, and its key
    rules)."""
    register = collection.register
    state = (getattr(register, "stamp", None), tuple(getattr(register, "key_rules", {}).items()))
    made = _once(collection, "stamps", lambda c: {}).setdefault(state, {})
    found = made.get(key)
    if found is None:
        found = made[key] = register.digest([key])
    return found


def _entry_pages(collection) -> dict[str, str]:
    """Collection key -> its entry's page under ``registers/`` without ``.html``
    (``person/Escher-Alfred``): all a document's page needs of the register, without
    the bundle and name forms the register pages read. Made once per collection."""
    return _once(collection, "pages", lambda c: {
        key: f"{kind}/{slug}" for key, (kind, slug) in _slugs(_register_pairs(c)).items()})


def _register_pairs(collection) -> list[tuple[str, object]]:
    """(collection key, entry) of every register entry, by key; made once per collection
    (a worker's pages read it twice: ``has_map``, ``_entry_pages``)."""
    return _once(collection, "pairs", _pairs_by_key)


def _pairs_by_key(collection) -> list[tuple[str, object]]:
    register = getattr(collection, "register", None)
    if register is None:
        return []
    if hasattr(register, "key_of"):  # tei_edition.collection.CollectionRegister
        pairs = [(register.key_of(e), e) for e in register]
    else:
        raw = getattr(register, "entries", None) or {}
        pairs = [(str(e.key), e) for e in (raw.values() if isinstance(raw, dict) else raw)]
    return sorted(pairs, key=lambda pair: pair[0])


def _slugs(pairs) -> dict[str, tuple[str, str]]:
    """Key -> (kind, slug) of each entry: its page's name, unique within the site
    (case aside), in key order."""
    found: dict[str, tuple[str, str]] = {}
    used: set[str] = set()
    for key, e in pairs:
        slug = re.sub(r"[^A-Za-z0-9_-]+", "-", unicodedata.normalize("NFKD", key)
                      .encode("ascii", "ignore").decode()).strip("-")[:80] or "entry"
        base, n = slug, 1
        while slug.lower() in used:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug.lower())
        found[key] = (str(getattr(e, "kind", "person")), slug)
    return found


def _read_entries(collection) -> dict[str, RegisterEntry]:
    register = getattr(collection, "register", None)
    if register is None:
        return {}
    pairs = _register_pairs(collection)
    slugs = _slugs(pairs)
    found: dict[str, RegisterEntry] = {}
    for key, e in pairs:
        kind, slug = slugs[key]
        found[key] = RegisterEntry(key, kind,
                                   [_SPACES.sub(" ", str(n)).strip() for n in getattr(e, "names", None) or []
                                    if str(n).strip()],
                                   str(getattr(e, "description", "") or ""), [], "", None, slug)
    return found


def _name_forms(bundle) -> dict[str, tuple[str, str, str, list[str], str]]:
    """Key -> (index form, sort key, description, literature, card) of each entry of the
    register's bundle, decided by the common layer (``te:index-form``, ``te:sort-key``,
    ``te:entity-description``: one reading of a choice, as the text shows it; its
    paragraphs a line end apart), the literature its ``bibl``s give and its name card's
    fields (JSON). An entry the register has no element for keeps its label, folded, and
    its description, and has no card."""
    if bundle is None or not len(bundle.getroot()):
        return {}
    strings = transform.run_strings(NAMES_STYLESHEET, bundle).strings
    if len(strings) % 6:
        raise TransformError(f"{NAMES_STYLESHEET} returned {len(strings)} strings, not six per entry")
    six = [iter(strings)] * 6
    return {key: (heading, sort, description, literature.split("\n") if literature else [], card)
            for key, heading, sort, description, literature, card in zip(*six)}


def _bundle_extras(bundle) -> dict:
    """Key -> (identifiers, life dates, coordinates) read from the register's bundle."""
    if bundle is None:
        return {}
    extras = {}
    for el in bundle.getroot():
        key = el.get(TE_KEY)
        if not key:
            continue
        identifiers = [(i.get("type", ""), _SPACES.sub(" ", "".join(i.itertext())).strip())
                       for i in el.iter(f"{_T}idno")]
        life = []
        for tag in ("birth", "death"):
            found = el.find(f"{_T}{tag}")
            if found is not None:
                life.append(_SPACES.sub(" ", "".join(found.itertext())).strip()
                            or found.get("when", "") or found.get("notBefore", ""))
        dates = "–".join(life) if any(life) else ""
        extras[key] = ([(t, v) for t, v in identifiers if v], dates, _geo(el))
    return extras


_LOCATION, _GEO = f"{_T}location", f"{_T}geo"


def _geo(el) -> tuple[float, float] | None:
    """An entry's coordinates (``location/geo``, "lat lon"), or None."""
    # (the first, as ``find`` would give it, without its path parsed for each entry:
    # ``has_map`` asks every entry of a register without coordinates, in this process
    # and in the worker that makes the pages, a third of the time)
    point = next((found for location in el.iterchildren(_LOCATION)
                  for found in location.iterchildren(_GEO)), None)
    if point is None:
        return None
    try:
        lat, lon = (float(v) for v in "".join(point.itertext()).replace(",", " ").split())
    except ValueError:
        return None  # not "lat lon": no point on the map
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def has_map(collection) -> bool:
    """Whether the site has a map: some entry of the register has coordinates. Decided
    from the register alone, once per collection, so that a document's page, made
    before the site knows which places its documents name, has the header the site's
    own pages have (xslt/site/header.xsl: its Map link)."""
    def any_point(collection) -> bool:
        entries = [e for _, e in _register_pairs(collection) if getattr(e, "element", None) is not None]
        # (places first: where coordinates are, mostly; the answer is the same either way)
        return any(_geo(e.element) is not None for e in entries if getattr(e, "kind", None) == "place") or \
            any(_geo(e.element) is not None for e in entries if getattr(e, "kind", None) != "place")
    return _once(collection, "map", any_point)


def _letter(sort: str) -> str:
    """The index page an entry is on: the first letter of its sort key, A to Z, else
    "other"."""
    first = sort[:1].upper()
    return first if "A" <= first <= "Z" else "other"


def _site_data(collection, entries, register, mentions, numbers, full_registers, pages,
               known, documents, letters_of, only: set | None = None):
    """The site's description. ``mentions``: each entry's (``Mentions``);
    ``documents``: the documents naming each entry (ids, in the catalogue's order, read
    from the digests' marks); ``letters_of``: each correspondent's letters by role
    (``_letters_by_role``). ``only``: of the entries it shows, these alone (the
    others' details are not read)."""
    site = etree.Element(f"{_S}site", title=_title(collection), documents=str(len(entries)))
    if has_map(collection):
        site.set("map", "true")
    for editor in getattr(collection, "editors", None) or []:
        etree.SubElement(site, f"{_S}editor").text = str(editor)
    intro = etree.SubElement(site, f"{_S}introduction")
    for para in _paragraphs(getattr(collection, "introduction", None)):
        etree.SubElement(intro, f"{_S}p").text = para
    decided = next((e.roles for e in entries if getattr(e, "roles_note", None)), None)
    if decided in COLLECTION_ROLES_NOTES:  # an editorial decision, said where roles are shown
        etree.SubElement(site, f"{_S}roles-note").text = COLLECTION_ROLES_NOTES[decided]
    for entry in entries:
        doc = etree.SubElement(site, f"{_S}doc", id=entry.id, href=pages.get(entry.id) or href(entry.id),
                               n=str(numbers[entry.id] + 1), date=entry.date or "",
                               year=str(year_of(entry) or ""), line=_line(entry))
        doc.text = printed_date(entry)
        if dated := mention_date(entry, doc.get("line")):
            doc.set("dated", dated)
        if getattr(entry, "fragment", None) and entry.source:
            doc.set("file", file_page(entry.source))
            doc.set("source", str(entry.source))
            doc.set("file-title", file_titles(collection).get(str(entry.source)) or str(entry.source))
    shown = [key for key in register if mentions.count(key) or letters_of.get(key) or full_registers]
    if only is not None:
        shown = [key for key in shown if key in only]
    _with_details(collection, shown, known)
    named_also = _see_also(collection, shown)
    for key in shown:
        entry, letters = register[key], letters_of.get(key, {})
        entry.see_also = named_also[key]
        el = etree.SubElement(site, f"{_S}entity", key=key, kind=entry.kind, slug=entry.slug,
                              label=entry.label, heading=entry.heading or entry.label,
                              letter=_letter(entry.sort), sort=entry.sort, count=str(mentions.count(key)),
                              documents=str(len(documents.get(key, ()))))
        for name in dict.fromkeys(entry.names):
            etree.SubElement(el, f"{_S}name").text = name
        for name in entry.see_also:
            etree.SubElement(el, f"{_S}see-also").text = name
        if entry.dates:
            el.set("dates", entry.dates)
        for paragraph in entry.description.split("\n"):  # the register's paragraphs
            if paragraph.strip():
                etree.SubElement(el, f"{_S}description").text = paragraph
        for work in entry.literature:
            etree.SubElement(el, f"{_S}literature").text = work
        if entry.card:  # (text: its quotes, as references in an attribute, cost Saxon's parser)
            etree.SubElement(el, f"{_S}card").text = entry.card
        for kind, value in entry.identifiers:
            link = _authority(kind, value)
            idno = etree.SubElement(el, f"{_S}idno", type=kind or "identifier")
            idno.text = value
            if link:
                idno.set("href", link)
        if entry.geo:
            etree.SubElement(el, f"{_S}geo", lat=f"{entry.geo[0]:.5f}", lon=f"{entry.geo[1]:.5f}")
        for document_id, role in sorted(((d, r) for r in ("sent", "received") for d in letters.get(r, [])),
                                        key=lambda pair: numbers[pair[0]]):
            etree.SubElement(el, f"{_S}letter", doc=document_id, role=role)
    return site


def _letters_by_role(entries, register) -> dict[str, dict[str, list[str]]]:
    """Each correspondent's letters, sent and received (register key -> role -> document
    ids, in the catalogue's order)."""
    letters: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for entry in entries:
        for role, people in (("sent", entry.sender), ("received", entry.addressee)):
            for person in people or []:
                if person.get("key") in register:
                    letters[person["key"]][role].append(entry.id)
    return letters


def _passages_named(found) -> list[tuple[str, str, str]]:
    """An entry's mentions as its page lists them: one line per passage, however often
    the passage names it."""
    lines: dict[tuple[str, str], tuple[str, str, str]] = {}
    for mention in found:  # (the first of a passage's mentions: its snippet)
        lines.setdefault(mention[:2], mention)
    return list(lines.values())


def _with_mentions(el, lines) -> bytes:
    """The XML text of an entity with its ``s:mention`` elements, before its letters.
    The mentions are written as text where a comment holds their place (a hundred
    thousand of them made as elements took this process a second, which the pages'
    child processes waited for); no text or value of the entity can hold the
    comment's tag, whose "<" it would have escaped."""
    letter = el.find(f"{_S}letter")
    mark = etree.Comment("mentions")
    if letter is not None:
        letter.addprevious(mark)
    else:
        el.append(mark)
    name = f"{el.prefix}:mention" if el.prefix else "mention"
    text = etree.tostring(el, with_tail=False, encoding="unicode")
    el.remove(mark)
    before, found, after = text.partition("<!--mentions-->")
    if not found:
        raise TransformError("the site description lost the place of an entry's mentions")
    return "".join([before, *[f'<{name} doc="{escaped(document_id)}" anchor="{escaped(anchor)}">'
                              f'{escaped(snippet)}</{name}>' for document_id, anchor, snippet in lines],
                    after]).encode("utf-8")


def _map_windows(site) -> None:
    """The map's two windows (south, west, north, east), written on the site element:
    ``map-all`` around nearly every place (3rd to 97th percentile of latitude and
    longitude, widened by a tenth), ``map-detail`` around where most mentions are (10th
    to 90th percentile, each place weighed by its mentions), when that is much smaller."""
    points = [(float(g.get("lat")), float(g.get("lon")), max(int(e.get("count")), 1))
              for e in site.iter(f"{_S}entity") for g in e.iter(f"{_S}geo")]
    if not points:
        return

    def window(low: float, high: float, weighted: bool) -> tuple[float, ...]:
        bounds = []
        for axis in (0, 1):
            ordered = sorted(points, key=lambda p: p[axis])
            weights = [p[2] if weighted else 1 for p in ordered]
            total, running, lo, hi = sum(weights), 0, None, None
            for point, weight in zip(ordered, weights):
                running += weight
                if lo is None and running >= low * total:
                    lo = point[axis]
                if hi is None and running >= high * total:
                    hi = point[axis]
            pad = max((hi - lo) * 0.1, 0.05)
            bounds.append((lo - pad, hi + pad))
        (south, north), (west, east) = bounds
        return south, west, north, east

    whole = window(0.03, 0.97, False)
    site.set("map-all", " ".join(f"{v:.4f}" for v in whole))
    detail = window(0.10, 0.90, True)
    area = lambda w: (w[2] - w[0]) * (w[3] - w[1])  # noqa: E731
    if area(detail) < area(whole) / 6:
        site.set("map-detail", " ".join(f"{v:.4f}" for v in detail))


def _paragraphs(introduction) -> list[str]:
    if introduction is None:
        return []
    if isinstance(introduction, str):
        return [_SPACES.sub(" ", p).strip() for p in re.split(r"\n\s*\n", introduction) if p.strip()]
    if isinstance(introduction, (list, tuple)):
        return [p for item in introduction for p in _paragraphs(item)]
    paras = [el for el in introduction.iter(f"{_T}p")] or [introduction]
    return [_SPACES.sub(" ", "".join(p.itertext())).strip() for p in paras]


def _authority(kind: str, value: str) -> str | None:
    if re.match(r"^https?://", value):
        return value
    pattern = AUTHORITIES.get(kind.lower())
    if pattern and re.match(r"^[A-Za-z0-9-]+$", value):
        return pattern.format(value)
    return None


# The catalogue of the home page: ``catalogue.js`` (every row's date, language and
# kind: what the pages load, the search page too), ``catalogue/t<k>.js`` (TITLE_CHUNK
# rows each: ids, titles, correspondents with their pages, places; loaded for the rows
# in view), ``catalogue/o-<column>.js`` (the rows in the order of a column, loaded when
# the table is first sorted by it), ``catalogue/people.js`` and ``catalogue/places.js``
# (each correspondent's or place's name once, with its rows: loaded when the table is
# filtered by them), ``catalogue/words.js`` (the words of every row's title, names and
# place, each word once: loaded when the table is filtered by text) and
# ``catalogue/names.js`` (every row's correspondents and place,
# joined as the table shows them: for a filter that spans two names, "A; B").
_ISO_DAY = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _date_text(entry) -> str:
    """The date as the edition prints it (``printed_date``), for the table; left out
    when it is what the script makes of a complete ISO date ("1 December 1852", with
    the month names the rule's table gives it: ``months``)."""
    text = printed_date(entry)
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", entry.date or "")
    if match and text == dates.words(entry.date):
        return ""
    return "" if text == "undated" and not entry.date else text


def _date_steps(values: list[str]) -> list:
    """The rows' ISO dates, short: a date as the number YYYYMMDD (a month's or a year's
    with 00 for what it leaves out, so that numbers sort as the dates do) written as its
    difference from the number before it (rows in date order step by a few days); any
    other date ("": none, a year before the common era) as its text, which leaves the
    running number as it was."""
    out, at = [], 0
    for value in values:
        match = _ISO_DAY.match(value)
        if not match or "00" in match.groups()[1:]:
            out.append(value)
            continue
        number = int(match[1]) * 10000 + int(match[2] or 0) * 100 + int(match[3] or 0)
        out.append(number - at)
        at = number
    return out


def mention_date(entry, line: str | None) -> str:
    """The date a register page's mentions show beside a document's title: the
    catalogue's (``printed_date``), "" when the title already says it (every number and
    word of it is in the title: a real letter's "…, Glarus, 08. August 1841", or an
    untitled document's line, which ends in its date)."""
    date = printed_date(entry)
    return "" if line and _date_words(date) <= _date_words(line) else date


def _date_words(text: str) -> set[str]:
    """The words and numbers of a text as a date's (a month by its number, in any of the
    sources' languages the date rule knows, ``dates.month``: "März" is "March"; "08" is
    "8")."""
    return {_month_word(w) or w.lstrip("0") or "0" for w in re.findall(r"\w+", text.casefold())}


@cache
def _month_word(word: str) -> str | None:
    n = dates.month(word) if not word.isdigit() else None
    return f"month {n}" if n else None


def _one(numbers: list[int]):
    return numbers[0] if len(numbers) == 1 else numbers


def _catalogue_files(entries, register, pages: dict[str, str]) -> dict[str, bytes]:
    """The home page's table (``catalogue.js``, ``catalogue/t<k>.js``,
    ``catalogue/names.js``: what each holds is said above ``_ISO_DAY``)."""
    sides = [([_person(p, register) for p in e.sender or [] if p.get("name")],
              [_person(p, register) for p in e.addressee or [] if p.get("name")])
             for e in entries]  # (name, page) of each sender, of each addressee
    places = [(e.place_sent or {}).get("name") or "" for e in entries]
    langs, kinds = _table(e.language or "" for e in entries), _table(e.kind or "document" for e in entries)
    rows = {"chunk": TITLE_CHUNK, "months": dates.month_names(),  # the script writes "1 December 1852"
            "dates": _date_steps([e.date or "" for e in entries]),
            "texts": {str(n): text for n, e in enumerate(entries) if (text := _date_text(e))},
            "langs": list(langs), "kinds": list(kinds), "withPlace": any(places)}
    for key, table, values in (("lang", langs, [e.language or "" for e in entries]),
                               ("kind", kinds, [e.kind or "document" for e in entries])):
        if len(table) > 1:  # (one value: every row's, no column)
            rows[key] = [table[v] for v in values]
    # names and places numbered by how many rows name them: the commonest take the
    # shortest numbers
    names = _table(name for side in sides for people in side for name, _ in people)
    place_numbers = _table(place for place in places if place)
    correspondents = {"names": list(names), "places": list(place_numbers),
                      "from": [_one([names[name] for name, _ in side[0]]) for side in sides],
                      "to": [_one([names[name] for name, _ in side[1]]) for side in sides],
                      "place": [place_numbers[p] if p else -1 for p in places]}
    rows["sorted"] = list(SORTED)
    files = {"catalogue.js": script_value("teCatalogue", rows),
             "catalogue/names.js": script_call("teCatalogueNames", correspondents)}
    columns = {"title": [e.title or _line(e) for e in entries],
               "sender": ["; ".join(name for name, _ in side[0]) for side in sides],
               "addressee": ["; ".join(name for name, _ in side[1]) for side in sides],
               "place": places}
    for key in SORTED:
        files[f"catalogue/o-{key}.js"] = script_call("teCatalogueOrder", key, _pack(
            _order(columns[key]), len(entries)))
    files["catalogue/people.js"] = script_call("teCatalogueRows", "people", *_rows_of(
        [[name for people in side for name, _ in people] for side in sides], len(entries)))
    files["catalogue/places.js"] = script_call("teCatalogueRows", "places", *_rows_of(
        [[place] if place else [] for place in places], len(entries)))
    files["catalogue/words.js"] = script_call("teCatalogueWords", *_words_of(
        [[columns["title"][n], *(name for side in sides[n] for name, _ in side), places[n]]
         for n in range(len(entries))]))
    for start in range(0, len(entries), TITLE_CHUNK):
        chunk, people = [], {}  # its correspondents once each, "name<tab>page"
        for e, side, place in zip(entries[start:start + TITLE_CHUNK], sides[start:start + TITLE_CHUNK],
                                  places[start:start + TITLE_CHUNK]):
            item = [e.id, e.title or _line(e),
                    *(_one([people.setdefault("\t".join(filter(None, p)), len(people)) for p in named])
                      for named in side),
                    place, pages.get(e.id, "")]  # (a part of a page, not a page of its own)
            while len(item) > 2 and item[-1] in ("", []):
                item.pop()
            chunk.append(item)
        files[f"catalogue/t{start // TITLE_CHUNK}.js"] = script_call(
            "teCatalogueTitles", start // TITLE_CHUNK, chunk, list(people))
    return files


SORTED = ("title", "sender", "addressee", "place")  # the columns sorted by an order file
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"


def _order(values: list[str]) -> list[int]:
    """The rows in the order the table's script sorts them by a column: its text as
    JavaScript compares strings (UTF-16 code units), then the row's number."""
    return sorted(range(len(values)), key=lambda n: (values[n].encode("utf-16-be"), n))


def _pack(numbers: list[int], count: int) -> str:
    """Row numbers (below ``count``) as one string of base-64 digits, each number
    the same few digits wide (3 up to 262,144 rows): a fifth of their JSON."""
    width = 1
    while len(_DIGITS) ** width < count:
        width += 1
    return "".join([_digits(number, width) for number in numbers])


@cache  # (the same numbers, 0 to the rows' count, in every file)
def _digits(number: int, width: int) -> str:
    return "".join(_DIGITS[number >> 6 * (width - 1 - i) & 63] for i in range(width))


def _rows_of(named: list[list[str]], count: int) -> tuple[list[str], list[str]]:
    """Each name once (most rows first) and its rows (``_pack``), from every row's
    names."""
    rows: dict[str, list[int]] = {}
    for n, names in enumerate(named):
        for name in dict.fromkeys(names):
            rows.setdefault(name, []).append(n)
    ranked = sorted(rows, key=lambda name: -len(rows[name]))
    return ranked, [_pack(rows[name], count) for name in ranked]


def _words_of(texts: list[list[str]]) -> tuple[list[str], str]:
    """The words of each row's texts (folded, split at spaces: a word looked for, which
    has no space, is found in one of them or not at all), each word once (the commonest
    first) and each row's words as their numbers, in base-32 digits of 5 bits (a digit
    from the upper half of ``_DIGITS`` says another digit follows), rows split by ".":
    a row of a title, two names and a place in ~20 characters."""
    rows = [dict.fromkeys(fold(" ".join(row)).split(" ")) for row in texts]
    for row in rows:
        row.pop("", None)
    numbers = _table(word for row in rows for word in row)
    return list(numbers), ".".join(["".join([_varint(numbers[word]) for word in row]) for row in rows])


@cache
def _varint(number: int) -> str:
    digits = [_DIGITS[number & 31]]
    while number > 31:
        number >>= 5
        digits.append(_DIGITS[32 + (number & 31)])
    return "".join(reversed(digits))


def _person(p: dict, register) -> tuple[str, str]:
    """A correspondent's name and page (``registers/<page>.html``; "": none)."""
    key = p.get("key")
    entry = register.get(key) if register and key else None
    return (p.get("name") or (entry.label if entry else ""),
            f"{entry.kind}/{entry.slug}" if entry else "")


def _table(values) -> dict[str, int]:
    """Each value -> its number, the values counted most often first (then in order)."""
    counts = Counter(values)
    return {value: n for n, value in enumerate(sorted(counts, key=lambda v: -counts[v]))}
