"""The token aligner: seed-and-extend on tokens, tolerant of substitutions, gaps and reordering.

Seeds are shared order-free token 3-grams (the same three tokens in any order), so local word
shuffles and single substitutions still leave seeds around them. Seeds are grouped into passages
by single-linkage clustering in both documents at once: a seed joins a passage when it lies within
`align_gap` tokens of the passage on both sides. Passages that touch on both sides merge; the rest
are filtered by length and by overlap, and each gets a similarity: the Dice coefficient of the
two regions' token multisets (1.0 for a verbatim copy, lower as more words are substituted).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from copytrace.align.boxes import Passage, cluster_seeds, merge_boxes, multiset_dice
from copytrace.align.merge import as_passages, by_two_keys, keep_strongest
from copytrace.hashsort import hash_argsort
from copytrace.model import Settings
from copytrace.text import U64, mix64

#: Tokens per seed.
SEED_TOKENS = 3

#: A 3-gram occurring more often than this in either document is too repetitive to seed.
MAX_SEED_REPEATS = 4

#: Edge trimming: seeds further apart than TRIM_GAP tokens start a new run, and an edge run of
#: fewer than TRIM_MIN_RUN seeds is dropped (common words matching next to the real passage).
TRIM_GAP = 8

TRIM_MIN_RUN = 3


@numba.njit(cache=True)
def seed_grams(tokens: np.ndarray) -> np.ndarray:
    """Order-free hash of each run of SEED_TOKENS tokens."""
    n = tokens.shape[0] - SEED_TOKENS + 1
    out = np.empty(max(n, 0), dtype=np.uint64)
    for i in range(out.shape[0]):
        acc = U64(0)
        for j in range(SEED_TOKENS):
            acc += mix64(tokens[i + j] ^ U64(0x5BD1E995))
        out[i] = mix64(acc)
    return out


@numba.njit(cache=True)
def _join(ha: np.ndarray, pa: np.ndarray, hb: np.ndarray, pb: np.ndarray) -> np.ndarray:
    """Seeds (i, j) for equal hashes of two sorted gram arrays, skipping repetitive grams.

    One merge walk notes the runs of equal hashes (at most one per gram of the shorter side),
    then the seeds are written from them: an output array grown inside the walk made it
    several times slower, and walking twice (counting, then filling) cost twice the walk.
    """
    runs = np.empty((min(ha.shape[0], hb.shape[0]), 4), dtype=np.int64)
    n_runs = 0
    n = 0
    x = 0
    y = 0
    while x < ha.shape[0] and y < hb.shape[0]:
        hx = ha[x]
        hy = hb[y]
        if hx < hy:
            x += 1
        elif hx > hy:
            y += 1
        else:
            xe = x + 1
            while xe < ha.shape[0] and ha[xe] == hx:
                xe += 1
            ye = y + 1
            while ye < hb.shape[0] and hb[ye] == hy:
                ye += 1
            if xe - x <= MAX_SEED_REPEATS and ye - y <= MAX_SEED_REPEATS:
                runs[n_runs, 0], runs[n_runs, 1] = x, xe
                runs[n_runs, 2], runs[n_runs, 3] = y, ye
                n_runs += 1
                n += (xe - x) * (ye - y)
            x = xe
            y = ye
    out = np.empty((n, 2), dtype=np.int64)
    n = 0
    for r in range(n_runs):
        for u in range(runs[r, 0], runs[r, 1]):
            for v in range(runs[r, 2], runs[r, 3]):
                out[n, 0] = pa[u]
                out[n, 1] = pb[v]
                n += 1
    return out


@numba.njit(cache=True)
def _seed_boxes_kernel(
    ha: np.ndarray, pa: np.ndarray, hb: np.ndarray, pb: np.ndarray, gap: int
) -> tuple[np.ndarray, np.ndarray]:
    """(seeds sorted by position in A, seed boxes with at least two seeds)."""
    seeds = _join(ha, pa, hb, pb)
    if seeds.shape[0] < 2:
        return seeds, np.empty((0, 5), dtype=np.int64)
    width = np.int64(pb.shape[0] + 1)
    seeds = seeds[np.argsort(seeds[:, 0] * width + seeds[:, 1])]
    boxes = cluster_seeds(seeds, gap)
    return seeds, boxes[boxes[:, 4] >= 2]


@numba.njit(cache=True)
def _trimmed_range(pos: np.ndarray, max_gap: int, min_run: int) -> tuple[int, int]:
    """Index range of sorted positions without sparse edge runs.

    Positions split into runs at gaps wider than max_gap; leading and trailing runs of fewer
    than min_run seeds are stray matches of common words next to the passage, and go.
    """
    n = pos.shape[0]
    lo = 0
    while True:
        end = lo + 1
        while end < n and pos[end] - pos[end - 1] <= max_gap:
            end += 1
        if end - lo >= min_run or end >= n:
            break
        lo = end
    hi = n
    while hi > lo:
        start = hi - 1
        while start > lo and pos[start] - pos[start - 1] <= max_gap:
            start -= 1
        if hi - start >= min_run or start <= lo:
            break
        hi = start
    return lo, hi


@numba.njit(cache=True)
def _trim_box(seeds: np.ndarray, box: np.ndarray, max_gap: int, min_run: int) -> np.ndarray:
    """The box shrunk to its dense core of seeds, on both sides."""
    inside = (
        (seeds[:, 0] >= box[0])
        & (seeds[:, 0] <= box[1])
        & (seeds[:, 1] >= box[2])
        & (seeds[:, 1] <= box[3])
    )
    sel = seeds[inside]
    if sel.shape[0] == 0:
        return box.copy()
    lo, hi = _trimmed_range(sel[:, 0], max_gap, min_run)  # sel is sorted by i
    sel = sel[lo:hi]
    order = np.argsort(sel[:, 1])
    by_j = sel[order]
    lo, hi = _trimmed_range(by_j[:, 1], max_gap, min_run)
    core = by_j[lo:hi]
    out = np.empty(5, dtype=np.int64)
    out[0] = core[:, 0].min()
    out[1] = core[:, 0].max()
    out[2] = core[:, 1].min()
    out[3] = core[:, 1].max()
    out[4] = core.shape[0]
    return out


@dataclass(frozen=True, slots=True)
class SeedIndex:
    """A document's seed grams sorted by hash, with their token positions; built once per text."""

    hashes: np.ndarray
    positions: np.ndarray


