"""The Spark session a run uses: one given by the caller, or one built from the options.

A new session takes its settings from the usual Spark configuration (spark-submit,
spark-defaults.conf) and then from SparkOptions. In local mode it works out of the box: the
driver binds to the loopback interface, Python workers run the interpreter running copytrace,
and each task runs copytrace's kernels on one thread (tasks are the parallelism).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from copytrace.engines.spark.core import CopytraceError, MissingDependencyError
from copytrace.engines.spark.options import SparkOptions

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

INSTALL_HINT = 'pip install "copytrace[spark]"'
#: Shuffle partitions per core in local mode (enough to keep every core busy, few enough that
#: small runs do not drown in tasks).
PARTITIONS_PER_CORE = 4
#: Rows per Arrow batch sent to Python: batches of pairs carry two texts a row.
ARROW_BATCH_ROWS = 1024
LOG_CONFIG = Path(__file__).with_name("resources") / "log4j2.properties"


def require_pyspark() -> None:
    """Fail with the install command when PySpark (or what it needs) is missing."""
    try:
        import pandas  # noqa: F401 - PySpark's Arrow functions need it
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise MissingDependencyError(
            f"The Spark engine needs PySpark ({exc.name} is not installed): {INSTALL_HINT}"
        ) from None


def _defaults_master() -> str | None:
    """spark.master of spark-defaults.conf (in SPARK_CONF_DIR, else SPARK_HOME/conf), if any."""
    folder = os.environ.get("SPARK_CONF_DIR") or (
        os.path.join(os.environ["SPARK_HOME"], "conf") if os.environ.get("SPARK_HOME") else None
    )
    if folder is None:
        return None
    try:
        lines = Path(folder, "spark-defaults.conf").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.strip().split(None, 1)
        if len(parts) == 2 and parts[0] == "spark.master":
            return parts[1].strip()
    return None


def _is_local(master: str) -> bool:
    return master.startswith("local")


def _local_cores(master: str) -> int:
    """Cores a local[N] master uses (local[*] and local: all of this machine's)."""
    inside = master[master.find("[") + 1 : master.find("]")] if "[" in master else "1"
    inside = inside.split(",")[0]
    return os.cpu_count() or 1 if inside == "*" else max(int(inside or 1), 1)


@contextmanager
def spark_session(options: SparkOptions, jobs: int | None = None) -> Iterator[SparkSession]:
    """A SparkSession for a run: the active one if there is one, else a new one, stopped
    after the run. `jobs` (cores) picks local[jobs] when no master is configured."""
    require_pyspark()
    from pyspark import SparkConf
    from pyspark.sql import SparkSession as Session

    active = Session.getActiveSession()
    if active is not None:
        _configure(active, options)
        yield active
        return
    conf = SparkConf()
    master = (
        options.master or conf.get("spark.master") or _defaults_master() or f"local[{jobs or '*'}]"
    )
    conf.setMaster(master)
    conf.setIfMissing("spark.app.name", "copytrace")
    if _is_local(master):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        conf.setIfMissing("spark.driver.host", "127.0.0.1")
        conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1")
        partitions = options.partitions or PARTITIONS_PER_CORE * _local_cores(master)
        conf.set("spark.sql.shuffle.partitions", str(partitions))
        if options.executor_memory:  # in local mode the executor is the driver
            conf.set("spark.driver.memory", options.executor_memory)
    elif options.partitions:
        conf.set("spark.sql.shuffle.partitions", str(options.partitions))
    if options.executor_memory:
        conf.set("spark.executor.memory", options.executor_memory)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    conf.setIfMissing("spark.sql.execution.arrow.maxRecordsPerBatch", str(ARROW_BATCH_ROWS))
    conf.setIfMissing("spark.executorEnv.NUMBA_NUM_THREADS", "1")
    conf.setIfMissing("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={LOG_CONFIG}")
    if options.quiet:
        conf.set("spark.ui.showConsoleProgress", "false")
    for key, value in options.conf.items():
        conf.set(key, value)
    try:
        spark = Session.builder.config(conf=conf).getOrCreate()
    except Exception as exc:  # no Java, a bad master URL, a port taken
        raise CopytraceError(
            f"cannot start Spark ({' '.join(str(exc).split())[:300]}). The Spark engine needs "
            "Java 17 or later (JAVA_HOME or java on the PATH)."
        ) from exc
    try:
        yield spark
    finally:
        spark.stop()


def _configure(spark: SparkSession, options: SparkOptions) -> None:
    """Apply the run's SQL settings to a session the caller made."""
    conf = spark.conf
    if options.partitions:
        conf.set("spark.sql.shuffle.partitions", str(options.partitions))
    for key, value in options.conf.items():
        if key.startswith("spark.sql."):
            conf.set(key, value)
