"""Plain text export: layout, options, notes, determinism, the command line, the dossier."""

from __future__ import annotations

import os
import re
import stat
import unicodedata

import pytest

from conftest import DOSSIER, FIXTURES, needs_shared
from tei_edition.errors import UsageError
from tei_edition.publish.export import export_file
from tei_edition.publish.formats.text import render
from tei_edition.xml.parse import NS, parse_file

FEATURES = FIXTURES / "text" / "features.xml"
NOTES = FIXTURES / "text" / "notes.xml"
POLICY = FIXTURES / "policy" / "readings.xml"
APPARATUS = FIXTURES / "text" / "apparatus.xml"


def text_of(path, **options) -> str:
    return render(parse_file(path), path, **options).text


def paragraph(text: str, start: str) -> str:
    """The block (lines up to a blank line) that starts with ``start``, on one line."""
    for block in text.split("\n\n"):
        if block.lstrip().startswith(start):
            return " ".join(block.split())
    raise AssertionError(f"no block starts with {start!r}")


def without_key(text: str) -> str:
    """The text before the key of its signs, which ends it (and must be there)."""
    body, key = text.split("\n\nSigns used in the text\n\n")
    assert key.endswith("\n") and "\n\n" not in key
    return body + "\n"


def check_plain(text: str, width: int) -> None:
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "\r" not in text and "\t" not in text
    assert unicodedata.is_normalized("NFC", text)
    for line in text.split("\n"):
        assert line == line.rstrip(), f"trailing space in {line!r}"
        if width and len(line) > width:
            assert " " not in line.strip(), f"over {width} and breakable: {line!r}"


@pytest.mark.parametrize("width", [0, 20, 40, 72])
@pytest.mark.parametrize("source", [FEATURES, NOTES, POLICY, APPARATUS])
def test_plain_text_invariants(source, width):
    check_plain(text_of(source, width=width), width)


def test_wrapping_never_breaks_a_word_and_keeps_every_word():
    one_line = text_of(FEATURES, width=0)
    narrow = text_of(FEATURES, width=20)
    def words(text):  # underlines follow the longest line, so they differ
        return [w for w in text.split() if w.strip("=-")]
    assert words(one_line) == words(narrow)
    long_word = "Supercalifragilisticexpialidociousandevenlongerthanthelinewidthallowsforsure"
    assert f"\n{long_word}\n" in text_of(FEATURES, width=40)
    assert "Words before a page break and a line break and a hyphenated word." in one_line


def test_title_block_from_the_header():
    text = text_of(FEATURES)
    lines = text.split("\n")
    assert lines[0] == "A Feature Sampler"
    assert lines[1] == "=" * len(lines[0])
    assert lines[2:6] == ["for the text export", "by Ann Author", "Translation: Tom Translator",
                          "Source: Old Writer, Original Print"]
    assert lines[6] == ""


def test_headings_are_set_off_and_underlined():
    text = text_of(FEATURES)
    assert "\n\nDOCUMENT NO. 1\nThe first Puzanov document\n--------------------------\n\n" in text


def test_tight_blocks_list_verse_and_hanging_notes():
    text = text_of(FEATURES, width=30)
    assert "\n\n- one item\n- two item[2]\n\n" in text
    assert "\n\nFirst verse line\nSecond verse line\n\n" in text
    assert without_key(text).endswith("Notes\n\n[1] First note with emphasis.\n[2] Second note.\n")


def test_notes_end_inline_none():
    end = text_of(NOTES)
    assert paragraph(end, "Alpha") == "Alpha[1] beta[2]."
    assert "\n[1] one\n[2] two\n[3] three\n[4] placed\n" in end
    assert end.count("Notes\n") == 2  # after each document; numbers restart
    assert without_key(end).rstrip().endswith("[1] again one")
    inline = text_of(NOTES, notes="inline")
    assert paragraph(inline, "Alpha") == "Alpha [Note: one] beta [Note: two]."
    assert "Notes" not in inline
    none = text_of(NOTES, notes="none")
    assert paragraph(none, "Alpha") == "Alpha beta."
    assert "one" not in none and "Notes" not in none


