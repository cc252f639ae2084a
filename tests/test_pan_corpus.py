"""PAN text alignment on the real Indonesian corpus: the passage issue's targets, as a test."""

from __future__ import annotations

from pathlib import Path

import pytest

import copytrace
from copytrace.evaluation import (
    OVERALL,
    Detection,
    list_documents,
    load_truth,
    pan_measures_by_obfuscation,
)


def _read(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as fh:  # PAN offsets count "\r\n" as two
        return fh.read()


@pytest.mark.slow
@pytest.mark.corpora
def test_pan_plagdet_meets_the_targets(corpora: Path) -> None:
    corpus = corpora / "pan_format_indonesian_plagiarism"
    suspicious, sources = list_documents(corpus)
    source_texts = {p.name: _read(p) for p in sources}
    detections = []
    for sus in suspicious:
        text = _read(sus)
        for name, source in source_texts.items():
            found = copytrace.compare(text, source)
            if found.relation is None:
                continue
            detections += [
                Detection(
                    sus.name, name, s.a_start, s.a_end - s.a_start, s.b_start, s.b_end - s.b_start
                )
                for s in found.spans
            ]
    scores = pan_measures_by_obfuscation(load_truth(corpus), detections)
    print(f"\n[pan] overall {scores[OVERALL]}; verbatim {scores['none']}")
    assert scores[OVERALL].plagdet >= 0.85
    assert scores["none"].plagdet >= 0.95
    assert scores[OVERALL].precision >= 0.95  # what it finds, it places
