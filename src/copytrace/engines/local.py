"""The local engine: the whole pipeline on one machine, all cores, bounded memory.

Documents stream through sketching in batches; only sketches and a few facts per document stay in
memory, texts go to a temporary store for verification. Every record read is accounted for:
scanned, empty, or skipped with its reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import urlsplit

import numba
import numpy as np

from copytrace import __version__
from copytrace.boilerplate import BoilerplateFinder
from copytrace.cluster import choose_source, connected_components, groups_of
from copytrace.engines.store import TextStore
from copytrace.errors import InputError
from copytrace.io.base import BadRecord, Item, Origin
from copytrace.io.dates import parse_date
from copytrace.lsh import candidate_pairs, estimated_jaccard, pair_floor, passage_candidates
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
from copytrace.verify import ShingleSet, orient, shingle_set, verify_pair

#: Relations that make two documents the same document for clustering and dedup; passages and
#: rewrites are reported as matches but never merge clusters.
WHOLE_DOCUMENT = frozenset({Relation.EXACT, Relation.NEAR_DUPLICATE, Relation.CONTAINED})

OnError = Literal["fail", "skip"]
#: Called as report(stage, done, total) while work goes on; total is None when unknown.
Report = Callable[[str, int, int | None], None]

BATCH_DOCS = 4096
BATCH_BYTES = 16 << 20
#: Pairs inside a cluster at least this large are not verified again: every member already has
#: a verified path to the others, and checking all pairs would make big clusters quadratic.
LARGE_CLUSTER = 16
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


def host_of(meta: dict[str, Any]) -> str | None:
    """The document's host: its `host` metadata, else the host of its `url`, else None."""
    host = meta.get("host")
    if isinstance(host, str) and host:
        return host.lower()
    url = meta.get("url")
    if isinstance(url, str) and "//" in url:
        return urlsplit(url).hostname or None
    return None


class _Corpus:
    """Facts kept per document while streaming: ids, origins, dates, hosts; texts go to disk."""

    def __init__(self, settings: Settings, store: TextStore, on_error: OnError) -> None:
        self.settings = settings
        self.store = store
        self.on_error = on_error
        self.ids: list[str] = []
        self.origins: list[Origin] = []
        self.dates: list[str | None] = []
        self.hosts: list[str | None] = []
        self.first_seen: dict[str, int] = {}
        self.skipped: list[BadRecord] = []
        self.records = 0
        self.boilerplate = BoilerplateFinder(settings.boilerplate_min_docs)
        self.masked_lines = 0
        self.masked_documents = 0
        self._first_exact: dict[int, int] = {}

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
        host = host_of(record.meta)
        self.hosts.append(host)
        self.store.add(record.text)
        if not self.settings.keep_boilerplate:
            self.boilerplate.add(host, record.text)

    def sketch_text(self, i: int) -> str:
        """Document i's text as sketched: boilerplate lines blanked, offsets unchanged."""
        text = self.store.get(i)
        if self.settings.keep_boilerplate:
            return text
        return self.boilerplate.mask(self.hosts[i], text)[0]

    def sketches(self) -> CorpusSketches:
        """Sketch every document (second pass, from the store), in input order."""
        self.boilerplate.finish()
        parts: list[CorpusSketches] = []
        batch: list[str] = []
        size = 0
        for i in range(len(self.ids)):
            text = self.store.get(i)
            if not self.settings.keep_boilerplate:
                text, n = self.boilerplate.mask(self.hosts[i], text)
                self.masked_lines += n
                self.masked_documents += n > 0
            batch.append(text)
            size += len(text)
            if len(batch) >= BATCH_DOCS or size >= BATCH_BYTES:
                parts.append(self._compact(sketch_batch(batch, self.settings), i + 1 - len(batch)))
                batch, size = [], 0
        if batch or not parts:
            parts.append(
                self._compact(sketch_batch(batch, self.settings), len(self.ids) - len(batch))
            )
        return CorpusSketches(
            *(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(CorpusSketches))
        )

    def _compact(self, sk: Sketches, first: int) -> CorpusSketches:
        """Keep what the engine needs of a batch starting at document `first`.

        An exact copy of an earlier document keeps only its exact hash and a pointer to that
        document: its signature and fingerprints would repeat the earlier ones, so a story
        printed a thousand times costs little more memory than one.
        """
        n = len(sk)
        rep = np.arange(first, first + n, dtype=np.int64)
        unique = sk.n_tokens > 0
        for k, (e0, e1) in enumerate(sk.exact.tolist()):
            if not unique[k]:
                continue
            key = (e0 << 64) | e1
            earlier = self._first_exact.setdefault(key, first + k)
            if earlier != first + k:
                rep[k] = earlier
                unique[k] = False
        fp_counts = np.diff(sk.fp_offsets)
        fp_doc = np.repeat(np.arange(first, first + n, dtype=np.int32), fp_counts)
        fp_keep = np.repeat(unique, fp_counts)
        return CorpusSketches(
            exact=sk.exact,
            rep=rep,
            n_tokens=sk.n_tokens.astype(np.int32),
            n_shingles=sk.n_shingles.astype(np.int32),
            text_span=sk.text_span,
            sig_doc=np.flatnonzero(unique) + first,
            signatures=sk.signatures[unique].astype(np.uint32),  # low 32 bits: half the memory
            fp_hash=sk.fp_hash[fp_keep],
            fp_doc=fp_doc[fp_keep],
        )


