"""Postings kept in runs of compressed blocks, with removals as tombstones (the SQLite side).

`SQLiteStorage` keeps the index's three kinds of postings (term -> owner: band keys and passage
fingerprints -> texts, line keys -> documents) here, as in a log-structured merge tree:

- Each write transaction buffers its postings in memory and, when it commits, writes them as one
  new **run** per kind: sorted by (term, owner), cut into blocks of `blocks.BLOCK` postings,
  each block one row of `blocks` (id = run << 24 | block number), compressed by
  `copytrace.index.blocks`. The run's row in `runs` holds its blocks' first terms (fences).
- Runs are never changed. FANIN runs of one size class (level) are merged into one, each merge
  one transaction, up to runs of MAX_MERGE_LEVEL; so a kind has a few runs of each size. A
  kind with many tombstones has its oldest run rewritten alone (COMPACT_TOMBSTONES).
- Removing an owner's postings writes a **tombstone** (`removed`: kind, owner, upto = the last
  run then): postings of that owner in runs numbered up to `upto` are no longer there. Lookups
  skip them, merges drop them, and a tombstone older than every run of its kind is deleted.
  Postings of line keys that became chrome are dropped by merges too (no lookup asks for them).
- Each run has a Bloom filter of its terms (`blocks.BLOOM_BITS` bits a posting). A lookup asks
  each run's filter which wanted terms it may hold, finds the blocks whose fence range may hold
  those (a binary search of the fences), reads those blocks in one statement and decodes only
  the wanted postings. Fences and filters are cached in memory per run (runs never change).
  Most terms a query looks up are in no run or in one, so it reads about one block a term
  rather than one a term and run.

Passage fingerprint postings carry the thread of their text as a small number (`threads`: one
row per thread key, numbered from 1; 0 is no thread).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import numpy as np

from copytrace.index import blocks
from copytrace.index.schema import IndexFormatError

Kind = Literal["band", "fp", "line"]
KINDS: tuple[Kind, ...] = ("band", "fp", "line")

#: A block's id is its run << BLOCK_ID_BITS | its number in the run.
BLOCK_ID_BITS = 24
#: Runs of FANIN^level x MERGE_BASE postings or more are at `level`; FANIN runs of one level
#: merge into one; runs at MAX_MERGE_LEVEL (4M postings and more) are not merged again, which
#: bounds a merge to 16M postings (about 400 MB of memory while it runs).
MERGE_BASE = 1 << 12
FANIN = 4
MAX_MERGE_LEVEL = 5
#: A kind's tombstones are deleted once every run they may cover is merged away; a run at
#: MAX_MERGE_LEVEL is never merged again, so without more they would only grow. When a kind
#: has COMPACT_TOMBSTONES tombstones or more, and one for every COMPACT_OWNERS of its live
#: owners (about a quarter of its postings are then dead), maintenance rewrites its oldest run
#: alone, without the postings they remove, as the newest run; run after run, until the
#: tombstones left are fewer: each is deleted once no run as old as it is left. Such a round
#: rewrites every old run, so it waits until it drops many postings.
COMPACT_TOMBSTONES = 1 << 14
COMPACT_OWNERS = 3
#: The counter of each kind's live owners: texts own band and fingerprint postings, documents
#: line postings.
OWNER_COUNTER: dict[str, str] = {"band": "texts", "fp": "texts", "line": "documents"}
#: Tombstones are looked up in a table indexed by owner while owner ids stay below this
#: (8 bytes an id: 64 MB at most); above it, by binary search.
DENSE_OWNERS = 1 << 23
#: A run number above every stored one: postings of the open transaction.
PENDING_RUN = 1 << 62


def _check_blocks(buf: np.ndarray, starts: np.ndarray, ids: np.ndarray) -> None:
    bad = blocks.first_bad(buf, starts)
    if bad >= 0:
        raise IndexFormatError(
            f"posting block {int(ids[bad])} is damaged; the index cannot be read "
            "(copytrace index stats --check tells more)."
        )


def highest_upto(t_owner: np.ndarray, t_upto: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The tombstoned owners (`t_owner` sorted) and the highest `upto` of each, which covers
    the owner's other tombstones."""
    if t_owner.shape[0] == 0:
        return t_owner, t_upto
    starts = np.flatnonzero(np.r_[True, t_owner[1:] != t_owner[:-1]])
    return t_owner[starts], np.maximum.reduceat(t_upto, starts)


