"""Line filling (xslt/text/layout.xsl, tx:wrap) against a plain greedy filler in Python:
the same lines for any text and width, whether the stylesheet cuts them with its regular
expression or word by word (text with runs of spaces)."""

from __future__ import annotations

import json
import random

import pytest

from tei_edition import resources
from tei_edition.publish import transform
from tei_edition.xml.parse import parse_bytes

WORDS = ["a", "of", "the", "Pyongyang", "ä", "—", "Ω𝔘", "x" * 30, "supercalifragilistic",
         "it’s", "[1]", "non\u00a0breaking", "(cf.", "12.3"]


def greedy(text: str, width: int) -> list[str]:
    if width <= 0 or len(text) <= width:
        return [text]
    lines, line = [], ""
    for word in text.split(" "):
        fits = len(line) + 1 + len(word) <= width
        if line and not fits:
            lines.append(line)
        line = line + " " + word if line and fits else word
    return lines + ([line] if line else [])


@pytest.fixture(scope="module")
def wrap(tmp_path_factory):
    layout = (resources.xslt_dir() / "text" / "layout.xsl").as_uri()
    path = tmp_path_factory.mktemp("xsl") / "wrap.xsl"
    path.write_text(f"""<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
      xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tx="urn:x-tei-edition:text"
      xmlns:j="http://www.w3.org/2005/xpath-functions">
      <xsl:import href="{layout}"/>
      <xsl:param name="width" as="xs:integer" select="72"/>
      <xsl:output method="json"/>
      <xsl:template match="/">
        <xsl:sequence select="array {{ /cases/case ! array {{ tx:wrap(string(.), xs:integer(@width)) }} }}"/>
      </xsl:template>
    </xsl:stylesheet>""")

    def run(cases: list[tuple[str, int]]) -> list[list[str]]:
        from lxml import etree
        root = etree.Element("cases")
        for text, width in cases:
            etree.SubElement(root, "case", width=str(width)).text = text
        return json.loads(transform.run(path, parse_bytes(etree.tostring(root))).output)
    return run


def test_wrap_matches_a_greedy_filler(wrap):
    rng = random.Random(7)
    cases = []
    for _ in range(300):
        words = [rng.choice(WORDS) for _ in range(rng.randint(1, 40))]
        text = " ".join(words)
        if rng.random() < 0.15:  # runs of spaces (an empty table cell): the slow path
            text = text.replace(" ", "  ", 1)
        cases.append((text, rng.choice([1, 5, 10, 20, 33, 72])))
    cases += [("", 10), ("word", 0), ("x" * 50, 10), ("a b", 1), ("ab cd", 2)]
    assert wrap(cases) == [greedy(text, width) for text, width in cases]


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    """tx:layout of blocks given as <tx:b> elements, as the text format lays them out."""
    source = (resources.xslt_dir() / "text" / "layout.xsl").as_uri()
    path = tmp_path_factory.mktemp("xsl") / "layout.xsl"
    path.write_text(f"""<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
      xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tx="urn:x-tei-edition:text">
      <xsl:import href="{source}"/>
      <xsl:param name="width" as="xs:integer" select="40"/>
      <xsl:output method="text"/>
      <xsl:template match="/"><xsl:sequence select="tx:layout(/blocks/tx:b)"/></xsl:template>
    </xsl:stylesheet>""")

    def run(blocks: str) -> list[str]:
        xml = f'<blocks xmlns:tx="urn:x-tei-edition:text">{blocks}</blocks>'
        return transform.run(path, parse_bytes(xml.encode())).output.split("\n")
    return run


@pytest.mark.parametrize("indent, align", [(0, "center"), (4, "center"), (6, "right"), (3, "right")])
def test_an_aligned_underlined_block_has_its_underline_under_its_lines(layout, indent, align):
    """A centred block's lines are placed one by one within the indented width, but its
    underline was placed the old way (centred in the whole width, the indent ignored)."""
    text = "A centred heading that takes two lines here"
    lines = [ln for ln in layout(f'<tx:b group="" indent="{indent}" align="{align}" underline="-">{text}</tx:b>') if ln]
    words, rule = lines[:-1], lines[-1]
    assert len(words) == 2 and set(rule.strip()) == {"-"}, lines
    starts = [len(ln) - len(ln.lstrip()) for ln in words]
    ends = [len(ln) for ln in words]
    assert min(starts) >= indent
    # the rule is as long as the longest line and stands exactly under it
    longest = max(range(2), key=lambda i: ends[i] - starts[i])
    assert (len(rule) - len(rule.lstrip()), len(rule)) == (starts[longest], ends[longest]), lines
