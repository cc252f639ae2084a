"""The migration from schema 1 (a B-tree row per posting) to schema 2 (runs of blocks).

Run by `copytrace.index.schema.migrate` inside its transaction: a new index goes through it on
its way from nothing to schema 2 (with nothing to move), an index of schema 1 has its postings
moved into blocks, run by run, and its signatures dropped where the band keys hold them.
"""

from __future__ import annotations

import json
import sqlite3

import numpy as np

from copytrace.index.core import Settings, choose_banding

#: Postings moved at a time (each chunk of a schema-1 run becomes one run of blocks).
MIGRATE_CHUNK = 1 << 20

_SCHEMA_2 = """
    CREATE TABLE runs (
        run INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        postings INTEGER NOT NULL,
        blocks INTEGER NOT NULL,
        fences BLOB NOT NULL,
        filter BLOB NOT NULL
    );
    CREATE TABLE blocks (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
    CREATE TABLE removed (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        owner INTEGER NOT NULL,
        upto INTEGER NOT NULL
    );
    CREATE TABLE threads (gid INTEGER PRIMARY KEY, grp INTEGER NOT NULL UNIQUE)
"""

_OLD = {
    "band": "SELECT term, text_id, 0 FROM band_postings WHERE run = ? ORDER BY term, text_id",
    "fp": "SELECT p.term, p.text_id, coalesce(t.gid, 0) FROM fp_postings p LEFT JOIN threads t "
    "ON t.grp = p.grp WHERE p.run = ? ORDER BY p.term, p.text_id",
    "line": "SELECT term, doc, 0 FROM line_postings WHERE run = ? ORDER BY term, doc",
}


def signatures_in_bands(settings: Settings) -> bool:
    """Whether a text's band keys hold its whole signature (one band of one row per value)."""
    bands, rows = choose_banding(settings)
    return rows == 1 and bands == settings.num_perm


def to_blocks(db: sqlite3.Connection) -> None:
    """Move an index from schema 1 to schema 2 (in the caller's transaction)."""
    from copytrace.index.postings import PostingRuns

    db.execute("ALTER TABLE runs RENAME TO runs_v1")
    for statement in _SCHEMA_2.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute("INSERT INTO threads (grp) SELECT DISTINCT grp FROM fp_postings WHERE grp != 0")
    old_runs = db.execute("SELECT run, kind FROM runs_v1 ORDER BY run").fetchall()
    for run, kind in old_runs:
        cur = db.execute(_OLD[kind], (run,))
        while True:
            rows = cur.fetchmany(MIGRATE_CHUNK)
            if not rows:
                break
            a = np.asarray(rows, dtype=np.int64).reshape(-1, 3)
            terms, owners, groups = (np.ascontiguousarray(a[:, i]) for i in range(3))
            PostingRuns.write_run(db, kind, terms, owners, groups, np.arange(a.shape[0]))
    for table in ("band_postings", "fp_postings", "line_postings", "runs_v1"):
        db.execute(f"DROP TABLE {table}")
    row = db.execute("SELECT value FROM meta WHERE key = 'settings'").fetchone()
    if row is not None and signatures_in_bands(Settings.from_dict(json.loads(row[0]))):
        db.execute("UPDATE texts SET signature = x''")
