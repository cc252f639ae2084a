"""Contract tests over every input reader: JSON Lines (plain, gzip, zstd), Parquet, CSV, a
directory of .txt files and a single .txt file.

Every reader must yield (Origin, Document | BadRecord) in input order, carry the fields other
than id and text in `meta`, name the file and the record position in a bad record's message,
and stream its input instead of reading it whole.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrace.errors import InputError
from copytrace.io import base as base_module
from copytrace.io import jsonl as jsonl_module
from copytrace.io import tabular as tabular_module
from copytrace.io.base import BadRecord, ReadOptions
from copytrace.io.inputs import iter_items, open_reader, open_readers
from copytrace.model import Document

# Records in deliberately unsorted id order, with text that stresses each format: newlines,
# quotes, commas, non-ASCII letters.
RECORDS: list[dict[str, Any]] = [
    {"id": "z-last", "text": "Zebra crossing report.\nSecond line, with a comma.", "n": 3},
    {"id": "a-first", "text": 'She said "hello" to the café owner', "n": 1},
    {"id": "m-middle", "text": "Ünïcödé text — with a dash; and ‘quotes’", "n": 2},
    {"id": "b-4", "text": "Plain words only here", "n": 4},
]
OUTLET = {"z-last": "north", "a-first": "south", "m-middle": "east", "b-4": "west"}

# Relative paths of a text directory; created in reverse order so that creation order is not
# the reading order. Files of a directory come before its subdirectories and both orders agree.
TEXT_FILES: dict[str, str] = {
    "a01.txt": "First file at the top level",
    "a02.txt": "Second file, café and crème",
    "sub/b01.txt": "A file one level down\nwith two lines",
    "sub/deeper/c01.txt": "\ufeffA file two levels down with a byte-order mark",
}


def _full_records() -> list[dict[str, Any]]:
    return [{**r, "outlet": OUTLET[r["id"]]} for r in RECORDS]


def _jsonl_bytes(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\n" for line in lines)


def _write_jsonl_lines(path: Path, lines: list[bytes]) -> Path:
    data = _jsonl_bytes(lines)
    name = path.name
    if name.endswith(".gz"):
        path.write_bytes(gzip.compress(data, compresslevel=1))
    elif name.endswith(".zst"):
        path.write_bytes(zstandard.ZstdCompressor().compress(data))
    else:
        path.write_bytes(data)
    return path


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return path


def _write_textdir(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in reversed(list(files.items())):
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        target.write_bytes(data)
    return root


# --- writers of the good corpus, one per reader kind ------------------------------------------
#
# Each returns (input path, expected list of (id, text, meta)).

Expected = list[tuple[str, str, dict[str, Any]]]


def _good_jsonl(tmp_path: Path, suffix: str) -> tuple[Path, Expected]:
    recs = _full_records()
    recs[0]["tags"] = ["x", "y"]  # nested values travel in meta too
    lines = [json.dumps(r, ensure_ascii=False).encode("utf-8") for r in recs]
    lines.insert(2, b"   ")  # a blank line is not a record
    path = _write_jsonl_lines(tmp_path / f"good{suffix}", lines)
    expected = [
        (r["id"], r["text"], {k: v for k, v in r.items() if k not in ("id", "text")}) for r in recs
    ]
    return path, expected


def _good_parquet(tmp_path: Path) -> tuple[Path, Expected]:
    recs = _full_records()
    path = tmp_path / "good.parquet"
    # Small row groups: the reader must stitch several together in order.
    pq.write_table(pa.Table.from_pylist(recs), path, row_group_size=2)
    expected = [(r["id"], r["text"], {"n": r["n"], "outlet": r["outlet"]}) for r in recs]
    return path, expected


def _good_csv(tmp_path: Path) -> tuple[Path, Expected]:
    recs = _full_records()
    path = _write_csv(
        tmp_path / "good.csv",
        ["id", "text", "n", "outlet"],
        [[r["id"], r["text"], r["n"], r["outlet"]] for r in recs],
    )
    # CSV has no types: every field is text.
    expected = [(r["id"], r["text"], {"n": str(r["n"]), "outlet": r["outlet"]}) for r in recs]
    return path, expected


def _good_textdir(tmp_path: Path) -> tuple[Path, Expected]:
    root = _write_textdir(tmp_path / "texts", {**TEXT_FILES, "notes.md": "not a text input"})
    expected = [
        (rel, text.removeprefix("\ufeff"), {"path": rel, "encoding": "utf-8"})
        for rel, text in TEXT_FILES.items()
    ]
    return root, expected


def _good_textfile(tmp_path: Path) -> tuple[Path, Expected]:
    path = tmp_path / "single.txt"
    path.write_bytes("\ufeffOne whole file, one document.\nLine two".encode())
    meta = {"path": "single.txt", "encoding": "utf-8"}
    return path, [("single.txt", "One whole file, one document.\nLine two", meta)]


GOOD: dict[str, Callable[[Path], tuple[Path, Expected]]] = {
    "jsonl": lambda p: _good_jsonl(p, ".jsonl"),
    "jsonl.gz": lambda p: _good_jsonl(p, ".jsonl.gz"),
    "jsonl.zst": lambda p: _good_jsonl(p, ".jsonl.zst"),
    "parquet": _good_parquet,
    "csv": _good_csv,
    "textdir": _good_textdir,
    "txt": _good_textfile,
}


@pytest.mark.parametrize("kind", list(GOOD))
def test_reader_yields_documents_in_input_order(tmp_path: Path, kind: str) -> None:
    path, expected = GOOD[kind](tmp_path)
    reader = open_reader(path, ReadOptions(), input_index=0)
    assert reader.path == path
    assert reader.total_bytes == (
        sum(f.stat().st_size for f in path.rglob("*.txt")) if path.is_dir() else path.stat().st_size
    )
    items = list(reader)
    got = []
    for origin, record in items:
        assert isinstance(record, Document), record
        assert origin.input_index == 0
        got.append((record.id, record.text, record.meta))
    assert got == expected
    assert reader.bytes_done() == reader.total_bytes
    # Iterating again gives the same documents: a reader is re-iterable, not a one-shot stream.
    assert [(r.id, r.text, r.meta) for _, r in reader] == expected


@pytest.mark.parametrize("kind", ["jsonl", "jsonl.gz", "jsonl.zst", "parquet", "csv"])
def test_record_readers_report_positions_in_origins(tmp_path: Path, kind: str) -> None:
    path, _ = GOOD[kind](tmp_path)
    origins = [origin for origin, _ in open_reader(path, ReadOptions())]
    assert all(o.path == str(path) for o in origins)
    if kind.startswith("jsonl"):
        # Line numbers are physical lines; the blank line 3 is not a record.
        assert [(o.unit, o.number) for o in origins] == [
            ("line", 1),
            ("line", 2),
            ("line", 4),
            ("line", 5),
        ]
    elif kind == "parquet":
        assert [(o.unit, o.number) for o in origins] == [("row", n) for n in range(1, 5)]
    else:
        # The header is line 1; the first record's text holds a newline, so it spans 2 lines.
        assert [(o.unit, o.number) for o in origins] == [
            ("line", 2),
            ("line", 4),
            ("line", 5),
            ("line", 6),
        ]
    assert str(origins[1]) == f"{path} {origins[1].unit} {origins[1].number}"


def test_textdir_ids_are_relative_posix_paths_and_origins_name_files(tmp_path: Path) -> None:
    root, _ = _good_textdir(tmp_path)
    reader = open_reader(root, ReadOptions())
    assert reader.ignored_files == 1  # notes.md
    items = list(reader)
    for origin, doc in items:
        assert isinstance(doc, Document)
        assert origin.unit == ""
        assert origin.path == str(root / doc.id)
        assert str(origin) == str(root / doc.id)
        assert "\\" not in doc.id


@pytest.mark.parametrize("kind", ["jsonl", "jsonl.gz", "jsonl.zst", "parquet", "csv"])
def test_custom_id_and_text_fields(tmp_path: Path, kind: str) -> None:
    recs = [
        {"doc_id": "k1", "body": "first body", "text": "a field that is now metadata"},
        {"doc_id": 7, "body": "second body", "text": "more metadata"},
    ]
    if kind == "parquet":
        path = tmp_path / "custom.parquet"
        recs[1]["doc_id"] = "7"  # one column type per column
        pq.write_table(pa.Table.from_pylist(recs), path)
    elif kind == "csv":
        path = _write_csv(
            tmp_path / "custom.csv",
            ["doc_id", "body", "text"],
            [[r["doc_id"], r["body"], r["text"]] for r in recs],
        )
    else:
        lines = [json.dumps(r).encode() for r in recs]
        path = _write_jsonl_lines(tmp_path / f"custom.{kind}", lines)
    reader = open_reader(path, ReadOptions(id_field="doc_id", text_field="body"))
    docs = [record for _, record in reader]
    assert docs == [
        Document("k1", "first body", {"text": "a field that is now metadata"}),
        Document("7", "second body", {"text": "more metadata"}),
    ]


# --- bad records -------------------------------------------------------------------------------


def _bad_jsonl(tmp_path: Path, suffix: str) -> tuple[Path, str, list[str]]:
    lines = [
        b'{"id": "g1", "text": "good one"}',
        b'{"id": "g2", "text": "good two"}',
        b'{"id": "b3", "body": "no text field here"}',
        b'{"id": "g4", "text": "good four"}',
    ]
    path = _write_jsonl_lines(tmp_path / f"bad{suffix}", lines)
    message = f'{path} line 3: no field "text" (fields: id, body). Use --text-field body.'
    return path, message, ["g1", "g2", "g4"]


def _bad_parquet(tmp_path: Path) -> tuple[Path, str, list[str]]:
    recs = [
        {"id": "g1", "text": "good one"},
        {"id": "g2", "text": "good two"},
        {"id": "b3", "text": None},
        {"id": "g4", "text": "good four"},
    ]
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.Table.from_pylist(recs), path, row_group_size=3)
    return path, f'{path} row 3: field "text" must be a string; got NoneType.', ["g1", "g2", "g4"]


def _bad_csv(tmp_path: Path) -> tuple[Path, str, list[str]]:
    path = tmp_path / "bad.csv"
    path.write_bytes(
        b'id,text,outlet\ng1,"good one\nover two lines",north\ng2,good two,south\n'
        b"b3,too few fields\ng4,good four,east\n"
    )
    return path, f"{path} line 5: 2 fields where the header has 3.", ["g1", "g2", "g4"]


def _bad_textdir(tmp_path: Path) -> tuple[Path, str, list[str]]:
    root = _write_textdir(
        tmp_path / "texts",
        {
            "a.txt": "good a",
            "sub/x.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "sub/z.txt": "good z",
        },
    )
    message = f"{root / 'sub' / 'x.txt'}: binary file (NUL bytes), not text."
    return root, message, ["a.txt", "sub/z.txt"]


def _bad_textfile(tmp_path: Path) -> tuple[Path, str, list[str]]:
    # UTF-8 but for one byte: damaged UTF-8, not another encoding.
    path = tmp_path / "damaged.txt"
    path.write_bytes("naïve café, crème brûlée ".encode() + b"\xff and more")
    return path, f"{path}: invalid UTF-8 at byte 30 (b'\\xff an').", []


BAD: dict[str, Callable[[Path], tuple[Path, str, list[str]]]] = {
    "jsonl": lambda p: _bad_jsonl(p, ".jsonl"),
    "jsonl.gz": lambda p: _bad_jsonl(p, ".jsonl.gz"),
    "jsonl.zst": lambda p: _bad_jsonl(p, ".jsonl.zst"),
    "parquet": _bad_parquet,
    "csv": _bad_csv,
    "textdir": _bad_textdir,
    "txt": _bad_textfile,
}


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_record_names_file_and_position_and_reading_goes_on(tmp_path: Path, kind: str) -> None:
    path, message, good_ids = BAD[kind](tmp_path)
    items = list(open_reader(path, ReadOptions()))
    bad = [(o, r) for o, r in items if isinstance(r, BadRecord)]
    assert len(bad) == 1, items
    origin, record = bad[0]
    assert record.origin == origin
    assert record.message() == message
    assert [r.id for _, r in items if isinstance(r, Document)] == good_ids


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"id": "x", "text": "unterminated', "malformed JSON ("),
        (b'["a", "list"]', "expected a JSON object, got list."),
        (b'"just a string"', "expected a JSON object, got str."),
        (b'{"text": "no id"}', 'no field "id" (fields: text). Use --id-field NAME.'),
        (b'{"id": "x", "text": 5}', 'field "text" must be a string; got int.'),
        (b'{"id": true, "text": "t"}', 'field "id" must be a string or an integer; got bool.'),
        (b'{"id": "", "text": "t"}', 'field "id" is empty.'),
        (
            b'{"id": "u", "text": "caf\xe9 au lait"}',
            "invalid UTF-8 at byte 24 of the record (b'\\xe9 au').",
        ),
    ],
)
def test_jsonl_bad_line_reasons(tmp_path: Path, line: bytes, reason: str) -> None:
    path = _write_jsonl_lines(tmp_path / "one.jsonl", [b'{"id": "ok", "text": "fine"}', line])
    items = list(open_reader(path, ReadOptions()))
    assert isinstance(items[0][1], Document)
    bad = items[1][1]
    assert isinstance(bad, BadRecord)
    assert bad.message().startswith(f"{path} line 2: ")
    assert reason in bad.reason


def test_csv_invalid_utf8_is_reported_at_its_line_after_the_good_rows(tmp_path: Path) -> None:
    # UTF-8 (the café rows) with one bad byte: damaged UTF-8, not another encoding.
    rows = [f"r{i},row number {i} of the café table" for i in range(1, 60)]
    data = ("id,text\n" + "\n".join(rows) + "\n").encode()
    data = data.replace(b"row number 40 of", b"row number 40 \xff of")
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    items = list(open_reader(path, ReadOptions()))
    docs = [r for _, r in items if isinstance(r, Document)]
    bad = [r for _, r in items if isinstance(r, BadRecord)]
    assert len(bad) == 1
    # r40 sits on line 41 (the header is line 1); the 39 rows before it are valid UTF-8.
    assert bad[0].message().startswith(f"{path} line 41: invalid UTF-8")
    assert [d.id for d in docs[:39]] == [f"r{i}" for i in range(1, 40)]


def test_unreadable_parquet_is_one_bad_record_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"this is not parquet at all")
    items = list(open_reader(path, ReadOptions()))
    assert len(items) == 1
    bad = items[0][1]
    assert isinstance(bad, BadRecord)
    assert bad.message().startswith(f"{path}: not a readable Parquet file (")


@pytest.mark.parametrize(
    ("mangled", "message"),
    [
        # A column name with a line break: each row's problem is still one line.
        (b"\x18\x02i\n", " row 1: no field \"id\" (fields: 'i\\n', text). Use --id-field NAME."),
        # A column name that is not UTF-8: pyarrow cannot open the file.
        (b"\x18\x02\xe9d", ": not a readable Parquet file ('utf-8' codec can't decode byte 0xe9"),
    ],
)
def test_parquet_with_a_mangled_column_name(tmp_path: Path, mangled: bytes, message: str) -> None:
    path = tmp_path / "mangled.parquet"
    pq.write_table(pa.table({"id": ["a", "b"], "text": ["one text", "another text"]}), path)
    raw = path.read_bytes()
    assert b"\x18\x02id" in raw
    path.write_bytes(raw.replace(b"\x18\x02id", mangled))
    items = list(open_reader(path, ReadOptions()))
    bad = [r for _, r in items if isinstance(r, BadRecord)]
    assert bad and all("\n" not in b.message() for b in bad)
    assert bad[0].message().startswith(f"{path}{message}")


def test_truncated_gzip_is_one_bad_record_for_the_file(tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"d{i}", "text": f"text {i} " * 50}).encode() for i in range(200)]
    full = gzip.compress(_jsonl_bytes(lines))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(full[: len(full) // 2])
    items = list(open_reader(path, ReadOptions()))
    # The file is checked whole first: nothing of it is read, and the problem names the file.
    assert len(items) == 1
    bad = items[0][1]
    assert isinstance(bad, BadRecord)
    assert bad.message() == (
        f"{path}: truncated gzip file: it ends at byte {len(full) // 2} inside the stream "
        "starting at byte 0; nothing was read from this file."
    )


@pytest.mark.parametrize("kind", ["jsonl.gz", "jsonl.zst", "csv.gz"])
def test_a_compressed_file_is_decompressed_once_when_it_fits_in_memory(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [{"id": f"d{i}", "text": f"text {i} é " * 30} for i in range(400)]
    path = tmp_path / f"in.{kind}"
    if kind.startswith("jsonl"):
        module: Any = jsonl_module
        _write_jsonl_lines(path, [json.dumps(r).encode() for r in records])
    else:
        module = tabular_module
        _write_csv(tmp_path / "in.csv", ["id", "text"], [[r["id"], r["text"]] for r in records])
        path.write_bytes(gzip.compress((tmp_path / "in.csv").read_bytes()))
    opened: list[Path] = []
    real_open = module.open_binary

    def counting_open(p: Path) -> Any:
        opened.append(p)
        return real_open(p)

    monkeypatch.setattr(module, "open_binary", counting_open)
    monkeypatch.setattr(module, "keep_budget", lambda: 1 << 30)
    reader = open_reader(path, ReadOptions())
    kept = list(reader)
    assert reader.bytes_done() == reader.total_bytes
    assert opened == []  # the reader read the bytes the check kept
    # Without room in memory the file is decompressed again to be read.
    monkeypatch.setattr(module, "keep_budget", lambda: 0)
    again = list(open_reader(path, ReadOptions()))
    assert opened[-1:] == [path]
    assert kept == again
    docs = [doc for _, doc in kept if isinstance(doc, Document)]
    assert [(d.id, d.text) for d in docs] == [(r["id"], r["text"]) for r in records]
    # A budget smaller than the file: the kept bytes are dropped half way, nothing is lost.
    monkeypatch.setattr(module, "keep_budget", lambda: 4096)
    assert list(open_reader(path, ReadOptions())) == kept


# --- opening inputs ----------------------------------------------------------------------------


def test_open_readers_numbers_inputs_and_iter_items_chains_them(tmp_path: Path) -> None:
    jsonl, jsonl_expected = _good_jsonl(tmp_path, ".jsonl")
    texts, text_expected = _good_textdir(tmp_path)
    readers = open_readers([jsonl, str(texts)], ReadOptions())
    assert [r.path for r in readers] == [jsonl, texts]
    items = list(iter_items(readers))
    assert [o.input_index for o, _ in items] == [0] * len(jsonl_expected) + [1] * len(text_expected)
    assert [r.id for _, r in items] == [e[0] for e in jsonl_expected + text_expected]


def test_iter_items_is_lazy_across_inputs(tmp_path: Path) -> None:
    first, _ = _good_jsonl(tmp_path, ".jsonl")
    second = tmp_path / "second.jsonl"
    second.write_bytes(b'{"id": "s", "text": "second"}\n')
    readers = open_readers([first, second], ReadOptions())
    items = iter_items(readers)
    next(items)
    # Once opened, the second input is not touched until the first one is done.
    second.write_bytes(b'{"id": "changed", "text": "after the first item"}\n')
    rest = [r.id for _, r in items]
    assert rest[-1] == "changed"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.jsonl", "{p}: no such file or directory."),
        (lambda p: _touch(p / "report.docx"), "{p}: unsupported input type; copytrace reads"),
        (lambda p: _mkdir(p / "empty"), "{p}: no .txt or .html files in this directory."),
    ],
)
def test_open_reader_rejects_bad_paths(
    tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    path = make(tmp_path)
    with pytest.raises(InputError) as err:
        open_reader(path, ReadOptions())
    assert str(err.value).startswith(message.format(p=path))


def test_open_readers_checks_every_path_up_front(tmp_path: Path) -> None:
    good, _ = _good_jsonl(tmp_path, ".jsonl")
    with pytest.raises(InputError, match="no input given"):
        open_readers([], ReadOptions())
    with pytest.raises(InputError, match=r"missing\.csv: no such file"):
        open_readers([good, tmp_path / "missing.csv"], ReadOptions())


def _touch(path: Path) -> Path:
    path.write_bytes(b"PK\x03\x04")
    return path


def _mkdir(path: Path) -> Path:
    path.mkdir()
    (path / "readme.md").write_text("no text inputs here")
    return path


# --- streaming ---------------------------------------------------------------------------------

N_BIG = 50_000


@functools.cache
def _big_records() -> list[dict[str, Any]]:
    rng = random.Random(5)
    words = [f"w{n}" for n in range(3000)]
    return [
        {"id": f"doc-{i}", "text": " ".join(rng.choices(words, k=20)), "n": i} for i in range(N_BIG)
    ]


def _big_input(tmp_path: Path, kind: str) -> Path:
    recs = _big_records()
    if kind == "parquet":
        path = tmp_path / "big.parquet"
        pq.write_table(pa.Table.from_pylist(recs), path)
        return path
    if kind == "csv":
        return _write_csv(
            tmp_path / "big.csv", ["id", "text", "n"], [[r["id"], r["text"], r["n"]] for r in recs]
        )
    lines = [json.dumps(r).encode() for r in recs]
    return _write_jsonl_lines(tmp_path / f"big.{kind}", lines)


@pytest.mark.parametrize("kind", ["jsonl", "jsonl.gz", "jsonl.zst", "csv", "parquet"])
def test_readers_stream(tmp_path: Path, kind: str) -> None:
    path = _big_input(tmp_path, kind)
    reader = open_reader(path, ReadOptions())
    assert reader.bytes_done() == 0
    it = iter(reader)
    origin, first = next(it)
    assert isinstance(first, Document)
    assert first.id == "doc-0"
    assert origin.number in (1, 2)
    # Only a buffer's worth of the input has been consumed for the first record.
    assert reader.bytes_done() < reader.total_bytes // 4
    second = next(it)[1]
    assert isinstance(second, Document)
    assert second.id == "doc-1"
    count = 2 + sum(1 for _ in it)
    assert count == N_BIG
    assert reader.bytes_done() == reader.total_bytes


def test_textdir_reader_streams_file_by_file(tmp_path: Path) -> None:
    files = {f"f{i:03d}.txt": f"document number {i} " * 20 for i in range(40)}
    root = _write_textdir(tmp_path / "many", files)
    reader = open_reader(root, ReadOptions())
    it = iter(reader)
    _, first = next(it)
    assert isinstance(first, Document)
    assert first.id == "f000.txt"
    assert reader.bytes_done() == len(files["f000.txt"])
    assert reader.total_bytes == sum(len(t) for t in files.values())
    rest = [r.id for _, r in it]
    assert rest == sorted(files)[1:]
    assert reader.bytes_done() == reader.total_bytes


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=40), max_size=12), st.integers(0, 600))
def test_kept_chunks_read_as_one_file(chunks: list[bytes], seek_to: int) -> None:
    spool = base_module._Spool(1 << 20)
    for chunk in chunks:
        spool.write(chunk)
    whole = b"".join(chunks)
    reader = spool.reader()
    assert list(reader) == io.BytesIO(whole).readlines()  # lines cross the chunks' edges
    assert reader.tell() == len(whole)
    reader.seek(seek_to)
    assert reader.read() == whole[seek_to:]
    reader.seek(0)
    assert reader.read(7) == whole[:7] and reader.tell() == min(7, len(whole))
