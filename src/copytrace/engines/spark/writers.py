"""Outputs of a Spark run: matches, clusters and dropped documents as the local engine writes
them (JSON Lines made on the executors, in order, joined into one file), or as Parquet datasets.

A JSON line is made by the same `Match.to_dict` and `Cluster.to_dict` and the same serializer as
the local writers, so the files are byte for byte the local engine's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import orjson
import pyarrow as pa
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from copytrace.engines.spark.core import Cluster, Match, Member, Relation, Span
from copytrace.engines.spark.files import Files, join_path

_LINES = pa.schema([("value", pa.string())])


def match_of(row: dict[str, Any]) -> Match:
    """The Match of a stored match row."""
    spans = tuple(
        Span(s["a_start"], s["a_end"], s["b_start"], s["b_end"], s["similarity"])
        for s in row["spans"]
    )
    return Match(
        row["a"],
        row["b"],
        Relation(row["relation"]),
        row["jaccard"],
        row["cab"],
        row["cba"],
        spans,
        row["acov"],
        row["bcov"],
        row["source"],
        row["reason"],
    )


def match_lines(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Executor side: match rows to their lines of matches.jsonl."""
    for batch in batches:
        lines = [orjson.dumps(match_of(r).to_dict()).decode() for r in batch.to_pylist()]
        yield pa.RecordBatch.from_arrays([pa.array(lines, pa.string())], schema=_LINES)


def cluster_lines(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Executor side: cluster rows (members unsorted) to their lines of clusters.jsonl."""
    for batch in batches:
        lines = []
        for row in batch.to_pylist():
            members = sorted(row["members"], key=lambda m: m["key"])
            cluster = Cluster(
                row["cluster"],
                row["source_id"],
                tuple(Member(m["id"], m["relation"]) for m in members),
                row["reason"],
            )
            lines.append(orjson.dumps(cluster.to_dict()).decode())
        yield pa.RecordBatch.from_arrays([pa.array(lines, pa.string())], schema=_LINES)


def dropped_lines(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Executor side: dropped members to their lines of the dedup sidecar."""
    for batch in batches:
        lines = [
            orjson.dumps(
                {
                    "id": r["id"],
                    "duplicate_of": r["source_id"],
                    "relation": r["relation"],
                    "where": r["where"],
                }
            ).decode()
            for r in batch.to_pylist()
        ]
        yield pa.RecordBatch.from_arrays([pa.array(lines, pa.string())], schema=_LINES)


def _write_lines(files: Files, lines: DataFrame, target: str) -> None:
    """Write ordered lines as one file at `target` (part files joined in order)."""
    parts = f"{target}.parts"
    files.delete(parts)
    lines.write.option("lineSep", "\n").text(parts)
    files.join_parts(parts, target, ".txt")


def clusters_table(members: DataFrame) -> DataFrame:
    """One row per cluster: number, source id, reason and members (key, id, relation)."""
    return members.groupBy("cluster").agg(
        F.first("source_id").alias("source_id"),
        F.first("reason").alias("reason"),
        F.collect_list(F.struct("key", "id", "relation")).alias("members"),
    )


def _in_order(matches: DataFrame) -> DataFrame:
    """Matches in the local engine's order: exact copies by copy, then verified pairs by first
    and second document, rewrites last (held until all are known: `copytrace.frames`)."""
    return matches.orderBy("kind", F.col("relation") == Relation.REWRITE.value, "i", "j")


def write_matches_jsonl(files: Files, matches: DataFrame, target: str) -> None:
    """matches.jsonl, in the local engine's order (`_in_order`)."""
    lines = _in_order(matches).mapInArrow(match_lines, "value string")
    _write_lines(files, lines, target)


def write_clusters_jsonl(files: Files, members: DataFrame, target: str) -> None:
    """clusters.jsonl, by cluster number, members by reading order."""
    lines = clusters_table(members).orderBy("cluster").mapInArrow(cluster_lines, "value string")
    _write_lines(files, lines, target)


def write_dropped_jsonl(files: Files, members: DataFrame, target: str) -> None:
    """The dedup sidecar: every member but the source, by cluster then reading order."""
    dropped = members.where(F.col("key") != F.col("source")).orderBy("cluster", "key")
    lines = dropped.select("id", "source_id", "relation", "where").mapInArrow(
        dropped_lines, "value string"
    )
    _write_lines(files, lines, target)


def write_matches_parquet(matches: DataFrame, target: str) -> None:
    """matches as a Parquet dataset (exact scores, not rounded), in matches.jsonl's order."""
    _in_order(matches).select(
        "a",
        "b",
        "relation",
        "jaccard",
        F.col("cab").alias("containment_a_in_b"),
        F.col("cba").alias("containment_b_in_a"),
        F.col("acov").alias("a_coverage"),
        F.col("bcov").alias("b_coverage"),
        "source",
        F.col("reason").alias("source_reason"),
        "spans",
    ).write.mode("overwrite").parquet(target)


def write_clusters_parquet(members: DataFrame, target: str) -> None:
    """clusters as a Parquet dataset: cluster, source, source_reason, members (id, relation)."""
    table = clusters_table(members).select(
        "cluster",
        F.col("source_id").alias("source"),
        F.col("reason").alias("source_reason"),
        F.transform(
            F.array_sort("members"),
            lambda m: F.struct(m["id"].alias("id"), m["relation"].alias("relation")),
        ).alias("members"),
    )
    table.orderBy("cluster").write.mode("overwrite").parquet(target)


def write_json(files: Files, target: str, data: dict[str, Any]) -> None:
    """An indented JSON document, as the local engine writes summary.json."""
    text = json.dumps(data, indent=2, ensure_ascii=False).encode() + b"\n"
    files.write_bytes(target, text)


def output_paths(out: str, out_format: str) -> dict[str, str]:
    """Where a scan's outputs go."""
    ext = "jsonl" if out_format == "jsonl" else "parquet"
    return {
        "matches": join_path(out, f"matches.{ext}"),
        "clusters": join_path(out, f"clusters.{ext}"),
        "summary": join_path(out, "summary.json"),
    }
