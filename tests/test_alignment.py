"""Alignment the source asks for (``rend="right"``, ``"center"``, ``"align(center)"``,
``style="text-align: right"`` ...), decided once by the common layer (policy.xml's
<alignment>, ``@te:align``) and set so by every format: the HTML class, the Typst call,
the text's columns and the printed line's place on the PDF page."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree, html

from conftest import FIXTURES
from tei_edition.publish.export import export_file

LETTER = FIXTURES / "align" / "letter.xml"

# The first words of each block of the fixture, and where the source sets it.
RIGHT = ["Zürich, den 30.", "Ihr ergebenster", "Heinrich Briner", "Styledright Lehrer",
         "Closersalute mit", "Closersigned Briner"]
CENTER = ["Hochgeehrter Herr", "Centredline Postscript"]
LEFT = ["Ordinarybody opens", "Followingbody is", "Leftline stays"]


def test_policy_table_decides_the_alignment_of_each_block(normalise_probe):
    from test_common_xslt import normalised

    root, _ = normalised(normalise_probe, LETTER)
    te = "{urn:x-tei-edition}align"
    decided = {" ".join(el.xpath("string()").split()): el.get(te)
               for el in root.iter("{http://www.tei-c.org/ns/1.0}p", "{http://www.tei-c.org/ns/1.0}salute",
                                   "{http://www.tei-c.org/ns/1.0}signed")}

    def align(start):
        hits = [a for text, a in decided.items() if text.startswith(start)]
        assert len(hits) == 1, (start, list(decided))
        return hits[0]

    assert [align(s) for s in RIGHT] == ["right"] * len(RIGHT)
    assert [align(s) for s in CENTER] == ["center"] * len(CENTER)
    assert [align(s) for s in LEFT] == [None] * len(LEFT)
    # the closer itself carries the decision its lines inherit
    assert root.find(".//{http://www.tei-c.org/ns/1.0}closer").get(te) == "right"


def test_html_sets_the_alignment_as_a_class(tmp_path):
    export_file(LETTER, "html", tmp_path / "site")
    page = html.parse(str(tmp_path / "site" / "index.html")).getroot()
    blocks = {" ".join(el.text_content().split()): el.get("class", "").split()
              for el in page.xpath("//*[@id][local-name() = 'p'"
                                   " or contains(@class, 'tei-signed') or contains(@class, 'tei-salute')]")}

    def classes(start):
        hits = [c for text, c in blocks.items() if text.startswith(start)]
        assert len(hits) == 1, (start, list(blocks))
        return hits[0]

    for start in RIGHT:
        assert "align-right" in classes(start)
    for start in CENTER:
        assert "align-center" in classes(start)
    for start in LEFT:
        assert not {"align-right", "align-center"} & set(classes(start))
    css = (tmp_path / "site" / "assets" / "edition.css").read_text(encoding="utf-8")
    assert re.search(r"\.align-right\s*\{[^}]*text-align:\s*right", css)
    assert re.search(r"\.align-center\s*\{[^}]*text-align:\s*center", css)


def test_text_sets_lines_right_and_centred_within_the_width(tmp_path):
    out = tmp_path / "letter.txt"
    export_file(LETTER, "text", out)
    lines = out.read_text(encoding="utf-8").splitlines()
    width = max(len(line) for line in lines)
    assert width <= 72

    def line(start):
        hits = [ln for ln in lines if ln.strip().startswith(start)]
        assert len(hits) == 1, start
        return hits[0]

    prose_right = max(len(ln) for ln in lines if ln and not ln.startswith(" ")
                      and not set(ln) <= {"=", "-"})
    for start in RIGHT:
        assert len(line(start)) == 72, line(start)       # ends at the right margin
        assert line(start).startswith(" " * 20)
    for start in CENTER:
        text = line(start)
        left = len(text) - len(text.lstrip())
        assert abs(left - (72 - len(text.strip())) / 2) <= 1, text
    for start in LEFT:
        assert not line(start).startswith(" ")
    assert prose_right > 60


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_pdf_sets_lines_right_and_centred_without_an_indent(tmp_path):
    pdf = tmp_path / "letter.pdf"
    export_file(LETTER, "pdf", pdf, keep_typst=True)
    typst = pdf.with_suffix(".typ").read_text(encoding="utf-8")
    calls = re.findall(r"#te\.(?:p|line)\(kind: \"\w+\"(?:, alignment: (\w+))?, \{[^\n]*\n([^\n]*)", typst)
    decided = {body.strip().lstrip("\"")[:12]: align for align, body in calls}
    for start in RIGHT:
        assert decided[start[:12]] == "right", start
    for start in CENTER:
        assert decided[start[:12]] == "center", start
    for start in LEFT:
        assert decided[start[:12]] == "", start

    lines = _pdf_lines(pdf)
    box = _box(lines)

    # the text block: the justified lines of the opening paragraph (a ragged line ends
    # within a glyph's side bearing of their edge)
    prose = [(x0, x1) for x0, x1, text in lines
             if not any(text.startswith(s) for s in RIGHT + CENTER + LEFT[1:])
             and x1 - x0 > 250]
    left, right = min(x0 for x0, _ in prose), max(x1 for _, x1 in prose)
    middle = (left + right) / 2
    for start in RIGHT:
        x0, x1 = box(start)
        assert abs(x1 - right) < 3 and x0 > middle, (start, x0, x1, left, right)
    for start in CENTER:
        x0, x1 = box(start)
        assert abs((x0 + x1) / 2 - middle) < 3 and x0 > left + 20, (start, x0, x1, middle)
    assert abs(box("Ordinarybody")[0] - left) < 1
    assert abs(box("Leftline")[0] - left) < 1
    # the two lines of the signature end together: neither is indented
    assert abs(box("Ihr ergebenster")[1] - box("Heinrich Briner")[1]) < 1


def test_python_reads_the_same_alignment_table():
    from tei_edition.policy import policy

    table = policy()
    assert {"p", "ab", "signed", "dateline", "closer"} <= table.aligned_blocks
    assert "head" not in table.aligned_blocks  # headings are laid out by each format
    assert table.alignments[("rend", "right")] == "right"
    assert table.alignments[("rend", "align(center)")] == table.alignments[("rend", "centre")] == "center"
    assert table.alignments[("style", "text-align:right")] == "right"
    assert table.alignments[("rend", "left")] == "left"


# ----- defaults: what a letter or a title page sets so by convention ----------------

DEFAULTS = FIXTURES / "align" / "defaults.xml"
# policy.xml's <default>s: a dateline (element, or a division typed so) and a signature
# set right, a byline centred; an alignment the source asks for wins over them
DEFAULT_RIGHT = ["Divdateline", "Elementdateline", "Plainsigned", "Divsignature"]
DEFAULT_CENTER = ["Bylineline"]
DEFAULT_LEFT = ["Leftdateline", "Openersalute", "Closersalute", "Leftelement", "Ordinarybody"]


def test_policy_table_sets_the_default_alignments(normalise_probe):
    from test_common_xslt import normalised

    root, _ = normalised(normalise_probe, DEFAULTS)
    te = "{urn:x-tei-edition}align"
    decided: dict[str, set] = {}
    tei = "{http://www.tei-c.org/ns/1.0}"
    for el in root.find(f".//{tei}body").iter(*(tei + n for n in ("p", "dateline", "salute", "signed", "byline"))):
        decided.setdefault(el.xpath("string()").split()[0], set()).add(el.get(te))
    for start in DEFAULT_RIGHT:
        assert decided[start] == {"right"}, (start, decided[start])
    for start in DEFAULT_CENTER:
        assert decided[start] == {"center"}, (start, decided[start])
    for start in DEFAULT_LEFT:
        assert decided[start] <= {None}, (start, decided[start])


def test_html_sets_the_default_alignments_only_by_class(tmp_path):
    export_file(DEFAULTS, "html", tmp_path / "site")
    page = html.parse(str(tmp_path / "site" / "index.html")).getroot()
    body = page.xpath("//main")[0] if page.xpath("//main") else page

    def classes(start):
        hits = [el.get("class", "").split() for el in body.iter()
                if isinstance(el.tag, str) and (el.text or "").strip().startswith(start)]
        assert hits, start
        return set().union(*hits) | {c for el in body.iter() if isinstance(el.tag, str)
                                     for c in el.get("class", "").split()
                                     if any((d.text or "").strip().startswith(start)
                                            for d in el.iterchildren() if isinstance(d.tag, str))
                                     and el.tag not in ("div", "section")}

    for start in DEFAULT_RIGHT:
        assert "align-right" in classes(start), (start, classes(start))
    for start in DEFAULT_CENTER:
        assert "align-center" in classes(start), (start, classes(start))
    for start in DEFAULT_LEFT:
        assert not {"align-right", "align-center"} & classes(start), (start, classes(start))
    # the stylesheet sets no alignment of its own that a left dateline would fight
    css = (tmp_path / "site" / "assets" / "edition.css").read_text(encoding="utf-8")
    for rule in re.findall(r"\.tei-(?:dateline|signed)\s*\{[^}]*\}", css):
        assert "text-align" not in rule, rule


def test_text_sets_the_default_alignments(tmp_path):
    out = tmp_path / "letter.txt"
    export_file(DEFAULTS, "text", out)
    lines = out.read_text(encoding="utf-8").splitlines()

    def line(start):
        hits = [ln for ln in lines if ln.strip().startswith(start)]
        assert len(hits) == 1, (start, lines)
        return hits[0]

    for start in DEFAULT_RIGHT:
        assert len(line(start)) == 72 and line(start).startswith(" " * 20), line(start)
    for start in DEFAULT_CENTER:
        text = line(start)
        assert abs(len(text) - len(text.lstrip()) - (72 - len(text.strip())) / 2) <= 1, text
    for start in DEFAULT_LEFT:
        assert not line(start).startswith(" "), line(start)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_pdf_sets_the_default_alignments(tmp_path):
    pdf = tmp_path / "letter.pdf"
    export_file(DEFAULTS, "pdf", pdf)
    lines = _pdf_lines(pdf)
    box = _box(lines)

    prose = [(x0, x1) for x0, x1, text in lines if x1 - x0 > 250]
    left, right = min(x0 for x0, _ in prose), max(x1 for _, x1 in prose)
    middle = (left + right) / 2
    for start in DEFAULT_RIGHT:
        x0, x1 = box(start)
        assert abs(x1 - right) < 3 and x0 > middle, (start, x0, x1, left, right)
    for start in DEFAULT_CENTER:
        x0, x1 = box(start)
        assert abs((x0 + x1) / 2 - middle) < 3 and x0 > left + 20, (start, x0, x1, middle)
    for start in DEFAULT_LEFT:
        assert abs(box(start)[0] - left) < 1, (start, box(start), left)


# ----- table cells -------------------------------------------------------------------

TABLE = FIXTURES / "align" / "table.xml"
CELLS = {"right": ["Rightcell", "Rightother"], "center": ["Centrecell", "Centreother"],
         "left": ["Leftcell", "Leftother"]}


def test_table_cells_take_the_alignment_the_source_asks_for(normalise_probe, tmp_path):
    from test_common_xslt import normalised

    root, _ = normalised(normalise_probe, TABLE)
    decided = {cell.xpath("string()").split()[0]: cell.get("{urn:x-tei-edition}align")
               for cell in root.iter("{http://www.tei-c.org/ns/1.0}cell")}
    assert decided == {start: (None if align == "left" else align)
                       for align, starts in CELLS.items() for start in starts}

    # the site: the class the stylesheet sets so
    export_file(TABLE, "html", tmp_path / "site")
    page = html.parse(str(tmp_path / "site" / "index.html")).getroot()
    classes = {" ".join(td.text_content().split()).split()[0]: set(td.get("class", "").split())
               for td in page.iter("td")}
    for align, starts in CELLS.items():
        for start in starts:
            wanted = set() if align == "left" else {f"align-{align}"}
            assert classes[start] & {"align-right", "align-center"} == wanted, (start, classes[start])


def test_text_sets_table_cells_in_aligned_columns(tmp_path):
    out = tmp_path / "letter.txt"
    export_file(TABLE, "text", out)
    lines = out.read_text(encoding="utf-8").splitlines()
    rows = [ln for ln in lines if "Leftcell" in ln or "Leftother" in ln]
    assert len(rows) == 2, lines
    ends = {start: next(r.index(start) + len(r[r.index(start):].split(" | ")[0].rstrip())
                        for r in rows if start in r) for s in CELLS.values() for start in s}
    starts = {start: next(r.index(start) for r in rows if start in r) for s in CELLS.values() for start in s}
    # right-aligned cells end in one column, left ones start in one, centred ones share a middle
    assert ends["Rightcell"] == ends["Rightother"] and starts["Rightcell"] != starts["Rightother"], rows
    assert starts["Leftcell"] == starts["Leftother"], rows
    middle = {s: (starts[s] + ends[s]) / 2 for s in CELLS["center"]}
    assert abs(middle["Centrecell"] - middle["Centreother"]) <= 1, rows
    assert starts["Centrecell"] != starts["Centreother"], rows
    # the columns are separated as any table's are
    assert all(r.count(" | ") == 2 for r in rows), rows


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_pdf_sets_table_cells_right_and_centred(tmp_path):
    pdf = tmp_path / "letter.pdf"
    export_file(TABLE, "pdf", pdf)
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         check=True).stdout
    root = etree.fromstring(out, etree.HTMLParser(huge_tree=True, encoding="utf-8"))
    words = [(w.text or "", float(w.get("xmin")), float(w.get("xmax"))) for w in root.iter("word")]

    def span(start):
        """The first and last x of the cell whose first word is `start`."""
        i = next(i for i, (text, _, _) in enumerate(words) if text == start)
        x0 = words[i][1]
        j = i
        while j + 1 < len(words) and words[j + 1][1] > words[j][2] and words[j + 1][1] - words[j][2] < 8:
            j += 1
        return x0, words[j][2]

    right = [span(s) for s in CELLS["right"]]
    centre = [span(s) for s in CELLS["center"]]
    left = [span(s) for s in CELLS["left"]]
    assert abs(right[0][1] - right[1][1]) < 3 and abs(right[0][0] - right[1][0]) > 10, right
    assert abs(sum(centre[0]) / 2 - sum(centre[1]) / 2) < 3 and abs(centre[0][0] - centre[1][0]) > 4, centre
    assert abs(left[0][0] - left[1][0]) < 1, left


def _pdf_lines(pdf):
    """The lines of the letter's body page: (left, right, text), from pdftotext."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         check=True).stdout
    root = etree.fromstring(out, etree.HTMLParser(huge_tree=True, encoding="utf-8"))
    page = next(p for p in root.iter("page") if "Ordinarybody" in etree.tostring(p, encoding=str))
    return [(float(ln.get("xmin")), float(ln.get("xmax")),
             " ".join(w.text or "" for w in ln.iter("word"))) for ln in page.iter("line")]


def _box(lines):
    """The (left, right) of the one line that starts so."""
    def box(start):
        hits = [(x0, x1) for x0, x1, text in lines if text.startswith(start)]
        assert len(hits) == 1, (start, lines)
        return hits[0]
    return box
