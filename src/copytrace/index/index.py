"""`copytrace.Index`: a persistent, incremental index answering "have we seen this text?"."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from copytrace import __version__
from copytrace.errors import BadRecordError, InputError
from copytrace.index.core import (
    SKETCH_FORMAT_VERSION,
    BadRecord,
    Document,
    Item,
    Match,
    Origin,
    ReadOptions,
    Settings,
    documents_as_items,
    ensure_kernels,
    iter_items,
    jobs_used_for,
    open_readers,
    unwritable,
)
from copytrace.index.query import QueryResult, Searcher
from copytrace.index.schema import SCHEMA_VERSION, IndexFormatError
from copytrace.index.settings import check_settings, check_supported, new_index_settings
from copytrace.index.state import ChromeCache
from copytrace.index.storage import SQLiteStorage, Storage, StoredDocument
from copytrace.index.writer import LISTED, AddCounts, Writer

OnError = Literal["fail", "skip"]
Inputs = str | Path | Sequence[str | Path] | Iterable[Document | tuple[str, str]]

#: Documents added in one transaction (fewer when their texts are long). A transaction writes
#: every 16 KB page it touched, and new ids, exact hashes and line keys land on random pages of
#: their indexes: 2,048 documents a transaction instead of 512 wrote 6.8 GB instead of 10.5 GB
#: and took 70 instead of 82 CPU s to add 100,000 documents to 100,000 (bench/RESULTS.md), for
#: about 70 MB more memory.
BATCH_DOCS = 2048
BATCH_CHARS = 16 << 20


@dataclass
class AddResult:
    """What `Index.add` did: added, unchanged, replaced and skipped documents."""

    added: int = 0
    unchanged: int = 0
    replaced: int = 0
    skipped: int = 0
    empty: int = 0
    records: int = 0
    seconds: float = 0.0
    skipped_records: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {
            "records": self.records,
            "added": self.added,
            "unchanged": self.unchanged,
            "replaced": self.replaced,
            "skipped": self.skipped,
            "empty": self.empty,
            "seconds": round(self.seconds, 3),
            "skipped_records": self.skipped_records,
        }


@dataclass(frozen=True)
class IndexedDocument:
    """A document as stored in the index, with when it was added."""

    id: str
    text: str
    meta: dict[str, Any]
    added: float
    date: str | None
    number: int

    def to_dict(self, text: bool = True) -> dict[str, Any]:
        """Plain-JSON form (without the text when `text` is false)."""
        out: dict[str, Any] = {
            "id": self.id,
            "added": self.added,
            "date": self.date,
            "meta": self.meta,
            "chars": len(self.text),
        }
        if text:
            out["text"] = self.text
        return out


def _indexed(d: StoredDocument) -> IndexedDocument:
    return IndexedDocument(d.id, d.text, d.meta, d.added, d.date, d.doc)


def _as_document(
    document: Document | tuple[str, str] | str, doc_id: str | None, stored: bool
) -> Document:
    """The query as a Document; one whose id (or, when `stored`, metadata) cannot be written
    as JSON is refused."""
    if isinstance(document, Document):
        doc = document
    elif isinstance(document, str):
        doc = Document(doc_id or "query", document)
    else:
        doc = Document(str(document[0]), document[1])
    problem = unwritable(doc, stored)
    if problem is not None:
        raise InputError(problem)
    return doc


class Index:
    """A persistent index of documents in one SQLite file.

    `Index(path)` opens the index, creating it when missing (with `settings`, or the defaults
    with the reworded-candidate path off: `settings.new_index_settings`, since the index has
    no such path yet).
    An existing index keeps the settings it was built with: other `settings` are refused, since
    documents sketched under other settings cannot be compared. Use it as a context manager, or
    call `close()`.
    """

    def __init__(
        self,
        path: str | Path,
        settings: Settings | None = None,
        *,
        create: bool = True,
        storage: Storage | None = None,
    ) -> None:
        self.path = str(path)
        if settings is not None:
            check_supported(self.path, settings)  # before any file is made
        if storage is None and not create and not Path(self.path).exists():
            raise InputError(f"{self.path}: no such index (copytrace index add creates one).")
        self.storage: Storage = storage or SQLiteStorage(self.path)
        self.settings = self._settings(settings)
        self.chrome = ChromeCache()
        self._kernels_ready = False
        self.writer = Writer(self.storage, self.settings, self.chrome)
        self.searcher = Searcher(self.storage, self.settings, self.chrome)

    def _kernels(self) -> None:
        """Compile the kernels on a first run (once per install); checked once per index."""
        if not self._kernels_ready:
            ensure_kernels(jobs_used_for(None))
            self._kernels_ready = True

    def _settings(self, wanted: Settings | None) -> Settings:
        s = self.storage
        with s.read():
            stored = s.get_meta("settings")
            version = s.get_meta("sketch_format_version")
        if stored is None:
            settings = wanted or new_index_settings()
            with s.write():
                if s.get_meta("settings") is None:
                    s.set_meta("settings", json.dumps(settings.to_dict()))
                    s.set_meta("sketch_format_version", str(SKETCH_FORMAT_VERSION))
                    s.set_meta("sketch_fingerprint", settings.sketch_fingerprint())
                    s.set_meta("created", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
                    s.set_meta("copytrace_version", __version__)
                    return settings
                stored = s.get_meta("settings")
                version = s.get_meta("sketch_format_version")
        assert stored is not None
        if version is not None and int(version) != SKETCH_FORMAT_VERSION:
            raise IndexFormatError(
                f"{self.path}: its documents were sketched in sketch format {version}; this "
                f"copytrace sketches format {SKETCH_FORMAT_VERSION}, whose sketches cannot be "
                "compared with them. Build a new index from the documents."
            )
        existing = Settings.from_dict(json.loads(stored))
        if wanted is not None:
            check_settings(self.path, existing, wanted)
        return existing

    # -- context manager ----------------------------------------------------------------------

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the index's connections."""
        self.storage.close()

    @contextmanager
    def _reading(self) -> Iterator[None]:
        with self.storage.read():
            self.chrome.refresh(self.storage)
            yield

    @contextmanager
    def _writing(self) -> Iterator[None]:
        try:
            with self.storage.write():
                self.chrome.refresh(self.storage)
                yield
        except BaseException:
            self.chrome.reset()  # chrome added in memory by the failed transaction
            raise

    # -- adding -------------------------------------------------------------------------------

    def add(
        self,
        documents: Inputs,
        *,
        replace: bool = True,
        on_error: OnError = "fail",
        id_field: str = "id",
        text_field: str = "text",
        encoding: str | None = None,
    ) -> AddResult:
        """Add documents (paths of any input `scan` reads, Documents, or (id, text) pairs).

        A document whose id is indexed with the same text and metadata is unchanged; with
        another text it is replaced, or with `replace=False` skipped. Each batch of documents
        is one transaction: an interrupted add leaves whole documents, and running it again
        completes it.
        """
        items = self._items(documents, id_field, text_field, encoding)
        return self.add_items(items, replace=replace, on_error=on_error)

    def add_items(
        self, items: Iterable[Item], *, replace: bool = True, on_error: OnError = "fail"
    ) -> AddResult:
        """`add` for reader items (origin, Document or BadRecord)."""
        self._kernels()
        t0 = time.perf_counter()
        counts = AddCounts()
        result = AddResult()
        for batch in self._batches(items, counts, on_error, result):
            with self._writing():
                self.writer.add_batch(batch, replace, counts)
            self.storage.maintain()
        result.added, result.unchanged = counts.added, counts.unchanged
        result.replaced, result.skipped = counts.replaced, counts.skipped
        result.empty = counts.empty
        result.skipped_records = counts.skipped_records
        result.seconds = time.perf_counter() - t0
        return result

    def _batches(
        self, items: Iterable[Item], counts: AddCounts, on_error: OnError, result: AddResult
    ) -> Iterator[list[tuple[Origin, Document]]]:
        """Batches of documents; bad records and ids repeated within this call are skipped
        (counted) or raise, as `on_error` says."""
        if on_error not in ("fail", "skip"):
            raise InputError(f"on_error must be 'fail' or 'skip'; got {on_error!r}.")
        seen: dict[str, str] = {}
        batch: list[tuple[Origin, Document]] = []
        chars = 0
        for origin, record in items:
            result.records += 1
            if isinstance(record, Document) and record.id in seen:
                record = BadRecord(
                    origin, f'duplicate id "{record.id}" (first at {seen[record.id]}).'
                )
            if isinstance(record, BadRecord):
                if on_error == "fail":
                    if batch:
                        yield batch
                    raise BadRecordError(record.message())
                counts.skipped += 1
                if len(counts.skipped_records) < LISTED:
                    counts.skipped_records.append(
                        {"where": str(record.origin), "reason": record.reason}
                    )
                continue
            seen[record.id] = str(origin)
            batch.append((origin, record))
            chars += len(record.text)
            if len(batch) >= BATCH_DOCS or chars >= BATCH_CHARS:
                yield batch
                batch, chars = [], 0
        if batch:
            yield batch

    @staticmethod
    def _items(
        documents: Inputs, id_field: str, text_field: str, encoding: str | None
    ) -> Iterable[Item]:
        if isinstance(documents, str | Path) or (
            isinstance(documents, Sequence) and documents and isinstance(documents[0], str | Path)
        ):
            paths = [documents] if isinstance(documents, str | Path) else list(documents)
            readers = open_readers(paths, ReadOptions(id_field, text_field, encoding))
            return iter_items(readers)
        return documents_as_items(documents, meta_stored=True)  # type: ignore[arg-type]

    # -- querying -----------------------------------------------------------------------------

    def query(
        self,
        document: Document | tuple[str, str] | str,
        *,
        id: str | None = None,
        add: bool = False,
    ) -> QueryResult:
        """The matches of a text (or Document, or (id, text) pair) against the index; with
        `add`, the document is added after it is queried, in one transaction."""
        doc = _as_document(document, id, stored=add)
        self._kernels()
        if add:
            with self._writing():
                found = self.searcher.query(doc)
                self.writer.add_batch([(Origin(0, "query", "", 0), doc)], True, AddCounts())
            self.storage.maintain()
            return found
        with self._reading():
            return self.searcher.query(doc)

    def query_items(
        self,
        items: Iterable[Item],
        *,
        add: bool = False,
        replace: bool = True,
        on_error: OnError = "fail",
        added: AddResult | None = None,
    ) -> Iterator[QueryResult]:
        """Query reader items in order; with `add`, each document is added after its query
        (so later documents see earlier ones). Counts of the adds go to `added`."""
        self._kernels()
        counts = AddCounts()
        result = added if added is not None else AddResult()
        for batch in self._batches(items, counts, on_error, result):
            if not add:
                with self._reading():
                    found = [self.searcher.query(doc) for _, doc in batch]
                yield from found
                continue
            found = []
            with self._writing():
                for origin, doc in batch:
                    found.append(self.searcher.query(doc))
                    self.writer.add_batch([(origin, doc)], replace, counts)
            self.storage.maintain()
            yield from found
        result.added, result.unchanged = counts.added, counts.unchanged
        result.replaced, result.skipped = counts.replaced, counts.skipped
        result.empty, result.skipped_records = counts.empty, counts.skipped_records

    def query_inputs(
        self,
        inputs: Inputs,
        *,
        add: bool = False,
        replace: bool = True,
        on_error: OnError = "fail",
        id_field: str = "id",
        text_field: str = "text",
        encoding: str | None = None,
        added: AddResult | None = None,
    ) -> Iterator[QueryResult]:
        """`query_items` for paths or documents, as `add` takes them."""
        items = self._items(inputs, id_field, text_field, encoding)
        return self.query_items(items, add=add, replace=replace, on_error=on_error, added=added)

    # -- documents ------------------------------------------------------------------------------

    def get(self, doc_id: str) -> IndexedDocument | None:
        """The indexed document with this id, or None."""
        with self._reading():
            d = self.storage.find_document(doc_id)
        return None if d is None else _indexed(d)

    def recent(self, limit: int = 20, before: int | None = None) -> list[IndexedDocument]:
        """The latest documents added, newest first (older than number `before`)."""
        with self._reading():
            return [_indexed(d) for d in self.storage.recent(limit, before)]

    def remove(self, ids: str | Iterable[str]) -> tuple[list[str], list[str]]:
        """Remove documents by id: (removed ids, ids not in the index)."""
        if isinstance(ids, str):
            ids = [ids]
        with self._writing():
            removed, missing = self.writer.remove_ids(ids)
        self.storage.maintain()
        return removed, missing

    def matches_of(self, doc_id: str) -> QueryResult | None:
        """The matches of an indexed document (as it is indexed), or None when absent."""
        with self._reading():
            d = self.storage.find_document(doc_id)
            if d is None:
                return None
            return self.searcher.query(Document(d.id, d.text, d.meta))

    def cluster(self, doc_id: str, limit: int = 200) -> Any:
        """The cluster of an indexed document (see `copytrace.index.clusters`), or None."""
        from copytrace.index.clusters import cluster_of

        with self._reading():
            return cluster_of(self, doc_id, limit)

    # -- about the index ------------------------------------------------------------------------

    def stats(self, sizes: bool = True, tables: bool = True) -> dict[str, Any]:
        """Documents, distinct texts, characters, size on disk (with `tables`, per table:
        this reads the whole file), settings and versions."""
        s = self.storage
        with self._reading():
            counters = s.counters()
            out: dict[str, Any] = {
                "path": self.path,
                "documents": counters.get("documents", 0),
                "empty_documents": counters.get("documents", 0) - counters.get("nonempty", 0),
                "distinct_texts": counters.get("texts", 0),
                "text_chars": counters.get("chars", 0),
                "chrome_lines": len(self.chrome.keys),
                "schema_version": SCHEMA_VERSION,
                "sketch_format_version": SKETCH_FORMAT_VERSION,
                "created": s.get_meta("created"),
                "settings": self.settings.to_dict(),
            }
            if sizes:
                out["size"] = s.size(tables)
                runs = getattr(s, "runs", None)
                if runs is not None:
                    out["runs"] = len(runs())
        return out

    def check(self) -> list[str]:
        """Problems found by a full consistency check (empty when the index is sound)."""
        with self._reading():
            return self.storage.check()

    def __repr__(self) -> str:
        return f"Index({self.path!r})"


__all__ = ["AddResult", "Index", "IndexedDocument", "Match", "QueryResult"]
