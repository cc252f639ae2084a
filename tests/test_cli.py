"""End-to-end tests of the command line: copytrace scan | dedup | compare.

Most tests call the click command in-process with CliRunner; a few run the installed
`copytrace` entry point in a real subprocess. All test data is made up here, in tmp_path: a
corpus of distinct synthetic articles plus four copies of known kinds.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import json
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from click.testing import CliRunner, Result

from copytrace.cli import main

# --- the synthetic corpus ----------------------------------------------------------------------

N_ORIGINALS = 20
EXACT = "copies/2024/exact"
HEADER = "copies/2024/new-header"
EDITED = "copies/2024/three-words"
TRUNCATED = "copies/2024/truncated"

#: The related pairs of the corpus and their relation; every other pair is unrelated.
EXPECTED = {
    frozenset({"originals/a00", EXACT}): "exact",
    frozenset({"originals/a01", HEADER}): "near_duplicate",
    frozenset({"originals/a02", EDITED}): "near_duplicate",
    frozenset({"originals/a03", TRUNCATED}): "contained",
}
N_RECORDS = N_ORIGINALS + 4


@functools.cache
def vocabulary() -> list[str]:
    """2,000 made-up words of 2-4 consonant-vowel syllables."""
    rng = random.Random(1234)
    words: set[str] = set()
    while len(words) < 2000:
        words.add("".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3)))
    return sorted(words)


def words_of(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def five_grams(text: str) -> set[tuple[str, ...]]:
    w = words_of(text)
    return {tuple(w[i : i + 5]) for i in range(len(w) - 4)}


def make_article(rng: random.Random, n_words: int) -> str:
    """A title line, then paragraphs of sentences; it ends with a word, not punctuation."""
    words = rng.choices(vocabulary(), k=n_words)
    title = " ".join(w.capitalize() for w in words[:6])
    body = words[6:]
    sentences = []
    i = 0
    while i < len(body):
        chunk = body[i : i + rng.randint(8, 18)]
        i += len(chunk)
        sentences.append(" ".join([chunk[0].capitalize(), *chunk[1:]]))
    paragraphs = [". ".join(sentences[j : j + 4]) for j in range(0, len(sentences), 4)]
    return title + "\n\n" + ".\n\n".join(paragraphs)


def change_words(text: str, positions: list[int]) -> str:
    """Replace the words at the given token positions with words found nowhere else."""
    tokens = list(re.finditer(r"\w+", text))
    for k, pos in sorted(enumerate(positions), key=lambda kp: -kp[1]):
        m = tokens[pos]
        text = text[: m.start()] + f"altered{k}" + text[m.end() :]
    return text


@functools.cache
def corpus() -> tuple[tuple[str, str], ...]:
    """(id, text) of 20 distinct articles of 200-400 words followed by 4 copies."""
    rng = random.Random(2024)
    originals = [
        (f"originals/a{i:02d}", make_article(rng, rng.randint(200, 400)))
        for i in range(N_ORIGINALS)
    ]
    seen: set[tuple[str, ...]] = set()
    for _, text in originals:
        grams = five_grams(text)
        assert not grams & seen, "two synthetic articles share a 5-word run"
        seen |= grams
    texts = dict(originals)
    a0, a1, a2, a3 = (texts[f"originals/a0{i}"] for i in range(4))
    new_title = " ".join(w.capitalize() for w in rng.choices(vocabulary(), k=6))
    n2 = len(words_of(a2))
    copies = [
        (EXACT, "\n  " + a0 + "\n"),  # same words, different surrounding whitespace
        (HEADER, new_title + "\n" + a1.split("\n", 1)[1]),
        (EDITED, change_words(a2, [n2 // 4, n2 // 2, 3 * n2 // 4])),
        (TRUNCATED, a3[: a3.rfind(" ", 0, len(a3) // 2)]),
    ]
    return tuple(originals + copies)


def texts_by_id() -> dict[str, str]:
    return dict(corpus())


def norm_id(doc_id: str) -> str:
    """Corpus id of a document id in any format (text-directory ids end with .txt)."""
    return doc_id.removesuffix(".txt")


def records(extra: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The corpus as records with metadata columns; `extra` adds fields per id."""
    out = []
    for n, (doc_id, text) in enumerate(corpus()):
        rec = {"id": doc_id, "text": text, "outlet": doc_id.split("/")[0], "number": n}
        rec.update((extra or {}).get(doc_id, {}))
        out.append(rec)
    return out


def jsonl_lines(recs: list[dict[str, Any]]) -> list[bytes]:
    return [json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in recs]


