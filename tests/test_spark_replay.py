"""The Spark engine's replay of the local scheduler skips exactly the pairs the local engine skips.

The local engine leaves out a pair already inside a large cluster when its chunk is sent; the
Spark engine verifies pairs in any order and replays each large component afterwards. Here both
run on made-up graphs (exact copies, whole-document verdicts) with small chunks, so that many
pairs are skipped, and the pairs each leaves out must be the same.
"""

from __future__ import annotations

import numpy as np
import pytest

import copytrace.engines.local.verifying as verifying
from copytrace.cluster import UnionFind, connected_components
from copytrace.engines.spark.skips import OTHER, UNVERIFIED, WHOLE, replay
from copytrace.model import Match, Relation

CHUNK, LAG, LARGE = 8, 2, 5


def _local_skips(
    pairs: np.ndarray, whole: dict[tuple[int, int], bool], reps: np.ndarray
) -> set[tuple[int, int]]:
    """The pairs the local scheduler does not check (exact copies joined first)."""
    n = reps.shape[0]
    joined = UnionFind(n)
    copies = np.flatnonzero(reps != np.arange(n))
    joined.union_edges(copies, reps[copies])
    checked: set[tuple[int, int]] = set()

    def check(chunk: np.ndarray) -> list[tuple[int, int, Match]]:
        out = []
        for i, j in chunk[:, :2].tolist():
            checked.add((i, j))
            relation = Relation.NEAR_DUPLICATE if whole[(i, j)] else Relation.PASSAGE_REUSE
            out.append((i, j, Match(str(i), str(j), relation, 0.9, 0.9, 0.9)))
        return out

    def take(found: list[tuple[int, int, Match]]) -> None:
        for i, j, match in found:
            if match.relation is Relation.NEAR_DUPLICATE:
                joined.union(i, j)

    verifying.verify_in_chunks(pairs, check, take, joined, LARGE, 1, lambda: None)
    return {tuple(p) for p in pairs.tolist()} - checked  # type: ignore[misc]


def _replayed_skips(
    pairs: np.ndarray, whole: dict[tuple[int, int], bool], reps: np.ndarray
) -> set[tuple[int, int]]:
    """The pairs `replay` finds skipped, component by component (as the Spark engine runs it)."""
    n = reps.shape[0]
    copies = np.flatnonzero(reps != np.arange(n))
    matched = np.array([whole[tuple(p)] for p in pairs.tolist()], dtype=bool)
    edges = np.concatenate([np.column_stack([copies, reps[copies]]), pairs[matched]])
    labels = connected_components(n, edges)
    skipped: set[tuple[int, int]] = set()
    ranks = np.arange(pairs.shape[0])
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if members.shape[0] < LARGE:
            continue
        inside = np.isin(pairs[:, 0], members) & np.isin(pairs[:, 1], members)
        states = np.array([WHOLE if whole[tuple(p)] else OTHER for p in pairs[inside].tolist()])
        found = replay(
            members,
            reps[members],
            pairs[inside, 0],
            pairs[inside, 1],
            ranks[inside],
            states,
            chunk_pairs=CHUNK,
            lag=LAG,
            large=LARGE,
        )
        skipped |= {tuple(p) for p in pairs[inside][found].tolist()}  # type: ignore[misc]
    return skipped


def _graph(seed: int, n: int = 120, k: int = 500) -> tuple[np.ndarray, dict, np.ndarray]:
    rng = np.random.default_rng(seed)
    # A few dense groups (stories printed many times) and sparse noise between them.
    group = rng.integers(0, 6, size=n)
    pairs = set()
    while len(pairs) < k:
        i, j = sorted(rng.integers(0, n, size=2).tolist())
        if i != j and (group[i] == group[j] or rng.random() < 0.1):
            pairs.add((i, j))
    ordered = np.array(sorted(pairs), dtype=np.int64)
    whole = {p: bool(group[p[0]] == group[p[1]] and rng.random() < 0.7) for p in pairs}
    # Exact copies: a document points at an earlier one of its group with the same text.
    reps = np.arange(n)
    for x in range(n):
        earlier = np.flatnonzero(group[:x] == group[x])
        if earlier.shape[0] and rng.random() < 0.15:
            reps[x] = reps[earlier[0]]
    copied = reps != np.arange(n)
    keep = ~(copied[ordered[:, 0]] | copied[ordered[:, 1]])  # pairs are of first copies only
    ordered = ordered[keep]
    return ordered, whole, reps


@pytest.mark.parametrize("seed", range(8))
def test_replay_skips_what_the_local_scheduler_skips(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verifying, "CHUNK_PAIRS", CHUNK)
    monkeypatch.setattr(verifying, "LAG", LAG)
    pairs, whole, reps = _graph(seed)
    local = _local_skips(pairs, whole, reps)
    assert local, "the made-up graph must make the local engine skip pairs"
    assert _replayed_skips(pairs, whole, reps) == local


def test_a_pair_left_out_that_the_local_engine_checks_is_an_error() -> None:
    members = np.arange(6)
    pairs = np.array([[0, 1], [1, 2]])
    with pytest.raises(RuntimeError, match="not skipped"):
        replay(members, members, pairs[:, 0], pairs[:, 1], np.arange(2), np.full(2, UNVERIFIED))
