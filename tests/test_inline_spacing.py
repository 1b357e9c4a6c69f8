"""An encoder's indentation at the edge of a phrase is not a space of the text: every
format prints "(Gotthard & Nordostbahn)" for the pretty-printed encoding of a real
letter edition, and keeps the spaces that separate words."""

from __future__ import annotations

import re

import pytest

from test_policy import EXTRACT
from tei_edition.publish import formats
from tei_edition.publish.export import export_file

LETTER = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Spacing</title></titleStmt><publicationStmt><p>Test</p></publicationStmt>
<sourceDesc><p>Generated</p></sourceDesc></fileDesc></teiHeader><text><body>
<p>Der Sache<lb/>
(<placeName>
    <hi rend="underline">Gotthard</hi>
  </placeName> &amp; <rs>
    <hi rend="underline">Nordostbahn</hi>

  </rs>) wegen, schrieb<persName>
    Alfred</persName> Escher an <persName>Heer</persName> <persName>
    Oswald
  </persName>, und <rs>
    Zürich</rs>.</p>
</body></text></TEI>"""


@pytest.mark.parametrize("name", sorted(EXTRACT))
def test_indentation_inside_a_phrase_is_not_a_space(tmp_path, name):
    source = tmp_path / "spacing.xml"
    source.write_text(LETTER, encoding="utf-8")
    target = formats.REGISTRY[name].default_output(source, tmp_path / "out")
    result = export_file(source, name, target)
    text = re.sub(r"\s+", " ", EXTRACT[name](result.outputs[0]))
    assert "(Gotthard & Nordostbahn) wegen" in text
    # indentation that is the only space between two words is kept
    assert "schrieb Alfred Escher" in text
    # before a comma, not after a space
    assert "Heer Oswald, und Zürich." in text
