"""The Python API: the same jobs as the command line, on paths or on documents in memory."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from copytrace.engines.local import (
    MatchSink,
    OnError,
    Report,
    ScanResult,
    documents_as_items,
    scan_items,
)
from copytrace.errors import InputError
from copytrace.io.base import BadRecord, Reader, ReadOptions
from copytrace.io.dedup import dropped_path_for, record_key, write_deduplicated
from copytrace.io.inputs import iter_items, open_readers
from copytrace.io.matchfile import MatchFile
from copytrace.io.results import write_jsonl
from copytrace.model import Document, Relation, Settings, Span
from copytrace.sketch import shingle_text, sketch_batch
from copytrace.verify import scores, shingle_set, verify_pair

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
    html_report: str | Path | None = None,
    report_pairs: int = 200,
    matches_file: str | Path | None = None,
) -> ScanResult:
    """Find copies, near-duplicates, contained documents, reused passages and rewrites.

    `documents` is a path, a list of paths, or an iterable of Documents or (id, text) pairs.
    With `html_report`, also writes a self-contained HTML report showing up to `report_pairs`
    pairs side by side. With `matches_file`, matches are written to that file (one JSON object
    per line, as matches.jsonl) as they are verified instead of being held in memory, and
    `result.matches` reads them back from it.
    """
    sink = MatchFile(matches_file) if matches_file is not None else None
    try:
        result = _scan(
            documents,
            settings,
            jobs=jobs,
            on_error=on_error,
            id_field=id_field,
            text_field=text_field,
            report=report,
            html_report=html_report,
            report_pairs=report_pairs,
            sink=sink,
        )
    except BaseException:
        if sink is not None:
            sink.discard()
        raise
    if sink is not None:
        sink.commit()
    return result


def _scan(
    documents: Inputs | Iterable[Document | tuple[str, str]],
    settings: Settings | None,
    *,
    jobs: int | None,
    on_error: OnError,
    id_field: str,
    text_field: str,
    report: Report | None,
    html_report: str | Path | None,
    report_pairs: int,
    sink: MatchSink | None,
) -> ScanResult:
    if isinstance(documents, str | Path) or (
        isinstance(documents, Sequence) and documents and isinstance(documents[0], str | Path)
    ):
        readers = open_readers(_paths(documents), ReadOptions(id_field, text_field))
        items = iter_items(readers)
        names = [str(r.path) for r in readers]
    else:
        items = documents_as_items(documents)  # type: ignore[arg-type]
        names = None
        readers = []
    on_finish = None
    if html_report is not None:
        from copytrace.report.html import write_report

        target = Path(html_report)

        def on_finish(result: ScanResult, text_of: Callable[[str], str]) -> None:
            write_report(target, result, text_of, max_pairs=report_pairs)

    result = scan_items(
        items,
        settings,
        jobs=jobs,
        on_error=on_error,
        report=report,
        input_names=names,
        on_finish=on_finish,
        matches=sink,
    )
    if readers:
        _count_non_documents(result, readers)
    return result


def _count_non_documents(result: ScanResult, readers: Sequence[Reader]) -> None:
    """Add what readers passed over on purpose (WARC requests, other file types) to the summary.

    Such records are not documents and not errors; counting them keeps every input accounted
    for: records.read = documents + skipped + sum(not_documents).
    """
    not_documents: dict[str, int] = {}
    for reader in readers:
        for reason, n in getattr(reader, "skipped_records", {}).items():
            not_documents[reason] = not_documents.get(reason, 0) + n
    ignored_files = sum(getattr(r, "ignored_files", 0) for r in readers)
    records = result.summary["records"]
    records["not_documents"] = not_documents
    records["read"] += sum(not_documents.values())
    records["ignored_files"] = ignored_files


@dataclass(frozen=True, slots=True)
class DedupResult:
    """Counts of a dedup run: every input record is kept, dropped, skipped or passed through."""

    kept: int
    dropped: int
    skipped: int
    output: Path
    dropped_list: Path
    scan: ScanResult
    passed_through: int = 0


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
    # Dedup needs no match in memory: they wait in a temporary file, readable from the result.
    result = _scan(
        paths,
        settings,
        jobs=jobs,
        on_error=on_error,
        id_field=id_field,
        text_field=text_field,
        report=report,
        html_report=None,
        report_pairs=0,
        sink=MatchFile(directory=None),
    )
    drop = {record_key(d.origin) for d in result.dropped}
    drop |= {record_key(b.origin) for b in result.skipped}
    written = write_deduplicated(paths, output, drop)
    # WARC records that are not pages (requests, metadata) are copied through as they are.
    passed = sum(result.summary["records"].get("not_documents", {}).values())
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
    return DedupResult(
        written - passed, len(result.dropped), len(result.skipped), output, sidecar, result, passed
    )


@dataclass(frozen=True, slots=True)
class Comparison:
    """How two texts relate: the relation (None when none holds), scores and the shared span."""

    relation: Relation | None
    jaccard: float
    containment_a_in_b: float
    containment_b_in_a: float
    spans: tuple[Span, ...]


def compare(text_a: str, text_b: str, settings: Settings | None = None) -> Comparison:
    """Compare two texts exactly (no sketch estimate): relation, scores and aligned passages."""
    settings = settings or Settings()
    sk = sketch_batch([text_a, text_b], settings)
    a = shingle_set(shingle_text(text_a, settings), tuple(sk.exact[0].tolist()))
    b = shingle_set(shingle_text(text_b, settings), tuple(sk.exact[1].tolist()))
    if sk.n_tokens[0] == 0 or sk.n_tokens[1] == 0:
        return Comparison(None, 0.0, 0.0, 0.0, ())
    match = verify_pair("a", a, "b", b, settings)
    if match is None:
        s = scores(a, b)
        return Comparison(None, s.jaccard, s.containment_a_in_b, s.containment_b_in_a, ())
    return Comparison(
        match.relation,
        match.jaccard,
        match.containment_a_in_b,
        match.containment_b_in_a,
        match.spans,
    )
