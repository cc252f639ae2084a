"""The one place the index reaches into copytrace's engine.

Every import of core internals the index needs is here, so that when the pipeline's stages move
(issue 9), only this file changes. Nothing else in `copytrace.index` or `copytrace.service`
imports `copytrace.sketch`, `copytrace.lsh`, `copytrace.verify`, `copytrace.boilerplate`,
`copytrace.messages` or `copytrace.engines` directly.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from copytrace.boilerplate import (
    BOX_MARK,
    MAX_CORPUS_LINE_WORDS,
    MAX_LINE_CHARS,
    NOTHING,
    QUOTE_MARKS,
    SIGNATURE_LINES,
    SIGNATURE_MIN_POSTS,
    Blanks,
    Provenance,
    blank,
    only_blanks,
)
from copytrace.cluster import choose_source
from copytrace.engines.kernels import ensure_kernels
from copytrace.engines.local.corpus import provenance_of
from copytrace.engines.local.run import (
    documents_as_items,
    jobs_used_for,
    set_jobs,
    unwritable,
)
from copytrace.engines.local.stages import WHOLE_DOCUMENT
from copytrace.io.base import BadRecord, Item, Origin, ReadOptions
from copytrace.io.dates import parse_date
from copytrace.io.html import extract_page
from copytrace.io.inputs import input_kind, iter_items, open_readers
from copytrace.io.outputs import make_out_dir, remove_if_empty
from copytrace.io.results import write_json, write_jsonl
from copytrace.lines import after_break, encode_texts, is_space, line_end, stripped
from copytrace.lsh import FingerprintFrequency, choose_banding, pair_floor
from copytrace.messages import MessageParts, message_parts
from copytrace.model import (
    LINKED,
    SKETCH_FORMAT_VERSION,
    SOURCE,
    Cluster,
    Document,
    Match,
    Member,
    Relation,
    Settings,
    Span,
)
from copytrace.sketch import Shingled, Sketches, shingle_text
from copytrace.sketch import sketch_batch as _sketch_batch
from copytrace.text import U64, decode_utf8
from copytrace.verify import (
    CorpusStats,
    Scores,
    ShingleSet,
    load_kernels,
    orient,
    relation_of,
    scores,
    shingle_set,
    verify_pair,
)

__all__ = [
    "BOX_MARK",
    "LINKED",
    "MAX_CORPUS_LINE_WORDS",
    "MAX_LINE_CHARS",
    "NOTHING",
    "QUOTE_MARKS",
    "SIGNATURE_LINES",
    "SIGNATURE_MIN_POSTS",
    "SKETCH_FORMAT_VERSION",
    "SOURCE",
    "U64",
    "WHOLE_DOCUMENT",
    "BadRecord",
    "Blanks",
    "Cluster",
    "CorpusStats",
    "Document",
    "FingerprintFrequency",
    "Item",
    "Match",
    "Member",
    "MessageParts",
    "Origin",
    "Provenance",
    "ReadOptions",
    "Relation",
    "Scores",
    "Settings",
    "ShingleSet",
    "Shingled",
    "Sketches",
    "Span",
    "after_break",
    "blank",
    "choose_banding",
    "choose_source",
    "decode_utf8",
    "documents_as_items",
    "encode_texts",
    "ensure_kernels",
    "extract_page",
    "input_kind",
    "is_space",
    "iter_items",
    "jobs_used_for",
    "joined_ranges",
    "line_end",
    "load_kernels",
    "message_parts",
    "only_blanks",
    "open_readers",
    "orient",
    "pair_floor",
    "parse_date",
    "prepare_out_dir",
    "provenance_of",
    "relation_of",
    "remove_if_empty",
    "scores",
    "set_jobs",
    "shingle_set",
    "shingle_text",
    "sketch_batch",
    "stripped",
    "unwritable",
    "verify_pair",
    "write_json",
    "write_jsonl",
]

#: numba's parallel kernels must not be entered from two threads at once (its default
#: threading layer is not reentrant); the service calls them from many threads.
_SKETCH_LOCK = threading.Lock()


def joined_ranges(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted ranges with overlapping or touching ones joined."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def sketch_batch(texts: Sequence[str], settings: Settings) -> Sketches:
    """`copytrace.sketch.sketch_batch`, one thread at a time."""
    with _SKETCH_LOCK:
        return _sketch_batch(texts, settings)


def prepare_out_dir(out: Path) -> list[Path]:
    """Create a query's output directory, or fail clearly naming --out; returns the
    directories created, for `remove_if_empty` after a failed query."""
    return make_out_dir(out, "--out")
