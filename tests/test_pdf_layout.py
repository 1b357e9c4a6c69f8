"""Page breaks a reader of the print edition sees: what must not stand alone on a page,
checked on real output (the pages pypdf reads from the PDF)."""

from __future__ import annotations

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


def book_of_mentions(named: dict[str, range], pages: int) -> str:
    """Typst for a book of ``pages`` pages, each naming the entries whose ranges hold
    its number, then the index of those entries."""
    body = []
    for page in range(1, pages + 1):
        names = " ".join(f'#te.entity(("{key}",), "person")[{key.title()}]'
                         for key, on in named.items() if page in on)
        body.append(f"Page text {page}. {names}\n#pagebreak()")
    entries = ", ".join(f'(id: "{key}", kind: "person", label: "{key.title()}, Name", '
                        f'sort: "{key}", description: none)' for key in named)
    return "\n".join(body) + f"\n#te.index(({entries},))"


def test_a_name_on_a_third_of_the_pages_is_indexed_passim(tmp_path):
    """The real letters' volume listed Alfred Escher, writer or addressee of nearly every
    letter, with 21,000 characters of page numbers. A name on a third of the book's pages
    or more (and on 50 at least) is indexed "passim"; a name on fewer keeps its pages,
    in ranges where they follow each other."""
    named = {"everywhere": range(1, 151, 2),   # 75 of 150 pages
             "third": range(1, 151, 3),        # 50 of 150
             "often": range(10, 130, 4),       # 30 of 150: below the 50 pages
             "run": range(40, 50)}             # ten pages in a row
    text = index_text(compile_pages(book_of_mentions(named, 150), tmp_path))
    assert "Everywhere, Name passim" in text, text
    assert "Third, Name passim" in text, text
    assert "Often, Name " + ", ".join(str(p) for p in named["often"]) in text, text
    assert "Run, Name 40–49" in text, text
    # the word is explained once, at the head of the index
    assert text.count("passim: named throughout the book, on a third of its pages or more") == 1


def test_a_short_book_lists_every_page(tmp_path):
    """In a book of 30 pages a name on every page still has its pages: 1–30."""
    text = index_text(compile_pages(book_of_mentions({"daily": range(1, 31)}, 30), tmp_path))
    assert "Daily, Name 1–30" in text, text
    assert "passim" not in text
