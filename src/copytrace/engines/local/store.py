"""A temporary store of document texts, so verification can reread any text.

Sketching streams the corpus once; the texts that verification needs later are read back from
this store by offset, so the process's memory holds sketches, never the corpus.

Where the texts go: into a file in memory (`copytrace.io.memory`) up to its budget of a quarter
of the memory available, then into a file on disk. A directory given by the caller, or by
TMPDIR, holds every text instead.
"""

from __future__ import annotations

import errno
import os
import tempfile
from array import array
from dataclasses import dataclass
from types import TracebackType
from typing import IO

import numpy as np

from copytrace.io.memory import memory_budget, memory_file


@dataclass
class StoreUse:
    """How many bytes a store holds in memory and on disk (for summary.json)."""

    memory_bytes: int = 0
    disk_bytes: int = 0


class TextStore:
    """Append-only UTF-8 texts with an offset table; texts are read back by index.

    The bytes are one sequence: positions below `_spilled_at` live in the memory file, the rest
    in the disk file (opened at the first write that does not fit in the budget).
    """

    def __init__(self, directory: str | None = None, budget: int | None = None) -> None:
        self.directory = directory
        self._budget = memory_budget(directory) if budget is None else budget
        self._memory: IO[bytes] | None = None
        self._disk: IO[bytes] | None = None
        self._spilled_at: int | None = None
        self._offsets = array("q", [0])
        if self._budget > 0:
            self._memory = memory_file("copytrace-texts-")
            if self._memory is None:
                self._budget = 0

    @property
    def use(self) -> StoreUse:
        """Bytes held in memory and on disk so far."""
        end = self._offsets[-1]
        in_memory = end if self._spilled_at is None else self._spilled_at
        return StoreUse(in_memory, end - in_memory)

    def add_encoded(self, data: np.ndarray, offsets: np.ndarray) -> None:
        """Store texts given as UTF-8 bytes (uint8): text i is data[offsets[i]:offsets[i + 1]]."""
        chunk = np.ascontiguousarray(data[offsets[0] : offsets[-1]]).data
        start = self._offsets[-1]
        self._write(chunk, start)
        base = start - int(offsets[0])
        self._offsets.extend((offsets[1:] + base).tolist())

    def _write(self, chunk: memoryview, start: int) -> None:
        """Write bytes at position `start`: in memory while they fit, else on disk."""
        if self._spilled_at is None:
            if self._memory is not None and start + len(chunk) <= self._budget:
                try:
                    _write_all(self._memory.fileno(), chunk, start)
                    return
                except OSError as exc:  # the tmpfs filled up meanwhile: the rest goes to disk
                    if exc.errno not in (errno.ENOSPC, errno.ENOMEM, errno.EFBIG):
                        raise
                    os.ftruncate(self._memory.fileno(), start)
            self._spilled_at = start  # 0 when there is no memory file
            self._disk = tempfile.TemporaryFile(prefix="copytrace-texts-", dir=self.directory)  # noqa: SIM115
        assert self._disk is not None
        _write_all(self._disk.fileno(), chunk, start - self._spilled_at)

    def _read(self, start: int, end: int) -> bytes:
        """Bytes start .. end - 1 of the sequence, from whichever file holds them."""
        split = self._spilled_at
        if split is None:
            assert self._memory is not None
            return os.pread(self._memory.fileno(), end - start, start)
        assert self._disk is not None
        if start >= split:
            return os.pread(self._disk.fileno(), end - start, start - split)
        assert self._memory is not None
        head = os.pread(self._memory.fileno(), min(end, split) - start, start)
        if end <= split:
            return head
        return head + os.pread(self._disk.fileno(), end - split, 0)

    def get_encoded(self, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
        """The UTF-8 bytes of texts first .. last - 1 (read at once) and their offsets in them."""
        start, end = self._offsets[first], self._offsets[last]
        data = self._read(start, end) if end > start else b""
        offsets = np.frombuffer(self._offsets[first : last + 1], dtype=np.int64) - start
        return np.frombuffer(data, dtype=np.uint8), offsets

    def get(self, index: int) -> str:
        """The text stored at index."""
        start, end = self._offsets[index], self._offsets[index + 1]
        data = self._read(start, end) if end > start else b""
        return data.decode("utf-8", "surrogatepass")

    def size(self, index: int) -> int:
        """Bytes of the text stored at index."""
        return self._offsets[index + 1] - self._offsets[index]

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def close(self) -> None:
        """Delete the temporary files."""
        for file in (self._memory, self._disk):
            if file is not None:
                file.close()

    def __enter__(self) -> TextStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _write_all(fd: int, data: memoryview, position: int) -> None:
    """pwrite until every byte is written (a write may take fewer than asked)."""
    view = data.cast("B")
    while view:
        written = os.pwrite(fd, view, position)
        view, position = view[written:], position + written
