"""Matches streamed to a file (io/matchfile.py): read back as they were written, and no partial
file after a failed scan."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

import copytrace
from copytrace.io.matchfile import MatchFile

DEMO = Path(__file__).resolve().parents[1] / "demo" / "news.jsonl"


def test_match_file_reads_back_what_it_wrote(tmp_path: Path) -> None:
    result = copytrace.scan(DEMO)
    target = tmp_path / "matches.jsonl"
    streamed = copytrace.scan(DEMO, matches_file=target)
    assert isinstance(streamed.matches, MatchFile) and not isinstance(result.matches, MatchFile)
    lines = target.read_bytes().splitlines()
    assert lines == [orjson.dumps(m.to_dict()) for m in result.matches]
    assert len(streamed.matches) == len(result.matches) > 0
    assert list(streamed.matches) == list(result.matches)  # exact scores, not the rounded ones
    assert streamed.matches[-1] == result.matches[-1]
    assert streamed.matches[1:3] == list(result.matches[1:3])
    assert not list(tmp_path.glob(".*.tmp"))
    # With an output directory the matches stream to its matches.jsonl, the rest follows.
    out = tmp_path / "out"
    copytrace.scan(DEMO, out=out)
    assert (out / "matches.jsonl").read_bytes().splitlines() == lines
    assert sorted(p.name for p in out.iterdir()) == [
        "clusters.jsonl",
        "matches.jsonl",
        "summary.json",
    ]


def test_failed_scan_leaves_no_partial_match_file(tmp_path: Path) -> None:
    target = tmp_path / "matches.jsonl"
    with pytest.raises(copytrace.InputError):
        copytrace.scan([("a", "some text"), ("a", "again")], matches_file=target)
    assert list(tmp_path.iterdir()) == []
