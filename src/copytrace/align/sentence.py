"""The sentence aligner: reworded passages that share words but few word runs.

A passage rewritten by hand or by a synonym replacer keeps its sentences in order and many of
their rarer words (names, numbers, terms) while the runs of identical words that token seeds
need become rare. Here each sentence is a bag of words weighted by inverse sentence frequency
over both documents (so the stop words of any language weigh little), and every pair of
sentences sharing a word gets a cosine and a weighted Dice score. Sentence pairs that are each
other's best partner become seeds when both scores reach `SEED_SIMILARITY`, or the lower
`EXTEND_SIMILARITY` next to another seed (hysteresis: a chain of reworded sentences). Seeds
within `SENTENCE_GAP` sentences on both sides form a passage, as token seeds do in `align.token`;
weak isolated seeds at its ends are trimmed, and it is kept when its seeds add up to
`MIN_EVIDENCE` (about one sentence's worth of matching wording) and its regions share enough of
their tokens (`MIN_DICE`). The scheme follows the seeding, extension and filtering of
Sanchez-Perez, Sidorov and Gelbukh (PAN 2014); the thresholds were chosen on the Indonesian
PAN corpus and checked against the real-news false-pair tests (see bench/RESULTS.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from copytrace.align.boxes import Passage, cluster_seeds, merge_boxes, multiset_dice
from copytrace.hashsort import hash_argsort

#: A sentence pair is a seed when its cosine and its weighted Dice both reach this ...
SEED_SIMILARITY = 0.2

#: ... or reach this and the pair sits next to a seed on both sides (a chain of sentences).
EXTEND_SIMILARITY = 0.1

#: Seeds below this at the ends of a passage must sit next to another seed on both sides.
TRIM_SIMILARITY = 0.3

#: Sentences of fewer distinct words (sign-offs, headings, captions) are too short to seed.
MIN_SEED_TOKENS = 5

#: Seeds at most this many sentences apart on both sides belong to one passage (numba's
#: int64, not a literal 6: the token aligner's compiled box helpers serve as they are).
SENTENCE_GAP: int = np.int64(6)  # type: ignore[assignment]

#: A passage's seeds must add up to this much cosine: one sentence's worth of evidence.
MIN_EVIDENCE = 0.9

#: A passage's two regions must share this share of their tokens (multiset Dice).
MIN_DICE = 0.3

#: Pairs of very long documents: the most widespread shared words are skipped beyond this many
#: sentence-pair updates, so the work stays bounded (ordinary documents never reach it).
UPDATE_BUDGET = 20_000_000

#: Words in more than this share of the two documents' sentences count in the weights of
#: sentences but not in their overlaps: they are the stop words of whatever language.
MAX_DF_SHARE = 0.5

#: A SentenceIndex as the compiled kernels take it: its fields in order (`SentenceIndex.arrays`).
IndexArrays = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True, slots=True)
class SentenceIndex:
    """A document's sentences as bags of words, built once per text.

    `tokens`/`sentence`/`tf` list each distinct (token, sentence) pair, "entry", sorted by
    token, then sentence. `by_sentence` lists the entries sentence by sentence, those of sentence
    i at `by_sentence[entry_first[i]:entry_first[i + 1]]`; `first` holds each sentence's first
    token position, and one past the last token.
    """

    tokens: np.ndarray
    sentence: np.ndarray
    tf: np.ndarray
    by_sentence: np.ndarray
    entry_first: np.ndarray
    first: np.ndarray

    @property
    def count(self) -> int:
        """Number of sentences."""
        return self.first.shape[0] - 1

    def arrays(self) -> IndexArrays:
        """The fields in order, to unpack into the compiled kernels' arguments."""
        return (
            self.tokens,
            self.sentence,
            self.tf,
            self.by_sentence,
            self.entry_first,
            self.first,
        )


