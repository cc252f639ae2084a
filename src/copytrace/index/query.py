"""Querying the index: the relations of one text to every distinct text indexed.

The query text is treated as if it were the next document added: its chrome is decided with its
own lines counted, bucket sizes and fingerprint frequencies count it, and each candidate pair is
verified in the order `scan` verifies it (older text first), so that adding a corpus and
querying each document finds the pairs `scan` of that corpus finds. Candidates are those of
`scan`: texts sharing an LSH band (a bucket of more than `max_bucket` texts links only to its
oldest text) whose signature estimate reaches the pair's floor, and texts sharing at least
`passage_min_fingerprints` passage fingerprints held by no more than `max_fingerprint_df` texts.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain

import numpy as np

from copytrace.index.chrome import threshold
from copytrace.index.core import (
    CorpusStats,
    Document,
    FingerprintFrequency,
    Match,
    Relation,
    Settings,
    ShingleSet,
    Span,
    orient,
    pair_floor,
    relation_of,
    scores,
    shingle_set,
    shingle_text,
    verify_pair,
)
from copytrace.index.migrate2 import signatures_in_bands
from copytrace.index.sketching import (
    Prepared,
    Sketch,
    blanked,
    blanks_for_all,
    line_batch,
    prepare,
    sketch_texts,
    with_line_keys,
)
from copytrace.index.state import ChromeCache
from copytrace.index.storage import Storage, StoredDocument, StoredText

NEWEST = 2**62
#: Indexed texts kept shingled between queries (a few hundred kB each for long articles).
CACHED_TEXTS = 256


@dataclass
class QueryResult:
    """The matches of one query document (`a` is the query, `b` an indexed document)."""

    document: Document
    matches: list[Match]
    candidates: int = 0
    blanks: list[tuple[int, int]] = field(default_factory=list)
    indexed: bool = False

    def to_dict(self) -> dict[str, object]:
        """Plain-JSON form."""
        return {
            "id": self.document.id,
            "indexed": self.indexed,
            "candidates": self.candidates,
            "matches": [m.to_dict() for m in self.matches],
        }


def swapped(m: Match) -> Match:
    """The same match seen from the other document."""
    return Match(
        m.b,
        m.a,
        m.relation,
        m.jaccard,
        m.containment_b_in_a,
        m.containment_a_in_b,
        tuple(Span(s.b_start, s.b_end, s.a_start, s.a_end, s.similarity) for s in m.spans),
        m.b_coverage,
        m.a_coverage,
        m.source,
        m.source_reason,
    )


def shared_with_any(mine: np.ndarray, others: list[np.ndarray]) -> np.ndarray:
    """Which values of a sorted distinct array are in at least one of other sorted arrays."""
    hit = np.zeros(mine.shape[0], dtype=np.bool_)
    if mine.shape[0] == 0:
        return hit
    for other in others:  # one binary search per value of the shorter of the two
        if other.shape[0] == 0:
            continue
        if other.shape[0] < mine.shape[0]:
            at = np.minimum(np.searchsorted(mine, other), mine.shape[0] - 1)
            hit[at[mine[at] == other]] = True
        else:
            at = np.minimum(np.searchsorted(other, mine), other.shape[0] - 1)
            hit |= other[at] == mine
    return hit


class _Union(Collection[int]):
    """Two disjoint sets seen as one, without copying the large one (the chrome keys)."""

    def __init__(self, large: set[int], extra: set[int]) -> None:
        self.large, self.extra = large, extra

    def __contains__(self, key: object) -> bool:
        return key in self.extra or key in self.large

    def __len__(self) -> int:
        return len(self.large) + len(self.extra)

    def __iter__(self) -> Iterator[int]:
        return chain(self.large, self.extra)


def _exact_tuple(exact: bytes) -> tuple[int, int]:
    a, b = np.frombuffer(exact, dtype=np.uint64).tolist()
    return int(a), int(b)


@dataclass
class _Query:
    """A query document prepared against the index."""

    prepared: Prepared
    own: StoredDocument | None  # the indexed document with the query's id
    indexed: bool  # that document is the query itself (same text and metadata)
    blanks: list[tuple[int, int]]
    sketch: Sketch
    own_text: StoredText | None  # the indexed class of the query's text
    excluded: set[int]  # text classes not to compare with

    @property
    def new(self) -> bool:
        """Whether the query's text would be a new class (it counts in postings itself)."""
        return self.own_text is None

    @property
    def order(self) -> int:
        """Where the query's text stands among the classes (by first document)."""
        return self.own_text.rep if self.own_text is not None else NEWEST


