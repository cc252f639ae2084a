"""Reading and sketching a corpus: every record accounted for, compact sketches kept.

Records stream in; each document's facts go to a columnar DocumentTable and its text to the
temporary TextStore. Sketching then rereads the texts in batches and keeps per document only its
exact hash, counts and a pointer to the first document with the same normalized text; signatures
and passage fingerprints are kept once per distinct text.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np

from copytrace.boilerplate import (
    BoilerplateFinder,
    ChromeCandidates,
    PostParts,
    Provenance,
    blank,
)
from copytrace.engines.local.documents import DocumentTable
from copytrace.engines.local.store import TextStore
from copytrace.engines.local.tables import EMPTY_SLOT, first_exact, rehash_exact, table_size
from copytrace.errors import BadRecordError
from copytrace.io.base import BadRecord, Origin
from copytrace.io.dates import parse_date
from copytrace.lines import encode_texts
from copytrace.messages import MessageParts, message_parts
from copytrace.model import Document, Settings
from copytrace.pipeline import ChromeCounts, OnError
from copytrace.sentence_sketch import (
    WordStats,
    sentence_keys_encoded,
    word_sample_step,
    word_stats,
)
from copytrace.sketch import sketch_encoded
from copytrace.urls import host_of as url_host

#: Documents checked for duplicate ids in one call of the table kernel.
PENDING_DOCS = 1024
PENDING_BYTES = 1 << 20
#: A sketch batch; its transient arrays take about 10 bytes per byte of text, so batches stay
#: small while still giving every thread hundreds of documents.
BATCH_DOCS = 4096
BATCH_BYTES = 1 << 20


def provenance_of(
    meta: dict[str, Any], post: MessageParts | None, origin_field: str | None
) -> Provenance:
    """A document's host (metadata) and author (`origin_field` metadata, else a post's From)."""
    author = None
    if origin_field:
        value = meta.get(origin_field)
        author = str(value).strip().lower() or None if value is not None else None
    elif post is not None:
        author = post.author
    return Provenance(_valid(host_of(meta)), _valid(author))


def _valid(name: str | None) -> str | None:
    """`name` as valid Unicode: a lone surrogate (only the Python API can pass one) becomes
    "?", so that a host or author can be stored and written like any other."""
    if name is None or name.isascii():
        return name
    return name.encode("utf-8", "replace").decode("utf-8")


def host_of(meta: dict[str, Any]) -> str | None:
    """The document's host: its `host` metadata, else the host of its `url`, else None."""
    host = meta.get("host")
    if isinstance(host, str) and host:
        return host.lower()
    return url_host(meta.get("url"))


@dataclass(slots=True)
class CorpusSketches:
    """The sketches the engine keeps, compactly.

    Per document: exact hash, `rep` (the first document with the same normalized text, itself
    if none), token and shingle counts, text span. Per distinct non-empty document only (row r
    belongs to document `sig_doc[r]`): its signature as 32-bit values, the number of its
    passage fingerprints, whose hashes follow each other in `fp_hash` row by row (positions are
    not kept: alignment recomputes them), and likewise its sentence keys (`sentence_sketch`) in
    `sk_hash` (their sentences are not kept either: `sentence_sketch.keyed_sentences` numbers
    them from the keys' order). Signatures and
    fingerprints are the bulk; `release` frees them once their candidates are found.
    """

    exact: np.ndarray
    rep: np.ndarray
    n_tokens: np.ndarray
    n_shingles: np.ndarray
    text_span: np.ndarray
    sig_doc: np.ndarray
    signatures: np.ndarray
    fp_hash: np.ndarray
    fp_count: np.ndarray
    sk_hash: np.ndarray
    sk_count: np.ndarray

    def fp_doc(self) -> np.ndarray:
        """The document of each fingerprint (made on demand: 4 bytes a fingerprint)."""
        return np.repeat(self.sig_doc, self.fp_count)

    def sk_doc(self) -> np.ndarray:
        """The document of each sentence key (made on demand; none without sentence keys)."""
        if self.sk_count.shape[0] == 0:
            return np.empty(0, dtype=np.int32)
        return np.repeat(self.sig_doc, self.sk_count)

    def release(self, *names: str) -> None:
        """Replace the named arrays by empty ones, so their memory goes back."""
        for name in names:
            old = getattr(self, name)
            setattr(self, name, np.empty((0, *old.shape[1:]), dtype=old.dtype))


