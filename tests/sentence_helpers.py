"""Sentences of a made-up language, for the sentence-splitting (test_text.py) and alignment
(test_align.py) tests."""

from __future__ import annotations

import random

VOCAB_RNG = random.Random(7)
#: A made-up language: 3,000 words drawn with Zipf-like frequencies, so that some are stop words.
VOCAB = [
    "".join(VOCAB_RNG.choice("bcdfghklmnprstvz") + VOCAB_RNG.choice("aeiou") for _ in range(3))
    for _ in range(3000)
]
WEIGHTS = [1.0 / (rank + 1) for rank in range(len(VOCAB))]


def _sentences(rng: random.Random, count: int) -> list[list[str]]:
    return [rng.choices(VOCAB, WEIGHTS, k=rng.randint(12, 22)) for _ in range(count)]


def _text(sents: list[list[str]]) -> str:
    return " ".join(" ".join(s).capitalize() + "." for s in sents)
