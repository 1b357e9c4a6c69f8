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


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    out = write_tei(Path(args[1]), parse_size(args[0]))
    print(f"{out}: {out.stat().st_size:,} bytes from {source_path().name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
