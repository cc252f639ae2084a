"""The command line: copytrace scan | dedup | compare.

Errors a user can fix print one line, `Error: ...`, and exit 1; bad usage exits 2.
"""

from __future__ import annotations

import functools
import os
import re
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from copytrace import __version__
from copytrace.api import compare as compare_texts
from copytrace.api import dedup as dedup_corpus
from copytrace.api import scan as scan_corpus
from copytrace.engines.kernels import ensure_kernels
from copytrace.engines.local import Report, jobs_used_for
from copytrace.engines.spark.options import check_engine_options, engine_options, format_option
from copytrace.errors import BadRecordError, CopytraceError, InputError, SettingsError
from copytrace.io.base import BadRecord, ReadOptions
from copytrace.io.encoding import codec_name, decode_bytes
from copytrace.io.inputs import input_kind
from copytrace.io.outputs import check_output_path, remove_if_empty
from copytrace.io.results import prepare_out_dir, write_scan
from copytrace.io.textdir import TextFileReader
from copytrace.model import Settings
from copytrace.report.terminal import show_passages


def _settings_options(func: Callable[..., Any], *, corpus: bool = True) -> Callable[..., Any]:
    """Options that build Settings: all of them for scan and dedup; for compare (`corpus=False`)
    only those that change how two texts are compared (not sketching, LSH or boilerplate)."""
    d = Settings()
    options = [
        click.option(
            "--threshold",
            type=float,
            default=d.threshold,
            show_default=True,
            help="Jaccard similarity of shingle sets for near_duplicate.",
        ),
        click.option(
            "--containment",
            type=float,
            default=d.containment,
            show_default=True,
            help="Share of the smaller document's shingles found in the larger, for contained.",
        ),
        click.option(
            "--min-length-ratio",
            type=float,
            default=d.min_length_ratio,
            show_default=True,
            help="Shortest contained/container length ratio that candidate "
            "generation guarantees recall for.",
        ),
        click.option(
            "--shingle-size",
            type=int,
            default=d.shingle_size,
            show_default=True,
            help="Tokens per shingle.",
        ),
        click.option(
            "--num-perm",
            type=int,
            default=d.num_perm,
            show_default=True,
            help="MinHash signature length.",
        ),
        click.option(
            "--seed",
            type=int,
            default=d.seed,
            show_default=True,
            help="Hash seed; equal settings give identical sketches.",
        ),
        click.option(
            "--bands",
            type=int,
            default=None,
            help="LSH bands (with --rows); default: derived from the thresholds.",
        ),
        click.option("--rows", type=int, default=None, help="LSH rows per band (with --bands)."),
        click.option(
            "--passages/--no-passages",
            default=d.passages,
            show_default=True,
            help="Find reused passages and rewrites too (off: whole-document relations only).",
        ),
        click.option(
            "--passage-min-tokens",
            type=int,
            default=d.passage_min_tokens,
            show_default=True,
            help="Shortest aligned passage, in tokens, that makes passage_reuse.",
        ),
        click.option(
            "--rewrite-similarity",
            type=float,
            default=d.rewrite_similarity,
            show_default=True,
            help="Passages less similar than this (token Dice) are a rewrite, not a reuse.",
        ),
        click.option(
            "--rewrite-min-tokens",
            type=int,
            default=d.rewrite_min_tokens,
            show_default=True,
            help="Shortest reworded passage (below --rewrite-similarity), in tokens, to report.",
        ),
        click.option(
            "--align-gap",
            type=int,
            default=d.align_gap,
            show_default=True,
            help="Tokens of unmatched text an aligned passage may bridge.",
        ),
        click.option(
            "--winnow-window",
            type=int,
            default=d.winnow_window,
            show_default=True,
            help="Winnowing window: shared runs of window + shingle size - 1 tokens are "
            "always seen.",
        ),
        click.option(
            "--max-fingerprint-df",
            type=int,
            default=d.max_fingerprint_df,
            show_default=True,
            help="Passage fingerprints in more documents than this (boilerplate) make no "
            "candidates.",
        ),
        click.option(
            "--keep-boilerplate",
            is_flag=True,
            help="Sketch repeated page chrome too (by default lines repeated across many "
            "documents of a host are left out).",
        ),
        click.option(
            "--boilerplate-min-docs",
            type=int,
            default=d.boilerplate_min_docs,
            show_default=True,
            help="A line in at least this many documents of a host is boilerplate.",
        ),
        click.option(
            "--max-bucket",
            type=int,
            default=d.max_bucket,
            show_default=True,
            help="LSH buckets larger than this link members to one head, not all pairs.",
        ),
    ]
    if not corpus:
        options = [o for o in options if _option_name(o) in COMPARE_SETTINGS]
    for option in reversed(options):
        func = option(func)
    return func


