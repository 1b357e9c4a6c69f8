"""The PDF exporter over every real TEI file of ../shared/corpus: no crash, the text
kept, no content dropped by Typst, no line printed over another (the word boxes of
``pdftotext -bbox-layout`` never overlap). Slow (about two minutes): ``pytest -m slow``."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import CORPUS, corpus_files, needs_shared
from tei_edition.errors import XmlSyntaxError
from tei_edition.publish.export import export_file
from test_pdf import Book, missing_words, overlapping_words, tei_text_words

pytestmark = [pytest.mark.slow, needs_shared(CORPUS)]

# pypdf gives right-to-left words reversed and breaks CJK runs at line ends: such words
# are rendered (the fonts are embedded) but cannot be compared as extracted text.
UNCOMPARABLE = re.compile(r"[\u0590-\u08ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_file_exports(path, tmp_path):
    try:
        result = export_file(path, "pdf", tmp_path / "out.pdf")
    except XmlSyntaxError:
        pytest.skip("not well-formed XML (the parser reports it; nothing to typeset)")
    assert not [w for w in result.warnings if "ignored" in w], result.warnings
    book = Book(tmp_path / "out.pdf")
    expected = {w for w in tei_text_words(path) if not UNCOMPARABLE.search(w)}
    missing = missing_words(expected, book)
    # Words hyphenated across a page break come out of the PDF in two pieces (the
    # running head between them): allow those few, never more than 2 %.
    assert len(missing) <= max(3, len(expected) // 50), sorted(missing)[:40]
    if shutil.which("pdftotext"):
        assert overlapping_words(tmp_path / "out.pdf") == []
