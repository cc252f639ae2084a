"""The Spark engine finds exactly what the local engine finds, on real text with made copies.

About 2,200 documents of ../shared/corpora (skipped when absent) with copies of every kind
(`spark_corpus`), in a JSON Lines file Spark reads in several splits and a gzip one: the local
engine's matches.jsonl and clusters.jsonl must come out of Spark (local[2]) byte for byte, and
its summary.json with the same counts; then `dedup` with Spark, reusing the scan's stages, must
drop the same documents; and with the reworded path on, both engines must find the same again.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import spark_corpus

import copytrace
import copytrace.spark

#: summary.json keys that say how a run went, not what it found (the local engine also says
#: where it kept its texts).
RUN_KEYS = ("timings_s", "jobs", "engine", "temporary_texts")


def _found(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in summary.items() if k not in RUN_KEYS}


@pytest.fixture(scope="module")
def runs(corpora: Path, spark: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The corpus scanned by both engines (on_error="skip": it has a malformed line and a
    duplicate id)."""
    root = tmp_path_factory.mktemp("equivalence")
    inputs = [str(p) for p in spark_corpus.write(spark_corpus.build(corpora), root / "in")]
    local = root / "local"
    copytrace.scan(inputs, on_error="skip", out=local)
    spark_run = copytrace.spark.scan(inputs, root / "spark", on_error="skip")
    return {
        "root": root,
        "inputs": inputs,
        "local": local,
        "spark": root / "spark",
        "run": spark_run,
    }


def test_the_corpus_has_every_kind_of_finding(runs: dict[str, Any]) -> None:
    summary = json.loads((runs["local"] / "summary.json").read_text())
    assert all(n > 0 for n in summary["matches"].values()), summary["matches"]
    assert summary["candidates"]["large_buckets_linked_to_head"] > 0
    assert summary["candidates"]["pairs_skipped_already_joined"] > 0
    assert summary["boilerplate"]["lines_marked"] > 0
    assert summary["records"]["skipped"] == 2 and summary["documents"]["empty"] == 2
    clusters = [json.loads(line) for line in (runs["local"] / "clusters.jsonl").open()]
    reasons = Counter(c["source_reason"] for c in clusters)
    assert set(reasons) == {"earliest date", "contains the others", "longest"}
    relations = Counter(m["relation"] for c in clusters for m in c["members"])
    assert {"exact", "near_duplicate", "contained", "linked", "source"} <= set(relations)


@pytest.mark.parametrize("name", ["matches.jsonl", "clusters.jsonl"])
def test_spark_writes_the_local_engines_file(runs: dict[str, Any], name: str) -> None:
    local = (runs["local"] / name).read_bytes()
    spark = (runs["spark"] / name).read_bytes()
    assert local.count(b"\n") > 100
    assert spark == local


def test_spark_counts_what_the_local_engine_counts(runs: dict[str, Any]) -> None:
    local = json.loads((runs["local"] / "summary.json").read_text())
    spark = json.loads((runs["spark"] / "summary.json").read_text())
    assert _found(spark) == _found(local)
    assert spark["engine"]["name"] == "spark" and spark["engine"]["stages_reused"] == []


def test_spark_dedup_drops_what_the_local_dedup_drops(runs: dict[str, Any]) -> None:
    root = runs["root"]
    local = copytrace.dedup(runs["inputs"], root / "local-dedup" / "clean.jsonl", on_error="skip")
    spark = copytrace.spark.dedup(
        runs["inputs"],
        root / "spark-dedup" / "clean.parquet",
        on_error="skip",
        work_dir=runs["spark"] / "_stages",  # the scan's stages: nothing is computed again
    )
    assert spark.summary["engine"]["stages_reused"] == [
        "sketches",
        "candidates",
        "verified",
        "clusters",
    ]
    assert (spark.kept, spark.dropped, spark.skipped) == (local.kept, local.dropped, local.skipped)
    assert Path(spark.dropped_list).read_bytes() == local.dropped_list.read_bytes()
    kept_local = [json.loads(line)["id"] for line in local.output.open()]
    assert pq.read_table(spark.output).column("id").to_pylist() == kept_local
    assert local.summary is not None
    local_summary = _found(json.loads(local.summary.read_text()))
    spark_summary = _found(json.loads(Path(spark.summary_path).read_text()))
    for summary in (local_summary, spark_summary):
        del summary["dedup"]["output"], summary["dedup"]["dropped_list"]
    assert spark_summary == local_summary


def test_the_reworded_path_finds_on_spark_what_it_finds_locally(runs: dict[str, Any]) -> None:
    """With the sentence keys on (`reworded_candidates`), Spark's word sample, keys, pairs and
    the stricter rule for pairs only the keys proposed give the local engine's outputs."""
    root, inputs = runs["root"], runs["inputs"]
    settings = copytrace.Settings(reworded_candidates=True)
    local, spark = root / "local-reworded", root / "spark-reworded"
    copytrace.scan(inputs, settings=settings, on_error="skip", out=local)
    copytrace.spark.scan(inputs, spark, settings=settings, on_error="skip")
    for name in ("matches.jsonl", "clusters.jsonl"):
        assert (spark / name).read_bytes() == (local / name).read_bytes()
    local_summary = _found(json.loads((local / "summary.json").read_text()))
    assert local_summary["passages"]["pairs_only_from_sentences"] > 0
    assert local_summary["passages"]["matches_only_from_sentences"] > 0
    assert _found(json.loads((spark / "summary.json").read_text())) == local_summary
