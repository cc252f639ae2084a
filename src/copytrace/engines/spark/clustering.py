"""The clusters stage: each component of whole-document matches becomes a cluster, with its
source chosen by `cluster.choose_source` and each member's relation to it, numbered in the local
engine's order (by smallest member).

A member's relation is `exact` when it has the source's text, else the relation of the verified
match between the first documents of the two texts, else what verifying that pair finds (texts
joined in, as for candidate pairs), else `linked`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from copytrace.engines.spark.core import (
    LINKED,
    SOURCE,
    WHOLE_DOCUMENT,
    Relation,
    Settings,
    choose_source,
    verify_pair,
)
from copytrace.engines.spark.matching import VerifiedStage
from copytrace.engines.spark.ranks import ranked
from copytrace.engines.spark.runs import Runs
from copytrace.engines.spark.stages import StageStore
from copytrace.engines.spark.verifying import ShingleSets

STAGE = "clusters"

_SOURCES = pa.schema([("label", pa.int64()), ("source", pa.int64()), ("reason", pa.string())])


def choose_sources(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Executor side: members (label, node, date, n_tokens, contains) sorted by component and
    node within their partition to each component's source, chosen by `choose_source` (ties go
    to the member read first: the smallest node)."""
    runs = Runs()

    def sources(found: Iterator[tuple[tuple[int, ...], np.ndarray]]) -> pa.RecordBatch:
        out: list[dict[str, Any]] = []
        for (label,), rows in found:
            nodes, dates, lengths, counts = (rows[:, c].tolist() for c in range(4))
            choice = choose_source(range(len(nodes)), dates, lengths, counts)
            out.append({"label": label, "source": nodes[choice.index], "reason": choice.reason})
        return pa.RecordBatch.from_pylist(out, schema=_SOURCES)

    for batch in batches:
        data = batch.to_pydict()
        rows = np.empty((batch.num_rows, 4), dtype=object)
        for c, name in enumerate(("node", "date", "n_tokens", "contains")):
            rows[:, c] = data[name]
        labels = batch.column("label").to_numpy()
        yield sources(runs.complete([labels], rows, least=1))
    yield sources(runs.finish(least=1))


def relation_rows(
    batches: Iterator[pa.RecordBatch], settings: Settings
) -> Iterator[pa.RecordBatch]:
    """Executor side: the relation of each (first text of a member, first text of its source)
    with no verified match between them, as the local engine finds it."""
    sets = ShingleSets(settings)
    for batch in batches:
        found: list[str] = []
        for row in batch.to_pylist():
            a = sets.get(row["rx"], row["text_x"], row["ex0_x"], row["ex1_x"])
            b = sets.get(row["rs"], row["text_s"], row["ex0_s"], row["ex1_s"])
            match = verify_pair(row["id_x"], a, row["id_s"], b, settings)
            whole = match is not None and match.relation in WHOLE_DOCUMENT
            found.append(match.relation.value if whole and match is not None else LINKED)
        yield pa.RecordBatch.from_arrays(
            [batch.column("x"), pa.array(found, pa.string())], names=["x", "relation"]
        )


@dataclass(frozen=True)
class ClusterStage:
    """Members (cluster, key, id, where, relation, source, source_id, reason) and the counts."""

    members: DataFrame
    counts: dict[str, Any]


def _unknown_relations(unknown: DataFrame, docs: DataFrame, settings: Settings) -> DataFrame:
    side = docs.select("key", "id", "stext", "ex0", "ex1")

    def named(key: str, suffix: str) -> DataFrame:
        return side.select(
            F.col("key").alias(key),
            F.col("id").alias(f"id_{suffix}"),
            F.col("stext").alias(f"text_{suffix}"),
            F.col("ex0").alias(f"ex0_{suffix}"),
            F.col("ex1").alias(f"ex1_{suffix}"),
        )

    rows = unknown.select("x", "rx", "rs").join(named("rx", "x"), "rx").join(named("rs", "s"), "rs")
    return rows.mapInArrow(partial(relation_rows, settings=settings), "x long, relation string")


def run_clusters(
    spark: SparkSession,
    store: StageStore,
    docs: DataFrame,
    verified: VerifiedStage,
    settings: Settings,
    describe: Callable[[str], None],
) -> ClusterStage:
    """Sources, member relations and numbers of the clusters (or reuse the stage)."""
    counts = store.done(STAGE)
    if counts is not None:
        return ClusterStage(store.read(STAGE, "members"), counts)
    store.begin(STAGE)
    describe("clusters: sources")
    facts = docs.select(F.col("key").alias("node"), "id", "where", "date", "n_tokens", "rep")
    members = (
        verified.labels.join(facts, "node")
        .join(verified.contains.withColumnRenamed("doc", "node"), "node", "left")
        .withColumn("contains", F.coalesce(F.col("contains"), F.lit(0)))
    )
    members = store.write(STAGE, "facts", members)
    sources = (
        members.select("label", "node", "date", "n_tokens", "contains")
        .repartition("label")
        .sortWithinPartitions("label", "node")
        .mapInArrow(choose_sources, "label long, source long, reason string")
    )
    numbered = store.write(STAGE, "sources", ranked(spark, sources, ["label"], "cluster"))
    describe("clusters: member relations")
    rep_of = facts.select(F.col("node").alias("source"), F.col("rep").alias("rs"))
    placed = (
        members.join(numbered, "label")
        .join(rep_of, "source")
        .select(
            "cluster",
            F.col("node").alias("x"),
            F.col("rep").alias("rx"),
            "rs",
            "source",
            "reason",
        )
    )
    edges = verified.edges.select(
        F.least("i", "j").alias("lo"),
        F.greatest("i", "j").alias("hi"),
        F.col("relation").alias("known"),
    )
    placed = placed.join(
        edges,
        (F.least("rx", "rs") == F.col("lo")) & (F.greatest("rx", "rs") == F.col("hi")),
        "left",
    )
    relation = (
        F.when(F.col("x") == F.col("source"), F.lit(SOURCE))
        .when(F.col("rx") == F.col("rs"), F.lit(Relation.EXACT.value))
        .otherwise(F.col("known"))
    )
    placed = store.write(
        STAGE, "placed", placed.withColumn("relation", relation).drop("lo", "hi", "known")
    )
    unknown = placed.where(F.col("relation").isNull())
    found = _unknown_relations(unknown, docs, settings).withColumnRenamed("relation", "found")
    source_ids = facts.select(F.col("node").alias("source"), F.col("id").alias("source_id"))
    result = (
        placed.join(found, "x", "left")
        .withColumn("relation", F.coalesce("relation", "found"))
        .join(facts.select(F.col("node").alias("x"), "id", "where"), "x")
        .join(source_ids, "source")
        .select(
            "cluster",
            F.col("x").alias("key"),
            "id",
            "where",
            "relation",
            "source",
            "source_id",
            "reason",
        )
    )
    result = store.write(STAGE, "members", result)
    sizes = (
        result.groupBy("cluster")
        .count()
        .agg(
            F.count("*").alias("clusters"),
            F.sum("count").alias("members"),
            F.max("count").alias("largest"),
        )
        .first()
    )
    assert sizes is not None
    counts = {
        "clusters": int(sizes["clusters"]),
        "in_clusters": int(sizes["members"] or 0),
        "largest_cluster": int(sizes["largest"] or 0),
    }
    for dataset in ("facts", "placed", "sources"):
        store.files.delete(store.path(STAGE, dataset))
    store.finish(STAGE, counts)
    return ClusterStage(store.read(STAGE, "members"), counts)
