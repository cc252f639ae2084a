"""The Python API's own side: progress reports, and errors that name the API's arguments (not
the command line's options)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import small_corpus

import copytrace
from copytrace.errors import BadRecordError


def test_reading_progress_reaches_its_total(tmp_path: Path) -> None:
    src = small_corpus(tmp_path)
    seen: list[tuple[str, int, int | None]] = []
    copytrace.scan(src, report=lambda stage, done, total: seen.append((stage, done, total)))
    reads = [s for s in seen if s[0] == "read"]
    assert reads[-1] == ("read", 6, 6)


def test_api_errors_name_the_api_argument(tmp_path: Path) -> None:
    src = small_corpus(tmp_path, bad_line=True)
    with pytest.raises(BadRecordError) as err:
        copytrace.scan(src)
    assert str(err.value).endswith(' (on_error="skip" skips bad records.)')
    assert "--on-error" not in str(err.value)
    with pytest.raises(BadRecordError, match=r'line 7: malformed JSON .*on_error="skip"'):
        list(copytrace.read(src))


def test_an_id_that_json_cannot_hold_is_a_bad_record(tmp_path: Path) -> None:
    """A Python str may hold a lone surrogate, which no output can: named, not a traceback."""
    text = "A text long enough to be compared with its copy, with words in it. " * 3
    docs = [copytrace.Document("bad\ud800id", text), copytrace.Document("good", text)]
    with pytest.raises(BadRecordError, match=r"documents document 1: document 'bad\\ud800id'"):
        copytrace.scan(docs, out=tmp_path / "out")
    result = copytrace.scan(docs, out=tmp_path / "skip", on_error="skip")
    assert [b.origin.number for b in result.summary.records.skipped] == [1]
    assert "its id cannot be written as JSON" in result.summary.records.skipped[0].reason
    assert (tmp_path / "skip" / "matches.jsonl").exists()
