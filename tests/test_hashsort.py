"""The bucket sort of hash values: numpy's stable argsort, on hashes and on values that are not."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrace.hashsort import hash_argsort
from copytrace.text import tokenize


def _hashes_with_runs(n: int, seed: int) -> np.ndarray:
    """Random 64-bit values drawn from n // 4 words, one word in a tenth of the places."""
    rng = np.random.default_rng(seed)
    words = rng.integers(0, 2**64 - 1, size=max(1, n // 4), dtype=np.uint64)
    values = words[rng.integers(0, words.shape[0], size=n)]
    values[: n // 10] = words[0]
    return values


@pytest.mark.parametrize("n", [0, 1, 2, 7, 511, 4096, 20_000])
def test_hashes_sort_as_numpys_stable_argsort(n: int) -> None:
    values = _hashes_with_runs(n, n)
    assert np.array_equal(hash_argsort(values), np.argsort(values, kind="stable"))


@pytest.mark.parametrize(
    "values",
    [
        np.arange(5_000, dtype=np.uint64),  # small values: all in the first bucket, in order
        np.arange(5_000, dtype=np.uint64)[::-1].copy(),  # the same, reversed: the merge sort
        np.random.default_rng(1).integers(0, 3, size=3_000).astype(np.uint64),
        np.random.default_rng(2).integers(0, 50, size=3_000).astype(np.uint64) << np.uint64(40),
        np.full(1_000, 2**63, dtype=np.uint64),
    ],
    ids=["ascending", "descending", "three-values", "shared-top-bits", "all-equal"],
)
def test_values_that_are_not_hashes_sort_stably_too(values: np.ndarray) -> None:
    assert np.array_equal(hash_argsort(values), np.argsort(values, kind="stable"))


def test_a_texts_token_hashes_sort_as_numpys_stable_argsort() -> None:
    text = " ".join(f"the word{k % 97} of the text, and the {k % 13}." for k in range(2_000))
    hashes = tokenize(text).hashes
    assert np.array_equal(hash_argsort(hashes), np.argsort(hashes, kind="stable"))


#: Hash-like values, a few repeated extremes and small values that share the first bucket.
_VALUES = st.integers(0, 2**64 - 1) | st.sampled_from([0, 1, 2**63, 2**64 - 1]) | st.integers(0, 20)


@settings(max_examples=60, deadline=None)
@given(st.lists(_VALUES, max_size=300))
def test_any_values_sort_as_numpys_stable_argsort(values: list[int]) -> None:
    array = np.array(values, dtype=np.uint64)
    assert np.array_equal(hash_argsort(array), np.argsort(array, kind="stable"))
