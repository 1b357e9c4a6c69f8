"""The print edition as a reader sees it (issue 17): the dossier and real files of
other projects, read from the PDF itself (pypdf, ``pdftotext -bbox-layout``): the
apparatus apart from the notes, notes and principles in plain words, letters as
letters, registers in the index, header data that makes sense, typography, plays."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from conftest import CORPUS, DOSSIER
from test_pdf import Book, build

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")

SCHNITZLER = CORPUS / "schnitzler-briefe" / "L01620.xml"
SCHNITZLER_NOTES = CORPUS / "schnitzler-briefe" / "L03064.xml"
ESCHER = CORPUS / "escher-briefe" / "K_0133_AE_an_Heer_Oswald_1836-10-12_1836-10-17.xml"
CHEKHOV = CORPUS / "rusdracor" / "chekhov-djadja-vanja.xml"
FRUS = CORPUS / "frus" / "frus1918Russiav03.xml"


def needs(path: Path):
    """A book of another project: slow (built with Typst), skipped without ../shared."""
    def mark(test):
        return pytest.mark.slow(pytest.mark.skipif(not path.is_file(),
                                                   reason=f"{path} is not available")(test))
    return mark


def page_lines(pdf: Path) -> list[list[tuple[float, float, str]]]:
    """Per page, its lines as (x, y, text), from ``pdftotext -bbox-layout``."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         check=True).stdout
    root = etree.fromstring(out, etree.HTMLParser(huge_tree=True, encoding="utf-8"))
    return [[(float(line.get("xmin")), float(line.get("ymin")),
              " ".join(w.text or "" for w in line.iter("word"))) for line in page.iter("line")]
            for page in root.iter("page")]


def raw_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout


@pytest.fixture(scope="module")
def dossier(tmp_path_factory) -> Book:
    return build(DOSSIER, tmp_path_factory.mktemp("dossier"), "dossier.pdf")


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """Books of other projects, built once each on first use."""
    made = {}

    def get(path: Path) -> Book:
        if path not in made:
            made[path] = build(path, tmp_path_factory.mktemp(path.stem[:20]), "book.pdf")
        return made[path]
    return get


# ----- the apparatus ---------------------------------------------------------------

def test_lettered_notes_stand_apart_from_numbered_notes(dossier):
    """On the essay's page, the lettered note "policies] source reads: polices" is a
    block of its own above the numbered footnote 1, not one of a single run of notes."""
    pages = page_lines(dossier.path)
    number = next(i for i, lines in enumerate(pages)
                  if any("source reads: polices" in t for _, _, t in lines))
    lines = pages[number]
    entry = next(y for _, y, t in lines if "source reads: polices" in t)
    note = next(y for _, y, t in lines if t.startswith("1 [") or t.startswith("1 […"))
    mark = next(y for _, y, t in lines if re.search(r"policies ?a\b", t))
    assert mark < entry < note


def test_gap_and_correction_notes_in_plain_words(dossier):
    text = dossier.flat()
    assert "source reads: polices" in text and "illegible signature" in text
    assert "gap (" not in text and "notextracted" not in text and "offpage" not in text


def test_editorial_principles_are_written_for_readers(dossier):
    start = next(i for i, t in enumerate(dossier.texts) if t.lstrip().startswith("Editorial principles"))
    principles = "\n".join(dossier.texts[start:start + 2])
    assert "No spelling, capitalisation or punctuation is normalised" in principles.replace("\n", " ")
    assert not re.search(r"<\w|@\w|\bresp=|reason=\"", principles), principles
    assert "tagged rs" not in dossier.flat() and "(tagged" not in dossier.flat()


# ----- typography --------------------------------------------------------------------

def test_a_footnote_mark_follows_its_word(dossier):
    text = raw_text(dossier.path)
    assert re.search(r"uneven method3\s+of economic", text), "the mark must close on its word"
    assert not re.search(r"method\s+3of", text)


def test_names_are_not_broken_after_an_initial_or_inside_a_short_name(dossier):
    for page in page_lines(dossier.path):
        for _, _, line in page:
            assert not re.search(r"(\bKim|\bKim Il|\b[A-Z]\.[A-Z]?\.?)$", line), line


def test_a_page_break_bar_between_words_is_spaced(dossier):
    text = raw_text(dossier.path)
    assert "Also, | in his opinion" in text
    assert not re.search(r"\|[^\W\d_]", text)


