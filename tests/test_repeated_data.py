"""Data repeated per mention is decided once in the common layer and written once in
every format (issue 13): a long hand note is named by its first words in each textual
note of an addition and given in full once (text: after the title block; PDF: in the
editorial principles; site: the about page); a register description never rides on
the names of the normalised tree, so memory does not grow with mentions times
description. Measured on inputs that grow: bounds on ratios, never on wall-clock time.
(The site's own checks are in test_html_hostile.py.)"""

from __future__ import annotations

import json
import re
import subprocess
import textwrap
import time
from pathlib import Path

import pytest
from lxml import etree

from test_html_hostile import LONG, TEI, described, document, handed
from tei_edition.entities.resolve import resolve
from tei_edition.publish import transform
from tei_edition.publish.export import export_file
from tei_edition.publish.run import document_register
from tei_edition.xml.parse import NS, parse_file
from conftest import FRESH_PYTHON

TE = "urn:x-tei-edition"
HAND = "ink " * (LONG // 4 - 1)  # all but the last word of the long hand note


def normalised(probe, source: Path) -> etree._Element:
    tree = parse_file(source)
    register = document_register(tree, source)
    resolve(tree, source, register)
    result = transform.run(probe, tree, {"reading": "normalised", "registers": register.bundle()})
    return etree.fromstring(result.output.encode())


def write(tmp_path: Path, name: str, text: str) -> Path:
    source = tmp_path / f"{name}.xml"
    source.write_text(text, encoding="utf-8")
    return source


def flat(text: str) -> str:
    return " ".join(text.split())


def test_names_carry_no_description_and_a_long_hand_is_named_briefly(tmp_path, normalise_probe):
    root = normalised(normalise_probe, write(tmp_path, "both", described(3)))
    names = root.findall(".//tei:text//tei:persName", NS)
    assert [n.get(f"{{{TE}}}entity") for n in names] == ["p1"] * 3
    assert all(f"{{{TE}}}description" not in n.attrib for n in names)
    assert "word " * 100 not in etree.tostring(root.find(".//tei:text", NS), encoding="unicode")

    root = normalised(normalise_probe, write(tmp_path, "hand", handed(3)))
    entries = [a.get(f"{{{TE}}}apparatus-entry") for a in root.iterfind(".//tei:text//tei:add", NS)]
    # the first words up to 80 characters, cut at a word, then where it is in full
    assert entries == ["an addition] added by another hand: " + "ink " * 19 + "ink … (see Hands)"] * 3


def test_a_short_hand_note_stays_whole_and_no_hands_section_is_added(tmp_path):
    profile = ('<profileDesc><handNotes><handNote xml:id="h1">A later pencil hand.</handNote>'
               "</handNotes></profileDesc>")
    source = write(tmp_path, "short", document('<p>Word <add hand="#h1" place="above">added</add>.</p>',
                                               profile=profile))
    export_file(source, "text", tmp_path / "short.txt")
    text = (tmp_path / "short.txt").read_text(encoding="utf-8")
    assert "[a] added] added above the line by another hand: A later pencil hand." in text
    assert "Hands" not in text


@pytest.mark.parametrize("make, long_text", [(handed, HAND), (described, None)])
def test_text_grows_with_the_input_not_with_mentions_times_data(tmp_path, make, long_text):
    sizes = []
    for n in (10, 40, 160):
        source = write(tmp_path, f"{make.__name__}{n}", make(n))
        target = tmp_path / f"{make.__name__}{n}.txt"
        export_file(source, "text", target)
        sizes.append((source.stat().st_size, target.stat().st_size))
    for (in_a, out_a), (in_b, out_b) in zip(sizes, sizes[1:]):
        # an added mention costs a line or two of text (its textual note with the
        # hand's first words), not a copy of 100 KB (was about 470)
        assert (out_b - out_a) / (in_b - in_a) < 5, sizes
    text = flat(target.read_text(encoding="utf-8"))
    if long_text:  # given once, under "Hands", after the title block and before the text
        assert text.count(flat(long_text)) == 1
        assert text.index("Hands") < text.index(flat(long_text)) < text.index("Passage 0")
        assert text.count("(see Hands)") == 160


@pytest.mark.parametrize("fmt", ["text", "html"])
def test_work_per_addition_does_not_grow_with_its_hand_note(tmp_path, fmt):
    """Each hand is named once per document, not once per addition: 1,280 additions in
    a hand with a 100 KB note cost about what they cost in a hand with a short note
    (processor time, in this process; it was 12 times as much in text, 11 in HTML)."""
    n = 1280
    short = ('<profileDesc><handNotes><handNote xml:id="h1">A pencil hand.</handNote>'
             "</handNotes></profileDesc>")
    texts = {"short": document("".join(f'<p>Passage {i} has <add hand="#h1">an addition</add> in it.</p>'
                                       for i in range(n)), profile=short),
             "long": handed(n)}
    # in this process (the site with timeout=None), stylesheets compiled first
    options = {"timeout": None} if fmt == "html" else {}
    export_file(write(tmp_path, "warm", handed(2)), fmt, tmp_path / "warm.out", **options)
    spent = {}
    for name, text in texts.items():
        source = write(tmp_path, name, text)
        target = tmp_path / f"{name}.out"
        start = time.process_time()
        export_file(source, fmt, target, **options)
        spent[name] = time.process_time() - start
        written = (target / "index.html" if fmt == "html" else target).read_text(encoding="utf-8")
        assert written.count("by another hand") == n
    assert spent["long"] < 4 * spent["short"], spent


MEASURE = textwrap.dedent("""
    import json, resource, sys
    from pathlib import Path
    from tei_edition.publish.export import export_file
    source, fmt, target = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    export_file(source, fmt, target)
    own, workers = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(json.dumps({"peak": max(own.ru_maxrss, workers.ru_maxrss) * 1024,
                      "size": target.stat().st_size}))
""")


def measure(tmp_path: Path, name: str, text: str, fmt: str) -> dict:
    """Peak memory and output size of one export, in a process of its own."""
    source = write(tmp_path, name, text)
    target = tmp_path / f"{name}.{'txt' if fmt == 'text' else fmt}"
    done = subprocess.run([*FRESH_PYTHON, "-c", MEASURE, str(source), fmt, str(target)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_memory_does_not_grow_with_mentions_times_description(tmp_path):
    """320 names of a person with a 100 KB description against 320 with a short one:
    the long description costs memory once, not per name (when each name carried it,
    it cost about twice n x 100 KB: 67 MB here)."""
    n = 320
    plain = document("".join(f'<p>Passage {i} names <persName ref="#p1">Someone</persName> here.</p>'
                             for i in range(n)))
    short, long = measure(tmp_path, "short", plain, "text"), measure(tmp_path, "long", described(n), "text")
    assert long["peak"] - short["peak"] < 0.5 * n * LONG, (short, long)


@pytest.mark.slow
def test_pdf_gives_a_long_hand_note_once(tmp_path):
    """The PDF's lettered notes name the hand briefly and the editorial principles
    give its note in full, once: memory and size grow with the additions, not with
    additions times hand note (before: about 18 MB of memory and 28 KB of PDF each)."""
    from pypdf import PdfReader

    small, large = measure(tmp_path, "small", handed(10), "pdf"), measure(tmp_path, "large", handed(40), "pdf")
    per_addition = {key: (large[key] - small[key]) / 30 for key in ("peak", "size")}
    assert per_addition["peak"] < 1e6 and per_addition["size"] < 2e3, (small, large)
    text = flat(" ".join(page.extract_text() for page in PdfReader(tmp_path / "large.pdf").pages))
    # the note once in full (25,000 words), the 40 textual notes with 20 words each
    assert 0.9 * LONG // 4 < text.count("ink") < 2 * LONG // 4
    assert re.search(r"Hands ink ink ink", text)
    assert text.count("(see Hands)") >= 40


def test_a_corpus_gives_each_long_hand_once(tmp_path):
    """A hand of the corpus header used in two of its documents is given once, under
    the corpus title; a document's own hand under the document's."""
    def header(title, hand=""):
        profile = f"<profileDesc><handNotes>{hand}</handNotes></profileDesc>" if hand else ""
        return (f"<teiHeader><fileDesc><titleStmt><title>{title}</title></titleStmt><publicationStmt>"
                f"<p>test</p></publicationStmt><sourceDesc><p>generated</p></sourceDesc></fileDesc>"
                f"{profile}</teiHeader>")
    shared = f'<handNote xml:id="h1">{"ink " * 100}</handNote>'
    own = f'<handNote xml:id="h2">{"pen " * 100}</handNote>'
    corpus = (f'<teiCorpus xmlns="{TEI}">{header("Corpus", shared)}'
              f'<TEI>{header("One")}<text><body><p>A <add hand="#h1">one</add>.</p></body></text></TEI>'
              f'<TEI>{header("Two", own)}<text><body><p>B <add hand="#h1">two</add> '
              f'<add hand="#h2">three</add>.</p></body></text></TEI></teiCorpus>')
    source = write(tmp_path, "corpus", corpus)
    export_file(source, "text", tmp_path / "corpus.txt")
    text = flat((tmp_path / "corpus.txt").read_text(encoding="utf-8"))
    assert text.count(flat("ink " * 100)) == 1 and text.count(flat("pen " * 100)) == 1
    assert text.index("Corpus") < text.index("ink ink") < text.index("One") < text.index("Two") \
        < text.index("pen pen")
    assert text.count("(see Hands)") == 3
