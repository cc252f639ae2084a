"""The compiled kernels on a first run: compiled once per install, on all cores, visibly.

copytrace's kernels are numba functions cached on disk (`cache=True`): later runs load them in
well under a second, but the first run after an install compiles them, about 30 s of one core.
When the cache is cold, `ensure_kernels` compiles them in groups in worker processes, several at
a time, reporting each finished group; numba writes each kernel's machine code to its cache,
from which this process then loads it. A group whose kernels call another group's starts when
that group is cached, and then only compiles its own code.

Whether the cache is warm is told by a stamp file next to numba's cache files, written when every
group compiled. It names what the cached code depends on (the kernel modules' sources, numba,
Python and the CPU); removing the cache removes it too. Without a stamp nothing is lost but time:
a kernel missing from the cache is compiled where it is first called, as numba always does.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from copytrace.engines.local.verifying import can_fork

#: Progress callback: report("compile", groups done, groups in all).
Report = Callable[[str, int, int | None], None]

#: Modules whose numba kernels are cached; a change to any of them makes the stamp stale.
KERNEL_MODULES = (
    "copytrace.text",
    "copytrace.hashsort",
    "copytrace.lines",
    "copytrace.sketch",
    "copytrace.lsh",
    "copytrace.verify",
    "copytrace.align",
    "copytrace.align.boxes",
    "copytrace.align.token",
    "copytrace.align.sentence",
    "copytrace.align.merge",
    "copytrace.align.pieces",
    "copytrace.cluster",
    "copytrace.boilerplate",
    "copytrace.engines.local.tables",
    "copytrace.sentence_sketch",
    "copytrace.index.blocks",
    "copytrace.index.linekeys",
)
STAMP_NAME = "copytrace-kernels.stamp"

#: True while this process compiles kernel groups (the warm-up scan must not start it again).
_compiling = False


def _words(seed: int, n: int) -> str:
    """`n` made-up words, distinct for every seed (no two texts share a shingle)."""
    return " ".join(f"w{seed}x{k}" for k in range(n))


def _warm_up_documents() -> list[Any]:
    """Made-up pages sharing a chrome line, one exact copy and one empty text."""
    from copytrace.model import Document

    chrome = "Home | World | Sports | Contact us\nAll rights reserved by the example site."
    docs = []
    for k in range(8):
        text = f"{_words(k, 30)}. {_words(k + 100, 25)}.\n{chrome}"
        meta = {"url": f"https://example.com/{k}", "date": f"2024-01-0{k + 1}"}
        docs.append(Document(f"d{k}", text, meta))
    docs.append(Document("copy", docs[0].text, {"url": "https://example.com/copy"}))
    docs.append(Document("empty", "", {}))
    return docs


def _related_documents() -> list[Any]:
    """The warm-up documents with an edited copy and a quote of one: pairs to verify."""
    from copytrace.model import Document

    docs = _warm_up_documents()
    edited = docs[0].text.replace("w0x3 ", "changed ").replace("w0x20 ", "other ")
    quote = f"{_words(300, 40)}. {docs[1].text[:400]} {_words(301, 40)}."
    docs.append(Document("edited", edited, {"url": "https://example.org/edited"}))
    docs.append(Document("quote", quote, {"url": "https://example.net/quote"}))
    return docs


def _scan_warm_up(reworded: bool = False, related: bool = False) -> None:
    """A tiny scan of the warm-up documents; with `related`, pairs to verify and cluster."""
    from copytrace.engines.local.run import LocalRun
    from copytrace.io.base import Origin
    from copytrace.model import Settings
    from copytrace.pipeline import RunOptions

    docs = _related_documents() if related else _warm_up_documents()
    items = [(Origin(0, "warm-up", "document", i), d) for i, d in enumerate(docs, 1)]
    settings = Settings(reworded_candidates=reworded)
    with LocalRun(settings=settings, options=RunOptions(jobs=1)) as run:
        run.run(items)
        run.text_of("d1")


def _compile_scan() -> None:
    """Reading, sketching, candidates and clusters."""
    _scan_warm_up()


def _compile_pairs() -> None:
    """Candidate pairs, their verification and clusters, in a scan (its parts come cached)."""
    _scan_warm_up(related=True)


def _compile_reworded() -> None:
    """The reworded-candidate path (on by default): sentence keys and their pairs."""
    _scan_warm_up(reworded=True)


def _compile_index(query: bool) -> None:
    """The index's posting blocks and line keys: a made-up index added to and removed from;
    with `query`, queried too (which verifies, as a scan does)."""
    import tempfile

    from copytrace.index import Index

    docs = _warm_up_documents()
    with tempfile.TemporaryDirectory() as tmp, Index(Path(tmp) / "warm-up.db") as index:
        index.add(docs)
        index.remove(["d2"])
        if query:
            index.query(docs[1].text)
            index.query(_related_documents()[-1].text)


def _compile_text() -> None:
    """Tokenizing with offsets, shingles and exact scores, as verification prepares a text."""
    from copytrace.model import Settings
    from copytrace.sketch import shingle_text
    from copytrace.verify import scores, shingle_set

    settings = Settings()
    text = " ".join(f"Sentence {k} has words w{k}a w{k}b w{k}c w{k}d." for k in range(12))
    one = shingle_set(shingle_text(text, settings), (0, 0))
    scores(one, one)
    if one.shingled.shapes.shape != one.shingled.sentences.shape:  # both made on first use
        raise RuntimeError("sentence numbers and token shapes disagree")


def _tokens(n: int, seed: int) -> Any:
    """Made-up token hashes (the aligners' input type) with repeats, as in real text."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return rng.integers(0, 40, size=n).astype(np.uint64)


def _compile_token_aligner() -> None:
    """The token aligner and its seed index, on made-up token hashes."""
    from copytrace.align import align_tokens
    from copytrace.model import Settings

    tokens = _tokens(200, 1)
    align_tokens(tokens, tokens.copy(), Settings(), 10)


def _compile_sentence_aligner() -> None:
    """The sentence aligner and its indexes, on made-up token hashes in sentences of 10."""
    import numpy as np

    from copytrace.align.sentence import sentence_index, sentence_passages

    a, b = _tokens(200, 2), _tokens(200, 3)
    sentence = np.arange(200) // 10
    ia, ib = sentence_index(a, sentence), sentence_index(b, sentence)
    sentence_passages(ia, ib, a, b, 5)


def _compile_merge() -> None:
    """The merge of the two aligners' passages."""
    import numpy as np

    from copytrace.align.merge import Passage, merge_passages

    tokens = np.arange(40, dtype=np.uint64)
    passages = [Passage(0, 20, 0, 20, 10, 1.0), Passage(10, 30, 10, 30, 10, 0.9)]
    merge_passages(passages, tokens, tokens.copy())


def _compile_pieces() -> None:
    """The cutting and judging of passages into pieces, on made-up token hashes."""
    import numpy as np

    from copytrace.align.pieces import refine_boxes
    from copytrace.model import Settings

    settings = Settings()
    a, b = _tokens(200, 4), _tokens(200, 5)
    shapes = np.zeros(200, dtype=np.uint8)
    boxes = np.array([[0, 120, 0, 120, 60], [130, 200, 130, 200, 30]], dtype=np.int64)
    frequent = np.unique(a)
    df = np.full(frequent.shape[0], 2, dtype=np.int32)
    refine_boxes(
        boxes, a, b, shapes, shapes.copy(), a.copy(), 1, np.unique(b), frequent, df,
        settings.boilerplate_min_docs, settings.rewrite_similarity,
        settings.rewrite_min_tokens, settings.passage_min_tokens, True,
    )  # fmt: skip


def _compile_verification() -> None:
    """Verification as a whole: both aligners in one compiled call (its parts come cached)."""
    from copytrace.model import Settings
    from copytrace.verify import load_kernels

    load_kernels(Settings())


#: Groups of kernels, by name: (what compiles them, groups that must be cached first), in the
#: order to start them (longest first).
GROUPS: dict[str, tuple[Callable[[], None], tuple[str, ...]]] = {
    "scan": (_compile_scan, ()),
    "token aligner": (_compile_token_aligner, ()),
    "pieces": (_compile_pieces, ()),
    "sentence aligner": (_compile_sentence_aligner, ()),
    "merge": (_compile_merge, ()),
    "text": (_compile_text, ()),
    "verification": (
        _compile_verification,
        ("text", "token aligner", "pieces", "sentence aligner", "merge"),
    ),
    "pairs": (_compile_pairs, ("scan", "verification")),
    "reworded candidates": (_compile_reworded, ("scan",)),
}

#: Groups compiled ahead of time only (`python -m copytrace.engines.kernels`, run when a wheel
#: is built), not on a first run: only some runs use them, and those compile what they lack.
AHEAD_GROUPS: dict[str, tuple[Callable[[], None], tuple[str, ...]]] = {
    "index": (lambda: _compile_index(query=False), ("scan",)),
    "index query": (lambda: _compile_index(query=True), ("index", "pairs")),
}
ALL_GROUPS = GROUPS | AHEAD_GROUPS


def compile_group(name: str) -> str:
    """Compile one group of kernels (in a worker process); returns its name."""
    global _compiling
    _compiling, before = True, _compiling
    try:
        ALL_GROUPS[name][0]()
    finally:
        _compiling = before
    return name


def _stamp_path() -> Path | None:
    """Where the stamp goes: beside numba's cache of the sketch kernel (None if unknown)."""
    try:
        from copytrace.sketch import _sign_batch

        return Path(_sign_batch._cache._cache_path) / STAMP_NAME  # type: ignore[attr-defined]
    except Exception:  # a numba without this (private) attribute: no stamp, lazy compiling
        return None


def _stamp_key() -> str:
    """What the cached machine code depends on: sources, numba, Python and the CPU."""
    import numba
    from numba.core.registry import cpu_target

    parts: list[Any] = [numba.__version__, sys.version]
    parts.append(repr(cpu_target.target_context.codegen().magic_tuple()))
    by_content = _numba_keys_sources_by_content()
    for name in KERNEL_MODULES:
        source = _source_of(name)
        if by_content:  # an install copies the sources a wheel's build compiled, with new times
            parts.append([name, hashlib.sha256(source.read_bytes()).hexdigest()])
        else:
            stat = source.stat()
            parts.append([name, stat.st_mtime_ns, stat.st_size])
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _source_of(module: str) -> Path:
    """The source file of one of copytrace's modules, found without importing it (a scan
    need not load the index's modules to check their kernels' stamp)."""
    package = Path(__file__).resolve().parents[1]  # copytrace/
    path = package.joinpath(*module.split(".")[1:])
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _numba_keys_sources_by_content() -> bool:
    """Whether numba's cache index keys a source file on its contents (as numba 0.68 does),
    not on its modification time: only then do a wheel's cached kernels outlive an install."""
    try:
        from numba.core import caching

        return hasattr(caching, "_hash_source_file")
    except ImportError:
        return False


def kernels_cached() -> bool:
    """Whether every group of kernels was compiled into the cache for this install and CPU."""
    stamp = _stamp_path()
    if stamp is None:
        return True
    try:
        return stamp.read_text(encoding="ascii").strip() == _stamp_key()
    except OSError:
        return False


def _write_stamp() -> None:
    stamp = _stamp_path()
    if stamp is None:
        return
    try:
        tmp = stamp.with_name(f".{stamp.name}.{os.getpid()}.tmp")
        tmp.write_text(_stamp_key() + "\n", encoding="ascii")
        os.replace(tmp, stamp)
    except OSError:  # a read-only install: numba then caches elsewhere, or not at all
        pass


def ensure_kernels(jobs: int, report: Report | None = None) -> None:
    """Compile every kernel group into the cache if it is not there yet, on up to `jobs`
    processes, telling `report` ("compile", groups done, groups in all) as groups finish."""
    if _compiling or kernels_cached():
        return
    try:
        _compile_groups(list(GROUPS), jobs, report)
    except BrokenProcessPool:  # a worker died (out of memory?): compile where first called
        return
    _write_stamp()


def compile_ahead(jobs: int, report: Report | None = None) -> None:
    """Compile every group, those of a first run and `AHEAD_GROUPS`, into the cache (as a
    wheel's build does), on up to `jobs` processes, and stamp the cache."""
    _compile_groups(list(ALL_GROUPS), jobs, report)
    _write_stamp()


def _compile_groups(names: list[str], jobs: int, report: Report | None) -> None:
    """Compile the named groups: in up to `jobs` worker processes where this process may
    fork, else one after another here; `report` hears of each finished group."""
    if report is not None:
        report("compile", 0, len(names))
    if jobs <= 1 or not can_fork() or _threads_started():
        for done, name in enumerate(names, start=1):
            compile_group(name)
            if report is not None:
                report("compile", done, len(names))
    else:
        _compile_in_workers(names, min(jobs, len(names)), report)


def _threads_started() -> bool:
    """Whether numba's thread pool runs in this process: forking then is unsafe (GNU OpenMP
    kills the child), so a second scan in one process compiles what it lacks in place."""
    try:
        from numba.np.ufunc import parallel

        return bool(parallel._is_initialized)
    except (ImportError, AttributeError):
        return True


def _compile_in_workers(names: list[str], workers: int, report: Report | None) -> None:
    """Compile the groups in `workers` spawned processes, each as soon as what it needs is done."""
    done: set[str] = set()
    waiting = list(names)
    running: set[Future[str]] = set()
    # Forked, not spawned: a spawned worker would run the caller's main script again. The
    # workers only compile; they touch nothing a thread of this process may hold.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        while waiting or running:
            for name in [n for n in waiting if set(ALL_GROUPS[n][1]) <= done]:
                if len(running) >= workers:
                    break
                waiting.remove(name)
                running.add(pool.submit(compile_group, name))
            if not running:  # dependencies that cannot be met: compile the rest here
                for name in waiting:
                    compile_group(name)
                break
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                done.add(future.result())
                if report is not None:
                    report("compile", len(done), len(names))


def main() -> None:
    """`python -m copytrace.engines.kernels [JOBS]`: compile every kernel into numba's cache."""
    import time

    jobs = int(sys.argv[1]) if len(sys.argv) > 1 else (os.cpu_count() or 1)
    start = time.perf_counter()

    def report(_stage: str, done: int, total: int | None) -> None:
        print(f"copytrace: compiled {done} of {total} kernel groups", flush=True)

    compile_ahead(jobs, report)
    print(f"copytrace: kernels compiled in {time.perf_counter() - start:.1f} s", flush=True)


if __name__ == "__main__":
    main()
