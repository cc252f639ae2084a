"""Posting blocks: sorted (term, owner, group) postings packed into small byte strings.

A run of postings is cut into blocks of up to BLOCK postings, in (term, owner) order. A block is

    u16 count | u8 term bits | u8 owner bits | u8 group bits (+ 128 when any group) |
    varint lowest owner | varint lowest group | bit-packed term deltas (count - 1) |
    owners - lowest | [a bit per posting: has a group | groups - lowest, of those that have]

(little-endian, bits packed from the lowest). Most postings have no group (a group is the
thread of a post), so groups cost a bit each plus the bits of those that have one. The block's
first term is not in it: it is the block's *fence*, kept with the run (`runs.fences`), so that
finding the blocks that may hold a term is a binary search in memory. Deltas of sorted hash
values and owners offset from the block's lowest take about log2(range / count) + 2 and
log2(owners) bits: a band posting of a 100,000-text index takes about 4.5 bytes instead of a
17-byte B-tree row.

The kernels are compiled with numba (cached on disk); none loops in Python per posting.
"""

from __future__ import annotations

import numba
import numpy as np

#: Postings per block (the last block of a run may hold fewer).
BLOCK = 128
#: Bytes of a block's fixed header (count and the three bit widths).
_HEADER = 5
#: The group-width byte's flag: the block has postings with a group.
_GROUPS = 0x80
#: Bloom filter of a run: bits per posting and hash functions (about 1.7% false positives).
#: A false positive costs a block read, and a query's term is tested against every run of its
#: kind (10 fp runs at 200k documents): with 5 bits (9%), 20-50% more blocks than needed.
#: Readers take the number of bits from the filter's size, so runs written with fewer stay
#: valid; the number of hashes is fixed.
BLOOM_BITS = 10
BLOOM_HASHES = 3


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
    low = np.uint64(0)
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
        grp_min = np.int64(0)
        grouped = 0
        max_delta = np.uint64(0)
        for i in range(count):
            own_min = min(own_min, o[i])
            if g[i] != 0:
                grp_min = g[i] if grouped == 0 else min(grp_min, g[i])
                grouped += 1
            if i > 0:
                max_delta = max(max_delta, np.uint64(t[i]) - np.uint64(t[i - 1]))
        max_own = np.uint64(0)
        max_grp = np.uint64(0)
        for i in range(count):
            max_own = max(max_own, np.uint64(o[i] - own_min))
            if g[i] != 0:
                max_grp = max(max_grp, np.uint64(g[i] - grp_min))
        wt = _width(max_delta)
        wo = _width(max_own)
        wg = _width(max_grp)
        starts[b] = pos
        out[pos] = np.uint8(count & 0xFF)
        out[pos + 1] = np.uint8(count >> 8)
        out[pos + 2] = np.uint8(wt)
        out[pos + 3] = np.uint8(wo)
        out[pos + 4] = np.uint8(wg | (_GROUPS if grouped else 0))
        pos = _put_varint(out, pos + _HEADER, np.uint64(own_min))
        pos = _put_varint(out, pos, np.uint64(grp_min))
        acc = np.uint64(0)
        nacc = 0
        for i in range(1, count):
            pos, acc, nacc = _emit(out, pos, acc, nacc, np.uint64(t[i]) - np.uint64(t[i - 1]), wt)
        for i in range(count):
            pos, acc, nacc = _emit(out, pos, acc, nacc, np.uint64(o[i] - own_min), wo)
        if grouped:
            for i in range(count):
                pos, acc, nacc = _emit(out, pos, acc, nacc, np.uint64(g[i] != 0), 1)
            for i in range(count):
                if g[i] != 0:
                    pos, acc, nacc = _emit(out, pos, acc, nacc, np.uint64(g[i] - grp_min), wg)
        if nacc:
            out[pos] = np.uint8(acc)
            pos += 1
    starts[n_blocks] = pos
    return out[:pos].copy(), starts, fences


@numba.njit(cache=True)
def _header(buf: np.ndarray, start: int) -> tuple[int, int, int, int, np.uint64, np.uint64, int]:
    """count, term bits, owner bits, group bits (-1: no group in the block), lowest owner,
    lowest group, and the bit where the packed values start."""
    count = int(buf[start]) | (int(buf[start + 1]) << 8)
    wt = int(buf[start + 2])
    wo = int(buf[start + 3])
    wg = int(buf[start + 4])
    wg = wg & ~_GROUPS if wg & _GROUPS else -1
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
        grouped = wg & _GROUPS
        wg &= ~_GROUPS
        if count < 1 or wt > 64 or wo > 64 or wg > 64 or (wg and not grouped):
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
        bits = pos * 8 + (count - 1) * wt + count * wo
        if grouped:
            if bits + count > end * 8:
                return b
            have = 0
            for i in range(count):
                have += (buf[(bits + i) >> 3] >> ((bits + i) & 7)) & 1
            bits += count + have * wg
        if bits > end * 8:
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
        flag_bits = owner_bits + count * wo
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
                out_g[found] = _group_of(buf, flag_bits, count, wg, grp_min, i)
                out_r[found] = runs[b]
                found += 1
    return out_t[:found], out_o[:found], out_g[:found], out_r[:found]


