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
    """Candidate pairs of the distinct documents (key, thread, fps) sharing fingerprints."""
    postings = (
        reps.select("key", "thread", "fps")
        .mapInArrow(emit_postings, "h long, doc long, grp long")
        .dropDuplicates(["h", "doc"])
        .localCheckpoint(eager=True)
    )
    per_hash = (
        postings.groupBy("h")
        .agg(F.count("*").alias("size"), F.countDistinct("grp").alias("df"))
        .where(F.col("size") >= 2)
        .localCheckpoint(eager=True)
    )
    max_df = settings.max_fingerprint_df
    ignored = (
        per_hash.where(F.col("size") > max_df)
        .agg(F.count("*").alias("n"), F.sum("size").alias("postings"))
        .first()
    )
    assert ignored is not None
    usable = postings.join(per_hash.where(F.col("size") <= max_df).select("h"), "h").select(
        "h", "doc"
    )
    x, y = usable.alias("x"), usable.alias("y")
    pairs = (
        x.join(y, "h")
        .where(F.col("x.doc") < F.col("y.doc"))
        .groupBy(F.col("x.doc").alias("i"), F.col("y.doc").alias("j"))
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
        "fingerprints_shared": per_hash.count(),
    }
    return FingerprintPairs(pairs, per_hash.select("h", "df"), counts)


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
