"""End to end on one core: `copytrace scan` against the datasketch way, signing against rensa.

Run from the repository root, after `pip install -e ".[bench]"`:

    python bench/bench_endtoend.py --write-results

Input: bbc_news, reuters21578, 20newsgroups and wikipedia_2015_articles (.jsonl.gz) from
../shared/corpora (`--corpora`), real text without made copies. Two groups of runs, each run a
fresh process, the variants in a rotating order within each of `--repeat` rounds (default 3),
medians reported:

Whole process (wall time from process start to exit, start-up included, and the child's CPU
seconds, user + system, from os.wait4):
- `scan --no-passages`: `copytrace scan FILES --out DIR --no-passages --jobs 1 --quiet`;
- `scan`: the same with passages (the default);
- the datasketch way: one Python process reads the same files (gzip, orjson), builds word
  5-grams from `text.lower().split()` as datasketch users do, and for each document makes a
  `MinHash(num_perm=128)` with `update_batch`, queries a `MinHashLSH(threshold=0.8)` and
  inserts it (the usual dedup loop; it neither verifies nor aligns pairs).

Signing (texts loaded in memory first; only the signing loop is timed, in the child):
- copytrace `sketch_batch`, one thread, batches of 1,000 texts, without and with the passage
  fingerprints that `scan` computes;
- rensa `RMinHash.update` and `RMinHash.digest_matrix_from_token_sets`, fed the same word
  5-grams built in Python (their users' shingling is part of the work, so it is timed).

copytrace runs from a copy of its package taken at start (edits to the tree during a run do not
mix versions), with numba's cache in the run's work directory, filled by an untimed warm-up run
of each copytrace variant. `--write-results` replaces this benchmark's section of
bench/RESULTS.md. The machine may be shared: CPU seconds are disturbed less by other load than
wall time, so both are reported.
"""

from __future__ import annotations

import argparse
import compileall
import gzip
import importlib.util
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from common import command_output, cpu_model, upsert_section, version

FILES = (
    "bbc_news.jsonl.gz",
    "reuters21578.jsonl.gz",
    "20newsgroups.jsonl.gz",
    "wikipedia_2015_articles.jsonl.gz",
)
REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"
RESULTS = REPO / "bench" / "RESULTS.md"
HEADING = "## End to end on one core: scan vs the datasketch way, signing vs rensa"
NUM_PERM = 128
SHINGLE = 5
BATCH = 1_000
RENSA_SEED = 42
LSH_THRESHOLD = 0.8

#: Targets of issue 9 (and issue 10 for the scan with passages).
SCAN_TARGET = 10.0
PASSAGE_SCAN_TARGET = 5.0
RENSA_TARGET = 10.0
FINGERPRINT_MB_S = 150.0


@dataclass(frozen=True, slots=True)
class Variant:
    """One row: its name, its label, and whether it is timed as a whole process."""

    name: str
    label: str
    whole_process: bool


VARIANTS = (
    Variant("scan-np", "copytrace `scan --no-passages --jobs 1`", True),
    Variant("scan", "copytrace `scan --jobs 1` (with passages)", True),
    Variant("datasketch", "datasketch way: `MinHash.update_batch` + `MinHashLSH` (0.8)", True),
    Variant("sign", "copytrace `sketch_batch` (1 thread)", False),
    Variant("sign-fp", "copytrace `sketch_batch` + passage fingerprints (1 thread)", False),
    Variant("rensa", "rensa `RMinHash.update`", False),
    Variant("rensa-batch", "rensa `RMinHash.digest_matrix_from_token_sets`", False),
)
BY_NAME = {v.name: v for v in VARIANTS}


# ---------------------------------------------------------------------------------------------
# Work done in one child process.
# ---------------------------------------------------------------------------------------------


