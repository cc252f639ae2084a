"""Page chrome in an index that grows one document at a time.

`scan` decides chrome from whole-corpus counts: a line in `boilerplate_min_docs` distinct texts
of one host (or author; short lines of texts without a host over the whole corpus; the last
lines of an author's posts in two) is blanked in every document that has it. The index keeps
the same counts as it grows: each distinct (provenance, text) *carries* its lines as postings
(`line_postings`), and the moment a line reaches its threshold it becomes chrome (the `chrome`
table) and every indexed document holding it is blanked and sketched again. So after adding a
corpus, in any batches, every document is blanked exactly as `scan` of that corpus blanks it.

Chrome is sticky: removing documents never makes a line content again (their count is no longer
kept once a line is chrome). Keys are stable 64-bit hashes (scan's are per-process `hash()`s);
the lowest bit marks lines counted as a post's signature, which need only
`SIGNATURE_MIN_POSTS` posts.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from copytrace.index.core import (
    BOX_MARK,
    MAX_CORPUS_LINE_WORDS,
    MAX_LINE_CHARS,
    NOTHING,
    QUOTE_MARKS,
    SIGNATURE_LINES,
    SIGNATURE_MIN_POSTS,
    Blanks,
    Provenance,
    encode_texts,
    joined_ranges,
    only_blanks,
)
from copytrace.index.linekeys import MAX_GROUPS, LineTable, line_table


@dataclass(frozen=True, slots=True)
class LineGroup:
    """A group lines are counted in (a host, an author, the corpus, an author's signatures)."""

    salt: bytes
    short_only: bool = False
    tail_only: bool = False

    @property
    def flag(self) -> int:
        """1 for signature groups (the key's lowest bit), else 0."""
        return 1 if self.tail_only else 0


@functools.lru_cache(maxsize=1 << 16)
def groups_of(p: Provenance, post: bool) -> tuple[LineGroup, ...]:
    """The groups a text's lines count in (the rule of `copytrace.boilerplate`)."""
    out = [
        LineGroup(b"host\0" + p.host.encode("utf-8", "surrogatepass") + b"\0")
        if p.host
        else LineGroup(b"corpus\0\0", short_only=True)
    ]
    if p.author:
        out.append(LineGroup(b"author\0" + p.author.encode("utf-8", "surrogatepass") + b"\0"))
        if post:
            out.append(
                LineGroup(
                    b"signature\0" + p.author.encode("utf-8", "surrogatepass") + b"\0",
                    tail_only=True,
                )
            )
    return tuple(out)


def line_key(group: LineGroup, line: str) -> int:
    """Stable signed 64-bit key of a stripped, lower-cased line in a group."""
    digest = hashlib.blake2b(group.salt + line.encode("utf-8", "surrogatepass"), digest_size=8)
    value = int.from_bytes(digest.digest(), "little", signed=True)
    return (value & ~1) | group.flag


def threshold(key: int, min_docs: int) -> int:
    """Distinct texts a line needs to be chrome: signature lines fewer."""
    return min(SIGNATURE_MIN_POSTS, min_docs) if key & 1 else min_docs


def thresholds(keys: np.ndarray, min_docs: int) -> np.ndarray:
    """`threshold` of each key of an array."""
    return np.where(keys & 1, min(SIGNATURE_MIN_POSTS, min_docs), min_docs)


#: The code points of QUOTE_MARKS.
_QUOTE_POINTS = np.array([ord(c) for c in QUOTE_MARKS], dtype=np.int64)


@dataclass(frozen=True, slots=True)
class LineBatch:
    """Texts' lines keyed in their groups, with what each line's text and groups are.

    Groups sit in fixed columns of the key table (`groups_of`): 0 the host's (or the corpus's,
    short lines only), 1 the author's, 2 the author's signatures (a post's last lines only).
    """

    texts: Sequence[str]
    posts: Sequence[bool]
    groups: list[tuple[LineGroup, ...]]
    table: LineTable
    text: np.ndarray  # the text of each line
    columns: np.ndarray  # (texts, 3): whether the text has the group in that column
    short: np.ndarray  # per text: column 0 counts short lines only (no host)

    @classmethod
    def of(
        cls, texts: Sequence[str], provenances: Sequence[Provenance], posts: Sequence[bool]
    ) -> LineBatch:
        """Find and key the lines of texts (of posts, or not)."""
        groups = [groups_of(p, post) for p, post in zip(provenances, posts, strict=True)]
        index: dict[bytes, int] = {}
        flags: list[int] = []
        text_salts = np.full((len(texts), MAX_GROUPS), -1, dtype=np.int64)
        for i, gs in enumerate(groups):
            for g, group in enumerate(gs):
                if group.salt not in index:
                    index[group.salt] = len(index)
                    flags.append(group.flag)
                text_salts[i, g] = index[group.salt]
        buf, offsets = encode_texts(list(texts))
        table = line_table(buf, offsets, list(index), flags, text_salts, MAX_LINE_CHARS)
        text = np.repeat(np.arange(len(texts)), np.diff(table.first))
        short = np.array([bool(gs) and gs[0].short_only for gs in groups], dtype=bool)
        return cls(texts, posts, groups, table, text, text_salts >= 0, short)

    def line(self, row: int) -> str:
        """A line stripped and lower-cased, as Python keys it."""
        t = self.table
        return self.texts[int(self.text[row])][int(t.start[row]) : int(t.end[row])].strip().lower()


def _pair(texts: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """One 64-bit value for each (text, key) pair (a line's key within its own text)."""
    mixed = keys.astype(np.uint64) ^ (texts.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    return mixed.view(np.int64)


def _last_lines(b: LineBatch) -> np.ndarray:
    """The (text, key) pairs (`_pair`) of the last lines of the texts that have a signature
    group, keyed in that group."""
    t = b.table
    tail = b.columns[b.text, 2] & (
        np.arange(b.text.shape[0]) >= t.first[b.text + 1] - SIGNATURE_LINES
    )
    keyed = np.flatnonzero(tail & t.keyed)
    pairs = [_pair(b.text[keyed], t.keys[keyed, 2])]
    for row in np.flatnonzero(tail & ~t.keyed & (t.chars > 0)).tolist():
        x = b.line(row)
        i = int(b.text[row])
        if len(x) <= MAX_LINE_CHARS:
            pairs.append(_pair(np.array([i]), np.array([line_key(b.groups[i][2], x)])))
    return np.concatenate(pairs)


def counted_keys_of(
    texts: Sequence[str], provenances: Sequence[Provenance], posts: Sequence[bool]
) -> list[list[int]]:
    """`counted_keys` of each text."""
    return counted_keys_in(LineBatch.of(texts, provenances, posts))


def counted_keys_in(b: LineBatch) -> list[list[int]]:
    """`counted_keys` of each text of a batch."""
    texts, posts, groups, t = b.texts, b.posts, b.groups, b.table
    is_post = np.asarray(posts, dtype=bool)[b.text]
    quoted = is_post & np.isin(t.lead, _QUOTE_POINTS)
    ok = (t.keyed & ~quoted)[:, None] & b.columns[b.text]
    # A box's left border is no quote in a post's signature tail (`BOX_MARK`).
    ok[:, 2] |= t.keyed & quoted & (t.lead == ord(BOX_MARK)) & b.columns[b.text, 2]
    ok[:, 0] &= ~b.short[b.text] | (t.words <= MAX_CORPUS_LINE_WORDS)
    # Signature lines count only when the same line is among the post's last lines: a line is
    # when its key in the signature group is, paired with its text.
    last = _last_lines(b) if b.columns[:, 2].any() else np.empty(0, dtype=np.int64)
    rows = np.flatnonzero(ok[:, 2])
    ok[rows, 2] = np.isin(_pair(b.text[rows], t.keys[rows, 2]), last)
    owner = [np.broadcast_to(b.text[:, None], ok.shape)[ok]]
    found = [t.keys[ok]]
    # Lines with a character the kernel does not lower-case: Python keys them.
    extra_owner: list[int] = []
    extra: list[int] = []
    for row in np.flatnonzero(~t.keyed & (t.chars > 0) & (t.chars <= MAX_LINE_CHARS)).tolist():
        i = int(b.text[row])
        x = b.line(row)
        if len(x) > MAX_LINE_CHARS:
            continue
        a_quote = posts[i] and x[:1] in QUOTE_MARKS
        for group in groups[i]:
            if group.short_only and len(x.split()) > MAX_CORPUS_LINE_WORDS:
                continue
            if a_quote and not (group.tail_only and x[:1] == BOX_MARK):
                continue
            key = line_key(group, x)
            if group.tail_only and _pair(np.array([i]), np.array([key]))[0] not in last:
                continue
            extra_owner.append(i)
            extra.append(key)
    owner.append(np.asarray(extra_owner, dtype=np.int64))
    found.append(np.asarray(extra, dtype=np.int64))
    owners, keys = np.concatenate(owner), np.concatenate(found)
    order = np.lexsort((keys, owners))
    owners, keys = owners[order], keys[order]
    new = np.ones(keys.shape[0], dtype=bool)
    new[1:] = (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1])
    owners, keys = owners[new], keys[new]
    cuts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(owners, minlength=len(texts)), out=cuts[1:])
    every, cut = keys.tolist(), cuts.tolist()
    return [every[cut[i] : cut[i + 1]] for i in range(len(texts))]


def counted_keys(text: str, provenance: Provenance, post: bool) -> list[int]:
    """Keys of the distinct lines of a text that count towards chrome (quoted lines of a post
    are another text's, and never count)."""
    return counted_keys_of([text], [provenance], [post])[0]


#: The last chrome set asked about, and its keys sorted (the index replaces its set of chrome
#: keys by a new one whenever it changes, so the same object has the same keys).
_SORTED: tuple[Collection[int], np.ndarray] | None = None


def in_chrome(keys: np.ndarray, chrome: Collection[int]) -> np.ndarray:
    """Whether each key of an int64 array is chrome."""
    global _SORTED
    last = _SORTED
    if last is not None and last[0] is chrome:
        known = last[1]
    elif keys.shape[0] * 16 < len(chrome):  # few keys: the set answers faster than a sort
        return np.fromiter((k in chrome for k in keys.tolist()), dtype=bool, count=keys.shape[0])
    else:
        known = np.sort(np.fromiter(chrome, dtype=np.int64, count=len(chrome)))
        _SORTED = (chrome, known)
    at = np.minimum(np.searchsorted(known, keys), known.shape[0] - 1)
    return known[at] == keys


def blanks_of_texts(
    texts: Sequence[str],
    provenances: Sequence[Provenance],
    post_ranges: Sequence[list[tuple[int, int]] | None],
    chrome: Collection[int],
) -> list[Blanks]:
    """`blanks_of` of each text."""
    if not chrome:
        return [_blanks(x, [], 0, r) for x, r in zip(texts, post_ranges, strict=True)]
    posts = [r is not None for r in post_ranges]
    return blanks_in(LineBatch.of(texts, provenances, posts), post_ranges, chrome)


def blanks_in(
    b: LineBatch, post_ranges: Sequence[list[tuple[int, int]] | None], chrome: Collection[int]
) -> list[Blanks]:
    """`blanks_of` of each text of a batch (whose posts are those with `post_ranges`)."""
    texts, groups, t = b.texts, b.groups, b.table
    if not chrome:
        return [_blanks(x, [], 0, r) for x, r in zip(texts, post_ranges, strict=True)]
    # An empty line is never counted, so never chrome; a long one is never keyed.
    eligible = (t.chars > 0) & (t.end - t.start <= MAX_LINE_CHARS + 2)
    tail = np.arange(t.start.shape[0]) >= t.first[b.text + 1] - SIGNATURE_LINES
    ask = eligible[:, None] & t.keyed[:, None] & b.columns[b.text]
    ask[:, 2] &= tail  # signature lines are chrome only among a post's last lines
    hits = np.zeros(ask.shape, dtype=bool)
    hits[ask] = in_chrome(t.keys[ask], chrome)
    hit = np.any(hits, axis=1)
    for row in np.flatnonzero(eligible & ~t.keyed).tolist():
        line = b.line(row)
        i = int(b.text[row])
        hit[row] = any(
            line_key(g, line) in chrome for g in groups[i] if not g.tail_only or tail[row]
        )
    starts, ends = t.start[hit].tolist(), t.end[hit].tolist()
    cuts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(b.text[hit], minlength=len(texts)), out=cuts[1:])
    cut = cuts.tolist()
    out = []
    for i, text in enumerate(texts):
        runs: list[tuple[int, int]] = []
        for start, end in zip(starts[cut[i] : cut[i + 1]], ends[cut[i] : cut[i + 1]], strict=True):
            if runs and runs[-1][1] == start:
                runs[-1] = (runs[-1][0], end)
            else:
                runs.append((start, end))
        out.append(_blanks(text, runs, cut[i + 1] - cut[i], post_ranges[i]))
    return out


def _blanks(
    text: str, runs: list[tuple[int, int]], n_lines: int, post_ranges: list[tuple[int, int]] | None
) -> Blanks:
    """Blanks of a text from its chrome runs and its post's parts."""
    if post_ranges is None and not runs:
        return NOTHING
    if post_ranges is not None:
        runs = joined_ranges([*runs, *post_ranges])
    if only_blanks(text, runs):
        return NOTHING
    return Blanks(runs, n_lines, post_ranges is not None)


def blanks_of(
    text: str,
    provenance: Provenance,
    post_ranges: list[tuple[int, int]] | None,
    chrome: Collection[int],
) -> Blanks:
    """What to blank in a text: its chrome lines and, for a post (`post_ranges` given), its
    header block, attribution lines and signature. A text that is nothing else keeps all."""
    return blanks_of_texts([text], [provenance], [post_ranges], chrome)[0]
