"""WARC files as input (io/warc.py): the pages of a crawl, the records that are not documents,
damaged files, response bodies in every encoding, and scan and dedup on a WARC.

The pages are the made-up ones of html_helpers.py; WARC files are written in the test with
warcio.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from html_helpers import ARTICLES, EXPECTED_DATES, PAGES, page_html, write_pages
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import copytrace
from copytrace.cli import main
from copytrace.errors import InputError
from copytrace.io.base import BadRecord, ReadOptions
from copytrace.io.inputs import input_kind, open_reader
from copytrace.io.warc import WarcReader
from copytrace.model import Document

# --- WARC --------------------------------------------------------------------------------------


def _response(
    writer: WARCWriter,
    url: str,
    body: bytes,
    content_type: str | None,
    status: str = "200 OK",
    date: str = "2024-06-01T12:00:00Z",
) -> Any:
    headers = [("Content-Type", content_type)] if content_type else []
    http = StatusAndHeaders(status, [*headers, ("Content-Length", str(len(body)))], "HTTP/1.1")
    return writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": date},
    )


def write_warc(path: Path, *, gzip_records: bool = True) -> list[str]:
    """A crawl of PAGES plus records that are not documents; returns the page record ids."""
    ids = []
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip_records)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for rel, template, index in PAGES:
            url = f"https://crawl.example/{rel}"
            request = StatusAndHeaders("GET /" + rel + " HTTP/1.1", [("Host", "crawl.example")])
            writer.write_record(
                writer.create_warc_record(url, "request", http_headers=request, payload=None)
            )
            body = page_html(template, index).encode("utf-8")
            ctype = "text/html; charset=utf-8" if index != 3 else "application/xhtml+xml"
            record = _response(writer, url, body, ctype)
            ids.append(record.rec_headers.get_header("WARC-Record-ID")[1:-1])
            writer.write_record(record)
        png = b"\x89PNG\r\n\x1a\n" + bytes(200)
        writer.write_record(_response(writer, "https://crawl.example/logo.png", png, "image/png"))
        moved = b"<html><body>Moved <a href='/new'>here</a></body></html>"
        writer.write_record(
            _response(writer, "https://crawl.example/old", moved, "text/html", "301 Moved")
        )
        writer.write_record(
            writer.create_revisit_record(
                "https://crawl.example/news/harbour-ferry.html",
                "sha1:AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH",
                "https://crawl.example/news/harbour-ferry.html",
                "2024-05-01T00:00:00Z",
                http_headers=StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html")], "HTTP/1.1"
                ),
            )
        )
        writer.write_record(
            writer.create_warc_record(
                "dns:crawl.example",
                "response",
                payload=io.BytesIO(b"20240601120000\ncrawl.example. 300 IN A 192.0.2.1\n"),
                warc_content_type="text/dns",
            )
        )
        writer.write_record(
            writer.create_warc_record(
                "https://crawl.example/news",
                "metadata",
                payload=io.BytesIO(b"outlinks: 3\n"),
                warc_content_type="application/warc-fields",
            )
        )
    return ids


EXPECTED_SKIPPED = {
    "warcinfo": 1,
    "request": len(PAGES),
    "non-html response": 1,
    "non-2xx response": 1,
    "revisit": 1,
    "non-http response": 1,
    "metadata": 1,
}
#: Records of the test crawl: warcinfo, a request and a response per page, then five more.
N_RECORDS = 1 + 2 * len(PAGES) + 5


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_warc_gives_the_same_texts_as_the_html_directory(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    ids = write_warc(path, gzip_records=name.endswith(".gz"))
    assert input_kind(path) == "warc"
    site_docs = {d.id: d for d in copytrace.read(write_pages(tmp_path / "site"))}
    warc_docs = list(copytrace.read(path))
    assert [d.id for d in warc_docs] == ids
    assert all(d.id.startswith("urn:uuid:") for d in warc_docs)
    assert [d.text for d in warc_docs] == [site_docs[rel].text for rel, _, _ in PAGES]
    for doc, (rel, template, index) in zip(warc_docs, PAGES, strict=True):
        assert doc.meta["url"] == f"https://crawl.example/{rel}"
        assert doc.meta["host"] == "crawl.example"
        assert doc.meta["date"] == EXPECTED_DATES[template]  # the page's date, not the crawl's
        assert doc.meta["crawl_date"] == "2024-06-01T12:00:00"
        assert ARTICLES[index][0] in doc.meta["title"]


def test_warc_counts_the_records_that_are_not_documents(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path)
    reader = open_reader(path, ReadOptions())
    assert isinstance(reader, WarcReader)
    items = list(reader)
    assert reader.skipped_records == EXPECTED_SKIPPED
    assert len(items) + sum(reader.skipped_records.values()) == N_RECORDS
    # Origins number every record of the file, documents or not: warcinfo is record 1, then a
    # request and a response per page.
    assert [(o.unit, o.number) for o, _ in items] == [
        ("record", 3 + 2 * i) for i in range(len(PAGES))
    ]
    assert str(items[0][0]) == f"{path} record 3"
    assert reader.bytes_done() == path.stat().st_size
    list(reader)  # a second pass counts afresh
    assert reader.skipped_records == EXPECTED_SKIPPED


def test_warc_page_without_date_uses_the_crawl_date(tmp_path: Path) -> None:
    path = tmp_path / "one.warc.gz"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        body = b"<html><body><p>Only text here, and no date anywhere.</p></body></html>"
        writer.write_record(
            _response(writer, "http://a.example/x", body, None, date="2021-01-02T03:04:05Z")
        )
    [doc] = copytrace.read(path)
    assert doc.text == "Only text here, and no date anywhere."  # HTML sniffed without a type
    assert doc.meta["date"] == doc.meta["crawl_date"] == "2021-01-02T03:04:05"


def _last_record_offset(data: bytes) -> int:
    iterator = ArchiveIterator(io.BytesIO(data))
    offsets = []
    for _ in iterator:
        offsets.append(iterator.get_record_offset())
    return offsets[-1]


@pytest.mark.parametrize(
    ("name", "damage", "reason"),
    [
        (
            "half.warc.gz",
            lambda d: d[: len(d) // 2],
            r"truncated WARC record at byte \d+: \d+ of its \d+ bytes are missing",
        ),
        (
            "payload.warc",
            lambda d: d[:-10],
            r"truncated WARC record at byte \d+: 6 of its 12 bytes are missing",
        ),
        ("header.warc", lambda d: d[:-30], r"truncated or corrupt WARC record header at byte"),
        (
            "tail.warc.gz",
            lambda d: d[: _last_record_offset(d) + 12],  # the last gzip member's first bytes
            r"the file ends inside a record that starts at byte \d+ \(\d+ bytes, too short",
        ),
        (
            "garbled.warc.gz",
            lambda d: d[:2000] + b"\x00" * 64 + d[2064:],
            r"corrupt or truncated WARC at byte \d+: ",
        ),
        ("text.warc", lambda d: b"this is not a crawl at all\n", r"not a WARC file"),
        (
            "onegzip.warc.gz",
            lambda d: gzip.compress(gzip.decompress(d)),
            r"one gzip member per record; recompress it",
        ),
    ],
)
def test_corrupt_warc_is_a_bad_record_naming_file_and_record(
    tmp_path: Path, name: str, damage: Callable[[bytes], bytes], reason: str
) -> None:
    good = tmp_path / ("good.warc.gz" if name.endswith(".gz") else "good.warc")
    write_warc(good, gzip_records=name.endswith(".gz"))
    path = tmp_path / name
    path.write_bytes(damage(good.read_bytes()))
    reader = open_reader(path, ReadOptions())
    items = list(reader)
    origin, bad = items[-1]
    assert isinstance(bad, BadRecord)
    assert all(isinstance(doc, Document) for _, doc in items[:-1])
    # Every record before the bad one is a document or a counted skip; nothing after it is read.
    assert isinstance(reader, WarcReader)
    assert len(items) - 1 + sum(reader.skipped_records.values()) == origin.number - 1
    assert re.search(reason, bad.reason), bad.reason
    assert re.fullmatch(rf"{re.escape(str(path))} record \d+: .+", bad.message())
    with pytest.raises(InputError, match=re.escape(f"{path} record {origin.number}: ")):
        list(copytrace.read(path))
    # Skipping keeps the documents before the damage.
    assert len(list(copytrace.read(path, on_error="skip"))) == len(items) - 1


# --- the command line on web input -------------------------------------------------------------


def test_cli_scan_on_a_warc_finds_the_page_reprinted_in_other_chrome(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    ids = write_warc(path)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scan", str(path), "--out", str(out), "-q"])
    assert result.exit_code == 0, (result.output, result.exception)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["records"]["documents"] == len(PAGES)
    matches = [json.loads(line) for line in (out / "matches.jsonl").read_text().splitlines()]
    # The ferry story in the news and the app template: one pair, nothing else.
    assert [{m["a"], m["b"]} for m in matches] == [{ids[0], ids[4]}]
    assert matches[0]["relation"] in ("exact", "near_duplicate")


def test_cli_dedup_on_a_warc_keeps_every_other_record(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    ids = write_warc(path)
    output = tmp_path / "kept.warc.gz"
    result = CliRunner().invoke(main, ["dedup", str(path), "-o", str(output), "-q"])
    assert result.exit_code == 0, (result.output, result.exception)
    with open(path, "rb") as f:
        before = [r.rec_headers.get_header("WARC-Record-ID")[1:-1] for r in ArchiveIterator(f)]
    with open(output, "rb") as f:
        after = [r.rec_headers.get_header("WARC-Record-ID")[1:-1] for r in ArchiveIterator(f)]
    # The ferry story's app page carries the earlier date, so it is the source and the news
    # page is the dropped duplicate.
    dropped = [json.loads(line) for line in (tmp_path / "kept.dropped.jsonl").open()]
    assert [(d["id"], d["duplicate_of"]) for d in dropped] == [(ids[0], ids[4])]
    assert after == [r for r in before if r != ids[0]]
    assert _records_copied_verbatim(output, path)
    assert [d.id for d in copytrace.read(output)] == ids[1:]


@pytest.mark.parametrize("out_name", ["kept.warc", "kept.warc.gz"])
@pytest.mark.parametrize("in_name", ["crawl.warc", "crawl.warc.gz"])
def test_dedup_warc_converts_between_plain_and_gzip(
    tmp_path: Path, in_name: str, out_name: str
) -> None:
    path = tmp_path / in_name
    ids = write_warc(path, gzip_records=in_name.endswith(".gz"))
    result = copytrace.dedup(path, tmp_path / out_name)
    # Records that are not pages (warcinfo, requests, ...) are passed through, not counted as kept.
    passed = sum(EXPECTED_SKIPPED.values())
    assert (result.kept, result.dropped, result.skipped) == (N_RECORDS - 1 - passed, 1, 0)
    assert result.passed_through == passed
    assert [d.id for d in copytrace.read(tmp_path / out_name)] == ids[1:]
    reader = open_reader(tmp_path / out_name, ReadOptions())
    list(reader)
    assert reader.skipped_records == EXPECTED_SKIPPED
    if in_name.endswith(".gz") == out_name.endswith(".gz"):
        assert _records_copied_verbatim(tmp_path / out_name, path)


def _records_copied_verbatim(output: Path, source: Path) -> bool:
    """Every record's bytes (its gzip member, for gzip WARCs) in `output` occur in `source`."""
    src = source.read_bytes()
    with open(output, "rb") as f:
        it = ArchiveIterator(f)
        spans = []
        for record in it:
            it.read_to_end(record)
            spans.append((it.get_record_offset(), it.get_record_length()))
    data = output.read_bytes()
    return all(data[o : o + n] in src for o, n in spans)


