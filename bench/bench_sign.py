"""Benchmark end-to-end MinHash signing: copytrace vs datasketch vs rensa.

Run from the repository root, after `pip install -e ".[bench]"`:

    python bench/bench_sign.py --write-results

Every tool signs the same documents (text in, 128-value signature out, tokenization and word
5-gram shingling included) from ../shared/corpora: bbc_news, reuters21578 and 20newsgroups.
Texts are loaded into memory before timing. Each timed run happens in a fresh subprocess
(`--only TOOL`), so that each tool's peak RSS is its own; the tools take turns in a rotating
order within each repeat, and the median of `--repeat` runs is reported. copytrace is imported
from a copy of its package taken at start, so that edits to the tree during a run do not mix
versions. datasketch takes about a minute per run on all documents; `--limit N` signs a fixed
sample instead. `--write-results` replaces this benchmark's section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import hashlib
import importlib.util
import json
import os
import platform
import random
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from common import command_output, cpu_model, upsert_section, version

NUM_PERM = 128
SHINGLE = 5
BATCH = 1_000
RENSA_SEED = 42
SIGNING_MODULES = ("copytrace.model", "copytrace.sketch", "copytrace.text")
WARMUP_TEXTS = 16
CORPUS_FILES = ("bbc_news.jsonl.gz", "reuters21578.jsonl.gz", "20newsgroups.jsonl.gz")
REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"
RESULTS = REPO / "bench" / "RESULTS.md"
HEADING = "## MinHash signing: copytrace vs datasketch vs rensa"

Signed = tuple[np.ndarray, bool]


@dataclass(frozen=True, slots=True)
class Variant:
    """One row of the benchmark: a tool, the way it is called, and its thread count."""

    name: str
    label: str
    all_cores: bool = False
    passages: bool = False


VARIANTS = (
    Variant("copytrace", "copytrace `sketch_batch` (1 thread)"),
    Variant("copytrace-mt", "copytrace `sketch_batch` (all cores)", all_cores=True),
    Variant(
        "copytrace-fp",
        "copytrace `sketch_batch` + passage fingerprints (1 thread)",
        passages=True,
    ),
    Variant("datasketch", "datasketch `MinHash.update_batch`"),
    Variant("rensa", "rensa `RMinHash.update`"),
    Variant("rensa-batch", "rensa `RMinHash.digest_matrix_from_token_sets`"),
)
BY_NAME = {v.name: v for v in VARIANTS}


# ---------------------------------------------------------------------------------------------
# Work done inside one child process.
# ---------------------------------------------------------------------------------------------


def load_texts(corpora: Path, limit: int | None) -> list[str]:
    """All texts of the three corpora in file order, or a fixed random sample of `limit`."""
    keep: set[int] | None = None
    if limit is not None:  # a first pass counts documents, so that only the sample is kept
        total = sum(1 for _ in _lines(corpora))
        if limit < total:
            keep = set(random.Random(0).sample(range(total), limit))
    return [
        json.loads(line).get("text") or ""
        for i, line in enumerate(_lines(corpora))
        if keep is None or i in keep
    ]


def _lines(corpora: Path) -> Iterator[str]:
    for name in CORPUS_FILES:
        with gzip.open(corpora / name, "rt", encoding="utf-8") as lines:
            yield from (line for line in lines if line.strip())


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def shingles_str(text: str) -> list[str]:
    """Word 5-grams the way datasketch users build them: lower(), split(), join."""
    words = text.lower().split()
    return [" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))]


def shingles_bytes(text: str) -> list[bytes]:
    """The same word 5-grams as `shingles_str`, UTF-8 encoded for datasketch's SHA-1 hashing."""
    words = text.lower().split()
    return [
        " ".join(words[i : i + SHINGLE]).encode("utf8")
        for i in range(max(1, len(words) - SHINGLE + 1))
    ]


