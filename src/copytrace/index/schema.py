"""The index's SQLite schema, its version, and the registered migrations between versions.

`PRAGMA user_version` holds the schema version. Opening an index runs every registered
migration from its version up to SCHEMA_VERSION, each in one transaction with the version bump,
so an index is always at one version or the next, never in between. An index written by a newer
copytrace (a version above SCHEMA_VERSION) is refused. docs/index.md describes every table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from copytrace.errors import CopytraceError

#: The schema this copytrace writes and reads.
SCHEMA_VERSION = 2

Migration = Callable[[sqlite3.Connection], None]

#: MIGRATIONS[v] takes an index at version v - 1 to version v.
MIGRATIONS: dict[int, Migration] = {}


class IndexFormatError(CopytraceError, ValueError):
    """An index file this copytrace cannot use: not an index, a newer schema, other settings."""


def migration(version: int) -> Callable[[Migration], Migration]:
    """Register a function taking the schema from `version - 1` to `version`."""

    def register(func: Migration) -> Migration:
        """Add `func` to MIGRATIONS."""
        if version in MIGRATIONS:
            raise ValueError(f"migration to schema {version} is registered twice")
        MIGRATIONS[version] = func
        return func

    return register


@migration(1)
def _create(db: sqlite3.Connection) -> None:
    """Schema 1: documents, distinct texts, postings in runs, chrome lines, counters."""
    # One statement at a time: executescript would commit the migration's transaction.
    for statement in _SCHEMA_1.split(";"):
        if statement.strip():
            db.execute(statement)


_SCHEMA_1 = """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        CREATE TABLE documents (
            doc INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            text_id INTEGER,
            added REAL NOT NULL,
            date TEXT,
            meta BLOB NOT NULL,
            host TEXT,
            author TEXT,
            thread INTEGER NOT NULL,
            lines_key INTEGER NOT NULL,
            carrier INTEGER NOT NULL,
            content BLOB NOT NULL,
            span_start INTEGER NOT NULL,
            span_end INTEGER NOT NULL,
            blanks BLOB NOT NULL,
            n_chars INTEGER NOT NULL,
            codec INTEGER NOT NULL,
            body BLOB NOT NULL
        );
        CREATE INDEX documents_by_text ON documents (text_id);
        CREATE INDEX documents_by_lines ON documents (lines_key);
        CREATE TABLE texts (
            text_id INTEGER PRIMARY KEY AUTOINCREMENT,
            exact BLOB NOT NULL UNIQUE,
            rep INTEGER NOT NULL,
            grp INTEGER NOT NULL,
            n_tokens INTEGER NOT NULL,
            n_shingles INTEGER NOT NULL,
            signature BLOB NOT NULL
        );
        CREATE TABLE runs (
            run INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            postings INTEGER NOT NULL,
            sealed INTEGER NOT NULL
        );
        CREATE TABLE band_postings (
            run INTEGER NOT NULL, term INTEGER NOT NULL, text_id INTEGER NOT NULL,
            PRIMARY KEY (run, term, text_id)
        ) WITHOUT ROWID;
        CREATE TABLE fp_postings (
            run INTEGER NOT NULL, term INTEGER NOT NULL, text_id INTEGER NOT NULL,
            grp INTEGER NOT NULL,
            PRIMARY KEY (run, term, text_id)
        ) WITHOUT ROWID;
        CREATE TABLE line_postings (
            run INTEGER NOT NULL, term INTEGER NOT NULL, doc INTEGER NOT NULL,
            PRIMARY KEY (run, term, doc)
        ) WITHOUT ROWID;
        CREATE TABLE chrome (seq INTEGER PRIMARY KEY, key INTEGER NOT NULL UNIQUE);
"""


@migration(2)
def _blocks(db: sqlite3.Connection) -> None:
    """Schema 2: postings in runs of compressed blocks (one row per block, not per posting),
    removals as tombstones, threads numbered; no stored signature where the band keys hold it.

    Each run of schema 1 becomes runs of schema 2 (chunks of MIGRATE_CHUNK postings, in the
    order the run's B-tree keeps them), which later adds merge as usual."""
    from copytrace.index.migrate2 import to_blocks

    to_blocks(db)


def schema_version(db: sqlite3.Connection) -> int:
    """The schema version of an open index (0 for a new, empty file)."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection, path: str, target: int = SCHEMA_VERSION) -> list[int]:
    """Bring the index up to `target`, one registered migration per transaction; returns the
    versions applied. Refuses an index of a newer schema, or a file that is not an index."""
    version = schema_version(db)
    if version > target:
        raise IndexFormatError(
            f"{path}: index schema {version} was written by a newer copytrace; this one reads "
            f"schema {target} at most. Upgrade copytrace to use this index."
        )
    if version == 0:
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables:
            raise IndexFormatError(
                f"{path}: an SQLite database that is not a copytrace index; "
                "give a new file name or an existing index."
            )
    applied = []
    for step in range(version + 1, target + 1):
        func = MIGRATIONS.get(step)
        if func is None:
            raise IndexFormatError(f"{path}: no migration registered to schema {step}.")
        db.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(db) != step - 1:  # another process migrated it meanwhile
                db.execute("ROLLBACK")
                continue
            func(db)
            db.execute(f"PRAGMA user_version = {int(step)}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        applied.append(step)
    return applied