def test_contents_and_index_read_cleanly(dossier):
    contents = next(t for t in dossier.texts if t.lstrip().startswith("Contents"))
    assert not [ln for ln in contents.splitlines() if re.fullmatch(r"\s*25 August 1960\s*\d*\s*", ln)]
    assert not re.search(r"[^\W\d_]-\n", contents), "contents entries are not hyphenated"
    text = dossier.flat()
    assert "china, china" not in text and "china, also named the prc" in text
    # hanging indents: the index's continuation lines stand in from its headwords
    pages = page_lines(dossier.path)
    index = next(p for p in pages if any(t == "PERSONS" for _, _, t in p))
    left = min(x for x, _, t in index if t and not t.startswith("Index"))
    indents = {round(x - left) for x, _, t in index if left <= x < left + 40}
    assert 0 in indents and any(8 <= i <= 14 for i in indents), sorted(indents)


def test_the_imprint_punctuates_the_source(dossier):
    assert "source: james person, new east german and soviet evidence" in dossier.flat([1])


# ----- letters, registers, header data (other projects) ---------------------------------

@needs(ESCHER)
def test_a_letter_is_one_piece_with_a_heading(books):
    book = books(ESCHER)
    contents = next(t for t in book.texts if t.lstrip().startswith("Contents"))
    assert "Alfred Escher an Oswald Heer" in contents
    assert not any(t.lstrip().startswith(("Dateline", "Opener", "Closer")) for t in book.texts)
    letter = next(book.flat([i]) for i, t in enumerate(book.texts) if "Mein sehr theurer" in t)
    assert "alfred escher an oswald heer" in letter and "belvoir" in letter and "diesen von ihnen" in letter


@needs(SCHNITZLER)
def test_registers_go_to_the_index_not_the_text(books):
    book = books(SCHNITZLER)
    text = book.flat()
    assert "48,208333" not in text and "d-nb.info" not in text
    index = next(i for i, t in enumerate(book.texts) if t.lstrip().startswith("Index of persons"))
    assert "hofmannsthal, hugo von" in book.flat(range(index, len(book.texts)))


@needs(SCHNITZLER)
def test_header_names_and_titles(books):
    book = books(SCHNITZLER)
    title_page = book.flat([0])
    assert title_page.startswith("arthur schnitzler: briefwechsel")  # the series, above
    assert "felix salten und arthur schnitzler an hugo von hofmannsthal" in title_page
    assert "müller, martin anton and susen, gerd-hermann" in title_page
    assert "1906-08-03 " not in title_page
    assert "editors: müller, martin anton; susen, gerd-hermann" in book.flat([1])


@needs(CHEKHOV)
def test_an_identifier_is_not_printed_as_a_name(books):
    title_page = books(CHEKHOV).flat([0])
    assert "антон павлович чехов" in title_page
    assert "q5685" not in title_page and "anton chekhov" not in title_page


@needs(SCHNITZLER_NOTES)
def test_links_without_text_leave_no_empty_brackets(books):
    text = books(SCHNITZLER_NOTES).flat()
    assert "()" not in text and "(," not in text and ", ," not in text
    assert "(und öfter)" in text
    assert "am 1901-04-19 von seiner" in text  # a link to a date prints the date


@needs(SCHNITZLER)
def test_a_note_holding_only_an_empty_link_is_not_printed(books):
    book = books(SCHNITZLER)
    assert not re.search(r"(^|\n)\s*\d+\s*\.\s*(\n|$)", "\n".join(book.texts))
    assert "für den 1906-08-02 belegt" in book.flat()


# ----- plays -------------------------------------------------------------------------

@needs(CHEKHOV)
def test_speakers_and_stage_directions_are_set_apart(books):
    book = books(CHEKHOV)
    fonts: dict[str, set[str]] = {}

    def visit(text, cm, tm, font, size):
        if font and text.strip():
            fonts.setdefault(text.strip(), set()).add(str(font.get("/BaseFont", "")))

    page = next(p for p, t in zip(book.reader.pages, book.texts) if "Кушай, батюшка" in t)
    page.extract_text(visitor_text=visit)
    speaker = fonts.get("Марина") or fonts.get("Марина.")
    assert speaker and any(re.search("Bold|Semibold", f) for f in speaker), fonts
    stage = next(v for k, v in fonts.items() if k.startswith("(наливает"))
    assert any("Italic" in f for f in stage), stage


