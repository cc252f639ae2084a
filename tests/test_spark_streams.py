"""Buckets and fingerprints streamed through Arrow batches make the local kernels' pairs.

The Spark engine sorts band keys and fingerprint postings by key within partitions and makes
each key's pairs as its rows stream past, in batches that may cut a key's rows anywhere. Here
the executor functions run on made-up sorted rows cut at random places, against the rules of
`lsh._emit_bucket` and `lsh.passage_candidates` written out plainly.
"""

from __future__ import annotations

import itertools
import random

import pyarrow as pa
import pytest

from copytrace.engines.spark.banding import bucket_pairs
from copytrace.engines.spark.passages import PAIR, SHARED, fingerprint_runs


def _batches(rows: list[tuple[int, ...]], names: list[str], rng: random.Random) -> list:
    """Sorted rows as record batches cut at random places."""
    cuts = sorted(rng.sample(range(1, len(rows)), min(len(rows) - 1, rng.randint(0, 8))))
    bounds = [0, *cuts, len(rows)]
    return [
        pa.RecordBatch.from_arrays(
            [pa.array([r[c] for r in rows[lo:hi]], pa.int64()) for c in range(len(names))],
            names=names,
        )
        for lo, hi in itertools.pairwise(bounds)
    ]


@pytest.mark.parametrize("seed", range(6))
def test_buckets_make_the_local_kernels_pairs(seed: int) -> None:
    rng = random.Random(seed)
    cap = 4
    rows = []
    for bucket in range(60):
        size = rng.choice([1, 1, 1, 2, 3, 5, 40, rng.randint(1, 9)])
        rows += [(bucket % 3, bucket * 7919 - 100, d) for d in rng.sample(range(500), size)]
    rows.sort()
    expected, large = set(), []
    for _, group in itertools.groupby(rows, key=lambda r: r[:2]):
        docs = [r[2] for r in group]
        if len(docs) > cap:  # a large bucket links its members to its first (smallest) one
            head = min(docs)
            expected |= {(head, d) for d in docs if d != head}
            large.append(len(docs))
        else:
            expected |= set(itertools.combinations(sorted(docs), 2))
    found, found_large = set(), []
    for batch in bucket_pairs(iter(_batches(rows, ["pass", "bkey", "doc"], rng)), cap):
        for i, j in zip(batch.column("i").to_pylist(), batch.column("j").to_pylist(), strict=True):
            if i == -1:
                found_large.append(j)
            else:
                found.add((i, j))
    assert large and found == expected
    assert sorted(found_large) == sorted(large)


@pytest.mark.parametrize("seed", range(6))
def test_fingerprints_make_the_local_kernels_pairs_and_frequencies(seed: int) -> None:
    rng = random.Random(seed)
    max_df = 5
    postings = set()
    for h in range(60):
        size = rng.choice([1, 1, 2, 3, 6, 30, rng.randint(1, 8)])
        for doc in rng.sample(range(200), size):
            group = doc % 7 if doc % 3 else -1 - doc  # some documents share a thread
            for _ in range(rng.choice([1, 1, 2])):  # a fingerprint twice in one document
                postings.add((h * 1000003 - 5000 + _, doc, group))
    rows = sorted(postings)
    shared, pairs = {}, []
    for h, group in itertools.groupby(rows, key=lambda r: r[0]):
        found = list(group)
        docs = sorted({r[1] for r in found})
        if len(docs) >= 2:
            shared[h] = (len({r[2] for r in found}), len(docs))
            if len(docs) <= max_df:
                pairs += list(itertools.combinations(docs, 2))
    got_shared, got_pairs = {}, []
    for batch in fingerprint_runs(iter(_batches(rows, ["h", "doc", "grp"], rng)), max_df):
        columns = (batch.column(n).to_pylist() for n in ("kind", "a", "b", "c"))
        for kind, a, b, c in zip(*columns, strict=True):
            if kind == SHARED:
                got_shared[a] = (b, c)
            else:
                assert kind == PAIR
                got_pairs.append((a, b))
    assert shared and got_shared == shared
    assert sorted(got_pairs) == sorted(pairs)
