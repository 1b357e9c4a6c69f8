"""Document metadata, read once into a catalogue entry.

Title: the header's main title (a division's ``head`` for one of many documents in a
file). Date, from the first of: ``correspDesc`` (the sending, else any action),
``creation``, ``docDate``, a ``dateline``, an ISO date or a year in the title. The
date is ISO as the source gives it (``@when``: ``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD``), never completed or guessed; a range (``notBefore``/``notAfter``,
``from``/``to``) gives no date but a sort key and its text. Sender and addressee:
names in the sending and receiving ``correspAction`` (a name's own ``@type`` sender
or addressee wins, as some editions write both in one action); places likewise. A
name typed against its action (an addressee in the sending action) makes the encoding
contradict itself: ``Read.roles_conflict``, for the collection to weigh against the title.

Roles against the title: a title of the form "A an B" (``TITLE_WORDS``: an, to, à;
several people joined by und, and, et, & or a comma) names A as sender and B (up to
the first comma) as addressee. ``title_roles`` compares the encoded roles with it:
"agrees", "reversed" (every encoded sender is among B and every addressee among A,
names compared folded as entity names are: ``namefold.fold``) or None (no such title, or it does
not name the encoded people). The collection decides what a contradiction means
(``edition.toml``'s ``[correspondence] roles``); this module never changes a role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from tei_edition.collection import dates
from tei_edition.entities.namefold import fold
from tei_edition.entities.register import normalized_text
from tei_edition.entities.resolve import NAME_KINDS, kind_of
from tei_edition.xml.parse import TEI_NS, XML_NS, first_element

_T = f"{{{TEI_NS}}}"
XML_LANG = f"{{{XML_NS}}}lang"
_ISO = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T.*)?$")
_TITLE_ISO = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2}|\d{4}-\d{2})(?!\d)")
_TITLE_YEAR = re.compile(r"(?<!\d)(1\d{3}|20\d{2})(?!\d)")
_AGENT_TAGS = tuple(tag for tag, kind in NAME_KINDS.items() if kind != "place")
_PLACE_TAGS = tuple(tag for tag, kind in NAME_KINDS.items() if kind == "place")
SENDER_TYPES = {"sender", "author", "sent"}
ADDRESSEE_TYPES = {"addressee", "recipient", "received"}
TITLE_WORDS = ("an", "to", "à")  # "A an B": A wrote to B
_TITLE_WORD = re.compile(r"\s(?:%s)\s" % "|".join(TITLE_WORDS), re.IGNORECASE)
_JOINED = re.compile(r"\s+(?:und|and|et|&)\s+|\s*,\s*", re.IGNORECASE)


@dataclass
class CatalogueEntry:
    """What the collection's pages and indexes know of one document."""

    id: str
    source: str  # the file, relative to the collection's root
    fragment: str | None
    kind: str  # "letter" | "document"
    title: str
    date: str | None = None  # ISO, as the source gives it
    date_sort: str | None = None
    date_text: str | None = None  # the source's words
    # the date as the edition prints it (collection/dates.py: "9 April 1843", "1845?"),
    # from the ISO value, no more precise than the source's words; None: undated
    date_words: str | None = None
    sender: list[dict] = field(default_factory=list)  # [{name, key}]
    addressee: list[dict] = field(default_factory=list)
    place_sent: dict | None = None  # {name, key}
    place_received: dict | None = None
    language: str | None = None
    identifier: str | None = None
    prev: str | None = None  # document ids: chronological neighbours
    next: str | None = None
    corresp_prev: str | None = None  # neighbours within the correspondence
    corresp_next: str | None = None
    # "as-encoded", or how the edition decided sender and addressee ("swapped",
    # "from-title"; see edition.toml's [correspondence] roles), and a sentence saying
    # so for the reader whenever the decision changed what the source encodes.
    roles: str = "as-encoded"
    roles_note: str | None = None

    def to_json(self) -> dict:
        """Its fields as JSON gives them back (what ``asdict`` makes, without its deep
        copy: a build makes a thousand of them)."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        for name in ("sender", "addressee"):
            data[name] = [dict(n) if isinstance(n, dict) else n for n in data[name]]
        for name in ("place_sent", "place_received"):
            if isinstance(data[name], dict):
                data[name] = dict(data[name])
        return data


@dataclass
class Name:
    """A name of the metadata (sender, place ...) before its key is resolved."""

    name: str
    kind: str | None
    ref: str | None
    key: str | None


@dataclass
class Read:
    """A catalogue entry as read from the TEI, before the collection resolves names
    and neighbours."""

    entry: CatalogueEntry
    senders: list[Name] = field(default_factory=list)
    addressees: list[Name] = field(default_factory=list)
    place_sent: Name | None = None
    place_received: Name | None = None
    context: dict[str, str] = field(default_factory=dict)  # "prev"/"next" -> target
    date_where: tuple[int | None, str | None] | None = None  # line and @when read
    roles_line: int | None = None  # where the encoded roles are (the first name's line)
    # a name's own @type says the opposite of its correspAction's (an "addressee" in the
    # "sent" action): the encoding contradicts itself about who wrote
    roles_conflict: bool = False


def read(unit: etree._Element, header: etree._Element | None, *, id: str, source: str,
         fragment: str | None, division: bool = False) -> Read:
    """The catalogue entry of one document: a ``TEI`` element (``header`` its
    ``teiHeader``), or with ``division`` a ``div`` of a file of many documents."""
    title = _title(unit, header, division)
    corresp = header.find(f"{_T}profileDesc/{_T}correspDesc") if header is not None and not division else None
    kind = "letter" if corresp is not None or (division and unit.get("type") == "letter") else "document"
    found = Read(CatalogueEntry(id=id, source=source, fragment=fragment, kind=kind, title=title))
    if corresp is not None:
        _correspondence(corresp, found)
    if found.entry.date_sort is None:
        _date(unit, header, division, found)
    entry = found.entry
    entry.language = _language(unit, header)
    entry.identifier = _identifier(unit, header, division)
    return found


def _title(unit, header, division: bool) -> str:
    if division:
        head = unit.find(f"{_T}head")
        return normalized_text(head) if head is not None else ""
    return header_title(header)


def header_title(header: etree._Element | None) -> str:
    """A ``teiHeader``'s title (its main title, else its first): a document's, or the
    title of a file of many documents."""
    if header is None:
        return ""
    titles = header.findall(f"{_T}fileDesc/{_T}titleStmt/{_T}title")
    best = next((t for t in titles if t.get("type") == "main"), titles[0] if titles else None)
    return normalized_text(best) if best is not None else ""


def file_title(path) -> str:
    """The title of a file's header (``header_title``), read from its header alone."""
    return header_title(first_element(path, f"{_T}teiHeader"))


