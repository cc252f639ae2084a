"""Sorting 64-bit hash values: into buckets by their top bits, then each bucket on its own.

Token, gram and shingle hashes are close to uniform, so with about one bucket per value most
buckets hold one value, or one run of a repeated value (a common word), and the sort is a pass
to count and a pass to place. On a text's token hashes that is about 3x numpy's stable argsort.
A bucket of several distinct values (rare, unless the values are not hashes) is sorted with a
merge sort, so no input costs more than O(n log n).
"""

from __future__ import annotations

import numba
import numpy as np

#: At most 2**MAX_BUCKET_BITS buckets (8 MB of counts; longer arrays share buckets).
MAX_BUCKET_BITS = 20
#: A bucket is sorted by insertion while that takes at most this many moves per member (a run
#: of one repeated value and a few others), otherwise by a merge sort.
MOVES_PER_MEMBER = 4


@numba.njit(cache=True)
def hash_argsort(values: np.ndarray) -> np.ndarray:
    """`np.argsort(values, kind="stable")` of uint64 hash values, faster."""
    n = values.shape[0]
    bits = 1
    while (1 << bits) < n and bits < MAX_BUCKET_BITS:
        bits += 1
    shift = np.uint64(64 - bits)
    ends = np.zeros((1 << bits) + 1, dtype=np.int64)
    for i in range(n):
        ends[np.int64(values[i] >> shift) + 1] += 1
    for b in range(1 << bits):
        ends[b + 1] += ends[b]
    # Placing in index order keeps each bucket's indexes ascending: the sort is stable.
    order = np.empty(n, dtype=np.int64)
    for i in range(n):
        bucket = np.int64(values[i] >> shift)
        order[ends[bucket]] = i
        ends[bucket] += 1
    # Not a literal 0: `_insertion_sorted` would compile a second version for it.
    start: int = np.int64(0)  # type: ignore[assignment]
    for b in range(1 << bits):
        end = ends[b]
        if end - start > 1 and not _insertion_sorted(values, order, start, end):
            # An insertion stopped part way leaves equal values in index order, so the stable
            # merge sort of the bucket keeps the whole sort stable.
            members = order[start:end].copy()
            by_value = np.argsort(values[members], kind="mergesort")
            order[start:end] = members[by_value]
        start = end
    return order


@numba.njit(cache=True)
def _insertion_sorted(values: np.ndarray, order: np.ndarray, start: int, end: int) -> bool:
    """Sort order[start:end] by value by insertion (stable), unless that would take more than
    a few moves per member (then return False, the bucket partly sorted, its members kept)."""
    budget = MOVES_PER_MEMBER * (end - start)
    for p in range(start + 1, end):
        i = order[p]
        v = values[i]
        q = p
        while q > start and values[order[q - 1]] > v:
            order[q] = order[q - 1]
            q -= 1
            budget -= 1
        order[q] = i
        if budget < 0:
            return False
    return True
