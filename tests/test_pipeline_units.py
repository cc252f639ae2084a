"""Unit tests of banding, verification and clustering."""

from __future__ import annotations

import numpy as np

from copytrace import Relation, Settings
from copytrace.cluster import choose_source, connected_components, groups_of
from copytrace.lsh import candidate_floor, candidate_pairs, choose_banding, collision_probability
from copytrace.sketch import shingle_text, sketch_batch
from copytrace.verify import relation_of, scores, shared_span, shingle_set


def test_banding_meets_target_recall_at_the_floor() -> None:
    s = Settings()
    bands, rows = choose_banding(s)
    assert bands * rows <= s.num_perm
    assert collision_probability(candidate_floor(s), bands, rows) >= 0.995
    strict = Settings(containment=1.0, min_length_ratio=1.0)
    b2, r2 = choose_banding(strict)
    assert r2 > 1 and collision_probability(0.8, b2, r2) >= 0.995


def test_giant_bucket_links_to_head_instead_of_all_pairs() -> None:
    sig = np.tile(np.arange(128, dtype=np.uint64), (500, 1))  # 500 identical signatures
    c = candidate_pairs(sig, Settings(max_bucket=10, bands=128, rows=1))
    assert c.pairs.shape[0] == 499
    assert set(c.pairs[:, 0].tolist()) == {0}
    small = candidate_pairs(sig[:5], Settings(max_bucket=10, bands=128, rows=1))
    assert small.pairs.shape[0] == 10


def _set(text: str, s: Settings):  # type: ignore[no-untyped-def]
    sk = sketch_batch([text], s)
    return shingle_set(shingle_text(text, s), tuple(sk.exact[0].tolist()))


def test_scores_relation_and_span() -> None:
    s = Settings()
    body = " ".join(f"word{i}" for i in range(100))
    head = " ".join(f"word{i}" for i in range(40))
    a, b = _set("HEADER " + head, s), _set(body, s)
    sc = scores(a, b)
    assert sc.containment_a_in_b == 36 / 37
    assert relation_of(False, sc, s) is Relation.CONTAINED
    span = shared_span(a, b, sc.jaccard)
    assert span is not None
    assert ("HEADER " + head)[span.a_start : span.a_end] == head
    assert body[span.b_start : span.b_end] == head
    assert relation_of(True, sc, s) is Relation.EXACT
    unrelated = _set(" ".join(f"other{i}" for i in range(50)), s)
    assert relation_of(False, scores(a, unrelated), s) is None


def test_components_and_sources() -> None:
    labels = connected_components(6, np.array([[0, 2], [2, 4], [1, 5]]))
    groups = [g.tolist() for g in groups_of(labels)]
    assert groups == [[0, 2, 4], [1, 5]]
    dates = [None, "2020-01-02T00:00:00", None, "2020-01-01T00:00:00", None, None]
    lengths = [10, 50, 30, 5, 30, 7]
    assert choose_source([0, 1, 3], dates, lengths, [0] * 6).index == 3
    assert choose_source([0, 2, 4], [None] * 6, lengths, [0, 0, 0, 0, 1, 0]).index == 4
    assert choose_source([0, 2, 4], [None] * 6, lengths, [0] * 6).index == 2


def test_orient_changes_only_the_source() -> None:
    from dataclasses import fields, replace

    from copytrace.model import Match, Span
    from copytrace.verify import orient

    s = Settings()
    m = Match("a", "b", Relation.CONTAINED, 0.3, 0.9, 0.2, (Span(1, 9, 2, 8, 0.97),), 0.8, 0.1)
    assert all(getattr(m, f.name) != f.default for f in fields(Match)[:9])
    cases = [
        (("2020-01-02", "2020-01-01"), "b", "earlier date"),
        ((None, "2020-01-01"), "b", "contains the other"),
        ((None, None), None, "undetermined: no date, no containment"),
    ]
    for (date_a, date_b), source, reason in cases:
        if source is None:
            m = replace(m, containment_a_in_b=0.2)
        assert orient(m, date_a, date_b, s) == replace(m, source=source, source_reason=reason)
