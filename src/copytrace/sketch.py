"""Sketches: the exact hash, the MinHash signature, and shingles for exact verification.

The signature is one-permutation MinHash with optimal densification (Li, Owen & Zhang 2012;
Shrivastava 2017): each word k-gram ("shingle") is hashed once to 64 bits, the hash picks one of
`num_perm` bins and the bin keeps its minimum; empty bins borrow the value of a non-empty bin
chosen by a fixed probe sequence, so that two documents with equal shingle sets get equal
signatures. Cost is O(tokens + num_perm) per document instead of O(tokens x num_perm).

The kernels are pure functions over batches (texts in, arrays out), compiled with numba, and run
the documents of a batch in parallel threads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numba
import numpy as np

from copytrace.model import Settings
from copytrace.text import (
    CHUNK_TOKENS,
    U64,
    ZERO,
    char_tables,
    mix64,
    sentence_ids,
    token_shapes,
    tokenize,
    tokenize_chunk,
)

EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)
_SHINGLE_BASE = U64(0x9E3779B97F4A7C15)
_EXACT_BASE_1 = U64(0x100000001B3)
_EXACT_BASE_2 = U64(0xC2B2AE3D27D4EB4F)


def seed_mix(seed: int) -> np.uint64:
    """The 64-bit salt that a settings seed puts into every shingle hash."""
    mask = (1 << 64) - 1
    x = (seed + 0x632BE59BD9B4E019) & mask
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & mask  # splitmix64, as text.mix64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & mask
    return np.uint64(x ^ (x >> 31))


@numba.njit(inline="always", cache=True)
def _power(base: np.uint64, k: int) -> np.uint64:
    out = U64(1)
    for _ in range(k):
        out *= base
    return out


@numba.njit(inline="always", cache=True)
def _bin_of(h: np.uint64, m: int) -> int:
    return int(((h >> U64(32)) * U64(m)) >> U64(32))


@numba.njit(cache=True)
def densify(sig: np.ndarray, filled: np.ndarray, salt: np.uint64) -> None:
    """Fill empty bins in place from non-empty ones along a fixed probe sequence per bin."""
    m = sig.shape[0]
    n_filled = 0
    for j in range(m):
        if filled[j]:
            n_filled += 1
    if n_filled == 0 or n_filled == m:
        return
    for j in range(m):
        if filled[j]:
            continue
        attempt = U64(1)
        while True:
            p = int(mix64(salt ^ (U64(j) << U64(32)) ^ attempt) % U64(m))
            if filled[p]:
                sig[j] = sig[p]
                break
            attempt += U64(1)


@numba.njit(parallel=True, cache=True)
def _sign_batch(
    buf: np.ndarray,
    offsets: np.ndarray,
    classes: np.ndarray,
    fold: np.ndarray,
    k: int,
    m: int,
    salt: np.uint64,
    signatures: np.ndarray,
    exact: np.ndarray,
    counts: np.ndarray,
    text_span: np.ndarray,
    window: int,
    fp_room: np.ndarray,
    fp_start: np.ndarray,
    fp_hash: np.ndarray,
    fp_pos: np.ndarray,
    n_blocks: int,
) -> None:
    """Sign documents in `n_blocks` blocks of consecutive documents, in parallel.

    Document d may write as many fingerprints as fp_room[d + 1] - fp_room[d]; a block writes
    its documents' fingerprints one after another from fp_room[its first document] on (so it
    touches only the memory it fills), and fp_start[d] says where document d's begin.
    """
    top = _power(_SHINGLE_BASE, k)
    n_docs = offsets.shape[0] - 1
    for block in numba.prange(n_blocks):
        # Each block signs a contiguous run of documents with its own scratch arrays.
        scratch = Scratch(
            np.empty(CHUNK_TOKENS, dtype=np.int64),
            np.empty(CHUNK_TOKENS, dtype=np.int64),
            np.empty(CHUNK_TOKENS, dtype=np.uint64),
            np.empty(m, dtype=np.bool_),
            np.empty(k, dtype=np.uint64),
            np.empty(max(window, 1), dtype=np.uint64),
        )
        first = block * n_docs // n_blocks
        at = fp_room[first]
        for d in range(first, (block + 1) * n_docs // n_blocks):
            room = at + fp_room[d + 1] - fp_room[d]
            _sign_one(
                buf[offsets[d] : offsets[d + 1]],
                classes,
                fold,
                salt,
                top,
                signatures[d],
                exact[d],
                counts[d],
                text_span[d],
                window,
                fp_hash[at:room],
                fp_pos[at:room],
                scratch,
            )
            fp_start[d] = at
            at += counts[d, 2]


class Scratch(NamedTuple):
    """Per-thread work arrays of the signing kernel."""

    starts: np.ndarray
    ends: np.ndarray
    hashes: np.ndarray
    filled: np.ndarray
    ring: np.ndarray
    window: np.ndarray


@numba.njit(cache=True)
def _sign_one(
    buf: np.ndarray,
    classes: np.ndarray,
    fold: np.ndarray,
    salt: np.uint64,
    top: np.uint64,
    sig: np.ndarray,
    exact: np.ndarray,
    counts: np.ndarray,
    text_span: np.ndarray,
    window: int,
    fp_hash: np.ndarray,
    fp_pos: np.ndarray,
    scratch: Scratch,
) -> None:
    m = sig.shape[0]
    ring = scratch.ring
    k = ring.shape[0]
    filled = scratch.filled
    sig[:] = EMPTY
    filled[:] = False
    ring[:] = 0
    slot = 0
    rolling = U64(0)  # polynomial hash of the last k tokens, rolled in O(1) per token
    pos = ZERO
    char_pos = ZERO
    ntok = 0
    nsh = 0
    ex1 = U64(0x243F6A8885A308D3)
    ex2 = U64(0x13198A2E03707344)
    text_span[0] = 0
    text_span[1] = 0
    # Winnowing state: the minimum of the last `window` shingle hashes (rightmost on ties).
    n_fp = 0
    win_hash = EMPTY
    win_pos = -1
    win_slot = 0
    last_emitted = -1
    while True:
        pos, char_pos, count = tokenize_chunk(
            buf,
            pos,
            buf.shape[0],
            char_pos,
            classes,
            fold,
            scratch.starts,
            scratch.ends,
            scratch.hashes,
        )
        if count > 0:
            if ntok == 0:
                text_span[0] = scratch.starts[0]
            text_span[1] = scratch.ends[count - 1]
        for t in range(count):
            h = scratch.hashes[t]
            rolling = rolling * _SHINGLE_BASE + h - ring[slot] * top
            ring[slot] = h
            slot += 1
            if slot == k:
                slot = 0
            ntok += 1
            ex1 = ex1 * _EXACT_BASE_1 + h
            ex2 = ex2 * _EXACT_BASE_2 + h
            if ntok >= k:
                s = mix64(rolling ^ salt)
                b = _bin_of(s, m)
                filled[b] = True
                sig[b] = min(sig[b], s)  # no branch: early on, most shingles lower a bin
                if window > 0:
                    if win_pos <= nsh - window:
                        # The minimum left the window: rescan the hashes still inside it,
                        # shingles nsh - window + 1 .. nsh - 1 (slot q % window of shingle q).
                        win_hash = EMPTY
                        at = win_slot + 1
                        for q in range(nsh - window + 1, nsh):
                            if at == window:
                                at = 0
                            hq = scratch.window[at]
                            if hq <= win_hash:
                                win_hash = hq
                                win_pos = q
                            at += 1
                    scratch.window[win_slot] = s  # win_slot == nsh % window, without dividing
                    win_slot += 1
                    if win_slot == window:
                        win_slot = 0
                    if s <= win_hash:
                        win_hash = s
                        win_pos = nsh
                    if nsh >= window - 1 and win_pos != last_emitted:
                        fp_hash[n_fp] = win_hash
                        fp_pos[n_fp] = win_pos
                        n_fp += 1
                        last_emitted = win_pos
                nsh += 1
        if count < CHUNK_TOKENS:
            break
    if 0 < ntok < k:
        s = mix64(rolling ^ salt)  # the whole short text is one shingle
        b = _bin_of(s, m)
        filled[b] = True
        sig[b] = s
        nsh = 1
        win_hash = s
        win_pos = 0
    if window > 0 and n_fp == 0 and nsh > 0:
        # Fewer shingles than one window: the text's minimum is its one fingerprint.
        fp_hash[0] = win_hash
        fp_pos[0] = win_pos
        n_fp = 1
    densify(sig, filled, salt)
    exact[0] = mix64(ex1 ^ U64(ntok))
    exact[1] = mix64(ex2 + U64(ntok))
    counts[0] = ntok
    counts[1] = nsh
    counts[2] = n_fp


@numba.njit(cache=True)
def _compact(
    fp_hash: np.ndarray, fp_pos: np.ndarray, region_start: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Move each document's fingerprints from its reserved region to a packed array."""
    out_hash = np.empty(offsets[-1], dtype=np.uint64)
    out_pos = np.empty(offsets[-1], dtype=np.int32)
    for d in range(offsets.shape[0] - 1):
        src = region_start[d]
        for t in range(offsets[d], offsets[d + 1]):
            out_hash[t] = fp_hash[src]
            out_pos[t] = fp_pos[src]
            src += 1
    return out_hash, out_pos


