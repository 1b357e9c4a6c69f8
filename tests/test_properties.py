"""Property-based: random TEI fragments with random text, including every markup-special
character of HTML and Typst, export in every format without a crash and with every
word kept. Runs in-process through ``tei_edition.publish.export.export_file``."""

from __future__ import annotations

import re
import tempfile
import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tei_edition.xml.parse import parse_bytes

HTML_SPECIALS = "<>&\"'"
TYPST_SPECIALS = "#$*_`@[]{}()=-+/\\~<>%^|!?.,;:"
ALPHABET = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
            + HTML_SPECIALS + TYPST_SPECIALS + "éßΩжא中😀\u0301\u200d")
EVERY_SPECIAL = " ".join(HTML_SPECIALS + TYPST_SPECIALS) + " #set #let #panic(\"x\") $x$ // /* */ \\ <b>&amp;</b>"

INLINE = ["hi", "emph", "persName", "placeName", "orgName", "foreign", "title", "term", "name",
          "seg", "unclear", "num", "q", "ref", "zzUnknown"]
ATTRS = {"hi": ' rend="italic"', "foreign": ' xml:lang="de"', "ref": ' target="#nowhere"',
         "title": ' level="m"', "q": ""}


# ---------------------------------------------------------------------- strategies

token = st.text(alphabet=ALPHABET, min_size=1, max_size=10).filter(
    lambda t: not unicodedata.category(t[0]).startswith("M") and t[0] != "\u200d")
phrase = st.lists(token, min_size=1, max_size=6)


@st.composite
def segment(draw, depth: int = 0):
    """Plain words, or an inline element holding words (and perhaps another element)."""
    kind = draw(st.sampled_from(["text", "text", "inline", "note", "lb"] if depth == 0
                                else ["text", "inline"]))
    if kind == "text" or depth > 1:
        words = draw(phrase)
        return " ".join(escape(w) for w in words), words
    if kind == "lb":
        return "<lb/>", []
    if kind == "note":
        words = draw(phrase)
        return f'<note n="{draw(st.integers(1, 99))}">{" ".join(escape(w) for w in words)}</note>', words
    name = draw(st.sampled_from(INLINE))
    inner = draw(st.lists(segment(depth + 1), min_size=1, max_size=3))
    xml = " ".join(x for x, _ in inner)
    return f"<{name}{ATTRS.get(name, '')}> {xml} </{name}>", [w for _, ws in inner for w in ws]


@st.composite
def paragraph(draw):
    parts = draw(st.lists(segment(), min_size=1, max_size=6))
    return "<p>" + " ".join(x for x, _ in parts) + "</p>", [w for _, ws in parts for w in ws]


@st.composite
def document(draw):
    """(TEI text, the words of its <text>)."""
    divs, words = [], []
    for _ in range(draw(st.integers(1, 3))):
        head = draw(phrase)
        paragraphs = draw(st.lists(paragraph(), min_size=1, max_size=4))
        divs.append(f"<div><head>{' '.join(escape(w) for w in head)}</head>"
                    + "".join(x for x, _ in paragraphs) + "</div>")
        words += head + [w for _, ws in paragraphs for w in ws]
    title = " ".join(escape(w) for w in draw(phrase))
    text = ('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>'
            f"<title>{title}</title></titleStmt><publicationStmt><p>Generated.</p>"
            "</publicationStmt><sourceDesc><p>Hypothesis.</p></sourceDesc></fileDesc></teiHeader>"
            f"<text><body>{''.join(divs)}</body></text></TEI>")
    return text, words


SPECIAL_DOCUMENT = (
    '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>'
    + escape(EVERY_SPECIAL) + "</title></titleStmt><publicationStmt><p>x</p></publicationStmt>"
    "<sourceDesc><p>x</p></sourceDesc></fileDesc></teiHeader><text><body><div><head>"
    + escape(EVERY_SPECIAL) + "</head><p>" + escape(EVERY_SPECIAL) + ' <hi rend="bold"> '
    + escape(EVERY_SPECIAL) + " </hi> <note>" + escape(EVERY_SPECIAL) + "</note></p></div>"
    "</body></text></TEI>", EVERY_SPECIAL.split() * 4)


# ---------------------------------------------------------------------- exporting

def _export(fmt: str, text: str) -> str:
    """Export ``text`` as ``fmt``; the output's text (HTML as rendered text, PDF extracted)."""
    from tei_edition.publish.export import export_file

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.xml"
        source.write_text(text, encoding="utf-8")
        target = Path(folder) / {"text": "out.txt", "html": "site", "pdf": "out.pdf"}[fmt]
        export_file(source, fmt, target)
        if fmt == "text":
            return target.read_text("utf-8")
        if fmt == "html":
            from lxml import html

            return "\n".join(html.parse(str(p)).getroot().text_content()
                             for p in sorted(target.glob("*.html")))
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(target).pages)


def _missing(words: list[str], output: str, fmt: str) -> list[str]:
    if fmt == "pdf":  # extraction loses spacing, hyphenation and some glyphs: plain words
        flat = re.sub(r"-?\s+", "", unicodedata.normalize("NFKC", output))
        return [w for w in words if re.fullmatch(r"[A-Za-z0-9]{2,}", w) and w not in flat]
    flat = " ".join(unicodedata.normalize("NFC", output).split())
    return [w for w in words if unicodedata.normalize("NFC", w) not in flat]


PROFILE = dict(deadline=None, database=None, derandomize=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("fmt", ["text", pytest.param("html", marks=pytest.mark.slow)])
@settings(max_examples=100, **PROFILE)
@given(doc=document())
@example(doc=SPECIAL_DOCUMENT)
def test_random_documents_export_with_every_word(fmt, doc):
    text, words = doc
    parse_bytes(text.encode("utf-8"))  # the generator makes well-formed TEI
    output = _export(fmt, text)
    assert not _missing(words, output, fmt), f"lost from {fmt}: {_missing(words, output, fmt)}"


@pytest.mark.slow
@settings(max_examples=25, **PROFILE)
@given(doc=document())
@example(doc=SPECIAL_DOCUMENT)
def test_random_documents_typeset_with_every_word(doc):
    text, words = doc
    output = _export("pdf", text)
    assert not _missing(words, output, "pdf"), f"lost from pdf: {_missing(words, output, 'pdf')}"


@settings(max_examples=200, **PROFILE)
@given(data=st.binary(max_size=400))
def test_the_parser_never_crashes_on_bytes(data):
    from tei_edition.errors import XmlSyntaxError

    try:
        parse_bytes(data, path="fuzz.xml")
    except XmlSyntaxError as exc:
        assert exc.path == "fuzz.xml" and exc.line >= 1 and exc.column >= 1
        assert "\n" not in exc.message


@settings(max_examples=200, **PROFILE)
@given(text=st.text(max_size=200))
def test_messages_never_carry_controls(text):
    from tei_edition.textsafe import for_message, for_terminal

    shown = for_message(text)
    assert not re.search(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", shown)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", for_terminal(text))
