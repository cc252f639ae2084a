"""Tabular readers: Parquet (streamed by record batch) and CSV (with a header row)."""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import zstandard

from copytrace.io.base import (
    EMPTY_FILE,
    BadRecord,
    CheckedFile,
    FileReader,
    Item,
    Origin,
    ReadOptions,
    check_compressed,
    file_problem,
    is_compressed,
    one_line,
    open_binary,
    record_to_document,
)
from copytrace.io.encoding import stream_encoding
from copytrace.io.memory import keep_budget

_BAD_BYTE = re.compile("[\udc80-\udcff]")

#: Rows decoded per Parquet batch: bounds memory whatever the file's row groups are.
PARQUET_BATCH_ROWS = 2048
#: Bytes of a CSV file its encoding is decided on.
CSV_SAMPLE_BYTES = 1 << 20


def csv_encoding(path: Path, encoding: str | None = None) -> tuple[str, int]:
    """(encoding, byte-order mark length) of a CSV file, decided on its first bytes (see
    copytrace.io.encoding.stream_encoding); the dedup writer reads it the same way."""
    stream, raw = open_binary(path)
    with stream, raw:
        sample = stream.read(CSV_SAMPLE_BYTES)
    return stream_encoding(sample, encoding)


def open_csv_text(path: Path, encoding: str, bom: int) -> tuple[io.TextIOWrapper, BinaryIO]:
    """A CSV file as text in `encoding` (after `bom` bytes), and its raw file (for progress).

    Undecodable bytes become lone surrogates (surrogateescape), which no codec ever yields, so
    a bad row is found exactly and the rows around it still read.
    """
    stream, raw = open_binary(path)
    return csv_text(stream, encoding, bom), raw


def csv_text(stream: BinaryIO, encoding: str, bom: int) -> io.TextIOWrapper:
    """CSV bytes as text in `encoding`, after the `bom` bytes at the stream's start."""
    stream.read(bom)
    return io.TextIOWrapper(stream, encoding=encoding, errors="surrogateescape", newline="")


def _bad_bytes(row: list[str]) -> str:
    for field in row:
        found = _BAD_BYTE.search(field)
        if found:
            start = found.start()
            end = start
            while end < len(field) and end - start < 4 and _BAD_BYTE.match(field, end):
                end += 1
            return repr(field[start:end].encode("utf-8", "surrogateescape"))
    return ""


def _rows(batch: Any) -> list[dict[str, Any] | str]:
    """The rows of a Parquet record batch as dicts; a row that cannot be decoded (a string
    column with invalid UTF-8) is the reason instead."""
    import pyarrow as pa

    try:
        return list(batch.to_pylist())
    except (pa.ArrowException, UnicodeDecodeError, ValueError):
        pass
    rows: list[dict[str, Any] | str] = []
    for i in range(batch.num_rows):
        try:
            rows.append(batch.slice(i, 1).to_pylist()[0])
        except UnicodeDecodeError as exc:
            rows.append(f"invalid UTF-8 in a string column at byte {exc.start} of the value.")
        except (pa.ArrowException, ValueError) as exc:
            rows.append(one_line(f"cannot decode the row ({exc})."))
    return rows


class ParquetReader(FileReader):
    """Streams rows of a Parquet file; other columns travel along as metadata."""

    def __init__(self, path: Path, options: ReadOptions, input_index: int = 0) -> None:
        super().__init__(path, options, input_index)
        self._rows_done = 0
        self._rows_total = 1

    def bytes_done(self) -> int:
        """Approximate bytes consumed (by share of rows read)."""
        return self.total_bytes * self._rows_done // max(self._rows_total, 1)

    def __iter__(self) -> Iterator[Item]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        name = str(self.path)
        self.encodings = {}
        try:
            pf = pq.ParquetFile(self.path)
        except (pa.ArrowException, OSError, ValueError) as exc:  # UnicodeDecodeError: a name
            yield file_problem(self.input_index, self.path, f"not a readable Parquet file ({exc}).")
            return
        self._rows_total = pf.metadata.num_rows
        row = 0
        batches = pf.iter_batches(batch_size=PARQUET_BATCH_ROWS)
        while True:
            try:
                batch = next(batches, None)
            except (pa.ArrowException, OSError, ValueError) as exc:  # a corrupt row group
                yield file_problem(
                    self.input_index, self.path, f"cannot read rows after row {row} ({exc})."
                )
                return
            if batch is None:
                break
            for record in _rows(batch):
                row += 1
                origin = Origin(self.input_index, name, "row", row)
                if isinstance(record, str):
                    yield origin, BadRecord(origin, record)
                    continue
                doc = record_to_document(record, self.options, origin)
                if not isinstance(doc, BadRecord):
                    self.encodings["utf-8"] = self.encodings.get("utf-8", 0) + 1
                yield origin, doc
            self._rows_done = row
        if row == 0:
            yield file_problem(self.input_index, self.path, EMPTY_FILE)


