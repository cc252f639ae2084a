"""Page chrome: lines repeated across many documents, left out of sketches but kept in the text.

A scraped page carries its site's menus, "Share this article" lines, cookie notices and footers.
Lines that recur in at least `boilerplate_min_docs` documents of the same host (or of the whole
corpus when no host is known, then only short lines, since a reprinted story's own paragraphs
also recur) are boilerplate. They are blanked with spaces before sketching and alignment, so
offsets into the original text stay valid and two pages of one site never match on their chrome.
A document made only of such lines keeps its text: it is then all there is to compare. Each
distinct text counts once per host: a story stored twenty times over is not twenty documents
that share its lines (its short lines would all pass for chrome).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate, chain, pairwise

import numba
import numpy as np

from copytrace.text import U64, mix64

#: Lines longer than this are content, never chrome.
MAX_LINE_CHARS = 300
#: Without a host, only lines of at most this many words count as chrome.
MAX_CORPUS_LINE_WORDS = 10


def _salt(host: str | None) -> int:
    """Mixes the host into line keys, so that each host counts its own lines."""
    return hash(host or "") & 0x7FFFFFFFFFFFFFFF


def _line_keys(text: str, host: str | None) -> np.ndarray:
    """Keys of the distinct stripped, lower-cased lines of a text that may be chrome."""
    lines = set(map(str.strip, text.lower().splitlines()))
    lines.discard("")
    if host:
        keys = {hash(x) for x in lines if len(x) <= MAX_LINE_CHARS}
    else:
        keys = {
            hash(x)
            for x in lines
            if len(x) <= MAX_LINE_CHARS and x.count(" ") < MAX_CORPUS_LINE_WORDS
        }
    return np.fromiter(keys, dtype=np.int64, count=len(keys)) ^ np.int64(_salt(host))


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
def _rehash(old: np.ndarray, new: np.ndarray) -> None:
    for key in old:
        if key != 0:
            _first_sighting(new, key)


#: Line keys waiting to be counted; then they are merged into one count per distinct key.
COUNT_BATCH = 1 << 18


@dataclass
class BoilerplateFinder:
    """Counts in how many distinct texts of each host every short line occurs; then names the
    chrome.

    Keys are 64-bit line hashes mixed with the host. New keys wait in numpy arrays (8 bytes a
    line of a document) and are merged every COUNT_BATCH keys into sorted distinct keys with
    their counts, so memory follows the distinct lines, not the number of documents.
    """

    min_docs: int
    _pending: list[np.ndarray] = field(default_factory=list)
    _n_pending: int = 0
    #: Hashes of the (host, text) pairs seen, in a set of 8 bytes a slot, at most half full.
    _texts: np.ndarray = field(default_factory=lambda: np.zeros(1024, dtype=np.uint64))
    _n_texts: int = 0
    _keys: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    _counts: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int32))
    #: Sorted keys of the boilerplate lines (8 bytes each: a host's chrome can be many lines).
    marked: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    def add(self, host: str | None, text: str) -> None:
        """Record the distinct short lines of one document, unless its host had its text."""
        if not self._first_sighting(host, text):
            return
        keys = _line_keys(text, host)
        self._pending.append(keys)
        self._n_pending += keys.shape[0]
        if self._n_pending >= COUNT_BATCH:
            self._merge()

    def _first_sighting(self, host: str | None, text: str) -> bool:
        """Whether this host's text is new (a 64-bit hash of both; 0 is kept for empty slots)."""
        if 2 * (self._n_texts + 1) > self._texts.shape[0]:
            grown = np.zeros(2 * self._texts.shape[0], dtype=np.uint64)
            _rehash(self._texts, grown)
            self._texts = grown
        key = np.uint64(hash((host, text)) & 0xFFFFFFFFFFFFFFFF or 1)
        new = bool(_first_sighting(self._texts, key))
        self._n_texts += new
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
        self.marked = self._keys[self._counts >= self.min_docs]
        self._texts = np.zeros(1, dtype=np.uint64)
        self._keys = np.empty(0, dtype=np.int64)
        self._counts = np.empty(0, dtype=np.int32)

    @property
    def n_marked(self) -> int:
        """How many distinct (host, line) pairs are boilerplate."""
        return int(self.marked.shape[0])

    def mask(self, host: str | None, text: str) -> tuple[str, int]:
        """The text with its boilerplate lines blanked (same length), and how many were."""
        return self.mask_many([host], [text])[0]

    def mask_many(self, hosts: Sequence[str | None], texts: Sequence[str]) -> list[tuple[str, int]]:
        """`mask` of many texts (text i of host i), with one lookup for all their lines."""
        return [
            (blank(text, runs), n)
            for text, (runs, n) in zip(texts, self.blanks_many(hosts, texts), strict=True)
        ]

    def blanks_many(
        self, hosts: Sequence[str | None], texts: Sequence[str]
    ) -> list[tuple[list[tuple[int, int]], int]]:
        """For each text (of host i): the character ranges of its boilerplate lines (adjacent
        lines joined), and how many lines they are. A text that is nothing but boilerplate
        gets none: it keeps its text, it is all there is to compare."""
        marked = self.marked
        out: list[tuple[list[tuple[int, int]], int]] = [([], 0) for _ in texts]
        if not marked.shape[0]:
            return out
        split = [text.splitlines(keepends=True) for text in texts]
        counts = np.fromiter(map(len, split), dtype=np.int64, count=len(split))
        # Every line's key (long lines cannot match: they are checked after a hit).
        keys = np.fromiter(
            map(hash, map(str.lower, map(str.strip, chain.from_iterable(split)))),
            dtype=np.int64,
            count=int(counts.sum()),
        )
        keys ^= np.repeat(np.fromiter(map(_salt, hosts), dtype=np.int64, count=len(hosts)), counts)
        at = marked.searchsorted(keys)
        at[at == marked.shape[0]] = 0
        hits = (marked[at] == keys).nonzero()[0]
        ends = np.cumsum(counts)
        docs = np.searchsorted(ends, hits, side="right")
        lines_of = hits - (ends - counts)[docs]
        bounds = np.flatnonzero(np.diff(docs, prepend=-1, append=-1)).tolist()
        for lo, hi in pairwise(bounds):
            d = int(docs[lo])
            lines = split[d]
            starts = [0, *accumulate(map(len, lines))]
            runs: list[tuple[int, int]] = []
            n = 0
            for k in lines_of[lo:hi].tolist():
                if len(lines[k]) > MAX_LINE_CHARS + 2:
                    continue
                n += 1
                if runs and runs[-1][1] == starts[k]:
                    runs[-1] = (runs[-1][0], starts[k + 1])
                else:
                    runs.append((starts[k], starts[k + 1]))
            if runs and not _only_blanks(texts[d], runs):
                out[d] = (runs, n)
        return out


def _only_blanks(text: str, runs: Sequence[tuple[int, int]]) -> bool:
    """Whether the text outside `runs` is white space only (blanking would leave nothing)."""
    ends = [lo for lo, _ in runs[1:]] + [len(text)]
    pieces = [text[: runs[0][0]]] + [text[hi:end] for (_, hi), end in zip(runs, ends, strict=True)]
    return not any(piece.strip() for piece in pieces)


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