def write_corpus(kind: str, root: Path, recs: list[dict[str, Any]] | None = None) -> Path:
    """Write the corpus in one input format under root; return the input path."""
    recs = recs if recs is not None else records()
    root.mkdir(parents=True, exist_ok=True)
    if kind == "textdir":
        base = root / "corpus"
        for r in recs:
            target = base / f"{r['id']}.txt"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(r["text"], encoding="utf-8")
        return base
    if kind == "parquet":
        path = root / "corpus.parquet"
        pq.write_table(pa.Table.from_pylist(recs), path, row_group_size=7)
        return path
    if kind == "csv":
        path = root / "corpus.csv"
        buf = io.StringIO(newline="")
        writer = csv.DictWriter(buf, fieldnames=list(recs[0]))
        writer.writeheader()
        writer.writerows(recs)
        path.write_text(buf.getvalue(), encoding="utf-8", newline="")
        return path
    data = b"".join(jsonl_lines(recs))
    path = root / f"corpus.{kind}"
    if kind == "jsonl.gz":
        path.write_bytes(gzip.compress(data))
    elif kind == "jsonl.zst":
        path.write_bytes(zstandard.ZstdCompressor().compress(data))
    else:
        assert kind == "jsonl"
        path.write_bytes(data)
    return path


# --- running the command line ------------------------------------------------------------------


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_ok(result: Result) -> None:
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    assert result.exception is None
    assert "Traceback" not in result.output


def assert_error(result: Result, code: int = 1) -> None:
    """A clean failure: the exit status, no stray exception, no traceback."""
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    # CliRunner turns an uncaught exception into exit status 1 as well; a clean exit is SystemExit.
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert "Traceback" not in result.stderr


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def scan(*inputs: object, out: Path, extra: tuple[str, ...] = ()) -> tuple[Result, dict[str, Any]]:
    result = run("scan", *inputs, "--out", out, "-q", *extra)
    assert_ok(result)
    found = {
        "matches": read_jsonl(out / "matches.jsonl"),
        "clusters": read_jsonl(out / "clusters.jsonl"),
        "summary": json.loads((out / "summary.json").read_text(encoding="utf-8")),
    }
    return result, found


def pairs_of(matches: list[dict[str, Any]]) -> dict[frozenset[str], str]:
    out: dict[frozenset[str], str] = {}
    for m in matches:
        key = frozenset({norm_id(m["a"]), norm_id(m["b"])})
        assert key not in out, f"pair reported twice: {sorted(key)}"
        out[key] = m["relation"]
    return out


def assert_summary_adds_up(summary: dict[str, Any]) -> None:
    rec, docs = summary["records"], summary["documents"]
    assert rec["read"] == rec["documents"] + rec["skipped"] + sum(rec["not_documents"].values())
    assert docs["scanned"] + docs["empty"] == rec["documents"]
    assert docs["kept_by_dedup"] + docs["dropped_by_dedup"] == rec["documents"]
    assert len(summary["skipped_records"]) == rec["skipped"]
    assert len(summary["empty_documents"]) == docs["empty"]


# --- scan --------------------------------------------------------------------------------------


def test_scan_jsonl_finds_exactly_the_made_up_copies(tmp_path: Path) -> None:
    src = write_corpus("jsonl", tmp_path)
    out = tmp_path / "out"
    result, found = scan(src, out=out)
    assert result.stdout == (
        f"{N_RECORDS} documents: 4 matches (1 exact, 2 near_duplicate, 1 contained), "
        f"4 clusters. Wrote {out}/matches.jsonl, clusters.jsonl, summary.json.\n"
    )
    assert result.stderr == ""

    matches = found["matches"]
    for m in matches:
        assert set(m) == {
            "a",
            "b",
            "relation",
            "jaccard",
            "containment_a_in_b",
            "containment_b_in_a",
            "a_coverage",
            "b_coverage",
            "source",
            "source_reason",
            "spans",
        }
    assert pairs_of(matches) == EXPECTED

    by_pair = {frozenset({m["a"], m["b"]}): m for m in matches}
    near = by_pair[frozenset({"originals/a02", EDITED})]
    assert 0.8 <= near["jaccard"] < 1.0
    contained = by_pair[frozenset({"originals/a03", TRUNCATED})]
    assert contained["jaccard"] < 0.8
    in_orig = (
        contained["containment_a_in_b"]
        if contained["a"] == TRUNCATED
        else contained["containment_b_in_a"]
    )
    assert in_orig == 1.0

    summary = found["summary"]
    assert_summary_adds_up(summary)
    assert summary["records"] == {
        "read": N_RECORDS,
        "documents": N_RECORDS,
        "skipped": 0,
        "not_documents": {},
        "ignored_files": 0,
    }
    assert summary["documents"]["scanned"] == N_RECORDS
    assert summary["documents"]["empty"] == 0
    assert summary["documents"]["in_clusters"] == 8
    assert summary["matches"] == {
        "exact": 1,
        "near_duplicate": 2,
        "contained": 1,
        "passage_reuse": 0,
        "rewrite": 0,
    }
    assert summary["clusters"] == 4
    assert summary["inputs"] == [str(src)]


