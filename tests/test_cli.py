"""What every command shares: usage errors and exit codes, unusable input paths, and the installed
entry point in a real process (no traceback, quiet on a closed pipe).

The tests of one command are in test_cli_scan.py, test_cli_dedup.py and test_cli_compare.py;
their helpers are in cli_helpers.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import (
    EXACT,
    EXPECTED,
    N_RECORDS,
    SKIP_HINT,
    _compare_files,
    _jsonl_with,
    _two_files,
    assert_error,
    pairs_of,
    read_jsonl,
    run,
    write_corpus,
)

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
    entry = [sys.executable, "-c", "from copytrace.cli import command; command()"]
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


def test_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    a, b = _compare_files(tmp_path)
    entry = [sys.executable, "-c", "from copytrace.cli import command; command()"]
    proc = subprocess.Popen(
        [*entry, "compare", str(a), str(b)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before anything is written, as `| head -0`
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 141  # as a tool killed by SIGPIPE
    assert err == b""
