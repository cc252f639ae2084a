"""Page chrome: lines repeated across many documents, left out of sketches but kept in the text.

A scraped page carries its site's menus, "Share this article" lines, cookie notices and footers.
Lines that recur in at least `boilerplate_min_docs` documents of the same host (or of the whole
corpus when no host is known, then only short lines, since a reprinted story's own paragraphs
also recur) are boilerplate. They are blanked with spaces before sketching and alignment, so
offsets into the original text stay valid and two pages of one site never match on their chrome.
A document made only of such lines keeps its text: it is then all there is to compare.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

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


@dataclass
class BoilerplateFinder:
    """Counts in how many documents of each host every short line occurs; then names the chrome.

    Keys are 64-bit line hashes mixed with the host, kept in numpy arrays (8 bytes a line of a
    document) until `finish` counts them at once.
    """

    min_docs: int
    _pending: list[np.ndarray] = field(default_factory=list)
    marked: set[int] = field(default_factory=set)

    def add(self, host: str | None, text: str) -> None:
        """Record the distinct short lines of one document."""
        self._pending.append(_line_keys(text, host))

    def finish(self) -> None:
        """Mark the lines that reached min_docs and free the record."""
        if self._pending:
            keys, counts = np.unique(np.concatenate(self._pending), return_counts=True)
            self.marked = set(keys[counts >= self.min_docs].tolist())
        self._pending = []

    @property
    def n_marked(self) -> int:
        """How many distinct (host, line) pairs are boilerplate."""
        return len(self.marked)

    def mask(self, host: str | None, text: str) -> tuple[str, int]:
        """The text with its boilerplate lines blanked (same length), and how many were."""
        if not self.marked:
            return text, 0
        salt = _salt(host)
        marked = self.marked
        parts: list[str] = []
        masked = 0
        for raw in text.splitlines(keepends=True):
            if len(raw) <= MAX_LINE_CHARS + 2 and (hash(raw.strip().lower()) ^ salt) in marked:
                parts.append(" " * len(raw))
                masked += 1
            else:
                parts.append(raw)
        if masked == 0:
            return text, 0
        result = "".join(parts)
        if result.isspace():  # nothing but chrome: keep it, it is all there is to compare
            return text, 0
        return result, masked
