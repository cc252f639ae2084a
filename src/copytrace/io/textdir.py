"""Directory reader: every .txt, .html or .htm file under a directory, recursively, is one
document; an HTML file's text is its extracted main text (see copytrace.io.html)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from copytrace.io.base import BadRecord, FileReader, Item, Origin, ReadOptions, count_encoding
from copytrace.io.encoding import Decoded, bom_encoding, decode_bytes
from copytrace.io.html import HTML_SUFFIXES, extract_page
from copytrace.model import Document

TEXT_SUFFIXES = (".txt",)
#: Files a directory reader turns into documents.
DOCUMENT_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES
#: Bytes looked at to tell a binary file from text.
SNIFF_BYTES = 8192


def walk_files(root: Path) -> list[Path]:
    """All files under root, in a stable order (sorted relative paths)."""
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        out.extend(Path(dirpath) / f for f in sorted(filenames))
    return out


def decode_text_file(
    data: bytes, origin: Origin, encoding: str | None = None
) -> Decoded | BadRecord:
    """The text of a file and its encoding (see copytrace.io.encoding), or why it is not text."""
    if bom_encoding(data) is None and b"\x00" in data[:SNIFF_BYTES]:
        return BadRecord(origin, "binary file (NUL bytes), not text.")
    decoded = decode_bytes(data, encoding)
    return BadRecord(origin, decoded) if isinstance(decoded, str) else decoded


def html_file_document(
    data: bytes, doc_id: str, origin: Origin, encoding: str | None = None
) -> Document | BadRecord:
    """The Document of an HTML file: its main text, with title, url, host, date and encoding
    metadata."""
    if bom_encoding(data) is None and b"\x00" in data[:SNIFF_BYTES]:
        return BadRecord(origin, "binary file (NUL bytes), not HTML.")
    page = extract_page(data, encoding=encoding)
    meta: dict[str, object] = {"path": doc_id, "encoding": page.encoding}
    for key in ("title", "url", "host", "date"):
        value = getattr(page, key)
        if value:
            meta[key] = value
    if page.decode_errors:
        meta["undecodable_bytes"] = page.decode_errors
    return Document(doc_id, page.text, meta)


def text_file_document(
    data: bytes, doc_id: str, origin: Origin, encoding: str | None = None
) -> Document | BadRecord:
    """The Document of a text file: its decoded contents, with its path and encoding as
    metadata."""
    found = decode_text_file(data, origin, encoding)
    if isinstance(found, BadRecord):
        return found
    return Document(doc_id, found.text, {"path": doc_id, "encoding": found.encoding})


def is_html_file(path: Path) -> bool:
    """Whether a file is read as HTML (.html, .htm) rather than as text."""
    return path.name.lower().endswith(HTML_SUFFIXES)


class TextDirReader(FileReader):
    """Streams the .txt and .html files of a directory tree; id = path relative to it."""

    def __init__(
        self, path: Path, options: ReadOptions | None = None, input_index: int = 0
    ) -> None:
        self.files = walk_files(path)
        self.documents = [f for f in self.files if f.name.lower().endswith(DOCUMENT_SUFFIXES)]
        super().__init__(path, options, input_index)
        self.ignored_files = len(self.files) - len(self.documents)
        self._done = 0

    def size(self) -> int:
        """Bytes of the directory's document files."""
        return sum(f.stat().st_size for f in self.documents)

    def bytes_done(self) -> int:
        """Bytes of the files read so far."""
        return self._done

    def __iter__(self) -> Iterator[Item]:
        self.encodings = {}
        self._done = 0
        for file in self.documents:
            rel = file.relative_to(self.path).as_posix()
            origin = Origin(self.input_index, str(file), "", 0)
            try:
                data = file.read_bytes()
            except OSError as exc:
                yield origin, BadRecord(origin, f"cannot read the file: {exc.strerror}.")
                continue
            self._done += len(data)
            make = html_file_document if is_html_file(file) else text_file_document
            record = make(data, rel, origin, self.options.encoding)
            count_encoding(self.encodings, record)
            yield origin, record


class TextFileReader(FileReader):
    """A single .txt file as one document; id = the file name."""

    def __init__(
        self, path: Path, options: ReadOptions | None = None, input_index: int = 0
    ) -> None:
        super().__init__(path, options, input_index)
        self._done = 0

    def bytes_done(self) -> int:
        """Bytes read so far."""
        return self._done

    def __iter__(self) -> Iterator[Item]:
        origin = Origin(self.input_index, str(self.path), "", 0)
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            yield origin, BadRecord(origin, f"cannot read the file: {exc.strerror}.")
            return
        self._done = len(data)
        record = self.document(data, self.path.name, origin, self.options.encoding)
        self.encodings = {}
        count_encoding(self.encodings, record)
        yield origin, record

    @staticmethod
    def document(
        data: bytes, doc_id: str, origin: Origin, encoding: str | None = None
    ) -> Document | BadRecord:
        """The file's Document: its decoded text."""
        return text_file_document(data, doc_id, origin, encoding)


class HtmlFileReader(TextFileReader):
    """A single HTML file as one document (its main text and page metadata); id = file name."""

    @staticmethod
    def document(
        data: bytes, doc_id: str, origin: Origin, encoding: str | None = None
    ) -> Document | BadRecord:
        """The file's Document: the page's main text, title, url, host, date and encoding."""
        return html_file_document(data, doc_id, origin, encoding)
