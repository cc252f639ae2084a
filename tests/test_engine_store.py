"""The local engine's text store (engines/local/store.py): texts in memory up to a budget, the
rest on disk, every text read back whole wherever it lies."""

from __future__ import annotations

import errno
import os
import random
from pathlib import Path

import numpy as np
import pytest

from copytrace.engines.local import store as store_module
from copytrace.engines.local.store import TextStore
from copytrace.io import memory as memory_module
from copytrace.io.memory import memory_budget


def _encoded(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    data = [t.encode("utf-8") for t in texts]
    offsets = np.zeros(len(data) + 1, dtype=np.int64)
    np.cumsum([len(d) for d in data], out=offsets[1:])
    return np.frombuffer(b"".join(data), dtype=np.uint8), offsets


def _texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    words = ["copy", "wire", "story", "naïve", "東京", "reprint", "—", "😀"]
    return [" ".join(rng.choices(words, k=rng.randint(0, 40))) for _ in range(n)]


def _fill(store: TextStore, texts: list[str], batch: int) -> None:
    for i in range(0, len(texts), batch):
        store.add_encoded(*_encoded(texts[i : i + batch]))


@pytest.mark.skipif(memory_budget() == 0, reason="no writable tmpfs at /dev/shm here")
def test_texts_past_the_budget_go_to_disk_and_read_back_across_the_boundary(
    tmp_path: Path,
) -> None:
    texts = _texts(300, 1)
    total = sum(len(t.encode()) for t in texts)
    with TextStore(budget=total // 3) as store:
        _fill(store, texts, 7)
        use = store.use
        assert 0 < use.memory_bytes <= total // 3
        assert use.memory_bytes + use.disk_bytes == total
        assert [store.get(i) for i in range(len(texts))] == texts
        for first, last in [(0, 300), (5, 150), (140, 160), (299, 300), (10, 10)]:
            data, offsets = store.get_encoded(first, last)
            got = [bytes(data[offsets[k] : offsets[k + 1]]).decode() for k in range(last - first)]
            assert got == texts[first:last]


def test_a_chosen_directory_holds_every_text_on_disk(tmp_path: Path) -> None:
    texts = _texts(50, 2)
    with TextStore(str(tmp_path)) as store:
        _fill(store, texts, 8)
        assert store.use.memory_bytes == 0
        assert store.use.disk_bytes == sum(len(t.encode()) for t in texts)
        assert [store.get(i) for i in range(len(texts))] == texts
        assert store.size(3) == len(texts[3].encode())


def test_tmpdir_from_the_environment_turns_the_memory_store_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    assert memory_budget() == 0
    assert memory_budget(str(tmp_path)) == 0


@pytest.mark.skipif(memory_budget() == 0, reason="no writable tmpfs at /dev/shm here")
def test_a_full_tmpfs_moves_the_rest_to_disk_without_losing_a_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = _texts(120, 3)
    real_write = store_module._write_all
    writes = {"memory": 0}

    def tmpfs_fills_on_third_write(fd: int, data: memoryview, position: int) -> None:
        memory = store._memory
        if memory is not None and fd == memory.fileno():
            writes["memory"] += 1
            if writes["memory"] == 3:
                real_write(fd, data[: len(data) // 2], position)  # a partial write, then full
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_write(fd, data, position)

    monkeypatch.setattr(store_module, "_write_all", tmpfs_fills_on_third_write)
    with TextStore(budget=1 << 30) as store:
        _fill(store, texts, 10)
        assert 0 < store.use.memory_bytes < sum(len(t.encode()) for t in texts)
        assert store.use.disk_bytes > 0
        assert [store.get(i) for i in range(len(texts))] == texts


def test_memory_budget_is_a_share_of_what_is_free(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TMPDIR", raising=False)
    monkeypatch.setattr(memory_module, "_memory_available", lambda: 8 << 30)
    budget = memory_budget()
    memory_dir = memory_module.MEMORY_DIR
    if not (memory_dir.is_dir() and os.access(memory_dir, os.W_OK | os.X_OK)):
        assert budget == 0
        return
    stat = os.statvfs(memory_dir)
    free = min(stat.f_bavail * stat.f_frsize, 8 << 30)
    assert budget == free // memory_module.MEMORY_SHARE
