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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate, chain, pairwise

import numba
import numpy as np

from copytrace.messages import message_parts
from copytrace.text import U64, mix64

#: Lines longer than this are content, never chrome.
MAX_LINE_CHARS = 300
#: Without a host, only lines of at most this many words count as chrome.
MAX_CORPUS_LINE_WORDS = 10


@dataclass(frozen=True, slots=True)
class Provenance:
    """Who published a text, as far as is known: its site's host and its author.

    Lines are counted per host, per author and, for short lines of texts without a host, over
    the whole corpus; a line frequent in any of these groups is chrome for that group.
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
    return hash((kind, name)) & 0x7FFFFFFFFFFFFFFE


@dataclass(frozen=True, slots=True)
class _Group:
    """A group lines are counted in: its salt, and which lines of a text count in it."""

    salt: int
    short_only: bool = False  # lines of at most MAX_CORPUS_LINE_WORDS words
    tail_only: bool = False  # the last SIGNATURE_LINES lines of a post, which need only 2 texts


def _groups(p: Provenance, post: bool) -> list[_Group]:
    """The groups a text's lines count in."""
    out = [_Group(_salt("host", p.host)) if p.host else _Group(_salt("corpus", None), True)]
    if p.author:
        out.append(_Group(_salt("author", p.author)))
        if post:
            out.append(_Group(_salt("signature", p.author) | 1, tail_only=True))
    return out


def _quoted(line: str) -> bool:
    """Whether a stripped line of a post quotes another post (quotes are never chrome)."""
    return line[:1] in QUOTE_MARKS


#: Line prefixes of quoted text in posts.
QUOTE_MARKS = (">", "|", ":")
#: A post's last lines that recur at the end of another post of its author are its signature.
SIGNATURE_LINES = 12
#: Signature lines are chrome once they end this many distinct posts of their author.
SIGNATURE_MIN_POSTS = 2


def _line_keys(text: str, provenance: Provenance, post: bool) -> np.ndarray:
    """Keys of the distinct stripped, lower-cased lines of a text that may be chrome, one per
    line and group. A post's quoted lines are left out: they are another text."""
    all_lines = [x.strip() for x in text.lower().splitlines()]
    tail = set(all_lines[-SIGNATURE_LINES:])
    lines = set(all_lines)
    lines.discard("")
    if post:
        lines = {x for x in lines if not _quoted(x)}
    keys: list[int] = []
    for g in _groups(provenance, post):
        keys.extend(
            (hash(x) & _NO_FLAG) ^ g.salt
            for x in lines
            if len(x) <= MAX_LINE_CHARS
            and (not g.short_only or len(x.split()) <= MAX_CORPUS_LINE_WORDS)
            and (not g.tail_only or x in tail)
        )
    return np.fromiter(keys, dtype=np.int64, count=len(keys))


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


@dataclass(frozen=True, slots=True)
class Blanks:
    """What is blanked in one text: character ranges (sorted, disjoint), and what they are."""

    runs: list[tuple[int, int]]
    lines: int = 0
    post: bool = False
    signature: bool = False
    attributions: int = 0


NOTHING = Blanks([])


