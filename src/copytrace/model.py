"""The vocabulary of copytrace: documents, settings, spans, matches and clusters.

Every layer imports its value types from here; this module depends on nothing else in the package
except the exception tree.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import Field, asdict, dataclass, field, fields
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


def _check_setting(f: Field[Any], value: object) -> None:
    """Check one setting against its metadata (type and range); None passes when allowed."""
    meta = f.metadata
    kind = meta["kind"]
    if value is None and f.default is None:
        return
    if kind is bool:
        if not isinstance(value, bool):
            raise SettingsError(f"The {f.name!r} setting must be a bool; got {value!r}.")
    elif kind is int:
        high = meta["high"] if meta["high"] is not None else 2**63 - 1
        _check_int(f.name, value, int(meta["low"]), int(high))
    elif kind is float:
        _check_float(f.name, value, meta["low"], meta["high"])
    elif kind is str and (not isinstance(value, str) or not value):
        raise SettingsError(f"The {f.name!r} setting must be a non-empty text; got {value!r}.")


def setting(
    default: Any,
    help: str,
    *,
    kind: type | None = None,
    low: float | None = None,
    high: float | None = None,
    compare: bool = False,
    option: bool = True,
) -> Any:
    """A Settings field with what validates it and what the command line shows of it.

    `kind` is its type (taken from the default unless given), `low`/`high` its range, `compare`
    whether it changes what `compare` says of two texts, `option` whether it is a command-line
    option (`--name-with-dashes`), `help` the option's help and the README's description.
    """
    meta = {
        "kind": kind if kind is not None else type(default),
        "low": low,
        "high": high,
        "help": help,
        "compare": compare,
        "option": option,
    }
    return field(default=default, metadata=meta)


#: Settings whose default the persistent index does not implement, and what it takes instead
#: (for a new index, and as its command options' defaults): it has no reworded-candidate path
#: (sentence sketches) yet.
INDEX_DEFAULTS: dict[str, Any] = {"reworded_candidates": False}


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything that decides sketches and verdicts; validated at construction.

    Each field carries its type, range and help (`setting`): validation here and the command
    line's options are both made from them. The sketch fields (tokenizer, shingle_size,
    num_perm, seed, winnow_window) plus SKETCH_FORMAT_VERSION are the contract between the
    batch, index and distributed modes; see `sketch_fingerprint`.
    """

    tokenizer: str = setting(
        "words",
        "Words for space-delimited scripts, single characters for CJK and Thai.",
        option=False,
    )
    shingle_size: int = setting(5, "Tokens per shingle.", low=1, high=64, compare=True)
    num_perm: int = setting(128, "MinHash signature length.", low=8, high=4096)
    seed: int = setting(
        1, "Hash seed; equal settings give identical sketches.", low=0, high=2**32 - 1
    )
    threshold: float = setting(
        0.8,
        "Jaccard similarity of shingle sets for near_duplicate.",
        low=0.01,
        high=1.0,
        compare=True,
    )
    containment: float = setting(
        0.8,
        "Share of the smaller document's shingles found in the larger, for contained.",
        low=0.01,
        high=1.0,
        compare=True,
    )
    min_length_ratio: float = setting(
        0.25,
        "Shortest contained/container length ratio that candidate generation guarantees "
        "recall for.",
        low=0.01,
        high=1.0,
    )
    bands: int | None = setting(
        None, "LSH bands (with --rows); default: derived from the thresholds.", kind=int, low=1
    )
    rows: int | None = setting(None, "LSH rows per band (with --bands).", kind=int, low=1)
    max_bucket: int = setting(
        64,
        "LSH buckets larger than this link members to one head, not all pairs.",
        low=2,
        high=1_000_000,
    )
    passages: bool = setting(
        True,
        "Find reused passages and rewrites too (off: whole-document relations only).",
        compare=True,
    )
    winnow_window: int = setting(
        8,
        "Winnowing window: shared runs of window + shingle size - 1 tokens are always seen.",
        low=1,
        high=256,
    )
    passage_min_tokens: int = setting(
        20,
        "Shortest aligned passage, in tokens, that makes passage_reuse.",
        low=1,
        high=1_000_000,
        compare=True,
    )
    passage_min_fingerprints: int = setting(
        3,
        "Passage fingerprints two documents must share to be compared for passages.",
        low=1,
        high=10_000,
        option=False,
    )
    reworded_candidates: bool = setting(
        True,
        "Also compare pairs whose sentences share their rarest words (sentence sketches), so "
        "that copies reworded throughout are found (off: only pairs that share word runs).",
    )
    reworded_pairs_per_document: float = setting(
        0.1,
        "Pairs (per document of the corpus) the sentence sketches may add, those sharing the "
        "most sentences first: bounds the cost of finding reworded copies.",
        low=0.0,
        high=1000.0,
    )
    max_fingerprint_df: int = setting(
        50,
        "Passage fingerprints in more documents than this (boilerplate) make no candidates.",
        low=2,
        high=10_000_000,
    )
    rewrite_similarity: float = setting(
        0.95,
        "Passages less similar than this (token Dice) are reworded: a rewrite, unless 0.9 similar "
        "or more (a copy with small edits, passage_reuse).",
        low=0.0,
        high=1.0,
        compare=True,
    )
    rewrite_min_tokens: int = setting(
        40,
        "Shortest reworded passage (below --rewrite-similarity), in tokens, to report.",
        low=1,
        high=1_000_000,
        compare=True,
    )
    align_gap: int = setting(
        20,
        "Tokens of unmatched text an aligned passage may bridge.",
        low=0,
        high=10_000,
        compare=True,
    )
    keep_boilerplate: bool = setting(
        False,
        "Sketch repeated chrome too (by default lines repeated across many documents of a "
        "host or an author, and posts' headers and signatures, are left out).",
    )
    boilerplate_min_docs: int = setting(
        5,
        "A line in at least this many documents of a host or an author is boilerplate; a "
        "passage frame in this many documents is a template.",
        low=2,
        high=1_000_000_000,
    )
    origin_field: str | None = setting(
        None,
        "Record field naming a document's author or source, whose repeated lines are its "
        "chrome (default: a post's From).",
        kind=str,
    )

    def __post_init__(self) -> None:
        for f in fields(self):
            _check_setting(f, getattr(self, f.name))
        if self.tokenizer != "words":
            raise SettingsError(
                f"The 'tokenizer' setting must be 'words'; got {self.tokenizer!r}. "
                "(Words for space-delimited scripts, single characters for CJK and Thai.)"
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
