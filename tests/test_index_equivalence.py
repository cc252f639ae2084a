"""Adding a corpus to an index and querying each document finds the pairs `scan` finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from index_helpers import made_copies, read_corpus, scan_and_index
from test_passage_precision import series_documents

import copytrace
from copytrace import Document, Settings
from copytrace.align.pieces import SERIES_FACTOR

DEMO = Path(__file__).resolve().parents[1] / "demo" / "news.jsonl"


@pytest.mark.parametrize("batches", [1, 4])
def test_demo_gives_the_pairs_of_scan(tmp_path: Path, batches: int) -> None:
    docs = list(copytrace.read(DEMO))
    (scan_pairs, scan_classes), (index_pairs, index_classes) = scan_and_index(
        docs, tmp_path, batches=batches
    )
    assert len(scan_pairs) == 13
    assert index_pairs == scan_pairs
    assert index_classes == scan_classes


@pytest.mark.corpora
def test_made_copies_of_real_articles_give_the_pairs_of_scan(tmp_path: Path, corpora: Path) -> None:
    bases = read_corpus(corpora / "reuters21578.jsonl.gz", 120) + read_corpus(
        corpora / "20newsgroups.jsonl.gz", 120
    )
    docs = made_copies(bases)
    scanned = copytrace.scan(docs)
    boilerplate = scanned.summary["boilerplate"]
    # The corpus exercises host chrome, posts' signatures and attributions.
    assert boilerplate["lines_marked"] > 50 and boilerplate["post_signatures"] > 10
    (scan_pairs, scan_classes), (index_pairs, index_classes) = scan_and_index(
        docs, tmp_path, batches=5
    )
    relations = set(scan_pairs.values())
    assert {"near_duplicate", "contained", "passage_reuse"} <= relations
    assert index_pairs == scan_pairs
    assert index_classes == scan_classes


def test_a_series_stock_sentence_is_no_reuse_in_the_index_as_in_scan(tmp_path: Path) -> None:
    # The index counts fingerprint frequencies over what it holds, as scan does over its input.
    n = SERIES_FACTOR * Settings().boilerplate_min_docs
    docs = [Document(doc_id, text) for doc_id, text in series_documents(n)]
    (scan_pairs, _), (index_pairs, _) = scan_and_index(docs, tmp_path, batches=3)
    assert scan_pairs == {frozenset(("s2", "s3")): "passage_reuse"}
    assert index_pairs == scan_pairs
