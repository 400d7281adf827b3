"""The Spark engine (local mode): same bytes as the process pool, resumable, atomic."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from acme_gen import backfill
from acme_gen.backfill import spark as spark_engine

from .aws import DUMMY_KEYS, REGION, LocalAws
from .conftest import BACKFILL_ARGS, run_backfill
from .test_determinism import digest_tree

pytest.importorskip("pyspark")
SPARK = ["--engine", "spark", "--spark-master", "local[2]"]


@pytest.fixture(scope="module")
def spark_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("spark") / "lake"
    run_backfill(*BACKFILL_ARGS, *SPARK, "--output-dir", out)
    return out


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


def test_a_retried_task_leaves_no_duplicate_or_partial_file(
    spark_lake: Path, tmp_path: Path
) -> None:
    """A task run twice (Spark retry or speculation) rewrites identical files in place."""
    out = tmp_path / "retried"
    shutil.copytree(spark_lake, out)
    before = digest_tree(out)
    plan = backfill.resolve([*BACKFILL_ARGS, "--output-dir", str(out)])
    hours = plan.hours()[:4]
    for _ in range(2):
        written = list(spark_engine._run_partition(plan, iter(hours)))
        assert [h for h, _, _ in written] == hours
    assert digest_tree(out) == before
    assert not list((out / ".staging").glob("*"))  # no partial file left behind


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