@dataclass
class BoilerplateFinder:
    """Counts in how many distinct texts of each group every line occurs; then names the chrome.

    Keys are 64-bit line hashes mixed with the group (a host, an author, or the corpus for the
    short lines of texts without a host). New keys wait in numpy arrays (8 bytes a line of a
    document) and are merged every COUNT_BATCH keys into sorted distinct keys with their
    counts, so memory follows the distinct lines, not the number of documents.
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

    def add(self, provenance: Provenance, text: str, post: bool = False) -> None:
        """Record the distinct lines of one document (`post`: an e-mail or news post, whose
        quoted lines are left out), unless a text of the same provenance was this one."""
        if not self._first_sighting(provenance, text):
            return
        keys = _line_keys(text, provenance, post)
        self._pending.append(keys)
        self._n_pending += keys.shape[0]
        if self._n_pending >= COUNT_BATCH:
            self._merge()

    def _first_sighting(self, provenance: Provenance, text: str) -> bool:
        """Whether this text is new for its provenance (a 64-bit hash of both; 0 is kept for
        empty slots)."""
        if 2 * (self._n_texts + 1) > self._texts.shape[0]:
            grown = np.zeros(2 * self._texts.shape[0], dtype=np.uint64)
            _rehash(self._texts, grown)
            self._texts = grown
        key = np.uint64(hash((provenance, text)) & 0xFFFFFFFFFFFFFFFF or 1)
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
        signature = (self._keys & 1) == 1
        chrome = (self._counts >= self.min_docs) | (
            signature & (self._counts >= SIGNATURE_MIN_POSTS)
        )
        self.marked = self._keys[chrome]
        self._texts = np.zeros(1, dtype=np.uint64)
        self._keys = np.empty(0, dtype=np.int64)
        self._counts = np.empty(0, dtype=np.int32)

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
        posts = [message_parts(text) for text in texts]
        lines = self._marked_lines(provenances, texts, [p is not None for p in posts])
        out = []
        for d, text in enumerate(texts):
            parts = posts[d]
            found = lines.get(d)
            if parts is None and found is None:
                out.append(NOTHING)
                continue
            runs = found[0] if found is not None else []
            if parts is not None:
                runs = _joined([*runs, *parts.ranges])
            if only_blanks(text, runs):
                out.append(NOTHING)
                continue
            out.append(
                Blanks(
                    runs,
                    found[1] if found is not None else 0,
                    parts is not None,
                    parts is not None and parts.signature is not None,
                    len(parts.attributions) if parts is not None else 0,
                )
            )
        return out

    def _marked_lines(
        self, provenances: Sequence[Provenance], texts: Sequence[str], posts: Sequence[bool]
    ) -> dict[int, tuple[list[tuple[int, int]], int]]:
        """Text index -> (character ranges of its boilerplate lines, how many lines), for the
        texts that have any."""
        marked = self.marked
        out: dict[int, tuple[list[tuple[int, int]], int]] = {}
        if not marked.shape[0] or not texts:
            return out
        split = [text.splitlines(keepends=True) for text in texts]
        counts = np.fromiter(map(len, split), dtype=np.int64, count=len(split))
        # Every line's key (long lines cannot match: they are checked after a hit), once per
        # group of its text.
        line_keys = np.fromiter(
            map(hash, map(str.lower, map(str.strip, chain.from_iterable(split)))),
            dtype=np.int64,
            count=int(counts.sum()),
        ) & np.int64(_NO_FLAG)
        line_doc = np.repeat(np.arange(len(texts)), counts)
        line_first = np.cumsum(counts) - counts
        # A line is in its text's tail when it is one of the last SIGNATURE_LINES.
        in_tail = np.arange(line_doc.shape[0]) - line_first[line_doc] >= (
            counts[line_doc] - SIGNATURE_LINES
        )
        hits = np.empty(0, dtype=np.int64)
        groups = [_groups(p, post) for p, post in zip(provenances, posts, strict=True)]
        for g in range(max(map(len, groups))):
            salt = np.fromiter(
                (gs[g].salt if g < len(gs) else 0 for gs in groups),
                dtype=np.int64,
                count=len(groups),
            )
            keys = line_keys ^ salt[line_doc]
            at = marked.searchsorted(keys)
            at[at == marked.shape[0]] = 0
            found = (marked[at] == keys).nonzero()[0]
            has_group = np.fromiter((g < len(gs) for gs in groups), dtype=bool, count=len(groups))
            tail_only = np.fromiter(
                (g < len(gs) and gs[g].tail_only for gs in groups), dtype=bool, count=len(groups)
            )
            doc = line_doc[found]
            ok = has_group[doc] & (~tail_only[doc] | in_tail[found])
            hits = np.concatenate([hits, found[ok]])
        hits = np.unique(hits)
        docs = line_doc[hits]
        lines_of = hits - line_first[docs]
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
            if runs:
                out[d] = (runs, n)
        return out


def _joined(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted ranges with overlapping or touching ones joined."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def only_blanks(text: str, runs: Sequence[tuple[int, int]]) -> bool:
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