def copytrace_signer(all_cores: bool, passages: bool) -> Callable[[Sequence[str]], Signed]:
    """Import copytrace, set numba's thread count and return a function signing all texts.

    Without `passages` it computes what the other tools do (exact hash and MinHash signature);
    with it, also the winnowed passage fingerprints that `copytrace scan` uses.
    """
    import numba

    from copytrace.model import Settings
    from copytrace.sketch import sketch_batch

    numba.set_num_threads(min(os.cpu_count() or 1, numba.config.NUMBA_NUM_THREADS))
    if not all_cores:
        numba.set_num_threads(1)
    settings = Settings(passages=passages)
    assert settings.num_perm == NUM_PERM and settings.shingle_size == SHINGLE

    def sign(texts: Sequence[str]) -> Signed:
        out = np.empty((len(texts), NUM_PERM), dtype=np.uint64)
        ok = True
        for start in range(0, len(texts), BATCH):
            batch = texts[start : start + BATCH]
            sigs = sketch_batch(batch, settings).signatures
            ok &= sigs.shape == (len(batch), NUM_PERM)
            out[start : start + len(batch)] = sigs
        return out, ok

    return sign


def datasketch_signer() -> Callable[[Sequence[str]], Signed]:
    """Import datasketch and return a function signing all texts, one MinHash per text."""
    from datasketch import MinHash

    dtype = MinHash(num_perm=NUM_PERM).digest().dtype

    def sign(texts: Sequence[str]) -> Signed:
        out = np.empty((len(texts), NUM_PERM), dtype=dtype)
        ok = True
        for i, text in enumerate(texts):
            m = MinHash(num_perm=NUM_PERM)
            m.update_batch(shingles_bytes(text))
            digest = m.digest()
            ok &= len(digest) == NUM_PERM
            out[i] = digest
        return out, ok

    return sign


def rensa_signer() -> Callable[[Sequence[str]], Signed]:
    """Import rensa and return a function signing all texts, one RMinHash per text."""
    from rensa import RMinHash

    def sign(texts: Sequence[str]) -> Signed:
        out = np.empty((len(texts), NUM_PERM), dtype=np.uint32)  # R-MinHash digests are u32
        ok = True
        for i, text in enumerate(texts):
            m = RMinHash(num_perm=NUM_PERM, seed=RENSA_SEED)
            m.update(shingles_str(text))
            digest = m.digest()
            ok &= len(digest) == NUM_PERM
            out[i] = digest
        return out, ok

    return sign


def rensa_batch_signer() -> Callable[[Sequence[str]], Signed]:
    """Import rensa and return a function signing all texts with its batch API, 1,000 at a time."""
    from rensa import RMinHash

    def sign(texts: Sequence[str]) -> Signed:
        out = np.empty((len(texts), NUM_PERM), dtype=np.uint32)
        ok = True
        for start in range(0, len(texts), BATCH):
            batch = texts[start : start + BATCH]
            matrix = RMinHash.digest_matrix_from_token_sets(
                [shingles_str(t) for t in batch], NUM_PERM, RENSA_SEED
            )
            ok &= matrix.len() == len(batch) and matrix.get_num_perm() == NUM_PERM
            rows = np.asarray(matrix.to_rows(), dtype=np.uint32)
            ok &= rows.shape == (len(batch), NUM_PERM)
            out[start : start + len(batch)] = rows
        return out, ok

    return sign


def copytrace_fingerprint() -> str:
    """SHA-256 prefix of copytrace's signing modules, to tell apart runs of different code."""
    digest = hashlib.sha256()
    for name in SIGNING_MODULES:
        path = getattr(sys.modules.get(name), "__file__", None)
        digest.update(name.encode() + b"\0" + (Path(path).read_bytes() if path else b"?"))
    return digest.hexdigest()[:12]


def make_signer(variant: Variant) -> Callable[[Sequence[str]], Signed]:
    """Import the tool behind `variant` and return its signing function."""
    if variant.name.startswith("copytrace"):
        return copytrace_signer(variant.all_cores, variant.passages)
    if variant.name == "datasketch":
        return datasketch_signer()
    if variant.name == "rensa":
        return rensa_signer()
    if variant.name == "rensa-batch":
        return rensa_batch_signer()
    raise ValueError(f"unknown tool {variant.name!r}")


