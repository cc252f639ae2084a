"""What `scan` finds is what the stored reference says (tests/reference.py rewrites it).

Changes meant to keep results (restructuring, faster kernels) must pass unchanged; changes that
improve results update the reference on purpose, with the reason in their commit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ReferenceScans
from reference import CASES, STORED


def _check(name: str, scans: ReferenceScans) -> None:
    stored = json.loads(STORED.read_text(encoding="utf-8"))[name]
    found = scans.outputs(name)
    assert found["matches"] == stored["matches"]
    assert found["clusters"] == stored["clusters"]
    assert found["records"] == stored["records"]
    assert found["documents"] == stored["documents"]
    assert found["candidates"] == stored["candidates"]
    assert found["matches_sha256"] == stored["matches_sha256"]
    assert found["clusters_sha256"] == stored["clusters_sha256"]


def test_demo_scan_is_the_reference(reference_scans: ReferenceScans) -> None:
    _check("demo", reference_scans)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in CASES if n != "demo"])
def test_corpus_scan_is_the_reference(
    name: str, corpora: Path, reference_scans: ReferenceScans
) -> None:
    _check(name, reference_scans)
