"""The index's chrome rules are the engine's: same lines counted, same ranges blanked."""

from __future__ import annotations

import hashlib
import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrace.boilerplate import (
    BOX_MARK,
    MAX_CORPUS_LINE_WORDS,
    MAX_LINE_CHARS,
    NOTHING,
    QUOTE_MARKS,
    SIGNATURE_LINES,
    Blanks,
    BoilerplateFinder,
    Provenance,
    only_blanks,
)
from copytrace.engines.local.corpus import provenance_of
from copytrace.index.chrome import (
    LineBatch,
    blanks_of,
    blanks_of_texts,
    counted_keys,
    counted_keys_of,
    groups_of,
    in_chrome,
    line_key,
    threshold,
    thresholds,
)
from copytrace.index.core import joined_ranges
from copytrace.index.linekeys import blake2b_64
from copytrace.messages import message_parts


def _corpus() -> list[tuple[str, dict[str, str]]]:
    docs = []
    for k in range(8):
        body = f"Story {k} has words of its own, w{k}a w{k}b w{k}c, and a long sentence. " * 3
        page = f"SITE MENU | Home | World\n{body}\nShare this story\nCopyright Site {k % 2}\n"
        docs.append((page, {"url": f"https://site{k % 2}.example/{k}"}))
        docs.append((f"Reuter\n{body}\nBriefly noted\n", {}))
        post = (
            f"From: writer{k % 2}@example.org (Writer)\nSubject: Re: topic {k}\n"
            f"Organization: Example\n\nIn article <x{k}@y>, someone writes:\n> quoted {k}\n"
            f"My own reply number {k} with its own words.\n\n-- \nWriter {k % 2}\n"
            "Example Org, phone 555\n"
        )
        docs.append((post, {}))
    return docs


def test_blanks_equal_the_engines_once_counts_are_in() -> None:
    docs = _corpus()
    finder = BoilerplateFinder(3)
    counts: dict[int, int] = {}
    seen: set[tuple[object, str]] = set()
    provenances = []
    for text, meta in docs:
        parts = message_parts(text)
        provenance = provenance_of(meta, parts, None)
        provenances.append((provenance, parts))
        finder.add(provenance, text, post=parts is not None)
        if (provenance, text) in seen:
            continue
        seen.add((provenance, text))
        for key in counted_keys(text, provenance, parts is not None):
            counts[key] = counts.get(key, 0) + 1
    finder.finish()
    chrome = {k for k, n in counts.items() if n >= threshold(k, 3)}
    engine = finder.blanks_many([p for p, _ in provenances], [t for t, _ in docs])
    mine = [
        blanks_of(text, p, None if parts is None else parts.ranges, chrome)
        for (text, _), (p, parts) in zip(docs, provenances, strict=True)
    ]
    assert [b.runs for b in mine] == [b.runs for b in engine]
    assert sum(bool(b.runs) for b in mine) == len(docs)  # every kind of chrome was found
    assert finder.n_marked == len(chrome)


# -- the compiled line keys against the rules written plainly -------------------------------


def _reference_counted_keys(text: str, provenance: Provenance, post: bool) -> list[int]:
    """`counted_keys` as plain Python (the index's rule before the kernel)."""
    all_lines = [x.strip() for x in text.lower().splitlines()]
    tail = set(all_lines[-SIGNATURE_LINES:])
    lines = set(all_lines)
    lines.discard("")
    keys: set[int] = set()
    for g in groups_of(provenance, post):
        keys.update(
            line_key(g, x)
            for x in lines
            if len(x) <= MAX_LINE_CHARS
            and (not g.short_only or len(x.split()) <= MAX_CORPUS_LINE_WORDS)
            and (not g.tail_only or x in tail)
            # A post's quoted lines count nowhere, but a box's border in its signature tail.
            and (not post or x[:1] not in QUOTE_MARKS or (g.tail_only and x[:1] == BOX_MARK))
        )
    return sorted(keys)


def _reference_blanks_of(
    text: str,
    provenance: Provenance,
    post_ranges: list[tuple[int, int]] | None,
    chrome: set[int],
) -> Blanks:
    """`blanks_of` as plain Python (the rule before the kernel)."""
    runs: list[tuple[int, int]] = []
    n_lines = 0
    groups = groups_of(provenance, post_ranges is not None)
    lines = text.splitlines(keepends=True)
    first_tail = len(lines) - SIGNATURE_LINES
    at = 0
    for k, raw in enumerate(lines):
        start, at = at, at + len(raw)
        if len(raw) > MAX_LINE_CHARS + 2:
            continue
        line = raw.strip().lower()
        if not any(
            line_key(g, line) in chrome for g in groups if not g.tail_only or k >= first_tail
        ):
            continue
        n_lines += 1
        if runs and runs[-1][1] == start:
            runs[-1] = (runs[-1][0], at)
        else:
            runs.append((start, at))
    if post_ranges is None and not runs:
        return NOTHING
    if post_ranges is not None:
        runs = joined_ranges([*runs, *post_ranges])
    if only_blanks(text, runs):
        return NOTHING
    return Blanks(runs, n_lines, post_ranges is not None)


