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

import hashlib
from collections.abc import Collection
from dataclasses import dataclass

from copytrace.index.core import (
    MAX_CORPUS_LINE_WORDS,
    MAX_LINE_CHARS,
    NOTHING,
    QUOTE_MARKS,
    SIGNATURE_LINES,
    SIGNATURE_MIN_POSTS,
    Blanks,
    Provenance,
    joined_ranges,
    only_blanks,
)


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


def groups_of(p: Provenance, post: bool) -> list[LineGroup]:
    """The groups a text's lines count in (the rule of `copytrace.boilerplate`)."""
    out = [
        LineGroup(b"host\0" + p.host.encode() + b"\0")
        if p.host
        else LineGroup(b"corpus\0\0", short_only=True)
    ]
    if p.author:
        out.append(LineGroup(b"author\0" + p.author.encode() + b"\0"))
        if post:
            out.append(LineGroup(b"signature\0" + p.author.encode() + b"\0", tail_only=True))
    return out


def line_key(group: LineGroup, line: str) -> int:
    """Stable signed 64-bit key of a stripped, lower-cased line in a group."""
    digest = hashlib.blake2b(group.salt + line.encode("utf-8", "surrogatepass"), digest_size=8)
    value = int.from_bytes(digest.digest(), "little", signed=True)
    return (value & ~1) | group.flag


def threshold(key: int, min_docs: int) -> int:
    """Distinct texts a line needs to be chrome: signature lines fewer."""
    return min(SIGNATURE_MIN_POSTS, min_docs) if key & 1 else min_docs


def counted_keys(text: str, provenance: Provenance, post: bool) -> list[int]:
    """Keys of the distinct lines of a text that count towards chrome (quoted lines of a post
    are another text's, and never count)."""
    all_lines = [x.strip() for x in text.lower().splitlines()]
    tail = set(all_lines[-SIGNATURE_LINES:])
    lines = set(all_lines)
    lines.discard("")
    if post:
        lines = {x for x in lines if x[:1] not in QUOTE_MARKS}
    keys: set[int] = set()
    for g in groups_of(provenance, post):
        keys.update(
            line_key(g, x)
            for x in lines
            if len(x) <= MAX_LINE_CHARS
            and (not g.short_only or len(x.split()) <= MAX_CORPUS_LINE_WORDS)
            and (not g.tail_only or x in tail)
        )
    return sorted(keys)


def blanks_of(
    text: str,
    provenance: Provenance,
    post_ranges: list[tuple[int, int]] | None,
    chrome: Collection[int],
) -> Blanks:
    """What to blank in a text: its chrome lines and, for a post (`post_ranges` given), its
    header block, attribution lines and signature. A text that is nothing else keeps all."""
    runs: list[tuple[int, int]] = []
    n_lines = 0
    if chrome:
        groups = groups_of(provenance, post_ranges is not None)
        lines = text.splitlines(keepends=True)
        first_tail = len(lines) - SIGNATURE_LINES
        at = 0
        for k, raw in enumerate(lines):
            start, at = at, at + len(raw)
            if len(raw) > MAX_LINE_CHARS + 2:
                continue
            line = raw.strip().lower()
            if not any(
                line_key(g, line) in chrome for g in groups if not g.tail_only or k >= first_tail
            ):
                continue
            n_lines += 1
            if runs and runs[-1][1] == start:
                runs[-1] = (runs[-1][0], at)
            else:
                runs.append((start, at))
    if post_ranges is None and not runs:
        return NOTHING
    if post_ranges is not None:
        runs = joined_ranges([*runs, *post_ranges])
    if only_blanks(text, runs):
        return NOTHING
    return Blanks(runs, n_lines, post_ranges is not None)
