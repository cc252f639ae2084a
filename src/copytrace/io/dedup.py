"""Writing a deduplicated corpus in its input's format, and the sidecar of dropped documents.

Records are written from the original input, not rebuilt from Documents, so every field and the
exact bytes of JSON Lines survive. A record is written unless its position is in the drop set
(duplicates and skipped bad records) or it is a blank line. Text and HTML files are copied whole.
WARC input gives a WARC (gzip-compressed per record when the output ends in .gz) that keeps every
record except the dropped ones: request, metadata, warcinfo and non-page response records stay,
so the kept pages keep their context.
"""

from __future__ import annotations

import csv
import gzip
import io
import shutil
import sys
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import zstandard

from copytrace.errors import InputError
from copytrace.io.base import Origin, open_binary
from copytrace.io.tabular import csv_encoding, open_csv_text
from copytrace.io.textdir import DOCUMENT_SUFFIXES, walk_files
from copytrace.io.warc import warc_record_spans

#: (input index, record number) of a record, or (input index, file path) for text files.
RecordKey = tuple[int, int | str]


def record_key(origin: Origin) -> RecordKey:
    """The key under which the dedup writer recognises a record."""
    return (origin.input_index, origin.number if origin.unit else origin.path)


def _open_output(path: Path, compress: str) -> BinaryIO:
    if compress == "gz":
        return gzip.open(path, "wb")  # type: ignore[return-value]
    if compress == "zst":
        return zstandard.ZstdCompressor().stream_writer(open(path, "wb"))
    return open(path, "wb")


def _compression(output: Path) -> str:
    name = output.name.lower()
    if name.endswith(".gz"):
        return "gz"
    if name.endswith((".zst", ".zstd")):
        return "zst"
    return ""


def _write_jsonl(
    inputs: Sequence[Path], output: Path, drop: set[RecordKey], compress: str, skip: list[bool]
) -> int:
    written = 0
    with _open_output(output, compress) as out:
        for i, path in enumerate(inputs):
            if skip[i]:
                continue
            stream, raw = open_binary(path)
            with stream, raw:
                for number, line in enumerate(stream, start=1):
                    if line.strip() and (i, number) not in drop:
                        out.write(line if line.endswith(b"\n") else line + b"\n")
                        written += 1
    return written


def _write_csv(
    inputs: Sequence[Path],
    output: Path,
    drop: set[RecordKey],
    compress: str,
    skip: list[bool],
    encoding: str | None,
) -> int:
    csv.field_size_limit(sys.maxsize)
    written = 0
    header: list[str] | None = None
    out_encoding: str | None = None
    with _open_output(output, compress) as raw_out:
        out: io.TextIOWrapper | None = None
        for i, path in enumerate(inputs):
            if skip[i]:
                continue
            # Read as the reader did, and write in the first file's encoding: bytes survive.
            in_encoding, bom = csv_encoding(path, encoding)
            text, raw = open_csv_text(path, in_encoding, bom)
            if out is None:
                out_encoding = in_encoding
                out = io.TextIOWrapper(
                    raw_out, encoding=in_encoding, errors="surrogateescape", newline=""
                )
                if bom:
                    out.write("\ufeff")
                writer = csv.writer(out)
            elif in_encoding != out_encoding:
                raise InputError(
                    f"{path}: its encoding ({in_encoding}) differs from {inputs[0]}'s "
                    f"({out_encoding}); dedup writes one CSV file in one encoding."
                )
            with text, raw:
                reader = csv.reader(text)
                this_header = next(reader, None)
                if this_header is None:
                    continue
                if header is None:
                    header = this_header
                    writer.writerow(header)
                elif this_header != header:
                    raise InputError(f"{path}: its CSV header differs from {inputs[0]}'s.")
                last_line = reader.line_num
                for row in reader:
                    number = last_line + 1
                    last_line = reader.line_num
                    if row and (i, number) not in drop:
                        writer.writerow(row)
                        written += 1
        if out is not None:
            out.flush()
            out.detach()
    return written


def _write_parquet(
    inputs: Sequence[Path], output: Path, drop: set[RecordKey], skip: list[bool]
) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    written = 0
    writer = None
    try:
        for i, path in enumerate(inputs):
            if skip[i]:
                continue
            pf = pq.ParquetFile(path)
            row = 0
            for batch in pf.iter_batches(batch_size=8192):
                keep = [(i, row + r + 1) not in drop for r in range(batch.num_rows)]
                row += batch.num_rows
                table = pa.Table.from_batches([batch]).filter(pa.array(keep))
                if writer is None:
                    writer = pq.ParquetWriter(output, table.schema)
                elif not table.schema.equals(writer.schema):
                    raise InputError(f"{path}: its Parquet schema differs from {inputs[0]}'s.")
                writer.write_table(table)
                written += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    return written


