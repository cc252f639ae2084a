"""The verified stage: exact copies as matches, candidate pairs verified (in rounds), the pairs
the local engine would leave unverified taken out, and what clustering needs: the components of
the whole-document matches, their relations and how many others each document contains.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from copytrace.engines.spark.candidates import CandidateStage
from copytrace.engines.spark.components import components
from copytrace.engines.spark.core import (
    CHUNK_PAIRS,
    LAG,
    WHOLE_DOCUMENT,
    FingerprintFrequency,
    HeldRewrite,
    Match,
    Relation,
    Settings,
    Span,
    orient,
    recurring_frames,
    recurring_regions,
    shingle_text,
)
from copytrace.engines.spark.options import SparkOptions
from copytrace.engines.spark.passages import frequency_arrays
from copytrace.engines.spark.skips import large_components, skipped_pairs
from copytrace.engines.spark.stages import StageStore
from copytrace.engines.spark.verifying import (
    CHECKED_DDL,
    CHECKED_SCHEMA,
    match_row,
    shared_table,
    verify_pairs,
)
from copytrace.engines.spark.writers import match_of

STAGE = "verified"
#: Relations that join clusters, as names.
WHOLE = sorted(r.value for r in WHOLE_DOCUMENT)
#: `kind` of a match row: an exact copy (listed first, by the copy) or a verified pair.
EXACT_COPY, PAIR = 0, 1


def exact_copy_rows(
    batches: Iterator[pa.RecordBatch], settings: Settings
) -> Iterator[pa.RecordBatch]:
    """Executor side: each exact copy's match with the first document of its text, as the
    local engine makes it."""
    for batch in batches:
        out: list[dict[str, Any]] = []
        for row in batch.to_pylist():
            where = Span(row["s0"], row["s1"], row["r0"], row["r1"], 1.0)
            copy = Match(row["a"], row["b"], Relation.EXACT, 1.0, 1.0, 1.0, (where,), 1.0, 1.0)
            found = match_row(orient(copy, row["date_a"], row["date_b"], settings))
            found.update(i=row["i"], j=row["j"], rank=-1, a=row["a"], b=row["b"])
            out.append(found)
        yield pa.RecordBatch.from_pylist(out, schema=CHECKED_SCHEMA)


def exact_copies(docs: DataFrame, settings: Settings) -> DataFrame:
    """Matches of every exact copy with the first document of its text."""
    copies = docs.where((F.col("n_tokens") > 0) & (F.col("rep") != F.col("key"))).select(
        F.col("key").alias("i"),
        F.col("rep").alias("j"),
        F.col("id").alias("a"),
        F.col("date").alias("date_a"),
        F.col("span0").alias("s0"),
        F.col("span1").alias("s1"),
    )
    firsts = docs.select(
        F.col("key").alias("j"),
        F.col("id").alias("b"),
        F.col("date").alias("date_b"),
        F.col("span0").alias("r0"),
        F.col("span1").alias("r1"),
    )
    rows = copies.join(firsts, "j")
    return rows.mapInArrow(partial(exact_copy_rows, settings=settings), CHECKED_DDL)


def exact_edges(docs: DataFrame) -> DataFrame:
    """(u, v) of every exact copy and its first document."""
    return docs.where((F.col("n_tokens") > 0) & (F.col("rep") != F.col("key"))).select(
        F.col("key").alias("u"), F.col("rep").alias("v")
    )


def whole_edges(checked: DataFrame) -> DataFrame:
    """(u, v) of every verified whole-document match."""
    return checked.where(F.col("relation").isin(*WHOLE)).select(
        F.col("i").alias("u"), F.col("j").alias("v")
    )


@dataclass(frozen=True)
class VerifiedStage:
    """Matches (kind, i, j, rank, a, b and the match's columns), whole-document edges
    (i, j, relation), containment counts (doc, contains), component labels (node, label) of the
    clusters, and the counts."""

    matches: DataFrame
    edges: DataFrame
    contains: DataFrame
    labels: DataFrame
    counts: dict[str, Any]


def _read(store: StageStore, counts: dict[str, Any]) -> VerifiedStage:
    return VerifiedStage(
        store.read(STAGE, "matches"),
        store.read(STAGE, "edges"),
        store.read(STAGE, "contains"),
        store.read(STAGE, "labels"),
        counts,
    )


class _Checkpoints:
    """Rounds of the components written as Parquet in the stage (they survive lost executors),
    deleted when the stage is done."""

    def __init__(self, store: StageStore) -> None:
        self.store = store
        self.names: list[str] = []

    def __call__(self, df: DataFrame) -> DataFrame:
        """Write one round's edges and read them back."""
        self.names.append(f"components-{len(self.names)}")
        return self.store.write(STAGE, self.names[-1], df)

    def clear(self) -> None:
        """Delete every round written."""
        for name in self.names:
            self.store.files.delete(self.store.path(STAGE, name))
        self.names = []


def _left_out(pairs: DataFrame, labels: DataFrame) -> DataFrame:
    """The pairs whose documents are in one large component of `labels`."""
    big = large_components(labels)
    li = big.select(F.col("node").alias("i"), "label")
    lj = big.select(F.col("node").alias("j"), F.col("label").alias("label_j"))
    return (
        pairs.join(li, "i").join(lj, "j").where(F.col("label") == F.col("label_j")).select("i", "j")
    )


def _recurring_frames(
    spark: SparkSession, kept: DataFrame, docs: DataFrame, settings: Settings
) -> DataFrame:
    """The pairs (i, j) of the rewrites that are recurring frames (`copytrace.frames`), found
    on the driver: rewrites are a small share of the matches, and only the documents of those
    whose regions recur are shingled again."""
    rows = kept.where(F.col("relation") == Relation.REWRITE.value).collect()
    held = [HeldRewrite(r["i"], r["j"], match_of(r.asDict(recursive=True))) for r in rows]
    keys = sorted({k for m in recurring_regions(held).tolist() for k in (held[m].i, held[m].j)})
    texts: dict[int, str] = {}
    if keys:
        wanted = spark.createDataFrame([(k,) for k in keys], "key long")
        for r in docs.select("key", "stext").join(wanted, "key").collect():
            texts[r["key"]] = r["stext"]
    shingled = lru_cache(maxsize=None)(lambda k: shingle_text(texts[k], settings))
    frames = recurring_frames(held, shingled)
    pairs = [(h.i, h.j) for h, frame in zip(held, frames.tolist(), strict=True) if frame]
    return spark.createDataFrame(pairs, "i long, j long")


def run_verified(
    spark: SparkSession,
    store: StageStore,
    docs: DataFrame,
    candidates: CandidateStage,
    documents: int,
    settings: Settings,
    options: SparkOptions,
    describe: Callable[[str], None],
) -> VerifiedStage:
    """Verify the candidate pairs and keep what the local engine keeps (or reuse the stage)."""
    counts = store.done(STAGE)
    if counts is not None:
        return _read(store, counts)
    store.begin(STAGE)
    shared: Callable[[], Any] | None = None
    hits = candidates.hits
    if candidates.frequency is not None and hits is None:
        hashes, df = frequency_arrays(candidates.frequency)
        sc = spark.sparkContext
        shared = partial(shared_table, sc.broadcast(hashes), sc.broadcast(df), uuid.uuid4().hex)
    elif candidates.frequency is None:
        shared = FingerprintFrequency.empty
    pairs = candidates.pairs
    copies = exact_edges(docs)
    n_pairs = int(candidates.counts["pairs"])
    n_chunks = max(math.ceil(n_pairs / CHUNK_PAIRS), 1)
    rounds = min(options.verify_rounds, n_chunks)
    per_round = math.ceil(n_chunks / rounds)
    checked_path = store.path(STAGE, "checked")
    rounds_written = _Checkpoints(store)
    for r in range(rounds):
        describe(f"verified: verifying pairs (round {r + 1} of {rounds})")
        first, last = r * per_round, min((r + 1) * per_round, n_chunks)
        chunk = F.floor(F.col("rank") / CHUNK_PAIRS)
        todo = pairs.where((chunk >= first) & (chunk < last))
        if r > 0:
            # Pairs inside a large component of the matches of the chunks LAG before this
            # round's first are skipped by the local engine too: leave them out.
            done = spark.read.parquet(checked_path)
            known = done.where(F.floor(F.col("rank") / CHUNK_PAIRS) <= first - LAG)
            state = components(copies.unionByName(whole_edges(known)), rounds_written)
            todo = todo.join(_left_out(todo, state), ["i", "j"], "left_anti")
        found = verify_pairs(
            todo, docs, settings, documents, shared, hits, candidates.sentences_only
        )
        found.write.mode("append").parquet(checked_path)
    checked = spark.read.parquet(checked_path)
    describe("verified: components")
    final = components(copies.unionByName(whole_edges(checked)), rounds_written)
    labels = store.write(STAGE, "labels", final)
    skipped = spark.createDataFrame([], "i long, j long")
    big = large_components(labels)
    if not big.isEmpty():
        describe("verified: pairs inside large clusters")
        skipped = skipped_pairs(pairs, checked, docs.select("key", "rep"), big, WHOLE)
    skipped = store.write(STAGE, "skipped", skipped)
    kept = checked.where(F.col("relation").isNotNull()).join(skipped, ["i", "j"], "left_anti")
    describe("verified: recurring frames")
    frames = _recurring_frames(spark, kept, docs, settings)
    kept = kept.join(frames, ["i", "j"], "left_anti")
    matches = (
        exact_copies(docs, settings)
        .withColumn("kind", F.lit(EXACT_COPY))
        .unionByName(kept.withColumn("kind", F.lit(PAIR)))
    )
    matches = store.write(STAGE, "matches", matches)
    pair_matches = matches.where(F.col("kind") == PAIR)
    store.write(
        STAGE,
        "edges",
        pair_matches.where(F.col("relation").isin(*WHOLE)).select("i", "j", "relation"),
    )
    contained = pair_matches.where(F.col("relation") == Relation.CONTAINED.value)
    store.write(
        STAGE,
        "contains",
        contained.where(F.col("cab") >= settings.containment)
        .select(F.col("j").alias("doc"))
        .unionByName(
            contained.where(F.col("cba") >= settings.containment).select(F.col("i").alias("doc"))
        )
        .groupBy("doc")
        .agg(F.count("*").cast("int").alias("contains")),
    )
    rounds_written.clear()
    by_relation = {r.value: 0 for r in Relation}
    for relation, n in matches.groupBy("relation").count().collect():
        by_relation[relation] = int(n)
    counts = {
        "matches": by_relation,
        "rewrites_taken_for_recurring_frames": frames.count(),
        "pairs_skipped_already_joined": skipped.count(),
        "pairs_verified_by_spark": checked.count(),
        "rounds": rounds,
    }
    if candidates.sentences_only is not None:
        counts["matches_only_from_sentences"] = kept.join(
            candidates.sentences_only, ["i", "j"]
        ).count()
    store.finish(STAGE, counts)
    return _read(store, counts)