def seed_index(tokens: np.ndarray) -> SeedIndex:
    """Sorted seed grams of a token-hash sequence."""
    grams = seed_grams(tokens)
    order = hash_argsort(grams)
    return SeedIndex(grams[order], order.astype(np.int64))


@numba.njit(cache=True)
def token_boxes(
    tokens_a: np.ndarray,
    tokens_b: np.ndarray,
    ha: np.ndarray,
    pa: np.ndarray,
    hb: np.ndarray,
    pb: np.ndarray,
    gap: int,
    min_tokens: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Passages [a_start, a_end, b_start, b_end, seeds] in token positions from seed boxes
    (merged, trimmed to their dense cores, at least min_tokens long on both sides), and their
    similarities, in A's order; of boxes claiming the same text on either side, the one with
    most seeds stays."""
    seeds, raw = _seed_boxes_kernel(ha, pa, hb, pb, gap)
    boxes = merge_boxes(raw, gap)
    out = np.empty((boxes.shape[0], 5), dtype=np.int64)
    sims = np.empty(boxes.shape[0])
    n = 0
    for k in range(boxes.shape[0]):
        box = _trim_box(seeds, boxes[k], TRIM_GAP, TRIM_MIN_RUN)
        a_end, b_end = box[1] + SEED_TOKENS, box[3] + SEED_TOKENS
        if min(a_end - box[0], b_end - box[2]) < min_tokens:
            continue
        out[n, 0] = box[0]
        out[n, 1] = a_end
        out[n, 2] = box[2]
        out[n, 3] = b_end
        out[n, 4] = box[4]
        sims[n] = multiset_dice(tokens_a[box[0] : a_end], tokens_b[box[2] : b_end])
        n += 1
    out, sims = out[:n], sims[:n]
    return keep_strongest(out, sims, by_two_keys(-out[:, 4], out[:, 0].copy()))


def align_tokens(
    tokens_a: np.ndarray,
    tokens_b: np.ndarray,
    settings: Settings,
    min_tokens: int,
    index_a: SeedIndex | None = None,
    index_b: SeedIndex | None = None,
) -> list[Passage]:
    """Aligned passages between two token-hash sequences, in A's order."""
    ia = index_a if index_a is not None else seed_index(tokens_a)
    ib = index_b if index_b is not None else seed_index(tokens_b)
    if ia.hashes.shape[0] == 0 or ib.hashes.shape[0] == 0:
        return []
    return as_passages(
        *token_boxes(
            tokens_a,
            tokens_b,
            ia.hashes,
            ia.positions,
            ib.hashes,
            ib.positions,
            settings.align_gap,
            min_tokens,
        )
    )
