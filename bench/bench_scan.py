"""Benchmark how `copytrace scan` scales with corpus size: 1x, 2x, 4x and 8x (`--sizes`).

Run from the repository root, in the virtualenv where copytrace is installed:

    python bench/bench_scan.py --write-results

The 1x corpus is bbc_news, reuters21578 and 20newsgroups from ../shared/corpora (`--corpora`
overrides), written as one JSONL.gz file of `id` and `text`. The k-x corpus holds the same
originals followed by k - 1 copies of every document with renamed ids (`ID#copy1`, ...).
With `--variant exact` (the default) the copies are byte-identical; with `--variant edited` each
copy has its first line replaced by a made-up masthead line (prepended when the text has one
line only), simulating re-chroming, and 3 random words of the rest replaced by other words of
the corpus, drawn with random.Random seeded from `--seed` and the copy number, so that copy 1
is the same in every corpus.

Each size is scanned with `copytrace scan CORPUS --out OUT --quiet`, the copytrace entry point
next to sys.executable, in a subprocess; sizes run one after another, smallest first, `--repeat`
times over (default 2), and the median is reported. Wall time is measured around the subprocess
(process start, imports and writing the results included). Peak RSS is the `ru_maxrss` that the
kernel reports for that one child when it is reaped with os.wait4: exact (no polling interval
that could miss a short peak) and never mixed up with earlier children, unlike
getrusage(RUSAGE_CHILDREN). It is the main process only: copytrace verifies pairs in worker
processes forked from it, so the table also gives the peak of the summed PSS of the scan and its
workers (sampled every 0.5 s, as one reading costs ~15 ms of CPU; PSS counts the pages a worker
shares with its parent once in total). numba's compiled kernels and copytrace's character tables
go to a cache in the work directory, filled by an untimed warm-up scan of a small sample with an
exact and an edited copy of each document (so every relation's kernels are compiled), so the
timed runs are warm starts and the shared source tree is not written to. The table also gives
the child's CPU seconds (user + system, from the same rusage, its workers' included), which
other load on the machine disturbs less than wall time, and the working memory: peak RSS above
that of a scan of a few documents (the runtime: Python, numpy, numba and the loaded kernels),
per MB of text.

`--write-results` replaces this benchmark's section of bench/RESULTS.md and leaves the others.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import platform
import random
import re
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from common import cpu_model, run_measured, upsert_section, version

CORPUS_FILES = ("bbc_news.jsonl.gz", "reuters21578.jsonl.gz", "20newsgroups.jsonl.gz")
REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"
RESULTS = REPO / "bench" / "RESULTS.md"


#: Extra options for every `copytrace scan` (set from --no-passages).
SCAN_FLAGS: list[str] = []


def heading(variant: str, sizes: Sequence[int]) -> str:
    """The RESULTS.md heading of this benchmark for one kind of copies, scan mode and sizes."""
    return f"## Scan scaling: {', '.join(f'{s}x' for s in sizes)} corpus ({kind(variant)})"


def kind(variant: str) -> str:
    """The kind of copies and scan mode, as the heading names it in parentheses."""
    mode = ", whole documents only (--no-passages)" if SCAN_FLAGS else ""
    return f"{variant} copies{mode}"


EDITED_WORDS = 3
WARMUP_DOCS = 2_000
#: Originals in the scan that measures the runtime's own memory (each with two copies).
RUNTIME_SAMPLE = 7
RELATIONS = ("exact", "near_duplicate", "contained", "passage_reuse", "rewrite")
WORD = re.compile(r"[^\W\d_]{3,}")
OUTLETS = ("Daily Ledger", "Morning Wire", "City Post", "Evening Courier", "Net Digest")
SECTIONS = ("News", "Business", "World", "Tech", "Opinion", "Archive")


@dataclass
class Doc:
    """One document of the original corpus."""

    id: str
    text: str


@dataclass
class Corpus:
    """One generated corpus file and what is in it."""

    size: int
    path: Path
    docs: int = 0
    text_bytes: int = 0


@dataclass
class Run:
    """One timed scan: wall seconds, peak RSS, CPU seconds and its summary.json."""

    size: int
    seconds: float
    maxrss_bytes: int
    cpu_seconds: float
    summary: dict[str, Any]
    tree_pss_bytes: int
    copy_groups_together: int = 0


@dataclass
class SizeResult:
    """All runs of one corpus size."""

    corpus: Corpus
    runs: list[Run] = field(default_factory=list)

    def median(self, key: str) -> float:
        """Median over the runs of a Run attribute."""
        return statistics.median(float(getattr(r, key)) for r in self.runs)

    def stage(self, name: str) -> float:
        """Median over the runs of one timings_s stage."""
        return statistics.median(float(r.summary["timings_s"].get(name, 0.0)) for r in self.runs)


def read_docs(corpora: Path, limit: int | None) -> list[Doc]:
    """The original documents (id and text) of the three corpora, in file order."""
    docs: list[Doc] = []
    for name in CORPUS_FILES:
        with gzip.open(corpora / name, "rt", encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if limit is not None and i >= limit:
                    break
                rec = json.loads(line)
                docs.append(Doc(str(rec["id"]), str(rec.get("text") or "")))
    return docs


def build_vocabulary(docs: Sequence[Doc], sample: int = 5_000) -> list[str]:
    """Sorted distinct words of 3+ letters from an even sample of the documents."""
    step = max(1, len(docs) // sample)
    words: set[str] = set()
    for doc in docs[::step]:
        words.update(w.lower() for w in WORD.findall(doc.text))
    return sorted(words)


def masthead(rng: random.Random) -> str:
    """A made-up first line, as a site that republishes a story might add."""
    day = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1987, 2005)}"
    return f"{rng.choice(OUTLETS)} | {rng.choice(SECTIONS)} | {day} | item {rng.randrange(10**6)}"


def replace_words(text: str, rng: random.Random, vocab: Sequence[str], n: int) -> str:
    """`text` with `n` randomly chosen words (3+ letters) swapped for other vocabulary words."""
    spans = [m.span() for m in WORD.finditer(text)]
    if not spans:
        return text
    chosen = sorted(rng.sample(range(len(spans)), min(n, len(spans))))
    parts: list[str] = []
    pos = 0
    for idx in chosen:
        start, end = spans[idx]
        old = text[start:end].lower()
        new = rng.choice(vocab)
        while new == old:
            new = rng.choice(vocab)
        parts += [text[pos:start], new]
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def edited_copy(text: str, rng: random.Random, vocab: Sequence[str]) -> str:
    """A re-chromed copy: new first line and a few words replaced in the rest."""
    first, newline, rest = text.partition("\n")
    body = rest if newline else first
    return masthead(rng) + "\n" + replace_words(body, rng, vocab, EDITED_WORDS)


def copies(
    docs: Sequence[Doc], k: int, variant: str, seed: int, vocab: Sequence[str]
) -> Iterator[Doc]:
    """Copy number `k` of every document, with id `ID#copyK`, exact or edited."""
    rng = random.Random(f"bench_scan seed={seed} copy={k}")
    for doc in docs:
        text = doc.text if variant == "exact" else edited_copy(doc.text, rng, vocab)
        yield Doc(f"{doc.id}#copy{k}", text)


def _write(doc: Doc, fh: TextIO, corpus: Corpus) -> None:
    fh.write(json.dumps({"id": doc.id, "text": doc.text}, ensure_ascii=False) + "\n")
    corpus.docs += 1
    corpus.text_bytes += len(doc.text.encode("utf-8"))


def build_corpora(
    docs: Sequence[Doc], sizes: Sequence[int], work: Path, variant: str, seed: int
) -> dict[int, Corpus]:
    """Write one JSONL.gz corpus per size: the originals, then copies 1 .. size-1."""
    vocab = build_vocabulary(docs)
    corpora = {s: Corpus(s, work / f"corpus_{s}x_{variant}.jsonl.gz") for s in sizes}
    with ExitStack() as stack:
        handles = {
            s: stack.enter_context(gzip.open(c.path, "wt", encoding="utf-8", compresslevel=1))
            for s, c in corpora.items()
        }
        for doc in docs:
            for s, fh in handles.items():
                _write(doc, fh, corpora[s])
        for k in range(1, max(sizes)):
            targets = [s for s in sizes if s > k]
            for copy in copies(docs, k, variant, seed, vocab):
                for s in targets:
                    _write(copy, handles[s], corpora[s])
    return corpora


def write_sample(docs: Sequence[Doc], path: Path, n: int, seed: int) -> None:
    """An even sample of `n` documents with an exact and an edited copy of each, for warm-up."""
    step = max(1, len(docs) // n)
    sample = list(docs[::step][:n])
    vocab = build_vocabulary(sample)
    exact = (Doc(f"{d.id}#warm", d.text) for d in sample)
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for doc in [*sample, *exact, *copies(sample, 1, "edited", seed, vocab)]:
            fh.write(json.dumps({"id": doc.id, "text": doc.text}, ensure_ascii=False) + "\n")


def copytrace_exe() -> Path:
    """The copytrace entry point installed next to the running Python."""
    exe = Path(sys.executable).parent / "copytrace"
    if not exe.exists():
        raise SystemExit(f"{exe} not found: install copytrace in this environment first")
    return exe


def scan(corpus: Path, out: Path, env: dict[str, str], log: Path) -> tuple[float, int, float, int]:
    """Run one scan; return wall seconds, the child's peak RSS in bytes, its CPU seconds (its
    workers' included) and the peak PSS of it and its workers together."""
    cmd = [str(copytrace_exe()), "scan", str(corpus), "--out", str(out), "--quiet", *SCAN_FLAGS]
    run = run_measured(cmd, env=env, log=log)
    return run.wall, run.rss_bytes, run.cpu, run.pss_bytes