@numba.njit(inline="always", cache=True)
def _group_of(buf: np.ndarray, flags: int, count: int, wg: int, grp_min: np.uint64, i: int) -> int:
    """The group of posting i of a block (0: none)."""
    if wg < 0 or not (buf[(flags + i) >> 3] >> ((flags + i) & 7)) & 1:
        return 0
    rank = 0
    for j in range(i):
        rank += (buf[(flags + j) >> 3] >> ((flags + j) & 7)) & 1
    return int(grp_min + _get_bits(buf, flags + count + rank * wg, wg))


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
        if wg < 0:
            out_g[at : at + count] = 0
        else:
            for i in range(count):
                v, pos, acc, nacc = _take(buf, pos, acc, nacc, 1)
                out_g[at + i] = np.int64(v)
            for i in range(count):
                if out_g[at + i]:
                    v, pos, acc, nacc = _take(buf, pos, acc, nacc, wg)
                    out_g[at + i] = np.int64(grp_min + v)
        at += count
    return out_t, out_o, out_g


@numba.njit(inline="always", cache=True)
def _mix(x: np.uint64) -> np.uint64:
    """A 64-bit finalizer (splitmix64's): every input bit moves every output bit."""
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@numba.njit(cache=True)
def bloom(terms: np.ndarray, bits_per_key: int, hashes: int) -> np.ndarray:
    """A Bloom filter of the terms (bytes; its size tells its number of bits)."""
    n_bits = max(64, (terms.shape[0] * bits_per_key + 63) // 64 * 64)
    out = np.zeros(n_bits // 8, dtype=np.uint8)
    m = np.uint64(n_bits)
    for t in terms:
        h = _mix(np.uint64(t))
        h1 = h & np.uint64(0xFFFFFFFF)
        h2 = (h >> np.uint64(32)) | np.uint64(1)
        for i in range(hashes):
            bit = (h1 + np.uint64(i) * h2) % m
            out[bit >> np.uint64(3)] |= np.uint8(1 << (bit & np.uint64(7)))
    return out


@numba.njit(cache=True)
def maybe_in(filt: np.ndarray, terms: np.ndarray, hashes: int) -> np.ndarray:
    """Which terms the Bloom filter may hold (false for those it surely does not)."""
    m = np.uint64(filt.shape[0] * 8)
    out = np.empty(terms.shape[0], dtype=np.bool_)
    for j in range(terms.shape[0]):
        h = _mix(np.uint64(terms[j]))
        h1 = h & np.uint64(0xFFFFFFFF)
        h2 = (h >> np.uint64(32)) | np.uint64(1)
        hit = True
        for i in range(hashes):
            bit = (h1 + np.uint64(i) * h2) % m
            if not (filt[bit >> np.uint64(3)] >> (bit & np.uint64(7))) & 1:
                hit = False
                break
        out[j] = hit
    return out


@numba.njit(cache=True)
def blocks_to_read(
    wanted: np.ndarray,
    fences: np.ndarray,
    fence_at: np.ndarray,
    filters: np.ndarray,
    filter_at: np.ndarray,
    runs: np.ndarray,
    id_bits: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The blocks of the runs that may hold wanted terms (sorted, distinct): run i's fences are
    fences[fence_at[i]:fence_at[i + 1]], its Bloom filter filters[filter_at[i]:...]. Returns
    the blocks' ids (run << id_bits | number, increasing) and their fences."""
    out_id = np.empty(16, dtype=np.int64)
    out_first = np.empty(16, dtype=np.int64)
    n = 0
    for r in range(runs.shape[0]):
        f = fences[fence_at[r] : fence_at[r + 1]]
        filt = filters[filter_at[r] : filter_at[r + 1]]
        if f.shape[0] == 0:
            continue
        last = -1
        here = maybe_in(filt, wanted, BLOOM_HASHES)
        for j in range(wanted.shape[0]):
            if not here[j] or wanted[j] < f[0]:
                continue
            hi = np.searchsorted(f, wanted[j], side="right") - 1
            lo = max(np.searchsorted(f, wanted[j], side="left") - 1, 0)
            for b in range(max(lo, last + 1), hi + 1):
                if n == out_id.shape[0]:
                    out_id = np.concatenate((out_id, np.empty(n, dtype=np.int64)))
                    out_first = np.concatenate((out_first, np.empty(n, dtype=np.int64)))
                out_id[n] = (runs[r] << id_bits) + b
                out_first[n] = f[b]
                n += 1
                last = b
    return out_id[:n], out_first[:n]


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
    filt = bloom(t, BLOOM_BITS, BLOOM_HASHES)
    maybe_in(filt, t, BLOOM_HASHES)
    at = np.asarray([0, fences.shape[0]], dtype=np.int64)
    blocks_to_read(t, fences, at, filt, np.asarray([0, filt.shape[0]]), at[1:], 24)
    merge_order(t, o, np.asarray([0, 2, 4], dtype=np.int64))
