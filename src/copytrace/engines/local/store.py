"""A temporary on-disk store of document texts, so verification can reread any text.

Sketching streams the corpus once; the few texts that verification needs later are read back
from this file by offset, so memory holds sketches, never the corpus.
"""

from __future__ import annotations

import os
import tempfile
from array import array
from types import TracebackType

import numpy as np


class TextStore:
    """Append-only UTF-8 text file with an offset table; texts are read back by index."""

    def __init__(self, directory: str | None = None) -> None:
        self.directory = directory
        self._file = tempfile.TemporaryFile(prefix="copytrace-texts-", dir=directory)  # noqa: SIM115
        self._offsets = array("q", [0])

    def add_encoded(self, data: np.ndarray, offsets: np.ndarray) -> None:
        """Store texts given as UTF-8 bytes (uint8): text i is data[offsets[i]:offsets[i + 1]]."""
        self._file.write(np.ascontiguousarray(data[offsets[0] : offsets[-1]]).data)
        base = self._offsets[-1] - int(offsets[0])
        self._offsets.extend((offsets[1:] + base).tolist())

    def get_encoded(self, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
        """The UTF-8 bytes of texts first .. last - 1 (read at once) and their offsets in them."""
        self._file.flush()
        start, end = self._offsets[first], self._offsets[last]
        data = os.pread(self._file.fileno(), end - start, start)
        offsets = np.frombuffer(self._offsets[first : last + 1], dtype=np.int64) - start
        return np.frombuffer(data, dtype=np.uint8), offsets

    def get(self, index: int) -> str:
        """The text stored at index."""
        self._file.flush()
        start, end = self._offsets[index], self._offsets[index + 1]
        data = os.pread(self._file.fileno(), end - start, start)
        return data.decode("utf-8", "surrogatepass")

    def size(self, index: int) -> int:
        """Bytes of the text stored at index."""
        return self._offsets[index + 1] - self._offsets[index]

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def close(self) -> None:
        """Delete the temporary file."""
        self._file.close()

    def __enter__(self) -> TextStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
