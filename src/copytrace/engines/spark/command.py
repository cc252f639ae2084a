"""`copytrace scan|dedup --engine spark`: the command line's options to the Spark engine's jobs,
and the line the command prints. The command line itself only parses and prints."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from copytrace.engines.spark.core import Settings
from copytrace.engines.spark.options import spark_options_from


@dataclass(frozen=True)
class Done:
    """What a command prints: the summary (for warnings), where it is, and the last line."""

    summary: dict[str, Any]
    summary_path: str
    message: str


def _unsupported(kw: dict[str, Any]) -> None:
    if kw.get("encoding"):
        raise click.UsageError(
            "--encoding applies to text, HTML and CSV files; --engine spark reads JSON Lines "
            "and Parquet (always UTF-8)."
        )


def spark_scan(
    inputs: list[Path], out: Path, html_report: Path | None, settings: Settings, kw: dict[str, Any]
) -> Done:
    """Run `scan` with the Spark engine."""
    from copytrace.engines.spark.api import scan

    if html_report is not None:
        raise click.UsageError("--report needs --engine local (the report reads texts locally).")
    _unsupported(kw)
    result = scan(
        [str(p) for p in inputs],
        str(out),
        settings,
        options=spark_options_from(kw),
        out_format=kw.get("out_format") or "jsonl",
        work_dir=kw.get("work_dir"),
        on_error=kw["on_error"],
        id_field=kw["id_field"],
        text_field=kw["text_field"],
        jobs=kw.get("jobs") or None,
    )
    s = result.summary
    n_matches = sum(s["matches"].values())
    rel = ", ".join(f"{v} {k}" for k, v in s["matches"].items() if v)
    wrote = ", ".join(Path(p).name for p in (result.matches, result.clusters, result.summary_path))
    message = (
        f"{s['records']['documents']} documents: {n_matches} matches ({rel or 'none'}), "
        f"{s['clusters']} clusters. Wrote {out}/{wrote}."
    )
    return Done(s, result.summary_path, message)


def spark_dedup(
    inputs: list[Path], output: Path, dropped: Path | None, settings: Settings, kw: dict[str, Any]
) -> Done:
    """Run `dedup` with the Spark engine."""
    from copytrace.engines.spark.api import dedup

    _unsupported(kw)
    res = dedup(
        [str(p) for p in inputs],
        str(output),
        settings,
        dropped_list=str(dropped) if dropped is not None else None,
        options=spark_options_from(kw),
        work_dir=kw.get("work_dir"),
        on_error=kw["on_error"],
        id_field=kw["id_field"],
        text_field=kw["text_field"],
        jobs=kw.get("jobs") or None,
    )
    total = res.kept + res.dropped + res.skipped
    message = (
        f"{total} records: kept {res.kept}, dropped {res.dropped} duplicates, skipped "
        f"{res.skipped} bad. Wrote {res.output}, {res.dropped_list} and {res.summary_path}."
    )
    return Done(res.summary, res.summary_path, message)
