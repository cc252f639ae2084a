"""Deterministic generators of labelled reuse: synonym-spun copies and inserted excerpts.

Every generator takes a ``random.Random`` so that a seed reproduces its output exactly, and
reports what it did in character offsets, so tests and benchmarks can score spans.
"""

from __future__ import annotations

import random
import re
from collections.abc import Collection, Mapping, Sequence

__all__ = [
    "STOPWORDS",
    "WORD",
    "content_words",
    "insert_excerpt",
    "paragraph_spans",
    "spin",
]

#: A word: letters or digits, with inner apostrophes or hyphens ("don't", "well-known").
WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")

_STOPWORDS_TEXT = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    said says say mr mrs ms one two three new may might must shall us
"""
#: English function words that spinners leave alone (articles, pronouns, auxiliaries, ...).
STOPWORDS: frozenset[str] = frozenset(_STOPWORDS_TEXT.split())

_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_PARAGRAPH_BREAK = re.compile(r"\n(?:[ \t]*\n)+")

Interval = tuple[int, int]


def content_words(
    text: str, synonyms: Mapping[str, Sequence[str]], stopwords: Collection[str] = STOPWORDS
) -> list[re.Match[str]]:
    """Words `spin` may replace: alphabetic, 3+ letters, not a stopword, with a synonym."""
    return [
        m
        for m in WORD.finditer(text)
        if len(m.group()) >= 3
        and m.group().isalpha()
        and m.group().lower() not in stopwords
        and synonyms.get(m.group().lower())
    ]


def _same_case(word: str, replacement: str) -> str:
    """`replacement` in the capitalisation of `word` (UPPER, Capitalised or lower)."""
    if len(word) > 1 and word.isupper():
        return replacement.upper()
    if word[0].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def spin(
    text: str,
    rate: float,
    rng: random.Random,
    synonyms: Mapping[str, Sequence[str]],
    stopwords: Collection[str] = STOPWORDS,
) -> str:
    """Replace ``round(rate * n)`` of the n content words by a random synonym, in place.

    Content words are those of `content_words`; the replaced ones are drawn without repetition
    and each gets a synonym drawn uniformly from ``synonyms[word.lower()]``, in the original's
    capitalisation. Every other character of `text` is kept as it is.
    """
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must be in [0, 1]; got {rate!r}")
    candidates = content_words(text, synonyms, stopwords)
    chosen = sorted(rng.sample(range(len(candidates)), round(rate * len(candidates))))
    pieces: list[str] = []
    last = 0
    for index in chosen:
        m = candidates[index]
        word = m.group()
        replacement = rng.choice(list(synonyms[word.lower()]))
        pieces.append(text[last : m.start()])
        pieces.append(_same_case(word, replacement))
        last = m.end()
    pieces.append(text[last:])
    return "".join(pieces)


def paragraph_spans(text: str) -> list[Interval]:
    """Character spans of the paragraphs of `text`, without surrounding whitespace.

    Paragraphs are separated by blank lines; a text without blank lines has one paragraph per
    line. Empty paragraphs are left out.
    """
    splitter = _PARAGRAPH_BREAK if _BLANK_LINES.search(text) else re.compile(r"\n")
    spans: list[Interval] = []
    start = 0
    for end, next_start in [(m.start(), m.end()) for m in splitter.finditer(text)] + [
        (len(text), len(text))
    ]:
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            spans.append((start + lead, start + lead + len(stripped)))
        start = next_start
    return spans


def insert_excerpt(
    host: str,
    source: str,
    rng: random.Random,
    paragraphs: tuple[int, int] = (2, 3),
    skip: int = 0,
) -> tuple[str, Interval, Interval]:
    """Insert consecutive paragraphs of `source` between two paragraphs of `host`.

    Draws the number of paragraphs uniformly from ``paragraphs`` (inclusive, capped by what
    `source` has), their position in `source`, and the gap of `host` to put them in (never
    before the first or after the last paragraph). The excerpt is copied verbatim, from the
    start of its first paragraph to the end of its last, followed by the separator that host
    uses at that gap. Returns the new text, the excerpt's half-open span in it, and its span
    in `source`. Raises ValueError when `host` has fewer than 2 paragraphs or `source` fewer
    than ``paragraphs[0]``. The first `skip` paragraphs of `source` (a headline, say) are never
    part of the excerpt.
    """
    low, high = paragraphs
    if not 1 <= low <= high:
        raise ValueError(f"paragraphs must be (low, high) with 1 <= low <= high; got {paragraphs}")
    host_paragraphs = paragraph_spans(host)
    source_paragraphs = paragraph_spans(source)[skip:]
    if len(host_paragraphs) < 2:
        raise ValueError(f"host has {len(host_paragraphs)} paragraph(s); at least 2 are needed")
    if len(source_paragraphs) < low:
        raise ValueError(
            f"source has {len(source_paragraphs)} paragraph(s); at least {low} are needed"
        )
    count = rng.randint(low, min(high, len(source_paragraphs)))
    first = rng.randrange(len(source_paragraphs) - count + 1)
    source_span = (source_paragraphs[first][0], source_paragraphs[first + count - 1][1])
    excerpt = source[source_span[0] : source_span[1]]
    gap = rng.randrange(1, len(host_paragraphs))
    at = host_paragraphs[gap][0]
    separator = host[host_paragraphs[gap - 1][1] : at]
    text = host[:at] + excerpt + separator + host[at:]
    return text, (at, at + len(excerpt)), source_span
