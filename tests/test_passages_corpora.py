"""Passage reuse and rewrites on real text: spun copies and inserted excerpts of news articles.

The acceptance targets of the passage-alignment issue, measured on articles of
../shared/corpora (skipped when absent). Each test builds its labelled corpus deterministically
(fixed seeds), scans it with default settings and prints what it found (visible with ``-s``).
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from unrelated import false_and_excused, few_enough

import copytrace
from copytrace import Match, MissingDependencyError, Relation
from copytrace.evaluation import insert_excerpt, load_synonyms, paragraph_spans, spin

#: Seed of the article shuffles and of every generator below.
SEED = 20261121
SPUN_ORIGINALS = 300
SPUN_MIN_WORDS = 250
SPUN_UNRELATED = 1000
EXCERPT_PAIRS = 300
EXCERPT_UNRELATED = 500
#: Unrelated articles must be articles, not one-line wire briefs.
UNRELATED_MIN_WORDS = 50
#: Hosts and sources have a headline and at least three body paragraphs, so that a 2-3
#: paragraph excerpt is a part of its source rather than, as a rule, all of it.
EXCERPT_MIN_PARAGRAPHS = 4
SPAN_TARGET = 0.90


def read_jsonl_gz(path: Path) -> Iterator[dict]:
    """Records of a gzip JSON Lines file."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def _word_8grams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 8]) for i in range(len(words) - 7)}


