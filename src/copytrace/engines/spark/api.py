"""The Spark engine's jobs, as the Python API and the command line call them: scan and dedup.

Paths may be local paths or any Hadoop-compatible URI. Outputs that name a local directory are
checked before any work, and a failed run leaves no empty output directory behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copytrace.engines.spark.core import (
    InputError,
    ReadOptions,
    Settings,
    dropped_path_for,
    ensure_kernels,
    jobs_used_for,
    make_out_dir,
    remove_if_empty,
    summary_path_for,
)
from copytrace.engines.spark.options import OutputFormat, SparkOptions
from copytrace.engines.spark.session import require_pyspark, spark_session

PathLike = str | Path


@dataclass(frozen=True)
class SparkScanResult:
    """What a Spark scan wrote: the summary, and where matches, clusters and summary are."""

    summary: dict[str, Any]
    matches: str
    clusters: str
    summary_path: str


@dataclass(frozen=True)
class SparkDedupResult:
    """What a Spark dedup wrote, and its counts: every record kept, dropped or skipped."""

    kept: int
    dropped: int
    skipped: int
    output: str
    dropped_list: str
    summary_path: str
    summary: dict[str, Any]


def _name(path: PathLike) -> str:
    """A path as given (a URI stays as it is; a local path as pathlib spells it)."""
    from copytrace.engines.spark.files import has_scheme

    text = str(path)
    return text if has_scheme(text) else str(Path(text))


def _inputs(inputs: PathLike | Sequence[PathLike]) -> list[str]:
    if isinstance(inputs, str | Path):
        return [_name(inputs)]
    return [_name(p) for p in inputs]


def _check(on_error: str) -> None:
    if on_error not in ("fail", "skip"):
        raise InputError(f"on_error must be 'fail' or 'skip'; got {on_error!r}.")


def _local_dir(path: str, option: str) -> list[Path]:
    """Check and create a local output directory (nothing for a URI)."""
    from copytrace.engines.spark.files import has_scheme

    return [] if has_scheme(path) else make_out_dir(Path(path), option)


def scan(
    inputs: PathLike | Sequence[PathLike],
    out: PathLike,
    settings: Settings | None = None,
    *,
    options: SparkOptions | None = None,
    out_format: OutputFormat = "jsonl",
    work_dir: PathLike | None = None,
    on_error: str = "fail",
    id_field: str = "id",
    text_field: str = "text",
    jobs: int | None = None,
) -> SparkScanResult:
    """Scan JSON Lines or Parquet inputs as Spark jobs; write matches, clusters and summary.json
    into `out` (JSON Lines, as the local engine writes them, or Parquet datasets).

    Resumable stages go to `work_dir` (default: `out`/_stages). Uses the active SparkSession
    if there is one, else starts one from `options` (and stops it after).
    """
    require_pyspark()
    from copytrace.engines.spark.files import Files, join_path
    from copytrace.engines.spark.pipeline import run_stages
    from copytrace.engines.spark.writers import (
        output_paths,
        write_clusters_jsonl,
        write_clusters_parquet,
        write_json,
        write_matches_jsonl,
        write_matches_parquet,
    )

    _check(on_error)
    settings = settings or Settings()
    options = options or SparkOptions()
    names = _inputs(inputs)
    out_name = _name(out)
    created = _local_dir(out_name, "--out")
    try:
        ensure_kernels(jobs_used_for(jobs))  # before Spark starts: compiled once per install
        with spark_session(options, jobs) as spark:
            files = Files(spark)
            stages = _name(work_dir) if work_dir is not None else join_path(out_name, "_stages")
            run = run_stages(
                spark,
                names,
                stages,
                settings,
                options,
                ReadOptions(id_field, text_field),
                on_error,
            )
            paths = output_paths(out_name, out_format)
            matches, members = run.verified.matches, run.clusters.members
            if out_format == "jsonl":
                write_matches_jsonl(files, matches, paths["matches"])
                write_clusters_jsonl(files, members, paths["clusters"])
            else:
                write_matches_parquet(matches, paths["matches"])
                write_clusters_parquet(members, paths["clusters"])
            summary = run.summary
            summary["inputs"] = names
            write_json(files, paths["summary"], summary)
    except BaseException:
        remove_if_empty(created)
        raise
    return SparkScanResult(summary, paths["matches"], paths["clusters"], paths["summary"])


def _beside(output: str, name: str) -> str:
    """A path next to `output`."""
    return f"{output.rstrip('/').rsplit('/', 1)[0]}/{name}" if "/" in output else name


def dedup(
    inputs: PathLike | Sequence[PathLike],
    output: PathLike,
    settings: Settings | None = None,
    *,
    dropped_list: PathLike | None = None,
    summary: PathLike | None = None,
    options: SparkOptions | None = None,
    work_dir: PathLike | None = None,
    on_error: str = "fail",
    id_field: str = "id",
    text_field: str = "text",
    jobs: int | None = None,
) -> SparkDedupResult:
    """Write the inputs keeping one document per cluster (its source) as a Parquet dataset at
    `output` (a name ending in .parquet), and list the dropped documents (`dropped_list`,
    default: output's stem + .dropped.jsonl) with a summary (default: stem + .summary.json).
    """
    require_pyspark()
    from pyspark.sql import functions as F

    from copytrace.engines.spark.corpus import write_corpus
    from copytrace.engines.spark.files import Files
    from copytrace.engines.spark.pipeline import run_stages
    from copytrace.engines.spark.writers import write_dropped_jsonl, write_json

    _check(on_error)
    settings = settings or Settings()
    options = options or SparkOptions()
    names = _inputs(inputs)
    target = _name(output)
    if not target.lower().rstrip("/").endswith(".parquet"):
        raise InputError(
            f"{target}: the Spark engine writes the deduplicated corpus as Parquet; name the "
            "output ....parquet."
        )
    stem = target.rstrip("/").rsplit("/", 1)[-1].split(".")[0] or "output"
    sidecar = _name(dropped_list) if dropped_list is not None else None
    summary_file = _name(summary) if summary is not None else None
    if sidecar is None:
        sidecar = (
            str(dropped_path_for(Path(target)))
            if "://" not in target
            else _beside(target, f"{stem}.dropped.jsonl")
        )
    if summary_file is None:
        summary_file = (
            str(summary_path_for(Path(target)))
            if "://" not in target
            else _beside(target, f"{stem}.summary.json")
        )
    if target in names:
        raise InputError(f"{target}: the output would overwrite an input.")
    ensure_kernels(jobs_used_for(jobs))
    with spark_session(options, jobs) as spark:
        files = Files(spark)
        stages = _name(work_dir) if work_dir is not None else _beside(target, f".{stem}.stages")
        run = run_stages(
            spark,
            names,
            stages,
            settings,
            options,
            ReadOptions(id_field, text_field),
            on_error,
        )
        members = run.clusters.members
        dropped = members.where(F.col("key") != F.col("source"))
        drop = dropped.select("key").unionByName(run.sketches.bad.select("key"))
        tmp = _beside(target, f".{stem}.parquet.tmp")
        kept = write_corpus(spark, run.files, drop, tmp)
        write_dropped_jsonl(files, members, sidecar)
        result = run.summary
        result["inputs"] = names
        n_dropped = int(run.clusters.counts["in_clusters"]) - int(run.clusters.counts["clusters"])
        result["dedup"] = {
            "output": target,
            "dropped_list": sidecar,
            "kept": kept,
            "dropped": n_dropped,
            "skipped": int(run.sketches.counts["skipped"]),
            "passed_through": 0,
        }
        write_json(files, summary_file, result)
        files.delete(target)
        files.rename(tmp, target)
    return SparkDedupResult(
        kept,
        n_dropped,
        int(run.sketches.counts["skipped"]),
        target,
        sidecar,
        summary_file,
        result,
    )
