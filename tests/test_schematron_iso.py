"""ISO Schematron (ISO/IEC 19757-3:2020) behaviour by behaviour, through the CLI.

Each file in tests/fixtures/schematron/iso/ is one behaviour: the files of the case
(``schema.sch``, ``doc.xml``, what they include), the expected verdict (valid,
invalid, or error: the schema is refused), and XPath tests that must hold on the SVRL
report (``validate --format svrl``). Every report is also checked against our RELAX NG
for SVRL (tests/fixtures/schematron/svrl.rng, from the standard's annex).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from conftest import FIXTURES

CASES = sorted((FIXTURES / "schematron" / "iso").glob("*.xml"))
CASE_NS = "urn:x-tei-edition:schematron-case"
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
ANY = FIXTURES / "schematron" / "any.rng"
EXIT = {"valid": 0, "invalid": 1, "error": 2}


def _c(name: str) -> str:
    return f"{{{CASE_NS}}}{name}"


@pytest.fixture(scope="module")
def svrl_schema():
    return etree.RelaxNG(etree.parse(str(FIXTURES / "schematron" / "svrl.rng")))


def write_case(case: Path, folder: Path) -> etree._Element:
    root = etree.parse(str(case)).getroot()
    for entry in root.iter(_c("file")):
        content = next(child for child in entry if isinstance(child.tag, str))
        target = folder / entry.get("name")
        target.parent.mkdir(parents=True, exist_ok=True)
        copy = etree.fromstring(etree.tostring(content))
        etree.cleanup_namespaces(copy)
        # blank lines first, so that lines in the file are the lines in the case
        target.write_bytes(b"\n" * (content.sourceline - 1) + etree.tostring(copy, encoding="utf-8"))
    return root


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_iso_behaviour(case, tmp_path, run, monkeypatch, svrl_schema):
    spec = write_case(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    args = ["validate", "doc.xml", "--schema", str(ANY), "--engine", "lxml",
            "--schematron", "schema.sch", "--format", "svrl"]
    if spec.get("phase"):
        args += ["--phase", spec.get("phase")]
    result = run(*args)
    verdict = spec.get("verdict")
    assert result.exit_code == EXIT[verdict], (result.stdout, result.stderr)
    if verdict == "error":
        error = spec.find(_c("error"))
        line = rf":{error.get('line')}" if error.get("line") else ""
        assert re.search(rf"schema\.sch{line}: error: .*{re.escape(error.text)}", result.stderr), result.stderr
        assert "Traceback" not in result.stderr
        return
    assert result.stderr == "", result.stderr
    report = etree.fromstring(result.stdout.encode())
    assert svrl_schema.validate(report), svrl_schema.error_log
    for check in spec.iter(_c("svrl")):
        assert report.xpath(f"boolean({check.get('test')})", namespaces=SVRL), \
            (check.get("test"), result.stdout)
