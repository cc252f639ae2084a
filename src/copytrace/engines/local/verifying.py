"""Candidate pairs verified on one process or several, with the same result on any number.

Pairs go out in chunks of CHUNK_PAIRS. With more than one job, each chunk is verified in a worker
process forked from this one, so it shares the corpus columns and the text store without copying
them; its matches come back in pair order. Chunks are taken in order, so the matches, their order
and the clusters do not depend on the number of workers. Pairs already inside a large cluster are
left out of a chunk when it is sent, which is when the chunk LAG places before it has been taken:
the same moment in every mode, so what is skipped does not depend on timing either.
"""

from __future__ import annotations

import gc
import multiprocessing
import sys
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np

from copytrace.cluster import UnionFind
from copytrace.model import Match, Span

#: Pairs verified as one task: ~0.1-0.3 s of work, far more than sending it costs.
CHUNK_PAIRS = 512
#: Chunks in flight: enough to keep every worker busy while the oldest is taken.
LAG = 4

#: One verified pair: its two document indexes and the match found.
Found = tuple[int, int, Match]
#: Verifies a chunk of pairs and returns what it found, in pair order. A chunk is an (n, 5)
#: array of rows (i, j, next call of i, next call of j, call of i): documents are called for
#: in pair order, i then j, and a document's next call is the number of its next one, or NEVER.
Check = Callable[[np.ndarray], list[Found]]
#: The next call of a document that is not called for again.
NEVER = np.iinfo(np.int64).max


def next_calls(pairs: np.ndarray) -> np.ndarray:
    """For each pair (i, j) of `pairs`, the numbers of the next calls for i and for j when the
    pairs are checked in order (call 2k is pair k's i, call 2k + 1 its j), or NEVER: what a
    cache of prepared documents needs to keep those needed soonest."""
    calls = pairs.reshape(-1)
    order = np.argsort(calls, kind="stable")
    out = np.full(calls.shape[0], NEVER, dtype=np.int64)
    same = calls[order[1:]] == calls[order[:-1]]
    out[order[:-1][same]] = order[1:][same]
    return out.reshape(-1, 2)


# The chunk checker of the running verification; forked workers inherit it (a closure over the
# corpus cannot be sent to them).
_check: Check | None = None


def _run_chunk(chunk: np.ndarray) -> list[tuple[Any, ...]]:
    """Worker side: check one chunk with the inherited checker; findings as plain tuples."""
    assert _check is not None, "a worker started outside verify_in_chunks"
    return [_packed(i, j, m) for i, j, m in _check(chunk)]


def _packed(i: int, j: int, m: Match) -> tuple[Any, ...]:
    # Plain tuples pickle and unpickle about five times faster than the dataclasses.
    spans = tuple((s.a_start, s.a_end, s.b_start, s.b_end, s.similarity) for s in m.spans)
    return (
        i,
        j,
        m.a,
        m.b,
        m.relation,
        m.jaccard,
        m.containment_a_in_b,
        m.containment_b_in_a,
        spans,
        m.a_coverage,
        m.b_coverage,
        m.source,
        m.source_reason,
    )


def _unpacked(packed: list[tuple[Any, ...]]) -> list[Found]:
    """The findings of a chunk as `_packed` sent them."""
    return [
        (i, j, Match(a, b, rel, jac, a_in_b, b_in_a, tuple(Span(*x) for x in spans), *rest))
        for i, j, a, b, rel, jac, a_in_b, b_in_a, spans, *rest in packed
    ]


def can_fork() -> bool:
    """Whether workers can be forked here (Linux: they share the parent's memory pages)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def verify_in_chunks(
    pairs: np.ndarray,
    check: Check,
    take: Callable[[list[Found]], None],
    joined: UnionFind,
    large_cluster: int,
    jobs: int,
    warm_up: Callable[[], None],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Check every pair of `pairs` (n, 2) and hand each chunk's findings to `take`, in order
    (`check` gets each chunk's rows with their documents' next calls: see `Check`).

    Pairs whose documents already share a set of at least `large_cluster` in `joined` are not
    checked; returns how many were skipped so. Before workers are forked, `warm_up()` loads
    what they would each load otherwise. `progress(done)` is told the pairs taken so far.
    """
    global _check
    starts = iter(range(0, pairs.shape[0], CHUNK_PAIRS))
    following = next_calls(pairs)
    workers = jobs if jobs > 1 and pairs.shape[0] > CHUNK_PAIRS and can_fork() else 1
    skipped = 0
    pool = None
    if workers > 1:
        warm_up()
        _check = check
        # Objects that exist now are left out of garbage collection, so the workers' collector
        # does not write to (and so copy) every page of the heap they share with this process.
        gc.freeze()
        pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        pending: deque[tuple[int, Callable[[], list[Found]]]] = deque()

        def send_next() -> None:
            nonlocal skipped
            start = next(starts, None)
            if start is None:
                return
            end = min(start + CHUNK_PAIRS, pairs.shape[0])
            calls = 2 * np.arange(start, end, dtype=np.int64)
            chunk = np.column_stack((pairs[start:end], following[start:end], calls))
            sizes = joined.joined_sizes(chunk[:, 0], chunk[:, 1])
            keep = sizes < large_cluster
            skipped += int(chunk.shape[0] - np.count_nonzero(keep))
            chunk = np.ascontiguousarray(chunk[keep])
            if pool is None:
                pending.append((start + CHUNK_PAIRS, lambda: check(chunk)))
            else:
                sent = pool.apply_async(_run_chunk, (chunk,))
                pending.append((start + CHUNK_PAIRS, lambda: _unpacked(sent.get())))

        for _ in range(LAG):
            send_next()
        while pending:
            end, result = pending.popleft()
            take(result())
            if progress is not None:
                progress(min(end, pairs.shape[0]))
            send_next()
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
            gc.unfreeze()
        _check = None
    return skipped
