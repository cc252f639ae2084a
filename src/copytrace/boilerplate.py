"""Chrome: lines repeated across many documents, and the parts of posts that are not their text.

A scraped page carries its site's menus, "Share this article" lines, cookie notices and footers;
a newsgroup post its header lines, attribution lines and its author's signature. Lines that
recur in at least `boilerplate_min_docs` distinct texts of one host, or of one author (posts
not counting the lines they quote), are boilerplate; so are short lines that recur as often
across texts without a host (a reprinted story's own paragraphs also recur across the corpus,
so longer lines need a host or an author to be chrome). The header block, attribution lines and
signature of a post (`messages`) are blanked too. Everything blanked becomes spaces before
sketching and alignment, so offsets into the original text stay valid and two pages of one
site, or two posts of one author, never match on their chrome. A document made only of such
lines keeps its text: it is then all there is to compare. Each distinct text counts once per
provenance: a story stored twenty times over is not twenty documents that share its lines (its
short lines would all pass for chrome).

Lines are found and keyed in compiled code over the texts' UTF-8 bytes (`lines`): a line's key
is a hash of its stripped text, case folded as the tokenizer folds it, mixed with the group it
is counted in; keys are the same in every process and on every machine.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numba
import numpy as np

from copytrace.lines import Lines, blank_encoded, encode_texts, find_lines
from copytrace.messages import MessageParts, message_parts
from copytrace.text import U64, mix64

#: Lines longer than this are content, never chrome.
MAX_LINE_CHARS = 300
#: Without a host, only lines of at most this many words count as chrome.
MAX_CORPUS_LINE_WORDS = 10


class Provenance(NamedTuple):
    """Who published a text, as far as is known: its site's host and its author.

    Lines are counted per host, per author and, for short lines of texts without a host, over
    the whole corpus; a line frequent in any of these groups is chrome for that group. (A named
    tuple: it is a key of several tables, looked up for every document, and hashes in C.)
    """

    host: str | None = None
    author: str | None = None


#: The provenance of a text about which nothing is known.
UNKNOWN = Provenance()


#: Line hashes lose their lowest bit: in a key it says whether the key is of a signature group.
_NO_FLAG = -2


def _salt(kind: str, name: str | None) -> int:
    """Mixes a group into line keys, so that each group counts its own lines. The lowest bit
    is left clear: signature groups set it in their salt."""
    data = f"{kind}\0{'' if name is None else name}\0{name is None}".encode(
        "utf-8", "surrogatepass"
    )
    value = int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")
    return value & 0x7FFFFFFFFFFFFFFE


@dataclass(frozen=True, slots=True)
class _Group:
    """A group lines are counted in: its salt, and which lines of a text count in it."""

    salt: int
    short_only: bool = False  # lines of at most MAX_CORPUS_LINE_WORDS words
    tail_only: bool = False  # the last SIGNATURE_LINES lines of a post, which need only 2 texts


@lru_cache(maxsize=1 << 14)
def _groups(p: Provenance, post: bool) -> tuple[_Group, ...]:
    """The groups a text's lines count in."""
    out = [_Group(_salt("host", p.host)) if p.host else _Group(_salt("corpus", None), True)]
    if p.author:
        out.append(_Group(_salt("author", p.author)))
        if post:
            out.append(_Group(_salt("signature", p.author) | 1, tail_only=True))
    return tuple(out)


#: At most this many groups per text: its host (or the corpus), its author, its signature.
MAX_GROUPS = 3


@lru_cache(maxsize=1 << 14)
def _group_row(p: Provenance, post: bool) -> np.ndarray:
    """A text's groups as MAX_GROUPS (salt, in use, short lines only, tail only) entries
    (int64, read-only: it is shared by every text of that provenance)."""
    groups = _groups(p, post)
    pad = [(0, False, False, False)] * (MAX_GROUPS - len(groups))
    rows = [(g.salt, True, g.short_only, g.tail_only) for g in groups] + pad
    row = np.array(rows, dtype=np.int64)
    row.flags.writeable = False
    return row


