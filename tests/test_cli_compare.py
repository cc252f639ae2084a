"""The compare command: the relation, scores and aligned passages of two files, as text or JSON."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import (
    EXACT,
    TRUNCATED,
    _compare_files,
    _two_files,
    assert_error,
    assert_ok,
    run,
    texts_by_id,
)


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


def test_compare_marks_differences_without_colour_when_piped(tmp_path: Path) -> None:
    a, b = _compare_files(tmp_path)
    result = run("compare", a, b)
    assert result.exit_code == 0, result.output
    assert "word29 [-word30-]{+changed+} word31" in result.stdout
    assert "\x1b[" not in result.stdout


def test_compare_help_lists_only_what_applies() -> None:
    result = run("compare", "--help")
    for option in ("--threshold", "--containment", "--shingle-size", "--passages", "--encoding"):
        assert option in result.stdout
    for option in (
        "--bands",
        "--rows",
        "--num-perm",
        "--seed",
        "--max-bucket",
        "--winnow-window",
        "--min-length-ratio",
        "--max-fingerprint-df",
        "--keep-boilerplate",
    ):
        assert option not in result.stdout
