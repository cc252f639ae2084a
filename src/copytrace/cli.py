"""The command line: copytrace scan | dedup | compare | index | serve.

Errors a user can fix print one line, `Error: ...`, and exit 1; bad usage exits 2.
"""

from __future__ import annotations

import functools
import os
import re
import signal
import sys
from collections.abc import Callable
from dataclasses import Field, fields
from pathlib import Path
from typing import Any, NoReturn

import click

from copytrace._version import __version__
from copytrace.api import compare as compare_texts
from copytrace.api import dedup as dedup_corpus
from copytrace.api import scan as scan_corpus
from copytrace.engines.kernels import ensure_kernels
from copytrace.engines.local.run import Report, jobs_used_for, set_jobs
from copytrace.engines.spark.options import check_engine_options, engine_options, format_option
from copytrace.engines.startup import keep_freed_memory, leave, skip_blas_probe
from copytrace.errors import BadRecordError, CopytraceError, InputError, SettingsError
from copytrace.io.base import BadRecord, ReadOptions
from copytrace.io.encoding import codec_name, decode_bytes
from copytrace.io.inputs import input_kind
from copytrace.io.textdir import TextFileReader
from copytrace.model import INDEX_DEFAULTS, Settings
from copytrace.pipeline import RunOptions


def _setting_option(f: Field[Any], default: Any) -> Callable[..., Any]:
    """The click option of one Settings field, made from its metadata (`model.setting`)."""
    meta, flag = f.metadata, "--" + f.name.replace("_", "-")
    kind = meta["kind"]
    if kind is bool:
        decls = [f"{flag}/--no-{flag[2:]}"] if f.default else [flag]
        return click.option(*decls, f.name, default=default, show_default=True, help=meta["help"])
    if kind is int:
        kind = click.IntRange(meta["low"], meta["high"])
    elif kind is float:
        kind = click.FloatRange(meta["low"], meta["high"])
    return click.option(
        flag,
        f.name,
        type=kind,
        default=default,
        show_default=default is not None,
        help=meta["help"],
    )


def _settings_options(
    func: Callable[..., Any], *, corpus: bool = True, defaults: dict[str, Any] | None = None
) -> Callable[..., Any]:
    """Options that build Settings, one per field that is an option: all of them for scan and
    dedup; for compare (`corpus=False`) only those that change how two texts are compared.
    `defaults` replaces some fields' defaults (the index's, `model.INDEX_DEFAULTS`)."""
    given = defaults or {}
    for f in reversed(fields(Settings)):
        if f.metadata["option"] and (corpus or f.metadata["compare"]):
            func = _setting_option(f, given.get(f.name, f.default))(func)
    return func


def _index_settings_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The settings options of the index commands, with the index's defaults."""
    return _settings_options(func, defaults=INDEX_DEFAULTS)


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


_SETTING_IN_MESSAGE = re.compile(r"^The '(\w+)'(?: and '(\w+)')?(?: x '(\w+)')? setting")


def _make_settings(kw: dict[str, Any]) -> Settings:
    """Settings from the options; a value out of range is a usage error naming its option."""
    given = {f.name: kw[f.name] for f in fields(Settings) if f.name in kw}
    try:
        return Settings(**given)
    except SettingsError as exc:
        found = _SETTING_IN_MESSAGE.match(str(exc))
        names = [n for n in (found.groups() if found else ()) if n]
        hint = " / ".join(f"'--{n.replace('_', '-')}'" for n in names) or None
        raise click.BadParameter(str(exc), param_hint=hint) from None


def _run_options(kw: dict[str, Any]) -> RunOptions:
    """The read and run options of scan and dedup, built once."""
    return RunOptions(kw["id_field"], kw["text_field"], kw["encoding"], kw["on_error"], kw["jobs"])


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
    skip_blas_probe()
    keep_freed_memory()


