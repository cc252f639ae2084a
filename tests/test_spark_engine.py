"""The Spark engine's parts on small inputs: components, ranks, inputs, stages, errors, the CLI.

Tests that need Spark share one local[2] session (the `spark` fixture); the others run without.
"""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import copytrace
import copytrace.spark
from copytrace import CopytraceError, MissingDependencyError
from copytrace.cli import main
from copytrace.cluster import connected_components
from copytrace.engines.spark.files import canonical
from copytrace.engines.spark.options import SparkOptions
from copytrace.engines.spark.stages import StageStore
from copytrace.errors import BadRecordError, InputError

DEMO = Path(__file__).resolve().parents[1] / "demo" / "news.jsonl"


# Without Spark ------------------------------------------------------------------------------


def test_without_pyspark_the_api_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real_import = builtins.__import__

    def no_pyspark(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyspark" or name.startswith("pyspark."):
            raise ImportError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyspark)
    with pytest.raises(MissingDependencyError, match=r'pip install "copytrace\[spark\]"'):
        copytrace.spark.scan(DEMO, tmp_path / "out")
    result = CliRunner().invoke(
        main, ["scan", str(DEMO), "--out", str(tmp_path / "o"), "--engine", "spark"]
    )
    assert result.exit_code == 1
    message = "Error: The Spark engine needs PySpark (pyspark is not installed): "
    assert message + 'pip install "copytrace[spark]"' in result.output


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--master", "local[2]"], "--master"),
        (["--format", "parquet"], "--format"),
        (["--spark-conf", "spark.x=1"], "--spark-conf"),
    ],
)
def test_spark_options_need_the_spark_engine(args: list[str], flag: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["scan", str(DEMO), "--out", str(tmp_path), *args])
    assert result.exit_code == 2
    assert f"{flag} applies to --engine spark only." in result.output


def test_spark_conf_must_be_key_value(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["scan", str(DEMO), "--out", str(tmp_path), "--engine", "spark", "--spark-conf", "x"],
    )
    assert result.exit_code == 2
    assert "'x' is not KEY=VALUE" in result.output


def test_spark_dedup_writes_parquet_only(tmp_path: Path) -> None:
    out = tmp_path / "clean.jsonl"
    result = CliRunner().invoke(main, ["dedup", str(DEMO), "-o", str(out), "--engine", "spark"])
    assert result.exit_code == 1
    assert "writes the deduplicated corpus as Parquet; name the output ....parquet" in (
        result.output
    )
    assert not out.exists()


def test_options_are_checked() -> None:
    with pytest.raises(CopytraceError, match="'verify_rounds' option must be an int"):
        SparkOptions(verify_rounds=0)


def test_one_file_has_one_canonical_uri() -> None:
    assert canonical("file:/tmp/a%20b%25c.jsonl") == canonical("file:///tmp/a%20b%25c.jsonl")
    assert canonical("file:/tmp/a%20b.jsonl") != canonical("file:/tmp/a%2520b.jsonl")
    assert canonical("hdfs://nn:8020/x%20y") == "hdfs://nn:8020/x y"


