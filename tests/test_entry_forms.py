"""Register entries' name forms are decided once per entry and process, not once per
page (issue 14): a build's worker hands each entry's forms (label, index form, sort key,
life dates, descriptions: xslt/common/entry-forms.xsl), those its format reads, to every
page that names it, and the pages are the same as when every page decides them itself."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conftest import LETTERS, needs_shared  # noqa: E402
from test_collection_site_fixture import generate  # noqa: E402

from tei_edition import resources  # noqa: E402
from tei_edition.errors import TransformError  # noqa: E402
from tei_edition.publish import run, transform  # noqa: E402
from tei_edition.publish.build import build  # noqa: E402


def _outputs(out: Path) -> dict[str, bytes]:
    """Every page and text the build wrote (not its records: they name the tool)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.suffix in (".html", ".txt", ".js")}


def _build_both(source: list[Path], tmp_path: Path, monkeypatch, only) -> tuple[dict, dict, list]:
    """The outputs with the forms handed over, those with every page deciding them, and
    the entries of each call that made forms."""
    made: list[int] = []
    real = transform.call_template_strings

    def counted(stylesheet, template, context, params=None, **kw):
        if template == run.FORMS_TEMPLATE:  # (not the other templates a run calls)
            made.append(len(context.getroot()))
        return real(stylesheet, template, context, params, **kw)

    run._forms.clear()
    with monkeypatch.context() as m:
        m.setattr(transform, "call_template_strings", counted)
        report = build(source, tmp_path / "handed", jobs=0, only=only)
    assert report.exit_code == 0
    with monkeypatch.context() as m:
        m.setattr(run, "with_forms", lambda *a, **k: None)
        m.setattr(run, "entries_read", lambda stylesheet: "whole")  # (a page deciding them reads them)
        report = build(source, tmp_path / "decided", jobs=0, only=only)
    assert report.exit_code == 0
    return _outputs(tmp_path / "handed"), _outputs(tmp_path / "decided"), made


def test_pages_are_the_same_with_the_forms_handed_over(tmp_path, monkeypatch):
    source = generate(tmp_path / "src", letters=6)
    handed, decided, made = _build_both([source], tmp_path, monkeypatch, ["html", "text"])
    assert handed == decided
    assert any(name.startswith("html/letters/") for name in handed)
    # each entry named by the letters made once, though several letters name it
    assert made and sum(made) == len(run._forms)


def test_the_print_edition_reads_the_forms_handed_over(tmp_path, monkeypatch):
    """In a collection, the output that prints an entry's forms (the PDF's index: index
    form, life dates, short description; its metadata: the labels of its most frequent
    names) prints those handed over to it, not forms decided again: forms changed after
    they were made are the ones its Typst source carries."""
    from tei_edition.publish.formats import pdf
    from tei_edition.xml.parse import TE_NS

    real, real_source = run.with_forms, pdf.typst_source
    key = f"{{{TE_NS}}}key"
    changed = {"index": "Handed-index", "label": "Handed-label", "dates": "Handed-dates",
               "summary": "Handed-summary"}

    def changing(stylesheet, bundle, reading, forms=run.FORMS):
        real(stylesheet, bundle, reading, forms)
        root = bundle.getroot() if hasattr(bundle, "getroot") else bundle
        for entry in root:
            for name, word in changed.items():
                if isinstance(entry.tag, str) and entry.get(f"{{{TE_NS}}}form-{name}") is not None:
                    entry.set(f"{{{TE_NS}}}form-{name}", f"{word} {entry.get(key)}")

    sources = []

    def kept(tree, source, **kwargs):
        made = real_source(tree, source, **kwargs)
        if source.suffix == ".xml":  # (a letter's; the volume's entries are its own)
            sources.append(made.typst)
        return made

    run._forms.clear()
    monkeypatch.setattr(run, "with_forms", changing)
    monkeypatch.setattr(pdf, "typst_source", kept)
    source = generate(tmp_path / "src", letters=2)
    assert build([source], tmp_path / "out", jobs=0, only=["pdf"]).exit_code == 0
    assert len(sources) == 2
    for typst in sources:
        index = typst[typst.index("#te.index(("):]
        entries = [line for line in index.splitlines() if line.lstrip().startswith("(id:")]
        assert entries and all('label: "Handed-index ' in line for line in entries)
        assert any('dates: "Handed-dates ' in line for line in entries)
        assert all('description: "Handed-summary ' in line for line in entries)
        assert "Handed-label " in typst  # (the keywords of its metadata)


