"""Unit tests of verification (copytrace.verify): scores, relations, shared spans, orientation."""

from __future__ import annotations

from copytrace import Relation, Settings
from copytrace.sketch import shingle_text, sketch_batch
from copytrace.verify import relation_of, scores, shared_span, shingle_set


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
