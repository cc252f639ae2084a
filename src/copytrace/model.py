"""The vocabulary of copytrace: documents, settings, spans, matches and clusters.

Every layer imports its value types from here; this module depends on nothing else in the package
except the exception tree.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any

from copytrace.errors import SettingsError

#: Version of the sketch format. Bump it whenever the bytes of a signature for the same text and
#: settings would change (tokenizer, hash functions, densification). Equal settings and equal
#: version give bit-identical sketches on every machine.
SKETCH_FORMAT_VERSION = 1


class Relation(StrEnum):
    """How two documents are related; members are listed strongest first."""

    EXACT = "exact"
    NEAR_DUPLICATE = "near_duplicate"
    CONTAINED = "contained"
    PASSAGE_REUSE = "passage_reuse"
    REWRITE = "rewrite"

    @property
    def rank(self) -> int:
        """Position on the ladder: 0 is the strongest relation."""
        return list(Relation).index(self)


#: Relation of a cluster member that is the cluster's source, or reaches it only through others.
SOURCE = "source"
LINKED = "linked"


@dataclass(frozen=True, slots=True)
class Document:
    """One input text with its identifier and the metadata that travelled with it."""

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise SettingsError(
            f"The {name!r} setting must be an int in [{low}, {high}]; got {value!r}."
        )


def _check_float(name: str, value: object, low: float, high: float) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not low <= float(value) <= high:  # type: ignore[arg-type]
        raise SettingsError(
            f"The {name!r} setting must be a number in [{low}, {high}]; got {value!r}."
        )


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything that decides sketches and verdicts; validated at construction.

    The sketch fields (tokenizer, shingle_size, num_perm, seed, winnow_window) plus
    SKETCH_FORMAT_VERSION are the contract between the batch, index and distributed modes; see
    `sketch_fingerprint`.
    """

    tokenizer: str = "words"
    shingle_size: int = 5
    num_perm: int = 128
    seed: int = 1
    threshold: float = 0.8
    containment: float = 0.8
    min_length_ratio: float = 0.25
    bands: int | None = None
    rows: int | None = None
    max_bucket: int = 64
    passages: bool = True
    winnow_window: int = 8
    passage_min_tokens: int = 20
    passage_min_fingerprints: int = 3
    max_fingerprint_df: int = 50
    rewrite_similarity: float = 0.95
    rewrite_min_tokens: int = 40
    align_gap: int = 20
    keep_boilerplate: bool = False
    boilerplate_min_docs: int = 5
    origin_field: str | None = None

    def __post_init__(self) -> None:
        if self.tokenizer != "words":
            raise SettingsError(
                f"The 'tokenizer' setting must be 'words'; got {self.tokenizer!r}. "
                "(Words for space-delimited scripts, single characters for CJK and Thai.)"
            )
        _check_int("shingle_size", self.shingle_size, 1, 64)
        _check_int("num_perm", self.num_perm, 8, 4096)
        _check_int("seed", self.seed, 0, 2**32 - 1)
        _check_float("threshold", self.threshold, 0.01, 1.0)
        _check_float("containment", self.containment, 0.01, 1.0)
        _check_float("min_length_ratio", self.min_length_ratio, 0.01, 1.0)
        _check_int("max_bucket", self.max_bucket, 2, 1_000_000)
        if not isinstance(self.passages, bool):
            raise SettingsError(f"The 'passages' setting must be a bool; got {self.passages!r}.")
        _check_int("winnow_window", self.winnow_window, 1, 256)
        _check_int("passage_min_tokens", self.passage_min_tokens, 1, 1_000_000)
        _check_int("passage_min_fingerprints", self.passage_min_fingerprints, 1, 10_000)
        _check_int("max_fingerprint_df", self.max_fingerprint_df, 2, 10_000_000)
        _check_float("rewrite_similarity", self.rewrite_similarity, 0.0, 1.0)
        _check_int("rewrite_min_tokens", self.rewrite_min_tokens, 1, 1_000_000)
        _check_int("align_gap", self.align_gap, 0, 10_000)
        if not isinstance(self.keep_boilerplate, bool):
            raise SettingsError(
                f"The 'keep_boilerplate' setting must be a bool; got {self.keep_boilerplate!r}."
            )
        _check_int("boilerplate_min_docs", self.boilerplate_min_docs, 2, 1_000_000_000)
        if self.origin_field is not None and (
            not isinstance(self.origin_field, str) or not self.origin_field
        ):
            raise SettingsError(
                f"The 'origin_field' setting must be a field name or None; got "
                f"{self.origin_field!r}."
            )
        if (self.bands is None) != (self.rows is None):
            raise SettingsError(
                "The 'bands' and 'rows' settings go together: give both or neither."
            )
        if self.bands is not None and self.rows is not None:
            _check_int("bands", self.bands, 1, self.num_perm)
            _check_int("rows", self.rows, 1, self.num_perm)
            if self.bands * self.rows > self.num_perm:
                raise SettingsError(
                    f"The 'bands' x 'rows' settings must fit in num_perm={self.num_perm}; "
                    f"got {self.bands} x {self.rows} = {self.bands * self.rows}."
                )

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form, with the sketch format version and fingerprint."""
        out = asdict(self)
        out["sketch_format_version"] = SKETCH_FORMAT_VERSION
        out["sketch_fingerprint"] = self.sketch_fingerprint()
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Inverse of `to_dict`; unknown keys are an error, derived keys are ignored."""
        derived = {"sketch_format_version", "sketch_fingerprint"}
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known - derived)
        if unknown:
            raise SettingsError(f"Unknown settings: {', '.join(unknown)}.")
        return cls(**{k: v for k, v in data.items() if k in known})

    def sketch_fingerprint(self) -> str:
        """Short hex digest of what decides the bytes of a sketch."""
        key = {
            "version": SKETCH_FORMAT_VERSION,
            "tokenizer": self.tokenizer,
            "shingle_size": self.shingle_size,
            "num_perm": self.num_perm,
            "seed": self.seed,
            "winnow_window": self.winnow_window,
        }
        return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Span:
    """Aligned region [a_start, a_end) of A and [b_start, b_end) of B, in original characters."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    similarity: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {
            "a_start": self.a_start,
            "a_end": self.a_end,
            "b_start": self.b_start,
            "b_end": self.b_end,
            "similarity": round(self.similarity, 4),
        }


@dataclass(frozen=True, slots=True)
class Match:
    """A verified relation between documents `a` and `b`, with its scores and aligned spans."""

    a: str
    b: str
    relation: Relation
    jaccard: float
    containment_a_in_b: float
    containment_b_in_a: float
    spans: tuple[Span, ...] = ()
    a_coverage: float = 0.0
    b_coverage: float = 0.0
    source: str | None = None
    source_reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (one line of matches.jsonl)."""
        return {
            "a": self.a,
            "b": self.b,
            "relation": self.relation.value,
            "jaccard": round(self.jaccard, 4),
            "containment_a_in_b": round(self.containment_a_in_b, 4),
            "containment_b_in_a": round(self.containment_b_in_a, 4),
            "a_coverage": round(self.a_coverage, 4),
            "b_coverage": round(self.b_coverage, 4),
            "source": self.source,
            "source_reason": self.source_reason,
            "spans": [s.to_dict() for s in self.spans],
        }

    def describe(self) -> str:
        """One sentence a person can read, e.g. 'b reprinted 40% of a (contained)'."""
        if self.source is None:
            return f"{self.a} and {self.b} share text ({self.relation.value})"
        copy = self.b if self.source == self.a else self.a
        share = self.a_coverage if self.source == self.a else self.b_coverage
        return f"{copy} reprinted {share:.0%} of {self.source} ({self.relation.value})"


@dataclass(frozen=True, slots=True)
class Member:
    """A cluster member and its relation to the cluster's source."""

    id: str
    relation: str


@dataclass(frozen=True, slots=True)
class Cluster:
    """Documents joined by verified matches, with the source they most likely derive from."""

    cluster: int
    source: str
    members: tuple[Member, ...]
    source_reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (one line of clusters.jsonl)."""
        return {
            "cluster": self.cluster,
            "source": self.source,
            "source_reason": self.source_reason,
            "members": [{"id": m.id, "relation": m.relation} for m in self.members],
        }
