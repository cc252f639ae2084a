"""The local engine's hash tables (engines/local/tables.py), checked against a dict on generated
data."""

from __future__ import annotations

import numpy as np

from copytrace.engines.local.tables import EMPTY_SLOT, first_exact, rehash_exact, table_size


def test_first_exact_points_copies_at_the_first_document() -> None:
    rng = np.random.default_rng(3)
    n = 5000
    texts = rng.integers(0, 800, size=n)
    exact = np.stack([texts * 7919 + 1, texts * 104729 + 3], axis=1).astype(np.uint64)
    exact[10, 0] = exact[11, 0]  # same first half, other second half: not a copy
    n_tokens = rng.integers(0, 4, size=n).astype(np.int32)
    table = np.full(table_size(0), EMPTY_SLOT, dtype=np.int32)
    rep = np.empty(n, dtype=np.int32)
    distinct = 0
    for start in range(0, n, 611):
        if 2 * (distinct + 611) > table.shape[0]:  # grown as the engine grows it
            larger = np.full(table_size(distinct + 611), EMPTY_SLOT, dtype=np.int32)
            rehash_exact(table, larger, exact)
            table = larger
        distinct += first_exact(table, exact, n_tokens, start, rep[start : start + 611])
    first: dict[tuple[int, int], int] = {}
    for d in range(n):
        if n_tokens[d] == 0:
            assert rep[d] == d
            continue
        assert rep[d] == first.setdefault(tuple(exact[d].tolist()), d)
