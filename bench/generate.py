"""Synthetic TEI of a chosen size, built from the dossier's structure.

The source is ``tei/nkidp-edossier-8.xml`` when it exists, else ``bench/template.xml``
(the same structure with synthetic text). A generated file keeps the source's header,
front matter and ``standOff`` registers once, and fills ``<body>`` with copies of its
documents (``div[@type=document]``) until the target size is reached. Each copy gets
fresh ``xml:id`` values (and the pointers inside it that led to them follow), while
``@ref`` values keep pointing into the one register. The choice of documents is seeded,
so the same arguments always give the same bytes.

Files are cached under ``bench/.cache/`` by a key made of the source's hash, the size
and the seed, so repeated benchmark runs do not regenerate them.

A letter collection for ``build`` (``write_letters``): ``python -m bench.generate
letters 1000 FOLDER``.

Usage: ``python -m bench.generate 10MB out.xml`` (sizes take KB, MB or plain bytes).
"""

from __future__ import annotations

import copy
import hashlib
import os
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
DOSSIER = ROOT / "tei" / "nkidp-edossier-8.xml"
TEMPLATE = Path(__file__).resolve().parent / "template.xml"
CACHE = Path(__file__).resolve().parent / ".cache"

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
T = f"{{{TEI_NS}}}"
GENERATOR_VERSION = "1"  # bump when the output for the same arguments changes
_MARK = "BENCH-BODY-MARK"
_URI_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_XMLNS_TEI = f' xmlns="{TEI_NS}"'

MB = 1_000_000


def parse_size(text: str) -> int:
    """``10MB`` -> 10_000_000; ``200KB``, ``1.5MB`` and plain byte counts too."""
    match = re.fullmatch(r"\s*([\d.]+)\s*([kKmMgG]?)[bB]?\s*", text)
    if not match:
        raise ValueError(f"not a size: {text!r}")
    factor = {"": 1, "k": 1_000, "m": MB, "g": 1_000 * MB}[match.group(2).lower()]
    return int(float(match.group(1)) * factor)


def human(size: int) -> str:
    return f"{size / MB:.3g}MB" if size >= MB else f"{size / 1000:.3g}KB"


def source_path() -> Path:
    """The dossier when it exists, else the built-in template of the same structure."""
    return DOSSIER if DOSSIER.is_file() else TEMPLATE


@dataclass
class Source:
    """A parsed source split into the parts a generated file is made of."""

    path: Path
    digest: str
    head: str  # everything before the documents of <body>
    tail: str  # everything after them
    units: list[etree._Element]  # the documents, to be copied
    external: list[Path]  # register files that @ref values point to (outside the file)

    @classmethod
    def load(cls, path: Path | None = None) -> "Source":
        path = Path(path or source_path())
        data = path.read_bytes()
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                 huge_tree=True)
        tree = etree.fromstring(data, parser).getroottree()
        root = tree.getroot()
        body = root.find(f"{T}text/{T}body")
        if body is None:
            raise ValueError(f"{path}: no text/body to replicate")
        children = [c for c in body if isinstance(c.tag, str)]
        picked = [c for c in children if c.tag == f"{T}div" and c.get("type") == "document"]
        if not picked:  # another structure: replicate whatever divisions the body has
            picked = [c for c in children if c.tag == f"{T}div"] or children
        if not picked:
            raise ValueError(f"{path}: the body has no documents to replicate")
        positions = [list(body).index(c) for c in picked]
        units = [copy.deepcopy(c) for c in picked]
        skeleton = copy.deepcopy(root)
        sk_body = skeleton.find(f"{T}text/{T}body")
        sk_children = list(sk_body)
        mark = etree.Comment(_MARK)
        mark.tail = sk_children[positions[0]].tail
        sk_body.replace(sk_children[positions[0]], mark)
        for i in positions[1:]:
            _remove_keeping_tail(sk_children[i])
        text = etree.tostring(skeleton, encoding="unicode")
        head, tail = text.split(f"<!--{_MARK}-->")
        return cls(path=path, digest=hashlib.sha256(data).hexdigest()[:12],
                   head='<?xml version="1.0" encoding="UTF-8"?>\n' + head + "\n", tail="\n" + tail + "\n",
                   units=units, external=_external_registers(root, path))


