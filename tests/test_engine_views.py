"""The local engine's result views (engines/local/views.py): clusters and dropped documents read
like lists."""

from __future__ import annotations

from pathlib import Path

import copytrace

DEMO = Path(__file__).resolve().parents[1] / "demo" / "news.jsonl"


def test_clusters_and_dropped_read_like_lists() -> None:
    result = copytrace.scan(DEMO)
    clusters = list(result.clusters)
    assert len(clusters) == len(result.clusters) == result.summary["clusters"] > 0
    assert result.clusters[-1] == clusters[-1] and result.clusters[:2] == clusters[:2]
    assert [c.cluster for c in clusters] == list(range(len(clusters)))
    dropped = list(result.dropped)
    expected = [
        (m.id, c.source, m.relation) for c in clusters for m in c.members if m.id != c.source
    ]
    assert [(d.id, d.duplicate_of, d.relation) for d in dropped] == expected
    assert len(result.dropped) == result.summary["documents"]["dropped_by_dedup"]
    assert all(str(d.origin).startswith(str(DEMO)) for d in dropped)
