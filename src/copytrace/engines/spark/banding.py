"""Candidate pairs from LSH bands as DataFrame shuffles, with the local engine's bucket cap.

Each distinct document's signature gives one key per band (the local kernel's key, over the
same low 32 bits of each value). The local engine groups the keys of BANDS_PER_PASS bands at a
time and takes each set of equal keys as a bucket, so a bucket here is a (pass, key): the keys
are shuffled by bucket and sorted, and each bucket makes its pairs as it streams past, as the
local kernel makes them: all of them when it has at most `max_bucket` documents, else every
member with its first document (memory holds one bucket, pairs stay linear in its size). Pairs
are then kept when their signature estimate reaches their floor.
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
from copytrace.engines.spark.runs import Runs

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
    """Candidate pairs of the distinct documents (key, sig, n_shingles) sharing a band: the
    band keys shuffled by bucket and sorted, each bucket's pairs made as it streams past."""
    bands, rows = choose_banding(settings)
    keys = reps.select("key", "sig").mapInArrow(
        partial(emit_band_keys, settings=settings), "pass int, bkey long, doc long"
    )
    made = (
        keys.repartition("pass", "bkey")
        .sortWithinPartitions("pass", "bkey", "doc")
        .mapInArrow(partial(bucket_pairs, cap=settings.max_bucket), "i long, j long")
        .localCheckpoint(eager=True)
    )
    large = made.where(F.col("i") < 0).count()
    found = made.where(F.col("i") >= 0).distinct().localCheckpoint(eager=True)
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


_PAIRS = pa.schema([("i", pa.int64()), ("j", pa.int64())])


def _run_pairs(docs: np.ndarray, cap: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs one bucket makes, as `lsh._emit_bucket` makes them: all of them (smaller
    document first) when it has at most `cap` documents, else each one with the smallest."""
    if docs.shape[0] > cap:
        head = docs.min()
        others = docs[docs != head]
        return np.full(others.shape[0], head, dtype=np.int64), others
    a, b = np.triu_indices(docs.shape[0], 1)
    return np.minimum(docs[a], docs[b]), np.maximum(docs[a], docs[b])


def bucket_pairs(batches: Iterator[pa.RecordBatch], cap: int) -> Iterator[pa.RecordBatch]:
    """Executor side: rows (pass, bkey, doc) sorted by bucket within their partition to the
    pairs (i, j) of each bucket of two documents or more, and a row (-1, size) for each bucket
    above the cap."""
    runs = Runs()

    def pairs_of(found: Iterator[tuple[tuple[int, ...], np.ndarray]]) -> pa.RecordBatch | None:
        out_i: list[np.ndarray] = []
        out_j: list[np.ndarray] = []
        for _, docs in found:
            i, j = _run_pairs(docs, cap)
            out_i.append(i)
            out_j.append(j)
            if docs.shape[0] > cap:
                out_i.append(np.array([-1], dtype=np.int64))
                out_j.append(np.array([docs.shape[0]], dtype=np.int64))
        if not out_i:
            return None
        return pa.RecordBatch.from_arrays(
            [pa.array(np.concatenate(out_i)), pa.array(np.concatenate(out_j))], schema=_PAIRS
        )

    for batch in batches:
        keys = [batch.column("pass").to_numpy().astype(np.int64), batch.column("bkey").to_numpy()]
        found = pairs_of(runs.complete(keys, batch.column("doc").to_numpy()))
        if found is not None:
            yield found
    found = pairs_of(runs.finish())
    if found is not None:
        yield found
