"""Page breaks a reader of the print edition sees: what must not stand alone on a page,
checked on real output (the pages pypdf reads from the PDF)."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from conftest import DOSSIER
from tei_edition.publish import typeset
from tei_edition.publish.export import export_file
from tei_edition.publish.formats import pdf as pdf_format


def compile_pages(body: str, tmp_path: Path) -> list[str]:
    """The page texts of a book whose main matter is the Typst ``body``."""
    source = ('#import "tei-edition.typ" as te\n#show: te.book.with(title: "Layout")\n'
              f'#te.main-matter[\n{body}\n]\n')
    pdf = tmp_path / "layout.pdf"
    pdf.write_bytes(typeset.compile_pdf(source, pdf_format.resources.typst_template(), timeout=120).pdf)
    return [" ".join((page.extract_text() or "").split()) for page in pypdf.PdfReader(str(pdf)).pages]


SIGNS = [(f"Sign{k}", f"Meaning{k} " + "of a sign explained over a line or two, " * (1 + k % 3))
         for k in range(6)]


def test_the_last_sign_of_the_principles_never_stands_alone(tmp_path):
    """The dossier's page 7 held only the last entry of the signs ("Index ..."): the
    list broke between its last two rows. Principles of every length from a page less
    a few lines to a page and more: wherever the list breaks, its last entry shares
    its page with the one before."""
    signs = ", ".join(f'("{s}", "{m}")' for s, m in SIGNS)
    filler = "Filler words of a declaration that run on for most of a line. "  # (under a line)
    calls = [f'#te.principles(sections: ((title: "Declaration", body: [{filler * n}]),), '
             f'signs: ({signs},))' for n in range(28, 52)]
    pages = compile_pages("\n".join(calls), tmp_path)
    last, before = SIGNS[-1][0], SIGNS[-2][0]
    holding = [text for text in pages if last in text]
    assert len(holding) == len(calls)
    split = [text for text in pages if SIGNS[0][0] in text and last not in text]
    assert split, "no length of the principles broke the list of signs: the test tests nothing"
    for text in holding:
        assert before in text, text[:200]


@pytest.fixture(scope="module")
def dossier(tmp_path_factory) -> list[str]:
    out = tmp_path_factory.mktemp("dossier") / "dossier.pdf"
    export_file(DOSSIER, "pdf", out)
    return [" ".join((page.extract_text() or "").split()) for page in pypdf.PdfReader(str(out)).pages]


def test_the_dossier_principles_end_with_more_than_their_last_entry(dossier):
    """The page holding the explanation of the index holds the sign before it too."""
    [page] = [text for text in dossier if "pages where they are named" in text]
    assert "A page break of the source" in page, page


def index_text(pages: list[str]) -> str:
    """The index's text: from the page its heading opens to the end."""
    start = max(i for i, text in enumerate(pages) if text.startswith("Index of persons"))
    return " ".join(pages[start:])


def book_of_mentions(named: dict[str, range], pages: int, rule: str = "") -> str:
    """Typst for a book of ``pages`` pages, each naming the entries whose ranges hold
    its number, then the index of those entries (``rule``: its passim arguments)."""
    body = []
    for page in range(1, pages + 1):
        names = " ".join(f'#te.entity(("{key}",), "person")[{key.title()}]'
                         for key, on in named.items() if page in on)
        body.append(f"Page text {page}. {names}\n#pagebreak()")
    entries = ", ".join(f'(id: "{key}", kind: "person", label: "{key.title()}, Name", '
                        f'sort: "{key}", description: none)' for key in named)
    return "\n".join(body) + f"\n#te.index(({entries},){rule})"


