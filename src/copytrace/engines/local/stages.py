"""The stages of a scan on one machine, each with a typed input, a typed output and its counters.

    ReadStage      reader items           -> Corpus          (RecordCounts)
    SketchStage    Corpus                 -> CorpusSketches  (DocumentCounts, ChromeCounts)
    CandidateStage Corpus, CorpusSketches -> Candidates      (CandidateCounts)
    VerifyStage    Candidates             -> Verified        (matches by relation)
    GroupStage     Verified               -> ClusterArrays   (DocumentCounts: clusters)

The kernels they call (sketch, lsh, verify, align, cluster) are the ones every engine calls;
what is local here is where the data lives: columns in memory, texts in a temporary store.
"""

from __future__ import annotations

import heapq
import time
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol

import numpy as np

from copytrace.cluster import UnionFind, choose_source
from copytrace.engines.local.corpus import Corpus, CorpusSketches
from copytrace.engines.local.memory import release_free_memory
from copytrace.engines.local.verifying import NEVER, Found, verify_in_chunks
from copytrace.engines.local.views import RELATION_CODE, ClusterArrays
from copytrace.errors import InputError
from copytrace.frames import HeldRewrite, recurring_frames
from copytrace.io.base import FileReader, Item
from copytrace.lsh import (
    CorpusStats,
    FingerprintFrequency,
    candidate_pairs,
    filter_by_estimate,
    passage_candidates,
)
from copytrace.model import LINKED, SOURCE, Match, Relation, Settings, Span
from copytrace.pipeline import CandidateCounts, DocumentCounts, RecordCounts, RunOptions
from copytrace.sentence_sketch import keyed_sentences, pair_budget, sentence_candidates
from copytrace.sketch import shingle_text
from copytrace.verify import ShingleSet, load_kernels, orient, shingle_set, verify_pair

#: Relations that make two documents the same document for clustering and dedup; passages and
#: rewrites are reported as matches but never merge clusters.
WHOLE_DOCUMENT = frozenset({Relation.EXACT, Relation.NEAR_DUPLICATE, Relation.CONTAINED})
#: Pairs inside a cluster at least this large are not verified again: every member already has
#: a verified path to the others, and checking all pairs would make big clusters quadratic.
LARGE_CLUSTER = 16
#: Exact copies turned into matches at a time (bounds the Python ints made at once).
EXACT_CHUNK = 65536
_RELATIONS = tuple(Relation)

#: Called as report(stage, done, total) while work goes on; total is None when unknown.
Report = Callable[[str, int, int | None], None]


class MatchSink(Protocol):
    """Where verified matches go, in order: a list, or a MatchFile writing matches.jsonl."""

    def append(self, match: Match, /) -> None:
        """Take one match."""


class ReadStage:
    """Reads records into the corpus: documents' facts into columns, texts into the store."""

    def __init__(self, corpus: Corpus, report: Report | None = None) -> None:
        self.corpus = corpus
        self.report = report
        self.counts = RecordCounts()

    def run(
        self, items: Iterable[Item], readers: Sequence[FileReader] = (), names: Sequence[str] = ()
    ) -> Corpus:
        """Take every record; fail when there is none at all."""
        corpus, report = self.corpus, self.report
        for origin, record in items:
            corpus.add(origin, record)
            if report is not None and corpus.records % 1000 == 0:
                report("read", corpus.records, None)
        if report is not None:  # the counter ends at the number of records read
            report("read", corpus.records, corpus.records)
        corpus.flush()
        counts = self.counts
        counts.read, counts.documents = corpus.records, len(corpus.docs)
        counts.skipped = corpus.skipped
        # What readers passed over on purpose (WARC requests, other file types) is neither a
        # document nor an error; it is counted, so that every record is accounted for.
        for reader in readers:
            for reason, n in getattr(reader, "skipped_records", {}).items():
                counts.not_documents[reason] = counts.not_documents.get(reason, 0) + n
            for name, n in reader.encodings.items():
                counts.encodings[name] = counts.encodings.get(name, 0) + n
            counts.ignored_files += getattr(reader, "ignored_files", 0)
        counts.read += sum(counts.not_documents.values())
        if corpus.records == 0:
            where = ", ".join(names) if names else "the input"
            raise InputError(f"{where}: no documents (the input is empty).")
        return corpus