#: The settings that change what `compare` says about two texts.
COMPARE_SETTINGS = frozenset(
    {
        "threshold",
        "containment",
        "shingle_size",
        "passages",
        "passage_min_tokens",
        "rewrite_similarity",
        "rewrite_min_tokens",
        "align_gap",
    }
)


def _option_name(decorator: Callable[..., Any]) -> str:
    """The parameter name of a click.option decorator (by applying it to a dummy command)."""

    def dummy() -> None:
        """A function to hang the option on."""

    decorator(dummy)
    params = getattr(dummy, "__click_params__", [])
    return str(params[-1].name) if params else ""


def _compare_settings_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The settings options that apply to compare."""
    return _settings_options(func, corpus=False)


def _check_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """The canonical codec name of --encoding, or a usage error for an unknown encoding."""
    if value is None:
        return None
    name = codec_name(value)
    if name is None:
        raise click.BadParameter(
            f"unknown encoding {value!r} (names such as utf-8, cp1252, latin-1, gb18030, "
            "shift_jis)."
        )
    return name


def _encoding_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """--encoding, for every command that reads files."""
    return click.option(
        "--encoding",
        default=None,
        callback=_check_encoding,
        help="Encoding of text, HTML and CSV files (e.g. cp1252, latin-1, gb18030, shift_jis); "
        "default: detected per file (a byte-order mark, an HTML page's declared charset, UTF-8, "
        "else a guess). JSON Lines are always UTF-8.",
    )(func)


def _input_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options about reading inputs and running, shared by scan and dedup."""
    options = [
        click.option(
            "--id-field",
            default="id",
            show_default=True,
            help="Record field holding the document id (JSONL, Parquet, CSV).",
        ),
        click.option(
            "--text-field",
            default="text",
            show_default=True,
            help="Record field holding the document text (JSONL, Parquet, CSV).",
        ),
        click.option(
            "--on-error",
            type=click.Choice(["fail", "skip"]),
            default="fail",
            show_default=True,
            help="On a bad record: stop with its location, or skip it and list it in the summary.",
        ),
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(min=0),
            default=0,
            help="Cores to use (sketching threads, verifying processes); 0 means all.",
        ),
        click.option("--quiet", "-q", is_flag=True, help="No progress display."),
    ]
    func = _encoding_option(func)
    for option in reversed(options):
        func = option(func)
    return func


#: Settings given on the command line, by their option's parameter name.
_SETTING_NAMES = (
    "threshold",
    "containment",
    "min_length_ratio",
    "shingle_size",
    "num_perm",
    "seed",
    "bands",
    "rows",
    "max_bucket",
    "passages",
    "passage_min_tokens",
    "rewrite_similarity",
    "rewrite_min_tokens",
    "align_gap",
    "winnow_window",
    "max_fingerprint_df",
    "keep_boilerplate",
    "boilerplate_min_docs",
)
_SETTING_IN_MESSAGE = re.compile(r"^The '(\w+)'(?: and '(\w+)')?(?: x '(\w+)')? setting")


def _make_settings(kw: dict[str, Any]) -> Settings:
    """Settings from the options; a value out of range is a usage error naming its option."""
    given = {name: kw[name] for name in _SETTING_NAMES if name in kw}
    try:
        return Settings(**given)
    except SettingsError as exc:
        found = _SETTING_IN_MESSAGE.match(str(exc))
        names = [n for n in (found.groups() if found else ()) if n]
        hint = " / ".join(f"'--{n.replace('_', '-')}'" for n in names) or None
        raise click.BadParameter(str(exc), param_hint=hint) from None


def _friendly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn copytrace's own errors into one line on stderr and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BrokenPipeError:
            _exit_on_closed_pipe()
        except BadRecordError as exc:
            click.echo(f"Error: {exc.detail} (--on-error skip skips bad records.)", err=True)
            sys.exit(1)
        except CopytraceError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"Error: {where}{exc.strerror or exc}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)

    return wrapper


