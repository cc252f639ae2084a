"""The reworded path on Spark proposes the local kernel's pairs (`sentence_sketch`).

Made-up documents with sentence keys drawn so that some keys are held by more documents than
`max_fingerprint_df`, a document holds one key in several sentences, and more pairs share keys
than the budget takes (with ties in support at the cut): the pairs Spark keeps must be those
`sentence_candidates` keeps.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from copytrace import Settings
from copytrace.sentence_sketch import (
    KEYS_PER_SENTENCE,
    keyed_sentences,
    pair_budget,
    sentence_candidates,
)


def _documents(seed: int, n: int) -> list[np.ndarray]:
    """Each document's keys, KEYS_PER_SENTENCE a sentence; popular keys recur across many."""
    rng = random.Random(seed)
    pool = [rng.getrandbits(64) for _ in range(2500)]
    docs = []
    for _ in range(n):
        sentences = rng.randint(0, 12)
        keys = [pool[min(int(rng.paretovariate(0.8)) - 1, len(pool) - 1)] if rng.random() < 0.3
                else rng.choice(pool) for _ in range(sentences * KEYS_PER_SENTENCE)]  # fmt: skip
        docs.append(np.array(keys, dtype=np.uint64))
    return docs


@pytest.mark.parametrize("seed", range(2))
def test_spark_keeps_the_local_kernels_sentence_pairs(spark: Any, seed: int) -> None:
    from copytrace.engines.spark.sentences import sentence_pairs

    n = 600
    docs = _documents(seed, n)
    settings = Settings(passages=True, reworded_candidates=True, max_fingerprint_df=6)
    counts = np.array([d.shape[0] for d in docs], dtype=np.int64)
    keys = np.concatenate(docs)
    budget = pair_budget(settings.reworded_pairs_per_document, n)
    all_codes, _ = sentence_candidates(
        keys, np.repeat(np.arange(n), counts), keyed_sentences(counts), n, 6, 10**9
    )
    assert all_codes.shape[0] > budget  # the budget cuts
    codes, _ = sentence_candidates(
        keys, np.repeat(np.arange(n), counts), keyed_sentences(counts), n, 6, budget
    )
    expected = sorted(zip((codes // n).tolist(), (codes % n).tolist(), strict=True))

    rows = [(k, d.tobytes()) for k, d in enumerate(docs)]
    found = sentence_pairs(spark.createDataFrame(rows, "key long, sks binary"), n, settings)
    got = sorted((r["i"], r["j"]) for r in found.pairs.collect())
    assert found.keys == keys.shape[0]
    assert got == expected
