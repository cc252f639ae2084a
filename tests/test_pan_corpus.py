"""PAN text alignment on the real Indonesian corpus: the passage issue's targets, as a test."""

from __future__ import annotations

from pathlib import Path

import pytest

import copytrace
from copytrace.evaluation import (
    OVERALL,
    Detection,
    PanScores,
    list_documents,
    load_truth,
    pan_measures_by_obfuscation,
)


def _read(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as fh:  # PAN offsets count "\r\n" as two
        return fh.read()


def _detection(sus: str, src: str, a0: int, a1: int, b0: int, b1: int) -> Detection:
    return Detection(sus, src, a0, a1 - a0, b0, b1 - b0)


@pytest.fixture(scope="module")
def pan(corpora: Path) -> tuple[Path, dict[str, str], dict[str, str]]:
    """The corpus folder, and its suspicious and source texts by file name."""
    corpus = corpora / "pan_format_indonesian_plagiarism"
    suspicious, sources = list_documents(corpus)
    return corpus, {p.name: _read(p) for p in suspicious}, {p.name: _read(p) for p in sources}


@pytest.fixture(scope="module")
def compare_scores(pan: tuple[Path, dict[str, str], dict[str, str]]) -> dict[str, PanScores]:
    """PAN measures of `compare` over every (suspicious, source) pair."""
    corpus, suspicious, sources = pan
    detections = []
    for sus, text in suspicious.items():
        for name, source in sources.items():
            found = copytrace.compare(text, source)
            if found.relation is not None:
                detections += [
                    _detection(sus, name, s.a_start, s.a_end, s.b_start, s.b_end)
                    for s in found.spans
                ]
    return pan_measures_by_obfuscation(load_truth(corpus), detections)


@pytest.mark.slow
@pytest.mark.corpora
def test_pan_plagdet_meets_the_targets(compare_scores: dict[str, PanScores]) -> None:
    scores = compare_scores
    print(f"\n[pan] overall {scores[OVERALL]}; verbatim {scores['none']}")
    assert scores[OVERALL].plagdet >= 0.85
    assert scores["none"].plagdet >= 0.95
    assert scores[OVERALL].precision >= 0.95  # what it finds, it places


@pytest.mark.slow
@pytest.mark.corpora
def test_scan_with_sentence_sketches_finds_what_compare_finds(
    pan: tuple[Path, dict[str, str], dict[str, str]], compare_scores: dict[str, PanScores]
) -> None:
    """One scan of the 65 documents with the default settings (the reworded candidates on)
    scores within 0.02 of `compare` over all pairs, and reports nothing on pairs without a
    case."""
    corpus, suspicious, sources = pan
    docs = [(f"sus/{n}", t) for n, t in suspicious.items()]
    docs += [(f"src/{n}", t) for n, t in sources.items()]
    result = copytrace.scan(docs, copytrace.Settings())
    truth = load_truth(corpus)
    with_case = {(c.suspicious, c.source) for c in truth}
    detections, stray = [], []
    for m in result.matches:
        if {m.a[:4], m.b[:4]} != {"sus/", "src/"}:
            continue
        sus_is_a = m.a.startswith("sus/")
        sus, src = (m.a[4:], m.b[4:]) if sus_is_a else (m.b[4:], m.a[4:])
        if (sus, src) not in with_case:
            stray.append((sus, src, m.relation.value))
        for s in m.spans:
            spans = (s.a_start, s.a_end, s.b_start, s.b_end)
            a0, a1, b0, b1 = spans if sus_is_a else (*spans[2:], *spans[:2])
            detections.append(_detection(sus, src, a0, a1, b0, b1))
    scores = pan_measures_by_obfuscation(truth, detections)
    print(f"\n[pan scan] overall {scores[OVERALL]}; compare {compare_scores[OVERALL]}")
    assert scores[OVERALL].plagdet >= 0.85
    assert scores[OVERALL].plagdet >= compare_scores[OVERALL].plagdet - 0.02
    assert stray == []