def _text_files(path: Path) -> Iterable[tuple[Path, str]]:
    if path.is_dir():
        for f in walk_files(path):
            if f.name.lower().endswith(DOCUMENT_SUFFIXES):
                yield f, f.relative_to(path).as_posix()
    else:
        yield path, path.name


def _write_textdir(inputs: Sequence[Path], output: Path, drop: set[RecordKey]) -> int:
    written = 0
    for i, path in enumerate(inputs):
        for file, rel in _text_files(path):
            if (i, str(file)) in drop:
                continue
            target = output / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
            written += 1
    return written


#: Bytes copied at a time between WARC files.
_CHUNK = 1 << 20
#: What ends every WARC record.
_RECORD_END = b"\r\n\r\n"


def _copy_range(src: BinaryIO, offset: int, length: int) -> Iterator[bytes]:
    src.seek(offset)
    while length > 0:
        chunk = src.read(min(_CHUNK, length))
        if not chunk:
            raise InputError(f"{src.name}: the file changed while it was being read.")
        length -= len(chunk)
        yield chunk


def _copy_warc_record(
    src: BinaryIO, offset: int, length: int, src_gzip: bool, out: BinaryIO, compress: bool
) -> None:
    """Copy one record; a gzip member stays as it is when both sides are compressed."""
    chunks = _copy_range(src, offset, length)
    if src_gzip == compress:
        for chunk in chunks:
            out.write(chunk)
        if not compress:
            out.write(_RECORD_END)
    elif compress:
        with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6) as member:
            for chunk in chunks:
                member.write(chunk)
            member.write(_RECORD_END)
    else:
        decompressor = zlib.decompressobj(wbits=31)
        for chunk in chunks:
            out.write(decompressor.decompress(chunk))
        out.write(decompressor.flush())


def _write_warc(
    inputs: Sequence[Path], output: Path, drop: set[RecordKey], compress: bool, skip: list[bool]
) -> int:
    """Copy every WARC record not in `drop`; returns the records written (documents and other
    records alike), so kept + dropped + skipped counts every record of the input."""
    written = 0
    with open(output, "wb") as out:
        for i, path in enumerate(inputs):
            if skip[i]:
                continue
            with open(path, "rb") as src:
                src_gzip = src.read(2) == b"\x1f\x8b"
                for number, offset, length in warc_record_spans(path):
                    if (i, number) not in drop:
                        _copy_warc_record(src, offset, length, src_gzip, out, compress)
                        written += 1
    return written


def dropped_path_for(output: Path) -> Path:
    """Default sidecar path: the output's name without extensions, plus '.dropped.jsonl'."""
    stem = output.name.split(".")[0] or "output"
    return output.with_name(f"{stem}.dropped.jsonl")


def summary_path_for(output: Path) -> Path:
    """Where dedup writes its summary: the output's name without extensions + '.summary.json'."""
    stem = output.name.split(".")[0] or "output"
    return output.with_name(f"{stem}.summary.json")


@dataclass(frozen=True, slots=True)
class DedupJob:
    """What a dedup writer writes: the inputs' records not in `drop` (nor whole files whose
    `skip` is set) into `target`, in the format `output`'s name says (its compression too)."""

    inputs: Sequence[Path]
    target: Path
    output: Path
    drop: set[RecordKey]
    skip: list[bool]
    encoding: str | None = None

    @property
    def compress(self) -> str:
        """'gz', 'zst' or '' by the output's name."""
        return _compression(self.output)


def write_jsonl(job: DedupJob) -> int:
    """Copy the kept JSON Lines records byte for byte."""
    return _write_jsonl(job.inputs, job.target, job.drop, job.compress, job.skip)


def write_csv(job: DedupJob) -> int:
    """Copy the kept CSV rows, with the header, in the input's encoding."""
    return _write_csv(job.inputs, job.target, job.drop, job.compress, job.skip, job.encoding)


def write_parquet(job: DedupJob) -> int:
    """Copy the kept Parquet rows with all their columns."""
    return _write_parquet(job.inputs, job.target, job.drop, job.skip)


def write_warc(job: DedupJob) -> int:
    """Copy every WARC record but the dropped pages."""
    gz = job.output.name.lower().endswith(".gz")
    return _write_warc(job.inputs, job.target, job.drop, gz, job.skip)


def write_textdir(job: DedupJob) -> int:
    """Copy the kept text and HTML files under their relative paths."""
    job.target.mkdir(exist_ok=True)
    return _write_textdir(job.inputs, job.target, job.drop)
