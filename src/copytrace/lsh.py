"""Candidate pairs from MinHash signatures by LSH banding.

A band is `rows` consecutive signature values hashed to one key; two documents whose keys agree in
any band become a candidate pair. Buckets larger than `max_bucket` (a wire story printed a
thousand times, or a template shared by a whole site) link each member to the bucket's first
member instead of making every pair, so the work stays linear in the bucket's size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from copytrace.model import Settings

#: Banding is chosen so that a pair at the candidate floor is found with at least this probability.
TARGET_RECALL = 0.995


def candidate_floor(settings: Settings) -> float:
    """Lowest Jaccard similarity the candidates must catch.

    The smaller of the near-duplicate threshold and the Jaccard of a `contained` pair at the
    smallest length ratio `min_length_ratio`: a document of relative length r, a share c of whose
    shingles lie in the other, has Jaccard c*r / (1 + r - c*r).
    """
    c, r = settings.containment, settings.min_length_ratio
    return min(settings.threshold, c * r / (1 + r - c * r))


def collision_probability(jaccard: float, bands: int, rows: int) -> float:
    """Probability that a pair of the given Jaccard similarity shares at least one band."""
    return 1.0 - (1.0 - jaccard**rows) ** bands


def choose_banding(settings: Settings) -> tuple[int, int]:
    """(bands, rows): the settings' own, or the most selective banding that meets TARGET_RECALL."""
    if settings.bands is not None and settings.rows is not None:
        return settings.bands, settings.rows
    floor = candidate_floor(settings)
    m = settings.num_perm
    best = (m, 1)
    for rows in range(1, m + 1):
        bands = m // rows
        if collision_probability(floor, bands, rows) >= TARGET_RECALL:
            best = (bands, rows)
        else:
            break
    return best


@dataclass(frozen=True, slots=True)
class Candidates:
    """Candidate pairs (row indices i < j into the signature matrix) and bucket statistics."""

    pairs: np.ndarray
    bands: int
    rows: int
    large_buckets: int


#: Bands sorted together in one pass; bounds the key array to n x BANDS_PER_PASS values.
BANDS_PER_PASS = 16


def _band_keys(signatures: np.ndarray, band: int, rows: int) -> np.ndarray:
    """One key per document for a band; the band number is mixed in so bands never collide."""
    cols = signatures[:, band * rows : (band + 1) * rows]
    key = np.full(cols.shape[0], np.uint64((0x9E3779B97F4A7C15 * (band + 1)) & (2**64 - 1)))
    for c in range(cols.shape[1]):
        key = (key ^ cols[:, c]) * np.uint64(0x100000001B3)
        key ^= key >> np.uint64(29)
    return key


@numba.njit(cache=True)
def _bucket_pairs(
    order: np.ndarray, keys_sorted: np.ndarray, max_bucket: int
) -> tuple[np.ndarray, np.ndarray, int]:
    n = order.shape[0]
    # First pass: count pairs to allocate exactly.
    total = 0
    large = 0
    i = 0
    while i < n:
        j = i + 1
        while j < n and keys_sorted[j] == keys_sorted[i]:
            j += 1
        size = j - i
        if size > max_bucket:
            total += size - 1
            large += 1
        else:
            total += size * (size - 1) // 2
        i = j
    first = np.empty(total, dtype=np.int64)
    second = np.empty(total, dtype=np.int64)
    t = 0
    i = 0
    while i < n:
        j = i + 1
        while j < n and keys_sorted[j] == keys_sorted[i]:
            j += 1
        size = j - i
        if size > max_bucket:
            head = order[i]
            for a in range(i + 1, j):
                if order[a] < head:
                    head = order[a]
            for a in range(i, j):
                if order[a] != head:
                    first[t] = head
                    second[t] = order[a]
                    t += 1
        elif size > 1:
            for a in range(i, j):
                for b in range(a + 1, j):
                    first[t] = order[a]
                    second[t] = order[b]
                    t += 1
        i = j
    return first[:t], second[:t], large


