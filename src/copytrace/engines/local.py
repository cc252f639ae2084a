"""The local engine: the whole pipeline on one machine, all cores, bounded memory.

Documents stream through sketching in batches; only sketches and a few facts per document stay in
memory (in columns, engines/corpus.py), texts go to a temporary store for verification. Matches
go to a sink as they are verified (a list, or matches.jsonl itself), and clustering keeps only
compact edges. Every record read is accounted for: scanned, empty, or skipped with its reason.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache, partial
from typing import Any, Protocol

import numba
import numpy as np

from copytrace import __version__
from copytrace.cluster import UnionFind, choose_source
from copytrace.engines.corpus import Corpus, CorpusSketches, OnError, host_of
from copytrace.engines.kernels import ensure_kernels
from copytrace.engines.memory import release_free_memory
from copytrace.engines.store import TextStore
from copytrace.engines.verifying import Found, verify_in_chunks
from copytrace.engines.views import (
    RELATION_CODE,
    ClusterArrays,
    ClusterList,
    Dropped,
    DroppedList,
)
from copytrace.errors import InputError
from copytrace.io.base import BadRecord, Item, Origin
from copytrace.lsh import (
    CorpusStats,
    FingerprintFrequency,
    candidate_pairs,
    filter_by_estimate,
    passage_candidates,
)
from copytrace.model import LINKED, SOURCE, Cluster, Document, Match, Relation, Settings, Span
from copytrace.sketch import shingle_text
from copytrace.verify import (
    ShingleSet,
    load_kernels,
    orient,
    shingle_set,
    verify_pair,
)

__all__ = [
    "WHOLE_DOCUMENT",
    "CorpusSketches",
    "Dropped",
    "MatchSink",
    "OnError",
    "Report",
    "ScanResult",
    "documents_as_items",
    "host_of",
    "scan_items",
    "set_jobs",
]

#: Relations that make two documents the same document for clustering and dedup; passages and
#: rewrites are reported as matches but never merge clusters.
WHOLE_DOCUMENT = frozenset({Relation.EXACT, Relation.NEAR_DUPLICATE, Relation.CONTAINED})

#: Called as report(stage, done, total) while work goes on; total is None when unknown.
Report = Callable[[str, int, int | None], None]

#: Pairs inside a cluster at least this large are not verified again: every member already has
#: a verified path to the others, and checking all pairs would make big clusters quadratic.
LARGE_CLUSTER = 16
#: Exact copies turned into matches at a time (bounds the Python ints made at once).
EXACT_CHUNK = 65536
#: Records listed by name in summary.json; beyond this only counted.
LISTED = 1000
_RELATIONS = tuple(Relation)


class MatchSink(Protocol):
    """Where verified matches go, in order: a list, or a MatchFile writing matches.jsonl."""

    def append(self, match: Match, /) -> None:
        """Take one match."""


@dataclass
class ScanResult:
    """What a scan found: verified matches, clusters, an accounting summary, and dedup choices."""

    matches: Sequence[Match]
    clusters: Sequence[Cluster]
    summary: dict[str, Any]
    dropped: Sequence[Dropped] = field(default_factory=list)
    skipped: list[BadRecord] = field(default_factory=list)


def jobs_used_for(jobs: int | None) -> int:
    """The number of cores `set_jobs(jobs)` uses, without starting numba's threads."""
    limit = numba.config.NUMBA_NUM_THREADS  # type: ignore[attr-defined]
    return limit if jobs is None or jobs <= 0 else min(jobs, limit)


def set_jobs(jobs: int | None) -> int:
    """Use `jobs` threads in the compiled kernels (default: all cores); returns the number used."""
    limit = numba.config.NUMBA_NUM_THREADS  # type: ignore[attr-defined]
    n = limit if jobs is None or jobs <= 0 else min(jobs, limit)
    numba.set_num_threads(n)
    return n


