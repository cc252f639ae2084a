"""Normalization and tokenization with offsets into the original text.

Normalization is per code point, so that every token keeps its exact character offsets: NFKC and
case folding where they map one code point to one code point, lower case otherwise. Word tokens
are maximal runs of letters and digits (combining marks stay with their letter); CJK, kana, Thai,
Lao, Khmer and Myanmar characters are tokens of their own, since those scripts do not separate
words with spaces. The kernels read UTF-8 bytes and count code points, so offsets are indices into
the Python string.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numba
import numpy as np
from numba.cpython.unsafe.numbers import trailing_zeros

#: Character classes in the lookup table.
SEPARATOR, WORD, STANDALONE, MARK = 0, 1, 2, 3

_TABLE_VERSION = 2
#: Bits of the character shape table: a digit, an upper- or title-case letter.
DIGIT, UPPER = 1, 2
_STANDALONE_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x31F0, 0x31FF),  # Katakana extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # half-width Katakana
    (0x20000, 0x3FFFF),  # CJK extensions B and later
)

U64 = np.uint64
#: 0 typed as numba's int64, not Literal[int](0): a literal 0 passed to a compiled helper, or
#: carried into a loop that passes it, compiles that helper a second time.
ZERO: int = np.int64(0)  # type: ignore[assignment]
FNV_OFFSET = U64(0xCBF29CE484222325)
FNV_PRIME = U64(0x100000001B3)


def _build_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    classes = np.zeros(0x110000, dtype=np.uint8)
    fold = np.arange(0x110000, dtype=np.uint32)
    shapes = np.zeros(0x110000, dtype=np.uint8)
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        if ch.isalnum():
            classes[cp] = WORD
            shapes[cp] = DIGIT if ch.isdigit() else UPPER if ch.isupper() or ch.istitle() else 0
            folded = unicodedata.normalize("NFKC", ch).casefold()
            if len(folded) != 1:
                folded = ch.lower()
            if len(folded) == 1:
                fold[cp] = ord(folded)
        elif unicodedata.category(ch) in ("Mn", "Mc"):
            classes[cp] = MARK
    for low, high in _STANDALONE_RANGES:
        part = classes[low : high + 1]
        part[part == WORD] = STANDALONE
    return classes, fold, shapes


def _cache_path() -> Path:
    base = os.environ.get("COPYTRACE_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "copytrace"
    )
    name = f"chartables-v{_TABLE_VERSION}-unicode{unicodedata.unidata_version}.npz"
    return Path(base) / name


_TABLES: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


def _all_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The character tables; built once, cached on disk."""
    global _TABLES
    if _TABLES is not None:
        return _TABLES
    path = _cache_path()
    tables = None
    try:
        with np.load(path) as data:
            tables = (data["classes"], data["fold"], data["shapes"])
    except (OSError, KeyError, ValueError):
        tables = None
    if tables is None or any(t.shape != (0x110000,) for t in tables):
        tables = _build_tables()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
            np.savez(tmp, classes=tables[0], fold=tables[1], shapes=tables[2])
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only home only costs the half second of rebuilding
    _TABLES = tables
    return tables


def char_tables() -> tuple[np.ndarray, np.ndarray]:
    """(class per code point, folded code point per code point)."""
    classes, fold, _ = _all_tables()
    return classes, fold


def char_shapes() -> np.ndarray:
    """DIGIT and UPPER bits per code point."""
    return _all_tables()[2]


def utf8_array(text: str) -> np.ndarray:
    """The text's UTF-8 bytes as a uint8 array (lone surrogates pass through)."""
    return np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)


@numba.njit(inline="always", cache=True)
def mix64(x: np.uint64) -> np.uint64:
    """splitmix64 finalizer: a bijective 64-bit avalanche."""
    x = (x ^ (x >> U64(30))) * U64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> U64(27))) * U64(0x94D049BB133111EB)
    return x ^ (x >> U64(31))


#: Tokens per chunk of the resumable tokenizer: bounds scratch memory for any document size.
CHUNK_TOKENS = 4096