def test_each_format_is_handed_the_forms_it_reads(tmp_path, monkeypatch):
    """A collection's letter pages print no entry's forms (their name cards are the
    site's scripts): html is handed none (it reads none there, nor anything of the
    entries but their kinds: none is made for it), text only the label its common layer
    reads, the PDF those its index prints; none is decided again on a page."""
    asked: dict[str, set] = {}
    real = run.with_forms

    def recorded(stylesheet, bundle, reading, forms=run.FORMS):
        asked.setdefault(stylesheet, set()).add(tuple(forms))
        real(stylesheet, bundle, reading, forms)

    monkeypatch.setattr(run, "with_forms", recorded)
    source = generate(tmp_path / "src", letters=2)
    assert build([source], tmp_path / "out", jobs=0, only=["html", "text"]).exit_code == 0
    assert asked == {"text/text.xsl": {("label",)}}
    assert run.forms_read("typst/typst.xsl") == ("label", "index", "sort", "dates", "summary")


STYLESHEET = """<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:te="urn:x-tei-edition">
  <xsl:import href="{base}"/>{declared}
</xsl:stylesheet>"""
DECLARED = """<xsl:template name="te:forms-read" as="xs:string*">
  <xsl:sequence select="{forms}"/></xsl:template>"""


@pytest.mark.parametrize("base, forms, expected", [
    ("text/text.xsl", "'sort', 'label'", ("label", "sort")),  # in the order forms are made
    ("text/text.xsl", "()", ()),
    ("site/names.xsl", None, run.FORMS),  # a stylesheet that says nothing reads them all
])
def test_the_forms_read_are_what_the_stylesheet_declares(tmp_path, base, forms, expected):
    """Which forms a format's pages read is a fact of its stylesheet: Python asks the
    stylesheet (its te:forms-read, in its params.xsl) rather than keeping a copy."""
    path = tmp_path / "format.xsl"
    declared = "" if forms is None else DECLARED.format(forms=forms)
    path.write_text(STYLESHEET.format(base=resources.stylesheet(base).as_uri(), declared=declared),
                    encoding="utf-8")
    assert run.forms_read(str(path)) == expected


def test_a_form_no_format_knows_is_refused(tmp_path):
    path = tmp_path / "format.xsl"
    path.write_text(STYLESHEET.format(base=resources.stylesheet("text/text.xsl").as_uri(),
                                      declared=DECLARED.format(forms="'label', 'nickname'")),
                    encoding="utf-8")
    with pytest.raises(TransformError, match="names no form nickname"):
        run.forms_read(str(path))


def test_each_format_declares_the_forms_it_reads():
    assert {name: run.forms_read(name) for name in ("html/html.xsl", "text/text.xsl", "typst/typst.xsl")} == {
        "html/html.xsl": (), "text/text.xsl": ("label",),
        "typst/typst.xsl": ("label", "index", "sort", "dates", "summary")}
    assert not hasattr(run, "FORMS_READ")  # the one place is the stylesheets


@pytest.mark.slow
@needs_shared(LETTERS)
def test_real_letters_and_their_registers_are_the_same_with_the_forms_handed_over(tmp_path, monkeypatch):
    """The real register: structured names, see-also lists in name forms, choices in
    descriptions, life dates written out (a dozen letters and both registers)."""
    subset = tmp_path / "letters"
    (subset / "letters").mkdir(parents=True)
    (subset / "registers").mkdir()
    for path in sorted((LETTERS / "letters").glob("*.xml"))[100:112]:
        (subset / "letters" / path.name).symlink_to(path)
    for path in sorted((LETTERS / "registers").glob("*.xml")):
        (subset / "registers" / path.name).symlink_to(path)
    handed, decided, made = _build_both([subset], tmp_path, monkeypatch, ["html", "text"])
    assert handed == decided
    assert sum(made) == len(run._forms) > 12


