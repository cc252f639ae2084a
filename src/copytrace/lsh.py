"""Candidate pairs from MinHash signatures by LSH banding.

A band is `rows` consecutive signature values hashed to one key; two documents whose keys agree in
any band become a candidate pair. Buckets larger than `max_bucket` (a wire story printed a
thousand times, or a template shared by a whole site) link each member to the bucket's first
member instead of making every pair, so the work stays linear in the bucket's size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from copytrace.model import Settings
from copytrace.text import ZERO, mix64

#: Banding is chosen so that a pair at the candidate floor is found with at least this probability.
TARGET_RECALL = 0.995


def candidate_floor(settings: Settings) -> float:
    """Lowest Jaccard similarity the candidates must catch.

    The smaller of the near-duplicate threshold and the Jaccard of a `contained` pair at the
    smallest length ratio `min_length_ratio`: a document of relative length r, a share c of whose
    shingles lie in the other, has Jaccard c*r / (1 + r - c*r).
    """
    c, r = settings.containment, settings.min_length_ratio
    return min(settings.threshold, c * r / (1 + r - c * r))


def collision_probability(jaccard: float, bands: int, rows: int) -> float:
    """Probability that a pair of the given Jaccard similarity shares at least one band."""
    return 1.0 - (1.0 - jaccard**rows) ** bands


def choose_banding(settings: Settings) -> tuple[int, int]:
    """(bands, rows): the settings' own, or the most selective banding that meets TARGET_RECALL."""
    if settings.bands is not None and settings.rows is not None:
        return settings.bands, settings.rows
    floor = candidate_floor(settings)
    m = settings.num_perm
    best = (m, 1)
    for rows in range(1, m + 1):
        bands = m // rows
        if collision_probability(floor, bands, rows) >= TARGET_RECALL:
            best = (bands, rows)
        else:
            break
    return best


@dataclass(frozen=True, slots=True)
class Candidates:
    """Candidate pairs of rows i < j of the signature matrix, and bucket statistics.

    Pairs are kept as sorted codes i * n + j (8 bytes a pair); `pairs` decodes them.
    """

    codes: np.ndarray
    n: int
    bands: int
    rows: int
    large_buckets: int

    @property
    def pairs(self) -> np.ndarray:
        """The pairs as a (k, 2) array of row indices."""
        return decode_pairs(self.codes, self.n)