# --- response bodies: encodings and size -------------------------------------------------------

BODY_PAGE = (
    b"<html><head><title>Encoded</title></head><body><nav><a href='/'>Home</a></nav>"
    b"<article><p>The tide tables for the estuary were printed a week late this spring, and "
    b"the harbour master apologised to every skipper who ran aground.</p></article></body></html>"
)
BODY_TEXT = (
    "The tide tables for the estuary were printed a week late this spring, and the harbour "
    "master apologised to every skipper who ran aground."
)


def _chunked(data: bytes) -> bytes:
    half = len(data) // 2
    return (
        b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in (data[:half], data[half:])) + b"0\r\n\r\n"
    )


def write_encoded_warc(path: Path, bodies: list[tuple[str | None, bool, bytes]]) -> None:
    """One HTML response per (Content-Encoding, chunked, body)."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for i, (encoding, chunked, body) in enumerate(bodies):
            headers = [("Content-Type", "text/html; charset=utf-8")]
            headers += [("Content-Encoding", encoding)] if encoding else []
            headers += [("Transfer-Encoding", "chunked")] if chunked else []
            http = StatusAndHeaders("200 OK", headers, "HTTP/1.1")
            payload = io.BytesIO(_chunked(body) if chunked else body)
            writer.write_record(
                writer.create_warc_record(
                    f"https://enc.example/{i}", "response", payload=payload, http_headers=http
                )
            )


def test_warc_bodies_are_decoded_whatever_their_encoding(tmp_path: Path) -> None:
    import zlib

    import zstandard

    bodies: list[tuple[str | None, bool, bytes]] = [
        (None, False, BODY_PAGE),
        (None, True, BODY_PAGE),
        ("gzip", False, gzip.compress(BODY_PAGE)),
        ("x-gzip", True, gzip.compress(BODY_PAGE)),
        ("deflate", False, zlib.compress(BODY_PAGE)),
        ("zstd", True, zstandard.ZstdCompressor().compress(BODY_PAGE)),
    ]
    path = tmp_path / "enc.warc.gz"
    write_encoded_warc(path, bodies)
    assert [d.text for d in copytrace.read(path)] == [BODY_TEXT] * len(bodies)


def test_warc_brotli_bodies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    brotli = pytest.importorskip("brotli")
    path = tmp_path / "br.warc.gz"
    write_encoded_warc(
        path, [("br", False, brotli.compress(BODY_PAGE)), ("br", True, brotli.compress(BODY_PAGE))]
    )
    assert [d.text for d in copytrace.read(path)] == [BODY_TEXT, BODY_TEXT]
    # Without a brotli package the record is bad, with the fix in its message.
    monkeypatch.setitem(sys.modules, "brotli", None)
    monkeypatch.setitem(sys.modules, "brotlicffi", None)
    with pytest.raises(InputError, match=re.escape(f"{path} record 1: ") + ".*pip install brotli"):
        list(copytrace.read(path))


def test_undecodable_bodies_are_bad_records_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "bad-bodies.warc.gz"
    write_encoded_warc(
        path,
        [
            ("compress", False, b"\x1f\x9d\x90 not supported"),
            ("zstd", False, b"this is not zstd"),
            (None, False, BODY_PAGE),
        ],
    )
    items = list(open_reader(path, ReadOptions()))
    reasons = [getattr(r, "reason", None) for _, r in items]
    assert reasons[0] == "cannot read the response body: unsupported Content-Encoding 'compress'."
    assert reasons[1] is not None and reasons[1].startswith("cannot read the response body: zstd")
    last = items[2][1]
    assert isinstance(last, Document) and last.text == BODY_TEXT
    assert [d.text for d in copytrace.read(path, on_error="skip")] == [BODY_TEXT]


def test_oversized_pages_are_skipped_and_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path)
    monkeypatch.setattr("copytrace.io.warc.MAX_PAGE_BYTES", 1000)
    reader = open_reader(path, ReadOptions())
    assert list(reader) == []
    assert reader.skipped_records["oversized response"] == len(PAGES)


def test_dedup_warc_output_must_be_a_warc(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path)
    with pytest.raises(InputError) as err:
        copytrace.dedup(path, tmp_path / "kept.jsonl")
    assert str(err.value) == (
        f"{tmp_path / 'kept.jsonl'}: the input is warc, so the output name must end with "
        ".warc or .warc.gz."
    )
