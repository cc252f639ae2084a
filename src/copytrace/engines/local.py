"""The local engine: the whole pipeline on one machine, all cores, bounded memory.

Documents stream through sketching in batches; only sketches and a few facts per document stay in
memory, texts go to a temporary store for verification. Every record read is accounted for:
scanned, empty, or skipped with its reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import numba
import numpy as np

from copytrace import __version__
from copytrace.cluster import choose_source, connected_components, groups_of
from copytrace.engines.store import TextStore
from copytrace.errors import InputError
from copytrace.io.base import BadRecord, Item, Origin
from copytrace.io.dates import parse_date
from copytrace.lsh import candidate_pairs, estimated_jaccard, pair_floor
from copytrace.model import (
    LINKED,
    SOURCE,
    Cluster,
    Document,
    Match,
    Member,
    Relation,
    Settings,
    Span,
)
from copytrace.sketch import Sketches, shingle_text, sketch_batch
from copytrace.verify import ShingleSet, shingle_set, verify_pair

SKETCH_FIELDS = ("exact", "signatures", "n_tokens", "n_shingles", "text_span")

OnError = Literal["fail", "skip"]
#: Called as report(stage, done, total) while work goes on; total is None when unknown.
Report = Callable[[str, int, int | None], None]

BATCH_DOCS = 4096
BATCH_BYTES = 64 << 20
#: Records listed by name in summary.json; beyond this only counted.
LISTED = 1000


@dataclass(frozen=True, slots=True)
class Dropped:
    """A document that `dedup` leaves out, and the one it duplicates."""

    id: str
    origin: Origin
    duplicate_of: str
    relation: str


@dataclass
class ScanResult:
    """What a scan found: verified matches, clusters, an accounting summary, and dedup choices."""

    matches: list[Match]
    clusters: list[Cluster]
    summary: dict[str, Any]
    dropped: list[Dropped] = field(default_factory=list)
    skipped: list[BadRecord] = field(default_factory=list)


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


class _Corpus:
    """Facts kept per document while streaming: ids, origins, dates, sketches."""

    def __init__(self, settings: Settings, store: TextStore, on_error: OnError) -> None:
        self.settings = settings
        self.store = store
        self.on_error = on_error
        self.ids: list[str] = []
        self.origins: list[Origin] = []
        self.dates: list[str | None] = []
        self.first_seen: dict[str, int] = {}
        self.skipped: list[BadRecord] = []
        self.records = 0
        self._pending: list[str] = []
        self._pending_bytes = 0
        self._parts: list[Any] = []

    def skip(self, bad: BadRecord) -> None:
        if self.on_error == "fail":
            raise InputError(f"{bad.message()} (--on-error skip skips bad records.)")
        self.skipped.append(bad)

    def add(self, origin: Origin, record: Document | BadRecord) -> None:
        self.records += 1
        if isinstance(record, BadRecord):
            self.skip(record)
            return
        first = self.first_seen.get(record.id)
        if first is not None:
            where = self.origins[first]
            self.skip(BadRecord(origin, f'duplicate id "{record.id}" (first at {where}).'))
            return
        self.first_seen[record.id] = len(self.ids)
        self.ids.append(record.id)
        self.origins.append(origin)
        self.dates.append(parse_date(record.meta.get("date")))
        self.store.add(record.text)
        self._pending.append(record.text)
        self._pending_bytes += len(record.text)
        if len(self._pending) >= BATCH_DOCS or self._pending_bytes >= BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self._parts.append(sketch_batch(self._pending, self.settings))
            self._pending = []
            self._pending_bytes = 0

    def sketches(self) -> Sketches:
        """Sketches of all documents, in input order."""
        self.flush()
        if not self._parts:
            return sketch_batch([], self.settings)
        parts = self._parts
        return Sketches(*(np.concatenate([getattr(p, f) for p in parts]) for f in SKETCH_FIELDS))


def _exact_representatives(exact: np.ndarray, nonempty: np.ndarray) -> np.ndarray:
    """For each document, the first document with the same exact hash (itself if none)."""
    rep = np.arange(exact.shape[0], dtype=np.int64)
    idx = np.flatnonzero(nonempty)
    if idx.shape[0] == 0:
        return rep
    order = idx[np.lexsort((exact[idx, 1], exact[idx, 0]))]  # stable: input order within a key
    keys = exact[order]
    new_run = np.ones(order.shape[0], dtype=bool)
    new_run[1:] = np.any(keys[1:] != keys[:-1], axis=1)
    run_id = np.cumsum(new_run) - 1
    heads = order[new_run]
    rep[order] = heads[run_id]
    return rep


def scan_items(
    items: Iterable[Item],
    settings: Settings | None = None,
    *,
    jobs: int | None = None,
    on_error: OnError = "fail",
    tmp_dir: str | None = None,
    report: Report | None = None,
    input_names: list[str] | None = None,
) -> ScanResult:
    """Run the pipeline over reader items and return matches, clusters and the summary."""
    settings = settings or Settings()
    if on_error not in ("fail", "skip"):
        raise InputError(f"on_error must be 'fail' or 'skip'; got {on_error!r}.")
    jobs_used = set_jobs(jobs)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    with TextStore(tmp_dir) as store:
        corpus = _Corpus(settings, store, on_error)
        for origin, record in items:
            corpus.add(origin, record)
            if report is not None and corpus.records % 1000 == 0:
                report("sketch", corpus.records, None)
        sketches = corpus.sketches()
        timings["read_and_sketch"] = time.perf_counter() - t0
        if corpus.records == 0:
            where = ", ".join(input_names) if input_names else "the input"
            raise InputError(f"{where}: no documents (the input is empty).")
        return _find_and_group(corpus, sketches, settings, timings, jobs_used, report)


def _find_and_group(
    corpus: _Corpus,
    sketches: Sketches,
    settings: Settings,
    timings: dict[str, float],
    jobs_used: int,
    report: Report | None,
) -> ScanResult:
    t = time.perf_counter()
    ids = corpus.ids
    n = len(ids)
    exact, signatures, text_span = sketches.exact, sketches.signatures, sketches.text_span
    n_tokens, n_shingles = sketches.n_tokens, sketches.n_shingles
    nonempty = n_tokens > 0
    rep = _exact_representatives(exact, nonempty)
    exact_members = np.flatnonzero(nonempty & (rep != np.arange(n)))
    matches: list[Match] = []
    for x in exact_members.tolist():
        r = int(rep[x])
        span = Span(
            int(text_span[x, 0]),
            int(text_span[x, 1]),
            int(text_span[r, 0]),
            int(text_span[r, 1]),
            1.0,
        )
        matches.append(Match(ids[x], ids[r], Relation.EXACT, 1.0, 1.0, 1.0, (span,)))
    timings["exact"] = time.perf_counter() - t

    t = time.perf_counter()
    reps = np.flatnonzero(nonempty & (rep == np.arange(n)))
    cands = candidate_pairs(signatures[reps], settings)
    estimates = estimated_jaccard(signatures[reps], cands.pairs)
    keep = estimates >= pair_floor(n_shingles[reps], cands.pairs, settings)
    pairs = reps[cands.pairs[keep]] if keep.any() else np.empty((0, 2), dtype=np.int64)
    timings["candidates"] = time.perf_counter() - t

    t = time.perf_counter()

    @lru_cache(maxsize=4096)
    def sets(i: int) -> ShingleSet:
        return shingle_set(shingle_text(corpus.store.get(i), settings), tuple(exact[i].tolist()))

    edge_relation: dict[tuple[int, int], Relation] = {}
    contains = np.zeros(n, dtype=np.int64)
    edges: list[tuple[int, int]] = [(int(x), int(rep[x])) for x in exact_members]
    for k, (i, j) in enumerate(pairs.tolist()):
        if report is not None and k % 1000 == 0:
            report("verify", k, int(pairs.shape[0]))
        match = verify_pair(ids[i], sets(i), ids[j], sets(j), settings)
        if match is None:
            continue
        matches.append(match)
        edges.append((i, j))
        edge_relation[(i, j)] = match.relation
        if match.relation is Relation.CONTAINED:
            if match.containment_a_in_b >= settings.containment:
                contains[j] += 1
            if match.containment_b_in_a >= settings.containment:
                contains[i] += 1
    timings["verify"] = time.perf_counter() - t

    t = time.perf_counter()
    edge_array = np.array(edges, dtype=np.int64).reshape(-1, 2)
    labels = connected_components(n, edge_array)
    clusters: list[Cluster] = []
    dropped: list[Dropped] = []
    lengths = n_tokens.tolist()
    counts = contains.tolist()

    def relation_to(x: int, s: int) -> str:
        rx, rs = int(rep[x]), int(rep[s])
        if rx == rs:
            return Relation.EXACT.value
        known = edge_relation.get((min(rx, rs), max(rx, rs)))
        if known is not None:
            return known.value
        match = verify_pair(ids[rx], sets(rx), ids[rs], sets(rs), settings)
        return match.relation.value if match is not None else LINKED

    for number, group in enumerate(groups_of(labels)):
        members = group.tolist()
        choice = choose_source(members, corpus.dates, lengths, counts)
        src = choice.index
        listed = []
        for x in members:
            relation = SOURCE if x == src else relation_to(x, src)
            listed.append(Member(ids[x], relation))
            if x != src:
                dropped.append(Dropped(ids[x], corpus.origins[x], ids[src], relation))
        clusters.append(Cluster(number, ids[src], tuple(listed), choice.reason))
    timings["cluster"] = time.perf_counter() - t
    timings["total"] = sum(timings.values())

    summary = _summary(
        corpus, nonempty, matches, clusters, cands, int(keep.sum()), settings, timings, jobs_used
    )
    return ScanResult(matches, clusters, summary, dropped, corpus.skipped)


def _summary(
    corpus: _Corpus,
    nonempty: np.ndarray,
    matches: list[Match],
    clusters: list[Cluster],
    cands: Any,
    estimated: int,
    settings: Settings,
    timings: dict[str, float],
    jobs_used: int,
) -> dict[str, Any]:
    by_relation = {r.value: 0 for r in Relation}
    for m in matches:
        by_relation[m.relation.value] += 1
    empty_idx = np.flatnonzero(~nonempty).tolist()
    in_clusters = sum(len(c.members) for c in clusters)
    n_docs = len(corpus.ids)
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
            "kept_by_dedup": n_docs - (in_clusters - len(clusters)),
            "dropped_by_dedup": in_clusters - len(clusters),
        },
        "matches": by_relation,
        "clusters": len(clusters),
        "largest_cluster": max((len(c.members) for c in clusters), default=0),
        "candidates": {
            "bands": cands.bands,
            "rows": cands.rows,
            "pairs_from_bands": int(cands.pairs.shape[0]),
            "pairs_verified_exactly": estimated,
            "large_buckets_linked_to_head": cands.large_buckets,
        },
        "skipped_records": [
            {"where": str(b.origin), "reason": b.reason} for b in corpus.skipped[:LISTED]
        ],
        "empty_documents": [
            {"id": corpus.ids[i], "where": str(corpus.origins[i])} for i in empty_idx[:LISTED]
        ],
        "settings": settings.to_dict(),
        "jobs": jobs_used,
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
    }