def covered_upto(uniq: np.ndarray, top: np.ndarray, owners: np.ndarray) -> np.ndarray:
    """For each owner, the run up to which a tombstone removes its postings (-1: none);
    `uniq` are the tombstoned owners, sorted, and `top` their highest `upto`."""
    hi = int(uniq[-1])
    many = owners.shape[0] > 0 and owners.shape[0] >= hi // 8  # a merge, not a lookup
    if many and uniq[0] >= 0 and hi < DENSE_OWNERS and int(owners.min()) >= 0:
        # Owner ids are small and dense: one table lookup a posting instead of a binary search
        # (a merge checks millions of postings against thousands of tombstones); building the
        # table costs a pass over hi entries, which only many postings repay.
        table = np.full(hi + 2, -1, dtype=np.int64)
        table[uniq] = top
        return table[np.minimum(owners, hi + 1)]
    at = np.minimum(np.searchsorted(uniq, owners), uniq.shape[0] - 1)
    return np.where(uniq[at] == owners, top[at], -1)


class Found(NamedTuple):
    """Postings found: parallel arrays of terms, owners and groups (thread numbers)."""

    terms: np.ndarray
    owners: np.ndarray
    groups: np.ndarray

    @classmethod
    def empty(cls) -> Found:
        """No posting."""
        e = np.empty(0, dtype=np.int64)
        return cls(e, e, e)


@dataclass
class Txn:
    """What one thread's snapshot or transaction holds: its tombstone horizon and, while
    writing, the postings, tombstones and thread numbers not yet committed."""

    seq: int = 0
    writing: bool = False
    pending: dict[str, list[tuple[np.ndarray, int, int]]] = field(default_factory=dict)
    #: The owners with pending postings, per kind (most removals have none to drop).
    pending_owners: dict[str, set[int]] = field(default_factory=dict)
    removed: list[tuple[str, int, int]] = field(default_factory=list)
    new_gids: dict[int, int] = field(default_factory=dict)


def _owners(db: sqlite3.Connection, kind: str) -> int:
    """How many owners of a kind's postings are live (0 where no counter is kept)."""
    row = db.execute("SELECT value FROM counters WHERE name = ?", (OWNER_COUNTER[kind],))
    found = row.fetchone()
    return int(found[0]) if found else 0


def level_of(postings: int) -> int:
    """The size class of a run."""
    level = 0
    size = MERGE_BASE * FANIN
    while postings >= size:
        level += 1
        size *= FANIN
    return level


