"""Dense ranks of sorted rows without one partition doing all the work.

The rows are range-partitioned and sorted; each partition numbers its own rows; the number of
rows of each partition (one small row per partition) gives every partition its offset.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import LongType, StructField, StructType


def number_rows(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Executor side: append each row's index within its partition (`_idx`)."""
    start = 0
    for batch in batches:
        idx = pa.array(np.arange(start, start + batch.num_rows, dtype=np.int64))
        start += batch.num_rows
        yield pa.RecordBatch.from_arrays([*batch.columns, idx], names=[*batch.schema.names, "_idx"])


def ranked(spark: SparkSession, df: DataFrame, order: list[str], name: str = "rank") -> DataFrame:
    """`df` with a column `name`: each row's 0-based position in the order of `order`.

    The caller should write the result before using it twice: the positions come from one
    partitioning of the rows.
    """
    schema = StructType(
        [*df.schema.fields, StructField("_pid", LongType()), StructField("_idx", LongType())]
    )
    tagged = (
        df.orderBy(*order)
        .withColumn("_pid", F.spark_partition_id().cast("long"))
        .mapInArrow(number_rows, schema)
        .localCheckpoint(eager=True)
    )
    sizes = sorted(tuple(r) for r in tagged.groupBy("_pid").count().collect())
    offsets: list[tuple[int, int]] = []
    total = 0
    for pid, count in sizes:
        offsets.append((int(pid), total))
        total += int(count)
    table = spark.createDataFrame(offsets or [(0, 0)], "_pid long, _offset long")
    return (
        tagged.join(F.broadcast(table), "_pid")
        .withColumn(name, F.col("_offset") + F.col("_idx"))
        .drop("_pid", "_idx", "_offset")
    )
