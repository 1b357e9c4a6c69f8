"""Entities and queries on real TEI: the dossier in tei/ and ../shared/corpus (both
skipped when absent)."""

import json

import pytest

from conftest import CORPUS, DOSSIER, corpus_files, corpus_sample, needs_shared
from tei_edition.publish import anchors
from tei_edition.entities import mentions as entities
from tei_edition.entities.check import check
from tei_edition.xml.parse import NS, parse_file



def test_dossier_counts_agree_with_an_xpath_count():
    tree = parse_file(DOSSIER)
    rows = entities.rows(entities.load([str(DOSSIER)]))
    assert rows and sum(r.mentions for r in rows) > 0
    for row in rows:
        xpath = ("count(//tei:text//*[self::tei:persName or self::tei:placeName or self::tei:orgName"
                 " or self::tei:geogName or self::tei:rs or self::tei:name]"
                 "[contains(concat(' ', normalize-space(@ref), ' '), ' #%s ')]"
                 "[not(ancestor::tei:listPerson or ancestor::tei:listPlace or ancestor::tei:listOrg)])"
                 % row.id)
        assert row.mentions == int(tree.xpath(xpath, namespaces=NS)), row.id


def test_dossier_show_locators_are_html_anchors():
    rows = entities.rows(entities.load([str(DOSSIER)]), kind="person", sort="mentions")
    record = entities.show([str(DOSSIER)], rows[0].id)
    assert len(record["mentions"]) == rows[0].mentions
    tree = parse_file(DOSSIER)
    anchors_in_doc = {anchors.anchor(anchors.block_of(el)) for el in tree.iter()
                      if isinstance(el.tag, str)}
    assert all(m["locator"] in anchors_in_doc for m in record["mentions"])
    assert all(m["text"] and m["section"] for m in record["mentions"])


def test_dossier_check_finds_no_broken_pointers():
    findings = [d for _, ds in check([str(DOSSIER)]) for d in ds]
    assert not [d for d in findings if d.rule in ("missing-entry", "wrong-type")], findings


def test_dossier_query(run):
    result = run("query", "count(//tei:div[@type='document'])", str(DOSSIER), "--format", "json")
    assert json.loads(result.output)[0]["results"] == [2]


@needs_shared(CORPUS)
@pytest.mark.parametrize("files", [pytest.param(corpus_sample, id="one-per-project"),
                                   pytest.param(corpus_files, id="all", marks=pytest.mark.slow)])
@pytest.mark.parametrize("command", [("entities", "list"), ("entities", "check"),
                                     ("entities", "cooccur"), ("query", "count(//*)")])
def test_every_corpus_file_without_a_crash(run, command, files):
    for path in files():
        result = run(*command, str(path))
        assert result.exit_code in (0, 1), (path, result.stderr)
        assert "internal error" not in result.stderr, (path, result.stderr)


@pytest.mark.slow  # reads the whole corpus twice
@needs_shared(CORPUS)
def test_corpus_folder_with_a_malformed_file_still_answers(run):
    result = run("entities", "list", str(CORPUS), "--format", "json")
    malformed = []
    for path in corpus_files():
        try:
            parse_file(path)
        except Exception:
            malformed.append(path)
    assert result.exit_code == (1 if malformed else 0)
    assert len(json.loads(result.stdout)) > 0
    for path in malformed:
        assert str(path) in result.stderr
