"""WARC reader (.warc, .warc.gz): each HTML response record is one document, read as it streams.

A document's id is its WARC-Record-ID (without the angle brackets), its text the page's main text
(see copytrace.io.html). Every other record is skipped and counted by reason in
`WarcReader.skipped_records`: record types other than response ("request", "metadata",
"warcinfo", "revisit", "resource", ...) and responses that are not pages ("non-html response",
"non-2xx response", "non-http response", "oversized response"). A record that cannot be read
(truncated file, corrupt gzip, not a WARC) is a BadRecord naming the record and its byte offset;
reading stops there, as nothing after it can be found reliably.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import zstandard
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader, ChunkedDataReader

from copytrace.io.base import (
    EMPTY_FILE,
    BadRecord,
    FileReader,
    Item,
    Origin,
    ReadOptions,
    count_encoding,
    file_problem,
)
from copytrace.io.dates import parse_date
from copytrace.io.html import charset_of_content_type, extract_page
from copytrace.model import Document
from copytrace.urls import host_of

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Largest HTML payload read; larger responses are skipped as "oversized response".
MAX_PAGE_BYTES = 16 << 20
_SNIFF = (b"<!doctype html", b"<html")


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[0] if lines else type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def load_problem(exc: BaseException, offset: int) -> str:
    """The message for a record warcio could not load."""
    text = str(exc)
    if "non-chunked gzip" in text:
        return (
            f"corrupt WARC at byte {offset}: the file is one gzip stream, not one gzip member "
            "per record; recompress it with `warcio recompress IN OUT`."
        )
    return f"corrupt or truncated WARC at byte {offset}: {_first_line(exc)}"


def ends_inside_record(offset: int, size: int) -> str:
    """The message for a file that ends inside an unreadable last record."""
    return (
        f"truncated WARC: the file ends inside a record that starts at byte {offset} "
        f"({size - offset} bytes, too short for a complete record)."
    )


def record_problem(record: Any, offset: int) -> str | None:
    """Why a loaded record is not a usable WARC record, or None when it is."""
    if record.format != "warc":
        return f"not a WARC file: no WARC/1.x header at byte {offset}."
    if not record.rec_type or record.rec_headers is None or record.length is None:
        return f"truncated or corrupt WARC record header at byte {offset}."
    return None


def finish_record(iterator: ArchiveIterator, record: Any) -> str | None:
    """Read the rest of the current record; a message when it ends before its Content-Length."""
    iterator.read_to_end()
    missing = getattr(record.raw_stream, "limit", 0)
    if missing > 0:
        offset = iterator.get_record_offset()
        return (
            f"truncated WARC record at byte {offset}: {missing} of its {record.length} bytes "
            "are missing (the file is cut short)."
        )
    return None


def record_id(record: Any) -> str | None:
    """The record's WARC-Record-ID without its angle brackets, or None."""
    value = record.rec_headers.get_header("WARC-Record-ID")
    if not value:
        return None
    value = value.strip()
    return value[1:-1] if value.startswith("<") and value.endswith(">") else value


class PayloadError(Exception):
    """A response body that cannot be decoded."""


def _read_up_to(stream: Any, limit: int) -> bytes:
    parts, size = [], 0
    while size < limit:
        chunk = stream.read(min(limit - size, 1 << 20))
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)


def _brotli_decompress(data: bytes) -> bytes:
    try:
        import brotli  # optional: Google's brotli or brotlicffi, both offer decompress()
    except ImportError:
        try:
            import brotlicffi as brotli
        except ImportError:
            raise PayloadError(
                "the page is brotli-compressed (Content-Encoding: br); "
                "`pip install brotli` to read it."
            ) from None
    return bytes(brotli.decompress(data))


def read_payload(record: Any, limit: int) -> bytes:
    """A response's body with its transfer and content encodings undone; at most `limit` bytes.

    warcio decodes gzip and deflate; brotli (which warcio cannot drive with Google's brotli
    package, warcio issue #73) and zstd are decoded here, and other encodings are refused
    rather than read as garbage.
    """
    http = record.http_headers
    encoding = (http.get_header("Content-Encoding") or "").strip().lower()
    chunked = (http.get_header("Transfer-Encoding") or "").strip().lower() == "chunked"
    if encoding in ("", "identity", "gzip", "x-gzip", "deflate"):
        decomp = {"": None, "identity": None, "x-gzip": "gzip"}.get(encoding, encoding)
        reader = ChunkedDataReader if chunked else BufferedReader
        return _read_up_to(reader(record.raw_stream, decomp_type=decomp), limit)
    body = ChunkedDataReader(record.raw_stream) if chunked else record.raw_stream
    if encoding == "zstd":
        dctx = zstandard.ZstdDecompressor()
        return _read_up_to(dctx.stream_reader(body, read_across_frames=True), limit)
    if encoding == "br":
        return _brotli_decompress(_read_up_to(body, record.length or 0))[:limit]
    raise PayloadError(f"unsupported Content-Encoding {encoding!r}.")