def test_scan_spans_point_into_the_original_texts(tmp_path: Path) -> None:
    texts = texts_by_id()
    _, found = scan(write_corpus("jsonl", tmp_path), out=tmp_path / "out")
    for m in found["matches"]:
        assert len(m["spans"]) >= 1
        ta, tb = texts[m["a"]], texts[m["b"]]
        for s in m["spans"]:
            assert set(s) >= {"a_start", "a_end", "b_start", "b_end"}
            assert 0 <= s["a_start"] < s["a_end"] <= len(ta)
            assert 0 <= s["b_start"] < s["b_end"] <= len(tb)
            piece_a, piece_b = ta[s["a_start"] : s["a_end"]], tb[s["b_start"] : s["b_end"]]
            # Spans start and end on words, in both texts.
            for piece in (piece_a, piece_b):
                assert piece.strip()
                assert piece[0].isalnum() and piece[-1].isalnum(), piece[:20] + "…" + piece[-20:]
        span = m["spans"][0]
        piece_a = ta[span["a_start"] : span["a_end"]]
        piece_b = tb[span["b_start"] : span["b_end"]]
        if m["relation"] == "exact":
            # The whole of both texts, whitespace padding excluded.
            assert piece_a == ta.strip()
            assert piece_b == tb.strip()
        if m["relation"] == "contained":
            # The truncated copy is shared whole, and is the same characters in the original.
            trunc_piece = piece_a if m["a"] == TRUNCATED else piece_b
            orig_piece = piece_b if m["a"] == TRUNCATED else piece_a
            assert trunc_piece == texts[TRUNCATED].strip().rstrip(".")
            assert orig_piece == trunc_piece


def test_scan_clusters_name_source_and_members(tmp_path: Path) -> None:
    _, found = scan(write_corpus("jsonl", tmp_path), out=tmp_path / "out")
    clusters = found["clusters"]
    assert len(clusters) == 4
    assert sorted(c["cluster"] for c in clusters) == [0, 1, 2, 3]
    seen = {}
    for c in clusters:
        assert set(c) >= {"cluster", "source", "members"}
        members = {m["id"]: m["relation"] for m in c["members"]}
        assert all(set(m) == {"id", "relation"} for m in c["members"])
        pair = frozenset(members)
        assert pair in EXPECTED
        assert members[c["source"]] == "source"
        (other,) = pair - {c["source"]}
        assert members[other] == EXPECTED[pair]
        seen[pair] = c["source"]
    # Without dates, the document that contains the other is the source; an exact copy loses
    # to the document read first.
    assert seen[frozenset({"originals/a03", TRUNCATED})] == "originals/a03"
    assert seen[frozenset({"originals/a00", EXACT})] == "originals/a00"


@pytest.mark.parametrize("kind", ["textdir", "parquet", "csv", "jsonl.gz", "jsonl.zst"])
def test_scan_finds_the_same_pairs_in_every_format(tmp_path: Path, kind: str) -> None:
    src = write_corpus(kind, tmp_path)
    _, found = scan(src, out=tmp_path / "out")
    assert pairs_of(found["matches"]) == EXPECTED
    summary = found["summary"]
    assert summary["records"] == {
        "read": N_RECORDS,
        "documents": N_RECORDS,
        "skipped": 0,
        "not_documents": {},
        "ignored_files": 0,
    }
    ids = {m["id"] for c in found["clusters"] for m in c["members"]}
    if kind == "textdir":
        # Ids are paths relative to the directory, '/'-separated, nested directories included.
        assert f"{EXACT}.txt" in ids
        assert "originals/a00.txt" in ids
    else:
        assert EXACT in ids


def test_scan_several_inputs_of_different_formats(tmp_path: Path) -> None:
    recs = records()
    first = write_corpus("parquet", tmp_path / "p", recs[:N_ORIGINALS])
    second = write_corpus("jsonl", tmp_path / "j", recs[N_ORIGINALS:])
    _, found = scan(first, second, out=tmp_path / "out", extra=("-j", "1"))
    assert pairs_of(found["matches"]) == EXPECTED
    assert found["summary"]["inputs"] == [str(first), str(second)]
    assert found["summary"]["jobs"] == 1


