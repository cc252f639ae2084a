"""Unit tests of banding and candidate pairs (copytrace.lsh), each checked against the plain
Python it replaces (a brute-force banding, a dict of shared fingerprints, a sort)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import copytrace.lsh as lsh
from copytrace import Settings
from copytrace.lsh import candidate_floor, candidate_pairs, choose_banding, collision_probability


def test_banding_meets_target_recall_at_the_floor() -> None:
    s = Settings()
    bands, rows = choose_banding(s)
    assert bands * rows <= s.num_perm
    assert collision_probability(candidate_floor(s), bands, rows) >= 0.995
    strict = Settings(containment=1.0, min_length_ratio=1.0)
    b2, r2 = choose_banding(strict)
    assert r2 > 1 and collision_probability(0.8, b2, r2) >= 0.995


def test_giant_bucket_links_to_head_instead_of_all_pairs() -> None:
    sig = np.tile(np.arange(128, dtype=np.uint64), (500, 1))  # 500 identical signatures
    c = candidate_pairs(sig, Settings(max_bucket=10, bands=128, rows=1))
    assert c.pairs.shape[0] == 499
    assert set(c.pairs[:, 0].tolist()) == {0}
    small = candidate_pairs(sig[:5], Settings(max_bucket=10, bands=128, rows=1))
    assert small.pairs.shape[0] == 10


def _brute_candidates(sig: np.ndarray, bands: int, rows: int, max_bucket: int) -> set[tuple]:
    pairs: set[tuple[int, int]] = set()
    for b in range(bands):
        buckets: dict[bytes, list[int]] = {}
        for i, row in enumerate(sig[:, b * rows : (b + 1) * rows]):
            buckets.setdefault(row.tobytes(), []).append(i)
        for members in buckets.values():
            if len(members) > max_bucket:
                pairs.update((members[0], m) for m in members[1:])
            else:
                pairs.update(itertools.combinations(members, 2))
    return pairs


@pytest.mark.parametrize(("bands", "rows", "dtype"), [(4, 2, np.uint32), (8, 1, np.uint64)])
def test_candidate_pairs_match_brute_force_banding(bands: int, rows: int, dtype: type) -> None:
    # 8 bands of one row take two passes of BANDS_PER_PASS, and their many pairs outgrow the
    # kernel's first buffer.
    rng = np.random.default_rng(11)
    for _ in range(5):
        sig = rng.integers(0, 6, size=(400, 8)).astype(dtype)
        settings = Settings(num_perm=8, bands=bands, rows=rows, max_bucket=int(rng.integers(2, 40)))
        found = lsh.candidate_pairs(sig, settings)
        expected = sorted(_brute_candidates(sig, bands, rows, settings.max_bucket))
        assert [tuple(p) for p in found.pairs.tolist()] == expected


def _brute_passages(h: np.ndarray, d: np.ndarray, s: Settings) -> dict[tuple[int, int], int]:
    docs_of: dict[int, set[int]] = {}
    for hash_, doc in zip(h.tolist(), d.tolist(), strict=True):
        docs_of.setdefault(hash_, set()).add(doc)
    shared: dict[tuple[int, int], int] = {}
    for docs in docs_of.values():
        if len(docs) <= s.max_fingerprint_df:
            for pair in itertools.combinations(sorted(docs), 2):
                shared[pair] = shared.get(pair, 0) + 1
    return {p: k for p, k in shared.items() if k >= s.passage_min_fingerprints}


@pytest.mark.parametrize("chunk", [1, 7, 1 << 22])
def test_passage_candidates_match_brute_force(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(lsh, "PAIR_CHUNK", chunk)
    rng = np.random.default_rng(5)
    n = 300
    fp_doc = np.sort(rng.integers(0, n, size=6000)).astype(np.int32)
    fp_hash = rng.integers(0, 900, size=6000).astype(np.uint64)
    fp_hash[::50] = 7  # one fingerprint in very many documents: ignored
    settings = Settings(max_fingerprint_df=20, passage_min_fingerprints=2)
    expected = _brute_passages(fp_hash, fp_doc, settings)
    found = lsh.passage_candidates(fp_hash.copy(), fp_doc.copy(), n, settings)
    got = dict(zip(map(tuple, found.pairs.tolist()), found.shared.tolist(), strict=True))
    assert got == expected
    assert list(got) == sorted(got)


def test_sort_postings_orders_by_hash_then_document() -> None:
    rng = np.random.default_rng(2)
    h = rng.integers(0, 50, size=20000).astype(np.uint64)
    h[:3000] = 9  # a long run of one hash
    d = rng.integers(0, 1000, size=20000).astype(np.int32)
    order = np.lexsort((d, h))
    expected_h, expected_d = h[order], d[order]
    lsh.sort_postings(h, d)
    assert np.array_equal(h, expected_h) and np.array_equal(d, expected_d)
