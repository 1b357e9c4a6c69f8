"""``validate --format svrl``: the standard report, valid against our RELAX NG for SVRL
(tests/fixtures/schematron/svrl.rng), for one document, several documents, and several
schemas on one document; what SVRL cannot hold goes to stderr."""

from __future__ import annotations

import pytest
from lxml import etree

from conftest import FIXTURES

SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
TE_NS = "urn:x-tei-edition"
EDITION = FIXTURES / "valid" / "edition.xml"
ANY = FIXTURES / "schematron" / "any.rng"
RULES = """<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
  <ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>
  <pattern id="house"><rule id="heads" context="tei:head"><report id="head" test="true()">a head</report></rule></pattern>
</schema>"""


@pytest.fixture(scope="module")
def svrl_schema():
    return etree.RelaxNG(etree.parse(str(FIXTURES / "schematron" / "svrl.rng")))


def test_our_rules_and_the_users_merge_into_one_report(run, tmp_path, svrl_schema):
    rules = tmp_path / "house.sch"
    rules.write_text(RULES)
    result = run("validate", str(EDITION), "--schematron", str(rules), "--format", "svrl")
    report = etree.fromstring(result.stdout.encode())
    assert svrl_schema.validate(report), svrl_schema.error_log
    patterns = report.xpath("svrl:active-pattern/@id", namespaces={"svrl": SVRL_NS})
    assert "house" in patterns and "references" in patterns  # ours (tei_edition.sch) and theirs
    assert report.xpath("count(svrl:ns-prefix-in-attribute-values[@prefix = 'tei'])",
                        namespaces={"svrl": SVRL_NS}) == 1
    heads = report.xpath("svrl:successful-report[@id = 'head']", namespaces={"svrl": SVRL_NS})
    assert heads and result.exit_code == 1  # successful reports are findings (role: error)


def test_several_documents_are_wrapped_one_report_each(run, tmp_path, svrl_schema):
    rules = tmp_path / "house.sch"
    rules.write_text(RULES)
    second = tmp_path / "second.xml"
    second.write_bytes(EDITION.read_bytes())
    result = run("validate", str(EDITION), str(second), "--schema", str(ANY), "--engine", "lxml",
                 "--schematron", str(rules), "--format", "svrl")
    root = etree.fromstring(result.stdout.encode())
    assert root.tag == f"{{{TE_NS}}}svrl-reports"
    documents = root.findall(f"{{{TE_NS}}}document")
    assert [d.get("path") for d in documents] == [str(EDITION), str(second)]
    for document in documents:
        [report] = document
        alone = etree.fromstring(etree.tostring(report))  # each a report of its own (ids repeat)
        assert svrl_schema.validate(alone), svrl_schema.error_log


def test_what_svrl_cannot_hold_goes_to_stderr(run, tmp_path):
    rules = tmp_path / "broken.sch"
    rules.write_text("""<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
      <pattern><rule context="/*"><report id="cast" test="xs:integer('x') = 1">never</report></rule></pattern>
    </schema>""")
    result = run("validate", str(EDITION), "--schema", str(ANY), "--engine", "lxml",
                 "--schematron", str(rules), "--format", "svrl")
    assert result.exit_code == 1
    assert "a rule of broken.sch failed" in result.stderr and "FORG0001" in result.stderr
