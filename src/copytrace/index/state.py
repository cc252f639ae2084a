"""What an open index keeps in memory between calls: the chrome keys, kept current."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from copytrace.index.storage import Storage


class ChromeCache:
    """The set of chrome line keys, read incrementally (chrome is only ever added to).

    `refresh` is called at the start of every snapshot or transaction; a failed transaction
    calls `reset`, since keys it added in memory were never stored.
    """

    def __init__(self) -> None:
        self.keys: set[int] = set()
        self.seq = 0
        self._lock = threading.Lock()

    def refresh(self, storage: Storage) -> None:
        """Read the keys added since the last refresh."""
        keys, seq = storage.chrome_since(self.seq)
        if keys:
            with self._lock:
                self.keys = self.keys | set(keys)  # a new set: readers may hold the old one
                self.seq = max(self.seq, seq)

    def add(self, keys: Iterable[int]) -> None:
        """Keys made chrome by the current transaction."""
        with self._lock:
            self.keys = self.keys | set(keys)

    def reset(self) -> None:
        """Forget everything (after a rolled-back transaction); the next refresh rereads."""
        with self._lock:
            self.keys = set()
            self.seq = 0
