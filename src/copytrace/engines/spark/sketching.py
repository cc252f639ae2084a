"""The sketches stage: records read and numbered, bad ones set aside, chrome blanked, every
document sketched by the local engine's kernel in Arrow batches, exact copies folded onto the
first document with their text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from copytrace.engines.spark.chrome import (
    batch_finder,
    chrome_hits,
    finder_maker,
    marked_keys,
    marked_table,
)
from copytrace.engines.spark.core import (
    LISTED,
    BadRecordError,
    BoilerplateFinder,
    InputError,
    Provenance,
    ReadOptions,
    Settings,
    WordStats,
    blank,
    sketch_batch,
)
from copytrace.engines.spark.inputs import (
    BAD,
    DOCUMENT,
    RUN,
    InputFile,
    empty_file_problems,
    keyed,
    numbering,
    read_parsed,
)
from copytrace.engines.spark.sentences import packed_keys, sampled_word_stats, words_maker
from copytrace.engines.spark.stages import StageStore

STAGE = "sketches"

SKETCH_SCHEMA = pa.schema(
    [
        ("key", pa.int64()),
        ("id", pa.string()),
        ("where", pa.string()),
        ("date", pa.string()),
        ("thread", pa.int64()),
        ("stext", pa.string()),
        ("n_tokens", pa.int32()),
        ("n_shingles", pa.int32()),
        ("span0", pa.int64()),
        ("span1", pa.int64()),
        ("ex0", pa.int64()),
        ("ex1", pa.int64()),
        ("sig", pa.binary()),
        ("fps", pa.binary()),
        ("sks", pa.binary()),
        ("c_lines", pa.int64()),
        ("c_runs", pa.int64()),
        ("c_post", pa.int64()),
        ("c_signature", pa.int64()),
        ("c_attributions", pa.int64()),
        ("c_quoted_signatures", pa.int64()),
    ]
)
SKETCH_DDL = (
    "key long, id string, where string, date string, thread long, stext string, "
    "n_tokens int, n_shingles int, span0 long, span1 long, ex0 long, ex1 long, sig binary, "
    "fps binary, sks binary, c_lines long, c_runs long, c_post long, c_signature long, "
    "c_attributions long, c_quoted_signatures long"
)
CHROME_COUNTS = {
    "line_occurrences_masked": "c_lines",
    "documents_with_boilerplate": "c_runs",
    "posts": "c_post",
    "post_signatures": "c_signature",
    "post_attribution_lines": "c_attributions",
    "post_quoted_signatures": "c_quoted_signatures",
}


def sketch_documents(
    batches: Iterator[pa.RecordBatch],
    settings: Settings,
    finder: Callable[[], BoilerplateFinder] | None,
    words: Callable[[], WordStats] | None = None,
) -> Iterator[pa.RecordBatch]:
    """Executor side: documents to their sketches, their texts as sketched (chrome blanked)
    and what was blanked. Chrome is blanked by `finder`'s marked keys or, when the rows bring
    their own (`chrome`), by those; without either (`keep_boilerplate`) nothing is blanked.
    With `words` (the reworded path), each text as sketched also gets its sentence keys."""
    for batch in batches:
        data = batch.to_pydict()
        texts: list[str] = data["text"]
        n = len(texts)
        counts = np.zeros((n, len(CHROME_COUNTS)), dtype=np.int64)
        if "chrome" in data:
            blanker: BoilerplateFinder | None = batch_finder(data["chrome"], settings)
        else:
            blanker = finder() if finder is not None else None
        if blanker is None:
            masked = texts
        else:
            provenances = [
                Provenance(h, a) for h, a in zip(data["host"], data["author"], strict=True)
            ]
            masked = []
            for k, (text, found) in enumerate(
                zip(texts, blanker.blanks_many(provenances, texts), strict=True)
            ):
                masked.append(blank(text, found.runs))
                counts[k] = (
                    found.lines,
                    bool(found.runs),
                    found.post,
                    found.signature,
                    found.attributions,
                    found.quoted_signatures,
                )
        sk = sketch_batch(masked, settings)
        sigs = np.ascontiguousarray(sk.signatures, dtype=np.uint32)  # low 32 bits, as locally
        exact = sk.exact.view(np.int64)
        fps = [sk.fp_hash[sk.fp_offsets[k] : sk.fp_offsets[k + 1]].tobytes() for k in range(n)]
        sks = packed_keys(masked, words) if words is not None else [b""] * n
        columns: list[Any] = [
            batch.column("key"),
            batch.column("id"),
            batch.column("where"),
            batch.column("date"),
            batch.column("thread"),
            pa.array(masked, pa.string()),
            pa.array(sk.n_tokens.astype(np.int32)),
            pa.array(sk.n_shingles.astype(np.int32)),
            pa.array(sk.text_span[:, 0]),
            pa.array(sk.text_span[:, 1]),
            pa.array(exact[:, 0]),
            pa.array(exact[:, 1]),
            pa.array([row.tobytes() for row in sigs], pa.binary()),
            pa.array(fps, pa.binary()),
            pa.array(sks, pa.binary()),
            *(pa.array(counts[:, c]) for c in range(len(CHROME_COUNTS))),
        ]
        yield pa.RecordBatch.from_arrays(columns, schema=SKETCH_SCHEMA)


@dataclass(frozen=True)
class SketchStage:
    """What the sketches stage gives: the documents (keyed, sketched, exact copies pointing at
    their first copy in `rep`), the bad records, and the counts for the summary."""

    docs: DataFrame
    bad: DataFrame
    counts: dict[str, Any]


def _first_bad(bad: DataFrame) -> str | None:
    first = bad.orderBy("key").select("where", "reason").limit(1).collect()
    return f"{first[0][0]}: {first[0][1]}" if first else None


def _listed(df: DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    return [row.asDict() for row in df.orderBy("key").select(*columns).limit(LISTED).collect()]


def run_sketches(
    spark: SparkSession,
    store: StageStore,
    files: list[InputFile],
    options: ReadOptions,
    settings: Settings,
    on_error: str,
    describe: Callable[[str], None],
    broadcast_chrome: int,
) -> SketchStage:
    """Read, check, blank and sketch every document (or reuse an earlier run's stage); chrome
    lines are sent to every executor up to `broadcast_chrome` of them."""
    counts = store.done(STAGE)
    if counts is not None:
        return SketchStage(store.read(STAGE, "docs"), store.read(STAGE, "bad"), counts)
    store.begin(STAGE)
    describe("sketches: reading")
    parsed = store.write(STAGE, "parsed", read_parsed(spark, files, options, settings))
    runs = parsed.where(F.col("kind") == RUN).select("fp", "bs", "lines", "records").collect()
    plan = numbering([tuple(r) for r in runs], files)
    if plan.records == 0:
        raise InputError(
            f"{', '.join(f.display for f in files)}: no documents (the input is empty)."
        )
    rows = keyed(spark, parsed, plan)
    read_docs = rows.where(F.col("kind") == DOCUMENT)
    # A document whose id an earlier one has is a bad record, as in the local engine; ids
    # are compared without moving texts.
    first = Window.partitionBy("id").orderBy("key")
    ids = read_docs.select("key", "id", "where")
    duplicates = (
        ids.withColumn("first_where", F.first("where").over(first))
        .withColumn("first_key", F.first("key").over(first))
        .where(F.col("key") != F.col("first_key"))
        .select(
            "key",
            "where",
            F.lit(BAD).cast("byte").alias("kind"),
            F.format_string('duplicate id "%s" (first at %s).', "id", "first_where").alias(
                "reason"
            ),
        )
    )
    bad = (
        rows.where(F.col("kind") == BAD)
        .select("key", "where", "kind", "reason")
        .unionByName(duplicates)
        .unionByName(empty_file_problems(spark, plan))
    )
    bad = store.write(STAGE, "bad", bad)
    if on_error == "fail":
        problem = _first_bad(bad)
        if problem is not None:
            raise BadRecordError(problem)
    accepted = read_docs.join(bad.select("key"), "key", "left_anti")
    finder = None
    n_marked = 0
    columns = ["key", "id", "where", "date", "thread", "text", "host", "author"]
    if not settings.keep_boilerplate:
        describe("sketches: counting chrome lines")
        marked = store.write(STAGE, "chrome", marked_table(accepted, settings))
        n_marked = marked.count()
        if n_marked <= broadcast_chrome:
            keys = marked_keys(marked)
            finder = finder_maker(spark.sparkContext.broadcast(keys), settings)
        else:  # too many to send everywhere: each document gets its own
            accepted = accepted.join(chrome_hits(accepted, marked), "key", "left")
            columns.append("chrome")
    words = None
    if settings.passages and settings.reworded_candidates:
        describe("sketches: counting words for sentence keys")
        words = words_maker(spark, sampled_word_stats(spark, accepted))
    describe("sketches: sketching")
    sketched = accepted.select(*columns).mapInArrow(
        partial(sketch_documents, settings=settings, finder=finder, words=words), SKETCH_DDL
    )
    # An exact copy points at the first document with its normalized text (empty ones at
    # themselves); signatures and fingerprints are kept for those first documents only.
    same = Window.partitionBy("ex0", "ex1")
    rep = F.when(F.col("n_tokens") > 0, F.min("key").over(same)).otherwise(F.col("key"))
    is_rep = (F.col("rep") == F.col("key")) & (F.col("n_tokens") > 0)
    docs = (
        sketched.withColumn("rep", rep)
        .withColumn("sig", F.when(is_rep, F.col("sig")))
        .withColumn("fps", F.when(is_rep, F.col("fps")))
        .withColumn("sks", F.when(is_rep, F.col("sks")))
    )
    docs = store.write(STAGE, "docs", docs)
    totals = docs.agg(
        F.count("*").alias("documents"),
        F.sum(F.when(F.col("n_tokens") > 0, 1).otherwise(0)).alias("nonempty"),
        *(F.sum(c).alias(name) for name, c in CHROME_COUNTS.items()),
    ).first()
    assert totals is not None
    kinds: dict[int, int] = {r[0]: r[1] for r in parsed.groupBy("kind").count().collect()}
    counts = {
        "records": plan.records,
        "documents": int(totals["documents"]),
        "skipped": bad.count(),
        "nonempty": int(totals["nonempty"] or 0),
        "read_as_documents": int(kinds.get(DOCUMENT, 0)),
        "chrome": {name: int(totals[name] or 0) for name in CHROME_COUNTS},
        "lines_marked": n_marked,
        "skipped_records": _listed(bad, ["where", "reason"]),
        "empty_documents": _listed(docs.where(F.col("n_tokens") == 0), ["id", "where"]),
    }
    store.files.delete(store.path(STAGE, "parsed"))
    store.files.delete(store.path(STAGE, "chrome"))
    store.finish(STAGE, counts)
    return SketchStage(docs, store.read(STAGE, "bad"), counts)
