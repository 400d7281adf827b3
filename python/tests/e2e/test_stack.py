"""make integration-test: the real Terraform root applied to a local AWS server (moto), then
the pipeline run through it: handlers with the deployed configuration, the local delivery,
a backfill to s3:// with Glue partitions, and SQL over the lake on S3.

moto runs no Lambda code, fires no schedule, runs no Athena query and its Firehose neither
reads Kinesis nor converts: the handlers are called in-process and acme_gen.delivery plays
Firehose. Real AWS checks those (see the README).
"""

from __future__ import annotations

import base64
import importlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import orjson
import pyarrow.dataset as ds
import pytest
from botocore.exceptions import ClientError
from pytest_terraform.tf import TerraformRunner

from acme_gen import delivery
from acme_gen.kinesis.producer import read_records
from acme_gen.lake import sql
from acme_gen.lake.firehose_errors import DOCUMENTED_FIELDS
from acme_gen.lake.store import Lake
from acme_gen.lambdas import generator as generator_lambda
from acme_gen.lambdas import producer as producer_lambda

from ..aws import DUMMY_KEYS, REGION, LocalAws
from ..conftest import skip_unless_required
from ..terraform_env import cli_config, stack_copy

# One worker for the file (make test runs --dist loadgroup): its tests share one stack.
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("stack")]

TICK = {"time": "2026-01-15T20:07:00Z", "detail-type": "Scheduled Event"}
WINDOW = ("2026-01-15T20:00:00.000Z", "2026-01-15T20:05:00.000Z")


class Context:
    memory_limit_in_mb = 512
    aws_request_id = "integration"

    def __init__(self, name: str) -> None:
        self.function_name = name
        self.invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:{name}"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


@dataclass
class Stack:
    aws: LocalAws
    outputs: dict[str, Any]
    env: dict[str, str]

    def out(self, name: str) -> str:
        return str(self.outputs[name]["value"])


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, lambda_zip_x86_64: Path) -> Iterator[Stack]:
    with deployed(tmp_path_factory.mktemp("stack"), lambda_zip_x86_64) as applied:
        yield applied


@contextmanager
def deployed(work: Path, package: Path, **variables: str) -> Iterator[Stack]:
    """The root stack applied to a fresh local AWS server (TF_VAR_ overrides as keywords);
    destroyed, and the server stopped, on the way out."""
    terraform = shutil.which("terraform")
    if terraform is None:
        skip_unless_required("no terraform CLI on PATH")
    root = stack_copy(work)
    aws = LocalAws(own_process=True)
    env = {
        "AWS_ENDPOINT_URL": aws.endpoint,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": DUMMY_KEYS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": DUMMY_KEYS["aws_secret_access_key"],
        "TF_VAR_lambda_package_path": str(package),
        "TF_VAR_lambda_architecture": "x86_64",
        "TF_VAR_force_destroy": "true",
        "TF_VAR_events_per_day": "150000",
        "TF_VAR_customers": "5000",  # enough for 150,000 events a day (fewer is refused)
        "TF_VAR_titles": "200",
        "TF_VAR_campaigns": "10",
        **{f"TF_VAR_{k}": v for k, v in variables.items()},
    }
    config = cli_config(work)
    if config is not None:
        env["TF_CLI_CONFIG_FILE"] = str(config)
    runner = TerraformRunner(str(work / "tf-data"), module_dir=str(root), tf_bin=terraform)
    with mock.patch.dict(os.environ, env):
        try:
            runner.init()
            runner.apply()
            outputs = json.loads(
                subprocess.check_output(
                    [terraform, "output", "-json", f"-state={runner.state_path}"],
                    cwd=root,
                    env={**os.environ, "TF_DATA_DIR": runner.work_dir},
                )
            )
            yield Stack(aws, outputs, env)
        finally:
            # moto has no DeleteNamedQuery: drop them from state so destroy can finish.
            subprocess.run(
                [
                    terraform,
                    "state",
                    "rm",
                    f"-state={runner.state_path}",
                    "module.lake.aws_athena_named_query.example",
                ],
                cwd=root,
                env={**os.environ, "TF_DATA_DIR": runner.work_dir},
                capture_output=True,
                check=False,
            )
            _empty_bucket(aws, f"acme-telemetry-data-123456789012-{REGION}")
            try:
                runner.destroy()
            finally:
                aws.stop()


def _empty_bucket(aws: LocalAws, bucket: str) -> None:
    """Delete every object version first: the provider's force_destroy loop never ends on
    moto's versioned buckets (a moto gap; real S3 needs no help)."""
    s3 = aws.client("s3")
    try:
        pages = s3.get_paginator("list_object_versions").paginate(Bucket=bucket)
        for page in pages:
            for entry in page.get("Versions", []) + page.get("DeleteMarkers", []):
                s3.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])
    except ClientError:
        pass  # no bucket: nothing to empty


