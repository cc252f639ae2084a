"""Unit tests of passage alignment: token seeds, sentence seeds, and how their passages merge."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sentence_helpers import VOCAB, WEIGHTS, _sentences, _text

import copytrace.align.sentence as sentence_aligner
from copytrace import Relation, Settings
from copytrace.align import Passage, align_tokens, multiset_dice
from copytrace.align.merge import merge_passages
from copytrace.align.sentence import sentence_index, sentence_passages, sentence_seeds
from copytrace.sketch import shingle_text
from copytrace.text import sentence_ids, tokenize
from copytrace.verify import shingle_set, verify_pair


def _reword(sents: list[list[str]], share: float, rng: random.Random) -> list[list[str]]:
    """Replace `share` of the words by other words: a spun or hand-reworded copy."""
    return [[rng.choice(VOCAB) if rng.random() < share else w for w in s] for s in sents]


def _reworded_pair(share: float, seed: int = 1) -> tuple[str, str, str, str]:
    """Two documents sharing a reworded 8-sentence passage: (a, b, passage in a, in b)."""
    rng = random.Random(seed)
    passage = _sentences(rng, 8)
    reworded = _reword(passage, share, rng)
    a_passage, b_passage = _text(passage), _text(reworded)
    a = f"{_text(_sentences(rng, 10))} {a_passage} {_text(_sentences(rng, 6))}"
    b = f"{_text(_sentences(rng, 4))} {b_passage} {_text(_sentences(rng, 12))}"
    return a, b, a_passage, b_passage


def _sets(a: str, b: str, settings: Settings) -> tuple:  # type: ignore[type-arg]
    return (
        shingle_set(shingle_text(a, settings), (0, 1)),
        shingle_set(shingle_text(b, settings), (0, 2)),
    )


def test_sentence_seeds_pair_each_sentence_with_its_reworded_partner() -> None:
    rng = random.Random(3)
    sents = _sentences(rng, 12)
    shuffled = list(reversed(_reword(sents, 0.4, rng)))
    ta, tb = tokenize(_text(sents)), tokenize(_text(shuffled))
    ia = sentence_index(ta.hashes, sentence_ids(_text(sents), ta.starts, ta.ends))
    ib = sentence_index(tb.hashes, sentence_ids(_text(shuffled), tb.starts, tb.ends))
    seeds = sentence_seeds(ia, ib)
    pairs = {(int(i), int(j)) for i, j, _ in seeds.tolist()}
    # Every seed pairs true partners, and few sentences lose theirs to the rewording.
    assert pairs <= {(i, 11 - i) for i in range(12)} and len(pairs) >= 10


def test_reworded_passage_is_found_where_token_seeds_fail() -> None:
    settings = Settings()
    a, b, a_passage, b_passage = _reworded_pair(share=0.45)
    sa, sb = _sets(a, b, settings)
    found = sentence_passages(
        sa.sentences, sb.sentences, sa.shingled.tokens, sb.shingled.tokens, 20
    )
    assert len(found) == 1
    match = verify_pair("a", sa, "b", sb, settings)
    assert match is not None and match.relation is Relation.REWRITE
    (span,) = match.spans
    truth_a = (a.index(a_passage), a.index(a_passage) + len(a_passage))
    truth_b = (b.index(b_passage), b.index(b_passage) + len(b_passage))
    for (lo, hi), (t0, t1) in (
        ((span.a_start, span.a_end), truth_a),
        ((span.b_start, span.b_end), truth_b),
    ):
        overlap = min(hi, t1) - max(lo, t0)
        assert overlap >= 0.9 * (t1 - t0) and overlap >= 0.9 * (hi - lo)


def test_unrelated_documents_in_one_language_have_no_sentence_passages() -> None:
    settings = Settings()
    rng = random.Random(11)
    for _ in range(20):
        a, b = _text(_sentences(rng, 30)), _text(_sentences(rng, 30))
        sa, sb = _sets(a, b, settings)
        assert (
            sentence_passages(
                sa.sentences, sb.sentences, sa.shingled.tokens, sb.shingled.tokens, 20
            )
            == []
        )
        assert verify_pair("a", sa, "b", sb, settings) is None


def test_a_shared_sign_off_line_is_not_a_rewrite() -> None:
    settings = Settings()
    rng = random.Random(5)
    a = _text(_sentences(rng, 10)) + "\n\nReuter"
    b = _text(_sentences(rng, 10)) + "\n\nReuter"
    sa, sb = _sets(a, b, settings)
    last = (sa.sentences.count - 1, sb.sentences.count - 1)
    seeds = {(int(i), int(j)) for i, j, _ in sentence_seeds(sa.sentences, sb.sentences).tolist()}
    assert last not in seeds  # one-word sentences are too short to seed
    assert verify_pair("a", sa, "b", sb, settings) is None


def test_short_passages_must_be_verbatim() -> None:
    rng = random.Random(9)
    quote = [rng.choices(VOCAB, WEIGHTS, k=11) for _ in range(3)]  # 33 tokens
    verbatim, reworded = _text(quote), _text(_reword(quote, 0.25, rng))
    a = f"{_text(_sentences(rng, 8))} {verbatim} {_text(_sentences(rng, 8))}"
    b = f"{_text(_sentences(rng, 8))} {verbatim} {_text(_sentences(rng, 8))}"
    c = f"{_text(_sentences(rng, 8))} {reworded} {_text(_sentences(rng, 8))}"
    settings = Settings()  # passage_min_tokens 20, rewrite_min_tokens 40
    sa, sb = _sets(a, b, settings)
    match = verify_pair("a", sa, "b", sb, settings)
    assert match is not None and match.relation is Relation.PASSAGE_REUSE
    sa, sc = _sets(a, c, settings)
    assert verify_pair("a", sa, "c", sc, settings) is None
    loose = Settings(rewrite_min_tokens=20)
    sa, sc = _sets(a, c, loose)
    match = verify_pair("a", sa, "c", sc, loose)
    assert match is not None and match.relation is Relation.REWRITE


def test_update_budget_bounds_the_work_of_huge_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    a, b, _, _ = _reworded_pair(share=0.3, seed=4)
    sa, sb = _sets(a, b, Settings())
    assert sentence_seeds(sa.sentences, sb.sentences).shape[0] >= 6
    monkeypatch.setattr(sentence_aligner, "UPDATE_BUDGET", 0)
    assert sentence_seeds(sa.sentences, sb.sentences).shape[0] == 0


def test_merge_passages_joins_overlaps_and_drops_double_claims() -> None:
    tokens_a = np.arange(100, dtype=np.uint64)
    tokens_b = np.arange(100, dtype=np.uint64)
    p = Passage(10, 40, 10, 40, 5, 1.0)
    q = Passage(30, 60, 30, 60, 3, 1.0)  # overlaps p on both sides: one passage
    r = Passage(10, 40, 70, 95, 2, 0.0)  # A's region aligned elsewhere too, matching nothing
    merged = merge_passages([r, q, p], tokens_a, tokens_b)
    assert merged == [Passage(10, 60, 10, 60, 8, 1.0)]
    assert multiset_dice(tokens_a[10:60], tokens_b[10:60]) == 1.0


def test_token_seeds_align_a_verbatim_passage_with_local_word_swaps() -> None:
    rng = random.Random(21)
    passage = rng.choices(VOCAB, WEIGHTS, k=60)
    swapped = list(passage)
    for k in range(5, 55, 10):  # swap neighbours: order-free seeds still match around them
        swapped[k], swapped[k + 1] = swapped[k + 1], swapped[k]
    a_words = rng.choices(VOCAB, WEIGHTS, k=50) + passage + rng.choices(VOCAB, WEIGHTS, k=30)
    b_words = rng.choices(VOCAB, WEIGHTS, k=20) + swapped + rng.choices(VOCAB, WEIGHTS, k=40)
    settings = Settings()
    ta, tb = tokenize(" ".join(a_words)), tokenize(" ".join(b_words))
    (p,) = align_tokens(ta.hashes, tb.hashes, settings, 40)
    assert (p.a_start, p.a_end, p.b_start, p.b_end) == (50, 110, 20, 80)
    assert p.similarity == 1.0  # the same words, some in another order


def _index_by_hand(tokens: list[int], sentence: list[int]) -> dict[str, list]:  # type: ignore[type-arg]
    """A sentence index's fields, computed the slow way."""
    counts: dict[tuple[int, int], int] = {}
    for t, s in zip(tokens, sentence, strict=True):
        counts[(t, s)] = counts.get((t, s), 0) + 1
    entries = sorted(counts)  # by token, then sentence
    n_sent = max(sentence) + 1 if sentence else 0
    by_sentence = sorted(range(len(entries)), key=lambda e: (entries[e][1], e))
    entry_first = [sum(1 for _, s in entries if s < i) for i in range(n_sent + 1)]
    first = [
        next((k for k, s in enumerate(sentence) if s >= i), len(sentence))
        for i in range(n_sent + 1)
    ]
    return {
        "tokens": [t for t, _ in entries],
        "sentence": [s for _, s in entries],
        "tf": [counts[e] for e in entries],
        "by_sentence": by_sentence,
        "entry_first": entry_first,
        "first": first,
    }


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_sentence_index_lists_each_word_of_each_sentence_once_with_its_count(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 300
    words = rng.integers(0, 2**64 - 1, size=12, dtype=np.uint64)  # few words: many repeats
    tokens = words[rng.integers(0, words.shape[0], size=n)]
    sentence = np.sort(rng.integers(0, 25, size=n)).astype(np.int32)
    sentence -= sentence[0]
    index = sentence_index(tokens, sentence)
    expected = _index_by_hand([int(t) for t in tokens], [int(s) for s in sentence])
    for name, values in expected.items():
        assert getattr(index, name).tolist() == values, name


def test_an_empty_text_has_an_empty_sentence_index() -> None:
    index = sentence_index(np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int32))
    assert index.count == 0 and index.tokens.shape == (0,) and index.first.tolist() == [0]