def test_critical_apparatus_letters_and_variants_after_each_unit():
    text = text_of(APPARATUS, width=0)
    # the other reading of a choice is a textual note too; inside a footnote an entry
    # is not lettered but follows its word in brackets (a footnote carries no notes)
    assert paragraph(text, "Alpha") == ("Alpha lemmaone[a] beta outer innerlem[b] words[c] gamma[1][d]"
                                        " delta firstrdg[e] onlylem Corrword[f].")
    assert "\n[1] Noteword notelem [noterdg (B)].\n" in text
    assert ("Textual notes\n\n[a] lemmaone] readingone (B); readingtwo (C)\n[b] innerlem] innerrdg (B)\n"
            "[c] outer innerlem words] om. C\n[d] ∅] addedrdg (B)\n"
            "[e] firstrdg] secondrdg (B) — B: Detailword\n[f] Corrword] source reads: Sicword\n\nDocument No. 2\nSecond") in text
    assert paragraph(text, "Again") == "Again againlem[a] linked linklem[b] end[1]."
    assert without_key(text).endswith("Textual notes\n\n[a] againlem] againrdg (B) [Note: Rdgnote]\n[b] linklem] linkrdg (B)\n")
    # the variants are the text's witnesses: kept whatever becomes of the notes
    for notes in ("inline", "none"):
        other = text_of(APPARATUS, width=0, notes=notes)
        assert other.count("Textual notes\n") == 2 and "[d] ∅] addedrdg (B)" in other
    # a long entry hangs under its letter
    narrow = text_of(APPARATUS, width=30)
    assert "[a] lemmaone] readingone (B);\n    readingtwo (C)\n" in narrow


def test_block_notes_follow_their_block_without_numbers():
    text = text_of(NOTES)
    assert "First\n-----\n\nSource: Archive A.\n\nDepartment B\n\n" in text
    assert "[Source" not in text and "standing" in text


def test_page_breaks_entities_and_breaks_inside_words():
    default = text_of(FEATURES, width=0)
    assert "[p. 2]" not in default and "Puzanov [person" not in default
    shown = text_of(FEATURES, width=0, page_breaks=True, entities="inline")
    assert "a page [p. 2] break" in shown
    assert "The first Puzanov [person: p1] document" in shown
    assert "Pyongyang [place: pl1], 30 August 1960" in shown  # from places.xml
    assert "page[p. 2]join" in text_of(NOTES, page_breaks=True)
    assert "splitword" in default + text_of(NOTES)


def test_diplomatic_reading():
    # the reading not shown is a lettered textual note, named by what it is
    normalised = text_of(POLICY)
    assert "Rightcorr[a] and Fixedtwo[b]" in normalised
    assert "[a] Rightcorr] source reads: Wrongsic\n" in normalised
    diplomatic = text_of(POLICY, reading="diplomatic")
    assert "Wrongsic[a] and Badtwo[b]" in diplomatic
    assert "[a] Wrongsic] corrected: Rightcorr\n" in diplomatic


def test_unknown_elements_keep_their_text_and_are_reported():
    result = render(parse_file(FEATURES), FEATURES)
    assert "A kept unknown element[1]." in result.text
    assert result.coverage == {"x:thing": 1}
    assert any("<x:thing> has no rendering rule" in w for w in result.warnings)


def test_deterministic(tmp_path):
    first = export_file(FEATURES, "text", tmp_path / "a.txt").outputs[0].read_bytes()
    second = export_file(FEATURES, "text", tmp_path / "b.txt").outputs[0].read_bytes()
    assert first == second and first.decode("utf-8")


@pytest.mark.parametrize("options", [dict(width=-1), dict(notes="foot"), dict(entities="all"),
                                     dict(reading="modern")])
def test_bad_options_are_usage_errors(options):
    with pytest.raises(UsageError):
        render(parse_file(FEATURES), FEATURES, **options)


def test_cli_writes_file_and_stdout(run, tmp_path):
    target = tmp_path / "out" / "f.txt"
    result = run("export", "text", str(FEATURES), "-o", str(target), "--width", "30",
                 "--notes", "inline", "--report-coverage")
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == text_of(FEATURES, width=30, notes="inline")
    assert "coverage: 1 element of 1 kind" in result.stderr
    assert [p.name for p in target.parent.iterdir()] == ["f.txt"]  # no temporary left
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # not mkstemp's private 0600
    result = run("export", "text", str(POLICY), "-o", "-", "--diplomatic", "--page-breaks")
    assert result.exit_code == 0
    assert result.stdout == text_of(POLICY, reading="diplomatic", page_breaks=True)


