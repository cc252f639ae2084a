"""Benchmark the persistent index: add throughput, query latency, size on disk, service load.

Run from the repository root, in the virtualenv where copytrace is installed with its service
extra:

    python bench/bench_index.py --write-results

The corpus is every document of the shared corpora with a text (reuters21578, bbc_news,
20newsgroups, wikipedia_2018_pages, wikipedia_2015_articles from ../shared/corpora, in that
order), then made copies to reach the largest size: copies of those documents, in order, with
renamed ids (`ID#copyK`) and one word in 40 replaced by a word of another document, so that each
copy is a near-duplicate of its original (a new distinct text, not an exact copy). The first
`--sizes` documents (default 100,000 and 200,000) are written as JSON Lines and added with
`copytrace index add INDEX PART.jsonl --quiet` in a subprocess with NUMBA_NUM_THREADS=1 (one
core): the index grows from 0 to the first size, then to the next. Add throughput is documents
per second of that child's wall time, and per CPU second (user + system, from its rusage).

At each size, `--queries` single-document queries (default 400, after 20 untimed) run through
the Python API in this process, also on one numba thread: half are documents of the index
queried under a new id (each finds at least its exact copy), half are new edited copies of
indexed documents (near-duplicates). Latency is measured around `Index.query`, in wall time and
in the CPU time of the querying thread (which waiting for a core on a shared machine does not
add to). After the untimed queries the process freezes its objects out of the garbage
collector's reach (`gc.freeze`), as `copytrace serve` does after its warm-up: otherwise a full
collection, 50-100 ms with numba's objects and more with the corpus this process holds, stalls
whichever query it falls on.

Size on disk is the index file plus its WAL after the add (and the bytes in use, without free
pages), against the UTF-8 bytes of the texts it holds.

The load test starts `copytrace serve INDEX` on a free loopback port and runs the load client
(this script with `--load-client`) in a second process: `--clients` threads (default 8) for
`--duration` seconds (default 30), each sending, in a loop, a query of a random document's text
(70%), a GET of a random document (20%) or a GET /health (10%), and reports requests per
second, latency percentiles, and every failed request (non-2xx or a transport error).

`--write-results` replaces this benchmark's section of bench/RESULTS.md and leaves the others.
`--query-only INDEX` times only the queries of the largest size on an index built from the same
corpus, so that two versions of copytrace (`PYTHONPATH=TREE/src`) can answer the same queries on
the same index, in turn.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import os
import platform
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common import cpu_model, upsert_section, version

HEADING = "## Index: add, query, size on disk and service load (bench_index.py)"
CORPORA = ("reuters21578", "bbc_news", "20newsgroups", "wikipedia_2018_pages",
           "wikipedia_2015_articles")  # fmt: skip
NOTES = """What limits it (index schema 2, docs/index.md):

