"""The delivery stand-in as Firehose's Iceberg destination: each record's operation comes
from the delivery stream's JQ metadata query, and without one every record inserts, so a
chunk sent twice stays twice (Firehose guide, "Route incoming records to a single Iceberg
table": "If you want to perform update or delete operations on a single table, then you must
provide the operation for each incoming record").

The update query used here is the one terraform/modules/delivery configures (its terraform
test pins the same object); the integration test reads it back from the applied stack."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pytest

from acme_gen.delivery import DeliveryConfigError, IcebergDestination
from acme_gen.lake import iceberg
from acme_gen.lake.iceberg import ICEBERG_SCHEMA, apply_operations
from acme_gen.lake.store import Lake

from ..aws import REGION, LocalAws

UPDATE = json.dumps(
    {"destinationDatabaseName": "acme_telemetry", "destinationTableName": "streaming_events",
     "operation": "update"}
)  # fmt: skip
START = 1_768_507_200_000  # 2026-01-15T20:00Z


def _rows(ids: list[str], title: str = "t1") -> pa.Table:
    row = {f.name: None for f in ICEBERG_SCHEMA}
    rows = [{**row, "event_id": i, "title_id": title, "year": "2026", "month": "01",
             "day": "15", "hour": "20"} for i in ids]  # fmt: skip
    return pa.Table.from_pylist(rows, schema=ICEBERG_SCHEMA)


def _table(tmp_path: Path) -> Any:
    lake = Lake(str(tmp_path))
    return iceberg.events_table(iceberg.open_catalog(lake), lake)


def _content(table: Any) -> list[tuple[str, str]]:
    rows = table.refresh().scan().to_arrow().select(["event_id", "title_id"]).to_pylist()
    return sorted((r["event_id"], r["title_id"]) for r in rows)


def test_insert_keeps_a_duplicate(tmp_path: Path) -> None:
    table = _table(tmp_path)
    for _ in range(2):
        apply_operations(table, _rows(["a", "b"]), ["insert", "insert"], ["event_id"])
    assert _content(table) == [("a", "t1"), ("a", "t1"), ("b", "t1"), ("b", "t1")]


def test_update_replaces_the_row_of_its_key_and_inserts_a_missing_one(tmp_path: Path) -> None:
    table = _table(tmp_path)
    apply_operations(table, _rows(["a", "b"]), ["update"] * 2, ["event_id"])
    counts = apply_operations(table, _rows(["b", "c", "c"], "t2"), ["update"] * 3, ["event_id"])
    assert counts == {"insert": 0, "update": 3, "delete": 0}
    assert _content(table) == [("a", "t1"), ("b", "t2"), ("c", "t2")]


def test_delete_removes_the_row_of_its_key_in_the_same_snapshot(tmp_path: Path) -> None:
    table = _table(tmp_path)
    apply_operations(table, _rows(["a", "b", "c"]), ["insert"] * 3, ["event_id"])
    before = len(table.refresh().snapshots())
    apply_operations(table, _rows(["a", "d", "e"]), ["delete", "update", "insert"], ["event_id"])
    assert _content(table) == [("b", "t1"), ("c", "t1"), ("d", "t1"), ("e", "t1")]
    assert len(table.refresh().snapshots()) > before


def test_update_without_unique_keys_is_refused(tmp_path: Path) -> None:
    # Firehose guide, "Configure unique keys": with neither unique keys nor identifier
    # fields, "delivering data with update and delete operations will fail".
    with pytest.raises(ValueError, match="unique keys"):
        apply_operations(_table(tmp_path), _rows(["a"]), ["update"], [])


def test_the_metadata_query_gives_each_record_its_operation() -> None:
    records = [b'{"event_id": "a", "op": "delete"}', b'{"event_id": "b"}']
    by_field = IcebergDestination("acme_telemetry", "streaming_events", ("event_id",),
                                  '{operation: (.op // "update")}')  # fmt: skip
    assert by_field.operations(records) == ["delete", "update"]
    constant = IcebergDestination("acme_telemetry", "streaming_events", ("event_id",), UPDATE)
    assert constant.operations(records) == ["update", "update"]
    assert IcebergDestination("acme_telemetry", "streaming_events").operations(records) == [
        "insert", "insert"]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "message"),
    [('{destinationTableName: "other"}', "routes a record to acme_telemetry.other"),
     ('{operation: "upsert"}', "operation 'upsert'"),
     ("empty", "0 results for 1 records")],
)  # fmt: skip
def test_a_query_the_stand_in_cannot_play_is_named(query: str, message: str) -> None:
    destination = IcebergDestination("acme_telemetry", "streaming_events", ("event_id",), query)
    with pytest.raises(DeliveryConfigError, match=message):
        destination.operations([b'{"event_id": "a"}'])


def _firehose_stream(aws: LocalAws, name: str, query: str | None) -> None:
    table = {"DestinationDatabaseName": "acme_telemetry", "DestinationTableName":
             "streaming_events", "UniqueKeys": ["event_id"]}  # fmt: skip
    config: dict[str, Any] = {
        "RoleARN": "arn:aws:iam::123456789012:role/firehose",
        "CatalogConfiguration": {"CatalogARN": f"arn:aws:glue:{REGION}:123456789012:catalog"},
        "DestinationTableConfigurationList": [table],
        "S3Configuration": {
            "RoleARN": "arn:aws:iam::123456789012:role/firehose",
            "BucketARN": "arn:aws:s3:::ice-lake",
        },
    }
    if query is not None:
        config["ProcessingConfiguration"] = {"Enabled": True, "Processors": [{
            "Type": "MetadataExtraction", "Parameters": [
                {"ParameterName": "MetadataExtractionQuery", "ParameterValue": query},
                {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"}]}]}  # fmt: skip
    aws.client("firehose").create_delivery_stream(
        DeliveryStreamName=name, DeliveryStreamType="DirectPut",
        IcebergDestinationConfiguration=config)  # fmt: skip


def test_the_destination_is_read_from_the_deployed_delivery_stream(local_aws: LocalAws) -> None:
    _firehose_stream(local_aws, "with-query", UPDATE)
    _firehose_stream(local_aws, "without-query", None)
    firehose = local_aws.client("firehose")
    found = IcebergDestination.deployed(firehose, "with-query")
    assert found == IcebergDestination("acme_telemetry", "streaming_events", ("event_id",), UPDATE)
    assert IcebergDestination.deployed(firehose, "without-query").metadata_query is None


def test_a_chunk_sent_twice_stays_twice_unless_the_stream_says_update(
    local_aws: LocalAws,
) -> None:
    """End to end on the local AWS server: the producer's records -> Kinesis -> the stand-in
    -> reconcile. Played without an operation, the repeated chunk is duplicated in the table,
    as real Firehose would leave it; played as a stream whose query says update, nothing is
    missing and nothing duplicated."""
    from acme_gen.config import GeneratorConfig
    from acme_gen.core.generator import TelemetryGenerator
    from acme_gen.kinesis.producer import KinesisProducer
    from acme_gen.kinesis.records import json_records

    local_aws.client("kinesis").create_stream(StreamName="ice-stream", ShardCount=1)
    for bucket in ("ice-insert", "ice-update"):
        local_aws.client("s3").create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
    _firehose_stream(local_aws, "ice-delivery", UPDATE)
    config = GeneratorConfig(customers=8_500, titles=50, campaigns=5, events_per_day=100_000)
    gen = TelemetryGenerator(config)
    producer = KinesisProducer(local_aws.client("kinesis"), "ice-stream", threads=1)
    first = json_records(gen.world, gen.window(START, START + 300_000), "iceberg")
    assert orjson.loads(first[0][0])["hour"] == "20"
    producer.put(*first)
    producer.put(*first)  # the first chunk again: a retried invocation
    producer.put(*json_records(gen.world, gen.window(START + 300_000, START + 600_000), "iceberg"))
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    where = ["--endpoint-url", local_aws.endpoint, "--region", REGION]
    reports = {}
    for bucket, extra in (
        ("ice-insert", []),
        ("ice-update", ["--delivery-stream", "ice-delivery"]),
    ):
        local_aws.client("glue").create_database(DatabaseInput={"Name": "acme_telemetry"})
        delivered = subprocess.run(
            [sys.executable, "-m", "acme_gen.delivery", "--stream-name", "ice-stream", "--bucket",
             bucket, "--table-format", "iceberg", *extra, *where],
            capture_output=True, text=True, env=env, timeout=300,
        )  # fmt: skip
        assert delivered.returncode == 0, delivered.stderr
        check = subprocess.run(
            [sys.executable, "-m", "acme_gen.reconcile", "--lake", f"s3://{bucket}", *where,
             "--events-per-day", "100000", "--customers", "8500", "--titles", "50",
             "--campaigns", "5", "--start", "2026-01-15T20:00", "--end", "2026-01-15T20:10",
             "--json"],
            capture_output=True, text=True, env=env, timeout=300,
        )  # fmt: skip
        reports[bucket] = (json.loads(check.stdout), check.returncode, delivered.stdout)
        local_aws.client("glue").delete_database(Name="acme_telemetry")
    inserted, code, out = reports["ice-insert"]
    assert code == 1 and inserted["missing"] == 0 and inserted["duplicated"] == len(first[0])
    assert f"{2 * len(first[0]) + inserted['expected'] - len(first[0]):,} insert" in out
    updated, code, out = reports["ice-update"]
    assert code == 0, updated
    assert updated["missing"] == updated["duplicated"] == 0 and updated["expected"] > 500
    assert " update)" in out


@pytest.mark.parametrize(
    "parameters",
    [{"classification": "parquet", "EXTERNAL": "TRUE"}, {"table_type": "HIVE"}, None],
    ids=["terraform-hive", "another-type", "no-parameters"],
)
def test_an_iceberg_delivery_onto_a_hive_table_is_refused_in_one_line(
    local_aws: LocalAws, parameters: dict[str, str] | None
) -> None:
    """A Glue table of that name that is not Iceberg (a Hive lake's) is named and left as it
    is: no traceback, no Iceberg metadata written, the table still Hive."""
    from acme_gen.config import GeneratorConfig
    from acme_gen.core.generator import TelemetryGenerator
    from acme_gen.kinesis.producer import KinesisProducer
    from acme_gen.kinesis.records import json_records

    kinesis, glue, s3 = (local_aws.client(n) for n in ("kinesis", "glue", "s3"))
    case = len(parameters) if parameters else 0
    stream, bucket = f"hive-stream-{case}", f"hive-lake-{case}"
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    hive_table = {
        "Name": "streaming_events", "TableType": "EXTERNAL_TABLE",
        "StorageDescriptor": {"Location": f"s3://{bucket}/telemetry/",
                              "Columns": [{"Name": "event_id", "Type": "string"}]},
    }  # fmt: skip
    if parameters is not None:  # the first as terraform/modules/lake's Hive table has
        hive_table["Parameters"] = parameters
    glue.create_database(DatabaseInput={"Name": "acme_telemetry"})
    try:
        glue.create_table(DatabaseName="acme_telemetry", TableInput=hive_table)
        gen = TelemetryGenerator(GeneratorConfig(customers=8_500, titles=50, campaigns=5,
                                                 events_per_day=100_000))  # fmt: skip
        records = json_records(gen.world, gen.window(START, START + 60_000), "iceberg")
        KinesisProducer(kinesis, stream, threads=1).put(*records)
        env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
        run = subprocess.run(
            [sys.executable, "-m", "acme_gen.delivery", "--stream-name", stream,
             "--bucket", bucket, "--table-format", "iceberg", "--endpoint-url",
             local_aws.endpoint, "--region", REGION],
            capture_output=True, text=True, env=env, timeout=300,
        )  # fmt: skip
        assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
        (line,) = run.stderr.strip().splitlines()  # one line, naming the table and the way out
        assert line.startswith(
            "error: acme_telemetry.streaming_events in the Glue catalog is not an Iceberg table "
            "pyiceberg can open ("
        ) and line.endswith('); a Hive lake\'s? deploy with table_format = "iceberg" or drop '
                            "--table-format iceberg"), line  # fmt: skip
        assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
        table = glue.get_table(DatabaseName="acme_telemetry", Name="streaming_events")["Table"]
        assert table.get("Parameters") == parameters  # as it was
    finally:
        glue.delete_database(Name="acme_telemetry")
