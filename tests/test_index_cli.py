"""copytrace index add | query | remove | stats, end to end through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from copytrace.cli import main

DEMO = Path(__file__).resolve().parents[1] / "demo" / "news.jsonl"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_add_then_add_again_reports_what_changed(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    code, out, _ = run("index", "add", db, DEMO)
    assert code == 0 and "added 25, unchanged 0, replaced 0, skipped 0" in out
    code, out, _ = run("index", "add", db, DEMO)
    assert code == 0 and "added 0, unchanged 25" in out
    changed = tmp_path / "changed.jsonl"
    rows = [json.loads(line) for line in DEMO.read_text().splitlines()[:2]]
    rows[0]["text"] = "An entirely new version of this story, with other words. " * 4
    changed.write_text("".join(json.dumps(r) + "\n" for r in rows))
    code, out, err = run("index", "add", db, changed, "--no-replace")
    assert code == 0 and "unchanged 1, replaced 0, skipped 1" in out
    assert "not replaced (--no-replace)" in err
    code, out, _ = run("index", "add", db, changed)
    assert code == 0 and "unchanged 1, replaced 1" in out


def test_query_writes_matches_like_scan_and_a_summary(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    run("index", "add", db, DEMO)
    code, out, _ = run("index", "query", db, DEMO, "--out", tmp_path / "q")
    assert code == 0 and "25 documents queried" in out
    rows = [json.loads(x) for x in (tmp_path / "q" / "matches.jsonl").read_text().splitlines()]
    run("scan", DEMO, "--out", tmp_path / "s")
    scanned = (tmp_path / "s" / "matches.jsonl").read_text().splitlines()
    assert set(rows[0]) == set(json.loads(scanned[0]))  # the same fields as scan's
    summary = json.loads((tmp_path / "q" / "summary.json").read_text())
    assert summary["documents"]["queried"] == 25
    assert sum(summary["matches"].values()) == len(rows)
    assert summary["settings"]["sketch_fingerprint"]


def test_query_add_adds_after_querying(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    code, out, _ = run("index", "query", db, DEMO, "--out", tmp_path / "q", "--add")
    assert code == 1  # the index must exist for a query
    run("index", "add", db, DEMO)
    extra = tmp_path / "extra.jsonl"
    first = json.loads(DEMO.read_text().splitlines()[0])
    extra.write_text(
        json.dumps({"id": "copy-1", "text": first["text"]})
        + "\n"
        + json.dumps({"id": "copy-2", "text": first["text"]})
        + "\n"
    )
    code, out, _ = run("index", "query", db, extra, "--out", tmp_path / "q", "--add")
    assert code == 0 and "added 2" in out
    rows = [json.loads(x) for x in (tmp_path / "q" / "matches.jsonl").read_text().splitlines()]
    # copy-2 was queried after copy-1 was added: it sees copy-1's text (the oldest with it).
    assert ("copy-2", "northvale-gazette/harbor-ferry") in {(r["a"], r["b"]) for r in rows}
    code, out, _ = run("index", "stats", db, "--json")
    assert json.loads(out)["documents"] == 27


def test_remove_and_stats(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    run("index", "add", db, DEMO)
    code, out, _ = run("index", "remove", db, "northvale-gazette/rye-loaf", "nope")
    assert code == 0 and "removed 1; not in the index: nope" in out
    code, out, _ = run("index", "stats", db, "--check")
    assert code == 0 and "documents:        24" in out and "check:            ok" in out


def test_other_settings_are_refused_with_the_reason(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    run("index", "add", db, DEMO, "--shingle-size", "4")
    code, _, err = run("index", "add", db, DEMO, "--shingle-size", "6")
    assert code == 1
    assert "shingle_size=4" in err and "shingle_size=6" in err and "sketch fingerprint" in err
    code, out, _ = run("index", "add", db, DEMO, "--shingle-size", "4")
    assert code == 0 and "unchanged 25" in out


def test_the_reworded_path_is_refused_not_ignored(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    code, _, err = run("index", "add", db, DEMO, "--reworded-candidates")
    assert code == 1 and err.startswith("Error: ") and "reworded-candidate path" in err
    assert not db.exists()  # nothing half made


def test_errors_are_one_line(tmp_path: Path) -> None:
    code, _, err = run("index", "stats", tmp_path / "missing.db")
    assert code == 1 and err.startswith("Error: ") and "no such index" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "fine"}\n{"id": "b"}\n')
    code, _, err = run("index", "add", tmp_path / "i.db", bad)
    assert code == 1 and "bad.jsonl line 2" in err and "--on-error skip" in err
    code, out, _ = run("index", "add", tmp_path / "i.db", bad, "--on-error", "skip")
    assert code == 0 and "unchanged 1" in out and "skipped 1" in out


def test_index_commands_compile_kernels_before_starting_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Once numba's threads run, a first run can no longer compile in forked workers (on all
    # cores); so the kernels are made ready first, on the cores asked for.
    import copytrace.cli as cli

    calls: list[tuple[str, int | None]] = []
    monkeypatch.setattr(cli, "ensure_kernels", lambda jobs, report=None: calls.append(("k", jobs)))
    monkeypatch.setattr(cli, "set_jobs", lambda jobs: calls.append(("threads", jobs)) or 1)
    db = tmp_path / "news.db"
    assert run("index", "add", db, DEMO, "-j", "2")[0] == 0
    assert run("index", "query", db, DEMO, "--out", tmp_path / "q")[0] == 0
    want = [("k", cli.jobs_used_for(2)), ("threads", 2), ("k", cli.jobs_used_for(0))]
    assert calls == [*want, ("threads", 0)]
