"""The volume (issue 15): one book of a generated collection, read back with pypdf:
numbered documents in date order with their outline entries and contents lines, an
index whose page numbers print the names, byte-identical rebuilds, and parts when the
text is over the limit (said before any work)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from lxml import etree

sys.path.insert(0, str(Path(__file__).parent))
from conftest import LETTERS, needs_shared  # noqa: E402
from test_collection_site_fixture import generate  # noqa: E402

from tei_edition.collection import load  # noqa: E402
from tei_edition.errors import UsageError  # noqa: E402
from tei_edition.publish import volume  # noqa: E402

pypdf = pytest.importorskip("pypdf")


def collection(folder: Path, letters: int = 10):
    return load([generate(folder, letters=letters)])


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("volume")
    coll = collection(folder / "src")
    written, warnings = volume.write_volume(coll, folder / "letters.pdf")
    assert warnings == []
    return coll, written, pypdf.PdfReader(str(written[0]))


def test_documents_are_numbered_in_date_order_with_outline_and_contents(book):
    coll, written, reader = book
    expected = [f"{n}. {d.catalogue.title}" for n, d in enumerate(coll.ordered(), 1)]
    # the outline's titles have plain spaces: the no-break space that keeps a day with
    # its month in print ("28\xa0October") read oddly in a viewer's outline and search
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert not [t for t in titles if "\xa0" in t], titles
    assert [t for t in titles if re.match(r"^\d+\. ", t)] == expected
    assert titles[0] == "Introduction"
    contents = reader.pages[2].extract_text() + reader.pages[3].extract_text()
    for line in expected:
        assert line.split(", ")[0] in contents
    first = next(i for i, p in enumerate(reader.pages)
                 if p.extract_text().replace("\xa0", " ").startswith(expected[0]))
    text = reader.pages[first].extract_text()
    assert "Archive, Box" in text.split("\n")[1]  # the source note under the heading


def test_index_page_numbers_print_the_names(book):
    coll, written, reader = book
    labels = reader.page_labels
    index_page = next(i for i, p in enumerate(reader.pages)
                      if p.extract_text().startswith("Index of persons"))
    index = " ".join(reader.pages[i].extract_text() for i in range(index_page, len(reader.pages)))
    index = re.sub(r"\s+", " ", index)
    checked = 0
    for name, needle in (("Oswald Heer", "Heer"), ("Gottfried Keller", ("Keller", "Kellerus")),
                         ("Zürich", "Zürich")):
        for number in _index_pages(index, name):
            page = reader.pages[labels.index(str(number))].extract_text()
            needles = needle if isinstance(needle, tuple) else (needle,)
            assert any(n in page for n in needles), (name, number)
            checked += 1
    assert checked >= 6


def test_the_index_gives_each_correspondent_the_pages_of_their_letters(book):
    """Named only in a letter's heading (its sender or addressee, "Jakob Dubs to Alfred
    Escher"), a correspondent was missing from the index; a printed letter edition's
    index gives the pages of their letters."""
    coll, written, reader = book
    labels = reader.page_labels
    starts = {o.title.replace("\xa0", " "): int(labels[reader.get_destination_page_number(o)])
              for o in reader.outline if not isinstance(o, list) and re.match(r"^\d+\. ", o.title)}
    index_page = next(i for i, p in enumerate(reader.pages)
                      if p.extract_text().startswith("Index of persons"))
    index = re.sub(r"\s+", " ", " ".join(reader.pages[i].extract_text()
                                         for i in range(index_page, len(reader.pages))))
    checked = 0
    for name in ("Jakob Dubs", "Emil Welti", "Alfred Escher"):  # named in no letter's text
        letters = sorted({page for title, page in starts.items() if name in title.split(", ")[0]})
        if letters:
            assert _index_pages(index, name) == letters, name
            checked += 1
    assert checked >= 2
    principles = next(" ".join(p.extract_text().split()) for p in reader.pages
                      if "Signs and notes in this edition" in p.extract_text())
    assert ("Index The persons, places and organisations named in the text, and the writers "
            "and addressees of the letters, with their dates") in principles, principles


def test_rebuild_is_byte_identical(book, tmp_path):
    coll, written, _ = book
    again, _ = volume.write_volume(coll, tmp_path / "letters.pdf")
    assert again[0].read_bytes() == written[0].read_bytes()


def test_ids_stay_unique_across_the_book(book):
    coll, _, _ = book
    from tei_edition.entities.resolve import resolve

    tree = volume.assemble(coll, coll.ordered(), resolve=resolve)
    ids = tree.getroot().xpath("//@xml:id")
    assert len(ids) == len(set(ids))
    refs = {r[1:] for v in tree.getroot().xpath("//@ref") for r in v.split()}
    assert refs <= set(ids)


def test_plan_splits_into_parts_under_the_limit(tmp_path):
    coll = collection(tmp_path / "src", letters=12)
    sizes = {d.id: 1000 for d in coll.ordered()}
    parts = volume.plan(coll, max_chars=4500, sizes=sizes)
    assert [len(p.documents) for p in parts] == [4, 4, 4]
    assert parts[0].label().startswith("Part 1: 18")
    with pytest.raises(UsageError, match="over the PDF limit of 900"):
        volume.plan(coll, max_chars=900, sizes=sizes)


def test_a_parts_time_limit_grows_with_its_size(tmp_path, monkeypatch):
    """The real letters' volume was stopped: 'letters.pdf: error: Typst did not finish
    typesetting within 300 seconds' (its first part, 1,434 letters, had the time limit of
    one document). Each part is given the limit per million characters it weighs."""
    from tei_edition.publish import typeset
    from tei_edition.publish.formats import pdf

    coll = collection(tmp_path / "src", letters=4)
    asked = []

    def export(request):
        asked.append((request.options["timeout"], request.options["max_chars"]))
        raise UsageError("stop here")

    monkeypatch.setattr(pdf, "export", export)
    with pytest.raises(UsageError):
        volume.write_volume(coll, tmp_path / "letters.pdf", timeout=100)
    assert asked and asked[0][0] == 100  # a small book: the limit of one document
    assert volume.part_timeout(9_999_635) == 10 * typeset.DEFAULT_TIMEOUT
    assert volume.part_timeout(2_500_000, 60) == 180 and volume.part_timeout(10, 60) == 60


def _index_pages(index: str, name: str) -> list[int]:
    """The page numbers an index text gives after ``name`` ("3, 5–7, 12"), past the
    person's dates ("Heer, Oswald (1809–1883), ... 3, 5")."""
    match = re.search(re.escape(name) + r"(?: \([^)]*\))?[^0-9]*((?:\d+(?:–\d+)?(?:, )?)+)", index)
    assert match, name
    pages = []
    for item in match.group(1).rstrip(", ").split(", "):
        first, _, last = item.partition("–")
        pages += range(int(first), int(last or first) + 1)
    return pages