@dataclass(frozen=True, slots=True)
class Sketches:
    """Sketches of a batch of documents, row i for text i.

    exact: (n, 2) uint64, a 128-bit hash of the normalized token sequence.
    signatures: (n, num_perm) uint64 MinHash values; all bins are EMPTY when a text has no token.
    n_tokens, n_shingles: int64 counts (shingles counted with repetition).
    text_span: (n, 2) int64, characters from the first token's start to the last token's end.
    fp_hash, fp_pos, fp_offsets: winnowed passage fingerprints (shingle hash and the shingle's
    token position), text i's in [fp_offsets[i], fp_offsets[i + 1]); empty without passages.
    """

    exact: np.ndarray
    signatures: np.ndarray
    n_tokens: np.ndarray
    n_shingles: np.ndarray
    text_span: np.ndarray
    fp_hash: np.ndarray
    fp_pos: np.ndarray
    fp_offsets: np.ndarray

    def __len__(self) -> int:
        return int(self.exact.shape[0])


def sketch_batch(texts: Sequence[str], settings: Settings) -> Sketches:
    """Sketch a batch of texts: exact hashes, MinHash signatures and token counts."""
    encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return sketch_encoded(np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets, settings)


def sketch_encoded(buf: np.ndarray, offsets: np.ndarray, settings: Settings) -> Sketches:
    """`sketch_batch` of texts given as UTF-8 bytes: text i is buf[offsets[i]:offsets[i + 1]]."""
    classes, fold = char_tables()
    # Always a read-only view: the kernels are compiled for one buffer type, not two.
    buf = buf.view()
    buf.flags.writeable = False
    n = offsets.shape[0] - 1
    signatures = np.empty((n, settings.num_perm), dtype=np.uint64)
    exact = np.empty((n, 2), dtype=np.uint64)
    counts = np.empty((n, 3), dtype=np.int64)
    text_span = np.empty((n, 2), dtype=np.int64)
    # Each document gets room for as many fingerprints as it can have tokens.
    window = settings.winnow_window if settings.passages else 0
    capacity = (np.diff(offsets) + 1) // 2 + 1 if window else np.zeros(n, dtype=np.int64)
    fp_room = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(capacity, out=fp_room[1:])
    fp_start = np.empty(n, dtype=np.int64)
    fp_hash = np.empty(fp_room[-1], dtype=np.uint64)
    fp_pos = np.empty(fp_room[-1], dtype=np.int32)
    _sign_batch(
        buf,
        offsets,
        classes,
        fold,
        settings.shingle_size,
        settings.num_perm,
        seed_mix(settings.seed),
        signatures,
        exact,
        counts,
        text_span,
        window,
        fp_room,
        fp_start,
        fp_hash,
        fp_pos,
        max(1, min(n, 4 * numba.get_num_threads())),
    )
    fp_offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts[:, 2], out=fp_offsets[1:])
    fp_hash, fp_pos = _compact(fp_hash, fp_pos, fp_start, fp_offsets)
    return Sketches(
        exact,
        signatures,
        counts[:, 0].copy(),
        counts[:, 1].copy(),
        text_span,
        fp_hash,
        fp_pos,
        fp_offsets,
    )