#: The folded character of each ASCII letter and digit, 0 for the other ASCII characters (which
#: are all separators); `char_tables` agrees, and a test checks it.
ASCII_FOLD = np.array(
    [ord(chr(c).lower()) if chr(c).isalnum() else 0 for c in range(128)], dtype=np.uint8
)
_BYTES = U64(0x0101010101010101)
_HIGH = U64(0x8080808080808080)
#: FNV_PRIME to the powers 0, -1, ..., -8 (mod 2**64): undo the steps of `_fnv8` over zero bytes.
_FNV_UNDO = np.array([pow(int(FNV_PRIME), -k, 1 << 64) for k in range(9)], dtype=np.uint64)


@numba.njit(inline="always", cache=True)
def _load8(buf: np.ndarray, pos: int) -> np.uint64:
    """Bytes pos..pos + 7 as one little-endian word (unsigned indices: one load, no wraparound)."""
    at = U64(pos)
    out = U64(0)
    for i in range(8):
        out |= U64(buf[at + U64(i)]) << U64(8 * i)
    return out


@numba.njit(inline="always", cache=True)
def _ascii_letters_digits(w: np.uint64) -> tuple[np.uint64, np.uint64]:
    """Bit 7 of each byte of w that is an ASCII letter, and of each that is an ASCII digit."""
    x = w & ~_HIGH  # 7-bit bytes: the sums below cannot carry into the next byte
    ascii = ~w & _HIGH
    digit = (x + U64(0x50) * _BYTES) & ~(x + U64(0x46) * _BYTES)  # 0x30 <= x <= 0x39
    lower = x | U64(0x20) * _BYTES
    letter = (lower + U64(0x1F) * _BYTES) & ~(lower + U64(0x05) * _BYTES)  # "a" <= lower <= "z"
    return letter & ascii, digit & ascii


@numba.njit(inline="always", cache=True)
def _first_byte(bits: np.uint64) -> int:
    """The index of the lowest byte of bits (not 0) with a bit set."""
    return int(trailing_zeros(bits)) >> 3  # type: ignore[call-arg]


@numba.njit(inline="always", cache=True)
def _fnv8(h: np.uint64, w: np.uint64) -> np.uint64:
    """FNV-1a steps over the 8 bytes of w, lowest first (unrolled: no branch per byte)."""
    for _ in range(8):
        h = (h ^ (w & U64(0xFF))) * FNV_PRIME
        w >>= U64(8)
    return h


@numba.njit(inline="always", cache=True)
def decode_utf8(buf: np.ndarray, pos: int) -> tuple[int, int]:
    """The code point at byte `pos` of UTF-8 bytes (lone surrogates as Python encodes them
    with "surrogatepass"), and its width in bytes."""
    b0 = int(buf[pos])
    if b0 < 0x80:
        return b0, 1
    if b0 < 0xE0:
        return ((b0 & 0x1F) << 6) | (int(buf[pos + 1]) & 0x3F), 2
    if b0 < 0xF0:
        return (
            ((b0 & 0x0F) << 12) | ((int(buf[pos + 1]) & 0x3F) << 6) | (int(buf[pos + 2]) & 0x3F)
        ), 3
    return (
        ((b0 & 0x07) << 18)
        | ((int(buf[pos + 1]) & 0x3F) << 12)
        | ((int(buf[pos + 2]) & 0x3F) << 6)
        | (int(buf[pos + 3]) & 0x3F)
    ), 4


