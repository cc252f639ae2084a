"""Verification on several processes gives what it gives on one: same matches, order, clusters."""

from __future__ import annotations

import os
import random
from pathlib import Path

import numpy as np
import pytest

import copytrace
import copytrace.engines.local.verifying as verifying
from copytrace.cluster import UnionFind
from copytrace.model import Match, Relation, Span

DEMO = Path(__file__).resolve().parents[1] / "demo" / "news.jsonl"

pytestmark = pytest.mark.skipif(not verifying.can_fork(), reason="workers are forked on Linux only")


def _copies(n: int, seed: int) -> list[tuple[str, str]]:
    """n near-duplicates of one made-up story: each differs from it in two words."""
    rng = random.Random(seed)
    words = [f"w{rng.randrange(5000)}" for _ in range(300)]
    docs = []
    for k in range(n):
        edited = list(words)
        for _ in range(2):
            edited[rng.randrange(len(edited))] = f"edit{k}x{rng.randrange(99)}"
        docs.append((f"copy-{k}", " ".join(edited)))
    return docs


def _without_timings(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k not in ("timings_s", "jobs")}


@pytest.mark.parametrize("documents", ["demo", "copies"])
def test_two_workers_find_what_one_finds(documents: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Small chunks, so that the demo's few pairs are spread over several chunks and workers.
    monkeypatch.setattr(verifying, "CHUNK_PAIRS", 3)
    docs = DEMO if documents == "demo" else _copies(40, 5)
    one = copytrace.scan(docs, jobs=1)
    two = copytrace.scan(docs, jobs=2)
    assert len(one.matches) > 0
    assert list(one.matches) == list(two.matches)
    assert list(one.clusters) == list(two.clusters)
    assert _without_timings(one.summary) == _without_timings(two.summary)
    if documents == "copies":
        # 780 pairs of one story: once its cluster is large, the rest are not checked again.
        assert one.summary["candidates"]["pairs_skipped_already_joined"] > 0


def test_chunks_run_in_workers_and_come_back_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verifying, "CHUNK_PAIRS", 5)
    rng = np.random.default_rng(3)
    pairs = np.sort(rng.integers(0, 60, size=(400, 2)), axis=1)
    pairs = pairs[pairs[:, 0] < pairs[:, 1]]

    def check(chunk: np.ndarray) -> list:
        pid = str(os.getpid())
        return [
            (
                i,
                j,
                Match(f"d{i}", f"d{j}", Relation.PASSAGE_REUSE, 0.1, 0.2, 0.3, spans, source=pid),
            )
            for i, j in chunk[:, :2].tolist()
            for spans in [(Span(i, 2 * i, j, 2 * j, 0.5),)]
        ]

    results = {}
    for jobs in (1, 2):
        joined = UnionFind(60)
        taken: list = []

        def take(found: list, joined: UnionFind = joined, taken: list = taken) -> None:
            for i, j, _ in found:
                joined.union(i, j)
            taken.extend(found)

        skipped = verifying.verify_in_chunks(pairs, check, take, joined, 8, jobs, lambda: None)
        assert all(m.a == f"d{i}" and m.spans[0].b_end == 2 * j for i, j, m in taken)
        results[jobs] = (skipped, [(i, j) for i, j, _ in taken], {m.source for *_, m in taken})
    assert results[1][:2] == results[2][:2]
    assert results[1][0] > 0  # joining every pair soon makes one set of 8
    assert len(results[1][1]) + results[1][0] == pairs.shape[0]
    assert results[1][2] == {str(os.getpid())}
    assert str(os.getpid()) not in results[2][2]  # the chunks were checked in worker processes


def test_kernels_are_loaded_on_both_verification_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    import copytrace.verify as verify

    paths: list[str] = []
    both, tokens = verify.align_passages, verify.align_tokens
    monkeypatch.setattr(verify, "align_passages", lambda *a: paths.append("both") or both(*a))
    monkeypatch.setattr(
        verify, "align_tokens", lambda *a, **k: paths.append("tokens") or tokens(*a, **k)
    )
    verify.load_kernels(copytrace.Settings())
    assert sorted(paths) == ["both", "tokens"]
