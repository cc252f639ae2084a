"""JSON Lines reader (.jsonl, .jsonl.gz, .jsonl.zst): one JSON object per line."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import orjson

from copytrace.io.base import BadRecord, Item, Origin, ReadOptions, open_binary, record_to_document


def utf8_problem(data: bytes) -> str | None:
    """A message locating the first invalid UTF-8 byte, or None when the bytes are valid."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 4]
        return f"invalid UTF-8 at byte {exc.start} of the record ({bad!r})."
    return None


class JsonlReader:
    """Streams records from a JSON Lines file, plain or compressed."""

    def __init__(self, path: Path, options: ReadOptions, input_index: int = 0) -> None:
        self.path = path
        self.options = options
        self.input_index = input_index
        self.total_bytes = path.stat().st_size
        self._raw: io.BufferedReader | None = None
        self._closed_bytes = 0

    def bytes_done(self) -> int:
        """Compressed bytes consumed so far."""
        if self._raw is None or self._raw.closed:
            return self._closed_bytes
        return self._raw.tell()

    def __iter__(self) -> Iterator[Item]:
        stream, raw = open_binary(self.path)
        self._raw = raw  # type: ignore[assignment]
        name = str(self.path)
        try:
            for number, line in enumerate(stream, start=1):
                origin = Origin(self.input_index, name, "line", number)
                if not line.strip():
                    continue
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
                yield origin, record_to_document(record, self.options, origin)
        except (OSError, EOFError) as exc:
            origin = Origin(self.input_index, name, "", 0)
            yield origin, BadRecord(origin, f"cannot read the file: {exc}")
        finally:
            self._closed_bytes = self.total_bytes
            stream.close()
            raw.close()
