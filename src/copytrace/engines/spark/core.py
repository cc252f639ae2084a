"""The one door from the Spark engine into copytrace's core.

Every name the Spark engine uses from the rest of copytrace (kernels, verification, chrome,
readers' record rules, writers' formats, the local engine's constants) is imported here and
nowhere else in `copytrace.engines.spark`, so that when core modules move only this file
changes. A few small helpers restate what the local engine does inline (the key of a text for
boilerplate counting, the thread key of a post) so that both engines compute them the same way.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from copytrace import __version__
from copytrace.boilerplate import (
    _NO_FLAG,
    SIGNATURE_MIN_POSTS,
    BoilerplateFinder,
    ChromeCandidates,
    Provenance,
    _groups,
    _GroupTable,
    _line_keys,
    blank,
    sighting_keys,
)
from copytrace.cluster import UnionFind, choose_source
from copytrace.engines.kernels import ensure_kernels
from copytrace.engines.local.corpus import provenance_of
from copytrace.engines.local.documents import date_code, date_text
from copytrace.engines.local.run import jobs_used_for
from copytrace.engines.local.stages import LARGE_CLUSTER, WHOLE_DOCUMENT
from copytrace.engines.local.verifying import CHUNK_PAIRS, LAG
from copytrace.engines.local.views import RELATION_NAMES
from copytrace.errors import (
    BadRecordError,
    CopytraceError,
    InputError,
    MissingDependencyError,
    OutputError,
    SettingsError,
)
from copytrace.frames import HeldRewrite, recurring_frames, recurring_regions
from copytrace.io.base import EMPTY_FILE, BadRecord, Origin, ReadOptions, record_to_document
from copytrace.io.dates import parse_date
from copytrace.io.dedup import dropped_path_for, summary_path_for
from copytrace.io.formats import JSONL_SUFFIXES
from copytrace.io.jsonl import utf8_problem
from copytrace.io.outputs import check_output_path, make_out_dir, remove_if_empty
from copytrace.lines import encode_texts, find_lines
from copytrace.lsh import (
    BANDS_PER_PASS,
    CorpusStats,
    FingerprintFrequency,
    _band_keys,
    choose_banding,
    pair_floor,
)
from copytrace.messages import message_parts
from copytrace.model import LINKED, SOURCE, Cluster, Match, Member, Relation, Settings, Span
from copytrace.pipeline import LISTED
from copytrace.sentence_sketch import (
    WordStats,
    keyed_sentences,
    pair_budget,
    sentence_keys,
    word_sample_step,
    word_stats,
)
from copytrace.sketch import _shingle_hashes, seed_mix, shingle_text, sketch_batch
from copytrace.text import tokenize
from copytrace.verify import load_kernels, orient, shingle_set, verify_pair

__all__ = [
    "BANDS_PER_PASS",
    "CHUNK_PAIRS",
    "EMPTY_FILE",
    "JSONL_SUFFIXES",
    "LAG",
    "LARGE_CLUSTER",
    "LINKED",
    "LISTED",
    "RELATION_NAMES",
    "SIGNATURE_MIN_POSTS",
    "SOURCE",
    "WHOLE_DOCUMENT",
    "BadRecord",
    "BadRecordError",
    "BoilerplateFinder",
    "Cluster",
    "CopytraceError",
    "CorpusStats",
    "FingerprintFrequency",
    "HeldRewrite",
    "InputError",
    "Match",
    "Member",
    "MissingDependencyError",
    "Origin",
    "OutputError",
    "Provenance",
    "ReadOptions",
    "Relation",
    "Settings",
    "SettingsError",
    "Span",
    "UnionFind",
    "WordStats",
    "__version__",
    "band_keys",
    "blank",
    "check_output_path",
    "choose_banding",
    "choose_source",
    "chrome_lookup_keys",
    "distinct_shingles",
    "document_date",
    "dropped_path_for",
    "ensure_kernels",
    "jobs_used_for",
    "keyed_sentences",
    "line_keys",
    "load_kernels",
    "make_out_dir",
    "message_parts",
    "orient",
    "pair_budget",
    "pair_floor",
    "parse_date",
    "provenance_of",
    "record_to_document",
    "recurring_frames",
    "recurring_regions",
    "remove_if_empty",
    "sentence_keys",
    "shingle_set",
    "shingle_text",
    "sketch_batch",
    "summary_path_for",
    "thread_key",
    "utf8_problem",
    "verify_pair",
    "word_sample_step",
    "word_stats",
]


def line_keys(text: str, provenance: Provenance, post: bool) -> tuple[np.ndarray, int]:
    """The keys under which a text's lines are counted as possible chrome (int64), and the key
    by which counting sees a (provenance, text) once, as `BoilerplateFinder.add_encoded`
    computes them (the key signed, for Spark)."""
    buf, offsets = encode_texts([text])
    lines = find_lines(buf, offsets)
    posts = np.array([post], dtype=bool)
    keys = _line_keys(lines, _GroupTable.of([provenance], [post]), posts, np.ones(1, dtype=bool))
    sight = sighting_keys([provenance], lines.text_hashes)
    return keys, int(sight.view(np.int64)[0])


def chrome_lookup_keys(text: str, provenance: Provenance, post: bool) -> np.ndarray:
    """Every key `BoilerplateFinder.blank_encoded` looks up for a text's lines, as it computes
    them (one per candidate line and group; sorted, distinct): the marked keys among them are
    all it needs to blank the text."""
    buf, offsets = encode_texts([text])
    rows = ChromeCandidates.of(find_lines(buf, offsets, text_hashes=False)).rows
    base = rows[:, ChromeCandidates.KEY] & np.int64(_NO_FLAG)
    tail = (rows[:, ChromeCandidates.PLACE] & 1) == 1
    keys = [
        (base[tail] if group.tail_only else base) ^ np.int64(group.salt)
        for group in _groups(provenance, post)
    ]
    return np.unique(np.concatenate(keys)) if keys else np.empty(0, dtype=np.int64)


def thread_key(thread: str | None) -> int:
    """A post's thread key as the local engine keeps it (0 when the text is no post)."""
    return 0 if thread is None else (hash(thread) & 0x7FFFFFFFFFFFFFFF) or 1


def document_date(value: Any) -> str | None:
    """A document's date as the local engine keeps it: parsed, then stored to the second."""
    return date_text(date_code(parse_date(value)))


def band_keys(signatures: np.ndarray, band: int, rows: int) -> np.ndarray:
    """The LSH key of one band for every row of a (n, num_perm) uint32 signature matrix."""
    return _band_keys(signatures, band, rows)


def distinct_shingles(text: str, settings: Settings) -> np.ndarray:
    """The sorted distinct shingle hashes of a text, as verification computes them."""
    hashes = _shingle_hashes(tokenize(text).hashes, settings.shingle_size, seed_mix(settings.seed))
    return np.unique(hashes)
