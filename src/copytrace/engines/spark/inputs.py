"""Inputs as Spark reads them: files listed in reading order, records parsed as the local readers
parse them, each record numbered by its line (JSON Lines) or row (Parquet) in its file.

The local engine reads its inputs one after another, each file from its first record to its last;
documents are numbered in that order and every tie (which of two copies is the first, which
document heads a bucket, which member is a cluster's source) goes to the one read first. Spark
reads splits of files in any order, so each record gets a key that restores it: the file's number
in reading order in the high bits, the record's line or row number in the low bits. A JSON Lines
line's number is its index within its split plus the lines of the file's earlier splits, counted
while parsing; Parquet gives each row's index itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from copytrace.engines.spark.core import (
    EMPTY_FILE,
    JSONL_SUFFIXES,
    BadRecord,
    InputError,
    Origin,
    ReadOptions,
    Settings,
    document_date,
    message_parts,
    provenance_of,
    record_to_document,
    thread_key,
    utf8_problem,
)
from copytrace.engines.spark.files import Files, canonical, has_scheme

#: Bits of a document key that hold its line or row number; the file's number is above them.
NUMBER_BITS = 40
#: The record number of a problem with a whole file: after any record of that file.
FILE_PROBLEM = (1 << NUMBER_BITS) - 1
#: Record kinds in the parsed table.
DOCUMENT, BAD, RUN = 1, 2, 3
#: JSON Lines that Hadoop can decompress itself (zstd needs Hadoop's native library).
SPARK_JSONL = tuple(s for s in JSONL_SUFFIXES if not s.endswith((".zst", ".zstd")))
SUPPORTED = "JSON Lines (.jsonl, .jsonl.gz, .ndjson) and Parquet (.parquet files or directories)"

PARSED_SCHEMA = pa.schema(
    [
        ("fp", pa.string()),
        ("bs", pa.int64()),
        ("idx", pa.int64()),
        ("kind", pa.int8()),
        ("id", pa.string()),
        ("text", pa.string()),
        ("reason", pa.string()),
        ("date", pa.string()),
        ("host", pa.string()),
        ("author", pa.string()),
        ("thread", pa.int64()),
        ("post", pa.bool_()),
        ("lines", pa.int64()),
        ("records", pa.int64()),
    ]
)
PARSED_DDL = (
    "fp string, bs long, idx long, kind byte, id string, text string, reason string, "
    "date string, host string, author string, thread long, post boolean, lines long, "
    "records long"
)


@dataclass(frozen=True)
class InputFile:
    """One file to read: its Hadoop path, Spark's name for it, how errors name it, the input it
    came from, its number in reading order, its kind, size and modification time."""

    path: str
    key: str
    display: str
    input_index: int
    number: int
    kind: str
    size: int
    mtime: int


def _kind(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(SPARK_JSONL):
        return "jsonl"
    if lower.endswith(".parquet"):
        return "parquet"
    return None


def _display(given: str, base: str, path: str, is_file: bool) -> str:
    """How a file is named in messages: as given when it was given, else below what was."""
    if is_file:
        return given if has_scheme(given) else str(Path(given))
    rel = path[len(base) :].lstrip("/")
    return f"{given.rstrip('/')}/{rel}" if has_scheme(given) else str(Path(given) / rel)


def list_inputs(files: Files, inputs: Sequence[str]) -> tuple[list[InputFile], int]:
    """The files to read, in reading order, and how many files of directories were passed
    over (not JSON Lines or Parquet). Fails on a missing path or an unsupported file."""
    if not inputs:
        raise InputError("no input given.")
    out: list[InputFile] = []
    ignored = 0
    for index, given in enumerate(inputs):
        is_glob = any(c in given for c in "*?[{")
        if not is_glob and not files.exists(given):
            raise InputError(f"{given}: no such file or directory.")
        found = files.glob(given) if is_glob else files.files(given)
        if is_glob and not found:
            raise InputError(f"{given}: no file matches.")
        single = not is_glob and not files.is_dir(given)
        if single and given.lower().endswith((".zst", ".zstd")):
            raise InputError(
                f"{given}: zstd-compressed JSON Lines cannot be read by Spark; decompress it or "
                "compress it with gzip (.jsonl.gz)."
            )
        base = files.qualified(given) if not is_glob else ""
        for info in found:
            kind = _kind(info.path)
            if kind is None:
                if single:
                    raise InputError(
                        f"{given}: unsupported input type for --engine spark; it reads {SUPPORTED}."
                    )
                ignored += 1
                continue
            display = (
                _display(given, base, info.path, single)
                if not is_glob
                else (info.path[len("file:") :] if info.path.startswith("file:") else info.path)
            )
            out.append(
                InputFile(
                    info.path,
                    canonical(info.uri),
                    display,
                    index,
                    len(out),
                    kind,
                    info.size,
                    info.mtime,
                )
            )
    if not out:
        raise InputError(f"{', '.join(inputs)}: no {SUPPORTED} files found.")
    seen: dict[str, InputFile] = {}
    for f in out:
        if f.key in seen:
            raise InputError(f"{f.display}: read twice (also as {seen[f.key].display}).")
        seen[f.key] = f
    if len(out) >= 1 << (63 - NUMBER_BITS):
        raise InputError(f"{len(out)} input files: at most {(1 << (63 - NUMBER_BITS)) - 1}.")
    return out, ignored


def _document_fields(
    doc_id: str, text: str, meta: dict[str, Any], settings: Settings
) -> dict[str, Any]:
    """What the engine keeps of a document read: its facts as the local engine derives them."""
    parts = None if settings.keep_boilerplate else message_parts(text)
    provenance = provenance_of(meta, parts, settings.origin_field)
    return {
        "kind": DOCUMENT,
        "id": doc_id,
        "text": text,
        "date": document_date(meta.get("date")),
        "host": provenance.host,
        "author": provenance.author,
        "thread": thread_key(None if parts is None else parts.thread),
        "post": parts is not None,
    }


def _from_record(
    record: dict[str, Any] | BadRecord, options: ReadOptions, settings: Settings
) -> dict[str, Any]:
    """The parsed row of a decoded record (a dict) or of a reason it is bad."""
    if isinstance(record, BadRecord):
        return {"kind": BAD, "reason": record.reason}
    doc = record_to_document(record, options, _NOWHERE)
    if isinstance(doc, BadRecord):
        return {"kind": BAD, "reason": doc.reason}
    return _document_fields(doc.id, doc.text, doc.meta, settings)


#: Origins do not enter the reasons of bad records; rows get theirs from their keys.
_NOWHERE = Origin(0, "", "line", 0)


def _json_record(line: bytes, options: ReadOptions) -> dict[str, Any] | BadRecord:
    """A JSON Lines record as JsonlReader decodes it (a line as it reads it: with its newline,
    which Spark strips; a malformed last line without one may be described differently)."""
    try:
        record = orjson.loads(line + b"\n")
    except orjson.JSONDecodeError as exc:
        return BadRecord(_NOWHERE, utf8_problem(line) or f"malformed JSON ({exc.msg}).")
    if not isinstance(record, dict):
        return BadRecord(_NOWHERE, f"expected a JSON object, got {type(record).__name__}.")
    return record


class _Runs:
    """Counts lines and records of each run of one split within a partition, in order."""

    def __init__(self) -> None:
        self.current: tuple[str, int] | None = None
        self.idx = 0
        self.records = 0
        self.done: list[dict[str, Any]] = []

    def next_row(self, fp: str, bs: int) -> int:
        """The index of a row within its split's run (starting a new run when it changes)."""
        if self.current != (fp, bs):
            self.close()
            self.current = (fp, bs)
        idx = self.idx
        self.idx += 1
        return idx

    def close(self) -> None:
        """End the current run, keeping its row of counts."""
        if self.current is not None:
            fp, bs = self.current
            self.done.append(
                {"fp": fp, "bs": bs, "kind": RUN, "lines": self.idx, "records": self.records}
            )
        self.current, self.idx, self.records = None, 0, 0


