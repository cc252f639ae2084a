"""Posting blocks: sorted (term, owner, group) postings packed into small byte strings.

A run of postings is cut into blocks of up to BLOCK postings, in (term, owner) order. A block is

    u16 count | u8 term bits | u8 owner bits | u8 group bits | varint lowest owner |
    varint lowest group | bit-packed term deltas (count - 1) | owners - lowest | groups - lowest

(little-endian, bits packed from the lowest). The block's first term is not in it: it is the
block's *fence*, kept with the run (`runs.fences`), so that finding the blocks that may hold a
term is a binary search in memory. Deltas of sorted hash values and owners offset from the
block's lowest take about log2(range / count) + 2 and log2(owners) bits: a band posting of a
200,000-text index takes about 4.5 bytes instead of a 17-byte B-tree row.

The kernels are compiled with numba (cached on disk); none loops in Python per posting.
"""

from __future__ import annotations

import numba
import numpy as np

#: Postings per block (the last block of a run may hold fewer).
BLOCK = 128
#: Bytes of a block's fixed header (count and the three bit widths).
_HEADER = 5


@numba.njit(inline="always", cache=True)
def _width(x: np.uint64) -> int:
    n = 0
    while x:
        x >>= np.uint64(1)
        n += 1
    return n


@numba.njit(inline="always", cache=True)
def _put_varint(out: np.ndarray, pos: int, x: np.uint64) -> int:
    while x >= np.uint64(0x80):
        out[pos] = np.uint8((x & np.uint64(0x7F)) | np.uint64(0x80))
        x >>= np.uint64(7)
        pos += 1
    out[pos] = np.uint8(x)
    return pos + 1


@numba.njit(inline="always", cache=True)
def _get_varint(buf: np.ndarray, pos: int) -> tuple[np.uint64, int]:
    x = np.uint64(0)
    shift = np.uint64(0)
    while True:
        b = np.uint64(buf[pos])
        pos += 1
        x |= (b & np.uint64(0x7F)) << shift
        if b < np.uint64(0x80):
            return x, pos
        shift += np.uint64(7)


@numba.njit(inline="always", cache=True)
def _get_bits(buf: np.ndarray, bitpos: int, width: int) -> np.uint64:
    value = np.uint64(0)
    done = 0
    while done < width:
        byte = (bitpos + done) >> 3
        shift = (bitpos + done) & 7
        take = min(8 - shift, width - done)
        part = (np.uint64(buf[byte]) >> np.uint64(shift)) & np.uint64((1 << take) - 1)
        value |= part << np.uint64(done)
        done += take
    return value


@numba.njit(inline="always", cache=True)
def _take(
    buf: np.ndarray, pos: int, acc: np.uint64, nacc: int, width: int
) -> tuple[np.uint64, int, np.uint64, int]:
    """The next `width` bits of the stream (acc holds nacc bits read ahead): value and state."""
    high = np.uint64(0)
    if width > 56:  # the low 32 bits first, so that acc never overflows
        while nacc < 32:
            acc |= np.uint64(buf[pos]) << np.uint64(nacc)
            nacc += 8
            pos += 1
        low = acc & np.uint64(0xFFFFFFFF)
        acc >>= np.uint64(32)
        nacc -= 32
        width -= 32
        high = np.uint64(1)
    while nacc < width:
        acc |= np.uint64(buf[pos]) << np.uint64(nacc)
        nacc += 8
        pos += 1
    value = acc & ((np.uint64(1) << np.uint64(width)) - np.uint64(1))
    acc >>= np.uint64(width)
    nacc -= width
    if high:
        value = (value << np.uint64(32)) | low
    return value, pos, acc, nacc


@numba.njit(inline="always", cache=True)
def _emit(
    out: np.ndarray, pos: int, acc: np.uint64, nacc: int, value: np.uint64, width: int
) -> tuple[int, np.uint64, int]:
    """Append `width` low bits of value to the bit stream (acc holds nacc < 8 pending bits)."""
    if width > 56:  # the low 32 bits first, so that acc never overflows
        acc |= (value & np.uint64(0xFFFFFFFF)) << np.uint64(nacc)
        nacc += 32
        while nacc >= 8:
            out[pos] = np.uint8(acc & np.uint64(0xFF))
            acc >>= np.uint64(8)
            nacc -= 8
            pos += 1
        value >>= np.uint64(32)
        width -= 32
    acc |= value << np.uint64(nacc)
    nacc += width
    while nacc >= 8:
        out[pos] = np.uint8(acc & np.uint64(0xFF))
        acc >>= np.uint64(8)
        nacc -= 8
        pos += 1
    return pos, acc, nacc


