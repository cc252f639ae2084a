"""Open input paths: pick the reader from what the path is."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from copytrace.errors import InputError
from copytrace.io.base import Item, Reader, ReadOptions
from copytrace.io.html import HTML_SUFFIXES
from copytrace.io.jsonl import JsonlReader
from copytrace.io.tabular import CsvReader, ParquetReader
from copytrace.io.textdir import HtmlFileReader, TextDirReader, TextFileReader
from copytrace.io.warc import WARC_SUFFIXES, WarcReader

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".jsonl.zstd", ".ndjson", ".ndjson.gz")
CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.zst")
SUPPORTED = (
    "a directory of .txt or .html files, .jsonl[.gz|.zst], .parquet, .csv, .warc[.gz], "
    ".txt or .html"
)


def input_kind(path: Path) -> str:
    """'textdir', 'jsonl', 'parquet', 'csv', 'warc', 'text' or 'html' for a path.

    Raises InputError for a missing path or an unsupported file type.
    """
    if path.is_dir():
        return "textdir"
    if not path.exists():
        raise InputError(f"{path}: no such file or directory.")
    name = path.name.lower()
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith(CSV_SUFFIXES):
        return "csv"
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(".txt"):
        return "text"
    if name.endswith(HTML_SUFFIXES):
        return "html"
    raise InputError(f"{path}: unsupported input type; copytrace reads {SUPPORTED}.")


def open_reader(path: Path, options: ReadOptions, input_index: int = 0) -> Reader:
    """The streaming reader for one input path."""
    kind = input_kind(path)
    if kind == "textdir":
        reader = TextDirReader(path, options, input_index)
        if not reader.documents:
            raise InputError(f"{path}: no .txt or .html files in this directory.")
        return reader
    if kind == "jsonl":
        return JsonlReader(path, options, input_index)
    if kind == "parquet":
        return ParquetReader(path, options, input_index)
    if kind == "csv":
        return CsvReader(path, options, input_index)
    if kind == "warc":
        return WarcReader(path, input_index)
    if kind == "html":
        return HtmlFileReader(path, options, input_index)
    return TextFileReader(path, options, input_index)


def open_readers(paths: Sequence[Path | str], options: ReadOptions) -> list[Reader]:
    """Readers for several inputs, checked up front so that a typo fails before any work."""
    if not paths:
        raise InputError("no input given.")
    return [open_reader(Path(p), options, i) for i, p in enumerate(paths)]


def iter_items(readers: Sequence[Reader]) -> Iterator[Item]:
    """All records of all readers, in order."""
    for reader in readers:
        yield from reader
