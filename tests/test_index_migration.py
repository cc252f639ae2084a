"""An index of schema 1 (a row per posting) opens as schema 2 (runs of blocks) and answers as a
new index of the same documents does.

`data/index_v1.db` was written by copytrace at commit 230411e (schema 1) from `v1_documents()`,
by running this file as a script with that copytrace first on the path:

    git archive 230411e src | tar -x -C /tmp/v1
    PYTHONPATH=/tmp/v1/src python tests/test_index_migration.py tests/data/index_v1.db
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

from copytrace import Document, Index

DATA = Path(__file__).resolve().parent / "data"
DEMO = Path(__file__).resolve().parents[1] / "demo" / "news.jsonl"
REMOVED = ["doc-17", "post-3"]


def v1_documents() -> list[Document]:
    """The demo, made-up articles with copies and quotes, and posts of two threads by two
    authors (signatures, attributions, quoted lines: chrome, and fingerprints with groups)."""
    import copytrace

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from index_helpers import synthetic_docs

    docs = list(copytrace.read(DEMO)) + synthetic_docs(100, seed=11)
    body = "A reply with its own words about the engine and the gearbox of the car. " * 4
    for k in range(8):
        docs.append(
            Document(
                f"post-{k}",
                f"From: writer{k % 2}@example.org (Writer {k % 2})\n"
                f"Subject: Re: topic {k % 2}\nOrganization: Example\n\n"
                f"In article <x{k}@y>, someone writes:\n> quoted line {k}\n"
                f"{body}Number {k}.\n\n-- \nWriter {k % 2}\nExample Org, phone 555\n",
            )
        )
    return docs


def _build(path: Path) -> None:
    """The index as the fixture holds it: every document added in two batches, two removed."""
    docs = v1_documents()
    with Index(path) as index:
        index.add(docs[:70])
        index.add(docs[70:])
        index.remove(REMOVED)


def test_a_schema_1_index_is_migrated_and_answers_as_a_new_one(tmp_path: Path) -> None:
    old = tmp_path / "v1.db"
    shutil.copy(DATA / "index_v1.db", old)
    db = sqlite3.connect(old)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    db.close()
    new = tmp_path / "v2.db"
    _build(new)
    with Index(old) as migrated, Index(new) as fresh:
        assert migrated.check() == []
        assert migrated.stats(tables=False)["schema_version"] == 2
        a, b = migrated.stats(tables=False), fresh.stats(tables=False)
        for key in ("documents", "distinct_texts", "text_chars", "chrome_lines"):
            assert a[key] == b[key], key
        for d in v1_documents():
            assert migrated.query(d).to_dict() == fresh.query(d).to_dict(), d.id
        # The migrated index takes adds and removals as a new one does.
        extra = [Document("late", v1_documents()[40].text + " And one more line.")]
        migrated.add(extra)
        fresh.add(extra)
        assert migrated.query(extra[0]).to_dict() == fresh.query(extra[0]).to_dict()
    tables = {r[0] for r in sqlite3.connect(old).execute("SELECT name FROM sqlite_master")}
    assert "band_postings" not in tables and {"runs", "blocks", "removed"} <= tables


if __name__ == "__main__":
    _build(Path(sys.argv[1]))