def _correspondence(corresp: etree._Element, found: Read) -> None:
    actions = corresp.findall(f"{_T}correspAction")
    for action in actions:
        role = action.get("type")
        for el in action.iter(*_AGENT_TAGS):
            if kind_of(el) == "place":
                continue  # an rs/name typed place
            own = el.get("type")
            which = own if own in SENDER_TYPES | ADDRESSEE_TYPES else role
            if _opposite(own, role):
                found.roles_conflict = True
            if which in SENDER_TYPES:
                found.senders.append(_name(el))
            elif which in ADDRESSEE_TYPES:
                found.addressees.append(_name(el))
            else:
                continue
            if found.roles_line is None:
                found.roles_line = el.sourceline
        place = next((el for el in action.iter(*_PLACE_TAGS, f"{_T}rs", f"{_T}name")
                      if kind_of(el) == "place"), None)
        if place is not None:
            if role in SENDER_TYPES and found.place_sent is None:
                found.place_sent = _name(place)
            elif role in ADDRESSEE_TYPES and found.place_received is None:
                found.place_received = _name(place)
    ordered = sorted(actions, key=lambda a: a.get("type") not in SENDER_TYPES)
    for action in ordered:
        date = action.find(f"{_T}date")
        if date is not None and _set_date(date, found):
            break
    context = corresp.find(f"{_T}correspContext")
    if context is not None:
        found.context = _context(context)


