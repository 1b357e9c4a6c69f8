"""A register's own cross-references written into a name form are not the name. The
real letters' place register writes "Zürich <add>(Stadt) (s. a. Affoltern, Altstetten,
… Wollishofen)</add>" and "Bad Ragaz <add>(← Ragaz)</add>": every label (name cards,
the registers and the index, links' titles, an entry's heading, `entities list`)
printed the whole see-also list. The label is the name with its qualifier, "Zürich
(Stadt)"; the cross-references are the entry's "See also" (policy.xml's see-also, read
by the common layer and by Python alike)."""

from __future__ import annotations

import json
import re

import pytest
from lxml import etree

from conftest import LETTERS, needs_shared
from test_policy import EXTRACT, exported_text
from tei_edition.entities import mentions as entities
from tei_edition.publish.export import export_file

LETTER = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Places</title></titleStmt><publicationStmt><p>Test</p></publicationStmt>
<sourceDesc><p>Generated</p></sourceDesc></fileDesc></teiHeader>
<standOff><listPlace>
<place xml:id="zh"><placeName type="main">Zürich <add>(Stadt) (s. a. Affoltern, Enge,
    Wollishofen)</add></placeName><placeName type="add">(Stadt) (s. a. Affoltern, Enge,
    Wollishofen)</placeName></place>
<place xml:id="ragaz"><placeName type="main">Bad Ragaz <add>(← Ragaz)</add></placeName>
  <placeName type="variant">Ragaz</placeName></place>
