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
from pathlib import Path
from typing import BinaryIO

import zstandard

from copytrace.errors import InputError, OutputError
from copytrace.io.base import Origin, open_binary
from copytrace.io.inputs import JSONL_SUFFIXES, input_kind
from copytrace.io.outputs import check_output_path
from copytrace.io.tabular import csv_encoding, open_csv_text
from copytrace.io.textdir import DOCUMENT_SUFFIXES, walk_files
from copytrace.io.warc import WARC_SUFFIXES, warc_record_spans

#: (input index, record number) of a record, or (input index, file path) for text files.
RecordKey = tuple[int, int | str]


def record_key(origin: Origin) -> RecordKey:
    """The key under which the dedup writer recognises a record."""
    return (origin.input_index, origin.number if origin.unit else origin.path)


def output_kind(inputs: Sequence[Path]) -> str:
    """The one format of all inputs; dedup writes its output in it."""
    kinds = {input_kind(p) for p in inputs}
    kinds = {"textdir" if k in ("text", "html") else k for k in kinds}
    if len(kinds) != 1:
        raise InputError(f"dedup needs inputs of one format; got {', '.join(sorted(kinds))}.")
    return kinds.pop()


def _open_output(path: Path, compress: str) -> BinaryIO:
    if compress == "gz":
        return gzip.open(path, "wb")  # type: ignore[return-value]
    if compress == "zst":
        return zstandard.ZstdCompressor().stream_writer(open(path, "wb"))
    return open(path, "wb")


def check_dedup_output(inputs: Sequence[Path], output: Path, option: str = "-o") -> str:
    """The output format of a dedup run; fails before any work when `output` cannot take it.

    Checks the inputs' one format, the output's name (extension) or, for text and HTML files, that
    it is a new or empty directory, and that it can be written there.
    """
    kind = output_kind(inputs)
    name = output.name.lower()
    expected = {
        "jsonl": JSONL_SUFFIXES,
        "parquet": (".parquet",),
        "csv": (".csv", ".csv.gz", ".csv.zst"),
        "warc": WARC_SUFFIXES,
    }
    if kind == "textdir":
        if output.exists() and not output.is_dir():
            raise InputError(
                f"{output}: the input is text or HTML files, so the output must be a directory."
            )
        if output.is_dir() and any(output.iterdir()):
            raise OutputError(
                f"{option} {output}: the directory is not empty; dedup writes a new directory "
                "(remove it or name another)."
            )
    elif not name.endswith(expected[kind]):
        raise InputError(
            f"{output}: the input is {kind}, so the output name must end with "
            f"{' or '.join(expected[kind])}."
        )
    check_output_path(output, option, directory=kind == "textdir")
    return kind


def write_deduplicated(
    inputs: Sequence[Path],
    output: Path,
    drop: set[RecordKey],
    *,
    into: Path | None = None,
    encoding: str | None = None,
) -> int:
    """Write the records of `inputs` not in `drop` in the format `output` names; return how many
    were written. They go to `into` (a temporary beside `output`) when given. A whole file is
    left out when its key (input index, path) is in `drop`; CSV is read in `encoding` (else its
    detected encoding) and written in the same."""
    kind = output_kind(inputs)
    target = into if into is not None else output
    target.parent.mkdir(parents=True, exist_ok=True)
    compress = _compression(output)
    skip = [(i, str(p)) in drop for i, p in enumerate(inputs)]
    if kind == "jsonl":
        return _write_jsonl(inputs, target, drop, compress, skip)
    if kind == "csv":
        return _write_csv(inputs, target, drop, compress, skip, encoding)
    if kind == "parquet":
        return _write_parquet(inputs, target, drop, skip)
    if kind == "warc":
        return _write_warc(inputs, target, drop, output.name.lower().endswith(".gz"), skip)
    target.mkdir(exist_ok=True)
    return _write_textdir(inputs, target, drop)


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
