"""JSON Lines reader (.jsonl, .jsonl.gz, .jsonl.zst): one JSON object per line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import orjson
import zstandard

from copytrace.io.base import (
    EMPTY_FILE,
    BadRecord,
    CheckedFile,
    FileReader,
    Item,
    Origin,
    ReadOptions,
    check_compressed,
    file_problem,
    is_compressed,
    open_binary,
    record_to_document,
)
from copytrace.io.memory import keep_budget


def utf8_problem(data: bytes) -> str | None:
    """A message locating the first invalid UTF-8 byte, or None when the bytes are valid."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 4]
        return f"invalid UTF-8 at byte {exc.start} of the record ({bad!r})."
    return None


class JsonlReader(FileReader):
    """Streams records from a JSON Lines file (always UTF-8), plain or compressed.

    A compressed file is checked whole before its first record is read (see
    `compressed_problem`): a corrupt or truncated one is a single BadRecord for the file. The
    bytes decompressed by that check are kept in memory when they fit (`copytrace.io.memory`)
    and read from there, so such a file is decompressed once.
    """

    def __init__(self, path: Path, options: ReadOptions, input_index: int = 0) -> None:
        super().__init__(path, options, input_index)
        self._raw: BinaryIO | None = None
        self._spooled_bytes = 0  # decompressed bytes read from memory, when they are
        self._closed_bytes = 0

    def bytes_done(self) -> int:
        """Compressed bytes consumed so far (in proportion, when reading kept bytes)."""
        if self._raw is None or self._raw.closed:
            return self._closed_bytes
        if self._spooled_bytes:
            return self.total_bytes * self._raw.tell() // self._spooled_bytes
        return self._raw.tell()

    def __iter__(self) -> Iterator[Item]:
        self.encodings = {}
        checked = CheckedFile(None)
        if is_compressed(self.path):
            # Checked whole first; decompressed once when the bytes fit in memory.
            checked = check_compressed(self.path, keep_budget())
        if checked.problem is not None:
            self._closed_bytes = self.total_bytes
            yield file_problem(self.input_index, self.path, checked.problem)
            return
        if checked.spool is not None:
            stream = raw = checked.spool
            self._spooled_bytes = checked.spooled_bytes
        else:
            stream, raw = open_binary(self.path)
        self._raw = raw
        name = str(self.path)
        records = 0
        try:
            for number, line in enumerate(stream, start=1):
                origin = Origin(self.input_index, name, "line", number)
                if not line.strip():
                    continue
                records += 1
                try:
                    record = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    reason = utf8_problem(line) or f"malformed JSON ({exc.msg})."
                    yield origin, BadRecord(origin, reason)
                    continue
                if not isinstance(record, dict):
                    kind = type(record).__name__
                    yield origin, BadRecord(origin, f"expected a JSON object, got {kind}.")
                    continue
                doc = record_to_document(record, self.options, origin)
                if not isinstance(doc, BadRecord):
                    self.encodings["utf-8"] = self.encodings.get("utf-8", 0) + 1
                yield origin, doc
            if records == 0:
                yield file_problem(self.input_index, self.path, EMPTY_FILE)
        except (OSError, EOFError, zstandard.ZstdError) as exc:
            yield file_problem(self.input_index, self.path, f"cannot read the file: {exc}")
        finally:
            self._closed_bytes = self.total_bytes
            stream.close()
            raw.close()
