"""Benchmark the Spark engine against the local engine: local[2] at 1x, 2x and 4x corpus size.

Run from the repository root, in the virtualenv where copytrace[spark] is installed (Java 17):

    python bench/bench_spark.py --write-results

The 1x corpus is bbc_news, reuters21578 and 20newsgroups from ../shared/corpora, written as one
uncompressed JSON Lines file (so Spark reads it in splits) of `id` and `text`; the k-x corpus
holds the same originals followed by k - 1 copies of every document with renamed ids
(`ID#copy1`, ...), made by bench_scan.py's `copies` (`--variant exact`, the default:
byte-identical copies; `--variant edited`: a new masthead line and 3 words replaced).

Each size is scanned by both engines, each in its own subprocess, one after the other:
`copytrace scan CORPUS --out OUT --quiet --jobs 2` and `copytrace scan CORPUS --out OUT --quiet
--engine spark --master local[2] --executor-memory 2g`, the latter with Spark's event log on.
Wall time is measured around the subprocess (JVM start-up and writing the outputs included).
The memory columns are the peak summed PSS of the process tree (for Spark: the Python driver,
the JVM and its Python workers), sampled every 0.5 s, and, for Spark, the peak JVM heap and
Python worker RSS that Spark's executor metrics report. Shuffle bytes per stage come from the
event log (what Spark's listener bus records of every task: shuffle bytes written and read),
summed over the jobs of each named stage (the engine runs each stage's jobs in a job group of
that name). Both engines' matches.jsonl and clusters.jsonl are compared byte for byte.

An untimed warm-up scan of a 2,000-document sample by both engines comes first (numba's kernel
cache, Spark's jars in the page cache). `--write-results` replaces this benchmark's section of
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench_scan import Doc, build_vocabulary, copies, copytrace_exe, read_docs, total_ram_gib
from common import TreeMemory, command_output, cpu_model, upsert_section, version

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"
#: The engine's named stages, and what runs after them.
STAGES = ("sketches", "candidates", "verified", "clusters", "outputs")
WARMUP_DOCS = 2_000
MB = 1e6


@dataclass
class Corpus:
    """One generated corpus file and what is in it."""

    size: int
    path: Path
    docs: int = 0
    text_bytes: int = 0


@dataclass
class EngineRun:
    """One scan by one engine: wall seconds, peak PSS of its process tree, its summary."""

    seconds: float
    tree_pss: int
    summary: dict[str, Any]
    stages: dict[str, dict[str, float]] = field(default_factory=dict)
    jvm_heap: int = 0
    python_rss: int = 0


@dataclass
class SizeResult:
    """Both engines on one corpus size."""

    corpus: Corpus
    local: EngineRun
    spark: EngineRun
    identical: bool


def build_corpora(
    docs: Sequence[Doc], sizes: Sequence[int], work: Path, variant: str, seed: int
) -> dict[int, Corpus]:
    """One uncompressed JSON Lines corpus per size: the originals, then copies 1 .. size-1."""
    vocab = build_vocabulary(docs)
    corpora = {s: Corpus(s, work / f"corpus_{s}x_{variant}.jsonl") for s in sizes}
    handles = {s: c.path.open("w", encoding="utf-8") for s, c in corpora.items()}
    try:

        def put(doc: Doc, targets: Sequence[int]) -> None:
            line = json.dumps({"id": doc.id, "text": doc.text}, ensure_ascii=False) + "\n"
            for s in targets:
                handles[s].write(line)
                corpora[s].docs += 1
                corpora[s].text_bytes += len(doc.text.encode("utf-8"))

        for doc in docs:
            put(doc, sizes)
        for k in range(1, max(sizes)):
            targets = [s for s in sizes if s > k]
            for copy in copies(docs, k, variant, seed, vocab):
                put(copy, targets)
    finally:
        for fh in handles.values():
            fh.close()
    return corpora


def write_sample(docs: Sequence[Doc], path: Path, n: int) -> None:
    """An even sample of `n` documents with an exact copy of each, for the warm-up."""
    sample = list(docs[:: max(1, len(docs) // n)][:n])
    with path.open("w", encoding="utf-8") as fh:
        for doc in [*sample, *(Doc(f"{d.id}#warm", d.text) for d in sample)]:
            fh.write(json.dumps({"id": doc.id, "text": doc.text}, ensure_ascii=False) + "\n")


def run(cmd: list[str], log: Path) -> tuple[float, int]:
    """Run a command; its wall seconds and the peak PSS of its process tree."""
    with log.open("w") as fh:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT)
        sampler = TreeMemory(proc.pid)
        sampler.start()
        code = proc.wait()
        seconds = time.perf_counter() - start
        peak = sampler.stop()
    if code != 0:
        sys.stderr.write(log.read_text())
        raise SystemExit(f"{shlex.join(cmd)} failed with exit code {code}")
    return seconds, peak


def local_cmd(corpus: Path, out: Path) -> list[str]:
    """The local engine's scan."""
    return [str(copytrace_exe()), "scan", str(corpus), "--out", str(out), "--quiet", "-j", "2"]


