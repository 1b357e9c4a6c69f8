"""PDF print edition: ``xslt/typst/typst.xsl`` writes Typst source that calls the
semantic functions of the layout template ``xslt/typst/edition.typ``; ``typeset``
compiles it in a sandboxed worker. This module checks the options, picks the fonts
the text needs, fixes the creation date (reproducible output) and writes the PDF
(and, on request, the Typst source) atomically."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from tei_edition import resources
from tei_edition.collection import dates
from tei_edition.publish import pool, typeset
from tei_edition.errors import InputError, UsageError
from tei_edition.publish.run import run_format
from tei_edition.publish.formats import ExportRequest, ExportResult
from tei_edition.xml.output import write_atomic
from tei_edition.xml.parse import TEI_NS

STYLESHEET = "typst/typst.xsl"
PAPERS = ("a4", "us-letter")
READINGS = ("normalised", "diplomatic")
TEI = f"{{{TEI_NS}}}"

# Typst lays out the whole book in memory, and what costs memory is not only text:
# every footnote, table cell, name (an index mark), page break and list item is an
# object of the layout that Typst keeps to the end. The guard counts each of them as
# the number of characters of plain text that cost as much, measured as the peak
# memory of the Typst worker on generated books that grow (tests/test_pdf_memory.py
# checks that the estimate stays above what is measured): plain text about 0.25 GB
# per million characters, a footnote about 60 kB, a table cell or a name about
# 25 kB, a page-break mark about 45 kB, a list item about 17 kB, any other element
# under 2 kB. The figures below keep a margin over those. Above the limit the export
# is refused before any work (--max-chars lifts it).
DEFAULT_MAX_CHARS = 10_000_000
GB_PER_MILLION_CHARS = 0.8
BYTES_PER_CHAR = GB_PER_MILLION_CHARS * 1e9 / 1e6
BASE_BYTES = 400e6  # Python, Saxon, the Typst worker and its fonts, before any text

# Elements that cost more than their text, in characters of plain text.
ELEMENT_WEIGHTS = {
    "note": 100, "cell": 40, "pb": 70, "item": 28, "label": 28,
    "persName": 40, "placeName": 40, "orgName": 40, "geogName": 40, "rs": 40, "name": 40,
    "settlement": 40, "country": 40, "region": 40, "bloc": 40, "district": 40,
}
ELEMENT_WEIGHT = 3  # any other element of the text


@dataclass(frozen=True)
class Cost:
    """What a document costs Typst, in characters of plain text that cost as much."""

    chars: int
    counts: dict[str, int]

    @property
    def weighted(self) -> int:
        return self.chars + sum(ELEMENT_WEIGHTS.get(name, ELEMENT_WEIGHT) * n
                                for name, n in self.counts.items())

    @property
    def bytes(self) -> float:
        """The estimated peak memory of the export, in bytes."""
        return BASE_BYTES + self.weighted * BYTES_PER_CHAR

    def describe(self) -> str:
        named = {"note": "notes", "cell": "table cells", "pb": "page breaks"}
        parts = [f"{self.chars:,} characters"]
        parts += [f"{self.counts[k]:,} {v}" for k, v in named.items() if self.counts.get(k)]
        names = sum(n for k, n in self.counts.items() if ELEMENT_WEIGHTS.get(k) == 40 and k != "cell")
        if names:
            parts.append(f"{names:,} names")
        return ", ".join(parts)


def cost(tree) -> Cost:
    """Count what the PDF of ``tree`` (a tree or an element) costs Typst (one pass)."""
    chars, counts = 0, {}
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    for element in root.iter():
        if isinstance(element.tag, str):
            name = element.tag.rpartition("}")[2]
            counts[name] = counts.get(name, 0) + 1
        chars += len(element.text or "") + len(element.tail or "")
    return Cost(chars, counts)


@dataclass(frozen=True)
class Script:
    """A writing system the embedded fonts lack, and fonts that cover it."""

    name: str
    pattern: re.Pattern
    families: tuple[str, ...]
    install: str


SCRIPTS = (
    Script("Hangul", re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]"),
           ("Noto Serif CJK KR", "Noto Sans CJK KR", "Noto Serif KR", "Noto Sans KR",
            "Source Han Serif K", "NanumMyeongjo", "UnBatang", "Baekmuk Batang"),
           "fonts-noto-cjk (Debian/Ubuntu: apt-get install fonts-noto-cjk)"),
    Script("Chinese/Japanese", re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]"),
           ("Noto Serif CJK JP", "Noto Serif CJK SC", "Noto Sans CJK JP", "Noto Sans CJK SC",
            "Source Han Serif", "IPAMincho", "AR PL UMing CN"),
           "fonts-noto-cjk (Debian/Ubuntu: apt-get install fonts-noto-cjk)"),
    Script("Devanagari", re.compile(r"[\u0900-\u097f]"),
           ("Noto Serif Devanagari", "Noto Sans Devanagari", "Lohit Devanagari"),
           "fonts-noto-core (Debian/Ubuntu: apt-get install fonts-noto-core)"),
    Script("Armenian", re.compile(r"[\u0530-\u058f]"),
           ("Noto Serif Armenian", "Noto Sans Armenian", "DejaVu Sans"),
           "fonts-noto-core (Debian/Ubuntu: apt-get install fonts-noto-core)"),
)


@dataclass
class Source:
    """The generated Typst source, its fallback fonts and the user-facing warnings."""

    typst: str
    warnings: list[str] = field(default_factory=list)
    coverage: dict[str, int] = field(default_factory=dict)


def options(*, paper: str = "a4", pdf_standards=(), keep_typst: bool = False,
            timeout: float = typeset.DEFAULT_TIMEOUT, reading: str | None = None,
            diplomatic: bool = False, max_chars: int | None = None, prelude: str = "",
            query: str | None = None, edition: tuple[str, tuple[str, ...]] | None = None) -> dict:
    """The PDF options, checked. ``prelude`` (Typst code run before the book, after the
    template's import, e.g. a volume's part setting ``te.first-page``) and ``query`` (a
    selector whose metadata values come back as ``ExportResult.queried``) are for callers
    in Python, such as the volume. ``edition``: (title, editors) of the edition a
    document of a collection belongs to, which its imprint names (as the volume's does)
    instead of its source file."""
    reading = reading or ("diplomatic" if diplomatic else "normalised")
    if reading not in READINGS:
        raise UsageError(f"the reading must be one of {', '.join(READINGS)} (got {reading!r})")
    if paper not in PAPERS:
        raise UsageError(f"--paper must be one of {', '.join(PAPERS)} (got {paper!r})")
    standards = (pdf_standards,) if isinstance(pdf_standards, str) else tuple(pdf_standards or ())
    for standard in standards:
        if standard not in typeset.STANDARDS:
            raise UsageError(f"unknown PDF standard {standard!r}; choose from "
                             f"{', '.join(typeset.STANDARDS)}")
    if not timeout or timeout <= 0:
        raise UsageError(f"the Typst time limit must be positive (got {timeout!r})")
    max_chars = DEFAULT_MAX_CHARS if max_chars is None else max_chars
    if not isinstance(max_chars, int) or max_chars <= 0:
        raise UsageError(f"--max-chars must be a positive whole number (got {max_chars!r})")
    return {"paper": paper, "standards": standards, "keep_typst": bool(keep_typst),
            "timeout": float(timeout), "reading": reading, "max_chars": max_chars,
            "prelude": prelude, "query": query,
            "edition": (str(edition[0]), tuple(str(e) for e in edition[1])) if edition else None}


def memory_limit(max_chars: int) -> int:
    """The memory (bytes) the Typst worker may take for books of up to ``max_chars``."""
    return int(BASE_BYTES + max_chars * BYTES_PER_CHAR)


def weighted_chars(element) -> int:
    """What ``element``'s part of a book costs Typst, in characters of plain text (the
    measure of ``--max-chars``; the volume plans its parts with it)."""
    return 0 if element is None else cost(element).weighted


def check_size(tree, source: Path, max_chars: int = DEFAULT_MAX_CHARS) -> Cost:
    """Refuse, before any work, a book too large for Typst to hold in memory: its
    text, notes, table cells, names ... counted as characters of plain text that cost
    as much memory (``cost``)."""
    found = cost(tree)
    weighted = found.weighted
    if weighted <= max_chars:
        return found
    suggest = -(-weighted // 1_000_000) * 1_000_000
    raise InputError(
        f"the text ({found.describe()}) costs Typst as much memory as {weighted:,} "
        f"characters of plain text, over the PDF limit of {max_chars:,}: Typst holds the "
        f"whole book in memory, about {GB_PER_MILLION_CHARS:g} GB per million characters "
        f"(about {found.bytes / 1e9:.1f} GB here); pass --max-chars {suggest} to "
        f"`tei-edition export pdf` to lift the limit if the machine has that memory, "
        f"or split the edition", path=str(source))


def creation_date(tree) -> datetime | None:
    """The date the PDF says it was made: ``SOURCE_DATE_EPOCH`` when set, else the
    TEI publication date, else the last revision, else the Unix epoch (never today,
    so that the same input always gives the same bytes); a collection's volume (te:book
    on its root, see volume.py) without a date of its own has none (None)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970 (got {epoch!r})") from None
    root = tree.getroot()
    candidates = root.findall(f".//{TEI}publicationStmt/{TEI}date") + \
        root.findall(f".//{TEI}revisionDesc//{TEI}change")
    for element in candidates:
        for value in (element.get("when"), element.get("notBefore"), element.get("from"),
                      "".join(element.itertext())):
            found = _iso_date(value)
            if found:
                return found
    if root.get("{urn:x-tei-edition}book"):
        return None
    return datetime(1970, 1, 1, tzinfo=timezone.utc)


