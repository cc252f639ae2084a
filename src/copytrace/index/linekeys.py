"""The chrome keys of texts' lines, for a batch of texts in one compiled pass.

A line's key is BLAKE2b (8-byte digest) of its group's salt and of the line stripped and
lower-cased (`chrome.line_key`): the keys every index already stores, so nothing stored changes.
The kernel finds the lines as `str.splitlines` does, strips them as `str.strip` does, lower-cases
them with a table of what `str.lower` makes of each character of the Basic Multilingual Plane
and hashes them. A line with a character whose lower case is not one character whatever
surrounds it (a capital sigma, a dotted capital I, a character beyond that plane) is marked,
and Python keys it as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from copytrace.index.core import U64, after_break, decode_utf8, is_space, line_end, stripped
from copytrace.text import ZERO

#: The BLAKE2b initial vector and message schedule (RFC 7693).
_IV = np.array(
    [
        0x6A09E667F3BCC908,
        0xBB67AE8584CAA73B,
        0x3C6EF372FE94F82B,
        0xA54FF53A5F1D36F1,
        0x510E527FADE682D1,
        0x9B05688C2B3E6C1F,
        0x1F83D9ABFB41BD6B,
        0x5BE0CD19137E2179,
    ],
    dtype=np.uint64,
)
_SIGMA = np.array(
    [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
        [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
        [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
        [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
        [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
        [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
        [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
        [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
        [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
    ],
    dtype=np.int64,
)
#: The parameter block's first word for an 8-byte digest without a key.
_PARAM_8 = U64(0x01010008)
#: How many groups (salts) a text's lines are keyed in at most (host or corpus, author,
#: signature: `chrome.groups_of`).
MAX_GROUPS = 3


@numba.njit(inline="always", cache=True)
def _rotr(x: np.uint64, n: int) -> np.uint64:
    return (x >> U64(n)) | (x << U64(64 - n))


@numba.njit(cache=True)
def _mix(
    a: np.uint64, b: np.uint64, c: np.uint64, d: np.uint64, x: np.uint64, y: np.uint64
) -> tuple[np.uint64, np.uint64, np.uint64, np.uint64]:
    a = a + b + x
    d = _rotr(d ^ a, 32)
    c = c + d
    b = _rotr(b ^ c, 24)
    a = a + b + y
    d = _rotr(d ^ a, 16)
    c = c + d
    b = _rotr(b ^ c, 63)
    return a, b, c, d


@numba.njit(cache=True)
def _compress(h: np.ndarray, m: np.ndarray, counted: int, last: bool) -> None:
    """One BLAKE2b compression of the 16 words m into h, `counted` bytes hashed so far."""
    # The working vector in sixteen locals, which the compiler keeps in registers.
    v0, v1, v2, v3, v4, v5, v6, v7 = h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]
    v8, v9, v10, v11 = _IV[0], _IV[1], _IV[2], _IV[3]
    v12, v13, v14, v15 = _IV[4] ^ U64(counted), _IV[5], _IV[6], _IV[7]
    if last:
        v14 = ~v14
    for r in range(12):
        s = _SIGMA[r % 10]
        v0, v4, v8, v12 = _mix(v0, v4, v8, v12, m[s[0]], m[s[1]])
        v1, v5, v9, v13 = _mix(v1, v5, v9, v13, m[s[2]], m[s[3]])
        v2, v6, v10, v14 = _mix(v2, v6, v10, v14, m[s[4]], m[s[5]])
        v3, v7, v11, v15 = _mix(v3, v7, v11, v15, m[s[6]], m[s[7]])
        v0, v5, v10, v15 = _mix(v0, v5, v10, v15, m[s[8]], m[s[9]])
        v1, v6, v11, v12 = _mix(v1, v6, v11, v12, m[s[10]], m[s[11]])
        v2, v7, v8, v13 = _mix(v2, v7, v8, v13, m[s[12]], m[s[13]])
        v3, v4, v9, v14 = _mix(v3, v4, v9, v14, m[s[14]], m[s[15]])
    h[0] ^= v0 ^ v8
    h[1] ^= v1 ^ v9
    h[2] ^= v2 ^ v10
    h[3] ^= v3 ^ v11
    h[4] ^= v4 ^ v12
    h[5] ^= v5 ^ v13
    h[6] ^= v6 ^ v14
    h[7] ^= v7 ^ v15


@numba.njit(cache=True)
def blake2b_64(data: np.ndarray, n: int, h: np.ndarray, m: np.ndarray) -> np.int64:
    """BLAKE2b with an 8-byte digest of data[:n], as a signed little-endian integer (what
    `int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little", signed=True)`
    gives). data must hold n rounded up to 128 bytes (at least 128): the bytes after n are
    overwritten with zeros. h and m are scratch arrays of 8 and 16 words."""
    for i in range(8):
        h[i] = _IV[i]
    h[0] ^= _PARAM_8
    # Zeros after the message up to the end of its last block, so that every word is read
    # whole (data must have room for them).
    padded = max(128, (n + 127) // 128 * 128)
    for b in range(n, padded):
        data[b] = 0
    done = 0
    while True:
        last = done + 128 >= n
        for w in range(16):
            at = done + 8 * w
            word = U64(0)
            for b in range(8):
                word |= U64(data[at + b]) << U64(8 * b)
            m[w] = word
        done = min(done + 128, n)
        _compress(h, m, done, last)
        if last:
            break
    return np.int64(h[0])  # the same 64 bits, read as signed


@numba.njit(inline="always", cache=True)
def _put_utf8(out: np.ndarray, at: int, c: int) -> int:
    """Write code point c (or a lone surrogate, as "surrogatepass" does) at out[at]."""
    if c < 0x80:
        out[at] = c
        return at + 1
    if c < 0x800:
        out[at] = 0xC0 | (c >> 6)
        out[at + 1] = 0x80 | (c & 0x3F)
        return at + 2
    if c < 0x10000:
        out[at] = 0xE0 | (c >> 12)
        out[at + 1] = 0x80 | ((c >> 6) & 0x3F)
        out[at + 2] = 0x80 | (c & 0x3F)
        return at + 3
    out[at] = 0xF0 | (c >> 18)
    out[at + 1] = 0x80 | ((c >> 12) & 0x3F)
    out[at + 2] = 0x80 | ((c >> 6) & 0x3F)
    out[at + 3] = 0x80 | (c & 0x3F)
    return at + 4


@numba.njit(cache=True)
def _line_keys(
    buf: np.ndarray,
    offsets: np.ndarray,
    lower: np.ndarray,
    salts: np.ndarray,
    salt_offsets: np.ndarray,
    text_salts: np.ndarray,
    flags: np.ndarray,
    max_chars: int,
    n_lines: int,
) -> tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray
]:
    n_texts = offsets.shape[0] - 1
    first = np.zeros(n_texts + 1, dtype=np.int64)
    start = np.empty(n_lines, dtype=np.int64)
    end = np.empty(n_lines, dtype=np.int64)
    chars = np.empty(n_lines, dtype=np.int64)
    words = np.zeros(n_lines, dtype=np.int64)
    lead = np.zeros(n_lines, dtype=np.int64)
    keyed = np.zeros(n_lines, dtype=np.bool_)
    keys = np.zeros((n_lines, MAX_GROUPS), dtype=np.int64)
    longest = 0
    for s in range(salt_offsets.shape[0] - 1):
        longest = max(longest, salt_offsets[s + 1] - salt_offsets[s])
    content = np.empty(4 * max_chars, dtype=np.uint8)
    message = np.empty(longest + 4 * max_chars + 128, dtype=np.uint8)
    h = np.empty(8, dtype=np.uint64)
    m = np.empty(16, dtype=np.uint64)
    line = 0
    for t in range(n_texts):
        pos, hi = offsets[t], offsets[t + 1]
        char = 0
        while pos < hi:
            # The line's content ends at a break (or the text's end); the break is kept.
            stop, stop_char, cp = line_end(buf, pos, hi, char)
            after, after_char = stop, stop_char
            if cp >= 0:
                after, width = after_break(buf, stop, hi, cp)
                after_char += width
            start[line] = char
            end[line] = after_char
            # The stripped content: bytes lo..up, n_chars characters.
            lo, up, n_chars = stripped(buf, pos, stop, stop_char - char)
            chars[line] = n_chars
            if n_chars > 0:
                lead[line] = decode_utf8(buf, lo)[0]
            if 0 < n_chars <= max_chars:
                # Lower-cased into `content`, words counted, unless a character's lower case
                # is not one character of the table (then Python keys the line).
                size = 0
                n_words = 0
                spaced = True
                simple = True
                at = lo
                while at < up:
                    c, width = decode_utf8(buf, at)
                    at += width
                    low = lower[c] if c < lower.shape[0] else -1
                    if low < 0:
                        simple = False
                        break
                    space = is_space(c)
                    if spaced and not space:
                        n_words += 1
                    spaced = space
                    size = _put_utf8(content, size, low)
                if simple:
                    keyed[line] = True
                    words[line] = n_words
                    for g in range(MAX_GROUPS):
                        s = text_salts[t, g]
                        if s < 0:
                            continue
                        n = ZERO  # ZERO, not 0: see copytrace.text.ZERO
                        for b in range(salt_offsets[s], salt_offsets[s + 1]):
                            message[n] = salts[b]
                            n += 1
                        for b in range(size):
                            message[n] = content[b]
                            n += 1
                        key = blake2b_64(message, n, h, m)
                        keys[line, g] = (key & ~1) | flags[s]
            line += 1
            pos, char = after, after_char
        first[t + 1] = line
    return first, start, end, chars, words, lead, keyed, keys


@numba.njit(cache=True)
def _count_lines(buf: np.ndarray, offsets: np.ndarray) -> int:
    """How many lines `str.splitlines` makes of the texts."""
    total = 0
    for t in range(offsets.shape[0] - 1):
        pos, hi = offsets[t], offsets[t + 1]
        char = 0
        while pos < hi:
            stop, char, cp = line_end(buf, pos, hi, char)
            total += 1
            if cp < 0:
                break
            pos, width = after_break(buf, stop, hi, cp)
            char += width
    return total


@dataclass(frozen=True, slots=True)
class LineTable:
    """The lines of a batch of texts: text i's are rows first[i]..first[i + 1] - 1.

    start, end: character offsets of the line in its text, its line break included.
    chars: characters of the stripped line. lead: its first code point (0 when empty).
    keyed: the stripped line has 1..max_chars characters, each with a one-character lower case
    in the table; then its keys (one column per group of its text, in `text_salts` order) and
    the number of its words are here. Python keys the other lines that have 1..max_chars.
    """

    first: np.ndarray
    start: np.ndarray
    end: np.ndarray
    chars: np.ndarray
    words: np.ndarray
    lead: np.ndarray
    keyed: np.ndarray
    keys: np.ndarray


_LOWER: np.ndarray | None = None


def lower_table() -> np.ndarray:
    """Per code point of the Basic Multilingual Plane, its lower case when `str.lower` makes
    it one character whatever surrounds it; -1 for the others (capital sigma, whose lower case
    depends on the next letter, and the dotted capital I, which becomes two characters)."""
    global _LOWER
    if _LOWER is None:
        table = np.full(0x10000, -1, dtype=np.int64)
        for c in range(0x10000):
            low = chr(c).lower()
            if len(low) == 1:
                table[c] = ord(low)
        table[0x03A3] = -1
        _LOWER = table
    return _LOWER


def line_table(
    buf: np.ndarray,
    offsets: np.ndarray,
    salts: list[bytes],
    flags: list[int],
    text_salts: np.ndarray,
    max_chars: int,
) -> LineTable:
    """Find and key the lines of texts given as UTF-8 bytes; `text_salts[i, g]` is the index
    in `salts` (and `flags`, each 0 or 1) of text i's g-th group, -1 for none."""
    salt_offsets = np.zeros(len(salts) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in salts], out=salt_offsets[1:])
    salt_buf = np.frombuffer(b"".join(salts) or b"\0", dtype=np.uint8)
    n_lines = int(_count_lines(buf, offsets))
    return LineTable(
        *_line_keys(
            buf,
            offsets,
            lower_table(),
            salt_buf,
            salt_offsets,
            np.ascontiguousarray(text_salts, dtype=np.int64),
            np.asarray(flags or [0], dtype=np.int64),
            max_chars,
            n_lines,
        )
    )
