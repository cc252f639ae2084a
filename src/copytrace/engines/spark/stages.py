"""Named, resumable stages: each writes Parquet datasets under its directory, then a marker.

A marker (`_copytrace_stage.json`) holds the run's settings fingerprint (the settings, the
reading options and copytrace's version), its input identity (every input file's path, size and
modification time) and the stage's counts. A rerun reuses a stage only when its marker is there
and both match the run's: any other settings or any changed input file compute it again. The
marker is written last, so a stage interrupted half-way is never taken for done.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from pyspark.sql import DataFrame, SparkSession

from copytrace.engines.spark.files import Files, join_path

MARKER = "_copytrace_stage.json"
#: The stages, in order.
STAGES = ("sketches", "candidates", "verified", "clusters")


def identity_of(parts: Mapping[str, Any]) -> str:
    """A short fingerprint of whatever decides a stage's content."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


class StageStore:
    """The stages of one run under `root` (a path or URI), of one settings fingerprint and one
    input identity."""

    def __init__(
        self, spark: SparkSession, files: Files, root: str, settings: str, inputs: str
    ) -> None:
        self.spark = spark
        self.files = files
        self.root = root
        self.identity = {"settings_fingerprint": settings, "input_identity": inputs}
        #: Per stage: whether it was reused from an earlier run.
        self.reused: dict[str, bool] = {}

    def path(self, stage: str, dataset: str) -> str:
        """Where one dataset of a stage is."""
        return join_path(self.root, stage, dataset)

    def done(self, stage: str) -> dict[str, Any] | None:
        """The counts of a stage an earlier run finished with this identity, else None."""
        text = self.files.read_text(join_path(self.root, stage, MARKER))
        if text is None:
            return None
        try:
            marker = json.loads(text)
        except ValueError:
            return None
        if marker.get("stage") != stage:
            return None
        if any(marker.get(key) != value for key, value in self.identity.items()):
            return None
        self.reused[stage] = True
        counts: dict[str, Any] = marker.get("counts", {})
        return counts

    def begin(self, stage: str) -> None:
        """Start (or restart) a stage: its old content goes."""
        self.reused[stage] = False
        self.files.delete(join_path(self.root, stage))

    def write(self, stage: str, dataset: str, df: DataFrame) -> DataFrame:
        """Write a dataset of the stage and return it read back from its files."""
        path = self.path(stage, dataset)
        df.write.mode("overwrite").parquet(path)
        return self.spark.read.parquet(path)

    def read(self, stage: str, dataset: str) -> DataFrame:
        """A dataset of a finished stage."""
        return self.spark.read.parquet(self.path(stage, dataset))

    def finish(self, stage: str, counts: Mapping[str, Any]) -> None:
        """Mark a stage done, with its counts."""
        marker = {"stage": stage, **self.identity, "counts": dict(counts)}
        data = json.dumps(marker, indent=2, ensure_ascii=False, default=str).encode() + b"\n"
        self.files.write_bytes(join_path(self.root, stage, MARKER), data)
