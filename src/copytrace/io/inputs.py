"""Open input paths (their readers come from the table of formats) and read them in order."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from copytrace.errors import InputError
from copytrace.io.base import FileReader, Item, ReadOptions
from copytrace.io.formats import input_kind, open_reader


def open_readers(paths: Sequence[Path | str], options: ReadOptions) -> list[FileReader]:
    """Readers for several inputs, checked up front so that a typo fails before any work."""
    if not paths:
        raise InputError("no input given.")
    return [open_reader(Path(p), options, i) for i, p in enumerate(paths)]


def iter_items(readers: Sequence[FileReader]) -> Iterator[Item]:
    """All records of all readers, in order."""
    for reader in readers:
        yield from reader


__all__ = ["input_kind", "iter_items", "open_reader", "open_readers"]
