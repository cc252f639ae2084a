"""The scan command end to end: what it finds and writes for the made-up corpus in every input
format, how it reports bad input (or skips it with --on-error skip), and its checks of the
outputs before the work."""

from __future__ import annotations

import csv
import json
import os
import random
from pathlib import Path

import pytest
from cli_helpers import (
    BAD_LINES,
    EDITED,
    EXACT,
    EXPECTED,
    N_ORIGINALS,
    N_RECORDS,
    SKIP_HINT,
    TRUNCATED,
    _corpus_with_bad_lines,
    _jsonl_with,
    assert_error,
    assert_ok,
    assert_summary_adds_up,
    corpus,
    jsonl_lines,
    pairs_of,
    read_jsonl,
    records,
    run,
    scan,
    small_corpus,
    texts_by_id,
    vocabulary,
    write_corpus,
)

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


# --- bad input ---------------------------------------------------------------------------------


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
    ("args", "flag"),
    [(["--jobs", "-1"], "'--jobs' / '-j'"), (["--report-pairs", "-5"], "'--report-pairs'")],
)
def test_negative_counts_are_usage_errors(tmp_path: Path, args: list[str], flag: str) -> None:
    src = write_corpus("jsonl", tmp_path)
    result = run("scan", src, "--out", tmp_path / "out", "-q", *args)
    assert_error(result, code=2)
    assert f"Error: Invalid value for {flag}: " in result.stderr
    assert not (tmp_path / "out").exists()


# --- outputs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--report", "{tmp}"],
            "Error: --report {tmp}: is a directory; --report needs a file name.",
        ),
        (
            ["--report", "{tmp}/news.jsonl/r.html"],
            "Error: --report {tmp}/news.jsonl/r.html: {tmp}/news.jsonl is a file, not a directory.",
        ),
    ],
)
def test_scan_checks_outputs_before_reading(tmp_path: Path, args: list[str], message: str) -> None:
    # The input has a bad last line: an output checked after reading would fail on it instead.
    src = small_corpus(tmp_path, bad_line=True)
    out = tmp_path / "out"
    result = run("scan", src, "--out", out, "-q", *[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 1
    assert result.stderr == message.format(tmp=tmp_path) + "\n"
    assert not out.exists()


def test_unwritable_report_fails_before_the_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = small_corpus(tmp_path, bad_line=True)
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    # (As root, permissions cannot deny anything: the check is what is tested.)
    monkeypatch.setattr(os, "access", lambda p, mode: Path(p) != locked and real_access(p, mode))
    result = run("scan", src, "--out", tmp_path / "out", "-q", "--report", locked / "r.html")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: --report {locked / 'r.html'}: cannot write in {locked} (permission denied).\n"
    )
    assert not (tmp_path / "out").exists()


def test_failed_scan_leaves_no_empty_out(tmp_path: Path) -> None:
    src = small_corpus(tmp_path, bad_line=True)
    out = tmp_path / "new" / "deeper" / "out"
    result = run("scan", src, "--out", out, "-q")
    assert result.exit_code == 1
    assert "malformed JSON" in result.stderr
    assert not (tmp_path / "new").exists()


def test_scan_names_the_report_in_its_closing_line(tmp_path: Path) -> None:
    src = small_corpus(tmp_path)
    out, report = tmp_path / "out", tmp_path / "report.html"
    result = run("scan", src, "--out", out, "-q", "--report", report)
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().endswith(
        f"Wrote {out}/matches.jsonl, clusters.jsonl, summary.json and {report}."
    )
    assert report.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


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