def test_earliest_date_decides_the_source_even_when_shorter(tmp_path: Path) -> None:
    dates = {
        doc_id: {"date": f"2021-03-{1 + n % 28:02d}"} for n, (doc_id, _) in enumerate(corpus())
    }
    dates[TRUNCATED] = {"date": "1 February 2020"}  # another date format, and earlier
    dates["originals/a03"] = {"date": "2020-03-01T09:00:00Z"}
    src = write_corpus("jsonl", tmp_path, records(dates))
    _, found = scan(src, out=tmp_path / "out")
    (cluster,) = [c for c in found["clusters"] if TRUNCATED in {m["id"] for m in c["members"]}]
    assert cluster["source"] == TRUNCATED
    assert cluster["source_reason"] == "earliest date"
    assert {m["id"]: m["relation"] for m in cluster["members"]} == {
        TRUNCATED: "source",
        "originals/a03": "contained",
    }
    assert len(texts_by_id()[TRUNCATED]) < len(texts_by_id()["originals/a03"]) * 0.6

    # dedup follows the same choice: the longer, later original is the one dropped.
    out = tmp_path / "dedup" / "kept.jsonl"
    assert_ok(run("dedup", src, "-o", out, "-q"))
    dropped = {d["id"]: d for d in read_jsonl(tmp_path / "dedup" / "kept.dropped.jsonl")}
    assert dropped["originals/a03"]["duplicate_of"] == TRUNCATED
    assert TRUNCATED not in dropped


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


# --- compare -----------------------------------------------------------------------------------


def _two_files(tmp_path: Path, a_id: str, b_id: str) -> tuple[Path, Path]:
    texts = texts_by_id()
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(texts[a_id], encoding="utf-8")
    b.write_text(texts[b_id], encoding="utf-8")
    return a, b


def test_compare_prints_relation_and_scores(tmp_path: Path) -> None:
    a, b = _two_files(tmp_path, TRUNCATED, "originals/a03")
    result = run("compare", a, b)
    assert_ok(result)
    lines = result.stdout.splitlines()
    assert lines[0] == "relation:            contained"
    jaccard = float(lines[1].removeprefix("jaccard:"))
    assert 0.3 < jaccard < 0.8
    assert lines[2] == "containment A in B:  1.0000"
    assert 0.3 < float(lines[3].removeprefix("containment B in A:")) < 0.8
    # Then each aligned passage, side by side, headed by its character range in each file.
    assert lines[4].startswith("passage 1: A [0:")
    assert lines[4].endswith("similarity 1.00")
    assert "passage 2" not in result.stdout

    a, b = _two_files(tmp_path, "originals/a05", "originals/a06")
    result = run("compare", a, b)
    assert_ok(result)
    assert result.stdout.splitlines()[0] == "relation:            none"
    assert "passage 1" not in result.stdout


def test_compare_json(tmp_path: Path) -> None:
    a, b = _two_files(tmp_path, "originals/a03", TRUNCATED)
    result = run("compare", a, b, "--json")
    assert_ok(result)
    data = json.loads(result.stdout)
    assert data["a"] == str(a) and data["b"] == str(b)
    assert data["relation"] == "contained"
    assert data["containment_b_in_a"] == 1.0
    assert data["jaccard"] < 0.8
    (span,) = data["spans"]
    text_a, text_b = texts_by_id()["originals/a03"], texts_by_id()[TRUNCATED]
    assert text_a[span["a_start"] : span["a_end"]] == text_b[span["b_start"] : span["b_end"]]

    a, b = _two_files(tmp_path, "originals/a00", EXACT)
    data = json.loads(run("compare", a, b, "--json").stdout)
    assert data["relation"] == "exact"
    assert data["jaccard"] == 1.0


def test_compare_bad_file_is_a_clean_error(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("some words here and there", encoding="utf-8")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"GIF89a\x00\x01\x00")
    result = run("compare", good, binary)
    assert_error(result)
    assert result.stderr == f"Error: {binary}: binary file (NUL bytes), not text.\n"
    missing = tmp_path / "nope.txt"
    result = run("compare", missing, good)
    assert_error(result)
    assert result.stderr == f"Error: {missing}: no such file.\n"


# --- bad input ---------------------------------------------------------------------------------

SKIP_HINT = " (--on-error skip skips bad records.)"


def _jsonl_with(tmp_path: Path, bad: bytes, at: int = 3, name: str = "input.jsonl") -> Path:
    """Three good records with `bad` inserted as line number `at`."""
    lines = jsonl_lines(records()[5:8])
    lines.insert(at - 1, bad)
    path = tmp_path / name
    path.write_bytes(b"".join(lines))
    return path


def test_malformed_json_line(tmp_path: Path) -> None:
    path = _jsonl_with(tmp_path, b'{"id": "broken", "text": "no closing brace"\n', at=3)
    out = tmp_path / "out"
    result = run("scan", path, "--out", out, "-q")
    assert_error(result)
    assert result.stderr.startswith(f"Error: {path} line 3: malformed JSON (")
    assert result.stderr.endswith(f").{SKIP_HINT}\n")
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""
    assert not (out / "summary.json").exists()


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (
            b'{"id": "u1", "text": "caf\xe9 au lait"}\n',
            "invalid UTF-8 at byte 25 of the record (b'\\xe9 au').",
        ),
        (
            b'{"id": "b1", "body": "the words"}\n',
            'no field "text" (fields: id, body). Use --text-field body.',
        ),
        (
            b'{"doc": "d1", "text": "the words"}\n',
            'no field "id" (fields: doc, text). Use --id-field NAME.',
        ),
        (b'{"id": "n1", "text": null}\n', 'field "text" must be a string; got NoneType.'),
        (b"[1, 2, 3]\n", "expected a JSON object, got list."),
    ],
    ids=["invalid-utf8", "no-text-field", "no-id-field", "null-text", "not-an-object"],
)
def test_bad_jsonl_record(tmp_path: Path, bad: bytes, reason: str) -> None:
    path = _jsonl_with(tmp_path, bad, at=2)
    result = run("scan", path, "--out", tmp_path / "out", "-q")
    assert_error(result)
    assert result.stderr == f"Error: {path} line 2: {reason}{SKIP_HINT}\n"