@dataclass(frozen=True, slots=True)
class _GroupTable:
    """The groups of a batch of texts, (n, MAX_GROUPS) each: salt, used, short only, tail only."""

    salt: np.ndarray
    used: np.ndarray
    short_only: np.ndarray
    tail_only: np.ndarray

    @classmethod
    def of(cls, provenances: Sequence[Provenance], posts: Sequence[bool]) -> _GroupTable:
        """The groups of text i (of provenance i, a post or not)."""
        rows = [_group_row(p, bool(post)) for p, post in zip(provenances, posts, strict=True)]
        table = np.stack(rows) if rows else np.empty((0, MAX_GROUPS, 4), dtype=np.int64)
        return cls(
            table[:, :, 0].copy(),
            table[:, :, 1] != 0,
            table[:, :, 2] != 0,
            table[:, :, 3] != 0,
        )


@lru_cache(maxsize=1 << 14)
def _provenance_key(p: Provenance) -> int:
    """A 64-bit hash of a provenance, mixed into the hash of each of its texts."""
    return (_salt("host", p.host) * 3 + _salt("author", p.author)) & 0xFFFFFFFFFFFFFFFF


#: Line prefixes of quoted text in posts (`lines.QUOTE_CHARS`, which the line kernel finds).
QUOTE_MARKS = (">", "|", ":")
#: ... of which this one is also a box's left border: a post's last lines led by it count
#: towards its author's signature (boxed signatures, with no `-- ` line above them, recur at
#: the end of one author's posts), while a reply's quoted lines count nowhere.
BOX_MARK = "|"
#: A post's last lines that recur at the end of another post of its author are its signature.
SIGNATURE_LINES = 12
#: Signature lines are chrome once they end this many distinct posts of their author.
SIGNATURE_MIN_POSTS = 2