def test_bucket_refuses_plain_http(stack: Stack) -> None:
    """The deployed bucket policy denies this plain-HTTP request. moto does not evaluate
    `Bool` conditions (a policy denying only when aws:SecureTransport is "true" is refused
    here too), so this proves a Deny reached the bucket, not its condition: the condition is
    checked in the lake module's Terraform test, and only real S3 enforces it. The tests that
    write to the bucket lift the policy (the writable_bucket fixture, test setup only)."""
    s3 = stack.aws.client("s3")
    bucket = stack.out("data_bucket_name")
    with pytest.raises(ClientError, match=r"Forbidden|AccessDenied"):
        s3.put_object(Bucket=bucket, Key="telemetry/probe", Body=b"x")
    statements = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    assert [st["Effect"] for st in statements] == ["Deny"]


def test_stack_outputs(stack: Stack) -> None:
    assert stack.out("stream_name") == "acme-telemetry-stream"
    assert stack.out("data_bucket_name").startswith("acme-telemetry-data-")
    assert stack.out("glue_database_name") == "acme_telemetry"
    glue = stack.aws.client("glue")
    table = glue.get_table(DatabaseName="acme_telemetry", Name="streaming_events")["Table"]
    assert table["Parameters"]["projection.enabled"] == "true"
    assert len(table["StorageDescriptor"]["Columns"]) == 25


def test_the_qoe_views_are_athena_views_of_the_local_sql(stack: Stack) -> None:
    """Terraform applied the sessions and KPI views to the local server's Glue: each a
    Presto view whose SQL is the file the local DuckDB view runs."""
    glue = stack.aws.client("glue")
    for name in sql.VIEWS[1:]:
        table = glue.get_table(DatabaseName="acme_telemetry", Name=name)["Table"]
        assert table["TableType"] == "VIRTUAL_VIEW" and table["Parameters"]["presto_view"] == "true"
        text = table["ViewOriginalText"].removeprefix("/* Presto View: ").removesuffix(" */")
        view = json.loads(base64.b64decode(text))
        assert view["originalSql"] == sql.view_sql(name) and view["schema"] == "acme_telemetry"
        names = [c["Name"] for c in table["StorageDescriptor"]["Columns"]]
        assert names == [c["name"] for c in view["columns"]]


def test_default_tags_reach_the_resources(stack: Stack) -> None:
    """The provider's default_tags, as the real provider sends them (not a mock). moto keeps
    no tags given to CreateStream, so the stream is not among the resources checked."""
    wanted = {"Project": "acme-telemetry", "Stack": "acme", "ManagedBy": "terraform"}
    key_tags = stack.aws.client("kms").list_resource_tags(KeyId=stack.out("kms_key_arn"))["Tags"]
    assert wanted.items() <= {t["TagKey"]: t["TagValue"] for t in key_tags}.items()
    queue_tags = stack.aws.client("sqs").list_queue_tags(QueueUrl=stack.out("failure_queue_url"))
    assert wanted.items() <= queue_tags["Tags"].items()
    bucket_tags = stack.aws.client("s3").get_bucket_tagging(Bucket=stack.out("data_bucket_name"))
    assert wanted.items() <= {t["Key"]: t["Value"] for t in bucket_tags["TagSet"]}.items()


@dataclass
class Streamed:
    configs: dict[str, Any]
    planned: dict[str, Any]
    invocations: list[dict[str, Any]]
    put: int


@pytest.fixture(scope="module")
def streamed(stack: Stack) -> Streamed:
    """One tick through both handlers with the deployed configuration (run once per module,
    whichever test asks first)."""
    lam = stack.aws.client("lambda")
    configs = {
        role: lam.get_function_configuration(FunctionName=stack.out(f"{role}_function_name"))
        for role in ("generator", "producer")
    }
    invocations: list[dict[str, Any]] = []

    class Recording:
        def invoke(self, **kwargs: Any) -> Any:
            invocations.append(kwargs)
            return lam.invoke(**kwargs)

    with mock.patch.dict(os.environ, configs["generator"]["Environment"]["Variables"]):
        planned = generator_lambda.handler(
            TICK, Context(stack.out("generator_function_name")), lambda_client=Recording()
        )
    put = 0
    with mock.patch.dict(os.environ, configs["producer"]["Environment"]["Variables"]):
        for call in invocations:
            result = producer_lambda.handler(
                json.loads(call["Payload"]),
                Context(stack.out("producer_function_name")),
                kinesis_client=stack.aws.client("kinesis"),
            )
            put += result["put"]
    return Streamed(configs, planned, invocations, put)