class Searcher:
    """Runs queries against a store (inside the caller's snapshot)."""

    def __init__(self, storage: Storage, settings: Settings, chrome: ChromeCache) -> None:
        self.storage = storage
        self.settings = settings
        self.chrome = chrome
        self._sets = lru_cache(maxsize=CACHED_TEXTS)(self._shingle_set)
        self.sig_in_bands = signatures_in_bands(settings)

    def query(self, doc: Document) -> QueryResult:
        """The matches of one document against the index."""
        q = self._prepare(doc)
        if q.sketch.empty:
            return QueryResult(doc, [], 0, q.blanks, q.indexed)
        matches: list[Match] = []
        exact = self._exact_match(q)
        if exact is not None:
            matches.append(exact)
        cands = self._band_candidates(q) | self._fingerprint_candidates(q)
        cands -= q.excluded
        matches.extend(self._verify(q, cands))
        matches.sort(key=lambda m: (m.relation.rank, -max(m.a_coverage, m.b_coverage), m.b))
        return QueryResult(doc, matches, len(cands), q.blanks, q.indexed)

    # -- preparing the query ----------------------------------------------------------------

    def _prepare(self, doc: Document) -> _Query:
        s = self.storage
        p = prepare(doc, self.settings)
        own = s.find_document(doc.id)
        indexed = own is not None and own.content == p.content
        if indexed and own is not None:
            blanks = own.blanks
        else:
            lines = line_batch([p])  # found once, for the counts and for the blanks
            with_line_keys([p], lines)
            chrome = self._chrome_with(p, own)
            (blanks,) = blanks_for_all([p], chrome, self.settings, lines)
        (sk,) = sketch_texts([blanked(doc.text, blanks)], self.settings)
        own_text = None if sk.empty else s.find_text(sk.exact)
        excluded: set[int] = set()
        if own_text is not None:
            excluded.add(own_text.text_id)
        # A query replacing its indexed version: that text is compared only if others share it.
        replaced = own is not None and not indexed and own.text_id is not None
        if replaced and own is not None and s.members(own.text_id or 0) == [own.doc]:
            excluded.add(own.text_id or 0)
        return _Query(p, own, indexed, blanks, sk, own_text, excluded)

    def _chrome_with(self, p: Prepared, own: StoredDocument | None) -> Collection[int]:
        """The chrome keys, with the lines that the query's own count would make chrome."""
        chrome = self.chrome.keys
        if self.settings.keep_boilerplate:
            return chrome
        others = [d for d in self.storage.same_lines(p.lines_key) if own is None or d != own.doc]
        if others:  # a document with this provenance and text already counts its lines
            return chrome
        keys = np.asarray([k for k in p.counted_keys() if k not in chrome], dtype=np.int64)
        known = self.storage.term_stats("line", keys)
        minimum = self.settings.boilerplate_min_docs
        extra = {
            k
            for k in keys.tolist()
            if 1 + (known[k].count if k in known else 0) >= threshold(k, minimum)
        }
        # A view, not `chrome | extra`: copying the index's chrome keys costs milliseconds.
        return _Union(chrome, extra) if extra else chrome

    # -- candidates -------------------------------------------------------------------------

    def _exact_match(self, q: _Query) -> Match | None:
        """The query's exact copy: the oldest other document with its text."""
        if q.own_text is None:
            return None
        others = [
            d for d in self.storage.members(q.own_text.text_id) if q.own is None or d != q.own.doc
        ]
        if not others:
            return None
        r = self.storage.document(others[0])
        qs = q.sketch.span
        where = Span(qs[0], qs[1], r.span[0], r.span[1], 1.0)
        m = Match(q.prepared.doc.id, r.id, Relation.EXACT, 1.0, 1.0, 1.0, (where,), 1.0, 1.0)
        return orient(m, q.prepared.date, r.date, self.settings)

    def _band_candidates(self, q: _Query) -> set[int]:
        """Texts sharing a band with the query whose signature estimate reaches the floor."""
        s, settings = self.storage, self.settings
        terms, owners = s.postings("band", q.sketch.bands)
        if terms.shape[0] == 0:
            return set()
        mine = q.own_text.text_id if q.own_text is not None else -1
        order = np.lexsort((owners, terms))
        terms, owners = terms[order], owners[order]
        starts = np.flatnonzero(np.r_[True, terms[1:] != terms[:-1]])
        sizes = np.diff(np.r_[starts, terms.shape[0]]) + (1 if q.new else 0)
        first = owners[starts]
        # A bucket of more than max_bucket texts links only to its oldest text (unless that
        # is the query's own class: then to all of them, as scan's head links to all).
        small = (sizes <= settings.max_bucket) | (first == mine)
        in_small = np.repeat(small, np.diff(np.r_[starts, terms.shape[0]]))
        found = np.union1d(owners[in_small], first[~small])
        found = found[found != mine]
        if q.excluded:
            found = found[~np.isin(found, list(q.excluded))]
        if found.shape[0] == 0:
            return set()
        texts = s.texts(found.tolist())
        ids = sorted(texts)
        if self.sig_in_bands:
            # One band per signature value: the values a text shares with the query are
            # the query's bands it is in.
            shared = np.bincount(np.searchsorted(found, owners[np.isin(owners, found)]))
            counts = np.zeros(found.shape[0], dtype=np.int64)
            counts[: shared.shape[0]] = shared
            by_id = dict(zip(found.tolist(), counts.tolist(), strict=True))
            estimate = np.asarray([by_id[t] for t in ids], dtype=np.float64) / settings.num_perm
        else:
            sigs = np.stack([texts[t].signature for t in ids])  # type: ignore[misc]
            estimate = (sigs == q.sketch.signature[None, :]).mean(axis=1)
        n_shingles = np.asarray([q.sketch.n_shingles] + [texts[t].n_shingles for t in ids])
        pairs = np.zeros((len(ids), 2), dtype=np.int64)
        pairs[:, 1] = np.arange(1, len(ids) + 1)
        floor = pair_floor(n_shingles, pairs, settings)
        return {t for t, e, f in zip(ids, estimate.tolist(), floor.tolist(), strict=True) if e >= f}

    def _fingerprint_candidates(self, q: _Query) -> set[int]:
        """Texts sharing enough passage fingerprints that are not too common."""
        settings = self.settings
        if not settings.passages or q.sketch.fingerprints.shape[0] == 0:
            return set()
        # One lookup gives both each fingerprint's document frequency and its owners.
        terms, owners = self.storage.postings("fp", q.sketch.fingerprints)
        if terms.shape[0] == 0:
            return set()
        _, inverse, counts = np.unique(terms, return_inverse=True, return_counts=True)
        rare = counts[inverse] + (1 if q.new else 0) <= settings.max_fingerprint_df
        texts, shared = np.unique(owners[rare], return_counts=True)
        least = settings.passage_min_fingerprints
        return set(texts[shared >= least].tolist())

    # -- verification -----------------------------------------------------------------------

    def _shingle_set(self, doc: int, exact: bytes) -> tuple[StoredDocument, ShingleSet]:
        d = self.storage.document(doc)
        text = blanked(d.text, d.blanks)
        return d, shingle_set(shingle_text(text, self.settings), _exact_tuple(exact))

    def _verify(self, q: _Query, cands: Iterable[int]) -> list[Match]:
        ids = sorted(cands)
        if not ids:
            return []
        texts = self.storage.texts(ids)
        text = blanked(q.prepared.doc.text, q.blanks)
        q_set = shingle_set(shingle_text(text, self.settings), _exact_tuple(q.sketch.exact))
        sets = {t: self._sets(texts[t].rep, texts[t].exact) for t in ids if t in texts}
        overlap = {t: scores(q_set, s) for t, (_, s) in sets.items()}  # once: verify reuses it
        # Corpus statistics serve only the passages of pairs without a whole-document relation
        # (`verify_pair`): a long near-duplicate needs none, and its shared shingles are many.
        passage_sets = [
            s
            for t, (_, s) in sets.items()
            if relation_of(q_set.exact == s.exact, overlap[t], self.settings) is None
        ]
        stats = CorpusStats(self._frequency(q, q_set, passage_sets), self._documents(q))
        q_id, q_date = q.prepared.doc.id, q.prepared.date
        out = []
        for t, (d, c_set) in sets.items():
            if texts[t].rep < q.order:  # the older text first, as scan verifies pairs
                known = overlap[t].swapped()
                m = verify_pair(d.id, c_set, q_id, q_set, self.settings, stats, known)
                if m is not None:
                    m = swapped(orient(m, d.date, q_date, self.settings))
            else:
                m = verify_pair(q_id, q_set, d.id, c_set, self.settings, stats, overlap[t])
                if m is not None:
                    m = orient(m, q_date, d.date, self.settings)
            if m is not None:
                out.append(m)
        return out

    def _documents(self, q: _Query) -> int:
        n = self.storage.counters().get("nonempty", 0)
        if not q.indexed and (q.own is None or q.own.text_id is None):
            n += 1
        return n

    def _frequency(
        self, q: _Query, q_set: ShingleSet, others: list[ShingleSet]
    ) -> FingerprintFrequency:
        """Document frequencies (a thread counting once) of the shingles the query shares with
        its candidates that are passage fingerprints of two texts or more."""
        if not self.settings.passages or not others:
            return FingerprintFrequency.empty()
        shared = q_set.distinct[shared_with_any(q_set.distinct, [o.distinct for o in others])]
        if shared.shape[0] == 0:
            return FingerprintFrequency.empty()
        thread = q.prepared.thread
        stats = self.storage.term_stats("fp", shared.view(np.int64), group=thread or None)
        mine = set(q.sketch.fingerprints.tolist()) if q.new else set()
        hashes, df = [], []
        for h in shared.view(np.int64).tolist():
            st = stats.get(h)
            count = (st.count if st else 0) + (h in mine)
            if count < 2:
                continue
            groups = st.groups if st else 0
            if h in mine and not (thread and st is not None and st.has_group):
                groups += 1
            hashes.append(h)
            df.append(groups)
        if not hashes:
            return FingerprintFrequency.empty()
        order = np.argsort(np.asarray(hashes, dtype=np.int64).view(np.uint64))
        return FingerprintFrequency(
            np.asarray(hashes, dtype=np.int64).view(np.uint64)[order],
            np.asarray(df, dtype=np.int32)[order],
        )