# ----- a series volume -----------------------------------------------------------------

@needs(FRUS)
def test_running_heads_use_the_short_title(books):
    book = books(FRUS)
    heads = [t.splitlines()[0] for i, t in enumerate(book.texts) if t.strip()]
    assert any("Russia, Volume III" in h for h in heads)
    assert not any(h.rstrip().endswith("…") for h in heads)
    contents = next(t for t in book.texts if t.lstrip().startswith("Contents"))
    assert "Russia: Economic Relations" in contents  # the heading's line break, a separator


# ----- letters ------------------------------------------------------------------------

def _closing_letters(count: int) -> str:
    """Letter endings at every height of a page: filler of 1..count lines, then a
    closing formula and a signature (as the Escher letters encode them, divisions)."""
    words = "Die Sache steht noch immer so wie ich Ihnen schrieb und ich hoffe auf Antwort. "
    parts = []
    for n in range(1, count + 1):
        parts.append(f"<p>{words * n}</p>"
                     f'<div type="closer"><p><lb/>Closing formula {n}</p></div>'
                     f'<div type="signature"><p>Signature {n}.</p></div>')
    return ("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Endings</title></titleStmt><publicationStmt><p>Test</p></publicationStmt>
<sourceDesc><p>Generated</p></sourceDesc></fileDesc></teiHeader><text><body>"""
            + "".join(parts) + "</body></text></TEI>")


@pytest.mark.slow
def test_a_closing_formula_stays_with_its_signature(tmp_path):
    """A real letter's 'Mich Hochachtungsvollst empfehlend' stood alone at the foot of a
    page of the volume, its signature and date overleaf."""
    source = tmp_path / "endings.xml"
    source.write_text(_closing_letters(24), encoding="utf-8")
    book = build(source, tmp_path)
    pages = [" ".join(text for _, _, text in lines) for lines in page_lines(book.path)]
    for n in range(1, 25):
        on = [i for i, text in enumerate(pages) if re.search(rf"Closing formula {n}\b", text)]
        signed = [i for i, text in enumerate(pages) if re.search(rf"Signature {n}\.", text)]
        assert on and on == signed, (n, on, signed)


@pytest.mark.slow
def test_a_postscript_paragraph_flows_and_a_closer_keeps_its_lines(tmp_path):
    """A real letter's postscript kept the source's line breaks in the volume ("Sie freut
    / sich / recht"): its paragraphs fill the line like the letter's; a closing formula
    keeps its lines."""
    source = tmp_path / "ps.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Postscript</title></titleStmt><publicationStmt><p>P</p></publicationStmt><sourceDesc><p>S</p>
</sourceDesc></fileDesc></teiHeader><text><body><p>Lieber Freund.</p>
<closer><lb/>Mit herzlichem<lb/> Gruß</closer>
<postscript><p><lb/>Mamma läßt sagen, daß sie<lb/> es nicht vergessen habe.<lb/> Sie freut<lb/>
sich<lb/> recht.</p></postscript></body></text></TEI>""", encoding="utf-8")
    book = build(source, tmp_path)
    lines = [text for page in page_lines(book.path) for _, _, text in page]
    assert "Mamma läßt sagen, daß sie es nicht vergessen habe. Sie freut sich recht." in lines, lines
    assert "Mit herzlichem" in lines and "Gruß" in lines, lines


@pytest.mark.slow
def test_a_contents_line_that_runs_over_hangs(tmp_path):
    """The volume's contents set '11. Johann Heinrich Ammann an Alfred Escher,
    Schaffhausen, Samstag, 21.' over 'März 1863' flush left, where the next entry's
    number stands: a reader lost the numbers down the margin."""
    long = ("Johann Heinrich Ammann an Alfred Escher, Schaffhausen, Samstag, 21. März 1863, "
            "mit einer Beilage")
    divs = "".join(f'<div type="letter"><head>{n}. {long}</head><p>Text {n}.</p></div>'
                   for n in (1, 2))
    source = tmp_path / "contents.xml"
    source.write_text(f"""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Letters</title></titleStmt><publicationStmt><p>Test</p></publicationStmt>
<sourceDesc><p>Generated</p></sourceDesc></fileDesc></teiHeader><text><body>{divs}</body></text></TEI>""",
                      encoding="utf-8")
    book = build(source, tmp_path)
    page = next(lines for lines in page_lines(book.path) if any(t == "Contents" for _, _, t in lines))
    firsts = [(x, y) for x, y, t in page if re.match(r"^[12]\. Johann", t)]
    assert len(firsts) == 2
    runover = [x for x, y, t in page if firsts[0][1] < y < firsts[1][1] and not t.strip().isdigit()]
    assert runover and all(x > firsts[0][0] + 8 for x in runover), (firsts, page)


def test_the_imprint_names_the_manuscript_and_the_printed_source(tmp_path):
    """A real letter's PDF named only where it was printed ('Jung/Fischer, Escher Briefe,
    Band 2, Nr. 38'), never the archive that holds it, which its text file names."""
    from tei_edition.publish.formats import pdf

    source = tmp_path / "letter.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Letter</title></titleStmt><publicationStmt><p>Test</p></publicationStmt>
<sourceDesc><msDesc><msIdentifier><institution>BAR</institution><idno type="original">CH-BAR#J1.67#1000/1363#176*</idno>
<idno>J I.67</idno></msIdentifier></msDesc><bibl type="printed">Jung/Fischer, Escher Briefe, Band 2, Nr. 38</bibl>
</sourceDesc></fileDesc></teiHeader><text><body><p>Lieber Alfred.</p></body></text></TEI>""", encoding="utf-8")
    typst = pdf.typst_source(etree.parse(str(source)), source, fonts=[]).typst
    imprint = typst[typst.index("#te.imprint(("):]
    imprint = imprint[:imprint.index("))")]
    assert '("Source", "BAR, CH-BAR#J1.67#1000/1363#176*, J I.67")' in imprint
    assert '("Source", "Jung/Fischer, Escher Briefe, Band 2, Nr. 38")' in imprint


def test_the_signs_are_explained_in_sentences(dossier):
    """The legend read 'Deleted in the source.' beside 'a page break of the source, with
    the number of the new page in the margin' (lower case, no full stop)."""
    signs = re.findall(r'^  \("[^"]*", "([^"]*)"\),$', dossier.typst[dossier.typst.index("signs: ("):], re.M)
    assert len(signs) >= 4
    for meaning in signs:
        assert meaning[0].isupper() and meaning.endswith("."), meaning


@pytest.mark.slow
def test_a_page_break_between_list_items_or_opening_a_cell_prints_no_empty_item_or_bar(tmp_path):
    """FRUS 1918 Russia III: its contents put a page break between two chapters' items,
    which the PDF printed as a dash with nothing after it ('–' alone on a line, the page
    number lost), and its list of papers opens a row's first cell with one, printed
    '| 1275' (a bar with no word before it)."""
    source = tmp_path / "breaks.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Breaks</title></titleStmt><publicationStmt><p>Test</p></publicationStmt>
<sourceDesc><p>Generated</p></sourceDesc></fileDesc></teiHeader><text><body>
<list><item>Efforts to stabilize the currency</item><pb n="IV"/>
<item>Commercial relations and relief</item><pb n="V"/></list>
<table><row><cell>1386</cell><cell>May 7</cell></row>
<row><cell><pb n="XII"/>1275</cell><cell>May 11</cell></row></table>
<p><pb n="7"/>Opening words of a page.</p>
</body></text></TEI>""", encoding="utf-8")
    book = build(source, tmp_path)
    text = raw_text(book.path)
    assert not re.search(r"^\s*[–•-]\s*$", text, re.M), text
    for n in ("IV", "V", "XII", "7"):
        assert f"p. {n}" in text, n
    assert "Commercial relations and relief" in text
    assert not re.search(r"\|\s*1275", text) and not re.search(r"\|\s*Opening", text), text


@pytest.mark.slow
def test_a_heading_in_two_lines_is_named_on_one_in_the_contents(tmp_path):
    """FRUS 1918 Russia III's part heading 'Russia / Economic Relations' (a line break
    between) stood in the PDF's contents and running heads as 'Russia Economic
    Relations', one title run into the other; the site's contents read 'Russia:
    Economic Relations'."""
    filler = "<p>" + "Words of a long document fill the page and the next. " * 60 + "</p>"
    source = tmp_path / "parts.xml"
    source.write_text(f"""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Papers</title></titleStmt><publicationStmt><p>P</p></publicationStmt><sourceDesc><p>S</p>
</sourceDesc></fileDesc></teiHeader><text><body><div type="compilation">
<head>Russia<lb/>Economic Relations</head><div type="chapter"><head>Chapter I. Loans</head>
{filler * 3}</div></div></body></text></TEI>""", encoding="utf-8")
    book = build(source, tmp_path)
    contents = next(t for t in book.texts if "Contents" in t)
    assert "Russia: Economic Relations" in " ".join(contents.split()), contents
    heads = [t.split("\n", 1)[0] for t in book.texts]
    assert not any("Russia Economic" in h for h in heads), heads


