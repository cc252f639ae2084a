"""The local engine: the whole pipeline on one machine, all cores, bounded memory.

Documents stream through sketching in batches; only sketches and a few facts per document stay in
memory (in columns, `corpus.py`), texts go to a temporary store for verification. Matches go to a
sink as they are verified (a list, or matches.jsonl itself), and clustering keeps only compact
edges. Every record read is accounted for: scanned, empty, or skipped with its reason.

A `LocalRun` composes the stages (`stages.py`) and stays open after `run` until its caller has
written what needs the texts (the HTML report): `text_of` reads them back from the store.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from types import TracebackType

import numba
import orjson

from copytrace.engines.kernels import ensure_kernels
from copytrace.engines.local.corpus import Corpus
from copytrace.engines.local.memory import cyclic_gc_paused, release_free_memory
from copytrace.engines.local.stages import (
    WHOLE_DOCUMENT,
    CandidateStage,
    GroupStage,
    MatchSink,
    Prepared,
    ReadStage,
    Report,
    SketchStage,
    VerifyStage,
)
from copytrace.engines.local.store import TextStore
from copytrace.engines.local.views import ClusterList, Dropped, DroppedList
from copytrace.io.base import BadRecord, FileReader, Item, Origin
from copytrace.model import Cluster, Document, Match, Settings
from copytrace.pipeline import RunOptions, Summary

__all__ = [
    "WHOLE_DOCUMENT",
    "Dropped",
    "LocalRun",
    "MatchSink",
    "Report",
    "ScanResult",
    "documents_as_items",
    "scan_items",
    "set_jobs",
]


@dataclass
class ScanResult:
    """What a scan found: verified matches, clusters, an accounting summary, and dedup choices."""

    matches: Sequence[Match]
    clusters: Sequence[Cluster]
    summary: Summary
    dropped: Sequence[Dropped] = field(default_factory=list)
    skipped: list[BadRecord] = field(default_factory=list)


def jobs_used_for(jobs: int | None) -> int:
    """The number of cores `set_jobs(jobs)` uses, without starting numba's threads."""
    limit = numba.config.NUMBA_NUM_THREADS  # type: ignore[attr-defined]
    return limit if jobs is None or jobs <= 0 else min(jobs, limit)


def set_jobs(jobs: int | None) -> int:
    """Use `jobs` threads in the compiled kernels (default: all cores); returns the number used."""
    n = jobs_used_for(jobs)
    numba.set_num_threads(n)
    return n


def documents_as_items(
    documents: Iterable[Document | tuple[str, str]], *, meta_stored: bool = False
) -> Iterator[Item]:
    """Wrap in-memory documents (or (id, text) pairs) as reader items. A document whose id
    (or, with `meta_stored`, metadata) cannot be written as JSON is a bad record."""
    for number, doc in enumerate(documents, start=1):
        if not isinstance(doc, Document):
            doc_id, text = doc
            doc = Document(str(doc_id), text)
        origin = Origin(0, "documents", "document", number)
        problem = unwritable(doc, meta_stored)
        yield origin, doc if problem is None else BadRecord(origin, problem)


def unwritable(doc: Document, meta_stored: bool) -> str | None:
    """Why a document's id or stored metadata cannot go into the outputs, or None. A file
    reader never yields such a document; the Python API can (a str may hold a lone surrogate)."""
    parts: list[tuple[str, object]] = [("id", doc.id)]
    if meta_stored and doc.meta:
        parts.append(("metadata", doc.meta))
    for what, value in parts:
        try:
            orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS)
        except (TypeError, orjson.JSONEncodeError) as exc:
            return f"document {doc.id!r}: its {what} cannot be written as JSON ({exc})."
    return None


