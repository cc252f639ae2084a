"""A small reader of WordNet's ``data.*`` files: single-word synonyms for making spun rewrites.

WordNet 3.x ships one ``data.<pos>`` file per part of speech (noun, verb, adj, adv). After a
licence header whose lines start with two spaces, each line is one synset::

    synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id ...] p_cnt ... | gloss

``w_cnt`` is a two-digit hexadecimal count; words use ``_`` for spaces, and adjectives may carry a
syntactic marker such as ``(a)``, ``(p)`` or ``(ip)``. See ``wndb(5WN)``. No nltk is needed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from copytrace.errors import MissingDependencyError

__all__ = ["DEFAULT_WORDNET", "WORDNET_FILES", "load_synonyms"]

#: Where Debian's ``wordnet-base`` package installs the database.
DEFAULT_WORDNET = Path("/usr/share/wordnet")
#: The data files read, one per part of speech.
WORDNET_FILES = ("data.noun", "data.verb", "data.adj", "data.adv")

_ADJ_MARKER = re.compile(r"\((?:a|p|ip)\)$")


def load_synonyms(path: Path = DEFAULT_WORDNET) -> dict[str, list[str]]:
    """Map each lower-case single word to its single-word synonyms over all of its synsets.

    Multi-word lemmas (with ``_``) are skipped, as is the word itself; synonyms keep the order in
    which the files list them, without repeats. Words with no single-word synonym are absent.
    The parse is cached per folder; callers must not mutate the returned lists.
    Raises MissingDependencyError when a data file is missing.
    """
    return _load(Path(path).resolve())


@lru_cache(maxsize=4)
def _load(folder: Path) -> dict[str, list[str]]:
    """Parse every data file of `folder` (cached)."""
    missing = [name for name in WORDNET_FILES if not (folder / name).is_file()]
    if missing:
        raise MissingDependencyError(
            f"WordNet data files not found in {folder} (missing: {', '.join(missing)}). "
            "Install them with `apt-get install wordnet-base`, or pass the folder that holds "
            "data.noun, data.verb, data.adj and data.adv."
        )
    synonyms: dict[str, dict[str, None]] = {}
    for name in WORDNET_FILES:
        for lemmas in _synsets(folder / name):
            for word in lemmas:
                found = synonyms.setdefault(word, {})
                for other in lemmas:
                    if other != word:
                        found[other] = None
    return {word: list(found) for word, found in synonyms.items() if found}


def _synsets(path: Path) -> list[list[str]]:
    """The single-word lemmas of each synset of one data file, lower-cased, without repeats."""
    out: list[list[str]] = []
    with path.open(encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith("  ") or not line.strip():  # licence header, blank lines
                continue
            fields = line.split(" ", 4 + 2 * 255)
            try:
                count = int(fields[3], 16)
            except (IndexError, ValueError) as exc:
                raise ValueError(f"{path}: not a WordNet data line: {line[:80]!r}") from exc
            lemmas: dict[str, None] = {}
            for raw in fields[4 : 4 + 2 * count : 2]:
                word = _ADJ_MARKER.sub("", raw).lower()
                if word and "_" not in word:
                    lemmas[word] = None
            if len(lemmas) > 1:
                out.append(list(lemmas))
    return out
