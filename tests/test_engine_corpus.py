"""The local engine's corpus (engines/local/corpus.py): exact copies share one sketch, and the
texts verified are blanked as they were sketched."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from copytrace import Settings
from copytrace.boilerplate import Provenance
from copytrace.io.base import Origin


def test_exact_copies_keep_one_signature_and_few_bytes_each() -> None:
    from copytrace.engines.local.corpus import Corpus
    from copytrace.engines.local.run import documents_as_items
    from copytrace.engines.local.store import TextStore

    words = [f"w{i}" for i in range(2000)]
    rng = random.Random(4)
    originals = [" ".join(rng.choices(words, k=200)) for _ in range(50)]
    docs = [(f"copy-{k}-of-{i}", text) for k in range(40) for i, text in enumerate(originals)]
    with TextStore() as store:
        corpus = Corpus(Settings(), store, "fail")
        for origin, record in documents_as_items(docs):
            corpus.add(origin, record)
        sketches = corpus.sketches()
    assert sketches.signatures.shape[0] == len(originals)
    per_doc = sum(
        getattr(sketches, name).nbytes
        for name in ("exact", "rep", "n_tokens", "n_shingles", "text_span")
    )
    assert per_doc / len(docs) <= 48
    assert len({int(r) for r in sketches.rep}) == len(originals)


def test_verification_reads_texts_blanked_as_they_were_sketched(tmp_path: Path) -> None:
    from copytrace.engines.local.corpus import Corpus
    from copytrace.engines.local.store import TextStore
    from copytrace.model import Document

    rng = random.Random(6)
    chrome = ["Sign in", "Subscribe now", "Related stories"]
    with TextStore(str(tmp_path)) as store:
        corpus = Corpus(Settings(boilerplate_min_docs=5), store, "fail")
        texts = []
        for k in range(40):
            lines = [*rng.sample(chrome, 2), f"Story {k} says {rng.random()}."]
            texts.append("\n".join(lines))
            corpus.add(Origin(0, "mem", "doc", k + 1), Document(f"d{k}", texts[-1]))
        corpus.sketches()
        finder = corpus.boilerplate
        for k, text in enumerate(texts):
            assert corpus.sketch_text(k) == finder.mask(Provenance(), text)[0] != text


def test_prepared_documents_are_kept_within_a_budget_of_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from copytrace.engines.local import stages
    from copytrace.engines.local.corpus import Corpus
    from copytrace.engines.local.run import documents_as_items
    from copytrace.engines.local.store import TextStore

    rng = random.Random(8)
    words = [f"w{i}" for i in range(500)]
    docs = [(f"d{i}", " ".join(rng.choices(words, k=100 * (i + 1)))) for i in range(6)]
    with TextStore() as store:
        settings = Settings()
        corpus = Corpus(settings, store, "fail")
        for origin, record in documents_as_items(docs):
            corpus.add(origin, record)
        sketches = corpus.sketches()
        per_token = stages.PREPARED_BYTES_PER_TOKEN
        # Room for the two largest documents (600 and 500 tokens), not for a third.
        monkeypatch.setattr(stages, "PREPARED_BYTES", per_token * 1150)
        prepared = stages.Prepared(corpus, sketches, settings)
        first = {i: prepared(i).shingled.tokens.copy() for i in range(6)}
        assert list(prepared._kept) == [4, 5]  # the latest that fit
        assert prepared._bytes == per_token * 1100 <= stages.PREPARED_BYTES
        assert prepared(5) is prepared(5)  # kept: not prepared again
        for i in range(6):  # prepared again after eviction: the same document
            assert np.array_equal(prepared(i).shingled.tokens, first[i])
            assert prepared._bytes <= stages.PREPARED_BYTES
        # Small documents: at most PREPARED_DOCS of them, whatever room the bytes leave.
        monkeypatch.setattr(stages, "PREPARED_BYTES", 1 << 30)
        monkeypatch.setattr(stages, "PREPARED_DOCS", 3)
        prepared = stages.Prepared(corpus, sketches, settings)
        for i in range(6):
            prepared(i)
        assert list(prepared._kept) == [3, 4, 5]
