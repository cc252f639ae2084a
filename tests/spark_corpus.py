"""A corpus of real documents and made copies of every kind, for comparing the two engines.

Real articles and posts of ../shared/corpora (BBC News, Reuters with dates, 20 Newsgroups
posts with their headers and threads), then copies made of them with fixed seeds: exact copies,
near-duplicates (a new masthead line and a few words changed), truncated reprints, articles with
paragraphs of another inserted, synonym-spun (or word-swapped) rewrites, one story printed many
times with one word changed (a bucket above the cap and a cluster large enough that the local
engine skips pairs inside it), pages of made-up sites sharing their menus and footers, dated
copies, empty documents, a duplicate id and a malformed line.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from copytrace import MissingDependencyError
from copytrace.evaluation import insert_excerpt, load_synonyms, paragraph_spans, spin

SEED = 20261201


def _records(path: Path, limit: int, keep: Callable[[dict[str, Any]], bool]) -> list[dict]:
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if keep(record):
                out.append(record)
                if len(out) >= limit:
                    break
    return out


def _words(text: str) -> int:
    return len(text.split())


def _swap_words(text: str, rng: random.Random, n: int, vocabulary: list[str]) -> str:
    words = text.split(" ")
    alpha = [k for k, w in enumerate(words) if w.isalpha()]
    for k in rng.sample(alpha, min(n, len(alpha))):
        words[k] = rng.choice([v for v in vocabulary[:50] if v != words[k]])
    return " ".join(words)


def _spun(text: str, rng: random.Random, vocabulary: list[str]) -> str:
    try:
        return spin(text, 0.3, rng, load_synonyms())
    except MissingDependencyError:  # no WordNet: swap a quarter of the words
        return _swap_words(text, rng, _words(text) // 4, vocabulary)


def build(corpora: Path, scale: int = 1) -> list[dict[str, Any]]:
    """The records of the corpus, in order (scale multiplies the originals and copies)."""
    rng = random.Random(SEED)
    bbc = _records(corpora / "bbc_news.jsonl.gz", 700 * scale, lambda r: _words(r["text"]) > 150)
    reuters = _records(
        corpora / "reuters21578.jsonl.gz", 700 * scale, lambda r: _words(r["text"]) > 40
    )
    posts = _records(corpora / "20newsgroups.jsonl.gz", 500 * scale, lambda r: True)
    vocabulary = sorted({w for r in bbc[:200] for w in r["text"].split() if w.isalpha()})
    out: list[dict[str, Any]] = []
    for r in bbc:
        out.append({"id": r["id"], "text": r["text"], "category": r["category"]})
    for r in reuters:
        out.append({"id": r["id"], "text": r["text"], "date": r["date"]})
    for r in posts:
        out.append({"id": r["id"], "text": r["text"]})
    n = 40 * scale
    picks = rng.sample(bbc + reuters, 5 * n)
    for k, r in enumerate(picks[:n]):
        copy = {"id": f"{r['id']}#exact", "text": r["text"]}
        if k % 2 and "date" in r:
            copy["date"] = "1987-03-15T10:00:00"
        out.append(copy)
    for r in picks[n : 2 * n]:
        masthead = f"The {rng.choice(vocabulary)} Herald - {rng.randrange(1, 30)} March"
        body = _swap_words(r["text"].split("\n", 1)[-1], rng, 3, vocabulary)
        out.append({"id": f"{r['id']}#near", "text": f"{masthead}\n{body}"})
    for r in picks[2 * n : 3 * n]:
        cut = r["text"][: len(r["text"]) * rng.randrange(35, 65) // 100]
        out.append({"id": f"{r['id']}#cut", "text": cut.rsplit(" ", 1)[0]})
    hosts = [r for r in bbc if len(paragraph_spans(r["text"])) >= 4]
    for k in range(n):
        host, source = rng.sample(hosts, 2)
        text, _, _ = insert_excerpt(host["text"], source["text"], rng, skip=1)
        out.append({"id": f"{host['id']}+{source['id']}#quote{k}", "text": text})
    for r in picks[3 * n : 4 * n]:
        out.append({"id": f"{r['id']}#spun", "text": _spun(r["text"], rng, vocabulary)})
    menu = "Home | News | Sport | Business | Contact"
    footer = "Copyright Example Media Group. All rights reserved."
    for k, r in enumerate(picks[4 * n : 5 * n]):
        site = f"site{k % 4}.example.com"
        text = f"{menu}\n{r['text']}\n{footer} Follow {site} for more."
        out.append({"id": f"{r['id']}@{site}", "text": text, "url": f"https://{site}/a/{k}"})
    out.append({"id": "blank-1", "text": ""})
    out.append({"id": "blank-2", "text": "  \n\t "})
    out.append({"id": bbc[0]["id"], "text": "a second record with an id already read"})
    story = max(bbc[:100], key=lambda r: _words(r["text"]))
    for k in range(70 * scale):
        text = _swap_words(story["text"], random.Random(SEED + k), 8, vocabulary)
        out.append({"id": f"{story['id']}#print{k}", "text": text})
    return out


def write(records: list[dict[str, Any]], directory: Path) -> list[Path]:
    """The records as two JSON Lines files (the second gzip-compressed), with a malformed
    line and a blank line in the first."""
    directory.mkdir(parents=True, exist_ok=True)
    half = len(records) * 2 // 3
    first = directory / "part1.jsonl"
    with open(first, "w", encoding="utf-8") as fh:
        for k, r in enumerate(records[:half]):
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
            if k == 100:
                fh.write('{"id": "broken", "text": "no end\n\n')
    second = directory / "part2.jsonl.gz"
    with gzip.open(second, "wt", encoding="utf-8") as fh:
        for r in records[half:]:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return [first, second]