@numba.njit(cache=True)
def tokenize_chunk(
    buf: np.ndarray,
    pos: int,
    end: int,
    char_pos: int,
    classes: np.ndarray,
    fold: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    hashes: np.ndarray,
) -> tuple[int, int, int]:
    """Tokenize buf[pos:end] into the given arrays until they are full or the text ends.

    Returns (pos, char_pos, count). It stops only between tokens, so calling it again from the
    returned position continues the text; count < capacity means the text is done.
    One pass over UTF-8 bytes, a tight loop for the separators and one for the characters of a
    token, each with a path for ASCII (in a word, 8 bytes at a time): this is the hot loop of
    copytrace.
    """
    cap = hashes.shape[0]
    n = 0
    while True:
        # Separators (and combining marks that follow no token) up to the next token.
        cls = SEPARATOR
        cp = 0
        width = 0
        while pos < end:
            b0 = buf[U64(pos)]
            if b0 < 0x80:
                if ASCII_FOLD[b0] != 0:
                    cp, width, cls = int(b0), 1, WORD
                    break
                pos += 1
                char_pos += 1
                continue
            cp, width = decode_utf8(buf, pos)
            cls = classes[cp]
            if cls == WORD or cls == STANDALONE:  # noqa: SIM109 - numba compiles this form
                break
            pos += width
            char_pos += 1
        if pos >= end or n == cap:
            return pos, char_pos, n
        start = char_pos
        h = (FNV_OFFSET ^ U64(fold[cp])) * FNV_PRIME
        pos += width
        char_pos += 1
        after = 0
        if cls == WORD:
            # Letters, digits and marks; an ASCII letter or digit needs no decoding.
            while pos < end:
                if pos + 8 <= end:
                    # The ASCII letters and digits among the next 8 bytes hashed without a branch
                    # per byte (where a word ends is what a CPU predicts worst): all 8 bytes go
                    # through FNV, those after the word as zeros, whose steps are then undone.
                    w = _load8(buf, pos)
                    letter, digit = _ascii_letters_digits(w)
                    rest = ~(letter | digit) & _HIGH
                    folded = w | (letter >> U64(2))  # upper case letters to lower case
                    if rest == 0:
                        h = _fnv8(h, folded)
                        pos += 8
                        char_pos += 8
                        continue
                    run = _first_byte(rest)
                    h = _fnv8(h, folded & ((U64(1) << U64(8 * run)) - U64(1))) * _FNV_UNDO[8 - run]
                    pos += run
                    char_pos += run
                    if (w >> U64(8 * run + 7)) & U64(1) == 0:
                        after = 1  # the word ends at an ASCII separator, which needs no second look
                        break
                b0 = buf[U64(pos)]
                if b0 < 0x80:
                    folded_b0 = ASCII_FOLD[b0]
                    if folded_b0 == 0:
                        break
                    h = (h ^ U64(folded_b0)) * FNV_PRIME
                    pos += 1
                else:
                    cp, width = decode_utf8(buf, pos)
                    cls = classes[cp]
                    if cls != WORD and cls != MARK:
                        break
                    h = (h ^ U64(fold[cp])) * FNV_PRIME
                    pos += width
                char_pos += 1
        else:
            # A standalone character (CJK, Thai, ...) is a token with its combining marks.
            while pos < end:
                cp, width = decode_utf8(buf, pos)
                if classes[cp] != MARK:
                    break
                h = (h ^ U64(fold[cp])) * FNV_PRIME
                pos += width
                char_pos += 1
        starts[n] = start
        ends[n] = char_pos
        hashes[n] = mix64(h)
        n += 1
        pos += after
        char_pos += after


