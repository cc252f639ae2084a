"""The local engine's corpus (engines/local/corpus.py): exact copies share one sketch, and the
texts verified are blanked as they were sketched."""

from __future__ import annotations

import random
from pathlib import Path

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
