"""copytrace on Apache Spark: `scan` and `dedup` of JSON Lines or Parquet inputs as Spark jobs.

    import copytrace.spark

    copytrace.spark.scan("s3a://bucket/crawl/*.parquet", "s3a://bucket/out", out_format="parquet",
                         options=copytrace.spark.SparkOptions(master="yarn"))

Needs PySpark (`pip install "copytrace[spark]"`) and Java 17; without them the functions raise
`MissingDependencyError` with the install command. Results equal the local engine's.
"""

from __future__ import annotations

from copytrace.engines.spark.api import SparkDedupResult, SparkScanResult, dedup, scan
from copytrace.engines.spark.options import SparkOptions
from copytrace.engines.spark.session import spark_session

__all__ = [
    "SparkDedupResult",
    "SparkOptions",
    "SparkScanResult",
    "dedup",
    "scan",
    "spark_session",
]
