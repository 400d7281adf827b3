"""The Spark engine (local mode): same bytes as the process pool, resumable, atomic."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from acme_gen.lake.store import STAGING_DIR

from ..aws import DUMMY_KEYS, REGION, LocalAws
from ..conftest import BACKFILL_ARGS, run_backfill, shared_lake, skip_unless_required
from ..shared import digest_tree

try:
    import pyspark  # noqa: F401

    HAVE_SPARK = True
except ImportError:
    HAVE_SPARK = False
SPARK = ["--engine", "spark", "--spark-master", "local[2]"]


@pytest.fixture(scope="module", autouse=True)
def _needs_spark() -> None:
    """Skip (or, where CI requires every check, fail) this module's tests without pyspark:
    in a fixture, not at import, so collecting the rest of the suite goes on."""
    if not HAVE_SPARK:
        skip_unless_required("pyspark is not installed (the extra 'spark')")


@pytest.fixture(scope="module")
def spark_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_lake(tmp_path_factory, *BACKFILL_ARGS, *SPARK)


def test_spark_writes_the_same_bytes_as_the_process_pool(spark_lake: Path, lake: Path) -> None:
    assert digest_tree(spark_lake) == digest_tree(lake)


def test_spark_resumes_only_missing_hours(spark_lake: Path, lake: Path, tmp_path: Path) -> None:
    out = tmp_path / "resume"
    shutil.copytree(spark_lake, out)
    removed = sorted((out / "telemetry").rglob("*.parquet"))[3:6]
    for path in removed:
        path.unlink()
    result = run_backfill(
        *[a for a in BACKFILL_ARGS if a != "--quiet"], *SPARK, "--output-dir", out
    )
    assert "(33 already complete)" in result.stdout and "on Spark local[2]" in result.stdout
    assert "FutureWarning" not in result.stderr  # pyspark's pandas warning stays quiet
    assert digest_tree(out) == digest_tree(lake)


def _session_alive(sid: int) -> list[str]:
    """The live (not zombie) processes of a session: the command, its JVM, their workers."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while we looked
        if int(fields[3]) == sid and fields[0] != "Z":
            alive.append(stat.parent.name)
    return alive


