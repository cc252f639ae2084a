"""Outputs as users meet them: every output path is checked before the work (naming its
option), dedup writes all its outputs or none, a failed run leaves no empty --out, a closed pipe
ends quietly, and what the command line prints names what it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import copytrace
from copytrace.cli import main
from copytrace.errors import BadRecordError

TEXT = "The council voted on Tuesday to close the old harbour ferry after forty years of service. "


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def corpus(tmp_path: Path, bad_line: bool = False) -> Path:
    """Six records, two of them copies; with `bad_line`, a malformed last line."""
    recs = [{"id": f"d{k}", "text": f"Story {k}. " + f"w{k} " * 30 + TEXT * 2} for k in range(4)]
    recs += [{"id": "copy", "text": recs[0]["text"]}, {"id": "copy2", "text": recs[1]["text"]}]
    data = b"".join(json.dumps(r).encode() + b"\n" for r in recs)
    path = tmp_path / "news.jsonl"
    path.write_bytes(data + (b'{"id": "broken"\n' if bad_line else b""))
    return path


def files_under(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


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
    src = corpus(tmp_path, bad_line=True)
    out = tmp_path / "out"
    result = run("scan", src, "--out", out, "-q", *[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 1
    assert result.stderr == message.format(tmp=tmp_path) + "\n"
    assert not out.exists()


def test_unwritable_report_fails_before_the_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = corpus(tmp_path, bad_line=True)
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
    src = corpus(tmp_path, bad_line=True)
    out = tmp_path / "new" / "deeper" / "out"
    result = run("scan", src, "--out", out, "-q")
    assert result.exit_code == 1
    assert "malformed JSON" in result.stderr
    assert not (tmp_path / "new").exists()


def test_scan_names_the_report_in_its_closing_line(tmp_path: Path) -> None:
    src = corpus(tmp_path)
    out, report = tmp_path / "out", tmp_path / "report.html"
    result = run("scan", src, "--out", out, "-q", "--report", report)
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().endswith(
        f"Wrote {out}/matches.jsonl, clusters.jsonl, summary.json and {report}."
    )
    assert report.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


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
    src = corpus(tmp_path, bad_line=True)
    (tmp_path / "file.txt").write_text("a file", encoding="utf-8")
    before = files_under(tmp_path)
    result = run("dedup", src, "-q", *[a.format(tmp=tmp_path) for a in extra])
    assert result.exit_code == 1
    assert result.stderr == message.format(tmp=tmp_path) + "\n"
    assert files_under(tmp_path) == before


def test_dedup_writes_all_outputs_or_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = corpus(tmp_path)
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
    src = corpus(tmp_path, bad_line=True)
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


def _compare_files(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    words = [f"word{k}" for k in range(60)]
    a.write_text(" ".join(words), encoding="utf-8")
    words[30] = "changed"
    b.write_text(" ".join(words), encoding="utf-8")
    return a, b


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


def test_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    a, b = _compare_files(tmp_path)
    entry = [sys.executable, "-c", "from copytrace.cli import main; main()"]
    proc = subprocess.Popen(
        [*entry, "compare", str(a), str(b)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before anything is written, as `| head -0`
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 141  # as a tool killed by SIGPIPE
    assert err == b""


def test_reading_progress_reaches_its_total(tmp_path: Path) -> None:
    src = corpus(tmp_path)
    seen: list[tuple[str, int, int | None]] = []
    copytrace.scan(src, report=lambda stage, done, total: seen.append((stage, done, total)))
    reads = [s for s in seen if s[0] == "read"]
    assert reads[-1] == ("read", 6, 6)


def test_api_errors_name_the_api_argument(tmp_path: Path) -> None:
    src = corpus(tmp_path, bad_line=True)
    with pytest.raises(BadRecordError) as err:
        copytrace.scan(src)
    assert str(err.value).endswith(' (on_error="skip" skips bad records.)')
    assert "--on-error" not in str(err.value)
    with pytest.raises(BadRecordError, match=r'line 7: malformed JSON .*on_error="skip"'):
        list(copytrace.read(src))
