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
