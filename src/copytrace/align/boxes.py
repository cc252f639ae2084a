"""What both aligners share: passages, the clustering and merging of their boxes, and the
similarity of two token multisets."""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from copytrace.text import U64, mix64


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
    """Values two sorted arrays share, counted with multiplicity (a merge walk, its steps
    taken without branches: which side moves is a coin toss to the branch predictor)."""
    i = 0
    j = 0
    common = 0
    na, nb = a.shape[0], b.shape[0]
    while i < na and j < nb:
        x = a[i]
        y = b[j]
        common += x == y
        i += x <= y
        j += y <= x
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


@numba.njit(cache=True)
def overlap(lo1: int, hi1: int, lo2: int, hi2: int) -> int:
    return max(0, min(hi1, hi2) - max(lo1, lo2))