@dataclass(frozen=True, slots=True)
class CorpusSketches:
    """The sketches the engine keeps, compactly.

    Per document: exact hash, `rep` (the first document with the same normalized text, itself
    if none), token and shingle counts, text span. Per distinct non-empty document only: its
    signature as 32-bit values (`signatures[r]` belongs to document `sig_doc[r]`) and its passage
    fingerprints as (hash, document), without positions, which alignment recomputes.
    """

    exact: np.ndarray
    rep: np.ndarray
    n_tokens: np.ndarray
    n_shingles: np.ndarray
    text_span: np.ndarray
    sig_doc: np.ndarray
    signatures: np.ndarray
    fp_hash: np.ndarray
    fp_doc: np.ndarray


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
) -> ScanResult:
    """Run the pipeline over reader items and return matches, clusters and the summary.

    `on_finish(result, text_of)` is called while the texts are still at hand, for writers (such
    as the HTML report) that show documents; `text_of(id)` returns a document's text.
    """
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
                report("read", corpus.records, None)
        timings["read"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        sketches = corpus.sketches()
        timings["sketch"] = time.perf_counter() - t1
        if corpus.records == 0:
            where = ", ".join(input_names) if input_names else "the input"
            raise InputError(f"{where}: no documents (the input is empty).")
        result = _find_and_group(corpus, sketches, settings, timings, jobs_used, report)
        if on_finish is not None:
            on_finish(result, lambda doc_id: store.get(corpus.first_seen[doc_id]))
        return result


@dataclass
class _Verified:
    """What verification found: matches, whole-document edges and containment counts."""

    matches: list[Match]
    edges: list[tuple[int, int]]
    edge_relation: dict[tuple[int, int], Relation]
    contains: np.ndarray
    skipped_as_joined: int = 0


def _exact_copies(
    corpus: _Corpus, sketches: CorpusSketches, rep: np.ndarray, settings: Settings
) -> _Verified:
    """Matches and edges for documents whose normalized text equals an earlier one's."""
    ids, span = corpus.ids, sketches.text_span
    n = len(ids)
    members = np.flatnonzero((sketches.n_tokens > 0) & (rep != np.arange(n)))
    found = _Verified([], [], {}, np.zeros(n, dtype=np.int64))
    for x in members.tolist():
        r = int(rep[x])
        where = Span(int(span[x, 0]), int(span[x, 1]), int(span[r, 0]), int(span[r, 1]), 1.0)
        copy = Match(ids[x], ids[r], Relation.EXACT, 1.0, 1.0, 1.0, (where,), 1.0, 1.0)
        found.matches.append(orient(copy, corpus.dates[x], corpus.dates[r], settings))
        found.edges.append((x, r))
    return found


def _verify(
    pairs: np.ndarray,
    found: _Verified,
    corpus: _Corpus,
    sets: Callable[[int], ShingleSet],
    settings: Settings,
    report: Report | None,
) -> None:
    """Verify and align every candidate pair, adding matches and edges to `found`."""
    ids = corpus.ids
    joined = _UnionFind()
    for x, r in found.edges:
        joined.union(x, r)
    for k, (i, j) in enumerate(pairs.tolist()):
        if report is not None and k % 1000 == 0:
            report("verify", k, int(pairs.shape[0]))
        root = joined.find(i)
        if root == joined.find(j) and joined.size.get(root, 1) >= LARGE_CLUSTER:
            # Already one large cluster through verified matches: checking every pair of a story
            # printed a thousand times would cost quadratic time and change no cluster.
            found.skipped_as_joined += 1
            continue
        match = verify_pair(ids[i], sets(i), ids[j], sets(j), settings)
        if match is None:
            continue
        found.matches.append(orient(match, corpus.dates[i], corpus.dates[j], settings))
        if match.relation not in WHOLE_DOCUMENT:
            continue
        joined.union(i, j)
        found.edges.append((i, j))
        found.edge_relation[(i, j)] = match.relation
        if match.relation is Relation.CONTAINED:
            if match.containment_a_in_b >= settings.containment:
                found.contains[j] += 1
            if match.containment_b_in_a >= settings.containment:
                found.contains[i] += 1


def _group(
    found: _Verified,
    corpus: _Corpus,
    sketches: CorpusSketches,
    rep: np.ndarray,
    sets: Callable[[int], ShingleSet],
    settings: Settings,
) -> tuple[list[Cluster], list[Dropped]]:
    """Clusters over the whole-document edges, their sources, and what dedup drops."""
    ids = corpus.ids
    labels = connected_components(len(ids), np.array(found.edges, dtype=np.int64).reshape(-1, 2))
    lengths, counts = sketches.n_tokens.tolist(), found.contains.tolist()

    def relation_to(x: int, s: int) -> str:
        rx, rs = int(rep[x]), int(rep[s])
        if rx == rs:
            return Relation.EXACT.value
        known = found.edge_relation.get((min(rx, rs), max(rx, rs)))
        if known is not None:
            return known.value
        match = verify_pair(ids[rx], sets(rx), ids[rs], sets(rs), settings)
        if match is None or match.relation not in WHOLE_DOCUMENT:
            return LINKED
        return match.relation.value

    clusters: list[Cluster] = []
    dropped: list[Dropped] = []
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
    return clusters, dropped


def _find_and_group(
    corpus: _Corpus,
    sketches: CorpusSketches,
    settings: Settings,
    timings: dict[str, float],
    jobs_used: int,
    report: Report | None,
) -> ScanResult:
    n = len(corpus.ids)
    t = time.perf_counter()
    nonempty = sketches.n_tokens > 0
    rep = sketches.rep
    found = _exact_copies(corpus, sketches, rep, settings)
    timings["exact"] = time.perf_counter() - t

    t = time.perf_counter()
    reps = sketches.sig_doc
    signatures = sketches.signatures
    cands = candidate_pairs(signatures, settings)
    estimates = estimated_jaccard(signatures, cands.pairs)
    keep = estimates >= pair_floor(sketches.n_shingles[reps], cands.pairs, settings)
    pairs = reps[cands.pairs[keep]] if keep.any() else np.empty((0, 2), dtype=np.int64)
    timings["candidates"] = time.perf_counter() - t
    passage_stats: dict[str, int] = {}
    if settings.passages:
        t = time.perf_counter()
        pairs, passage_stats = _add_passage_candidates(pairs, sketches, n, settings)
        timings["passage_candidates"] = time.perf_counter() - t

    @lru_cache(maxsize=512)
    def sets(i: int) -> ShingleSet:
        text = corpus.sketch_text(i)
        return shingle_set(shingle_text(text, settings), tuple(sketches.exact[i].tolist()))

    t = time.perf_counter()
    _verify(pairs, found, corpus, sets, settings, report)
    timings["verify"] = time.perf_counter() - t

    t = time.perf_counter()
    clusters, dropped = _group(found, corpus, sketches, rep, sets, settings)
    timings["cluster"] = time.perf_counter() - t
    timings["total"] = sum(timings.values())

    summary = _summary(
        corpus,
        nonempty,
        found.matches,
        clusters,
        cands,
        int(keep.sum()),
        settings,
        timings,
        jobs_used,
    )
    summary["passages"] = passage_stats
    summary["boilerplate"] = {
        "enabled": not settings.keep_boilerplate,
        "lines_marked": corpus.boilerplate.n_marked,
        "line_occurrences_masked": corpus.masked_lines,
        "documents_with_boilerplate": corpus.masked_documents,
        "fingerprints_ignored_as_common": passage_stats.get("fingerprints_ignored_as_common", 0),
    }
    summary["candidates"]["pairs_skipped_already_joined"] = found.skipped_as_joined
    return ScanResult(found.matches, clusters, summary, dropped, corpus.skipped)


class _UnionFind:
    """Incremental union-find over document indices (dict-backed: only touched nodes cost)."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.size: dict[int, int] = {}

    def find(self, x: int) -> int:
        """The representative of x's set."""
        parent = self.parent
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        """Join the sets of a and b."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            low, high = min(ra, rb), max(ra, rb)
            self.parent[high] = low
            self.size[low] = self.size.get(low, 1) + self.size.pop(high, 1)


def _add_passage_candidates(
    pairs: np.ndarray, sketches: CorpusSketches, n: int, settings: Settings
) -> tuple[np.ndarray, dict[str, int]]:
    """Union of the signature candidates with pairs sharing passage fingerprints."""
    found = passage_candidates(sketches.fp_hash, sketches.fp_doc, n, settings)
    codes = np.concatenate(
        [
            pairs[:, 0].astype(np.uint64) * np.uint64(n) + pairs[:, 1].astype(np.uint64),
            found.pairs[:, 0].astype(np.uint64) * np.uint64(n)
            + found.pairs[:, 1].astype(np.uint64),
        ]
    )
    codes = np.unique(codes)
    merged = np.empty((codes.shape[0], 2), dtype=np.int64)
    merged[:, 0] = (codes // np.uint64(max(n, 1))).astype(np.int64)
    merged[:, 1] = (codes % np.uint64(max(n, 1))).astype(np.int64)
    stats = {
        "fingerprints": int(sketches.fp_hash.shape[0]),
        "fingerprints_ignored_as_common": found.ignored_fingerprints,
        "postings_ignored_as_common": found.ignored_postings,
        "pairs_from_fingerprints": int(found.pairs.shape[0]),
        "pairs_verified_in_all": int(merged.shape[0]),
    }
    return merged, stats


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