def _batch(rows: list[dict[str, Any]]) -> pa.RecordBatch:
    columns = {name: [r.get(name) for r in rows] for name in PARSED_SCHEMA.names}
    return pa.RecordBatch.from_pydict(columns, schema=PARSED_SCHEMA)


def parse_jsonl(
    batches: Iterator[pa.RecordBatch], options: ReadOptions, settings: Settings
) -> Iterator[pa.RecordBatch]:
    """Executor side: lines (raw bytes, file, split start) to parsed rows, plus one row of
    counts per split run."""
    runs = _Runs()
    for batch in batches:
        lines = batch.column("line").to_pylist()
        fps = batch.column("fp").to_pylist()
        starts = batch.column("bs").to_pylist()
        out: list[dict[str, Any]] = []
        for line, fp, bs in zip(lines, fps, starts, strict=True):
            idx = runs.next_row(fp, bs)
            if not line.strip():
                continue
            runs.records += 1
            row = _from_record(_json_record(line, options), options, settings)
            row.update(fp=fp, bs=bs, idx=idx)
            out.append(row)
        out.extend(runs.done)
        runs.done = []
        yield _batch(out)
    runs.close()
    yield _batch(runs.done)


def parse_parquet(
    batches: Iterator[pa.RecordBatch], options: ReadOptions, settings: Settings, fields: list[str]
) -> Iterator[pa.RecordBatch]:
    """Executor side: Parquet rows (the columns that matter, file, row index) to parsed rows,
    plus one row of counts per file run. `fields` are the dataset's columns, in order."""
    runs = _Runs()
    for batch in batches:
        data = batch.to_pydict()
        out: list[dict[str, Any]] = []
        for k in range(batch.num_rows):
            fp = data["fp"][k]
            runs.next_row(fp, -1)
            runs.records += 1
            record = {name: data[name][k] if name in data else None for name in fields}
            row = _from_record(record, options, settings)
            row.update(fp=fp, bs=-1, idx=data["row_index"][k])
            out.append(row)
        out.extend(runs.done)
        runs.done = []
        yield _batch(out)
    runs.close()
    yield _batch(runs.done)