def test_a_name_on_many_pages_is_indexed_passim(tmp_path):
    """The real letters' volume listed Alfred Escher, writer or addressee of nearly every
    letter, with 21,000 characters of page numbers, Zürich with 11,000. A name on a
    share of the book's pages or more, and on a least number of pages (a tenth and 200
    in a book; here a fifth and 20, in a book of 150 pages), is indexed "passim"; a name
    on fewer keeps its pages, in ranges where they follow each other."""
    named = {"everywhere": range(1, 151, 2),   # 75 of 150 pages
             "fifth": range(1, 151, 5),        # 30 of 150: a fifth
             "often": range(1, 145, 6),        # 24 of 150: under a fifth
             "few": range(100, 119),           # 19 pages in a row: under 20
             "run": range(40, 50)}             # ten pages in a row
    source = book_of_mentions(named, 150, rule=", passim-share: 1 / 5, passim-least: 20")
    text = index_text(compile_pages(source, tmp_path))
    assert "Everywhere, Name passim" in text, text
    assert "Fifth, Name passim" in text, text
    assert "Often, Name " + ", ".join(str(p) for p in named["often"]) in text, text
    assert "Few, Name 100–118" in text, text
    assert "Run, Name 40–49" in text, text
    # the word is explained once, at the head of the index
    assert text.count("passim: named throughout the book, on 20% of its pages or more") == 1


def test_a_short_book_lists_every_page(tmp_path):
    """In a book of 30 pages a name on every page still has its pages (the book's rule:
    a tenth of the pages and 200 at least): 1–30."""
    text = index_text(compile_pages(book_of_mentions({"daily": range(1, 31)}, 30), tmp_path))
    assert "Daily, Name 1–30" in text, text
    assert "passim" not in text


def closers_tei(count: int) -> str:
    """Chapters, each on a page of its own: a paragraph a few words longer than the
    chapter before, a closing formula with a lettered note (an abbreviation expanded),
    and a postscript. One chapter after another, the closer moves down the page to its
    foot and over it, where the layout keeps it with the postscript on the next page."""
    words = ("Ein Satz des Briefes der eine Zeile der Seite füllt und noch ein wenig mehr " * 60).split()
    parts = []
    for k in range(count):
        parts.append(f"<div type='chapter'><head>Brief {k}</head><p>{' '.join(words[:530 + 3 * k])}.</p>"
                     f"<closer><p>Mit freundlichem <choice><abbr>Grß{k}.</abbr>"
                     f"<expan>Grusswort{k}</expan></choice> verbleibe ich</p></closer>"
                     f"<postscript><p>Nachschrift {k}.</p></postscript></div>")
    return f"""<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="de"><teiHeader><fileDesc>
<titleStmt><title>Briefe</title></titleStmt><publicationStmt><p>Test</p></publicationStmt>
<sourceDesc><p>Generated</p></sourceDesc></fileDesc></teiHeader>
<text><body>{"".join(parts)}</body></text></TEI>"""


COUNT = 30


def test_a_lettered_note_is_never_printed_before_its_mark(tmp_path):
    """A closer's lettered notes were printed on the page before their mark when the
    closer, kept with what follows it, moved to the next page: Typst left the notes'
    float, which came between the two, on the page it had first laid them on (the real
    volume's letter 115 to von Dusch: notes ct-cx on p. 223, their marks on p. 224).
    The notes of a block kept with the next now follow that next block: on its page, or
    on the next where that page has no room left for them."""
    source = tmp_path / "closers.xml"
    source.write_text(closers_tei(COUNT), encoding="utf-8")
    out = tmp_path / "closers.pdf"
    export_file(source, "pdf", out)
    pages = [" ".join((page.extract_text() or "").split()) for page in pypdf.PdfReader(str(out)).pages]
    over = 0  # chapters whose closer or its note went over to a second page
    for k in range(COUNT):
        word = f"Grusswort{k}"
        [entry] = [n for n, text in enumerate(pages) if f"{word}] Grß{k}." in text]
        [mark] = [n for n, text in enumerate(pages) if re.search(word + r"(?!\d|\] )", text)]
        [head] = [n for n, text in enumerate(pages) if f"Brief {k} Ein Satz" in text]
        # on the page of the mark, or (no room left there) on the next, as any float
        # that does not fit: never on a page before the mark
        assert mark <= entry <= mark + 1, (k, mark, entry)
        over += max(mark, entry) > head
    assert over >= 3, "no closer or note went over a page: the test tests nothing"
