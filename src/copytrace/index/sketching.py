"""A document as the index sketches it: provenance, chrome blanks, sketch and posting terms.

The sketch of a text is the engine's (`sketch_batch`), made of its text with chrome blanked;
its posting terms are the LSH band keys (band number in the high 32 bits, the band's value in
the low ones) and its distinct winnowed passage fingerprints.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from copytrace.index.chrome import LineBatch, blanks_in, counted_keys_in
from copytrace.index.core import (
    Document,
    MessageParts,
    Provenance,
    Settings,
    blank,
    choose_banding,
    message_parts,
    parse_date,
    provenance_of,
    sketch_batch,
)


def stable_hash(*parts: str | bytes | None, signed: bool = True) -> int:
    """A 64-bit hash of strings that is the same in every process (Python's `hash` is not)."""
    h = hashlib.blake2b(digest_size=8)
    for part in parts:
        data = (
            b"\xff"
            if part is None
            else part
            if isinstance(part, bytes)
            else part.encode("utf-8", "surrogatepass")
        )
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return int.from_bytes(h.digest(), "little", signed=signed)


def content_key(doc: Document) -> bytes:
    """What makes a re-added document unchanged: the same text and the same metadata."""
    meta = json.dumps(doc.meta, sort_keys=True, ensure_ascii=False, default=str)
    h = hashlib.blake2b(digest_size=16)
    h.update(doc.text.encode("utf-8", "surrogatepass"))
    h.update(b"\0")
    h.update(meta.encode("utf-8", "surrogatepass"))
    return h.digest()


@dataclass(frozen=True)
class Prepared:
    """What the index knows of a document before its chrome is decided (what only some
    callers need is made when first asked for: blanking again needs no hash of the text)."""

    doc: Document
    provenance: Provenance
    parts: MessageParts | None

    @cached_property
    def thread(self) -> int:
        """A post's thread key (its Subject without "Re:"), 0 for other texts."""
        if self.parts is None or self.parts.thread is None:
            return 0
        return (stable_hash("thread", self.parts.thread) & 0x7FFFFFFFFFFFFFFF) or 1

    @cached_property
    def lines_key(self) -> int:
        """Documents with the same provenance and text count their lines once."""
        return stable_hash(self.provenance.host, self.provenance.author, self.doc.text)

    @cached_property
    def content(self) -> bytes:
        """Same text and metadata: an add of the document again is "unchanged"."""
        return content_key(self.doc)

    @cached_property
    def date(self) -> str | None:
        """Its `date` metadata as ISO-8601 text, or None."""
        return parse_date(self.doc.meta.get("date"))

    @property
    def post_ranges(self) -> list[tuple[int, int]] | None:
        """The header, attributions and signature of a post, or None for other texts."""
        return None if self.parts is None else self.parts.ranges

    @cached_property
    def line_keys(self) -> list[int]:
        """Keys of its lines that count towards chrome."""
        return counted_keys_in(line_batch([self]))[0]

    def counted_keys(self) -> list[int]:
        """Keys of its lines that count towards chrome."""
        return self.line_keys


def prepare(doc: Document, settings: Settings) -> Prepared:
    """Provenance and post parts of a document (as `scan` reads them)."""
    parts = None if settings.keep_boilerplate else message_parts(doc.text)
    return Prepared(doc, provenance_of(doc.meta, parts, settings.origin_field), parts)


def line_batch(prepared: Sequence[Prepared]) -> LineBatch:
    """The lines of many documents, found and keyed in one batch."""
    return LineBatch.of(
        [p.doc.text for p in prepared],
        [p.provenance for p in prepared],
        [p.parts is not None for p in prepared],
    )


def with_line_keys(prepared: Sequence[Prepared], lines: LineBatch) -> None:
    """Set the counted line keys (`Prepared.line_keys`) of documents from their lines."""
    for p, keys in zip(prepared, counted_keys_in(lines), strict=True):
        p.__dict__["line_keys"] = keys  # where cached_property keeps its value


def blanks_for_all(
    prepared: Sequence[Prepared],
    chrome: Collection[int],
    settings: Settings,
    lines: LineBatch | None = None,
) -> list[list[tuple[int, int]]]:
    """Character ranges of each document to blank before sketching, found in one batch (of
    their lines, when the caller found them already)."""
    if settings.keep_boilerplate:
        return [[] for _ in prepared]
    ranges = [p.post_ranges for p in prepared]
    if not chrome and all(r is None for r in ranges):
        return [[] for _ in prepared]
    found = blanks_in(lines or line_batch(prepared), ranges, chrome)
    return [list(b.runs) for b in found]


@dataclass(frozen=True, slots=True)
class Sketch:
    """The sketch of one blanked text and its posting terms."""

    exact: bytes
    n_tokens: int
    n_shingles: int
    span: tuple[int, int]
    signature: np.ndarray
    fingerprints: np.ndarray
    bands: np.ndarray

    @property
    def empty(self) -> bool:
        """A text without a word: never matched."""
        return self.n_tokens == 0


def band_terms(signatures: np.ndarray, settings: Settings) -> np.ndarray:
    """The LSH band keys of 32-bit signatures (one row per text, or one signature):
    band number << 32 | the band's value."""
    bands, rows = choose_banding(settings)
    sig = np.atleast_2d(signatures)[:, : bands * rows].astype(np.uint64)
    sig = sig.reshape(sig.shape[0], bands, rows)
    if rows == 1:
        values = sig[:, :, 0]
    else:  # the rows of a band mixed into 32 bits (FNV-style, as lsh._band_keys)
        values = np.full(sig.shape[:2], np.uint64(0xCBF29CE484222325))
        for c in range(rows):
            values = (values ^ sig[:, :, c]) * np.uint64(0x100000001B3)
            values ^= values >> np.uint64(29)
        values &= np.uint64(0xFFFFFFFF)
    keys = ((np.arange(bands, dtype=np.uint64) << np.uint64(32))[None, :] | values).view(np.int64)
    return keys if signatures.ndim == 2 else keys[0]


def sketch_texts(texts: Sequence[str], settings: Settings) -> list[Sketch]:
    """Sketch blanked texts in one batch (the per-text work in whole-batch array operations)."""
    if not texts:
        return []
    sk = sketch_batch(texts, settings)
    n = len(texts)
    sigs = np.ascontiguousarray(sk.signatures, dtype=np.uint32)
    bands = band_terms(sigs, settings)
    # Each text's distinct fingerprints, in one sort of the batch by (text, hash).
    owner = np.repeat(np.arange(n), np.diff(sk.fp_offsets))
    order = np.lexsort((sk.fp_hash, owner))
    hashes, owner = sk.fp_hash[order], owner[order]
    first = np.ones(hashes.shape[0], dtype=bool)
    first[1:] = (hashes[1:] != hashes[:-1]) | (owner[1:] != owner[:-1])
    hashes, owner = hashes[first].view(np.int64), owner[first]
    cuts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=n), out=cuts[1:])
    exact = [bytes(x) for x in np.ascontiguousarray(sk.exact)]
    counts = np.stack([sk.n_tokens, sk.n_shingles], axis=1).tolist()
    spans = sk.text_span.tolist()
    cut = cuts.tolist()
    return [
        Sketch(
            exact=exact[i],
            n_tokens=int(counts[i][0]),
            n_shingles=int(counts[i][1]),
            span=(int(spans[i][0]), int(spans[i][1])),
            signature=sigs[i],
            fingerprints=hashes[cut[i] : cut[i + 1]],
            bands=bands[i],
        )
        for i in range(n)
    ]


def blanked(text: str, blanks: Sequence[tuple[int, int]]) -> str:
    """The text with the ranges replaced by spaces (same length: offsets stay valid)."""
    return blank(text, list(blanks))