<place xml:id="aalen"><placeName type="main">Aalen <add>(D) (s. a. Wasseralfingen)</add></placeName></place>
</listPlace></standOff>
<text><body>
<p>Nach <placeName ref="#zh">Zürich</placeName>, dann <placeName ref="#ragaz">Ragatz</placeName>
und <placeName ref="#aalen">Aalen</placeName>.</p>
</body></text></TEI>"""


def test_entities_list_labels_leave_the_cross_references_out(tmp_path):
    source = tmp_path / "places.xml"
    source.write_text(LETTER, encoding="utf-8")
    rows = {r.id: r for r in entities.rows(entities.load([str(source)]))}
    assert rows["zh"].name == "Zürich (Stadt)"
    assert rows["ragaz"].name == "Bad Ragaz" and "Ragaz" in rows["ragaz"].names
    assert rows["aalen"].name == "Aalen (D)"
    # a form that is only the register's addition in brackets is no name form
    assert not [n for r in rows.values() for n in r.names if "s. a." in n or n.startswith("(")]


def test_every_label_of_the_html_edition_is_the_name(tmp_path):
    source = tmp_path / "places.xml"
    source.write_text(LETTER, encoding="utf-8")
    export_file(source, "html", tmp_path / "site")
    pages = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "site").glob("*.*")}
    everything = "".join(pages.values())
    assert "s. a." not in everything and "←" not in everything
    # the name cards and the register's headings
    cards = json.loads(re.search(r"=\s*(\{.*\})\s*;?\s*$", pages["entities.js"], re.S).group(1))
    labels = json.dumps(cards, ensure_ascii=False)
    assert "Zürich (Stadt)" in labels and "Bad Ragaz" in labels and "Aalen (D)" in labels
    assert '<span class="entry-label">Zürich (Stadt)</span>' in pages["places.html"]
    # the cross-references are the entry's own "See also" (not the variant it already has)
    assert "See also: Affoltern, Enge, Wollishofen" in pages["places.html"]
    assert "See also: Wasseralfingen" in pages["places.html"]
    ragaz = pages["places.html"].split('id="ragaz"')[1].split("</article>")[0]
    assert "See also" not in ragaz and "Also: Ragaz" in ragaz


def test_the_index_of_the_pdf_files_the_name(tmp_path):
    from tei_edition.publish.formats import pdf

    source = tmp_path / "places.xml"
    source.write_text(LETTER, encoding="utf-8")
    typst = pdf.typst_source(etree.parse(str(source)), source, fonts=[]).typst
    assert "s. a." not in typst and "←" not in typst
    assert '"Zürich (Stadt)"' in typst and '"Aalen (D)"' in typst


@needs_shared(LETTERS / "registers" / "places.xml")
def test_the_real_place_register_labels_are_names(tmp_path):
    """Every label of the real register: no see-also list, and the qualifier kept."""
    register = LETTERS / "registers" / "places.xml"
    rows = {r.id: r for r in entities.rows(entities.load([str(register)]))}
    assert rows["Zürich_Stadt"].name == "Zürich (Stadt)"
    assert rows["Aadorf"].name == "Aadorf"
    assert rows["Aalen_D"].name == "Aalen (D)"
    assert rows["Bad_Ragaz"].name == "Bad Ragaz"
    assert len(rows) > 2000
    assert [r.name for r in rows.values() if "s. a." in r.name or "←" in r.name] == []


def test_a_see_also_without_brackets_at_the_end_is_left_out_too(tmp_path):
    """Three real entries write it bare: "Balsthal <add>s. a. Klus</add>"."""
    source = tmp_path / "places.xml"
    source.write_text(LETTER.replace("Aalen <add>(D) (s. a. Wasseralfingen)</add>",
                                     "Aalen <add>s. a. Wasseralfingen</add>"), encoding="utf-8")
    rows = {r.id: r for r in entities.rows(entities.load([str(source)]))}
    assert rows["aalen"].name == "Aalen"
    export_file(source, "html", tmp_path / "site")
    places = (tmp_path / "site" / "places.html").read_text(encoding="utf-8")
    assert '<span class="entry-label">Aalen</span>' in places
    assert "See also: Wasseralfingen" in places


# -- the collection site's entry pages ---------------------------------------------------

XHTML = {"h": "http://www.w3.org/1999/xhtml"}


def _site_entry_pages(folder, out):
    """The collection site of the TEI files in ``folder`` (their document pages left
    out): entry page file name -> its "Also written" and "See also" lines."""
    from tei_edition import collection as collections
    from tei_edition.entities.resolve import resolve
    from tei_edition.publish import site
    from tei_edition.publish import digest as site_digest

    coll = collections.load([folder])
    digests = []
    for document in coll.documents:
        tree = document.parse()
        resolve(tree, document.path, coll.register)
        digests.append(site_digest.digest(tree, document))
    site.write_collection_site(coll, digests, out)
    lines = {}
    for path in sorted((out / "registers").glob("*/*.html")):
        html = etree.parse(str(path))
        lines[path.name] = {cls: " ".join(html.xpath(f"string(//h:p[@class='{cls}'])", namespaces=XHTML).split())
                            for cls in ("names", "see-also")}
    return lines


def test_the_collection_sites_entry_page_shows_see_also(tmp_path):
    """As the single-document register: the cross-references on a "See also" line,
    without the names the entry lists already ("Bad Ragaz (← Ragaz)" with "Ragaz")."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "places.xml").write_text(LETTER.replace("<p>Nach", "<p>Register</p><!--").replace(
        "</p>\n</body>", "-->\n</body>"), encoding="utf-8")
    (src / "letter.xml").write_text(LETTER.replace("<standOff>", "<!--").replace("</standOff>", "-->")
                                    .replace('ref="#', 'ref="places.xml#'), encoding="utf-8")
    pages = _site_entry_pages(src, tmp_path / "out")
    assert pages["zh.html"]["see-also"] == "See also Affoltern, Enge, Wollishofen"
    assert pages["aalen.html"]["see-also"] == "See also Wasseralfingen"
    assert pages["ragaz.html"] == {"names": "Also written Ragaz", "see-also": ""}
    everything = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("*.html"))
    assert "s. a." not in everything and "←" not in everything


