"""The PDF print edition: text, index, metadata, outline, standards, reproducibility,
hostile text, error reporting. Each PDF is built once per module and read with pypdf."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pypdf
import pytest
from lxml import etree

from conftest import DOSSIER, FIXTURES
from tei_edition.publish import typeset
from tei_edition.errors import InputError, TransformError, UsageError
from tei_edition.publish.export import export_file
from tei_edition.publish.formats import pdf as pdf_format
from tei_edition.xml.parse import NS, parse_file


EDITION = FIXTURES / "pdf" / "edition.xml"
HOSTILE = FIXTURES / "pdf" / "hostile.xml"
INDEX_TITLE = "Index of persons, places and organisations"


# ----- helpers -------------------------------------------------------------------

class Book:
    """A built PDF: its reader, page texts and printed page labels."""

    def __init__(self, path: Path, typst_source: Path | None = None):
        self.path = path
        self.reader = pypdf.PdfReader(str(path))
        self.texts = [page.extract_text() or "" for page in self.reader.pages]
        self.labels = list(self.reader.page_labels)
        self.typst = typst_source.read_text(encoding="utf-8") if typst_source else ""

    def flat(self, pages=None) -> str:
        return flatten("\n".join(self.texts if pages is None else [self.texts[i] for i in pages]))


def flatten(text: str) -> str:
    """Extracted text as one comparable line: words hyphenated at a line end joined,
    white space collapsed, case folded. The hyphen glyph extracts as whichever character
    first used it: after a hyphenation (Typst maps that one to U+00AD, the others by
    /ActualText, which pypdf does not read) every hyphen of the font reads as U+00AD."""
    text = re.sub(r"(\w)[-\xad]\s*\n\s*(\w)", r"\1\2", text).replace("\xad", "-")
    return re.sub(r"\s+", " ", text).casefold()


def words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+|\d+", text.casefold()))


def missing_words(expected: set[str], book: "Book") -> set[str]:
    """Expected words the book lacks. A footnote mark printed right after a word comes
    out of the PDF glued to it ("policiesb"), so a printed word may end in one or two
    extra characters."""
    printed = words(book.flat())
    marked = {w[:-k] for w in printed for k in (1, 2) if len(w) > k}
    return {w for w in expected if w not in printed and w not in marked}


# Elements whose text is not part of the word before or after them.
SEPARATE = {"w", "note", "sic", "corr", "orig", "reg", "abbr", "expan", "am", "ex", "lem", "rdg",
            "desc", "p", "head", "item", "cell", "l", "ab", "dateline", "signed"}


# Registers in the text (a letter's back): they make the index, not running text.
REGISTERS = ("listPerson", "listPlace", "listOrg", "listEvent", "listNym", "listObject",
             "listRelation")


def tei_text_words(path: Path) -> set[str]:
    """Every word of the TEI <text> (what a reader must find in the book), registers
    aside."""
    root = parse_file(path).getroot()
    for name in REGISTERS:
        for el in root.findall(f".//tei:text//tei:{name}", NS):
            if el.getparent() is not None:
                el.getparent().remove(el)
    for el in root.iter(etree.Element):
        name = etree.QName(el).localname
        if name in ("lb", "pb", "cb", "space") and el.get("break") != "no":
            el.tail = " " + (el.tail or "")
        if name in SEPARATE:
            el.text = " " + (el.text or "")
            el.tail = " " + (el.tail or "")
    return set().union(*(words("".join(t.itertext())) for t in root.iterfind(".//tei:text", NS)))


def overlapping_words(pdf: Path, tolerance: float = 1.0) -> list[tuple[int, str, str]]:
    """Words of different lines whose boxes overlap (lines printed over each other),
    per page, from ``pdftotext -bbox-layout``: (page number, word, word)."""
    done = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                          check=True)
    root = etree.fromstring(done.stdout, etree.HTMLParser(huge_tree=True))
    found = []
    for number, page in enumerate(root.iter("page"), 1):
        boxes = sorted(((float(w.get("ymin")), float(w.get("ymax")), float(w.get("xmin")),
                         float(w.get("xmax")), line, w.text or "")
                        for line, element in enumerate(page.iter("line"))
                        for w in element.iter("word")), key=lambda b: b[0])
        for i, (top, bottom, left, right, line, text) in enumerate(boxes):
            for top2, bottom2, left2, right2, line2, text2 in boxes[i + 1:]:
                if top2 >= bottom - tolerance:
                    break  # sorted by top: no later box reaches this one
                if (line2 != line and min(right, right2) - max(left, left2) > tolerance
                        and min(bottom, bottom2) - max(top, top2) > tolerance):
                    found.append((number, text, text2))
    return found


needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
# the fixture edition names Kim Il Sung in Hangul: without a font for it (Debian's
# fonts-noto-cjk) Hangul prints as empty boxes, and PDF/A refuses it
needs_hangul_font = pytest.mark.skipif(bool(pdf_format.fallback_fonts(parse_file(EDITION))[1]),
                                       reason="no Hangul font installed (fonts-noto-cjk)")


def build(source: Path, folder: Path, name: str = "book.pdf", **options) -> Book:
    result = export_file(source, "pdf", folder / name, keep_typst=True, **options)
    assert result.outputs[0] == folder / name
    return Book(folder / name, (folder / name).with_suffix(".typ"))


def register_entries(typst_source: str) -> list[dict]:
    """The index data the stylesheet handed to Typst (id, kind, label), in its order."""
    found = []
    for m in re.finditer(r'^  \(id: ("(?:[^"\\]|\\.)*"), kind: ("(?:[^"\\]|\\.)*"), '
                         r'label: ("(?:[^"\\]|\\.)*"),', typst_source, re.M):
        found.append({"id": json.loads(m.group(1)), "kind": json.loads(m.group(2)),
                      "label": json.loads(m.group(3))})
    return found


def mentions(path: Path) -> dict[str, set[str]]:
    """id -> the texts of the names that point to it, as printed (notes and the source
    readings of corrections left out)."""
    hidden = {"note", "sic", "orig", "abbr"}

    def printed(el) -> str:
        out = [el.text or ""]
        for child in el:
            if etree.QName(child).localname not in hidden:
                out.append(printed(child))
            out.append(child.tail or "")
        return "".join(out)

    root = parse_file(path).getroot()
    found: dict[str, set[str]] = {}
    for el in root.iterfind(".//tei:text//*[@ref]", NS):
        text = re.sub(r"\s+", " ", printed(el)).strip()
        for uri in el.get("ref").split():
            if uri.startswith("#") and text:
                found.setdefault(uri[1:], set()).add(text.casefold())
    return found


def index_entries(book: Book) -> dict[str, list[str]]:
    """label -> the page labels the printed index gives for it."""
    # (the index's opening page: its heading alone on the first line, not a later page's
    # running head "Index of persons, places and organisations 11")
    start = max(i for i, t in enumerate(book.texts) if t.strip() and t.strip().splitlines()[0].strip() == INDEX_TITLE)
    lines = []
    for i in range(start, len(book.texts)):
        page = [ln.strip() for ln in book.texts[i].splitlines() if ln.strip()]
        label = book.labels[i]
        if page and page[-1] == label:  # the folio
            page = page[:-1]
        if page and i > start and (page[0].startswith(label + " ") or page[0].endswith(" " + label)):
            page = page[1:]  # the running head
        lines += page
    entries = [e for e in register_entries(book.typst)]
    order = [e for kind in ("person", "place", "org") for e in entries if e["kind"] == kind]
    order += [e for e in entries if e["kind"] not in ("person", "place", "org")]
    def squeeze(text: str) -> str:  # a label may wrap, with or without a hyphen
        return re.sub(r"[\s\-\u00ad]+", "", text)

    starts, cursor = [], 0
    for entry in order:
        for n in range(cursor, len(lines)):
            if squeeze(" ".join(lines[n:n + 3])).startswith(squeeze(entry["label"])):
                starts.append((n, entry["label"]))
                cursor = n + 1
                break
    printed = {}
    headings = {"persons", "places", "organisations", "other names"}
    for k, (n, label) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        body = [ln for ln in lines[n:end] if ln.casefold() not in headings]
        text = re.sub(r"(\w)-\s+(\w)", r"\1\2", " ".join(body))
        pages = re.search(r"((?:\d+(?:–\d+)?)(?:, \d+(?:–\d+)?)*)$", text)
        assert pages, f"no page numbers after index entry {label!r}: {text!r}"
        expanded = []
        for part in pages.group(1).split(", "):
            a, _, b = part.partition("–")
            expanded += [str(p) for p in range(int(a), int(b or a) + 1)]
        printed[label] = expanded
    return printed


def letters(text: str) -> str:
    """Only the letters and digits: editorial brackets, hyphens and line ends aside."""
    return re.sub(r"[\W_]+", "", text.casefold())


def check_index(book: Book, source: Path) -> int:
    """Every page the index gives for a name is a page whose text names it."""
    printed = index_entries(book)
    by_label = {e["label"]: e["id"] for e in register_entries(book.typst)}
    names = mentions(source)
    assert printed, "the index lists no entry"
    checked = 0
    for label, pages in printed.items():
        forms = {letters(form) for form in names[by_label[label]]}
        for page_label in pages:
            text = letters(book.flat([book.labels.index(page_label)]))
            assert any(form in text for form in forms), \
                f"index: {label!r} on p. {page_label}, whose text has none of {sorted(forms)}"
            checked += 1
    return checked


# ----- the fixture edition ---------------------------------------------------------

@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Book:
    return build(EDITION, tmp_path_factory.mktemp("pdf"))


@needs_hangul_font
def test_every_word_of_the_text_is_in_the_pdf(book):
    assert missing_words(tei_text_words(EDITION), book) == set()


@needs_hangul_font
def test_names_in_cyrillic_and_hangul_are_printed(book):
    text = book.flat()
    assert "александр пузанов" in text
    assert "김일성" in text


def test_book_structure(book):
    text = book.flat()
    # title page: series, title, author, translators
    title_page = book.flat([0])
    for part in ("cold war documents, no. 3", "soviet and east german records", "jane archivist",
                 "translated by anna übersetzer and boris perevodchikov"):
        assert part in title_page
    opening = {t.split("\n", 1)[0].strip(): i for i, t in enumerate(book.texts) if t.strip()}
    assert opening["Contents"] < opening["Introduction"] < opening["Editorial principles"] \
        < opening[INDEX_TITLE]
    # each document opens with its label, heading and archival source note
    for label, source_note in (("document no. 1", "dy 30, iv 2/20/137. translated by anna"),
                               ("document no. 2", "source: avprf, fond 0102")):
        opening = next(i for i, t in enumerate(book.texts) if label in flatten(t)[:40])
        assert source_note in book.flat([opening])
    # editorial principles from encodingDesc written for readers: the paragraphs that
    # speak of the markup stay in the TEI; the signs the text uses are explained
    assert "editorial principles" in text and "no spelling is normalised" in text
    assert "<choice>" not in text and "@ref" not in text and "slips are corrected" not in text
    # the signs explained as the common layer explains them (xslt/common/policy.xml)
    assert "supplied by the editors: missing or illegible in the source" in text


def test_footnotes_numbered_and_lettered(book):
    text = book.flat()
    assert "1 the text of this note was not extracted" in text  # the essay's own note n="1"
    assert "translator's note: the sum is given in dollars" in text
    assert "policies] source reads: polices" in text  # a correction, explained
    assert "sapmo-ba] source reads: sampo-ba" in text  # ... also in a source note
    assert "[… illegible signature]" in text  # a gap says why, in words, where it stands


def test_source_page_breaks_in_the_margin(book):
    text = book.flat()
    for n in (2, 3, 4, 5):
        assert f"p. {n}" in text


def test_index_pages_name_the_entries(book):
    assert check_index(book, EDITION) >= 20


def test_index_describes_entries(book):
    index = book.flat([i for i, t in enumerate(book.texts) if INDEX_TITLE in t][-1:])
    assert "puzanov, a.m., soviet ambassador to the dprk." in index
    assert "kim il sung, north korean leader." in index  # surname-first names stay so


def test_metadata_outline_and_fonts(book):
    info = book.reader.metadata
    assert info.title.startswith("Soviet and East German Records on the Korean Question, 1960")
    assert info.author == "Jane Archivist"
    assert "Puzanov" in (info.get("/Keywords") or "")
    assert info.get("/CreationDate", "").startswith("D:20240517")
    assert book.reader.trailer["/Root"]["/Lang"] == "en"
    assert book.reader.trailer["/Root"].get("/StructTreeRoot") is not None  # tagged
    outline = [item["/Title"] for item in book.reader.outline if isinstance(item, dict)]
    assert "Note about a Conversation with Comrade Puzanov" in outline
    assert "Editorial principles" in outline and INDEX_TITLE in outline
    fonts = set()
    for page in book.reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendant = font.get("/DescendantFonts")
            descriptor = (descendant[0].get_object() if descendant else font).get("/FontDescriptor")
            assert descriptor is not None and any(k in descriptor.get_object() for k in
                                                  ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.add(str(font["/BaseFont"]))
    assert any("LibertinusSerif" in f for f in fonts)


def test_page_numbers_roman_then_arabic(book):
    assert book.labels[2] == "iii" and "1" in book.labels
    first = book.labels.index("1")
    assert first % 2 == 0  # page 1 is a right-hand page (physical page first + 1 is odd)


def test_keep_typst_writes_source_beside_the_pdf(book):
    assert book.typst.startswith("// Typst source of a print edition")
    assert (book.path.parent / typeset.TEMPLATE_NAME).is_file()
    assert "#import \"tei-edition.typ\" as te" in book.typst


def test_two_builds_are_byte_identical(book, tmp_path):
    again = export_file(EDITION, "pdf", tmp_path / "again.pdf")
    assert (tmp_path / "again.pdf").read_bytes() == book.path.read_bytes()
    assert again.outputs == [tmp_path / "again.pdf"]


def test_source_date_epoch_sets_the_date(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "946684800")  # 2000-01-01
    export_file(HOSTILE, "pdf", tmp_path / "h.pdf")
    assert pypdf.PdfReader(str(tmp_path / "h.pdf")).metadata["/CreationDate"].startswith("D:20000101")


def assert_clean(path: Path) -> None:
    """A tagged PDF that poppler reads without a complaint ("Syntax Error: Suspects object
    is wrong type (boolean)" was printed for every PDF: Typst's valid ``/Suspects false``,
    which poppler 22.12 misreads), its every object where its cross-reference table says."""
    data = path.read_bytes()
    assert b"/Suspects" not in data
    reader = pypdf.PdfReader(str(path), strict=True)
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])  # still tagged
    table = data[int(re.findall(rb"startxref\s+(\d+)", data)[-1]):]
    first, count = map(int, re.match(rb"xref\s+(\d+) (\d+)", table).groups())
    offsets = re.findall(rb"(\d{10}) \d{5} n", table.split(b"trailer")[0])
    assert len(offsets) == count - 1 and first == 0  # entry 0 is the free head
    for number, offset in enumerate(offsets, start=1):
        assert re.match(rb"%d 0 obj" % number, data[int(offset):]), number
    if shutil.which("pdfinfo"):
        for command in (["pdfinfo", str(path)], ["pdftoppm", "-r", "9", "-f", "1", "-l", "1",
                                                 str(path), str(path.with_suffix(""))]):
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            assert done.stderr == "", (command[0], done.stderr)


def test_the_pdf_is_clean(book):
    assert_clean(book.path)


@needs_hangul_font
def test_pdf_a_identification(tmp_path):
    export_file(EDITION, "pdf", tmp_path / "a.pdf", pdf_standards=("a-2b",), paper="us-letter")
    assert_clean(tmp_path / "a.pdf")
    reader = pypdf.PdfReader(str(tmp_path / "a.pdf"))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfaid:part(>|=\")2", xmp) and re.search(r"pdfaid:conformance(>|=\")B", xmp)
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (612, 792)


def test_options_are_checked():
    with pytest.raises(UsageError):
        pdf_format.options(paper="a5")
    with pytest.raises(UsageError):
        pdf_format.options(pdf_standards=("a-9z",))
    assert pdf_format.options(pdf_standards="ua-1")["standards"] == ("ua-1",)


# ----- hostile text ----------------------------------------------------------------

HOSTILE_PIECES = [
    'Hash #hash and #read("/etc/passwd") and #include "secret.typ" here.',
    'Import #import "@preview/cetz:0.2.2": * must stay text.',
    "Math $a + b$ dollar, star *strong*, under _emph_, tick `raw` and ```fenced```.",
    "Angles <label> and at @reference and brackets [content] and ]unbalanced[.",
    "Backslash \\ and \\n and \\u{1F600} and \"double\" and 'single' quotes.",
    "Comment // line comment and /* block comment */ and */ closer.",
    "= Heading line - list line + enum line 1. numbered line / term: description",
    "Braces { code } and parens ( ) and ); and }); to close calls.",
    "and a label <te-index> and <te-division> and #metadata((ids: (\"x\",))).",
    'Heading #set page(width: 1cm) and $x^2$',
    'Note with #footnote[nested] and $y$.',
    '#Person "One" \\ $, Description #with *markup* and "quotes" \\ end.',
    'Principle with #strong[bold] and #let.',
    'Markup named <#let> in the text.',
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Book:
    return build(HOSTILE, tmp_path_factory.mktemp("hostile"), "hostile.pdf")


@pytest.mark.parametrize("piece", HOSTILE_PIECES)
def test_hostile_text_prints_literally(hostile, piece):
    assert re.sub(r"\s+", " ", piece).casefold() in hostile.flat()


def test_hostile_text_reads_no_file(hostile):
    assert "root:" not in hostile.flat()
    info = hostile.reader.metadata
    assert info.title == 'Hostile #title $math$ "quoted" \\ back\\slash'
    assert info.author == "*Bold* _Emph_ @ref <label>"


# ----- errors, limits, fonts ----------------------------------------------------------

def test_typst_error_names_the_tei_element(tmp_path):
    tree = parse_file(EDITION)
    generated = pdf_format.typst_source(tree, EDITION).typst
    line = next(el.sourceline for el in tree.getroot().iter(f"{{{NS['tei']}}}foreign"))
    assert "te.foreign(" in generated
    broken = generated.replace("te.foreign(", "te.no-such-function(", 1)
    with pytest.raises(TransformError) as caught:
        typeset.compile_pdf(broken, pdf_format.resources.typst_template(), tei_path=str(EDITION))
    error = caught.value
    assert error.line == line
    assert f"<foreign> (TEI line {line}" in error.message
    assert "unknown" in error.message or "no-such-function" in error.message  # Typst's own words


def test_layout_error_in_the_template_names_the_element():
    template = "#let a(x) = x\n#let table(cells: ()) = {\n  std.table(..cells)\n}\n"
    source = ('#import "tei-edition.typ" as te\n#te.p(kind: "p", { // tei:7 p\n"x"\n})\n'
              '#te.table(columns: 2, // tei:12 table\n  cells: (),\n)\n')
    report = {"message": "cell's colspan would cause it to exceed the available column(s)",
              "diagnostic": "error: ...\n   ┌─ tei-edition.typ:3:3\n", "hints": [], "trace": []}
    error = typeset.typst_error(report, source, "x.xml", template_source=template)
    assert error.line == 12 and "<table>" in error.message and "colspan" in error.message


def test_compile_time_is_bounded(tmp_path):
    source = "#let n = 0\n#for i in range(1000000000) { n += 1 }\n#n\n"
    with pytest.raises(TransformError, match="did not finish"):
        typeset.compile_pdf(source, pdf_format.resources.typst_template(), timeout=1.5)


def test_a_cancelled_compile_leaves_no_worker_and_no_files():
    """The worker starts before the source is ready (build writes the other formats
    meanwhile); cancelling it, as build does after a failure, stops it and cleans up."""
    compiling = typeset.Compile(timeout=60)
    work, process = Path(compiling._work_dir.name), compiling._process
    assert work.is_dir() and process.poll() is None
    compiling.cancel()
    compiling.cancel()  # safe to repeat
    assert process.poll() is not None and not work.exists()


def test_the_worker_compiles_what_is_submitted_later():
    compiling = typeset.Compile(timeout=60)
    time.sleep(0.2)  # the parent is still making the source
    done = compiling.submit('#import "tei-edition.typ" as te\nHello\n',
                            pdf_format.resources.typst_template()).wait()
    assert done.pdf.startswith(b"%PDF")


def test_a_text_too_long_for_typst_is_refused_naming_the_limit(tmp_path):
    """Typst holds the whole book in memory: above the limit the export is refused
    before any work, with the limit, the need and how to lift it."""
    with pytest.raises(InputError) as caught:
        export_file(str(EDITION), "pdf", str(tmp_path / "book.pdf"), max_chars=1000)
    message = caught.value.message
    assert "over the PDF limit of 1,000" in message and "--max-chars" in message
    assert "GB per million characters" in message
    assert not (tmp_path / "book.pdf").exists()
    assert pdf_format.options()["max_chars"] == pdf_format.DEFAULT_MAX_CHARS
    with pytest.raises(UsageError):
        pdf_format.options(max_chars=0)


def test_the_size_guard_counts_what_costs_memory(tmp_path):
    """Footnotes and table cells cost Typst far more than their characters: a book of
    little text and many of them is refused, naming what was counted."""
    notes = "".join(f"w{i}<note>n{i}</note> " for i in range(2000))
    cells = "".join(f"<row><cell>{i}</cell><cell>x</cell></row>" for i in range(1000))
    source = tmp_path / "many.xml"
    source.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>'
                      '<title>T</title></titleStmt><publicationStmt><p>P</p></publicationStmt>'
                      '<sourceDesc><p>S</p></sourceDesc></fileDesc></teiHeader><text><body>'
                      f'<p>{notes}</p><table>{cells}</table></body></text></TEI>', encoding="utf-8")
    found = pdf_format.cost(parse_file(source))
    assert found.chars < 30_000 and found.weighted > 2000 * 100 + 2000 * 40
    with pytest.raises(InputError) as caught:
        export_file(str(source), "pdf", str(tmp_path / "many.pdf"), max_chars=200_000)
    message = caught.value.message
    assert "2,000 notes" in message and "2,000 table cells" in message and "--max-chars" in message
    assert not (tmp_path / "many.pdf").exists()


def test_the_typst_worker_is_held_to_its_memory_bound():
    """Past its memory bound the worker is stopped, and the error names the bound and
    how to lift it (the guard's estimate keeps real books under it)."""
    cells = ", ".join(f'"r{i}"' for i in range(20_000))
    source = f'#import "tei-edition.typ" as te\n#table(columns: 40, {cells})\n'
    compiling = typeset.Compile(timeout=120, memory_limit=150_000_000, limit_hint="lift it")
    with pytest.raises(TransformError) as caught:
        compiling.submit(source, pdf_format.resources.typst_template()).wait()
    assert "0.1 GB of memory allowed" in caught.value.message and "lift it" in caught.value.message
    assert pdf_format.memory_limit(pdf_format.DEFAULT_MAX_CHARS) > 8e9


def test_cli_max_chars(run, tmp_path):
    result = run("export", "pdf", str(EDITION), "-o", str(tmp_path / "b.pdf"), "--max-chars", "10")
    assert result.exit_code == 2 and "--max-chars" in result.stderr


def test_packages_are_not_fetched():
    source = '#import "@preview/cetz:0.2.2": *\nHello\n'
    with pytest.raises(TransformError) as caught:
        typeset.compile_pdf(source, pdf_format.resources.typst_template(), timeout=60)
    assert "cetz" in caught.value.message or "package" in caught.value.message


def test_root_holds_only_the_build(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    source = f'#read("{secret}")\n#read("../../secret.txt")\n'
    with pytest.raises(TransformError):
        typeset.compile_pdf(source, pdf_format.resources.typst_template(), timeout=60)


def test_missing_hangul_font_is_a_clear_warning(monkeypatch):
    monkeypatch.setattr(typeset, "font_families", lambda: frozenset({"Libertinus Serif"}))
    fonts, warnings = pdf_format.fallback_fonts(parse_file(EDITION))
    assert fonts == []
    assert any("Hangul" in w and "fonts-noto-cjk" in w for w in warnings)


def test_hangul_font_is_chosen_when_installed(monkeypatch):
    monkeypatch.setattr(typeset, "font_families",
                        lambda: frozenset({"Libertinus Serif", "Noto Serif CJK KR"}))
    assert pdf_format.fallback_fonts(parse_file(EDITION)) == (["Noto Serif CJK KR"], [])


def test_cli_writes_pdf_and_typst(run, tmp_path):
    target = tmp_path / "out" / "book.pdf"
    result = run("export", "pdf", str(HOSTILE), "-o", str(target), "--paper", "us-letter",
                 "--keep-typst")
    assert result.exit_code == 0, result.output
    assert target.is_file() and target.with_suffix(".typ").is_file()
    assert str(target) in result.output


def test_cli_reports_bad_standard(run, tmp_path):
    result = run("export", "pdf", str(HOSTILE), "-o", str(tmp_path / "x.pdf"),
                 "--pdf-standard", "a-9")
    assert result.exit_code == 2


# ----- the dossier (while it is being encoded, when present) ----------------------------



@pytest.fixture(scope="module")
def dossier(tmp_path_factory) -> Book:
    return build(DOSSIER, tmp_path_factory.mktemp("dossier"), "dossier.pdf")


def test_dossier_every_word(dossier):
    assert missing_words(tei_text_words(DOSSIER), dossier) == set()


def test_dossier_index(dossier):
    assert check_index(dossier, DOSSIER) >= 50


@needs_poppler
def test_dossier_no_lines_printed_over_each_other(dossier):
    assert overlapping_words(dossier.path) == []


def test_dossier_book(dossier):
    outline = [item["/Title"] for item in dossier.reader.outline if isinstance(item, dict)]
    assert len(outline) >= 4
    root = parse_file(DOSSIER).getroot()
    title = root.findtext(".//tei:titleStmt/tei:title", namespaces=NS)
    assert dossier.reader.metadata.title.startswith(title)
    text = dossier.flat()
    assert "translated by bernd schaefer and gary goldberg" in text
    for n in root.xpath("//tei:text//tei:pb/@n", namespaces=NS):
        assert f"p. {n}" in text


GERMAN = ("Wirtschaftsliberaler Unternehmer und Geschäftsreglementsverfasser, "
          "Eisenbahnverwaltungsratsmitglied und Direktionspräsident, ") * 12


@needs_poppler
@pytest.mark.parametrize("lang", [None, "de"])
def test_a_text_of_no_declared_language_is_not_hyphenated(tmp_path, lang):
    """The real letters declare no language: the book took them for English and broke
    their German by English rules ("Wirtschaft-sliberaler", "mitgeth-eilten"). A text
    without a language is set without hyphenation; one that declares German is
    hyphenated, by German rules."""
    attribute = f' xml:lang="{lang}"' if lang else ""
    source = tmp_path / "brief.xml"
    source.write_text(f"""<TEI xmlns="http://www.tei-c.org/ns/1.0"{attribute}><teiHeader><fileDesc>
<titleStmt><title>Brief</title></titleStmt><publicationStmt><p>Test</p></publicationStmt>
<sourceDesc><p>Test</p></sourceDesc></fileDesc></teiHeader>
<text><body><p>{GERMAN}</p></body></text></TEI>""", encoding="utf-8")
    book = build(source, tmp_path)
    text = subprocess.run(["pdftotext", str(book.path), "-"], capture_output=True, text=True,
                          check=True).stdout
    broken = re.findall(r"(\w+)[\u00ad-]\n(\w+)", text)
    if lang is None:
        assert broken == []
    else:
        assert broken and all(a + b in GERMAN for a, b in broken)
    assert ("hyphenate: false" in book.typst) == (lang is None)


def test_two_marks_on_one_word_are_parted(tmp_path):
    """A real letter's 'Panner' carries two notes ('Panner: Fahne, Banner.' and 'sic!'):
    the volume printed 'Panner⁵⁶', note 56 to a reader. A comma parts adjacent marks,
    numbered or a lettered one before a number; a single mark stays as it was."""
    source = tmp_path / "marks.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Marks</title></titleStmt><publicationStmt><p>Test</p></publicationStmt>
<sourceDesc><p>Generated</p></sourceDesc></fileDesc></teiHeader><text><body>
<p>Halten Sie das Panner<note>Panner: Fahne, Banner.</note> <note type="transcript">sic!</note> der
Einheit fest, <choice><abbr>Hr.</abbr><expan>Herr</expan></choice><note>Ein Zusatz.</note> Gujer
und Loeper<note>Hermann von Loeper.</note> dazu.</p>
</body></text></TEI>""", encoding="utf-8")
    text = " ".join(build(source, tmp_path).texts)
    assert re.search(r"Panner ?1,2 der", text), text
    assert re.search(r"Herr ?a,3 Gujer", text), text
    assert re.search(r"Loeper ?4 dazu", text), text


def _column_ends(pdf: Path, page: int) -> tuple[float, float, float]:
    """The bottom of the last line of the left and of the right column of a two-column
    page (pdftotext's word boxes, in points from the top, the folio left out), and the
    distance from one line to the next."""
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    words = [(float(x0), float(y1)) for x0, y1 in
             re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">', boxes)]
    body = [(x, y) for x, y in words if y < 770]  # above the folio
    left = sorted({round(y, 1) for x, y in body if x < 595.276 / 2})
    right = [y for x, y in body if x >= 595.276 / 2]
    # (words of one line differ in depth by a point or so: lines are further apart)
    return left[-1], max(right), min(b - a for a, b in zip(left, left[1:]) if b - a > 3)


@needs_poppler
def test_index_columns_are_filled_to_the_foot(tmp_path):
    """The volume's index left the right column of a page short by up to three lines
    when the next entry had three (a paragraph of three lines could not be split, the
    rules against a line alone at a column's foot or head): an index entry may break
    anywhere, as its hanging indent shows it goes on."""
    marks = "\n".join(f'#te.entity(("p{i}",), "person")[Name{i}]' for i in range(160))
    entries = ",\n".join(
        f'(id: "p{i}", kind: "person", label: "Surname{i:03}, Given", sort: "surname{i:03}", '
        f'dates: "1801–1880", description: "{"Politiker und Unternehmer, " * (1 + i % 4)}Jurist")'
        for i in range(160))
    source = ('#import "tei-edition.typ" as te\n#show: te.book.with(title: "Index")\n'
              f'#te.main-matter[\n{marks}\n#te.index(({entries},))\n]\n')
    pdf = tmp_path / "index.pdf"
    pdf.write_bytes(typeset.compile_pdf(source, pdf_format.resources.typst_template(), timeout=120).pdf)
    pages = len(pypdf.PdfReader(str(pdf)).pages)
    assert pages >= 4
    # every index page but the last: both columns reach the foot (within a line)
    for page in range(2, pages):
        left, right, line = _column_ends(pdf, page)
        assert abs(left - right) < line, (page, left, right, line)