@pytest.fixture(scope="module")
def writable_bucket(stack: Stack) -> str:
    """The lake bucket without its TLS-only policy (the local server speaks plain HTTP):
    test setup only, for the tests that write to it."""
    bucket = stack.out("data_bucket_name")
    stack.aws.client("s3").delete_bucket_policy(Bucket=bucket)
    return bucket


def test_handlers_run_with_the_deployed_configuration(stack: Stack, streamed: Streamed) -> None:
    for role, cfg in streamed.configs.items():
        assert cfg["Runtime"] == "python3.13"
        module_name, _, attr = cfg["Handler"].rpartition(".")
        assert callable(getattr(importlib.import_module(module_name), attr)), role
    assert streamed.planned["chunks"] == len(streamed.invocations) >= 1
    assert {c["FunctionName"] for c in streamed.invocations} == {
        stack.out("producer_function_name")
    }
    records = list(read_records(stack.aws.client("kinesis"), stack.out("stream_name")))
    assert len(records) == streamed.put > 100


@pytest.fixture(scope="module")
def delivered(stack: Stack, streamed: Streamed, writable_bucket: str) -> list[str]:
    """The local Firehose stand-in run over the stream, three unconvertible records
    included; returns the bucket's keys."""
    kinesis = stack.aws.client("kinesis")
    for i, data in enumerate(BAD_RECORDS):
        kinesis.put_record(StreamName=stack.out("stream_name"), Data=data, PartitionKey=f"bad{i}")
    with mock.patch.dict(os.environ, stack.env):
        code = delivery.main(["--stream-name", stack.out("stream_name"), "--bucket",
                              writable_bucket, "--endpoint-url", stack.aws.endpoint,
                              "--region", REGION])  # fmt: skip
    assert code == 0
    listing = stack.aws.client("s3").list_objects_v2(Bucket=writable_bucket)["Contents"]
    return [o["Key"] for o in listing]


BAD_RECORDS = [
    b'{"event_id": "x"}',
    b'{"event_timestamp": "2026-01-15T20:01:00.000Z", "buffering_events": "many"}',
    b"not json",
]


def test_local_delivery_writes_the_firehose_layout(
    stack: Stack, delivered: list[str], writable_bucket: str
) -> None:
    events = [k for k in delivered if k.startswith("telemetry/")]
    assert events and all(k.startswith("telemetry/year=2026/month=01/day=15/hour=") for k in events)
    errors = [k for k in delivered if k.startswith("errors/format-conversion-failed/")]
    assert len(errors) == 1
    s3 = stack.aws.client("s3")
    body = s3.get_object(Bucket=writable_bucket, Key=errors[0])["Body"].read()
    assert len(body.splitlines()) == len(BAD_RECORDS)
    assert all(orjson.loads(line)["rawData"] for line in body.splitlines())
    documents = [orjson.loads(line) for line in body.splitlines()]
    assert all(tuple(d) == DOCUMENTED_FIELDS for d in documents)  # the backfill's shape too
    assert all(d["sequenceNumber"] and d["dataCatalogTable"]["tableName"] for d in documents)


