"""Unit tests of normalization and tokenization with offsets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from copytrace.text import normalize, tokenize


def test_words_fold_case_and_punctuation() -> None:
    assert normalize("Hello, WORLD!  Don't") == "hello world don t"


def test_nfkc_per_code_point_keeps_offsets() -> None:
    text = "Ｆｕｌｌ width"
    toks = tokenize(text)
    assert normalize(text) == "full width"
    assert [text[s:e] for s, e in zip(toks.starts, toks.ends, strict=True)] == ["Ｆｕｌｌ", "width"]


def test_cjk_and_thai_characters_are_tokens() -> None:
    assert normalize("東京タワー") == "東 京 タ ワ ー"
    assert len(tokenize("ภาษาไทย")) == 7  # Thai letters, each its own token
    assert len(tokenize("กี่")) == 1  # the two combining marks stay with their letter


def test_combining_mark_stays_in_word() -> None:
    text = "cafe\u0301 noir"
    toks = tokenize(text)
    assert text[toks.starts[0] : toks.ends[0]] == "cafe\u0301"


def test_astral_and_surrogate_offsets() -> None:
    text = "a 𝐁 \ud800 c 😀 d"
    toks = tokenize(text)
    assert [text[s:e] for s, e in zip(toks.starts, toks.ends, strict=True)] == ["a", "𝐁", "c", "d"]


def test_equal_hashes_for_equal_normalized_tokens() -> None:
    a, b = tokenize("Straße STRASSE"), tokenize("straße strasse")
    assert a.hashes.tolist() == b.hashes.tolist()


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_offsets_map_back_to_the_original_text(text: str) -> None:
    toks = tokenize(text)
    prev_end = 0
    for s, e in zip(toks.starts.tolist(), toks.ends.tolist(), strict=True):
        assert prev_end <= s < e <= len(text)
        piece = text[s:e]
        assert piece[0].isalnum()
        prev_end = e
    assert len(toks.hashes) == len(toks)
