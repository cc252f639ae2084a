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


@numba.njit(cache=True)
def _union_sized(parent: np.ndarray, size: np.ndarray, a: int, b: int) -> None:
    ra = _find(parent, a)
    rb = _find(parent, b)
    if ra != rb:
        low, high = min(ra, rb), max(ra, rb)  # the smaller index roots, as in _union_all
        parent[high] = low
        size[low] += size[high]


@numba.njit(cache=True)
def _union_edges(
    parent: np.ndarray, size: np.ndarray, first: np.ndarray, second: np.ndarray
) -> None:
    for e in range(first.shape[0]):
        _union_sized(parent, size, first[e], second[e])


@numba.njit(cache=True)
def _joined_size(parent: np.ndarray, size: np.ndarray, a: int, b: int) -> int:
    ra = _find(parent, a)
    if ra != _find(parent, b):
        return 0
    return size[ra]


@numba.njit(cache=True)
def _joined_sizes(
    parent: np.ndarray, size: np.ndarray, first: np.ndarray, second: np.ndarray
) -> np.ndarray:
    out = np.empty(first.shape[0], dtype=np.int64)
    for e in range(first.shape[0]):
        out[e] = _joined_size(parent, size, first[e], second[e])
    return out


def _int32(value: int) -> int:
    """`value` as a numpy int32 (typed as the int it holds)."""
    return np.int32(value)  # type: ignore[return-value]


class UnionFind:
    """Incremental union-find over n nodes in two int32 arrays; a set's root is its least node."""

    def __init__(self, n: int) -> None:
        self.parent = np.arange(n, dtype=np.int32)
        self.size = np.ones(n, dtype=np.int32)

    def union(self, a: int, b: int) -> None:
        """Join the sets of a and b."""
        # int32, as `union_edges` passes them: one compiled version of the kernel, not two.
        _union_sized(self.parent, self.size, _int32(a), _int32(b))

    def union_edges(self, first: np.ndarray, second: np.ndarray) -> None:
        """Join the sets of first[e] and second[e] for every e."""
        _union_edges(self.parent, self.size, first.astype(np.int32), second.astype(np.int32))

    def joined_size(self, a: int, b: int) -> int:
        """Size of the set holding both a and b, or 0 when they are apart."""
        return int(_joined_size(self.parent, self.size, a, b))

    def joined_sizes(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """`joined_size` of each pair (first[e], second[e])."""
        return _joined_sizes(self.parent, self.size, first, second)

    def groups(self) -> tuple[np.ndarray, np.ndarray]:
        """(members, offsets): set k of more than one node is members[offsets[k]:offsets[k + 1]].

        Sets come in order of their smallest node, members in ascending order (as `groups_of`).
        """
        return _group_members(self.parent)


@numba.njit(cache=True)
def _group_members(parent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # A counting sort by root, in int32 arrays: no argsort of int64 labels.
    n = parent.shape[0]
    root = np.empty(n, dtype=np.int32)
    count = np.zeros(n, dtype=np.int32)
    for i in range(n):
        root[i] = _find(parent, i)
        count[root[i]] += 1
    n_groups = 0
    for r in range(n):
        n_groups += count[r] > 1
    offsets = np.zeros(n_groups + 1, dtype=np.int64)
    k = 0
    for r in range(n):  # a root is its set's smallest node: sets come in that order
        if count[r] > 1:
            offsets[k + 1] = offsets[k] + count[r]
            count[r] = offsets[k]  # from now on: where the set's next member goes
            k += 1
        else:
            count[r] = -1
    members = np.empty(offsets[-1], dtype=np.int32)
    for i in range(n):
        at = count[root[i]]
        if at >= 0:
            members[at] = i
            count[root[i]] = at + 1
    return members, offsets


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
