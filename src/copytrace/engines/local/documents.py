"""Per-document facts in columns: ids, origins, dates and provenances, a few bytes a document.

A corpus of millions of documents must not cost a Python object per fact: ids and paths are
packed into one UTF-8 buffer each, origins, dates and provenances are integer columns, and duplicate
ids are found with an open-addressing table over the packed ids.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterator, Sequence
from typing import overload

import numpy as np

from copytrace.boilerplate import Provenance
from copytrace.engines.local.tables import EMPTY_SLOT, add_ids, find_id, rehash_ids, table_size
from copytrace.io.base import Origin

NO_DATE = -1


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


class PackedStrings:
    """Strings appended to one UTF-8 buffer with an offset column: len(s) + 8 bytes each."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.offsets = array("q", [0])

    def append(self, text: str) -> None:
        """Add a string at the next index."""
        self.append_encoded(_encode(text))

    def append_encoded(self, data: bytes) -> None:
        """Add a string given as its UTF-8 bytes."""
        self.data += data
        self.offsets.append(len(self.data))

    def __getitem__(self, index: int) -> str:
        start, end = self.offsets[index], self.offsets[index + 1]
        return self.data[start:end].decode("utf-8", "surrogatepass")

    def __len__(self) -> int:
        return len(self.offsets) - 1


def date_code(iso: str | None) -> int:
    """A sortable integer for an ISO date as `parse_date` gives it (seconds), or NO_DATE."""
    if iso is None:
        return NO_DATE
    d = dt.datetime.fromisoformat(iso)
    return d.toordinal() * 86400 + d.hour * 3600 + d.minute * 60 + d.second


def date_text(code: int) -> str | None:
    """The ISO date of a `date_code`, or None."""
    if code == NO_DATE:
        return None
    day = dt.datetime.fromordinal(code // 86400)
    return (day + dt.timedelta(seconds=code % 86400)).isoformat(timespec="seconds")


class DocumentTable:
    """Ids, origins, dates and provenances of the documents read so far, in reading order."""

    def __init__(self) -> None:
        self._ids = PackedStrings()
        self._table: np.ndarray | None = np.full(table_size(0), EMPTY_SLOT, dtype=np.int32)
        self._input = array("i")
        self._path = array("i")
        self._unit = array("b")
        self._number = array("q")
        self._paths = PackedStrings()  # consecutive equal paths are stored once
        self._last_path: str | None = None
        self._units: list[str] = []
        self._dates = array("q")
        self._provenances = array("i")
        self._provenance_values: list[Provenance] = []
        self._provenance_codes: dict[Provenance, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def claim_ids(self, ids: Sequence[str]) -> list[int]:
        """Register a batch of ids in order; for each, the earlier document with that id, or -1.

        A new id takes the next free index; `add_facts` must then be called once for each new
        id, in order.
        """
        encoded = [_encode(i) for i in ids]
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        batch_offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum(lengths, out=batch_offsets[1:])
        batch = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        table = self._id_table(len(self) + len(encoded))
        first = np.empty(len(encoded), dtype=np.int64)
        stored = np.frombuffer(self._ids.data, dtype=np.uint8)
        offsets = np.frombuffer(self._ids.offsets, dtype=np.int64)
        add_ids(table, stored, offsets, batch, batch_offsets, first)
        del stored, offsets  # release the buffers, so that they can grow again
        out = first.tolist()
        for data, earlier in zip(encoded, out, strict=True):
            if earlier < 0:
                self._ids.append_encoded(data)
        return out

    def _id_table(self, entries: int) -> np.ndarray:
        """The duplicate-id table, with room for `entries` ids (rebuilt larger when needed)."""
        if self._table is None or 2 * entries > self._table.shape[0]:
            self._table = np.full(table_size(entries), EMPTY_SLOT, dtype=np.int32)
            stored = np.frombuffer(self._ids.data, dtype=np.uint8)
            offsets = np.frombuffer(self._ids.offsets, dtype=np.int64)
            rehash_ids(self._table, stored, offsets)
        return self._table

    def compact(self) -> None:
        """Free the duplicate-id table once reading is done; `find` rebuilds it if asked."""
        self._table = None

    def add_facts(self, origin: Origin, date: str | None, provenance: Provenance) -> None:
        """Record where the next document came from, its date and its provenance."""
        self._input.append(origin.input_index)
        if origin.path != self._last_path:
            self._paths.append(origin.path)
            self._last_path = origin.path
        self._path.append(len(self._paths) - 1)
        if origin.unit not in self._units:
            self._units.append(origin.unit)
        self._unit.append(self._units.index(origin.unit))
        self._number.append(origin.number)
        self._dates.append(date_code(date))
        code = self._provenance_codes.setdefault(provenance, len(self._provenance_values))
        if code == len(self._provenance_values):
            self._provenance_values.append(provenance)
        self._provenances.append(code)

    def id(self, i: int) -> str:
        """Document i's id."""
        return self._ids[i]

    def find(self, doc_id: str) -> int | None:
        """The index of the document with this id, or None."""
        if len(self) == 0:
            return None
        stored = np.frombuffer(self._ids.data, dtype=np.uint8)
        offsets = np.frombuffer(self._ids.offsets, dtype=np.int64)
        key = np.frombuffer(_encode(doc_id), dtype=np.uint8)
        found = int(find_id(self._id_table(len(self)), stored, offsets, key))
        return None if found < 0 else found

    def origin(self, i: int) -> Origin:
        """Where document i was read."""
        unit = self._units[self._unit[i]]
        return Origin(self._input[i], self._paths[self._path[i]], unit, self._number[i])

    def date(self, i: int) -> str | None:
        """Document i's date as ISO-8601 text, or None."""
        return date_text(self._dates[i])

    def provenance(self, i: int) -> Provenance:
        """Document i's host and author, as far as they are known."""
        return self._provenance_values[self._provenances[i]]

    @property
    def dates(self) -> Sequence[str | None]:
        """Every document's date, as a sequence indexed by document."""
        return _Dates(self)


class _Dates(Sequence[str | None]):
    """A read-only view of the date column as ISO-8601 text."""

    def __init__(self, table: DocumentTable) -> None:
        self._table = table

    @overload
    def __getitem__(self, index: int) -> str | None: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str | None]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str | None] | None:
        if isinstance(index, slice):
            return [self._table.date(i) for i in range(len(self._table))[index]]
        return self._table.date(index)

    def __len__(self) -> int:
        return len(self._table)

    def __iter__(self) -> Iterator[str | None]:
        return (self._table.date(i) for i in range(len(self._table)))