def test_cli_errors_and_no_half_written_output(run, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<TEI xmlns='http://www.tei-c.org/ns/1.0'><text>")
    target = tmp_path / "bad.txt"
    result = run("export", "text", str(bad), "-o", str(target))
    assert result.exit_code == 1 and f"{bad}:1:" in result.stderr
    assert not target.exists() and list(tmp_path.iterdir()) == [bad]
    assert run("export", "text", str(tmp_path / "missing.xml")).exit_code == 2
    assert run("export", "text", str(FEATURES), "--width", "-3").exit_code == 2


@needs_shared(DOSSIER)
def test_dossier_reads_as_an_edition():
    text = text_of(DOSSIER)
    check_plain(text, 72)
    head = text.split("\n\n")[0]
    assert head.startswith("New East German and Soviet Evidence")
    assert "by James Person" in head and "Source:" in head
    for n in (1, 2):
        assert f"\n\nDOCUMENT NO. {n}\n" in text
    doc1 = text[text.index("DOCUMENT NO. 1"):text.index("DOCUMENT NO. 2")]
    # heading, then the source line as a block, then the text; notes after the document
    assert doc1.index("Source: Bundesarchiv") < doc1.index("I provided Comrade Puzanov")
    assert "policies[a] toward inter-Korean relations" in text  # the correction is shown
    assert "[a] policies] source reads: polices" in text  # and what the source reads
    assert text.count("polices") == 1  # only there, never in the running text
    # a letterhead, a stamp and the registry lines keep their lines; a gap says why
    assert "\nUSSR EMBASSY IN THE DPRK\nNº 153\nTOP SECRET\nCopy Nº 3\n" in text
    assert "[… illegible signature]" in text and "[… date off the page]" in text.replace("\n", " ")
    assert "[signed] K. Schneidewind [GDR Ambassador]" in doc1
    assert "- 3x Deputy [Foreign] Minister" in doc1
    doc2 = text[text.index("DOCUMENT NO. 2"):]
    notes = doc2[doc2.rindex("\nNotes\n"):]
    assert re.search(r"^\[1\] ", notes, re.M) and "Translator's note" in notes
    assert "Translator's note" not in doc2[:doc2.rindex("\nNotes\n")]


def test_dossier_text_keeps_the_words_of_the_tei_text():
    # every word of the TEI <text> (as a multiset: each occurrence counts) is in the
    # export: gap descriptions, the other reading of a choice, stamps, letterheads
    from collections import Counter

    tree = parse_file(DOSSIER)
    source = Counter(re.findall(r"\w+", " ".join(tree.xpath("//tei:text//text()", namespaces=NS))))
    exported = Counter(re.findall(r"\w+", text_of(DOSSIER)))
    missing = source - exported
    kept = 1 - sum(missing.values()) / sum(source.values())
    assert kept >= 0.995, f"{kept:.4f} of the words kept; missing: {missing.most_common(10)}"


def test_the_sources_spaces_at_a_signs_edges_go_outside_it(tmp_path):
    """A real letter's deletion ends in the source's line break
    (``<del><add>...</add> </del>``): the text printed "⟦... ⟧". The signs close on the
    text; the spaces stay between the words."""
    source = tmp_path / "brief.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>
<titleStmt><title>Brief</title></titleStmt><publicationStmt><p>Test</p></publicationStmt>
<sourceDesc><p>Test</p></sourceDesc></fileDesc></teiHeader><text><body>
<p>mein Bestreben, <del>
    <add>...</add> </del> <del><add>...</add></del> durch mein <del> Betragen</del>ihr
Urtheil <del> </del> nach</p></body></text></TEI>""", encoding="utf-8")
    text = text_of(source)
    assert paragraph(text, "mein") == "mein Bestreben, ⟦...⟧ ⟦...⟧ durch mein ⟦Betragen⟧ihr Urtheil ⟦ ⟧ nach"


def test_a_note_before_a_division_s_heading_follows_the_heading(tmp_path):
    # FRUS 1918 Russia III puts each document's "File No." note before its heading:
    # the text printed it as the last line of the document before ("Lansing / File No.
    # 861.51/134 / Document No. 4 / The Ambassador ..."); the PDF sets it under the title.
    source = tmp_path / "frus.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Papers</title></titleStmt><publicationStmt><p>P</p></publicationStmt><sourceDesc><p>S</p>
</sourceDesc></fileDesc></teiHeader><text><body><div type="chapter"><head>Chapter I</head>
<div type="document" n="3"><head>The Secretary of State to the Ambassador</head>
<p>Loans will be made at par.</p><closer><signed>Lansing</signed></closer></div>
<div type="document" n="4"><note rend="inline" type="source">File No. 861.51/134</note>
<head>The Ambassador to the Secretary of State</head>
<note rend="inline" type="source">[Telegram]</note><p>Answering your 1313.</p></div>
</div></body></text></TEI>""", encoding="utf-8")
    text = text_of(source)
    order = [text.index(s) for s in ("Lansing", "Document No. 4", "The Ambassador to the",
                                     "File No. 861.51/134", "[Telegram]", "Answering")]
    assert order == sorted(order), text