def _backfill(stack: Stack) -> subprocess.CompletedProcess[str]:
    settings = stack.env
    cmd = [
        sys.executable,
        "-m",
        "acme_gen.backfill",
        "--output-dir",
        f"s3://{stack.out('data_bucket_name')}",
        "--endpoint-url",
        stack.aws.endpoint,
        "--region",
        REGION,
        "--glue-database",
        stack.out("glue_database_name"),
        "--events-per-day",
        settings["TF_VAR_events_per_day"],
        "--seed",
        "42",
        "--customers",
        settings["TF_VAR_customers"],
        "--titles",
        settings["TF_VAR_titles"],
        "--campaigns",
        settings["TF_VAR_campaigns"],
        "--start",
        "2026-01-15T20:00",
        "--end",
        "2026-01-15T21:00",
        "--workers",
        "1",
    ]
    return subprocess.run(
        cmd,
        env={**os.environ, **stack.env},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def backfilled(stack: Stack, writable_bucket: str) -> subprocess.CompletedProcess[str]:
    return _backfill(stack)


def test_backfill_to_s3_registers_partitions_idempotently(
    stack: Stack, backfilled: subprocess.CompletedProcess[str]
) -> None:
    first = backfilled
    assert "1 partitions in Glue" in first.stdout, first.stdout + first.stderr
    again = _backfill(stack)
    assert "wrote 0 events" in again.stdout
    parts = stack.aws.client("glue").get_partitions(
        DatabaseName="acme_telemetry", TableName="streaming_events"
    )["Partitions"]
    assert [p["Values"] for p in parts] == [["2026", "01", "15", "20"]]
    bucket = stack.out("data_bucket_name")
    assert parts[0]["StorageDescriptor"]["Location"] == (
        f"s3://{bucket}/telemetry/year=2026/month=01/day=15/hour=20/"
    )


def test_lake_on_s3_streamed_window_equals_backfilled(
    stack: Stack,
    streamed: Streamed,
    delivered: list[str],
    backfilled: subprocess.CompletedProcess[str],
) -> None:
    bucket = stack.out("data_bucket_name")
    with mock.patch.dict(os.environ, stack.env):
        lake = Lake(f"s3://{bucket}", stack.aws.endpoint, REGION)
        con = sql.connect(f"s3://{bucket}", stack.aws.endpoint, REGION)
        total = con.execute("SELECT COUNT(*) FROM acme_telemetry.streaming_events").fetchall()
        hour20 = con.execute(
            "SELECT COUNT(*) FROM streaming_events WHERE day = '15' AND hour = '20'"
        ).fetchall()
        files = ds.dataset(lake.path("telemetry"), filesystem=lake.fs, format="parquet").files
        streamed_rows = ds.dataset(
            [f for f in files if "-delivery-" in f], filesystem=lake.fs, format="parquet"
        ).to_table()
        backfilled_rows = ds.dataset(
            [f for f in files if "/backfill-" in f], filesystem=lake.fs, format="parquet"
        ).to_table()
    assert total[0][0] == streamed_rows.num_rows + backfilled_rows.num_rows
    assert hour20[0][0] == total[0][0]
    assert streamed_rows.num_rows == streamed.put

    def window_rows(table: Any) -> list[dict[str, Any]]:
        rows = [r for r in table.to_pylist() if WINDOW[0] <= r["event_timestamp"] < WINDOW[1]]
        return sorted(rows, key=lambda r: r["event_id"])

    assert window_rows(streamed_rows) == window_rows(backfilled_rows)
    assert len(window_rows(streamed_rows)) == streamed_rows.num_rows


def _reconcile(stack: Stack, *args: str) -> tuple[int, dict[str, Any]]:
    cmd = [sys.executable, "-m", "acme_gen.reconcile", "--json", "--endpoint-url",
           stack.aws.endpoint, "--region", REGION, *args]  # fmt: skip
    done = subprocess.run(cmd, env={**os.environ, **stack.env}, capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def test_reconcile_after_the_pipeline(
    stack: Stack, streamed: Streamed, writable_bucket: str
) -> None:
    """What the stream sent landed exactly once; then a lost and a duplicated file are named."""
    bucket = stack.out("data_bucket_name")
    with mock.patch.dict(os.environ, stack.env):
        assert delivery.main(["--stream-name", stack.out("stream_name"), "--bucket",
                              f"s3://{bucket}/delivered", "--endpoint-url", stack.aws.endpoint,
                              "--region", REGION]) == 0  # fmt: skip
    code, streamed_lake = _reconcile(
        stack, "--lake", f"s3://{bucket}/delivered", "--from-lambda",
        stack.out("producer_function_name"), "--start", WINDOW[0], "--end", WINDOW[1],
    )  # fmt: skip
    assert code == 0 and streamed_lake["missing"] == streamed_lake["duplicated"] == 0
    assert streamed_lake["expected"] == streamed_lake["landed"] == streamed.put

    settings = stack.env
    lake = f"s3://{bucket}/backfilled"
    subprocess.run(
        [sys.executable, "-m", "acme_gen.backfill", "--output-dir", lake, "--endpoint-url",
         stack.aws.endpoint, "--region", REGION, "--events-per-day",
         settings["TF_VAR_events_per_day"], "--customers", settings["TF_VAR_customers"],
         "--titles", settings["TF_VAR_titles"], "--campaigns", settings["TF_VAR_campaigns"],
         "--start", "2026-01-15T19:00", "--end", "2026-01-15T21:00", "--workers", "1"],
        env={**os.environ, **stack.env}, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    code, clean = _reconcile(stack, "--lake", lake)
    assert code == 0 and clean["expected"] == clean["landed"] > 0

    s3 = stack.aws.client("s3")
    listing = s3.list_objects_v2(Bucket=bucket, Prefix="backfilled/telemetry/")["Contents"]
    keys = sorted(o["Key"] for o in listing)
    lost, copied = keys  # hour 19, hour 20
    s3.delete_object(Bucket=bucket, Key=lost)
    s3.copy_object(Bucket=bucket, Key=copied.replace("backfill-", "again-"),
                   CopySource={"Bucket": bucket, "Key": copied})  # fmt: skip
    code, broken = _reconcile(stack, "--lake", lake)
    by_hour = {h["hour"]: h for h in broken["hours"]}
    assert code == 1 and not broken["ok"]
    assert by_hour["2026-01-15T19:00Z"]["missing"] == by_hour["2026-01-15T19:00Z"]["expected"] > 0
    assert by_hour["2026-01-15T20:00Z"]["duplicated"] == by_hour["2026-01-15T20:00Z"]["expected"]
