"""Clusters and dedup choices as compact arrays, seen as sequences of Cluster and Dropped.

A cluster member costs a few bytes in these arrays; the Cluster, Member and Dropped objects are
made only when someone looks at them (writing clusters.jsonl, the report, dedup), one at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np

from copytrace.engines.local.documents import DocumentTable
from copytrace.io.base import Origin
from copytrace.model import LINKED, SOURCE, Cluster, Member, Relation

#: Member relation codes: the relations in rank order, then SOURCE and LINKED.
RELATION_NAMES: tuple[str, ...] = (*(r.value for r in Relation), SOURCE, LINKED)
RELATION_CODE = {name: code for code, name in enumerate(RELATION_NAMES)}


@dataclass(frozen=True, slots=True)
class Dropped:
    """A document that `dedup` leaves out, and the one it duplicates."""

    id: str
    origin: Origin
    duplicate_of: str
    relation: str


@dataclass(frozen=True, slots=True)
class ClusterArrays:
    """Clusters in arrays: cluster k's members are members[offsets[k]:offsets[k + 1]].

    `sources[k]` is its source document and `reasons[k]` indexes `reason_names`; `relations`
    holds each member's RELATION_NAMES code.
    """

    members: np.ndarray
    offsets: np.ndarray
    sources: np.ndarray
    reasons: np.ndarray
    reason_names: tuple[str, ...]
    relations: np.ndarray

    @property
    def sizes(self) -> np.ndarray:
        """Members of each cluster."""
        return np.diff(self.offsets)


class ClusterList(Sequence[Cluster]):
    """The clusters of a scan, in order, each built when it is read."""

    def __init__(self, arrays: ClusterArrays, docs: DocumentTable) -> None:
        self.arrays = arrays
        self._docs = docs

    def __len__(self) -> int:
        return int(self.arrays.offsets.shape[0]) - 1

    @overload
    def __getitem__(self, index: int) -> Cluster: ...
    @overload
    def __getitem__(self, index: slice) -> list[Cluster]: ...
    def __getitem__(self, index: int | slice) -> Cluster | list[Cluster]:
        if isinstance(index, slice):
            return [self._cluster(k) for k in range(len(self))[index]]
        return self._cluster(range(len(self))[index])

    def __iter__(self) -> Iterator[Cluster]:
        return (self._cluster(k) for k in range(len(self)))

    def _cluster(self, k: int) -> Cluster:
        a, docs = self.arrays, self._docs
        lo, hi = int(a.offsets[k]), int(a.offsets[k + 1])
        members = tuple(
            Member(docs.id(x), RELATION_NAMES[r])
            for x, r in zip(a.members[lo:hi].tolist(), a.relations[lo:hi].tolist(), strict=True)
        )
        source = docs.id(int(a.sources[k]))
        return Cluster(k, source, members, a.reason_names[int(a.reasons[k])])


class DroppedList(Sequence[Dropped]):
    """Every cluster member but the source, in cluster order: what dedup leaves out."""

    def __init__(self, arrays: ClusterArrays, docs: DocumentTable) -> None:
        self.arrays = arrays
        self._docs = docs
        self._index: tuple[np.ndarray, np.ndarray] | None = None

    def _where(self) -> tuple[np.ndarray, np.ndarray]:
        """(position in members, cluster) of each dropped document, made when first needed."""
        if self._index is None:
            a = self.arrays
            cluster = np.repeat(np.arange(a.sources.shape[0], dtype=np.int32), a.sizes)
            not_source = a.members != a.sources[cluster]
            self._index = (np.flatnonzero(not_source), cluster[not_source])
        return self._index

    def __len__(self) -> int:
        return int(self.arrays.members.shape[0] - self.arrays.sources.shape[0])

    @overload
    def __getitem__(self, index: int) -> Dropped: ...
    @overload
    def __getitem__(self, index: slice) -> list[Dropped]: ...
    def __getitem__(self, index: int | slice) -> Dropped | list[Dropped]:
        if isinstance(index, slice):
            return [self._dropped(j) for j in range(len(self))[index]]
        return self._dropped(range(len(self))[index])

    def __iter__(self) -> Iterator[Dropped]:
        return (self._dropped(j) for j in range(len(self)))

    def _dropped(self, j: int) -> Dropped:
        a, docs = self.arrays, self._docs
        positions, clusters = self._where()
        pos = int(positions[j])
        x = int(a.members[pos])
        source = int(a.sources[int(clusters[j])])
        relation = RELATION_NAMES[int(a.relations[pos])]
        return Dropped(docs.id(x), docs.origin(x), docs.id(source), relation)