_TRICKY = [
    "",
    "\n",
    "one line without a break",
    "a\r\nb\rc\x0bd\x0ce\x1cf\x1dg\x1eh\x85i\u2028j\u2029k\n",
    "  İstanbul  \nΣΑΣ ΟΔΟΣ\nσ and Σ\n" * 3,
    "x" * 299 + "\n" + "y" * 300 + "\n" + "z" * 301 + "\n" + "é" * 300 + "\r\n" + "w" * 302,
    "\ud800 a lone surrogate\n> quoted line\n|pipe\n:colon\n  \t \n",
    "😀 An Emoji LINE\nÅngström ÉCOLE Straße ﬁ\n" * 8,
    "Menu | Home\nWORDS " * 20 + "\n-- \nSignature Line\nwww.example.org\n",
    "\u00a0\u3000 wide spaces \u2003\n\u1680ogham\u200a\n",
    # A boxed signature below quoted and own lines: its '|' lines count in the tail only.
    "| quoted early\n> quoted\n"
    + "body line\n" * 14
    + "+---+\n| Name | Phone |\n| Town |\n+---+\n",
]


def _providers() -> list[tuple[Provenance, bool]]:
    return [
        (Provenance(None, None), False),
        (Provenance("example.com", None), False),
        (Provenance(None, "writer@example.org"), True),
        (Provenance("news.example", "writer@example.org"), True),
        (Provenance("news.example", "Zoë"), False),
    ]


def _check_same(texts: list[str]) -> None:
    for provenance, post in _providers():
        n = len(texts)
        mine = counted_keys_of(texts, [provenance] * n, [post] * n)
        reference = [_reference_counted_keys(t, provenance, post) for t in texts]
        assert mine == reference
        # Chrome: every other counted key, so that some lines of each text are chrome.
        chrome = {k for keys in reference for k in keys[::2]}
        parts = [[(0, min(3, len(t)))] if post else None for t in texts]
        blanks = blanks_of_texts(texts, [provenance] * n, parts, chrome)
        assert blanks == [
            _reference_blanks_of(t, provenance, r, chrome)
            for t, r in zip(texts, parts, strict=True)
        ]
        assert blanks_of_texts(texts, [provenance] * n, parts, set()) == [
            _reference_blanks_of(t, provenance, r, set()) for t, r in zip(texts, parts, strict=True)
        ]


def test_compiled_line_keys_equal_the_plain_rule_on_tricky_texts() -> None:
    _check_same(_TRICKY)
    # Both ways of keying happen: the kernel's, and Python's for a capital sigma or a dotted I.
    n = len(_TRICKY)
    table = LineBatch.of(_TRICKY, [Provenance("h", "a")] * n, [True] * n).table
    assert table.keyed.any()
    assert (~table.keyed & (table.chars > 0) & (table.chars <= MAX_LINE_CHARS)).any()


_CHARS = st.sampled_from(list("aAbZ zé\tÉ\n\r\x0b\x85\u2028ΣσİıßĲ>|:-😀\u3000.,0"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(_CHARS, max_size=400), min_size=1, max_size=6))
def test_compiled_line_keys_equal_the_plain_rule_on_any_text(texts: list[str]) -> None:
    _check_same(texts)


def test_blake2b_64_is_hashlibs() -> None:
    rng = random.Random(7)
    h, m = np.empty(8, np.uint64), np.empty(16, np.uint64)
    for n in [*range(0, 260), 383, 384, 385, 1000]:
        data = bytes(rng.randrange(256) for _ in range(n))
        want = int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little", signed=True)
        room = np.frombuffer(data + bytes(256), dtype=np.uint8).copy()
        assert int(blake2b_64(room, n, h, m)) == want


def test_thresholds_and_chrome_membership_of_arrays_agree_with_one_key_at_a_time() -> None:
    rng = np.random.default_rng(5)
    keys = rng.integers(-(2**63), 2**63 - 1, size=500, dtype=np.int64)
    for min_docs in (1, 2, 3, 5, 40):
        assert thresholds(keys, min_docs).tolist() == [
            threshold(k, min_docs) for k in keys.tolist()
        ]
    chrome = set(keys[::3].tolist()) | {1, 2, 3}
    for ask in (keys, keys[:5], np.empty(0, dtype=np.int64)):  # a sort, or the set itself
        assert in_chrome(ask, chrome).tolist() == [k in chrome for k in ask.tolist()]