def _is_html(content_type: str | None, payload_start: bytes) -> bool:
    """Whether a response is a page: by its Content-Type, or by its first bytes if it has none."""
    if content_type:
        return content_type.split(";", 1)[0].strip().lower() in HTML_TYPES
    return payload_start.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(_SNIFF)


class WarcReader(FileReader):
    """Streams the HTML response records of a WARC file, plain or gzip-compressed."""

    def __init__(
        self, path: Path, options: ReadOptions | None = None, input_index: int = 0
    ) -> None:
        super().__init__(path, options, input_index)
        self._raw: BinaryIO | None = None
        self._closed_bytes = 0

    def bytes_done(self) -> int:
        """Compressed bytes consumed so far."""
        if self._raw is None or self._raw.closed:
            return self._closed_bytes
        return self._raw.tell()

    def __iter__(self) -> Iterator[Item]:
        self.skipped_records = {}
        self.encodings = {}
        name = str(self.path)
        with open(self.path, "rb") as raw:
            self._raw = raw
            try:
                yield from self._records(raw, name)
            finally:
                self._closed_bytes = self.total_bytes

    def _records(self, raw: BinaryIO, name: str) -> Iterator[Item]:
        size = os.fstat(raw.fileno()).st_size
        iterator = ArchiveIterator(raw)
        number = 0
        while True:
            number += 1
            origin = Origin(self.input_index, name, "record", number)
            offset = iterator.offset
            try:
                record = next(iterator)
            except StopIteration:
                # warcio ends quietly when the file stops inside a record's header.
                if iterator.offset < size:
                    yield origin, BadRecord(origin, ends_inside_record(iterator.offset, size))
                elif number == 1:
                    yield file_problem(self.input_index, self.path, EMPTY_FILE)
                return
            except Exception as exc:  # warcio raises many kinds on corrupt input
                yield origin, BadRecord(origin, load_problem(exc, offset))
                return
            problem = record_problem(record, offset)
            if problem:
                yield origin, BadRecord(origin, problem)
                return
            try:
                item = self._document(record, origin)
            except PayloadError as exc:
                item = BadRecord(origin, f"cannot read the response body: {exc}")
            except Exception as exc:  # a body that cannot be decoded (bad chunking, gzip, zstd)
                item = BadRecord(origin, f"cannot read the response body: {_first_line(exc)}")
            try:
                problem = finish_record(iterator, record)
            except Exception as exc:
                problem = load_problem(exc, offset)
            if problem:
                yield origin, BadRecord(origin, problem)
                return
            if isinstance(item, str):
                self.skipped_records[item] = self.skipped_records.get(item, 0) + 1
            else:
                count_encoding(self.encodings, item)
                yield origin, item

    def _document(self, record: Any, origin: Origin) -> Document | BadRecord | str:
        """The record's Document, or why it is not a page (a skipped_records reason)."""
        if record.rec_type != "response":
            return str(record.rec_type)
        http = record.http_headers
        if http is None:
            return "non-http response"
        status = http.get_statuscode() or ""
        if not status.startswith("2"):
            return "non-2xx response"
        content_type = http.get_header("Content-Type")
        if content_type and not _is_html(content_type, b""):
            return "non-html response"  # decided before reading (and decompressing) it
        payload = read_payload(record, MAX_PAGE_BYTES + 1)
        if not content_type and not _is_html(None, payload[:1024]):
            return "non-html response"
        if len(payload) > MAX_PAGE_BYTES:
            return "oversized response"
        doc_id = record_id(record)
        if doc_id is None:
            return BadRecord(origin, "response record without a WARC-Record-ID.")
        url = record.rec_headers.get_header("WARC-Target-URI") or None
        page = extract_page(payload, url, charset=charset_of_content_type(content_type))
        crawl_date = parse_date(record.rec_headers.get_header("WARC-Date"))
        meta: dict[str, Any] = {"url": url, "host": host_of(url)}
        meta["date"] = page.date or crawl_date
        meta["crawl_date"] = crawl_date
        meta["encoding"] = page.encoding
        if page.title:
            meta["title"] = page.title
        if page.decode_errors:
            meta["undecodable_bytes"] = page.decode_errors
        truncated = record.rec_headers.get_header("WARC-Truncated")
        if truncated:
            meta["warc_truncated"] = truncated
        return Document(doc_id, page.text, {k: v for k, v in meta.items() if v is not None})


def warc_record_spans(path: Path) -> Iterator[tuple[int, int, int]]:
    """(record number, byte offset, byte length) of each complete record of a WARC file.

    Numbers match WarcReader's; the spans stop where the reader reports a corrupt record. For a
    gzip WARC a span is the record's gzip member; for a plain WARC it is the record without the
    two blank lines that follow it.
    """
    with open(path, "rb") as raw:
        iterator = ArchiveIterator(raw)
        number = 0
        while True:
            number += 1
            offset = iterator.offset
            try:
                record = next(iterator)
                if record_problem(record, offset) or finish_record(iterator, record):
                    return
            except StopIteration:
                return
            except Exception:  # the reader reports it; the writer stops where the reader did
                return
            yield number, iterator.get_record_offset(), iterator.get_record_length()
