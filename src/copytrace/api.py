"""The Python API: the same jobs as the command line, on paths or on documents in memory."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from copytrace.boilerplate import blank, only_blanks
from copytrace.engines.local.run import LocalRun, Report, ScanResult, documents_as_items
from copytrace.errors import BadRecordError, InputError
from copytrace.io.base import BadRecord
from copytrace.io.dedup import dropped_path_for, record_key, summary_path_for
from copytrace.io.formats import check_dedup_output, write_deduplicated
from copytrace.io.inputs import iter_items, open_readers
from copytrace.io.outputs import check_output_path, staged_outputs
from copytrace.io.results import write_json, write_jsonl
from copytrace.io.writers import ScanOutputs
from copytrace.messages import message_parts
from copytrace.model import Document, Relation, Settings, Span
from copytrace.pipeline import OnError, RunOptions
from copytrace.sketch import shingle_text, sketch_batch
from copytrace.verify import scores, shingle_set, verify_pair

Inputs = str | Path | Sequence[str | Path]


def _paths(inputs: Inputs) -> list[Path]:
    if isinstance(inputs, str | Path):
        return [Path(inputs)]
    return [Path(p) for p in inputs]


def _is_paths(documents: object) -> bool:
    """Whether scan's `documents` are input paths (rather than documents in memory)."""
    if isinstance(documents, str | Path):
        return True
    return (
        isinstance(documents, Sequence) and bool(documents) and isinstance(documents[0], str | Path)
    )


def run_options(
    options: RunOptions | None,
    *,
    jobs: int | None,
    on_error: OnError,
    id_field: str,
    text_field: str,
    encoding: str | None,
) -> RunOptions:
    """The run's options: `options` itself, or built from the keyword arguments (not both)."""
    if options is None:
        return RunOptions(id_field, text_field, encoding, on_error, jobs)
    given = (jobs, on_error, id_field, text_field, encoding) != (None, "fail", "id", "text", None)
    if given:
        raise InputError("give either options= or the separate run options, not both.")
    return options


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
    options = RunOptions(id_field, text_field, encoding, on_error)
    for _, record in iter_items(open_readers(_paths(inputs), options.read)):
        if isinstance(record, BadRecord):
            if options.on_error == "fail":
                raise BadRecordError(record.message())
            continue
        yield record


def scan(
    documents: Inputs | Iterable[Document | tuple[str, str]],
    settings: Settings | None = None,
    *,
    options: RunOptions | None = None,
    jobs: int | None = None,
    on_error: OnError = "fail",
    id_field: str = "id",
    text_field: str = "text",
    encoding: str | None = None,
    report: Report | None = None,
    out: str | Path | None = None,
    html_report: str | Path | None = None,
    report_pairs: int = 200,
    matches_file: str | Path | None = None,
) -> ScanResult:
    """Find copies, near-duplicates, contained documents, reused passages and rewrites.

    `documents` is a path, a list of paths, or an iterable of Documents or (id, text) pairs.
    Run options come as `options` (a RunOptions) or as the separate keywords. With `out`, writes
    matches.jsonl (as matches are verified), clusters.jsonl and summary.json into that
    directory; with `matches_file`, only the matches, to that file. Either way `result.matches`
    reads them back from the file instead of holding them in memory. With `html_report`, also
    writes a self-contained HTML report showing up to `report_pairs` pairs side by side. Output
    paths are checked before any reading; a failed run leaves no output behind.
    """
    options = run_options(
        options,
        jobs=jobs,
        on_error=on_error,
        id_field=id_field,
        text_field=text_field,
        encoding=encoding,
    )
    outputs = ScanOutputs(
        Path(out) if out is not None else None,
        Path(html_report) if html_report is not None else None,
        report_pairs,
        Path(matches_file) if matches_file is not None and out is None else None,
    )
    return _scan(documents, settings or Settings(), options, outputs, report)


def _scan(
    documents: Inputs | Iterable[Document | tuple[str, str]],
    settings: Settings,
    options: RunOptions,
    outputs: ScanOutputs,
    report: Report | None,
) -> ScanResult:
    """Read, run every stage, then write every output in one place, while the texts are open."""
    if _is_paths(documents):
        readers = open_readers(_paths(documents), options.read)  # type: ignore[arg-type]
        items = iter_items(readers)
        names = [str(r.path) for r in readers]
    else:
        readers, names = [], []
        items = documents_as_items(documents)  # type: ignore[arg-type]
    created = outputs.check()
    sink = outputs.match_sink()
    try:
        with LocalRun(settings, options, report) as run:
            result = run.run(items, sink, readers, names)
            if sink is not None:
                sink.commit()
            outputs.write(result.clusters, result.summary.to_dict(), result, run.text_of)
    except BaseException:
        if sink is not None:
            sink.discard()
        outputs.abandon(created)
        raise
    return result


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
    options: RunOptions | None = None,
    jobs: int | None = None,
    on_error: OnError = "fail",
    id_field: str = "id",
    text_field: str = "text",
    encoding: str | None = None,
    report: Report | None = None,
    summary: str | Path | None = None,
) -> DedupResult:
    """Write the corpus keeping one document per cluster (its source) and list what was dropped.

    Writes `output`, `dropped_list` (default: output's stem + '.dropped.jsonl') and `summary`
    (default: output's stem + '.summary.json', as scan's summary.json) all together or, when the
    run fails, none of them; their paths are checked before any reading.
    """
    options = run_options(
        options,
        jobs=jobs,
        on_error=on_error,
        id_field=id_field,
        text_field=text_field,
        encoding=encoding,
    )
    paths = _paths(inputs)
    output = Path(output)
    sidecar = Path(dropped_list) if dropped_list is not None else dropped_path_for(output)
    summary_file = Path(summary) if summary is not None else summary_path_for(output)
    _check_dedup_paths(paths, output, sidecar, summary_file)
    # Dedup needs no match in memory: they wait in a temporary file, readable from the result.
    result = _scan(paths, settings or Settings(), options, ScanOutputs(spill=True), report)
    drop = {record_key(d.origin) for d in result.dropped}
    drop |= {record_key(b.origin) for b in result.skipped}
    # WARC records that are not pages (requests, metadata) are copied through as they are.
    passed = sum(result.summary.records.not_documents.values())
    with staged_outputs() as staged:
        written = write_deduplicated(
            paths, output, drop, into=staged.stage(output), encoding=options.encoding
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
        result.summary.dedup = {
            "output": str(output),
            "dropped_list": str(sidecar),
            "kept": written - passed,
            "dropped": len(result.dropped),
            "skipped": len(result.skipped),
            "passed_through": passed,
        }
        write_json(staged.stage(summary_file), result.summary.to_dict())
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
    """Compare two texts exactly (no sketch estimate): relation, scores and aligned passages.

    Posts (texts that begin with an e-mail or news header block) are compared without their
    header block, attribution lines and "-- " signature, as a scan compares them; the spans
    still point into the texts as given. Chrome repeated across a corpus needs a corpus: only
    `scan` finds it."""
    settings = settings or Settings()
    if not settings.keep_boilerplate:
        text_a, text_b = _without_post_parts(text_a), _without_post_parts(text_b)
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


def _without_post_parts(text: str) -> str:
    """A post with its header block, attributions and signature blanked (same length)."""
    parts = message_parts(text)
    if parts is None:
        return text
    runs = parts.ranges
    if not runs or only_blanks(text, runs):
        return text
    return blank(text, runs)