def _in_tail(lines: Lines, doc: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Whether each line (by index) is among the last SIGNATURE_LINES of its text."""
    counts = lines.counts
    return index - lines.first[doc] >= counts[doc] - SIGNATURE_LINES


def _line_keys(lines: Lines, groups: _GroupTable, posts: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Keys of the distinct lines that may be chrome, one per text, line and group, of the texts
    marked `new`: lines of 1 to MAX_LINE_CHARS stripped characters, a post's quoted lines left
    out (they are another text) but for the box lines of its signature tail (`BOX_MARK`)."""
    doc = lines.doc()
    ok = new[doc] & (lines.length >= 1) & (lines.length <= MAX_LINE_CHARS)
    index = np.flatnonzero(ok)
    doc = doc[index]
    base = lines.key[index] & np.int64(_NO_FLAG)
    short = lines.words[index] <= MAX_CORPUS_LINE_WORDS
    tail = _in_tail(lines, doc, index)
    quote = lines.quote[index]
    quoted = posts[doc] & (quote != 0)
    boxed = quote == ord(BOX_MARK)
    keys, docs = [], []
    for g in range(MAX_GROUPS):
        take = groups.used[doc, g] & (~groups.short_only[doc, g] | short)
        take &= ~groups.tail_only[doc, g] | tail
        take &= ~quoted | (groups.tail_only[doc, g] & boxed)
        keys.append(base[take] ^ groups.salt[doc[take], g])
        docs.append(doc[take])
    key, owner = np.concatenate(keys), np.concatenate(docs)
    # Each text counts each of its lines once (the order of the keys does not matter).
    return key[_first_of_each(key, owner)]


#: Mixes the owner of a line key into its hash (the golden ratio's odd 64-bit multiplier).
_OWNER_MIX = U64(0x9E3779B97F4A7C15)


@numba.njit(cache=True)
def _first_of_each(key: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Whether each (owner, key) pair is the first of its kind: one pass over a hash table,
    where sorting the pairs took several times longer."""
    n = key.shape[0]
    size = 16
    while size < 2 * n:
        size *= 2
    mask = size - 1
    slots = np.full(size, -1, dtype=np.int64)
    first = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        h = np.int64(mix64(U64(key[i]) ^ (U64(owner[i]) * _OWNER_MIX)) & U64(mask))
        while True:
            j = slots[h]
            if j < 0:
                slots[h] = i
                first[i] = True
                break
            if key[j] == key[i] and owner[j] == owner[i]:
                break
            h = (h + 1) & mask
    return first


@numba.njit(cache=True)
def _first_sighting(table: np.ndarray, key: np.uint64) -> bool:
    """Put a non-zero key into an open-addressing set (0 marks empty slots); whether it is new."""
    mask = table.shape[0] - 1
    h = np.int64(mix64(key) & U64(mask))
    while table[h] != 0:
        if table[h] == key:
            return False
        h = (h + 1) & mask
    table[h] = key
    return True


@numba.njit(cache=True)
def _first_sightings(table: np.ndarray, keys: np.ndarray, new: np.ndarray) -> int:
    """`_first_sighting` of each key in order; how many were new."""
    count = 0
    for k in range(keys.shape[0]):
        new[k] = _first_sighting(table, keys[k])
        count += new[k]
    return count


@numba.njit(cache=True)
def _rehash(old: np.ndarray, new: np.ndarray) -> None:
    for key in old:
        if key != 0:
            _first_sighting(new, key)


#: Line keys waiting to be counted; then they are merged into one count per distinct key.
COUNT_BATCH = 1 << 18


@dataclass(frozen=True, slots=True)
class Blanks:
    """What is blanked in one text: character ranges (sorted, disjoint), and what they are."""

    runs: list[tuple[int, int]]
    lines: int = 0
    post: bool = False
    signature: bool = False
    attributions: int = 0
    quoted_signatures: int = 0


NOTHING = Blanks([])


@dataclass(frozen=True, slots=True)
class PostParts:
    """The header, attribution and signature ranges of a batch of texts, in arrays.

    Text i is a post when `post[i]`; its ranges (sorted, joined as `MessageParts.ranges`) are
    ranges[first[i]:first[i + 1]], (lo, hi) rows; `signature[i]` says whether it has one,
    `attributions[i]` counts its attribution lines and `quoted_signatures[i]` the signatures it
    quotes.
    """

    post: np.ndarray
    signature: np.ndarray
    attributions: np.ndarray
    first: np.ndarray
    ranges: np.ndarray
    quoted_signatures: np.ndarray

    @classmethod
    def of(cls, parts: Sequence[MessageParts | None]) -> PostParts:
        """The arrays of `message_parts` of each text (None: not a post)."""
        ranges = [p.ranges if p is not None else [] for p in parts]
        first = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum([len(r) for r in ranges], out=first[1:])
        flat = np.array([x for r in ranges for pair in r for x in pair], dtype=np.int64)
        return cls(
            np.array([p is not None for p in parts], dtype=bool),
            np.array([p is not None and p.signature is not None for p in parts], dtype=bool),
            np.array([len(p.attributions) if p is not None else 0 for p in parts], np.int32),
            first,
            flat.reshape(-1, 2),
            np.array([len(p.quoted_signatures) if p is not None else 0 for p in parts], np.int32),
        )


@dataclass(frozen=True, slots=True)
class BlankedBatch:
    """A batch of encoded texts with their chrome blanked, and what was blanked.

    buf, offsets: the blanked texts' UTF-8 bytes (text i is buf[offsets[i]:offsets[i + 1]]).
    Text i's blanked ranges are runs[run_first[i]:run_first[i + 1]] ((lo, hi) rows; none for a
    text that would be nothing but blanks, which keeps its text); lines[i] counts its
    boilerplate lines; `blanked[i]` whether anything of it was blanked.
    """

    buf: np.ndarray
    offsets: np.ndarray
    run_first: np.ndarray
    runs: np.ndarray
    lines: np.ndarray
    blanked: np.ndarray


@dataclass(frozen=True, slots=True)
class ChromeCandidates:
    """The lines of a batch of texts that may be chrome, found once and kept for marking.

    Those of 1 to MAX_LINE_CHARS stripped characters and at most MAX_LINE_CHARS + 2 with their
    break; text i's are rows[first[i]:first[i + 1]], int64 columns KEY (the line's key), START
    and STOP (its characters, break included) and PLACE (its index in the text times 2, plus 1
    when it is among the text's last SIGNATURE_LINES).
    """

    first: np.ndarray
    rows: np.ndarray

    KEY, START, STOP, PLACE = 0, 1, 2, 3

    @classmethod
    def of(cls, lines: Lines) -> ChromeCandidates:
        """The candidates among the lines of a batch of texts."""
        doc = lines.doc()
        ok = (lines.length >= 1) & (lines.length <= MAX_LINE_CHARS)
        ok &= lines.stop - lines.start <= MAX_LINE_CHARS + 2
        index = np.flatnonzero(ok)
        doc = doc[index]
        rows = np.empty((index.shape[0], 4), dtype=np.int64)
        rows[:, 0] = lines.key[index]
        rows[:, 1] = lines.start[index]
        rows[:, 2] = lines.stop[index]
        rows[:, 3] = 2 * (index - lines.first[doc]) + _in_tail(lines, doc, index)
        first = np.zeros(lines.first.shape[0], dtype=np.int64)
        np.cumsum(np.bincount(doc, minlength=first.shape[0] - 1), out=first[1:])
        return cls(first, rows)


@numba.njit(cache=True)
def _merge_runs(
    first_a: np.ndarray, runs_a: np.ndarray, first_b: np.ndarray, runs_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per text, the union of two sorted lists of ranges, overlapping or touching ones joined."""
    n = first_a.shape[0] - 1
    out = np.empty((runs_a.shape[0] + runs_b.shape[0], 2), dtype=np.int64)
    first = np.zeros(n + 1, dtype=np.int64)
    k = 0
    for d in range(n):
        i, i_end = first_a[d], first_a[d + 1]
        j, j_end = first_b[d], first_b[d + 1]
        start = k
        while i < i_end or j < j_end:
            if j == j_end or (i < i_end and runs_a[i, 0] <= runs_b[j, 0]):
                lo, hi = runs_a[i, 0], runs_a[i, 1]
                i += 1
            else:
                lo, hi = runs_b[j, 0], runs_b[j, 1]
                j += 1
            if k > start and lo <= out[k - 1, 1]:
                out[k - 1, 1] = max(out[k - 1, 1], hi)
            else:
                out[k, 0] = lo
                out[k, 1] = hi
                k += 1
        first[d + 1] = k
    return first, out[:k].copy()


#: An empty slot of the set of marked keys (a marked key equal to it is flagged apart).
_EMPTY_KEY = np.int64(-(1 << 63))


@numba.njit(cache=True)
def _key_set(keys: np.ndarray) -> np.ndarray:
    """An open-addressing set of int64 keys (at most half full; _EMPTY_KEY marks empty slots)."""
    size = 16
    while size < 2 * keys.shape[0] + 2:
        size *= 2
    table = np.full(size, _EMPTY_KEY, dtype=np.int64)
    mask = size - 1
    for key in keys:
        if key == _EMPTY_KEY:
            continue
        h = np.int64(mix64(U64(key)) & U64(mask))
        while table[h] != _EMPTY_KEY and table[h] != key:
            h = (h + 1) & mask
        table[h] = key
    return table


@numba.njit(cache=True)
def _marked_hits(
    table: np.ndarray,
    empty_marked: bool,
    base: np.ndarray,
    doc: np.ndarray,
    tail: np.ndarray,
    salt: np.ndarray,
    used: np.ndarray,
    tail_only: np.ndarray,
) -> np.ndarray:
    """Whether each line's key (`base`, of text doc[i]) mixed with one of its text's groups is
    in the set `table` (a group of the signature tail only for lines of the tail)."""
    mask = table.shape[0] - 1
    out = np.zeros(base.shape[0], dtype=np.bool_)
    for i in range(base.shape[0]):
        d = doc[i]
        for g in range(salt.shape[1]):
            if not used[d, g] or (tail_only[d, g] and not tail[i]):
                continue
            key = base[i] ^ salt[d, g]
            if key == _EMPTY_KEY:
                found = empty_marked
            else:
                h = np.int64(mix64(U64(key)) & U64(mask))
                while table[h] != _EMPTY_KEY and table[h] != key:
                    h = (h + 1) & mask
                found = table[h] == key
            if found:
                out[i] = True
                break
    return out


@dataclass
class BoilerplateFinder:
    """Counts in how many distinct texts of each group every line occurs; then names the chrome.

    Keys are 64-bit line hashes mixed with the group (a host, an author, or the corpus for the
    short lines of texts without a host). New keys wait in numpy arrays (8 bytes a line of a
    document) and are merged, every COUNT_BATCH keys or as many as there are distinct keys, into
    sorted distinct keys with their counts, so memory follows the distinct lines, not the
    number of documents.
    """

    min_docs: int
    _pending: list[np.ndarray] = field(default_factory=list)
    _n_pending: int = 0
    #: Hashes of the (provenance, text) pairs seen, in a set of 8 bytes a slot, at most half full.
    _texts: np.ndarray = field(default_factory=lambda: np.zeros(1024, dtype=np.uint64))
    _n_texts: int = 0
    _keys: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    _counts: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int32))
    #: Sorted keys of the boilerplate lines (8 bytes each: a host's chrome can be many lines).
    marked: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    #: The same keys as a hash set, for lookups (16 to 32 bytes a key).
    _marked_set: np.ndarray = field(default_factory=lambda: np.full(16, _EMPTY_KEY))

    def add(self, provenance: Provenance, text: str, post: bool = False) -> None:
        """Record the distinct lines of one document (`post`: an e-mail or news post, whose
        quoted lines are left out), unless a text of the same provenance was this one."""
        buf, offsets = encode_texts([text])
        self.add_encoded(buf, offsets, [provenance], np.array([post], dtype=bool))

    def add_encoded(
        self,
        buf: np.ndarray,
        offsets: np.ndarray,
        provenances: Sequence[Provenance],
        posts: np.ndarray,
    ) -> ChromeCandidates:
        """`add` of a batch of texts given as UTF-8 bytes (text i: buf[offsets[i]:offsets[i +
        1]], of provenance i, a post when posts[i]), in order. Returns the texts' lines that
        may be chrome, for `blank_encoded` to mark without finding them again."""
        lines = find_lines(buf, offsets)
        if provenances:
            new = self._first_sightings(provenances, lines.text_hashes)
            if new.any():
                groups = _GroupTable.of(provenances, posts.tolist())
                keys = _line_keys(lines, groups, posts, new)
                self._pending.append(keys)
                self._n_pending += keys.shape[0]
        # Merged when the waiting keys reach COUNT_BATCH or the distinct keys' number, so the
        # distinct keys are sorted again a logarithmic number of times.
        if self._n_pending >= max(COUNT_BATCH, self._keys.shape[0]):
            self._merge()
        return ChromeCandidates.of(lines)

    def _first_sightings(self, provenances: Sequence[Provenance], hashes: np.ndarray) -> np.ndarray:
        """Whether each text is new for its provenance (a 64-bit hash of both; 0 is kept for
        empty slots), in order: a copy later in the batch is not new either."""
        n = len(provenances)
        if 2 * (self._n_texts + n) > self._texts.shape[0]:
            size = self._texts.shape[0]
            while 2 * (self._n_texts + n) > size:
                size *= 2
            grown = np.zeros(size, dtype=np.uint64)
            _rehash(self._texts, grown)
            self._texts = grown
        keys = sighting_keys(provenances, hashes)
        new = np.empty(n, dtype=np.bool_)
        self._n_texts += int(_first_sightings(self._texts, keys, new))
        return new

    def _merge(self) -> None:
        """Fold the waiting keys into the distinct keys and their document counts."""
        if not self._pending:
            return
        new, new_counts = np.unique(np.concatenate(self._pending), return_counts=True)
        self._pending, self._n_pending = [], 0
        keys = np.concatenate([self._keys, new])
        counts = np.concatenate([self._counts, new_counts.astype(np.int32)])
        order = np.argsort(keys, kind="stable")
        keys, counts = keys[order], counts[order]
        first = np.ones(keys.shape[0], dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        starts = np.flatnonzero(first)
        self._keys = keys[starts]
        self._counts = np.add.reduceat(counts, starts) if starts.shape[0] else counts

    def finish(self) -> None:
        """Mark the lines that reached min_docs and free the record."""
        self._merge()
        signature = (self._keys & 1) == 1
        chrome = (self._counts >= self.min_docs) | (
            signature & (self._counts >= SIGNATURE_MIN_POSTS)
        )
        self.marked = self._keys[chrome]
        self._marked_set = _key_set(self.marked)
        self._texts = np.zeros(1, dtype=np.uint64)
        self._keys = np.empty(0, dtype=np.int64)
        self._counts = np.empty(0, dtype=np.int32)

    def use_marked(self, keys: np.ndarray) -> None:
        """Blank with these marked keys (int64), counted elsewhere (by another engine)."""
        self.marked = np.unique(np.asarray(keys, dtype=np.int64))
        self._marked_set = _key_set(self.marked)

    @property
    def n_marked(self) -> int:
        """How many distinct (group, line) pairs are boilerplate."""
        return int(self.marked.shape[0])

    def mask(self, provenance: Provenance, text: str) -> tuple[str, int]:
        """The text with its boilerplate blanked (same length), and how many lines were."""
        return self.mask_many([provenance], [text])[0]

    def mask_many(
        self, provenances: Sequence[Provenance], texts: Sequence[str]
    ) -> list[tuple[str, int]]:
        """`mask` of many texts (text i of provenance i), with one lookup for all their lines."""
        found = self.blanks_many(provenances, texts)
        return [(blank(t, f.runs), f.lines) for t, f in zip(texts, found, strict=True)]

    def blanks_many(self, provenances: Sequence[Provenance], texts: Sequence[str]) -> list[Blanks]:
        """For each text (of provenance i): its boilerplate lines and, for a post, its header
        block, attribution lines and signature, as character ranges (adjacent ones joined).
        A text that is nothing but boilerplate gets none: it keeps its text, it is all there is
        to compare."""
        buf, offsets = encode_texts(list(texts))
        parts = PostParts.of([message_parts(text) for text in texts])
        batch = self.blank_encoded(buf, offsets, provenances, parts)
        out = []
        for d in range(len(texts)):
            if not batch.blanked[d]:
                out.append(NOTHING)
                continue
            runs = batch.runs[batch.run_first[d] : batch.run_first[d + 1]]
            out.append(
                Blanks(
                    [(int(lo), int(hi)) for lo, hi in runs.tolist()],
                    int(batch.lines[d]),
                    bool(parts.post[d]),
                    bool(parts.signature[d]),
                    int(parts.attributions[d]),
                    int(parts.quoted_signatures[d]),
                )
            )
        return out

    def blank_encoded(
        self,
        buf: np.ndarray,
        offsets: np.ndarray,
        provenances: Sequence[Provenance],
        parts: PostParts,
        candidates: ChromeCandidates | None = None,
    ) -> BlankedBatch:
        """Blank the boilerplate lines and the posts' parts of a batch of encoded texts (text i
        is buf[offsets[i]:offsets[i + 1]], of provenance i, with the post parts `parts`);
        `candidates`: their lines that may be chrome, as `add_encoded` found them (else they
        are found again)."""
        n = len(provenances)
        if candidates is None and self.marked.shape[0]:
            candidates = ChromeCandidates.of(find_lines(buf, offsets, text_hashes=False))
        line_first, line_runs, lines = self._marked_lines(candidates, provenances, parts.post)
        run_first, runs = _merge_runs(line_first, line_runs, parts.first, parts.ranges)
        out, out_offsets, blanked = blank_encoded(buf, offsets, run_first, runs)
        # A text left whole keeps no runs.
        kept = np.repeat(blanked, np.diff(run_first))
        counts = np.where(blanked, np.diff(run_first), 0)
        run_first = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts, out=run_first[1:])
        return BlankedBatch(
            out, out_offsets, run_first, runs[kept], np.where(blanked, lines, 0), blanked
        )

    def _marked_lines(
        self,
        candidates: ChromeCandidates | None,
        provenances: Sequence[Provenance],
        posts: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per text: the character ranges of its boilerplate lines (consecutive lines joined),
        as run offsets and (lo, hi) rows, and how many lines they are."""
        n = len(provenances)
        marked = self.marked
        if candidates is None or not marked.shape[0] or not n:
            return np.zeros(n + 1, dtype=np.int64), np.empty((0, 2), np.int64), np.zeros(n, int)
        rows = candidates.rows
        groups = _GroupTable.of(provenances, posts.tolist())
        doc = np.repeat(np.arange(n), np.diff(candidates.first))
        base = rows[:, ChromeCandidates.KEY] & np.int64(_NO_FLAG)
        place = rows[:, ChromeCandidates.PLACE]
        tail = (place & 1) == 1
        empty_marked = bool(marked[marked.searchsorted(_EMPTY_KEY)] == _EMPTY_KEY)
        hit = _marked_hits(
            self._marked_set,
            empty_marked,
            np.ascontiguousarray(base),
            doc,
            tail,
            groups.salt,
            groups.used,
            groups.tail_only,
        )
        found = np.flatnonzero(hit)
        index, doc = place[found] >> 1, doc[found]
        # Consecutive lines of a text make one run.
        new_run = np.ones(index.shape[0], dtype=bool)
        new_run[1:] = (index[1:] != index[:-1] + 1) | (doc[1:] != doc[:-1])
        last = np.ones(index.shape[0], dtype=bool)
        last[:-1] = new_run[1:]
        runs = np.empty((int(new_run.sum()), 2), dtype=np.int64)
        runs[:, 0] = rows[found[new_run], ChromeCandidates.START]
        runs[:, 1] = rows[found[last], ChromeCandidates.STOP]
        run_first = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(doc[new_run], minlength=n), out=run_first[1:])
        return run_first, runs, np.bincount(doc, minlength=n)


@numba.njit(cache=True)
def _mix_all(x: np.ndarray) -> np.ndarray:
    out = np.empty_like(x)
    for k in range(x.shape[0]):
        out[k] = mix64(x[k])
    return out


def sighting_keys(provenances: Sequence[Provenance], hashes: np.ndarray) -> np.ndarray:
    """The non-zero 64-bit key by which counting sees each (provenance, text) once: the text's
    hash (`Lines.text_hashes`) mixed with its provenance's."""
    salts = np.fromiter(map(_provenance_key, provenances), dtype=np.uint64, count=len(provenances))
    keys = _mix(hashes ^ salts)
    keys[keys == 0] = 1
    return keys


#: A character `str.isspace` rejects (`re`'s Unicode `\s` is `str.isspace`).
_NOT_SPACE = re.compile(r"\S")


def only_blanks(text: str, runs: Sequence[tuple[int, int]]) -> bool:
    """Whether the text outside `runs` is white space only (blanking would leave nothing)."""
    starts = [0] + [hi for _, hi in runs]
    ends = [lo for lo, _ in runs] + [len(text)]
    # A search in place, not a copy of each piece: `\S` is what `str.strip` keeps.
    return not any(_NOT_SPACE.search(text, lo, hi) for lo, hi in zip(starts, ends, strict=True))


def _mix(x: np.ndarray) -> np.ndarray:
    """mix64 of each uint64."""
    return _mix_all(np.ascontiguousarray(x, dtype=np.uint64))


def blank(text: str, runs: Sequence[tuple[int, int]]) -> str:
    """The text with the character ranges `runs` (sorted, disjoint) replaced by spaces."""
    if not runs:
        return text
    pieces = []
    at = 0
    for lo, hi in runs:
        pieces.append(text[at:lo])
        pieces.append(" " * (hi - lo))
        at = hi
    pieces.append(text[at:])
    return "".join(pieces)