def copy_groups_together(out: Path, size: int) -> int:
    """How many originals share one cluster with all of their size-1 copies."""
    if size < 2:
        return 0
    cluster_of: dict[str, int] = {}
    with (out / "clusters.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            for member in rec["members"]:
                cluster_of[member["id"]] = rec["cluster"]
    together = 0
    for doc_id, cluster in cluster_of.items():
        if "#copy" in doc_id:
            continue
        if all(cluster_of.get(f"{doc_id}#copy{k}") == cluster for k in range(1, size)):
            together += 1
    return together


def source_stamp() -> dict[str, float]:
    """Modification times of copytrace's .py files, to notice edits during a run."""
    spec = importlib.util.find_spec("copytrace")
    if spec is None or spec.origin is None:
        return {}
    root = Path(spec.origin).parent
    return {str(p.relative_to(root)): p.stat().st_mtime for p in sorted(root.rglob("*.py"))}


def total_ram_gib() -> float:
    """Total RAM from /proc/meminfo in GiB, or 0 when unknown."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return 0.0


def growth_verdict(ratio: float) -> str:
    """Words for how per-document time changed from the smallest to the largest corpus."""
    if ratio != ratio:
        return "not measurable"
    if ratio < 0.87:
        return "sublinear (fixed costs spread over more documents)"
    if ratio <= 1.15:
        return "about linear"
    if ratio <= 1.5:
        return "mildly superlinear"
    return "clearly superlinear"


def build_tables(results: dict[int, SizeResult], runtime_rss: int) -> tuple[list[str], list[str]]:
    """Markdown lines of the main table, and notes on how time and memory grew."""
    sizes = sorted(results)
    base = results[sizes[0]]
    base_per_doc = base.median("seconds") / base.corpus.docs
    relations = [
        rel
        for rel in RELATIONS
        if any(r.summary["matches"].get(rel, 0) for res in results.values() for r in res.runs)
    ]
    head = (
        "| size | documents | MB of text | wall s, median (min–max) | CPU s | s per 1,000 docs "
        "| time ratio vs 1x | peak RSS MB | RSS / text MB | working MB (above runtime) "
        "| working / text MB | with workers MB (PSS) | "
        + " | ".join(f"{rel} matches" for rel in relations)
        + " | clusters | originals clustered with all copies |"
    )
    lines = [head, "|--|" + "--:|" * (head.count("|") - 2)]
    for s in sizes:
        res = results[s]
        c = res.corpus
        walls = [r.seconds for r in res.runs]
        wall = res.median("seconds")
        rss = res.median("maxrss_bytes") / 1e6
        first = res.runs[0].summary
        matches = [f"{first['matches'].get(rel, 0):,}" for rel in relations]
        n_orig = base.corpus.docs
        g = res.runs[0].copy_groups_together
        together = f"{g:,} ({100 * g / n_orig:.0f}%)" if s > 1 else "–"
        cells = [
            f"{s}x",
            f"{c.docs:,}",
            f"{c.text_bytes / 1e6:.1f}",
            f"{wall:.1f} ({min(walls):.1f}–{max(walls):.1f})",
            f"{res.median('cpu_seconds'):.1f}",
            f"{1000 * wall / c.docs:.3f}",
            f"{wall / base.median('seconds'):.2f}",
            f"{rss:,.0f}",
            f"{rss / (c.text_bytes / 1e6):.2f}",
            f"{rss - runtime_rss / 1e6:,.0f}",
            f"{(rss - runtime_rss / 1e6) / (c.text_bytes / 1e6):.2f}",
            f"{res.median('tree_pss_bytes') / 1e6:,.0f}",
            *matches,
            f"{first['clusters']:,}",
            together,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    stages = list(base.runs[0].summary["timings_s"])
    lines += [
        "",
        "Stage times from summary.json `timings_s` (median s), LSH candidate counts, and the "
        f"growth of time per document from {sizes[0]}x to {sizes[-1]}x (1.00 = linear):",
        "",
        "| stage | " + " | ".join(f"{s}x" for s in sizes) + " | per-doc growth |",
        "|--|" + "--:|" * (len(sizes) + 1),
    ]
    top = results[sizes[-1]]
    scale = top.corpus.docs / base.corpus.docs
    growth: dict[str, float] = {}
    for st in stages:
        b = base.stage(st)
        growth[st] = top.stage(st) / scale / b if b >= 0.01 else float("nan")
        times = " | ".join(f"{results[s].stage(st):.2f}" for s in sizes)
        shown = f"{growth[st]:.2f}" if growth[st] == growth[st] else "–"
        lines.append(f"| {st} | {times} | {shown} |")
    for key, label in (
        ("pairs_from_bands", "candidate pairs from LSH bands"),
        ("pairs_verified_exactly", "pairs verified exactly"),
    ):
        counts = [results[s].runs[0].summary.get("candidates", {}).get(key) for s in sizes]
        if all(isinstance(v, int) for v in counts):
            pair_growth = counts[-1] / scale / counts[0] if counts[0] else float("nan")
            lines.append(f"| {label} (count) | " + " | ".join(f"{v:,}" for v in counts))
            lines[-1] += f" | {pair_growth:.2f} |"
    wall_growth = (top.median("seconds") / top.corpus.docs) / base_per_doc
    notes = [
        f"Per-document wall time at {sizes[-1]}x is {wall_growth:.2f}× that at {sizes[0]}x: "
        f"{growth_verdict(wall_growth)}; by summary.json's total (no process start-up) "
        f"{growth.get('total', float('nan')):.2f}× ({growth_verdict(growth.get('total', 1.0))})."
    ]
    fast = [f"{st} ({g:.2f}×)" for st, g in growth.items() if st != "total" and g > 1.5]
    if fast:
        notes.append(f"Stages whose per-document time grew more than 1.5×: {', '.join(fast)}.")
    rss_growth = (top.median("maxrss_bytes") / top.corpus.text_bytes) / (
        base.median("maxrss_bytes") / base.corpus.text_bytes
    )
    trend = "faster than" if rss_growth > 1.15 else "at most in proportion to"
    notes.append(
        f"Peak RSS per MB of text at {sizes[-1]}x is {rss_growth:.2f}× that at {sizes[0]}x: "
        f"memory grew {trend} the corpus."
    )
    differs = [
        f"{s}x"
        for s in sizes
        if len({json.dumps(r.summary["matches"]) for r in results[s].runs}) > 1
    ]
    if differs:
        notes.append(f"Match counts differed between repeats at {', '.join(differs)}.")
    return lines, notes


def build_section(
    results: dict[int, SizeResult],
    args: argparse.Namespace,
    command: str,
    warmup: tuple[int, float],
    runtime_rss: int,
    load: tuple[tuple[float, ...], tuple[float, ...]],
    changed: Sequence[str] = (),
) -> str:
    """The Markdown section for bench/RESULTS.md: command, machine, versions, tables, notes."""
    table, notes = build_tables(results, runtime_rss)
    if changed:
        notes.append(
            "Warning: copytrace's source files changed while the benchmark ran (editable "
            f"install), so runs may have used different code: {', '.join(changed)}."
        )
    first = results[min(results)].runs[0].summary
    edited = (
        "edited: each copy's first line is replaced by a made-up masthead line (prepended to "
        f"one-line texts) and {EDITED_WORDS} random words of 3+ letters in the rest by other "
        f"words of the corpus (seed {args.seed})"
        if args.variant == "edited"
        else "exact: copies are byte-identical to their originals"
    )
    sizes = sorted(results)
    copies = ", ".join(str(s - 1) for s in sizes[1:])
    pairs = ", ".join(str(s * (s - 1) // 2) for s in sizes)
    lines = [
        heading(args.variant, sizes),
        "",
        f"- Command: `{command}`",
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {platform.machine()}, {cpu_model()}, nproc = {len(os.sched_getaffinity(0))}"
        f", {total_ram_gib():.1f} GiB RAM; load average (1, 5, 15 min) "
        f"{', '.join(f'{x:.2f}' for x in load[0])} before, "
        f"{', '.join(f'{x:.2f}' for x in load[1])} after",
        f"- Versions: copytrace {version('copytrace')}, numba {version('numba')}, numpy "
        f"{version('numpy')}, Python {platform.python_version()}; scan settings: defaults "
        f"(shingle size {first['settings']['shingle_size']}, {first['settings']['num_perm']} "
        f"permutations, threshold {first['settings']['threshold']}, containment "
        f"{first['settings']['containment']}), jobs = {first['jobs']}",
        "- Input: bbc_news, reuters21578 and 20newsgroups as one JSONL.gz file (1x); "
        f"{', '.join(f'{s}x' for s in sizes[1:])} add {copies} copies of every document with ids "
        f"`ID#copyK`, after the originals. Copies are {edited}.",
        f"- Runs: `copytrace scan CORPUS --out OUT --quiet` in a subprocess, sizes one after "
        f"another in the order {', '.join(f'{s}x' for s in sorted(results))}, {args.repeat} "
        f"time(s) over; median reported. Wall time includes process start-up, imports, reading "
        f"the gzip file and writing the results. Peak RSS is the child's `ru_maxrss` from "
        f"`os.wait4` (the scan process alone); *with workers* is the peak summed PSS of the scan "
        f"and the worker processes that verify pairs, sampled every 0.5 s. CPU s include the "
        f"workers'. numba's cache was filled first by an untimed scan of {warmup[0]:,} "
        f"documents with an exact and an edited copy of each ({warmup[1]:.1f} s, compiling "
        f"included). The runtime's own peak RSS, from a scan of {3 * RUNTIME_SAMPLE} documents, is "
        f"{runtime_rss / 1e6:,.0f} MB.",
        "",
        *table,
        "",
        "Notes: MB = 10^6 bytes; *MB of text* counts the UTF-8 bytes of the `text` fields. "
        "*time ratio* is median wall time over the 1x median; *originals clustered with all "
        "copies* counts originals that ended in one cluster with every one of their copies. "
        "At k-x every original has k-1 copies, so the related pairs to find grow as k(k-1)/2 "
        f"per original ({pairs} at {', '.join(f'{s}x' for s in sizes)}) while documents grow "
        "as k: candidate and "
        "verification work that scales with related pairs is expected to grow faster than the "
        "corpus. The machine is shared: other benchmarks may have run at the same time. "
        + " ".join(notes),
    ]
    return "\n".join(lines) + "\n"


def write_results(section: str, variant: str, sizes: Sequence[int], path: Path = RESULTS) -> None:
    """Put `section` into bench/RESULTS.md, replacing this variant's earlier section.

    The earlier section may list other sizes in its heading; it is replaced all the same.
    """
    new = heading(variant, sizes)
    if path.exists():
        text = path.read_text(encoding="utf-8")
        old = re.compile(
            rf"^## Scan scaling: [0-9x, ]+ corpus \({re.escape(kind(variant))}\)$", re.M
        )
        found = old.search(text)
        if found and found.group(0) != new:
            path.write_text(text[: found.start()] + new + text[found.end() :], encoding="utf-8")
    upsert_section(new, section, path)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="shared corpora folder")
    p.add_argument("--work", type=Path, default=None, help="keep corpora and outputs here")
    p.add_argument("--variant", choices=("exact", "edited"), default="exact")
    p.add_argument(
        "--no-passages",
        action="store_true",
        help="scan with --no-passages (whole-document relations only)",
    )
    p.add_argument("--repeat", type=int, default=2, help="timed runs per size (median)")
    p.add_argument("--seed", type=int, default=1, help="seed for the edited copies")
    p.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 4, 8], help="corpus multiples")
    p.add_argument("--limit", type=int, default=None, help="documents per source file (tests)")
    p.add_argument("--write-results", action="store_true", help="update bench/RESULTS.md")
    args = p.parse_args(argv)
    if args.repeat < 1 or min(args.sizes) < 1:
        p.error("--repeat and --sizes must be at least 1")
    args.sizes = sorted(set(args.sizes))
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Build the corpora, time the scans, print the section, and optionally write RESULTS.md."""
    args = parse_args(argv)
    if args.no_passages:
        SCAN_FLAGS.append("--no-passages")
    command = shlex.join(["python", "bench/bench_scan.py", *sys.argv[1:]])
    tmp = None if args.work else tempfile.TemporaryDirectory(prefix="bench_scan_")
    work = args.work if args.work else Path(tmp.name)  # type: ignore[union-attr]
    work.mkdir(parents=True, exist_ok=True)
    try:
        load_before = os.getloadavg()
        stamp = source_stamp()
        t0 = time.perf_counter()
        docs = read_docs(args.corpora, args.limit)
        corpora = build_corpora(docs, args.sizes, work, args.variant, args.seed)
        print(f"built corpora in {time.perf_counter() - t0:.1f} s:", file=sys.stderr)
        for c in corpora.values():
            print(f"  {c.size}x: {c.docs:,} docs, {c.text_bytes / 1e6:.1f} MB", file=sys.stderr)
        env = dict(os.environ)
        env["NUMBA_CACHE_DIR"] = str(work / "numba_cache")
        env["COPYTRACE_CACHE_DIR"] = str(work / "copytrace_cache")
        sample = work / "warmup.jsonl.gz"
        write_sample(docs, sample, WARMUP_DOCS, args.seed)
        warm_s, _, _, _ = scan(sample, work / "out_warmup", env, work / "warmup.log")
        print(f"warm-up scan: {warm_s:.1f} s", file=sys.stderr)
        tiny = work / "runtime.jsonl.gz"
        write_sample(docs, tiny, RUNTIME_SAMPLE, args.seed)
        _, runtime_rss, _, _ = scan(tiny, work / "out_runtime", env, work / "runtime.log")
        print(f"runtime scan: {runtime_rss / 1e6:.0f} MB peak RSS", file=sys.stderr)
        del docs
        results = {s: SizeResult(c) for s, c in corpora.items()}
        for rep in range(args.repeat):
            for s in args.sizes:
                out = work / f"out_{s}x_{rep}"
                seconds, rss, cpu, tree = scan(
                    corpora[s].path, out, env, work / f"scan_{s}x_{rep}.log"
                )
                summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
                together = copy_groups_together(out, s)
                results[s].runs.append(Run(s, seconds, rss, cpu, summary, tree, together))
                print(
                    f"  {s}x run {rep + 1}: {seconds:.1f} s wall, {cpu:.1f} s CPU, "
                    f"{rss / 1e6:.0f} MB peak RSS, {tree / 1e6:.0f} MB with workers",
                    file=sys.stderr,
                )
                shutil.rmtree(out)
        now = source_stamp()
        changed = sorted(f for f in stamp.keys() | now.keys() if stamp.get(f) != now.get(f))
        section = build_section(
            results,
            args,
            command,
            (WARMUP_DOCS, warm_s),
            runtime_rss,
            (load_before, os.getloadavg()),
            changed,
        )
        if changed:
            print(f"warning: copytrace sources changed during the run: {changed}", file=sys.stderr)
    finally:
        if tmp is not None:
            tmp.cleanup()
    print(section)
    if args.write_results:
        write_results(section, args.variant, args.sizes)
        print(f"wrote {RESULTS.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
