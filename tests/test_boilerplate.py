"""Unit tests of boilerplate detection (copytrace.boilerplate): counts merged in batches, each
distinct text counted once, and blanked lines checked against a line-by-line reference."""

from __future__ import annotations

import random

import numpy as np
import pytest

import copytrace.boilerplate as boilerplate
from copytrace.boilerplate import BoilerplateFinder, Provenance


def test_boilerplate_counts_merged_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(1)
    lines = [f"menu item {i}" for i in range(40)] + ["A long paragraph. " * 30]
    texts = ["\n".join(rng.sample(lines, 6)) for _ in range(300)]
    hosts = [Provenance(rng.choice([None, "a.example", "b.example"])) for _ in texts]
    finders = []
    for batch in (3, 1 << 30):
        monkeypatch.setattr(boilerplate, "COUNT_BATCH", batch)
        finder = BoilerplateFinder(25)
        for host, text in zip(hosts, texts, strict=True):
            finder.add(host, text)
        finder.finish()
        finders.append(finder)
    assert np.array_equal(finders[0].marked, finders[1].marked)
    assert finders[0].n_marked > 0
    masked = finders[0].mask_many(hosts, texts)
    assert masked == [finders[0].mask(h, t) for h, t in zip(hosts, texts, strict=True)]
    assert any(n for _, n in masked)
    assert all(len(m) == len(t) for (m, _), t in zip(masked, texts, strict=True))


def test_blanked_runs_match_a_line_by_line_reference() -> None:
    rng = random.Random(4)
    chrome = ["Share this story", "  MENU  ", "Cookies help us", "Home | News"]
    body = [f"Paragraph {i} of a story, with its own words {i * 7}." for i in range(50)]
    texts = []
    for _ in range(200):
        lines = rng.sample(chrome, 3) + rng.sample(body, 4) + ["x" * 400]
        rng.shuffle(lines)
        texts.append(rng.choice(["\n", "\r\n"]).join(lines) + rng.choice(["", "\n"]))
    texts.append("Share this story\nMENU\n")  # nothing but chrome: kept whole
    hosts = [Provenance(rng.choice([None, "a.example"])) for _ in texts]
    finder = BoilerplateFinder(20)
    for host, text in zip(hosts, texts, strict=True):
        finder.add(host, text)
    finder.finish()
    marked = set(finder.marked.tolist())

    def reference(provenance: Provenance, text: str) -> tuple[str, int]:
        out, n = [], 0
        (group,) = boilerplate._groups(provenance, post=False)  # a page: its host, or the corpus
        for line in text.splitlines(keepends=True):
            key = (hash(line.strip().lower()) & boilerplate._NO_FLAG) ^ group.salt
            if key in marked and len(line) <= boilerplate.MAX_LINE_CHARS + 2:
                out.append(" " * len(line))
                n += 1
            else:
                out.append(line)
        result = "".join(out)
        return (text, 0) if result.isspace() else (result, n)

    expected = [reference(h, t) for h, t in zip(hosts, texts, strict=True)]
    assert finder.mask_many(hosts, texts) == expected
    assert sum(n > 0 for _, n in expected) >= 150 and expected[-1] == (texts[-1], 0)


def test_boilerplate_counts_each_distinct_text_once() -> None:
    story = "Markets fell on Monday\nBy a staff reporter\n" + "The index lost two per cent. " * 9
    finder = BoilerplateFinder(5)
    unknown, other = Provenance(), Provenance("other.example")
    for _ in range(12):  # one story stored twelve times over, as crawls and reprints do
        finder.add(unknown, story)
    for k in range(4):  # and on four other pages
        finder.add(unknown, f"By a staff reporter\nOther news number {k}.")
    for page in range(3000):  # the set of seen texts grows past its first size
        finder.add(other, f"page {page}\nMENU")
    finder.finish()
    masked, n = finder.mask(unknown, story)
    assert n == 1 and "By a staff reporter" not in masked and "Markets fell" in masked
    assert finder.mask(other, "page 7\nMENU")[1] == 1
