"""The one table of input formats: which files each is, which reader reads it, and how dedup
writes it back. Reading (`open_reader`) and dedup (`write_deduplicated`) both go through it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from copytrace.errors import InputError, OutputError
from copytrace.io.base import FileReader, ReadOptions
from copytrace.io.dedup import (
    DedupJob,
    RecordKey,
    write_csv,
    write_jsonl,
    write_parquet,
    write_textdir,
    write_warc,
)
from copytrace.io.html import HTML_SUFFIXES
from copytrace.io.jsonl import JsonlReader
from copytrace.io.outputs import check_output_path
from copytrace.io.tabular import CsvReader, ParquetReader
from copytrace.io.textdir import HtmlFileReader, TextDirReader, TextFileReader
from copytrace.io.warc import WARC_SUFFIXES, WarcReader

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".jsonl.zstd", ".ndjson", ".ndjson.gz")
CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.zst")


@dataclass(frozen=True, slots=True)
class Format:
    """An input format: its name, the file name endings it has (none for a directory), its
    reader, and dedup's writer with the output name endings it takes (a directory for none)."""

    name: str
    suffixes: tuple[str, ...]
    reader: type[FileReader]
    write: Callable[[DedupJob], int]
    output_suffixes: tuple[str, ...]


#: Every format, in the order file names are tried (a directory is always `textdir`).
FORMATS = (
    Format("jsonl", JSONL_SUFFIXES, JsonlReader, write_jsonl, JSONL_SUFFIXES),
    Format("parquet", (".parquet",), ParquetReader, write_parquet, (".parquet",)),
    Format("csv", CSV_SUFFIXES, CsvReader, write_csv, CSV_SUFFIXES),
    Format("warc", WARC_SUFFIXES, WarcReader, write_warc, WARC_SUFFIXES),
    Format("text", (".txt",), TextFileReader, write_textdir, ()),
    Format("html", HTML_SUFFIXES, HtmlFileReader, write_textdir, ()),
)
TEXTDIR = Format("textdir", (), TextDirReader, write_textdir, ())
SUPPORTED = (
    "a directory of .txt or .html files, .jsonl[.gz|.zst], .parquet, .csv, .warc[.gz], "
    ".txt or .html"
)


def format_of(path: Path) -> Format:
    """The format of an input path; an InputError for a missing path or an unknown type."""
    if path.is_dir():
        return TEXTDIR
    if not path.exists():
        raise InputError(f"{path}: no such file or directory.")
    name = path.name.lower()
    for fmt in FORMATS:
        if name.endswith(fmt.suffixes):
            return fmt
    raise InputError(f"{path}: unsupported input type; copytrace reads {SUPPORTED}.")


def input_kind(path: Path) -> str:
    """'textdir', 'jsonl', 'parquet', 'csv', 'warc', 'text' or 'html' for a path."""
    return format_of(path).name


def open_reader(path: Path, options: ReadOptions, input_index: int = 0) -> FileReader:
    """The streaming reader for one input path."""
    fmt = format_of(path)
    reader = fmt.reader(path, options, input_index)
    if isinstance(reader, TextDirReader) and not reader.documents:
        raise InputError(f"{path}: no .txt or .html files in this directory.")
    return reader


def dedup_format(inputs: Sequence[Path]) -> Format:
    """The one format of all inputs, in which dedup writes its output (text and HTML files
    are one family: a directory)."""
    formats = {format_of(p) for p in inputs}
    formats = {TEXTDIR if f.write is write_textdir else f for f in formats}
    if len(formats) != 1:
        names = ", ".join(sorted(f.name for f in formats))
        raise InputError(f"dedup needs inputs of one format; got {names}.")
    return formats.pop()


def check_dedup_output(inputs: Sequence[Path], output: Path, option: str = "-o") -> Format:
    """The output format of a dedup run; fails before any work when `output` cannot take it.

    Checks the inputs' one format, the output's name (extension) or, for text and HTML files, that
    it is a new or empty directory, and that it can be written there.
    """
    fmt = dedup_format(inputs)
    if not fmt.output_suffixes:
        if output.exists() and not output.is_dir():
            raise InputError(
                f"{output}: the input is text or HTML files, so the output must be a directory."
            )
        if output.is_dir() and any(output.iterdir()):
            raise OutputError(
                f"{option} {output}: the directory is not empty; dedup writes a new directory "
                "(remove it or name another)."
            )
    elif not output.name.lower().endswith(fmt.output_suffixes):
        raise InputError(
            f"{output}: the input is {fmt.name}, so the output name must end with "
            f"{' or '.join(fmt.output_suffixes)}."
        )
    check_output_path(output, option, directory=not fmt.output_suffixes)
    return fmt


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
    fmt = dedup_format(inputs)
    target = into if into is not None else output
    target.parent.mkdir(parents=True, exist_ok=True)
    skip = [(i, str(p)) in drop for i, p in enumerate(inputs)]
    return fmt.write(DedupJob(inputs, target, output, drop, skip, encoding))


__all__ = ["FORMATS", "Format", "format_of", "input_kind", "open_reader"]