class LocalRun:
    """One scan on this machine: the stages composed, and the texts at hand until closed."""

    def __init__(
        self,
        settings: Settings | None = None,
        options: RunOptions | None = None,
        report: Report | None = None,
        tmp_dir: str | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.options = options or RunOptions()
        self.report = report
        self._store = TextStore(tmp_dir)
        self._corpus: Corpus | None = None

    def __enter__(self) -> LocalRun:
        self._store.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._store.__exit__(kind, exc, tb)

    def run(
        self,
        items: Iterable[Item],
        sink: MatchSink | None = None,
        readers: Sequence[FileReader] = (),
        names: Sequence[str] = (),
    ) -> ScanResult:
        """Run every stage over reader items; matches go to `sink` (default: a new list)."""
        with cyclic_gc_paused():
            return self._run(items, sink, readers, names)

    def _run(
        self,
        items: Iterable[Item],
        sink: MatchSink | None,
        readers: Sequence[FileReader],
        names: Sequence[str],
    ) -> ScanResult:
        settings, report = self.settings, self.report
        sink = [] if sink is None else sink
        # A first run compiles the kernels on all cores, visibly; before numba starts its
        # threads, as worker processes cannot be forked safely after.
        ensure_kernels(jobs_used_for(self.options.jobs), report)
        jobs = set_jobs(self.options.jobs)
        summary = Summary(settings, jobs=jobs, inputs=list(names))
        timings = summary.timings

        t = time.perf_counter()
        corpus = Corpus(settings, self._store, self.options.on_error)
        self._corpus = corpus
        read = ReadStage(corpus, report)
        read.run(items, readers, names)
        summary.records = read.counts
        summary.temporary_texts = asdict(self._store.use)
        release_free_memory()  # each stage starts without the last one's garbage
        timings["read"] = time.perf_counter() - t

        t = time.perf_counter()
        sketch = SketchStage()
        sketches = sketch.run(corpus)
        summary.documents = sketch.counts
        summary.chrome = corpus.chrome
        release_free_memory()
        timings["sketch"] = time.perf_counter() - t

        candidate_stage = CandidateStage(settings)
        candidates = candidate_stage.run(corpus, sketches)
        summary.candidates = candidate_stage.counts
        timings.update(candidate_stage.timings)

        verify = VerifyStage(settings, self.options, jobs, report)
        prepared = Prepared(corpus, sketches, settings)
        found = verify.run(corpus, sketches, candidates, prepared, sink)
        del candidates
        summary.candidates.pairs_skipped_already_joined = found.skipped_as_joined
        if "pairs_only_from_sentences" in summary.candidates.passages:
            summary.candidates.passages["matches_only_from_sentences"] = found.from_sentences_only
        if settings.passages:
            summary.candidates.passages["rewrites_taken_for_recurring_frames"] = (
                found.recurring_frames
            )
        summary.matches = found.by_relation
        timings.update(verify.timings)

        t = time.perf_counter()
        clusters = GroupStage(settings, summary.documents).run(corpus, sketches, found, prepared)
        timings["cluster"] = time.perf_counter() - t
        timings["total"] = sum(timings.values())
        return ScanResult(
            sink,  # type: ignore[arg-type]
            ClusterList(clusters, corpus.docs),
            summary,
            DroppedList(clusters, corpus.docs),
            corpus.skipped,
        )

    def text_of(self, doc_id: str) -> str:
        """The text of the document with this id, read back from the store (while open)."""
        corpus = self._corpus
        index = None if corpus is None else corpus.docs.find(doc_id)
        if corpus is None or index is None:
            raise KeyError(doc_id)
        return self._store.get(index)


def scan_items(
    items: Iterable[Item],
    settings: Settings | None = None,
    *,
    options: RunOptions | None = None,
    report: Report | None = None,
    matches: MatchSink | None = None,
    tmp_dir: str | None = None,
) -> ScanResult:
    """Run the pipeline over reader items (a `LocalRun` opened and closed around it)."""
    with LocalRun(settings, options, report, tmp_dir) as run:
        return run.run(items, matches)
