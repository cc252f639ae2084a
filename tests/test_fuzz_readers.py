"""Every reader, fed random, truncated and corrupted bytes: never a traceback, always a one-line
error or skipped records, and every record accounted for:
records.read = documents + skipped + not_documents."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import copytrace
from copytrace.errors import CopytraceError

RECORDS = [
    {"id": f"r{k}", "text": f"Record {k}: caf\u00e9 na\u00efve \u4eca\u5929 " + f"w{k} " * 12}
    for k in range(6)
]
PAGE = (
    "<html><head><title>T</title><meta charset='utf-8'></head><body><article><p>"
    "The council voted on Tuesday to close the old harbour ferry. Caf\u00e9 owners objected."
    "</p></article></body></html>"
)


def _jsonl() -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in RECORDS)


def _csv() -> bytes:
    return ("id,text\r\n" + "".join(f'{r["id"]},"{r["text"]}"\r\n' for r in RECORDS)).encode()


def _parquet() -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(RECORDS), sink)
    return sink.getvalue()


def _warc_record(k: int) -> bytes:
    body = PAGE.replace("Tuesday", f"day {k}").encode()
    http = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{k:08d}>\r\n"
        f"WARC-Target-URI: https://news.example/{k}\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


def _warc() -> bytes:
    return b"".join(_warc_record(k) for k in range(3))


def _warc_gz() -> bytes:
    return b"".join(gzip.compress(_warc_record(k)) for k in range(3))


#: name of the input file -> valid bytes of it
VALID = {
    "in.jsonl": _jsonl(),
    "in.jsonl.gz": gzip.compress(_jsonl()),
    "in.jsonl.zst": zstandard.ZstdCompressor(write_checksum=True).compress(_jsonl()),
    "in.csv": _csv(),
    "in.csv.gz": gzip.compress(_csv()),
    "in.parquet": _parquet(),
    "in.txt": RECORDS[0]["text"].encode("utf-16"),
    "in.html": PAGE.encode(),
    "dir/a.txt": b"Plain text in a directory.",
    "in.warc": _warc(),
    "in.warc.gz": _warc_gz(),
}


@st.composite
def damaged(draw: st.DrawFn, valid: bytes) -> bytes:
    """Random bytes, or the valid file truncated, with bytes flipped, or with bytes inserted."""
    how = draw(st.sampled_from(["random", "truncate", "flip", "insert"]))
    if how == "random":
        return draw(st.binary(max_size=600))
    at = draw(st.integers(0, max(len(valid) - 1, 0)))
    if how == "truncate":
        return valid[:at]
    if how == "flip":
        mask = draw(st.integers(1, 255))
        return valid[:at] + bytes([valid[at] ^ mask]) + valid[at + 1 :] if valid else b""
    return valid[:at] + draw(st.binary(min_size=1, max_size=20)) + valid[at:]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return tmp_path / "dir" if name.startswith("dir/") else path


@pytest.mark.parametrize("name", list(VALID))
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_reader_never_raises_and_accounts_for_every_record(
    tmp_path: Path, name: str, data: st.DataObject
) -> None:
    path = _write(tmp_path, name, data.draw(damaged(VALID[name])))
    # fail: documents, or one CopytraceError of one line naming the input
    try:
        for doc in copytrace.read(path):
            assert isinstance(doc.text, str)
    except CopytraceError as exc:
        message = str(exc)
        assert "\n" not in message
        assert str(path) in message or str(tmp_path) in message
    # skip: the scan completes and every record is accounted for
    try:
        result = copytrace.scan(path, on_error="skip", jobs=1)
    except CopytraceError as exc:  # an input with nothing to scan at all
        assert "\n" not in str(exc)
        return
    records = result.summary["records"]
    assert records["read"] == (
        records["documents"] + records["skipped"] + sum(records["not_documents"].values())
    )
    assert len(result.summary["skipped_records"]) == records["skipped"]


@pytest.mark.parametrize("name", list(VALID))
def test_valid_inputs_read_whole(tmp_path: Path, name: str) -> None:
    """The fuzzed files start from inputs that read without a single bad record."""
    path = _write(tmp_path, name, VALID[name])
    result = copytrace.scan(path, jobs=1)
    assert result.summary["records"]["skipped"] == 0
    assert result.summary["records"]["documents"] >= 1
