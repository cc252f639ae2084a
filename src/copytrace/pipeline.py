"""The pipeline's shared parts: the options of a run, and the typed summary its stages fill.

    read -> normalize -> sketch -> candidates -> verify -> align -> group -> write

Every engine runs these stages (the local one in `engines.local.stages`); each stage keeps its
own counters in one of the dataclasses below, and the `Summary` is assembled from them once,
at the end of a run. Nothing edits a summary dict: `Summary.to_dict()` is summary.json.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from copytrace._version import __version__
from copytrace.boilerplate import BlankedBatch, PostParts
from copytrace.errors import SettingsError
from copytrace.io.base import BadRecord, ReadOptions
from copytrace.model import Relation, Settings

OnError = Literal["fail", "skip"]
#: Records listed by name in summary.json; beyond this only counted.
LISTED = 1000


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How records become documents and how a run behaves, apart from `Settings`: built once
    (from the command line or the Python API) and passed to every stage that reads or runs."""

    id_field: str = "id"
    text_field: str = "text"
    encoding: str | None = None
    on_error: OnError = "fail"
    jobs: int | None = None

    def __post_init__(self) -> None:
        if self.on_error not in ("fail", "skip"):
            raise SettingsError(f"on_error must be 'fail' or 'skip'; got {self.on_error!r}.")
        if self.jobs is not None and (not isinstance(self.jobs, int) or self.jobs < 0):
            raise SettingsError(f"jobs must be a whole number of cores >= 0; got {self.jobs!r}.")

    @property
    def read(self) -> ReadOptions:
        """What the readers need of these options."""
        return ReadOptions(self.id_field, self.text_field, self.encoding)


@dataclass
class RecordCounts:
    """The read stage's accounting: read = documents + skipped + sum(not_documents)."""

    read: int = 0
    documents: int = 0
    skipped: list[BadRecord] = field(default_factory=list)
    not_documents: dict[str, int] = field(default_factory=dict)
    ignored_files: int = 0
    encodings: dict[str, int] = field(default_factory=dict)


@dataclass
class DocumentCounts:
    """What became of the documents: compared, empty, and in clusters."""

    scanned: int = 0
    empty: list[tuple[str, str]] = field(default_factory=list)  # (id, where)
    in_clusters: int = 0
    clusters: int = 0
    largest_cluster: int = 0


@dataclass
class ChromeCounts:
    """What was blanked as chrome, over the whole corpus."""

    enabled: bool = True
    lines_marked: int = 0
    line_occurrences_masked: int = 0
    documents_with_boilerplate: int = 0
    posts: int = 0
    post_signatures: int = 0
    post_attribution_lines: int = 0
    post_quoted_signatures: int = 0

    def add(self, batch: BlankedBatch, parts: PostParts) -> None:
        """Count what was blanked in a batch of documents (with their posts' parts)."""
        blanked = batch.blanked
        self.line_occurrences_masked += int(batch.lines.sum())
        self.documents_with_boilerplate += int(np.count_nonzero(blanked))
        self.posts += int(np.count_nonzero(blanked & parts.post))
        self.post_signatures += int(np.count_nonzero(blanked & parts.signature))
        self.post_attribution_lines += int(parts.attributions[blanked].sum())
        self.post_quoted_signatures += int(parts.quoted_signatures[blanked].sum())


@dataclass
class CandidateCounts:
    """What the candidate stage proposed: band pairs, those kept by their estimate, and the
    passage fingerprints' pairs."""

    bands: int = 0
    rows: int = 0
    pairs_from_bands: int = 0
    pairs_verified_exactly: int = 0
    large_buckets_linked_to_head: int = 0
    pairs_skipped_already_joined: int = 0
    passages: dict[str, int] = field(default_factory=dict)


@dataclass
class Summary(Mapping[str, Any]):
    """Everything a run reports, in summary.json (`to_dict`); it reads like that dict too."""

    settings: Settings
    records: RecordCounts = field(default_factory=RecordCounts)
    documents: DocumentCounts = field(default_factory=DocumentCounts)
    chrome: ChromeCounts = field(default_factory=ChromeCounts)
    candidates: CandidateCounts = field(default_factory=CandidateCounts)
    matches: dict[str, int] = field(default_factory=lambda: {r.value: 0 for r in Relation})
    timings: dict[str, float] = field(default_factory=dict)
    jobs: int = 1
    inputs: list[str] = field(default_factory=list)
    dedup: dict[str, Any] | None = None
    #: Bytes of text the engine kept for verification, by where: {"memory_bytes", "disk_bytes"}.
    temporary_texts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The plain-JSON form: summary.json."""
        r, d, c = self.records, self.documents, self.candidates
        dropped = d.in_clusters - d.clusters
        out: dict[str, Any] = {
            "copytrace_version": __version__,
            "records": {
                "read": r.read,
                "documents": r.documents,
                "skipped": len(r.skipped),
                "not_documents": dict(r.not_documents),
                "ignored_files": r.ignored_files,
            },
            "documents": {
                "scanned": d.scanned,
                "empty": len(d.empty),
                "in_clusters": d.in_clusters,
                "kept_by_dedup": r.documents - dropped,
                "dropped_by_dedup": dropped,
            },
            "matches": dict(self.matches),
            "clusters": d.clusters,
            "largest_cluster": d.largest_cluster,
            "candidates": {
                "bands": c.bands,
                "rows": c.rows,
                "pairs_from_bands": c.pairs_from_bands,
                "pairs_verified_exactly": c.pairs_verified_exactly,
                "large_buckets_linked_to_head": c.large_buckets_linked_to_head,
                "pairs_skipped_already_joined": c.pairs_skipped_already_joined,
            },
            "skipped_records": [
                {"where": str(b.origin), "reason": b.reason} for b in r.skipped[:LISTED]
            ],
            "empty_documents": [
                {"id": doc_id, "where": where} for doc_id, where in d.empty[:LISTED]
            ],
            "settings": self.settings.to_dict(),
            "jobs": self.jobs,
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
            "passages": dict(c.passages),
            "boilerplate": {
                **self.chrome.__dict__,
                "fingerprints_ignored_as_common": c.passages.get(
                    "fingerprints_ignored_as_common", 0
                ),
            },
            "encodings": dict(sorted(r.encodings.items(), key=lambda kv: -kv[1])),
            "inputs": list(self.inputs),
        }
        if self.temporary_texts:
            out["temporary_texts"] = dict(self.temporary_texts)
        if self.dedup is not None:
            out["dedup"] = dict(self.dedup)
        return out

    def __getitem__(self, key: str) -> Any:
        """A part of summary.json, read as from the dict (`summary["matches"]`)."""
        return self.to_dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_dict())

    def __len__(self) -> int:
        return len(self.to_dict())
