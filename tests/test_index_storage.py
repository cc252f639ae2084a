"""The index's storage: one contract suite every backend passes, and SQLite's own guarantees."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from copytrace.index import postings, schema
from copytrace.index.schema import IndexFormatError, migrate
from copytrace.index.storage import SQLiteStorage, Storage

#: Every storage backend; each must pass the whole suite.
BACKENDS: dict[str, Callable[[Path], Storage]] = {"sqlite": lambda p: SQLiteStorage(p / "i.db")}


@pytest.fixture(params=sorted(BACKENDS))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    s = BACKENDS[request.param](tmp_path)
    yield s
    s.close()


def _doc_row(doc_id: str, lines_key: int = 1) -> dict[str, object]:
    return {
        "id": doc_id,
        "text_id": None,
        "date": None,
        "meta": {"k": "v"},
        "host": None,
        "author": None,
        "thread": 0,
        "lines_key": lines_key,
        "carrier": True,
        "content": b"c" * 16,
        "span": (0, 5),
        "blanks": [(1, 2)],
    }


def terms(*values: int) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def test_documents_round_trip_with_long_and_short_texts(store: Storage) -> None:
    long_text = "a fairly long text that is worth compressing " * 20 + "é \U0001f600"
    with store.write():
        first = store.insert_document(_doc_row("d1"), long_text)
        second = store.insert_document(_doc_row("d2"), "short")
    assert second > first
    with store.read():
        d = store.find_document("d1")
        assert d is not None and d.text == long_text and d.meta == {"k": "v"}
        assert d.blanks == [(1, 2)] and d.span == (0, 5) and d.carrier
        assert store.document(second).text == "short"
        assert store.find_document("nope") is None
        assert store.document_ids([first, second]) == {first: "d1", second: "d2"}
        assert [x.id for x in store.recent(10, None)] == ["d2", "d1"]
        assert [x.id for x in store.recent(10, second)] == ["d1"]


def test_a_failed_write_leaves_nothing(store: Storage) -> None:
    with pytest.raises(RuntimeError), store.write():
        store.insert_document(_doc_row("d1"), "text")
        store.add_postings("band", terms(1, 2), 7)
        store.bump("documents", 1)
        raise RuntimeError("crash")
    with store.read():
        assert store.find_document("d1") is None
        assert store.term_stats("band", terms(1, 2)) == {}
        assert store.counters().get("documents", 0) == 0


def test_postings_stats_owners_and_removal(store: Storage) -> None:
    with store.write():
        store.add_postings("band", terms(10, 20, 30), 1)
        store.add_postings("band", terms(10, 20), 2)
        store.add_postings("fp", terms(5, 6), 1, group=0)
        store.add_postings("fp", terms(5), 2, group=9)
        store.add_postings("fp", terms(5), 3, group=9)
    with store.read():
        stats = store.term_stats("band", terms(10, 30, 99))
        assert stats[10].count == 2 and stats[10].first == 1 and stats[30].count == 1
        assert 99 not in stats
        assert sorted(store.owners("band", terms(20))) == [(20, 1), (20, 2)]
        fp = store.term_stats("fp", terms(5), group=9)
        # Texts 2 and 3 are one thread (group 9): three texts, two groups.
        assert fp[5].count == 3 and fp[5].groups == 2 and fp[5].has_group
    with store.write():
        store.remove_owner("band", 2)
        store.add_postings("band", terms(40), 5)
        store.remove_owner("band", 5)  # added in this transaction: gone before it is written
    with store.read():
        assert store.term_stats("band", terms(10))[10].count == 1
        assert store.term_stats("band", terms(40)) == {}
        assert sorted(store.owners("band", terms(10, 20, 30))) == [(10, 1), (20, 1), (30, 1)]
        # Fingerprints of another thread: the group is unknown, so not among them.
        assert not store.term_stats("fp", terms(5), group=77)[5].has_group


def test_runs_are_merged_without_losing_postings_or_bringing_back_removed_ones(
    store: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postings, "MERGE_BASE", 1)
    rng = np.random.default_rng(1)
    expected: dict[int, set[int]] = {}
    for owner in range(1, 80):
        values = rng.integers(-(2**62), 2**62, size=3)
        values[0] = 42  # one term every owner shares
        with store.write():
            store.add_postings("band", values, owner)
            if owner % 7 == 0:  # an owner written by an earlier transaction, in some run
                store.remove_owner("band", owner // 2)
                for v in expected.values():
                    v.discard(owner // 2)
        for v in values.tolist():
            expected.setdefault(v, set()).add(owner)
        store.maintain()
    expected = {t: o for t, o in expected.items() if o}
    runs = store.runs()  # type: ignore[attr-defined]
    assert len(runs) < 20  # merged: fewer runs than transactions
    with store.read():
        found: dict[int, set[int]] = {}
        for term, owner in store.owners("band", np.asarray(sorted(expected), np.int64)):
            found.setdefault(term, set()).add(owner)
        assert found == expected
        assert store.term_stats("band", terms(42))[42].count == len(expected[42])
        problems = store.check()  # no text rows here: only the runs themselves must be sound
        assert not [p for p in problems if "runs" in p], problems


def test_old_runs_are_rewritten_only_once_many_of_their_owners_are_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rewriting the old runs to drop tombstones waits until one owner in four is gone: a
    # round rewrites every old run, so it must drop many postings to be worth its writes.
    monkeypatch.setattr(postings, "MAX_MERGE_LEVEL", 0)
    monkeypatch.setattr(postings, "COMPACT_TOMBSTONES", 3)
    store = SQLiteStorage(tmp_path / "i.db")
    for owner in range(1, 91):
        with store.write():
            store.add_postings("band", terms(7, 1000 + owner), owner)
            store.bump("texts", 1)

    def tombstones() -> int:
        db = sqlite3.connect(tmp_path / "i.db")
        try:
            return int(db.execute("SELECT count(*) FROM removed").fetchone()[0])
        finally:
            db.close()

    for owner in range(1, 21):  # 20 gone, 70 live: fewer than one tombstone for 3 owners
        with store.write():
            store.remove_owner("band", owner)
            store.bump("texts", -1)
        store.maintain()
    assert tombstones() == 20
    for owner in range(21, 31):  # 30 gone, 60 live: now one for every 2
        with store.write():
            store.remove_owner("band", owner)
            store.bump("texts", -1)
        store.maintain()
    # Old runs were rewritten until fewer tombstones than one for every 3 live owners were left.
    assert tombstones() < 60 // 3
    with store.read():
        assert {o for _, o in store.owners("band", terms(7))} == set(range(31, 91))


def test_tombstones_do_not_pile_up_behind_runs_that_are_never_merged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No run is merged (every run is at the last level): only rewriting the oldest run alone
    # lets its tombstones go.
    monkeypatch.setattr(postings, "MAX_MERGE_LEVEL", 0)
    monkeypatch.setattr(postings, "COMPACT_TOMBSTONES", 3)
    store = SQLiteStorage(tmp_path / "i.db")
    alive = set(range(1, 41))
    for owner in sorted(alive):
        with store.write():
            store.add_postings("band", terms(7, 1000 + owner), owner)
    for owner in range(1, 41, 2):
        with store.write():
            store.remove_owner("band", owner)
        alive.discard(owner)
        store.maintain()
    db = sqlite3.connect(tmp_path / "i.db")
    left = db.execute("SELECT count(*) FROM removed").fetchone()[0]
    db.close()
    assert left < 3  # without rewriting: 20, one per removal, for good
    with store.read():
        assert {o for _, o in store.owners("band", terms(7))} == alive
        assert store.owners("band", terms(1001)) == []
        assert store.owners("band", terms(1002)) == [(1002, 2)]
        assert not [p for p in store.check() if "runs" in p]
    store.close()


def test_a_reader_keeps_its_snapshot_while_a_writer_removes(tmp_path: Path) -> None:
    writer = SQLiteStorage(tmp_path / "i.db")
    reader = SQLiteStorage(tmp_path / "i.db")
    with writer.write():
        writer.add_postings("band", terms(1, 2), 1)
        writer.add_postings("band", terms(1), 2)
    with reader.read():
        assert reader.term_stats("band", terms(1))[1].count == 2
        with writer.write():
            writer.remove_owner("band", 2)
        with writer.read():
            assert writer.term_stats("band", terms(1))[1].count == 1
        assert reader.term_stats("band", terms(1))[1].count == 2  # still its snapshot
    with reader.read():
        assert reader.term_stats("band", terms(1))[1].count == 1
    writer.close()
    reader.close()


def test_a_snapshot_ignores_tombstones_another_thread_read_after_it_began(
    tmp_path: Path,
) -> None:
    """Threads share one store's tombstones (and their cover, kept between lookups): a reader
    whose snapshot began before a removal keeps seeing the removed postings."""
    import threading

    store = SQLiteStorage(tmp_path / "i.db")
    with store.write():
        store.add_postings("band", terms(1, 2), 1)
        store.add_postings("band", terms(1), 2)
        store.add_postings("band", terms(1), 3)
        store.remove_owner("band", 3)

    def remove_and_read() -> None:
        with store.write():
            store.remove_owner("band", 2)
        with store.read():  # reads the new tombstone into the shared ones
            assert store.term_stats("band", terms(1))[1].count == 1

    with store.read():
        assert store.term_stats("band", terms(1))[1].count == 2  # the cover is kept from here
        worker = threading.Thread(target=remove_and_read)
        worker.start()
        worker.join()
        assert store.term_stats("band", terms(1))[1].count == 2  # still its snapshot
    with store.read():
        assert store.term_stats("band", terms(1))[1].count == 1
    store.close()


def test_chrome_keys_are_read_incrementally(store: Storage) -> None:
    with store.write():
        store.add_chrome([5, 3])
    with store.read():
        keys, seq = store.chrome_since(0)
    with store.write():
        store.add_chrome([3, 8])
    with store.read():
        more, last = store.chrome_since(seq)
    assert sorted(keys) == [3, 5] and more == [8] and last > seq


def test_meta_and_counters(store: Storage) -> None:
    with store.write():
        store.set_meta("settings", "{}")
        store.bump("documents", 3)
        store.bump("documents", -1)
    with store.read():
        assert store.get_meta("settings") == "{}" and store.get_meta("nope") is None
        assert store.counters()["documents"] == 2


def test_the_file_is_in_wal_mode_with_the_current_schema(tmp_path: Path) -> None:
    s = SQLiteStorage(tmp_path / "i.db")
    s.close()
    db = sqlite3.connect(tmp_path / "i.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION


def test_registered_migrations_run_in_order_each_in_a_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    SQLiteStorage(tmp_path / "i.db").close()
    calls: list[int] = []
    migrations = dict(schema.MIGRATIONS)
    v = schema.SCHEMA_VERSION

    def to_next(db: sqlite3.Connection) -> None:
        calls.append(v + 1)
        db.execute("ALTER TABLE documents ADD COLUMN note TEXT")

    def to_broken(db: sqlite3.Connection) -> None:
        calls.append(v + 2)
        db.execute("CREATE TABLE broken (x)")
        raise RuntimeError("migration failed")

    migrations[v + 1], migrations[v + 2] = to_next, to_broken
    monkeypatch.setattr(schema, "MIGRATIONS", migrations)
    db = sqlite3.connect(tmp_path / "i.db", isolation_level=None)
    with pytest.raises(RuntimeError, match="migration failed"):
        migrate(db, "i.db", target=v + 2)
    # The first migration is kept, the second rolled back whole: the index is at v + 1.
    assert calls == [v + 1, v + 2]
    assert db.execute("PRAGMA user_version").fetchone()[0] == v + 1
    assert "note" in [r[1] for r in db.execute("PRAGMA table_info(documents)")]
    assert not db.execute("SELECT name FROM sqlite_master WHERE name = 'broken'").fetchall()


def test_a_newer_schema_and_foreign_files_are_refused(tmp_path: Path) -> None:
    newer = tmp_path / "newer.db"
    SQLiteStorage(newer).close()
    db = sqlite3.connect(newer)
    db.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(IndexFormatError, match="newer copytrace"):
        SQLiteStorage(newer)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(IndexFormatError, match="not a copytrace index"):
        SQLiteStorage(other)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(IndexFormatError, match="not a copytrace index"):
        SQLiteStorage(junk)


def test_check_finds_broken_invariants(tmp_path: Path) -> None:
    s = SQLiteStorage(tmp_path / "i.db")
    with s.write():
        s.add_postings("band", terms(1), 99)  # a posting of a text that does not exist
    with s.read():
        problems = s.check()
    s.close()
    assert any("band postings of missing texts" in p for p in problems)


def test_tombstone_lookup_by_table_equals_binary_search(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    uniq = np.unique(rng.integers(0, 5_000, 300))
    top = rng.integers(1, 50, uniq.shape[0])
    owners = rng.integers(0, 6_000, 20_000)  # some above every tombstoned owner
    dense = postings.covered_upto(uniq, top, owners)
    monkeypatch.setattr(postings, "DENSE_OWNERS", 0)  # force the binary search
    searched = postings.covered_upto(uniq, top, owners)
    assert np.array_equal(dense, searched)
    tombstoned = np.isin(owners, uniq)
    assert (dense[~tombstoned] == -1).all() and (dense[tombstoned] >= 1).all()
