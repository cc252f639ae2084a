"""Unit tests of normalization, tokenization with offsets, and sentence splitting."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sentence_helpers import _sentences, _text

import copytrace.text as text_module
from copytrace.text import (
    CAPITAL,
    FIGURE_PART,
    ITEM_END,
    LINE_START,
    MAX_SENTENCE_TOKENS,
    NAME,
    NUMBER,
    SHOUTED,
    normalize,
    sentence_ids,
    token_shapes,
    tokenize,
)


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


def test_ascii_table_agrees_with_the_character_tables() -> None:
    classes, fold = text_module.char_tables()
    ascii_fold = text_module.ASCII_FOLD
    for c in range(128):
        assert (ascii_fold[c] != 0) == (classes[c] == text_module.WORD)
        assert classes[c] in (text_module.WORD, text_module.SEPARATOR)
        if ascii_fold[c]:
            assert ascii_fold[c] == fold[c]


def _fnv_hashes(text: str, starts: np.ndarray, ends: np.ndarray) -> list[int]:
    """Token hashes the slow way: FNV-1a over folded code points, then splitmix64."""
    _, fold = text_module.char_tables()
    mask, out = (1 << 64) - 1, []
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        h = int(text_module.FNV_OFFSET)
        for ch in text[s:e]:
            h = ((h ^ int(fold[ord(ch)])) * int(text_module.FNV_PRIME)) & mask
        h = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & mask
        h = ((h ^ (h >> 27)) * 0x94D049BB133111EB) & mask
        out.append(h ^ (h >> 31))
    return out


@pytest.mark.parametrize("tail", ["", " x", "é", "e\u0301z", "\u00a0y", "-Q9", "東"])
def test_word_hashes_of_every_length_next_to_any_character(tail: str) -> None:
    # Words shorter and longer than the 8-byte steps of the ASCII path, ending at ASCII and at
    # other characters, at the end of the text and before it.
    rng = random.Random(len(tail))
    for n in range(1, 26):
        word = "".join(rng.choice("aZ09qM") for _ in range(n))
        for text in (word + tail, "A " + word + tail + " tail words", word):
            toks = tokenize(text)
            pieces = [text[s:e] for s, e in zip(toks.starts, toks.ends, strict=True)]
            assert "".join(pieces) == "".join(ch for ch in text if ch.isalnum() or ch == "\u0301")
            assert toks.hashes.tolist() == _fnv_hashes(text, toks.starts, toks.ends)


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


# Token shapes: figures, names inside sentences, capitalized tokens.


def _shapes(text: str) -> list[tuple[str, int]]:
    t = tokenize(text)
    shapes = token_shapes(text, t.starts, t.ends, sentence_ids(text, t.starts, t.ends))
    assert shapes.dtype == np.uint8 and shapes.shape == t.starts.shape
    words = [text[s:e] for s, e in zip(t.starts.tolist(), t.ends.tolist(), strict=True)]
    return list(zip(words, (x & ~LINE_START for x in shapes.tolist()), strict=True))


def test_shape_bits_are_distinct() -> None:
    bits = {NUMBER, NAME, CAPITAL, SHOUTED, FIGURE_PART, LINE_START, ITEM_END}
    assert bits == {1, 2, 4, 8, 16, 32, 64}


def test_tokens_that_end_a_list_item() -> None:
    text = "Members: FAO, G-77, IMF (observer); WHO and 3,400 units, 12, 5 or 2.75 PCT"
    t = tokenize(text)
    shapes = token_shapes(text, t.starts, t.ends, sentence_ids(text, t.starts, t.ends))
    ending = [text[s:e] for s, e, x in zip(t.starts, t.ends, shapes, strict=True) if x & ITEM_END]
    # Not "3": the comma in "3,400" is inside a figure; nor the last token, with nothing after.
    assert ending == ["FAO", "77", "observer", "units", "12"]


def test_tokens_that_start_a_line() -> None:
    text = "  > Who won\n> the pennant?\n\n  It was\r\nthe Pirates, said Pell"
    t = tokenize(text)
    shapes = token_shapes(text, t.starts, t.ends, sentence_ids(text, t.starts, t.ends))
    starting = [
        text[s:e] for s, e, x in zip(t.starts, t.ends, shapes, strict=True) if x & LINE_START
    ]
    assert starting == ["Who", "the", "It", "the"]


def test_words_in_capitals_and_parts_of_figures() -> None:
    assert _shapes("Sales of NATO rose 3,400 units, 12, 5 and 2.75 PCT") == [
        ("Sales", CAPITAL),
        ("of", 0),
        ("NATO", NAME | CAPITAL | SHOUTED),
        ("rose", 0),
        ("3", NUMBER),
        ("400", NUMBER | FIGURE_PART),  # one figure: a thousands separator
        ("units", ITEM_END),
        ("12", NUMBER | ITEM_END),
        ("5", NUMBER),  # a comma and a space: another figure
        ("and", 0),
        ("2", NUMBER),
        ("75", NUMBER | FIGURE_PART),
        ("PCT", NAME | CAPITAL | SHOUTED),
    ]


def test_figures_names_and_capitals() -> None:
    text = "The mayor of Velbrook, Ina Kestrel, paid 4.5m crowns for 3rd place in Q3. I agree."
    assert _shapes(text) == [
        ("The", CAPITAL),  # starts a sentence: capitalized, not a name
        ("mayor", 0),
        ("of", 0),
        ("Velbrook", NAME | CAPITAL | ITEM_END),
        ("Ina", NAME | CAPITAL),
        ("Kestrel", NAME | CAPITAL | ITEM_END),
        ("paid", 0),
        ("4", NUMBER),
        ("5m", NUMBER | FIGURE_PART),  # any digit makes a figure; "4.5m" is one figure
        ("crowns", 0),
        ("for", 0),
        ("3rd", NUMBER),
        ("place", 0),
        ("in", 0),
        ("Q3", NUMBER | NAME | CAPITAL),
        ("I", CAPITAL),
        ("agree", 0),
    ]


def test_single_capitals_are_initials_not_names() -> None:
    assert _shapes("met A Pell and J Orrin") == [
        ("met", 0),
        ("A", CAPITAL),
        ("Pell", NAME | CAPITAL),
        ("and", 0),
        ("J", CAPITAL),
        ("Orrin", NAME | CAPITAL),
    ]


def test_names_after_a_line_wrap_or_a_sentence_break() -> None:
    # A line break alone wraps a sentence: the word after it is inside the sentence.
    assert _shapes("Harbour\nmaster Pell met\nTomas") == [
        ("Harbour", CAPITAL),
        ("master", 0),
        ("Pell", NAME | CAPITAL),
        ("met", 0),
        ("Tomas", NAME | CAPITAL),
    ]
    # A stop or a blank line starts a sentence: its first word is not a name.
    for text in ("They met. Tomas left", "They met\n\nTomas left", "They met\r\n\r\nTomas left"):
        assert _shapes(text)[2] == ("Tomas", CAPITAL)


def test_shapes_of_other_scripts() -> None:
    assert _shapes("Встреча в Москве. Ärger mit Öl und ǅemal") == [
        ("Встреча", CAPITAL),
        ("в", 0),
        ("Москве", NAME | CAPITAL),
        ("Ärger", CAPITAL),
        ("mit", 0),
        ("Öl", NAME | CAPITAL),
        ("und", 0),
        ("ǅemal", NAME | CAPITAL),  # a title-case letter
    ]
    # Characters of scripts without case are neither names nor capitals; digits of other
    # scripts are figures.
    assert _shapes("東京 ٣٤ ४२") == [("東", 0), ("京", 0), ("٣٤", NUMBER), ("४२", NUMBER)]


def test_shapes_of_no_tokens() -> None:
    assert _shapes("") == [] and _shapes(" ... ") == []


def test_shapes_carry_sentences_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    words = ["Velbrook", "harbour", "Pell", "12", "I", "tide", "Q3", "mill", "A", "Ostmere"]
    stops = [" ", " ", " ", ". ", "\n", "\n\n", ", "]
    text = "".join(rng.choice(words) + rng.choice(stops) for _ in range(400))
    t = tokenize(text)
    sentences = sentence_ids(text, t.starts, t.ends)
    whole = token_shapes(text, t.starts, t.ends, sentences)
    assert {int(s) for s in whole} >= {0, NUMBER, CAPITAL, NAME | CAPITAL, NUMBER | NAME | CAPITAL}
    assert np.any(whole & ITEM_END)  # list items end at chunk boundaries too
    for chunk in (1, 2, 3, 7):  # chunk boundaries at and inside sentences
        monkeypatch.setattr(text_module, "SENTENCE_CHUNK_TOKENS", chunk)
        assert token_shapes(text, t.starts, t.ends, sentences).tolist() == whole.tolist()


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("一二。三四", [0, 0, 1, 1]),  # an ideographic full stop needs no space
        ("one two！three", [0, 0, 1]),
        ("one two\r\n\r\nthree", [0, 0, 1]),  # a blank line in CRLF text
        ("one two\n \t\nthree", [0, 0, 1]),  # a line of white space is blank
        ("one two\n   three", [0, 0, 0]),  # an indented line continues
        ("one two.\u00a0Three", [0, 0, 1]),  # a no-break space after a stop
        ("Go now!\u00bb Then", [0, 0, 1]),  # a closing guillemet after a stop
        ("He said \u201cgo.\u201d Then", [0, 0, 0, 1]),
        ("Wait...what now", [0, 0, 0]),  # no space after the stops: no break
        ("Is it (really?) so", [0, 0, 0, 1]),
    ],
)
def test_where_sentences_end(text: str, ids: list[int]) -> None:
    assert _ids(text) == ids