def test_text_field_option_reads_the_named_field(tmp_path: Path) -> None:
    path = tmp_path / "bodies.jsonl"
    recs = [{"key": r["id"], "body": r["text"]} for r in records()]
    path.write_bytes(b"".join(jsonl_lines(recs)))
    result = run("scan", path, "--out", tmp_path / "o1", "-q")
    assert_error(result)
    assert result.stderr == (
        f'Error: {path} line 1: no field "id" (fields: key, body). Use --id-field NAME.'
        f"{SKIP_HINT}\n"
    )
    result = run("scan", path, "--out", tmp_path / "o2", "-q", "--id-field", "key")
    assert_error(result)
    assert "Use --text-field body." in result.stderr
    _, found = scan(path, out=tmp_path / "o3", extra=("--id-field", "key", "--text-field", "body"))
    assert pairs_of(found["matches"]) == EXPECTED


def test_duplicate_ids_name_both_locations(tmp_path: Path) -> None:
    recs = records()
    dup = {"id": "originals/a01", "text": "a different text under an id already used"}
    path = tmp_path / "dups.jsonl"
    path.write_bytes(b"".join(jsonl_lines([*recs[:5], dup, *recs[5:]])))
    result = run("scan", path, "--out", tmp_path / "out", "-q")
    assert_error(result)
    assert result.stderr == (
        f'Error: {path} line 6: duplicate id "originals/a01" (first at {path} line 2).{SKIP_HINT}\n'
    )


def test_duplicate_ids_across_inputs(tmp_path: Path) -> None:
    first = write_corpus("jsonl", tmp_path / "one")
    second = write_corpus("csv", tmp_path / "two")
    result = run("scan", first, second, "--out", tmp_path / "out", "-q")
    assert_error(result)
    assert result.stderr == (
        f'Error: {second} line 2: duplicate id "originals/a00" (first at {first} line 1).'
        f"{SKIP_HINT}\n"
    )


def test_binary_file_in_text_directory(tmp_path: Path) -> None:
    src = write_corpus("textdir", tmp_path)
    bad = src / "originals" / "x.txt"
    bad.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00")
    result = run("scan", src, "--out", tmp_path / "out", "-q")
    assert_error(result)
    assert result.stderr == f"Error: {bad}: binary file (NUL bytes), not text.{SKIP_HINT}\n"


def test_text_file_with_damaged_utf8(tmp_path: Path) -> None:
    src = write_corpus("textdir", tmp_path)
    bad = src / "copies" / "damaged.txt"
    # UTF-8 with one stray byte is damaged UTF-8, not text in another encoding.
    bad.write_bytes("Résumé of the day, crème brûlée".encode() + b" \xe9t\xe9")
    result = run("scan", src, "--out", tmp_path / "out", "-q")
    assert_error(result)
    assert result.stderr == f"Error: {bad}: invalid UTF-8 at byte 37 (b'\\xe9t\\xe9').{SKIP_HINT}\n"
    # A single .txt input is read the same way.
    result = run("scan", bad, "--out", tmp_path / "out2", "-q")
    assert_error(result)
    assert result.stderr == f"Error: {bad}: invalid UTF-8 at byte 37 (b'\\xe9t\\xe9').{SKIP_HINT}\n"


