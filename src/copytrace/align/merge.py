"""Passages of both aligners made one set: overlapping ones joined, clashing ones decided."""

from __future__ import annotations

import numba
import numpy as np

from copytrace.align.boxes import Passage, multiset_dice, overlap
from copytrace.model import Span


@numba.njit(cache=True)
def _clash(p: np.ndarray, q: np.ndarray) -> bool:
    """Whether passage box p claims more than half of its text on either side from q."""
    return (
        overlap(p[0], p[1], q[0], q[1]) > (p[1] - p[0]) // 2
        or overlap(p[2], p[3], q[2], q[3]) > (p[3] - p[2]) // 2
    )


@numba.njit(cache=True)
def by_two_keys(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Stable order by `first`, ties by `second`, then by position."""
    order = np.argsort(second, kind="mergesort")
    return order[np.argsort(first[order], kind="mergesort")]


@numba.njit(cache=True)
def keep_strongest(
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
def merge_boxes_of_aligners(
    boxes: np.ndarray, sims: np.ndarray, tokens_a: np.ndarray, tokens_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """`merge_passages` on passage boxes [a0, a1, b0, b1, seeds] and their similarities."""
    # Contiguous keys: one compiled by_two_keys (and sort) for every caller.
    order = by_two_keys(boxes[:, 0].copy(), boxes[:, 2].copy())
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
                if overlap(p[0], p[1], q[0], q[1]) and overlap(p[2], p[3], q[2], q[3]):
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
    return keep_strongest(boxes, sims, by_two_keys(-sims * length, boxes[:, 0].copy()))


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