def _exit_on_closed_pipe() -> NoReturn:
    """Leave quietly when whoever reads our output has gone (`copytrace compare a b | head -1`).

    Like other command-line tools, killed by SIGPIPE: no message, exit status 128 + 13.
    Standard output goes to /dev/null first, so that Python's flush at exit cannot fail again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (as under a test runner)
        pass
    sys.exit(128 + signal.SIGPIPE)


class _Progress:
    """A progress display on stderr, only when stderr is a terminal and not --quiet."""

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> Report | None:
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._progress.start()
        return self.report

    def report(self, stage: str, done: int, total: int | None) -> None:
        """Show how far a stage is (called by the engine)."""
        label = {
            "compile": "compiling kernels (once per install)",
            "read": "reading",
            "verify": "verifying candidates",
        }[stage]
        if stage not in self._tasks:
            self._tasks[stage] = self._progress.add_task(label, total=total)
        self._progress.update(self._tasks[stage], completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


def _warn_about(summary: dict[str, Any], summary_path: Path) -> None:
    skipped = summary["records"]["skipped"]
    if skipped:
        first = summary["skipped_records"][0]
        click.echo(
            f"Warning: skipped {skipped} bad record(s); first: {first['where']}: "
            f"{first['reason']} (all are listed in {summary_path})",
            err=True,
        )
    empty = summary["documents"]["empty"]
    if empty:
        first = summary["empty_documents"][0]
        click.echo(
            f"Warning: {empty} document(s) have no words and were not compared; "
            f"first: {first['where']} (id {first['id']}).",
            err=True,
        )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="copytrace")
def main() -> None:
    """copytrace finds where text was copied: exact copies, near-duplicates, truncated reprints,
    reused passages and rewrites, with scores and aligned passages at character offsets."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "-o",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="Directory for matches.jsonl, clusters.jsonl and summary.json.",
)
@click.option(
    "--report",
    "html_report",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write a self-contained HTML report (clusters, pairs side by side, histogram).",
)
@click.option(
    "--report-pairs",
    type=click.IntRange(min=0),
    default=200,
    show_default=True,
    help="Pairs shown side by side in the HTML report.",
)
@format_option
@_input_options
@engine_options
@_settings_options
@_friendly
def scan(
    inputs: tuple[Path, ...], out: Path, html_report: Path | None, report_pairs: int, **kw: Any
) -> None:
    """Find related documents in INPUTS and write matches, clusters and a summary to --out.

    INPUTS are directories of .txt and .html files, WARC archives (.warc, .warc.gz), JSON Lines
    (.jsonl, .jsonl.gz, .jsonl.zst), Parquet or CSV files; with --engine spark, JSON Lines and
    Parquet paths or URIs that Spark reads.
    """
    settings = _make_settings(kw)
    check_engine_options(kw)
    if kw["engine"] == "spark":
        from copytrace.engines.spark.command import spark_scan

        done = spark_scan(list(inputs), out, html_report, settings, kw)
        _warn_about(done.summary, Path(done.summary_path))
        click.echo(done.message)
        return
    for path in inputs:
        input_kind(path)  # a bad input path fails before anything is written
    # Unusable outputs fail before the work, not after it.
    if html_report is not None:
        check_output_path(html_report, "--report")
    created = prepare_out_dir(out)
    try:
        with _Progress(kw["quiet"]) as report:
            result = scan_corpus(
                list(inputs),
                settings,
                jobs=kw["jobs"],
                on_error=kw["on_error"],
                id_field=kw["id_field"],
                text_field=kw["text_field"],
                report=report,
                html_report=html_report,
                report_pairs=report_pairs,
                matches_file=out / "matches.jsonl",  # streamed as verified, not held in memory
                encoding=kw["encoding"],
            )
        result.summary["inputs"] = [str(p) for p in inputs]
        write_scan(out, result.matches, result.clusters, result.summary)
    except BaseException:
        remove_if_empty(created)  # a failed run leaves no empty --out behind
        raise
    _warn_about(result.summary, out / "summary.json")
    s = result.summary
    rel = ", ".join(f"{v} {k}" for k, v in s["matches"].items() if v)
    report_note = f" and {html_report}" if html_report is not None else ""
    click.echo(
        f"{s['records']['documents']} documents: {len(result.matches)} matches "
        f"({rel or 'none'}), {s['clusters']} clusters. Wrote {out}/matches.jsonl, "
        f"clusters.jsonl, summary.json{report_note}."
    )


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--output",
    "-o",
    "output",
    required=True,
    type=click.Path(path_type=Path),
    help="Deduplicated corpus, in the input's format (a directory for .txt inputs).",
)
@click.option(
    "--dropped",
    type=click.Path(path_type=Path),
    default=None,
    help="Where to list dropped ids [default: OUTPUT's stem + .dropped.jsonl].",
)
@_input_options
@engine_options
@_settings_options
@_friendly
def dedup(inputs: tuple[Path, ...], output: Path, dropped: Path | None, **kw: Any) -> None:
    """Write INPUTS keeping one document per cluster (its source); list the dropped ones.

    Writes OUTPUT, the list of dropped documents and a summary (OUTPUT's stem + .summary.json,
    as scan's summary.json) together, or none of them when the run fails. With --engine spark,
    OUTPUT is a Parquet dataset (a name ending in .parquet).
    """
    settings = _make_settings(kw)
    check_engine_options(kw)
    if kw["engine"] == "spark":
        from copytrace.engines.spark.command import spark_dedup

        done = spark_dedup(list(inputs), output, dropped, settings, kw)
        _warn_about(done.summary, Path(done.summary_path))
        click.echo(done.message)
        return
    for path in inputs:
        input_kind(path)
    with _Progress(kw["quiet"]) as report:
        res = dedup_corpus(
            list(inputs),
            output,
            settings,
            dropped_list=dropped,
            jobs=kw["jobs"],
            on_error=kw["on_error"],
            id_field=kw["id_field"],
            text_field=kw["text_field"],
            report=report,
            encoding=kw["encoding"],
        )
    assert res.summary is not None
    _warn_about(res.scan.summary, res.summary)
    total = res.kept + res.dropped + res.skipped + res.passed_through
    other = f", passed {res.passed_through} non-page records through" if res.passed_through else ""
    click.echo(
        f"{total} records: kept {res.kept}, dropped {res.dropped} duplicates, "
        f"skipped {res.skipped} bad{other}. Wrote {res.output}, {res.dropped_list} and "
        f"{res.summary}."
    )


