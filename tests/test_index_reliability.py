"""Crash safety and concurrency: SIGKILL during a large add, and queries during a 10,000 add."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from index_helpers import synthetic_docs, write_jsonl
from service_helpers import running

from copytrace import Document, Index, Relation

ADD = [sys.executable, "-c", "from copytrace.cli import main; main()", "index", "add"]


def _add(db: Path, source: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*ADD, str(db), str(source), "-j", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _present_ids(db: Path) -> set[str]:
    con = sqlite3.connect(db)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        if "documents" not in tables:  # killed before the index was created: a valid state
            return set()
        return {r[0] for r in con.execute("SELECT id FROM documents")}
    finally:
        con.close()


@pytest.mark.slow
def test_sigkill_at_random_points_leaves_whole_documents(tmp_path: Path) -> None:
    docs = synthetic_docs(12000, seed=5)
    source = write_jsonl(tmp_path / "docs.jsonl", docs)
    by_id = {d.id: d for d in docs}
    db = tmp_path / "idx.db"
    rng = random.Random(13)
    # How long a whole add takes here, and when its first batch is committed (after the
    # interpreter, numba and the kernels have loaded), to kill inside the add.
    probe_db = tmp_path / "probe.db"
    probe = _add(probe_db, source)
    started = time.monotonic()
    first = None
    while probe.poll() is None and time.monotonic() - started < 300:
        if first is None and _present_ids(probe_db):
            first = time.monotonic() - started
        time.sleep(0.02)
    probe.wait(300)
    full = time.monotonic() - started
    first = first if first is not None else 0.15 * full
    kills, seen = 0, 0
    partial: set[int] = set()  # documents present after kills that interrupted an add
    interrupted = 0
    # At least 20 kills, and as many more (up to 60) as it takes for 10 to fall inside an add,
    # at 3 different points or more: on a busy machine an add can finish, or commit its last
    # batch, before the kill comes; on a fast one the kills can bunch at a few commits.
    while kills < 20 or ((interrupted < 10 or len(partial) < 3) and kills < 60):
        proc = _add(db, source)
        time.sleep(rng.uniform(first, 0.95 * full))
        if proc.poll() is not None or seen == len(docs):  # done: again from an empty index
            proc.kill()
            proc.wait()
            db.unlink()
            for extra in db.parent.glob(db.name + "-*"):
                extra.unlink()
            seen = 0
            continue
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
        con = sqlite3.connect(db)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        con.close()
        present = _present_ids(db)
        assert len(present) >= seen  # what was committed stays
        seen = len(present)
        if 0 < seen < len(docs):
            partial.add(seen)
            interrupted += 1
        with Index(db) as ix:
            assert ix.check() == []
            for doc_id in rng.sample(sorted(present), min(15, len(present))):
                d = by_id[doc_id]
                found = ix.query(Document("probe", d.text))
                exact = [m for m in found.matches if m.relation is Relation.EXACT]
                assert exact, f"{doc_id} is present but its text is not found"
    # The kills fell inside adds (between commits of 2,048 documents), at several points.
    assert interrupted >= 10 and len(partial) >= 3
    final = _add(db, source)
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err.decode()
    assert f"({len(docs)} documents in the index" in out.decode()
    assert _present_ids(db) == set(by_id)
    with Index(db) as ix:
        assert ix.check() == []


@pytest.mark.slow
def test_queries_keep_answering_while_10000_documents_are_added(tmp_path: Path) -> None:
    docs = synthetic_docs(10_000, seed=9)
    source = write_jsonl(tmp_path / "docs.jsonl", docs)
    db = tmp_path / "idx.db"
    with Index(db) as ix:
        ix.add(docs[:50])
    probes = [d.text for d in docs[:50]]
    failures: list[str] = []
    counts: list[int] = []
    answered = [0]
    done = threading.Event()
    reader_index = Index(db)
    with running(reader_index) as url:

        def query() -> None:
            rng = random.Random(threading.get_ident())
            with httpx.Client(timeout=60) as client:
                while not done.is_set():
                    try:
                        r = client.post(f"{url}/query", json={"text": rng.choice(probes)})
                    except httpx.HTTPError as exc:
                        failures.append(repr(exc))
                        continue
                    if r.status_code != 200 or not r.json()["matches"]:
                        failures.append(r.text[:300])
                    answered[0] += 1

        def watch() -> None:
            with httpx.Client(timeout=60) as client:
                while not done.is_set():
                    counts.append(client.get(f"{url}/health").json()["documents"])
                    time.sleep(0.2)

        threads = [threading.Thread(target=query) for _ in range(3)]
        threads.append(threading.Thread(target=watch))
        for t in threads:
            t.start()
        writer = _add(db, source)
        _, err = writer.communicate(timeout=600)
        done.set()
        for t in threads:
            t.join()
        # The watcher samples every 0.2 s and may stop before the writer's last commit shows;
        # one more reading once the writer is done is what the readers see in the end.
        with httpx.Client(timeout=60) as client:
            counts.append(client.get(f"{url}/health").json()["documents"])
    reader_index.close()
    assert writer.returncode == 0, err.decode()
    assert "locked" not in err.decode()
    assert failures == []
    assert answered[0] > 20
    assert counts[0] < counts[-1] == 10_000  # the readers saw the index grow
    assert len(set(counts)) > 2