def run_child(variant: Variant, corpora: Path, limit: int | None, warmup_only: bool) -> None:
    """Load the texts, warm the tool up, time one signing run and print a JSON line of results."""
    texts = load_texts(corpora, limit)
    base = peak_rss_mib()
    t0 = time.perf_counter()
    sign = make_signer(variant)
    t1 = time.perf_counter()
    sign(texts[:WARMUP_TEXTS])
    t2 = time.perf_counter()
    result: dict[str, Any] = {
        "variant": variant.name,
        "docs": len(texts),
        "text_bytes": sum(len(t.encode("utf-8", "surrogatepass")) for t in texts),
        "base_mib": base,
        "import_s": t1 - t0,
        "first_call_s": t2 - t1,
        "warm_mib": peak_rss_mib(),
        "threads": 1,
    }
    if variant.name.startswith("copytrace"):
        import numba

        result["threads"] = numba.get_num_threads()
        result["threading_layer"] = numba.threading_layer()
        result["source"] = copytrace_fingerprint()
        result["source_dir"] = str(Path(sys.modules["copytrace.sketch"].__file__ or "").parent)
    if not warmup_only:
        gc.collect()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        out, ok = sign(texts)
        wall1, cpu1 = time.perf_counter(), time.process_time()
        result["peak_mib"] = peak_rss_mib()
        result["seconds"] = wall1 - wall0
        result["cpu_seconds"] = cpu1 - cpu0
        result["ok"] = bool(ok) and out.shape == (len(texts), NUM_PERM)
        result["dtype"] = str(out.dtype)
        result["digest"] = hashlib.blake2b(out.tobytes(), digest_size=8).hexdigest()
    print(json.dumps(result))


# ---------------------------------------------------------------------------------------------
# The parent: spawn children, aggregate, report.
# ---------------------------------------------------------------------------------------------


def snapshot_copytrace(dest: Path) -> None:
    """Copy the copytrace package, as it is now, into dest/copytrace."""
    spec = importlib.util.find_spec("copytrace")
    if spec is None or spec.origin is None:
        raise SystemExit("copytrace is not installed: pip install -e '.[bench]'")
    package = Path(spec.origin).parent
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(package, dest / "copytrace", ignore=ignore)


def spawn(
    variant: Variant, args: argparse.Namespace, work: Path, warmup_only: bool = False
) -> dict[str, Any]:
    """Run one tool in a fresh Python process and return the results it printed."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--only", variant.name]
    cmd += ["--corpora", str(args.corpora)]
    if args.limit is not None:
        cmd += ["--limit", str(args.limit)]
    if warmup_only:
        cmd.append("--warmup-only")
    env = dict(os.environ)
    # copytrace is imported from the snapshot taken at start, so that every run signs with the
    # same code even while the working tree is being edited.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(work / "src"), env.get("PYTHONPATH")]))
    # numba's compiled kernels and copytrace's character tables go to a cache of this run only,
    # so that the first copytrace process measures a cold start and the shared tree is untouched.
    env["NUMBA_CACHE_DIR"] = str(work / "cache")
    env["COPYTRACE_CACHE_DIR"] = str(work / "cache")
    if variant.name.startswith("rensa"):
        env["RAYON_NUM_THREADS"] = "1"  # the per-core figure; rensa's batch API may use Rayon
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"{variant.name} failed with exit code {proc.returncode}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def summarize(
    runs: dict[str, list[dict[str, Any]]], selected: Sequence[Variant]
) -> tuple[list[str], dict[str, Any]]:
    """Markdown table rows (header included) and the corpus facts shared by all runs."""
    first = next(iter(runs.values()))[0]
    mb = first["text_bytes"] / 1e6
    docs = first["docs"]
    base = statistics.median(r["base_mib"] for rs in runs.values() for r in rs)
    med = {name: statistics.median(r["seconds"] for r in rs) for name, rs in runs.items()}
    med_cpu = {name: statistics.median(r["cpu_seconds"] for r in rs) for name, rs in runs.items()}
    reference, reference_cpu = med.get("copytrace"), med_cpu.get("copytrace")
    rows = [
        "| tool | threads | docs/s | MB/s per core | median s (min–max) | CPU use | MB per CPU s "
        "| peak RSS + MiB (after warm-up) | import + 1st call s "
        "| copytrace (1 thread) speed-up: wall (CPU) | 128 values/doc | same output each run |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|:-:|",
    ]
    for variant in selected:
        rs = runs[variant.name]
        secs = [r["seconds"] for r in rs]
        threads = rs[0]["threads"]
        median = med[variant.name]
        cpu = statistics.median(r["cpu_seconds"] / r["seconds"] for r in rs)
        grow = statistics.median(r["peak_mib"] - r["base_mib"] for r in rs)
        grow_warm = statistics.median(r["warm_mib"] - r["base_mib"] for r in rs)
        warm = statistics.median(r["import_s"] + r["first_call_s"] for r in rs)
        ratio = "n/a"
        if reference and reference_cpu:
            ratio = f"{median / reference:.2f}× ({med_cpu[variant.name] / reference_cpu:.2f}×)"
        ok = "yes" if all(r["ok"] for r in rs) else "**NO**"
        same = "yes" if len({r["digest"] for r in rs}) == 1 else "**NO**"
        rows.append(
            f"| {variant.label} | {threads} | {docs / median:,.0f} | {mb / median / threads:.2f} "
            f"| {median:.2f} ({min(secs):.2f}–{max(secs):.2f}) | {cpu:.2f} "
            f"| {mb / med_cpu[variant.name]:.2f} "
            f"| {grow:.0f} ({grow_warm:.0f}) | {warm:.2f} | {ratio} | {ok} | {same} |"
        )
    facts = {"docs": docs, "mb": mb, "base_mib": base}
    return rows, facts


def source_fingerprints(runs: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The distinct fingerprints of copytrace's signing modules seen by the child processes."""
    seen = [r["source"] for rs in runs.values() for r in rs if "source" in r]
    return list(dict.fromkeys(seen))


