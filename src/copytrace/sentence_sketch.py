"""Sentence sketches: candidate pairs for reworded copies.

A copy reworded throughout (synonyms swapped, clauses turned round, a paraphrase by hand) keeps
few runs of identical words, so it shares neither MinHash bands nor winnowed fingerprints with
its source. It keeps, sentence by sentence, the words a rewording cannot do without: names,
figures, terms, which are also the rarest words of their sentence. So each sentence of at least
MIN_CONTENT_WORDS content words (stop words left out) is keyed by the pairs of its RARE_WORDS
rarest words (rarity: document frequency in a sample of the corpus), and two documents sharing
a key are a candidate, ranked by the distinct sentences of the first that keys join to the
second; the best-ranked `reworded_pairs_per_document` per document (at least
REWORDED_MIN_PAIRS in all) are verified, which bounds the cost of this path in a large corpus,
where chance sentence matches between documents on one topic abound. Keys held by
more than `max_fingerprint_df` documents (a stock phrase, a pair of words everyone writes
together) make no candidate.

The kernel reads UTF-8 bytes in one pass per document with the tokenizer's character tables, so
its words are the tokenizer's, and finds sentence ends as `text.sentence_ids` does (a stop
before white space, an ideographic stop, a blank line; sentences cut at MAX_SENTENCE_TOKENS).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numba
import numpy as np

from copytrace.lines import encode_texts
from copytrace.text import (
    FNV_OFFSET,
    FNV_PRIME,
    MARK,
    MAX_SENTENCE_TOKENS,
    STANDALONE,
    U64,
    WORD,
    ZERO,
    char_tables,
    decode_utf8,
    mix64,
    tokenize_chunk,
)

#: A sentence's keys pair its rarest content words, this many of them (6 keys a sentence).
RARE_WORDS = 4
KEYS_PER_SENTENCE = RARE_WORDS * (RARE_WORDS - 1) // 2
#: Sentences of fewer content words (headings, sign-offs, captions) give no key.
MIN_CONTENT_WORDS = 5
#: Words in more than this share of the sampled documents are stop words ...
STOP_SHARE = 0.05
#: ... provided they are in at least this many of them, and among the MAX_STOP_WORDS most
#: frequent (in a small corpus a share of the documents is only a handful of them).
STOP_MIN_DOCUMENTS = 5
MAX_STOP_WORDS = 400
#: The sentence sketches may always add this many pairs, however small the corpus.
REWORDED_MIN_PAIRS = 1000
#: Documents whose words are counted (spread over the corpus).
WORD_SAMPLE = 5_000
#: Sentinel of an empty slot in the word table (no token hashes to it but by chance).
_EMPTY = U64(0)
#: Document frequency given to stop words in the word table: never among the rarest.
_STOP = -1


def word_sample_step(documents: int) -> int:
    """Every how many documents, in input order from the first, the word statistics count one:
    up to WORD_SAMPLE of them, spread over the corpus (every engine samples the same ones)."""
    return max(1, documents // WORD_SAMPLE)


def pair_budget(per_document: float, documents: int) -> int:
    """How many of the best-supported pairs the sentence keys may add to a corpus of
    `documents`: `per_document` of them a document, and at least REWORDED_MIN_PAIRS."""
    return max(REWORDED_MIN_PAIRS, int(per_document * documents))


@dataclass(frozen=True, slots=True)
class WordStats:
    """How common words are in a sample of the corpus, as an open-addressing table: `keys`
    (token hashes, 0 for an empty slot) and `df` (sampled documents holding each; -1 for the
    stop words), a power of two long."""

    keys: np.ndarray
    df: np.ndarray

    @classmethod
    def empty(cls) -> WordStats:
        """Nothing known: every word is a content word, and equally rare."""
        return cls(np.zeros(2, dtype=np.uint64), np.zeros(2, dtype=np.int32))


@numba.njit(inline="always", cache=True)
def _slot(keys: np.ndarray, word: np.uint64) -> np.int64:
    """The slot of `word` in an open-addressing table, or of the empty slot it would take."""
    mask = keys.shape[0] - 1
    h = np.int64(mix64(word) & U64(mask))
    while keys[h] != _EMPTY and keys[h] != word:
        h = (h + 1) & mask
    return h


@numba.njit(cache=True)
def _table(words: np.ndarray, df: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    keys = np.zeros(size, dtype=np.uint64)
    out = np.zeros(size, dtype=np.int32)
    for k in range(words.shape[0]):
        if words[k] == _EMPTY:
            continue
        h = _slot(keys, words[k])
        keys[h] = words[k]
        out[h] = df[k]
    return keys, out


@numba.njit(inline="always", cache=True)
def _is_space(c: int | np.int64) -> bool:
    return bool(c == 32 or 9 <= c <= 13 or c == 0xA0 or 0x2000 <= c <= 0x200A or c == 0x3000)


@numba.njit(cache=True)
def _sentence_keys_one(
    buf: np.ndarray,
    classes: np.ndarray,
    fold: np.ndarray,
    table: np.ndarray,
    table_df: np.ndarray,
    keys: np.ndarray,
    sentences: np.ndarray,
    words: np.ndarray,
    rarity: np.ndarray,
) -> int:
    """Keys of one text's sentences into `keys`, each with its sentence's number in
    `sentences`; returns how many. `words`/`rarity` are scratch room for one sentence."""
    n_out = ZERO  # ZERO, not 0: see copytrace.text.ZERO
    n_words = 0
    n_tokens = 0
    sentence = ZERO
    in_token = False
    standalone = False
    h = FNV_OFFSET
    stopped = False  # a stop (. ! ?) since the last token, not yet followed by a letter
    newline = False
    end_sentence = False
    pos = 0
    while True:
        if pos < buf.shape[0]:
            cp, width = decode_utf8(buf, pos)
            cls = classes[cp]
        else:
            cp, width, cls = 0, 0, 0
        if in_token and (cls == MARK or (cls == WORD and not standalone)):
            h = (h ^ U64(fold[cp])) * FNV_PRIME
        else:
            if in_token:  # a token ended: keep it if it is a content word
                in_token = False
                t = mix64(h)
                slot = _slot(table, t)
                f = table_df[slot] if table[slot] == t else 0
                if f != _STOP:
                    words[n_words] = t
                    rarity[n_words] = f
                    n_words += 1
                n_tokens += 1
                stopped = False
                newline = False
            if cls == WORD or cls == STANDALONE:  # noqa: SIM109 - numba compiles this form
                if end_sentence or n_tokens >= MAX_SENTENCE_TOKENS:
                    n_out += _emit(words, rarity, n_words, keys, sentences, n_out, sentence)
                    sentence += 1
                    n_words = 0
                    n_tokens = 0
                    end_sentence = False
                in_token = True
                standalone = cls == STANDALONE
                h = (FNV_OFFSET ^ U64(fold[cp])) * FNV_PRIME
            elif width == 0:
                break
            elif cp == 0x3002 or cp == 0xFF01 or cp == 0xFF1F:
                end_sentence = True
            elif cp == 0x2E or cp == 0x21 or cp == 0x3F:
                stopped = True
            elif stopped and (cp in (0x22, 0x27, 0x29, 0x5D, 0xBB) or cp in (0x2019, 0x201D)):
                pass  # closing quotes and brackets after a stop
            elif _is_space(cp):
                if stopped:
                    end_sentence = True
                if cp == 10:
                    if newline:
                        end_sentence = True
                    newline = True
            else:
                stopped = False
                newline = False
        pos += width
    n_out += _emit(words, rarity, n_words, keys, sentences, n_out, sentence)
    return n_out


@numba.njit(cache=True)
def _emit(
    words: np.ndarray,
    rarity: np.ndarray,
    n: int,
    keys: np.ndarray,
    sentences: np.ndarray,
    at: int,
    sentence: int,
) -> int:
    """Write the keys of a sentence of `n` content words at keys[at:]: one for each pair of
    its RARE_WORDS rarest distinct words (document frequency, then hash); returns how many."""
    if n < MIN_CONTENT_WORDS:
        return 0
    best_w = np.zeros(RARE_WORDS, dtype=np.uint64)
    best_f = np.full(RARE_WORDS, np.iinfo(np.int32).max, dtype=np.int64)
    for w in range(n):
        word, f = words[w], np.int64(rarity[w])
        seen = False
        for r in range(RARE_WORDS):
            seen |= best_w[r] == word and best_f[r] == f
        r = RARE_WORDS - 1
        if seen or f > best_f[r] or (f == best_f[r] and word >= best_w[r]):
            continue
        while r > 0 and (f < best_f[r - 1] or (f == best_f[r - 1] and word < best_w[r - 1])):
            best_f[r] = best_f[r - 1]
            best_w[r] = best_w[r - 1]
            r -= 1
        best_f[r] = f
        best_w[r] = word
    m = 0
    for i in range(RARE_WORDS):
        for j in range(i + 1, RARE_WORDS):
            lo, hi = min(best_w[i], best_w[j]), max(best_w[i], best_w[j])
            keys[at + m] = mix64(mix64(lo) ^ (hi * U64(0x9E3779B97F4A7C15)))
            sentences[at + m] = sentence
            m += 1
    return m


@numba.njit(parallel=True, cache=True)
def _sentence_keys_batch(
    buf: np.ndarray,
    offsets: np.ndarray,
    classes: np.ndarray,
    fold: np.ndarray,
    table: np.ndarray,
    table_df: np.ndarray,
    start: np.ndarray,
    keys: np.ndarray,
    sentences: np.ndarray,
    counts: np.ndarray,
) -> None:
    n = offsets.shape[0] - 1
    for d in numba.prange(n):
        counts[d] = _sentence_keys_one(
            buf[offsets[d] : offsets[d + 1]],
            classes,
            fold,
            table,
            table_df,
            keys[start[d] : start[d + 1]],
            sentences[start[d] : start[d + 1]],
            np.empty(MAX_SENTENCE_TOKENS + 1, dtype=np.uint64),
            np.empty(MAX_SENTENCE_TOKENS + 1, dtype=np.int32),
        )


@numba.njit(cache=True)
def _packed(
    keys: np.ndarray, sentences: np.ndarray, start: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The keys and sentence numbers each text wrote, one text after another."""
    out_keys = np.empty(counts.sum(), dtype=np.uint64)
    out_sent = np.empty(counts.sum(), dtype=np.int32)
    at = 0
    for d in range(counts.shape[0]):
        out_keys[at : at + counts[d]] = keys[start[d] : start[d] + counts[d]]
        out_sent[at : at + counts[d]] = sentences[start[d] : start[d] + counts[d]]
        at += counts[d]
    return out_keys, out_sent