def test_forms_are_read_only_from_the_entries_handed_over(tmp_path):
    """A document's own entry carrying te:form-* attributes is decided all the same: only
    the entries of $registers have forms made for them."""
    from tei_edition.publish.formats import html
    from tei_edition.xml.parse import parse_file

    source = tmp_path / "doc.xml"
    source.write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0" xmlns:te="urn:x-tei-edition"><teiHeader><fileDesc>'
        "<titleStmt><title>T</title></titleStmt><publicationStmt><p>P</p></publicationStmt>"
        "<sourceDesc><listPerson><person xml:id=\"p1\" te:form-label=\"Forged label\" "
        "te:form-index=\"Forged index\"><persName>Anna Muster</persName></person></listPerson>"
        "</sourceDesc></fileDesc></teiHeader><text><body><p><persName ref=\"#p1\">Anna</persName> "
        "wrote.</p></body></text></TEI>", encoding="utf-8")
    site = html.render(parse_file(source), source)
    text = "".join(site.files.values())
    assert "Anna Muster" in text and "Forged" not in text


def test_an_entry_has_its_forms_once_per_reading(monkeypatch):
    """The forms depend on the reading (a choice in a description): made per reading."""
    from lxml import etree

    bundle = etree.fromstring(
        '<te:registers xmlns:te="urn:x-tei-edition"><person xmlns="http://www.tei-c.org/ns/1.0" '
        'xml:id="p1" te:key="p1"><persName>Anna Muster</persName><note>wrote '
        "<choice><abbr>u.</abbr><expan>und</expan></choice> read</note></person></te:registers>")
    run._forms.clear()
    forms = {}
    for reading in ("normalised", "diplomatic"):
        copy = etree.fromstring(etree.tostring(bundle))
        run.with_forms("html/html.xsl", copy, reading)
        entry = copy[0]
        forms[reading] = {k.split("}")[1]: v for k, v in entry.attrib.items() if "form-" in k}
    assert forms["normalised"]["form-label"] == forms["diplomatic"]["form-label"] == "Anna Muster"
    assert forms["normalised"]["form-description"] == "wrote und read"
    assert forms["diplomatic"]["form-description"] == "wrote u. read"
    assert len(run._forms) == 2


def test_a_form_one_format_made_is_not_made_again_for_another(monkeypatch):
    """The text's label of an entry is the one the PDF made: only the forms not made yet
    are asked of the stylesheet, and they are the same as made together."""
    from lxml import etree

    bundle = ('<te:registers xmlns:te="urn:x-tei-edition"><person xmlns="http://www.tei-c.org/ns/1.0" '
              'xml:id="p1" te:key="p1"><persName>Anna Muster</persName><birth when="1801"/>'
              '</person></te:registers>')
    asked: list[str] = []
    real = transform.call_template_strings

    def counted(stylesheet, template, context, params=None, **kw):
        if template == run.FORMS_TEMPLATE:
            asked.append(context.getroot().get(run._TE_FORMS))
        return real(stylesheet, template, context, params, **kw)

    def forms(stylesheet, wanted):
        copy = etree.fromstring(bundle)
        run.with_forms(stylesheet, copy, "normalised", wanted)
        return {k.split("}")[1]: v for k, v in copy[0].attrib.items() if "form-" in k}

    together = forms("text/text.xsl", ("label", "dates"))
    run._forms.clear()
    monkeypatch.setattr(transform, "call_template_strings", counted)
    pdf = forms("typst/typst.xsl", ("label", "index"))
    text = forms("text/text.xsl", ("label",))
    both = forms("text/text.xsl", ("label", "dates"))
    assert asked == ["label index", "dates"]
    assert text == {"form-label": pdf["form-label"]} == {"form-label": "Anna Muster"}
    assert both == together
    assert len(run._forms) == 1


@pytest.fixture(autouse=True)
def _fresh_forms():
    yield
    run._forms.clear()


