"""How a Spark run is set up: the session's settings and the engine's own options.

Nothing here imports PySpark, so the command line can offer the options (and check them) on a
machine without it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import click

from copytrace.engines.spark.core import SettingsError

OutputFormat = Literal["jsonl", "parquet"]


@dataclass(frozen=True)
class SparkOptions:
    """The Spark session and how the engine uses it.

    `master` None means: the `spark.master` of the usual Spark configuration (spark-submit,
    spark-defaults.conf) when there is one, else `local[*]` (or `local[jobs]`). `conf` holds any
    other Spark settings; `executor_memory` and `partitions` (shuffle partitions) are shortcuts.
    `verify_rounds` splits verification into rounds, between which pairs already inside a large
    cluster are left out (more rounds: less verification, more jobs); results do not depend on
    it. `broadcast_fingerprints` is the largest table of shared passage fingerprints sent whole
    to every executor, `broadcast_chrome` the most chrome lines; larger ones are joined to the
    documents instead (same results).
    """

    master: str | None = None
    conf: Mapping[str, str] = field(default_factory=dict)
    executor_memory: str | None = None
    partitions: int | None = None
    verify_rounds: int = 1
    broadcast_fingerprints: int = 1 << 24
    broadcast_chrome: int = 1 << 23
    quiet: bool = False

    def __post_init__(self) -> None:
        if self.partitions is not None and not 1 <= self.partitions <= 1_000_000:
            raise SettingsError(
                f"The 'partitions' option must be an int in [1, 1000000]; got {self.partitions}."
            )
        if not 1 <= self.verify_rounds <= 64:
            raise SettingsError(
                f"The 'verify_rounds' option must be an int in [1, 64]; got {self.verify_rounds}."
            )
        for name in ("broadcast_fingerprints", "broadcast_chrome"):
            if getattr(self, name) < 0:
                raise SettingsError(
                    f"The {name!r} option must not be negative; got {getattr(self, name)}."
                )


def parse_conf(pairs: Sequence[str]) -> dict[str, str]:
    """KEY=VALUE strings as a dict; a string without '=' is a usage error."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(
                f"{pair!r} is not KEY=VALUE (e.g. spark.executor.cores=4).",
                param_hint="'--spark-conf'",
            )
        out[key.strip()] = value
    return out


#: The engine options of the command line, by parameter name, and their defaults (a value other
#: than its default needs --engine spark).
ENGINE_DEFAULTS: dict[str, Any] = {
    "master": None,
    "spark_conf": (),
    "executor_memory": None,
    "partitions": None,
    "work_dir": None,
    "verify_rounds": 1,
}


def engine_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options choosing the engine, and the Spark engine's own (scan and dedup)."""
    options = [
        click.option(
            "--engine",
            type=click.Choice(["local", "spark"]),
            default="local",
            show_default=True,
            help='Run on this machine, or as Spark jobs (pip install "copytrace[spark]"; '
            "reads JSON Lines and Parquet).",
        ),
        click.option(
            "--master",
            default=None,
            help="Spark master URL (with --engine spark); default: spark.master of the Spark "
            "configuration, else local[*] (local[JOBS] with --jobs).",
        ),
        click.option(
            "--spark-conf",
            multiple=True,
            metavar="KEY=VALUE",
            help="A Spark setting (with --engine spark); repeat for several.",
        ),
        click.option(
            "--executor-memory",
            default=None,
            help="Memory per Spark executor, e.g. 4g (with --engine spark).",
        ),
        click.option(
            "--partitions",
            type=click.IntRange(min=1),
            default=None,
            help="Spark shuffle partitions (with --engine spark); default: 4 per core in local "
            "mode, else spark.sql.shuffle.partitions.",
        ),
        click.option(
            "--work-dir",
            default=None,
            help="Where the Spark engine keeps its resumable stages (a path or URI); default: "
            "_stages in the output directory.",
        ),
        click.option(
            "--verify-rounds",
            type=click.IntRange(1, 64),
            default=1,
            show_default=True,
            help="Spark verification rounds: later rounds leave out pairs already inside a "
            "cluster of 16 (same results; fewer pairs verified, more jobs).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def format_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """--format of scan's outputs."""
    return click.option(
        "--format",
        "out_format",
        type=click.Choice(["jsonl", "parquet"]),
        default="jsonl",
        show_default=True,
        help="matches and clusters as JSON Lines files, or as Parquet datasets "
        "(--engine spark; for large runs).",
    )(func)


def check_engine_options(kw: Mapping[str, Any]) -> None:
    """Fail with a usage error when a Spark option is given without --engine spark."""
    if kw.get("engine") == "spark":
        return
    given = [name for name, default in ENGINE_DEFAULTS.items() if kw.get(name, default) != default]
    if kw.get("out_format", "jsonl") != "jsonl":
        given.append("format")
    if given:
        flag = "--" + given[0].replace("_", "-")
        raise click.UsageError(f"{flag} applies to --engine spark only.")


def spark_options_from(kw: Mapping[str, Any]) -> SparkOptions:
    """The SparkOptions the command-line options give."""
    return SparkOptions(
        master=kw.get("master"),
        conf=parse_conf(kw.get("spark_conf") or ()),
        executor_memory=kw.get("executor_memory"),
        partitions=kw.get("partitions"),
        verify_rounds=kw.get("verify_rounds") or 1,
        quiet=bool(kw.get("quiet")),
    )
