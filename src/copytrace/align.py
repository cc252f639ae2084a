"""Passage alignment: seed-and-extend on tokens, tolerant of substitutions, gaps and reordering.

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

from copytrace.model import Settings, Span
from copytrace.text import U64, mix64

#: Tokens per seed.
SEED_TOKENS = 3
#: A 3-gram occurring more often than this in either document is too repetitive to seed.
MAX_SEED_REPEATS = 4
#: Edge trimming: seeds further apart than TRIM_GAP tokens start a new run, and an edge run of
#: fewer than TRIM_MIN_RUN seeds is dropped (common words matching next to the real passage).
TRIM_GAP = 8
TRIM_MIN_RUN = 3


@dataclass(frozen=True, slots=True)
class Passage:
    """An aligned passage in token positions: A[a_start:a_end] with B[b_start:b_end]."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    seeds: int
    similarity: float

    @property
    def length(self) -> int:
        """Tokens on the shorter side."""
        return min(self.a_end - self.a_start, self.b_end - self.b_start)


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

    Two passes, counting then filling: an output array grown inside the walk made it
    several times slower.
    """
    out = np.empty((0, 2), dtype=np.int64)
    for filling in (False, True):
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
                    if filling:
                        for u in range(x, xe):
                            for v in range(y, ye):
                                out[n, 0] = pa[u]
                                out[n, 1] = pb[v]
                                n += 1
                    else:
                        n += (xe - x) * (ye - y)
                x = xe
                y = ye
        if not filling:
            out = np.empty((n, 2), dtype=np.int64)
    return out


@numba.njit(cache=True)
def cluster_seeds(seeds: np.ndarray, gap: int) -> np.ndarray:
    """Group seeds (sorted by i) into boxes [imin, imax, jmin, jmax, count]."""
    boxes = np.empty((max(seeds.shape[0], 1), 5), dtype=np.int64)
    n_boxes = 0
    open_ids = np.empty(max(seeds.shape[0], 1), dtype=np.int64)
    n_open = 0
    for s in range(seeds.shape[0]):
        i = seeds[s, 0]
        j = seeds[s, 1]
        # Close boxes left behind on the A side.
        k = 0
        while k < n_open:
            if boxes[open_ids[k], 1] + gap < i:
                open_ids[k] = open_ids[n_open - 1]
                n_open -= 1
            else:
                k += 1
        best = -1
        best_dist = gap + 1
        for k in range(n_open):
            b = open_ids[k]
            if j < boxes[b, 2]:
                dist = boxes[b, 2] - j
            elif j > boxes[b, 3]:
                dist = j - boxes[b, 3]
            else:
                dist = 0
            if dist < best_dist:
                best_dist = dist
                best = b
        if best < 0:
            boxes[n_boxes, 0] = i
            boxes[n_boxes, 1] = i
            boxes[n_boxes, 2] = j
            boxes[n_boxes, 3] = j
            boxes[n_boxes, 4] = 1
            open_ids[n_open] = n_boxes
            n_open += 1
            n_boxes += 1
        else:
            boxes[best, 1] = max(boxes[best, 1], i)
            boxes[best, 2] = min(boxes[best, 2], j)
            boxes[best, 3] = max(boxes[best, 3], j)
            boxes[best, 4] += 1
    return boxes[:n_boxes]


@numba.njit(cache=True)
def count_common(a: np.ndarray, b: np.ndarray) -> int:
    """Values two sorted arrays share, counted with multiplicity (a merge walk)."""
    i = 0
    j = 0
    common = 0
    while i < a.shape[0] and j < b.shape[0]:
        if a[i] < b[j]:
            i += 1
        elif a[i] > b[j]:
            j += 1
        else:
            common += 1
            i += 1
            j += 1
    return common


@numba.njit(cache=True)
def multiset_dice(x: np.ndarray, y: np.ndarray) -> float:
    """Dice coefficient of two token multisets.

    X's tokens are counted in a small open-addressing table, then Y's are taken from it: linear
    time, several times faster than sorting both (this runs for every passage found).
    """
    n = x.shape[0] + y.shape[0]
    if n == 0:
        return 0.0
    size = 16
    while size < 2 * x.shape[0]:
        size <<= 1
    mask = size - 1
    keys = np.empty(size, dtype=np.uint64)
    counts = np.zeros(size, dtype=np.int64)
    used = np.zeros(size, dtype=np.bool_)
    for v in x:
        h = np.int64(mix64(v) & U64(mask))
        while used[h] and keys[h] != v:
            h = (h + 1) & mask
        used[h] = True
        keys[h] = v
        counts[h] += 1
    common = 0
    for v in y:
        h = np.int64(mix64(v) & U64(mask))
        while used[h] and keys[h] != v:
            h = (h + 1) & mask
        if used[h] and counts[h] > 0:
            counts[h] -= 1
            common += 1
    return 2.0 * common / n


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


@numba.njit(cache=True)
def _merge_pass(boxes: np.ndarray, gap: int) -> tuple[np.ndarray, bool]:
    """One sweep over boxes sorted by imin, merging each into a kept box near it on both sides."""
    kept = np.empty_like(boxes)
    n_kept = 0
    active = np.empty(boxes.shape[0], dtype=np.int64)
    n_active = 0
    changed = False
    for r in range(boxes.shape[0]):
        i0, i1, j0, j1 = boxes[r, 0], boxes[r, 1], boxes[r, 2], boxes[r, 3]
        k = 0
        target = -1
        while k < n_active:
            q = active[k]
            if kept[q, 1] + gap < i0:  # sorted by imin: this kept box can meet no later box
                active[k] = active[n_active - 1]
                n_active -= 1
                continue
            if target < 0 and j0 <= kept[q, 3] + gap and kept[q, 2] <= j1 + gap:
                target = q
            k += 1
        if target < 0:
            kept[n_kept] = boxes[r]
            active[n_active] = n_kept
            n_active += 1
            n_kept += 1
        else:
            kept[target, 1] = max(kept[target, 1], i1)
            kept[target, 2] = min(kept[target, 2], j0)
            kept[target, 3] = max(kept[target, 3], j1)
            kept[target, 4] += boxes[r, 4]
            changed = True
    return kept[:n_kept], changed


@numba.njit(cache=True)
def merge_boxes(boxes: np.ndarray, gap: int) -> np.ndarray:
    """Merge boxes that overlap or lie within `gap` of each other on both sides."""
    changed = True
    while changed and boxes.shape[0] > 1:
        width = boxes[:, 2].max() + 1
        boxes = boxes[np.argsort(boxes[:, 0] * width + boxes[:, 2], kind="mergesort")]
        boxes, changed = _merge_pass(boxes, gap)
    return boxes


@dataclass(frozen=True, slots=True)
class SeedIndex:
    """A document's seed grams sorted by hash, with their token positions; built once per text."""

    hashes: np.ndarray
    positions: np.ndarray