@numba.njit(cache=True)
def encode(
    terms: np.ndarray, owners: np.ndarray, groups: np.ndarray, order: np.ndarray, block: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pack postings (taken in `order`, which must sort them by term) into blocks.

    Returns the bytes of all blocks, their start offsets (n_blocks + 1) and their fences (the
    first term of each block)."""
    n = order.shape[0]
    n_blocks = (n + block - 1) // block
    # Upper bound: header, two varints and 3 x 64 bits per posting.
    out = np.empty(n_blocks * (_HEADER + 20) + n * 24 + 8, dtype=np.uint8)
    starts = np.zeros(n_blocks + 1, dtype=np.int64)
    fences = np.empty(n_blocks, dtype=np.int64)
    t = np.empty(block, dtype=np.int64)
    o = np.empty(block, dtype=np.int64)
    g = np.empty(block, dtype=np.int64)
    pos = 0
    for b in range(n_blocks):
        lo = b * block
        count = min(n, lo + block) - lo
        for i in range(count):
            j = order[lo + i]
            t[i] = terms[j]
            o[i] = owners[j]
            g[i] = groups[j]
        fences[b] = t[0]
        own_min = o[0]
        grp_min = g[0]
        max_delta = np.uint64(0)
        for i in range(count):
            own_min = min(own_min, o[i])
            grp_min = min(grp_min, g[i])
            if i > 0:
                max_delta = max(max_delta, np.uint64(t[i]) - np.uint64(t[i - 1]))
        max_own = np.uint64(0)
        max_grp = np.uint64(0)
        for i in range(count):
            max_own = max(max_own, np.uint64(o[i] - own_min))
            max_grp = max(max_grp, np.uint64(g[i] - grp_min))
        wt = _width(max_delta)
        wo = _width(max_own)
        wg = _width(max_grp)
        starts[b] = pos
        out[pos] = np.uint8(count & 0xFF)
        out[pos + 1] = np.uint8(count >> 8)
        out[pos + 2] = np.uint8(wt)
        out[pos + 3] = np.uint8(wo)
        out[pos + 4] = np.uint8(wg)
        pos = _put_varint(out, pos + _HEADER, np.uint64(own_min))
        pos = _put_varint(out, pos, np.uint64(grp_min))
        acc = np.uint64(0)
        nacc = 0
        for i in range(1, count):
            pos, acc, nacc = _emit(out, pos, acc, nacc, np.uint64(t[i]) - np.uint64(t[i - 1]), wt)
        for i in range(count):
            pos, acc, nacc = _emit(out, pos, acc, nacc, np.uint64(o[i] - own_min), wo)
        for i in range(count):
            pos, acc, nacc = _emit(out, pos, acc, nacc, np.uint64(g[i] - grp_min), wg)
        if nacc:
            out[pos] = np.uint8(acc)
            pos += 1
    starts[n_blocks] = pos
    return out[:pos].copy(), starts, fences


@numba.njit(cache=True)
def _header(buf: np.ndarray, start: int) -> tuple[int, int, int, int, np.uint64, np.uint64, int]:
    count = int(buf[start]) | (int(buf[start + 1]) << 8)
    wt = int(buf[start + 2])
    wo = int(buf[start + 3])
    wg = int(buf[start + 4])
    own_min, pos = _get_varint(buf, start + _HEADER)
    grp_min, pos = _get_varint(buf, pos)
    return count, wt, wo, wg, own_min, grp_min, pos * 8


@numba.njit(cache=True)
def first_bad(buf: np.ndarray, starts: np.ndarray) -> int:
    """The first block whose header or size is not a block's (-1 when all are sound): the
    kernels that decode read only checked blocks, never past their end."""
    for b in range(starts.shape[0] - 1):
        start, end = starts[b], starts[b + 1]
        if end - start < _HEADER + 2 or end > buf.shape[0]:
            return b
        count = int(buf[start]) | (int(buf[start + 1]) << 8)
        wt, wo, wg = int(buf[start + 2]), int(buf[start + 3]), int(buf[start + 4])
        if count < 1 or wt > 64 or wo > 64 or wg > 64:
            return b
        pos = start + _HEADER
        for _ in range(2):  # the two varints, each at most 10 bytes, inside the block
            n = 0
            while pos < end and buf[pos] >= 0x80 and n < 10:
                pos += 1
                n += 1
            if pos >= end or n == 10:
                return b
            pos += 1
        bits = (count - 1) * wt + count * (wo + wg)
        if pos * 8 + bits > end * 8:
            return b
    return -1


@numba.njit(cache=True)
def count_postings(buf: np.ndarray, starts: np.ndarray) -> int:
    """Postings held by the blocks."""
    total = 0
    for b in range(starts.shape[0] - 1):
        total += int(buf[starts[b]]) | (int(buf[starts[b] + 1]) << 8)
    return total


@numba.njit(cache=True)
def find(
    buf: np.ndarray, starts: np.ndarray, fences: np.ndarray, runs: np.ndarray, wanted: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The postings of the blocks whose term is in `wanted` (sorted, distinct): their terms,
    owners, groups and the run of their block."""
    limit = count_postings(buf, starts)
    out_t = np.empty(limit, dtype=np.int64)
    out_o = np.empty(limit, dtype=np.int64)
    out_g = np.empty(limit, dtype=np.int64)
    out_r = np.empty(limit, dtype=np.int64)
    found = 0
    nw = wanted.shape[0]
    for b in range(starts.shape[0] - 1):
        count, wt, wo, wg, own_min, grp_min, bitpos = _header(buf, starts[b])
        owner_bits = bitpos + (count - 1) * wt
        group_bits = owner_bits + count * wo
        term = fences[b]
        k = np.searchsorted(wanted, term)
        pos, acc, nacc = bitpos >> 3, np.uint64(0), 0
        for i in range(count):
            if i > 0:
                d, pos, acc, nacc = _take(buf, pos, acc, nacc, wt)
                term = np.int64(np.uint64(term) + d)
            while k < nw and wanted[k] < term:
                k += 1
            if k == nw:
                break
            if wanted[k] == term:
                out_t[found] = term
                out_o[found] = np.int64(own_min + _get_bits(buf, owner_bits + i * wo, wo))
                out_g[found] = np.int64(grp_min + _get_bits(buf, group_bits + i * wg, wg))
                out_r[found] = runs[b]
                found += 1
    return out_t[:found], out_o[:found], out_g[:found], out_r[:found]


@numba.njit(cache=True)
def decode(
    buf: np.ndarray, starts: np.ndarray, fences: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every posting of the blocks: terms, owners, groups."""
    total = count_postings(buf, starts)
    out_t = np.empty(total, dtype=np.int64)
    out_o = np.empty(total, dtype=np.int64)
    out_g = np.empty(total, dtype=np.int64)
    at = 0
    for b in range(starts.shape[0] - 1):
        count, wt, wo, wg, own_min, grp_min, bitpos = _header(buf, starts[b])
        term = fences[b]
        pos, acc, nacc = bitpos >> 3, np.uint64(0), 0
        out_t[at] = term
        for i in range(1, count):
            d, pos, acc, nacc = _take(buf, pos, acc, nacc, wt)
            term = np.int64(np.uint64(term) + d)
            out_t[at + i] = term
        for i in range(count):
            v, pos, acc, nacc = _take(buf, pos, acc, nacc, wo)
            out_o[at + i] = np.int64(own_min + v)
        for i in range(count):
            v, pos, acc, nacc = _take(buf, pos, acc, nacc, wg)
            out_g[at + i] = np.int64(grp_min + v)
        at += count
    return out_t, out_o, out_g


@numba.njit(cache=True)
def merge_order(terms: np.ndarray, owners: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """The order that merges segments [bounds[i], bounds[i + 1]), each sorted by (term, owner),
    into one sorted sequence (a k-way merge; k is small)."""
    k = bounds.shape[0] - 1
    pos = bounds[:-1].copy()
    out = np.empty(bounds[-1] - bounds[0], dtype=np.int64)
    for at in range(out.shape[0]):
        best = -1
        for s in range(k):
            if pos[s] < bounds[s + 1]:
                j = pos[s]
                if best < 0:
                    best = s
                else:
                    i = pos[best]
                    if terms[j] < terms[i] or (terms[j] == terms[i] and owners[j] < owners[i]):
                        best = s
        out[at] = pos[best]
        pos[best] += 1
    return out


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel of this module."""
    t = np.asarray([3, 5, 5, 900], dtype=np.int64)
    o = np.asarray([1, 1, 2, 7], dtype=np.int64)
    buf, starts, fences = encode(t, o, o, np.arange(4, dtype=np.int64), 2)
    first_bad(buf, starts)
    find(buf, starts, fences, np.zeros(2, dtype=np.int64), t[:2].copy())
    decode(buf, starts, fences)
    merge_order(t, o, np.asarray([0, 2, 4], dtype=np.int64))
