"""Passage alignment: where two texts share passages, word for word or reworded.

Two aligners look for passages and their findings are merged, then cut to what is shared:

- `token`: seed-and-extend on order-free token 3-grams, for (nearly) verbatim passages;
- `sentence`: sentence pairs matched by weighted word overlap, for reworded ones;
- `merge`: passages of both that overlap become one, of clashing ones the stronger stays;
- `pieces`: each passage aligned word by word, cut into verbatim pieces with tight edges,
  and told apart from templates, lists and two texts on one topic.

`align_passages` runs all four in one compiled call; the modules' own functions serve tests and
tools. Everything is in token positions; `merge.passage_spans` turns passages into characters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from copytrace.align.boxes import Passage, count_common, multiset_dice
from copytrace.align.merge import as_passages, merge_boxes_of_aligners, passage_spans
from copytrace.align.pieces import KEEP, refine_boxes
from copytrace.align.sentence import UPDATE_BUDGET, SentenceIndex, reworded_boxes, sentence_index
from copytrace.align.token import SeedIndex, align_tokens, seed_index, token_boxes
from copytrace.lsh import CorpusStats
from copytrace.model import Settings

__all__ = [
    "AlignParams",
    "AlignSide",
    "Passage",
    "SeedIndex",
    "SentenceIndex",
    "align_passages",
    "align_tokens",
    "count_common",
    "multiset_dice",
    "passage_spans",
    "seed_index",
    "sentence_index",
]


@dataclass(frozen=True, slots=True)
class AlignSide:
    """One text as the aligners read it: token hashes and shapes, shingle hashes by position
    (shingles of `width` tokens) and their sorted distinct values, and its two indexes."""

    tokens: np.ndarray
    shapes: np.ndarray
    shingles: np.ndarray
    width: int
    distinct: np.ndarray
    seeds: SeedIndex
    sentences: SentenceIndex


@dataclass(frozen=True, slots=True)
class AlignParams:
    """What decides a passage: the gap a passage may bridge, its shortest length, the
    similarity below which it is reworded and the shortest reworded one, and the document
    frequency at which a frame recurs."""

    gap: int
    min_tokens: int
    rewrite_similarity: float
    rewrite_min_tokens: int
    min_df: int

    @classmethod
    def from_settings(cls, settings: Settings) -> AlignParams:
        """The parameters the settings give."""
        return cls(
            settings.align_gap,
            settings.passage_min_tokens,
            settings.rewrite_similarity,
            settings.rewrite_min_tokens,
            settings.boilerplate_min_docs,
        )


def align_passages(
    a: AlignSide, b: AlignSide, params: AlignParams, corpus: CorpusStats
) -> list[Passage]:
    """The passages two texts share, in A's order: pieces cut to what is shared, each with
    its similarity; a passage's `seeds` count its words copied word for word.

    A short passage convinces only when it is (nearly) verbatim: below `rewrite_min_tokens` it
    must reach `rewrite_similarity`. `corpus` tells which frames recur (templates) and whether
    the corpus is large (where a reworded passage must keep its figures and names).
    """
    sa, sb = a.sentences, b.sentences
    return as_passages(
        *_aligned(
            a.tokens, b.tokens, a.shapes, b.shapes,
            a.seeds.hashes, a.seeds.positions, b.seeds.hashes, b.seeds.positions,
            sa.tokens, sa.sentence, sa.tf, sa.by_sentence, sa.entry_first, sa.first,
            sb.tokens, sb.sentence, sb.tf, sb.by_sentence, sb.entry_first, sb.first,
            a.shingles, a.width, b.distinct,
            corpus.fingerprints.hashes, corpus.fingerprints.df, corpus.large,
            params.gap, params.min_tokens, params.rewrite_similarity,
            params.rewrite_min_tokens, params.min_df, UPDATE_BUDGET,
        )
    )  # fmt: skip


@numba.njit(cache=True)
def _aligned(
    tokens_a: np.ndarray,
    tokens_b: np.ndarray,
    shapes_a: np.ndarray,
    shapes_b: np.ndarray,
    ha: np.ndarray,
    pa: np.ndarray,
    hb: np.ndarray,
    pb: np.ndarray,
    ta: np.ndarray,
    sa: np.ndarray,
    fa: np.ndarray,
    a_by_sentence: np.ndarray,
    a_entry_first: np.ndarray,
    a_first: np.ndarray,
    tb: np.ndarray,
    sb: np.ndarray,
    fb: np.ndarray,
    b_by_sentence: np.ndarray,
    b_entry_first: np.ndarray,
    b_first: np.ndarray,
    shingles_a: np.ndarray,
    width: int,
    distinct_b: np.ndarray,
    frequent: np.ndarray,
    df: np.ndarray,
    large_corpus: bool,
    gap: int,
    min_tokens: int,
    rewrite_similarity: float,
    rewrite_min_tokens: int,
    min_df: int,
    budget: int,
) -> tuple[np.ndarray, np.ndarray]:
    """`align_passages` with its inputs as arrays, the only form numba takes cheaply: a tuple
    or a dataclass of arrays costs several microseconds a call to unpack, and this runs for
    every candidate pair."""
    verbatim, verbatim_sims = token_boxes(tokens_a, tokens_b, ha, pa, hb, pb, gap, min_tokens)
    reworded, reworded_sims = reworded_boxes(
        (ta, sa, fa, a_by_sentence, a_entry_first, a_first),
        (tb, sb, fb, b_by_sentence, b_entry_first, b_first),
        tokens_a, tokens_b, min_tokens, budget,
    )  # fmt: skip
    boxes = np.concatenate((verbatim, reworded))
    sims = np.concatenate((verbatim_sims, reworded_sims))
    length = np.minimum(boxes[:, 1] - boxes[:, 0], boxes[:, 3] - boxes[:, 2])
    keep = (sims >= rewrite_similarity) | (length >= rewrite_min_tokens)
    merged, _ = merge_boxes_of_aligners(boxes[keep], sims[keep], tokens_a, tokens_b)
    pieces, piece_sims, verdicts = refine_boxes(
        merged, tokens_a, tokens_b, shapes_a, shapes_b,
        shingles_a, width, distinct_b, frequent, df, min_df,
        rewrite_similarity, rewrite_min_tokens, min_tokens, large_corpus,
    )  # fmt: skip
    length = np.minimum(pieces[:, 1] - pieces[:, 0], pieces[:, 3] - pieces[:, 2])
    keep = (verdicts == KEEP) & (
        (piece_sims >= rewrite_similarity) | (length >= rewrite_min_tokens)
    )
    return pieces[keep], piece_sims[keep]