def test_empty_jsonl_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    result = run("scan", path, "--out", tmp_path / "out", "-q")
    assert_error(result)
    assert result.stderr == f"Error: {path}: empty file: no records.{SKIP_HINT}\n"
    # Blank lines are not records either.
    path.write_bytes(b"\n  \n\n")
    result = run("scan", path, "--out", tmp_path / "out", "-q")
    assert_error(result)
    assert result.stderr == f"Error: {path}: empty file: no records.{SKIP_HINT}\n"
    assert not (tmp_path / "out").exists()  # a failed run leaves no empty --out


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "does-not-exist.jsonl", "{p}: no such file or directory."),
        (
            lambda p: _write(p / "report.docx", b"PK\x03\x04"),
            "{p}: unsupported input type; copytrace reads a directory of .txt or .html files, "
            ".jsonl[.gz|.zst], .parquet, .csv, .warc[.gz], .txt or .html.",
        ),
    ],
    ids=["missing", "docx"],
)
def test_unusable_input_path(tmp_path: Path, make: Any, message: str) -> None:
    bad = make(tmp_path)
    good = write_corpus("jsonl", tmp_path)
    # The bad path is found before any reading, wherever it is in the list.
    for args in ([bad], [good, bad]):
        result = run("scan", *args, "--out", tmp_path / "out", "-q")
        assert_error(result)
        assert result.stderr == f"Error: {message.format(p=bad)}\n"
        result = run("dedup", *args, "-o", tmp_path / "kept.jsonl", "-q")
        assert_error(result)
        assert result.stderr == f"Error: {message.format(p=bad)}\n"
    assert not (tmp_path / "out").exists()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_out_pointing_at_an_existing_file(tmp_path: Path) -> None:
    src = write_corpus("jsonl", tmp_path)
    out = tmp_path / "taken"
    out.write_text("precious", encoding="utf-8")
    result = run("scan", src, "--out", out, "-q")
    assert_error(result)
    assert result.stderr == (
        f"Error: --out {out}: exists and is not a directory; --out needs a directory.\n"
    )
    assert out.read_text(encoding="utf-8") == "precious"


# --- --on-error skip ---------------------------------------------------------------------------

BAD_LINES = [
    (b'{"id": "broken", "text": "no closing brace"\n', "malformed JSON ("),
    (b'{"id": "b1", "body": "the words"}\n', 'no field "text"'),
    (b'{"id": "n1", "text": null}\n', 'field "text" must be a string'),
    (b'{"id": "u1", "text": "caf\xe9 au lait"}\n', "invalid UTF-8 at byte 25"),
    (b'{"id": "originals/a05", "text": "reused id"}\n', 'duplicate id "originals/a05"'),
]


def _corpus_with_bad_lines(tmp_path: Path) -> tuple[Path, list[tuple[int, str]], list[bytes]]:
    """The corpus with bad lines and a blank line mixed in; returns bad line numbers."""
    lines = jsonl_lines(records())
    good = list(lines)
    for k, (bad, _) in enumerate(BAD_LINES):
        lines.insert(3 + 5 * k, bad)
    lines.insert(10, b"\n")
    bad_at = [
        (n, reason) for n, line in enumerate(lines, 1) for b, reason in BAD_LINES if line == b
    ]
    path = tmp_path / "messy.jsonl"
    path.write_bytes(b"".join(lines))
    return path, bad_at, good


def test_on_error_skip_scan_counts_and_lists_bad_records(tmp_path: Path) -> None:
    path, bad_at, _ = _corpus_with_bad_lines(tmp_path)
    assert len(bad_at) == len(BAD_LINES)
    result, found = scan(path, out=tmp_path / "out", extra=("--on-error", "skip"))
    summary = found["summary"]
    assert_summary_adds_up(summary)
    assert summary["records"] == {
        "read": N_RECORDS + len(BAD_LINES),
        "documents": N_RECORDS,
        "skipped": len(BAD_LINES),
        "not_documents": {},
        "ignored_files": 0,
    }
    listed = summary["skipped_records"]
    assert [s["where"] for s in listed] == [f"{path} line {n}" for n, _ in bad_at]
    for s, (_, reason) in zip(listed, bad_at, strict=True):
        assert set(s) == {"where", "reason"}
        assert reason in s["reason"]
    first_line, first_reason = bad_at[0]
    assert result.stderr.startswith(
        f"Warning: skipped {len(BAD_LINES)} bad record(s); first: {path} line {first_line}: "
        f"{first_reason}"
    )
    assert f"(all are listed in {tmp_path / 'out' / 'summary.json'})" in result.stderr
    assert pairs_of(found["matches"]) == EXPECTED


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


def test_on_error_skip_binary_file_in_text_directory(tmp_path: Path) -> None:
    src = write_corpus("textdir", tmp_path)
    bad = src / "copies" / "x.txt"
    bad.write_bytes(b"\x00\x01\x02 binary")
    _, found = scan(src, out=tmp_path / "out", extra=("--on-error", "skip"))
    assert found["summary"]["records"]["skipped"] == 1
    assert found["summary"]["skipped_records"] == [
        {"where": str(bad), "reason": "binary file (NUL bytes), not text."}
    ]
    out = tmp_path / "deduped"
    result = run("dedup", src, "-o", out, "--on-error", "skip", "-q")
    assert_ok(result)
    assert f"{N_RECORDS + 1} records: kept {N_RECORDS - 4}, dropped 4" in result.stdout
    assert not (out / "copies" / "x.txt").exists()
    assert len([p for p in out.rglob("*") if p.is_file()]) == N_RECORDS - 4