def read_parsed(
    spark: SparkSession, files: list[InputFile], options: ReadOptions, settings: Settings
) -> DataFrame:
    """Every record of the input files, parsed, with rows of counts per split (kind RUN)."""
    parts: list[DataFrame] = []
    jsonl = [f.path for f in files if f.kind == "jsonl"]
    parquet = [f.path for f in files if f.kind == "parquet"]
    if jsonl:
        lines = (
            spark.read.option("lineSep", "\n")
            .text(jsonl)
            .select(
                F.col("value").cast("binary").alias("line"),
                F.col("_metadata.file_path").alias("fp"),
                F.col("_metadata.file_block_start").alias("bs"),
            )
        )
        parse = partial(parse_jsonl, options=options, settings=settings)
        parts.append(lines.mapInArrow(parse, PARSED_DDL))
    if parquet:
        table = spark.read.parquet(*parquet)
        fields = list(table.columns)
        wanted = [options.id_field, options.text_field, "date", "host", "url"]
        if settings.origin_field:
            wanted.append(settings.origin_field)
        present = [c for c in dict.fromkeys(wanted) if c in fields]
        rows = table.select(
            *[F.col(f"`{c}`").alias(c) for c in present],
            F.col("_metadata.file_path").alias("fp"),
            F.col("_metadata.row_index").alias("row_index"),
        )
        parse = partial(parse_parquet, options=options, settings=settings, fields=fields)
        parts.append(rows.mapInArrow(parse, PARSED_DDL))
    out = parts[0]
    for part in parts[1:]:
        out = out.unionByName(part)
    return out


@dataclass(frozen=True)
class Numbering:
    """How parsed rows become keyed records: per split, the file's number and the lines before
    it; the files without any record (each one bad record); records read per file."""

    splits: list[tuple[str, int, int, int, str, str]]
    empty_files: list[InputFile]
    records: int


def numbering(runs: list[tuple[str, int, int, int]], files: list[InputFile]) -> Numbering:
    """Number every split from the rows of counts (file, split start, lines, records)."""
    by_key = {f.key: f for f in files}
    per_file: dict[str, list[tuple[int, int, int, str]]] = {}
    for fp, bs, lines, records in runs:
        f = by_key.get(canonical(fp))
        if f is None:
            raise InputError(f"{fp}: Spark read a file that was not listed (did it change?).")
        per_file.setdefault(f.key, []).append((bs, lines, records, fp))
    splits: list[tuple[str, int, int, int, str, str]] = []
    empty: list[InputFile] = []
    total = 0
    for f in files:
        found = sorted(per_file.get(f.key, []))
        offset = 0
        records = 0
        unit = "line" if f.kind == "jsonl" else "row"
        seen: set[tuple[str, int]] = set()
        for bs, lines, n, fp in found:
            if (fp, bs) not in seen:  # a Parquet file read in several runs has one entry
                seen.add((fp, bs))
                start = 0 if f.kind == "parquet" else offset
                splits.append((fp, bs, f.number, start, f.display, unit))
            offset += lines
            records += n
        if records == 0:
            empty.append(f)
        total += records
    return Numbering(splits, empty, total + len(empty))