def _remove_keeping_tail(el: etree._Element) -> None:
    """Remove an element; text after it joins its previous sibling (or parent)."""
    parent, tail = el.getparent(), el.tail or ""
    previous = el.getprevious()
    if tail.strip():
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _external_registers(root: etree._Element, path: Path) -> list[Path]:
    folder = path.resolve().parent
    found = set()
    for value in root.xpath("//@ref"):
        for uri in value.split():
            target = uri.split("#", 1)[0]
            if target and "#" in uri and not _URI_SCHEME.match(target):
                candidate = (folder / target).resolve()
                if candidate.is_file() and candidate != path.resolve():
                    found.add(candidate)
    return sorted(found)


def unit_copy(unit: etree._Element, index: int, n: int) -> str:
    """One document with fresh ids (``id-cN``) and the pointers inside it renamed to match."""
    el = copy.deepcopy(unit)
    ids = {}
    for node in el.iter():
        if isinstance(node.tag, str) and XML_ID in node.attrib:
            old = node.get(XML_ID)
            ids[old] = f"{old}-c{index}"
            node.set(XML_ID, ids[old])
    if ids:
        for node in el.iter():
            if not isinstance(node.tag, str):
                continue
            for name, value in node.attrib.items():
                if name == XML_ID or "#" not in value:
                    continue
                tokens = value.split()
                renamed = [f"#{ids[t[1:]]}" if t.startswith("#") and t[1:] in ids else t for t in tokens]
                if renamed != tokens:
                    node.set(name, " ".join(renamed))
    if el.tag == f"{T}div":
        el.set("n", str(n))
    el.tail = "\n"
    text = etree.tostring(el, encoding="unicode")
    start = text.find(">")
    return text[:start].replace(_XMLNS_TEI, "", 1) + text[start:]


def write_tei(out: Path, size: int, *, seed: int = 8, source: Source | None = None,
              register: str | None = None) -> Path:
    """Write one TEI file of at least ``size`` bytes (and less than one document over it).

    ``register``: when set (a file name), names point into that file instead of this
    one's ``standOff``, which is left out (the shape of a corpus with one register).
    """
    source = source or Source.load()
    rng = random.Random(f"{seed}:{size}:{out.name}")
    head, tail = source.head, source.tail
    if register:
        head, tail = _point_to(head, register), _drop_standoff(_point_to(tail, register))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    written = 0
    with open(tmp, "w", encoding="utf-8") as handle:
        written += handle.write(head)
        budget = size - len(tail.encode("utf-8"))
        index = 0
        while written < budget or index == 0:
            index += 1
            unit = source.units[rng.randrange(len(source.units))]
            text = unit_copy(unit, index, index)
            if register:
                text = _point_to(text, register)
            written += len(text.encode("utf-8"))
            handle.write(text)
        handle.write(tail)
    os.replace(tmp, out)
    _copy_registers(source, out.parent)
    return out


def _point_to(text: str, register: str) -> str:
    return re.sub(r'(\sref=")([^"]*)"',
                  lambda m: m.group(1) + " ".join(f"{register}{t}" if t.startswith("#") else t
                                                   for t in m.group(2).split()) + '"', text)


def _drop_standoff(text: str) -> str:
    return re.sub(r"<standOff\b.*?</standOff>\s*", "", text, flags=re.S)


def _copy_registers(source: Source, folder: Path) -> None:
    for path in source.external:
        target = folder / path.name
        if not target.exists():
            shutil.copyfile(path, target)


