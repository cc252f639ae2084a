"""Matches written to matches.jsonl as they are verified, and read back one at a time.

A scan of a corpus full of copies finds hundreds of thousands of matches; held as Python objects
they would cost more memory than the corpus. A MatchFile writes each match as its line of
matches.jsonl at once and keeps only where the line starts (8 bytes), so a report or a caller
can still read any match back. The line rounds scores to 4 decimals; the exact scores go to a
temporary side file, so a match reads back exactly as it was written.
"""

from __future__ import annotations

import os
import struct
import tempfile
import weakref
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, overload

import orjson

from copytrace.model import Match, Relation, Span

#: Bytes read at a time when iterating over the files.
READ_BLOCK = 1 << 20
_SCORE = struct.Struct("<d")
#: Exact scores of a match: jaccard, both containments, both coverages, then each span's
#: similarity.
_SCORES = 5


def match_from_dict(row: dict[str, Any], scores: Sequence[float] | None = None) -> Match:
    """The Match of one matches.jsonl line, with exact `scores` (as MatchFile keeps them)."""
    spans = row["spans"]
    if scores is None:
        scores = [
            row["jaccard"],
            row["containment_a_in_b"],
            row["containment_b_in_a"],
            row["a_coverage"],
            row["b_coverage"],
            *(s["similarity"] for s in spans),
        ]
    return Match(
        row["a"],
        row["b"],
        Relation(row["relation"]),
        scores[0],
        scores[1],
        scores[2],
        tuple(
            Span(s["a_start"], s["a_end"], s["b_start"], s["b_end"], scores[_SCORES + k])
            for k, s in enumerate(spans)
        ),
        scores[3],
        scores[4],
        row["source"],
        row["source_reason"],
    )


def _scores_of(match: Match) -> bytes:
    values = (
        match.jaccard,
        match.containment_a_in_b,
        match.containment_b_in_a,
        match.a_coverage,
        match.b_coverage,
        *(s.similarity for s in match.spans),
    )
    return struct.pack(f"<{len(values)}d", *values)


def _blocks(fd: int, end: int) -> Iterator[bytes]:
    pos = 0
    while pos < end:
        block = os.pread(fd, min(READ_BLOCK, end - pos), pos)
        if not block:
            return
        pos += len(block)
        yield block


class MatchFile(Sequence[Match]):
    """An append-only matches.jsonl that reads as a sequence of Match.

    With a `path`, lines go to a hidden temporary file next to it, which `commit` renames to
    `path` (and `discard` deletes); without, to an anonymous temporary file in `directory`.
    """

    def __init__(self, path: str | Path | None = None, directory: str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._tmp: Path | None = None
        self.committed = False
        self._file: BinaryIO
        if self.path is None:
            self._file = tempfile.TemporaryFile(prefix="copytrace-matches-", dir=directory)  # noqa: SIM115
        else:
            self._tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            self._file = open(self._tmp, "w+b")  # noqa: SIM115 - closed by close()
        self._scores = tempfile.TemporaryFile(prefix="copytrace-scores-", dir=directory)  # noqa: SIM115
        # Close the files when the matches are gone.
        weakref.finalize(self, self._file.close)
        weakref.finalize(self, self._scores.close)
        self._offsets = array("q", [0])
        self._score_offsets = array("q", [0])
        self._dirty = False

    def append(self, match: Match) -> None:
        """Write one match as its line (and its exact scores aside)."""
        line = orjson.dumps(match.to_dict()) + b"\n"
        self._file.write(line)
        self._offsets.append(self._offsets[-1] + len(line))
        scores = _scores_of(match)
        self._scores.write(scores)
        self._score_offsets.append(self._score_offsets[-1] + len(scores))
        self._dirty = True

    def commit(self) -> None:
        """Put the finished file at its path (atomically, as the other result files)."""
        self._flush()
        if self._tmp is not None and self.path is not None:
            os.replace(self._tmp, self.path)
            self._tmp = None
            self.committed = True

    def discard(self) -> None:
        """Close and delete the file (after a failed scan)."""
        self.close()
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)
            self._tmp = None

    def close(self) -> None:
        """Close the files; a committed file stays at its path."""
        self._file.close()
        self._scores.close()

    def _flush(self) -> None:
        if self._dirty:
            self._file.flush()
            self._scores.flush()
            self._dirty = False

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def _match(self, i: int) -> Match:
        start, end = self._offsets[i], self._offsets[i + 1]
        line = os.pread(self._file.fileno(), end - start, start)
        start, end = self._score_offsets[i], self._score_offsets[i + 1]
        scores = os.pread(self._scores.fileno(), end - start, start)
        return match_from_dict(orjson.loads(line), [v for (v,) in _SCORE.iter_unpack(scores)])

    @overload
    def __getitem__(self, index: int) -> Match: ...
    @overload
    def __getitem__(self, index: slice) -> list[Match]: ...
    def __getitem__(self, index: int | slice) -> Match | list[Match]:
        self._flush()
        if isinstance(index, slice):
            return [self._match(i) for i in range(len(self))[index]]
        return self._match(range(len(self))[index])

    def __iter__(self) -> Iterator[Match]:
        blocks = _blocks(self._scores.fileno(), self._score_offsets[-1])
        scores, at = b"", 0
        for line in self.lines():
            row = orjson.loads(line)
            size = _SCORE.size * (_SCORES + len(row["spans"]))
            while len(scores) - at < size:
                scores, at = scores[at:] + next(blocks), 0
            values = [v for (v,) in _SCORE.iter_unpack(scores[at : at + size])]
            at += size
            yield match_from_dict(row, values)

    def lines(self) -> Iterator[bytes]:
        """The JSON lines, in order, read in large blocks."""
        self._flush()
        rest = b""
        for block in _blocks(self._file.fileno(), self._offsets[-1]):
            *complete, rest = (rest + block).split(b"\n")
            yield from complete