@pytest.mark.slow
def test_the_page_before_a_title_page_is_marked_on_it(tmp_path):
    """FRUS 1918 Russia III opens on page [I], its title page; the PDF set 'p. [I]–III'
    beside the contents, as if they began on the title page's page."""
    source = tmp_path / "front.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Papers</title></titleStmt><publicationStmt><p>P</p></publicationStmt><sourceDesc><p>S</p>
</sourceDesc></fileDesc></teiHeader><text><front><pb n="[I]"/><titlePage><docTitle>
<titlePart>RUSSIA</titlePart></docTitle><docImprint>WASHINGTON: 1932 <pb n="[II]"/>Publication
No. 390</docImprint></titlePage><pb n="III"/><div type="toc"><head>Contents</head>
<p>Chapter I</p></div></front><body><div><head>Chapter I</head><p>Text.</p></div></body>
</text></TEI>""", encoding="utf-8")
    pages = raw_text(build(source, tmp_path).path).split("\f")
    title = next(t for t in pages if "RUSSIA" in t)
    assert "p. [I]" in title and "p. [II]" in title, title
    contents = next(t for t in pages if re.search(r"^\s*Contents\s*$", t, re.M) and "Chapter I" in t
                    and "Editorial principles" not in t)
    assert "p. III" in contents and "[I]" not in contents, contents


@pytest.mark.slow
def test_a_day_and_its_month_stay_on_one_line_in_a_heading(tmp_path):
    """The volume of 40 real letters headed one "4. Melchior Esslinger an Alfred Escher,
    s.l., Freitag, 18." over "Juli 1845": the day at a line's end, its month below."""
    source = tmp_path / "heading.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Letters</title></titleStmt><publicationStmt><p>P</p></publicationStmt><sourceDesc><p>S</p>