def test_the_title_block_names_a_volume_once_and_its_series_apart(tmp_path):
    # FRUS 1918 Russia III: the text opened "Papers ... 1918, Russia, Volume III",
    # then "Papers ..., 1918", "Volume III" and "Russia" as titles, "Russia" underlined;
    # Schnitzler's letters opened on their series and a machine date ("1906-08-03"), and
    # named one of their two editors (an editor element holding two names).
    source = tmp_path / "volume.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title type="complete">Papers Relating to the Foreign Relations, 1918, Russia, Volume III</title>
<title type="series">Papers Relating to the Foreign Relations, 1918</title>
<title type="subseries"/><title type="volumenumber">Volume III</title>
<title type="volume">Russia</title><title type="iso-date">1918-01-01</title>
<editor><name>Müller, Martin</name><name>Susen, Gerd</name></editor></titleStmt>
<publicationStmt><p>P</p></publicationStmt><sourceDesc><p>Printed book</p></sourceDesc>
</fileDesc></teiHeader><text><body><p>Text.</p></body></text></TEI>""", encoding="utf-8")
    lines = text_of(source).split("\n")
    title = "Papers Relating to the Foreign Relations, 1918, Russia, Volume III"
    assert lines[:5] == [title, "=" * len(title), "edited by Müller, Martin and Susen, Gerd",
                         "Series: Papers Relating to the Foreign Relations, 1918",
                         "Source: Printed book"], lines[:6]


def test_a_table_row_that_runs_over_hangs_under_its_first_line(tmp_path):
    # FRUS's list of papers in the text: each row ran over onto lines flush left like
    # the next row's ("| 2" alone on a line), the rows could not be told apart.
    subject = "Acceptance of credit by the Russian Government and suggestion of terms."
    source = tmp_path / "table.xml"
    source.write_text(f"""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Papers</title></titleStmt><publicationStmt><p>P</p></publicationStmt><sourceDesc><p>S</p>
</sourceDesc></fileDesc></teiHeader><text><body><table>
<row><cell>1161</cell><cell>Apr. 6</cell><cell>From the Ambassador in Russia (tel.)</cell>
<cell>{subject}</cell><cell>2</cell></row>
<row><cell>1313</cell><cell>Apr. 13</cell><cell>To the Ambassador in Russia (tel.)</cell>
<cell>{subject}</cell><cell>3</cell></row></table></body></text></TEI>""", encoding="utf-8")
    lines = [line for line in text_of(source, width=60).split("\n")]
    first = lines.index(next(line for line in lines if line.startswith("1161 |")))
    second = lines.index(next(line for line in lines if line.startswith("1313 |")))
    assert second - first > 1, lines
    assert all(line.startswith("  ") and line.strip() for line in lines[first + 1:second]), lines


def test_a_table_that_fits_the_line_is_set_in_columns(tmp_path):
    # A real letter's election results, in the volume's text: "absolutes Mehr: | 3266 |
    # |  |" over " | Brunner | 3330 | Graffenried | 2511", columns nowhere (only tables
    # whose cells the source aligns were set in columns).
    source = tmp_path / "table.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Letter</title></titleStmt><publicationStmt><p>P</p></publicationStmt><sourceDesc><p>S</p>
</sourceDesc></fileDesc></teiHeader><text><body><p>Das Ergebnis:</p><table>
<row><cell>absolutes Mehr:</cell><cell>3266</cell><cell/><cell/></row>
<row><cell>Stimmen erhielten:</cell><cell>v. Büren</cell><cell>3995</cell><cell>Weber</cell><cell>2657</cell></row>
<row><cell/><cell>Brunner</cell><cell>3330</cell><cell>Graffenried</cell><cell>2511</cell></row>
</table></body></text></TEI>""", encoding="utf-8")
    lines = text_of(source).split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("absolutes Mehr:"))
    assert lines[first:first + 3] == [
        "absolutes Mehr:    | 3266     |      |",
        "Stimmen erhielten: | v. Büren | 3995 | Weber       | 2657",
        "                   | Brunner  | 3330 | Graffenried | 2511"], lines