class _Disjoint:
    """Greedy picker of articles that share no 8-word run with any article picked before."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, ...]] = set()

    def pick(
        self, records: Iterable[dict], count: int, keep: Callable[[dict], bool] | None = None
    ) -> list[dict]:
        """Up to `count` records passing `keep` (a predicate) that share no 8-gram so far."""
        chosen: list[dict] = []
        for record in records:
            if len(chosen) == count:
                break
            if keep is not None and not keep(record):
                continue
            grams = _word_8grams(record["text"])
            if not grams or grams & self.seen:
                continue
            self.seen |= grams
            chosen.append(record)
        return chosen


@dataclass(frozen=True)
class Articles:
    """BBC and Reuters articles, each list shuffled with SEED."""

    bbc: list[dict]
    reuters: list[dict]

    def __repr__(self) -> str:
        return f"Articles({len(self.bbc)} BBC, {len(self.reuters)} Reuters)"


@pytest.fixture(scope="module")
def articles(corpora: Path) -> Articles:
    """The BBC articles and the Reuters bodies of at least UNRELATED_MIN_WORDS words."""
    bbc = list(read_jsonl_gz(corpora / "bbc_news.jsonl.gz"))
    reuters = [
        r
        for r in read_jsonl_gz(corpora / "reuters21578.jsonl.gz")
        if len(r["text"].split()) >= UNRELATED_MIN_WORDS
    ]
    random.Random(SEED).shuffle(bbc)
    random.Random(SEED + 1).shuffle(reuters)
    return Articles(bbc, reuters)


@pytest.fixture(scope="module")
def synonyms() -> dict[str, list[str]]:
    """WordNet synonyms; the tests skip with the install command when WordNet is absent."""
    try:
        return load_synonyms()
    except MissingDependencyError as exc:
        pytest.skip(str(exc))


def _long_enough(record: dict) -> bool:
    return len(record["text"].split()) >= UNRELATED_MIN_WORDS


def _unrelated(picker: _Disjoint, articles: Articles, count: int) -> list[dict]:
    """`count` unrelated articles, half from BBC and half from Reuters."""
    half = count // 2
    chosen = picker.pick(articles.bbc, half, _long_enough)
    return chosen + picker.pick(articles.reuters, count - len(chosen), _long_enough)


def _false_pairs(
    matches: Iterable[Match], family: dict[str, str], docs: list[tuple[str, str]]
) -> list[Match]:
    """Matches between documents of different families that `compare` does not relate (those
    it relates must be few: `unrelated.false_and_excused`)."""
    false, excused = false_and_excused(matches, family, dict(docs))
    assert few_enough(excused, len(docs)), [_describe(m) for m in excused]
    return false


def _tally(counts: Counter[str]) -> str:
    """'a 3, b 5' for a Counter, keys sorted."""
    return ", ".join(f"{key} {value}" for key, value in sorted(counts.items()))


def _describe(m: Match) -> str:
    spans = ", ".join(f"a[{s.a_start}:{s.a_end}]~b[{s.b_start}:{s.b_end}]" for s in m.spans[:3])
    return (
        f"{m.a} / {m.b}: {m.relation.value}, jaccard {m.jaccard:.3f}, "
        f"similarity {', '.join(f'{s.similarity:.2f}' for s in m.spans[:3])}, spans {spans}"
    )


# --------------------------------------------------------------------------- spun copies


@dataclass(frozen=True)
class SpunCorpus:
    """Originals (ids) and their unrelated companions, before spinning."""

    originals: list[dict]
    unrelated: list[dict]

    def __repr__(self) -> str:
        return f"SpunCorpus({len(self.originals)} originals, {len(self.unrelated)} unrelated)"


@pytest.fixture(scope="module")
def spun_corpus(articles: Articles) -> SpunCorpus:
    """300 BBC articles of 250+ words and 1,000 unrelated articles, no two sharing 8 words."""
    picker = _Disjoint()
    originals = picker.pick(
        articles.bbc,
        SPUN_ORIGINALS,
        lambda r: len(r["text"].split()) >= SPUN_MIN_WORDS,
    )
    unrelated = _unrelated(picker, articles, SPUN_UNRELATED)
    assert len(originals) == SPUN_ORIGINALS and len(unrelated) == SPUN_UNRELATED
    return SpunCorpus(originals, unrelated)


def _spun_recall(
    corpus: SpunCorpus, synonyms: dict[str, list[str]], rate: float
) -> tuple[float, list[Match]]:
    """Scan originals, their spun copies and the unrelated articles; recall and false pairs."""
    docs: list[tuple[str, str]] = []
    family: dict[str, str] = {}
    for number, record in enumerate(corpus.originals):
        copy_id = f"{record['id']}#spun"
        copy = spin(record["text"], rate, random.Random(SEED + number), synonyms)
        docs += [(record["id"], record["text"]), (copy_id, copy)]
        family[record["id"]] = family[copy_id] = record["id"]
    for record in corpus.unrelated:
        docs.append((record["id"], record["text"]))
        family[record["id"]] = record["id"]
    result = copytrace.scan(docs)

    # Every relation ranks at or above REWRITE (the weakest rung), so any match between an
    # original and its copy is a hit; the relation only goes into the printed distribution.
    weakest = Relation.REWRITE.rank
    found: dict[str, Match] = {}
    for m in result.matches:
        if family[m.a] == family[m.b] and m.relation.rank <= weakest:
            found[family[m.a]] = m
    recall = len(found) / len(corpus.originals)
    false = _false_pairs(result.matches, family, docs)

    counts = Counter(m.relation.value for m in found.values())
    lowest = sorted(min((s.similarity for s in m.spans), default=1.0) for m in found.values())
    print(f"\nspun copies at {rate:.0%}: {len(docs)} documents, recall {recall:.3f}")
    print(f"  relations of the hits: {_tally(counts)}")
    if lowest:
        print(
            f"  lowest span similarity per hit: min {lowest[0]:.3f}, "
            f"median {lowest[len(lowest) // 2]:.3f}, max {lowest[-1]:.3f}"
        )
    print(f"  missed: {len(corpus.originals) - len(found)}; false pairs: {len(false)}")
    for m in false[:10]:
        print(f"  false pair {_describe(m)}")
    return recall, false


@pytest.mark.slow
@pytest.mark.corpora
def test_spun_copies_at_15_percent(spun_corpus: SpunCorpus, synonyms: dict[str, list[str]]) -> None:
    recall, false = _spun_recall(spun_corpus, synonyms, 0.15)
    assert recall >= 0.97
    assert not false, "matches between unrelated documents:\n" + "\n".join(
        _describe(m) for m in false
    )


@pytest.mark.slow
@pytest.mark.corpora
def test_spun_copies_at_30_percent(spun_corpus: SpunCorpus, synonyms: dict[str, list[str]]) -> None:
    recall, false = _spun_recall(spun_corpus, synonyms, 0.30)
    assert recall >= 0.90
    assert not false, "matches between unrelated documents:\n" + "\n".join(
        _describe(m) for m in false
    )


# --------------------------------------------------------------------------- excerpts


def _union(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        elif end > start:
            merged.append((start, end))
    return merged


def _span_fit(spans: list[tuple[int, int]], truth: tuple[int, int]) -> tuple[float, float]:
    """Character precision and recall of the union of `spans` against the interval `truth`."""
    union = _union(spans)
    reported = sum(end - start for start, end in union)
    inside = sum(max(0, min(end, truth[1]) - max(start, truth[0])) for start, end in union)
    precision = inside / reported if reported else 0.0
    return precision, inside / (truth[1] - truth[0])


@dataclass(frozen=True)
class Excerpt:
    """One host with an inserted excerpt of a source, and where the excerpt is."""

    host_id: str
    source_id: str
    text: str
    source_text: str
    host_span: tuple[int, int]
    source_span: tuple[int, int]
    expected: Relation


def _expected_relation(text: str, source_text: str) -> Relation:
    """PASSAGE_REUSE, unless a whole-document relation holds between the two texts.

    The ladder gives a pair the strongest relation that holds. When the excerpt makes up most of
    the host-with-excerpt or most of the source -- at least `containment` (0.8) of that
    document's distinct shingles are in the other one -- the pair is by definition CONTAINED
    (NEAR_DUPLICATE when their Jaccard reaches `threshold`), and PASSAGE_REUSE would be the
    wrong answer. This is decided from the exact shingle-set scores that `copytrace.compare`
    computes (the README's definitions; the passage alignment under test plays no part).
    """
    settings = copytrace.Settings()
    c = copytrace.compare(text, source_text, settings)
    if c.jaccard >= settings.threshold:
        return Relation.NEAR_DUPLICATE
    if max(c.containment_a_in_b, c.containment_b_in_a) >= settings.containment:
        return Relation.CONTAINED
    return Relation.PASSAGE_REUSE


@dataclass(frozen=True)
class ExcerptOutcome:
    """What the scan found for the excerpt pairs."""

    recall: float
    found: int
    tight: int
    false: list[Match]


def _excerpt_outcome(articles: Articles) -> ExcerptOutcome:
    """Insert excerpts, scan hosts, sources and unrelated articles, and score the matches."""
    picker = _Disjoint()
    paragraphed = picker.pick(
        articles.bbc,
        2 * EXCERPT_PAIRS,
        lambda r: len(paragraph_spans(r["text"])) >= EXCERPT_MIN_PARAGRAPHS,
    )
    unrelated = _unrelated(picker, articles, EXCERPT_UNRELATED)
    assert len(paragraphed) == 2 * EXCERPT_PAIRS and len(unrelated) == EXCERPT_UNRELATED
    hosts, sources = paragraphed[:EXCERPT_PAIRS], paragraphed[EXCERPT_PAIRS:]

    docs: list[tuple[str, str]] = []
    family: dict[str, str] = {}
    cases: list[Excerpt] = []
    for number, (host, source) in enumerate(zip(hosts, sources, strict=True)):
        # The first line of a BBC article is its headline, not a paragraph to quote.
        text, host_span, source_span = insert_excerpt(
            host["text"], source["text"], random.Random(SEED + number), skip=1
        )
        host_id = f"{host['id']}+{source['id']}"
        docs += [(host_id, text), (source["id"], source["text"])]
        family[host_id] = family[source["id"]] = host_id
        expected = _expected_relation(text, source["text"])
        cases.append(
            Excerpt(host_id, source["id"], text, source["text"], host_span, source_span, expected)
        )
    for record in unrelated:
        docs.append((record["id"], record["text"]))
        family[record["id"]] = record["id"]
    result = copytrace.scan(docs)

    by_pair = {frozenset((m.a, m.b)): m for m in result.matches}
    hits = found = tight = 0
    relations: Counter[str] = Counter()
    wrong: list[str] = []
    loose: list[str] = []
    for case in cases:
        m = by_pair.get(frozenset((case.host_id, case.source_id)))
        words = len(case.text[case.host_span[0] : case.host_span[1]].split())
        if m is None:
            relations["none"] += 1
            wrong.append(f"{case.host_id}: not found ({words} words inserted)")
            continue
        found += 1
        relations[m.relation.value] += 1
        if m.relation is case.expected:
            hits += 1
        else:
            wrong.append(
                f"{case.host_id}: {m.relation.value}, expected {case.expected.value} "
                f"({words} words inserted, true spans host {case.host_span} source "
                f"{case.source_span}; {_describe(m)})"
            )
        host_side = [
            (s.a_start, s.a_end) if m.a == case.host_id else (s.b_start, s.b_end) for s in m.spans
        ]
        precision, recall = _span_fit(host_side, case.host_span)
        if precision >= SPAN_TARGET and recall >= SPAN_TARGET:
            tight += 1
        else:
            loose.append(
                f"{case.host_id}: span precision {precision:.3f}, recall {recall:.3f} "
                f"(true {case.host_span}, reported {_union(host_side)})"
            )
    false = _false_pairs(result.matches, family, docs)
    outcome = ExcerptOutcome(hits / len(cases), found, tight, false)

    expected_counts = Counter(c.expected.value for c in cases)
    print(f"\ninserted excerpts: {len(docs)} documents, {len(cases)} pairs")
    print(f"  expected relations: {_tally(expected_counts)}")
    print(f"  found relations: {_tally(relations)}")
    print(f"  recall (expected relation) {outcome.recall:.3f}; found (any relation) {found}")
    print(f"  host spans with precision and recall >= {SPAN_TARGET}: {tight}/{found}")
    print(f"  false pairs: {len(false)}")
    for line in wrong[:60] + loose[:20]:
        print("  " + line)
    for m in false[:10]:
        print(f"  false pair {_describe(m)}")
    return outcome


@pytest.mark.slow
@pytest.mark.corpora
def test_inserted_excerpts_are_passage_reuse_with_tight_spans(articles: Articles) -> None:
    outcome = _excerpt_outcome(articles)
    assert outcome.recall >= 0.95
    # Of the pairs found at all (any relation), the union of the host-side spans must cover the
    # inserted excerpt with >= 90% character precision and recall for >= 95% of them.
    assert outcome.found > 0 and outcome.tight / outcome.found >= 0.95
    assert not outcome.false, "matches between unrelated documents:\n" + "\n".join(
        _describe(m) for m in outcome.false
    )
