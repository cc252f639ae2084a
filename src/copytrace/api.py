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
from copytrace.errors import BadRecordError, InputError
from copytrace.io.base import BadRecord, Reader, ReadOptions
from copytrace.io.dedup import (
    check_dedup_output,
    dropped_path_for,
    record_key,
    summary_path_for,
    write_deduplicated,
)
from copytrace.io.inputs import iter_items, open_readers
from copytrace.io.matchfile import MatchFile
from copytrace.io.outputs import check_output_path, staged_outputs
from copytrace.io.results import write_json, write_jsonl
from copytrace.model import Document, Relation, Settings, Span
from copytrace.sketch import shingle_text, sketch_batch
from copytrace.verify import scores, shingle_set, verify_pair

Inputs = str | Path | Sequence[str | Path]


def _paths(inputs: Inputs) -> list[Path]:
    if isinstance(inputs, str | Path):
        return [Path(inputs)]
    return [Path(p) for p in inputs]


def read(
    inputs: Inputs,
    *,
    id_field: str = "id",
    text_field: str = "text",
    on_error: OnError = "fail",
    encoding: str | None = None,
) -> Iterator[Document]:
    """Stream the documents of one or more input paths (bad records raise, or are skipped).

    Text, HTML and CSV files are read in `encoding`, or in the one detected when it is None.
    """
    readers = open_readers(_paths(inputs), ReadOptions(id_field, text_field, encoding))
    for _, record in iter_items(readers):
        if isinstance(record, BadRecord):
            if on_error == "fail":
                raise BadRecordError(record.message())
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
    encoding: str | None = None,
) -> ScanResult:
    """Find copies, near-duplicates, contained documents, reused passages and rewrites.

    `documents` is a path, a list of paths, or an iterable of Documents or (id, text) pairs.
    With `html_report`, also writes a self-contained HTML report showing up to `report_pairs`
    pairs side by side. With `matches_file`, matches are written to that file (one JSON object
    per line, as matches.jsonl) as they are verified instead of being held in memory, and
    `result.matches` reads them back from it. Text, HTML and CSV files are read in `encoding`,
    or in the one detected when it is None. Output paths are checked before any reading.
    """
    if html_report is not None:
        check_output_path(Path(html_report), "html_report")
    if matches_file is not None:
        check_output_path(Path(matches_file), "matches_file")
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
            encoding=encoding,
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
    encoding: str | None = None,
) -> ScanResult:
    if isinstance(documents, str | Path) or (
        isinstance(documents, Sequence) and documents and isinstance(documents[0], str | Path)
    ):
        options = ReadOptions(id_field, text_field, encoding)
        readers = open_readers(_paths(documents), options)
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
    encodings: dict[str, int] = {}
    for reader in readers:
        for reason, n in getattr(reader, "skipped_records", {}).items():
            not_documents[reason] = not_documents.get(reason, 0) + n
        for name, n in reader.encodings.items():
            encodings[name] = encodings.get(name, 0) + n
    ignored_files = sum(getattr(r, "ignored_files", 0) for r in readers)
    records = result.summary["records"]
    records["not_documents"] = not_documents
    records["read"] += sum(not_documents.values())
    records["ignored_files"] = ignored_files
    # Documents read, by the encoding they were read in (before duplicate ids are skipped).
    result.summary["encodings"] = dict(sorted(encodings.items(), key=lambda kv: -kv[1]))


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
    summary: Path | None = None


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
    encoding: str | None = None,
    summary: str | Path | None = None,
) -> DedupResult:
    """Write the corpus keeping one document per cluster (its source) and list what was dropped.

    Writes `output`, `dropped_list` (default: output's stem + '.dropped.jsonl') and `summary`
    (default: output's stem + '.summary.json', as scan's summary.json) all together or, when the
    run fails, none of them; their paths are checked before any reading.
    """
    paths = _paths(inputs)
    output = Path(output)
    sidecar = Path(dropped_list) if dropped_list is not None else dropped_path_for(output)
    summary_file = Path(summary) if summary is not None else summary_path_for(output)
    _check_dedup_paths(paths, output, sidecar, summary_file)
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
        encoding=encoding,
    )
    drop = {record_key(d.origin) for d in result.dropped}
    drop |= {record_key(b.origin) for b in result.skipped}
    # WARC records that are not pages (requests, metadata) are copied through as they are.
    passed = sum(result.summary["records"].get("not_documents", {}).values())
    result.summary["inputs"] = [str(p) for p in paths]
    with staged_outputs() as staged:
        written = write_deduplicated(
            paths, output, drop, into=staged.stage(output), encoding=encoding
        )
        rows = (
            {
                "id": d.id,
                "duplicate_of": d.duplicate_of,
                "relation": d.relation,
                "where": str(d.origin),
            }
            for d in result.dropped
        )
        write_jsonl(staged.stage(sidecar), rows)
        result.summary["dedup"] = {
            "output": str(output),
            "dropped_list": str(sidecar),
            "kept": written - passed,
            "dropped": len(result.dropped),
            "skipped": len(result.skipped),
            "passed_through": passed,
        }
        write_json(staged.stage(summary_file), result.summary)
    return DedupResult(
        written - passed,
        len(result.dropped),
        len(result.skipped),
        output,
        sidecar,
        result,
        passed,
        summary_file,
    )


def _check_dedup_paths(paths: list[Path], output: Path, sidecar: Path, summary: Path) -> None:
    """Every dedup output can be written, and none is an input or another output."""
    check_dedup_output(paths, output)
    named = {"-o": output, "--dropped": sidecar, "summary": summary}
    seen: dict[Path, str] = {}
    for option, path in named.items():
        where = path.resolve()
        if any(where == p.resolve() for p in paths):
            raise InputError(f"{path}: the output would overwrite an input.")
        if where in seen:
            raise InputError(f"{path}: {seen[where]} and {option} name the same file.")
        seen[where] = option
        if option != "-o":
            check_output_path(path, option)


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