@numba.njit(cache=True)
def _shingle_hashes(tok_hashes: np.ndarray, k: int, salt: np.uint64) -> np.ndarray:
    # The same polynomial as the signing kernel's rolling window, computed directly.
    n = tok_hashes.shape[0]
    width = min(k, n)
    out = np.empty(max(n - width + 1, 0) if n else 0, dtype=np.uint64)
    for i in range(out.shape[0]):
        h = U64(0)
        for j in range(width):
            h = h * _SHINGLE_BASE + tok_hashes[i + j]
        out[i] = mix64(h ^ salt)
    return out


@dataclass(frozen=True)
class Shingled:
    """A text's tokens and the hash of the shingle starting at each token position.

    Shingle i covers tokens [i, i + width) where width = min(k, number of tokens);
    `sentences` numbers each token's sentence, for the sentence-level alignment of rewrites;
    `shapes` marks figures and names (`text.token_shapes`), which tell templates from reuse.
    Both are made from the text when first asked for: whole-document checks need neither.
    """

    starts: np.ndarray
    ends: np.ndarray
    hashes: np.ndarray
    width: int
    tokens: np.ndarray
    text: str = field(repr=False, compare=False)

    @cached_property
    def sentences(self) -> np.ndarray:
        """The sentence number of each token (`text.sentence_ids`)."""
        return sentence_ids(self.text, self.starts, self.ends)

    @cached_property
    def shapes(self) -> np.ndarray:
        """The shape bits of each token (`text.token_shapes`)."""
        return token_shapes(self.text, self.starts, self.ends, self.sentences)

    def char_span(self, first: int, last: int) -> tuple[int, int]:
        """Characters covered by shingles first..last inclusive."""
        return int(self.starts[first]), int(self.ends[last + self.width - 1])


