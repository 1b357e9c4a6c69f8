"""``tei-edition query``: XPath 3.1 / XQuery over files, sandboxed, one-line errors."""

import json

import pytest

from conftest import FIXTURES
from tei_edition import query
from tei_edition.errors import UsageError
from tei_edition.xml.parse import NS, parse_file

HERE = FIXTURES / "entities"
DOSSIER = HERE / "dossier" / "dossier.xml"
CORPUS = HERE / "corpus"


def test_xpath_results_match_lxml():
    [result] = query.run("//tei:persName[@ref='#puzanov']", [str(DOSSIER)])
    expected = [" ".join(el.xpath("string()").split()) for el in
                parse_file(DOSSIER).xpath("//tei:persName[@ref='#puzanov']", namespaces=NS)]
    assert [" ".join(i.value.split()) for i in result.items] == expected
    assert result.items[0].xml.startswith("<persName")


def test_atomic_values_keep_their_json_type():
    [result] = query.run("count(//tei:persName), 1.5, true(), 'x', [1, (2, 3)], map{'k': 1}",
                         [str(DOSSIER)])
    count = len(parse_file(DOSSIER).xpath("//tei:persName", namespaces=NS))
    assert [i.value for i in result.items] == [count, 1.5, True, "x", [1, [2, 3]], {"k": 1}]


def test_xpath_31_features():
    [result] = query.run("string-join(//tei:place/@xml:id => sort(), ',')", [str(DOSSIER)])
    assert result.items[0].value == "moscow,pyongyang,seoul"


def test_every_file_of_a_folder():
    results = query.run("count(//tei:persName[@ref])", [str(CORPUS)])
    assert [r.path for r in results] == [str(CORPUS / n) for n in ("a.xml", "b.xml", "persons.xml")]
    assert [r.items[0].value for r in results] == [3, 2, 0]


@pytest.mark.parametrize("expr, code", [
    ("//tei:p[", "XPST0003"),
    ("foo:bar()", "XPST0081"),
    ("1 + 'a'", "XPTY0004"),
])
def test_errors_carry_saxons_code(expr, code):
    with pytest.raises(UsageError) as info:
        query.run(expr, [str(DOSSIER)])
    assert code in info.value.message and "\n" not in info.value.message


@pytest.mark.parametrize("expr", ["doc('file:///etc/passwd')", "unparsed-text('/etc/hostname')",
                                  "collection('file:///etc')"])
def test_expressions_cannot_read_files(expr):
    with pytest.raises(UsageError):
        query.run(expr, [str(DOSSIER)])


def test_xquery_file(tmp_path):
    script = tmp_path / "q.xq"
    script.write_text("for $p in //tei:place order by $p/@xml:id return <n>{string($p/@xml:id)}</n>",
                      encoding="utf-8")
    [result] = query.run(None, [str(DOSSIER)], xquery=str(script))
    assert [i.xml for i in result.items] == ["<n>moscow</n>", "<n>pyongyang</n>", "<n>seoul</n>"]


def test_query_cli_formats(run):
    text = run("query", "//tei:place/@xml:id", str(DOSSIER))
    assert text.exit_code == 0 and text.output.splitlines() == ["pyongyang", "seoul", "moscow"]
    several = run("query", "count(//tei:persName)", str(CORPUS / "a.xml"), str(CORPUS / "b.xml"))
    assert several.output.splitlines() == [f"{CORPUS / 'a.xml'}:3", f"{CORPUS / 'b.xml'}:2"]
    data = json.loads(run("query", "//tei:place/@xml:id", str(DOSSIER), "--format", "json").output)
    assert data == [{"path": str(DOSSIER), "results": ["pyongyang", "seoul", "moscow"]}]
    xml = run("query", "//tei:org[1]/tei:orgName[2]", str(DOSSIER), "--format", "xml").output
    assert xml.strip() == '<orgName xmlns="http://www.tei-c.org/ns/1.0">KWP</orgName>'


def test_query_cli_multiline_items_stay_on_one_line(run):
    result = run("query", "//tei:div[@n='2']/tei:p/string()", str(DOSSIER))
    assert len(result.output.splitlines()) == 1


def test_query_cli_errors_exit_2(run, tmp_path):
    bad = run("query", "//tei:p[", str(DOSSIER))
    assert bad.exit_code == 2 and "XPST0003" in bad.stderr and len(bad.stderr.splitlines()) == 1
    assert run("query").exit_code == 2
    assert run("query", "1", str(tmp_path / "missing.xml")).exit_code == 2
    assert run("query", "--xquery", str(tmp_path / "missing.xq"), str(DOSSIER)).exit_code == 2