</sourceDesc></fileDesc></teiHeader><text><body><div type="letter">
<head>4. Melchior Esslinger an Alfred Escher, s.l., Freitag, 18. Juli 1845</head><p>Text.</p>
</div></body></text></TEI>""", encoding="utf-8")
    text = raw_text(build(source, tmp_path).path)
    assert "Freitag, 18." in text.replace("\xa0", " ")
    assert not re.search(r"\b18\.\s*\n", text), text


def test_a_day_and_its_month_stay_together_without_a_year_and_in_the_contents(tmp_path):
    """A real letter's heading in the volume ended "…, s.l., 05." over "April" (a day
    with its full stop and no year after the month was not glued), and the contents
    broke "Sonntag, 27." | "April 1834" (its line was the heading's text as written)."""
    from tei_edition.publish.formats import pdf
    from tei_edition.xml.parse import parse_file

    source = tmp_path / "headings.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Letters</title></titleStmt><publicationStmt><p>P</p></publicationStmt><sourceDesc><p>S</p>
</sourceDesc></fileDesc></teiHeader><text><body>
<div type="letter"><head>1. Johann Gustav Stocker an Alfred Escher, s.l., 05. April</head><p>A.</p></div>
<div type="letter"><head>2. Egbert Friedrich von Mülinen an Alfred Escher, Neuenburg, Sonntag, 27. April 1834</head>
<p>B.</p></div></body></text></TEI>""", encoding="utf-8")
    typst = pdf.typst_source(parse_file(source), source).typst
    titles = re.findall(r'title-text: ("(?:[^"\\]|\\.)*")', typst)
    assert [t.endswith(', 05.\xa0April"') for t in titles[:1]] == [True], titles
    assert "Sonntag, 27.\xa0April 1834" in titles[1], titles
    assert typst.count("s.l., 05.\xa0April") == 2  # the contents line and the heading
