"""Schematron findings name the real line and column of their node: the start tag of
the context element (several on one line, a start tag spread over lines, a prefixed
name), or the attribute's name inside it."""

from __future__ import annotations

import json

from conftest import FIXTURES

HERE = FIXTURES / "schematron" / "locations"
ANY = FIXTURES / "schematron" / "any.rng"


def test_line_and_column_of_each_finding(run, tmp_path):
    result = run("validate", str(HERE / "document.xml"), "--schema", str(ANY), "--engine", "lxml",
                 "--schematron", str(HERE / "rules.sch"), "--format", "json")
    found = [(d["line"], d["column"], d["rule"], d["message"])
             for d in json.loads(result.stdout)["files"][0]["diagnostics"]]
    assert found == [
        (3, 3, "p", "paragraph one"),        # <p>one</p>
        (3, 3, "text", "text"),              # its text: the element holding it
        (3, 15, "p", "paragraph two"),       # the second <p on the same line
        (3, 18, "attribute", "attribute n"),  # n="2" inside it
        (4, 5, "p", "paragraph three"),      # <tei:p ... spread over two lines
        (5, 8, "attribute", "attribute rend"),
    ]


def test_json_carries_the_xpath_location_role_and_flag(run):
    result = run("validate", str(HERE / "document.xml"), "--schema", str(ANY), "--engine", "lxml",
                 "--schematron", str(HERE / "rules.sch"), "--format", "json")
    first = json.loads(result.stdout)["files"][0]["diagnostics"][0]
    tei = "Q{http://www.tei-c.org/ns/1.0}"
    assert first["location"] == f"/{tei}TEI[1]/{tei}text[1]/{tei}body[1]/{tei}p[1]"
    assert first["role"] is None and first["flag"] is None and first["properties"] == []


def test_findings_in_a_subordinate_document_point_into_it(run):
    result = run("validate", str(HERE / "with-register.xml"), "--schema", str(ANY), "--engine", "lxml",
                 "--schematron", str(HERE / "rules-documents.sch"))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == f"{HERE / 'register.xml'}:3:3: error: unnamed person [named]"
    result = run("validate", str(HERE / "with-register.xml"), "--schema", str(ANY), "--engine", "lxml",
                 "--schematron", str(HERE / "rules-documents.sch"), "--format", "json")
    [finding] = json.loads(result.stdout)["files"][0]["diagnostics"]
    assert (finding["path"], finding["line"], finding["column"]) == (str(HERE / "register.xml"), 3, 3)