def _opposite(own: str | None, role: str | None) -> bool:
    """Whether a name's own type and its action's say opposite things."""
    return (own in SENDER_TYPES and role in ADDRESSEE_TYPES) or \
        (own in ADDRESSEE_TYPES and role in SENDER_TYPES)


def title_splits(title: str) -> list[tuple[str, str]]:
    """Every reading of ``title`` as "A an B": (A, what follows the connecting word),
    one per connecting word in it (a name may hold "an": "Johann an der Heiden")."""
    return [(title[:m.start()], title[m.end():]) for m in _TITLE_WORD.finditer(title)]


@dataclass
class _Side:
    """One side of "A an B": its people (split at und, and, et, &, commas; B ends at
    the first comma) and the whole of it, for names that hold "und" or a comma
    themselves ("Socin und Wick", "Wurster, Randegger und Compagnie")."""

    people: list[str]
    wholes: list[str]

    @classmethod
    def of(cls, text: str, addressee: bool) -> _Side:
        text = " ".join(text.split())
        if not addressee:
            return cls(_people(text), [text] if text else [])
        parts = text.split(",")
        return cls(_people(parts[0]), [",".join(parts[:i]).strip() for i in range(1, len(parts) + 1)])

    def holds(self, name: str) -> bool:
        return name in {fold(n) for n in self.people + self.wholes}

    def named(self, encoded: list[str]) -> list[str]:
        """The side's people, as many as the title names: its whole when one encoded
        name is that whole."""
        whole = [w for w in self.wholes if encoded == [fold(w)]]
        return whole[:1] or self.people


def _people(text: str) -> list[str]:
    return [p for p in (" ".join(part.split()) for part in _JOINED.split(text)) if p]


def title_roles(title: str, senders: list[str], addressees: list[str]):
    """How the encoded roles (names as text) stand to the title's "A an B":
    ("agrees" | "reversed", (A's names, B's names)) or (None, None)."""
    senders = [fold(n) for n in senders if n.strip()]
    addressees = [fold(n) for n in addressees if n.strip()]
    if not senders and not addressees:
        return None, None
    reversed_ = None
    for writer, to in title_splits(title):
        a, b = _Side.of(writer, False), _Side.of(to, True)
        if not a.people or not b.people:
            continue
        if any(a.holds(n) and b.holds(n) for n in senders + addressees):
            continue  # "Escher an Escher": this reading tells no roles apart
        if all(a.holds(n) for n in senders) and all(b.holds(n) for n in addressees):
            return "agrees", (a.named(senders), b.named(addressees))
        if reversed_ is None and all(b.holds(n) for n in senders) and all(a.holds(n) for n in addressees):
            reversed_ = (a.named(addressees), b.named(senders))
    return ("reversed", reversed_) if reversed_ else (None, None)


def _context(context: etree._Element) -> dict[str, str]:
    """Neighbours in the correspondence: refs typed ``*-in-corresp`` (or similar) when
    the edition gives them; else ``prev``/``next``, the TEI's own convention."""
    refs = [(r.get("type") or "", (r.get("target") or "").split()) for r in context.iter(f"{_T}ref", f"{_T}ptr")]
    refs = [(t.lower(), targets[0]) for t, targets in refs if targets]
    specific = [(t, target) for t, target in refs if "corresp" in t]
    chosen = specific or [(t, target) for t, target in refs if t in ("prev", "previous", "next")]
    found = {}
    for kind, target in chosen:
        side = "prev" if kind.startswith("prev") else "next" if kind.startswith("next") else None
        if side:
            found.setdefault(side, target)
    return found


def _name(el: etree._Element) -> Name:
    return Name(normalized_text(el), kind_of(el), el.get("ref"), el.get("key"))


