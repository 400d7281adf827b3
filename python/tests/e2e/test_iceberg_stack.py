"""make integration-test, Iceberg mode: the root applied with table_format = "iceberg" to a
local AWS server (moto), as far as moto goes, then the producer (deployed configuration) ->
Kinesis -> the delivery stand-in playing the deployed Firehose stream (its JQ query makes
each record an update on event_id) -> reconcile.

What moto does not do here (real AWS does; see the README's "Iceberg"): Glue's Iceberg
CREATE writes no metadata (the table has table_type=ICEBERG and no metadata_location), the
table optimizers are not implemented (the apply sets iceberg_table_optimizers = false), and
its Firehose runs no Iceberg destination (acme_gen.delivery plays it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest

from acme_gen.lambdas import producer as producer_lambda
from acme_gen.lambdas.plan import Chunk

from ..aws import REGION
from .test_stack import Context, Stack, deployed

# One worker for the file (make test runs --dist loadgroup): its tests share one stack.
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("iceberg-stack")]
START = 1_768_507_200_000  # 2026-01-15T20:00Z


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, lambda_zip_x86_64: Path) -> Iterator[Stack]:
    with deployed(tmp_path_factory.mktemp("iceberg"), lambda_zip_x86_64, table_format="iceberg",
                  iceberg_table_optimizers="false") as applied:  # fmt: skip
        yield applied


def test_the_glue_table_is_iceberg_with_the_partition_columns(stack: Stack) -> None:
    table = stack.aws.client("glue").get_table(DatabaseName="acme_telemetry",
                                              Name="streaming_events")["Table"]  # fmt: skip
    assert table["Parameters"]["table_type"] == "ICEBERG"
    columns = [c["Name"] for c in table["StorageDescriptor"]["Columns"]]
    assert len(columns) == 29 and columns[-4:] == ["year", "month", "day", "hour"]
    assert table["StorageDescriptor"]["Location"].endswith("/iceberg/streaming_events/")
    assert not table.get("PartitionKeys")


def test_a_retried_chunk_collapses_on_event_id(stack: Stack) -> None:
    lam = stack.aws.client("lambda")
    config = lam.get_function_configuration(FunctionName=stack.out("producer_function_name"))
    variables = config["Environment"]["Variables"]
    assert variables["ACME_TABLE_FORMAT"] == "iceberg"
    with mock.patch.dict(os.environ, variables):
        from acme_gen.lambdas.plan import LambdaSettings

        settings = LambdaSettings.from_env(dict(os.environ))
        chunk = Chunk(config=settings.config, window_start_ms=START,
                      window_end_ms=START + 300_000, chunk=0, chunks=1)  # fmt: skip
        for _ in range(2):  # the invocation and its retry: the same records twice
            producer_lambda.handler(chunk.payload(), Context(stack.out("producer_function_name")),
                                    kinesis_client=stack.aws.client("kinesis"))  # fmt: skip
    glue, bucket = stack.aws.client("glue"), stack.out("data_bucket_name")
    # moto's Glue wrote no Iceberg metadata for the CREATE: let pyiceberg create the table.
    glue.delete_table(DatabaseName="acme_telemetry", Name="streaming_events")
    stack.aws.client("s3").delete_bucket_policy(Bucket=bucket)  # TLS-only: moto speaks HTTP
    where = ["--endpoint-url", stack.aws.endpoint, "--region", REGION]
    env = {**os.environ, **stack.env}
    done = subprocess.run(
        [sys.executable, "-m", "acme_gen.delivery", "--stream-name", stack.out("stream_name"),
         "--bucket", bucket, "--table-format", "iceberg",
         "--delivery-stream", stack.out("firehose_delivery_stream_name"), *where],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert " update)" in done.stdout, done.stdout  # the applied stream's query said update
    check = subprocess.run(
        [sys.executable, "-m", "acme_gen.reconcile", "--lake", f"s3://{bucket}", *where,
         "--from-lambda", stack.out("producer_function_name"), "--start", "2026-01-15T20:00",
         "--end", "2026-01-15T20:05", "--json"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    report = json.loads(check.stdout)
    assert check.returncode == 0, check.stdout[-2000:]
    assert report["missing"] == report["duplicated"] == 0
    assert report["expected"] == report["landed"] > 100