class SketchStage:
    """Blanks chrome and sketches every document: exact hashes, signatures, fingerprints."""

    def __init__(self) -> None:
        self.counts = DocumentCounts()

    def run(self, corpus: Corpus) -> CorpusSketches:
        """Sketch the corpus (a second pass over the stored texts)."""
        sketches = corpus.sketches()
        nonempty = sketches.n_tokens > 0
        self.counts.scanned = int(nonempty.sum())
        docs = corpus.docs
        self.counts.empty = [
            (docs.id(i), str(docs.origin(i))) for i in np.flatnonzero(~nonempty).tolist()
        ]
        return sketches


@dataclass(frozen=True)
class Candidates:
    """Pairs of documents to verify (i < j, by document index), and what verification may know
    of the corpus (fingerprint frequencies, its size)."""

    pairs: np.ndarray
    stats: CorpusStats
    #: Codes i * n + j of the pairs only the sentence keys proposed.
    only_from_sentences: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))


class CandidateStage:
    """Pairs whose signatures share an LSH band and pass the estimate, and (with passages)
    pairs sharing passage fingerprints."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.counts = CandidateCounts()
        self.timings: dict[str, float] = {}
        #: Codes i * n + j of the pairs only the sentence keys proposed (reworded copies).
        self.only_from_sentences = np.empty(0, dtype=np.uint64)

    def run(self, corpus: Corpus, sketches: CorpusSketches) -> Candidates:
        """The candidate pairs; the signatures and fingerprints are released afterwards."""
        settings, counts = self.settings, self.counts
        t = time.perf_counter()
        reps = sketches.sig_doc.astype(np.int64)
        cands = candidate_pairs(sketches.signatures, settings)
        counts.bands, counts.rows = cands.bands, cands.rows
        counts.pairs_from_bands = int(cands.codes.shape[0])
        counts.large_buckets_linked_to_head = cands.large_buckets
        kept = filter_by_estimate(sketches.signatures, sketches.n_shingles[reps], cands, settings)
        pairs = reps[kept]
        del cands, reps, kept
        sketches.release("signatures")  # the bulk of the sketches: not needed any more
        release_free_memory()
        counts.pairs_verified_exactly = int(pairs.shape[0])
        self.timings["candidates"] = time.perf_counter() - t
        n = len(corpus.docs)
        frequency = FingerprintFrequency.empty()
        if settings.passages:
            t = time.perf_counter()
            threads = np.frombuffer(corpus.threads, dtype=np.int64)
            groups = np.where(threads != 0, threads, -1 - np.arange(n, dtype=np.int64))
            pairs, frequency = self._add_passage_pairs(pairs, sketches, n, groups)
            release_free_memory()
            self.timings["passage_candidates"] = time.perf_counter() - t
        stats = CorpusStats(frequency, int(np.count_nonzero(sketches.n_tokens)))
        return Candidates(pairs, stats, self.only_from_sentences)

    def _add_passage_pairs(
        self, pairs: np.ndarray, sketches: CorpusSketches, n: int, groups: np.ndarray
    ) -> tuple[np.ndarray, FingerprintFrequency]:
        """Union of the signature candidates with pairs sharing passage fingerprints and, for
        reworded copies, pairs sharing sentence keys; and the document frequency of the shared
        fingerprints (a thread of posts counting once)."""
        settings = self.settings
        n_fingerprints = int(sketches.fp_hash.shape[0])
        fp_hash, fp_doc = sketches.fp_hash, sketches.fp_doc()
        # The documents and sentences of the sentence keys are made once the fingerprints'
        # candidates are found and their arrays freed.
        sk_hash, sk_count, sig_doc = sketches.sk_hash, sketches.sk_count, sketches.sig_doc
        sketches.release("fp_hash", "fp_count", "sk_hash", "sk_count", "sig_doc")
        found = passage_candidates(fp_hash, fp_doc, n, settings, groups)  # sorts in place
        del fp_hash, fp_doc
        before = _codes(pairs, n)
        codes = np.union1d(before, _codes(found.pairs, n))
        counts = self.counts
        counts.passages = {
            "fingerprints": n_fingerprints,
            "fingerprints_ignored_as_common": found.ignored_fingerprints,
            "postings_ignored_as_common": found.ignored_postings,
            "pairs_from_fingerprints": int(found.pairs.shape[0]),
            "fingerprints_shared": int(found.frequency.hashes.shape[0]),
        }
        if sk_hash.shape[0]:
            sk_doc, sk_sentence = np.repeat(sig_doc, sk_count), keyed_sentences(sk_count)
            budget = pair_budget(settings.reworded_pairs_per_document, n)
            sentence_codes, _ = sentence_candidates(
                sk_hash, sk_doc, sk_sentence, n, settings.max_fingerprint_df, budget
            )
            self.only_from_sentences = np.setdiff1d(sentence_codes, codes)
            counts.passages |= {
                "sentence_keys": int(sk_hash.shape[0]),
                "pairs_from_sentences": int(sentence_codes.shape[0]),
                "pairs_only_from_sentences": int(self.only_from_sentences.shape[0]),
            }
            codes = np.union1d(codes, sentence_codes)
            del sk_doc, sk_sentence
        del sk_hash, sk_count, sig_doc
        counts.passages["pairs_verified_in_all"] = int(codes.shape[0])
        return _pairs(codes, n), found.frequency


def _codes(pairs: np.ndarray, n: int) -> np.ndarray:
    """Pairs (i, j) as sorted distinct codes i * n + j."""
    size = np.uint64(max(n, 1))
    return np.unique(pairs[:, 0].astype(np.uint64) * size + pairs[:, 1].astype(np.uint64))


def _pairs(codes: np.ndarray, n: int) -> np.ndarray:
    """Codes i * n + j back as pairs (i, j)."""
    size = np.uint64(max(n, 1))
    out = np.empty((codes.shape[0], 2), dtype=np.int64)
    out[:, 0] = (codes // size).astype(np.int64)
    out[:, 1] = (codes % size).astype(np.int64)
    return out


#: Prepared documents kept for the next pairs (in each verifying process), at most this many
#: and this many bytes, and about how many bytes a token of a prepared document takes with both
#: its indexes (measured: 82-83).
PREPARED_DOCS = 512
PREPARED_BYTES = 128 << 20
PREPARED_BYTES_PER_TOKEN = 84
#: The calls of a verification are numbered below this (two a pair); calls that do not say
#: when they come next count down from UNSAID_CALLS: later than any of those, before NEVER.
CALLS_BELOW = 1 << 60
UNSAID_CALLS = 1 << 61


class Prepared:
    """Documents prepared for verification (shingles, seed and sentence indexes), up to
    PREPARED_DOCS of them and PREPARED_BYTES: candidate pairs come sorted by their first
    document, and their second documents recur. The bytes bound large documents (512 prepared
    documents of a megabyte each would take 43 GB); the count bounds small ones, whose extra
    hits cost more memory than they save time (a budget in bytes alone took the news scan's
    memory with its workers from 273 to 542 MB, for 0.5% fewer preparations on news and
    Wikipedia).

    Verification knows when each document is called for next (`verifying.next_calls`): the
    document kept is dropped first whose next call is the latest, and one not called for again
    is not kept (Belady's rule; on the Wikipedia articles 27% fewer preparations than dropping
    the least recently used). Calls that do not say (after verification) count as later than
    any that do, the least recent first.
    """

    def __init__(self, corpus: Corpus, sketches: CorpusSketches, settings: Settings) -> None:
        self._corpus, self._sketches, self._settings = corpus, sketches, settings
        #: Per document kept: its preparation, its cost in bytes and its next call.
        self._kept: dict[int, tuple[ShingleSet, int, int]] = {}
        #: (-next call, document) of every keeping; entries whose call changed are skipped.
        self._order: list[tuple[int, int]] = []
        self._bytes = 0
        self._unsaid = UNSAID_CALLS

    def __call__(self, i: int, next_call: int | None = None) -> ShingleSet:
        """Document i prepared; `next_call`: the number of the next call for it (NEVER when
        there is none, None when not known)."""
        if next_call is None:
            self._unsaid -= 1
            next_call = self._unsaid
        found = self._kept.get(i)
        if found is not None:
            self._keep(i, found[0], found[1], next_call)
            return found[0]
        text = self._corpus.sketch_text(i)
        exact = tuple(self._sketches.exact[i].tolist())
        doc = shingle_set(shingle_text(text, self._settings), exact)
        cost = PREPARED_BYTES_PER_TOKEN * doc.shingled.tokens.shape[0]
        if next_call != NEVER:
            while self._kept and (
                len(self._kept) >= PREPARED_DOCS or self._bytes + cost > PREPARED_BYTES
            ):
                self._drop_latest()
            self._keep(i, doc, cost, next_call)
        return doc

    def passed(self, call: int) -> None:
        """Calls before `call` are done: a document kept for one of them (a pair left out)
        counts as not known when it is called for next, so it does not stay for ever."""
        for i, (doc, cost, next_call) in list(self._kept.items()):
            if next_call < call:
                self._unsaid -= 1
                self._keep(i, doc, cost, self._unsaid)

    def _keep(self, i: int, doc: ShingleSet, cost: int, next_call: int) -> None:
        old = self._kept.pop(i, None)
        if old is not None:
            self._bytes -= old[1]
        if next_call == NEVER:
            return
        self._kept[i] = (doc, cost, next_call)
        self._bytes += cost
        heapq.heappush(self._order, (-next_call, i))
        if len(self._order) > 4 * len(self._kept) + 1024:  # mostly stale entries: rebuild
            self._order = [(-c, k) for k, (_, _, c) in self._kept.items()]
            heapq.heapify(self._order)

    def _drop_latest(self) -> None:
        while self._order:
            call, i = heapq.heappop(self._order)
            found = self._kept.get(i)
            if found is not None and found[2] == -call:
                del self._kept[i]
                self._bytes -= found[1]
                return


@dataclass
class Verified:
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
    #: Matches among the pairs only the sentence keys proposed.
    from_sentences_only: int = 0
    #: Rewrites held back until all are known (`frames`), and those found recurring frames.
    held: list[HeldRewrite] = field(default_factory=list)
    held_from_sentences: list[bool] = field(default_factory=list)
    recurring_frames: int = 0

    def add(self, match: Match) -> None:
        """Send a match to the sink and count it."""
        self.sink.append(match)
        self.by_relation[match.relation.value] += 1


class VerifyStage:
    """Exact copies first, then every candidate pair verified exactly and aligned, on `jobs`
    processes; matches go to the sink in a fixed order, whatever the number of processes."""

    def __init__(
        self, settings: Settings, options: RunOptions, jobs: int, report: Report | None
    ) -> None:
        self.settings = settings
        self.jobs = jobs
        self.report = report
        self.timings: dict[str, float] = {}

    def run(
        self,
        corpus: Corpus,
        sketches: CorpusSketches,
        candidates: Candidates,
        prepared: Prepared,
        sink: MatchSink,
    ) -> Verified:
        """Verify, sending matches to `sink`; the whole-document edges for grouping."""
        n = len(corpus.docs)
        found = Verified(sink, UnionFind(n), np.zeros(n, dtype=np.int32))
        t = time.perf_counter()
        self._exact_copies(corpus, sketches, found)
        release_free_memory()
        self.timings["exact"] = time.perf_counter() - t
        t = time.perf_counter()
        self._pairs(candidates, found, corpus, prepared)
        prepared.passed(CALLS_BELOW)  # what is kept now is kept for later calls that do not say
        release_free_memory()
        self.timings["verify"] = time.perf_counter() - t
        t = time.perf_counter()
        self._release_rewrites(found, prepared)
        self.timings["frames"] = time.perf_counter() - t
        return found

    def _release_rewrites(self, found: Verified, prepared: Prepared) -> None:
        """Send the held rewrites that are not recurring frames to the sink."""
        frames = recurring_frames(found.held, lambda i: prepared(i).shingled)
        for h, only, frame in zip(
            found.held, found.held_from_sentences, frames.tolist(), strict=True
        ):
            if not frame:
                found.add(h.match)
                found.from_sentences_only += only
        found.recurring_frames = int(frames.sum())
        found.held, found.held_from_sentences = [], []

    def _exact_copies(self, corpus: Corpus, sketches: CorpusSketches, found: Verified) -> None:
        """Matches and edges for documents whose normalized text equals an earlier one's."""
        docs, span, rep = corpus.docs, sketches.text_span, sketches.rep
        n = len(docs)
        members = np.flatnonzero((sketches.n_tokens > 0) & (rep != np.arange(n)))
        found.joined.union_edges(members, rep[members])
        for start in range(0, members.shape[0], EXACT_CHUNK):
            for x in members[start : start + EXACT_CHUNK].tolist():
                r = int(rep[x])
                where = Span(
                    int(span[x, 0]), int(span[x, 1]), int(span[r, 0]), int(span[r, 1]), 1.0
                )
                copy = Match(
                    docs.id(x), docs.id(r), Relation.EXACT, 1.0, 1.0, 1.0, (where,), 1.0, 1.0
                )
                found.add(orient(copy, docs.date(x), docs.date(r), self.settings))

    def _pairs(
        self, candidates: Candidates, found: Verified, corpus: Corpus, prepared: Prepared
    ) -> None:
        """Verify and align every candidate pair (on `jobs` processes), adding to `found`."""
        docs, settings, stats = corpus.docs, self.settings, candidates.stats
        n = len(docs)
        only = candidates.only_from_sentences

        def from_sentences_only(i: int, j: int) -> bool:
            if not only.shape[0]:
                return False
            code = np.uint64(i * n + j)
            k = int(np.searchsorted(only, code))
            return bool(k < only.shape[0] and only[k] == code)

        def check(chunk: np.ndarray) -> list[Found]:
            out = []
            if chunk.shape[0]:
                prepared.passed(int(chunk[0, 4]))
            for i, j, next_i, next_j, _ in chunk.tolist():
                a, b = prepared(i, next_i), prepared(j, next_j)
                reworded_only = from_sentences_only(i, j)
                match = verify_pair(
                    docs.id(i), a, docs.id(j), b, settings, stats, reworded_only=reworded_only
                )
                if match is not None:
                    out.append((i, j, orient(match, docs.date(i), docs.date(j), settings)))
            return out

        def take(chunk_found: list[Found]) -> None:
            for i, j, match in chunk_found:
                from_sentences = from_sentences_only(i, j)
                if match.relation is Relation.REWRITE:
                    a_is_i = match.a == docs.id(i)
                    found.held.append(HeldRewrite(i if a_is_i else j, j if a_is_i else i, match))
                    found.held_from_sentences.append(from_sentences)
                    continue
                found.from_sentences_only += from_sentences
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

        pairs = candidates.pairs
        total = int(pairs.shape[0])
        report = self.report
        progress = None if report is None else (lambda done: report("verify", done, total))
        # Pairs inside a cluster of LARGE_CLUSTER are not checked: every member already has a
        # verified path to the others, and checking all pairs of a story printed a thousand
        # times would cost quadratic time and change no cluster.
        found.skipped_as_joined += verify_in_chunks(
            pairs,
            check,
            take,
            found.joined,
            LARGE_CLUSTER,
            self.jobs,
            partial(load_kernels, settings),
            progress,
        )


class _EdgeRelations:
    """The relation of each verified whole-document edge, looked up by its two documents."""

    def __init__(self, found: Verified, n: int) -> None:
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


class GroupStage:
    """Clusters over the verified whole-document edges, each with its source and every
    member's relation to it."""

    def __init__(self, settings: Settings, counts: DocumentCounts) -> None:
        self.settings = settings
        self.counts = counts

    def run(
        self, corpus: Corpus, sketches: CorpusSketches, found: Verified, prepared: Prepared
    ) -> ClusterArrays:
        """The clusters, as compact arrays."""
        docs, rep, settings = corpus.docs, sketches.rep, self.settings
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
            match = verify_pair(docs.id(rx), prepared(rx), docs.id(rs), prepared(rs), settings)
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
        clusters = ClusterArrays(members, offsets, sources, reasons, tuple(reason_names), relations)
        sizes = clusters.sizes
        self.counts.clusters = int(sizes.shape[0])
        self.counts.in_clusters = int(sizes.sum())
        self.counts.largest_cluster = int(sizes.max()) if sizes.shape[0] else 0
        return clusters