@pytest.mark.parametrize(
    ("whom", "signum", "code"),
    [
        ("terminal", signal.SIGINT, 130),
        ("command", signal.SIGINT, 130),
        ("command", signal.SIGTERM, 143),
    ],
)
def test_a_stop_mid_run_ends_spark_cleanly_and_resumes_to_the_same_bytes(
    lake: Path, tmp_path: Path, whom: str, signum: int, code: int
) -> None:
    """Ctrl-C at a terminal reaches the whole group (driver, JVM, Python workers); a
    supervisor's signal reaches the command alone. Either way: one line, nothing left."""
    out = tmp_path / "lake"
    proc = subprocess.Popen(
        [sys.executable, "-m", "acme_gen.backfill", *BACKFILL_ARGS, *SPARK, "--output-dir", out],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while len(list(out.glob("telemetry/**/*.parquet"))) < 3:  # tasks are mid-run
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    if whom == "terminal":
        os.killpg(proc.pid, signum)
    else:
        proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert "Traceback" not in err and "\tat org.apache" not in err, err
    assert err.strip().splitlines()[-1].startswith("interrupted: finished partitions are kept")
    deadline = time.monotonic() + 10  # the JVM's exit may trail the command's by a moment
    while _session_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _session_alive(proc.pid)
    assert not (out / STAGING_DIR).exists()
    assert len(list(out.glob("telemetry/**/*.parquet"))) < 36  # it did stop mid-run
    run_backfill(*BACKFILL_ARGS, "--output-dir", out)  # the resume, by the process pool
    assert digest_tree(out) == digest_tree(lake)


# Loaded by every Python process Spark starts (sitecustomize on PYTHONPATH): the first
# attempt of each task writes half a file into staging, then fails; Spark retries the task.
_FAIL_FIRST_ATTEMPT = """
from pathlib import Path
try:
    from acme_gen.backfill import task
    from acme_gen.lake import store
except ImportError:
    task = None
if task is not None:
    real = task.HourTask.__call__
    def fail_first_attempt(self, hour_ms):
        from pyspark import TaskContext
        context = TaskContext.get()
        if context is not None and context.attemptNumber() == 0:
            staging = Path(self.lake.path(store.STAGING_DIR))
            staging.mkdir(parents=True, exist_ok=True)
            (staging / f"half-{hour_ms}.tmp").write_bytes(b"PAR1 half a file")
            raise RuntimeError("injected: the first attempt of this task dies mid-write")
        return real(self, hour_ms)
    task.HourTask.__call__ = fail_first_attempt
"""


def test_spark_retries_a_failed_task_to_the_same_bytes(lake: Path, tmp_path: Path) -> None:
    """Every task's first attempt dies after writing half a file; Spark's retry (local[2,2]:
    two attempts per task) leaves exactly the process pool's files, and nothing in staging."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(_FAIL_FIRST_ATTEMPT)
    out = tmp_path / "retried"
    env = {**os.environ, "PYTHONPATH": f"{hook}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    args = [*BACKFILL_ARGS, "--engine", "spark", "--spark-master", "local[2,2]", "--output-dir",
            str(out)]  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "acme_gen.backfill", *args], env=env,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "injected: the first attempt" in done.stderr  # the failures happened, and were retried
    assert digest_tree(out) == digest_tree(lake)
    assert not (out / ".staging").exists()
    without_retries = [*args[:-3], "local[2,1]", "--output-dir", str(tmp_path / "no-retry")]
    failed = subprocess.run([sys.executable, "-m", "acme_gen.backfill", *without_retries],
                            env=env, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert failed.returncode != 0  # one attempt only: the injected failure is real


_SPARK_SESSION_PROBE = """
import sys
from acme_gen.backfill import main
code = main(sys.argv[1:])
print("spark session module loaded:", "pyspark.sql" in sys.modules)
sys.exit(code)
"""


def test_bad_arguments_are_rejected_before_spark_starts(tmp_path: Path) -> None:
    args = [*SPARK, "--telemetry", "0", "--output-dir", str(tmp_path / "o")]
    result = subprocess.run(
        [sys.executable, "-c", _SPARK_SESSION_PROBE, *args], capture_output=True, text=True
    )
    assert result.returncode == 2 and "--telemetry: must be positive" in result.stderr
    # A JVM starts only through pyspark.sql's SparkSession, which was never imported.
    assert "spark session module loaded: False" in result.stdout
    result = run_backfill("--spark-master", "local[2]", "--output-dir", tmp_path / "o", check=False)
    assert result.returncode == 2 and "--spark-master goes with --engine spark" in result.stderr
    assert not (tmp_path / "o").exists()


def test_spark_to_s3_registers_partitions(local_aws: LocalAws, lake: Path) -> None:
    s3, glue = local_aws.client("s3"), local_aws.client("glue")
    s3.create_bucket(Bucket="spark-lake", CreateBucketConfiguration={"LocationConstraint": REGION})
    glue.create_database(DatabaseInput={"Name": "acme_spark"})
    glue.create_table(
        DatabaseName="acme_spark",
        TableInput={
            "Name": "streaming_events",
            "PartitionKeys": [
                {"Name": k, "Type": "string"} for k in ("year", "month", "day", "hour")
            ],
            "StorageDescriptor": {
                "Columns": [{"Name": "event_id", "Type": "string"}],
                "Location": "s3://spark-lake/telemetry/",
            },
        },
    )
    env = {
        "AWS_ACCESS_KEY_ID": DUMMY_KEYS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": DUMMY_KEYS["aws_secret_access_key"],
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "acme_gen.backfill",
            *BACKFILL_ARGS,
            *SPARK,
            "--output-dir",
            "s3://spark-lake",
            "--endpoint-url",
            local_aws.endpoint,
            "--region",
            REGION,
            "--glue-database",
            "acme_spark",
        ],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    parts = glue.get_partitions(DatabaseName="acme_spark", TableName="streaming_events")
    assert len(parts["Partitions"]) == 36
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="spark-lake", MaxKeys=1000)["Contents"]]
    local = sorted(p.relative_to(lake).as_posix() for p in (lake / "telemetry").rglob("*.parquet"))
    assert sorted(k for k in keys if k.startswith("telemetry/")) == local
    key = local[7]
    body = s3.get_object(Bucket="spark-lake", Key=key)["Body"].read()
    assert body == (lake / key).read_bytes()  # same bytes on S3 as on disk


def test_without_pyspark_one_line_names_the_extra(tmp_path: Path) -> None:
    hide_pyspark = (
        "import sys; sys.modules['pyspark'] = None\n"  # as if the extra were not installed
        "from acme_gen.backfill import main; sys.exit(main(sys.argv[1:]))"
    )
    out = tmp_path / "o"
    result = subprocess.run(
        [sys.executable, "-c", hide_pyspark, "--engine", "spark", "--output-dir", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr == "error: --engine spark needs pyspark: pip install 'acme-gen[spark]'\n"
    assert not out.exists()


def test_spark_injects_the_same_faults_as_the_process_pool(tmp_path: Path) -> None:
    from .test_pipeline_kit import ARGS, FAULTS, INCIDENT

    scenario = ["--faults", FAULTS, "--incident", INCIDENT]
    run_backfill(*ARGS, *scenario, "--workers", "2", "--output-dir", tmp_path / "pool")
    run_backfill(*ARGS, *scenario, *SPARK, "--output-dir", tmp_path / "spark")
    pool, spark = digest_tree(tmp_path / "pool"), digest_tree(tmp_path / "spark")
    assert pool == spark
    assert any("_truth" in name for name in pool) and any("-arrived-" in name for name in pool)


def test_spark_writes_on_executors_and_commits_the_same_iceberg_table(tmp_path: Path) -> None:
    from acme_gen.lake import iceberg
    from acme_gen.lake.store import Lake

    from .test_iceberg import ARGS

    run_backfill(*ARGS, "--table-format", "iceberg", "--workers", "2",
                 "--output-dir", tmp_path / "pool")  # fmt: skip
    run_backfill(*ARGS, "--table-format", "iceberg", *SPARK, "--output-dir", tmp_path / "spark")
    pool = digest_tree(tmp_path / "pool" / "iceberg" / "streaming_events" / "data")
    spark = digest_tree(tmp_path / "spark" / "iceberg" / "streaming_events" / "data")
    assert pool == spark and len(pool) == 36
    committed = iceberg.data_files(Lake(tmp_path / "spark"))
    assert sorted(Path(p).name for p in committed) == sorted(Path(p).name for p in spark)


def test_py4j_errors_caused_by_an_interrupt_are_not_logged_but_others_are() -> None:
    """At a terminal's Ctrl-C the JVM stops too, and py4j logs the broken pipe of closing
    the interrupted call: that is the interrupt, said in one line by the command."""
    import logging

    from acme_gen.backfill.spark import _no_py4j_interrupt_traceback

    def record(error: BaseException, path: str = "/x/py4j/clientserver.py") -> logging.LogRecord:
        return logging.LogRecord("py4j.clientserver", logging.ERROR, path, 1,
                                 "Exception occurred while shutting down connection", None,
                                 (type(error), error, None))  # fmt: skip

    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise BrokenPipeError(32, "Broken pipe") from None
    except BrokenPipeError as exc:
        exc.__context__ = KeyboardInterrupt()
        interrupted = exc
    assert not _no_py4j_interrupt_traceback(record(interrupted))
    assert _no_py4j_interrupt_traceback(record(BrokenPipeError(32, "Broken pipe")))
    assert _no_py4j_interrupt_traceback(record(interrupted, "/x/acme_gen/cli.py"))
