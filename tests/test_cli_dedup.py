"""The dedup command end to end: it keeps the input's records byte for byte in the input's own
format, lists what it dropped and why, and writes all its outputs or none."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import zstandard
from cli_helpers import (
    BAD_LINES,
    EXACT,
    EXPECTED,
    N_RECORDS,
    TRUNCATED,
    _corpus_with_bad_lines,
    assert_error,
    assert_ok,
    assert_summary_adds_up,
    norm_id,
    read_jsonl,
    run,
    small_corpus,
    write_corpus,
)

import copytrace

# --- dedup -------------------------------------------------------------------------------------


def check_dropped(sidecar: list[dict[str, Any]], kept_ids: set[str]) -> None:
    assert len(sidecar) == len(EXPECTED)
    for d in sidecar:
        assert d["duplicate_of"] in kept_ids
        assert d["id"] not in kept_ids
        pair = frozenset({norm_id(d["id"]), norm_id(d["duplicate_of"])})
        assert pair in EXPECTED
        assert d["relation"] == EXPECTED[pair]
        assert d["where"]
    assert {frozenset({norm_id(d["id"]), norm_id(d["duplicate_of"])}) for d in sidecar} == set(
        EXPECTED
    )


def test_dedup_jsonl_keeps_input_lines_byte_for_byte(tmp_path: Path) -> None:
    src = write_corpus("jsonl", tmp_path)
    out = tmp_path / "result" / "kept.jsonl"
    result = run("dedup", src, "-o", out, "-q")
    assert_ok(result)
    sidecar_path = tmp_path / "result" / "kept.dropped.jsonl"
    summary_path = tmp_path / "result" / "kept.summary.json"
    assert result.stdout == (
        f"{N_RECORDS} records: kept {N_RECORDS - 4}, dropped 4 duplicates, skipped 0 bad. "
        f"Wrote {out}, {sidecar_path} and {summary_path}.\n"
    )
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    assert summary["dedup"] == {
        "output": str(out),
        "dropped_list": str(sidecar_path),
        "kept": N_RECORDS - 4,
        "dropped": 4,
        "skipped": 0,
        "passed_through": 0,
    }
    assert_summary_adds_up(summary)
    sidecar = read_jsonl(sidecar_path)
    dropped_ids = {d["id"] for d in sidecar}
    in_lines = src.read_bytes().splitlines(keepends=True)
    out_lines = out.read_bytes().splitlines(keepends=True)
    assert len(out_lines) + len(sidecar) == len(in_lines)
    assert out_lines == [line for line in in_lines if json.loads(line)["id"] not in dropped_ids]
    kept_ids = {json.loads(line)["id"] for line in out_lines}
    check_dropped(sidecar, kept_ids)
    assert {EXACT, TRUNCATED} <= dropped_ids
    assert {d["where"] for d in sidecar if d["id"] == EXACT} == {f"{src} line 21"}


def test_dedup_parquet_keeps_every_column(tmp_path: Path) -> None:
    src = write_corpus("parquet", tmp_path)
    out = tmp_path / "kept.parquet"
    sidecar_path = tmp_path / "lists" / "gone.jsonl"
    sidecar_path.parent.mkdir()
    result = run("dedup", src, "-o", out, "--dropped", sidecar_path, "-q")
    assert_ok(result)
    assert f"kept {N_RECORDS - 4}, dropped 4 duplicates" in result.stdout
    table_in, table_out = pq.read_table(src), pq.read_table(out)
    assert table_out.schema.equals(table_in.schema)
    assert table_out.column_names == ["id", "text", "outlet", "number"]
    sidecar = read_jsonl(sidecar_path)
    dropped_ids = {d["id"] for d in sidecar}
    assert table_out.num_rows + len(sidecar) == table_in.num_rows
    assert table_out.to_pylist() == [r for r in table_in.to_pylist() if r["id"] not in dropped_ids]
    check_dropped(sidecar, set(table_out.column("id").to_pylist()))


def test_dedup_textdir_keeps_relative_paths(tmp_path: Path) -> None:
    src = write_corpus("textdir", tmp_path)
    out = tmp_path / "deduped"
    result = run("dedup", src, "-o", out, "-q")
    assert_ok(result)
    sidecar = read_jsonl(tmp_path / "deduped.dropped.jsonl")
    in_files = {p.relative_to(src).as_posix() for p in src.rglob("*.txt")}
    out_files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    dropped_ids = {d["id"] for d in sidecar}
    assert out_files == in_files - dropped_ids
    assert len(out_files) + len(sidecar) == len(in_files) == N_RECORDS
    for rel in out_files:
        assert (out / rel).read_bytes() == (src / rel).read_bytes()
    check_dropped(sidecar, out_files)
    assert f"{TRUNCATED}.txt" in dropped_ids
    assert (out / "copies" / "2024").is_dir()  # nested kept files keep their directories


def test_dedup_csv_keeps_header_and_rows(tmp_path: Path) -> None:
    src = write_corpus("csv", tmp_path)
    out = tmp_path / "kept.csv"
    assert_ok(run("dedup", src, "-o", out, "-q"))
    sidecar = read_jsonl(tmp_path / "kept.dropped.jsonl")
    dropped_ids = {d["id"] for d in sidecar}
    with src.open(encoding="utf-8", newline="") as fh:
        rows_in = list(csv.DictReader(fh))
    with out.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows_out = list(reader)
        assert reader.fieldnames == ["id", "text", "outlet", "number"]
    assert rows_out == [r for r in rows_in if r["id"] not in dropped_ids]
    assert len(rows_out) + len(sidecar) == N_RECORDS
    check_dropped(sidecar, {r["id"] for r in rows_out})


def test_dedup_refuses_to_overwrite_its_input_or_change_format(tmp_path: Path) -> None:
    src = write_corpus("jsonl", tmp_path)
    before = src.read_bytes()
    result = run("dedup", src, "-o", src, "-q")
    assert_error(result)
    assert result.stderr == f"Error: {src}: the output would overwrite an input.\n"
    assert src.read_bytes() == before
    wrong = tmp_path / "kept.parquet"
    result = run("dedup", src, "-o", wrong, "-q")
    assert_error(result)
    assert result.stderr.startswith(
        f"Error: {wrong}: the input is jsonl, so the output name must end with .jsonl"
    )
    assert not wrong.exists()


@pytest.mark.parametrize("kind", ["jsonl.gz", "jsonl.zst"])
def test_dedup_compressed_jsonl_keeps_compression_and_lines(tmp_path: Path, kind: str) -> None:
    src = write_corpus(kind, tmp_path)
    out = tmp_path / f"kept.{kind}"
    result = run("dedup", src, "-o", out, "-q")
    assert_ok(result)
    if kind == "jsonl.gz":
        in_data, out_data = gzip.decompress(src.read_bytes()), gzip.decompress(out.read_bytes())
    else:
        dctx = zstandard.ZstdDecompressor()
        in_data = dctx.decompressobj().decompress(src.read_bytes())
        out_data = dctx.decompressobj().decompress(out.read_bytes())
    sidecar = read_jsonl(tmp_path / "kept.dropped.jsonl")
    dropped_ids = {d["id"] for d in sidecar}
    in_lines = in_data.splitlines(keepends=True)
    assert out_data.splitlines(keepends=True) == [
        line for line in in_lines if json.loads(line)["id"] not in dropped_ids
    ]
    check_dropped(sidecar, {json.loads(line)["id"] for line in out_data.splitlines()})


# --- --on-error skip ---------------------------------------------------------------------------


def test_on_error_skip_dedup_leaves_bad_records_out(tmp_path: Path) -> None:
    path, bad_at, good = _corpus_with_bad_lines(tmp_path)
    out = tmp_path / "kept.jsonl"
    result = run("dedup", path, "-o", out, "--on-error", "skip", "-q")
    assert_ok(result)
    records_read = N_RECORDS + len(BAD_LINES)
    assert result.stdout.startswith(
        f"{records_read} records: kept {N_RECORDS - 4}, dropped 4 duplicates, "
        f"skipped {len(BAD_LINES)} bad."
    )
    sidecar = read_jsonl(tmp_path / "kept.dropped.jsonl")
    out_lines = out.read_bytes().splitlines(keepends=True)
    assert len(out_lines) + len(sidecar) + len(bad_at) == records_read
    dropped_ids = {d["id"] for d in sidecar}
    assert out_lines == [line for line in good if json.loads(line)["id"] not in dropped_ids]
    check_dropped(sidecar, {json.loads(line)["id"] for line in out_lines})


# --- outputs -----------------------------------------------------------------------------------


def files_under(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["-o", "{tmp}/file.txt/kept.jsonl"],
            "Error: -o {tmp}/file.txt/kept.jsonl: {tmp}/file.txt is a file, not a directory.",
        ),
        (
            ["-o", "{tmp}/kept.jsonl", "--dropped", "{tmp}"],
            "Error: --dropped {tmp}: is a directory; --dropped needs a file name.",
        ),
        (
            ["-o", "{tmp}/kept.jsonl", "--dropped", "{tmp}/kept.jsonl"],
            "Error: {tmp}/kept.jsonl: -o and --dropped name the same file.",
        ),
    ],
)
def test_dedup_checks_outputs_before_reading(
    tmp_path: Path, extra: list[str], message: str
) -> None:
    src = small_corpus(tmp_path, bad_line=True)
    (tmp_path / "file.txt").write_text("a file", encoding="utf-8")
    before = files_under(tmp_path)
    result = run("dedup", src, "-q", *[a.format(tmp=tmp_path) for a in extra])
    assert result.exit_code == 1
    assert result.stderr == message.format(tmp=tmp_path) + "\n"
    assert files_under(tmp_path) == before


def test_dedup_writes_all_outputs_or_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = small_corpus(tmp_path)
    out = tmp_path / "clean" / "kept.jsonl"
    before = files_under(tmp_path)

    def fail(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    # The last output fails: the ones written before it must not stay.
    monkeypatch.setattr(copytrace.api, "write_json", fail)
    result = run("dedup", src, "-o", out, "-q")
    assert result.exit_code == 1
    assert result.stderr == "Error: No space left on device\n"
    assert [p for p in files_under(tmp_path) if p not in before] == ["clean"]
    assert list((tmp_path / "clean").iterdir()) == []
    monkeypatch.undo()
    result = run("dedup", src, "-o", out, "-q")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "clean").iterdir()) == [
        "kept.dropped.jsonl",
        "kept.jsonl",
        "kept.summary.json",
    ]


def test_dedup_warning_names_the_summary_it_wrote(tmp_path: Path) -> None:
    src = small_corpus(tmp_path, bad_line=True)
    out = tmp_path / "kept.jsonl"
    result = run("dedup", src, "-o", out, "-q", "--on-error", "skip")
    assert result.exit_code == 0, result.output
    summary = tmp_path / "kept.summary.json"
    assert f"(all are listed in {summary})" in result.stderr
    listed = json.loads(summary.read_text(encoding="utf-8"))["skipped_records"]
    assert [s["where"] for s in listed] == [f"{src} line 7"]


def test_text_directory_dedup_needs_a_new_or_empty_directory(tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    for k in range(3):
        (texts / f"{k}.txt").write_text(f"Story {k}. " + f"w{k} " * 40, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("left from before", encoding="utf-8")
    result = run("dedup", texts, "-o", out, "-q")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: -o {out}: the directory is not empty;")
    (out / "old.txt").unlink()
    result = run("dedup", texts, "-o", out, "-q")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["0.txt", "1.txt", "2.txt"]
