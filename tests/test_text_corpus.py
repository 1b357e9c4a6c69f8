"""No text is lost: every word of <text> in the real TEI files of ../shared/corpus
appears in the plain text export.

Expected words come straight from the TEI with lxml, not from our stylesheets: the
text of every <text>, minus what the policy legitimately leaves out of the reading
text (the rejected readings of <choice> and <app>, a gap's <desc>, the metadata the
common layer classifies as skipped) and minus notes (exported with --notes none, so
no note markers split words; the letters of textual notes after a word, "word[a]",
are taken out of the output before it is tokenised). An inline element standing on a
line of its own (an address line, a letterhead: the common layer's @te:own-line) is
set apart like a block. Both sides are tokenised the same way (\\w+ after NFC;
the editorial signs [ ] ⟦ ⟧ … [?] removed on both sides, since the export adds them
inside words, as in wo[rd]). The check is multiset containment: each word occurs in
the output at least as often as in the source (the title block only adds words).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import pytest
from lxml import etree

from conftest import CORPUS, corpus_params, needs_shared
from tei_edition import resources
from tei_edition.errors import XmlSyntaxError
from tei_edition.publish.formats.text import render
from tei_edition.xml.parse import TEI_NS, parse_file

T = f"{{{TEI_NS}}}"
JOIN = "\ufdd0"
# a gap's sign with its reason in words ("[… 2 characters illegible]") is the
# edition's, like the other signs
SIGNS = re.compile(r"\[…[^\]]*\]|\[\?\]|[\[\]⟦⟧…]")
WORD = re.compile(r"\w+")
CHOICE_PREFERENCE = ("corr", "reg", "expan", "ex")


def _policy_list(name: str) -> set[str]:
    """A list of element names declared in xslt/common/classify.xsl."""
    source = (resources.xslt_dir() / "common" / "classify.xsl").read_text(encoding="utf-8")
    match = re.search(rf'name="te:{name}"[^>]*select="(.*?)"', source, re.S)
    return set(re.findall(r"'([A-Za-z]+)'", match.group(1)))


SKIPPED = _policy_list("skipped")
BLOCKS = _policy_list("blocks")
LINE_CONTAINERS = _policy_list("line-containers")
BLOCK_PARENTS = {"body", "front", "back", "div", "div1", "div2", "div3", "div4", "div5",
                 "div6", "div7", "sp", "lg", "list", "listBibl", "opener", "closer",
                 "postscript", "text", "group", "floatingText", "cit", "castList", "entry",
                 "sense", "titlePage"}
BREAKS = {"lb", "pb", "cb", "gb"}


def without_letters(text: str) -> str:
    """The text without the letters of its textual notes: each "[a]" after the last
    word of a lemma listed as "[a] lemma] ..." (a source's own "Czecho-Slovak[s]"
    stays)."""
    entries = set(re.findall(r"^ *\[([a-z]{1,3})\] (.*?)\] ", text, re.M))
    before = None
    while before != text:  # letters may follow each other (nested apps): until stable
        before = text
        text = _strip_letters(text, entries)
    return text


def _strip_letters(text: str, entries) -> str:
    for letter, lemma in entries:
        last = lemma.split()[-1] if lemma.split() else ""
        if last and last != "∅":
            for sign in ("", "[?]", "]", "⟧"):  # after the sign closing the lemma, if any
                text = text.replace(f"{last}{sign}[{letter}]", f"{last}{sign}")
        else:
            text = re.sub(rf"(?<=\S)\[{letter}\](?=\s|$)", "", text)
    return text


def words(text: str) -> list[str]:
    return WORD.findall(SIGNS.sub("", unicodedata.normalize("NFC", text)))


def _local(el) -> str:
    return etree.QName(el).localname


def _tei(el, *names) -> bool:
    qname = etree.QName(el)
    return qname.namespace == TEI_NS and (not names or qname.localname in names)


NAMES = {"persName", "placeName", "geogName", "settlement", "country", "region", "bloc",
         "district", "orgName", "name", "rs"}


def _cross_reference(el) -> bool:
    """A labelled link inside a name to another document or its commentary: the common
    layer sets it after the name as the editors' ("Anfall [→ Erkrankung Eschers]")."""
    parent, target = el.getparent(), " ".join((el.get("target") or "").split())
    return (_tei(el, "ref") and parent is not None and _tei(parent) and _local(parent) in NAMES
            and bool("".join(el.itertext()).strip()) and bool(target)
            and not re.match(r"(#|https?:|mailto:)", target))


def _set_apart(el) -> bool:
    """Whether the export separates the element from its neighbours (a block, or an
    editors' cross-reference)."""
    if _tei(el) and _local(el) in BLOCKS or _cross_reference(el):
        return True
    parent = el.getparent()
    loose = parent is not None and any((t or "").strip() for t in [parent.text] + [c.tail for c in parent])
    return (parent is not None and _local(parent) in BLOCK_PARENTS | LINE_CONTAINERS and not loose) or any(
        isinstance(c.tag, str) and _tei(c) and _local(c) in BLOCKS for c in el)


def _shown(el) -> list:
    children = [c for c in el if isinstance(c.tag, str)]
    if _tei(el, "choice"):
        for name in CHOICE_PREFERENCE:
            for child in children:
                if _tei(child, name):
                    return [child]
        return children[:1]
    lem = [c for c in children if _tei(c, "lem")] or [c for c in children if _tei(c, "rdg", "rdgGrp")]
    return lem[:1]


def _walk(el, out: list[str]) -> None:
    if _tei(el) and (_local(el) in SKIPPED or _local(el) == "note"):
        return
    if _tei(el, "desc") and _tei(el.getparent(), "gap"):
        return
    if _tei(el) and _local(el) in BREAKS:
        out.append(JOIN if el.get("break") == "no" else " ")
        return
    if _tei(el, "space"):  # a <space/> stands for whitespace
        out.append(" ")
    apart = " " if _set_apart(el) else ""
    out.append(apart + (el.text or ""))
    children = _shown(el) if _tei(el, "choice", "app") else list(el)
    for child in children:
        if isinstance(child.tag, str):  # comments and processing instructions: tail only
            _walk(child, out)
        if not _tei(el, "choice", "app"):
            out.append(child.tail or "")
    out.append(apart)


def expected_words(tree) -> list[str]:
    out: list[str] = []
    for text in tree.getroot().iter(f"{T}text"):
        if not any(_tei(a, "text") for a in text.iterancestors()):
            _walk(text, out)
    joined = re.sub(rf"\s*{JOIN}\s*", "", "".join(out))
    return words(joined)


def _readable(path):
    try:
        return parse_file(path)
    except XmlSyntaxError:
        return None  # not well-formed (one test file of the TEI Stylesheets is not)


@needs_shared(CORPUS)
@pytest.mark.parametrize("path", corpus_params())  # fast tier: one file per project
def test_every_word_of_the_text_is_exported(path):
    tree = _readable(path)
    if tree is None:
        pytest.skip("not well-formed XML")
    expected = Counter(expected_words(tree))
    text = render(tree, path, notes="none", width=72).text
    text = without_letters(text)
    missing = expected - Counter(words(text))
    assert not missing, f"{sum(missing.values())} of {sum(expected.values())} words missing: " \
                        f"{sorted(missing.items())[:20]}"
