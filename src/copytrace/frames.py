"""Recurring frames: reworded passages that are a sentence frame the corpus repeats.

A template (a census paragraph, a weekly rate notice, a box score) is reworded between any two
documents that fill it in: the frame is shared, the figures and names differ. Between two
documents alone it looks like a rewrite; across the corpus it shows, because the same region of
each document is reworded in other documents too. A rewrite between A and B is a *recurring
frame* when, for each of its spans, the region of A is also a rewrite span of A with a third
document, the region of B likewise, and each region has figures the other lacks (the counts,
rates, dates and scores a notice or a table is there to give; `align.pieces.region_verdict`
must also call the two a template or a list had their frame recurred). A story reworded by
several sites keeps its figures and names, so it stays a rewrite however many documents reword
it, and so does a passage that several plagiarists each reworded, swapping words and names but
leaving its figures.

This needs every rewrite of the corpus, so the engines hold their rewrite matches back until
verification is done (they are a small share of all matches) and then keep those that are not
recurring frames.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from copytrace.align.pieces import KEEP, figure_keys, region_verdict
from copytrace.model import Match
from copytrace.sketch import Shingled

#: Two spans of one document are the same region when they overlap by more than this share
#: of the shorter one.
SAME_REGION = 0.5
#: Rows of a document's spans compared with all its others at once (bounds the memory a
#: document reworded by thousands of others takes).
ROWS_AT_ONCE = 1024


@dataclass(frozen=True, slots=True)
class HeldRewrite:
    """A rewrite match held back until every rewrite is known; `i` and `j` are the document
    numbers of its `a` and `b`."""

    i: int
    j: int
    match: Match


def _span_table(held: Sequence[HeldRewrite]) -> np.ndarray:
    """One row [document, start, end, partner, match] per side of every span: side A's row,
    then side B's."""
    rows = []
    for m, h in enumerate(held):
        for span in h.match.spans:
            rows.append((h.i, span.a_start, span.a_end, h.j, m))
            rows.append((h.j, span.b_start, span.b_end, h.i, m))
    if not rows:
        return np.empty((0, 5), dtype=np.int64)
    return np.array(rows, dtype=np.int64)


def _reworded_elsewhere(table: np.ndarray) -> np.ndarray:
    """For each row of the span table, whether a document other than its partner has a span
    over the same region of its document."""
    out = np.zeros(table.shape[0], dtype=np.bool_)
    order = np.argsort(table[:, 0], kind="stable")
    bounds = np.flatnonzero(np.diff(table[order, 0])) + 1
    for group in np.split(order, bounds):
        if group.shape[0] < 2:
            continue
        start, end, partner = table[group, 1], table[group, 2], table[group, 3]
        length = end - start
        for lo in range(0, group.shape[0], ROWS_AT_ONCE):
            rows = slice(lo, lo + ROWS_AT_ONCE)
            overlap = np.minimum(end[rows, None], end[None, :]) - np.maximum(
                start[rows, None], start[None, :]
            )
            shorter = np.minimum(length[rows, None], length[None, :])
            same = (overlap > SAME_REGION * shorter) & (partner[rows, None] != partner[None, :])
            out[group[rows]] = same.any(axis=1)
    return out


def _token_range(text: Shingled, start: int, end: int) -> tuple[int, int]:
    """The tokens of a text inside the characters [start, end)."""
    first = int(np.searchsorted(text.starts, start, side="left"))
    last = int(np.searchsorted(text.ends, end, side="right"))
    return first, max(first, last)


def _other_figures(ta: np.ndarray, sa: np.ndarray, tb: np.ndarray, sb: np.ndarray) -> bool:
    """Whether each of two regions (tokens and shapes) has a figure the other lacks."""
    fa, fb = figure_keys(ta, sa), figure_keys(tb, sb)
    return bool(np.setdiff1d(fa, fb).shape[0] and np.setdiff1d(fb, fa).shape[0])


def recurring_regions(held: Sequence[HeldRewrite]) -> np.ndarray:
    """The held rewrites every span of which recurs: its region of each document is also a
    rewrite span of that document with a third document."""
    table = _span_table(held)
    if table.shape[0] == 0:
        return np.empty(0, dtype=np.int64)
    elsewhere = _reworded_elsewhere(table)
    recurs = elsewhere[0::2] & elsewhere[1::2]  # rows come in pairs: side A, then side B
    of_match = table[0::2, 4]
    spans = np.bincount(of_match, minlength=len(held))
    recurring = np.bincount(of_match[recurs], minlength=len(held))
    return np.flatnonzero((spans > 0) & (recurring == spans))


def recurring_frames(
    held: Sequence[HeldRewrite], shingled: Callable[[int], Shingled]
) -> np.ndarray:
    """Which held rewrites are recurring frames (see the module's docstring); `shingled(i)`
    gives document i's tokens and shapes as sketched, asked only for the documents of
    `recurring_regions`."""
    frames = np.zeros(len(held), dtype=np.bool_)
    for m in recurring_regions(held).tolist():
        h = held[m]
        ta, tb = shingled(h.i), shingled(h.j)
        frame = True
        for span in h.match.spans:
            a0, a1 = _token_range(ta, span.a_start, span.a_end)
            b0, b1 = _token_range(tb, span.b_start, span.b_end)
            xa, sa, xb, sb = ta.tokens[a0:a1], ta.shapes[a0:a1], tb.tokens[b0:b1], tb.shapes[b0:b1]
            frame &= region_verdict(xa, sa, xb, sb, True, False) != KEEP
            frame &= _other_figures(xa, sa, xb, sb)
        frames[m] = frame
    return frames