def revision_words(tree) -> str:
    """The date of the revision the imprint prints (its header's last change, as
    front.xsl's ``tt:imprint`` takes it) in words, by the edition's one rule
    (collection/dates.py): "27 November 2026"; '' when it gives none."""
    root = tree.getroot()
    header = root.find(f"{TEI}teiHeader")
    if header is None:
        header = next(root.iter(f"{TEI}teiHeader"), None)
    changes = [] if header is None else \
        [c for desc in header.findall(f"{TEI}revisionDesc") for c in desc.iter(f"{TEI}change")]
    if not changes:
        return ""
    last = changes[-1]
    return dates.of(last.get("when"), last.get("from"), last.get("to"), last.get("notBefore"),
                    last.get("notAfter")) or ""


def _iso_date(value: str | None) -> datetime | None:
    match = re.search(r"\b(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\b", value or "")
    if not match:
        return None
    year, month, day = int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1)
    try:
        return datetime(year, month, day, tzinfo=timezone.utc) if year >= 1970 else None
    except ValueError:
        return None


def fallback_fonts(tree) -> tuple[list[str], list[str]]:
    """Fonts for the scripts the text uses beyond Latin and Cyrillic, and a warning for
    each script no installed font covers."""
    text = "".join(tree.getroot().itertext())
    families, warnings = [], []
    available = None
    for script in SCRIPTS:
        sample = script.pattern.search(text)
        if not sample:
            continue
        if available is None:
            available = typeset.font_families()
        found = next((f for f in script.families if f in available), None)
        if found:
            if found not in families:
                families.append(found)
        else:
            warnings.append(f"the text has {script.name} characters (e.g. {sample.group(0)!r}) but no "
                            f"installed font covers them, so they would print as empty boxes; "
                            f"install {script.install}")
    return families, warnings