class _Tombstones:
    """Tombstones read so far (only ever appended to, so read incrementally by `seq`)."""

    def __init__(self) -> None:
        self.seq = 0
        self.rows: dict[str, list[tuple[int, int, int]]] = {k: [] for k in KINDS}
        self._arrays: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._covering: dict[str, tuple[np.ndarray, np.ndarray, int]] = {}

    def add(self, rows: list[tuple[int, str, int, int]]) -> None:
        for seq, kind, owner, upto in rows:
            self.rows[kind].append((owner, upto, seq))
            self._arrays.pop(kind, None)
            self._covering.pop(kind, None)
            self.seq = max(self.seq, seq)

    def covering(self, kind: str) -> tuple[np.ndarray, np.ndarray, int]:
        """(owners, highest upto of each, newest seq) of all of a kind's tombstones: what every
        snapshot that sees them all applies (kept, as lookups ask for it again and again)."""
        found = self._covering.get(kind)
        if found is None:
            t_owner, t_upto, t_seq = self.arrays(kind)
            uniq, top = highest_upto(t_owner, t_upto)
            found = (uniq, top, int(t_seq.max()) if t_seq.shape[0] else 0)
            self._covering[kind] = found
        return found

    def arrays(self, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(owners, upto, seq), sorted by owner."""
        found = self._arrays.get(kind)
        if found is None:
            rows = self.rows[kind]
            a = np.asarray(rows, dtype=np.int64).reshape(-1, 3)
            order = np.argsort(a[:, 0], kind="stable")
            a = a[order]
            found = (a[:, 0].copy(), a[:, 1].copy(), a[:, 2].copy())
            self._arrays[kind] = found
        return found


class PostingRuns:
    """The postings of one index file; shared by the threads of one `SQLiteStorage`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fences: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._joined: dict[
            tuple[int, ...], tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
        ] = {}
        self._tombs = _Tombstones()
        self._gids: dict[int, int] = {}

    # -- snapshots --------------------------------------------------------------------------

    def begin(self, db: sqlite3.Connection, txn: Txn) -> None:
        """At the start of a snapshot or transaction: read new tombstones, note the horizon."""
        top = int(db.execute("SELECT coalesce(max(seq), 0) FROM removed").fetchone()[0])
        with self._lock:
            if top > self._tombs.seq:
                rows = db.execute(
                    "SELECT seq, kind, owner, upto FROM removed WHERE seq > ? ORDER BY seq",
                    (self._tombs.seq,),
                ).fetchall()
                self._tombs.add(rows)
        txn.seq = top

    def committed(self, txn: Txn) -> None:
        """After a commit: thread numbers made by the transaction are known for good."""
        if txn.new_gids:
            with self._lock:
                self._gids.update(txn.new_gids)

    # -- thread numbers ---------------------------------------------------------------------

    def gid(self, db: sqlite3.Connection, txn: Txn, grp: int | None, create: bool) -> int:
        """The small number of a thread key (0 for none; -1 when unknown and not created)."""
        if not grp:
            return 0
        known = self._gids.get(grp) or txn.new_gids.get(grp)
        if known:
            return known
        row = db.execute("SELECT gid FROM threads WHERE grp = ?", (grp,)).fetchone()
        if row is not None:
            if not txn.writing:
                with self._lock:
                    self._gids[grp] = int(row[0])
            else:
                txn.new_gids[grp] = int(row[0])
            return int(row[0])
        if not create:
            return -1
        gid = int(db.execute("INSERT INTO threads (grp) VALUES (?)", (grp,)).lastrowid or 0)
        txn.new_gids[grp] = gid
        return gid

    # -- writing ----------------------------------------------------------------------------

    @staticmethod
    def add(txn: Txn, kind: Kind, terms: np.ndarray, owner: int, gid: int) -> None:
        """Postings term -> owner, written when the transaction commits."""
        if terms.shape[0]:
            values = np.ascontiguousarray(terms).view(np.int64).copy()
            txn.pending.setdefault(kind, []).append((values, owner, gid))
            txn.pending_owners.setdefault(kind, set()).add(owner)

    @staticmethod
    def remove_owner(db: sqlite3.Connection, txn: Txn, kind: Kind, owner: int) -> None:
        """Remove every posting of an owner: from this transaction's, and by a tombstone."""
        owners = txn.pending_owners.get(kind)
        if owners and owner in owners:
            txn.pending[kind] = [c for c in txn.pending[kind] if c[1] != owner]
            owners.discard(owner)
        upto = int(db.execute("SELECT coalesce(max(run), 0) FROM runs").fetchone()[0])
        has_run = db.execute(
            "SELECT 1 FROM runs WHERE kind = ? AND run <= ? LIMIT 1", (kind, upto)
        ).fetchone()
        if has_run is None:
            return
        db.execute("INSERT INTO removed (kind, owner, upto) VALUES (?, ?, ?)", (kind, owner, upto))
        txn.removed.append((kind, owner, upto))

    def flush(self, db: sqlite3.Connection, txn: Txn) -> None:
        """Write the transaction's postings as one new run per kind."""
        for kind, chunks in txn.pending.items():
            if not chunks:
                continue
            terms = np.concatenate([c[0] for c in chunks])
            sizes = [c[0].shape[0] for c in chunks]
            owners = np.repeat(np.asarray([c[1] for c in chunks], dtype=np.int64), sizes)
            groups = np.repeat(np.asarray([c[2] for c in chunks], dtype=np.int64), sizes)
            order = np.lexsort((owners, terms))
            self.write_run(db, kind, terms, owners, groups, order)
        txn.pending = {}
        txn.pending_owners = {}

    @staticmethod
    def write_run(
        db: sqlite3.Connection,
        kind: str,
        terms: np.ndarray,
        owners: np.ndarray,
        groups: np.ndarray,
        order: np.ndarray,
    ) -> int:
        buf, starts, fences = blocks.encode(terms, owners, groups, order, blocks.BLOCK)
        filt = blocks.bloom(terms, blocks.BLOOM_BITS, blocks.BLOOM_HASHES)
        run = int(
            db.execute(
                "INSERT INTO runs (kind, postings, blocks, fences, filter) VALUES (?, ?, ?, ?, ?)",
                (kind, int(order.shape[0]), int(fences.shape[0]), fences.tobytes(), filt.data),
            ).lastrowid
            or 0
        )
        view = buf.data
        cuts = starts.tolist()
        base = run << BLOCK_ID_BITS
        db.executemany(
            "INSERT INTO blocks (id, data) VALUES (?, ?)",
            ((base + b, view[cuts[b] : cuts[b + 1]]) for b in range(len(cuts) - 1)),
        )
        return run

    # -- reading ------------------------------------------------------------------------------

    def _index_of(self, db: sqlite3.Connection, run: int) -> tuple[np.ndarray, np.ndarray]:
        """A run's fences and Bloom filter (read once: runs never change)."""
        found = self._fences.get(run)
        if found is None:
            row = db.execute("SELECT fences, filter FROM runs WHERE run = ?", (run,)).fetchone()
            found = (np.frombuffer(row[0], dtype=np.int64), np.frombuffer(row[1], dtype=np.uint8))
            with self._lock:
                if len(self._fences) > 4096:
                    self._fences.clear()
                self._fences[run] = found
        return found

    def _indexes(
        self, db: sqlite3.Connection, runs: tuple[int, ...]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The fences and filters of runs, each kind concatenated (kept for the same runs)."""
        with self._lock:
            found = self._joined.get(runs)
        if found is None:
            parts = [self._index_of(db, run) for run in runs]
            fence_at = np.zeros(len(runs) + 1, dtype=np.int64)
            np.cumsum([p[0].shape[0] for p in parts], out=fence_at[1:])
            filter_at = np.zeros(len(runs) + 1, dtype=np.int64)
            np.cumsum([p[1].shape[0] for p in parts], out=filter_at[1:])
            empty8, empty64 = np.empty(0, np.uint8), np.empty(0, np.int64)
            found = (
                np.concatenate([empty64] + [p[0] for p in parts]),
                fence_at,
                np.concatenate([empty8] + [p[1] for p in parts]),
                filter_at,
            )
            with self._lock:
                if len(self._joined) > 64:
                    self._joined.clear()
                self._joined[runs] = found
        return found

    def _fences_of(self, db: sqlite3.Connection, run: int) -> np.ndarray:
        return self._index_of(db, run)[0]

    def lookup(self, db: sqlite3.Connection, txn: Txn, kind: Kind, terms: np.ndarray) -> Found:
        """Every live posting of the terms."""
        wanted = np.unique(np.ascontiguousarray(terms).view(np.int64))
        if wanted.shape[0] == 0:
            return Found.empty()
        runs = tuple(
            r[0] for r in db.execute("SELECT run FROM runs WHERE kind = ? ORDER BY run", (kind,))
        )
        fences, fence_at, filters, filter_at = self._indexes(db, runs)
        ids, firsts = blocks.blocks_to_read(
            wanted,
            fences,
            fence_at,
            filters,
            filter_at,
            np.asarray(runs, dtype=np.int64),
            BLOCK_ID_BITS,
        )
        parts = [Found.empty()]
        run_parts = [np.empty(0, dtype=np.int64)]
        if ids.shape[0]:
            found = self._read_blocks(db, ids, firsts, wanted)
            parts.append(found[0])
            run_parts.append(found[1])
        chunks = txn.pending.get(kind)
        if chunks:
            mine = self._pending(chunks, wanted)
            parts.append(mine)
            run_parts.append(np.full(mine.terms.shape[0], PENDING_RUN, dtype=np.int64))
        out = Found(*(np.concatenate([p[i] for p in parts]) for i in range(3)))
        runs_of = np.concatenate(run_parts)
        alive = self._alive(txn, kind, out.owners, runs_of)
        if alive is None:
            return out
        return Found(out.terms[alive], out.owners[alive], out.groups[alive])

    @staticmethod
    def _read_blocks(
        db: sqlite3.Connection, ids: np.ndarray, firsts: np.ndarray, wanted: np.ndarray
    ) -> tuple[Found, np.ndarray]:
        rows = db.execute(
            "SELECT id, data FROM blocks WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(ids.tolist()),),
        ).fetchall()
        got = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        where = np.searchsorted(ids, got)  # ids are sorted: runs in order, numbers unique
        data = [r[1] for r in rows]
        starts = np.zeros(len(data) + 1, dtype=np.int64)
        np.cumsum([len(d) for d in data], out=starts[1:])
        buf = np.frombuffer(b"".join(data), dtype=np.uint8)
        _check_blocks(buf, starts, got)
        t, o, g, r = blocks.find(buf, starts, firsts[where], got >> BLOCK_ID_BITS, wanted)
        return Found(t, o, g), r

    @staticmethod
    def _pending(chunks: list[tuple[np.ndarray, int, int]], wanted: np.ndarray) -> Found:
        terms = np.concatenate([c[0] for c in chunks])
        sizes = [c[0].shape[0] for c in chunks]
        hit = np.isin(terms, wanted)
        if not hit.any():
            return Found.empty()
        owners = np.repeat(np.asarray([c[1] for c in chunks], dtype=np.int64), sizes)
        groups = np.repeat(np.asarray([c[2] for c in chunks], dtype=np.int64), sizes)
        return Found(terms[hit], owners[hit], groups[hit])

    def _alive(
        self, txn: Txn, kind: str, owners: np.ndarray, runs: np.ndarray
    ) -> np.ndarray | None:
        """Which postings no tombstone covers (None: all of them)."""
        with self._lock:
            t_owner, t_upto, t_seq = self._tombs.arrays(kind)
            uniq, top, newest = self._tombs.covering(kind)
        mine = [(o, u) for k, o, u in txn.removed if k == kind]
        if t_owner.shape[0] == 0 and not mine:
            return None
        if mine or newest > txn.seq:  # this transaction's own, or some this snapshot must not see
            if newest > txn.seq:
                visible = t_seq <= txn.seq
                t_owner, t_upto = t_owner[visible], t_upto[visible]
            if mine:
                extra = np.asarray(mine, dtype=np.int64).reshape(-1, 2)
                t_owner = np.concatenate([t_owner, extra[:, 0]])
                t_upto = np.concatenate([t_upto, extra[:, 1]])
                order = np.argsort(t_owner, kind="stable")
                t_owner, t_upto = t_owner[order], t_upto[order]
            uniq, top = highest_upto(t_owner, t_upto)
        if uniq.shape[0] == 0 or owners.shape[0] == 0:
            return None
        dead = runs <= covered_upto(uniq, top, owners)
        return None if not dead.any() else ~dead

    # -- whole runs -----------------------------------------------------------------------------

    def _read_run(self, db: sqlite3.Connection, run: int) -> Found:
        lo = run << BLOCK_ID_BITS
        rows = db.execute(
            "SELECT data FROM blocks WHERE id >= ? AND id < ? ORDER BY id",
            (lo, lo + (1 << BLOCK_ID_BITS)),
        ).fetchall()
        data = [r[0] for r in rows]
        starts = np.zeros(len(data) + 1, dtype=np.int64)
        np.cumsum([len(d) for d in data], out=starts[1:])
        buf = np.frombuffer(b"".join(data), dtype=np.uint8)
        fences = self._fences_of(db, run)
        if fences.shape[0] != len(data):
            raise IndexFormatError(
                f"run {run} has {len(data)} blocks and {fences.shape[0]} fences; the index is "
                "damaged (copytrace index stats --check tells more)."
            )
        _check_blocks(buf, starts, (run << BLOCK_ID_BITS) + np.arange(len(data)))
        return Found(*blocks.decode(buf, starts, fences))

    def audit(self, db: sqlite3.Connection, txn: Txn) -> tuple[int, dict[str, Found]]:
        """How many runs' blocks do not hold what their row says, and the distinct terms,
        owners and groups of the live postings of each kind (in the sound runs)."""
        bad = 0
        live: dict[str, Found] = {}
        for kind in KINDS:
            parts = [Found.empty()]
            for run, postings, n_blocks in db.execute(
                "SELECT run, postings, blocks FROM runs WHERE kind = ?", (kind,)
            ).fetchall():
                lo = run << BLOCK_ID_BITS
                stored = db.execute(
                    "SELECT count(*) FROM blocks WHERE id >= ? AND id < ?",
                    (lo, lo + (1 << BLOCK_ID_BITS)),
                ).fetchone()[0]
                if stored != n_blocks or self._fences_of(db, run).shape[0] != n_blocks:
                    bad += 1
                    continue
                try:
                    f = self._read_run(db, run)
                except IndexFormatError:
                    bad += 1
                    continue
                if f.terms.shape[0] != postings or bool(np.any(f.terms[1:] < f.terms[:-1])):
                    bad += 1
                    continue
                filt = self._index_of(db, run)[1]
                if not blocks.maybe_in(filt, f.terms, blocks.BLOOM_HASHES).all():
                    bad += 1
                    continue
                alive = self._alive(txn, kind, f.owners, np.full(f.owners.shape[0], run))
                if alive is not None:
                    f = Found(f.terms[alive], f.owners[alive], f.groups[alive])
                parts.append(f)
            live[kind] = Found(
                *(np.unique(np.concatenate([p[i] for p in parts])) for i in range(3))
            )
        return bad, live

    # -- merging ------------------------------------------------------------------------------

    @staticmethod
    def merge_candidates(db: sqlite3.Connection) -> tuple[Kind, list[int]] | None:
        """FANIN runs of one kind and level (the lowest level first, oldest runs first); else
        the oldest run of a kind with many tombstones, alone (see COMPACT_TOMBSTONES)."""
        rows = db.execute("SELECT kind, run, postings FROM runs ORDER BY run").fetchall()
        levels: dict[tuple[str, int], list[int]] = {}
        for kind, run, postings in rows:
            level = level_of(postings)
            if level < MAX_MERGE_LEVEL:
                levels.setdefault((kind, level), []).append(run)
        for (kind, _), runs in sorted(levels.items(), key=lambda kv: kv[0][1]):
            if len(runs) >= FANIN:
                return kind, runs[:FANIN]  # type: ignore[return-value]
        for each in KINDS:  # a merge of one run: the kind's oldest, rewritten without its dead
            mine = [(int(run), int(n)) for k, run, n in rows if k == each]
            if not mine:
                continue
            tombstones = db.execute(
                "SELECT count(*) FROM removed WHERE kind = ?", (each,)
            ).fetchone()[0]
            if tombstones >= max(COMPACT_TOMBSTONES, _owners(db, each) // COMPACT_OWNERS):
                return each, [mine[0][0]]
        return None

    def merge(self, db: sqlite3.Connection, txn: Txn, kind: Kind, runs: list[int]) -> None:
        """Merge runs into a new one, dropping removed postings (and chrome line keys)."""
        chrome = None
        if kind == "line":
            keys = [r[0] for r in db.execute("SELECT key FROM chrome")]
            chrome = np.unique(np.asarray(keys, dtype=np.int64))
        parts = []
        for run in runs:
            f = self._read_run(db, run)
            keep = self._alive(txn, kind, f.owners, np.full(f.owners.shape[0], run))
            if chrome is not None and chrome.shape[0]:
                not_chrome = ~np.isin(f.terms, chrome)
                keep = not_chrome if keep is None else keep & not_chrome
            if keep is not None:
                f = Found(f.terms[keep], f.owners[keep], f.groups[keep])
            parts.append(f)
        terms = np.concatenate([p.terms for p in parts])
        owners = np.concatenate([p.owners for p in parts])
        groups = np.concatenate([p.groups for p in parts])
        bounds = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum([p.terms.shape[0] for p in parts], out=bounds[1:])
        marks = ",".join("?" * len(runs))
        if terms.shape[0]:
            order = blocks.merge_order(terms, owners, bounds)
            self.write_run(db, kind, terms, owners, groups, order)
        for run in runs:
            lo = run << BLOCK_ID_BITS
            db.execute(
                "DELETE FROM blocks WHERE id >= ? AND id < ?", (lo, lo + (1 << BLOCK_ID_BITS))
            )
        db.execute(f"DELETE FROM runs WHERE run IN ({marks})", runs)
        # Tombstones older than every run of their kind cover nothing any more.
        db.execute(
            "DELETE FROM removed WHERE kind = ? AND upto < "
            "coalesce((SELECT min(run) FROM runs WHERE kind = ?), 1 << 62)",
            (kind, kind),
        )
