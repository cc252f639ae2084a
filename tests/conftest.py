"""Shared test fixtures: the real corpora beside the repository, skipped when absent."""

from __future__ import annotations

from pathlib import Path

import pytest

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
    """Skip the slow tests, saying how to run them, unless --run-slow is given."""
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow (CI does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
