"""Tests of the PAN text-alignment measures (copytrace.evaluation.pan).

Intervals below are half-open, ``[offset, offset + length)``; sizes count both sides.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrace.evaluation import (
    OVERALL,
    Case,
    Detection,
    PanScores,
    format_table,
    list_documents,
    load_truth,
    pan_measures,
    pan_measures_by_obfuscation,
)

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
INDONESIAN = CORPORA / "pan_format_indonesian_plagiarism"


def case(
    this: tuple[int, int],
    source: tuple[int, int],
    pair: tuple[str, str] = ("susp1.txt", "src1.txt"),
    obfuscation: str = "none",
) -> Case:
    """Case from (offset, length) on each side."""
    return Case(pair[0], pair[1], this[0], this[1], source[0], source[1], obfuscation)


def det(
    this: tuple[int, int],
    source: tuple[int, int],
    pair: tuple[str, str] = ("susp1.txt", "src1.txt"),
) -> Detection:
    """Detection from (offset, length) on each side."""
    return Detection(pair[0], pair[1], this[0], this[1], source[0], source[1])


def assert_scores(
    scores: PanScores, precision: float, recall: float, granularity: float, plagdet: float
) -> None:
    """Compare the four measures with hand-computed values."""
    assert scores.precision == pytest.approx(precision)
    assert scores.recall == pytest.approx(recall)
    assert scores.granularity == pytest.approx(granularity)
    assert scores.plagdet == pytest.approx(plagdet)


# --------------------------------------------------------------------------- hand-made cases


def test_perfect_detection() -> None:
    # s = susp [100,200) + src [50,150): |s| = 200; r = s, so s ⊓ r = 200 chars.
    # recall = 200/200 = 1, precision = 200/200 = 1, granularity 1, plagdet = 1/log2(2) = 1.
    scores = pan_measures([case((100, 100), (50, 100))], [det((100, 100), (50, 100))])
    assert_scores(scores, 1.0, 1.0, 1.0, 1.0)
    assert (scores.n_cases, scores.n_detections) == (1, 1)


def test_half_detection() -> None:
    # s = susp [0,100) + src [0,100): |s| = 200. r = susp [0,50) + src [0,50): |r| = 100.
    # s ⊓ r = 50 + 50 = 100 -> recall 100/200 = 0.5, precision 100/100 = 1.
    # F1 = 2·0.5·1/1.5 = 2/3, granularity 1 -> plagdet = 2/3.
    scores = pan_measures([case((0, 100), (0, 100))], [det((0, 50), (0, 50))])
    assert_scores(scores, 1.0, 0.5, 1.0, 2 / 3)


def test_two_detections_splitting_one_case() -> None:
    # s = susp [0,100) + src [0,100). r1 = first halves, r2 = second halves.
    # Union covers 100 + 100 = 200 -> recall 1; each r is inside s -> precision 1.
    # Both detect s -> granularity 2; F1 = 1 -> plagdet = 1/log2(3) ≈ 0.631.
    scores = pan_measures(
        [case((0, 100), (0, 100))], [det((0, 50), (0, 50)), det((50, 50), (50, 50))]
    )
    assert_scores(scores, 1.0, 1.0, 2.0, 1 / math.log2(3))


def test_wrong_document_pair_detects_nothing() -> None:
    # Same offsets, but the detection names another source (or suspicious) document.
    # Nothing is detected: recall 0, precision 0, granularity 1 (no detected case), plagdet 0.
    cases = [case((0, 100), (0, 100), pair=("susp1.txt", "src1.txt"))]
    for pair in [("susp1.txt", "src2.txt"), ("susp2.txt", "src1.txt")]:
        scores = pan_measures(cases, [det((0, 100), (0, 100), pair=pair)])
        assert_scores(scores, 0.0, 0.0, 1.0, 0.0)


def test_overlap_on_suspicious_side_only_detects_nothing() -> None:
    # s = susp [0,100) + src [0,100); r = susp [0,100) + src [200,300).
    # Suspicious intervals overlap, source intervals do not -> r does not detect s.
    # (Counting the suspicious overlap alone would wrongly give recall 100/200 = 0.5.)
    scores = pan_measures([case((0, 100), (0, 100))], [det((0, 100), (200, 100))])
    assert_scores(scores, 0.0, 0.0, 1.0, 0.0)


def test_touching_intervals_do_not_overlap() -> None:
    # r = susp [100,200) + src [100,200) only touches s = [0,100) + [0,100): no shared character.
    scores = pan_measures([case((0, 100), (0, 100))], [det((100, 100), (100, 100))])
    assert_scores(scores, 0.0, 0.0, 1.0, 0.0)


def test_union_of_overlapping_detections_not_double_counted() -> None:
    # s = susp [0,100) + src [0,100): |s| = 200.
    # r1 = susp [0,60) + src [0,60); r2 = susp [20,60) + src [20,60) (inside r1).
    # Union on each side is [0,60): 60 + 60 = 120 -> recall 120/200 = 0.6
    # (summing would give (120 + 80)/200 = 1.0). Both r inside s -> precision 1.
    # granularity 2; F1 = 2·0.6·1/1.6 = 0.75 -> plagdet = 0.75/log2(3).
    scores = pan_measures(
        [case((0, 100), (0, 100))], [det((0, 60), (0, 60)), det((20, 40), (20, 40))]
    )
    assert_scores(scores, 1.0, 0.6, 2.0, 0.75 / math.log2(3))


def test_union_of_overlapping_cases_not_double_counted_in_precision() -> None:
    # r = susp [0,200) + src [0,200): |r| = 400.
    # s1 = susp [0,100) + src [0,100); s2 = susp [50,150) + src [50,150) (cases overlap).
    # Union of s ⊓ r per side is [0,150): 150 + 150 = 300 -> precision 300/400 = 0.75
    # (summing would give 400/400). Both cases fully covered -> recall 1, granularity 1.
    # F1 = 2·0.75/1.75 = 6/7 -> plagdet = 6/7.
    cases = [case((0, 100), (0, 100)), case((50, 100), (50, 100))]
    scores = pan_measures(cases, [det((0, 200), (0, 200))])
    assert_scores(scores, 0.75, 1.0, 1.0, 6 / 7)


def test_both_sides_counted_with_unequal_lengths() -> None:
    # s = susp [0,100) + src [0,200): |s| = 300. r = susp [50,150) + src [150,250): |r| = 200.
    # s ⊓ r = susp [50,100) 50 + src [150,200) 50 = 100.
    # recall = 100/300 = 1/3, precision = 100/200 = 1/2, F1 = 2·(1/6)/(5/6) = 0.4 = plagdet.
    scores = pan_measures([case((0, 100), (0, 200))], [det((50, 100), (150, 100))])
    assert_scores(scores, 0.5, 1 / 3, 1.0, 0.4)


def test_false_positive_lowers_precision() -> None:
    # One perfect detection (precision 1) and one in another pair (precision 0):
    # macro precision = (1 + 0)/2 = 0.5, recall 1, granularity 1, F1 = 2·0.5/1.5 = 2/3.
    cases = [case((0, 100), (0, 100))]
    detections = [det((0, 100), (0, 100)), det((0, 100), (0, 100), pair=("susp9.txt", "src1.txt"))]
    assert_scores(pan_measures(cases, detections), 0.5, 1.0, 1.0, 2 / 3)


def test_recall_is_macro_averaged_over_cases() -> None:
    # s1 fully detected (recall 1), s2 in another pair undetected (recall 0) -> recall 0.5.
    # Granularity is over detected cases only: s1 has one detection -> 1.
    cases = [case((0, 100), (0, 100)), case((0, 10), (0, 10), pair=("susp2.txt", "src1.txt"))]
    scores = pan_measures(cases, [det((0, 100), (0, 100))])
    assert_scores(scores, 1.0, 0.5, 1.0, 2 / 3)


def test_no_detections_gives_zero_precision() -> None:
    # Documented choice: precision 0 when there are cases but no detections.
    scores = pan_measures([case((0, 100), (0, 100))], [])
    assert_scores(scores, 0.0, 0.0, 1.0, 0.0)
    assert scores.n_detections == 0


def test_no_cases_raises() -> None:
    with pytest.raises(ValueError, match="undefined"):
        pan_measures([], [det((0, 1), (0, 1))])
    with pytest.raises(ValueError, match="undefined"):
        pan_measures_by_obfuscation([], [])


def test_invalid_spans_rejected() -> None:
    with pytest.raises(ValueError):
        det((-1, 10), (0, 10))
    with pytest.raises(ValueError):
        case((0, 0), (5, 0))
    with pytest.raises(TypeError):
        Detection("a", "b", 0, 1.5, 0, 1)  # type: ignore[arg-type]


def test_by_obfuscation() -> None:
    # c1 ("none", pair d1/s1) detected perfectly by r1.
    # c2 ("simulated", pair d2/s1) half detected by r2: recall 0.5, precision 1.
    # r3 is a false positive in pair d3/s1: it belongs to no type, only to "overall".
    # none:      P 1, R 1,   G 1 -> plagdet 1.
    # simulated: P 1, R 0.5, G 1 -> plagdet 2/3.
    # overall:   P (1 + 1 + 0)/3 = 2/3, R (1 + 0.5)/2 = 0.75, G 1
    #            -> F1 = 2·(2/3)·0.75/(2/3 + 0.75) = 1/(17/12) = 12/17.
    d1, d2, d3 = ("d1.txt", "s1.txt"), ("d2.txt", "s1.txt"), ("d3.txt", "s1.txt")
    cases = [
        case((0, 100), (0, 100), pair=d1, obfuscation="none"),
        case((0, 100), (0, 100), pair=d2, obfuscation="simulated"),
    ]
    detections = [
        det((0, 100), (0, 100), pair=d1),
        det((0, 50), (0, 50), pair=d2),
        det((0, 100), (0, 100), pair=d3),
    ]
    scores = pan_measures_by_obfuscation(cases, detections)
    assert list(scores) == ["none", "simulated", OVERALL]
    assert_scores(scores["none"], 1.0, 1.0, 1.0, 1.0)
    assert_scores(scores["simulated"], 1.0, 0.5, 1.0, 2 / 3)
    assert_scores(scores[OVERALL], 2 / 3, 0.75, 1.0, 12 / 17)
    assert [(s.n_cases, s.n_detections) for s in scores.values()] == [(1, 1), (1, 1), (2, 3)]


def test_by_obfuscation_precision_counts_only_that_type() -> None:
    # One detection r = susp [0,200) + src [0,200) (|r| = 400) covers c1 ("none", first
    # halves) and c2 ("simulated", second halves) exactly.
    # none: r's overlap with c1 = 200 of 400 -> precision 0.5; simulated likewise.
    # overall: union of both overlaps = 400 -> precision 1.
    cases = [
        case((0, 100), (0, 100), obfuscation="none"),
        case((100, 100), (100, 100), obfuscation="simulated"),
    ]
    scores = pan_measures_by_obfuscation(cases, [det((0, 200), (0, 200))])
    assert scores["none"].precision == pytest.approx(0.5)
    assert scores["simulated"].precision == pytest.approx(0.5)
    assert scores[OVERALL].precision == pytest.approx(1.0)
    assert scores[OVERALL].recall == pytest.approx(1.0)


def test_format_table() -> None:
    scores = {
        "none": PanScores(1.0, 0.5, 1.0, 2 / 3, 3, 2),
        OVERALL: PanScores(0.25, 0.125, 2.0, 0.1, 4, 5),
    }
    assert format_table(scores).splitlines() == [
        "| obfuscation | cases | detections | precision | recall | granularity | plagdet |",
        "|---|---:|---:|---:|---:|---:|---:|",
        "| none | 3 | 2 | 1.000 | 0.500 | 1.000 | 0.667 |",
        "| overall | 4 | 5 | 0.250 | 0.125 | 2.000 | 0.100 |",
    ]


# --------------------------------------------------------------------------- truth loading


def test_load_truth_small_corpus(tmp_path: Path) -> None:
    suspicious = tmp_path / "suspicious-documents"
    suspicious.mkdir()
    (tmp_path / "source-documents").mkdir()
    (tmp_path / "source-documents" / "source-document00001.txt").write_text("x" * 50)
    (suspicious / "suspicious-document00001.txt").write_text("y" * 50)
    (suspicious / "suspicious-document00002.txt").write_text("z" * 50)
    (suspicious / "suspicious-document00001.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<document reference="suspicious-document00001.txt">\n'
        '  <feature name="about" authors="someone"/>\n'
        '  <feature name="plagiarism" type="simulated" this_offset="1" this_length="2"'
        ' source_reference="source-document00001.txt" source_offset="3" source_length="4"/>\n'
        '  <feature name="plagiarism" type="artificial" obfuscation="random-shuffling"'
        ' this_offset="10" this_length="20" source_reference="source-document00001.txt"'
        ' source_offset="30" source_length="15"/>\n'
        "</document>\n"
    )
    (suspicious / "suspicious-document00002.xml").write_text(
        '<document reference="suspicious-document00002.txt">\n</document>\n'
    )
    assert load_truth(tmp_path) == [
        Case("suspicious-document00001.txt", "source-document00001.txt", 1, 2, 3, 4, "simulated"),
        Case(
            "suspicious-document00001.txt",
            "source-document00001.txt",
            10,
            20,
            30,
            15,
            "random-shuffling",
        ),
    ]
    suspicious_txt, source_txt = list_documents(tmp_path)
    assert [p.name for p in suspicious_txt] == [
        "suspicious-document00001.txt",
        "suspicious-document00002.txt",
    ]
    assert [p.name for p in source_txt] == ["source-document00001.txt"]


def test_load_truth_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_truth(tmp_path)
    with pytest.raises(FileNotFoundError):
        list_documents(tmp_path)


@pytest.mark.corpora
def test_load_truth_indonesian_corpus() -> None:
    if not CORPORA.is_dir():
        pytest.skip(f"shared corpora not present at {CORPORA}")
    if not INDONESIAN.is_dir():
        pytest.skip(f"Indonesian PAN corpus not present at {INDONESIAN}")
    cases = load_truth(INDONESIAN)
    assert len(cases) == 94
    assert Counter(c.obfuscation for c in cases) == {
        "none": 11,
        "random-shuffling": 14,
        "pos-preserving": 6,
        "semantic-variation": 18,
        "simulated": 45,
    }

    suspicious_txt, source_txt = list_documents(INDONESIAN)
    assert (len(suspicious_txt), len(source_txt)) == (35, 30)
    # Read as UTF-8 without newline translation so that lengths are exact character counts.
    lengths = {p.name: len(p.read_bytes().decode("utf-8")) for p in suspicious_txt + source_txt}
    for c in cases:
        assert c.suspicious in lengths, c
        assert c.source in lengths, c
        assert c.this_offset + c.this_length <= lengths[c.suspicious], c
        assert c.source_offset + c.source_length <= lengths[c.source], c
    # 15 suspicious documents are negatives (no case).
    assert len({p.name for p in suspicious_txt} - {c.suspicious for c in cases}) == 15

    # Sanity: the truth scored against itself is perfect.
    detections = [
        Detection(
            c.suspicious, c.source, c.this_offset, c.this_length, c.source_offset, c.source_length
        )
        for c in cases
    ]
    overall = pan_measures(cases, detections)
    assert (overall.precision, overall.recall) == (1.0, 1.0)


# --------------------------------------------------------------------------- properties

PAIRS = [("d1", "s1"), ("d1", "s2"), ("d2", "s1")]
Span = tuple[str, str, int, int, int, int]


@st.composite
def spans(draw: st.DrawFn) -> Span:
    """A document pair and two intervals with at least one character in total."""
    pair = draw(st.sampled_from(PAIRS))
    this_length = draw(st.integers(0, 40))
    source_length = draw(st.integers(0 if this_length else 1, 40))
    return (
        pair[0],
        pair[1],
        draw(st.integers(0, 60)),
        this_length,
        draw(st.integers(0, 60)),
        source_length,
    )


def case_of(span: Span, obfuscation: str) -> Case:
    """Case built from a drawn span."""
    return Case(*span, obfuscation)


def detection_of(span: Span) -> Detection:
    """Detection built from a drawn span."""
    return Detection(*span)


cases_st = st.lists(
    st.builds(case_of, spans(), st.sampled_from(["none", "simulated", "random-shuffling"])),
    min_size=1,
    max_size=8,
)
detections_st = st.lists(st.builds(detection_of, spans()), max_size=8)


@settings(max_examples=300, deadline=None)
@given(cases=cases_st, detections=detections_st)
def test_measures_are_bounded(cases: list[Case], detections: list[Detection]) -> None:
    for scores in pan_measures_by_obfuscation(cases, detections).values():
        assert 0.0 <= scores.precision <= 1.0
        assert 0.0 <= scores.recall <= 1.0
        assert 1.0 <= scores.granularity <= max(1, len(detections))
        assert 0.0 <= scores.plagdet <= 1.0


@settings(max_examples=200, deadline=None)
@given(cases=cases_st, detections=detections_st)
def test_duplicate_detections_change_only_granularity(
    cases: list[Case], detections: list[Detection]
) -> None:
    # Unions make recall and macro precision invariant to repeating every detection;
    # only granularity (of detected cases) doubles.
    once = pan_measures(cases, detections)
    twice = pan_measures(cases, detections + detections)
    assert twice.recall == pytest.approx(once.recall)
    assert twice.precision == pytest.approx(once.precision)
    if once.recall > 0:
        assert twice.granularity == pytest.approx(2 * once.granularity)


@settings(max_examples=200, deadline=None)
@given(cases=cases_st)
def test_truth_against_itself_has_full_precision_and_recall(cases: list[Case]) -> None:
    detections = [
        Detection(
            c.suspicious, c.source, c.this_offset, c.this_length, c.source_offset, c.source_length
        )
        for c in cases
    ]
    scores = pan_measures(cases, detections)
    # Each detection detects its own case, but a one-sided case (one length 0) cannot be
    # detected by anything, since detection needs overlap on both sides.
    two_sided = [c.this_length > 0 and c.source_length > 0 for c in cases]
    assert scores.recall == pytest.approx(sum(two_sided) / len(cases))
    assert scores.precision == pytest.approx(sum(two_sided) / len(cases))
