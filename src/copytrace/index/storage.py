"""Where an index keeps its data: the small interface the index logic uses, and its SQLite form.

The index logic (`copytrace.index.writer`, `.query`) sees documents, distinct texts, postings
(term -> text or document, in three kinds), chrome keys, counters and settings through
`Storage` only, inside `read()` snapshots and `write()` transactions; a server database can
implement the same protocol later. `SQLiteStorage` keeps everything in one SQLite file in WAL
mode: readers never wait for the one writer, and every write is one explicit transaction.

Postings are kept in runs of compressed blocks, as in a log-structured merge tree
(`copytrace.index.postings`): each transaction writes its postings as a new run, runs of one
size are merged, and removals are tombstones until a merge drops what they cover.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import zstandard

from copytrace.errors import CopytraceError
from copytrace.index.postings import KINDS, Found, Kind, PostingRuns, Txn
from copytrace.index.schema import IndexFormatError, migrate

__all__ = ["KINDS", "Kind", "SQLiteStorage", "Storage", "StoredDocument", "StoredText"]

#: Seconds a writer (or a reader, in WAL's rare busy moments) waits for the lock.
BUSY_TIMEOUT_S = 60.0
#: Page size of a new index: rows of posting blocks (0.5-1.5 kB) and of texts fill 16 kB
#: pages with a few percent left over, 4 kB pages with about 13%.
PAGE_BYTES = 16384
#: Bytes of the file mapped into memory (SQLite caps it at its own maximum, 2 GB by default).
MMAP_BYTES = 1 << 40
#: Texts shorter than this are stored uncompressed.
COMPRESS_FROM = 96
CODEC_PLAIN, CODEC_ZSTD = 0, 1


class IndexBusyError(CopytraceError, OSError):
    """The index stayed locked by another writer for longer than the busy timeout."""


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document as the index holds it."""

    doc: int
    id: str
    text_id: int | None
    added: float
    date: str | None
    meta: dict[str, Any]
    host: str | None
    author: str | None
    thread: int
    lines_key: int
    carrier: bool
    content: bytes
    span: tuple[int, int]
    blanks: list[tuple[int, int]]
    text: str


@dataclass(frozen=True, slots=True)
class StoredText:
    """A distinct sketched text (an exact-copy class): its first document, its fingerprint
    frequency group, counts and MinHash signature (low 32 bits of each value; None when its
    band keys hold it: one band of one row per value)."""

    text_id: int
    exact: bytes
    rep: int
    grp: int
    n_tokens: int
    n_shingles: int
    signature: np.ndarray | None


@dataclass(frozen=True, slots=True)
class TermStats:
    """For one term: how many owners hold it, the first of them, how many distinct groups
    (fingerprint postings only) and whether `group` is among them."""

    count: int
    first: int
    groups: int = 0
    has_group: bool = False


