"""Our Schematron-to-XSLT compiler on Saxon, construct by construct."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tei_edition.validation import schematron
from tei_edition.errors import InputError
from tei_edition.xml.parse import parse_bytes

from conftest import TEI_ALL, needs_shared

DOC = b"""<TEI xmlns="http://www.tei-c.org/ns/1.0">
<text><body>
<p ref="#a">A long paragraph</p>
<div><p>ok</p></div>
<div type="x"><p>{braces}</p></div>
</body></text></TEI>
"""


def schema(tmp_path: Path, body: str, *, name: str = "rules.sch", attrs: str = "") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(f"""\
        <schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2" {attrs}>
          <ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>
        {body}
        </schema>"""))
    return path


def findings(path: Path, doc: bytes = DOC, **options):
    compiled = schematron.compiled(path, **options)
    return schematron.check(compiled, parse_bytes(doc, path="doc.xml"), "doc.xml")


def test_assert_fires_with_line_rule_id_and_message(tmp_path):
    sch = schema(tmp_path, """<pattern><rule context="tei:p">
        <assert id="short" test="string-length(.) lt 10">too long</assert></rule></pattern>""")
    [d] = findings(sch)
    assert (d.line, d.rule, d.message, d.severity, d.source) == (3, "short", "too long", "error", "sch")


def test_report_fires_when_true_and_role_sets_severity(tmp_path):
    sch = schema(tmp_path, """<pattern><rule context="tei:p">
        <report id="has-ref" role="warning" test="@ref">has a ref</report></rule></pattern>""")
    [d] = findings(sch)
    assert (d.line, d.rule, d.severity) == (3, "has-ref", "warning")


def test_value_of_and_name_in_messages(tmp_path):
    sch = schema(tmp_path, """<pattern><rule context="tei:div[@type]">
        <report id="typed" test="true()"><name/> typed <value-of select="@type"/>: <value-of select="tei:p"/></report>
        </rule></pattern>""")
    [d] = findings(sch)
    assert d.message == "div typed x: {braces}"


def test_lets_at_schema_pattern_and_rule_level(tmp_path):
    sch = schema(tmp_path, """<let name="all" value="count(//tei:p)"/>
      <pattern><let name="divs" value="count(//tei:div)"/>
        <rule context="tei:body"><let name="mine" value="count(tei:div)"/>
          <report id="counts" test="true()"><value-of select="$all, $divs, $mine"/></report>
        </rule></pattern>""")
    [d] = findings(sch)
    assert d.message == "3 2 2"


def test_pattern_let_is_evaluated_from_the_document_root(tmp_path):
    sch = schema(tmp_path, """<pattern><let name="first" value="name(*)"/>
        <rule context="tei:p[1]"><report id="root" test="true()"><value-of select="$first"/></report></rule>
      </pattern>""")
    assert [d.message for d in findings(sch)] == ["TEI"] * 3  # every first p


def test_diagnostics_are_appended(tmp_path):
    sch = schema(tmp_path, """<pattern><rule context="tei:p[@ref]">
        <assert id="no-ref" test="not(@ref)" diagnostics="why">has @ref</assert></rule></pattern>
      <diagnostics><diagnostic id="why">remove <value-of select="@ref"/></diagnostic></diagnostics>""")
    [d] = findings(sch)
    assert d.message == "has @ref (remove #a)"


def test_first_matching_rule_in_a_pattern_wins(tmp_path):
    sch = schema(tmp_path, """<pattern>
        <rule context="tei:p[@ref]"><report id="first" test="true()">first</report></rule>
        <rule context="tei:p"><report id="second" test="true()">second</report></rule>
      </pattern>""")
    assert sorted(d.rule for d in findings(sch)) == ["first", "second", "second"]


def test_attribute_contexts_are_visited(tmp_path):
    sch = schema(tmp_path, """<pattern><rule context="@type">
        <report id="attr" test=". = 'x'">type x on <value-of select="name(..)"/></report></rule></pattern>""")
    [d] = findings(sch)
    assert (d.line, d.message) == (5, "type x on div")


def test_phases_choose_patterns(tmp_path):
    sch = schema(tmp_path, """<phase id="one"><active pattern="a"/></phase>
      <phase id="two"><active pattern="b"/></phase>
      <pattern id="a"><rule context="tei:TEI"><report id="in-a" test="true()">a</report></rule></pattern>
      <pattern id="b"><rule context="tei:TEI"><report id="in-b" test="true()">b</report></rule></pattern>""",
                 attrs='defaultPhase="one"')
    assert [d.rule for d in findings(sch)] == ["in-a"]
    assert [d.rule for d in findings(sch, phase="two")] == ["in-b"]
    assert sorted(d.rule for d in findings(sch, phase="#ALL")) == ["in-a", "in-b"]
    with pytest.raises(InputError, match="no phase three"):
        findings(sch, phase="three")


def test_abstract_patterns_are_instantiated_with_params(tmp_path):
    sch = schema(tmp_path, """<pattern abstract="true" id="needs">
        <rule context="$element"><assert id="needs-attr" test="$attribute">missing</assert></rule>
      </pattern>
      <pattern is-a="needs" id="div-type">
        <param name="element" value="tei:div"/><param name="attribute" value="@type"/>
      </pattern>""")
    [d] = findings(sch)
    assert (d.rule, d.line) == ("needs-attr", 4)


def test_abstract_rules_are_extended(tmp_path):
    sch = schema(tmp_path, """<pattern>
        <rule abstract="true" id="base"><report id="from-base" test="@type">typed</report></rule>
        <rule context="tei:div"><extends rule="base"/></rule>
      </pattern>""")
    [d] = findings(sch)
    assert (d.rule, d.line) == ("from-base", 5)


def test_rule_id_is_used_when_the_assert_has_none(tmp_path):
    sch = schema(tmp_path, """<pattern id="pat"><rule id="rule-id" context="tei:TEI">
        <report test="true()">x</report></rule></pattern>""")
    assert [d.rule for d in findings(sch)] == ["rule-id"]


def test_xsl_keys_and_functions_in_the_schema_travel_along(tmp_path):
    sch = schema(tmp_path, """<xsl:key xmlns:xsl="http://www.w3.org/1999/XSL/Transform" name="k" match="tei:div" use="@type"/>
      <pattern><rule context="tei:TEI"><report id="keyed" test="exists(key('k', 'x'))">found</report></rule></pattern>""")
    assert [d.rule for d in findings(sch)] == ["keyed"]


def test_includes_are_resolved_relative_to_the_schema(tmp_path):
    (tmp_path / "part.sch").write_text("""<pattern xmlns="http://purl.oclc.org/dsdl/schematron">
      <rule context="*:TEI"><report id="included" test="true()">x</report></rule></pattern>""")
    sch = schema(tmp_path, """<include href="part.sch"/>""")
    assert [d.rule for d in findings(sch)] == ["included"]


def test_remote_include_is_refused(tmp_path):
    sch = schema(tmp_path, """<include href="https://example.org/rules.sch"/>""")
    with pytest.raises(InputError, match="unavailable offline"):
        schematron.compiled(sch)


def test_bad_xpath_is_a_schema_error_not_a_crash(tmp_path):
    sch = schema(tmp_path, """<pattern><rule context="tei:p"><assert test="((">x</assert></rule></pattern>""")
    with pytest.raises(InputError, match="cannot compile the Schematron schema"):
        schematron.compiled(sch)


def test_not_a_schematron_schema(tmp_path):
    path = tmp_path / "other.sch"
    path.write_text("<rules/>")
    with pytest.raises(InputError, match="not an ISO Schematron schema"):
        schematron.compiled(path)


def test_rules_cannot_read_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("s3cret")
    sch = schema(tmp_path, f"""<pattern><rule context="tei:TEI">
        <report id="leak" test="true()"><value-of select="unparsed-text('{secret.as_uri()}')"/></report>
      </rule></pattern>""")
    found = findings(sch)
    assert found and all("s3cret" not in d.message for d in found)


def test_compiled_once_per_process(tmp_path):
    sch = schema(tmp_path, """<pattern><rule context="tei:TEI"><report test="true()">x</report></rule></pattern>""")
    assert schematron.compiled(sch) is schematron.compiled(sch)


def test_embedded_rules_of_a_relax_ng_schema(tmp_path):
    rng = tmp_path / "with-rules.rng"
    rng.write_text("""<grammar xmlns="http://relaxng.org/ns/structure/1.0"
        xmlns:sch="http://purl.oclc.org/dsdl/schematron">
      <sch:ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>
      <start><element name="TEI" ns="http://www.tei-c.org/ns/1.0"><text/>
        <sch:pattern><sch:rule context="tei:TEI"><sch:report id="embedded" test="true()">x</sch:report></sch:rule></sch:pattern>
      </element></start></grammar>""")
    assert [d.rule for d in findings(rng)] == ["embedded"]


@needs_shared(TEI_ALL)
@pytest.mark.slow
def test_tei_all_embedded_constraints_compile_and_run(tmp_path):
    """The TEI's own 93 xslt2 constraints go through our compiler and run on Saxon."""
    compiled = schematron.compiled(TEI_ALL)
    assert compiled.xslt.count("<xsl:template") > 90
    bad = b"""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/><text><body>
      <p><ptr target="#a" cRef="b"/></p></body></text></TEI>"""
    found = schematron.check(compiled, parse_bytes(bad, path="bad.xml"), "bad.xml")
    assert any("cRef" in d.message or "target" in d.message for d in found), found


def test_node_at_maps_saxon_paths_to_lines():
    tree = parse_bytes(DOC, path="doc.xml")
    ns = "Q{http://www.tei-c.org/ns/1.0}"
    assert schematron.node_at(tree, f"/{ns}TEI[1]/{ns}text[1]/{ns}body[1]/{ns}div[2]/@type").sourceline == 5
    assert schematron.node_at(tree, f"/{ns}TEI[1]/{ns}text[1]/{ns}body[1]/{ns}p[1]/text()[1]").sourceline == 3
    assert schematron.node_at(tree, "/") is None