def build_section(
    rows: list[str],
    facts: dict[str, Any],
    args: argparse.Namespace,
    compile_run: dict[str, Any] | None,
    runs: dict[str, list[dict[str, Any]]],
) -> str:
    """The Markdown section for bench/RESULTS.md: command, machine, versions, table and notes."""
    argv = " ".join(shlex.quote(a) for a in sys.argv[1:])
    command = f"python bench/bench_sign.py {argv}".strip()
    docs = f"{facts['docs']:,}"
    limit = f"a fixed random sample of {docs}" if args.limit else f"all {docs}"
    sources = source_fingerprints(runs)
    source = f" (sketch, text, model modules: sha256 {', '.join(sources)})" if sources else ""
    lines = [
        HEADING,
        "",
        f"- Command: `{command}`",
        f"- Date: {command_output(['date', '-u'], datetime.now(UTC).isoformat())}",
        f"- Machine: {command_output(['uname', '-m'], platform.machine())}, {cpu_model()}, "
        f"nproc = {command_output(['nproc'], str(os.cpu_count()))}",
        f"- Versions: copytrace {version('copytrace')}{source}, "
        f"datasketch {version('datasketch')}, rensa {version('rensa')}; "
        f"numba {version('numba')}, numpy {version('numpy')}, Python {platform.python_version()}",
        f"- Input: {limit} documents, {facts['mb']:.1f} MB of UTF-8 text (bbc_news, "
        "reuters21578, 20newsgroups), loaded into memory before timing; 128 permutations, "
        "word 5-grams.",
        f"- Runs: median of {args.repeat} timed runs per tool, each in a fresh process, tools in "
        "a rotating order within each repeat. Peak RSS with only the texts loaded (Python, numpy "
        f"and texts): {facts['base_mib']:.0f} MiB; the table shows each tool's peak above that "
        "(its imports, warm-up, working memory and its (n, 128) signature array) and, in "
        "brackets, the part of it already reached after import and warm-up on a few texts.",
        "",
        *rows,
        "",
    ]
    notes = [
        "Notes: *MB/s per core* is MB of text divided by wall seconds and by threads. *CPU use* is "
        "process CPU seconds over wall seconds of the timed run (below 1 per thread: the process "
        "waited for a core on this shared machine); *MB per CPU s* divides by the median CPU "
        "seconds instead, which such waits do not inflate. *speed-up* is the tool's median wall "
        "(CPU) time over copytrace's one-thread median (above 1 means copytrace is faster).",
        "copytrace tokenizes with its own Unicode word tokenizer inside the numba kernel and "
        "stores one-permutation MinHash with densification as uint64 (plus its exact hash; the "
        "`+ passage fingerprints` row also winnows every shingle for `copytrace scan`'s passage "
        "search, work the other tools do not do); datasketch and rensa get "
        "word 5-grams built in Python from `text.lower().split()` (that work is timed, as it is "
        "part of their users' pipeline), datasketch hashes them with SHA-1 (default `affine32` "
        "scheme, uint32 values), rensa stores 32-bit R-MinHash values (seed 42). copytrace gets "
        f"batches of {BATCH:,} texts, rensa's batch API too; datasketch and rensa `update` make "
        "one sketch object per text. rensa runs with RAYON_NUM_THREADS=1. copytrace is imported "
        "from a copy of its package taken when the benchmark starts.",
    ]
    if compile_run is not None:
        notes.append(
            "copytrace's JIT: the first process on an empty numba cache spent "
            f"{compile_run['import_s'] + compile_run['first_call_s']:.1f} s importing and "
            f"compiling (import {compile_run['import_s']:.1f} s, first call "
            f"{compile_run['first_call_s']:.1f} s, character tables built); the timed processes "
            "load the compiled kernels from the cache (the *import + 1st call* column). "
            "None of it is in the timed runs."
        )
    sources = source_fingerprints(runs)
    if len(sources) > 1:
        notes.append(
            f"**Warning: copytrace's source changed during this run ({', '.join(sources)}); its "
            "rows mix different code.**"
        )
    layers = {r.get("threading_layer") for rs in runs.values() for r in rs} - {None}
    if layers:
        notes.append(f"numba threading layer: {', '.join(sorted(layers))}.")
    lines.append(" ".join(notes))
    return "\n".join(lines) + "\n"