def _date(unit, header, division: bool, found: Read) -> None:
    candidates = []
    if header is not None and not division:
        candidates += header.findall(f"{_T}profileDesc/{_T}creation//{_T}date")
        creation = header.find(f"{_T}profileDesc/{_T}creation")
        if creation is not None and creation.get("when"):
            candidates.append(creation)
    text = unit if division else unit.find(f"{_T}text")
    if text is not None:
        candidates += list(text.iter(f"{_T}docDate"))
        for dateline in text.iter(f"{_T}dateline"):
            candidates += list(dateline.iter(f"{_T}date"))
    for date in _docdate_children(candidates):
        if _set_date(date, found):
            return
    title = found.entry.title
    match = _TITLE_ISO.search(title) or _TITLE_YEAR.search(title)
    if match:
        found.entry.date = found.entry.date_sort = match.group(1)
        found.entry.date_text = title
        found.entry.date_words = dates.words(match.group(1))


def _docdate_children(candidates):
    """A ``docDate`` without ``@when`` may hold a ``date`` that has one."""
    for el in candidates:
        yield el
        if el.tag == f"{_T}docDate" and not el.get("when"):
            yield from el.iter(f"{_T}date")


def _set_date(el: etree._Element, found: Read) -> bool:
    """Take the date of ``el`` if it has one (``@when``, else a range); True if taken."""
    entry = found.entry
    when = (el.get("when") or "").strip()
    text = normalized_text(el) or None
    if when and _ISO.match(when):
        entry.date = when.split("T")[0]
        entry.date_sort = entry.date
        entry.date_text = text or entry.date
        entry.date_words = dates.of(when, source_words=text)
        found.date_where = (el.sourceline, when)
        return True
    start = next((el.get(a).strip() for a in ("notBefore", "from", "notAfter", "to")
                  if el.get(a) and _ISO.match(el.get(a).strip())), None)
    if start:
        entry.date_sort = start.split("T")[0]
        low = (el.get("notBefore") or el.get("from") or "").strip()
        high = (el.get("notAfter") or el.get("to") or "").strip()
        entry.date_text = text or "–".join(v for v in (low, high) if v)
        entry.date_words = dates.of(None, el.get("from"), el.get("to"), el.get("notBefore"),
                                    el.get("notAfter"))
        found.date_where = (el.sourceline, start)
        return True
    return False


def year_unknown(entry: CatalogueEntry, years) -> bool:
    """Take out of the entry a year the editors declare a placeholder for an unknown
    year (edition.toml's ``[dates] unknown_year``): the date is then its day and month
    with the year unknown ("5 April, year unknown"), no ISO date and no sort key (it
    is listed with the undated); its words (``date_text``) stay the source's. True if
    the entry was changed."""
    match = _ISO.match(entry.date_sort or "")
    if not years or not match or int(match.group(1)) not in years:
        return False
    entry.date_words = dates.year_unknown(entry.date, entry.date_text)
    entry.date = entry.date_sort = None
    return True


def _language(unit, header) -> str | None:
    for el in (unit, unit.find(f"{_T}text")):
        if el is not None and el.get(XML_LANG):
            return el.get(XML_LANG)
    if header is not None:
        language = header.find(f"{_T}profileDesc/{_T}langUsage/{_T}language")
        if language is not None and language.get("ident"):
            return language.get("ident")
    return None


def _identifier(unit, header, division: bool) -> str | None:
    places = []
    if division:
        places.append(unit.find(f".//{_T}idno"))
    elif header is not None:
        places.append(header.find(f"{_T}fileDesc/{_T}publicationStmt/{_T}idno"))
        places.append(header.find(f"{_T}fileDesc/{_T}sourceDesc//{_T}msIdentifier/{_T}idno"))
        places.append(header.find(f"{_T}fileDesc/{_T}sourceDesc//{_T}idno"))
    for el in places:
        if el is not None and normalized_text(el):
            return normalized_text(el)
    return None


def is_real_date(iso: str) -> bool:
    """True for an ISO date that names a real day, month or year (no month 13, no
    30 February, no year 0000)."""
    import calendar

    match = _ISO.match(iso)
    if not match:
        return False
    year, month, day = match.group(1), match.group(2), match.group(3)
    if int(year) == 0:
        return False
    if month is not None and not 1 <= int(month) <= 12:
        return False
    if day is not None:
        last = calendar.monthrange(int(year), int(month))[1] if int(year) > 0 else 31
        return 1 <= int(day) <= last
    return True