def seed_index(tokens: np.ndarray) -> SeedIndex:
    """Sorted seed grams of a token-hash sequence."""
    grams = seed_grams(tokens)
    # Not a stable sort, 2-3x faster: the order of equal grams is lost when seeds are sorted.
    order = np.argsort(grams)
    return SeedIndex(grams[order], order.astype(np.int64))


@numba.njit(cache=True)
def _overlap(lo1: int, hi1: int, lo2: int, hi2: int) -> int:
    return max(0, min(hi1, hi2) - max(lo1, lo2))


@numba.njit(cache=True)
def _clash(p: np.ndarray, q: np.ndarray) -> bool:
    """Whether passage box p claims more than half of its text on either side from q."""
    return (
        _overlap(p[0], p[1], q[0], q[1]) > (p[1] - p[0]) // 2
        or _overlap(p[2], p[3], q[2], q[3]) > (p[3] - p[2]) // 2
    )


@numba.njit(cache=True)
def _by_two_keys(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Stable order by `first`, ties by `second`, then by position."""
    order = np.argsort(second, kind="mergesort")
    return order[np.argsort(first[order], kind="mergesort")]


@numba.njit(cache=True)
def _keep_strongest(
    boxes: np.ndarray, sims: np.ndarray, order: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Boxes taken in `order` (strongest first), each kept unless it clashes with a kept one;
    returned in A's order."""
    kept = np.empty(order.shape[0], dtype=np.int64)
    n = 0
    for o in order:
        clashes = False
        for k in range(n):
            if _clash(boxes[o], boxes[kept[k]]):
                clashes = True
                break
        if not clashes:
            kept[n] = o
            n += 1
    kept = kept[:n]
    kept = kept[np.argsort(boxes[kept, 0], kind="mergesort")]
    return boxes[kept], sims[kept]


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
    return _keep_strongest(out, sims, _by_two_keys(-out[:, 4], out[:, 0]))


@numba.njit(cache=True)
def merge_boxes_of_aligners(
    boxes: np.ndarray, sims: np.ndarray, tokens_a: np.ndarray, tokens_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """`merge_passages` on passage boxes [a0, a1, b0, b1, seeds] and their similarities."""
    order = _by_two_keys(boxes[:, 0], boxes[:, 2])
    boxes, sims = boxes[order], sims[order]
    changed = boxes.shape[0] > 1
    while changed:
        changed = False
        out = np.empty_like(boxes)
        out_sims = np.empty_like(sims)
        n = 0
        for r in range(boxes.shape[0]):
            p = boxes[r]
            into = -1
            for k in range(n):
                q = out[k]
                if _overlap(p[0], p[1], q[0], q[1]) and _overlap(p[2], p[3], q[2], q[3]):
                    into = k
                    break
            if into < 0:
                out[n] = p
                out_sims[n] = sims[r]
                n += 1
                continue
            q = out[into]
            a0, a1 = min(p[0], q[0]), max(p[1], q[1])
            b0, b1 = min(p[2], q[2]), max(p[3], q[3])
            out_sims[into] = multiset_dice(tokens_a[a0:a1], tokens_b[b0:b1])
            q[0], q[1], q[2], q[3], q[4] = a0, a1, b0, b1, p[4] + q[4]
            changed = True
        boxes, sims = out[:n], out_sims[:n]
    length = np.minimum(boxes[:, 1] - boxes[:, 0], boxes[:, 3] - boxes[:, 2])
    return _keep_strongest(boxes, sims, _by_two_keys(-sims * length, boxes[:, 0]))


def as_passages(boxes: np.ndarray, sims: np.ndarray) -> list[Passage]:
    """Passage boxes [a0, a1, b0, b1, seeds] with their similarities as Passages."""
    return [
        Passage(a0, a1, b0, b1, seeds, sim)
        for (a0, a1, b0, b1, seeds), sim in zip(boxes.tolist(), sims.tolist(), strict=True)
    ]


def as_boxes(passages: list[Passage]) -> tuple[np.ndarray, np.ndarray]:
    """Passages as boxes [a0, a1, b0, b1, seeds] and similarities."""
    boxes = np.array(
        [(p.a_start, p.a_end, p.b_start, p.b_end, p.seeds) for p in passages], dtype=np.int64
    ).reshape(-1, 5)
    return boxes, np.array([p.similarity for p in passages], dtype=np.float64)


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


def merge_passages(
    passages: list[Passage], tokens_a: np.ndarray, tokens_b: np.ndarray
) -> list[Passage]:
    """Passages from several aligners as one set: those overlapping on both sides become one.

    Of passages that still claim more than half of each other's text on one side (one region
    aligned to two places), the one with more matching tokens stays.
    """
    if len(passages) < 2:
        return list(passages)
    return as_passages(*merge_boxes_of_aligners(*as_boxes(passages), tokens_a, tokens_b))


def passage_spans(
    passages: list[Passage],
    starts_a: np.ndarray,
    ends_a: np.ndarray,
    starts_b: np.ndarray,
    ends_b: np.ndarray,
) -> tuple[Span, ...]:
    """Passages as character spans of the original texts."""
    return tuple(
        Span(
            int(starts_a[p.a_start]),
            int(ends_a[p.a_end - 1]),
            int(starts_b[p.b_start]),
            int(ends_b[p.b_end - 1]),
            p.similarity,
        )
        for p in passages
    )
