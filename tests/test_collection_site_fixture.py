"""A small generated letter collection for the collection site and volume tests (not
copied from anywhere): register files of persons (with GND/Wikidata ids and name forms
in several spellings) and places (with coordinates), and letters with ``correspDesc``,
names pointing into the registers by ``#id``, ``file.xml#id`` and ``@key``.

``generate(folder, letters=N)`` writes it; the letters are spread over 1836-1850 and
named so that file order is not date order.
"""

from __future__ import annotations

import random
from pathlib import Path

TEI = "http://www.tei-c.org/ns/1.0"

PERSONS = [
    # id, key, forms, birth-death, GND, Wikidata, note
    ("p1", "Escher Alfred", ["Alfred Escher", "Escher, Alfred"], "1819–1882", "118530909", "Q123753",
     "Politician and railway entrepreneur."),
    ("p2", "Heer Oswald", ["Oswald Heer", "Heer, Oswald"], "1809–1883", "116553146", "Q69056",
     "Botanist and entomologist."),
    ("p3", "Keller Gottfried", ["Gottfried Keller", "Keller, Gottfried", "Gottfrid Kellerus"],
     "1819–1890", "118561448", "Q77192", "Writer, state clerk of Zurich."),
    ("p4", "Dubs Jakob", ["Jakob Dubs", "Dubs, Jakob"], "1822–1879", None, None, "Federal councillor."),
    ("p5", "Welti Emil", ["Emil Welti", "Welti, Emil"], "1825–1899", None, "Q115720", "Federal councillor."),
    ("p6", "Nobody Never", ["Never Mentioned"], None, None, None, "An entry no letter names."),
]
PLACES = [
    ("pl1", "Zürich", ["Zürich", "Zurich", "Turicum"], 47.3769, 8.5417, "2657896"),
    ("pl2", "Bern", ["Bern", "Berne"], 46.948, 7.4474, "2661552"),
    ("pl3", "Basel", ["Basel", "Bâle"], 47.5596, 7.5886, None),
    ("pl4", "Genève", ["Genève", "Genf", "Geneva"], 46.2044, 6.1432, None),
]
CORRESPONDENTS = ["p1", "p2", "p3", "p4", "p5"]
WORDS = ("the railway question was discussed again at length with the council and the "
         "shareholders who expect a reply before the next session of the assembly while the "
         "weather remains cold and the roads are difficult").split()
REG = ' type="reg"'
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def _person_register() -> str:
    entries = []
    for pid, key, forms, dates, gnd, wd, note in PERSONS:
        names = "".join(f"<persName{REG if i == 0 else ''}>{f}</persName>" for i, f in enumerate(forms))
        ids = (f'<idno type="GND">{gnd}</idno>' if gnd else "") + (f'<idno type="wikidata">{wd}</idno>' if wd else "")
        life = ""
        if dates:
            b, d = dates.split("–")
            life = f'<birth when="{b}"/><death when="{d}"/>'
        entries.append(f'<person xml:id="{pid}" n="{key}">{names}{life}{ids}<note>{note}</note></person>')
    return _register("Persons", f'<listPerson>{"".join(entries)}</listPerson>')


def _place_register() -> str:
    entries = []
    for pid, key, forms, lat, lon, geonames in PLACES:
        names = "".join(f"<placeName>{f}</placeName>" for f in forms)
        ids = f'<idno type="geonames">{geonames}</idno>' if geonames else ""
        entries.append(f'<place xml:id="{pid}" n="{key}">{names}<location><geo>{lat} {lon}</geo></location>{ids}</place>')
    return _register("Places", f'<listPlace>{"".join(entries)}</listPlace>')


def _register(title: str, lists: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="{TEI}"><teiHeader><fileDesc>'
            f'<titleStmt><title>{title}</title></titleStmt><publicationStmt><p>Test</p></publicationStmt>'
            f'<sourceDesc><p>Generated.</p></sourceDesc></fileDesc></teiHeader>'
            f'<text><body>{lists}</body></text></TEI>\n')


def _name(pid: str, how: str, text: str) -> str:
    person = pid.startswith("p") and not pid.startswith("pl")
    tag = "persName" if person else "placeName"
    if how == "key":
        key = next(e[1] for e in (PERSONS if person else PLACES) if e[0] == pid)
        return f'<{tag} key="{key}">{text}</{tag}>'
    target = f"#{pid}" if how == "id" else f"../registers/{'persons' if person else 'places'}.xml#{pid}"
    return f'<{tag} ref="{target}">{text}</{tag}>'