- **Size.** Postings are kept in compressed blocks of 128 (delta- and bit-packed, a few bytes
  a posting instead of a 17-byte B-tree row), and a text's signature is not stored where its
  128 one-row band keys hold it. What remains is mostly the texts themselves (zstd-compressed,
  in `documents`) and the band postings: short texts (Reuters' 750 bytes, Wikipedia stubs) cost
  more than their size, long articles less, so the ratio depends on the mix.
- **Add.** Per document: sketching, its lines' chrome keys and blanks, compressing its text,
  and a few SQLite statements; postings are written as blocks, and runs are merged as they
  fill. Long documents (the second 100,000 here are Wikipedia articles, about 3.9 kB each)
  take longer per document than news items.
- **Query.** The blocks that may hold a term are found in memory (the run's fences and Bloom
  filter, 1.7% false positives), so a lookup reads about one block for each run holding the
  term; then every candidate is verified and aligned exactly. The slowest queries are long
  Wikipedia articles (25-60 kB): their 1,000-2,300 fingerprints read 2,000-3,000 blocks
  (5-10 ms, as the original and its made copy sit in different runs), and each passage
  candidate (3 to 21 texts sharing 3 fingerprints or more) is read, shingled, indexed and
  aligned (1-4 ms each), whether or not it holds a passage.
- **Service.** One process: requests run on a thread pool in one Python interpreter, so it
  serves about one core's worth of queries; several uvicorn processes would serve more.
"""
TARGETS = {"query_p99_ms": 20.0, "add_docs_per_s": 2000.0, "size_ratio": 2.0}


def originals(corpora: Path) -> list[dict[str, str]]:
    """Every document with a text, in corpus order."""
    out = []
    for name in CORPORA:
        with gzip.open(corpora / f"{name}.jsonl.gz", "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                text = row.get("text") or ""
                if text.strip():
                    out.append({"id": f"{name}/{row['id']}", "text": text})
    return out


def edited(row: dict[str, str], k: int, rng: random.Random, words: list[str]) -> dict[str, str]:
    """A copy with a renamed id and one word in 40 replaced."""
    parts = row["text"].split(" ")
    for i in range(rng.randrange(40), len(parts), 40):
        parts[i] = rng.choice(words)
    return {"id": f"{row['id']}#copy{k}", "text": " ".join(parts)}


def corpus(corpora: Path, size: int, seed: int) -> list[dict[str, str]]:
    """The originals, then edited copies of them, up to `size` documents."""
    base = originals(corpora)
    rng = random.Random(seed)
    words = [w for row in base[:2000] for w in row["text"].split()[:50] if w.isalpha()]
    docs = base[:size]
    k = 0
    while len(docs) < size:
        k += 1
        for row in base:
            if len(docs) == size:
                break
            docs.append(edited(row, k, rng, words))
    return docs


def write_part(path: Path, rows: list[dict[str, str]]) -> None:
    """Write rows as JSON Lines."""
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def one_core_env() -> dict[str, str]:
    """The environment with numba on one thread."""
    return {**os.environ, "NUMBA_NUM_THREADS": "1"}


def timed_add(index: Path, part: Path) -> dict[str, float]:
    """Add a part in a child process on one core: wall and CPU seconds."""
    exe = Path(sys.executable).with_name("copytrace")
    start = time.perf_counter()
    cmd = [str(exe), "index", "add", str(index), str(part), "--quiet", "-j", "1"]
    proc = subprocess.Popen(cmd, env=one_core_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out = proc.stdout.read().decode() if proc.stdout else ""
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"index add failed: {err}")
    print(out.strip(), file=sys.stderr)
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "max_rss_mb": usage.ru_maxrss / 1024}  # fmt: skip


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def query_latency(
    index_path: Path, docs: list[dict[str, str]], n: int, seed: int
) -> dict[str, Any]:
    """Latency of single-document queries through the Python API, on one numba thread."""
    import numba

    from copytrace import Document, Index

    numba.set_num_threads(1)
    rng = random.Random(seed)
    words = [w for row in docs[:2000] for w in row["text"].split()[:50] if w.isalpha()]
    picks = [docs[rng.randrange(len(docs))] for _ in range(n + 20)]
    queries = []
    for i, row in enumerate(picks):
        if i % 2:
            queries.append(Document(f"query-{i}", row["text"]))
        else:
            copy = edited(row, 99, rng, words)
            queries.append(Document(f"query-{i}", copy["text"]))
    times, cpu, matched = [], [], 0
    with Index(index_path, create=False) as index:
        for q in queries[:20]:  # untimed: they load the kernels
            index.query(q)
        # What `copytrace serve` does after its warm-up (service.server.settle): the objects
        # made so far (numba's, and this process's corpus) stay out of full garbage collections.
        gc.collect()
        gc.freeze()
        for q in queries[20:]:
            t0, c0 = time.perf_counter(), time.thread_time()
            found = index.query(q)
            cpu.append((time.thread_time() - c0) * 1000)
            times.append((time.perf_counter() - t0) * 1000)
            matched += bool(found.matches)
        gc.unfreeze()
        stats = index.stats()
    return {
        "queries": len(times),
        "with_matches": matched,
        "p50_ms": percentile(times, 50),
        "p90_ms": percentile(times, 90),
        "p99_ms": percentile(times, 99),
        "max_ms": max(times),
        "mean_ms": statistics.fmean(times),
        "cpu_p50_ms": percentile(cpu, 50),
        "cpu_p99_ms": percentile(cpu, 99),
        "stats": stats,
    }


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_test(index: Path, ids: list[str], texts: list[str], clients: int, duration: float
              ) -> dict[str, Any]:  # fmt: skip
    """Serve the index and load it from a second process."""
    exe = Path(sys.executable).with_name("copytrace")
    port = free_port()
    server = subprocess.Popen([str(exe), "serve", str(index), "--port", str(port)],
                              env=one_core_env(), stderr=subprocess.PIPE)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"{url}/health", timeout=5)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the service did not start") from None
                time.sleep(0.3)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
            json.dump({"ids": ids, "texts": texts}, fh)
            sample = fh.name
        client = subprocess.run(
            [sys.executable, __file__, "--load-client", url, "--sample", sample,
             "--clients", str(clients), "--duration", str(duration)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        os.unlink(sample)
        return dict(json.loads(client.stdout))
    finally:
        server.terminate()
        server.wait(30)


def load_client(url: str, sample: Path, clients: int, duration: float) -> None:
    """The second process of the load test: threads sending requests; prints JSON."""
    import httpx

    data = json.loads(sample.read_text())
    ids, texts = data["ids"], data["texts"]
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def work(seed: int) -> None:
        """One client: requests in a loop until the time is up."""
        rng = random.Random(seed)
        mine, bad = [], []
        with httpx.Client(timeout=60) as client:
            while time.monotonic() < stop:
                r = rng.random()
                t0 = time.perf_counter()
                try:
                    if r < 0.7:
                        resp = client.post(f"{url}/query", json={"text": rng.choice(texts)})
                    elif r < 0.9:
                        resp = client.get(f"{url}/documents/{rng.choice(ids)}")
                    else:
                        resp = client.get(f"{url}/health")
                    if resp.status_code >= 300:
                        bad.append(f"{resp.status_code} {resp.text[:200]}")
                except httpx.HTTPError as exc:
                    bad.append(repr(exc))
                mine.append((time.perf_counter() - t0) * 1000)
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    print(json.dumps({
        "clients": clients, "seconds": elapsed, "requests": len(latencies),
        "requests_per_s": len(latencies) / elapsed, "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99), "max_ms": max(latencies),
        "failures": len(failures), "failure_examples": failures[:5],
    }))  # fmt: skip


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def section(command: str, rows: list[dict[str, Any]], load: dict[str, Any]) -> str:
    """The Markdown section for bench/RESULTS.md."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        HEADING,
        "",
        f"- Command: `{command}`",
        f"- Date: {now}",
        f"- Machine: {platform.machine()}, {cpu_model()}, nproc = {len(os.sched_getaffinity(0))}"
        " (shared with other jobs)",
        f"- Python {platform.python_version()}, copytrace {version('copytrace')}, numba "
        f"{version('numba')}, SQLite {__import__('sqlite3').sqlite_version}, FastAPI "
        f"{version('fastapi')}, uvicorn {version('uvicorn')}",
        "- Corpus: every document of the shared corpora (reuters21578, bbc_news, 20newsgroups, "
        "wikipedia_2018_pages, wikipedia_2015_articles: 151k documents with text), then **made "
        "copies with renamed ids** (`ID#copyK`, one word in 40 replaced: near-duplicates, new "
        "distinct texts) to reach the size. Adds and queries run on one core "
        "(NUMBA_NUM_THREADS=1).",
        "",
        "| documents | added in this step | add wall s | add docs/s (wall) | add docs/CPU-s | "
        "query p50 ms | p90 ms | p99 ms | max ms | CPU p99 ms | queries with matches | "
        "file + WAL MB | in use MB | text MB | size / text | bytes / document |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['size']:,} | {r['added']:,} | {r['add']['wall_s']:.0f} | "
            f"{r['added'] / r['add']['wall_s']:,.0f} | {r['added'] / r['add']['cpu_s']:,.0f} | "
            f"{r['query']['p50_ms']:.1f} | {r['query']['p90_ms']:.1f} | "
            f"{r['query']['p99_ms']:.1f} | {r['query']['max_ms']:.0f} | "
            f"{r['query']['cpu_p99_ms']:.1f} | "
            f"{r['query']['with_matches']}/{r['query']['queries']} | {r['disk_mb']:.0f} | "
            f"{r['used_mb']:.0f} | {r['text_mb']:.0f} | {r['ratio']:.2f} | "
            f"{r['disk_bytes_per_doc']:,.0f} |"
        )
    added = sum(r["added"] for r in rows)
    cpu = sum(r["add"]["cpu_s"] for r in rows)
    wall = sum(r["add"]["wall_s"] for r in rows)
    lines.append(
        f"| all steps | {added:,} | {wall:.0f} | {added / wall:,.0f} | {added / cpu:,.0f} |"
        " | | | | | | | | | | |"
    )
    last = rows[-1]
    tables = sorted(
        ((k.removeprefix("table:"), v) for k, v in last["query"]["stats"]["size"].items()
         if k.startswith("table:")), key=lambda kv: -kv[1])[:6]  # fmt: skip
    lines += [
        "",
        f"Where the bytes are at {last['size']:,} documents: "
        + ", ".join(f"{name} {size / 2**20:.0f} MB" for name, size in tables)
        + ".",
        "",
        f"Service load test at {last['size']:,} documents (`copytrace serve`, one process; the "
        f"client a second process on loopback, {load['clients']} threads for "
        f"{load['seconds']:.0f} s; 70% queries of a document's text, 20% GET of a document, "
        f"10% /health): **{load['requests_per_s']:.0f} requests/s**, p50 "
        f"{load['p50_ms']:.1f} ms, p99 {load['p99_ms']:.1f} ms, max {load['max_ms']:.0f} ms, "
        f"{load['requests']:,} requests, **{load['failures']} failed**.",
        "",
        "Targets: query p99 < 20 ms at 200k documents; add >= 2,000 documents/s per core; size "
        "<= 2x the text; no failed request under load. At "
        f"{last['size']:,} documents: p99 {last['query']['p99_ms']:.1f} ms "
        f"({_met(last['query']['p99_ms'] < TARGETS['query_p99_ms'])}); add over all steps "
        f"{added / cpu:,.0f} documents per CPU second "
        f"({_met(added / cpu >= TARGETS['add_docs_per_s'])}); size {last['ratio']:.2f}x the text "
        f"({_met(last['ratio'] <= TARGETS['size_ratio'])}); {load['failures']} failed requests "
        f"({_met(load['failures'] == 0)}).",
        "",
        f"Load average of the machine at the end of the run: {os.getloadavg()[0]:.1f} (2 cores "
        "shared with other jobs: wall times and latencies include waiting for a core; CPU "
        "seconds do not).",
        "",
        NOTES,
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run the benchmark (or, with --load-client, the load test's client)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    shared = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
    parser.add_argument("--corpora", type=Path, default=shared)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 200_000])
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=None, help="Directory for the index.")
    parser.add_argument("--write-results", action="store_true")
    parser.add_argument(
        "--query-only",
        type=Path,
        default=None,
        metavar="INDEX",
        help="Only time the queries of the largest size on this existing index (built from the "
        "same corpus), printing the figures: for comparing versions side by side.",
    )
    parser.add_argument("--load-client", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--sample", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_client:
        load_client(args.load_client, args.sample, args.clients, args.duration)
        return
    sizes = sorted(args.sizes)
    docs = corpus(args.corpora, sizes[-1], args.seed)
    if args.query_only:
        found = query_latency(args.query_only, docs, args.queries, args.seed + sizes[-1])
        print(json.dumps({k: v for k, v in found.items() if k != "stats"}))
        return
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-index-"))
    work.mkdir(parents=True, exist_ok=True)
    index = work / "index.db"
    for leftover in work.glob("index.db*"):
        leftover.unlink()
    rows, done = [], 0
    try:
        for size in sizes:
            part = work / f"part-{size}.jsonl"
            write_part(part, docs[done:size])
            add = timed_add(index, part)
            part.unlink()
            found = query_latency(index, docs[:size], args.queries, args.seed + size)
            size_info = found["stats"]["size"]
            disk = size_info["file_bytes"] + size_info["wal_bytes"]
            text_bytes = sum(len(d["text"].encode("utf-8")) for d in docs[:size])
            rows.append({
                "size": size, "added": size - done, "add": add, "query": found,
                "disk_mb": disk / 2**20, "used_mb": size_info["used_bytes"] / 2**20,
                "text_mb": text_bytes / 2**20, "ratio": disk / text_bytes,
                "disk_bytes_per_doc": disk / size,
            })  # fmt: skip
            print(json.dumps({k: v for k, v in rows[-1].items() if k != "query"} |
                             {"query": {k: v for k, v in found.items() if k != "stats"}}),
                  file=sys.stderr)  # fmt: skip
            done = size
        rng = random.Random(args.seed)
        picks = [docs[rng.randrange(len(docs))] for _ in range(500)]
        load = load_test(index, [p["id"] for p in picks], [p["text"][:20000] for p in picks],
                         args.clients, args.duration)  # fmt: skip
        print(json.dumps(load), file=sys.stderr)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    command = "python bench/bench_index.py" + (" --write-results" if args.write_results else "")
    text = section(command, rows, load)
    print(text)
    if args.write_results:
        upsert_section(HEADING, text)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
    main()