def command() -> None:
    """The `copytrace` command: `main`, then an exit without the interpreter's tear-down
    (`engines.startup.leave`)."""
    try:
        main()
    except SystemExit as exc:
        leave(exc.code)
    leave(0)


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
    settings, options = _make_settings(kw), _run_options(kw)
    check_engine_options(kw)
    if kw["engine"] == "spark":
        from copytrace.engines.spark.command import spark_scan

        done = spark_scan(list(inputs), out, html_report, settings, kw)
        _warn_about(done.summary, Path(done.summary_path))
        click.echo(done.message)
        return
    for path in inputs:
        input_kind(path)  # a bad input path fails before anything is written
    with _Progress(kw["quiet"]) as report:
        result = scan_corpus(
            list(inputs),
            settings,
            options=options,
            report=report,
            out=out,
            html_report=html_report,
            report_pairs=report_pairs,
        )
    _warn_about(result.summary.to_dict(), out / "summary.json")
    s = result.summary
    rel = ", ".join(f"{v} {k}" for k, v in s.matches.items() if v)
    report_note = f" and {html_report}" if html_report is not None else ""
    click.echo(
        f"{s.records.documents} documents: {len(result.matches)} matches "
        f"({rel or 'none'}), {s.documents.clusters} clusters. Wrote {out}/matches.jsonl, "
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
    settings, options = _make_settings(kw), _run_options(kw)
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
            list(inputs), output, settings, dropped_list=dropped, options=options, report=report
        )
    summary_path = res.summary if res.summary is not None else output
    _warn_about(res.scan.summary.to_dict(), summary_path)
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
        from copytrace.report.terminal import show_passages  # rich: loaded only to show

        show_passages(text_a, text_b, c.spans, str(file_a), str(file_b))


def _explicit_settings(ctx: click.Context, kw: dict[str, Any]) -> dict[str, Any]:
    """The settings options given on the command line (checked), by setting name."""
    _make_settings(kw)  # a value out of range is a usage error naming its option
    default = click.core.ParameterSource.DEFAULT
    names = (f.name for f in fields(Settings))
    return {n: kw[n] for n in names if n in kw and ctx.get_parameter_source(n) != default}


@main.group()
def index() -> None:
    """A persistent index (one SQLite file): add documents once, then ask of each new text
    whether it was seen before."""


def _compile_then_set_jobs(jobs: int, quiet: bool) -> None:
    """Compile the kernels on a first run (visibly, on `jobs` cores), then start the threads:
    once numba's threads run, this process can no longer fork workers to compile in."""
    with _Progress(quiet) as report:
        ensure_kernels(jobs_used_for(jobs), report)
    set_jobs(jobs)


@index.command("add")
@click.argument("index_path", metavar="INDEX", type=click.Path(path_type=Path))
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--no-replace",
    is_flag=True,
    help="Keep an indexed document whose id comes again with another text (count it skipped).",
)
@_input_options
@_index_settings_options
@click.pass_context
@_friendly
def index_add(
    ctx: click.Context, index_path: Path, inputs: tuple[Path, ...], no_replace: bool, **kw: Any
) -> None:
    """Add the documents of INPUTS to INDEX (created when missing, with the settings given).

    Same id and text: unchanged; same id with another text: replaced (or skipped with
    --no-replace). An existing index keeps its settings; other settings are refused.
    """
    from copytrace.index.commands import add, index_settings

    settings = index_settings(index_path, _explicit_settings(ctx, kw))
    _compile_then_set_jobs(kw["jobs"], kw["quiet"])
    result, stats = add(
        index_path,
        list(inputs),
        settings,
        replace=not no_replace,
        on_error=kw["on_error"],
        id_field=kw["id_field"],
        text_field=kw["text_field"],
        encoding=kw["encoding"],
    )
    for row in result.skipped_records[:5]:
        click.echo(f"Skipped: {row['where']}: {row['reason']}", err=True)
    click.echo(
        f"{index_path}: added {result.added}, unchanged {result.unchanged}, replaced "
        f"{result.replaced}, skipped {result.skipped} ({stats['documents']} documents in the "
        f"index, {result.seconds:.1f} s)."
    )


