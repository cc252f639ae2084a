"""Exact verification of a candidate pair from its shingle sets, and its relation.

Signatures only estimate similarity; before a pair can join a cluster its Jaccard similarity and
both containments are computed exactly from the shingle sets, and its relation is read off the
thresholds of the settings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from copytrace.model import Match, Relation, Settings, Span
from copytrace.sketch import Shingled


@dataclass(frozen=True, slots=True)
class ShingleSet:
    """A document's shingles by position and as a sorted set, with its exact hash."""

    shingled: Shingled
    distinct: np.ndarray
    exact: tuple[int, int]


def shingle_set(shingled: Shingled, exact: tuple[int, int]) -> ShingleSet:
    """Wrap a shingled text with its sorted distinct shingle hashes."""
    return ShingleSet(shingled, np.unique(shingled.hashes), exact)


@dataclass(frozen=True, slots=True)
class Scores:
    """Exact overlap of two shingle sets."""

    jaccard: float
    containment_a_in_b: float
    containment_b_in_a: float


def scores(a: ShingleSet, b: ShingleSet) -> Scores:
    """Jaccard similarity and both containments of two shingle sets."""
    na, nb = a.distinct.shape[0], b.distinct.shape[0]
    if na == 0 or nb == 0:
        return Scores(0.0, 0.0, 0.0)
    inter = np.intersect1d(a.distinct, b.distinct, assume_unique=True).shape[0]
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


def verify_pair(
    a_id: str, a: ShingleSet, b_id: str, b: ShingleSet, settings: Settings
) -> Match | None:
    """A verified Match between two documents, or None when no relation holds."""
    s = scores(a, b)
    rel = relation_of(a.exact == b.exact, s, settings)
    if rel is None:
        return None
    span = shared_span(a, b, s.jaccard)
    spans = (span,) if span is not None else ()
    return Match(a_id, b_id, rel, s.jaccard, s.containment_a_in_b, s.containment_b_in_a, spans)