def _csv_with_invalid_utf8_last_row(tmp_path: Path) -> tuple[Path, int]:
    """The corpus as UTF-8 CSV (with accented rows) plus a last row with a Latin-1 byte: damaged
    UTF-8. Returns that row's line number."""
    accented = [
        {"id": f"accents/{k}", "text": f"Crème brûlée {k}, naïve", "outlet": "a", "number": k}
        for k in range(3)
    ]
    src = write_corpus("csv", tmp_path, [*records(), *accented])
    data = src.read_bytes()
    line = data.count(b"\n") + 1  # the row appended below starts on this line
    src.write_bytes(data + b'late,"caf\xe9 au lait",latin,99\r\n')
    return src, line


def test_csv_invalid_utf8_names_its_line(tmp_path: Path) -> None:
    src, line = _csv_with_invalid_utf8_last_row(tmp_path)
    result = run("scan", src, "--out", tmp_path / "out", "-q")
    assert_error(result)
    assert result.stderr == (
        f"Error: {src} line {line}: invalid UTF-8 in the row (b'\\xe9').{SKIP_HINT}\n"
    )


def test_on_error_skip_csv_invalid_utf8(tmp_path: Path) -> None:
    src, line = _csv_with_invalid_utf8_last_row(tmp_path)
    _, found = scan(src, out=tmp_path / "out", extra=("--on-error", "skip"))
    summary = found["summary"]
    # Every row before the bad one is read.
    assert summary["records"]["documents"] == N_RECORDS + 3
    assert summary["encodings"] == {"utf-8": N_RECORDS + 3}
    assert [s["where"] for s in summary["skipped_records"]] == [f"{src} line {line}"]
    assert pairs_of(found["matches"]) == EXPECTED
    out = tmp_path / "kept.csv"
    result = run("dedup", src, "-o", out, "--on-error", "skip", "-q")
    assert_ok(result)
    counts = f"{N_RECORDS + 4} records: kept {N_RECORDS - 1}, dropped 4 duplicates, skipped 1 bad."
    assert result.stdout.startswith(counts)
    with out.open(encoding="utf-8", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == N_RECORDS - 1


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


# --- empty documents ---------------------------------------------------------------------------


def test_empty_documents_are_counted_not_errors(tmp_path: Path) -> None:
    recs = [*records(), {"id": "blank-1", "text": ""}, {"id": "blank-2", "text": " — … !! \n"}]
    path = tmp_path / "with-empty.jsonl"
    path.write_bytes(b"".join(jsonl_lines(recs)))
    result, found = scan(path, out=tmp_path / "out")
    summary = found["summary"]
    assert_summary_adds_up(summary)
    assert summary["documents"]["empty"] == 2
    assert summary["documents"]["scanned"] == N_RECORDS
    assert summary["empty_documents"] == [
        {"id": "blank-1", "where": f"{path} line {N_RECORDS + 1}"},
        {"id": "blank-2", "where": f"{path} line {N_RECORDS + 2}"},
    ]
    assert result.stderr == (
        f"Warning: 2 document(s) have no words and were not compared; first: {path} line "
        f"{N_RECORDS + 1} (id blank-1).\n"
    )
    # Two empty documents are not copies of each other.
    assert pairs_of(found["matches"]) == EXPECTED
    # dedup keeps them.
    out = tmp_path / "kept.jsonl"
    assert_ok(run("dedup", path, "-o", out, "-q"))
    kept = {json.loads(line)["id"] for line in out.read_bytes().splitlines()}
    assert {"blank-1", "blank-2"} <= kept
    assert len(kept) == N_RECORDS + 2 - 4


# --- settings and usage ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "flags", "needle"),
    [
        (["--threshold", "2"], "'--threshold'", "2.0 is not in the range 0.01<=x<=1.0."),
        (["--containment", "0"], "'--containment'", "0.0 is not in the range 0.01<=x<=1.0."),
        (["--num-perm", "0"], "'--num-perm'", "0 is not in the range 8<=x<=4096."),
        (["--shingle-size", "0"], "'--shingle-size'", "0 is not in the range 1<=x<=64."),
        (
            ["--bands", "3"],
            "'--bands' / '--rows'",
            "The 'bands' and 'rows' settings go together: give both or neither.",
        ),
        (
            ["--bands", "64", "--rows", "4"],
            "'--bands' / '--rows'",
            "The 'bands' x 'rows' settings must fit in",
        ),
    ],
    ids=["threshold", "containment", "num-perm", "shingle-size", "bands-alone", "bands-x-rows"],
)
def test_bad_settings_are_usage_errors_naming_the_option(
    tmp_path: Path, args: list[str], flags: str, needle: str
) -> None:
    src = write_corpus("jsonl", tmp_path)
    commands: list[list[object]] = [
        ["scan", src, "--out", tmp_path / "out", "-q"],
        ["dedup", src, "-o", tmp_path / "kept.jsonl", "-q"],
    ]
    a, b = _two_files(tmp_path, "originals/a00", EXACT)
    if args[0] in ("--threshold", "--containment", "--shingle-size"):
        commands.append(["compare", a, b])
    for command in commands:
        result = run(*command, *args)
        assert_error(result, code=2)
        assert "Usage: " in result.stderr
        assert f"Error: Invalid value for {flags}: {needle}" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "kept.jsonl").exists()


