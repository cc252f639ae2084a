"""Judged samples: verdicts stored as ids and labels, precision and recall computed from them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copytrace.evaluation.judged import (
    Judgment,
    draw_sample,
    drawn_at_random,
    load_judgments,
    population,
    precision,
    recall,
    reported_pairs,
    save_judgments,
    weighted_precision,
)

STORED = Path(__file__).resolve().parent / "data" / "judged_passages.jsonl"
#: The judged sample of the matches only `--reworded-candidates` adds (bench_reworded.py).
REWORDED = Path(__file__).resolve().parent / "data" / "judged_reworded.jsonl"


def _j(a: str, b: str, relation: str, verdict: str, kind: str, sample: str = "s1") -> Judgment:
    return Judgment(sample, a, b, relation, verdict, kind, "a reason")


def test_the_stored_judgments_are_valid_and_carry_no_text() -> None:
    judged = load_judgments(STORED)
    assert len(judged) >= 1143
    for j in judged:
        assert len(j.reason.split()) <= 40  # one line of the judge's own words
    samples = {j.sample for j in judged}
    assert {
        "before-f76ed11",
        "dev1-90b9b4a",
        "after-3d2f1d3",
        "after2-4d12d8b",
        "after3-9771188",
        "after4-51296a5",
        "after5-6afaaee",
    } <= samples


def test_the_judged_matches_of_the_reworded_path_are_valid_and_distinct() -> None:
    judged = load_judgments(REWORDED)
    assert len(judged) >= 187
    assert {
        "reworded-1f2a3c5",
        "reworded2-1932c3a",
        "reworded3-5d6905a",
        "reworded4-7de73df",
    } <= {j.sample for j in judged}
    assert len({(j.a, j.b) for j in judged}) == len(judged)  # each pair judged once
    assert all(len(j.reason.split()) <= 40 for j in judged)
    # The pairs are among the corpora's documents (news, Reuters, newsgroups, Wikipedia), never
    # one document with itself.
    assert all(j.a != j.b and j.group in ("news", "newsgroups", "wikipedia") for j in judged)


@pytest.mark.parametrize(
    ("verdict", "kind"), [("reuse", "template"), ("not_reuse", "verbatim"), ("maybe", "topic")]
)
def test_a_judgment_needs_a_verdict_and_a_kind_that_fit(verdict: str, kind: str) -> None:
    with pytest.raises(ValueError, match="bbc-a ~ bbc-b"):
        _j("bbc-a", "bbc-b", "rewrite", verdict, kind)


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    items = [
        _j("bbc-2", "bbc-1", "rewrite", "reuse", "reworded"),
        _j("20ng-x", "20ng-y", "passage_reuse", "not_reuse", "signature"),
    ]
    path = tmp_path / "j.jsonl"
    save_judgments(path, items)
    assert sorted(load_judgments(path), key=lambda j: j.a) == sorted(items, key=lambda j: j.a)


def test_precision_counts_judged_items_still_reported_under_their_new_relation() -> None:
    judged = [
        _j("bbc-1", "bbc-2", "rewrite", "reuse", "verbatim"),
        _j("bbc-3", "bbc-4", "rewrite", "not_reuse", "template"),
        _j("bbc-5", "bbc-6", "passage_reuse", "not_reuse", "chrome"),
        _j("bbc-7", "bbc-8", "passage_reuse", "reuse", "verbatim", sample="other"),
    ]
    reported = reported_pairs(
        [
            {"a": "bbc-2", "b": "bbc-1", "relation": "passage_reuse"},  # relabelled, either order
            {"a": "bbc-3", "b": "bbc-4", "relation": "rewrite"},
            {"a": "bbc-7", "b": "bbc-8", "relation": "passage_reuse"},  # another sample
        ]
    )
    got = {(p.group, p.relation): (p.reuse, p.judged) for p in precision(judged, reported, {"s1"})}
    assert got == {("news", "passage_reuse"): (1, 1), ("news", "rewrite"): (0, 1)}


def test_weighted_precision_weighs_each_corpus_by_its_matches() -> None:
    judged = [
        _j("bbc-1", "bbc-2", "rewrite", "reuse", "reworded"),
        _j("reuters-1", "reuters-2", "rewrite", "not_reuse", "template"),
    ]
    matches = [{"a": "bbc-1", "b": "bbc-2", "relation": "rewrite"}]
    matches += [
        {"a": f"reuters-{i}", "b": f"reuters-{i + 1}", "relation": "rewrite"} for i in range(1, 4)
    ]
    matches += [{"a": "bbc-9", "b": "reuters-9", "relation": "rewrite"}]  # across corpora
    sizes = population(matches)
    assert sizes == {("bbc_news", "rewrite"): 1, ("reuters21578", "rewrite"): 3}
    weighted = weighted_precision(judged, reported_pairs(matches), {"s1"}, sizes)
    assert weighted == {("news", "rewrite"): pytest.approx(0.25)}  # (1 x 1.0 + 3 x 0.0) / 4
    plain = precision(judged, reported_pairs(matches), {"s1"})
    assert [(p.reuse, p.judged) for p in plain] == [(1, 2)]


def test_recall_counts_each_reuse_pair_once_and_verbatim_labels() -> None:
    judged = [
        _j("wiki15-1", "wiki15-2", "rewrite", "reuse", "verbatim"),
        _j("wiki15-1", "wiki15-2", "rewrite", "reuse", "verbatim", sample="s2"),
        _j("wiki15-3", "wiki15-4", "rewrite", "reuse", "reworded"),
        _j("wiki15-5", "wiki15-6", "passage_reuse", "reuse", "verbatim"),
        _j("wiki15-7", "wiki15-8", "rewrite", "not_reuse", "topic"),
    ]
    reported = {("wiki15-1", "wiki15-2"): "rewrite", ("wiki15-3", "wiki15-4"): "rewrite"}
    (r,) = recall(judged, reported)
    assert (r.group, r.reuse, r.reported, r.verbatim, r.verbatim_as_verbatim) == (
        "wikipedia",
        3,
        2,
        2,
        0,
    )


def test_recall_on_random_samples_leaves_out_the_samples_of_what_a_change_removed() -> None:
    assert drawn_at_random("after8-bd1d056") and drawn_at_random("before-f76ed11")
    assert not drawn_at_random("gone-391ed52") and not drawn_at_random("changed-a418fe3")
    judged = [
        _j("wiki15-1", "wiki15-2", "rewrite", "reuse", "verbatim", sample="after-x"),
        _j("wiki15-3", "wiki15-4", "rewrite", "reuse", "reworded", sample="gone-y"),
    ]
    reported = {("wiki15-1", "wiki15-2"): "rewrite"}
    (every,) = recall(judged, reported)
    (drawn,) = recall(judged, reported, drawn_at_random)
    assert (every.reuse, every.reported) == (2, 1)
    assert (drawn.reuse, drawn.reported) == (1, 1)


def test_draw_sample_is_stratified_and_reproducible() -> None:
    matches = [
        {"a": f"20ng-{i}", "b": f"20ng-{i + 1}", "relation": rel}
        for i in range(40)
        for rel in ("passage_reuse", "rewrite", "contained")
    ]
    matches.append({"a": "20ng-1", "b": "bbc-1", "relation": "rewrite"})
    one = draw_sample(matches, {"20newsgroups": 5}, seed=3)
    assert draw_sample(matches, {"20newsgroups": 5}, seed=3) == one
    assert sorted(m["relation"] for m in one) == ["passage_reuse"] * 5 + ["rewrite"] * 5
    assert draw_sample(matches, {"20newsgroups": 5}, seed=4) != one
    assert json.dumps(one)  # plain data, ready to store


def test_a_pair_is_reported_through_an_exact_copy_of_one_side() -> None:
    reported = reported_pairs(
        [
            {"a": "ng-1", "b": "ng-2", "relation": "exact"},
            {"a": "ng-3", "b": "ng-2", "relation": "exact"},
            {"a": "ng-2", "b": "ng-9", "relation": "passage_reuse"},
            {"a": "ng-1", "b": "ng-8", "relation": "contained"},  # reported itself: kept as is
            {"a": "ng-8", "b": "ng-3", "relation": "rewrite"},
        ]
    )
    for copy in ("ng-1", "ng-2", "ng-3"):
        assert reported[tuple(sorted((copy, "ng-9")))] == "passage_reuse"
    assert reported[("ng-1", "ng-8")] == "contained"
    assert reported[("ng-2", "ng-8")] in {"contained", "rewrite"}
    assert ("ng-8", "ng-9") not in reported  # no exact copy joins them
