"""Page chrome: lines repeated across many documents, left out of sketches but kept in the text.

A scraped page carries its site's menus, "Share this article" lines, cookie notices and footers.
Lines that recur in at least `boilerplate_min_docs` documents of the same host (or of the whole
corpus when no host is known, then only short lines, since a reprinted story's own paragraphs
also recur) are boilerplate. They are blanked with spaces before sketching and alignment, so
offsets into the original text stay valid and two pages of one site never match on their chrome.
A document made only of such lines keeps its text: it is then all there is to compare.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

#: Lines longer than this are content, never chrome.
MAX_LINE_CHARS = 300
#: Without a host, only lines of at most this many words count as chrome.
MAX_CORPUS_LINE_WORDS = 10


def _line_keys(text: str, short_only: bool) -> set[int]:
    """Hashes of the distinct stripped, lower-cased lines that may be chrome."""
    lines = set(map(str.strip, text.lower().splitlines()))
    lines.discard("")
    if short_only:
        return {
            hash(x)
            for x in lines
            if len(x) <= MAX_LINE_CHARS and x.count(" ") < MAX_CORPUS_LINE_WORDS
        }
    return {hash(x) for x in lines if len(x) <= MAX_LINE_CHARS}


@dataclass
class BoilerplateFinder:
    """Counts, per host, in how many documents each short line occurs; then names the chrome."""

    min_docs: int
    counts: defaultdict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    marked: dict[str, set[int]] = field(default_factory=dict)

    def add(self, host: str | None, text: str) -> None:
        """Count the distinct short lines of one document."""
        self.counts[host or ""].update(_line_keys(text, short_only=not host))

    def finish(self) -> None:
        """Mark the lines that reached min_docs and free the counts."""
        for scope, counter in self.counts.items():
            lines = {k for k, n in counter.items() if n >= self.min_docs}
            if lines:
                self.marked[scope] = lines
        self.counts = defaultdict(Counter)

    @property
    def n_marked(self) -> int:
        """How many distinct (host, line) pairs are boilerplate."""
        return sum(len(v) for v in self.marked.values())

    def mask(self, host: str | None, text: str) -> tuple[str, int]:
        """The text with its boilerplate lines blanked (same length), and how many were."""
        marked = self.marked.get(host or "")
        if not marked:
            return text, 0
        parts: list[str] = []
        masked = 0
        for raw in text.splitlines(keepends=True):
            if hash(raw.strip().lower()) in marked and len(raw) <= MAX_LINE_CHARS + 2:
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
