"""The candidates stage: pairs from LSH bands (kept by their estimate) and, with passages, from
shared fingerprints and (the reworded path) from sentence keys; numbered in the order the local
engine verifies them (by first document, then second). With passages, the table of shared
fingerprints, and when it is too large to send to every executor, each first document's
entries of it; with the reworded path, the pairs only the sentence keys proposed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from copytrace.engines.spark.banding import band_pairs
from copytrace.engines.spark.core import Settings
from copytrace.engines.spark.options import SparkOptions
from copytrace.engines.spark.passages import fingerprint_pairs, frequency_by_document
from copytrace.engines.spark.ranks import ranked
from copytrace.engines.spark.sentences import sentence_pairs
from copytrace.engines.spark.stages import StageStore

STAGE = "candidates"


@dataclass(frozen=True)
class CandidateStage:
    """Candidate pairs (i, j, rank), the shared fingerprints (h, df) or None without passages,
    each first document's entries (doc, hh, hdf) when they were joined, the pairs (i, j) only
    the sentence keys proposed or None without them, and the counts."""

    pairs: DataFrame
    frequency: DataFrame | None
    hits: DataFrame | None
    sentences_only: DataFrame | None
    counts: dict[str, Any]


def _stage(store: StageStore, counts: dict[str, Any]) -> CandidateStage:
    frequency = store.read(STAGE, "frequency") if counts["frequency_rows"] is not None else None
    hits = store.read(STAGE, "hits") if counts["frequency_joined"] else None
    only = store.read(STAGE, "sentences_only") if counts.get("sentences") else None
    return CandidateStage(store.read(STAGE, "pairs"), frequency, hits, only, counts)


def run_candidates(
    spark: SparkSession,
    store: StageStore,
    docs: DataFrame,
    documents: int,
    settings: Settings,
    options: SparkOptions,
    describe: Callable[[str], None],
) -> CandidateStage:
    """Find and number the candidate pairs (or reuse an earlier run's stage)."""
    counts = store.done(STAGE)
    if counts is not None:
        return _stage(store, counts)
    store.begin(STAGE)
    reps = docs.where((F.col("rep") == F.col("key")) & (F.col("n_tokens") > 0))
    describe("candidates: LSH bands")
    bands = band_pairs(reps.select("key", "sig", "n_shingles"), settings)
    estimated = store.write(STAGE, "estimated", bands.pairs)
    counts = dict(bands.counts)
    counts["pairs_verified_exactly"] = estimated.count()
    pairs = estimated
    passages: dict[str, int] = {}
    counts["frequency_rows"] = None
    counts["frequency_joined"] = False
    if settings.passages:
        describe("candidates: passage fingerprints")
        found = fingerprint_pairs(reps.select("key", "thread", "fps"), settings)
        passages = dict(found.counts)
        frequency = store.write(STAGE, "frequency", found.frequency)
        counts["frequency_rows"] = passages["fingerprints_shared"]
        pairs = estimated.unionByName(found.pairs).distinct()
        if settings.reworded_candidates:
            describe("candidates: sentence keys")
            by_sentences = sentence_pairs(reps.select("key", "sks"), documents, settings)
            counts["sentences"] = by_sentences.keys > 0  # as locally: no keys, no path
            if counts["sentences"]:
                only = by_sentences.pairs.join(pairs, ["i", "j"], "left_anti")
                only = store.write(STAGE, "sentences_only", only)
                passages |= {
                    "sentence_keys": by_sentences.keys,
                    "pairs_from_sentences": by_sentences.pairs.count(),
                    "pairs_only_from_sentences": only.count(),
                }
                pairs = pairs.unionByName(by_sentences.pairs).distinct()
    describe("candidates: numbering pairs")
    numbered = store.write(STAGE, "pairs", ranked(spark, pairs, ["i", "j"]))
    if settings.passages:
        passages["pairs_verified_in_all"] = numbered.count()
        counts["frequency_joined"] = counts["frequency_rows"] > options.broadcast_fingerprints
        if counts["frequency_joined"]:
            describe("candidates: shared fingerprints of first documents")
            firsts = numbered.select(F.col("i").alias("key")).distinct().join(docs, "key")
            store.write(STAGE, "hits", frequency_by_document(firsts, frequency, settings))
    counts["pairs"] = numbered.count()
    counts["passages"] = passages
    store.files.delete(store.path(STAGE, "estimated"))
    store.finish(STAGE, counts)
    return _stage(store, counts)