def write_results(section: str, path: Path = RESULTS) -> None:
    """Put `section` into bench/RESULTS.md, replacing an earlier copy of the same heading."""
    upsert_section(HEADING, section, path)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="folder of the corpora")
    p.add_argument("--limit", type=int, default=None, help="sign only N documents (sampled)")
    p.add_argument("--repeat", type=int, default=3, help="timed runs per tool (median is shown)")
    p.add_argument(
        "--tools",
        default=",".join(v.name for v in VARIANTS),
        help=f"comma-separated subset of: {', '.join(BY_NAME)}",
    )
    p.add_argument("--write-results", action="store_true", help="update bench/RESULTS.md")
    p.add_argument("--only", choices=list(BY_NAME), help="internal: run one tool in this process")
    p.add_argument("--warmup-only", action="store_true", help="internal: with --only, no timing")
    args = p.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        p.error("--limit must be positive")
    if args.repeat < 1:
        p.error("--repeat must be positive")
    unknown = [t for t in args.tools.split(",") if t not in BY_NAME]
    if unknown:
        p.error(f"unknown tools: {', '.join(unknown)}")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark, print the table, and optionally write bench/RESULTS.md."""
    args = parse_args(argv)
    if args.only:
        run_child(BY_NAME[args.only], args.corpora, args.limit, args.warmup_only)
        return
    missing = [n for n in CORPUS_FILES if not (args.corpora / n).is_file()]
    if missing:
        raise SystemExit(f"missing corpora in {args.corpora}: {', '.join(missing)}")
    selected = [BY_NAME[t] for t in dict.fromkeys(args.tools.split(","))]
    runs: dict[str, list[dict[str, Any]]] = {v.name: [] for v in selected}
    compile_run = None
    with tempfile.TemporaryDirectory(prefix="bench-sign-") as tmp:
        work = Path(tmp)
        snapshot_copytrace(work / "src")
        if any(v.name.startswith("copytrace") for v in selected):
            compile_run = spawn(BY_NAME["copytrace"], args, work, warmup_only=True)
            if not compile_run["source_dir"].startswith(str(work)):
                raise SystemExit(f"copytrace was imported from {compile_run['source_dir']}")
            print(
                f"copytrace cold start: import {compile_run['import_s']:.2f} s, "
                f"first call (JIT compile) {compile_run['first_call_s']:.2f} s",
                file=sys.stderr,
            )
        for r in range(args.repeat):
            shift = r % len(selected)
            for variant in selected[shift:] + selected[:shift]:
                result = spawn(variant, args, work)
                runs[variant.name].append(result)
                print(
                    f"[run {r + 1}/{args.repeat}] {variant.name}: {result['seconds']:.2f} s, "
                    f"peak {result['peak_mib']:.0f} MiB (base {result['base_mib']:.0f})",
                    file=sys.stderr,
                )
    rows, facts = summarize(runs, selected)
    sources = source_fingerprints(runs)
    if len(sources) > 1:
        print(
            f"WARNING: copytrace's source changed during the run ({', '.join(sources)}); "
            "rerun when the tree is quiet.",
            file=sys.stderr,
        )
    print(
        f"\n{facts['docs']:,} documents, {facts['mb']:.1f} MB of text; "
        f"peak RSS with texts loaded: {facts['base_mib']:.0f} MiB\n"
    )
    print("\n".join(rows))
    if args.write_results:
        write_results(build_section(rows, facts, args, compile_run, runs))
        print(f"\nwrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
