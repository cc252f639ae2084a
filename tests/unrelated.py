"""What a made-copy test on real articles may count as a false pair.

Those tests pick real articles that share no run of 8 words and take them for unrelated; a
match between two of them, or between copies of them, is a false pair. But real news recycles
its background paragraphs with their words changed (a follow-up story retelling the facts of
the first), which no 8-word run shows and `compare` does see; a scan relates what `compare`
relates, so such a pair is not false. It is excused, and the excused ones must stay few: a
flood of them would be the scan (and `compare`) relating unrelated texts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import copytrace
from copytrace import Match

#: At most one excused pair per this many documents of the corpus.
DOCUMENTS_PER_EXCUSED_PAIR = 100


def false_and_excused(
    matches: Iterable[Match], family: Mapping[str, str], text_of: Mapping[str, str]
) -> tuple[list[Match], list[Match]]:
    """Matches between documents of different families: (false, excused). A match is excused
    when `compare` of the two documents' texts relates them too."""
    false: list[Match] = []
    excused: list[Match] = []
    for m in matches:
        if family[m.a] == family[m.b]:
            continue
        related = copytrace.compare(text_of[m.a], text_of[m.b]).relation is not None
        (excused if related else false).append(m)
    return false, excused


def few_enough(excused: list[Match], documents: int) -> bool:
    """Whether the excused pairs are as few as a corpus of `documents` real articles has."""
    return len(excused) <= max(1, documents // DOCUMENTS_PER_EXCUSED_PAIR)
