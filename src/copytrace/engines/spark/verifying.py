"""Verification and alignment of candidate pairs on the executors, texts joined in.

Each pair row carries both documents' texts as sketched, their exact hashes, ids and dates (and,
when the table of shared fingerprints is too large to send to every executor, the entries of its
first document's shingles). An executor builds each text's shingle set once per batch window
(a small LRU, as the local engine keeps one) and calls the same `verify_pair` and `orient`.
Every verified pair gives a row, with a null relation when nothing holds, so that later steps
know which pairs were verified.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import numpy as np
import pyarrow as pa
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from copytrace.engines.spark.core import (
    CorpusStats,
    FingerprintFrequency,
    Match,
    Settings,
    load_kernels,
    orient,
    shingle_set,
    shingle_text,
    verify_pair,
)
from copytrace.engines.spark.once import once_per_process

SPAN = pa.struct(
    [
        ("a_start", pa.int64()),
        ("a_end", pa.int64()),
        ("b_start", pa.int64()),
        ("b_end", pa.int64()),
        ("similarity", pa.float64()),
    ]
)
MATCH_FIELDS = [
    ("relation", pa.string()),
    ("jaccard", pa.float64()),
    ("cab", pa.float64()),
    ("cba", pa.float64()),
    ("acov", pa.float64()),
    ("bcov", pa.float64()),
    ("source", pa.string()),
    ("reason", pa.string()),
    ("spans", pa.list_(SPAN)),
]
SPAN_DDL = (
    "array<struct<a_start:bigint,a_end:bigint,b_start:bigint,b_end:bigint,similarity:double>>"
)
MATCH_DDL = (
    "relation string, jaccard double, cab double, cba double, acov double, bcov double, "
    f"source string, reason string, spans {SPAN_DDL}"
)
CHECKED_SCHEMA = pa.schema(
    [
        ("i", pa.int64()),
        ("j", pa.int64()),
        ("rank", pa.int64()),
        ("a", pa.string()),
        ("b", pa.string()),
        *MATCH_FIELDS,
    ]
)
CHECKED_DDL = f"i long, j long, rank long, a string, b string, {MATCH_DDL}"
#: Shingle sets kept per executor process (as the local engine's lru_cache).
CACHE = 512


def match_row(match: Match | None) -> dict[str, Any]:
    """A match's columns (all null when there is none)."""
    if match is None:
        return {}
    return {
        "relation": match.relation.value,
        "jaccard": match.jaccard,
        "cab": match.containment_a_in_b,
        "cba": match.containment_b_in_a,
        "acov": match.a_coverage,
        "bcov": match.b_coverage,
        "source": match.source,
        "reason": match.source_reason,
        "spans": [
            {
                "a_start": s.a_start,
                "a_end": s.a_end,
                "b_start": s.b_start,
                "b_end": s.b_end,
                "similarity": s.similarity,
            }
            for s in match.spans
        ],
    }


def exact_of(ex0: int, ex1: int) -> tuple[int, int]:
    """A document's exact hash as the local engine passes it (two unsigned 64-bit ints)."""
    return (ex0 & 0xFFFFFFFFFFFFFFFF, ex1 & 0xFFFFFFFFFFFFFFFF)


class ShingleSets:
    """Shingle sets of the texts seen lately, by document key."""

    def __init__(self, settings: Settings, size: int = CACHE) -> None:
        self.settings = settings
        self.size = size
        self._sets: OrderedDict[int, Any] = OrderedDict()

    def get(self, key: int, text: str, ex0: int, ex1: int) -> Any:
        """The shingle set of a document's text as sketched."""
        found = self._sets.get(key)
        if found is not None:
            self._sets.move_to_end(key)
            return found
        found = shingle_set(shingle_text(text, self.settings), exact_of(ex0, ex1))
        self._sets[key] = found
        if len(self._sets) > self.size:
            self._sets.popitem(last=False)
        return found


_LOADED: set[Settings] = set()