def typst_source(tree, source: Path, *, paper: str = "a4", date: datetime | None = None,
                 fonts: list[str] = (), reading: str = "normalised", prelude: str = "",
                 edition: tuple[str, tuple[str, ...]] | None = None) -> Source:
    """The Typst source of the print edition of a parsed TEI document (``edition``: see
    ``options``)."""
    date = date or creation_date(tree)
    day = date.strftime("%Y-%m-%d") if date else ""
    params = {"paper": paper, "reading": reading, "date": day, "fonts": "|".join(fonts), "source-name": source.name,
              "template": typeset.TEMPLATE_NAME, "prelude": prelude, "revision-date": revision_words(tree)}
    if edition:
        params["edition-title"] = edition[0]
        # (one a line: a name has none, its whitespace made single spaces)
        params["edition-editors"] = "\n".join(" ".join(e.split()) for e in edition[1])
    output, messages = run_format(STYLESHEET, tree, source, params)
    return Source(output, messages.warnings, messages.coverage)


def export(request: ExportRequest) -> ExportResult:
    return start(request).finish()


def start(request: ExportRequest) -> "Pending":
    """Everything up to the Typst compile, which is started in its worker and left
    running: ``finish()`` on the result waits for it and writes the PDF. (``build``
    writes the other formats meanwhile.)"""
    opts = options(**request.options)
    tree, source = request.tree, request.source
    check_size(tree, source, opts["max_chars"])
    # The worker loads Typst and the fonts while the Typst source is made here. Its
    # memory is bounded by what --max-chars promises (the guard's estimate of this
    # book is below it, so only a wrong estimate meets the bound). In a worker of the
    # pool (a build), the Typst worker stays for the next document, fonts loaded.
    limit = memory_limit(opts["max_chars"])
    compiling = typeset.Compile(
        timeout=opts["timeout"], tei_path=str(source), memory_limit=limit,
        limit_hint=f"pass --max-chars {opts['max_chars'] * 2} to `tei-edition export pdf` to "
                   "allow twice as much, if the machine has that memory",
        reuse=pool.in_worker())
    try:
        date = creation_date(tree)
        if date is None and opts["standards"]:
            raise UsageError(f"{', '.join(opts['standards'])} needs the document's date, and the "
                             "collection gives none: set date in edition.toml (date = 2024-05-01)",
                             path=str(source))
        fonts, font_warnings = fallback_fonts(tree)
        generated = typst_source(tree, source, paper=opts["paper"], date=date, fonts=fonts,
                                 reading=opts["reading"], prelude=opts["prelude"], edition=opts["edition"])
        template = resources.typst_template()
        warnings = [f"{source}: warning: {w}" for w in font_warnings] + generated.warnings
        outputs = []
        if opts["keep_typst"]:
            # Beside the PDF, so that `typst compile NAME.typ` rebuilds it by hand.
            kept = request.output.with_suffix(".typ")
            write_atomic(kept, generated.typst)
            write_atomic(kept.parent / typeset.TEMPLATE_NAME, template.read_bytes())
            outputs += [kept, kept.parent / typeset.TEMPLATE_NAME]
        compiling.submit(generated.typst, template, standards=opts["standards"],
                         timestamp=int(date.timestamp()) if date else 0, query=opts["query"])
    except BaseException:
        compiling.cancel()
        raise
    return Pending(request, compiling, warnings, outputs, generated.coverage)


@dataclass
class Pending:
    """A PDF whose Typst compile runs in the worker (see ``start``)."""

    request: ExportRequest
    compiling: typeset.Compile
    warnings: list[str]
    outputs: list[Path]
    coverage: dict[str, int]

    def finish(self) -> ExportResult:
        """Wait for Typst and write the PDF atomically."""
        result = self.compiling.wait()
        source = self.request.source
        warnings = self.warnings + [f"{source}: warning: typst: {w}" for w in result.warnings]
        write_atomic(self.request.output, result.pdf)
        return ExportResult([self.request.output, *self.outputs], warnings, self.coverage,
                            queried=json.loads(result.queried) if result.queried else None)

    def cancel(self) -> None:
        """Stop the compile without writing anything."""
        self.compiling.cancel()
