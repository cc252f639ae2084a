"""What every reader shares: where a record came from, and how bad records are reported."""

from __future__ import annotations

import bisect
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import zstandard
from isal import igzip, isal_zlib

from copytrace.model import Document


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record was read: input number, file, and record position within the file."""

    input_index: int
    path: str
    unit: str  # "line", "row" or "" (a whole file)
    number: int

    def __str__(self) -> str:
        return f"{self.path} {self.unit} {self.number}" if self.unit else self.path


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A record that could not become a Document, and why."""

    origin: Origin
    reason: str

    def message(self) -> str:
        """The user-facing message: where, then what."""
        return f"{self.origin}: {self.reason}"


Item = tuple[Origin, Document | BadRecord]

#: Why a file with no records at all is skipped (or fails the run).
EMPTY_FILE = "empty file: no records."


def file_origin(input_index: int, path: Path | str) -> Origin:
    """The origin of a problem with a whole file rather than one of its records."""
    return Origin(input_index, str(path), "", 0)


def one_line(text: object) -> str:
    """A message (often a library's exception) on one line, its whitespace runs as one space."""
    return " ".join(str(text).split())


def file_problem(input_index: int, path: Path | str, reason: str) -> Item:
    """A BadRecord standing for a whole file that cannot be read (its reason on one line)."""
    origin = file_origin(input_index, path)
    return origin, BadRecord(origin, one_line(reason))


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How records map to documents, and which encoding text, HTML and CSV files are in."""

    id_field: str = "id"
    text_field: str = "text"
    encoding: str | None = None  # None: detect it (see copytrace.io.encoding)


def count_encoding(counts: dict[str, int], record: Document | BadRecord) -> None:
    """Count a document under the encoding it was read in (its `encoding` metadata)."""
    if isinstance(record, Document):
        name = str(record.meta.get("encoding", "utf-8"))
        counts[name] = counts.get(name, 0) + 1


class FileReader:
    """What every reader of one input path shares: where and how it reads, and its counts.

    Subclasses yield items from `__iter__` and say how far they are in `bytes_done`.
    """

    def __init__(self, path: Path, options: ReadOptions | None = None, input_index: int = 0):
        self.path = path
        self.options = options or ReadOptions()
        self.input_index = input_index
        self.total_bytes = self.size()
        #: Documents read so far, by the encoding they were read in.
        self.encodings: dict[str, int] = {}
        #: Records that are not documents (WARC requests, non-page responses), by reason.
        self.skipped_records: dict[str, int] = {}
        #: Files of a directory input that are not documents.
        self.ignored_files = 0

    def size(self) -> int:
        """Bytes of input this reader will read (for progress)."""
        return self.path.stat().st_size

    def __iter__(self) -> Iterator[Item]:
        """Yield (origin, Document or BadRecord) in input order."""
        raise NotImplementedError

    def bytes_done(self) -> int:
        """Bytes of the input consumed so far (for progress)."""
        raise NotImplementedError


def open_binary(path: Path) -> tuple[BinaryIO, BinaryIO]:
    """Open a possibly gzip- or zstd-compressed file: (decompressed stream, raw file).

    The raw file's position tells how far through the input a reader is, for progress.
    """
    name = path.name.lower()
    raw = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    if name.endswith(".gz"):
        # ISA-L's inflate: the same bytes as zlib's, about three times faster.
        return igzip.IGzipFile(fileobj=raw, mode="rb"), raw  # type: ignore[return-value]
    if name.endswith((".zst", ".zstd")):
        dctx = zstandard.ZstdDecompressor()
        stream = dctx.stream_reader(raw, read_across_frames=True)
        return io.BufferedReader(stream), raw  # buffered, so lines can be iterated
    return raw, raw


#: Compressed bytes checked at a time, and decompressed bytes made at most per step.
_CHECK_CHUNK = 1 << 16
_CHECK_OUT = 1 << 22
#: Compressed bytes checked at a time by the fast (ISA-L) pass.
_FAST_CHECK_CHUNK = 1 << 20
#: What ISA-L's inflate raises (its stubs declare an instance, not the class).
_ISAL_ERROR: type[Exception] = isal_zlib.error  # type: ignore[assignment]


def is_compressed(path: Path) -> bool:
    """Whether `open_binary` decompresses this file (gzip or zstd, by its name)."""
    return path.name.lower().endswith((".gz", ".zst", ".zstd"))


def compressed_problem(path: Path) -> str | None:
    """Why a gzip or zstd file cannot be decompressed whole (corrupt, truncated), or None.

    A flipped byte in a compressed stream may decode to plausible but wrong records, caught only
    by the checksum at the end of the stream: readers check the whole file first, so that no
    record decoded from corrupt data is ever yielded.
    """
    return check_compressed(path).problem


@dataclass
class CheckedFile:
    """A compressed file checked whole: why it cannot be read, or None; and, when they fitted
    in memory, its decompressed bytes, for reading without decompressing it a second time."""

    problem: str | None
    spool: BinaryIO | None = None
    spooled_bytes: int = 0


def check_compressed(path: Path, keep_bytes: int = 0) -> CheckedFile:
    """`compressed_problem`, keeping the decompressed bytes of a sound file in a memory file
    (`copytrace.io.memory`) when they are at most `keep_bytes`; the caller closes `spool`."""
    name = path.name.lower()
    spool = _Spool(keep_bytes)
    try:
        with open(path, "rb") as raw:
            problem: str | None = None
            if name.endswith(".gz"):
                if not _gzip_intact(raw, spool):
                    spool.drop()
                    raw.seek(0)
                    problem = _gzip_problem(raw)
            elif name.endswith((".zst", ".zstd")):
                problem = _zstd_problem(raw, spool)
    except BaseException:
        spool.drop()
        raise
    if problem is not None or spool.chunks is None:
        spool.drop()
        return CheckedFile(problem)
    return CheckedFile(None, spool.reader(), spool.size)


class _Spool:
    """Decompressed bytes kept in memory, as the decompressor made them, while they fit in a
    budget; beyond it the bytes are dropped and the file will be decompressed again.

    The chunks stay the bytes objects the decompressor returned: keeping them copies nothing,
    and their memory goes back to the process's heap for the later stages once the file is read
    (a file in a tmpfs took a page of the kernel's per 4 kB written, and gave them back at close).
    """

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.size = 0
        self.chunks: list[bytes] | None = [] if budget > 0 else None

    def write(self, data: bytes) -> None:
        """Keep `data` after what was kept before, if it fits."""
        if self.chunks is None or not data:
            return
        if self.size + len(data) > self.budget:
            self.drop()
            return
        self.chunks.append(data)
        self.size += len(data)

    def drop(self) -> None:
        """Stop keeping bytes, and free those kept."""
        self.chunks = None

    def reader(self) -> BinaryIO:
        """The kept bytes as a buffered binary file (seekable), read without copying them first."""
        assert self.chunks is not None
        raw = _ChunksFile(self.chunks)
        return io.BufferedReader(raw, buffer_size=SPOOL_BUFFER)


#: Bytes a reader of kept decompressed bytes reads at a time.
SPOOL_BUFFER = 1 << 20


class _ChunksFile(io.RawIOBase):
    """A read-only, seekable raw file over a list of bytes objects, one after the other."""

    def __init__(self, chunks: list[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._starts = [0]
        for chunk in chunks:
            self._starts.append(self._starts[-1] + len(chunk))
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._starts[-1]}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        if self._pos >= self._starts[-1]:
            return 0
        k = bisect.bisect_right(self._starts, self._pos) - 1
        at = self._pos - self._starts[k]
        chunk = self._chunks[k]
        n = min(len(buffer), len(chunk) - at)
        memoryview(buffer).cast("B")[:n] = memoryview(chunk)[at : at + n]
        self._pos += n
        return n

    def close(self) -> None:
        self._chunks = []
        super().close()


def _gzip_intact(raw: BinaryIO, spool: _Spool) -> bool:
    """Whether every gzip member of the file decompresses and passes its checks, with ISA-L's
    inflate (several times faster than zlib's); what it decompresses goes to `spool`. Only a
    sound file passes: anything else is examined again by `_gzip_problem`, which says what is
    wrong in zlib's words."""
    member: Any = None
    seen = False
    while True:
        data = raw.read(_FAST_CHECK_CHUNK)
        if not data:
            return member is None and seen
        while data:
            if member is None:
                if seen and not data.strip(b"\x00"):
                    data = b""  # zero padding after the last member; what follows is checked
                    continue
                if not data.startswith(b"\x1f\x8b"[: len(data)]):
                    return False
                member, seen = isal_zlib.decompressobj(wbits=31), True
            try:
                out = member.decompress(data, _CHECK_OUT)
                spool.write(out)
                while not member.eof and (member.unconsumed_tail or len(out) == _CHECK_OUT):
                    out = member.decompress(member.unconsumed_tail, _CHECK_OUT)
                    spool.write(out)
            except _ISAL_ERROR:
                return False
            if member.eof:
                data = member.unused_data
                member = None
            else:
                data = b""


def _gzip_problem(raw: BinaryIO) -> str | None:
    pos = 0  # compressed bytes fed so far
    member: Any = None
    member_start = 0
    while True:
        chunk = raw.read(_CHECK_CHUNK)
        if not chunk:
            break
        data = chunk
        while data:
            if member is None:
                if pos > 0 and not data.strip(b"\x00"):
                    break  # zero padding after the last member, which gzip allows
                if not data.startswith(b"\x1f\x8b"[: len(data)]):
                    where = "" if pos == 0 else f" after the gzip data, at byte {pos}"
                    return f"not a gzip file{where} (it starts with {data[:4]!r})."
                member, member_start = zlib.decompressobj(wbits=31), pos
            fed = len(data)
            try:
                out = member.decompress(data, _CHECK_OUT)
                while not member.eof and (member.unconsumed_tail or len(out) == _CHECK_OUT):
                    out = member.decompress(member.unconsumed_tail, _CHECK_OUT)
            except zlib.error as exc:
                return (
                    f"corrupt gzip data in the stream starting at byte {member_start}, detected "
                    f"by byte {pos + fed} ({_zlib_reason(exc)}); nothing was read from this file."
                )
            if member.eof:
                data = member.unused_data
                pos += fed - len(data)
                member = None
            else:
                data = b""
                pos += fed
    if member is not None:
        return (
            f"truncated gzip file: it ends at byte {pos} inside the stream starting at byte "
            f"{member_start}; nothing was read from this file."
        )
    return None


def _zlib_reason(exc: zlib.error) -> str:
    text = str(exc)
    if "incorrect data check" in text:
        return "CRC check failed"
    if "incorrect length check" in text:
        return "length check failed"
    return text.split(": ", 1)[-1]


def _zstd_problem(raw: BinaryIO, spool: _Spool) -> str | None:
    pos = 0
    frame: Any = None
    frame_start = 0
    while True:
        chunk = raw.read(_CHECK_CHUNK)
        if not chunk:
            break
        data = chunk
        while data:
            if frame is None:
                frame, frame_start = zstandard.ZstdDecompressor().decompressobj(), pos
            fed = len(data)
            try:
                spool.write(frame.decompress(data))
            except zstandard.ZstdError as exc:
                return (
                    f"corrupt zstd data in the frame starting at byte {frame_start}, detected by "
                    f"byte {pos + fed} ({exc}); nothing was read from this file."
                )
            if frame.eof:
                data = frame.unused_data
                pos += fed - len(data)
                frame = None
            else:
                data = b""
                pos += fed
    if frame is not None:
        return (
            f"truncated zstd file: it ends at byte {pos} inside the frame starting at byte "
            f"{frame_start}; nothing was read from this file."
        )
    return None


def record_to_document(
    record: dict[str, Any], options: ReadOptions, origin: Origin
) -> Document | BadRecord:
    """Build a Document from a decoded record (JSON object, CSV row or Parquet row)."""
    if options.id_field not in record or options.text_field not in record:
        return _missing_field(record, options, origin)
    doc_id = record[options.id_field]
    text = record[options.text_field]
    if isinstance(doc_id, str) and doc_id and isinstance(text, str):  # the usual record
        meta = record.copy()
        del meta[options.id_field]
        if options.text_field != options.id_field:
            del meta[options.text_field]
        return Document(doc_id, text, meta)
    return _checked_document(record, options, origin)


def _missing_field(record: dict[str, Any], options: ReadOptions, origin: Origin) -> BadRecord:
    """Why a record without the id or the text field is bad."""
    # A damaged file can have a field name with a line break: such names are shown quoted.
    fields = ", ".join(str(k) if str(k).isprintable() else repr(str(k)) for k in record)
    if options.id_field not in record:
        return BadRecord(
            origin,
            f'no field "{options.id_field}" (fields: {fields}). Use --id-field NAME.',
        )
    if options.text_field not in record:
        guess = next((k for k in ("body", "content", "article", "text") if k in record), "NAME")
        return BadRecord(
            origin,
            f'no field "{options.text_field}" (fields: {fields}). Use --text-field {guess}.',
        )
    raise AssertionError("both fields are present")


def _checked_document(
    record: dict[str, Any], options: ReadOptions, origin: Origin
) -> Document | BadRecord:
    """A Document from a record with both fields, or why its id or text is bad."""
    doc_id = record[options.id_field]
    text = record[options.text_field]
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int):
        return BadRecord(
            origin,
            f'field "{options.id_field}" must be a string or an integer; '
            f"got {type(doc_id).__name__}.",
        )
    if not isinstance(text, str):
        return BadRecord(
            origin, f'field "{options.text_field}" must be a string; got {type(text).__name__}.'
        )
    doc_id = str(doc_id)
    if not doc_id:
        return BadRecord(origin, f'field "{options.id_field}" is empty.')
    meta = {k: v for k, v in record.items() if k not in (options.id_field, options.text_field)}
    return Document(doc_id, text, meta)