def shingles(text: str) -> list[str]:
    """Word 5-grams the way datasketch and rensa users build them: lower(), split(), join."""
    words = text.lower().split()
    return [" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))]


def read_texts(paths: Sequence[Path]) -> list[str]:
    """The `text` field of every record of the files, in order."""
    import orjson

    texts = []
    for path in paths:
        with gzip.open(path, "rb") as lines:
            texts += [orjson.loads(line).get("text") or "" for line in lines if line.strip()]
    return texts


def datasketch_way(paths: Sequence[Path]) -> dict[str, Any]:
    """Read, shingle, sign and index every document; the candidate pairs LSH returns."""
    import orjson
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    docs = pairs = 0
    for path in paths:
        with gzip.open(path, "rb") as lines:
            for line in lines:
                if not line.strip():
                    continue
                text = orjson.loads(line).get("text") or ""
                sketch = MinHash(num_perm=NUM_PERM)
                sketch.update_batch([s.encode("utf8") for s in shingles(text)])
                pairs += len(lsh.query(sketch))
                lsh.insert(str(docs), sketch)
                docs += 1
    return {"documents": docs, "candidate_pairs": pairs}


def copytrace_signer(passages: bool) -> Callable[[Sequence[str]], np.ndarray]:
    """copytrace's `sketch_batch` on one thread, 1,000 texts at a time."""
    import numba

    from copytrace.model import Settings
    from copytrace.sketch import sketch_batch

    numba.set_num_threads(1)
    settings = Settings(passages=passages)

    def sign(texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), NUM_PERM), dtype=np.uint64)
        for start in range(0, len(texts), BATCH):
            batch = texts[start : start + BATCH]
            out[start : start + len(batch)] = sketch_batch(batch, settings).signatures
        return out

    return sign


def rensa_signer(batch_api: bool) -> Callable[[Sequence[str]], np.ndarray]:
    """rensa, one RMinHash per text or its batch API, on word 5-grams built in Python."""
    from rensa import RMinHash

    def sign(texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), NUM_PERM), dtype=np.uint32)
        for i, text in enumerate(texts):
            m = RMinHash(num_perm=NUM_PERM, seed=RENSA_SEED)
            m.update(shingles(text))
            out[i] = m.digest()
        return out

    def sign_batches(texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), NUM_PERM), dtype=np.uint32)
        for start in range(0, len(texts), BATCH):
            batch = texts[start : start + BATCH]
            matrix = RMinHash.digest_matrix_from_token_sets(
                [shingles(t) for t in batch], NUM_PERM, RENSA_SEED
            )
            out[start : start + len(batch)] = np.asarray(matrix.to_rows(), dtype=np.uint32)
        return out

    return sign_batches if batch_api else sign


def run_signer(name: str, paths: Sequence[Path]) -> dict[str, Any]:
    """Load the texts, warm the signer up, time one signing of all of them."""
    texts = read_texts(paths)
    if name.startswith("sign"):
        sign = copytrace_signer(name == "sign-fp")
    else:
        sign = rensa_signer(name == "rensa-batch")
    sign(texts[:16])
    cpu0, wall0 = time.process_time(), time.perf_counter()
    out = sign(texts)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return {
        "seconds": wall,
        "cpu_seconds": cpu,
        "documents": len(texts),
        "rows_ok": out.shape == (len(texts), NUM_PERM),
    }


def run_child(name: str, paths: Sequence[Path]) -> None:
    """Do one variant's work in this process and print its results as a JSON line."""
    result = datasketch_way(paths) if name == "datasketch" else run_signer(name, paths)
    print(json.dumps(result))


# ---------------------------------------------------------------------------------------------
# The parent: spawn children, aggregate, report.
# ---------------------------------------------------------------------------------------------


