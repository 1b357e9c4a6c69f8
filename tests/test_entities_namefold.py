"""Name folding: spellings that must match, and ones that must not."""

import unicodedata

import pytest
from hypothesis import given, strategies as st

from tei_edition.entities.namefold import FoldedText, compile_forms, fold, is_acronym


@pytest.mark.parametrize("a, b", [
    ("Хрущёв", "Хрущев"),
    ("Хрущёв", "ХРУЩЁВ"),
    ("Pjöngjang", "pjongjang"),
    ("Kim Il-sung", "Kim Il Sung"),
    ("Kim Il‐sung", "kim il sung"),  # U+2010 hyphen
    ("Ch’oe", "Ch'oe"),
    ("Chʼoe", "Ch'oe"),  # modifier letter apostrophe
    ("Schäfer", "SCHAFER"),
    ("Schäfer", "Scha\u0308fer"),  # decomposed ä
    ("ﬁnance", "finance"),  # ligature (compatibility form)
    ("김일성", unicodedata.normalize("NFD", "김일성")),  # Hangul as decomposed jamo
    ("  Mao \n Zedong ", "Mao Zedong"),
])
def test_spellings_fold_together(a, b):
    assert fold(a) == fold(b)


@pytest.mark.parametrize("a, b", [
    ("Khrushchev", "Chruschtschow"),  # transliterations come from the register, not guesses
    ("Kim Il Sung", "Kim Ilsung"),
    ("Puzanov", "Puzanova"),
    ("김일성", "김정일"),
])
def test_different_names_stay_apart(a, b):
    assert fold(a) != fold(b)


def test_acronyms_are_short_capitals():
    assert is_acronym("KWP") and is_acronym("CPSU") and is_acronym("SED")
    assert not is_acronym("Seoul") and not is_acronym("K") and not is_acronym("ABCDEFGH")


def test_folded_text_maps_matches_back_to_the_original():
    text = "Die Straße nach Pjöngjang, wo Scha\u0308fer und ﬁnf Leute lebten"
    folded = FoldedText(text)
    pattern = compile_forms([fold("Schäfer"), fold("Pjöngjang")])
    found = []
    for m in pattern.finditer(folded.text):
        start, end = folded.original_span(m.start(), m.end())
        found.append(text[start:end])
    assert found == ["Pjöngjang", "Scha\u0308fer"]


def test_forms_match_on_word_boundaries_only():
    pattern = compile_forms([fold("Kim"), fold("Kim Il Sung")])
    text = fold("Kimchi, Kim, Kim Il-sung and Kim's")
    assert [m.group() for m in pattern.finditer(text)] == ["kim", "kim il sung", "kim"]


@given(st.text())
def test_folding_is_idempotent_and_maps_every_offset(text):
    assert fold(fold(text)) == fold(text)
    folded = FoldedText(text)
    for i in range(len(folded.text)):
        assert 0 <= folded.to_original(i) < max(len(text), 1)
