"""The local engine's cache of prepared documents (engines/local/stages.Prepared): documents
are kept by when they are called for next (`verifying.next_calls`), as Belady's rule keeps
them, and a document not called for again is not kept."""

from __future__ import annotations

import numpy as np
import pytest

from copytrace import Settings
from copytrace.engines.local import stages
from copytrace.engines.local.verifying import NEVER, next_calls


def test_next_calls_number_each_documents_next_call_in_pair_order() -> None:
    pairs = np.array([[0, 1], [0, 2], [1, 2], [3, 4]], dtype=np.int64)
    # calls: 0 1 | 0 2 | 1 2 | 3 4
    expected = [[2, 4], [NEVER, 5], [NEVER, NEVER], [NEVER, NEVER]]
    assert next_calls(pairs).tolist() == expected


class _Corpus:
    """Texts by index, counting how often each is read (prepared)."""

    def __init__(self, n: int) -> None:
        self.texts = [f"document {i} " + " ".join(f"w{i}x{k}" for k in range(12)) for i in range(n)]
        self.reads: list[int] = []

    def sketch_text(self, i: int) -> str:
        self.reads.append(i)
        return self.texts[i]


class _Sketches:
    def __init__(self, n: int) -> None:
        self.exact = np.zeros((n, 2), dtype=np.uint64)


def _prepared(n: int) -> tuple[stages.Prepared, _Corpus]:
    corpus = _Corpus(n)
    return stages.Prepared(corpus, _Sketches(n), Settings()), corpus  # type: ignore[arg-type]


def test_the_document_called_for_latest_is_dropped_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stages, "PREPARED_DOCS", 2)
    pairs = np.array([[0, 1], [0, 2], [1, 2], [0, 3], [1, 3]], dtype=np.int64)
    following = next_calls(pairs)
    prepared, corpus = _prepared(4)
    for (i, j), (ni, nj) in zip(pairs.tolist(), following.tolist(), strict=True):
        assert prepared(i, ni).shingled.text == corpus.texts[i]
        assert prepared(j, nj).shingled.text == corpus.texts[j]
    # Two kept at most. Least recently used would read 0 1 2 1 0 3 1: seven preparations;
    # dropping the one called for latest reads 0 1 2 0 3 (or as few): five.
    assert len(corpus.reads) == 5
    assert sorted(set(corpus.reads)) == [0, 1, 2, 3]


def test_a_document_not_called_for_again_is_not_kept() -> None:
    prepared, corpus = _prepared(3)
    prepared(0, NEVER)
    prepared(0, NEVER)
    assert corpus.reads == [0, 0]
    prepared(1)  # a call that does not say: kept
    prepared(1)
    assert corpus.reads == [0, 0, 1]


def test_documents_kept_for_calls_left_out_make_room(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stages, "PREPARED_DOCS", 2)
    prepared, corpus = _prepared(4)
    prepared(0, 10)  # kept for call 10, which never comes (its pair was left out)
    prepared(1, 11)
    prepared.passed(20)  # calls 10 and 11 are past: both now count as not known
    prepared(2, 21)
    prepared(3, 22)
    prepared(2, NEVER)
    prepared(3, NEVER)
    assert corpus.reads == [0, 1, 2, 3]  # 2 and 3 took the room of 0 and 1, and were kept
