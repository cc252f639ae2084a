"""Unit tests of grouping (copytrace.cluster): connected components, union-find, sources."""

from __future__ import annotations

import numpy as np

from copytrace.cluster import choose_source, connected_components, groups_of


def test_components_and_sources() -> None:
    labels = connected_components(6, np.array([[0, 2], [2, 4], [1, 5]]))
    groups = [g.tolist() for g in groups_of(labels)]
    assert groups == [[0, 2, 4], [1, 5]]
    dates = [None, "2020-01-02T00:00:00", None, "2020-01-01T00:00:00", None, None]
    lengths = [10, 50, 30, 5, 30, 7]
    assert choose_source([0, 1, 3], dates, lengths, [0] * 6).index == 3
    assert choose_source([0, 2, 4], [None] * 6, lengths, [0, 0, 0, 0, 1, 0]).index == 4
    assert choose_source([0, 2, 4], [None] * 6, lengths, [0] * 6).index == 2


def test_union_find_groups_match_connected_components() -> None:
    from copytrace.cluster import UnionFind, connected_components, groups_of

    rng = np.random.default_rng(9)
    for n in (1, 7, 500):
        edges = rng.integers(0, n, size=(n // 2, 2))
        joined = UnionFind(n)
        joined.union_edges(edges[: n // 4, 0], edges[: n // 4, 1])
        for a, b in edges[n // 4 :].tolist():
            joined.union(a, b)
        members, offsets = joined.groups()
        got = [members[offsets[k] : offsets[k + 1]].tolist() for k in range(len(offsets) - 1)]
        expected = [g.tolist() for g in groups_of(connected_components(n, edges))]
        assert got == expected
        assert all(joined.joined_size(g[0], g[-1]) == len(g) for g in got)
