"""The backfill on Apache Spark: the same hour tasks, distributed over executors.

Each hour is a pure function of the configuration, so a Spark task runs exactly the hour task
the process pool runs (`HourTask`) and writes the same bytes to the same name.
Files are committed atomically (rename on disk, one PUT on S3): a retried or speculative
task rewrites an identical file, never a duplicate or a partial one. The driver only plans
(which hours are missing) and gathers the manifest of what the tasks wrote.

    python -m acme_gen.backfill --engine spark --spark-master 'local[2]' ...
    spark-submit run.py --engine spark ...   # run.py: from acme_gen.backfill import main
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterable, Iterator

from acme_gen.backfill.plan import BackfillPlan
from acme_gen.backfill.task import HourTask

# Consecutive hours per task: each task builds the world once and reuses the session plans
# its hours share, as a process-pool chunk does.
HOURS_PER_TASK = 6


def _run_partition(plan: BackfillPlan, hours: Iterable[int]) -> Iterator[tuple[int, int, int]]:
    hours = list(hours)
    if not hours:
        return
    task = HourTask(plan)
    for hour in hours:
        rows, size = task(hour)
        yield hour, rows, size


def _ship_package(spark: object) -> None:
    """Send acme_gen's sources to the executors (pure Python; its dependencies are expected
    on the executors, as the local pip install or the EMR image provides them)."""
    import tempfile
    import zipfile
    from pathlib import Path

    package = Path(__file__).resolve().parents[1]
    archive = Path(tempfile.mkdtemp(prefix="acme-spark-")) / "acme_gen.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(package.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                z.write(path, Path("acme_gen") / path.relative_to(package))
    spark.sparkContext.addPyFile(str(archive))  # type: ignore[attr-defined]


def run_spark(
    plan: BackfillPlan, hours: list[int], master: str | None
) -> Iterator[tuple[int, int]]:
    """Yield (events, bytes) per hour written, as the process-pool engine does."""
    import warnings

    # pyspark warns about pandas >= 3 on import; the backfill uses no pandas API of Spark's.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("acme-telemetry-backfill")
    if master:
        builder = builder.master(master)
    if master and master.startswith("local"):
        # Local executors run this interpreter (with its acme_gen), not whatever python3 is on PATH.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.config("spark.pyspark.python", sys.executable)
    builder = (
        builder.config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.executorEnv.PYTHONHASHSEED", os.environ.get("PYTHONHASHSEED", "0"))
    )
    ours = signal.getsignal(signal.SIGINT)
    spark = builder.getOrCreate()
    if threading.current_thread() is threading.main_thread():
        # pyspark's own Ctrl-C handler calls into the JVM from inside the signal handler,
        # while the driver's thread is blocked in that JVM: tracebacks, a nested interrupt.
        # The command's handler raises once; the finally below stops Spark, which ends
        # the executors' Python workers (the JVM ignores SIGINT: pyspark starts it so).
        signal.signal(signal.SIGINT, ours)
    for name in ("", "py4j.java_gateway", "py4j.clientserver"):  # a logger's filter sees
        logging.getLogger(name).addFilter(_no_py4j_interrupt_traceback)  # only its own records
    spark.sparkContext.setLogLevel("ERROR")
    try:
        _ship_package(spark)
        tasks = max(1, -(-len(hours) // HOURS_PER_TASK))
        rdd = spark.sparkContext.parallelize(hours, numSlices=tasks)
        written = rdd.mapPartitions(lambda part: _run_partition(plan, part)).collect()
    except BaseException as exc:
        interrupt = _interrupt_behind(exc)
        if interrupt is None:
            spark.stop()
            raise
        with contextlib.suppress(Exception):  # the interrupted gateway may be gone already
            spark.sparkContext.setLogLevel("OFF")  # no JVM stack traces of cancelled tasks
            spark.stop()
        raise interrupt from None
    spark.stop()
    for _, rows, size in sorted(written):
        yield rows, size


def _interrupt_behind(exc: BaseException | None) -> KeyboardInterrupt | None:
    """The Ctrl-C or stop signal behind an error: py4j turns an interrupted call into a
    network error on the calls that follow it."""
    while exc is not None:
        if isinstance(exc, KeyboardInterrupt):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _no_py4j_interrupt_traceback(record: logging.LogRecord) -> bool:
    """py4j logs an interrupted call's traceback before re-raising the interrupt itself, and
    at a terminal's Ctrl-C (the JVM stopped too) the broken pipe of closing that call: the
    command then says what it did in one line."""
    if "py4j" not in record.pathname:
        return True
    if record.getMessage().startswith("KeyboardInterrupt while sending command"):
        return False
    cause = record.exc_info[1] if record.exc_info else None
    return _interrupt_behind(cause) is None