def snapshot_copytrace(dest: Path) -> None:
    """Copy the copytrace package, as it is now, into dest/copytrace."""
    spec = importlib.util.find_spec("copytrace")
    if spec is None or spec.origin is None:
        raise SystemExit("copytrace is not installed: pip install -e '.[bench]'")
    shutil.copytree(
        Path(spec.origin).parent,
        dest / "copytrace",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    # Compiled to bytecode as `pip install` leaves a package: without it every child would
    # compile copytrace's source again when PYTHONDONTWRITEBYTECODE is set (0.2-0.3 s a process
    # on this machine), which no installed copy does.
    if not compileall.compile_dir(str(dest / "copytrace"), quiet=1):
        raise SystemExit("could not compile the copytrace snapshot to bytecode")


def child_env(work: Path) -> dict[str, str]:
    """The environment of every child: copytrace from the snapshot, caches in `work`."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(work / "src"), env.get("PYTHONPATH")]))
    env["NUMBA_CACHE_DIR"] = str(work / "cache")
    env["COPYTRACE_CACHE_DIR"] = str(work / "cache")
    env["RAYON_NUM_THREADS"] = "1"
    return env


def command(name: str, paths: Sequence[Path], work: Path) -> list[str]:
    """The child's command line."""
    if name in ("scan", "scan-np"):
        flag = "--passages" if name == "scan" else "--no-passages"
        # What the installed `copytrace` command runs (its entry point).
        main = "import sys; from copytrace.cli import command; sys.argv[0] = 'copytrace'; command()"
        out = work / f"out-{name}"
        files = [str(p) for p in paths]
        return [
            sys.executable,
            "-c",
            main,
            "scan",
            *files,
            "--out",
            str(out),
            flag,
            "-j",
            "1",
            "-q",
        ]
    return [sys.executable, str(Path(__file__).resolve()), "--only", name, *map(str, paths)]


def spawn(name: str, paths: Sequence[Path], work: Path) -> dict[str, Any]:
    """Run one variant in a fresh process: its wall and CPU seconds and what it reported."""
    cmd = command(name, paths, work)
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=child_env(work), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(stderr)
        raise SystemExit(f"{name} failed with exit code {proc.returncode}")
    result: dict[str, Any] = {"wall": wall}
    if name in ("scan", "scan-np"):
        summary = json.loads((work / f"out-{name}" / "summary.json").read_text("utf-8"))
        result["matches"] = sum(summary["matches"].values())
        result["documents"] = summary["documents"]["scanned"]
        result["timings"] = summary["timings_s"]
    else:
        result.update(json.loads(stdout.strip().splitlines()[-1]))
    return result


def timed(name: str, paths: Sequence[Path], work: Path) -> dict[str, Any]:
    """`spawn` with the child's CPU seconds (user + system, its own children included)."""
    before = os.times()
    result = spawn(name, paths, work)
    after = os.times()
    result["process_cpu"] = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return result


def text_megabytes(paths: Sequence[Path]) -> tuple[float, int]:
    """MB of UTF-8 text in the `text` fields of the files, and the number of records."""
    texts = read_texts(paths)
    return sum(len(t.encode("utf-8", "surrogatepass")) for t in texts) / 1e6, len(texts)


def median(values: Sequence[float]) -> float:
    """The median of some numbers."""
    return float(statistics.median(values))


def spread(values: Sequence[float]) -> str:
    """'median (min–max)' of seconds."""
    return f"{median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def build_section(
    runs: dict[str, list[dict[str, Any]]],
    mb: float,
    docs: int,
    args: argparse.Namespace,
    loads: tuple[str, str],
) -> tuple[str, list[str]]:
    """The Markdown section and the verdict lines."""
    wall = {n: median([r["wall"] for r in rs]) for n, rs in runs.items()}
    cpu = {n: median([r["process_cpu"] for r in rs]) for n, rs in runs.items()}
    sign_wall = {
        n: median([r["seconds"] for r in rs]) for n, rs in runs.items() if "seconds" in rs[0]
    }
    sign_cpu = {
        n: median([r["cpu_seconds"] for r in rs])
        for n, rs in runs.items()
        if "cpu_seconds" in rs[0]
    }
    ds_wall, ds_cpu = wall.get("datasketch"), cpu.get("datasketch")
    rows = [
        "| whole process, one core | median wall s (min–max) | median CPU s | MB/s (wall) "
        "| MB per CPU s | datasketch way ÷ this: wall (CPU) | what it found |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    for v in VARIANTS:
        if not v.whole_process or v.name not in runs:
            continue
        rs = runs[v.name]
        ratio = "n/a"
        if ds_wall and ds_cpu:
            ratio = f"{ds_wall / wall[v.name]:.1f}× ({ds_cpu / cpu[v.name]:.1f}×)"
        first = rs[0]
        found = (
            f"{first['candidate_pairs']:,} LSH candidate pairs (unverified)"
            if v.name == "datasketch"
            else f"{first['matches']:,} verified matches"
        )
        rows.append(
            f"| {v.label} | {spread([r['wall'] for r in rs])} | {cpu[v.name]:.2f} "
            f"| {mb / wall[v.name]:.1f} | {mb / cpu[v.name]:.1f} | {ratio} | {found} |"
        )
    sign_rows = [
        "| signing, texts in memory, one thread | median s (min–max) | median CPU s "
        "| MB/s per core (wall) | MB per CPU s | speed-up over the fastest rensa: wall (CPU) |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    rensa = [n for n in ("rensa", "rensa-batch") if n in sign_wall]
    best_wall = min((sign_wall[n] for n in rensa), default=None)
    best_cpu = min((sign_cpu[n] for n in rensa), default=None)
    for v in VARIANTS:
        if v.whole_process or v.name not in runs:
            continue
        rs = runs[v.name]
        ratio = "n/a"
        if best_wall and best_cpu and v.name.startswith("sign"):
            ratio = f"{best_wall / sign_wall[v.name]:.1f}× ({best_cpu / sign_cpu[v.name]:.1f}×)"
        sign_rows.append(
            f"| {v.label} | {spread([r['seconds'] for r in rs])} | {sign_cpu[v.name]:.2f} "
            f"| {mb / sign_wall[v.name]:.1f} | {mb / sign_cpu[v.name]:.1f} | {ratio} |"
        )
    verdicts = []

    def verdict(text: str, value: float | None, target: float, unit: str) -> None:
        if value is None:
            return
        met = "**met**" if value >= target else "**not met**"
        verdicts.append(f"- {text}: {value:.1f}{unit} (target ≥ {target:g}{unit}), {met}")

    if ds_wall and "scan-np" in wall:
        verdict(
            "`scan --no-passages` vs the datasketch way, wall",
            ds_wall / wall["scan-np"],
            SCAN_TARGET,
            "×",
        )
        verdict("  the same in CPU seconds", (ds_cpu or 0) / cpu["scan-np"], SCAN_TARGET, "×")
    if ds_wall and "scan" in wall:
        verdict(
            "`scan` with passages vs the datasketch way, wall (issue 10)",
            ds_wall / wall["scan"],
            PASSAGE_SCAN_TARGET,
            "×",
        )
        verdict("  the same in CPU seconds", (ds_cpu or 0) / cpu["scan"], PASSAGE_SCAN_TARGET, "×")
    if best_wall and "sign" in sign_wall:
        verdict(
            "`sketch_batch` vs the fastest rensa, wall",
            best_wall / sign_wall["sign"],
            RENSA_TARGET,
            "×",
        )
        verdict("  the same in CPU seconds", (best_cpu or 0) / sign_cpu["sign"], RENSA_TARGET, "×")
    if "sign-fp" in sign_wall:
        verdict(
            "`sketch_batch` with passage fingerprints, MB/s per core (wall)",
            mb / sign_wall["sign-fp"],
            FINGERPRINT_MB_S,
            " MB/s",
        )
        verdict("  the same per CPU second", mb / sign_cpu["sign-fp"], FINGERPRINT_MB_S, " MB/s")
    stages = ""
    for name in ("scan-np", "scan"):
        if name in runs:
            t = {k: median([r["timings"][k] for r in runs[name]]) for k in runs[name][0]["timings"]}
            parts = ", ".join(f"{k} {v:.2f}" for k, v in t.items() if k != "total")
            stages += f" `{name}` stages (median wall s, as its summary.json gives them): {parts}."
    argv = " ".join(shlex.quote(a) for a in sys.argv[1:])
    lines = [
        HEADING,
        "",
        f"- Command: `{f'python bench/bench_endtoend.py {argv}'.strip()}`",
        f"- Date: {command_output(['date', '-u'], datetime.now(UTC).isoformat())}",
        f"- Machine: {command_output(['uname', '-m'], platform.machine())}, {cpu_model()}, "
        f"nproc = {command_output(['nproc'], str(os.cpu_count()))}; load average (1, 5, 15 min) "
        f"{loads[0]} before, {loads[1]} after (the machine is shared: other jobs ran meanwhile)",
        f"- Versions: copytrace {version('copytrace')}, datasketch {version('datasketch')}, "
        f"rensa {version('rensa')}, isal {version('isal')}; numba {version('numba')}, "
        f"numpy {version('numpy')}, Python {platform.python_version()}",
        f"- Input: {', '.join(FILES)}: {docs:,} records, {mb:.1f} MB of UTF-8 text (the `text` "
        "fields); real text, no made copies.",
        f"- Runs: {args.repeat} rounds; in each, every variant once in a fresh process, in a "
        "rotating order; medians shown.",
        "",
        *rows,
        "",
        *sign_rows,
        "",
        "Targets (issue 9; the scan with passages: issue 10):",
        "",
        *verdicts,
        "",
        "Notes: *whole process* times run from the process's start to its exit (Python start-up, "
        "imports, loading the compiled kernels, reading the gzip files, writing the outputs; "
        "copytrace is imported from a copy compiled to bytecode, as `pip install` leaves it); "
        "*CPU s* is the child's user + system time. The datasketch way reads the files with "
        "gzip and orjson, shingles as `text.lower().split()` word 5-grams, hashes them with "
        "`MinHash.update_batch` (SHA-1, 128 permutations) and queries then inserts each "
        "document in a `MinHashLSH` at threshold 0.8: it finds candidate pairs only; copytrace "
        "also verifies every candidate exactly and aligns its passages. *Signing* times only the "
        "signing loop of a process that loaded the texts first: copytrace tokenizes with its "
        "Unicode tokenizer inside the kernel and returns 128 uint64 values per text (and its "
        "exact hash; the fingerprint row also winnows every shingle, as `scan` does); rensa gets "
        "word 5-grams built in Python from `text.lower().split()` (timed: part of its users' "
        "work), seed 42, RAYON_NUM_THREADS=1. *MB/s per core* divides the MB of text by wall "
        "seconds; *MB per CPU s* by CPU seconds, which other load on the machine disturbs "
        f"less.{stages}",
    ]
    return "\n".join(lines) + "\n", verdicts


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="folder of the corpora")
    p.add_argument("--repeat", type=int, default=3, help="rounds (the median is shown)")
    p.add_argument(
        "--variants",
        default=",".join(v.name for v in VARIANTS),
        help=f"comma-separated subset of: {', '.join(BY_NAME)}",
    )
    p.add_argument("--write-results", action="store_true", help="update bench/RESULTS.md")
    p.add_argument("--only", choices=["datasketch", "sign", "sign-fp", "rensa", "rensa-batch"])
    p.add_argument("files", nargs="*", type=Path, help="internal: the inputs of --only")
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be positive")
    unknown = [v for v in args.variants.split(",") if v not in BY_NAME]
    if unknown:
        p.error(f"unknown variants: {', '.join(unknown)}")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark, print the tables, and optionally write bench/RESULTS.md."""
    args = parse_args(argv)
    if args.only:
        run_child(args.only, args.files)
        return
    paths = [args.corpora / name for name in FILES]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise SystemExit(f"missing corpora: {', '.join(missing)}")
    selected = [BY_NAME[v] for v in dict.fromkeys(args.variants.split(","))]
    mb, docs = text_megabytes(paths)
    loads_before = load_average()
    runs: dict[str, list[dict[str, Any]]] = {v.name: [] for v in selected}
    with tempfile.TemporaryDirectory(prefix="bench-endtoend-") as tmp:
        work = Path(tmp)
        snapshot_copytrace(work / "src")
        for v in selected:  # fill numba's cache: no timed run compiles
            if v.name in ("scan", "scan-np", "sign", "sign-fp"):
                print(f"warm-up: {v.name}", file=sys.stderr)
                spawn(v.name, paths, work)
        for r in range(args.repeat):
            shift = r % len(selected)
            for v in selected[shift:] + selected[:shift]:
                result = timed(v.name, paths, work)
                runs[v.name].append(result)
                inner = f", signing {result['seconds']:.2f} s" if "seconds" in result else ""
                print(
                    f"[round {r + 1}/{args.repeat}] {v.name}: wall {result['wall']:.2f} s, "
                    f"CPU {result['process_cpu']:.2f} s{inner}",
                    file=sys.stderr,
                )
    section, _verdicts = build_section(runs, mb, docs, args, (loads_before, load_average()))
    print(section)
    if args.write_results:
        upsert_section(HEADING, section, RESULTS)
        print(f"wrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
