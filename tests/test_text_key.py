"""The plain text explains its signs as the PDF and the site do: a key at its end of
the signs and marks it uses, only those, worded as policy.xml words them; the
collection's text file prints one key, of all its documents' signs."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from tei_edition import resources
from tei_edition.publish.formats import text
from tei_edition.xml.parse import parse_bytes

TEI = "http://www.tei-c.org/ns/1.0"
POLICY = etree.parse(str(resources.xslt_dir() / "common" / "policy.xml")).getroot()
KEY = POLICY.find("signs").get("key")


def explained(element: str) -> str:
    return POLICY.find(f"signs/sign[@element='{element}']").get("explain")


def letter(body: str) -> bytes:
    return f"""<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>A letter</title></titleStmt>
<publicationStmt><p>Test</p></publicationStmt><sourceDesc><p>Test</p></sourceDesc></fileDesc></teiHeader>
<text><body><p>{body}</p></body></text></TEI>""".encode()


def render(body: str, tmp_path: Path, **params) -> str:
    source = tmp_path / "letter.xml"
    source.write_bytes(letter(body))
    return text.render(parse_bytes(letter(body), path=str(source)), source, **params).text


def key_of(rendered: str) -> list[str]:
    assert rendered.count(f"\n{KEY}\n") <= 1
    return rendered.split(f"\n\n{KEY}\n\n", 1)[1].rstrip("\n").split("\n") if f"\n{KEY}\n" in rendered else []


def test_the_key_lists_only_the_signs_the_text_uses(tmp_path):
    rendered = render("Dear <del>Sir</del> friend, I write.", tmp_path)
    assert "Dear ⟦Sir⟧ friend" in rendered
    assert key_of(rendered) == [f"⟦text⟧  {explained('del')}"]
    assert rendered.endswith(f"{KEY}\n\n⟦text⟧  {explained('del')}\n")  # at the end


def test_the_key_explains_notes_and_the_editors_signs_in_the_policys_order(tmp_path):
    rendered = render('<supplied>I</supplied> write<note>A note.</note> <unclear>soon</unclear>.', tmp_path)
    key = " ".join(" ".join(key_of(rendered)).split())
    assert key.startswith(f"[text] {explained('supplied')} text[?] {explained('unclear')} [1], [2], [3] Numbered notes")
    assert "⟦text⟧" not in key and "[a], [b], [c]" not in key


def test_a_text_without_signs_has_no_key(tmp_path):
    rendered = render("Dear friend, I write.", tmp_path)
    assert KEY not in rendered and key_of(rendered) == []
    # notes printed in the text itself have no marks to explain
    inline = render("I write<note>A note.</note>.", tmp_path, notes="inline")
    assert KEY not in inline


def test_every_format_lists_the_note_marks_in_one_order():
    """The PDF's principles put the lettered notes before the numbered ones, the site's
    About page and the plain text's key the other way round."""
    from datetime import datetime, timezone

    from conftest import FIXTURES
    from tei_edition.publish.formats import html, pdf
    from tei_edition.xml.parse import parse_file

    source = FIXTURES / "text" / "apparatus.xml"
    typst = pdf.typst_source(parse_file(source), source, date=datetime(2000, 1, 1, tzinfo=timezone.utc)).typst
    plain = text.render(parse_file(source), source).text
    about = html.render(parse_file(source), source).files["about.html"]
    for shown, numbered, lettered in ((typst, '("1, 2, 3"', '("a, b, c"'), (plain, "\n[1], [2], [3]", "\n[a], [b], [c]"),
                                      (about, ">1, 2, 3<", ">a, b, c<")):
        assert -1 < shown.index(numbered) < shown.index(lettered)
