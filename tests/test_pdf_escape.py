"""The one escaping function of the Typst stylesheet (xslt/typst/escape.xsl): every TEI
string becomes a Typst string literal that Typst reads back as exactly that string."""

from __future__ import annotations

import json

import pytest
import typst
from lxml import etree

from tei_edition import resources
from tei_edition.publish import transform


TT = "urn:x-tei-edition:typst"

# Every character that means something to Typst markup or code, and the line starts.
CASES = [
    "#", "$", "*", "_", "`", "<", ">", "@", "[", "]", "\\", "//", "/*", "*/", "{", "}",
    "(", ")", "~", "'", '"', "-", "--", "---", "...", ":", ";", "=", "+", "1.", "/ term:",
    "\\\"", "\\\\", '"\\', "\\u{41}", "\\n", "<label>", "@ref", "#let x = 1",
    '#read("/etc/passwd")', '#include "x.typ"', '#import "@preview/cetz:0.2.2": *',
    "= heading\n- item\n+ enum\n1. one", "line\nbreak", "tab\there", "cr\rhere",
    "c1 \u0085 and \u009f", "line sep \u2028 para sep \u2029", "del \u007f",
    "Пузанов", "김일성", "日本語", "עברית", "emoji 😀", "nbsp\u00a0and\u200bzwsp",
    "", " leading and trailing ",
]


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    """A stylesheet that returns tt:str() of each <s> of its input, one per line (JSON)."""
    path = tmp_path_factory.mktemp("xsl") / "probe.xsl"
    escape = (resources.xslt_dir() / "typst" / "escape.xsl").as_uri()
    path.write_text(f"""<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
      xmlns:tt="{TT}"><xsl:include href="{escape}"/><xsl:output method="text"/>
      <xsl:template match="/"><xsl:for-each select="//s">
        <xsl:value-of select="tt:str(string(.))"/><xsl:text>&#10;</xsl:text>
      </xsl:for-each></xsl:template>
    </xsl:stylesheet>""")
    return path


def literals(probe, strings: list[str]) -> list[str]:
    root = etree.Element("strings")
    for text in strings:
        etree.SubElement(root, "s").text = text
    out = transform.run(probe, root.getroottree()).output
    return out.split("\n")[:len(strings)]


def typst_reads(literal: str) -> str:
    return json.loads(typst.Compiler(b"").eval(literal, format="json"))


def test_every_case_round_trips(probe):
    found = literals(probe, CASES)
    for literal in found:
        assert literal.startswith('"') and literal.endswith('"')
        assert "\n" not in literal and "\r" not in literal  # one line of source, always
    # one evaluation of them all, as an array (Typst starts once)
    assert typst_reads("(" + ", ".join(found) + ",)") == CASES


def test_only_backslash_quote_and_controls_are_escaped(probe):
    plain = "#$*_`<>@[]/=+-{}()~;:'"
    assert literals(probe, [plain]) == [f'"{plain}"']
    assert literals(probe, ['a"b\\c']) == ['"a\\"b\\\\c"']
    assert literals(probe, ["a\nb\tc\u0085"]) == ['"a\\nb\\tc\\u{85}"']


def test_a_literal_cannot_be_closed_early(probe):
    hostile = '") #read("/etc/passwd") #("'
    literal = literals(probe, [hostile])[0]
    assert typst_reads(literal) == hostile
    # the document around it still compiles as one string argument
    pdf = typst.compile(f"#let s = {literal}\n#s\n".encode(), format="pdf")
    assert pdf.startswith(b"%PDF")