def _frequency_of(row: dict[str, Any]) -> FingerprintFrequency:
    hh, hdf = row.get("hh"), row.get("hdf")
    if hh is None or hdf is None:
        return FingerprintFrequency.empty()
    return FingerprintFrequency(
        np.frombuffer(hh, dtype=np.uint64), np.frombuffer(hdf, dtype=np.int32)
    )


def verify_rows(
    batches: Iterator[pa.RecordBatch],
    settings: Settings,
    documents: int,
    shared: Callable[[], FingerprintFrequency] | None,
) -> Iterator[pa.RecordBatch]:
    """Executor side: pair rows with both texts to one row per pair with its match (or nulls).

    `shared` gives the whole table of shared fingerprints (sent to every executor); without
    it each row brings its first document's entries (`hh`, `hdf`). A pair only the sentence
    keys proposed (`only_sentences`) is held to the reworded path's rule, as locally.
    """
    if settings not in _LOADED:
        load_kernels(settings)  # compiled once per install, loaded once per process
        _LOADED.add(settings)
    sets = ShingleSets(settings)
    whole_table = shared() if shared is not None else None
    for batch in batches:
        out: list[dict[str, Any]] = []
        for row in batch.to_pylist():
            a = sets.get(row["i"], row["text_i"], row["ex0_i"], row["ex1_i"])
            b = sets.get(row["j"], row["text_j"], row["ex0_j"], row["ex1_j"])
            table = whole_table if whole_table is not None else _frequency_of(row)
            stats = CorpusStats(table, documents)
            reworded_only = bool(row.get("only_sentences"))
            match = verify_pair(
                row["id_i"], a, row["id_j"], b, settings, stats, reworded_only=reworded_only
            )
            if match is not None:
                match = orient(match, row["date_i"], row["date_j"], settings)
            found = match_row(match)
            found.update(i=row["i"], j=row["j"], rank=row["rank"], a=row["id_i"], b=row["id_j"])
            out.append(found)
        yield pa.RecordBatch.from_pylist(out, schema=CHECKED_SCHEMA)


def pair_rows(
    pairs: DataFrame, docs: DataFrame, hits: DataFrame | None, only: DataFrame | None = None
) -> DataFrame:
    """Pairs (i, j, rank) with both documents' ids, texts, exact hashes and dates joined in
    (and the first document's shared fingerprints, with `hits`; and whether only the sentence
    keys proposed the pair, with `only`)."""
    side = docs.select("key", "id", "stext", "ex0", "ex1", "date")

    def named(suffix: str) -> DataFrame:
        return side.select(
            F.col("key").alias(suffix),
            F.col("id").alias(f"id_{suffix}"),
            F.col("stext").alias(f"text_{suffix}"),
            F.col("ex0").alias(f"ex0_{suffix}"),
            F.col("ex1").alias(f"ex1_{suffix}"),
            F.col("date").alias(f"date_{suffix}"),
        )

    rows = pairs.select("i", "j", "rank")
    if only is not None:
        flagged = only.select("i", "j", F.lit(True).alias("only_sentences"))
        rows = rows.join(flagged, ["i", "j"], "left")
    rows = rows.join(named("i"), "i")
    if hits is not None:
        rows = rows.join(hits.withColumnRenamed("doc", "i"), "i", "left")
    return rows.join(named("j"), "j")


def verify_pairs(
    pairs: DataFrame,
    docs: DataFrame,
    settings: Settings,
    documents: int,
    shared: Callable[[], FingerprintFrequency] | None,
    hits: DataFrame | None,
    only: DataFrame | None = None,
) -> DataFrame:
    """One row per pair: (i, j, rank, a, b) and its match's columns (null when none holds)."""
    rows = pair_rows(pairs, docs, hits, only)
    verify = partial(verify_rows, settings=settings, documents=documents, shared=shared)
    return rows.mapInArrow(verify, CHECKED_DDL)


def shared_table(hashes: Any, df: Any, token: str) -> FingerprintFrequency:
    """The table of shared fingerprints from broadcast arrays (made once per process)."""
    return once_per_process(token, lambda: FingerprintFrequency(hashes.value, df.value))