class Corpus:
    """Facts kept per document while streaming; texts go to disk, then sketches are made."""

    def __init__(self, settings: Settings, store: TextStore, on_error: OnError) -> None:
        self.settings = settings
        self.store = store
        self.on_error = on_error
        self.docs = DocumentTable()
        self.skipped: list[BadRecord] = []
        self.records = 0
        self.boilerplate = BoilerplateFinder(settings.boilerplate_min_docs)
        self.chrome = ChromeCounts(enabled=not settings.keep_boilerplate)
        # Per document: a key of the thread of a post (its Subject without "Re:"), else 0.
        # Fingerprint frequencies count a thread once: replies quoting a post are one thread.
        self.threads = array("q")
        # The blanked character ranges of every document, found once while sketching and
        # reused by verification: document i's are _blank_runs[2 * _blank_first[i]:...].
        self._blank_runs = array("q")
        self._blank_first = array("q", [0])
        # The header, attribution and signature ranges of the posts, found once while reading:
        # document i's are _post_ranges[2 * _post_first[i]:...]; _post_kind[i] has bit 1 for a
        # post and bit 2 for a signature; _post_attributions[i] counts attribution lines and
        # _post_quoted[i] quoted signatures.
        self._post_ranges = array("q")
        self._post_first = array("q", [0])
        self._post_kind = array("b")
        self._post_attributions = array("i")
        self._post_quoted = array("i")
        # The lines that may be chrome, found while reading and kept on disk for sketching
        # (32 bytes a line; ChromeCandidates rows), one record per document.
        self._chrome_lines = TextStore(store.directory)
        self._pending: list[tuple[Origin, Document]] = []
        self._pending_bytes = 0

    def __len__(self) -> int:
        return len(self.docs)

    def skip(self, bad: BadRecord) -> None:
        """Fail on a bad record, or list it as skipped."""
        if self.on_error == "fail":
            raise BadRecordError(bad.message())
        self.skipped.append(bad)

    def add(self, origin: Origin, record: Document | BadRecord) -> None:
        """Take one record; documents wait in a small batch for the duplicate-id check."""
        self.records += 1
        if isinstance(record, BadRecord):
            self.flush()  # earlier records first, so problems are reported in input order
            self.skip(record)
            return
        self._pending.append((origin, record))
        self._pending_bytes += len(record.text)
        if len(self._pending) >= PENDING_DOCS or self._pending_bytes >= PENDING_BYTES:
            self.flush()

    def flush(self) -> None:
        """Check the waiting documents' ids, then store the new documents in order."""
        pending, self._pending, self._pending_bytes = self._pending, [], 0
        if not pending:
            return
        first = self.docs.claim_ids([doc.id for _, doc in pending])
        texts: list[str] = []
        provenances: list[Provenance] = []
        posts: list[bool] = []
        chrome = not self.settings.keep_boilerplate
        for (origin, doc), earlier in zip(pending, first, strict=True):
            if earlier >= 0:
                where = self.docs.origin(earlier)
                self.skip(BadRecord(origin, f'duplicate id "{doc.id}" (first at {where}).'))
                continue
            parts = message_parts(doc.text) if chrome else None
            provenance = provenance_of(doc.meta, parts, self.settings.origin_field)
            self.docs.add_facts(origin, parse_date(doc.meta.get("date")), provenance)
            thread = None if parts is None else parts.thread
            self.threads.append(0 if thread is None else (hash(thread) & 0x7FFFFFFFFFFFFFFF) or 1)
            texts.append(doc.text)
            provenances.append(provenance)
            posts.append(parts is not None)
            if chrome:
                self._keep_post_parts(parts)
        if not texts:
            return
        buf, offsets = encode_texts(texts)
        self.store.add_encoded(buf, offsets)
        if chrome:
            posts_array = np.array(posts, dtype=bool)
            found = self.boilerplate.add_encoded(buf, offsets, provenances, posts_array)
            rows = np.ascontiguousarray(found.rows)
            self._chrome_lines.add_encoded(rows.view(np.uint8).reshape(-1), found.first * 32)

    def _keep_post_parts(self, parts: MessageParts | None) -> None:
        """Keep where a post's header, attributions and signature are, for sketching."""
        if parts is None:
            self._post_kind.append(0)
            self._post_attributions.append(0)
            self._post_quoted.append(0)
            self._post_first.append(self._post_first[-1])
            return
        ranges = parts.ranges
        self._post_kind.append(1 | (2 if parts.signature is not None else 0))
        self._post_attributions.append(len(parts.attributions))
        self._post_quoted.append(len(parts.quoted_signatures))
        self._post_ranges.extend(chain.from_iterable(ranges))
        self._post_first.append(self._post_first[-1] + len(ranges))

    def _post_parts(self, first: int, last: int) -> PostParts:
        """The kept post parts of documents first .. last - 1."""
        kind = np.frombuffer(self._post_kind[first:last], dtype=np.int8)
        starts = np.frombuffer(self._post_first[first : last + 1], dtype=np.int64)
        lo, hi = int(starts[0]), int(starts[-1])
        ranges = np.frombuffer(self._post_ranges[2 * lo : 2 * hi], dtype=np.int64)
        return PostParts(
            (kind & 1) != 0,
            (kind & 2) != 0,
            np.frombuffer(self._post_attributions[first:last], dtype=np.int32),
            starts - lo,
            ranges.reshape(-1, 2),
            np.frombuffer(self._post_quoted[first:last], dtype=np.int32),
        )

    def sketch_text(self, i: int) -> str:
        """Document i's text as sketched: boilerplate lines blanked, offsets unchanged."""
        text = self.store.get(i)
        lo, hi = self._blank_first[i], self._blank_first[i + 1]
        runs = self._blank_runs[2 * lo : 2 * hi]
        return blank(text, list(zip(runs[::2], runs[1::2], strict=True)))

    def sketches(self) -> CorpusSketches:
        """Sketch every document (second pass, from the store), in input order."""
        self.flush()
        self.docs.compact()
        self.boilerplate.finish()
        self.chrome.lines_marked = self.boilerplate.n_marked
        words = self._word_stats() if self._sentence_keys_wanted else None
        builder = _SketchBuilder(len(self.docs), self.settings, words)
        start, size, n = 0, 0, len(self.docs)
        for i in range(n):
            size += self.store.size(i)
            if i + 1 - start >= BATCH_DOCS or size >= BATCH_BYTES or i == n - 1:
                builder.add(*self._masked(start, i + 1))
                start, size = i + 1, 0
        self._chrome_lines.close()
        return builder.finish()

    @property
    def _sentence_keys_wanted(self) -> bool:
        return self.settings.passages and self.settings.reworded_candidates

    def _word_stats(self) -> WordStats:
        """How common words are, from the documents `word_sample_step` picks."""
        n = len(self.docs)
        return word_stats([self.store.get(i) for i in range(0, n, word_sample_step(n))])

    def _masked(self, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
        """UTF-8 bytes of documents first .. last - 1 with their chrome blanked, and offsets."""
        buf, offsets = self.store.get_encoded(first, last)
        if self.settings.keep_boilerplate:
            self._blank_first.extend([self._blank_first[-1]] * (last - first))
            return buf, offsets
        provenances = [self.docs.provenance(i) for i in range(first, last)]
        parts = self._post_parts(first, last)
        data, starts = self._chrome_lines.get_encoded(first, last)
        candidates = ChromeCandidates(starts // 32, data.view(np.int64).reshape(-1, 4))
        batch = self.boilerplate.blank_encoded(buf, offsets, provenances, parts, candidates)
        self._blank_runs.frombytes(batch.runs.astype(np.int64).tobytes())
        ends = batch.run_first[1:] + self._blank_first[-1]
        self._blank_first.extend(ends.tolist())
        self.chrome.add(batch, parts)
        return batch.buf, batch.offsets


class _SketchBuilder:
    """Collects batch sketches into per-document columns and per-distinct-text arrays."""

    def __init__(self, n: int, settings: Settings, words: WordStats | None = None) -> None:
        self.settings = settings
        self.words = words  # how common words are, when sentence keys are wanted
        self.done = 0
        self.exact = np.zeros((n, 2), dtype=np.uint64)
        self.rep = np.arange(n, dtype=np.int32)
        self.n_tokens = np.zeros(n, dtype=np.int32)
        self.n_shingles = np.zeros(n, dtype=np.int32)
        self.text_span = np.zeros((n, 2), dtype=np.int64)
        # Sized for the distinct texts seen so far, not for every document: copies add nothing.
        self._table = np.full(table_size(0), EMPTY_SLOT, dtype=np.int32)
        self._distinct = 0
        # Arrays that grow in place (realloc), so that growing never holds two copies.
        self.sig_doc = array("i")
        self.signatures = array("I")
        self.fp_hash = array("Q")
        self.fp_count = array("i")
        self.sk_hash = array("Q")
        self.sk_count = array("i")

    def add(self, buf: np.ndarray, offsets: np.ndarray) -> None:
        """Sketch the next batch of documents (text i: UTF-8 buf[offsets[i]:offsets[i + 1]]).

        An exact copy of an earlier document keeps only its exact hash and a pointer to that
        document: its signature and fingerprints would repeat the earlier ones, so a story
        printed a thousand times costs little more memory than one.
        """
        sk = sketch_encoded(buf, offsets, self.settings)
        first, n = self.done, offsets.shape[0] - 1
        rows = slice(first, first + n)
        self.exact[rows] = sk.exact
        self.n_tokens[rows] = sk.n_tokens
        self.n_shingles[rows] = sk.n_shingles
        self.text_span[rows] = sk.text_span
        rep = self.rep[rows]
        if 2 * (self._distinct + n) > self._table.shape[0]:
            table = np.full(table_size(self._distinct + n), EMPTY_SLOT, dtype=np.int32)
            rehash_exact(self._table, table, self.exact)
            self._table = table
        self._distinct += first_exact(self._table, self.exact, self.n_tokens, first, rep)
        unique = (rep == np.arange(first, first + n)) & (sk.n_tokens > 0)
        keep = np.flatnonzero(unique)
        self.sig_doc.frombytes((keep + first).astype(np.int32).view(np.uint8).data)
        # Low 32 bits of each value: half the memory, and still a fine Jaccard estimate.
        sigs = np.ascontiguousarray(sk.signatures[keep], dtype=np.uint32)
        self.signatures.frombytes(sigs.reshape(-1).view(np.uint8).data)
        fp_counts = np.diff(sk.fp_offsets)
        fp_keep = np.repeat(unique, fp_counts)
        self.fp_hash.frombytes(np.ascontiguousarray(sk.fp_hash[fp_keep]).view(np.uint8).data)
        self.fp_count.frombytes(fp_counts[keep].astype(np.int32).view(np.uint8).data)
        if self.words is not None:  # opt-in
            # Sentence numbers are not kept (see sentence_sketch.keyed_sentences).
            keys, _, key_offsets = sentence_keys_encoded(buf, offsets, self.words)
            counts = np.diff(key_offsets)
            kept = np.repeat(unique, counts)
            self.sk_hash.frombytes(np.ascontiguousarray(keys[kept]).view(np.uint8).data)
            self.sk_count.frombytes(counts[keep].astype(np.int32).view(np.uint8).data)
        self.done += n

    def finish(self) -> CorpusSketches:
        """The collected sketches; the builder must not be used after this."""
        m = self.settings.num_perm
        return CorpusSketches(
            exact=self.exact,
            rep=self.rep,
            n_tokens=self.n_tokens,
            n_shingles=self.n_shingles,
            text_span=self.text_span,
            sig_doc=np.frombuffer(self.sig_doc, dtype=np.int32),
            signatures=np.frombuffer(self.signatures, dtype=np.uint32).reshape(-1, m),
            fp_hash=np.frombuffer(self.fp_hash, dtype=np.uint64),
            fp_count=np.frombuffer(self.fp_count, dtype=np.int32),
            sk_hash=np.frombuffer(self.sk_hash, dtype=np.uint64),
            sk_count=np.frombuffer(self.sk_count, dtype=np.int32),
        )
