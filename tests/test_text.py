"""Unit tests of normalization, tokenization with offsets, and sentence splitting."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sentence_helpers import _sentences, _text

import copytrace.text as text_module
from copytrace.text import MAX_SENTENCE_TOKENS, normalize, sentence_ids, tokenize


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


def _ids(text: str) -> list[int]:
    t = tokenize(text)
    return sentence_ids(text, t.starts, t.ends).tolist()


def test_sentences_end_at_stops_and_blank_lines_not_at_line_wraps() -> None:
    text = "One two three. Four five six! Seven\neight nine?\n\nTen eleven"
    assert _ids(text) == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3]


def test_sentence_stops_inside_tokens_or_before_quotes() -> None:
    # 3.5 is not a stop (no white space after the dot); a stop before a closing quote is.
    assert _ids('Rates rose 3.5 pct. He said "go." Then left') == [0, 0, 0, 0, 0, 1, 1, 1, 2, 2]


def test_sentence_offsets_count_characters_beyond_the_bmp() -> None:
    # An emoji is one character of the str (two UTF-16 units, four UTF-8 bytes).
    text = "Caf\u00e9 \U0001f600 ok. Next one"
    t = tokenize(text)
    ids = sentence_ids(text, t.starts, t.ends).tolist()
    words = [text[s:e] for s, e in zip(t.starts.tolist(), t.ends.tolist(), strict=True)]
    assert ids[words.index("ok")] == 0 and ids[words.index("Next")] == 1


def test_long_sentences_are_cut_into_pieces() -> None:
    text = " ".join(f"w{i}" for i in range(2 * MAX_SENTENCE_TOKENS + 5))
    ids = _ids(text)
    assert ids[0] == 0 and ids[MAX_SENTENCE_TOKENS - 1] == 0
    assert ids[MAX_SENTENCE_TOKENS] == 1 and ids[-1] == 2


def test_sentence_numbers_carry_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(2)
    text = "\n\n".join(_text(_sentences(rng, 3)) for _ in range(20)) + " Caf\u00e9 \U0001f600 end."
    t = tokenize(text)
    whole = sentence_ids(text, t.starts, t.ends)
    monkeypatch.setattr(text_module, "SENTENCE_CHUNK_TOKENS", 7)  # many chunk boundaries
    assert sentence_ids(text, t.starts, t.ends).tolist() == whole.tolist()
    assert whole[-1] == 60  # 60 made-up sentences, then the one with the emoji
