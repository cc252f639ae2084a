"""Tabular readers: Parquet (streamed by record batch) and CSV (with a header row)."""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from copytrace.io.base import BadRecord, Item, Origin, ReadOptions, open_binary, record_to_document

_BAD_BYTE = re.compile("[\udc80-\udcff]")

#: Rows decoded per Parquet batch: bounds memory whatever the file's row groups are.
PARQUET_BATCH_ROWS = 2048


class ParquetReader:
    """Streams rows of a Parquet file; other columns travel along as metadata."""

    def __init__(self, path: Path, options: ReadOptions, input_index: int = 0) -> None:
        self.path = path
        self.options = options
        self.input_index = input_index
        self.total_bytes = path.stat().st_size
        self._rows_done = 0
        self._rows_total = 1

    def bytes_done(self) -> int:
        """Approximate bytes consumed (by share of rows read)."""
        return self.total_bytes * self._rows_done // max(self._rows_total, 1)

    def __iter__(self) -> Iterator[Item]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        name = str(self.path)
        try:
            pf = pq.ParquetFile(self.path)
        except (pa.ArrowException, OSError) as exc:
            origin = Origin(self.input_index, name, "", 0)
            yield origin, BadRecord(origin, f"not a readable Parquet file ({exc}).")
            return
        self._rows_total = pf.metadata.num_rows
        row = 0
        for batch in pf.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            for record in batch.to_pylist():
                row += 1
                origin = Origin(self.input_index, name, "row", row)
                yield origin, record_to_document(record, self.options, origin)
            self._rows_done = row


class CsvReader:
    """Streams rows of a CSV file with a header row (UTF-8, optionally gzip/zstd)."""

    def __init__(self, path: Path, options: ReadOptions, input_index: int = 0) -> None:
        self.path = path
        self.options = options
        self.input_index = input_index
        self.total_bytes = path.stat().st_size
        self._raw: io.BufferedReader | None = None

    def bytes_done(self) -> int:
        """Bytes consumed so far."""
        if self._raw is None or self._raw.closed:
            return self.total_bytes if self._raw is not None else 0
        return self._raw.tell()

    def __iter__(self) -> Iterator[Item]:
        csv.field_size_limit(sys.maxsize)
        stream, raw = open_binary(self.path)
        self._raw = raw  # type: ignore[assignment]
        name = str(self.path)
        # surrogateescape keeps undecodable bytes as lone surrogates, which strict UTF-8 never
        # yields, so a bad row is found exactly and the rows around it still read.
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
        reader = csv.reader(text)
        try:
            header = next(reader, None)
            if header is None:
                return
            last_line = reader.line_num
            for row in reader:
                origin = Origin(self.input_index, name, "line", last_line + 1)
                last_line = reader.line_num
                if not row:
                    continue
                if any(_BAD_BYTE.search(field) for field in row):
                    yield origin, BadRecord(origin, "invalid UTF-8 in the row.")
                    continue
                if len(row) != len(header):
                    reason = f"{len(row)} fields where the header has {len(header)}."
                    yield origin, BadRecord(origin, reason)
                    continue
                yield (
                    origin,
                    record_to_document(dict(zip(header, row, strict=True)), self.options, origin),
                )
        except csv.Error as exc:
            origin = Origin(self.input_index, name, "line", reader.line_num)
            yield origin, BadRecord(origin, f"malformed CSV ({exc}).")
        finally:
            text.close()
            raw.close()
