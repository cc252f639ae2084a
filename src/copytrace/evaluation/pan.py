"""PAN text-alignment measures: precision, recall, granularity and plagdet, plus truth loading.

The measures follow Potthast, Stein, Barrón-Cedeño and Rosso, "An Evaluation Framework for
Plagiarism Detection" (COLING 2010), in the two-interval form used for PAN text alignment.

A *case* ``s`` (ground truth) and a *detection* ``r`` (system output) each name a suspicious
document and a source document and give one half-open character interval in each,
``[offset, offset + length)``. Their size is ``|s| = this_length + source_length``, i.e. characters
are counted on both sides.

* ``r`` *detects* ``s`` when both concern the same (suspicious, source) document pair, their
  suspicious intervals overlap and their source intervals overlap (overlap means at least one
  shared character; touching intervals do not overlap).
* ``s ⊓ r`` is their overlap: the intersection of the suspicious intervals plus the intersection
  of the source intervals; it is empty when ``r`` does not detect ``s``.
* Macro recall is the mean over cases of ``|⋃_{r detects s} (s ⊓ r)| / |s|`` and macro precision
  the mean over detections of ``|⋃_{s detected by r} (s ⊓ r)| / |r|``. The unions are taken
  side by side with merged intervals, so characters covered by several detections (or cases)
  count once.
* Granularity is the mean, over cases detected at least once, of the number of detections that
  detect the case (1.0 when no case is detected).
* ``plagdet = F1 / log2(1 + granularity)`` with F1 the harmonic mean of precision and recall
  (0 when both are 0).

Edge cases: recall is undefined without cases, so :func:`pan_measures` raises ``ValueError``;
precision with cases but no detections is defined as 0 (nothing was found, so the system earns
no credit, and plagdet becomes 0 rather than undefined).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "OVERALL",
    "SIMULATED",
    "Case",
    "Detection",
    "PanScores",
    "format_table",
    "list_documents",
    "load_truth",
    "pan_measures",
    "pan_measures_by_obfuscation",
]

#: Obfuscation reported for cases whose XML feature has no ``obfuscation`` attribute
#: (``type="simulated"``: manual rewrites).
SIMULATED = "simulated"
#: Key of :func:`pan_measures_by_obfuscation` that holds the scores over all cases.
OVERALL = "overall"

SUSPICIOUS_DIR = "suspicious-documents"
SOURCE_DIR = "source-documents"

#: Display order of the obfuscation types of PAN-style corpora; unknown types follow, sorted.
_OBFUSCATION_ORDER = ("none", "random-shuffling", "pos-preserving", "semantic-variation", SIMULATED)

#: Half-open character interval ``(start, end)``.
Interval = tuple[int, int]


class _Span:
    """Shared behaviour of cases and detections: two character intervals in a document pair."""

    __slots__ = ()

    suspicious: str
    source: str
    this_offset: int
    this_length: int
    source_offset: int
    source_length: int

    def __post_init__(self) -> None:
        for name in ("this_offset", "this_length", "source_offset", "source_length"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{type(self).__name__}.{name} must be an int, got {value!r}")
            if value < 0:
                raise ValueError(f"{type(self).__name__}.{name} must be >= 0, got {value}")
        if self.this_length + self.source_length == 0:
            raise ValueError(f"{type(self).__name__} has zero length on both sides: {self!r}")

    @property
    def pair(self) -> tuple[str, str]:
        """The (suspicious, source) document pair."""
        return (self.suspicious, self.source)

    @property
    def this_interval(self) -> Interval:
        """Half-open character interval in the suspicious document."""
        return (self.this_offset, self.this_offset + self.this_length)

    @property
    def source_interval(self) -> Interval:
        """Half-open character interval in the source document."""
        return (self.source_offset, self.source_offset + self.source_length)

    @property
    def size(self) -> int:
        """Characters on both sides: ``this_length + source_length``."""
        return self.this_length + self.source_length


@dataclass(frozen=True, slots=True)
class Detection(_Span):
    """A passage pair reported by a system: suspicious and source intervals (file names)."""

    suspicious: str
    source: str
    this_offset: int
    this_length: int
    source_offset: int
    source_length: int


@dataclass(frozen=True, slots=True)
class Case(_Span):
    """A ground-truth plagiarism case with its obfuscation type."""

    suspicious: str
    source: str
    this_offset: int
    this_length: int
    source_offset: int
    source_length: int
    obfuscation: str


@dataclass(frozen=True, slots=True)
class PanScores:
    """PAN measures for one set of cases and detections."""

    precision: float
    recall: float
    granularity: float
    plagdet: float
    n_cases: int
    n_detections: int


# --------------------------------------------------------------------------- ground truth


def list_documents(corpus_dir: Path) -> tuple[list[Path], list[Path]]:
    """Return the sorted suspicious and source ``.txt`` paths of a PAN-format corpus."""
    corpus_dir = Path(corpus_dir)
    suspicious_dir = corpus_dir / SUSPICIOUS_DIR
    source_dir = corpus_dir / SOURCE_DIR
    for directory in (suspicious_dir, source_dir):
        if not directory.is_dir():
            raise FileNotFoundError(f"not a PAN-format corpus, missing directory: {directory}")
    return sorted(suspicious_dir.glob("*.txt")), sorted(source_dir.glob("*.txt"))


def load_truth(corpus_dir: Path) -> list[Case]:
    """Parse every suspicious-document XML file of a PAN-format corpus into cases."""
    suspicious_dir = Path(corpus_dir) / SUSPICIOUS_DIR
    if not suspicious_dir.is_dir():
        raise FileNotFoundError(f"not a PAN-format corpus, missing directory: {suspicious_dir}")
    cases: list[Case] = []
    for xml_path in sorted(suspicious_dir.glob("*.xml")):
        cases.extend(_parse_truth_file(xml_path))
    return cases


def _parse_truth_file(xml_path: Path) -> list[Case]:
    """Cases of one XML truth file: every element whose ``name`` attribute is ``plagiarism``.

    The element's tag is not checked, because real truth files contain misspelt tags (the
    Indonesian corpus has one ``<featue name="plagiarism" .../>`` among its 94 cases); features
    with other names (``about``, ``language``, ...) are ignored.
    """
    root = ET.parse(xml_path).getroot()
    suspicious = root.get("reference") or xml_path.with_suffix(".txt").name
    cases: list[Case] = []
    for feature in root.iter():
        if feature.get("name") != "plagiarism":
            continue
        attrs = feature.attrib
        # Simulated (manually rewritten) cases carry no obfuscation attribute; their type names
        # them. Falling back to the type keeps any other attribute-less case visible too.
        obfuscation = attrs.get("obfuscation") or attrs.get("type")
        if not obfuscation:
            raise ValueError(f"{xml_path}: plagiarism feature without obfuscation or type: {attrs}")
        try:
            case = Case(
                suspicious=suspicious,
                source=attrs["source_reference"],
                this_offset=int(attrs["this_offset"]),
                this_length=int(attrs["this_length"]),
                source_offset=int(attrs["source_offset"]),
                source_length=int(attrs["source_length"]),
                obfuscation=obfuscation,
            )
        except KeyError as exc:
            raise ValueError(f"{xml_path}: plagiarism feature lacks attribute {exc}") from exc
        except ValueError as exc:
            raise ValueError(f"{xml_path}: bad plagiarism feature {attrs}: {exc}") from exc
        cases.append(case)
    return cases


# --------------------------------------------------------------------------- interval arithmetic


def _overlaps(a: Interval, b: Interval) -> bool:
    """True when two half-open intervals share at least one character."""
    return max(a[0], b[0]) < min(a[1], b[1])


def _intersection(a: Interval, b: Interval) -> Interval:
    """Intersection of two half-open intervals (possibly empty, i.e. start >= end)."""
    return (max(a[0], b[0]), min(a[1], b[1]))


def _union_length(intervals: Iterable[Interval]) -> int:
    """Number of characters covered by at least one interval (intervals merged, not summed)."""
    total = 0
    current_start = current_end = -1
    for start, end in sorted(iv for iv in intervals if iv[0] < iv[1]):
        if start > current_end:
            total += current_end - current_start
            current_start, current_end = start, end
        elif end > current_end:
            current_end = end
    return total + (current_end - current_start)


def _detects(r: _Span, s: _Span) -> bool:
    """True when ``r`` and ``s`` share the document pair and overlap on both sides."""
    return (
        r.pair == s.pair
        and _overlaps(r.this_interval, s.this_interval)
        and _overlaps(r.source_interval, s.source_interval)
    )


def _covered(a: _Span, others: Iterable[_Span]) -> int:
    """``|⋃_o (a ⊓ o)|``: characters of ``a`` (both sides) inside at least one of ``others``."""
    others = list(others)
    this_side = _union_length(_intersection(a.this_interval, o.this_interval) for o in others)
    source_side = _union_length(_intersection(a.source_interval, o.source_interval) for o in others)
    return this_side + source_side


def _match(
    cases: Sequence[Case], detections: Sequence[Detection]
) -> tuple[list[list[int]], list[list[int]]]:
    """Indices of the detections detecting each case, and of the cases each detection detects."""
    cases_by_pair: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, case in enumerate(cases):
        cases_by_pair[case.pair].append(i)
    detections_of_case: list[list[int]] = [[] for _ in cases]
    cases_of_detection: list[list[int]] = [[] for _ in detections]
    for j, detection in enumerate(detections):
        for i in cases_by_pair.get(detection.pair, ()):
            if _detects(detection, cases[i]):
                detections_of_case[i].append(j)
                cases_of_detection[j].append(i)
    return detections_of_case, cases_of_detection


# --------------------------------------------------------------------------- measures


def _mean(values: Sequence[float]) -> float:
    """Arithmetic mean computed with ``math.fsum`` (callers guarantee a non-empty sequence)."""
    return math.fsum(values) / len(values)


def pan_measures(cases: Sequence[Case], detections: Sequence[Detection]) -> PanScores:
    """Macro precision, macro recall, granularity and plagdet of detections against cases.

    Raises ``ValueError`` when there are no cases (recall is undefined). Precision is 0 when
    there are cases but no detections.
    """
    if not cases:
        raise ValueError("PAN recall is undefined without cases")
    detections_of_case, cases_of_detection = _match(cases, detections)

    recall = _mean(
        [
            _covered(case, (detections[j] for j in detections_of_case[i])) / case.size
            for i, case in enumerate(cases)
        ]
    )
    precision = (
        _mean(
            [
                _covered(detection, (cases[i] for i in cases_of_detection[j])) / detection.size
                for j, detection in enumerate(detections)
            ]
        )
        if detections
        else 0.0
    )
    hits = [len(found) for found in detections_of_case if found]
    granularity = _mean(hits) if hits else 1.0
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    plagdet = f1 / math.log2(1 + granularity)
    return PanScores(
        precision=precision,
        recall=recall,
        granularity=granularity,
        plagdet=plagdet,
        n_cases=len(cases),
        n_detections=len(detections),
    )


def _obfuscation_order(obfuscations: Iterable[str]) -> list[str]:
    """Known obfuscation types in their customary order, then any others sorted."""
    present = set(obfuscations)
    known = [name for name in _OBFUSCATION_ORDER if name in present]
    return known + sorted(present.difference(_OBFUSCATION_ORDER))


def pan_measures_by_obfuscation(
    cases: Sequence[Case], detections: Sequence[Detection]
) -> dict[str, PanScores]:
    """PAN measures per obfuscation type, plus the key ``"overall"`` over all cases and detections.

    For a type ``t`` the scores are ``pan_measures(cases of type t, detections of type t)``, where
    the detections of type ``t`` are those that detect (same document pair, overlap on both
    sides) at least one case of type ``t``. Hence recall and granularity are the usual ones over
    the cases of ``t``; precision is over the detections that hit a case of ``t`` and counts only
    their overlap with cases of ``t``, so it shows how tightly those detections fit the cases.
    A detection hitting cases of two types counts under both. Detections that detect no case at
    all (false positives) belong to no type and only lower the overall precision.
    Types are ordered none, random-shuffling, pos-preserving, semantic-variation, simulated, then
    any other type alphabetically; ``"overall"`` comes last. Raises ``ValueError`` without cases.
    """
    if not cases:
        raise ValueError("PAN recall is undefined without cases")
    _, cases_of_detection = _match(cases, detections)
    scores: dict[str, PanScores] = {}
    for obfuscation in _obfuscation_order(case.obfuscation for case in cases):
        type_cases = [case for case in cases if case.obfuscation == obfuscation]
        type_detections = [
            detection
            for detection, hit in zip(detections, cases_of_detection, strict=True)
            if any(cases[i].obfuscation == obfuscation for i in hit)
        ]
        scores[obfuscation] = pan_measures(type_cases, type_detections)
    scores[OVERALL] = pan_measures(cases, detections)
    return scores


def format_table(scores: dict[str, PanScores]) -> str:
    """Render scores keyed by obfuscation as a Markdown table with three decimals."""
    lines = [
        "| obfuscation | cases | detections | precision | recall | granularity | plagdet |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in scores.items():
        lines.append(
            f"| {name} | {s.n_cases} | {s.n_detections} | {s.precision:.3f} | {s.recall:.3f} "
            f"| {s.granularity:.3f} | {s.plagdet:.3f} |"
        )
    return "\n".join(lines)