def _read_one(path: Path, encoding: str | None) -> str:
    if str(path) == "-":
        data = sys.stdin.buffer.read()
        found = decode_bytes(data, encoding)
        if isinstance(found, str):
            raise InputError(f"standard input: {found}")
        return found.text
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    for _, record in TextFileReader(path, ReadOptions(encoding=encoding)):
        if isinstance(record, BadRecord):
            raise InputError(record.message())
        return record.text
    raise InputError(f"{path}: unreadable.")


@main.command()
@click.argument("file_a", type=click.Path(path_type=Path))
@click.argument("file_b", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@_encoding_option
@_compare_settings_options
@_friendly
def compare(file_a: Path, file_b: Path, as_json: bool, **kw: Any) -> None:
    """Say how two text files relate: exact scores and the aligned passages side by side.

    On a terminal the words that differ are highlighted; otherwise they are marked
    [-only in A-]{+only in B+}.
    """
    settings = _make_settings(kw)
    text_a, text_b = _read_one(file_a, kw["encoding"]), _read_one(file_b, kw["encoding"])
    with _Progress(quiet=False) as report:
        ensure_kernels(jobs_used_for(None), report)  # a first run compiles them on all cores
    c = compare_texts(text_a, text_b, settings)
    if as_json:
        import json

        click.echo(
            json.dumps(
                {
                    "a": str(file_a),
                    "b": str(file_b),
                    "relation": c.relation.value if c.relation else None,
                    "jaccard": round(c.jaccard, 4),
                    "containment_a_in_b": round(c.containment_a_in_b, 4),
                    "containment_b_in_a": round(c.containment_b_in_a, 4),
                    "spans": [s.to_dict() for s in c.spans],
                }
            )
        )
        return
    relation = c.relation.value if c.relation else "none"
    click.echo(f"relation:            {relation}")
    click.echo(f"jaccard:             {c.jaccard:.4f}")
    click.echo(f"containment A in B:  {c.containment_a_in_b:.4f}")
    click.echo(f"containment B in A:  {c.containment_b_in_a:.4f}")
    if c.spans:
        show_passages(text_a, text_b, c.spans, str(file_a), str(file_b))
