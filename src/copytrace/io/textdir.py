"""Directory reader: every .txt, .html or .htm file under a directory, recursively, is one
document; an HTML file's text is its extracted main text (see copytrace.io.html)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from copytrace.io.base import BadRecord, Item, Origin
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


def decode_text_file(data: bytes, origin: Origin) -> str | BadRecord:
    """UTF-8 text of a file (byte-order mark removed), or why it is not text."""
    if b"\x00" in data[:SNIFF_BYTES]:
        return BadRecord(origin, "binary file (NUL bytes), not UTF-8 text.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return BadRecord(origin, f"invalid UTF-8 at byte {exc.start}.")
    return text.removeprefix("\ufeff")


def html_file_document(data: bytes, doc_id: str, origin: Origin) -> Document | BadRecord:
    """The Document of an HTML file: its main text, with title, url, host and date metadata."""
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and b"\x00" in data[:SNIFF_BYTES]:
        return BadRecord(origin, "binary file (NUL bytes), not HTML.")
    page = extract_page(data)
    meta: dict[str, object] = {"path": doc_id}
    for key in ("title", "url", "host", "date"):
        value = getattr(page, key)
        if value:
            meta[key] = value
    if page.decode_errors:
        meta["undecodable_bytes"] = page.decode_errors
    return Document(doc_id, page.text, meta)


def text_file_document(data: bytes, doc_id: str, origin: Origin) -> Document | BadRecord:
    """The Document of a text file: its UTF-8 contents, with the path as metadata."""
    text = decode_text_file(data, origin)
    return text if isinstance(text, BadRecord) else Document(doc_id, text, {"path": doc_id})


def is_html_file(path: Path) -> bool:
    """Whether a file is read as HTML (.html, .htm) rather than as text."""
    return path.name.lower().endswith(HTML_SUFFIXES)


class TextDirReader:
    """Streams the .txt and .html files of a directory tree; id = path relative to it."""

    def __init__(self, path: Path, input_index: int = 0) -> None:
        self.path = path
        self.input_index = input_index
        self.files = walk_files(path)
        self.documents = [f for f in self.files if f.name.lower().endswith(DOCUMENT_SUFFIXES)]
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
            make = html_file_document if is_html_file(file) else text_file_document
            yield origin, make(data, rel, origin)


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
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            yield origin, BadRecord(origin, f"cannot read the file: {exc.strerror}.")
            return
        self._done = len(data)
        yield origin, self.document(data, self.path.name, origin)

    @staticmethod
    def document(data: bytes, doc_id: str, origin: Origin) -> Document | BadRecord:
        """The file's Document: its UTF-8 text."""
        return text_file_document(data, doc_id, origin)


class HtmlFileReader(TextFileReader):
    """A single HTML file as one document (its main text and page metadata); id = file name."""

    @staticmethod
    def document(data: bytes, doc_id: str, origin: Origin) -> Document | BadRecord:
        """The file's Document: the page's main text, title, url, host and date."""
        return html_file_document(data, doc_id, origin)