@numba.njit(cache=True)
def _index_arrays(
    tokens: np.ndarray, sentence: np.ndarray, order: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The arrays of a SentenceIndex, in its field order; `order` sorts the tokens stably."""
    n_sent = sentence[-1] + 1 if sentence.shape[0] else 0
    first = np.searchsorted(sentence, np.arange(n_sent + 1))
    # One pass in token order: a (token, sentence) pair repeated within its sentence is one
    # entry, its count the entry's tf.
    n = tokens.shape[0]
    t = np.empty(n, dtype=tokens.dtype)
    s = np.empty(n, dtype=sentence.dtype)
    tf = np.empty(n, dtype=np.float32)
    m = 0
    for k in range(n):
        i = order[k]
        if m > 0 and tokens[i] == t[m - 1] and sentence[i] == s[m - 1]:
            tf[m - 1] += 1.0
        else:
            t[m] = tokens[i]
            s[m] = sentence[i]
            tf[m] = 1.0
            m += 1
    t, s, tf = t[:m].copy(), s[:m].copy(), tf[:m].copy()
    # Entries grouped by sentence: a counting sort.
    entry_first = np.zeros(n_sent + 1, dtype=np.int64)
    for e in range(s.shape[0]):
        entry_first[s[e] + 1] += 1
    entry_first = np.cumsum(entry_first)
    fill = entry_first[:-1].copy()
    by_sentence = np.empty(s.shape[0], dtype=np.int64)
    for e in range(s.shape[0]):
        by_sentence[fill[s[e]]] = e
        fill[s[e]] += 1
    return t, s, tf, by_sentence, entry_first, first


def sentence_index(tokens: np.ndarray, sentence: np.ndarray) -> SentenceIndex:
    """Index a token-hash sequence split into sentences by `sentence_ids`."""
    return SentenceIndex(*_index_arrays(tokens, sentence.astype(np.int32), hash_argsort(tokens)))


@numba.njit(cache=True)
def _seed_kernel(
    a: IndexArrays,
    b: IndexArrays,
    threshold: float,
    min_tokens: int,
    max_df_share: float,
    budget: int,
) -> np.ndarray:
    """Seeds [i, j, cosine x 1e6] of two sentence indexes: mutual best partners above threshold."""
    ta, sa, fa, a_by_sentence, a_entry_first, _ = a
    tb, sb, fb, _, b_entry_first, _ = b
    na = a_entry_first.shape[0] - 1
    nb = b_entry_first.shape[0] - 1
    total = na + nb
    # A word's weight by the number of sentences of A and B holding it: total / df.
    weight_of = np.zeros(total + 1)
    for df in range(1, total + 1):
        weight_of[df] = math.log(total / df)
    norm_a = np.zeros(na)
    norm_b = np.zeros(nb)
    mass_a = np.zeros(na)
    mass_b = np.zeros(nb)
    # One walk over both sorted entry lists: every word's run of entries on each side weighs
    # into its sentences' norms; the words on both sides are kept as shared runs.
    shared = np.empty((min(ta.shape[0], tb.shape[0]), 4), dtype=np.int64)
    shared_weight = np.empty(shared.shape[0])
    n_shared = 0
    x = 0
    y = 0
    while x < ta.shape[0] or y < tb.shape[0]:
        xe = x
        ye = y
        if y >= tb.shape[0] or (x < ta.shape[0] and ta[x] < tb[y]):
            while xe < ta.shape[0] and ta[xe] == ta[x]:
                xe += 1
        elif x >= ta.shape[0] or tb[y] < ta[x]:
            while ye < tb.shape[0] and tb[ye] == tb[y]:
                ye += 1
        else:
            while xe < ta.shape[0] and ta[xe] == ta[x]:
                xe += 1
            while ye < tb.shape[0] and tb[ye] == tb[y]:
                ye += 1
        w = weight_of[(xe - x) + (ye - y)]
        for u in range(x, xe):
            norm_a[sa[u]] += (fa[u] * w) ** 2
            mass_a[sa[u]] += w
        for v in range(y, ye):
            norm_b[sb[v]] += (fb[v] * w) ** 2
            mass_b[sb[v]] += w
        if xe > x and ye > y:
            shared[n_shared, 0] = x
            shared[n_shared, 1] = xe
            shared[n_shared, 2] = y
            shared[n_shared, 3] = ye
            shared_weight[n_shared] = w
            n_shared += 1
        x = xe
        y = ye
    shared = shared[:n_shared]
    # For each (token, sentence) entry of A: the shared run of its word, if counted.
    partner = np.full(ta.shape[0], -1, dtype=np.int64)
    # Words in most sentences weigh little and cost much: leave them out of the overlaps, and
    # if the updates still exceed the budget (two very long documents), the widest spread next.
    cost = (shared[:, 1] - shared[:, 0]) * (shared[:, 3] - shared[:, 2])
    order = np.argsort(cost)
    spent = 0
    for k in range(order.shape[0]):
        r = order[k]
        spent += cost[r]
        df = (shared[r, 1] - shared[r, 0]) + (shared[r, 3] - shared[r, 2])
        if spent > budget or df > max_df_share * total:
            continue
        for u in range(shared[r, 0], shared[r, 1]):
            partner[u] = r
    # One row of A at a time, touching only the B sentences that share a word with it.
    dot = np.zeros(nb)
    common = np.zeros(nb)
    touched = np.empty(nb + 1, dtype=np.int64)  # one more: the last write may be a repeat
    row_best = np.full(na, -1, dtype=np.int64)
    row_score = np.zeros(na)
    col_score = np.zeros(nb)
    for i in range(na):
        if a_entry_first[i + 1] - a_entry_first[i] < min_tokens:
            continue
        n_touched = 0
        for e in range(a_entry_first[i], a_entry_first[i + 1]):
            u = a_by_sentence[e]
            r = partner[u]
            if r < 0:
                continue
            w = shared_weight[r]
            fu = fa[u]
            for v in range(shared[r, 2], shared[r, 3]):
                j = sb[v]
                # Listed when first touched, without a branch (a third faster: whether a
                # sentence was touched before is a coin toss to the branch predictor).
                touched[n_touched] = j
                n_touched += dot[j] == 0.0
                dot[j] += fu * fb[v] * w * w
                common[j] += w
        for t in range(n_touched):
            j = touched[t]
            d = dot[j]
            c = common[j]
            dot[j] = 0.0
            common[j] = 0.0
            if b_entry_first[j + 1] - b_entry_first[j] < min_tokens:
                continue
            cos = d / math.sqrt(norm_a[i] * norm_b[j])
            dice = 2.0 * c / (mass_a[i] + mass_b[j])
            if cos < threshold or dice < threshold:
                continue
            if cos > row_score[i]:
                row_score[i] = cos
                row_best[i] = j
            if cos > col_score[j]:
                col_score[j] = cos
    seeds = np.empty((na, 3), dtype=np.int64)
    n = 0
    for i in range(na):
        j = row_best[i]
        if j >= 0 and row_score[i] >= col_score[j]:
            seeds[n, 0] = i
            seeds[n, 1] = j
            seeds[n, 2] = np.int64(row_score[i] * 1e6)
            n += 1
    return seeds[:n]


def sentence_seeds(a: SentenceIndex, b: SentenceIndex) -> np.ndarray:
    """Candidate seeds [i, j, cosine x 1e6], sorted by i: sentence pairs that are each other's
    best partner with cosine and weighted Dice of at least EXTEND_SIMILARITY."""
    if a.count == 0 or b.count == 0:
        return np.empty((0, 3), dtype=np.int64)
    return _seed_kernel(
        a.arrays(), b.arrays(), EXTEND_SIMILARITY, MIN_SEED_TOKENS, MAX_DF_SHARE, UPDATE_BUDGET
    )


@numba.njit(cache=True)
def _accept(seeds: np.ndarray, strong: float, weak: float) -> np.ndarray:
    """Seeds (one per sentence of A, sorted by it) kept by hysteresis: strong ones, and weak
    ones next to a kept seed on both sides (a chain of neighbours reaches a strong seed)."""
    n = seeds.shape[0]
    cos = seeds[:, 2] / 1e6
    keep = cos >= strong
    for step in (1, -1):  # chains grow rightwards, then leftwards
        for m in range(1, n):
            s = m if step == 1 else n - 1 - m
            t = s - step
            if (
                not keep[s]
                and keep[t]
                and cos[s] >= weak
                and abs(seeds[s, 0] - seeds[t, 0]) <= 1
                and abs(seeds[s, 1] - seeds[t, 1]) <= 1
            ):
                keep[s] = True
    return keep


@numba.njit(cache=True)
def _sentence_boxes(
    seeds: np.ndarray,
    a_first: np.ndarray,
    b_first: np.ndarray,
    min_tokens: int,
) -> np.ndarray:
    """Passages [a0, a1, b0, b1, seeds] in token positions: seed boxes with enough evidence.

    Each box of seeds loses weak seeds at its ends that are not next to another seed on both
    sides (chance matches of common words beside a passage) before its evidence is weighed.
    """
    seeds = seeds[_accept(seeds, SEED_SIMILARITY, EXTEND_SIMILARITY)]
    boxes = merge_boxes(cluster_seeds(seeds[:, :2].copy(), SENTENCE_GAP), SENTENCE_GAP)
    out = np.empty((boxes.shape[0], 5), dtype=np.int64)
    n = 0
    for k in range(boxes.shape[0]):
        inside = (
            (seeds[:, 0] >= boxes[k, 0])
            & (seeds[:, 0] <= boxes[k, 1])
            & (seeds[:, 1] >= boxes[k, 2])
            & (seeds[:, 1] <= boxes[k, 3])
        )
        box = seeds[inside]  # sorted by A's sentence
        lo, hi = 0, box.shape[0]
        while hi - lo > 1:
            if box[lo, 2] < TRIM_SIMILARITY * 1e6 and not _adjacent(box[lo], box[lo + 1]):
                lo += 1
            elif box[hi - 1, 2] < TRIM_SIMILARITY * 1e6 and not _adjacent(box[hi - 1], box[hi - 2]):
                hi -= 1
            else:
                break
        box = box[lo:hi]
        if box[:, 2].sum() < MIN_EVIDENCE * 1e6:
            continue
        i0, i1, j0, j1 = box[:, 0].min(), box[:, 0].max(), box[:, 1].min(), box[:, 1].max()
        a0, a1, b0, b1 = a_first[i0], a_first[i1 + 1], b_first[j0], b_first[j1 + 1]
        if min(a1 - a0, b1 - b0) < min_tokens:
            continue
        out[n, 0] = a0
        out[n, 1] = a1
        out[n, 2] = b0
        out[n, 3] = b1
        out[n, 4] = box.shape[0]
        n += 1
    return out[:n]


@numba.njit(cache=True)
def _adjacent(s: np.ndarray, t: np.ndarray) -> bool:
    return abs(s[0] - t[0]) <= 1 and abs(s[1] - t[1]) <= 1


@numba.njit(cache=True)
def reworded_boxes(
    a: IndexArrays,
    b: IndexArrays,
    tokens_a: np.ndarray,
    tokens_b: np.ndarray,
    min_tokens: int,
    budget: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Reworded passages [a0, a1, b0, b1, seeds] in token positions, and their similarities."""
    seeds = _seed_kernel(a, b, EXTEND_SIMILARITY, MIN_SEED_TOKENS, MAX_DF_SHARE, budget)
    if seeds[:, 2].sum() < MIN_EVIDENCE * 1e6:  # not even all seeds together are enough
        return np.empty((0, 5), dtype=np.int64), np.empty(0)
    boxes = _sentence_boxes(seeds, a[5], b[5], min_tokens)
    sims = np.empty(boxes.shape[0])
    keep = np.zeros(boxes.shape[0], dtype=np.bool_)
    for k in range(boxes.shape[0]):
        a0, a1, b0, b1 = boxes[k, 0], boxes[k, 1], boxes[k, 2], boxes[k, 3]
        sims[k] = multiset_dice(tokens_a[a0:a1], tokens_b[b0:b1])
        keep[k] = sims[k] >= MIN_DICE
    return boxes[keep], sims[keep]


def sentence_passages(
    a: SentenceIndex,
    b: SentenceIndex,
    tokens_a: np.ndarray,
    tokens_b: np.ndarray,
    min_tokens: int,
) -> list[Passage]:
    """Reworded passages between two documents, in token positions, in A's order."""
    if a.count == 0 or b.count == 0:
        return []
    boxes, sims = reworded_boxes(
        a.arrays(), b.arrays(), tokens_a, tokens_b, min_tokens, UPDATE_BUDGET
    )
    return [
        Passage(a0, a1, b0, b1, count, sim)
        for (a0, a1, b0, b1, count), sim in zip(boxes.tolist(), sims.tolist(), strict=True)
    ]
