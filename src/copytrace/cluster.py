"""Clusters: union-find over verified edges, and the choice of each cluster's source."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numba
import numpy as np


@numba.njit(cache=True)
def _find(parent: np.ndarray, x: int) -> int:
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:  # path compression
        nxt = parent[x]
        parent[x] = root
        x = nxt
    return root


@numba.njit(cache=True)
def _union_all(parent: np.ndarray, first: np.ndarray, second: np.ndarray) -> None:
    for e in range(first.shape[0]):
        ra = _find(parent, first[e])
        rb = _find(parent, second[e])
        if ra != rb:
            # The smaller index becomes the root, so labels follow input order.
            if ra < rb:
                parent[rb] = ra
            else:
                parent[ra] = rb


@numba.njit(cache=True)
def _roots(parent: np.ndarray) -> np.ndarray:
    out = np.empty(parent.shape[0], dtype=np.int64)
    for i in range(parent.shape[0]):
        out[i] = _find(parent, i)
    return out


def connected_components(n: int, edges: np.ndarray) -> np.ndarray:
    """Component label (the smallest member index) of each of n nodes joined by edges (k, 2)."""
    parent = np.arange(n, dtype=np.int64)
    if edges.shape[0]:
        _union_all(parent, edges[:, 0].astype(np.int64), edges[:, 1].astype(np.int64))
    return _roots(parent)


def groups_of(labels: np.ndarray) -> list[np.ndarray]:
    """Members (ascending indices) of every component with more than one node."""
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    cuts = np.flatnonzero(np.diff(sorted_labels)) + 1
    return [g for g in np.split(order, cuts) if g.shape[0] > 1]


@dataclass(frozen=True, slots=True)
class SourceChoice:
    """The chosen source of a cluster and why it was chosen."""

    index: int
    reason: str


def choose_source(
    members: Sequence[int],
    dates: Sequence[str | None],
    lengths: Sequence[int],
    contains_count: Sequence[int],
) -> SourceChoice:
    """Earliest date when known; else the member containing most others; else the longest.

    `dates` are ISO-8601 strings (comparable as text) or None, `lengths` token counts, and
    `contains_count` how many verified edges show another member contained in this one; all are
    indexed by document. Ties go to the member read first.
    """
    dated = [m for m in members if dates[m] is not None]
    if dated:
        best = min(dated, key=lambda m: (dates[m], m))
        return SourceChoice(best, "earliest date")
    best_contains = max(contains_count[m] for m in members)
    if best_contains > 0:
        best = min(members, key=lambda m: (-contains_count[m], -lengths[m], m))
        return SourceChoice(best, "contains the others")
    best = min(members, key=lambda m: (-lengths[m], m))
    return SourceChoice(best, "longest")
