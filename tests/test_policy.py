"""One editorial policy, every format: the same fixture through text, HTML and PDF
(Typst) shows the same reading of each <choice>, the same signs around supplied,
gap, unclear and deleted text, keeps notes out of the running text and the rejected
readings of an apparatus in it.

And the decisions themselves: one fixture with every editorial feature
(fixtures/policy/features.xml) rendered in all three formats, each output read back
into the same record (notes in order with their numbers, textual notes with their
letters, main headings, signs, section breaks, block notes after their block, name
forms of the index and registers), the records compared: any difference fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from conftest import FIXTURES
from tei_edition import resources
from tei_edition.publish import formats
from tei_edition.publish.export import export_file

READINGS = FIXTURES / "policy" / "readings.xml"

NORMALISED = ["Rightcorr", "Fixedtwo", "Modernreg", "Newertwo", "Expanded", "Longform"]
DIPLOMATIC = ["Wrongsic", "Badtwo", "Oldorig", "Oldertwo", "Abbrv", "Shrt"]
ALWAYS = ["Suppliedword", "Unclearword", "Deletedword", "Addedword", "Alphaword"]


def _visible_html(folder: Path) -> str:
    from lxml import html

    texts = []
    for page in sorted(folder.rglob("*.html")):
        root = html.fromstring(page.read_bytes())
        # hidden and aria-hidden copies (a margin sidenote repeating a note) are
        # presentation, not the text a reader or a screen reader follows
        for bad in root.xpath("//script | //style | //template | //*[@hidden]"
                              " | //*[@aria-hidden = 'true']"):
            bad.drop_tree()
        texts.append(root.text_content())
    return "\n".join(texts)


def _pdf_text(path: Path) -> str:
    import pypdf
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages)


# the heading of the key of signs that ends a text export (policy.xml's signs/@key)
TEXT_KEY = "\n\n" + etree.parse(str(resources.xslt_dir() / "common" / "policy.xml")).getroot() \
    .find("signs").get("key") + "\n\n"
EXTRACT = {
    # (the text before its key of signs: the key shows each sign once, as an example)
    "text": lambda out: out.read_text(encoding="utf-8").split(TEXT_KEY)[0],
    "html": _visible_html,
    "pdf": _pdf_text,
}


def exported_text(tei: str, name: str, folder: Path) -> str:
    """``tei`` exported in format ``name`` (into ``folder``) and read back as a reader
    sees it, runs of whitespace as one space."""
    source = folder / "source.xml"
    source.write_text(tei, encoding="utf-8")
    target = formats.REGISTRY[name].default_output(source, folder / "out")
    return re.sub(r"\s+", " ", EXTRACT[name](export_file(source, name, target).outputs[0]))


@pytest.fixture(params=sorted(EXTRACT))
def render(request, tmp_path):
    name = request.param
    cache: dict[str, str] = {}

    def rendered(reading: str) -> str:
        if reading not in cache:
            target = formats.REGISTRY[name].default_output(READINGS, tmp_path / reading)
            options = {} if reading == "normalised" else {"reading": reading}
            result = export_file(READINGS, name, target, **options)
            cache[reading] = re.sub(r"\s+", " ", EXTRACT[name](result.outputs[0]))
        return cache[reading]

    rendered.format = name
    return rendered


def between(text: str, first: str, last: str) -> str:
    start = text.index(first) + len(first)
    return text[start:text.index(last, start)]


@pytest.mark.parametrize("reading, shown, hidden", [("normalised", NORMALISED, DIPLOMATIC),
                                                    ("diplomatic", DIPLOMATIC, NORMALISED)])
def test_choice_shows_the_same_reading_whatever_the_order(render, reading, shown, hidden):
    # the running text of the document; an apparatus after it (PDF's lettered notes)
    # may cite the other reading, as the common layer's @te:alt allows
    running = between(render(reading), "Corrections:", "Omegaword")
    assert [w for w in shown + ALWAYS if w not in running + "Omegaword"] == []
    assert [w for w in hidden if w in running] == []


def test_editorial_signs_are_the_same(render):
    text = render("normalised")
    assert "[Suppliedword]" in text
    assert "Unclearword[?]" in text
    assert "⟦Deletedword⟧" in text
    gap = between(text, "before", "after")
    # the sign says why text is missing, in words (the gap's description)
    assert "[… Gapdesc]" in gap


def test_notes_are_not_pasted_into_the_running_text(render):
    text = render("normalised")
    assert "Notetext" not in between(text, "Alphaword", "Omegaword")
    assert "Notetext" in text


def test_variant_readings_are_kept_after_the_text(render):
    # the lemma in the text; the rejected reading in an apparatus (text and HTML: the
    # lettered variants after the unit; PDF: a lettered footnote), never dropped
    text = render("normalised")
    running = between(text, "Apparatus:", "Endword")
    assert "Lemmaword" in running and "Rdgword" not in running
    assert re.search(r"Lemmaword\s*\] Rdgword \(B\)", text)


def test_an_expanded_abbreviation_is_noted_by_its_source_form_alone(render):
    # the real letters expand some 40,000 abbreviations: every lettered note of the
    # volume read "und] abbreviated in the source: u"; the source's form follows the
    # bracket, as the principles' key of lettered notes says once
    text = render("normalised")
    assert re.search(r"Expanded\s*\] Abbrv", text) and re.search(r"Longform\s*\] Shrt", text), text
    assert "abbreviated" not in text
    # the other kinds keep their words
    assert re.search(r"Rightcorr\s*\] source reads: Wrongsic", text), text


def test_the_lettered_notes_are_textual_notes_in_every_format():
    # they hold corrections, regularisations and additions besides readings of
    # witnesses: headed and named as policy.xml says, never "Variants"
    from lxml import html as lxml_html

    from tei_edition.publish.formats import html, pdf, text
    from tei_edition.xml.parse import parse_file

    tree = parse_file(FEATURES)
    plain = text.render(tree, FEATURES, width=0).text
    assert "\nTextual notes\n" in plain and "Variant" not in plain
    page = lxml_html.fromstring(html.render(tree, FEATURES).files["index.html"])
    assert [h.text_content() for h in page.xpath("//section[contains(@class, 'apparatus')]/h3")] == ["Textual notes"] * 2
    said = " ".join([page.text_content()] + page.xpath("//@aria-label"))
    assert "Textual note a" in said and "Textual notes to Document No. 1" in said
    assert "Variants" not in said and "variant " not in said.lower().replace("variant readings", "")
    principles = pdf.typst_source(tree, FEATURES).typst
    assert "Variant" not in principles


# ---- the decisions, read back from each format and compared ---------------------

FEATURES = FIXTURES / "policy" / "features.xml"


def _words(text: str) -> tuple[str, ...]:
    """The words of a note: brackets and punctuation are typography, not decisions."""
    return tuple(re.findall(r"[^\W_]+", text))


def _decisions_of_text(text: str) -> dict:
    lines = text.split("\n")
    headings = [lines[i - 1] for i, line in enumerate(lines) if i and re.fullmatch(r"-+", line)]
    # a division's label: the line just above its heading, in the heading's group
    labels = [lines[i - 2] for i, line in enumerate(lines) if i > 1 and re.fullmatch(r"-+", line)
              and lines[i - 2].strip()]
    notes, letters, section = [], [], None
    for line in lines:
        if line in ("Notes", "Textual notes"):
            section = line
        elif not line.strip():
            continue
        elif section and (m := re.fullmatch(r"\[(\w+)\] (.*)", line)):
            (notes if section == "Notes" else letters).append((m.group(1), m.group(2)))
        else:
            section = None
    running = "\n".join(line for line in lines if not re.match(r"\[\w+\] ", line))
    return {
        "headings": headings,
        "labels": labels,
        "note marks": re.findall(r"\[(\d+)\]", running),
        "notes": [(n, _words(t)) for n, t in notes],
        "letters": sorted(letters),
        "gaps": re.findall(r"\[…[^\]]*\]", text),
        "signs": [w for w in ("[Suppliedword]", "Unclearword[?]", "⟦Deletedword⟧") if w in text],
        "section breaks": text.count("* * *"),
        "paragraph kept whole": "Before the note after the note" in text,
        "block note after": text.index("Sourcenote") > text.index("Schneidewind."),
    }


def _decisions_of_html(files: dict[str, str]) -> dict:
    from lxml import html as lxml_html

    root = lxml_html.fromstring(files["index.html"])
    main = root.xpath("//main")[0]
    for copy in main.xpath(".//*[@aria-hidden = 'true'] | .//*[@hidden] | .//a[@class = 'cite']"):
        copy.drop_tree()

    def clean(el) -> str:
        return re.sub(r"\s+", " ", el.text_content()).strip()

    # a division's label: a label heading, or the label set in its heading
    labels = [clean(label) for label in main.xpath(
        "//section[contains(@class, 'tei-div')]/*[contains(@class, 'type-label')]"
        " | //section[contains(@class, 'tei-div')]/*[self::h2 or self::h3 or self::h4]/span[@class = 'doc-number']")]
    for label in main.xpath(".//span[@class = 'doc-number']"):
        label.drop_tree()
    text = re.sub(r"\s+", " ", main.text_content())

    notes = [(li.xpath("string(a[@role='doc-backlink'])"), clean(li.xpath("div")[0]))
             for li in main.xpath("//section[contains(@class, 'footnotes') and not(contains(@class, 'apparatus'))]//li")]
    # an apparatus entry: its letter (the backlink), then the entry as text
    letters = [(li.xpath("string(a[1][@role='doc-backlink'])"),
                re.sub(r"\s+", " ", "".join(li.xpath("a[1]/following-sibling::node()/descendant-or-self::text()"))).strip())
               for li in main.xpath("//section[contains(@class, 'apparatus')]/ol/li")]
    registers = [lxml_html.fromstring(page) for name, page in files.items() if name.endswith(".html")]
    names = {a.get("id"): clean(a.xpath(".//span[@class='entry-label']")[0])
             for page in registers for a in page.xpath("//article[contains(@class, 'entry')]")}
    return {
        "labels": labels,
        "note marks": [a.text_content() for a in main.xpath("//a[@class = 'noteref']")],
        "headings": [clean(h) for h in main.xpath("//section[contains(@class, 'tei-div')]/*[self::h2 or self::h3 or self::h4]")],
        "notes": [(n, _words(t)) for n, t in notes],
        "letters": sorted(letters),
        "gaps": [clean(g) for g in main.xpath("//span[contains(@class, 'tei-gap')]")],
        "signs": [w for w in ("[Suppliedword]", "Unclearword[?]", "⟦Deletedword⟧") if w in text],
        "section breaks": len(main.xpath("//hr[contains(@class, 'tei-milestone')]")),
        "paragraph kept whole": "Before the note after the note" in text,
        "block note after": text.index("Sourcenote") > text.index("Schneidewind."),
        "names": names,
    }


def _typst_strings(code: str) -> str:
    """The printed text of a run of Typst items (string literals, one per line)."""
    import json

    return "".join(json.loads(line) for line in code.split("\n") if line.startswith('"'))


def _decisions_of_typst(source: str) -> dict:
    import json

    body = source[source.index("#te.division"):source.index("#te.index")]
    notes = [(m.group(1), _words(_typst_strings(m.group(2))
                                 + " ".join(json.loads(a) for a in re.findall(r"te\.inline-apparatus\((\".*?\")\)", m.group(2)))))
             for m in re.finditer(r'te\.note\("(\w*)", [^\n]*\n(.*?)\n\}\)', body, re.S)]
    letters = [(json.loads(a), json.loads(b)) for a, b in re.findall(r'te\.apparatus\(("\w+"), (".*?")\)', body)]
    supplied = ["[" + _typst_strings(m) + "]" for m in re.findall(r'te\.supplied\("\[", "\]", \{[^\n]*\n(.*?)\n\}\)', body, re.S)]
    unclear = [_typst_strings(m) + "[?]" for m in re.findall(r'te\.unclear\("", "\[\?\]", \{[^\n]*\n(.*?)\n\}\)', body, re.S)]
    deleted = ["⟦" + _typst_strings(m) + "⟧" for m in re.findall(r'te\.del\("⟦", "⟧", \{[^\n]*\n(.*?)\n\}\)', body, re.S)]
    shown = supplied + unclear + deleted
    paragraph = re.search(r'#te\.p\(kind: "p", \{[^\n]*\n"Before the note "\n"after the note, and "', body)
    index = re.findall(r'\(id: (".*?"), kind: ".*?", label: (".*?"),', source[source.index("#te.index"):])
    return {
        "headings": [json.loads(t) for t in re.findall(r'title-text: (".*?"),', body)],
        "labels": [json.loads(t) for t in re.findall(r'label-text: (".*?"),', body)],
        "note marks": re.findall(r'te\.note\("(\w*)"', body),
        "notes": notes,
        "letters": sorted(letters),
        "gaps": [json.loads(g) for g in re.findall(r'te\.gap\((".*?")\)', body)],
        "signs": [w for w in ("[Suppliedword]", "Unclearword[?]", "⟦Deletedword⟧") if w in shown],
        "section breaks": body.count("#te.milestone("),
        "paragraph kept whole": paragraph is not None,
        "block note after": body.index("Sourcenote") > body.index('"Schneidewind"'),
        "names": {json.loads(i): json.loads(label) for i, label in index},
    }


@pytest.fixture(scope="module")
def decisions() -> dict[str, dict]:
    from tei_edition.publish.formats import html, pdf, text
    from tei_edition.xml.parse import parse_file

    tree = parse_file(FEATURES)
    return {
        "text": _decisions_of_text(text.render(tree, FEATURES, width=0).text.split(TEXT_KEY)[0]),
        "html": _decisions_of_html(html.render(tree, FEATURES).files),
        "pdf": _decisions_of_typst(pdf.typst_source(tree, FEATURES).typst),
    }


def test_the_fixture_exercises_every_decision(decisions):
    text = decisions["text"]
    assert text["headings"] == ["First mainhead about Kim Il Sung", "Second mainhead"]
    # a label heading of its own, and the label the edition gives a numbered document
    assert text["labels"] == ["DOCUMENT NO. 1", "Document No. 2"]
    # (a note that says nothing, only a link to another document, takes no number)
    assert [n for n, _ in text["notes"]] == ["1", "7", "3", "1"]
    assert text["letters"] == sorted([
        ("a", "Lemmaword] Rdgword (B)"), ("b", "Rightcorr] source reads: Wrongsic"),
        ("c", "Firstguess] or: Secondguess"),
        ("d", "Addedword] added above the line by another hand: A second hand in pencil."),
        ("a", "Againlem] Againrdg (C)")])
    assert text["gaps"] == ["[… illegible signature]", "[… off the page]"]
    assert decisions["html"]["names"] == {"p-kim": "Kim Il Sung", "p-schneidewind": "Schneidewind, Kurt",
                                          "p-kang": "강량욱"}


@pytest.mark.parametrize("decision", ["headings", "labels", "note marks", "notes", "letters", "gaps", "signs", "section breaks",
                                      "paragraph kept whole", "block note after"])
def test_every_format_renders_the_same_decisions(decisions, decision):
    found = {name: record[decision] for name, record in decisions.items()}
    assert found["html"] == found["text"], f"{decision}: HTML differs from text"
    assert found["pdf"] == found["text"], f"{decision}: PDF differs from text"
    assert found["text"] not in ([], 0, False), f"{decision}: the fixture must exercise it"


def test_index_and_registers_use_the_same_name_forms(decisions):
    # one form per person, taken from the register: "Schneidewind, Kurt" in both, a
    # name written family name first as written ("Kim Il Sung", never "Kim, Il Sung")
    assert decisions["pdf"]["names"] == decisions["html"]["names"]
    assert "Kim, Il Sung" not in decisions["pdf"]["names"].values()