def test_the_handed_bundle_is_the_bundle_with_its_forms(tmp_path, monkeypatch):
    """``run.handed_bundle`` (a worker's $registers: each entry's text made once per
    process) is, as a tree, the register's ``bundle()`` with the forms ``with_forms``
    writes, entry for entry and in the same order; an entry named again is not made
    again; a register changed since (``stamp``) makes its entries again."""
    from lxml import etree

    from tei_edition import collection

    register = collection.load([generate(tmp_path / "src", letters=2)]).register
    keys = register.keys()
    assert len(keys) > 6
    first, second = sorted(keys[:5]), keys[3:8]  # two documents naming some entries both

    def entries(root):  # (each with the namespaces in scope: the root declares them once)
        return [root.tag] + [etree.tostring(entry, method="c14n") for entry in root]

    def expected(wanted):
        bundle = register.bundle(wanted)
        run.with_forms("html/html.xsl", bundle, "normalised")
        return entries(bundle.getroot())

    def handed(wanted):
        text = run.handed_bundle("html/html.xsl", register, wanted, "normalised").text
        assert text.count("xmlns:te=") == 1  # (not again on each entry)
        return entries(etree.fromstring(text))

    run._handed.clear()
    made: list[int] = []
    real = run.with_forms

    def counted(stylesheet, bundle, reading, forms=run.FORMS):
        made.append(len(bundle.getroot() if hasattr(bundle, "getroot") else bundle))
        real(stylesheet, bundle, reading, forms)

    monkeypatch.setattr(run, "with_forms", counted)
    assert handed(first + ["no-such-key"]) == expected(first)
    assert handed(second) == expected(second)
    assert any(b"form-label" in entry for entry in handed(second)[1:])
    assert made[0] == 5 and made[2] == len(set(second) - set(first))  # (odd calls: expected())
    stamp = register.stamp
    register.add(next(iter(register)))  # a copy of an entry: the register changed
    assert register.stamp != stamp
    assert handed(second) == expected(second) and made[-2] == len(set(second))


def test_an_entry_s_card_is_the_same_in_the_collection_site_and_in_a_document_alone(tmp_path):
    """A collection's entry's card (its script beside its register page, site/names.xsl)
    and the card a document exported on its own carries for the same entry (in its
    page's data, html/search.xsl) are one common rule read in two places: the same type,
    label, life dates and short description, down to a choice's reading and a clause cut."""
    import json
    import re

    from tei_edition.publish.formats import html
    from tei_edition.xml.parse import parse_file

    source = generate(tmp_path / "src", letters=2)
    persons = source / "registers" / "persons.xml"
    persons.write_text(persons.read_text(encoding="utf-8").replace(
        "<note>Botanist and entomologist.</note>",
        "<note>Botanist <choice><abbr>u.</abbr><expan>und</expan></choice> entomologist: "
        "professor at Zurich; author of the <hi>Flora tertiaria Helvetiae</hi>.</note>"), encoding="utf-8")
    assert build([source], tmp_path / "out", jobs=0, only=["html"]).exit_code == 0
    collection = {}
    for script in (tmp_path / "out" / "html" / "registers").glob("*/*.js"):
        key, card = re.fullmatch(r'teCard\("([^"]+)",(\[.*\])\);\n', script.read_text(encoding="utf-8")).groups()
        collection[key] = json.loads(card)

    alone = tmp_path / "alone"
    (alone / "registers").mkdir(parents=True)
    for register in (source / "registers").glob("*.xml"):
        (alone / "registers" / register.name).write_bytes(register.read_bytes())
    letter = alone / "letter.xml"
    text = (source / "letters" / "letter_22_002.xml").read_text(encoding="utf-8")
    text = re.sub(r'ref="#(p|pl)(\d+)"', lambda m: f'ref="registers/{"places" if m[1] == "pl" else "persons"}'
                  f'.xml#{m[1]}{m[2]}"', text)  # (the register files beside it, as it stands alone)
    letter.write_text(text.replace('"../registers/', '"registers/'), encoding="utf-8")
    data = html.render(parse_file(letter), letter).files["entities.js"]
    cards = json.loads(re.search(r"=\s*(\{.*\})\s*;\s*$", data, re.S).group(1))
    document = {key.rsplit("#", 1)[-1]: [kind, *fields]
                for kind, entries in cards.items() for key, fields in entries.items()}
    assert document["p2"] == ["person", "Oswald Heer", "1809\u20131883", "Botanist und entomologist"]
    shared = set(document) & set(collection)
    assert "p2" in shared and len(shared) > 1
    assert {key: document[key] for key in shared} == {key: collection[key] for key in shared}