def shingle_text(text: str, settings: Settings) -> Shingled:
    """Tokens and per-position shingle hashes of one text, equal to those the signature uses."""
    toks = tokenize(text)
    hashes = _shingle_hashes(toks.hashes, settings.shingle_size, seed_mix(settings.seed))
    width = min(settings.shingle_size, len(toks))
    return Shingled(toks.starts, toks.ends, hashes, width, toks.hashes, text)


def signature_of_shingles(hashes: np.ndarray, settings: Settings) -> np.ndarray:
    """The MinHash signature of a set of shingle hashes (a slow reference for tests and tools)."""
    m = settings.num_perm
    sig = np.full(m, EMPTY, dtype=np.uint64)
    filled = np.zeros(m, dtype=np.bool_)
    bins = (((hashes >> np.uint64(32)) * np.uint64(m)) >> np.uint64(32)).astype(np.int64)
    np.minimum.at(sig, bins, hashes)
    filled[bins] = True
    densify(sig, filled, seed_mix(settings.seed))
    return sig


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray | float:
    """Share of equal bins: an unbiased estimate of the Jaccard similarity of the shingle sets."""
    return np.mean(sig_a == sig_b, axis=-1)


def winnow(hashes: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Winnowed fingerprints (hash, position) of a shingle hash sequence: a slow reference.

    In every run of `window` consecutive shingles the rightmost minimal hash is selected, and each
    selected position is reported once (Schleimer, Wilkerson & Aiken 2003). Any shared run of
    window + shingle_size - 1 tokens therefore shares at least one fingerprint.
    """
    n = hashes.shape[0]
    if n == 0:
        return np.empty(0, np.uint64), np.empty(0, np.int32)
    if n < window:
        pos = n - 1 - int(np.argmin(hashes[::-1]))
        return hashes[pos : pos + 1].copy(), np.array([pos], dtype=np.int32)
    out_h, out_p, last = [], [], -1
    for start in range(n - window + 1):
        chunk = hashes[start : start + window]
        pos = start + window - 1 - int(np.argmin(chunk[::-1]))
        if pos != last:
            out_h.append(hashes[pos])
            out_p.append(pos)
            last = pos
    return np.array(out_h, dtype=np.uint64), np.array(out_p, dtype=np.int32)