@pytest.mark.slow
def test_a_large_volume_is_printed_in_parts_with_one_index(tmp_path):
    coll = collection(tmp_path / "src", letters=6)
    chars = sum(volume._chars(volume._text_of(d.parse(), d)) for d in coll.ordered())
    written, _ = volume.write_volume(coll, tmp_path / "letters.pdf",
                                     max_chars=chars // 3 + 200)
    pdfs = [p for p in written if p.suffix == ".pdf"]
    assert [p.name for p in pdfs] == [f"letters-part{n}.pdf" for n in range(1, len(pdfs) + 1)]
    assert len(pdfs) >= 3
    readers = [pypdf.PdfReader(str(p)) for p in pdfs]
    assert "Part 1: 18" in readers[0].pages[0].extract_text()
    # the back of the title names the part as the title page does (it read "Subtitle:
    # Part 1: 1000–1857" in the real letters' volume)
    imprint = readers[0].pages[1].extract_text()
    assert "Part 1: 18" in imprint and "Subtitle" not in imprint, imprint
    numbered = [[o.title for o in r.outline if not isinstance(o, list) and o.title[0].isdigit()]
                for r in readers]
    assert numbered[1][0].startswith(f"{len(numbered[0]) + 1}. ")

    # page numbers continue from part to part: arabic labels, one run across the parts
    arabic = [[int(label) for label in r.page_labels if label.isdigit()] for r in readers]
    assert arabic[0][0] == 1
    for before, after in zip(arabic, arabic[1:]):
        assert after == list(range(before[-1] + 1, before[-1] + 1 + len(after)))
    pages = {}  # printed page number -> text, across the parts
    for reader, numbers in zip(readers, arabic):
        for i, label in enumerate(reader.page_labels):
            if label.isdigit():
                pages[int(label)] = reader.pages[i].extract_text()

    # the earlier parts point to the last, which has the one index of them all
    for reader in readers[:-1]:
        text = " ".join(p.extract_text() for p in reader.pages)
        assert f"see Part {len(pdfs)}" in text and "Index of persons, places" in text
        # the page saying so is a page of its own, its folio at the foot: no running head
        # of the last letter before it
        see = reader.pages[-1].extract_text().split("\n")
        assert see == [f"Index of persons, places and organisations: see Part {len(pdfs)}.",
                       see[-1]] and see[-1].isdigit(), see
        assert not any(p.extract_text().split("\n")[0] == "Index of persons, places and organisations"
                       for p in reader.pages)  # (no index there, only the page pointing on)
    last = readers[-1]
    start = next(i for i, p in enumerate(last.pages) if p.extract_text().startswith("Index of persons"))
    index = re.sub(r"\s+", " ", " ".join(last.pages[i].extract_text() for i in range(start, len(last.pages))))
    checked, earlier = 0, 0
    for name, needles in (("Oswald Heer", ("Heer",)), ("Gottfried Keller", ("Keller", "Kellerus")),
                          ("Zürich", ("Zürich",))):
        assert index.count(name + ",") + index.count(name + " ") >= 1
        listed = _index_pages(index, name)
        assert listed == sorted(set(listed)), (name, listed)  # one line per name, pages in order
        for number in listed:
            assert any(n in pages[number] for n in needles), (name, number)
            checked += 1
            earlier += number < arabic[-1][0]
    assert checked >= 6 and earlier >= 2  # the earlier parts' pages are in the last part's index
    assert len(re.findall(r"Oswald Heer \(1809–1883\), Botanist", index)) == 1  # dates from every part


def test_write_books_for_the_build(tmp_path):
    coll = collection(tmp_path / "src", letters=4)
    out = tmp_path / "out"
    out.mkdir()
    written, problems = volume.write_books(coll, out, ["html", "text"])
    assert [p.name for p in written] == ["src.txt"] and problems == []
    written, problems = volume.write_books(coll, out, ["pdf"], books="per-document")
    assert written == [] and problems == []
    written, problems = volume.write_books(coll, out, ["pdf"], books="volume", max_chars=50)
    assert written == [] and len(problems) == 1 and "over the PDF limit" in problems[0]
    with pytest.raises(UsageError):
        volume.write_books(coll, out, ["pdf"], books="all")
    written, _ = volume.write_books(coll, out, ["pdf", "text"])
    assert sorted(p.name for p in written if p.suffix in (".pdf", ".txt")) == ["src.pdf", "src.txt"]


REGISTER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>Orte</title>
</titleStmt><publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc>
</teiHeader><text><body><listPlace>
<place xml:id="baden"><placeName>Baden</placeName></place>
<place xml:id="ch"><placeName>Schweiz</placeName></place>
</listPlace></body></text></TEI>
"""

LETTER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>Brief</title>
</titleStmt><publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc>
</teiHeader><text><body><p>In <settlement ref="#baden">Baden</settlement>, in der
<country ref="registers.xml#ch">Schweiz</country>.</p></body></text></TEI>
"""


def test_every_kind_of_place_name_points_to_the_books_entry(tmp_path):
    """Names the policy counts as mentions (settlement, country ... as well as placeName)
    point to the book's own register entries, which the book holds."""
    from tei_edition.xml.parse import XML_NS

    (tmp_path / "registers.xml").write_text(REGISTER, encoding="utf-8")
    (tmp_path / "letter.xml").write_text(LETTER, encoding="utf-8")
    coll = load([tmp_path])
    root = volume.assemble(coll, coll.ordered()).getroot()
    ids = {el.get(f"{{{XML_NS}}}id"): el for el in root.iter()}
    names = root.xpath("//tei:body//*[local-name() = 'settlement' or local-name() = 'country']",
                       namespaces={"tei": "http://www.tei-c.org/ns/1.0"})
    assert len(names) == 2
    for name in names:
        target = ids[name.get("ref").removeprefix("#")]
        assert etree.QName(target).localname == "place"
        assert target.getparent().getparent().tag == "{http://www.tei-c.org/ns/1.0}standOff"


def test_build_reports_the_volumes_warnings(run, tmp_path, monkeypatch):
    """A warning of the volume (here: Korean words and no installed font for them) is
    reported by ``build`` like a document's: one line, naming the book's file."""
    from tei_edition.publish import books, typeset

    source = generate(tmp_path / "src", letters=3)
    letter = sorted((source / "letters").glob("*.xml"))[0]
    text = letter.read_text(encoding="utf-8")
    head, _, last = text.rpartition("</p>")  # the letter's last paragraph
    letter.write_text(head + " 안녕하세요</p>" + last, encoding="utf-8")
    monkeypatch.setattr(typeset, "font_families", lambda: frozenset({"Libertinus Serif"}))
    monkeypatch.setattr(books, "room_for_volume_aside", lambda *a: False)  # (set in this process)
    result = run("build", str(source), "-o", str(tmp_path / "out"), "--only", "pdf", "--pdf", "volume",
                 "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "src.pdf").read_bytes().startswith(b"%PDF")
    reported = [line for line in result.stderr.splitlines() if "Hangul" in line]
    assert reported == ["src.pdf: warning: the text has Hangul characters (e.g. '안') but no installed "
                        "font covers them, so they would print as empty boxes; install fonts-noto-cjk "
                        "(Debian/Ubuntu: apt-get install fonts-noto-cjk)"], result.stderr


def test_the_imprint_names_the_collection_not_a_file(book):
    """The volume's imprint said 'from the TEI P5 file letters.pdf' (the book's own
    name, as if it were its source)."""
    coll, written, reader = book
    imprint = " ".join(reader.pages[1].extract_text().split())
    assert "This printing: From the edition Letters of a generated collection, edited by A. Editor, B. Editor." in imprint
    assert ".pdf" not in imprint
    # what a reader needs, not the software's name nor the encoding's
    assert not re.search(r"Typst|tei-edition|TEI P5|Typeset", imprint), imprint
    # an undated collection's imprint says nothing of publication (not "Printed from
    # the TEI of the collection.")
    assert coll.date is None and "Printed from" not in imprint
    # how the documents are ordered, as a reader says it (it said "The documents of the
    # collection, in catalogue order."), and not as its source (it was labelled "Source:")
    assert "The documents of the edition, printed by date." in imprint
    assert "Source" not in imprint, imprint
    assert "catalogue" not in imprint


def test_the_imprint_says_the_order_the_editors_gave():
    from types import SimpleNamespace

    def doc(ident, date):
        return SimpleNamespace(id=ident, catalogue=SimpleNamespace(date_sort=date, source=f"{ident}.xml"))

    docs = [doc("a", "1850-01-01"), doc("b", None), doc("c", "1849-01-01")]

    def coll(order):
        return SimpleNamespace(documents=docs, config=SimpleNamespace(order=order),
                               ordered=lambda: sorted(docs, key=lambda d: (d.id not in order, d.id)))

    assert volume._order_words(coll([])) == "The documents of the edition, printed by date, the undated ones last."
    assert volume._order_words(coll(["c", "a.xml", "b"])) == \
        "The documents of the edition, printed in the order the editors gave them."
    assert volume._order_words(coll(["c"])) == ("The documents of the edition, printed in the order the editors "
                                                "gave them, the others after them by date, the undated ones last.")
    # a year the editors declare unknown (edition.toml's [dates] unknown_year): said so
    docs[1].catalogue.date_words = "5 April, year unknown"
    assert volume._order_words(coll([])) == ("The documents of the edition, printed by date, those "
                                             "whose year is unknown last.")
    docs.append(doc("d", None))
    assert volume._order_words(coll([])) == ("The documents of the edition, printed by date, those "
                                             "whose year is unknown and the undated ones last.")


def test_the_source_note_names_the_manuscript_and_where_it_is_printed(tmp_path):
    """A real letter's heading in the volume named its archive only, not the printed
    edition its own PDF and text file name ('Jung/Fischer, Escher Briefe, Band 2, Nr. 38')."""
    source = tmp_path / "letter.xml"
    source.write_text("""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Letter</title></titleStmt><publicationStmt><p>Test</p></publicationStmt>
<sourceDesc><msDesc><msIdentifier><institution>BAR</institution><idno>J I.67</idno></msIdentifier>
<additional><listBibl><bibl>Not this one</bibl></listBibl></additional></msDesc>
<bibl type="printed">Jung/Fischer, Escher Briefe, Band 2, Nr. 38</bibl></sourceDesc></fileDesc></teiHeader>
<text><body><p>Lieber Alfred.</p></body></text></TEI>""", encoding="utf-8")
    assert volume._source_note(etree.parse(str(source))) == \
        "BAR, J I.67; Jung/Fischer, Escher Briefe, Band 2, Nr. 38"


@pytest.mark.slow
@needs_shared(LETTERS / "registers" / "people.xml")
def test_a_real_volume_index_reads_as_an_index(tmp_path):
    """Two real letters and the edition's registers: the index gives each person's dates
    on one line and a short description, read as the text reads (one reading of each
    choice), and no place is described by a link's label."""
    import os
    import subprocess

    folder = tmp_path / "letters"
    (folder / "letters").mkdir(parents=True)
    (folder / "registers").mkdir()
    for name in ("K_5314_von_Gonzenbach_August_an_Escher_1870-06-24.xml",
                 "K_0202_Dumrath_Hermann_an_Escher_1839-08-13.xml"):
        os.symlink(LETTERS / "letters" / name, folder / "letters" / name)
    for name in ("people.xml", "places.xml"):
        os.symlink(LETTERS / "registers" / name, folder / "registers" / name)
    written, _ = volume.write_volume(load([folder]), tmp_path / "letters.pdf")
    layout = subprocess.run(["pdftotext", "-layout", str(written[0]), "-"], capture_output=True,
                            text=True, check=True).stdout
    index = layout[layout.rindex("Index of persons, places and organisations"):]
    assert "Bonaparte, Charles Louis Napoléon" in index
    assert "(1808–1873)" in index  # the dates unbroken
    lines = subprocess.run(["pdftotext", "-bbox-layout", str(written[0]), "-"], capture_output=True,
                           text=True, check=True).stdout
    lines = [" ".join(re.findall(r">([^<]*)</word>", line))
             for line in re.findall(r"<line[^>]*>(.*?)</line>", lines, re.S)]
    assert not [line for line in lines if re.search(r"\(\d{4}–$", line)]
    assert "bzw. beziehungsweise" not in index and "u. a. unter anderem" not in index
    assert "in HLS online" not in index
    assert "Loeper, Hermann von (1820–1884)" in index
    assert len(index) < 6000  # short descriptions, not the register's biographies


# ----- the volume's date ----------------------------------------------------------------

def _small_collection(folder: Path, extra_toml: str = ""):
    source = generate(folder, letters=2)
    if extra_toml:
        with (source / "edition.toml").open("a", encoding="utf-8") as handle:
            handle.write(extra_toml)
    return load([source])


def test_a_volume_without_a_date_is_undated_not_1970(book):
    """The assembled header had no date, so the PDF said it was made on 1 January 1970."""
    _, _, reader = book
    assert "/CreationDate" not in reader.metadata and "/ModDate" not in reader.metadata
    xmp = reader.xmp_metadata
    assert xmp is None or xmp.xmp_create_date is None


def test_the_volume_takes_the_date_of_edition_toml(tmp_path):
    coll = _small_collection(tmp_path / "src", "date = 2024-05-01\n")
    assert coll.date == "2024-05-01"
    written, _ = volume.write_volume(coll, tmp_path / "letters.pdf")
    reader = pypdf.PdfReader(str(written[0]))
    assert reader.metadata["/CreationDate"].startswith("D:20240501")
    title_page = reader.pages[0].extract_text()
    assert "2024" in title_page and "2024-05-01" not in title_page  # its year, as a book's
    # the imprint dates the printing by the edition's date, in words (never the build's day)
    imprint = " ".join(reader.pages[1].extract_text().split())
    assert ", as it stood on 1 May 2024." in imprint, imprint
    again, _ = volume.write_volume(coll, tmp_path / "again.pdf")
    assert again[0].read_bytes() == written[0].read_bytes()


def test_the_volume_takes_the_date_of_the_corpus_header(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    letter = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>
<title>Letter {n}</title></titleStmt><publicationStmt><p>Test</p></publicationStmt>
<sourceDesc><p>Generated</p></sourceDesc></fileDesc></teiHeader><text><body>
<p>The text of letter {n}.</p></body></text></TEI>"""
    (folder / "corpus.xml").write_text(f"""<teiCorpus xmlns="http://www.tei-c.org/ns/1.0">
<teiHeader><fileDesc><titleStmt><title>Dated letters</title></titleStmt>
<publicationStmt><publisher>Test</publisher><date when="2021-03-04">4 March 2021</date></publicationStmt>
<sourceDesc><p>Generated</p></sourceDesc></fileDesc></teiHeader>
{letter.format(n=1)}{letter.format(n=2)}</teiCorpus>""", encoding="utf-8")
    coll = load([folder])
    assert coll.date == "2021-03-04"
    written, _ = volume.write_volume(coll, tmp_path / "letters.pdf")
    assert pypdf.PdfReader(str(written[0])).metadata["/CreationDate"].startswith("D:20210304")


@pytest.mark.parametrize("value", ['"yesterday"', '"2024-13-01"', "12"])
def test_a_date_that_is_not_one_is_refused(tmp_path, value):
    with pytest.raises(UsageError, match="date: expected a date"):
        _small_collection(tmp_path / "src", f"date = {value}\n")


def test_pdf_a_asks_for_the_date_a_volume_lacks(tmp_path):
    """PDF/A needs a document date (Typst: 'missing document date'): said in one line."""
    from tei_edition.publish.formats import ExportRequest, pdf

    coll = _small_collection(tmp_path / "src")
    tree = volume.assemble(coll, coll.ordered())
    request = ExportRequest(tree=tree, source=Path(coll.root) / "letters.pdf",
                            output=tmp_path / "letters.pdf", options={"pdf_standards": ["a-2b"]})
    with pytest.raises(UsageError, match="needs the document's date.*edition.toml"):
        pdf.export(request)
    assert not (tmp_path / "letters.pdf").exists()


def test_a_letters_own_pdf_names_the_edition_as_the_volume_does(tmp_path):
    """A letter's own PDF in a collection said "From the source file L004.xml of the
    edition." (its stylesheet was not given the collection): it names the edition, its
    title and editors, as the volume's imprint does; a text of its own, the edition's
    text (never its file's name)."""
    from tei_edition.publish import build

    source = generate(tmp_path / "src", letters=2)
    report = build.build([source], tmp_path / "out", only=["pdf"], jobs=0, books="per-document")
    pdfs = sorted((tmp_path / "out").rglob("*.pdf"))
    assert len(pdfs) == 2, [d.problems for d in report.documents]
    for path in pdfs:
        imprint = " ".join(pypdf.PdfReader(str(path)).pages[1].extract_text().split())
        assert "This printing: From the edition Letters of a generated collection, edited by A. Editor, " \
               "B. Editor." in imprint, imprint
        assert "source file" not in imprint
    # one letter alone is a text of its own: its file is its source
    alone = tmp_path / "alone"
    alone.mkdir()
    first = next((source / "letters").glob("*.xml"))
    (alone / first.name).write_bytes(first.read_bytes())
    build.build([alone], tmp_path / "out-alone", only=["pdf"], jobs=0)
    [path] = (tmp_path / "out-alone").rglob("*.pdf")
    imprint = " ".join(pypdf.PdfReader(str(path)).pages[1].extract_text().split())
    # (a reader of a book learns nothing from a file's name: the text's own revision)
    assert re.search(r"This printing: From the edition's text( as revised on \d{1,2} [A-Z][a-z]+ \d{4}"
                     r"| as last revised \([^)]+\))?\.", imprint), imprint
    assert first.name not in imprint and "source file" not in imprint


def test_a_parallel_build_sets_the_volume_beside_its_workers(tmp_path, monkeypatch):
    """With workers (``--jobs``) and the memory for it, the volume (made of the sources)
    is set by a process of its own while the documents render: the same book, byte for
    byte, as a build that sets it at the end, and nothing of it left aside."""
    from tei_edition.publish import books
    from tei_edition.publish.build import build

    source = generate(tmp_path / "src", letters=4)
    monkeypatch.setattr(books, "room_for_volume_aside", lambda *a: True)
    aside = build([source], tmp_path / "aside", jobs=1, only=["pdf"], books="volume")
    after = build([source], tmp_path / "after", jobs=0, only=["pdf"], books="volume")
    assert aside.volume_aside and not after.volume_aside
    assert aside.ok and aside.books_written == after.books_written == ["src.pdf"]
    assert (tmp_path / "aside" / "src.pdf").read_bytes() == (tmp_path / "after" / "src.pdf").read_bytes()
    assert not (tmp_path / "aside" / books.ASIDE).exists()
    assert aside.usage.total_peak > 0

    monkeypatch.setattr(books, "room_for_volume_aside", lambda *a: False)
    assert not build([source], tmp_path / "short", jobs=1, only=["pdf"], books="volume").volume_aside


def test_the_volumes_process_ending_without_it_is_reported(tmp_path):
    """A volume's process that dies (killed, out of memory) is one problem line."""
    from tei_edition.publish import books
    from tei_edition.xml import parse as xmlparse

    source = generate(tmp_path / "src", letters=2)
    coll = load([source])
    target = tmp_path / "out" / books.ASIDE / "src.pdf"
    target.parent.parent.mkdir()
    aside = books._VolumeAside([source], [], coll.records, xmlparse.current_limits(), target, 60.0,
                               frozenset())
    aside.process.kill()
    made, notes = aside.result()
    assert made == [] and notes == ["the process setting the volume ended without it (signal SIGKILL)"]