def documents_as_items(documents: Iterable[Document | tuple[str, str]]) -> Iterator[Item]:
    """Wrap in-memory documents (or (id, text) pairs) as reader items."""
    for number, doc in enumerate(documents, start=1):
        if not isinstance(doc, Document):
            doc_id, text = doc
            doc = Document(str(doc_id), text)
        yield Origin(0, "documents", "document", number), doc


def scan_items(
    items: Iterable[Item],
    settings: Settings | None = None,
    *,
    jobs: int | None = None,
    on_error: OnError = "fail",
    tmp_dir: str | None = None,
    report: Report | None = None,
    input_names: list[str] | None = None,
    on_finish: Callable[[ScanResult, Callable[[str], str]], None] | None = None,
    matches: MatchSink | None = None,
) -> ScanResult:
    """Run the pipeline over reader items and return matches, clusters and the summary.

    Verified matches are appended to `matches` as they are found (default: a new list), which
    becomes `result.matches`. `on_finish(result, text_of)` is called while the texts are still
    at hand, for writers (such as the HTML report) that show documents; `text_of(id)` returns a
    document's text.
    """
    settings = settings or Settings()
    if on_error not in ("fail", "skip"):
        raise InputError(f"on_error must be 'fail' or 'skip'; got {on_error!r}.")
    sink: MatchSink = [] if matches is None else matches
    # A first run compiles the kernels on all cores, visibly; before numba starts its threads,
    # as worker processes cannot be forked safely after.
    ensure_kernels(jobs_used_for(jobs), report)
    jobs_used = set_jobs(jobs)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    with TextStore(tmp_dir) as store:
        corpus = Corpus(settings, store, on_error)
        for origin, record in items:
            corpus.add(origin, record)
            if report is not None and corpus.records % 1000 == 0:
                report("read", corpus.records, None)
        if report is not None:  # the counter ends at the number of records read
            report("read", corpus.records, corpus.records)
        corpus.flush()
        release_free_memory()  # each stage starts without the last one's garbage
        timings["read"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        sketches = corpus.sketches()
        release_free_memory()
        timings["sketch"] = time.perf_counter() - t1
        if corpus.records == 0:
            where = ", ".join(input_names) if input_names else "the input"
            raise InputError(f"{where}: no documents (the input is empty).")
        result = _find_and_group(corpus, sketches, settings, timings, jobs_used, report, sink)
        if on_finish is not None:

            def text_of(doc_id: str) -> str:
                """The text of the document with this id, read back from the store."""
                index = corpus.docs.find(doc_id)
                if index is None:
                    raise KeyError(doc_id)
                return store.get(index)

            on_finish(result, text_of)
        return result


@dataclass
class _Verified:
    """What verification found: match counts, whole-document edges and containment counts.

    Matches themselves go to the sink; exact copies are joined in `joined` only, verified
    whole-document edges are also kept as (first, second, relation code) for clustering.
    """

    sink: MatchSink
    joined: UnionFind
    contains: np.ndarray
    by_relation: dict[str, int] = field(default_factory=lambda: {r.value: 0 for r in Relation})
    first: array[int] = field(default_factory=lambda: array("i"))
    second: array[int] = field(default_factory=lambda: array("i"))
    relation: array[int] = field(default_factory=lambda: array("b"))
    skipped_as_joined: int = 0

    def add(self, match: Match) -> None:
        """Send a match to the sink and count it."""
        self.sink.append(match)
        self.by_relation[match.relation.value] += 1


def _exact_copies(
    corpus: Corpus, sketches: CorpusSketches, found: _Verified, settings: Settings
) -> None:
    """Matches and edges for documents whose normalized text equals an earlier one's."""
    docs, span, rep = corpus.docs, sketches.text_span, sketches.rep
    n = len(docs)
    members = np.flatnonzero((sketches.n_tokens > 0) & (rep != np.arange(n)))
    found.joined.union_edges(members, rep[members])
    for start in range(0, members.shape[0], EXACT_CHUNK):
        for x in members[start : start + EXACT_CHUNK].tolist():
            r = int(rep[x])
            where = Span(int(span[x, 0]), int(span[x, 1]), int(span[r, 0]), int(span[r, 1]), 1.0)
            copy = Match(docs.id(x), docs.id(r), Relation.EXACT, 1.0, 1.0, 1.0, (where,), 1.0, 1.0)
            found.add(orient(copy, docs.date(x), docs.date(r), settings))


def _verify(
    pairs: np.ndarray,
    found: _Verified,
    corpus: Corpus,
    sets: Callable[[int], ShingleSet],
    settings: Settings,
    stats: CorpusStats,
    report: Report | None,
    jobs: int,
) -> None:
    """Verify and align every candidate pair (on `jobs` processes), adding to `found`."""
    docs = corpus.docs

    def check(chunk: np.ndarray) -> list[Found]:
        out = []
        for i, j in chunk.tolist():
            match = verify_pair(docs.id(i), sets(i), docs.id(j), sets(j), settings, stats)
            if match is not None:
                out.append((i, j, orient(match, docs.date(i), docs.date(j), settings)))
        return out

    def take(chunk_found: list[Found]) -> None:
        for i, j, match in chunk_found:
            found.add(match)
            if match.relation not in WHOLE_DOCUMENT:
                continue
            found.joined.union(i, j)
            found.first.append(i)
            found.second.append(j)
            found.relation.append(_RELATIONS.index(match.relation))
            if match.relation is Relation.CONTAINED:
                if match.containment_a_in_b >= settings.containment:
                    found.contains[j] += 1
                if match.containment_b_in_a >= settings.containment:
                    found.contains[i] += 1

    total = int(pairs.shape[0])
    progress = None if report is None else (lambda done: report("verify", done, total))
    # Pairs inside a cluster of LARGE_CLUSTER are not checked: every member already has a
    # verified path to the others, and checking all pairs of a story printed a thousand times
    # would cost quadratic time and change no cluster.
    found.skipped_as_joined += verify_in_chunks(
        pairs,
        check,
        take,
        found.joined,
        LARGE_CLUSTER,
        jobs,
        partial(load_kernels, settings),
        progress,
    )


class _EdgeRelations:
    """The relation of each verified whole-document edge, looked up by its two documents."""

    def __init__(self, found: _Verified, n: int) -> None:
        first = np.frombuffer(found.first, dtype=np.int32).astype(np.int64)
        second = np.frombuffer(found.second, dtype=np.int32).astype(np.int64)
        codes = np.minimum(first, second) * n + np.maximum(first, second)
        order = np.argsort(codes, kind="stable")
        self.n = n
        self.codes = codes[order]
        self.relations = np.frombuffer(found.relation, dtype=np.int8)[order]

    def get(self, a: int, b: int) -> Relation | None:
        """The relation verified between a and b, or None."""
        code = min(a, b) * self.n + max(a, b)
        k = int(np.searchsorted(self.codes, code))
        if k < self.codes.shape[0] and self.codes[k] == code:
            return _RELATIONS[int(self.relations[k])]
        return None


def _group(
    found: _Verified,
    corpus: Corpus,
    sketches: CorpusSketches,
    sets: Callable[[int], ShingleSet],
    settings: Settings,
) -> ClusterArrays:
    """Clusters over the whole-document edges, their sources and each member's relation."""
    docs, rep = corpus.docs, sketches.rep
    members, offsets = found.joined.groups()
    known = _EdgeRelations(found, len(docs))
    dates, lengths, counts = docs.dates, sketches.n_tokens, found.contains

    def relation_to(x: int, s: int) -> str:
        rx, rs = int(rep[x]), int(rep[s])
        if rx == rs:
            return Relation.EXACT.value
        relation = known.get(rx, rs)
        if relation is not None:
            return relation.value
        match = verify_pair(docs.id(rx), sets(rx), docs.id(rs), sets(rs), settings)
        if match is None or match.relation not in WHOLE_DOCUMENT:
            return LINKED
        return match.relation.value

    sources = np.empty(offsets.shape[0] - 1, dtype=np.int32)
    reasons = np.empty(offsets.shape[0] - 1, dtype=np.int8)
    reason_names: list[str] = []
    relations = np.empty(members.shape[0], dtype=np.int8)
    for k in range(sources.shape[0]):
        lo, hi = int(offsets[k]), int(offsets[k + 1])
        group = members[lo:hi].tolist()
        choice = choose_source(group, dates, lengths, counts)  # type: ignore[arg-type]
        if choice.reason not in reason_names:
            reason_names.append(choice.reason)
        sources[k] = choice.index
        reasons[k] = reason_names.index(choice.reason)
        for p, x in enumerate(group, start=lo):
            name = SOURCE if x == choice.index else relation_to(x, choice.index)
            relations[p] = RELATION_CODE[name]
    return ClusterArrays(members, offsets, sources, reasons, tuple(reason_names), relations)


def _find_and_group(
    corpus: Corpus,
    sketches: CorpusSketches,
    settings: Settings,
    timings: dict[str, float],
    jobs_used: int,
    report: Report | None,
    sink: MatchSink,
) -> ScanResult:
    n = len(corpus.docs)
    t = time.perf_counter()
    found = _Verified(sink, UnionFind(n), np.zeros(n, dtype=np.int32))
    _exact_copies(corpus, sketches, found, settings)
    release_free_memory()
    timings["exact"] = time.perf_counter() - t

    t = time.perf_counter()
    reps = sketches.sig_doc.astype(np.int64)
    cands = candidate_pairs(sketches.signatures, settings)
    band_stats = {
        "bands": cands.bands,
        "rows": cands.rows,
        "pairs_from_bands": int(cands.codes.shape[0]),
        "large_buckets_linked_to_head": cands.large_buckets,
    }
    kept = filter_by_estimate(sketches.signatures, sketches.n_shingles[reps], cands, settings)
    pairs = reps[kept]
    del cands, reps, kept
    sketches.release("signatures")  # the bulk of the sketches: not needed any more
    release_free_memory()
    estimated = int(pairs.shape[0])
    timings["candidates"] = time.perf_counter() - t
    passage_stats: dict[str, int] = {}
    frequency = FingerprintFrequency.empty()
    if settings.passages:
        t = time.perf_counter()
        threads = np.frombuffer(corpus.threads, dtype=np.int64)
        groups = np.where(threads != 0, threads, -1 - np.arange(n, dtype=np.int64))
        pairs, passage_stats, frequency = _add_passage_candidates(
            pairs, sketches, n, settings, groups
        )
        release_free_memory()
        timings["passage_candidates"] = time.perf_counter() - t

    @lru_cache(maxsize=512)
    def sets(i: int) -> ShingleSet:
        text = corpus.sketch_text(i)
        return shingle_set(shingle_text(text, settings), tuple(sketches.exact[i].tolist()))

    t = time.perf_counter()
    stats = CorpusStats(frequency, int(np.count_nonzero(sketches.n_tokens)))
    _verify(pairs, found, corpus, sets, settings, stats, report, jobs_used)
    del pairs
    release_free_memory()
    timings["verify"] = time.perf_counter() - t

    t = time.perf_counter()
    clusters = _group(found, corpus, sketches, sets, settings)
    timings["cluster"] = time.perf_counter() - t
    timings["total"] = sum(timings.values())

    summary = _summary(
        corpus,
        sketches.n_tokens > 0,
        found.by_relation,
        clusters,
        band_stats | {"pairs_verified_exactly": estimated},
        settings,
        timings,
        jobs_used,
    )
    summary["passages"] = passage_stats
    summary["boilerplate"] = {
        "enabled": not settings.keep_boilerplate,
        "lines_marked": corpus.boilerplate.n_marked,
        **asdict(corpus.chrome),
        "fingerprints_ignored_as_common": passage_stats.get("fingerprints_ignored_as_common", 0),
    }
    summary["candidates"]["pairs_skipped_already_joined"] = found.skipped_as_joined
    return ScanResult(
        sink,  # type: ignore[arg-type]
        ClusterList(clusters, corpus.docs),
        summary,
        DroppedList(clusters, corpus.docs),
        corpus.skipped,
    )


def _add_passage_candidates(
    pairs: np.ndarray, sketches: CorpusSketches, n: int, settings: Settings, groups: np.ndarray
) -> tuple[np.ndarray, dict[str, int], FingerprintFrequency]:
    """Union of the signature candidates with pairs sharing passage fingerprints, and the
    document frequency of the shared fingerprints (a thread of posts counting once)."""
    n_fingerprints = int(sketches.fp_hash.shape[0])
    fp_hash, fp_doc = sketches.fp_hash, sketches.fp_doc()
    sketches.release("fp_hash", "fp_count", "sig_doc")
    found = passage_candidates(fp_hash, fp_doc, n, settings, groups)  # sorts them in place
    del fp_hash, fp_doc
    size = np.uint64(max(n, 1))
    codes = np.concatenate(
        [
            pairs[:, 0].astype(np.uint64) * size + pairs[:, 1].astype(np.uint64),
            found.pairs[:, 0].astype(np.uint64) * size + found.pairs[:, 1].astype(np.uint64),
        ]
    )
    codes = np.unique(codes)
    merged = np.empty((codes.shape[0], 2), dtype=np.int64)
    merged[:, 0] = (codes // size).astype(np.int64)
    merged[:, 1] = (codes % size).astype(np.int64)
    stats = {
        "fingerprints": n_fingerprints,
        "fingerprints_ignored_as_common": found.ignored_fingerprints,
        "postings_ignored_as_common": found.ignored_postings,
        "pairs_from_fingerprints": int(found.pairs.shape[0]),
        "pairs_verified_in_all": int(merged.shape[0]),
        "fingerprints_shared": int(found.frequency.hashes.shape[0]),
    }
    return merged, stats, found.frequency


def _summary(
    corpus: Corpus,
    nonempty: np.ndarray,
    by_relation: dict[str, int],
    clusters: ClusterArrays,
    candidates: dict[str, int],
    settings: Settings,
    timings: dict[str, float],
    jobs_used: int,
) -> dict[str, Any]:
    empty_idx = np.flatnonzero(~nonempty).tolist()
    sizes = clusters.sizes
    n_clusters = int(sizes.shape[0])
    in_clusters = int(sizes.sum())
    n_docs = len(corpus.docs)
    return {
        "copytrace_version": __version__,
        "records": {
            "read": corpus.records,
            "documents": n_docs,
            "skipped": len(corpus.skipped),
        },
        "documents": {
            "scanned": int(nonempty.sum()),
            "empty": len(empty_idx),
            "in_clusters": in_clusters,
            "kept_by_dedup": n_docs - (in_clusters - n_clusters),
            "dropped_by_dedup": in_clusters - n_clusters,
        },
        "matches": dict(by_relation),
        "clusters": n_clusters,
        "largest_cluster": int(sizes.max()) if n_clusters else 0,
        "candidates": {
            "bands": candidates["bands"],
            "rows": candidates["rows"],
            "pairs_from_bands": candidates["pairs_from_bands"],
            "pairs_verified_exactly": candidates["pairs_verified_exactly"],
            "large_buckets_linked_to_head": candidates["large_buckets_linked_to_head"],
        },
        "skipped_records": [
            {"where": str(b.origin), "reason": b.reason} for b in corpus.skipped[:LISTED]
        ],
        "empty_documents": [
            {"id": corpus.docs.id(i), "where": str(corpus.docs.origin(i))}
            for i in empty_idx[:LISTED]
        ],
        "settings": settings.to_dict(),
        "jobs": jobs_used,
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
    }