def test_a_list_item_stands_on_the_line_of_its_short_label(tmp_path):
    # FRUS's decree annulling the state loans, in the text: "1." alone on a line, then
    # " All state loans ..." a space in; the PDF sets "1.  All state loans ...".
    source = tmp_path / "decree.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Papers</title></titleStmt><publicationStmt><p>P</p></publicationStmt><sourceDesc><p>S</p>
</sourceDesc></fileDesc></teiHeader><text><body><list>
<label>1.</label><item>All state loans concluded by the governments of the Russian landowners
and Russian bourgeoisie are annulled as from December 1, 1917.</item>
<label>2.</label><item>In the same way all guaranties are being annulled.</item>
<label>A very long label of a glossary</label><item>Its explanation.</item>
</list><list><item>Outer</item><item><list><label>25</label><item>nested first</item>
<label>35</label><item>nested second</item></list></item></list></body></text></TEI>""",
                      encoding="utf-8")
    lines = text_of(source, width=60).split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("1. "))
    assert lines[first] == "1. All state loans concluded by the governments of the", lines
    assert lines[first + 1].startswith("   Russian landowners"), lines
    assert "2. In the same way all guaranties are being annulled." in lines, lines
    assert "A very long label of a glossary" in lines and "1." not in lines, lines
    # a list opening an item keeps its first label after the item's mark
    assert "- 25 nested first" in lines and "  35 nested second" in lines, lines


def test_the_kept_lines_of_a_block_stand_together(tmp_path):
    """A real letter's kept lines printed a blank line after the first: 'Gemüsesamens' /
    '' / 'nicht vergessen'. The lines of one block stand on consecutive lines."""
    source = tmp_path / "closer.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Closer</title></titleStmt><publicationStmt><p>P</p></publicationStmt><sourceDesc><p>S</p>
</sourceDesc></fileDesc></teiHeader><text><body><p>Lieber Freund.</p>
<closer><lb/>
  Mamma läßt Ihnen sagen, daß sie Ihren Auftrag<lb/>
  nicht vergessen habe.<lb/> Alfred.</closer></body></text></TEI>""", encoding="utf-8")
    text = text_of(source)
    assert "Lieber Freund.\n\nMamma läßt Ihnen sagen, daß sie Ihren Auftrag\n" \
           "nicht vergessen habe.\nAlfred." in text, text


def test_a_postscript_paragraph_flows_like_any_paragraph(tmp_path):
    """A real letter's postscript kept the source's line breaks ("Sie freut / sich /
    recht"): its paragraphs are prose, filled to the width like the letter's."""
    source = tmp_path / "ps.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Postscript</title></titleStmt><publicationStmt><p>P</p></publicationStmt><sourceDesc><p>S</p>
</sourceDesc></fileDesc></teiHeader><text><body><p>Lieber Freund.</p>
<closer><signed>Alfred.</signed></closer>
<postscript><p rend="indent"><lb/>
  Mamma läßt Ihnen sagen, daß sie Ihren Auftrag<lb/>
  nicht vergessen habe.<lb/> Sie freut<lb/> sich<lb/> recht.</p></postscript></body></text></TEI>""",
                      encoding="utf-8")
    text = text_of(source)
    assert "Alfred.\n\nMamma läßt Ihnen sagen, daß sie Ihren Auftrag nicht vergessen habe. " \
           "Sie\nfreut sich recht.\n" in text, text
