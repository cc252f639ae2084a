"""Aligned passages side by side in the terminal, with the differing words highlighted."""

from __future__ import annotations

import difflib
import re

from rich.console import Console
from rich.table import Table
from rich.text import Text

from copytrace.model import Span

#: Words shown per passage side; longer passages are cut with a marker.
MAX_WORDS = 400
_WORD = re.compile(r"\S+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _key(word: str) -> str:
    return "".join(ch for ch in word.casefold() if ch.isalnum())


def highlighted_pair(a: str, b: str) -> tuple[Text, Text]:
    """Both passages as rich Text, with words that differ between them highlighted."""
    wa, wb = _words(a)[:MAX_WORDS], _words(b)[:MAX_WORDS]
    ta, tb = Text(), Text()
    matcher = difflib.SequenceMatcher(
        a=[_key(w) for w in wa], b=[_key(w) for w in wb], autojunk=False
    )
    for op, i0, i1, j0, j1 in matcher.get_opcodes():
        style = "" if op == "equal" else "bold black on yellow"
        if i1 > i0:
            ta.append(" ".join(wa[i0:i1]) + " ", style=style)
        if j1 > j0:
            tb.append(" ".join(wb[j0:j1]) + " ", style=style)
    if len(_words(a)) > MAX_WORDS:
        ta.append("…", style="dim")
    if len(_words(b)) > MAX_WORDS:
        tb.append("…", style="dim")
    return ta, tb


def word_diff(a: str, b: str) -> str:
    """Both passages as one text, the words that differ marked as `[-only in A-]{+only in B+}`
    (the format of wdiff and `git diff --word-diff`), for output without colours."""
    wa, wb = _words(a)[:MAX_WORDS], _words(b)[:MAX_WORDS]
    matcher = difflib.SequenceMatcher(
        a=[_key(w) for w in wa], b=[_key(w) for w in wb], autojunk=False
    )
    parts = []
    for op, i0, i1, j0, j1 in matcher.get_opcodes():
        if op == "equal":
            parts.append(" ".join(wa[i0:i1]))
            continue
        removed = "[-" + " ".join(wa[i0:i1]) + "-]" if i1 > i0 else ""
        added = "{+" + " ".join(wb[j0:j1]) + "+}" if j1 > j0 else ""
        parts.append(removed + added)
    if len(_words(a)) > MAX_WORDS or len(_words(b)) > MAX_WORDS:
        parts.append("…")
    return " ".join(parts)


def show_passages(
    text_a: str, text_b: str, spans: tuple[Span, ...], name_a: str, name_b: str
) -> None:
    """Print every aligned passage of A and B: in two columns with the differing words
    highlighted on a terminal, else as one text with them marked (see `word_diff`)."""
    console = Console()
    for number, span in enumerate(spans, start=1):
        console.print(
            f"passage {number}: A [{span.a_start}:{span.a_end}]  B [{span.b_start}:{span.b_end}]"
            f"  similarity {span.similarity:.2f}",
            soft_wrap=True,
            highlight=False,
        )
        a, b = text_a[span.a_start : span.a_end], text_b[span.b_start : span.b_end]
        if not console.is_terminal:
            console.print(word_diff(a, b), soft_wrap=True, highlight=False, markup=False)
            continue
        table = Table(show_lines=False, expand=True)
        table.add_column(f"A: {name_a}", ratio=1)
        table.add_column(f"B: {name_b}", ratio=1)
        left, right = highlighted_pair(a, b)
        table.add_row(left, right)
        console.print(table)