@pytest.mark.parametrize(
    ("args", "flag"),
    [(["--jobs", "-1"], "'--jobs' / '-j'"), (["--report-pairs", "-5"], "'--report-pairs'")],
)
def test_negative_counts_are_usage_errors(tmp_path: Path, args: list[str], flag: str) -> None:
    src = write_corpus("jsonl", tmp_path)
    result = run("scan", src, "--out", tmp_path / "out", "-q", *args)
    assert_error(result, code=2)
    assert f"Error: Invalid value for {flag}: " in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["scan"],
        ["scan", "--out", "somewhere"],
        ["scan", "corpus.jsonl"],
        ["scan", "corpus.jsonl", "--out", "o", "--no-such-option"],
        ["scan", "corpus.jsonl", "--out", "o", "--on-error", "ignore"],
        ["scan", "corpus.jsonl", "--out", "o", "--threshold", "high"],
        ["dedup", "corpus.jsonl"],
        ["compare", "only-one.txt"],
        ["frobnicate"],
    ],
)
def test_bad_usage_exits_2(tmp_path: Path, args: list[str]) -> None:
    result = run(*args)
    assert_error(result, code=2)
    assert "Usage:" in result.stderr
    assert result.stdout == ""


# --- a large document --------------------------------------------------------------------------


def big_text(target_chars: int) -> str:
    """Sentences from the vocabulary with running numbers, so no long stretch repeats."""
    rng = random.Random(77)
    vocab = vocabulary()
    n = target_chars // 60 + 1
    words = rng.choices(vocab, k=4 * n)
    numbers = rng.choices(range(1_000_000), k=n)
    parts = [
        f"Entry {i} records {words[4 * i]} {words[4 * i + 1]} with {numbers[i]} "
        f"{words[4 * i + 2]} near {words[4 * i + 3]}. "
        for i in range(n)
    ]
    return "".join(parts)[:target_chars].rsplit(" ", 1)[0]


@pytest.mark.slow
def test_large_document_and_its_truncated_copy(tmp_path: Path) -> None:
    text = big_text(20_000_000)
    assert len(text) > 19_000_000
    excerpt = text[: text.rfind(" ", 0, int(len(text) * 0.4))]
    src = tmp_path / "big"
    src.mkdir()
    (src / "full.txt").write_text(text, encoding="utf-8")
    (src / "excerpt.txt").write_text(excerpt, encoding="utf-8")
    del text
    _, found = scan(src, out=tmp_path / "out")
    (m,) = found["matches"]
    assert {m["a"], m["b"]} == {"full.txt", "excerpt.txt"}
    assert m["relation"] == "contained"
    in_full = m["containment_a_in_b"] if m["a"] == "excerpt.txt" else m["containment_b_in_a"]
    assert in_full == 1.0
    assert 0.35 < m["jaccard"] < 0.45
    (cluster,) = found["clusters"]
    assert cluster["source"] == "full.txt"


# --- the installed entry point, in a real subprocess -------------------------------------------


def copytrace_exe() -> str:
    beside = Path(sys.executable).parent / "copytrace"
    exe = str(beside) if beside.exists() else shutil.which("copytrace")
    assert exe, "the copytrace entry point is not installed"
    return exe


def test_installed_entry_point_scans(tmp_path: Path) -> None:
    src = write_corpus("jsonl", tmp_path)
    out = tmp_path / "out"
    proc = subprocess.run(
        [copytrace_exe(), "scan", str(src), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (
        f"{N_RECORDS} documents: 4 matches (1 exact, 2 near_duplicate, 1 contained), "
        f"4 clusters. Wrote {out}/matches.jsonl, clusters.jsonl, summary.json.\n"
    )
    assert proc.stderr == ""  # no progress display when stderr is not a terminal
    assert pairs_of(read_jsonl(out / "matches.jsonl")) == EXPECTED
    assert len(read_jsonl(out / "clusters.jsonl")) == 4


def test_real_process_bad_input_has_no_traceback(tmp_path: Path) -> None:
    path = _jsonl_with(tmp_path, b'{"id": "n1", "text": null}\n', at=2)
    entry = [sys.executable, "-c", "from copytrace.cli import main; main()"]
    proc = subprocess.run(
        [*entry, "scan", str(path), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr == (
        f'Error: {path} line 2: field "text" must be a string; got NoneType.{SKIP_HINT}\n'
    )
    proc = subprocess.run(
        [copytrace_exe(), "scan", str(path), "--bogus"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "No such option '--bogus'" in proc.stderr
    assert "Traceback" not in proc.stderr