class Storage(Protocol):
    """What the index logic needs from a store. Every call happens inside `read()` or
    `write()`; `write()` is atomic (all of it or nothing) and one at a time."""

    path: str

    def read(self) -> Any:
        """A context manager: one consistent snapshot for the calls inside it."""

    def write(self) -> Any:
        """A context manager: one atomic transaction; the only writer while it lasts."""

    def get_meta(self, key: str) -> str | None:
        """A value of the index header (settings, versions), or None."""

    def set_meta(self, key: str, value: str) -> None:
        """Set a value of the index header."""

    def counters(self) -> dict[str, int]:
        """Running totals (documents, texts, characters, ...)."""

    def bump(self, name: str, delta: int) -> None:
        """Add `delta` to a running total."""

    def find_document(self, doc_id: str) -> StoredDocument | None:
        """The document with this id, or None."""

    def find_documents(self, doc_ids: Sequence[str]) -> dict[str, StoredDocument]:
        """The documents with these ids that are indexed, by id."""

    def document(self, doc: int) -> StoredDocument:
        """The document with this internal number."""

    def document_ids(self, docs: Sequence[int]) -> dict[int, str]:
        """Ids of documents by internal number."""

    def insert_document(self, row: dict[str, Any], text: str) -> int:
        """Store a new document; returns its internal number (always larger than any before)."""

    def update_sketch(
        self, doc: int, text_id: int | None, blanks: list[tuple[int, int]], span: tuple[int, int]
    ) -> None:
        """Record a document's new blanks, text class and token span."""

    def set_carrier(self, doc: int, carrier: bool) -> None:
        """Mark whether a document's lines are counted."""

    def delete_document(self, doc: int) -> None:
        """Delete a document row."""

    def members(self, text_id: int) -> list[int]:
        """Documents of a text class, oldest first."""

    def same_lines(self, lines_key: int) -> list[int]:
        """Documents of one provenance with one text (same `lines_key`), oldest first."""

    def recent(self, limit: int, before: int | None) -> list[StoredDocument]:
        """The latest documents, newest first (those older than internal number `before`)."""

    def find_text(self, exact: bytes) -> StoredText | None:
        """The text class with this exact hash, or None."""

    def texts(self, text_ids: Iterable[int]) -> dict[int, StoredText]:
        """Text classes by id."""

    def insert_text(
        self,
        exact: bytes,
        rep: int,
        grp: int,
        n_tokens: int,
        n_shingles: int,
        sig: np.ndarray | None,
    ) -> int:
        """Store a new text class; returns its id (always larger than any before)."""

    def update_text(self, text_id: int, rep: int, grp: int) -> None:
        """Set a text class's first document and group."""

    def delete_text(self, text_id: int) -> None:
        """Delete a text class row."""

    def add_postings(
        self, kind: Kind, terms: np.ndarray, owner: int, group: int | None = None
    ) -> None:
        """Postings term -> owner (a text id, or a document for lines)."""

    def remove_owner(self, kind: Kind, owner: int) -> None:
        """Remove every posting of an owner (in this kind)."""

    def postings(self, kind: Kind, terms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every posting of the terms: (terms, owners) as int64 arrays."""

    def term_stats(
        self, kind: Kind, terms: np.ndarray, group: int | None = None
    ) -> dict[int, TermStats]:
        """Per term found: owners, first owner, groups (see TermStats)."""

    def owners(self, kind: Kind, terms: np.ndarray) -> list[tuple[int, int]]:
        """(term, owner) of every posting of the terms."""

    def chrome_since(self, seq: int) -> tuple[list[int], int]:
        """Chrome keys added after sequence number `seq`, and the last sequence number."""

    def add_chrome(self, keys: Iterable[int]) -> None:
        """Make lines chrome (for good)."""

    def maintain(self) -> int:
        """Merge runs of one size; returns the merges made."""

    def size(self, tables: bool = False) -> dict[str, int]:
        """Bytes used: file, WAL, free pages; with `tables`, per table (reads every page)."""

    def check(self) -> list[str]:
        """Problems found by a full consistency check (empty when sound)."""

    def close(self) -> None:
        """Release the store."""


_DOC_COLUMNS = (
    "doc, id, text_id, added, date, meta, host, author, thread, lines_key, carrier, content, "
    "span_start, span_end, blanks, codec, body"
)


#: Ids looked up in one statement (SQLite binds up to 32,766 values).
_IDS_PER_STATEMENT = 500


class SQLiteStorage:
    """`Storage` in one SQLite file (WAL mode); safe to share between threads."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = str(path)
        if not create and not Path(self.path).exists():
            raise IndexFormatError(f"{self.path}: no such index.")
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._compressor = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._runs = PostingRuns()
        db = self._db()
        try:
            migrate(db, self.path)
        except sqlite3.DatabaseError as exc:
            raise IndexFormatError(f"{self.path}: not a copytrace index ({exc}).") from exc

    # -- connections and transactions ------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            try:
                db = sqlite3.connect(
                    self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_S
                )
                # A new file gets pages of PAGE_BYTES (an existing one keeps its own).
                db.execute(f"PRAGMA page_size = {PAGE_BYTES}")
                db.execute("PRAGMA journal_mode = WAL")
            except sqlite3.DatabaseError as exc:
                raise IndexFormatError(f"{self.path}: not a copytrace index ({exc}).") from exc
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA cache_size = -65536")
            # Checkpoint the WAL every 32 MB rather than every 1,000 pages: fewer fsyncs while
            # adding; and keep it no larger than 64 MB once checkpointed. (The pragma counts
            # pages, whose size depends on the file.)
            page = int(db.execute("PRAGMA page_size").fetchone()[0])
            db.execute(f"PRAGMA wal_autocheckpoint = {(32 << 20) // page}")
            db.execute(f"PRAGMA journal_size_limit = {64 << 20}")
            # Lookups of random terms read pages all over the file: mapped, a page read is a
            # memory access instead of a system call (25 ms -> 1 ms for a query's band keys
            # at 100k documents), and the pages are shared by every connection.
            db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._local.db = db
            self._local.depth = 0
            self._local.txn = Txn()
            self._local.bumps = {}
            with self._all_lock:
                self._all.append(db)
        return db

    @contextmanager
    def read(self) -> Iterator[None]:
        """One snapshot: reads inside see the index as of the first of them."""
        db = self._db()
        if self._local.depth:
            self._local.depth += 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        _retry(lambda: db.execute("BEGIN"))
        self._local.depth = 1
        try:
            self._local.txn = Txn()
            _retry(lambda: self._runs.begin(db, self._local.txn))
            yield
        finally:
            self._local.depth = 0
            if db.in_transaction:
                db.execute("COMMIT")

    @contextmanager
    def write(self) -> Iterator[None]:
        """One atomic transaction (BEGIN IMMEDIATE: the writer lock is taken at once)."""
        db = self._db()
        if self._local.depth:
            if not getattr(self._local, "writing", False):
                raise RuntimeError("a write cannot start inside a read snapshot")
            self._local.depth += 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        with self._write_lock:
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise IndexBusyError(
                    f"{self.path}: another process kept the index locked for "
                    f"{BUSY_TIMEOUT_S:.0f} s ({exc}); try again when its add is done."
                ) from exc
            self._local.depth = 1
            self._local.writing = True
            txn = self._local.txn = Txn(writing=True)
            self._local.bumps = {}
            try:
                self._runs.begin(db, txn)
                yield
                self._runs.flush(db, txn)
                self._flush()
            except BaseException:
                db.execute("ROLLBACK")
                raise
            else:
                db.execute("COMMIT")
                self._runs.committed(txn)
            finally:
                self._local.depth = 0
                self._local.writing = False
                self._local.txn = Txn()
                self._local.bumps = {}

    def close(self) -> None:
        """Close every connection this store opened."""
        with self._all_lock:
            for db in self._all:
                with suppress(sqlite3.Error):
                    db.close()
            self._all = []
        self._local = threading.local()

    # -- header and counters ------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A header value or None."""
        row = self._db().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Set a header value."""
        self._db().execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def counters(self) -> dict[str, int]:
        """Running totals."""
        self._flush()
        return {k: int(v) for k, v in self._db().execute("SELECT name, value FROM counters")}

    def bump(self, name: str, delta: int) -> None:
        """Add to a running total (written with the transaction's other changes)."""
        bumps = self._local.bumps
        bumps[name] = bumps.get(name, 0) + delta

    def _flush(self) -> None:
        """Write the counter changes this transaction has buffered."""
        bumps: dict[str, int] = getattr(self._local, "bumps", {})
        if bumps:
            self._db().executemany(
                "INSERT INTO counters (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
                list(bumps.items()),
            )
            bumps.clear()

    # -- documents ------------------------------------------------------------------------

    def _compress(self, text: str) -> tuple[int, bytes]:
        data = text.encode("utf-8", "surrogatepass")
        if len(data) < COMPRESS_FROM:
            return CODEC_PLAIN, data
        c = getattr(self._compressor, "c", None)
        if c is None:
            c = self._compressor.c = zstandard.ZstdCompressor(level=3)
        packed = c.compress(data)
        return (CODEC_ZSTD, packed) if len(packed) < len(data) else (CODEC_PLAIN, data)

    def _row(self, r: Sequence[Any]) -> StoredDocument:
        codec, body = r[15], r[16]
        if codec == CODEC_ZSTD:
            body = zstandard.ZstdDecompressor().decompress(body)
        blanks = np.frombuffer(r[14], dtype=np.int64).reshape(-1, 2).tolist()
        return StoredDocument(
            doc=r[0],
            id=r[1],
            text_id=r[2],
            added=r[3],
            date=r[4],
            meta=json.loads(r[5]),
            host=r[6],
            author=r[7],
            thread=r[8],
            lines_key=r[9],
            carrier=bool(r[10]),
            content=bytes(r[11]),
            span=(r[12], r[13]),
            blanks=[(a, b) for a, b in blanks],
            text=bytes(body).decode("utf-8", "surrogatepass"),
        )

    def find_document(self, doc_id: str) -> StoredDocument | None:
        """The document with this id, or None."""
        r = self._db().execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,))
        row = r.fetchone()
        return None if row is None else self._row(row)

    def find_documents(self, doc_ids: Sequence[str]) -> dict[str, StoredDocument]:
        """The documents with these ids that are indexed, by id (one statement for them all)."""
        db, out = self._db(), {}
        ids = list(doc_ids)
        for at in range(0, len(ids), _IDS_PER_STATEMENT):  # ids bound as they are (no JSON)
            part = ids[at : at + _IDS_PER_STATEMENT]
            marks = ",".join("?" * len(part))
            rows = db.execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id IN ({marks})", part)
            for row in rows.fetchall():
                d = self._row(row)
                out[d.id] = d
        return out

    def document(self, doc: int) -> StoredDocument:
        """The document with this internal number."""
        r = self._db().execute(f"SELECT {_DOC_COLUMNS} FROM documents WHERE doc = ?", (doc,))
        row = r.fetchone()
        if row is None:
            raise KeyError(doc)
        return self._row(row)

    def document_ids(self, docs: Sequence[int]) -> dict[int, str]:
        """Ids by internal number."""
        rows = self._db().execute(
            "SELECT doc, id FROM documents WHERE doc IN (SELECT value FROM json_each(?))",
            (json.dumps(list(docs)),),
        )
        return dict(rows.fetchall())

    def insert_document(self, row: dict[str, Any], text: str) -> int:
        """Store a new document; returns its internal number."""
        codec, body = self._compress(text)
        blanks = np.asarray(row["blanks"], dtype=np.int64).reshape(-1, 2).tobytes()
        cur = self._db().execute(
            "INSERT INTO documents (id, text_id, added, date, meta, host, author, thread, "
            "lines_key, carrier, content, span_start, span_end, blanks, n_chars, codec, body) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row["id"],
                row["text_id"],
                row.get("added", time.time()),
                row["date"],
                json.dumps(row["meta"], ensure_ascii=False, default=str),
                row["host"],
                row["author"],
                row["thread"],
                row["lines_key"],
                int(row["carrier"]),
                row["content"],
                row["span"][0],
                row["span"][1],
                blanks,
                len(text),
                codec,
                body,
            ),
        )
        return int(cur.lastrowid or 0)

    def update_sketch(
        self, doc: int, text_id: int | None, blanks: list[tuple[int, int]], span: tuple[int, int]
    ) -> None:
        """Record a document's new blanks, class and span."""
        packed = np.asarray(blanks, dtype=np.int64).reshape(-1, 2).tobytes()
        self._db().execute(
            "UPDATE documents SET text_id = ?, blanks = ?, span_start = ?, span_end = ? "
            "WHERE doc = ?",
            (text_id, packed, span[0], span[1], doc),
        )

    def set_carrier(self, doc: int, carrier: bool) -> None:
        """Mark whether a document's lines are counted."""
        self._db().execute("UPDATE documents SET carrier = ? WHERE doc = ?", (int(carrier), doc))

    def delete_document(self, doc: int) -> None:
        """Delete a document row."""
        self._db().execute("DELETE FROM documents WHERE doc = ?", (doc,))

    def members(self, text_id: int) -> list[int]:
        """Documents of a text class, oldest first."""
        rows = self._db().execute(
            "SELECT doc FROM documents WHERE text_id = ? ORDER BY doc", (text_id,)
        )
        return [r[0] for r in rows]

    def same_lines(self, lines_key: int) -> list[int]:
        """Documents with this provenance and text, oldest first."""
        rows = self._db().execute(
            "SELECT doc FROM documents WHERE lines_key = ? ORDER BY doc", (lines_key,)
        )
        return [r[0] for r in rows]

    def recent(self, limit: int, before: int | None) -> list[StoredDocument]:
        """The latest documents, newest first."""
        rows = self._db().execute(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE doc < ? ORDER BY doc DESC LIMIT ?",
            (before if before is not None else 2**62, limit),
        )
        return [self._row(r) for r in rows]

    # -- texts ------------------------------------------------------------------------------

    @staticmethod
    def _text(r: Sequence[Any]) -> StoredText:
        sig = np.frombuffer(r[6], dtype=np.uint32) if r[6] else None  # empty: in the bands
        return StoredText(r[0], bytes(r[1]), r[2], r[3], r[4], r[5], sig)

    def find_text(self, exact: bytes) -> StoredText | None:
        """The text class with this exact hash, or None."""
        row = (
            self._db()
            .execute(
                "SELECT text_id, exact, rep, grp, n_tokens, n_shingles, signature FROM texts "
                "WHERE exact = ?",
                (exact,),
            )
            .fetchone()
        )
        return None if row is None else self._text(row)

    def texts(self, text_ids: Iterable[int]) -> dict[int, StoredText]:
        """Text classes by id."""
        ids = sorted(set(text_ids))
        if not ids:
            return {}
        rows = self._db().execute(
            "SELECT text_id, exact, rep, grp, n_tokens, n_shingles, signature FROM texts "
            "WHERE text_id IN (SELECT value FROM json_each(?))",
            (json.dumps(ids),),
        )
        return {r[0]: self._text(r) for r in rows}

    def insert_text(
        self,
        exact: bytes,
        rep: int,
        grp: int,
        n_tokens: int,
        n_shingles: int,
        sig: np.ndarray | None,
    ) -> int:
        """Store a new text class; returns its id."""
        packed = b"" if sig is None else np.ascontiguousarray(sig, np.uint32).tobytes()
        cur = self._db().execute(
            "INSERT INTO texts (exact, rep, grp, n_tokens, n_shingles, signature) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (exact, rep, grp, n_tokens, n_shingles, packed),
        )
        return int(cur.lastrowid or 0)

    def update_text(self, text_id: int, rep: int, grp: int) -> None:
        """Set a class's first document and group."""
        self._db().execute(
            "UPDATE texts SET rep = ?, grp = ? WHERE text_id = ?", (rep, grp, text_id)
        )

    def delete_text(self, text_id: int) -> None:
        """Delete a class row."""
        self._db().execute("DELETE FROM texts WHERE text_id = ?", (text_id,))

    # -- postings ---------------------------------------------------------------------------

    def add_postings(
        self, kind: Kind, terms: np.ndarray, owner: int, group: int | None = None
    ) -> None:
        """Postings term -> owner (fingerprints with their text's thread), in this transaction."""
        if terms.shape[0] == 0:
            return
        txn = self._local.txn
        gid = self._runs.gid(self._db(), txn, group, create=True) if kind == "fp" else 0
        self._runs.add(txn, kind, terms, owner, gid)

    def remove_owner(self, kind: Kind, owner: int) -> None:
        """Remove every posting of an owner."""
        self._runs.remove_owner(self._db(), self._local.txn, kind, owner)

    def _lookup(self, kind: Kind, terms: np.ndarray) -> Found:
        return self._runs.lookup(self._db(), self._local.txn, kind, terms)

    def postings(self, kind: Kind, terms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every posting of the terms: (terms, owners)."""
        found = self._lookup(kind, terms)
        return found.terms, found.owners

    def term_stats(
        self, kind: Kind, terms: np.ndarray, group: int | None = None
    ) -> dict[int, TermStats]:
        """Per term found: owners, first owner and (fingerprints) groups."""
        if terms.shape[0] == 0:
            return {}
        f = self._lookup(kind, terms)
        if f.terms.shape[0] == 0:
            return {}
        order = np.lexsort((f.owners, f.terms))
        t, o, g = f.terms[order], f.owners[order], f.groups[order]
        starts = np.flatnonzero(np.r_[True, t[1:] != t[:-1]])
        counts = np.diff(np.r_[starts, t.shape[0]])
        first = o[starts]
        keys = t[starts].tolist()
        if kind != "fp":
            return {
                k: TermStats(n, m)
                for k, n, m in zip(keys, counts.tolist(), first.tolist(), strict=True)
            }
        # Groups: a thread counts once; a text without a thread is a group of its own.
        label = np.where(g == 0, -o, g)
        pair = np.lexsort((label, t))
        lt, ll = t[pair], label[pair]
        new = np.r_[True, (lt[1:] != lt[:-1]) | (ll[1:] != ll[:-1])]
        groups = np.add.reduceat(new.astype(np.int64), starts)
        gid = self._runs.gid(self._db(), self._local.txn, group, create=False)
        has = np.logical_or.reduceat(g == gid, starts) if gid > 0 else np.zeros_like(starts)
        return {
            k: TermStats(n, m, gr, bool(h))
            for k, n, m, gr, h in zip(
                keys, counts.tolist(), first.tolist(), groups.tolist(), has.tolist(), strict=True
            )
        }

    def owners(self, kind: Kind, terms: np.ndarray) -> list[tuple[int, int]]:
        """(term, owner) of every posting of the terms."""
        if terms.shape[0] == 0:
            return []
        f = self._lookup(kind, terms)
        return list(zip(f.terms.tolist(), f.owners.tolist(), strict=True))

    # -- chrome -----------------------------------------------------------------------------

    def chrome_since(self, seq: int) -> tuple[list[int], int]:
        """Chrome keys added after `seq`, and the last sequence number."""
        rows = (
            self._db()
            .execute("SELECT seq, key FROM chrome WHERE seq > ? ORDER BY seq", (seq,))
            .fetchall()
        )
        return [k for _, k in rows], (rows[-1][0] if rows else seq)

    def add_chrome(self, keys: Iterable[int]) -> None:
        """Make lines chrome."""
        self._db().executemany(
            "INSERT OR IGNORE INTO chrome (key) VALUES (?)", [(int(k),) for k in keys]
        )

    # -- maintenance --------------------------------------------------------------------------

    def maintain(self) -> int:
        """Merge FANIN runs of one level, one transaction each, while there are some."""
        merges = 0
        while True:
            with self.write():
                db = self._db()
                batch = self._runs.merge_candidates(db)
                if batch is None:
                    return merges
                kind, runs = batch
                self._runs.merge(db, self._local.txn, kind, runs)
            merges += 1

    def runs(self) -> list[tuple[str, int, int, int]]:
        """(kind, run, postings, blocks) of every run."""
        rows = self._db().execute("SELECT kind, run, postings, blocks FROM runs ORDER BY run")
        return [(k, r, p, b) for k, r, p, b in rows]

    def size(self, tables: bool = False) -> dict[str, int]:
        """Bytes on disk: the file, its WAL, free pages; with `tables`, per table (dbstat, when
        built in; it reads every page)."""
        db = self._db()
        page = int(db.execute("PRAGMA page_size").fetchone()[0])
        pages = int(db.execute("PRAGMA page_count").fetchone()[0])
        free = int(db.execute("PRAGMA freelist_count").fetchone()[0])
        wal = Path(self.path + "-wal")
        out = {
            "file_bytes": Path(self.path).stat().st_size,
            "wal_bytes": wal.stat().st_size if wal.exists() else 0,
            "used_bytes": (pages - free) * page,
            "free_bytes": free * page,
        }
        if not tables:
            return out
        try:
            for name, size in db.execute(
                "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
            ):
                out[f"table:{name}"] = int(size)
        except sqlite3.OperationalError:  # SQLite built without dbstat
            pass
        return out

    def check(self) -> list[str]:
        """SQLite's integrity check, then the index's own invariants."""
        db = self._db()
        problems = [r[0] for r in db.execute("PRAGMA integrity_check") if r[0] != "ok"]
        queries = {
            "documents whose text class is missing": "SELECT count(*) FROM documents d WHERE "
            "d.text_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM texts t WHERE "
            "t.text_id = d.text_id)",
            "text classes without documents": "SELECT count(*) FROM texts t WHERE NOT EXISTS "
            "(SELECT 1 FROM documents d WHERE d.text_id = t.text_id)",
            "text classes whose first document is wrong": "SELECT count(*) FROM texts t WHERE "
            "t.rep != (SELECT min(doc) FROM documents d WHERE d.text_id = t.text_id)",
            "documents counted wrongly": "SELECT (SELECT count(*) FROM documents) != "
            "coalesce((SELECT value FROM counters WHERE name = 'documents'), 0)",
        }
        for what, sql in queries.items():
            n = int(db.execute(sql).fetchone()[0])
            if n:
                problems.append(f"{what}: {n}")
        bad_runs, live = self._runs.audit(db, self._local.txn)
        if bad_runs:
            problems.append(f"runs whose blocks do not hold their postings: {bad_runs}")
        texts = np.fromiter((r[0] for r in db.execute("SELECT text_id FROM texts")), np.int64)
        docs = np.fromiter((r[0] for r in db.execute("SELECT doc FROM documents")), np.int64)
        gids = np.fromiter((r[0] for r in db.execute("SELECT gid FROM threads")), np.int64)
        counts = {
            "text classes without band postings": np.setdiff1d(texts, live["band"].owners),
            "band postings of missing texts": np.setdiff1d(live["band"].owners, texts),
            "fingerprint postings of missing texts": np.setdiff1d(live["fp"].owners, texts),
            "fingerprint postings of unknown threads": np.setdiff1d(
                live["fp"].groups, np.r_[0, gids]
            ),
            "line postings of missing documents": np.setdiff1d(live["line"].owners, docs),
        }
        for what, missing in counts.items():
            if missing.shape[0]:
                problems.append(f"{what}: {missing.shape[0]}")
        return problems


def _retry(func: Any, attempts: int = 50) -> Any:
    """Run a statement again while SQLite says the database is busy (WAL's rare moments)."""
    for attempt in range(attempts):
        try:
            return func()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if attempt == attempts - 1:
                raise IndexBusyError(str(exc)) from exc
            time.sleep(0.01 * (attempt + 1))
    return None
