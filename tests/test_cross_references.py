"""The editors' cross-references inside a name: a letter edition tags the writer's
phrase (<rs>Deinem heftigen Anfall</rs>) and ends it with a link labelled with the
subject under which the edition treats the matter (<ref target="K_0181">Erkrankung
Eschers</ref>). Every format printed the label glued to the phrase ("AnfallErkrankung
Eschers", 221 real letters); the common layer sets it apart, marked as the editors'."""

from __future__ import annotations

import re

import pytest

from conftest import LETTERS, needs_shared
from test_policy import EXTRACT, exported_text
from tei_edition.publish.export import export_file

LETTER = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Cross-references</title></titleStmt><publicationStmt><p>Test</p></publicationStmt>
<sourceDesc><p>Generated</p></sourceDesc></fileDesc></teiHeader><text><body>
<p>Gut, daß Du von <rs>Deinem heftigen Anfall<ref type="letter" target="K_0181">Erkrankung Eschers<!-- → Nr. 31--></ref>
                </rs> wieder hergestellt bist. Die <rs>Jesuitenfrage<ref type="sum"
target="Umwaelzung_d1.3">Jesuiten</ref><ref type="sum" target="Umwaelzung_d1.4">Jesuiten</ref></rs>
und des <rs>
  <hi>Sonderbundes</hi>
  <ref type="sum" target="Umwaelzung_d1.5">Sonderbund</ref>
</rs>, so die <rs><ref type="sum" target="Kurswechsel_c4">Ständige Kommission</ref></rs>
und <rs>Escher<ref target="https://example.org/escher">Webseite</ref></rs>.</p>
<p>Wie ich in meinem <ref target="K_0181">Brief vom 4. Mai</ref></p>
</body></text></TEI>"""


@pytest.mark.parametrize("name", sorted(EXTRACT))
def test_a_cross_reference_reads_apart_from_the_name_in_every_format(tmp_path, name):
    text = exported_text(LETTER, name, tmp_path)
    assert "AnfallErkrankung" not in text
    assert "Deinem heftigen Anfall [→ Erkrankung Eschers] wieder hergestellt" in text
    # two sections of the commentary under one label: said once
    assert "Die Jesuitenfrage [→ Jesuiten] und" in text
    assert "des Sonderbundes [→ Sonderbund], so" in text
    # a link that is the whole phrase is the writer's words; a web link is the reader's
    assert "so die Ständige Kommission und" in text and "[→ Ständige" not in text
    assert "[→ Webseite" not in text
    # a paragraph's own link at its end is the writer's words, not inside a name
    assert "Wie ich in meinem Brief vom 4. Mai" in text and "[→ Brief" not in text


SEVERAL = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Cross-references</title></titleStmt><publicationStmt><p>Test</p></publicationStmt>
<sourceDesc><p>Generated</p></sourceDesc></fileDesc></teiHeader><text><body>
<p>Die <rs>Jesuitenfrage<ref type="sum" target="A_d1">Brief 0</ref><ref type="sum" target="A_d2">Brief 1</ref></rs> und
<rs>Sache <ref target="K_1">Brief 2</ref>
 <ref target="K_2">Brief 3</ref><ref target="K_3">Brief 2</ref></rs> weiter.</p>
</body></text></TEI>"""


@pytest.mark.parametrize("name", sorted(EXTRACT))
def test_several_cross_references_are_set_apart_from_each_other_in_every_format(tmp_path, name):
    """Two editors' links with different labels at the end of one name printed glued,
    "[→ Brief 0][→ Brief 1]", in every format: the common layer's separator was never
    written (its test asked position() of a one-item sequence)."""
    text = exported_text(SEVERAL, name, tmp_path)
    assert "Die Jesuitenfrage [→ Brief 0] [→ Brief 1] und" in text
    # the same label twice is said once, in the order of its first link
    assert "Sache [→ Brief 2] [→ Brief 3] weiter." in text
    assert "][" not in text


def test_the_sign_is_explained_where_the_signs_are(tmp_path):
    source = tmp_path / "refs.xml"
    source.write_text(LETTER, encoding="utf-8")
    export_file(source, "html", tmp_path / "site")
    pages = " ".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").glob("*.html"))
    assert "[→ subject]" in pages and "The editors’ cross-reference" in pages.replace("'", "’")
    assert 'title="The editors' in pages.replace("&#39;", "'").replace("’", "'")


@needs_shared(LETTERS / "letters")
def test_real_letters_read_their_cross_references_apart(tmp_path):
    found = sorted((LETTERS / "letters").glob("K_0177_*.xml")) + sorted((LETTERS / "letters").glob("K_0186_*.xml"))
    assert len(found) == 2
    for source in found:
        out = tmp_path / (source.stem + ".txt")
        export_file(source, "text", out)
        text = re.sub(r"\s+", " ", out.read_text(encoding="utf-8"))
        assert "Erkrankung Eschers" in text
        assert not re.search(r"\w(?<!→ )Erkrankung Eschers", text), text
        assert re.search(r"\w \[→ Erkrankung Eschers\]", text)
        # the arrow stays with its label where the text is wrapped (K_0177 and K_0186
        # wrapped "[→" at a line's end, the label on the next line)
        assert not re.search(r"→\s*$", out.read_text(encoding="utf-8"), re.M)