@numba.njit(cache=True)
def _tokenize(
    buf: np.ndarray, classes: np.ndarray, fold: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    starts = np.empty(CHUNK_TOKENS, dtype=np.int64)
    ends = np.empty(CHUNK_TOKENS, dtype=np.int64)
    hashes = np.empty(CHUNK_TOKENS, dtype=np.uint64)
    count = 0
    pos = ZERO
    char_pos = ZERO
    while True:
        if starts.shape[0] - count < CHUNK_TOKENS:
            grown = 2 * starts.shape[0]
            starts = _grow(starts, grown)
            ends = _grow(ends, grown)
            hashes = _grow(hashes, grown)
        stop = count + CHUNK_TOKENS
        pos, char_pos, n = tokenize_chunk(
            buf,
            pos,
            buf.shape[0],
            char_pos,
            classes,
            fold,
            starts[count:stop],
            ends[count:stop],
            hashes[count:stop],
        )
        count += n
        if n < CHUNK_TOKENS:
            break
    return starts[:count].copy(), ends[:count].copy(), hashes[:count].copy()


@numba.njit(cache=True)
def _grow(a: np.ndarray, size: int) -> np.ndarray:
    out = np.empty(size, dtype=a.dtype)
    out[: a.shape[0]] = a
    return out


@dataclass(frozen=True, slots=True)
class Tokens:
    """Tokens of one text: character offsets [starts[i], ends[i]) and normalized-token hashes."""

    starts: np.ndarray
    ends: np.ndarray
    hashes: np.ndarray

    def __len__(self) -> int:
        return int(self.hashes.shape[0])


def tokenize(text: str) -> Tokens:
    """Split a text into normalized tokens, keeping offsets into the original string."""
    classes, fold = char_tables()
    starts, ends, hashes = _tokenize(utf8_array(text), classes, fold)
    return Tokens(starts, ends, hashes)


def normalize(text: str) -> str:
    """The normalized form of a text: its folded tokens joined by single spaces (for display)."""
    classes, fold = char_tables()
    toks = tokenize(text)
    out = []
    for s, e in zip(toks.starts.tolist(), toks.ends.tolist(), strict=True):
        out.append("".join(chr(fold[ord(c)]) if classes[ord(c)] else c for c in text[s:e]))
    return " ".join(out)


# Sentences: where they break, and the shape of each token in its sentence.

#: Longer sentences are cut into pieces of this many tokens, so one run-on sentence or a text
#: without punctuation still aligns piece by piece.
MAX_SENTENCE_TOKENS = 50
#: Tokens whose sentence breaks are found per pass (bounds the text copied for a 50 MB text).
SENTENCE_CHUNK_TOKENS = 1 << 18


@numba.njit(cache=True)
def _is_space(c: int) -> bool:
    return c == 32 or 9 <= c <= 13 or c == 0xA0 or 0x2000 <= c <= 0x200A or c == 0x3000


@numba.njit(cache=True)
def _ends_sentence(chars: np.ndarray, start: int, end: int) -> bool:
    """Whether the text between two tokens ends a sentence.

    It does at . ! ? (after them, closing quotes and brackets) followed by white space, at an
    ideographic full stop, and at a blank line; a line break alone does not (wrapped text).
    """
    stop = False
    newline = False
    for k in range(start, end):
        c = chars[k]
        if c == 0x3002 or c == 0xFF01 or c == 0xFF1F:
            return True
        if c == 0x2E or c == 0x21 or c == 0x3F:
            stop = True
        elif stop and (c in (0x22, 0x27, 0x29, 0x5D, 0xBB) or c == 0x2019 or c == 0x201D):
            continue
        elif _is_space(c):
            if stop:
                return True
            if c == 10:
                if newline:
                    return True
                newline = True
        else:
            stop = False
            newline = False
    return False


@numba.njit(cache=True)
def _sentence_numbers(
    chars: np.ndarray,
    offset: int,
    starts: np.ndarray,
    ends: np.ndarray,
    first: int,
    out: np.ndarray,
    state: np.ndarray,
    max_tokens: int,
) -> None:
    """Number the tokens first..first + len(out) - 1; chars hold the text from `offset` on.

    state = [sentence, tokens in it so far] carries over from the previous chunk.
    """
    sentence, count = state[0], state[1]
    for n in range(out.shape[0]):
        k = first + n
        if k > 0:
            gap_start, gap_end = ends[k - 1] - offset, starts[k] - offset
            if count >= max_tokens or _ends_sentence(chars, gap_start, gap_end):
                sentence += 1
                count = 0
        out[n] = sentence
        count += 1
    state[0], state[1] = sentence, count


def sentence_ids(text: str, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The sentence number of each token (int32, non-decreasing from 0) of a tokenized text.

    Sentences longer than MAX_SENTENCE_TOKENS are cut into pieces of that many tokens.
    """
    n = starts.shape[0]
    out = np.zeros(n, dtype=np.int32)
    state = np.zeros(2, dtype=np.int64)
    for first in range(0, n, SENTENCE_CHUNK_TOKENS):  # chunks keep the text copy below small
        last = min(n, first + SENTENCE_CHUNK_TOKENS)
        lo = int(ends[first - 1]) if first > 0 else 0
        hi = int(starts[last - 1])
        # One array element per character, as the token offsets count them.
        chars = np.frombuffer(text[lo:hi].encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        _sentence_numbers(
            chars, lo, starts, ends, first, out[first:last], state, MAX_SENTENCE_TOKENS
        )
    return out


#: Bits of a token's shape: it has a digit (a figure); it is capitalized inside a sentence (a
#: name); it is capitalized at all (names, initials, the first word of a sentence). Figures and
#: names are the content that templates change and rewrites keep.
NUMBER, NAME, CAPITAL = 1, 2, 4
#: More bits: a word of capitals (its first two characters upper case: acronyms, and every word
#: of a text written in capitals); the part of a figure after its decimal point or thousands
#: separator ("412.5" is two tokens, one figure); the first token of a line; the last token of
#: an item of a list (a "," or ";" comes before the next token, not inside a figure).
SHOUTED, FIGURE_PART, LINE_START, ITEM_END = 8, 16, 32, 64


def token_shapes(
    text: str, starts: np.ndarray, ends: np.ndarray, sentences: np.ndarray
) -> np.ndarray:
    """The shape bits (NUMBER, NAME, CAPITAL, SHOUTED, FIGURE_PART, LINE_START) of each token
    of a tokenized text (uint8).

    A token is a NUMBER when it has a digit, a NAME when it has two characters or more, its
    first one an upper- or title-case letter, and it does not start a sentence (`sentences` as
    from `sentence_ids`): single capitals are initials or the English "I". It is SHOUTED when
    its first two characters are upper case, and a FIGURE_PART when it is a NUMBER joined to
    the NUMBER before it by one "." or ",". It is a LINE_START when a line break comes between
    it and the token before it (the text's first token starts a line), and an ITEM_END when a
    "," or ";" comes between it and the next token, which is no FIGURE_PART.
    """
    n = starts.shape[0]
    out = np.zeros(n, dtype=np.uint8)
    if n == 0:
        return out
    table = char_shapes()
    for first in range(0, n, SENTENCE_CHUNK_TOKENS):  # chunks keep the text copy below small
        last = min(n, first + SENTENCE_CHUNK_TOKENS)
        lo, hi = int(starts[first]), int(ends[last - 1])
        chars = np.frombuffer(text[lo:hi].encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        before = int(sentences[first - 1]) if first > 0 else -1
        # The chunk's first token starts a line when the text's first token does, or when a
        # line break lies between it and the token before.
        line = first == 0 or "\n" in text[int(ends[first - 1]) : lo]
        _shapes(chars, lo, starts[first:last], ends[first:last], sentences[first:last], before,
                line, table, out[first:last])  # fmt: skip
        if first > 0:  # the token before the chunk ends a list item as `_shapes` would say
            gap = text[int(ends[first - 1]) : lo]
            figure = gap == "," and out[first - 1] & NUMBER and out[first] & NUMBER
            if ("," in gap or ";" in gap) and not figure:
                out[first - 1] |= ITEM_END
    return out


@numba.njit(cache=True)
def _shapes(
    chars: np.ndarray,
    lo: int,
    starts: np.ndarray,
    ends: np.ndarray,
    sentences: np.ndarray,
    before: int,
    line: bool,
    table: np.ndarray,
    out: np.ndarray,
) -> None:
    """`token_shapes` of the tokens of one chunk (chars: its text from character `lo`, one
    code point each); `before` is the sentence of the token before the chunk (-1: none), and
    `line` whether the chunk's first token starts a line."""
    last_char = chars.shape[0] - 1
    prev_sentence = before
    prev_number = False
    prev_end = -1
    for k in range(starts.shape[0]):
        s, e = starts[k] - lo, ends[k] - lo
        number = False
        for c in range(s, e):
            if table[chars[c]] & DIGIT:
                number = True
                break
        upper = (table[chars[s]] & UPPER) != 0
        bits = NUMBER if number else 0
        if upper:
            bits |= CAPITAL
            if e - s >= 2:
                if sentences[k] == prev_sentence:
                    bits |= NAME
                if table[chars[min(s + 1, last_char)]] & UPPER:
                    bits |= SHOUTED
        # A figure's part after one "." or "," joining it to the figure before (not across
        # chunks, whose first token has no token before it here).
        if k > 0 and number and prev_number and s == prev_end + 1:
            sep = chars[min(prev_end, last_char)]
            if sep == 46 or sep == 44:  # "." or ","
                bits |= FIGURE_PART
        # A line starts here when a line break lies between this token and the one before; the
        # one before ends a list item when a "," or ";" does (and this is no figure's part).
        if k == 0:
            if line:
                bits |= LINE_START
        else:
            for c in range(prev_end, s):
                if chars[c] == 10:  # "\n"
                    bits |= LINE_START
                    break
            if not bits & FIGURE_PART:
                for c in range(prev_end, s):
                    if chars[c] == 44 or chars[c] == 59:  # "," or ";"
                        out[k - 1] |= ITEM_END
                        break
        out[k] = bits
        prev_sentence = sentences[k]
        prev_number = number
        prev_end = e