SEEDS_IN_A_CHILD = """
import numpy as np
from copytrace.align.sentence import sentence_index, sentence_seeds
from copytrace.text import sentence_ids, tokenize

def index(text):
    t = tokenize(text)
    return sentence_index(t.hashes, sentence_ids(text, t.starts, t.ends))

filler = " ".join(f"Filler{k} sentence number {k} stands alone here today." for k in range(8))
# The first sentence of A shares words with both sentences of B (all of B's sentences are
# touched by one row of A), and then more words with the first of them.
a = "Velbrook harbour ferries carried grain and timber past Ostmere. " + filler
b = "Velbrook harbour ferries carried grain and timber past Ostmere. Ostmere timber stays."
print(sentence_seeds(index(a), index(b))[:, :2].tolist())
"""


@pytest.mark.slow  # compiles the kernels again, with bounds checks (about 15 s)
def test_sentence_seeds_stay_within_their_arrays(tmp_path: Path) -> None:
    """Every sentence of B touched by one row of A, then again: checked by numba's bounds
    checks in a child process (compiled apart from the cached kernels)."""
    env = {**os.environ, "NUMBA_BOUNDSCHECK": "1", "NUMBA_CACHE_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", SEEDS_IN_A_CHILD], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[[0, 0]]"


def test_count_common_counts_shared_values_with_multiplicity() -> None:
    from collections import Counter

    from copytrace.align import count_common

    rng = np.random.default_rng(5)
    for _ in range(200):
        a = np.sort(rng.integers(0, 30, size=rng.integers(0, 40))).astype(np.uint64)
        b = np.sort(rng.integers(0, 30, size=rng.integers(0, 40))).astype(np.uint64)
        expected = sum((Counter(a.tolist()) & Counter(b.tolist())).values())
        assert count_common(a, b) == expected


def test_seed_join_pairs_every_position_of_each_shared_gram_but_repetitive_ones() -> None:
    from copytrace.align.token import MAX_SEED_REPEATS, _join

    rng = np.random.default_rng(6)
    for _ in range(100):
        ha = np.sort(rng.integers(0, 25, size=rng.integers(0, 60))).astype(np.uint64)
        hb = np.sort(rng.integers(0, 25, size=rng.integers(0, 60))).astype(np.uint64)
        pa, pb = rng.permutation(ha.shape[0]), rng.permutation(hb.shape[0])
        expected = [
            (int(pa[u]), int(pb[v]))
            for h in sorted(set(ha.tolist()) & set(hb.tolist()))
            if (ha == h).sum() <= MAX_SEED_REPEATS and (hb == h).sum() <= MAX_SEED_REPEATS
            for u in np.flatnonzero(ha == h)
            for v in np.flatnonzero(hb == h)
        ]
        assert [tuple(s) for s in _join(ha, pa, hb, pb).tolist()] == expected
