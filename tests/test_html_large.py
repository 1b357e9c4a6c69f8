"""Our own output is never held to the XML parser's safety limits: a page of the site
larger than libxml2's 10 MB text-node limit is written whole (the stylesheet hands the
pages back as strings; nothing re-parses them)."""

from __future__ import annotations

import pytest

from tei_edition.publish.export import export_file

TEI = "http://www.tei-c.org/ns/1.0"
# Each paragraph stays under the input parser's own 10 MB text-node limit.
PARAGRAPHS = 12
WORDS = 110_000  # "wordNNNNN " is 10 characters: ~1.1 MB a paragraph, ~13 MB in all


def big_tei(path) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(f'<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>Large</title>'
                  "</titleStmt><publicationStmt><p>test</p></publicationStmt><sourceDesc>"
                  "<p>generated</p></sourceDesc></fileDesc></teiHeader><text><body>")
        for n in range(PARAGRAPHS):
            out.write(f"<p>P{n} ")
            out.write(" ".join(f"w{n:02d}{i:06d}" for i in range(WORDS)))
            out.write("</p>")
        out.write("</body></text></TEI>")


@pytest.mark.slow
def test_page_over_ten_megabytes(tmp_path):
    source = tmp_path / "large.xml"
    big_tei(source)
    site = tmp_path / "site"
    export_file(source, "html", site)
    index = (site / "index.html").read_text(encoding="utf-8")
    assert len(index) > 10 * 1024 * 1024
    assert index.startswith("<!DOCTYPE html>")
    assert index.rstrip().endswith("</html>")
    for n in range(PARAGRAPHS):  # every paragraph is there, to its last word
        assert f"P{n} w{n:02d}000000" in index
        assert f"w{n:02d}{WORDS - 1:06d}" in index