def keyed(spark: SparkSession, parsed: DataFrame, plan: Numbering) -> DataFrame:
    """Documents and bad records with their keys and where they were read ('FILE line N')."""
    splits = spark.createDataFrame(
        plan.splits, "fp string, bs long, file_no long, offset long, display string, unit string"
    )
    rows = parsed.where(F.col("kind") != RUN).join(F.broadcast(splits), ["fp", "bs"])
    number = F.col("offset") + F.col("idx") + 1
    return rows.select(
        (F.shiftleft(F.col("file_no"), NUMBER_BITS) + number).alias("key"),
        F.concat_ws(" ", "display", "unit", number.cast("string")).alias("where"),
        "kind",
        "id",
        "text",
        "reason",
        "date",
        "host",
        "author",
        "thread",
        "post",
    )


def empty_file_problems(spark: SparkSession, plan: Numbering) -> DataFrame:
    """One bad record per input file without any record, as the local readers report it."""
    rows = [
        ((f.number << NUMBER_BITS) + FILE_PROBLEM, f.display, BAD, EMPTY_FILE)
        for f in plan.empty_files
    ]
    return spark.createDataFrame(rows, "key long, where string, kind byte, reason string")


_LINE_SCHEMA = pa.schema(
    [
        ("fp", pa.string()),
        ("bs", pa.int64()),
        ("idx", pa.int64()),
        ("kind", pa.int8()),
        ("line", pa.string()),
        ("lines", pa.int64()),
        ("records", pa.int64()),
    ]
)


def number_lines(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Executor side: the non-blank lines of JSON Lines files with their index in their split,
    plus one row of counts per split run (as `parse_jsonl` counts them)."""
    runs = _Runs()
    for batch in batches:
        out: list[dict[str, Any]] = []
        for line, fp, bs in zip(
            batch.column("line").to_pylist(),
            batch.column("fp").to_pylist(),
            batch.column("bs").to_pylist(),
            strict=True,
        ):
            idx = runs.next_row(fp, bs)
            if not line.strip():
                continue
            runs.records += 1
            out.append({"fp": fp, "bs": bs, "idx": idx, "kind": DOCUMENT, "line": line})
        out.extend(runs.done)
        runs.done = []
        yield pa.RecordBatch.from_pylist(out, schema=_LINE_SCHEMA)
    runs.close()
    yield pa.RecordBatch.from_pylist(runs.done, schema=_LINE_SCHEMA)


def keyed_lines(spark: SparkSession, files: list[InputFile]) -> DataFrame:
    """(key, line) of every record of JSON Lines files, keyed as `keyed` keys them."""
    lines = (
        spark.read.option("lineSep", "\n")
        .text([f.path for f in files])
        .select(
            F.col("value").alias("line"),
            F.col("_metadata.file_path").alias("fp"),
            F.col("_metadata.file_block_start").alias("bs"),
        )
        .mapInArrow(
            number_lines,
            "fp string, bs long, idx long, kind byte, line string, lines long, records long",
        )
        .localCheckpoint(eager=True)
    )
    runs = lines.where(F.col("kind") == RUN).select("fp", "bs", "lines", "records").collect()
    plan = numbering([tuple(r) for r in runs], files)
    splits = spark.createDataFrame(
        plan.splits, "fp string, bs long, file_no long, offset long, display string, unit string"
    )
    rows = lines.where(F.col("kind") != RUN).join(F.broadcast(splits), ["fp", "bs"])
    number = F.col("offset") + F.col("idx") + 1
    return rows.select((F.shiftleft(F.col("file_no"), NUMBER_BITS) + number).alias("key"), "line")


def keyed_rows(spark: SparkSession, files: list[InputFile]) -> DataFrame:
    """Every row of Parquet files with its key (`_key`), as `keyed` keys them."""
    table = spark.read.parquet(*[f.path for f in files])
    columns = list(table.columns)
    rows = table.select(
        "*",
        F.col("_metadata.file_path").alias("_fp"),
        F.col("_metadata.row_index").alias("_row"),
    )
    names = rows.select("_fp").distinct().collect()
    by_key = {f.key: f for f in files}
    numbers = [(r[0], by_key[canonical(r[0])].number) for r in names]
    table_of_files = spark.createDataFrame(numbers or [("", 0)], "_fp string, _file long")
    keyed_table = rows.join(F.broadcast(table_of_files), "_fp")
    key = F.shiftleft(F.col("_file"), NUMBER_BITS) + F.col("_row") + 1
    return keyed_table.select(key.alias("_key"), *[F.col(f"`{c}`") for c in columns])