def candidate_pairs(signatures: np.ndarray, settings: Settings) -> Candidates:
    """Unique candidate pairs (i < j) of rows whose signatures share a band."""
    bands, rows = choose_banding(settings)
    n = signatures.shape[0]
    codes: list[np.ndarray] = []
    large = 0
    doc = np.tile(np.arange(n, dtype=np.int64), min(bands, BANDS_PER_PASS))
    for first_band in range(0, bands, BANDS_PER_PASS):
        group = range(first_band, min(first_band + BANDS_PER_PASS, bands))
        keys = np.concatenate([_band_keys(signatures, b, rows) for b in group])
        order = np.argsort(keys)
        first, second, group_large = _bucket_pairs(
            doc[: keys.shape[0]][order], keys[order], settings.max_bucket
        )
        large += group_large
        lo = np.minimum(first, second).astype(np.uint64)
        hi = np.maximum(first, second).astype(np.uint64)
        codes.append(np.unique(lo * np.uint64(n) + hi))
    merged = np.unique(np.concatenate(codes)) if codes else np.empty(0, dtype=np.uint64)
    pairs = np.empty((merged.shape[0], 2), dtype=np.int64)
    pairs[:, 0] = (merged // np.uint64(max(n, 1))).astype(np.int64)
    pairs[:, 1] = (merged % np.uint64(max(n, 1))).astype(np.int64)
    return Candidates(pairs, bands, rows, large)


def estimated_jaccard(signatures: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Signature estimate of the Jaccard similarity for each pair, in blocks to bound memory."""
    out = np.empty(pairs.shape[0], dtype=np.float64)
    step = 65536
    for s in range(0, pairs.shape[0], step):
        p = pairs[s : s + step]
        out[s : s + step] = np.mean(signatures[p[:, 0]] == signatures[p[:, 1]], axis=1)
    return out


def pair_floor(n_shingles: np.ndarray, pairs: np.ndarray, settings: Settings) -> np.ndarray:
    """Lowest signature estimate at which each pair can still hold a relation, less the margin.

    The pair's length ratio r (from shingle counts, floored at min_length_ratio) gives the Jaccard
    of a `contained` pair, c*r / (1 + r - c*r); the floor is that or the near-duplicate threshold,
    whichever is lower, minus four standard deviations of the estimate.
    """
    a = n_shingles[pairs[:, 0]].astype(np.float64)
    b = n_shingles[pairs[:, 1]].astype(np.float64)
    ratio = np.minimum(a, b) / np.maximum(np.maximum(a, b), 1.0)
    r = np.maximum(ratio, settings.min_length_ratio)
    c = settings.containment
    floor = np.minimum(settings.threshold, c * r / (1 + r - c * r))
    margin = 4.0 * np.sqrt(floor * (1.0 - floor) / settings.num_perm) + 1.0 / settings.num_perm
    return floor - margin


@dataclass(frozen=True, slots=True)
class PassageCandidates:
    """Pairs (i < j) sharing enough passage fingerprints, with how many they share."""

    pairs: np.ndarray
    shared: np.ndarray
    ignored_fingerprints: int
    ignored_postings: int


@numba.njit(cache=True)
def _posting_pairs(
    docs: np.ndarray, run_starts: np.ndarray, run_ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    total = 0
    for r in range(run_starts.shape[0]):
        size = run_ends[r] - run_starts[r]
        total += size * (size - 1) // 2
    first = np.empty(total, dtype=np.int64)
    second = np.empty(total, dtype=np.int64)
    t = 0
    for r in range(run_starts.shape[0]):
        for a in range(run_starts[r], run_ends[r]):
            for b in range(a + 1, run_ends[r]):
                first[t] = docs[a]
                second[t] = docs[b]
                t += 1
    return first, second


def passage_candidates(
    fp_hash: np.ndarray, fp_doc: np.ndarray, n_docs: int, settings: Settings
) -> PassageCandidates:
    """Pairs of documents sharing at least `passage_min_fingerprints` winnowed fingerprints.

    A fingerprint found in more than `max_fingerprint_df` documents (page chrome, boilerplate,
    stock phrases) makes no candidates: it is counted and ignored.
    """
    # Fingerprints arrive in document order, so a stable sort by hash orders (hash, document).
    order = np.argsort(fp_hash, kind="stable")
    h, d = fp_hash[order], fp_doc[order].astype(np.int64)
    del order
    distinct = np.ones(h.shape[0], dtype=bool)
    distinct[1:] = (h[1:] != h[:-1]) | (d[1:] != d[:-1])
    h, d = h[distinct], d[distinct]  # one posting per (fingerprint, document)
    if h.shape[0] == 0:
        empty = np.empty((0, 2), dtype=np.int64)
        return PassageCandidates(empty, np.empty(0, dtype=np.int64), 0, 0)
    new_run = np.ones(h.shape[0], dtype=bool)
    new_run[1:] = h[1:] != h[:-1]
    starts = np.flatnonzero(new_run)
    ends = np.append(starts[1:], h.shape[0])
    sizes = ends - starts
    common = sizes > settings.max_fingerprint_df
    shared_runs = (sizes > 1) & ~common
    first, second = _posting_pairs(d, starts[shared_runs], ends[shared_runs])
    codes = np.minimum(first, second).astype(np.uint64) * np.uint64(n_docs) + np.maximum(
        first, second
    ).astype(np.uint64)
    codes, counts = np.unique(codes, return_counts=True)
    enough = counts >= settings.passage_min_fingerprints
    codes, counts = codes[enough], counts[enough]
    pairs = np.empty((codes.shape[0], 2), dtype=np.int64)
    pairs[:, 0] = (codes // np.uint64(n_docs)).astype(np.int64)
    pairs[:, 1] = (codes % np.uint64(n_docs)).astype(np.int64)
    return PassageCandidates(pairs, counts, int(common.sum()), int(sizes[common].sum()))
