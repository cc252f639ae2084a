"""Adding and removing documents: chrome counts, exact-copy classes and postings, atomically.

Each batch is one `Storage.write()` transaction, so after a crash every document is either there
with its text class, postings and chrome counts, or not there at all. Like `scan`, postings
belong to distinct texts (classes of exact copies): a story stored a thousand times has one set
of band keys and fingerprints, and its first document stands for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import chain

import numpy as np

from copytrace.index.chrome import in_chrome, thresholds
from copytrace.index.core import Document, Origin, Settings
from copytrace.index.migrate2 import signatures_in_bands
from copytrace.index.sketching import (
    Prepared,
    Sketch,
    blanked,
    blanks_for_all,
    line_batch,
    prepare,
    sketch_texts,
    with_line_keys,
)
from copytrace.index.state import ChromeCache
from copytrace.index.storage import Storage, StoredDocument


@dataclass
class AddCounts:
    """What an add did, document by document; skipped ones with where and why."""

    added: int = 0
    unchanged: int = 0
    replaced: int = 0
    skipped: int = 0
    empty: int = 0
    skipped_records: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """Plain-JSON form."""
        return {
            "added": self.added,
            "unchanged": self.unchanged,
            "replaced": self.replaced,
            "skipped": self.skipped,
            "empty": self.empty,
            "skipped_records": self.skipped_records[:1000],
        }


#: Skipped records listed by name; beyond this only counted.
LISTED = 1000
#: Documents blanked and sketched again at a time when lines become chrome (their texts are
#: held in memory meanwhile).
RESKETCH_BATCH = 1024


class Writer:
    """Applies adds and removals to a store, keeping chrome, classes and postings exact."""

    def __init__(self, storage: Storage, settings: Settings, chrome: ChromeCache) -> None:
        self.storage = storage
        self.settings = settings
        self.chrome = chrome
        #: With one band of one row per signature value, a text's band keys hold its
        #: signature: it is not stored again.
        self.sig_in_bands = signatures_in_bands(settings)

    # -- adding ---------------------------------------------------------------------------

    def add_batch(
        self, batch: list[tuple[Origin, Document]], replace: bool, counts: AddCounts
    ) -> list[int]:
        """Add a batch of documents in the current transaction; returns their numbers (-1 for
        documents not added: unchanged or skipped)."""
        s = self.storage
        todo: list[tuple[int, Prepared]] = []
        numbers = [-1] * len(batch)
        indexed = s.find_documents([doc.id for _, doc in batch])  # ids are distinct in a batch
        for k, (origin, doc) in enumerate(batch):
            old = indexed.get(doc.id)
            prepared = prepare(doc, self.settings)
            if old is not None:
                if old.content == prepared.content:
                    counts.unchanged += 1
                    numbers[k] = old.doc
                    continue
                if not replace:
                    counts.skipped += 1
                    if len(counts.skipped_records) < LISTED:
                        counts.skipped_records.append(
                            {
                                "where": str(origin),
                                "reason": f'id "{doc.id}" is indexed with another text; '
                                "not replaced (--no-replace).",
                            }
                        )
                    continue
                self.remove(old)
                counts.replaced += 1
            else:
                counts.added += 1
            todo.append((k, prepared))
        if not todo:
            return numbers
        carriers = self._carriers([p for _, p in todo])
        ready = [p for _, p in todo]
        lines = line_batch(ready)  # found once, for the counts and for the blanks
        with_line_keys(ready, lines)
        self._count_lines([p for p, c in zip(ready, carriers, strict=True) if c])
        chrome = self.chrome.keys
        blanks = blanks_for_all(ready, chrome, self.settings, lines)
        sketches = sketch_texts(
            [blanked(p.doc.text, b) for (_, p), b in zip(todo, blanks, strict=True)],
            self.settings,
        )
        now = time.time()
        for (k, p), carrier, b, sk in zip(todo, carriers, blanks, sketches, strict=True):
            number = s.insert_document(
                {
                    "id": p.doc.id,
                    "text_id": None,
                    "added": now,
                    "date": p.date,
                    "meta": p.doc.meta,
                    "host": p.provenance.host,
                    "author": p.provenance.author,
                    "thread": p.thread,
                    "lines_key": p.lines_key,
                    "carrier": carrier,
                    "content": p.content,
                    "span": sk.span,
                    "blanks": b,
                },
                p.doc.text,
            )
            numbers[k] = number
            self._attach(number, p.thread, b, sk)
            if carrier:
                keys = np.asarray([x for x in p.counted_keys() if x not in chrome], np.int64)
                s.add_postings("line", keys, number)
            counts.empty += sk.empty
            s.bump("documents", 1)
            s.bump("nonempty", int(not sk.empty))
            s.bump("chars", len(p.doc.text))
        return numbers

    def _carriers(self, prepared: list[Prepared]) -> list[bool]:
        """Whether each document is the first with its provenance and text (it counts)."""
        seen: set[int] = set()
        out = []
        for p in prepared:
            first = p.lines_key not in seen and not self.storage.same_lines(p.lines_key)
            seen.add(p.lines_key)
            out.append(first)
        return out

    def _count_lines(self, carriers: list[Prepared]) -> None:
        """Count the carriers' lines; lines that reach their threshold become chrome, and the
        indexed documents holding them are blanked and sketched again."""
        chrome = self.chrome.keys
        every = np.fromiter(chain.from_iterable(p.counted_keys() for p in carriers), np.int64)
        if chrome and every.shape[0]:
            every = every[~in_chrome(every, chrome)]
        if every.shape[0] == 0:
            return
        # A carrier's keys are distinct: how many carriers hold a key is how often it occurs.
        keys, counts = np.unique(every, return_counts=True)
        indexed, _ = self.storage.postings("line", keys)
        if indexed.shape[0]:
            held, held_by = np.unique(indexed, return_counts=True)
            counts[np.searchsorted(keys, held)] += held_by
        new = keys[counts >= thresholds(keys, self.settings.boilerplate_min_docs)]
        if new.shape[0]:
            self._make_chrome(new)

    def _make_chrome(self, keys: np.ndarray) -> None:
        s = self.storage
        held = {doc for _, doc in s.owners("line", keys)}
        # Chrome keys are never counted again: their postings are left for merges to drop.
        s.add_chrome(keys.tolist())
        self.chrome.add(keys.tolist())
        affected: set[int] = set()
        for doc in held:
            affected.update(s.same_lines(s.document(doc).lines_key))
        self.resketch(sorted(affected))

    def resketch(self, docs: list[int]) -> None:
        """Blank documents with the chrome known now; sketch again those that changed (a
        batch at a time), and move them to their new classes, in order."""
        for at in range(0, len(docs), RESKETCH_BATCH):
            stored = [self.storage.document(doc) for doc in docs[at : at + RESKETCH_BATCH]]
            prepared = [prepare(Document(d.id, d.text, d.meta), self.settings) for d in stored]
            blanks = blanks_for_all(prepared, self.chrome.keys, self.settings)
            changed = [(d, b) for d, b in zip(stored, blanks, strict=True) if b != d.blanks]
            sketches = sketch_texts([blanked(d.text, b) for d, b in changed], self.settings)
            for (d, new_blanks), sk in zip(changed, sketches, strict=True):
                self._move(d, new_blanks, sk)

    def _move(self, d: StoredDocument, new_blanks: list[tuple[int, int]], sk: Sketch) -> None:
        """Give a document its new blanks and the class of its new sketch."""
        doc = d.doc
        if d.text_id is not None:
            old = self.storage.texts([d.text_id])[d.text_id]
            if not sk.empty and old.exact == sk.exact:
                self.storage.update_sketch(doc, d.text_id, new_blanks, sk.span)
                return
            self._detach(d)
        self.storage.bump("nonempty", int(not sk.empty) - int(d.text_id is not None))
        self._attach(doc, d.thread, new_blanks, sk)

    def _attach(self, doc: int, thread: int, blanks: list[tuple[int, int]], sk: Sketch) -> None:
        """Join a document to the class of its sketch, creating the class and its postings."""
        s = self.storage
        if sk.empty:
            s.update_sketch(doc, None, blanks, sk.span)
            return
        found = s.find_text(sk.exact)
        if found is None:
            sig = None if self.sig_in_bands else sk.signature
            tid = s.insert_text(sk.exact, doc, thread, sk.n_tokens, sk.n_shingles, sig)
            s.add_postings("band", sk.bands, tid)
            if self.settings.passages:
                s.add_postings("fp", sk.fingerprints, tid, thread)
            s.bump("texts", 1)
        else:
            tid = found.text_id
            if doc < found.rep:  # an older document sketched again now has this text
                self._set_rep(found.text_id, doc, thread, found.grp, lambda: sk.fingerprints)
        s.update_sketch(doc, tid, blanks, sk.span)

    def _set_rep(
        self, text_id: int, rep: int, grp: int, old_grp: int, fps: Callable[[], np.ndarray]
    ) -> None:
        """Make `rep` the first document of a class; its fingerprints move to its thread."""
        s = self.storage
        s.update_text(text_id, rep, grp)
        if grp != old_grp and self.settings.passages:
            s.remove_owner("fp", text_id)
            s.add_postings("fp", fps(), text_id, grp)

    def _detach(self, d: StoredDocument) -> None:
        """Take a document out of its class; the class goes when it was its last document."""
        s = self.storage
        assert d.text_id is not None
        t = s.texts([d.text_id])[d.text_id]
        members = [m for m in s.members(d.text_id) if m != d.doc]
        if not members:
            s.remove_owner("band", t.text_id)
            if self.settings.passages:
                s.remove_owner("fp", t.text_id)
            s.delete_text(t.text_id)
            s.bump("texts", -1)
        elif d.doc == t.rep:
            rep = members[0]
            thread = s.document(rep).thread

            def fingerprints() -> np.ndarray:
                """The class's fingerprints (of its text as this document was blanked)."""
                (old,) = sketch_texts([blanked(d.text, d.blanks)], self.settings)
                return old.fingerprints

            self._set_rep(t.text_id, rep, thread, t.grp, fingerprints)
        s.update_sketch(d.doc, None, d.blanks, d.span)

    # -- removing -------------------------------------------------------------------------

    def remove(self, d: StoredDocument) -> None:
        """Remove a document: its class membership, its line counts, its row."""
        s = self.storage
        if d.text_id is not None:
            self._detach(d)
            s.bump("nonempty", -1)
        if d.carrier:
            p = prepare(Document(d.id, d.text, d.meta), self.settings)
            chrome = self.chrome.keys
            keys = np.asarray([k for k in p.counted_keys() if k not in chrome], np.int64)
            s.remove_owner("line", d.doc)
            heirs = [x for x in s.same_lines(d.lines_key) if x != d.doc]
            if heirs:  # a copy with the same provenance and text counts its lines now
                s.set_carrier(heirs[0], True)
                s.add_postings("line", keys, heirs[0])
        s.delete_document(d.doc)
        s.bump("documents", -1)
        s.bump("chars", -len(d.text))

    def remove_ids(self, ids: Iterable[str]) -> tuple[list[str], list[str]]:
        """Remove documents by id in the current transaction: (removed, not found)."""
        removed, missing = [], []
        for doc_id in ids:
            d = self.storage.find_document(doc_id)
            if d is None:
                missing.append(doc_id)
                continue
            self.remove(d)
            removed.append(doc_id)
        return removed, missing