class CsvReader(FileReader):
    """Streams rows of a CSV file with a header row, optionally gzip/zstd-compressed.

    The file's encoding is `ReadOptions.encoding`, else decided on its first megabyte (see
    copytrace.io.encoding); a row with bytes invalid in it is a bad record.
    """

    def __init__(self, path: Path, options: ReadOptions, input_index: int = 0) -> None:
        super().__init__(path, options, input_index)
        self._raw: BinaryIO | None = None
        self._spooled_bytes = 0  # decompressed bytes read from memory, when they are

    def bytes_done(self) -> int:
        """Bytes consumed so far (in proportion, when reading kept bytes)."""
        if self._raw is None or self._raw.closed:
            return self.total_bytes if self._raw is not None else 0
        if self._spooled_bytes:
            return self.total_bytes * self._raw.tell() // self._spooled_bytes
        return self._raw.tell()

    def __iter__(self) -> Iterator[Item]:
        csv.field_size_limit(sys.maxsize)
        self.encodings = {}
        checked = CheckedFile(None)
        if is_compressed(self.path):
            # Checked whole first; decompressed once when the bytes fit in memory.
            checked = check_compressed(self.path, keep_budget())
        if checked.problem is not None:
            yield file_problem(self.input_index, self.path, checked.problem)
            return
        try:
            if checked.spool is not None:
                raw = checked.spool
                encoding, bom = stream_encoding(raw.read(CSV_SAMPLE_BYTES), self.options.encoding)
                raw.seek(0)
                text = csv_text(raw, encoding, bom)
                self._spooled_bytes = checked.spooled_bytes
            else:
                encoding, bom = csv_encoding(self.path, self.options.encoding)
                text, raw = open_csv_text(self.path, encoding, bom)
        except (OSError, EOFError, zstandard.ZstdError, LookupError) as exc:
            if checked.spool is not None:
                checked.spool.close()
            yield file_problem(self.input_index, self.path, f"cannot read the file: {exc}")
            return
        self._raw = raw
        name = str(self.path)
        label = "UTF-8" if encoding == "utf-8" else encoding
        reader = csv.reader(text)
        rows = 0
        try:
            header = next(reader, None)
            if header is None:
                yield file_problem(self.input_index, self.path, EMPTY_FILE)
                return
            if any(_BAD_BYTE.search(field) for field in header):
                reason = f"invalid {label} in the header row ({_bad_bytes(header)})."
                yield file_problem(self.input_index, self.path, reason)
                return
            last_line = reader.line_num
            for row in reader:
                origin = Origin(self.input_index, name, "line", last_line + 1)
                last_line = reader.line_num
                if not row:
                    continue
                rows += 1
                if any(_BAD_BYTE.search(field) for field in row):
                    reason = f"invalid {label} in the row ({_bad_bytes(row)})."
                    yield origin, BadRecord(origin, reason)
                    continue
                if len(row) != len(header):
                    reason = f"{len(row)} fields where the header has {len(header)}."
                    yield origin, BadRecord(origin, reason)
                    continue
                record = dict(zip(header, row, strict=True))
                doc = record_to_document(record, self.options, origin)
                if not isinstance(doc, BadRecord):
                    self.encodings[encoding] = self.encodings.get(encoding, 0) + 1
                yield origin, doc
            if rows == 0:
                reason = "empty file: a header row and no records."
                yield file_problem(self.input_index, self.path, reason)
        except csv.Error as exc:
            origin = Origin(self.input_index, name, "line", reader.line_num)
            yield origin, BadRecord(origin, one_line(f"malformed CSV ({exc})."))
        except (OSError, EOFError, zstandard.ZstdError, UnicodeError) as exc:
            yield file_problem(self.input_index, self.path, f"cannot read the file: {exc}")
        finally:
            text.close()
            raw.close()
