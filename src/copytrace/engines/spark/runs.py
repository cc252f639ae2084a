"""Runs of equal keys in rows sorted by key, streamed through the Arrow batches of one partition.

After a shuffle by key and a sort within partitions, all rows of one key (an LSH bucket, a
passage fingerprint) follow each other in one partition, though maybe across batches. `Runs`
hands out each run once it is complete, holding back only the last run of a batch, which may go
on in the next: memory holds one batch and one run, never a partition.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


class Runs:
    """Runs of equal keys in rows sorted by key, across the batches of one partition: the last
    run of a batch may go on in the next, so it waits."""

    def __init__(self) -> None:
        self.key: tuple[int, ...] | None = None
        self.parts: list[np.ndarray] = []

    def complete(
        self, keys: list[np.ndarray], values: np.ndarray, least: int = 2
    ) -> Iterator[tuple[tuple[int, ...], np.ndarray]]:
        """The runs of a batch that are complete, of at least `least` rows, with their keys
        (the batch's last run waits; an earlier waiting run ends or goes on here)."""
        n = values.shape[0]
        if n == 0:
            return
        change = np.zeros(n - 1, dtype=np.bool_)
        for k in keys:
            change |= k[1:] != k[:-1]
        starts = np.concatenate([[0], np.flatnonzero(change) + 1])
        ends = np.concatenate([starts[1:], [n]])
        first = tuple(int(k[0]) for k in keys)
        if self.key is not None and self.key != first:
            yield from self.finish(least)
        if starts.shape[0] == 1:  # one run: it goes on waiting
            if self.key is None:
                self.key = first
            self.parts.append(values)
            return
        head = values[: ends[0]]
        if self.key is not None:
            head = np.concatenate([*self.parts, head])
        if head.shape[0] >= least:
            yield first, head
        middle = np.arange(1, starts.shape[0] - 1)
        for r in middle[(ends[middle] - starts[middle]) >= least].tolist():
            yield tuple(int(k[starts[r]]) for k in keys), values[starts[r] : ends[r]]
        last = starts.shape[0] - 1
        self.key = tuple(int(k[starts[last]]) for k in keys)
        self.parts = [values[starts[last] :]]

    def finish(self, least: int = 2) -> Iterator[tuple[tuple[int, ...], np.ndarray]]:
        """The waiting run, now complete."""
        if self.key is not None:
            values = np.concatenate(self.parts)
            key = self.key
            self.key, self.parts = None, []
            if values.shape[0] >= least:
                yield key, values
