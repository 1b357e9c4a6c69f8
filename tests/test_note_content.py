"""A note is printed when it says something: a sign such as "&", "?" or "†" does (the
hypothesis property once found "&" gone from the HTML); a note of only separators
and an empty link to another document does not, in any format."""

from __future__ import annotations

import re

import pytest

from test_policy import EXTRACT, exported_text

DOC = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Notes</title></titleStmt><publicationStmt><p>Test</p></publicationStmt>
<sourceDesc><p>Generated</p></sourceDesc></fileDesc></teiHeader><text><body><div>
<p>Alpha<note n="1">&amp;</note> beta<note n="2">?</note> gamma<note n="3"><ref target="other.xml#x"/>.</note>
delta<note n="4">†</note> omega.</p></div></body></text></TEI>"""


@pytest.mark.parametrize("name", sorted(EXTRACT))
def test_a_sign_is_a_note_and_separators_are_not(tmp_path, name):
    text = exported_text(DOC, name, tmp_path)
    # (up to the text export's key of signs, whose examples are "[1], [2], [3]")
    after = text[text.rindex("omega."):].split(" Signs used in the text ")[0]
    for sign in ("&", "?", "†"):
        assert sign in after, (sign, after)
    assert "3" not in re.sub(r"\d{4}", "", after)  # the empty note takes no number
