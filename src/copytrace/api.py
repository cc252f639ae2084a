"""The Python API: the same jobs as the command line, on paths or on documents in memory."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from copytrace.engines.local import OnError, Report, ScanResult, documents_as_items, scan_items
from copytrace.errors import InputError
from copytrace.io.base import BadRecord, ReadOptions
from copytrace.io.dedup import dropped_path_for, record_key, write_deduplicated
from copytrace.io.inputs import iter_items, open_readers
from copytrace.io.results import write_jsonl
from copytrace.model import Document, Relation, Settings, Span
from copytrace.sketch import shingle_text, sketch_batch
from copytrace.verify import relation_of, scores, shared_span, shingle_set

Inputs = str | Path | Sequence[str | Path]


def _paths(inputs: Inputs) -> list[Path]:
    if isinstance(inputs, str | Path):
        return [Path(inputs)]
    return [Path(p) for p in inputs]


def read(
    inputs: Inputs, *, id_field: str = "id", text_field: str = "text", on_error: OnError = "fail"
) -> Iterator[Document]:
    """Stream the documents of one or more input paths (bad records raise, or are skipped)."""
    readers = open_readers(_paths(inputs), ReadOptions(id_field, text_field))
    for _, record in iter_items(readers):
        if isinstance(record, BadRecord):
            if on_error == "fail":
                raise InputError(record.message())
            continue
        yield record


def scan(
    documents: Inputs | Iterable[Document | tuple[str, str]],
    settings: Settings | None = None,
    *,
    jobs: int | None = None,
    on_error: OnError = "fail",
    id_field: str = "id",
    text_field: str = "text",
    report: Report | None = None,
) -> ScanResult:
    """Find exact copies, near-duplicates and contained documents; returns matches and clusters.

    `documents` is a path, a list of paths, or an iterable of Documents or (id, text) pairs.
    """
    if isinstance(documents, str | Path) or (
        isinstance(documents, Sequence) and documents and isinstance(documents[0], str | Path)
    ):
        readers = open_readers(_paths(documents), ReadOptions(id_field, text_field))
        items = iter_items(readers)
        names = [str(r.path) for r in readers]
    else:
        items = documents_as_items(documents)  # type: ignore[arg-type]
        names = None
    return scan_items(
        items, settings, jobs=jobs, on_error=on_error, report=report, input_names=names
    )


@dataclass(frozen=True, slots=True)
class DedupResult:
    """Counts of a dedup run: every input record is kept, dropped or skipped."""

    kept: int
    dropped: int
    skipped: int
    output: Path
    dropped_list: Path
    scan: ScanResult


def dedup(
    inputs: Inputs,
    output: str | Path,
    settings: Settings | None = None,
    *,
    dropped_list: str | Path | None = None,
    jobs: int | None = None,
    on_error: OnError = "fail",
    id_field: str = "id",
    text_field: str = "text",
    report: Report | None = None,
) -> DedupResult:
    """Write the corpus keeping one document per cluster (its source) and list what was dropped."""
    paths = _paths(inputs)
    output = Path(output)
    if any(output.resolve() == p.resolve() for p in paths):
        raise InputError(f"{output}: the output would overwrite an input.")
    result = scan(
        paths,
        settings,
        jobs=jobs,
        on_error=on_error,
        id_field=id_field,
        text_field=text_field,
        report=report,
    )
    drop = {record_key(d.origin) for d in result.dropped}
    drop |= {record_key(b.origin) for b in result.skipped}
    kept = write_deduplicated(paths, output, drop)
    sidecar = Path(dropped_list) if dropped_list is not None else dropped_path_for(output)
    write_jsonl(
        sidecar,
        (
            {
                "id": d.id,
                "duplicate_of": d.duplicate_of,
                "relation": d.relation,
                "where": str(d.origin),
            }
            for d in result.dropped
        ),
    )
    return DedupResult(kept, len(result.dropped), len(result.skipped), output, sidecar, result)


@dataclass(frozen=True, slots=True)
class Comparison:
    """How two texts relate: the relation (None when none holds), scores and the shared span."""

    relation: Relation | None
    jaccard: float
    containment_a_in_b: float
    containment_b_in_a: float
    spans: tuple[Span, ...]


def compare(text_a: str, text_b: str, settings: Settings | None = None) -> Comparison:
    """Compare two texts exactly (no sketch estimate) and say how they relate."""
    settings = settings or Settings()
    sk = sketch_batch([text_a, text_b], settings)
    a = shingle_set(shingle_text(text_a, settings), tuple(sk.exact[0].tolist()))
    b = shingle_set(shingle_text(text_b, settings), tuple(sk.exact[1].tolist()))
    s = scores(a, b)
    exact_equal = a.exact == b.exact and sk.n_tokens[0] > 0
    rel = relation_of(exact_equal, s, settings)
    span = shared_span(a, b, s.jaccard)
    spans = (span,) if span is not None else ()
    return Comparison(rel, s.jaccard, s.containment_a_in_b, s.containment_b_in_a, spans)