def write_register(out: Path, source: Source | None = None) -> Path:
    """The source's ``standOff`` alone, as a TEI file that corpus files point into."""
    source = source or Source.load()
    standoff = re.search(r"<standOff\b.*?</standOff>", source.tail, flags=re.S)
    body = standoff.group(0) if standoff else "<standOff/>"
    text = (f'<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="{TEI_NS}">\n'
            "<teiHeader><fileDesc><titleStmt><title>Register</title></titleStmt>"
            "<publicationStmt><p>Benchmark register.</p></publicationStmt>"
            "<sourceDesc><p>Extracted from the benchmark source.</p></sourceDesc>"
            "</fileDesc></teiHeader>\n"
            "<text><body><p>Register of persons, places and organizations.</p></body></text>\n"
            f"{body}\n</TEI>\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def write_corpus(folder: Path, files: int, total: int, *, seed: int = 8,
                 shared_register: bool = False, source: Source | None = None) -> list[Path]:
    """``files`` TEI files of about ``total / files`` bytes each.

    With ``shared_register`` the names of every file point into one ``register.xml``
    beside them; otherwise each file carries its own copy of the registers.
    """
    source = source or Source.load()
    each = max(total // files, 1)
    paths = []
    register = None
    if shared_register and not source.external:
        register = "register.xml"
        write_register(folder / register, source)
    for i in range(1, files + 1):
        paths.append(write_tei(folder / f"doc-{i:04d}.xml", each, seed=seed + i, source=source,
                               register=register))
    return paths


def cached_file(size: int, *, seed: int = 8, cache: Path = CACHE) -> Path:
    """A generated file of ``size`` bytes, written once per source version."""
    source = Source.load()
    name = f"{source.path.stem}-{human(size)}-s{seed}-{source.digest}-g{GENERATOR_VERSION}.xml"
    out = cache / name
    if not out.is_file():
        _prune(cache, source)
        write_tei(out, size, seed=seed, source=source)
    return out


def cached_corpus(files: int, total: int, *, seed: int = 8, shared_register: bool = False,
                  cache: Path = CACHE) -> Path:
    """A folder of ``files`` generated files totalling about ``total`` bytes."""
    source = Source.load()
    kind = "shared" if shared_register else "inline"
    folder = cache / (f"corpus-{source.path.stem}-{files}x{human(total)}-{kind}-s{seed}-"
                      f"{source.digest}-g{GENERATOR_VERSION}")
    done = folder / ".complete"
    if not done.is_file():
        _prune(cache, source)
        if folder.exists():
            shutil.rmtree(folder)
        write_corpus(folder, files, total, seed=seed, shared_register=shared_register, source=source)
        done.write_text("ok\n")
    return folder


def _prune(cache: Path, source: Source) -> None:
    """Forget inputs generated from an older version of the source."""
    if not cache.is_dir():
        return
    for entry in cache.iterdir():
        if source.path.stem in entry.name and f"-{source.digest}-" not in entry.name:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


# -- a letter collection -------------------------------------------------------------
#
# Letters of 5-40 KB with ``correspDesc`` (sender, addressee, places, date) whose names
# point into two separate register files (``registers/persons.xml``: 5,000 persons,
# ``registers/places.xml``: 2,000 places) by ``file.xml#id``, as letter editions do.
# Everything is visibly generated (neutral names, a note saying so); seeded.

LETTERS_VERSION = "1"
_WORDS = ("the letter of your house arrived with news from the council and I write at "
          "once to thank you for the report on the railway which we read together in "
          "the evening while the rain kept everyone at home").split()


def _para(rng: random.Random, persons: int, places: int, size: int) -> str:
    parts, length = [], 0
    while length < size:
        roll = rng.random()
        if roll < 0.06:
            n = rng.randrange(persons)
            piece = f'<persName ref="../registers/persons.xml#pe{n:05d}">Person {n}</persName>'
        elif roll < 0.09:
            n = rng.randrange(places)
            piece = f'<placeName ref="../registers/places.xml#pl{n:05d}">Place {n}</placeName>'
        elif roll < 0.10:
            piece = "<lb/>"
        elif roll < 0.11:
            piece = f'<hi rend="italic">{rng.choice(_WORDS)}</hi>'
        elif roll < 0.115:
            piece = f'<note type="commentary">Generated note {rng.randrange(1000)}.</note>'
        else:
            piece = rng.choice(_WORDS)
        parts.append(piece)
        length += len(piece) + 1
    return "<p>" + " ".join(parts) + ".</p>"


def write_letter(number: int, rng: random.Random, persons: int, places: int) -> str:
    size = rng.randrange(5_000, 40_000)
    sender, addressee = rng.randrange(persons), rng.randrange(persons)
    sent, received = rng.randrange(places), rng.randrange(places)
    day = f"{1850 + number % 40}-{1 + number % 12:02d}-{1 + number % 28:02d}"
    ref = "../registers/persons.xml#pe{:05d}".format
    pref = "../registers/places.xml#pl{:05d}".format
    head = (f'<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="{TEI_NS}" xml:id="L{number:05d}">'
            f"<teiHeader><fileDesc><titleStmt><title>Generated letter {number} from Person "
            f"{sender} to Person {addressee}</title></titleStmt><publicationStmt><p>Generated "
            f"for the benchmark (bench/generate.py).</p></publicationStmt><sourceDesc><p>None: "
            f"generated.</p></sourceDesc></fileDesc><profileDesc><correspDesc>"
            f'<correspAction type="sent"><persName ref="{ref(sender)}">Person {sender}</persName>'
            f'<placeName ref="{pref(sent)}">Place {sent}</placeName><date when="{day}"/></correspAction>'
            f'<correspAction type="received"><persName ref="{ref(addressee)}">Person {addressee}'
            f'</persName><placeName ref="{pref(received)}">Place {received}</placeName>'
            f"</correspAction></correspDesc></profileDesc></teiHeader><text><body>"
            f'<opener><dateline><placeName ref="{pref(sent)}">Place {sent}</placeName>, '
            f'<date when="{day}">{day}</date></dateline></opener>')
    body, length = [], len(head)
    while length < size:
        body.append(_para(rng, persons, places, rng.randrange(400, 2000)))
        length += len(body[-1])
    return head + "\n".join(body) + "<closer>Generated closing.</closer></body></text></TEI>\n"


def write_letter_registers(folder: Path, persons: int, places: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, kind, count, prefix, tag in (("persons.xml", "listPerson", persons, "pe", "person"),
                                           ("places.xml", "listPlace", places, "pl", "place")):
        label = "persName" if tag == "person" else "placeName"
        entries = "\n".join(
            f'<{tag} xml:id="{prefix}{n:05d}"><{label}>{tag.title()} {n}</{label}>'
            f"<note>Generated register entry {n}.</note></{tag}>" for n in range(count))
        (folder / name).write_text(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc>'
            f"<titleStmt><title>Generated {tag} register</title></titleStmt><publicationStmt><p>"
            f"Generated for the benchmark.</p></publicationStmt><sourceDesc><p>None: generated."
            f"</p></sourceDesc></fileDesc></teiHeader><text><body><{kind}>\n{entries}\n"
            f"</{kind}></body></text></TEI>\n", encoding="utf-8")


def write_letters(folder: Path, letters: int, *, persons: int = 5000, places: int = 2000,
                  seed: int = 8) -> Path:
    """``folder/letters/*.xml`` and ``folder/registers/{persons,places}.xml``."""
    rng = random.Random(seed)
    (folder / "letters").mkdir(parents=True, exist_ok=True)
    write_letter_registers(folder / "registers", persons, places)
    for number in range(letters):
        (folder / "letters" / f"letter-{number:05d}.xml").write_text(
            write_letter(number, rng, persons, places), encoding="utf-8")
    return folder


def cached_letters(letters: int, *, seed: int = 8, cache: Path = CACHE) -> Path:
    folder = cache / f"letters-{letters}-s{seed}-v{LETTERS_VERSION}"
    done = folder / ".complete"
    if not done.is_file():
        if folder.exists():
            shutil.rmtree(folder)
        write_letters(folder, letters, seed=seed)
        done.write_text("ok\n")
    return folder


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) == 3 and args[0] == "letters":
        folder = write_letters(Path(args[2]), int(args[1]))
        print(f"{folder}: {args[1]} letters, 5,000 persons and 2,000 places in registers/")
        return 0
    if len(args) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    out = write_tei(Path(args[1]), parse_size(args[0]))
    print(f"{out}: {out.stat().st_size:,} bytes from {source_path().name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
