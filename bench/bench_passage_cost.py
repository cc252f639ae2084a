"""What passages cost: `copytrace scan` with and without --passages, side by side.

Run from the repository root, in the virtualenv where copytrace is installed:

    python bench/bench_passage_cost.py --write-results

Scans bbc_news + reuters21578 + 20newsgroups from ../shared/corpora (about 42,600 documents)
with `--passages` (the default: whole-document relations, reused passages and rewrites) and with
`--no-passages` (whole-document relations only), alternating the two `--repeat` times (default
3) so that load on the shared machine falls on both, and reports the medians and their ratio.
A warm-up scan of each mode first fills numba's cache, so no timed run compiles. Both modes
verify candidate pairs on all cores (worker processes); the CPU seconds, workers included, tell
what each costs on one core.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from common import run_measured, upsert_section

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
FILES = ("bbc_news.jsonl.gz", "reuters21578.jsonl.gz", "20newsgroups.jsonl.gz")
RESULTS = REPO / "bench" / "RESULTS.md"
HEADING = "## Passage cost: scan with and without passages"


def run_scan(inputs: list[Path], out: Path, passages: bool) -> tuple[float, float, int, int]:
    """One scan in a child process: wall seconds, CPU seconds (its workers' included), peak RSS
    bytes of the scan process, peak PSS bytes of it and its workers together."""
    exe = Path(sys.executable).parent / "copytrace"
    flag = "--passages" if passages else "--no-passages"
    run = run_measured([str(exe), "scan", *map(str, inputs), "--out", str(out), "--quiet", flag])
    return run.wall, run.cpu, run.rss_bytes, run.pss_bytes


def main() -> None:
    """Measure, print and optionally record the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args()
    inputs = [args.corpora / f for f in FILES]
    runs: dict[bool, list[tuple[float, float, int, int]]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        for passages in (True, False):
            run_scan(inputs, out, passages)  # warm-up: fills numba's cache
        for r in range(args.repeat):
            for passages in (True, False) if r % 2 == 0 else (False, True):
                runs[passages].append(run_scan(inputs, out, passages))
                print(f"run {r + 1} passages={passages}: {runs[passages][-1][0]:.1f} s")
    med = {p: [statistics.median(x[i] for x in runs[p]) for i in range(4)] for p in runs}
    ratio_wall = med[True][0] / med[False][0]
    ratio_cpu = med[True][1] / med[False][1]
    rows = [
        "| mode | wall s (median) | CPU s (median) | peak RSS MB | with workers MB (PSS) |",
        "|---|--:|--:|--:|--:|",
        *(
            f"| {'with passages' if p else 'whole documents only'} | {med[p][0]:.1f} "
            f"| {med[p][1]:.1f} | {med[p][2] / 2**20:.0f} | {med[p][3] / 2**20:.0f} |"
            for p in (False, True)
        ),
    ]
    verdict = "meets" if ratio_wall <= 2.0 else "misses"
    section = "\n".join(
        [
            HEADING,
            "",
            "- Command: `python bench/bench_passage_cost.py --write-results`",
            f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            f"- Machine: {platform.machine()}, {os.cpu_count()} cores; "
            f"copytrace {metadata.version('copytrace')}",
            f"- Input: {', '.join(FILES)} (about 42,600 documents); {args.repeat} runs per "
            "mode, alternating, after one warm-up each.",
            "",
            *rows,
            "",
            f"Passages cost {ratio_wall:.2f}x the wall time ({ratio_cpu:.2f}x the CPU time) "
            f"of whole-document matching: this {verdict} the target of at most 2x.",
            "",
        ]
    )
    print(section)
    if args.write_results:
        upsert_section(HEADING, section)


if __name__ == "__main__":
    main()
