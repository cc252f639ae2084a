"""Exact verification of a candidate pair from its shingle sets, and its relation.

Signatures only estimate similarity; before a pair can join a cluster its Jaccard similarity and
both containments are computed exactly from the shingle sets, and its relation is read off the
thresholds of the settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from copytrace.align import (
    AlignParams,
    AlignSide,
    SeedIndex,
    SentenceIndex,
    align_passages,
    align_tokens,
    count_common,
    passage_spans,
    seed_index,
    sentence_index,
)
from copytrace.align.boxes import Passage
from copytrace.align.pieces import (
    FILLED_MAX_TOKENS,
    FILLED_MIN_TOKENS,
    drops_a_figure,
    filled_template,
    refilled,
)
from copytrace.hashsort import hash_argsort
from copytrace.lsh import NO_STATS, CorpusStats
from copytrace.model import Match, Relation, Settings, Span
from copytrace.sketch import Shingled, shingle_text


@dataclass(frozen=True)
class ShingleSet:
    """A document's shingles by position and as a sorted set, its exact hash, and the indexes
    the token and sentence aligners seed from."""

    shingled: Shingled
    distinct: np.ndarray
    exact: tuple[int, int]

    @cached_property
    def seeds(self) -> SeedIndex:
        """The token seed index, built on first use: pairs that hold no relation need none."""
        return seed_index(self.shingled.tokens)

    @cached_property
    def sentences(self) -> SentenceIndex:
        """The sentence index, built on first use: pairs settled as whole documents need none."""
        return sentence_index(self.shingled.tokens, self.shingled.sentences)

    def side(self) -> AlignSide:
        """The text as the aligners read it."""
        t = self.shingled
        return AlignSide(
            t.tokens, t.shapes, t.hashes, t.width, self.distinct, self.seeds, self.sentences
        )


def _drops_a_figure(passages: list[Passage], a: ShingleSet, b: ShingleSet) -> bool:
    """Whether the passages, taken together, leave out a figure of the side with fewer."""
    ia = np.concatenate([np.arange(p.a_start, p.a_end) for p in passages])
    ib = np.concatenate([np.arange(p.b_start, p.b_end) for p in passages])
    ta, tb = a.shingled, b.shingled
    return drops_a_figure(ta.tokens[ia], ta.shapes[ia], tb.tokens[ib], tb.shapes[ib])


def _fillings_of_a_template(
    passages: list[Passage], a: ShingleSet, b: ShingleSet, rewrite_similarity: float
) -> bool:
    """Whether two short documents (FILLED_MAX_TOKENS) are two fillings of one frame outside
    their passages (a template's other issuer, figures or day: `pieces.filled_template`), or,
    when they are mostly reworded passages, as whole texts (`pieces.refilled`)."""
    ta, tb = a.shingled, b.shingled
    if max(ta.tokens.shape[0], tb.tokens.shape[0]) > FILLED_MAX_TOKENS:
        return False
    out_a = np.ones(ta.tokens.shape[0], dtype=bool)
    out_b = np.ones(tb.tokens.shape[0], dtype=bool)
    for p in passages:
        out_a[p.a_start : p.a_end] = False
        out_b[p.b_start : p.b_end] = False
    if min(np.count_nonzero(out_a), np.count_nonzero(out_b)) < FILLED_MIN_TOKENS:
        # Mostly passages: too little outside them to compare, so the whole texts are, when
        # no passage is verbatim (a short reply is mostly the post it quotes, word for word).
        if any(p.similarity >= rewrite_similarity for p in passages):
            return False
        return bool(refilled(ta.tokens, ta.shapes, tb.tokens, tb.shapes))
    return bool(
        filled_template(ta.tokens[out_a], ta.shapes[out_a], tb.tokens[out_b], tb.shapes[out_b])
    )


#: A reworded passage (below `rewrite_similarity`) at least this similar (token Dice) differs
#: from its source by a word in ten or fewer: a copy with small edits (a spelling fixed, "cts"
#: for "cents", a word changed, a quote re-wrapped mid-word), which a reader calls a copy,
#: where a copy spun at every fifth word is about 0.8 similar. It makes `passage_reuse`; it was
#: judged as a reworded passage is (`align.pieces`), and is `rewrite_min_tokens` long.
EDITED_COPY = 0.9


def _edited_copy(passages: list[Passage], settings: Settings) -> bool:
    """Whether one of the passages is a reworded one that is a copy with small edits."""
    return any(EDITED_COPY <= p.similarity < settings.rewrite_similarity for p in passages)


def shingle_set(shingled: Shingled, exact: tuple[int, int]) -> ShingleSet:
    """Wrap a shingled text with its sorted distinct shingle hashes (its indexes come later)."""
    return ShingleSet(shingled, sorted_unique(shingled.hashes), exact)


def sorted_unique(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an array of hashes."""
    s = x[hash_argsort(x)]
    if s.shape[0] < 2:
        return s
    keep = np.empty(s.shape[0], dtype=np.bool_)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


@dataclass(frozen=True, slots=True)
class Scores:
    """Exact overlap of two shingle sets."""

    jaccard: float
    containment_a_in_b: float
    containment_b_in_a: float

    def swapped(self) -> Scores:
        """The same overlap seen from the other set (`scores(b, a)`)."""
        return Scores(self.jaccard, self.containment_b_in_a, self.containment_a_in_b)


def scores(a: ShingleSet, b: ShingleSet) -> Scores:
    """Jaccard similarity and both containments of two shingle sets."""
    na, nb = a.distinct.shape[0], b.distinct.shape[0]
    if na == 0 or nb == 0:
        return Scores(0.0, 0.0, 0.0)
    inter = count_common(a.distinct, b.distinct)
    return Scores(inter / (na + nb - inter), inter / na, inter / nb)


def relation_of(exact_equal: bool, s: Scores, settings: Settings) -> Relation | None:
    """The strongest whole-document relation the scores support, or None."""
    if exact_equal:
        return Relation.EXACT
    if s.jaccard >= settings.threshold:
        return Relation.NEAR_DUPLICATE
    if max(s.containment_a_in_b, s.containment_b_in_a) >= settings.containment:
        return Relation.CONTAINED
    return None


def _shared_region(mine: Shingled, other_distinct: np.ndarray) -> tuple[int, int] | None:
    if mine.hashes.shape[0] == 0 or other_distinct.shape[0] == 0:
        return None
    idx = np.searchsorted(other_distinct, mine.hashes)
    idx[idx == other_distinct.shape[0]] = 0
    hit = np.flatnonzero(other_distinct[idx] == mine.hashes)
    if hit.shape[0] == 0:
        return None
    return mine.char_span(int(hit[0]), int(hit[-1]))


def shared_span(a: ShingleSet, b: ShingleSet, similarity: float) -> Span | None:
    """One span from the first to the last shared shingle on each side."""
    ra = _shared_region(a.shingled, b.distinct)
    rb = _shared_region(b.shingled, a.distinct)
    if ra is None or rb is None:
        return None
    return Span(ra[0], ra[1], rb[0], rb[1], similarity)


def _coverage(spans: tuple[Span, ...], first: int, last: int, side: str) -> float:
    """Share of a text's characters (first token to last) inside the spans, overlaps once."""
    total = last - first
    if total <= 0 or not spans:
        return 0.0
    ranges = sorted((s.a_start, s.a_end) if side == "a" else (s.b_start, s.b_end) for s in spans)
    covered, reach = 0, first
    for lo, hi in ranges:
        lo = max(lo, reach)
        if hi > lo:
            covered += hi - lo
            reach = hi
    return min(covered / total, 1.0)


def verify_pair(
    a_id: str,
    a: ShingleSet,
    b_id: str,
    b: ShingleSet,
    settings: Settings,
    corpus: CorpusStats | None = None,
    known: Scores | None = None,
    reworded_only: bool = False,
) -> Match | None:
    """A verified Match between two documents, with aligned spans, or None when none holds.

    `corpus` tells how many documents share each fingerprint (passages whose frame recurs in
    `boilerplate_min_docs` documents around other figures and names are templates, not reuse)
    and how common words are (the sentence aligner weighs genre vocabulary little). Without
    it, the two documents are compared alone.

    Whole-document relations come first; when none holds and passages are on, the token and
    the sentence aligners look for passages: verbatim ones of at least `passage_min_tokens`
    tokens, reworded ones (similarity below `rewrite_similarity`) of at least
    `rewrite_min_tokens`. They make `passage_reuse` when they hold `passage_min_tokens` words
    copied word for word or one is a copy with small edits (EDITED_COPY), else `rewrite`.
    `known` is `scores(a, b)` when the caller has it.
    `reworded_only`: only the reworded-sentence keys proposed the pair; its passages must then
    keep every figure (`align.pieces.ALL_FIGURES_MIN`). Two short documents whose texts outside
    their passages are two fillings of one frame (two notices of one template) relate by
    nothing: their passages are the template's fixed part (`align.pieces.filled_template`; when
    they are mostly reworded passages, their whole texts are compared: `align.pieces.refilled`).
    """
    corpus = corpus or NO_STATS
    s = known if known is not None else scores(a, b)
    rel = relation_of(a.exact == b.exact, s, settings)
    if rel is None and not settings.passages:
        return None
    ta, tb = a.shingled, b.shingled
    shorter = min(len(ta.tokens), len(tb.tokens))
    min_tokens = settings.passage_min_tokens
    if rel is not None:  # the relation holds already: the passages only place it in the texts
        min_tokens = min(min_tokens, max(shorter // 2, 1))
    if rel is not None:
        passages = align_tokens(ta.tokens, tb.tokens, settings, min_tokens, a.seeds, b.seeds)
    else:  # reworded passages escape the token seeds: look sentence by sentence too
        params = AlignParams.from_settings(settings)
        passages = align_passages(a.side(), b.side(), params, corpus)
        if not passages:
            return None
        if reworded_only and _drops_a_figure(passages, a, b):
            return None
        if _fillings_of_a_template(passages, a, b, settings.rewrite_similarity):
            return None
        # After refinement a passage's `seeds` count its words copied word for word.
        verbatim = sum(p.seeds for p in passages)
        if verbatim >= settings.passage_min_tokens or _edited_copy(passages, settings):
            rel = Relation.PASSAGE_REUSE  # the strongest relation that holds
        elif any(p.similarity < settings.rewrite_similarity for p in passages):
            rel = Relation.REWRITE
        else:
            return None
    spans = passage_spans(passages, ta.starts, ta.ends, tb.starts, tb.ends)
    if not spans:
        fallback = shared_span(a, b, s.jaccard)
        spans = (fallback,) if fallback is not None else ()
    a_cov = _coverage(spans, int(ta.starts[0]), int(ta.ends[-1]), "a") if len(ta.tokens) else 0.0
    b_cov = _coverage(spans, int(tb.starts[0]), int(tb.ends[-1]), "b") if len(tb.tokens) else 0.0
    return Match(
        a_id,
        b_id,
        rel,
        s.jaccard,
        s.containment_a_in_b,
        s.containment_b_in_a,
        spans,
        a_cov,
        b_cov,
    )


def load_kernels(settings: Settings) -> None:
    """Load (compiling if need be) every kernel verification runs, by verifying two small
    made-up pairs: worker processes forked after this share them instead of each loading them."""
    text = " ".join(f"Sentence {k} has words w{k}a w{k}b w{k}c w{k}d w{k}e." for k in range(12))
    # The same text (an exact copy: the token aligner only), and one sharing only its first
    # half (no whole-document relation: both aligners and their merge).
    quoting = text[: len(text) // 2] + " ".join(f"Other {k} x{k}a x{k}b." for k in range(12))
    original = shingle_set(shingle_text(text, settings), (0, 0))
    for other, exact in ((text, (0, 0)), (quoting, (0, 1))):
        verify_pair("a", original, "b", shingle_set(shingle_text(other, settings), exact), settings)


def orient(match: Match, date_a: str | None, date_b: str | None, settings: Settings) -> Match:
    """The match with its likely source: earlier date, else the containing document, else none."""
    if date_a is not None and date_b is not None and date_a != date_b:
        return _with_source(match, match.a if date_a < date_b else match.b, "earlier date")
    a_in_b, b_in_a = match.containment_a_in_b, match.containment_b_in_a
    if match.relation is not Relation.EXACT and max(a_in_b, b_in_a) >= settings.containment:
        if a_in_b > b_in_a:
            return _with_source(match, match.b, "contains the other")
        if b_in_a > a_in_b:
            return _with_source(match, match.a, "contains the other")
    return _with_source(match, None, "undetermined: no date, no containment")


def _with_source(m: Match, source: str | None, reason: str) -> Match:
    # What dataclasses.replace does, without its per-call field lookup (once per match).
    return Match(
        m.a,
        m.b,
        m.relation,
        m.jaccard,
        m.containment_a_in_b,
        m.containment_b_in_a,
        m.spans,
        m.a_coverage,
        m.b_coverage,
        source,
        reason,
    )
