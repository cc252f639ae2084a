"""Open-addressing hash tables in numpy arrays: duplicate ids and first exact copies.

A Python dict spends about 100 bytes an entry; these tables keep one int32 document index a
slot, at most half full, and compare keys against the document's own stored id or exact hash, so
a hash collision can never report a false duplicate.
"""

from __future__ import annotations

import numba
import numpy as np

from copytrace.text import U64, ZERO, mix64

EMPTY_SLOT = -1
_FNV_OFFSET = U64(0xCBF29CE484222325)
_FNV_PRIME = U64(0x100000001B3)


def table_size(entries: int) -> int:
    """Slots for `entries` keys: a power of two at least twice as large, so probes stay short."""
    size = 1024
    while size < 2 * entries:
        size *= 2
    return size


@numba.njit(cache=True)
def _hash_bytes(buf: np.ndarray, start: int, end: int) -> np.uint64:
    h = _FNV_OFFSET
    for i in range(start, end):
        h = (h ^ U64(buf[i])) * _FNV_PRIME
    return mix64(h)


@numba.njit(cache=True)
def _same_bytes(a: np.ndarray, a0: int, a1: int, b: np.ndarray, b0: int, b1: int) -> bool:
    if a1 - a0 != b1 - b0:
        return False
    for i in range(a1 - a0):  # noqa: SIM110 - a plain loop compiles best in numba
        if a[a0 + i] != b[b0 + i]:
            return False
    return True


@numba.njit(cache=True)
def rehash_ids(table: np.ndarray, buf: np.ndarray, offsets: np.ndarray) -> None:
    """Insert ids 0 .. len(offsets) - 2 (packed in buf) into an empty table."""
    mask = table.shape[0] - 1
    for d in range(offsets.shape[0] - 1):
        slot = int(_hash_bytes(buf, offsets[d], offsets[d + 1])) & mask
        while table[slot] != EMPTY_SLOT:
            slot = (slot + 1) & mask
        table[slot] = d


@numba.njit(cache=True)
def add_ids(
    table: np.ndarray,
    buf: np.ndarray,
    offsets: np.ndarray,
    batch: np.ndarray,
    batch_offsets: np.ndarray,
    first: np.ndarray,
) -> None:
    """Look up a batch of ids in order, inserting the new ones.

    `first[k]` becomes the index of the earlier document with batch id k, or -1 when the id is
    new; new ids take the next indices after the stored ones, in batch order. The table must
    have room for every id of the batch.
    """
    mask = table.shape[0] - 1
    n_stored = offsets.shape[0] - 1
    position = np.empty(batch_offsets.shape[0] - 1, dtype=np.int64)  # new index -> batch id
    added = 0
    for k in range(batch_offsets.shape[0] - 1):
        b0, b1 = batch_offsets[k], batch_offsets[k + 1]
        slot = int(_hash_bytes(batch, b0, b1)) & mask
        first[k] = -1
        while table[slot] != EMPTY_SLOT:
            d = table[slot]
            if d < n_stored:
                same = _same_bytes(buf, offsets[d], offsets[d + 1], batch, b0, b1)
            else:
                p = position[d - n_stored]
                same = _same_bytes(batch, batch_offsets[p], batch_offsets[p + 1], batch, b0, b1)
            if same:
                first[k] = d
                break
            slot = (slot + 1) & mask
        if first[k] < 0:
            table[slot] = n_stored + added
            position[added] = k
            added += 1


@numba.njit(cache=True)
def find_id(table: np.ndarray, buf: np.ndarray, offsets: np.ndarray, key: np.ndarray) -> int:
    """Index of the document whose id has the UTF-8 bytes `key`, or -1."""
    mask = table.shape[0] - 1
    slot = int(_hash_bytes(key, ZERO, key.shape[0])) & mask
    while table[slot] != EMPTY_SLOT:
        d = table[slot]
        if _same_bytes(buf, offsets[d], offsets[d + 1], key, ZERO, key.shape[0]):
            return d
        slot = (slot + 1) & mask
    return -1


@numba.njit(inline="always", cache=True)
def _exact_slot(exact: np.ndarray, d: int, mask: int) -> int:
    return int(exact[d, 0] ^ (exact[d, 1] >> U64(7))) & mask


@numba.njit(cache=True)
def rehash_exact(old: np.ndarray, new: np.ndarray, exact: np.ndarray) -> None:
    """Move every document of the exact-hash table `old` into the empty, larger table `new`."""
    mask = new.shape[0] - 1
    for s in range(old.shape[0]):
        d = old[s]
        if d != EMPTY_SLOT:
            slot = _exact_slot(exact, d, mask)
            while new[slot] != EMPTY_SLOT:
                slot = (slot + 1) & mask
            new[slot] = d


@numba.njit(cache=True)
def first_exact(
    table: np.ndarray, exact: np.ndarray, n_tokens: np.ndarray, start: int, rep: np.ndarray
) -> int:
    """Point documents start, start + 1, ... at the first document with their exact hash.

    `exact` and `n_tokens` are indexed by document; `rep[k]` is set for document start + k, and
    new hashes are inserted. A document without tokens is its own representative and is not
    inserted. Returns how many were inserted; the table must have room for all of them.
    """
    mask = table.shape[0] - 1
    inserted = 0
    for k in range(rep.shape[0]):
        d = start + k
        rep[k] = d
        if n_tokens[d] == 0:
            continue
        slot = _exact_slot(exact, d, mask)
        while table[slot] != EMPTY_SLOT:
            e = table[slot]
            if exact[e, 0] == exact[d, 0] and exact[e, 1] == exact[d, 1]:
                rep[k] = e
                break
            slot = (slot + 1) & mask
        if rep[k] == d:
            table[slot] = d
            inserted += 1
    return inserted
