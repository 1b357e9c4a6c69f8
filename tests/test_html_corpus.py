"""The HTML edition over real TEI: every file of ../shared/corpus and the dossier in
tei/. Each exports without a crash (malformed XML is a reported error, exit 1), and
every word of its <text> that the policy shows is on the edition page."""

from __future__ import annotations

import json
import re

import pytest

from conftest import DOSSIER, corpus_files, needs_shared, CORPUS
from test_html import X, missing_words, page, text_of
from tei_edition.errors import XmlSyntaxError
from tei_edition.publish.export import export_file
from tei_edition.xml.parse import NS, parse_file


@needs_shared(CORPUS)
@pytest.mark.slow
@pytest.mark.parametrize("source", corpus_files(), ids=lambda p: p.name)
def test_every_corpus_file_exports_with_all_its_words(source, tmp_path):
    try:
        tei = parse_file(source).getroot()
    except XmlSyntaxError:
        with pytest.raises(XmlSyntaxError):
            export_file(source, "html", tmp_path / "site")
        return
    export_file(source, "html", tmp_path / "site")
    index = page(tmp_path / "site", "index.html")
    missing = missing_words(tei, index)
    assert not missing, f"{len(missing)} words missing, e.g. {missing[:15]}"
    ids = index.xpath("//@id")
    assert len(ids) == len(set(ids)), "ids are unique"




@pytest.fixture(scope="module")
def dossier_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("dossier") / "site"
    result = export_file(DOSSIER, "html", site)
    assert not result.coverage, f"every element of the dossier has a rule: {result.coverage}"
    return site


def test_dossier_pages_carry_its_text_names_and_documents(dossier_site):
    tei = parse_file(DOSSIER).getroot()
    index = page(dossier_site, "index.html")
    assert not missing_words(tei, index)
    block = re.sub(r"\s+", " ", text_of(index.find(".//x:header[@class='title-block']", X)))
    for expected in ("James Person", "Bernd Schaefer", "Gary Goldberg", "NKIDP e-Dossier"):
        assert expected in block
    documents = index.xpath("//x:section[contains(@class, 'type-document')]", namespaces=X)
    assert len(documents) == 2
    for document in documents:
        assert document.xpath(".//*[contains(@class, 'source-line')]", namespaces=X), "a source line"
        assert document.xpath(".//x:h2", namespaces=X)
    first = re.sub(r"\s+", " ", text_of(documents[0]))
    assert "CC:" in first and "Schwab" in first and "K. Schneidewind" in first
    pages = [text_of(n) for n in index.xpath("//x:span[@class='pb-n']", namespaces=X)]
    assert pages == [f"p. {n}" for n in range(1, 8)]


def test_dossier_registers_count_every_mention(dossier_site):
    tei = parse_file(DOSSIER).getroot()
    counts = {}
    for name in tei.xpath("//tei:text//*[@ref]", namespaces=NS):
        for token in name.get("ref").split():
            counts[token.lstrip("#")] = counts.get(token.lstrip("#"), 0) + 1
    index_ids = set(page(dossier_site, "index.html").xpath("//@id"))
    listed = 0
    for register in ("persons.html", "places.html", "organizations.html"):
        for entry in page(dossier_site, register).xpath("//x:article", namespaces=X):
            mentions = entry.xpath(".//x:ol[@class='mentions']/x:li/x:a/@href", namespaces=X)
            assert len(mentions) == counts.get(entry.get("id"), 0), entry.get("id")
            assert all(m.split("#", 1)[1] in index_ids for m in mentions)
            listed += len(mentions)
    assert listed == sum(counts.values())
    data = json.loads(re.search(r"= (.*);\n$", (dossier_site / "search-index.js").read_text(), re.S).group(1))
    assert any("Great Leap Forward" in p["text"] for p in data["passages"])


def test_dossier_reads_without_repeats_or_coded_values(dossier_site):
    index = page(dossier_site, "index.html")
    main = index.find(".//x:main", X)
    # the title once: the essay's own title page makes the title block
    title = "New East German and Soviet Evidence on North Korean Support"
    shown_titles = [t for t in main.xpath(".//text()[not(ancestor::x:dl[@class='meta'])]", namespaces=X)
                    if title in t]  # (the sources list the printed e-Dossier by its title)
    assert len(shown_titles) == 1
    assert title in text_of(main.find(".//x:h1", X))
    # a reader never meets the encoder's coded values, in the text or on hover
    shown = text_of(main) + " ".join(main.xpath(".//@title | .//@aria-label"))
    for coded in ("notExtracted", "offPage", "#h1", "#encoder", "pers-", "place-"):
        assert coded not in shown, coded
    gaps = [re.sub(r"\s+", " ", text_of(g)) for g in main.xpath(".//x:span[contains(@class, 'tei-gap')]", namespaces=X)]
    assert "[… illegible signature]" in gaps and "[… date off the page]" in gaps
    assert any(g.startswith("[… The text of footnote 1 was not extracted") for g in gaps)
    # every list of notes is a landmark with a name of its own
    labels = main.xpath(".//x:section[contains(@class, 'footnotes')]/@aria-label", namespaces=X)
    assert len(labels) == len(set(labels)) >= 2


ESCHER = CORPUS / "escher-briefe" / "K_0195_Tschudi_Johann_Jakob_an_Escher_1839-07-04.xml"


@needs_shared(ESCHER)
def test_a_letter_has_no_contents_of_its_parts_and_notes_follow_their_word(tmp_path):
    export_file(ESCHER, "html", tmp_path / "site")
    index = page(tmp_path / "site", "index.html")
    # dateline, closer and signature are parts of the letter, not chapters
    assert not index.xpath("//x:nav[@class='contents']", namespaces=X)
    for ref in index.xpath("//x:main//x:a[@class='noteref']", namespaces=X):
        before = ref.getprevious().tail if ref.getprevious() is not None else ref.getparent().text
        if ref.getprevious() is None and not (before or "").strip():
            continue  # a note that opens its paragraph follows no word
        assert before is None or not before.endswith(" "), "no space between a word and its note"
