"""Lines of texts, found in their UTF-8 bytes: where each is, and a key of what it says.

Chrome is found line by line (`boilerplate`), in every text of a corpus, so lines are found in
a compiled pass over the bytes of a batch of texts instead of a Python loop per line. A line is
what `str.splitlines` makes of a text (its breaks: LF, CR, CR LF, VT, FF, the separators
0x1C-0x1E, NEL, U+2028 and U+2029), with offsets in characters (code points) of the text, as
Python indexes it.
Each line's key is a 64-bit hash of its text stripped of white space (`str.strip`) and case
folded with the tokenizer's table (`text.char_tables`); it is the same on every machine and in
every process, unlike Python's `hash`, so engines that count lines apart can add their counts.
Lines longer than `MAX_KEYED_CHARS` stripped characters get no key: they are content.

`blank_encoded` replaces character ranges of encoded texts by spaces, one space per character,
so that character offsets stay valid, as `boilerplate.blank` does on strings.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numba
import numpy as np

from copytrace.text import FNV_OFFSET, FNV_PRIME, U64, char_tables, decode_utf8, mix64

#: Lines with more stripped characters than this get no key (key 0, `length` capped one above).
MAX_KEYED_CHARS = 300
#: First characters of a stripped line that quote another post.
QUOTE_CHARS = (ord(">"), ord("|"), ord(":"))
#: `words` is counted up to this many (a line with more words is never a short line).
MAX_COUNTED_WORDS = 255

_TEXT_P1 = U64(0x9E3779B97F4A7C15)
_TEXT_P2 = U64(0xC2B2AE3D27D4EB4F)
#: Whether 64-bit words load as little-endian (the hash's definition): then bytes load eight
#: at a time.
_LITTLE_ENDIAN = sys.byteorder == "little"


@numba.njit(inline="always", cache=True)
def is_space(c: int) -> bool:
    """Whether a code point is white space for `str.isspace` (and so for strip and split)."""
    if c < 0x80:
        return c == 32 or 9 <= c <= 13 or 28 <= c <= 31
    return (
        c == 0x85
        or c == 0xA0
        or c == 0x1680
        or 0x2000 <= c <= 0x200A
        or c == 0x2028
        or c == 0x2029
        or c == 0x202F
        or c == 0x205F
        or c == 0x3000
    )


@numba.njit(inline="always", cache=True)
def is_break(c: int) -> bool:
    """Whether a code point ends a line for `str.splitlines`."""
    if c < 0x80:
        return 10 <= c <= 13 or 28 <= c <= 30
    return c == 0x85 or c == 0x2028 or c == 0x2029


@numba.njit(inline="always", cache=True)
def _width(b0: int) -> int:
    if b0 < 0x80:
        return 1
    if b0 < 0xE0:
        return 2
    if b0 < 0xF0:
        return 3
    return 4


@numba.njit(cache=True)
def text_hash(buf: np.ndarray, lo: int, hi: int) -> np.uint64:
    """A 64-bit hash of the bytes buf[lo:hi], eight at a time."""
    h = U64(hi - lo) * _TEXT_P1
    pos = lo
    if _LITTLE_ENDIAN:
        # The bytes as 64-bit words, one load each: three times faster than assembling them
        # byte by byte below, which the compiler does not merge into loads here.
        words = (hi - lo) // 8
        for w in buf[lo : lo + 8 * words].view(np.uint64):
            h = (h ^ (w * _TEXT_P2)) * _TEXT_P1
            h ^= h >> U64(29)
        pos = lo + 8 * words
    while pos + 8 <= hi:
        w = U64(0)
        for k in range(8):
            w |= U64(buf[pos + k]) << U64(8 * k)
        h = (h ^ (w * _TEXT_P2)) * _TEXT_P1
        h ^= h >> U64(29)
        pos += 8
    w = U64(0)
    for k in range(hi - pos):
        w |= U64(buf[pos + k]) << U64(8 * k)
    return mix64(h ^ (w * _TEXT_P2))


@numba.njit(cache=True)
def _grow(a: np.ndarray, size: int) -> np.ndarray:
    out = np.empty(size, dtype=a.dtype)
    out[: a.shape[0]] = a
    return out


_HIGH_BITS = U64(0x8080808080808080)
#: White space among the ASCII characters, for `str.isspace`.
_ASCII_SPACE = np.array([c == 32 or 9 <= c <= 13 or 28 <= c <= 31 for c in range(128)], np.uint8)
_BELOW_1F = U64(0x1F1F1F1F1F1F1F1F)


@numba.njit(inline="always", cache=True)
def _load64(buf: np.ndarray, pos: int) -> np.uint64:
    w = U64(0)
    for k in range(8):
        w |= U64(buf[pos + k]) << U64(8 * k)
    return w


@numba.njit(inline="always", cache=True)
def line_end(buf: np.ndarray, pos: int, hi: int, char: int) -> tuple[int, int, int]:
    """From byte `pos` (character `char`): the byte and character where the line's content
    ends, and the code point there (a line break; -1 at the end of the text)."""
    while pos < hi:
        if pos + 8 <= hi:
            # Eight ASCII bytes, none below 0x1F, hold no line break: skip them at once.
            w = _load64(buf, pos)
            if (w & _HIGH_BITS) == 0 and ((w - _BELOW_1F) & ~w & _HIGH_BITS) == 0:
                pos += 8
                char += 8
                continue
        b0 = int(buf[pos])
        if b0 < 0x80:
            if 10 <= b0 <= 13 or 28 <= b0 <= 30:
                return pos, char, b0
            pos += 1
        else:
            cp, width = decode_utf8(buf, pos)
            if is_break(cp):
                return pos, char, cp
            pos += width
        char += 1
    return pos, char, -1


@numba.njit(inline="always", cache=True)
def stripped(buf: np.ndarray, lo: int, hi: int, chars: int) -> tuple[int, int, int]:
    """buf[lo:hi] (`chars` characters) once leading and trailing spaces go: its new bounds
    and how many characters are left."""
    while lo < hi:
        cp, width = decode_utf8(buf, lo)
        if not is_space(cp):
            break
        lo += width
        chars -= 1
    while hi > lo:
        back = hi - 1
        while back > lo and (buf[back] & 0xC0) == 0x80:
            back -= 1
        cp, _ = decode_utf8(buf, back)
        if not is_space(cp):
            break
        hi = back
        chars -= 1
    return lo, hi, chars


@numba.njit(inline="always", cache=True)
def after_break(buf: np.ndarray, pos: int, hi: int, brk: int) -> tuple[int, int]:
    """Past the line break `brk` that starts at byte `pos`: the next byte, and how many
    characters the break is (CR LF is one break of two)."""
    pos += _width(int(buf[pos]))
    if brk == 13 and pos < hi and buf[pos] == 10:
        return pos + 1, 2
    return pos, 1


@numba.njit(cache=True)
def _scan_lines(
    buf: np.ndarray, offsets: np.ndarray, fold: np.ndarray, capacity: int, with_hashes: bool
) -> tuple[
    np.ndarray,
    np.ndarray,
    np.ndarray,
    np.ndarray,
    np.ndarray,
    np.ndarray,
    np.ndarray,
    np.ndarray,
    np.ndarray,
]:
    n = offsets.shape[0] - 1
    first = np.zeros(n + 1, dtype=np.int64)
    hashes = np.empty(n, dtype=np.uint64)
    start = np.empty(capacity, dtype=np.int64)
    end = np.empty(capacity, dtype=np.int64)
    stop = np.empty(capacity, dtype=np.int64)
    key = np.empty(capacity, dtype=np.int64)
    length = np.empty(capacity, dtype=np.int32)
    words = np.empty(capacity, dtype=np.uint8)
    quote = np.empty(capacity, dtype=np.uint8)
    k = 0
    for d in range(n):
        pos = offsets[d]
        hi = offsets[d + 1]
        hashes[d] = text_hash(buf, pos, hi) if with_hashes else U64(0)
        char = 0
        while pos < hi:
            if k == start.shape[0]:
                size = 2 * k + 16
                start = _grow(start, size)
                end = _grow(end, size)
                stop = _grow(stop, size)
                key = _grow(key, size)
                length = _grow(length, size)
                words = _grow(words, size)
                quote = _grow(quote, size)
            line_pos = pos
            start[k] = char
            pos, char, brk = line_end(buf, pos, hi, char)
            end[k] = char
            chars = char - start[k]
            if chars > MAX_KEYED_CHARS:
                chars = stripped(buf, line_pos, pos, chars)[2]
            if chars > MAX_KEYED_CHARS:  # content, never chrome: no key
                key[k] = 0
                length[k] = MAX_KEYED_CHARS + 1
                words[k] = MAX_COUNTED_WORDS
                quote[k] = 0
            else:
                at = line_pos
                c = 0
                while at < pos:  # leading white space
                    cp, width = decode_utf8(buf, at)
                    if not is_space(cp):
                        break
                    at += width
                    c += 1
                if at == pos:
                    key[k] = 0
                    length[k] = 0
                    words[k] = 0
                    quote[k] = 0
                else:
                    first_ns = c
                    cp, _ = decode_utf8(buf, at)
                    quote[k] = cp if cp == 62 or cp == 124 or cp == 58 else 0
                    # Every character is hashed; the key is the hash after the last non-space.
                    h = FNV_OFFSET
                    h_last = h
                    last_ns = c
                    n_words = 0
                    prev_space = 1
                    while at < pos:
                        cp = int(buf[at])
                        if cp < 0x80:
                            at += 1
                            space = int(_ASCII_SPACE[cp])
                        else:
                            cp, width = decode_utf8(buf, at)
                            at += width
                            space = int(is_space(cp))
                        h = (h ^ U64(fold[cp])) * FNV_PRIME
                        if space == 0:
                            h_last = h
                            last_ns = c
                        n_words += prev_space & (1 - space)
                        prev_space = space
                        c += 1
                    n_stripped = last_ns - first_ns + 1
                    key[k] = np.int64(mix64(h_last ^ U64(n_stripped)))
                    length[k] = n_stripped
                    words[k] = min(n_words, MAX_COUNTED_WORDS)
            if brk >= 0:  # the line break: \r\n is one, of two characters
                pos, width = after_break(buf, pos, hi, brk)
                char += width
            stop[k] = char
            k += 1
        first[d + 1] = k
    return (
        first,
        hashes,
        start[:k].copy(),
        end[:k].copy(),
        stop[:k].copy(),
        key[:k].copy(),
        length[:k].copy(),
        words[:k].copy(),
        quote[:k].copy(),
    )


@dataclass(frozen=True, slots=True)
class Lines:
    """The lines of a batch of texts; text i's lines are first[i]:first[i + 1], in order.

    start, end, stop: character offsets in the text of the line's start, of the end of its
    content and of the end of its line break. key: the hash of the stripped, case-folded line
    (0 for a line of white space only, or longer than MAX_KEYED_CHARS stripped characters, which
    `length` then gives as MAX_KEYED_CHARS + 1). words: white-space separated words (capped at
    MAX_COUNTED_WORDS); quote: the code of the character > | or : that the stripped line starts
    with (0 for other lines). text_hashes: a 64-bit hash of each text's bytes.
    """

    first: np.ndarray
    text_hashes: np.ndarray
    start: np.ndarray
    end: np.ndarray
    stop: np.ndarray
    key: np.ndarray
    length: np.ndarray
    words: np.ndarray
    quote: np.ndarray

    def __len__(self) -> int:
        return int(self.start.shape[0])

    @property
    def counts(self) -> np.ndarray:
        """Lines of each text."""
        return np.diff(self.first)

    def doc(self) -> np.ndarray:
        """The text of each line."""
        return np.repeat(np.arange(self.first.shape[0] - 1), self.counts)


def find_lines(buf: np.ndarray, offsets: np.ndarray, text_hashes: bool = True) -> Lines:
    """The lines of the texts whose UTF-8 bytes are buf[offsets[i]:offsets[i + 1]] (and the
    texts' hashes, or zeros without `text_hashes`)."""
    _, fold = char_tables()
    n = offsets.shape[0] - 1
    capacity = int(offsets[-1] - offsets[0]) // 48 + n + 16
    first, hashes, start, end, stop, key, length, words, quote = _scan_lines(
        buf, offsets, fold, capacity, text_hashes
    )
    return Lines(first, hashes, start, end, stop, key, length, words, quote)


def encode_texts(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """UTF-8 bytes of texts (lone surrogates passed through) joined, with their offsets."""
    encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


def line_key(line: str) -> int:
    """The key `find_lines` gives a line (a slow reference, for tests and tools)."""
    _, fold = char_tables()
    x = line.strip()
    if not x or len(x) > MAX_KEYED_CHARS:
        return 0
    h = int(FNV_OFFSET)
    mask = (1 << 64) - 1
    for c in x:
        h = ((h ^ int(fold[ord(c)])) * int(FNV_PRIME)) & mask
    key = int(mix64(U64(h ^ len(x))))
    return key - (1 << 64) if key >= 1 << 63 else key


@numba.njit(inline="always", cache=True)
def _advance(buf: np.ndarray, pos: int, hi: int, chars: int) -> tuple[int, int]:
    """The byte `chars` characters after byte `pos` (at most `hi`), and how many characters
    that is; eight ASCII bytes are passed at once."""
    left = chars
    while left > 0 and pos < hi:
        if left >= 8 and pos + 8 <= hi and (_load64(buf, pos) & _HIGH_BITS) == 0:
            pos += 8
            left -= 8
        else:
            pos += _width(int(buf[pos]))
            left -= 1
    return pos, chars - left


@numba.njit(inline="always", cache=True)
def _first_content(buf: np.ndarray, pos: int, hi: int, chars: int) -> tuple[int, int]:
    """From byte `pos`, at most `chars` characters: the byte of the first character that is
    not white space (or where the characters end), and how many characters come before it."""
    done = 0
    while done < chars and pos < hi:
        cp, width = decode_utf8(buf, pos)
        if not is_space(cp):
            break
        pos += width
        done += 1
    return pos, done


@numba.njit(cache=True)
def _blank(
    buf: np.ndarray,
    offsets: np.ndarray,
    run_first: np.ndarray,
    run_lo: np.ndarray,
    run_hi: np.ndarray,
    out: np.ndarray,
    out_offsets: np.ndarray,
    blanked: np.ndarray,
) -> None:
    o = 0
    for d in range(offsets.shape[0] - 1):
        lo, hi = offsets[d], offsets[d + 1]
        out_offsets[d] = o
        r0, r1 = run_first[d], run_first[d + 1]
        if r0 == r1:
            out[o : o + hi - lo] = buf[lo:hi]
            o += hi - lo
            blanked[d] = False
            continue
        o_start = o
        pos = lo
        char = 0
        content = False
        for r in range(r0, r1 + 1):
            # Kept characters up to the next run (or the end): copied as they are.
            upto = run_lo[r] if r < r1 else 1 << 62
            kept = pos
            if not content:
                pos, done = _first_content(buf, pos, hi, upto - char)
                char += done
                content = pos < hi and char < upto
            if r == r1:
                pos = hi
            else:
                pos, done = _advance(buf, pos, hi, upto - char)
                char += done
            out[o : o + pos - kept] = buf[kept:pos]
            o += pos - kept
            if r == r1:
                break
            # Blanked characters: one space each.
            pos, done = _advance(buf, pos, hi, run_hi[r] - char)
            char += done
            out[o : o + done] = 32
            o += done
        if content:
            blanked[d] = True
        else:  # nothing but blanks: the text stays whole, it is all there is to compare
            out[o_start : o_start + hi - lo] = buf[lo:hi]
            o = o_start + hi - lo
            blanked[d] = False
    out_offsets[offsets.shape[0] - 1] = o


def blank_encoded(
    buf: np.ndarray, offsets: np.ndarray, run_first: np.ndarray, runs: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Encoded texts with character ranges replaced by one space a character.

    Text i's ranges are runs[run_first[i]:run_first[i + 1]] ((lo, hi) rows, sorted, disjoint).
    A text that would be white space only keeps its bytes. Returns the new bytes, their offsets
    and whether each text was blanked.
    """
    n = offsets.shape[0] - 1
    out = np.empty(max(int(offsets[-1] - offsets[0]), 0), dtype=np.uint8)
    out_offsets = np.empty(n + 1, dtype=np.int64)
    blanked = np.empty(n, dtype=np.bool_)
    runs = runs.reshape(-1, 2)
    _blank(
        buf,
        offsets,
        run_first,
        np.ascontiguousarray(runs[:, 0]),
        np.ascontiguousarray(runs[:, 1]),
        out,
        out_offsets,
        blanked,
    )
    return out[: out_offsets[-1]], out_offsets, blanked
