"""Judged samples of passage matches on real text: precision and recall from people's verdicts.

A judged item names a pair of documents of the shared corpora, the relation a scan reported for
it, and a verdict reached by reading both texts: `reuse` (one took text from the other, or both
from a common source, verbatim or reworded) or `not_reuse` (chrome, a template, a list, or two
texts on one topic), with the kind of either and a one-line reason. Only ids, labels and reasons
are stored, never text. Items are drawn at random (fixed seed) from a scan's passage matches,
stratified by corpus and relation; a sample is named after the code that produced its matches.

Precision of a scan is measured on the items of samples drawn from that code's own output;
recall on the items judged `reuse` of the samples drawn at random from a scan's output
(`drawn_at_random`: named after-, before- or dev-), whichever code's. The other samples hold what
a change removed or added (gone-, changed-: often every such pair), so their real pairs are
all of a change's losses but only a few of what it kept: counted with the random ones they
would weigh each loss hundreds of times its share. Their losses are reported on their own.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

#: The relations a judged sample is drawn from: the passage relations.
PASSAGE_RELATIONS = ("passage_reuse", "rewrite")
#: Verdicts and their kinds.
REUSE = "reuse"
NOT_REUSE = "not_reuse"
REUSE_KINDS = ("verbatim", "reworded")
NOT_REUSE_KINDS = ("chrome", "header", "signature", "template", "list", "topic")
#: Corpus groups by document id prefix: the issue's targets are per group.
GROUPS = {"bbc": "news", "reuters": "news", "20ng": "newsgroups", "wiki15": "wikipedia"}
#: Corpus (within its group) by document id prefix.
CORPORA = {
    "bbc": "bbc_news",
    "reuters": "reuters21578",
    "20ng": "20newsgroups",
    "wiki15": "wikipedia_2015_articles",
}


def corpus_of(doc_id: str) -> str:
    """The shared corpus a document id comes from (by its prefix)."""
    prefix = doc_id.split("-", 1)[0]
    if prefix not in CORPORA:
        raise ValueError(f"document id {doc_id!r} is from none of {sorted(CORPORA)}")
    return CORPORA[prefix]


def group_of(doc_id: str) -> str:
    """The corpus group (news, newsgroups, wikipedia) a document id belongs to."""
    return GROUPS[doc_id.split("-", 1)[0]]


@dataclass(frozen=True, slots=True)
class Judgment:
    """One judged pair: what a scan reported and what a reader found."""

    sample: str
    a: str
    b: str
    relation: str
    verdict: str
    kind: str
    reason: str

    def __post_init__(self) -> None:
        if self.verdict == REUSE and self.kind not in REUSE_KINDS:
            raise ValueError(f"{self.a} ~ {self.b}: reuse kind must be one of {REUSE_KINDS}")
        if self.verdict == NOT_REUSE and self.kind not in NOT_REUSE_KINDS:
            raise ValueError(
                f"{self.a} ~ {self.b}: not_reuse kind must be one of {NOT_REUSE_KINDS}"
            )
        if self.verdict not in (REUSE, NOT_REUSE):
            raise ValueError(f"{self.a} ~ {self.b}: verdict must be reuse or not_reuse")
        if not self.reason.strip():
            raise ValueError(f"{self.a} ~ {self.b}: a verdict needs its reason")

    @property
    def pair(self) -> tuple[str, str]:
        """The two ids in sorted order (scans may report a pair either way round)."""
        return (self.a, self.b) if self.a <= self.b else (self.b, self.a)

    @property
    def group(self) -> str:
        """The corpus group of the pair."""
        return group_of(self.a)


def load_judgments(path: Path) -> list[Judgment]:
    """The judged items stored in a JSON Lines file."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                out.append(Judgment(**json.loads(line)))
    return out


def save_judgments(path: Path, items: Iterable[Judgment]) -> None:
    """Write judged items as JSON Lines, one per line, in a stable order."""
    rows = sorted(items, key=lambda j: (j.sample, j.group, j.relation, j.a, j.b))
    with open(path, "w", encoding="utf-8") as fh:
        for j in rows:
            fh.write(json.dumps(asdict(j), ensure_ascii=False) + "\n")


def draw_sample(
    matches: Iterable[Mapping[str, object]],
    per_stratum: Mapping[str, int],
    seed: int,
) -> list[dict[str, object]]:
    """A random sample of passage matches, `per_stratum[corpus]` of each relation per corpus.

    Strata are (corpus of `a`, relation); pairs across corpora are left out. The draw depends
    only on the matches, their order and the seed.
    """
    strata: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for m in matches:
        rel = str(m["relation"])
        a, b = str(m["a"]), str(m["b"])
        if rel not in PASSAGE_RELATIONS or corpus_of(a) != corpus_of(b):
            continue
        strata[(corpus_of(a), rel)].append(dict(m))
    rng = random.Random(seed)
    out = []
    for key in sorted(strata):
        pool = strata[key]
        k = min(per_stratum.get(key[0], 0), len(pool))
        out.extend(rng.sample(pool, k))
    return out


@dataclass(frozen=True, slots=True)
class Precision:
    """Judged items still reported with a passage relation, and how many of them are reuse."""

    group: str
    relation: str
    judged: int
    reuse: int

    @property
    def value(self) -> float:
        """Share judged reuse (1.0 when nothing judged is reported)."""
        return self.reuse / self.judged if self.judged else 1.0