def spark_cmd(corpus: Path, out: Path, events: Path) -> list[str]:
    """The Spark engine's scan, local[2], with the event log on."""
    conf = {
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": events.absolute().as_uri(),
        "spark.eventLog.compress": "false",
        "spark.eventLog.logStageExecutorMetrics": "true",
        "spark.executor.processTreeMetrics.enabled": "true",
        "spark.ui.enabled": "false",
    }
    cmd = [str(copytrace_exe()), "scan", str(corpus), "--out", str(out), "--quiet"]
    cmd += ["--engine", "spark", "--master", "local[2]", "--executor-memory", "2g"]
    for key, value in conf.items():
        cmd += ["--spark-conf", f"{key}={value}"]
    return cmd


def _events(directory: Path) -> Iterator[dict[str, Any]]:
    for path in sorted(directory.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rb") as raw:  # type: ignore[operator]
                for line in io.TextIOWrapper(raw, encoding="utf-8"):
                    yield json.loads(line)


def read_event_log(directory: Path) -> tuple[dict[str, dict[str, float]], int, int]:
    """Per stage group: jobs, task seconds, shuffle bytes written and read, input bytes; and
    the peak JVM heap and Python worker RSS that the executor metrics report."""
    group_of_stage: dict[int, str] = {}
    out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    heap = python = 0
    for e in _events(directory):
        kind = e["Event"]
        if kind == "SparkListenerJobStart":
            group = (e.get("Properties") or {}).get("spark.jobGroup.id") or "other"
            out[group]["jobs"] += 1
            for stage in e["Stage IDs"]:
                group_of_stage[stage] = group
        elif kind == "SparkListenerTaskEnd":
            group = group_of_stage.get(e["Stage ID"], "other")
            m = e.get("Task Metrics") or {}
            write = m.get("Shuffle Write Metrics") or {}
            read = m.get("Shuffle Read Metrics") or {}
            out[group]["task_s"] += m.get("Executor Run Time", 0) / 1000
            out[group]["shuffle_write"] += write.get("Shuffle Bytes Written", 0)
            out[group]["shuffle_read"] += read.get("Remote Bytes Read", 0) + read.get(
                "Local Bytes Read", 0
            )
            out[group]["input"] += (m.get("Input Metrics") or {}).get("Bytes Read", 0)
        metrics = e.get("Executor Metrics") or e.get("Task Executor Metrics") or {}
        heap = max(heap, int(metrics.get("JVMHeapMemory", 0)))
        python = max(python, int(metrics.get("ProcessTreePythonRSSMemory", 0)))
    return {g: dict(v) for g, v in out.items()}, heap, python


def same_files(a: Path, b: Path) -> bool:
    """Whether both outputs' matches.jsonl and clusters.jsonl are byte for byte equal."""
    names = ("matches.jsonl", "clusters.jsonl")
    return all((a / n).read_bytes() == (b / n).read_bytes() for n in names)


def mb(n: float) -> str:
    """Bytes as MB with one decimal."""
    return f"{n / MB:,.1f}"


def build_section(
    results: dict[int, SizeResult], args: argparse.Namespace, command: str, load: Any
) -> str:
    """The RESULTS.md section."""
    sizes = sorted(results)
    java = command_output(["bash", "-c", "java -version 2>&1 | head -1"], "unknown")
    lines = [
        heading(args.variant, sizes),
        "",
        f"- Command: `{command}`",
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {platform.machine()}, {cpu_model()}, nproc = {os.cpu_count()}, "
        f"{total_ram_gib():.1f} GiB RAM; load average (1, 5, 15 min) "
        f"{', '.join(f'{x:.2f}' for x in load[0])} before, "
        f"{', '.join(f'{x:.2f}' for x in load[1])} after",
        f"- Versions: copytrace {version('copytrace')}, pyspark {version('pyspark')}, {java}, "
        f"numba {version('numba')}, Python {platform.python_version()}; scan settings: "
        "defaults",
        "- Input: bbc_news, reuters21578 and 20newsgroups as one uncompressed JSON Lines file "
        f"(1x); 2x, 4x add 1, 3 {'byte-identical' if args.variant == 'exact' else 'edited'} "
        "copies of every document with renamed ids `ID#copyK`, after the originals (made by "
        "bench_scan.py's `copies`).",
        "- Runs: each size once per engine, in subprocesses: `copytrace scan CORPUS --out OUT "
        "--quiet -j 2` (local) and `... --engine spark --master local[2] --executor-memory 2g` "
        "with the event log on (Spark). Wall time includes process and JVM start-up and writing "
        "the outputs. *PSS* is the peak summed PSS of the process tree (Spark: Python driver, "
        "JVM, Python workers), sampled every 0.5 s; *JVM heap* and *Python RSS* are the peaks "
        "of Spark's executor metrics. *identical* compares both engines' matches.jsonl and "
        f"clusters.jsonl byte for byte. Warm-up first: both engines on {WARMUP_DOCS:,} "
        "documents with an exact copy each, untimed.",
        "",
        "| size | documents | MB of text | local s | Spark s | Spark / local | identical | "
        "local PSS MB | Spark PSS MB | JVM heap MB | Python RSS MB | matches | clusters |",
        "|--|--:|--:|--:|--:|--:|--|--:|--:|--:|--:|--:|--:|",
    ]
    for s in sizes:
        r = results[s]
        matches = sum(r.spark.summary["matches"].values())
        lines.append(
            f"| {s}x | {r.corpus.docs:,} | {mb(r.corpus.text_bytes)} | {r.local.seconds:.1f} | "
            f"{r.spark.seconds:.1f} | {r.spark.seconds / r.local.seconds:.1f} | "
            f"{'yes' if r.identical else '**no**'} | {r.local.tree_pss / MB:,.0f} | "
            f"{r.spark.tree_pss / MB:,.0f} | {r.spark.jvm_heap / MB:,.0f} | "
            f"{r.spark.python_rss / MB:,.0f} | {matches:,} | {r.spark.summary['clusters']:,} |"
        )
    lines += [
        "",
        "Per named stage of the Spark engine: wall seconds (summary.json `timings_s`; *outputs*: "
        "the rest of the run), task seconds (executor run time summed over tasks), and shuffle "
        "MB written / read (event log):",
        "",
        "| stage | "
        + " | ".join(f"{s}x wall s | {s}x task s | {s}x shuffle MB w / r" for s in sizes)
        + " |",
        "|--|" + "--:|--:|--:|" * len(sizes),
    ]
    for stage in STAGES:
        cells = []
        for s in sizes:
            r = results[s].spark
            wall = r.summary["timings_s"].get(stage)
            if stage == "outputs":
                wall = r.seconds - r.summary["timings_s"]["total"]
            g = r.stages.get(stage, {})
            cells.append(
                f"{wall:.1f} | {g.get('task_s', 0):.1f} | "
                f"{mb(g.get('shuffle_write', 0))} / {mb(g.get('shuffle_read', 0))}"
            )
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    big = results[sizes[-1]]
    docs = big.corpus.docs
    c = big.spark.summary["candidates"]
    passages = big.spark.summary["passages"]
    pairs = passages.get("pairs_verified_in_all", c["pairs_verified_exactly"])
    verified_pairs = big.spark.summary["engine"]["pairs_verified_by_spark"]
    lines += [
        "",
        f"Rates at {sizes[-1]}x ({docs:,} documents, {mb(big.corpus.text_bytes)} MB of text; "
        f"{c['pairs_from_bands']:,} pairs from bands, "
        f"{passages.get('pairs_from_fingerprints', 0):,} from fingerprints, {pairs:,} candidate "
        f"pairs, {verified_pairs:,} verified by Spark, "
        f"{c['pairs_skipped_already_joined']:,} of them inside large clusters), "
        "the figures docs/spark-projection.md rests on:",
        "",
        "| stage | task s per 1,000 documents | shuffle bytes written per document |",
        "|--|--:|--:|",
    ]
    for stage in STAGES:
        g = big.spark.stages.get(stage, {})
        lines.append(
            f"| {stage} | {1000 * g.get('task_s', 0) / docs:.2f} | "
            f"{g.get('shuffle_write', 0) / docs:,.0f} |"
        )
    verified = big.spark.stages.get("verified", {})
    n_verified = max(big.spark.summary["engine"]["pairs_verified_by_spark"], 1)
    small = results[sizes[0]]

    def growth(engine: str) -> float:
        per_doc = getattr(big, engine).seconds / docs
        return per_doc / (getattr(small, engine).seconds / small.corpus.docs)

    lines += [
        "",
        f"Verification: {1000 * verified.get('task_s', 0) / n_verified:.2f} task ms per pair "
        f"verified (all of the stage's work included). Wall time per document at {sizes[-1]}x "
        f"is {growth('spark'):.2f}x that at {sizes[0]}x with Spark, {growth('local'):.2f}x "
        "with the local engine.",
        "",
    ]
    return "\n".join(lines)


def heading(variant: str, sizes: Sequence[int]) -> str:
    """This benchmark's RESULTS.md heading."""
    return (
        f"## Spark engine, local[2]: {', '.join(f'{s}x' for s in sizes)} corpus ({variant} copies)"
    )


def scan_both(corpus: Corpus, work: Path, tag: str) -> SizeResult:
    """Scan one corpus with both engines."""
    local_out, spark_out = work / f"local_{tag}", work / f"spark_{tag}"
    events = work / f"events_{tag}"
    for path in (local_out, spark_out, events):
        shutil.rmtree(path, ignore_errors=True)
    events.mkdir(parents=True)
    seconds, pss = run(local_cmd(corpus.path, local_out), work / f"local_{tag}.log")
    local = EngineRun(seconds, pss, json.loads((local_out / "summary.json").read_text()))
    print(f"  {tag} local: {seconds:.1f} s, {pss / MB:.0f} MB", file=sys.stderr)
    seconds, pss = run(spark_cmd(corpus.path, spark_out, events), work / f"spark_{tag}.log")
    summary = json.loads((spark_out / "summary.json").read_text())
    stages, heap, python = read_event_log(events)
    spark = EngineRun(seconds, pss, summary, stages, heap, python)
    print(f"  {tag} spark: {seconds:.1f} s, {pss / MB:.0f} MB", file=sys.stderr)
    identical = same_files(local_out, spark_out)
    shutil.rmtree(spark_out / "_stages", ignore_errors=True)
    return SizeResult(corpus, local, spark, identical)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="shared corpora folder")
    p.add_argument("--work", type=Path, default=None, help="keep corpora and outputs here")
    p.add_argument("--variant", choices=("exact", "edited"), default="exact")
    p.add_argument("--seed", type=int, default=1, help="seed for the edited copies")
    p.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 4], help="corpus multiples")
    p.add_argument("--limit", type=int, default=None, help="documents per source file (tests)")
    p.add_argument("--write-results", action="store_true", help="update bench/RESULTS.md")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Build the corpora, scan them with both engines, print and optionally write the section."""
    args = parse_args(argv)
    command = shlex.join(["python", "bench/bench_spark.py", *sys.argv[1:]])
    tmp = None if args.work else tempfile.TemporaryDirectory(prefix="bench_spark_")
    work = args.work if args.work else Path(tmp.name)  # type: ignore[union-attr]
    work.mkdir(parents=True, exist_ok=True)
    try:
        load_before = os.getloadavg()
        docs = read_docs(args.corpora, args.limit)
        corpora = build_corpora(docs, args.sizes, work, args.variant, args.seed)
        warm = Corpus(0, work / "warmup.jsonl")
        write_sample(docs, warm.path, WARMUP_DOCS)
        del docs
        scan_both(warm, work, "warmup")
        results = {s: scan_both(c, work, f"{s}x") for s, c in corpora.items()}
        section = build_section(results, args, command, (load_before, os.getloadavg()))
    finally:
        if tmp is not None:
            tmp.cleanup()
    print(section)
    if args.write_results:
        upsert_section(heading(args.variant, args.sizes), section)
        print("wrote bench/RESULTS.md", file=sys.stderr)


if __name__ == "__main__":
    main()