@index.command("query")
@click.argument("index_path", metavar="INDEX", type=click.Path(path_type=Path))
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "-o",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="Directory for matches.jsonl (a: the queried document, b: the indexed one) and "
    "summary.json.",
)
@click.option("--add", "add_too", is_flag=True, help="Add each document after querying it.")
@click.option("--no-replace", is_flag=True, help="With --add: keep indexed versions.")
@_input_options
@_index_settings_options
@click.pass_context
@_friendly
def index_query(
    ctx: click.Context,
    index_path: Path,
    inputs: tuple[Path, ...],
    out: Path,
    add_too: bool,
    no_replace: bool,
    **kw: Any,
) -> None:
    """Find what the documents of INPUTS match in INDEX; write matches and a summary to --out."""
    from copytrace.index.commands import index_settings, query

    settings = index_settings(index_path, _explicit_settings(ctx, kw))
    _compile_then_set_jobs(kw["jobs"], kw["quiet"])
    summary = query(
        index_path,
        list(inputs),
        out,
        settings,
        add=add_too,
        replace=not no_replace,
        on_error=kw["on_error"],
        id_field=kw["id_field"],
        text_field=kw["text_field"],
        encoding=kw["encoding"],
    )
    rel = ", ".join(f"{v} {k}" for k, v in summary["matches"].items() if v)
    added = summary["added"]
    note = f"; added {added['added']}, replaced {added['replaced']}" if added else ""
    click.echo(
        f"{summary['documents']['queried']} documents queried: {sum(summary['matches'].values())}"
        f" matches ({rel or 'none'}){note}. Wrote {out}/matches.jsonl and summary.json."
    )


@index.command("remove")
@click.argument("index_path", metavar="INDEX", type=click.Path(path_type=Path))
@click.argument("ids", nargs=-1, required=True)
@_friendly
def index_remove(index_path: Path, ids: tuple[str, ...]) -> None:
    """Remove the documents with these IDS from INDEX."""
    from copytrace.index import Index

    with Index(index_path, create=False) as ix:
        removed, missing = ix.remove(ids)
    gone = f"; not in the index: {', '.join(missing)}" if missing else ""
    click.echo(f"{index_path}: removed {len(removed)}{gone}.")


@index.command("stats")
@click.argument("index_path", metavar="INDEX", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@click.option("--check", is_flag=True, help="Also check the index's consistency (slow).")
@_friendly
def index_stats(index_path: Path, as_json: bool, check: bool) -> None:
    """Documents, size on disk, settings and versions of INDEX."""
    import json

    from copytrace.index import Index
    from copytrace.index.commands import describe_stats

    with Index(index_path, create=False) as ix:
        stats = ix.stats()
        if check:
            stats["problems"] = ix.check()
    if as_json:
        click.echo(json.dumps(stats, indent=2))
    else:
        for line in describe_stats(stats):
            click.echo(line)
        if check:
            click.echo(f"check:            {'; '.join(stats['problems']) or 'ok'}")
    if check and stats["problems"]:
        sys.exit(1)


@main.command()
@click.argument("index_path", metavar="INDEX", type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--token-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="File holding the token that writes (adding, deleting) must send as "
    "'Authorization: Bearer TOKEN'.",
)
@click.option(
    "--max-request-mb",
    type=click.FloatRange(min=0.01),
    default=16.0,
    show_default=True,
    help="Largest request body accepted.",
)
@_friendly
def serve(
    index_path: Path, host: str, port: int, token_file: Path | None, max_request_mb: float
) -> None:
    """Serve INDEX over HTTP: a JSON API (OpenAPI at /openapi.json) and a web page at /."""
    from copytrace.service.server import run

    def compile_kernels() -> None:
        """A first run compiles the kernels here, visibly, on all cores."""
        with _Progress(quiet=False) as report:
            ensure_kernels(jobs_used_for(None), report)

    run(
        index_path,
        host=host,
        port=port,
        token_file=token_file,
        max_request_mb=max_request_mb,
        prepare=compile_kernels,
    )
