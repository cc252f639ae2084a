"""Passage candidates from shared winnowed fingerprints, and how many documents share each.

As `lsh.passage_candidates`: a fingerprint held by more than `max_fingerprint_df` documents makes
no pairs (counted and ignored); documents sharing at least `passage_min_fingerprints` of the
others are a pair. The document frequency of every fingerprint two documents share (a thread of
posts counting once) is what verification needs to tell templates from reuse; each pair needs it
only for the shingles of its first document, so either the whole table goes to every executor
(when it is small enough) or each first document gets its own entries by a join.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

import numpy as np
import pyarrow as pa
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from copytrace.engines.spark.core import Settings, distinct_shingles
from copytrace.engines.spark.runs import Runs

_POSTINGS = pa.schema([("h", pa.int64()), ("doc", pa.int64()), ("grp", pa.int64())])
_SHINGLES = pa.schema([("doc", pa.int64()), ("h", pa.int64())])


def emit_postings(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Executor side: (fingerprint, document, group) postings; a post's group is its thread,
    any other document is a group of its own."""
    for batch in batches:
        keys = batch.column("key").to_numpy()
        threads = batch.column("thread").to_numpy()
        fps = batch.column("fps").to_pylist()
        counts = np.array([len(f) // 8 for f in fps], dtype=np.int64)
        hashes = np.frombuffer(b"".join(fps), dtype=np.int64)
        docs = np.repeat(keys, counts)
        groups = np.repeat(np.where(threads != 0, threads, -1 - keys), counts)
        yield pa.RecordBatch.from_arrays(
            [pa.array(hashes), pa.array(docs), pa.array(groups)], schema=_POSTINGS
        )


def emit_shingles(
    batches: Iterator[pa.RecordBatch], settings: Settings
) -> Iterator[pa.RecordBatch]:
    """Executor side: (document, shingle hash) for the distinct shingles of each text."""
    for batch in batches:
        keys = batch.column("key").to_pylist()
        texts = batch.column("stext").to_pylist()
        found = [distinct_shingles(t, settings) for t in texts]
        docs = np.repeat(np.array(keys, dtype=np.int64), [f.shape[0] for f in found])
        hashes = np.concatenate(found).view(np.int64) if found else np.empty(0, np.int64)
        yield pa.RecordBatch.from_arrays([pa.array(docs), pa.array(hashes)], schema=_SHINGLES)


@dataclass(frozen=True)
class FingerprintPairs:
    """Pairs sharing enough fingerprints, the table of shared fingerprints (h, df) and the
    counts for the summary."""

    pairs: DataFrame
    frequency: DataFrame
    counts: dict[str, int]


def fingerprint_pairs(reps: DataFrame, settings: Settings) -> FingerprintPairs:
    """Candidate pairs of the distinct documents (key, thread, fps) sharing fingerprints: the
    postings shuffled by fingerprint and sorted, each fingerprint's pairs made as it streams
    past, pairs counted by a second shuffle."""
    max_df = settings.max_fingerprint_df
    made = (
        reps.select("key", "thread", "fps")
        .mapInArrow(emit_postings, "h long, doc long, grp long")
        .repartition("h")
        .sortWithinPartitions("h", "doc")
        .mapInArrow(partial(fingerprint_runs, max_df=max_df), "kind byte, a long, b long, c long")
        .localCheckpoint(eager=True)
    )
    shared = made.where(F.col("kind") == SHARED).select(
        F.col("a").alias("h"), F.col("b").alias("df"), F.col("c").alias("size")
    )
    ignored = (
        shared.where(F.col("size") > max_df)
        .agg(F.count("*").alias("n"), F.sum("size").alias("postings"))
        .first()
    )
    assert ignored is not None
    pairs = (
        made.where(F.col("kind") == PAIR)
        .groupBy(F.col("a").alias("i"), F.col("b").alias("j"))
        .count()
        .where(F.col("count") >= settings.passage_min_fingerprints)
        .select("i", "j")
        .localCheckpoint(eager=True)
    )
    total = reps.select(F.sum(F.length("fps") / 8).cast("long")).first()
    counts = {
        "fingerprints": int(total[0] or 0) if total is not None else 0,
        "fingerprints_ignored_as_common": int(ignored["n"] or 0),
        "postings_ignored_as_common": int(ignored["postings"] or 0),
        "pairs_from_fingerprints": pairs.count(),
        "fingerprints_shared": shared.count(),
    }
    return FingerprintPairs(pairs, shared.select("h", "df"), counts)


def frequency_arrays(frequency: DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The table of shared fingerprints as `FingerprintFrequency` holds it: hashes sorted as
    unsigned 64-bit values, and their document frequencies (brought to the driver as Arrow)."""
    table = frequency.select("h", "df").toArrow()
    hashes = table.column("h").to_numpy().astype(np.int64).view(np.uint64)
    df = table.column("df").to_numpy().astype(np.int32)
    order = np.argsort(hashes, kind="stable")
    return hashes[order], df[order]


def frequency_by_document(firsts: DataFrame, frequency: DataFrame, settings: Settings) -> DataFrame:
    """For each document (key, stext): the shared fingerprints among its shingles, as
    (doc, hh: sorted uint64 hashes packed, hdf: int32 frequencies packed)."""
    shingles = firsts.select("key", "stext").mapInArrow(
        partial(emit_shingles, settings=settings), "doc long, h long"
    )
    hits = shingles.join(frequency, "h")
    return (
        hits.groupBy("doc")
        .agg(F.collect_list(F.struct("h", "df")).alias("hits"))
        .mapInArrow(pack_hits, "doc long, hh binary, hdf binary")
    )


def pack_hits(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Executor side: each document's (hash, df) entries sorted and packed into bytes."""
    for batch in batches:
        packed_h: list[bytes] = []
        packed_df: list[bytes] = []
        for hits in batch.column("hits").to_pylist():
            h = np.array([e["h"] for e in hits], dtype=np.int64).view(np.uint64)
            df = np.array([e["df"] for e in hits], dtype=np.int32)
            order = np.argsort(h, kind="stable")
            packed_h.append(h[order].tobytes())
            packed_df.append(df[order].tobytes())
        yield pa.RecordBatch.from_arrays(
            [
                batch.column("doc"),
                pa.array(packed_h, pa.binary()),
                pa.array(packed_df, pa.binary()),
            ],
            names=["doc", "hh", "hdf"],
        )


_RUN_ROWS = pa.schema(
    [("kind", pa.int8()), ("a", pa.int64()), ("b", pa.int64()), ("c", pa.int64())]
)
#: Rows of `fingerprint_runs`: a shared fingerprint (h, df, documents), or a pair (i, j).
SHARED, PAIR = 0, 1


def fingerprint_runs(batches: Iterator[pa.RecordBatch], max_df: int) -> Iterator[pa.RecordBatch]:
    """Executor side: postings (h, doc, grp) sorted by fingerprint and document within their
    partition to a row per fingerprint of two documents or more (SHARED: h, df, documents) and
    a row per pair of documents sharing one held by at most `max_df` (PAIR: i, j)."""
    runs = Runs()

    def rows_of(found: Iterator[tuple[tuple[int, ...], np.ndarray]]) -> pa.RecordBatch | None:
        kinds: list[np.ndarray] = []
        cols: list[list[np.ndarray]] = [[], [], []]
        for (h,), postings in found:
            docs = postings[:, 0]
            distinct = np.concatenate([[True], docs[1:] != docs[:-1]])
            docs, groups = docs[distinct], postings[distinct, 1]
            size = docs.shape[0]
            if size < 2:
                continue
            kinds.append(np.array([SHARED], dtype=np.int8))
            for col, value in zip(cols, (h, np.unique(groups).shape[0], size), strict=True):
                col.append(np.array([value], dtype=np.int64))
            if size <= max_df:
                a, b = np.triu_indices(size, 1)
                kinds.append(np.full(a.shape[0], PAIR, dtype=np.int8))
                cols[0].append(docs[a])
                cols[1].append(docs[b])
                cols[2].append(np.zeros(a.shape[0], dtype=np.int64))
        if not kinds:
            return None
        return pa.RecordBatch.from_arrays(
            [pa.array(np.concatenate(kinds)), *(pa.array(np.concatenate(c)) for c in cols)],
            schema=_RUN_ROWS,
        )

    for batch in batches:
        h = batch.column("h").to_numpy()
        postings = np.column_stack([batch.column("doc").to_numpy(), batch.column("grp").to_numpy()])
        found = rows_of(runs.complete([h], postings))
        if found is not None:
            yield found
    found = rows_of(runs.finish())
    if found is not None:
        yield found