@needs_shared(LETTERS / "registers" / "places.xml")
def test_the_real_place_registers_see_also_on_the_collection_site(tmp_path):
    """Five real letters naming Zürich, with the real place register."""
    src = tmp_path / "letters"
    (src / "registers").mkdir(parents=True)
    (src / "registers" / "places.xml").symlink_to(LETTERS / "registers" / "places.xml")
    zurich = [p for p in sorted((LETTERS / "letters").glob("K_00*.xml"))
              if 'key="Zürich (Stadt)"' in p.read_text(encoding="utf-8")][:5]
    assert len(zurich) == 5
    for letter in zurich:
        (src / letter.name).symlink_to(letter)
    pages = _site_entry_pages(src, tmp_path / "out")
    [zh] = [lines for name, lines in pages.items() if name.startswith("Z") and "Stadt" in name]
    assert zh["see-also"].startswith("See also Affoltern, Altstetten, Albisrieden,")
    assert zh["see-also"].endswith("Witikon, Wollishofen")
    assert zh["names"] == ""  # the form that is only the register's addition names nothing
    assert not [name for name, lines in pages.items() if "s. a." in lines["names"] or "←" in lines["names"]]


# -- Python and the common layer read a name form alike ------------------------------------

PROBE = """<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:te="urn:x-tei-edition"
  xmlns:tei="http://www.tei-c.org/ns/1.0" exclude-result-prefixes="#all">
  <xsl:import href="{common}"/>
  <xsl:template match="/" as="xs:string*">
    <xsl:for-each select="//(tei:person, tei:personGrp, tei:place, tei:org)[@xml:id]">
      <xsl:sequence select="string(@xml:id), te:entity-label(.),
        string-join(te:name-forms(.) ! te:name-text(.), '|'), string-join(te:see-also(.), '|')"/>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>"""


def _both_sides(source, folder):
    """Each entry of ``source`` as (id, label, the text of each name form, see also),
    read by the common layer (te:entity-label, te:name-text, te:see-also) and by Python
    (entities.register), side by side."""
    from tei_edition import resources
    from tei_edition.entities import register
    from tei_edition.publish import transform

    probe = folder / "probe.xsl"
    probe.write_text(PROBE.format(common=(resources.xslt_dir() / "common" / "common.xsl").as_uri()),
                     encoding="utf-8")
    tree = etree.parse(str(source))
    strings = transform.run_strings(probe, tree, path=str(source)).strings
    fours = iter(strings)
    xslt = [tuple(four) for four in zip(fours, fours, fours, fours)]
    entries = register.entries_in(tree.getroot(), str(source), keep="element")
    python = [(e.id, e.name, "|".join(map(register.name_text, register.name_forms(e.element))),
               "|".join(register.see_also(e.element))) for e in entries]
    return xslt, python


def test_a_note_in_a_name_form_is_no_part_of_the_name(tmp_path):
    """A note inside a name form is the register's comment, not the name: Python (the
    `entities` commands) named "Heer" "Heer Schreibung unsicher", the pages "Heer"."""
    source = tmp_path / "persons.xml"
    source.write_text(LETTER.replace("<standOff>", """<standOff><listPerson>
<person xml:id="heer"><persName type="main">Heer <note>Schreibung unsicher</note></persName>
  <persName>Oswald <note>so im Brief</note>Heer</persName></person>
</listPerson>"""), encoding="utf-8")
    xslt, python = _both_sides(source, tmp_path)
    assert python == xslt
    assert ("heer", "Heer", "Heer|Oswald Heer", "") in python
    rows = {r.id: r for r in entities.rows(entities.load([str(source)]))}
    assert rows["heer"].names == ["Heer", "Oswald Heer"]


@pytest.mark.parametrize("name, entries", [("places.xml", 2000), ("people.xml", 3000)])
def test_python_reads_the_real_registers_as_the_common_layer(tmp_path, name, entries):
    source = LETTERS / "registers" / name
    if not source.exists():
        pytest.skip(f"{source} is not available")
    xslt, python = _both_sides(source, tmp_path)
    assert len(python) > entries
    assert python == xslt
    if name == "places.xml":
        assert sum(1 for *_, also in python if also) > 50
