"""Shared test fixtures: the real corpora beside the repository, skipped when absent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reference import outputs

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


@pytest.fixture(scope="session")
def corpora() -> Path:
    """The ../shared/corpora directory; tests using it skip with a message when it is absent."""
    if not CORPORA.is_dir():
        pytest.skip(f"real corpora not found at {CORPORA} (they are present in CI)")
    return CORPORA


def pytest_addoption(parser: pytest.Parser) -> None:
    """--run-slow: also run the tests marked slow (CI does)."""
    parser.addoption(
        "--run-slow", action="store_true", help="also run tests marked slow (as CI does)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that start a Spark session slow (a JVM: tens of seconds), then skip the
    slow tests, saying how to run them, unless --run-slow is given."""
    for item in items:
        if "spark" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow (CI does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


class ReferenceScans:
    """Scans of the reference cases (tests/reference.py), each made once per test session and
    shared by the tests that read them (the stored reference, the judged precision)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._done: dict[str, dict[str, Any]] = {}

    def outputs(self, name: str) -> dict[str, Any]:
        """What the scan of case `name` wrote, described as tests/reference.py describes it."""
        if name not in self._done:
            out = self.root / name
            out.mkdir()
            self._done[name] = outputs(name, out)
        return self._done[name]

    def matches_file(self, name: str) -> Path:
        """The matches.jsonl of case `name`."""
        self.outputs(name)
        return self.root / name / "matches.jsonl"


@pytest.fixture(scope="session")
def reference_scans(tmp_path_factory: pytest.TempPathFactory) -> ReferenceScans:
    """The reference cases' scans, made on first use."""
    return ReferenceScans(tmp_path_factory.mktemp("reference-scans"))


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
