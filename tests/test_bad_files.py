"""Files users get wrong in their first week: corrupt compressed files, unreadable and empty
files, malformed URLs. Each fails with its real cause naming the file, or under
`--on-error skip` is skipped whole and listed in summary.json; no record decoded from corrupt
data is ever kept."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
import zstandard
from click.testing import CliRunner, Result

import copytrace
from copytrace.cli import main
from copytrace.errors import InputError

SKIP_HINT = " (--on-error skip skips bad records.)"


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def lines(n: int, prefix: str = "d") -> bytes:
    """n distinct JSON Lines records."""
    return b"".join(
        json.dumps({"id": f"{prefix}{i}", "text": f"record {i} says " + f"w{i} " * 40}).encode()
        + b"\n"
        for i in range(n)
    )


def flipped(data: bytes, at: float = 0.5) -> bytes:
    """The bytes with a run of bytes in the middle inverted."""
    k = int(len(data) * at)
    return data[:k] + bytes(b ^ 0xFF for b in data[k : k + 8]) + data[k + 8 :]


def summary_of(out: Path) -> dict[str, Any]:
    return dict(json.loads((out / "summary.json").read_text(encoding="utf-8")))


def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "good.jsonl"
    path.write_bytes(lines(6, "g"))
    return path


@pytest.mark.parametrize("kind", ["gz", "zst"])
def test_corrupt_compressed_jsonl_fails_with_the_real_cause(tmp_path: Path, kind: str) -> None:
    data = lines(400)
    if kind == "gz":
        packed = gzip.compress(data)
        cause = "corrupt gzip data in the stream starting at byte 0, detected by byte "
    else:
        packed = zstandard.ZstdCompressor(write_checksum=True).compress(data)
        cause = "corrupt zstd data in the frame starting at byte 0, detected by byte "
    path = tmp_path / f"broken.jsonl.{kind}"
    path.write_bytes(flipped(packed))
    result = run("scan", path, good_file(tmp_path), "--out", tmp_path / "out", "-q")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path}: {cause}")
    assert result.stderr.endswith(f"; nothing was read from this file.{SKIP_HINT}\n")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_corrupt_gzip_under_skip_keeps_nothing_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl.gz"
    path.write_bytes(flipped(gzip.compress(lines(400))))
    good = good_file(tmp_path)
    out = tmp_path / "out"
    result = run("scan", path, good, "--out", out, "-q", "--on-error", "skip")
    assert result.exit_code == 0, result.output
    summary = summary_of(out)
    assert summary["records"]["documents"] == 6  # only the good file's
    assert summary["records"]["read"] == 7
    (skipped,) = summary["skipped_records"]
    assert skipped["where"] == str(path)
    assert "corrupt gzip data" in skipped["reason"]
    # dedup leaves the whole file out, and says so.
    kept = tmp_path / "kept.jsonl"
    result = run("dedup", path, "-o", kept, "-q", "--on-error", "skip")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("1 records: kept 0, dropped 0 duplicates, skipped 1 bad.")
    assert kept.read_bytes() == b""


def test_truncated_zstd_is_found_too(tmp_path: Path) -> None:
    packed = zstandard.ZstdCompressor().compress(lines(400))  # no checksum: the framing tells
    path = tmp_path / "cut.jsonl.zst"
    path.write_bytes(packed[: len(packed) // 2])
    assert list(copytrace.read(path, on_error="skip")) == []
    with pytest.raises(InputError, match=r"cut\.jsonl\.zst: truncated zstd file: it ends at byte"):
        list(copytrace.read(path))


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("notgz.jsonl.gz", b"hello, not gzip\n", "not a gzip file (it starts with b'hell')."),
        ("garbage.parquet", b"garbage", "not a readable Parquet file ("),
        ("empty.jsonl", b"", "empty file: no records."),
        ("blank.jsonl", b"\n \n", "empty file: no records."),
        ("empty.jsonl.gz", b"", "empty file: no records."),
        ("empty.csv", b"", "empty file: no records."),
        ("header.csv", b"id,text\r\n", "empty file: a header row and no records."),
        ("empty.warc", b"", "empty file: no records."),
    ],
)
def test_unreadable_and_empty_files_get_the_same_treatment(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    good = good_file(tmp_path)
    # fail: an error naming the file, before anything is written
    result = run("scan", good, path, "--out", tmp_path / "failed", "-q")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path}: {reason}")
    assert result.stderr.endswith(f"{SKIP_HINT}\n")
    assert not (tmp_path / "failed").exists()
    # skip: skipped whole and listed in summary.json, and the run goes on
    out = tmp_path / "out"
    result = run("scan", good, path, "--out", out, "-q", "--on-error", "skip")
    assert result.exit_code == 0, result.output
    summary = summary_of(out)
    assert summary["records"]["skipped"] == 1
    assert summary["skipped_records"][0]["where"] == str(path)
    assert summary["skipped_records"][0]["reason"].startswith(reason)
    records = summary["records"]
    assert records["read"] == records["documents"] + records["skipped"] == 7


def test_empty_parquet_with_a_schema_is_an_empty_file(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "none.parquet"
    pq.write_table(
        pa.table({"id": pa.array([], pa.string()), "text": pa.array([], pa.string())}), path
    )
    with pytest.raises(
        InputError, match=r'none\.parquet: empty file: no records\. \(on_error="skip"'
    ):
        list(copytrace.read(path))


@pytest.mark.parametrize("on_error", ["fail", "skip"])
def test_malformed_url_does_not_stop_a_scan(tmp_path: Path, on_error: str) -> None:
    recs = [
        {"id": "a", "text": "the same story " * 30, "url": "http://[bad/x"},
        {"id": "b", "text": "the same story " * 30, "url": "https://news.example/b"},
    ]
    path = tmp_path / "urls.jsonl"
    path.write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in recs))
    result = run("scan", path, "--out", tmp_path / "out", "-q", "--on-error", on_error)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert summary_of(tmp_path / "out")["matches"]["exact"] == 1