def letter(n: int, rng: random.Random) -> tuple[str, str]:
    """(file name, text) of letter ``n``; dates are unique and spread over 1836-1850."""
    year = 1836 + (n * 7) % 15
    month = 1 + (n * 5) % 12
    day = 1 + (n * 3) % 28
    sender, addressee = rng.sample(CORRESPONDENTS, 2)
    place = PLACES[n % len(PLACES)]
    names = {p[0]: p[2][0] for p in PERSONS}
    sender_name, addressee_name = names[sender], names[addressee]
    when = f"{year}-{month:02d}-{day:02d}"
    date_text = f"{day} {MONTHS[month - 1]} {year}"
    title = f"{sender_name} to {addressee_name}, {place[2][0]}, {date_text}"
    hows = ("id", "file", "key")
    paragraphs = []
    for k in range(3):
        words = rng.sample(WORDS, 12)
        if k == 0:
            words.insert(4, _name("p3", hows[n % 3], "Gottfrid Kellerus" if n % 4 == 0 else "Gottfried Keller"))
        if k == 1:
            words.insert(2, _name(place[0], hows[(n + 1) % 3], place[2][0]))
            if n % 2 == 0:
                words.insert(6, _name("p2", hows[(n + 2) % 3], "Heer"))
        if k == 2 and n % 5 == 0:
            words += ["the", "Gotthard", "tunnel", "company"]
        paragraphs.append(f'<p xml:id="L{n:03d}_p{k + 1}">{" ".join(words)[:1].upper() + " ".join(words)[1:]}.</p>')
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="{TEI}" xml:id="L{n:03d}" xml:lang="en">
 <teiHeader><fileDesc><titleStmt><title>{title}</title></titleStmt>
  <publicationStmt><p>Generated test collection.</p></publicationStmt>
  <sourceDesc><msDesc><msIdentifier><settlement>Bern</settlement><institution>Archive</institution>
   <idno>Box {n % 7}, no. {n}</idno></msIdentifier></msDesc></sourceDesc></fileDesc>
 <profileDesc><langUsage><language ident="en">English</language></langUsage>
  <correspDesc><correspAction type="sent">{_name(sender, "id", sender_name)}{_name(place[0], "id", place[2][0])}<date when="{when}">{date_text}</date></correspAction>
   <correspAction type="received">{_name(addressee, "id", addressee_name)}</correspAction></correspDesc></profileDesc>
 </teiHeader>
 {_facsimile(n)}<text><body><div type="letter">
  {_pb(n)}<opener><dateline>{place[2][0]}, {date_text}</dateline><salute>Dear friend,</salute></opener>
  {"".join(paragraphs)}
  <closer><signed>{sender_name}</signed></closer>
 </div></body></text>
</TEI>
"""
    # file names in an order unrelated to the dates
    return f"letter_{(n * 11) % 97:02d}_{n:03d}.xml", text


def _facsimile(n: int) -> str:
    """Letter 1 has a local facsimile of its page, letter 2 a remote one (IIIF)."""
    url = {1: "images/letter-1.png", 2: "https://iiif.example.org/iiif/letter-2/full/max/0/default.jpg"}.get(n)
    return (f'<facsimile><surface xml:id="L{n:03d}_f1"><graphic url="{url}"/></surface></facsimile>\n '
            if url else "")


def _pb(n: int) -> str:
    return f'<pb n="1" facs="#L{n:03d}_f1"/>' if n in (1, 2) else ""


def png(width: int = 40, height: int = 60) -> bytes:
    """A small grey PNG (made here, not copied from anywhere)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes([200, 190, 170]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def generate(folder: Path, letters: int = 24, seed: int = 15) -> Path:
    """Write the collection into ``folder`` (letters/, registers/); returns ``folder``."""
    rng = random.Random(seed)
    (folder / "letters").mkdir(parents=True, exist_ok=True)
    (folder / "registers").mkdir(exist_ok=True)
    (folder / "edition.toml").write_text(
        'title = "Letters of a generated collection"\n'
        'editors = ["A. Editor", "B. Editor"]\n'
        'base_url = "https://example.org/letters/"\n'
        'introduction = """This edition collects letters.\n\nIt is generated for tests."""\n',
        encoding="utf-8")
    (folder / "registers" / "persons.xml").write_text(_person_register(), encoding="utf-8")
    (folder / "registers" / "places.xml").write_text(_place_register(), encoding="utf-8")
    (folder / "letters" / "images").mkdir(exist_ok=True)
    (folder / "letters" / "images" / "letter-1.png").write_bytes(png())
    for n in range(1, letters + 1):
        name, text = letter(n, rng)
        (folder / "letters" / name).write_text(text, encoding="utf-8")
    return folder


def build_site(source: Path, out: Path, *, load=None, resolve=None, limit: int | None = None) -> dict:
    """The collection site of ``source`` in ``out/html``: each document's page through
    the HTML stylesheet with its ``collection-page`` parameter, then the collection's
    own pages. (What the engine does in its workers, one process here.)"""
    from tei_edition.publish import site
    from tei_edition.publish import digest as site_digest
    from tei_edition.publish.run import run_format
    from tei_edition.xml.output import safe_child

    if load is None:
        from tei_edition.collection import load
        from tei_edition.entities.resolve import resolve
    collection = load([source])
    if limit:
        collection.documents = collection.documents[:limit]
    digests = []
    html = out / "html"
    bundle = collection.register.bundle()
    from tei_edition.errors import TeiEditionError

    for document in collection.ordered():
        try:
            tree = document.parse()
        except TeiEditionError:
            continue  # a broken document is reported by the build and left out
        resolve(tree, document.path, collection.register)
        params = {"reading": "normalised", **site.page_parameters(collection, document, tree)}
        strings, _ = run_format("html/html.xsl", tree, Path(document.path), params, strings=True,
                                register=collection.register, bundle=bundle)
        files = dict(zip(strings[::2], strings[1::2]))
        assert list(files) == ["index.html"]  # one page (its cards are the site's)
        target = safe_child(html, site.href(document.id))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(files["index.html"], encoding="utf-8")
        site.write_facsimiles(document, tree, html)
        digests.append(site_digest.digest(tree, document))
    figures = site.write_collection_site(collection, digests, html)
    figures["collection"] = collection
    return figures