def test_each_format_declares_what_else_it_reads_of_the_entries():
    """A collection's letter page reads of each entry handed over only its kind and key
    (``run.entries_read``); the plain text that and its forms; the PDF reads them whole."""
    run.entries_read.cache_clear()
    assert {name: run.entries_read(name) for name in ("html/html.xsl", "text/text.xsl", "typst/typst.xsl")} == {
        "html/html.xsl": "kind", "text/text.xsl": "forms", "typst/typst.xsl": "whole"}


def _recorder(handed: list[str]):
    """``run.handed_bundle``, keeping in ``handed`` the text of each bundle it hands over."""
    real = run.handed_bundle

    def kept(*args, **kwargs):
        bundle = real(*args, **kwargs)
        handed.append(bundle.text)
        return bundle
    return kept


def _built_both_ways(source, tmp_path, monkeypatch, name: str, only: str) -> list[str]:
    """``source`` built (``only`` that format) into ``tmp_path/name`` as it is, the bundles
    it was handed kept, and into ``tmp_path/whole`` with every entry handed whole; the
    bundles."""
    handed: list[str] = []
    with monkeypatch.context() as m:
        m.setattr(run, "handed_bundle", _recorder(handed))
        assert build([source], tmp_path / name, jobs=0, only=[only]).exit_code == 0
    run._handed.clear()
    with monkeypatch.context() as m:
        m.setattr(run, "entries_read", lambda stylesheet: "whole")
        assert build([source], tmp_path / "whole", jobs=0, only=[only]).exit_code == 0
    return handed


def test_the_text_is_the_same_with_the_entries_handed_as_their_forms(tmp_path, monkeypatch):
    """The plain text of a collection's letters handed each entry as an empty element
    with its key and label is the text handed the entries whole."""
    from lxml import etree

    source = generate(tmp_path / "src", letters=6)
    handed = _built_both_ways(source, tmp_path, monkeypatch, "forms", "text")
    texts = _outputs(tmp_path / "forms")
    assert texts == _outputs(tmp_path / "whole") and len(texts) == 7  # (and the book)
    entries = [entry for text in handed for entry in etree.fromstring(text)]
    assert entries and all(len(entry) == 0 and entry.get("{urn:x-tei-edition}key")
                           and entry.get("{urn:x-tei-edition}form-label") for entry in entries)


def test_pages_are_the_same_with_the_entries_handed_as_their_kinds(tmp_path, monkeypatch):
    """A collection's pages handed each entry as an empty element (its kind and key)
    are the pages handed the entries whole, the search's digests too; a collection of one
    document (a site of its own, its register pages listing the names) is handed them
    whole."""
    import json

    from lxml import etree

    source = generate(tmp_path / "src", letters=6)
    handed = _built_both_ways(source, tmp_path, monkeypatch, "kinds", "html")
    assert _outputs(tmp_path / "kinds") == _outputs(tmp_path / "whole")
    digests = [{k: v["digest"] for k, v in json.loads(
        (tmp_path / out / ".tei-edition-manifest.json").read_text())["documents"].items()}
        for out in ("kinds", "whole")]
    assert digests[0] == digests[1] and len(digests[0]) == 6
    entries = [entry for text in handed for entry in etree.fromstring(text)]
    assert entries and all(len(entry) == 0 and entry.get("{urn:x-tei-edition}key") for entry in entries)

    one = tmp_path / "one"
    (one / "letters").mkdir(parents=True)
    letter = sorted((source / "letters").glob("*.xml"))[0]
    (one / "letters" / letter.name).write_bytes(letter.read_bytes())
    for register in (source / "registers").glob("*.xml"):
        (one / register.name).write_bytes(register.read_bytes())
    handed.clear()
    with monkeypatch.context() as m:
        m.setattr(run, "handed_bundle", _recorder(handed))
        assert build([one], tmp_path / "one-out", jobs=0, only=["html"]).exit_code == 0
    entries = [entry for text in handed for entry in etree.fromstring(text)]
    assert entries and all(len(entry) > 0 for entry in entries)