def precision(
    judged: Sequence[Judgment], reported: Mapping[tuple[str, str], str], samples: set[str]
) -> list[Precision]:
    """Precision per (group, relation) of a scan's passage matches, on the judged items of
    `samples` (drawn from this scan's own output) that the scan still reports; `reported` maps
    sorted id pairs to their relation."""
    counts: Counter[tuple[str, str]] = Counter()
    good: Counter[tuple[str, str]] = Counter()
    for j in judged:
        rel = reported.get(j.pair)
        if j.sample not in samples or rel not in PASSAGE_RELATIONS:
            continue
        counts[(j.group, rel)] += 1
        good[(j.group, rel)] += j.verdict == REUSE
    return [Precision(g, r, counts[(g, r)], good[(g, r)]) for g, r in sorted(counts)]


def population(matches: Iterable[Mapping[str, object]]) -> Counter[tuple[str, str]]:
    """Passage matches of a scan per stratum (corpus, relation), pairs across corpora left out:
    the sizes that weigh each stratum's precision within its group."""
    out: Counter[tuple[str, str]] = Counter()
    for m in matches:
        rel, a, b = str(m["relation"]), str(m["a"]), str(m["b"])
        if rel in PASSAGE_RELATIONS and corpus_of(a) == corpus_of(b):
            out[(corpus_of(a), rel)] += 1
    return out


def weighted_precision(
    judged: Sequence[Judgment],
    reported: Mapping[tuple[str, str], str],
    samples: set[str],
    sizes: Mapping[tuple[str, str], int],
) -> dict[tuple[str, str], float]:
    """Precision per (group, relation) as an estimate for the whole output: each corpus's
    precision on its judged items, weighted by how many matches of that relation the scan
    reported in that corpus (`sizes`, from `population`). Samples draw the same number from
    each corpus, so the plain share over-weighs the smaller corpus of a group."""
    counts: Counter[tuple[str, str]] = Counter()
    good: Counter[tuple[str, str]] = Counter()
    for j in judged:
        rel = reported.get(j.pair)
        if j.sample not in samples or rel not in PASSAGE_RELATIONS:
            continue
        counts[(corpus_of(j.a), rel)] += 1
        good[(corpus_of(j.a), rel)] += j.verdict == REUSE
    total: Counter[tuple[str, str]] = Counter()
    weighted: dict[tuple[str, str], float] = defaultdict(float)
    for (corpus, rel), n in counts.items():
        key = (group_of_corpus(corpus), rel)
        weight = sizes.get((corpus, rel), 0)
        total[key] += weight
        weighted[key] += weight * good[(corpus, rel)] / n
    return {k: weighted[k] / total[k] for k in sorted(weighted) if total[k]}


def group_of_corpus(corpus: str) -> str:
    """The group (news, newsgroups, wikipedia) of a shared corpus's name."""
    prefix = next(p for p, name in CORPORA.items() if name == corpus)
    return GROUPS[prefix]


@dataclass(frozen=True, slots=True)
class Recall:
    """Of the pairs judged reuse: how many a scan still reports, and verbatim ones' labels."""

    group: str
    reuse: int
    reported: int
    verbatim: int
    verbatim_as_verbatim: int

    @property
    def value(self) -> float:
        """Share of the judged reuse still reported (any relation)."""
        return self.reported / self.reuse if self.reuse else 1.0

    @property
    def verbatim_labels(self) -> float:
        """Share of verbatim reuse labelled passage_reuse or a whole-document relation."""
        return self.verbatim_as_verbatim / self.verbatim if self.verbatim else 1.0


VERBATIM_RELATIONS = frozenset({"exact", "near_duplicate", "contained", "passage_reuse"})


#: Samples drawn at random from a scan's output are named with these prefixes.
RANDOM_SAMPLES = ("after", "before", "dev")


def drawn_at_random(sample: str) -> bool:
    """Whether a sample was drawn at random from a scan's output (not from a change's)."""
    return sample.startswith(RANDOM_SAMPLES)


def recall(
    judged: Sequence[Judgment],
    reported: Mapping[tuple[str, str], str],
    samples: Callable[[str], bool] | None = None,
) -> list[Recall]:
    """Recall per group on the pairs judged reuse (each pair counted once) of the samples
    `samples` accepts (default: every sample)."""
    seen: dict[tuple[str, str], Judgment] = {}
    for j in judged:
        if j.verdict == REUSE and (samples is None or samples(j.sample)):
            seen.setdefault(j.pair, j)
    by_group: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for pair, j in seen.items():
        row = by_group[j.group]
        rel = reported.get(pair)
        row[0] += 1
        row[1] += rel is not None
        if j.kind == "verbatim":
            row[2] += 1
            row[3] += rel in VERBATIM_RELATIONS
    return [Recall(g, *by_group[g]) for g in sorted(by_group)]


def reported_pairs(matches: Iterable[Mapping[str, object]]) -> dict[tuple[str, str], str]:
    """Sorted id pair -> relation, for matches read from matches.jsonl; with the pairs they
    imply through exact duplicates, which a scan compares once, by one of them: when A is an
    exact copy of A' and A' relates to B, so does A."""
    out: dict[tuple[str, str], str] = {}
    copies: dict[str, set[str]] = {}
    for m in matches:
        a, b = str(m["a"]), str(m["b"])
        out[(a, b) if a <= b else (b, a)] = str(m["relation"])
        if m["relation"] == "exact":
            group = copies.get(a, {a}) | copies.get(b, {b})
            for doc in group:
                copies[doc] = group
    for (a, b), relation in list(out.items()):
        if relation == "exact" or (a not in copies and b not in copies):
            continue
        for x in copies.get(a, {a}):
            for y in copies.get(b, {b}):
                if x != y:
                    out.setdefault((x, y) if x <= y else (y, x), relation)
    return out