def sentence_keys(
    texts: Sequence[str], stats: WordStats
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sentence keys of a batch of texts: keys, the number of each key's sentence within
    its text, and offsets (text i's keys are at [offsets[i], offsets[i + 1]))."""
    return sentence_keys_encoded(*encode_texts(list(texts)), stats)


def sentence_keys_encoded(
    buf: np.ndarray, offsets: np.ndarray, stats: WordStats
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`sentence_keys` of texts given as UTF-8 bytes (text i: buf[offsets[i]:offsets[i + 1]])."""
    classes, fold = char_tables()
    n = offsets.shape[0] - 1
    # Room for as many keys as a text can have sentences of MIN_CONTENT_WORDS words.
    room = (np.diff(offsets) // (2 * MIN_CONTENT_WORDS) + 1) * KEYS_PER_SENTENCE
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(room, out=start[1:])
    keys = np.empty(int(start[-1]), dtype=np.uint64)
    sentences = np.empty(int(start[-1]), dtype=np.int32)
    counts = np.zeros(n, dtype=np.int64)
    _sentence_keys_batch(
        buf, offsets, classes, fold, stats.keys, stats.df, start, keys, sentences, counts
    )
    key_offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=key_offsets[1:])
    packed_keys, packed_sentences = _packed(keys, sentences, start, counts)
    return packed_keys, packed_sentences, key_offsets


def keyed_sentences(counts: np.ndarray) -> np.ndarray:
    """For keys stored one document after another (`counts` a document) without their
    sentence numbers: each key's keyed sentence within its document, numbered from 0. A
    sentence gives KEYS_PER_SENTENCE keys or none, in order, so key k of a document is of its
    (k // KEYS_PER_SENTENCE)-th sentence with keys: two keys of one document get one number
    exactly when `sentence_keys` gave them one sentence, which is all `sentence_candidates`
    asks of sentence numbers (it counts distinct ones)."""
    counts = np.asarray(counts, dtype=np.int64)
    out = np.arange(int(counts.sum()), dtype=np.int64)
    starts = np.zeros(counts.shape[0], dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    out -= np.repeat(starts, counts)
    out //= KEYS_PER_SENTENCE
    return out.astype(np.int32)


@numba.njit(cache=True)
def _distinct_tokens(
    buf: np.ndarray, offsets: np.ndarray, classes: np.ndarray, fold: np.ndarray
) -> np.ndarray:
    """Each text's distinct token hashes (the tokenizer's), concatenated."""
    out = np.empty(buf.shape[0] // 2 + offsets.shape[0], dtype=np.uint64)
    at = 0
    # Scratch for one text's tokens: a text of n bytes has at most n // 2 + 1 of them.
    starts = np.empty(0, dtype=np.int64)
    ends = np.empty(0, dtype=np.int64)
    hashes = np.empty(0, dtype=np.uint64)
    for d in range(offsets.shape[0] - 1):
        lo, hi = offsets[d], offsets[d + 1]
        if hashes.shape[0] < (hi - lo) // 2 + 1:
            size = (hi - lo) // 2 + 1
            starts = np.empty(size, dtype=np.int64)
            ends = np.empty(size, dtype=np.int64)
            hashes = np.empty(size, dtype=np.uint64)
        _, _, m = tokenize_chunk(buf, lo, hi, ZERO, classes, fold, starts, ends, hashes)
        distinct = np.unique(hashes[:m])
        out[at : at + distinct.shape[0]] = distinct
        at += distinct.shape[0]
    return out[:at]


def word_stats(texts: Sequence[str]) -> WordStats:
    """How common each word of `texts` is. Its stop words are those found in more than
    STOP_SHARE of the texts (and in at least STOP_MIN_DOCUMENTS of them), at most the
    MAX_STOP_WORDS most frequent: the stop words of whatever language the corpus is in."""
    if not texts:
        return WordStats.empty()
    classes, fold = char_tables()
    buf, offsets = encode_texts(list(texts))
    words, df = np.unique(_distinct_tokens(buf, offsets, classes, fold), return_counts=True)
    df = df.astype(np.int32)
    least = max(STOP_MIN_DOCUMENTS, STOP_SHARE * len(texts))
    common = np.flatnonzero(df > least)
    df[common[np.argsort(-df[common], kind="stable")[:MAX_STOP_WORDS]]] = _STOP
    size = 1 << max(1, int(2 * words.shape[0]).bit_length())
    return WordStats(*_table(words, df, size))


@numba.njit(cache=True)
def _pair_sentences(
    keys: np.ndarray,
    docs: np.ndarray,
    sentences: np.ndarray,
    n_docs: int,
    max_df: int,
    shift: int,
    wide: bool,
) -> np.ndarray:
    """For postings sorted by key then document: a row for every two documents a < b sharing a
    key held by at most `max_df` documents, of its pair code a * n_docs + b and the sentence of
    a. Packed (not `wide`), a row is one 64-bit value, code << shift | sentence, so that sorting
    the rows (by pair, then sentence) needs no index array and no second copy
    (`sentence_candidates` checks that both fit); `wide`, it is the two values (code, sentence)."""
    total = 0
    width = 2 if wide else 1
    out = np.empty((0, width), dtype=np.uint64)
    for filling in (False, True):
        if filling:
            out = np.empty((total, width), dtype=np.uint64)
        t = 0
        i = 0
        while i < keys.shape[0]:
            j = i + 1
            n_distinct = 1
            while j < keys.shape[0] and keys[j] == keys[i]:
                n_distinct += docs[j] != docs[j - 1]
                j += 1
            if n_distinct <= max_df:
                for u in range(i, j):
                    for v in range(u + 1, j):
                        if docs[v] == docs[u]:
                            continue
                        if filling:
                            code = U64(docs[u]) * U64(n_docs) + U64(docs[v])
                            if wide:
                                out[t, 0] = code
                                out[t, 1] = U64(sentences[u])
                            else:
                                out[t, 0] = (code << U64(shift)) | U64(sentences[u])
                        t += 1
            i = j
        total = t
    return out


@numba.njit(cache=True)
def _support(rows: np.ndarray, shift: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct pair codes of sorted rows (`_pair_sentences`: packed with `shift`, or wide with
    shift 0), and their distinct sentences."""
    last = rows.shape[1] - 1  # the column that holds the sentence
    codes = np.empty(rows.shape[0], dtype=np.uint64)
    support = np.empty(rows.shape[0], dtype=np.int64)
    n = -1
    for k in range(rows.shape[0]):
        code = rows[k, 0] >> U64(shift)
        if n < 0 or code != codes[n]:
            n += 1
            codes[n] = code
            support[n] = 1
        elif rows[k, last] != rows[k - 1, last]:
            support[n] += 1
    return codes[: n + 1], support[: n + 1]


def _bits(x: int) -> int:
    """Bits needed to write the numbers 0 .. x."""
    return max(1, int(x).bit_length())


def sentence_candidates(
    keys: np.ndarray,
    docs: np.ndarray,
    sentences: np.ndarray,
    n_docs: int,
    max_df: int,
    budget: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (a < b) of documents sharing sentence keys (keys of more than `max_df` documents
    ignored), as codes a * n + b with the number of distinct sentences of a the keys join: the
    `budget` best-supported pairs (ties to the smaller code), sorted by code."""
    if keys.shape[0] == 0:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    shift = _bits(int(sentences.max()))
    order = np.lexsort((docs, keys))
    wide = _bits(max(n_docs * n_docs - 1, 0)) + shift > 64  # else one 64-bit value a row
    rows = _pair_sentences(keys[order], docs[order], sentences[order], n_docs, max_df, shift, wide)
    del order
    if wide:
        rows = rows[np.lexsort((rows[:, 1], rows[:, 0]))]
        shift = 0
    else:
        rows[:, 0].sort()  # in place: by pair code, then sentence
    codes, support = _support(rows, shift)
    if codes.shape[0] == 0:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    if codes.shape[0] > budget:
        best = np.lexsort((codes, -support))[:budget]
        best.sort()
        codes, support = codes[best], support[best]
    return codes, support
