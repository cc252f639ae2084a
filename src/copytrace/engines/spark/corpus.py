"""The deduplicated corpus of a Spark run, written as Parquet by the executors.

Every record is kept but cluster members other than the source and bad records, in reading
order. Parquet inputs keep their columns; JSON Lines records become columns of the schema Spark
infers from the input files.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from copytrace.engines.spark.core import InputError
from copytrace.engines.spark.inputs import InputFile, keyed_lines, keyed_rows


def kept_records(spark: SparkSession, files: list[InputFile], drop: DataFrame) -> DataFrame:
    """The records of the input files whose keys are not in `drop` (key), in reading order."""
    kinds = {f.kind for f in files}
    if len(kinds) != 1:
        raise InputError(f"dedup needs inputs of one format; got {', '.join(sorted(kinds))}.")
    if kinds == {"parquet"}:
        rows = keyed_rows(spark, files).join(
            drop.select(F.col("key").alias("_key")), "_key", "left_anti"
        )
        return rows.orderBy("_key").drop("_key")
    schema = spark.read.json([f.path for f in files]).schema
    fields = [f for f in schema.fields if f.name != "_corrupt_record"]
    lines = keyed_lines(spark, files).join(drop, "key", "left_anti")
    parsed = lines.orderBy("key").select(
        F.from_json("line", schema.__class__(fields)).alias("record")
    )
    return parsed.select(*[F.col("record").getField(f.name).alias(f.name) for f in fields])


def write_corpus(spark: SparkSession, files: list[InputFile], drop: DataFrame, target: str) -> int:
    """Write the kept records as a Parquet dataset at `target`; returns how many."""
    kept_records(spark, files, drop).write.mode("overwrite").parquet(target)
    return spark.read.parquet(target).count()
