"""Shared test fixtures: the real corpora beside the repository, skipped when absent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


@pytest.fixture(scope="session")
def corpora() -> Path:
    """The ../shared/corpora directory; tests using it skip with a message when it is absent."""
    if not CORPORA.is_dir():
        pytest.skip(f"real corpora not found at {CORPORA} (they are present in CI)")
    return CORPORA


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local[2] Spark session for every Spark test (4 shuffle partitions, files split at
    1 MB so that even small inputs are read in several splits)."""
    from copytrace.engines.spark.options import SparkOptions
    from copytrace.engines.spark.session import spark_session

    options = SparkOptions(
        master="local[2]",
        partitions=4,
        conf={"spark.sql.files.maxPartitionBytes": "1m", "spark.ui.enabled": "false"},
        quiet=True,
    )
    with spark_session(options) as session:
        yield session
