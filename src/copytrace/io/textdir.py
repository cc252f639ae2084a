"""Directory reader: every .txt file under a directory, recursively, is one document."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from copytrace.io.base import BadRecord, Item, Origin
from copytrace.model import Document

TEXT_SUFFIXES = (".txt",)
#: Bytes looked at to tell a binary file from text.
SNIFF_BYTES = 8192


def walk_files(root: Path) -> list[Path]:
    """All files under root, in a stable order (sorted relative paths)."""
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        out.extend(Path(dirpath) / f for f in sorted(filenames))
    return out


def decode_text_file(data: bytes, origin: Origin) -> str | BadRecord:
    """UTF-8 text of a file (byte-order mark removed), or why it is not text."""
    if b"\x00" in data[:SNIFF_BYTES]:
        return BadRecord(origin, "binary file (NUL bytes), not UTF-8 text.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return BadRecord(origin, f"invalid UTF-8 at byte {exc.start}.")
    return text.removeprefix("\ufeff")


class TextDirReader:
    """Streams the .txt files of a directory tree; id = path relative to it, '/'-separated."""

    def __init__(self, path: Path, input_index: int = 0) -> None:
        self.path = path
        self.input_index = input_index
        self.files = walk_files(path)
        self.documents = [f for f in self.files if f.name.lower().endswith(TEXT_SUFFIXES)]
        self.ignored_files = len(self.files) - len(self.documents)
        self.total_bytes = sum(f.stat().st_size for f in self.documents)
        self._done = 0

    def bytes_done(self) -> int:
        """Bytes of the files read so far."""
        return self._done

    def __iter__(self) -> Iterator[Item]:
        for file in self.documents:
            rel = file.relative_to(self.path).as_posix()
            origin = Origin(self.input_index, str(file), "", 0)
            try:
                data = file.read_bytes()
            except OSError as exc:
                yield origin, BadRecord(origin, f"cannot read the file: {exc.strerror}.")
                continue
            self._done += len(data)
            text = decode_text_file(data, origin)
            if isinstance(text, BadRecord):
                yield origin, text
            else:
                yield origin, Document(rel, text, {"path": rel})


class TextFileReader:
    """A single .txt file as one document; id = the file name."""

    def __init__(self, path: Path, input_index: int = 0) -> None:
        self.path = path
        self.input_index = input_index
        self.total_bytes = path.stat().st_size
        self._done = 0

    def bytes_done(self) -> int:
        """Bytes read so far."""
        return self._done

    def __iter__(self) -> Iterator[Item]:
        origin = Origin(self.input_index, str(self.path), "", 0)
        data = self.path.read_bytes()
        self._done = len(data)
        text = decode_text_file(data, origin)
        if isinstance(text, BadRecord):
            yield origin, text
        else:
            yield origin, Document(self.path.name, text, {"path": self.path.name})
