"""Candidate pairs from LSH bands as DataFrame shuffles, with the local engine's bucket cap.

Each distinct document's signature gives one key per band (the local kernel's key, over the
same low 32 bits of each value). The local engine sorts the keys of BANDS_PER_PASS bands at a
time and takes each run of equal keys as a bucket, so a bucket here is a (pass, key). A bucket
of at most `max_bucket` documents makes all its pairs; a larger one links every member to its
first document. Pairs are then kept when their signature estimate reaches their floor.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

import numpy as np
import pyarrow as pa
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from copytrace.engines.spark.core import (
    BANDS_PER_PASS,
    Settings,
    band_keys,
    choose_banding,
    pair_floor,
)

_BANDS = pa.schema([("pass", pa.int32()), ("bkey", pa.int64()), ("doc", pa.int64())])


def signature_matrix(column: pa.Array, num_perm: int) -> np.ndarray:
    """A binary column of packed uint32 signatures as an (n, num_perm) matrix."""
    data = b"".join(column.to_pylist())
    return np.frombuffer(data, dtype=np.uint32).reshape(-1, num_perm)


def emit_band_keys(
    batches: Iterator[pa.RecordBatch], settings: Settings
) -> Iterator[pa.RecordBatch]:
    """Executor side: (pass, band key, document) for every band of every signature."""
    bands, rows = choose_banding(settings)
    for batch in batches:
        sigs = signature_matrix(batch.column("sig"), settings.num_perm)
        docs = batch.column("key").to_numpy()
        for band in range(bands):
            keys = band_keys(sigs, band, rows).view(np.int64)
            passes = np.full(docs.shape[0], band // BANDS_PER_PASS, dtype=np.int32)
            yield pa.RecordBatch.from_arrays(
                [pa.array(passes), pa.array(keys), pa.array(docs)], schema=_BANDS
            )


def keep_by_estimate(
    batches: Iterator[pa.RecordBatch], settings: Settings
) -> Iterator[pa.RecordBatch]:
    """Executor side: the pairs (i, j) whose signature estimate reaches `lsh.pair_floor`."""
    m = settings.num_perm
    for batch in batches:
        n = batch.num_rows
        if n == 0:
            continue
        a = signature_matrix(batch.column("sig_i"), m)
        b = signature_matrix(batch.column("sig_j"), m)
        equal = (a == b).sum(axis=1, dtype=np.int64)
        estimate = equal / m
        shingles = np.concatenate(
            [batch.column("ns_i").to_numpy(), batch.column("ns_j").to_numpy()]
        ).astype(np.int32)
        index = np.column_stack([np.arange(n), np.arange(n) + n])
        keep = estimate >= pair_floor(shingles, index, settings)
        yield pa.RecordBatch.from_arrays(
            [
                pa.array(batch.column("i").to_numpy()[keep]),
                pa.array(batch.column("j").to_numpy()[keep]),
            ],
            names=["i", "j"],
        )


@dataclass(frozen=True)
class BandPairs:
    """Pairs from the bands (i < j, kept by their estimate), and the banding's counts."""

    pairs: DataFrame
    counts: dict[str, int]


def band_pairs(reps: DataFrame, settings: Settings) -> BandPairs:
    """Candidate pairs of the distinct documents (key, sig, n_shingles) sharing a band."""
    bands, rows = choose_banding(settings)
    keys = reps.select("key", "sig").mapInArrow(
        partial(emit_band_keys, settings=settings), "pass int, bkey long, doc long"
    )
    keys = keys.localCheckpoint(eager=True)
    buckets = (
        keys.groupBy("pass", "bkey")
        .agg(F.count("*").alias("size"), F.min("doc").alias("head"))
        .where(F.col("size") >= 2)
    )
    members = keys.join(buckets, ["pass", "bkey"])
    cap = settings.max_bucket
    linked = members.where((F.col("size") > cap) & (F.col("doc") != F.col("head"))).select(
        F.col("head").alias("i"), F.col("doc").alias("j")
    )
    small = members.where(F.col("size") <= cap).select("pass", "bkey", "doc")
    x, y = small.alias("x"), small.alias("y")
    all_pairs = (
        x.join(y, ["pass", "bkey"])
        .where(F.col("x.doc") < F.col("y.doc"))
        .select(F.col("x.doc").alias("i"), F.col("y.doc").alias("j"))
    )
    found = linked.unionByName(all_pairs).distinct().localCheckpoint(eager=True)
    large = buckets.where(F.col("size") > cap).count()
    n_found = found.count()
    sig = reps.select("key", "sig", "n_shingles")
    joined = found.join(
        sig.select(
            F.col("key").alias("i"), F.col("sig").alias("sig_i"), F.col("n_shingles").alias("ns_i")
        ),
        "i",
    ).join(
        sig.select(
            F.col("key").alias("j"), F.col("sig").alias("sig_j"), F.col("n_shingles").alias("ns_j")
        ),
        "j",
    )
    kept = joined.select("i", "j", "sig_i", "sig_j", "ns_i", "ns_j").mapInArrow(
        partial(keep_by_estimate, settings=settings), "i long, j long"
    )
    counts = {
        "bands": bands,
        "rows": rows,
        "pairs_from_bands": n_found,
        "large_buckets_linked_to_head": large,
    }
    return BandPairs(kept, counts)
