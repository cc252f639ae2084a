"""What every reader shares: where a record came from, and how bad records are reported."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import zstandard

from copytrace.model import Document


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record was read: input number, file, and record position within the file."""

    input_index: int
    path: str
    unit: str  # "line", "row" or "" (a whole file)
    number: int

    def __str__(self) -> str:
        return f"{self.path} {self.unit} {self.number}" if self.unit else self.path


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A record that could not become a Document, and why."""

    origin: Origin
    reason: str

    def message(self) -> str:
        """The user-facing message: where, then what."""
        return f"{self.origin}: {self.reason}"


Item = tuple[Origin, Document | BadRecord]


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How records map to documents."""

    id_field: str = "id"
    text_field: str = "text"


class Reader(Protocol):
    """A streaming source of documents; it never holds the whole input in memory."""

    path: Path
    total_bytes: int

    def __iter__(self) -> Iterator[Item]:
        """Yield (origin, Document or BadRecord) in input order."""
        ...

    def bytes_done(self) -> int:
        """Bytes of the input file(s) consumed so far (for progress)."""
        ...


def open_binary(path: Path) -> tuple[BinaryIO, BinaryIO]:
    """Open a possibly gzip- or zstd-compressed file: (decompressed stream, raw file).

    The raw file's position tells how far through the input a reader is, for progress.
    """
    name = path.name.lower()
    raw = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    if name.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="rb"), raw  # type: ignore[return-value]
    if name.endswith((".zst", ".zstd")):
        dctx = zstandard.ZstdDecompressor()
        stream = dctx.stream_reader(raw, read_across_frames=True)
        return io.BufferedReader(stream), raw  # buffered, so lines can be iterated
    return raw, raw


def record_to_document(
    record: dict[str, Any], options: ReadOptions, origin: Origin
) -> Document | BadRecord:
    """Build a Document from a decoded record (JSON object, CSV row or Parquet row)."""
    fields = ", ".join(str(k) for k in record)
    if options.id_field not in record:
        return BadRecord(
            origin,
            f'no field "{options.id_field}" (fields: {fields}). Use --id-field NAME.',
        )
    if options.text_field not in record:
        guess = next((k for k in ("body", "content", "article", "text") if k in record), "NAME")
        return BadRecord(
            origin,
            f'no field "{options.text_field}" (fields: {fields}). Use --text-field {guess}.',
        )
    doc_id = record[options.id_field]
    text = record[options.text_field]
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int):
        return BadRecord(
            origin,
            f'field "{options.id_field}" must be a string or an integer; '
            f"got {type(doc_id).__name__}.",
        )
    if not isinstance(text, str):
        return BadRecord(
            origin, f'field "{options.text_field}" must be a string; got {type(text).__name__}.'
        )
    doc_id = str(doc_id)
    if not doc_id:
        return BadRecord(origin, f'field "{options.id_field}" is empty.')
    meta = {k: v for k, v in record.items() if k not in (options.id_field, options.text_field)}
    return Document(doc_id, text, meta)
