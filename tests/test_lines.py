"""The line kernel (copytrace.lines) against Python's own str.splitlines, strip and split."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrace.boilerplate import blank
from copytrace.lines import (
    MAX_COUNTED_WORDS,
    MAX_KEYED_CHARS,
    blank_encoded,
    encode_texts,
    find_lines,
    line_key,
    text_hash,
)
from copytrace.text import char_tables

#: Every line break str.splitlines knows, every kind of white space, quote marks, characters
#: whose case folding or UTF-8 width is unusual, and lone surrogates.
BREAKS = ["\n", "\r", "\r\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
SPACES = [" ", "\t", "\x1f", "\xa0", "\u1680", "\u2003", "\u202f", "\u205f", "\u3000"]
ODD = [">", "|", ":", "İ", "ß", "Σ", "ς", "Ａ", "ﬁ", "é", "\u0301", "😀", "中", "\ud800", "\udfff"]
WORDS = ["Menu", "HOME", "word", "Share this", "a b c d e f g h i j k l"]

piece = st.one_of(
    st.sampled_from(BREAKS),
    st.sampled_from(SPACES),
    st.sampled_from(ODD),
    st.sampled_from(WORDS),
    st.text(max_size=8),
    st.integers(MAX_KEYED_CHARS - 3, MAX_KEYED_CHARS + 3).map(lambda n: "x" * n),
    st.integers(MAX_KEYED_CHARS - 3, MAX_KEYED_CHARS + 3).map(lambda n: " y" * (n // 2)),
)
texts = st.lists(piece, max_size=40).map("".join)


def reference(text: str) -> list[tuple[int, int, int, int, int, int, int]]:
    """(start, end, stop, key, length, words, quote mark) of each line, the slow way."""
    out = []
    pos = 0
    for line in text.splitlines(keepends=True):
        content = line.splitlines()[0] if line.splitlines() else ""
        x = content.strip()
        short = len(x) <= MAX_KEYED_CHARS
        out.append(
            (
                pos,
                pos + len(content),
                pos + len(line),
                line_key(content),
                len(x) if short else MAX_KEYED_CHARS + 1,
                min(len(x.split()), MAX_COUNTED_WORDS) if short else MAX_COUNTED_WORDS,
                ord(x[0]) if short and x[:1] in (">", "|", ":") else 0,
            )
        )
        pos += len(line)
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, min_size=1, max_size=6))
def test_lines_are_what_python_finds(batch: list[str]) -> None:
    buf, offsets = encode_texts(batch)
    lines = find_lines(buf, offsets)
    assert lines.first[0] == 0 and lines.first[-1] == len(lines)
    for i, text in enumerate(batch):
        found = [
            (
                int(lines.start[k]),
                int(lines.end[k]),
                int(lines.stop[k]),
                int(lines.key[k]),
                int(lines.length[k]),
                int(lines.words[k]),
                int(lines.quote[k]),
            )
            for k in range(lines.first[i], lines.first[i + 1])
        ]
        assert found == reference(text)
        same = find_lines(*encode_texts([text])).text_hashes[0]
        assert lines.text_hashes[i] == same


def test_keys_fold_case_as_the_tokenizer_does() -> None:
    _, fold = char_tables()
    assert line_key("  Share THIS story \t") == line_key("share this story")
    assert line_key("Ｍｅｎｕ") == line_key("menu") == line_key(chr(fold[ord("M")]) + "enu")
    assert line_key("share this") != line_key("share  this") != 0
    assert line_key(" \t ") == 0 and line_key("x" * (MAX_KEYED_CHARS + 1)) == 0


def test_hashes_tell_texts_apart_and_are_the_same_in_every_process() -> None:
    batch = ["same text", "same text", "same text.", "", "x" * 17, "x" * 16]
    hashes = find_lines(*encode_texts(batch)).text_hashes
    assert hashes[0] == hashes[1] and len(set(hashes[1:].tolist())) == 5
    # Fixed values: unlike Python's hash, the same in every process and on every machine.
    assert int(hashes[0]) == 6631284634009755897
    assert line_key("Share this story") == -3447622026586767472


def _text_hash_by_bytes(data: bytes) -> int:
    """The text hash by its definition: little-endian 64-bit words of the bytes, then the
    zero-padded tail, folded in one by one (a slow reference)."""
    mask = (1 << 64) - 1
    p1, p2 = 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F
    h = len(data) * p1 & mask
    whole = len(data) - len(data) % 8
    for at in range(0, whole, 8):
        h = (h ^ (int.from_bytes(data[at : at + 8], "little") * p2 & mask)) * p1 & mask
        h ^= h >> 29
    tail = int.from_bytes(data[whole:], "little")
    x = h ^ (tail * p2 & mask)
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9 & mask
    x = (x ^ (x >> 27)) * 0x94D049BB133111EB & mask
    return x ^ (x >> 31)


def test_text_hashes_read_words_at_any_offset_as_defined() -> None:
    data = bytes(random.Random(7).randrange(256) for _ in range(64))
    buf = np.frombuffer(data, dtype=np.uint8)
    for lo in range(9):  # word loads at every alignment
        for hi in range(lo, len(data) + 1, 3):
            assert int(text_hash(buf, lo, hi)) == _text_hash_by_bytes(data[lo:hi]), (lo, hi)


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_blanking_encoded_texts_is_blanking_strings(batch: list[str], rng: random.Random) -> None:
    buf, offsets = encode_texts(batch)
    runs: list[tuple[int, int]] = []
    run_first = [0]
    for text in batch:
        cuts = sorted(
            set(rng.sample(range(len(text) + 1), min(len(text) + 1, rng.choice([0, 2, 4, 6]))))
        )
        runs += [(cuts[j], cuts[j + 1]) for j in range(0, len(cuts) - 1, 2)]
        run_first.append(len(runs))
    out, out_offsets, blanked = blank_encoded(
        buf, offsets, np.array(run_first), np.array(runs, dtype=np.int64).reshape(-1, 2)
    )
    for i, text in enumerate(batch):
        mine = runs[run_first[i] : run_first[i + 1]]
        expected = blank(text, mine)
        left_whole = bool(mine) and not expected.strip()
        got = bytes(out[out_offsets[i] : out_offsets[i + 1]]).decode("utf-8", "surrogatepass")
        assert got == (text if left_whole else expected)
        assert blanked[i] == (bool(mine) and not left_whole)
