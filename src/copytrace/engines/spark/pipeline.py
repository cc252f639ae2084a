"""A scan as Spark jobs: the four named stages in order, then the summary.

Each stage's Spark jobs run in a job group named after the stage, so the Spark UI, its REST API
and event logs attribute their time and shuffle bytes to it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pyspark.sql import SparkSession

from copytrace.engines.spark.candidates import run_candidates
from copytrace.engines.spark.clustering import ClusterStage, run_clusters
from copytrace.engines.spark.core import ReadOptions, Settings, __version__
from copytrace.engines.spark.files import Files
from copytrace.engines.spark.inputs import InputFile, list_inputs
from copytrace.engines.spark.matching import VerifiedStage, run_verified
from copytrace.engines.spark.options import SparkOptions
from copytrace.engines.spark.sketching import SketchStage, run_sketches
from copytrace.engines.spark.stages import STAGES, StageStore, identity_of
from copytrace.engines.spark.summary import build_summary


@dataclass(frozen=True)
class SparkRun:
    """What the stages of a run give: documents, matches and clusters, and the summary."""

    sketches: SketchStage
    verified: VerifiedStage
    clusters: ClusterStage
    summary: dict[str, Any]
    files: list[InputFile]
    store: StageStore


def run_identity(
    files: list[InputFile], settings: Settings, read: ReadOptions, on_error: str
) -> tuple[str, str]:
    """What decides a run's stages: a fingerprint of the settings, reading options and
    copytrace's version; and an identity of the input files (paths, sizes, modification times)."""
    fingerprint = identity_of(
        {
            "settings": settings.to_dict(),
            "id_field": read.id_field,
            "text_field": read.text_field,
            "on_error": on_error,
            "copytrace": __version__,
        }
    )
    inputs = identity_of({"inputs": [(f.key, f.size, f.mtime, f.input_index) for f in files]})
    return fingerprint, inputs


def run_stages(
    spark: SparkSession,
    inputs: Sequence[str],
    work_dir: str,
    settings: Settings,
    options: SparkOptions,
    read: ReadOptions,
    on_error: str,
) -> SparkRun:
    """Run (or resume) the sketches, candidates, verified and clusters stages."""
    sc = spark.sparkContext
    files = Files(spark)
    listed, ignored = list_inputs(files, inputs)
    store = StageStore(spark, files, work_dir, *run_identity(listed, settings, read, on_error))
    timings: dict[str, float] = {}

    def in_group(stage: str) -> Callable[[str], None]:
        def describe(what: str) -> None:
            sc.setJobGroup(stage, what)

        describe(stage)
        return describe

    t = time.perf_counter()
    sketches = run_sketches(
        spark,
        store,
        listed,
        read,
        settings,
        on_error,
        in_group(STAGES[0]),
        options.broadcast_chrome,
    )
    timings["sketches"] = time.perf_counter() - t
    t = time.perf_counter()
    candidates = run_candidates(
        spark,
        store,
        sketches.docs,
        int(sketches.counts["documents"]),
        settings,
        options,
        in_group(STAGES[1]),
    )
    timings["candidates"] = time.perf_counter() - t
    t = time.perf_counter()
    documents = int(sketches.counts["nonempty"])
    verified = run_verified(
        spark, store, sketches.docs, candidates, documents, settings, options, in_group(STAGES[2])
    )
    timings["verified"] = time.perf_counter() - t
    t = time.perf_counter()
    clusters = run_clusters(spark, store, sketches.docs, verified, settings, in_group(STAGES[3]))
    timings["clusters"] = time.perf_counter() - t
    timings["total"] = sum(timings.values())
    sc.setJobGroup("outputs", "writing outputs")
    summary = build_summary(
        sketches.counts,
        candidates.counts,
        verified.counts,
        clusters.counts,
        settings,
        timings,
        sc.defaultParallelism,
        ignored,
    )
    summary["engine"] = {
        "name": "spark",
        "spark_version": spark.version,
        "master": sc.master,
        "work_dir": work_dir,
        "stages_reused": [s for s in STAGES if store.reused.get(s)],
        "verify_rounds": verified.counts["rounds"],
        "pairs_verified_by_spark": verified.counts["pairs_verified_by_spark"],
    }
    return SparkRun(sketches, verified, clusters, summary, listed, store)