class _MemoryFiles:
    """The part of Files that markers use, in memory."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}

    def read_text(self, path: str) -> str | None:
        found = self.data.get(path)
        return None if found is None else found.decode()

    def write_bytes(self, path: str, data: bytes) -> None:
        self.data[path] = data

    def delete(self, path: str) -> None:
        for key in [k for k in self.data if k == path or k.startswith(path + "/")]:
            del self.data[key]


def test_a_stage_is_reused_only_under_its_identity() -> None:
    files = _MemoryFiles()
    store = StageStore(None, files, "work", "settings-1", "inputs-1")  # type: ignore[arg-type]
    assert store.done("sketches") is None
    store.begin("sketches")
    assert store.done("sketches") is None  # begun, not finished: not done
    store.finish("sketches", {"documents": 3})
    assert store.done("sketches") == {"documents": 3}
    assert store.reused["sketches"] is True
    other_settings = StageStore(None, files, "work", "settings-2", "inputs-1")  # type: ignore[arg-type]
    assert other_settings.done("sketches") is None
    other = StageStore(None, files, "work", "settings-1", "inputs-2")  # type: ignore[arg-type]
    assert other.done("sketches") is None
    assert other.done("candidates") is None
    files.write_bytes("work/candidates/_copytrace_stage.json", b"{not json")
    assert store.done("candidates") is None


# With Spark ---------------------------------------------------------------------------------


def test_components_are_those_of_union_find(spark: Any) -> None:
    rng = np.random.default_rng(7)
    n = 400
    edges = rng.integers(0, n, size=(300, 2))
    # A long path, numbered backwards, takes the most rounds.
    path = np.column_stack([np.arange(1000, 1040)[::-1], np.arange(999, 1039)[::-1]])
    edges = np.concatenate([edges, path])
    from copytrace.engines.spark.components import components

    df = spark.createDataFrame([(int(u), int(v)) for u, v in edges], "u long, v long")
    found = {r["node"]: r["label"] for r in components(df).collect()}
    expected = connected_components(1040, edges)
    nodes = np.unique(edges[edges[:, 0] != edges[:, 1]])
    assert found == {int(x): int(expected[x]) for x in nodes}


def test_ranks_follow_the_order(spark: Any) -> None:
    from copytrace.engines.spark.ranks import ranked

    rng = np.random.default_rng(1)
    values = [(int(a), int(b)) for a, b in rng.integers(0, 50, size=(500, 2))]
    df = spark.createDataFrame(values, "i long, j long").distinct().repartition(5)
    rows = ranked(spark, df, ["i", "j"]).collect()
    got = sorted((r["rank"], r["i"], r["j"]) for r in rows)
    assert [g[0] for g in got] == list(range(len(got)))
    assert [g[1:] for g in got] == sorted(g[1:] for g in got)


def test_a_bad_record_fails_with_the_local_engines_message(spark: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "news.jsonl"
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    corpus.write_text("\n".join([*lines[:2], '{"id": 1, "text": [1]}', *lines[2:]]) + "\n")
    with pytest.raises(BadRecordError) as local:
        copytrace.scan(corpus)
    with pytest.raises(BadRecordError) as spark_error:
        copytrace.spark.scan(corpus, tmp_path / "out")
    assert str(spark_error.value) == str(local.value)
    assert "news.jsonl line 3" in str(local.value)


def test_inputs_are_listed_in_reading_order(spark: Any, tmp_path: Path) -> None:
    from copytrace.engines.spark.files import Files
    from copytrace.engines.spark.inputs import list_inputs

    parts = tmp_path / "dataset"
    parts.mkdir()
    for name in ("part-00001.jsonl", "part-00000.jsonl", "_SUCCESS", "notes.txt"):
        (parts / name).write_text('{"id": "x", "text": "y"}\n')
    files = Files(spark)
    listed, ignored = list_inputs(files, [str(DEMO), str(parts)])
    assert [f.display for f in listed] == [
        str(DEMO),
        str(parts / "part-00000.jsonl"),
        str(parts / "part-00001.jsonl"),
    ]
    assert [f.number for f in listed] == [0, 1, 2] and ignored == 1
    with pytest.raises(InputError, match="no such file or directory"):
        list_inputs(files, [str(tmp_path / "missing.jsonl")])
    with pytest.raises(InputError, match="unsupported input type for --engine spark"):
        list_inputs(files, [str(parts / "notes.txt")])
    with pytest.raises(InputError, match=r"part-00000\.jsonl: read twice"):
        list_inputs(files, [str(parts), str(parts / "part-00000.jsonl")])


def test_parquet_in_parquet_out_through_the_command_line(spark: Any, tmp_path: Path) -> None:
    """Parquet read in several splits (small row groups) gives the local engine's matches."""
    records = [json.loads(line) for line in DEMO.open(encoding="utf-8")]
    source = tmp_path / "news.parquet"
    pq.write_table(pa.Table.from_pylist(records), source, row_group_size=4)
    local = copytrace.scan(source)
    spark.conf.set("spark.sql.files.maxPartitionBytes", "4k")
    try:
        out = tmp_path / "out"
        args = ["scan", str(source), "--out", str(out), "--engine", "spark", "--format", "parquet"]
        result = CliRunner().invoke(main, [*args, "-q"])
    finally:
        spark.conf.set("spark.sql.files.maxPartitionBytes", "1m")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("25 documents: 16 matches (3 exact, 6 near_duplicate")
    assert result.output.rstrip().endswith("matches.parquet, clusters.parquet, summary.json.")
    matches = pq.read_table(out / "matches.parquet").to_pylist()
    assert len(matches) == len(local.matches)
    for row, match in zip(matches, local.matches, strict=True):
        assert (row["a"], row["b"], row["relation"]) == (match.a, match.b, match.relation.value)
        assert row["jaccard"] == match.jaccard and row["source"] == match.source
        assert [s["a_start"] for s in row["spans"]] == [s.a_start for s in match.spans]
    clusters = pq.read_table(out / "clusters.parquet").to_pylist()
    assert [c["members"] for c in clusters] == [
        [{"id": m.id, "relation": m.relation} for m in c.members] for c in local.clusters
    ]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["empty_documents"] == local.summary["empty_documents"]
    assert summary["matches"] == local.summary["matches"]


def test_chrome_and_fingerprints_joined_to_documents_give_the_same(
    spark: Any, tmp_path: Path
) -> None:
    """With nothing sent to every executor (chrome lines and shared fingerprints joined to each
    document instead), Spark still finds what the local engine finds."""
    menu = "Home | World | Business | Sport | Contact us"
    footer = "Copyright the publisher. All rights reserved."
    corpus = tmp_path / "sites.jsonl"
    with corpus.open("w", encoding="utf-8") as fh:
        for k, line in enumerate(DEMO.open(encoding="utf-8")):
            record = json.loads(line)
            record["url"] = f"https://site{k % 2}.example/{record['id']}"
            record["text"] = f"{menu}\n{record['text']}\n{footer}"
            fh.write(json.dumps(record) + "\n")
    local_out = tmp_path / "local"
    local_out.mkdir()
    local = copytrace.scan(corpus, matches_file=local_out / "matches.jsonl")
    assert local.summary["boilerplate"]["lines_marked"] > 0
    assert local.summary["passages"]["fingerprints_shared"] > 0
    options = SparkOptions(broadcast_chrome=0, broadcast_fingerprints=0)
    result = copytrace.spark.scan(corpus, tmp_path / "spark", options=options)
    spark_out = tmp_path / "spark"
    assert (spark_out / "matches.jsonl").read_bytes() == (local_out / "matches.jsonl").read_bytes()
    clusters = [json.loads(line) for line in (spark_out / "clusters.jsonl").open()]
    assert clusters == [c.to_dict() for c in local.clusters]
    for key in ("matches", "boilerplate", "passages", "candidates", "documents"):
        assert result.summary[key] == local.summary[key]


def test_the_master_of_spark_defaults_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from copytrace.engines.spark.session import _defaults_master

    monkeypatch.setenv("SPARK_CONF_DIR", str(tmp_path))
    assert _defaults_master() is None
    (tmp_path / "spark-defaults.conf").write_text(
        "# cluster\nspark.executor.memory 4g\nspark.master   spark://head:7077\n"
    )
    assert _defaults_master() == "spark://head:7077"
