"""The README's first command on a fresh machine: `pip install .`, then the first demo scan.

Run from the repository root (pip must reach the package registries, or their cache):

    python bench/bench_first_run.py --write-results [--against COMMIT] [--rounds N]

Each round makes a new virtual environment and a copy of the sources (this working tree, and
with `--against` the sources of that commit, from `git archive`), runs `pip install .` in the
copy and times it, then times `copytrace scan demo/news.jsonl --out DIR` twice: the first run
and a later one. Trees alternate within a round, so both see the same machine. Reported: the
medians over rounds of install, first scan, later scan, and install + first scan (the README's
first command as a whole).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench_pan import machine_line, versions_line
from common import upsert_section

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## First run on a fresh machine: install and first demo scan (bench_first_run.py)"


def _sources(commit: str | None, into: Path) -> Path:
    """A copy of the sources: the working tree's files (tracked or new), or a commit's."""
    into.mkdir(parents=True)
    if commit is None:
        listed = subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"],
            cwd=ROOT, capture_output=True, check=True,
        ).stdout.split(b"\0")  # fmt: skip
        for name in filter(None, listed):
            source = ROOT / name.decode()
            if source.is_file():
                target = into / name.decode()
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
    else:
        archive = subprocess.run(
            ["git", "archive", commit], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _timed(command: list[str], cwd: Path) -> float:
    """Wall seconds of a command that must succeed."""
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def one_round(name: str, tree: Path, work: Path) -> dict[str, float]:
    """A fresh venv, `pip install .` of `tree`, then the demo scan twice; wall seconds."""
    venv = work / f"venv-{name}"
    shutil.rmtree(venv, ignore_errors=True)
    shutil.rmtree(tree / "build", ignore_errors=True)  # no compiled kernels from a round before
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip"]
    subprocess.run([*pip, "install", "-q", "--upgrade", "pip"], check=True)
    install = _timed([*pip, "install", "-q", "."], tree)
    scan = [str(venv / "bin" / "copytrace"), "scan", "demo/news.jsonl", "--out"]
    first = _timed([*scan, str(work / f"out-{name}-1")], tree)
    later = _timed([*scan, str(work / f"out-{name}-2")], tree)
    return {"install": install, "first": first, "later": later, "total": install + first}


def main() -> None:
    """Measure, print, and with --write-results record in bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--against", help="a commit to compare with, side by side")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="copytrace-first-run-") as tmp:
        work = Path(tmp)
        trees = {"this tree": _sources(None, work / "now")}
        if args.against:
            trees[args.against] = _sources(args.against, work / "before")
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
        for round_no in range(1, args.rounds + 1):
            for name, tree in reversed(trees.items()):
                result = one_round(name.replace(" ", "-"), tree, work)
                runs[name].append(result)
                print(f"round {round_no} {name}: " + ", ".join(
                    f"{k} {v:.1f} s" for k, v in result.items()), flush=True)  # fmt: skip
    rows = []
    for name, results in runs.items():
        cells = [
            " / ".join(f"{r[key]:.1f}" for r in results)
            + f" (median {statistics.median(r[key] for r in results):.1f})"
            for key in ("install", "first", "later", "total")
        ]
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = (
        "python bench/bench_first_run.py --write-results"
        + (f" --against {args.against}" if args.against else "")
        + f" --rounds {args.rounds}"
    )
    body = "\n".join([
        f"- Command: `{command}`",
        f"- Date: {stamp}",
        f"- Machine: {machine_line()}",
        f"- Versions: {versions_line()}",
        "",
        "Wall seconds of each round (a fresh virtual environment and copy of the sources each;"
        " the trees alternate), then the median. *install* is `pip install .` (packages from"
        " pip's cache: no downloads), *first scan* the first `copytrace scan demo/news.jsonl`"
        " after it, *later scan* the one after that, *total* install + first scan.",
        "",
        "| sources | install s | first scan s | later scan s | total s |",
        "|---|---|---|---|---|",
        *rows,
    ])  # fmt: skip
    print(body)
    if args.write_results:
        upsert_section(HEADING, body)


if __name__ == "__main__":
    main()
