"""A temporary on-disk store of document texts, so verification can reread any text.

Sketching streams the corpus once; the few texts that verification needs later are read back
from this file by offset, so memory holds sketches, never the corpus.
"""

from __future__ import annotations

import os
import tempfile
from array import array
from types import TracebackType


class TextStore:
    """Append-only UTF-8 text file with an offset table; texts are read back by index."""

    def __init__(self, directory: str | None = None) -> None:
        self._file = tempfile.TemporaryFile(prefix="copytrace-texts-", dir=directory)  # noqa: SIM115
        self._offsets = array("q", [0])

    def add(self, text: str) -> int:
        """Store a text and return its index."""
        data = text.encode("utf-8", "surrogatepass")
        self._file.write(data)
        self._offsets.append(self._offsets[-1] + len(data))
        return len(self._offsets) - 2

    def get(self, index: int) -> str:
        """The text stored at index."""
        self._file.flush()
        start, end = self._offsets[index], self._offsets[index + 1]
        data = os.pread(self._file.fileno(), end - start, start)
        return data.decode("utf-8", "surrogatepass")

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