def decode_pairs(codes: np.ndarray, n: int) -> np.ndarray:
    """(k, 2) int64 pairs (i, j) from codes i * n + j."""
    size = np.uint64(max(n, 1))
    pairs = np.empty((codes.shape[0], 2), dtype=np.int64)
    pairs[:, 0] = (codes // size).astype(np.int64)
    pairs[:, 1] = (codes % size).astype(np.int64)
    return pairs


#: Bands grouped in one pass; bounds the pair codes held before they are merged.
BANDS_PER_PASS = 4


#: A band's key: its seed (this times the band number + 1, so bands never collide), then each
#: row's value mixed in with this multiplier; `_band_keys` and `_band_codes` both make it.
_KEY_SEED = np.uint64(0x9E3779B97F4A7C15)
_KEY_PRIME = np.uint64(0x100000001B3)


def _band_keys(signatures: np.ndarray, band: int, rows: int) -> np.ndarray:
    """One key per document for a band; the band number is mixed in so bands never collide."""
    cols = signatures[:, band * rows : (band + 1) * rows]
    key = np.full(cols.shape[0], np.uint64(int(_KEY_SEED) * (band + 1) & (2**64 - 1)))
    for c in range(cols.shape[1]):
        key = (key ^ cols[:, c]) * _KEY_PRIME
        key ^= key >> np.uint64(29)
    return key


@numba.njit(cache=True)
def _pair_code(a: int, b: int, n: int) -> np.uint64:
    return np.uint64(min(a, b)) * np.uint64(n) + np.uint64(max(a, b))


@numba.njit(cache=True)
def _emit_bucket(
    members: np.ndarray, count: int, n: int, max_bucket: int, codes: np.ndarray, t: int
) -> int:
    """Write the pair codes of one bucket (members[:count]) at codes[t:]; returns the new t.
    A bucket larger than max_bucket links each member to its smallest one instead."""
    if count > max_bucket:
        head = members[0]
        for a in range(1, count):
            head = min(head, members[a])
        for a in range(count):
            if members[a] != head:
                codes[t] = _pair_code(head, members[a], n)
                t += 1
    else:
        for a in range(count):
            for b in range(a + 1, count):
                codes[t] = _pair_code(members[a], members[b], n)
                t += 1
    return t


@numba.njit(cache=True)
def _band_codes(
    signatures: np.ndarray, first_band: int, last_band: int, rows: int, n: int, max_bucket: int
) -> tuple[np.ndarray, int]:
    """Pair codes of the rows sharing a key in each band first_band .. last_band - 1, and how
    many buckets were larger than max_bucket. Each band's keys (those of `_band_keys`) are
    grouped in an open-addressing table, one pass over the rows, where sorting them took
    several times longer."""
    size = 16
    while size < 2 * signatures.shape[0]:
        size *= 2
    mask = size - 1
    slot_key = np.zeros(size, dtype=np.uint64)
    slot_head = np.full(size, -1, dtype=np.int64)  # a bucket's latest member, -1: empty slot
    slot_count = np.zeros(size, dtype=np.int64)
    used = np.empty(signatures.shape[0], dtype=np.int64)
    next_member = np.empty(signatures.shape[0], dtype=np.int64)
    members = np.empty(signatures.shape[0], dtype=np.int64)
    codes = np.empty(max(16, signatures.shape[0]), dtype=np.uint64)
    t: int = np.int64(0)  # type: ignore[assignment]  # a literal 0 compiles _emit_bucket again
    large = 0
    for band in range(first_band, last_band):
        n_used = 0
        seed = _KEY_SEED * np.uint64(band + 1)
        for i in range(signatures.shape[0]):
            key = seed
            for c in range(band * rows, (band + 1) * rows):
                key = (key ^ np.uint64(signatures[i, c])) * _KEY_PRIME
                key ^= key >> np.uint64(29)
            h = np.int64(mix64(key) & np.uint64(mask))
            while slot_head[h] >= 0 and slot_key[h] != key:
                h = (h + 1) & mask
            if slot_head[h] < 0:
                slot_key[h] = key
                used[n_used] = h
                n_used += 1
            next_member[i] = slot_head[h]
            slot_head[h] = i
            slot_count[h] += 1
        for u in range(n_used):
            h = used[u]
            count = slot_count[h]
            if count >= 2:
                need = count - 1 if count > max_bucket else count * (count - 1) // 2
                large += count > max_bucket
                if t + need > codes.shape[0]:
                    grown = np.empty(max(2 * codes.shape[0], t + need), dtype=np.uint64)
                    grown[:t] = codes[:t]
                    codes = grown
                k = 0
                m = slot_head[h]
                while m >= 0:
                    members[k] = m
                    k += 1
                    m = next_member[m]
                t = _emit_bucket(members, k, n, max_bucket, codes, t)
            slot_head[h] = -1
            slot_count[h] = 0
    return codes[:t], large


@numba.njit(cache=True)
def _merge_into(buf: np.ndarray, n_old: int, new: np.ndarray) -> int:
    """Merge sorted `new` into the sorted distinct buf[:n_old], in place; returns the count.

    buf must have room for n_old + len(new). The merge runs from the back, so nothing unread is
    overwritten; duplicates are dropped, and the result is moved to the front.
    """
    i, j, w = n_old - 1, new.shape[0] - 1, n_old + new.shape[0] - 1
    end = w + 1
    while i >= 0 or j >= 0:
        if j < 0 or (i >= 0 and buf[i] >= new[j]):
            v = buf[i]
            i -= 1
        else:
            v = new[j]
            j -= 1
        if w == end - 1 or buf[w + 1] != v:
            buf[w] = v
            w -= 1
    count = end - (w + 1)
    for k in range(count):
        buf[k] = buf[w + 1 + k]
    return count


@numba.njit(cache=True)
def _distinct_in_place(x: np.ndarray) -> int:
    """Move the distinct values of sorted x to its front; returns how many there are."""
    t = 0
    for i in range(x.shape[0]):
        if t == 0 or x[i] != x[t - 1]:
            x[t] = x[i]
            t += 1
    return t


def candidate_pairs(signatures: np.ndarray, settings: Settings) -> Candidates:
    """Unique candidate pairs (i < j) of rows whose signatures share a band."""
    bands, rows = choose_banding(settings)
    n = signatures.shape[0]
    merged = np.empty(0, dtype=np.uint64)  # owned, grown in place: no second copy while merging
    count = 0
    large = 0
    for first_band in range(0, bands, BANDS_PER_PASS):
        last_band = min(first_band + BANDS_PER_PASS, bands)
        codes, group_large = _band_codes(
            signatures, first_band, last_band, rows, max(n, 1), settings.max_bucket
        )
        large += group_large
        codes.sort()
        codes = codes[: _distinct_in_place(codes)]
        if count + codes.shape[0] > merged.shape[0]:
            merged.resize(count + codes.shape[0], refcheck=False)
        count = _merge_into(merged, count, codes)
        del codes
    merged.resize(count, refcheck=False)
    return Candidates(merged, n, bands, rows, large)


@numba.njit(cache=True)
def _equal_values(signatures: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    out = np.empty(pairs.shape[0], dtype=np.int64)
    for p in range(pairs.shape[0]):
        a, b = signatures[pairs[p, 0]], signatures[pairs[p, 1]]
        same = 0
        for c in range(a.shape[0]):
            same += a[c] == b[c]
        out[p] = same
    return out


def estimated_jaccard(signatures: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Signature estimate of the Jaccard similarity for each pair (share of equal values)."""
    if pairs.shape[0] == 0:
        return np.empty(0, dtype=np.float64)
    return _equal_values(signatures, pairs) / signatures.shape[1]


#: Pairs filtered at a time by `filter_by_estimate`; bounds its temporary arrays.
FILTER_BLOCK = 65536


def filter_by_estimate(
    signatures: np.ndarray, n_shingles: np.ndarray, candidates: Candidates, settings: Settings
) -> np.ndarray:
    """The candidate pairs whose signature estimate reaches their `pair_floor`, as (k, 2)."""
    kept: list[np.ndarray] = [np.empty((0, 2), dtype=np.int64)]
    for s in range(0, candidates.codes.shape[0], FILTER_BLOCK):
        p = decode_pairs(candidates.codes[s : s + FILTER_BLOCK], candidates.n)
        kept.append(p[estimated_jaccard(signatures, p) >= pair_floor(n_shingles, p, settings)])
    return np.concatenate(kept)


def pair_floor(n_shingles: np.ndarray, pairs: np.ndarray, settings: Settings) -> np.ndarray:
    """Lowest signature estimate at which each pair can still hold a relation, less the margin.

    The pair's length ratio r (from shingle counts, floored at min_length_ratio) gives the Jaccard
    of a `contained` pair, c*r / (1 + r - c*r); the floor is that or the near-duplicate threshold,
    whichever is lower, minus four standard deviations of the estimate.
    """
    a = n_shingles[pairs[:, 0]].astype(np.float64)
    b = n_shingles[pairs[:, 1]].astype(np.float64)
    ratio = np.minimum(a, b) / np.maximum(np.maximum(a, b), 1.0)
    r = np.maximum(ratio, settings.min_length_ratio)
    c = settings.containment
    floor = np.minimum(settings.threshold, c * r / (1 + r - c * r))
    margin = 4.0 * np.sqrt(floor * (1.0 - floor) / settings.num_perm) + 1.0 / settings.num_perm
    return floor - margin


@dataclass(frozen=True, slots=True)
class FingerprintFrequency:
    """Fingerprints found in two documents or more (sorted hashes) and in how many (`df`).

    Verification reads it to tell a template, a frame repeated across many documents, from
    text two documents share alone. Empty when nothing is known of other documents.
    """

    hashes: np.ndarray
    df: np.ndarray

    @classmethod
    def empty(cls) -> FingerprintFrequency:
        """No fingerprint known (two documents compared alone)."""
        return cls(np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int32))


#: From this many documents on, a corpus is large: its genres show (many city articles, many
#: match reports), and loosely similar passages are common between unrelated documents.
LARGE_CORPUS = 1000


@dataclass(frozen=True, slots=True)
class CorpusStats:
    """What verification knows of the rest of the corpus: how many documents share each
    fingerprint (templates recur), and how many documents there are (among many, loosely
    similar passages must keep their figures and names to be rewrites)."""

    fingerprints: FingerprintFrequency
    documents: int = 2

    @property
    def large(self) -> bool:
        """Whether the corpus is large enough for its genres to show."""
        return self.documents >= LARGE_CORPUS

    @classmethod
    def none(cls) -> CorpusStats:
        """Nothing known: two documents compared alone."""
        return cls(FingerprintFrequency.empty())


#: Nothing known of other documents.
NO_STATS = CorpusStats.none()


@dataclass(frozen=True, slots=True)
class PassageCandidates:
    """Pairs (i < j) sharing enough passage fingerprints, with how many they share, and the
    document frequency of the shared fingerprints."""

    pairs: np.ndarray
    shared: np.ndarray
    ignored_fingerprints: int
    ignored_postings: int
    frequency: FingerprintFrequency


@numba.njit(cache=True)
def _shared_fingerprints(
    h: np.ndarray, d: np.ndarray, groups: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of sorted postings held by two documents or more, and by how many groups of
    documents (`groups[document]`: documents of one group count once)."""
    hashes = np.empty(0, dtype=np.uint64)
    df = np.empty(0, dtype=np.int32)
    for filling in (False, True):
        n = 0
        i = 0
        while i < h.shape[0]:
            j = i + 1
            docs = 1
            while j < h.shape[0] and h[j] == h[i]:
                docs += d[j] != d[j - 1]  # postings of one hash are in document order
                j += 1
            if docs >= 2:
                if filling:
                    keys = np.sort(groups[d[i:j]])
                    hashes[n] = h[i]
                    df[n] = 1 + np.sum(keys[1:] != keys[:-1])
                n += 1
            i = j
        if not filling:
            hashes = np.empty(n, dtype=np.uint64)
            df = np.empty(n, dtype=np.int32)
    return hashes, df


@numba.njit(cache=True)
def sort_postings(h: np.ndarray, d: np.ndarray) -> None:
    """Sort (hash, document) postings in place by hash, then document, without extra arrays.

    An index sort would need 8 bytes a posting more than the postings themselves. Quicksort on
    the hash, then each run of one hash (a few postings) is put in document order.
    """
    stack = np.empty((64, 2), dtype=np.int64)
    stack[0, 0], stack[0, 1] = 0, h.shape[0] - 1
    top = 1
    while top > 0:
        top -= 1
        lo, hi = stack[top, 0], stack[top, 1]
        while hi - lo > 16:
            mid = (lo + hi) >> 1
            x, y, z = h[lo], h[mid], h[hi]
            pivot = max(min(x, y), min(max(x, y), z))  # median of three
            i, j = lo, hi
            while i <= j:
                while h[i] < pivot:
                    i += 1
                while h[j] > pivot:
                    j -= 1
                if i <= j:
                    h[i], h[j] = h[j], h[i]
                    d[i], d[j] = d[j], d[i]
                    i += 1
                    j -= 1
            # Go on with the smaller side and stack the larger: the stack stays shallow.
            if j - lo < hi - i:
                stack[top, 0], stack[top, 1] = i, hi
                hi = j
            else:
                stack[top, 0], stack[top, 1] = lo, j
                lo = i
            top += 1
        for i in range(lo + 1, hi + 1):  # insertion sort of the short rest
            th, td = h[i], d[i]
            j = i - 1
            while j >= lo and h[j] > th:
                h[j + 1], d[j + 1] = h[j], d[j]
                j -= 1
            h[j + 1], d[j + 1] = th, td
    i = 0
    while i < h.shape[0]:
        j = i + 1
        while j < h.shape[0] and h[j] == h[i]:
            j += 1
        if j - i > 16:  # a common fingerprint: a real sort, not a quadratic one
            d[i:j].sort()  # in place: no shape check of an assignment to compile
        for a in range(i + 1, j):  # insertion sort by document within the run
            td = d[a]
            b = a - 1
            while b >= i and d[b] > td:
                d[b + 1] = d[b]
                b -= 1
            d[b + 1] = td
        i = j


@numba.njit(cache=True)
def _run(h: np.ndarray, d: np.ndarray, i: int, docs: np.ndarray) -> tuple[int, int]:
    """The run of postings with hash h[i]: (its end, its number of distinct documents).

    The documents go to `docs` (ascending) as far as it has room, so a run in many documents
    costs no memory.
    """
    j, size, last = i, 0, -1
    while j < h.shape[0] and h[j] == h[i]:
        if d[j] != last:
            if size < docs.shape[0]:
                docs[size] = d[j]
            size += 1
            last = d[j]
        j += 1
    return j, size


@numba.njit(cache=True)
def _pairs_per_document(
    h: np.ndarray, d: np.ndarray, n_docs: int, max_df: int
) -> tuple[np.ndarray, int, int]:
    """How many fingerprint-sharing pairs each document is the first of; ignored counts."""
    per_doc = np.zeros(n_docs, dtype=np.int64)
    docs = np.empty(max_df + 1, dtype=np.int64)
    ignored, ignored_postings, i = 0, 0, ZERO
    while i < h.shape[0]:
        j, size = _run(h, d, i, docs)
        if size > max_df:
            ignored += 1
            ignored_postings += size
        else:
            for a in range(size - 1):
                per_doc[docs[a]] += size - 1 - a
        i = j
    return per_doc, ignored, ignored_postings


@numba.njit(cache=True)
def _pair_codes(
    h: np.ndarray, d: np.ndarray, n_docs: int, max_df: int, lo: int, hi: int, total: int
) -> np.ndarray:
    """Codes a * n_docs + b (a < b, lo <= a < hi) of pairs sharing a fingerprint, one a sharing."""
    codes = np.empty(total, dtype=np.uint64)
    docs = np.empty(max_df + 1, dtype=np.int64)
    t, i = 0, ZERO
    while i < h.shape[0]:
        j, size = _run(h, d, i, docs)
        if size <= max_df:
            for a in range(size - 1):
                if lo <= docs[a] < hi:
                    for b in range(a + 1, size):
                        codes[t] = np.uint64(docs[a]) * np.uint64(n_docs) + np.uint64(docs[b])
                        t += 1
        i = j
    return codes


@numba.njit(cache=True)
def _frequent(codes: np.ndarray, least: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of sorted `codes` that occur at least `least` times, with their counts."""
    n_out = 0
    i = 0
    while i < codes.shape[0]:
        j = i + 1
        while j < codes.shape[0] and codes[j] == codes[i]:
            j += 1
        n_out += j - i >= least
        i = j
    out = np.empty(n_out, dtype=np.uint64)
    counts = np.empty(n_out, dtype=np.int64)
    t = 0
    i = 0
    while i < codes.shape[0]:
        j = i + 1
        while j < codes.shape[0] and codes[j] == codes[i]:
            j += 1
        if j - i >= least:
            out[t] = codes[i]
            counts[t] = j - i
            t += 1
        i = j
    return out, counts


#: Pair codes made at a time when counting shared fingerprints (8 bytes each).
PAIR_CHUNK = 1 << 22


def passage_candidates(
    fp_hash: np.ndarray,
    fp_doc: np.ndarray,
    n_docs: int,
    settings: Settings,
    groups: np.ndarray | None = None,
    least: int | None = None,
) -> PassageCandidates:
    """Pairs of documents sharing at least `passage_min_fingerprints` winnowed fingerprints,
    and the document frequency of every fingerprint two documents share.

    A fingerprint found in more than `max_fingerprint_df` documents (page chrome, boilerplate,
    stock phrases) makes no candidates: it is counted and ignored. Sorts fp_hash and fp_doc in
    place (together). Frequencies count each of `groups` (a key per document; by default
    every document is its own group) once. `least` replaces `passage_min_fingerprints` (the
    sentence keys of `sentence_sketch` use it).
    """
    n = max(n_docs, 1)
    max_df = settings.max_fingerprint_df
    sort_postings(fp_hash, fp_doc)
    if groups is None:
        groups = np.arange(n, dtype=np.int64)
    frequency = FingerprintFrequency(*_shared_fingerprints(fp_hash, fp_doc, groups))
    per_doc, ignored, ignored_postings = _pairs_per_document(fp_hash, fp_doc, n, max_df)
    # Pairs are counted for a range of first documents at a time: each range's pairs are all
    # there, and only PAIR_CHUNK codes wait at once.
    ends = np.cumsum(per_doc)
    found: list[tuple[np.ndarray, np.ndarray]] = []
    lo = 0
    while lo < n and ends[-1] > (ends[lo - 1] if lo else 0):
        before = int(ends[lo - 1]) if lo else 0
        hi = max(int(np.searchsorted(ends, before + PAIR_CHUNK, side="right")), lo + 1)
        codes = _pair_codes(fp_hash, fp_doc, n, max_df, lo, hi, int(ends[hi - 1]) - before)
        codes.sort()
        found.append(
            _frequent(codes, settings.passage_min_fingerprints if least is None else least)
        )
        del codes
        lo = hi
    codes = np.concatenate([c for c, _ in found]) if found else np.empty(0, dtype=np.uint64)
    counts = np.concatenate([k for _, k in found]) if found else np.empty(0, dtype=np.int64)
    pairs = np.empty((codes.shape[0], 2), dtype=np.int64)
    pairs[:, 0] = (codes // np.uint64(n)).astype(np.int64)
    pairs[:, 1] = (codes % np.uint64(n)).astype(np.int64)
    return PassageCandidates(pairs, counts, ignored, ignored_postings, frequency)
