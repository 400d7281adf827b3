"""A local stand-in for Firehose: read a Kinesis stream, convert the JSON records with the
Glue table's schema, and write Parquet into the bucket under the same event-time layout.

    python -m acme_gen.delivery --stream-name acme-telemetry-stream \\
        --bucket acme-telemetry-data-123456789012-us-west-2 --endpoint-url http://127.0.0.1:5000

It reads every shard from the oldest record until caught up, then exits; file names derive
from the first sequence number, so a re-run rewrites the same files. As in Firehose, a
record that does not fit the schema goes to the error prefix, with its raw data.

With --table-format iceberg it plays the Iceberg destination: each record is inserted
(duplicates stay) unless the delivery stream's JQ metadata query gives it another operation.
--delivery-stream names the deployed Firehose stream to read that query, the table and its
unique keys from (DescribeDeliveryStream), so the stand-in does what the configuration says.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import boto3
import orjson
import pyarrow as pa
from botocore.exceptions import ClientError

from acme_gen.cli import REGION_HELP, Parser, SetupError, command
from acme_gen.kinesis.producer import read_records
from acme_gen.lake import iceberg
from acme_gen.lake.firehose_errors import CatalogTable, conversion_error_record
from acme_gen.lake.iceberg import ICEBERG_SCHEMA
from acme_gen.lake.store import Lake
from acme_gen.models import StreamingEvent
from acme_gen.schema import arrow_schema, arrow_type
from acme_gen.time_labels import hour_ms_from_label, partition_path

_CONVERSION_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, ValueError, TypeError, OverflowError)


@dataclass
class DeliverySummary:
    delivered: int = 0
    failed: int = 0
    files: list[str] = field(default_factory=list)
    operations: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class IcebergDestination:
    """A Firehose Iceberg destination: its one table, unique keys, and the JQ query that
    gives each record's database, table and operation (None: none, so every record inserts)."""

    database: str
    table: str
    unique_keys: tuple[str, ...] = ()
    metadata_query: str | None = None

    @classmethod
    def deployed(cls, firehose: Any, name: str) -> IcebergDestination:
        """The destination as DescribeDeliveryStream reports it."""
        stream = firehose.describe_delivery_stream(DeliveryStreamName=name)
        described = stream["DeliveryStreamDescription"]["Destinations"][0]
        found = described.get("IcebergDestinationDescription")
        if found is None:
            raise DeliveryConfigError(f"delivery stream {name} has no Iceberg destination")
        tables = found.get("DestinationTableConfigurationList") or []
        if len(tables) != 1:
            raise DeliveryConfigError(
                f"delivery stream {name} routes to {len(tables)} tables; the stand-in plays one"
            )
        processing = found.get("ProcessingConfiguration") or {}
        query = None
        for processor in processing.get("Processors", []) if processing.get("Enabled") else []:
            if processor.get("Type") == "MetadataExtraction":
                params = {p["ParameterName"]: p["ParameterValue"] for p in processor["Parameters"]}
                query = params.get("MetadataExtractionQuery")
        return cls(tables[0]["DestinationDatabaseName"], tables[0]["DestinationTableName"],
                   tuple(tables[0].get("UniqueKeys") or ()), query)  # fmt: skip

    def operations(self, records: list[bytes]) -> list[str]:
        """Each record's operation: the JQ query's `operation` (Firehose's JQ-1.6 engine; the
        jq package is the same language), insert where there is no query or no operation."""
        if self.metadata_query is None:
            return ["insert"] * len(records)
        import jq

        text = b"\n".join(records).decode("utf-8", "replace")  # one jq run for all
        found = jq.compile(self.metadata_query).input_text(text).all()
        if len(found) != len(records):
            raise DeliveryConfigError(
                f"the metadata query gives {len(found)} results for {len(records)} records; "
                "Firehose needs one each"
            )
        operations = []
        for meta in found:
            target = (meta.get("destinationDatabaseName", self.database),
                      meta.get("destinationTableName", self.table))  # fmt: skip
            if target != (self.database, self.table):
                raise DeliveryConfigError(
                    f"the metadata query routes a record to {target[0]}.{target[1]}; "
                    f"the stand-in plays {self.database}.{self.table} only"
                )
            operation = str(meta.get("operation") or "insert").lower()
            if operation not in iceberg.OPERATIONS:
                raise DeliveryConfigError(f"the metadata query gives operation {operation!r}; "
                                          "Firehose knows insert, update and delete")  # fmt: skip
            operations.append(operation)
        return operations


class DeliveryConfigError(SetupError):
    """The delivery stream's configuration is one the stand-in cannot play (one line)."""


def glue_schema(glue: Any, database: str, table: str) -> pa.Schema:
    """The table's columns as Firehose converts with them; where the catalog has no such
    table (a local server nobody applied Terraform to), the models' own, with a notice."""
    try:
        found = glue.get_table(DatabaseName=database, Name=table)["Table"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "EntityNotFoundException":
            raise
        print(f"notice: no Glue table {database}.{table} here; converting with the models' "
              "schema (the one Terraform gives the table)", file=sys.stderr)  # fmt: skip
        return arrow_schema(StreamingEvent)
    columns = found["StorageDescriptor"]["Columns"]
    return pa.schema([pa.field(c["Name"], arrow_type(c["Type"])) for c in columns])


def _hour_key(row: Any) -> str:
    """'YYYY-MM-DDTHH' of the record's own event_timestamp (Firehose's partition query)."""
    stamp = row.get("event_timestamp") if isinstance(row, dict) else None
    if not isinstance(stamp, str) or len(stamp) < 13 or stamp[4] != "-" or stamp[10] != "T":
        raise ValueError("event_timestamp missing or not ISO 8601")
    return stamp[:13]


def convert(
    records: list[bytes], schema: pa.Schema
) -> tuple[dict[str, pa.Table], list[tuple[int, str]], dict[str, list[int]]]:
    """Records grouped by event hour as tables of `schema`, the failures as (index into
    `records`, reason), and per hour the index of each row's record."""
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    failures: list[tuple[int, str]] = []
    for i, raw in enumerate(records):
        try:
            row = orjson.loads(raw)
            groups[_hour_key(row)].append((i, row))
        except (orjson.JSONDecodeError, ValueError) as exc:
            failures.append((i, str(exc)))
    tables, indices = {}, {}
    for hour, rows in groups.items():
        try:
            tables[hour] = pa.Table.from_pylist([row for _, row in rows], schema=schema)
            indices[hour] = [i for i, _ in rows]
            continue
        except _CONVERSION_ERRORS:
            pass
        good = []  # slow path: find the rows that do not fit
        for i, row in rows:
            try:
                pa.Table.from_pylist([row], schema=schema)
                good.append((i, row))
            except _CONVERSION_ERRORS as exc:
                failures.append((i, str(exc).splitlines()[0]))
        if good:
            tables[hour] = pa.Table.from_pylist([row for _, row in good], schema=schema)
            indices[hour] = [i for i, _ in good]
    return tables, sorted(failures), indices


def deliver(
    kinesis: Any,
    glue: Any,
    lake: Lake,
    stream_name: str,
    database: str,
    table: str,
    prefix: str = "telemetry/",
    error_prefix: str = "errors/",
    table_format: str = "hive",
    destination: IcebergDestination | None = None,
) -> DeliverySummary:
    """Deliver the stream's records; in Iceberg mode to `destination` (default: the table,
    no unique keys, no query, so every record inserts as Firehose does with none)."""
    records = list(read_records(kinesis, stream_name))
    summary = DeliverySummary()
    if not records:
        return summary
    first = records[0]["SequenceNumber"]
    schema = glue_schema(glue, database, table) if table_format == "hive" else ICEBERG_SCHEMA
    data = [r["Data"] for r in records]
    tables, failures, indices = convert(data, schema)
    if table_format == "iceberg" and tables:
        target = destination or IcebergDestination(database, table)
        hours = sorted(tables)
        rows = pa.concat_tables(tables[h] for h in hours)
        kept = [i for h in hours for i in indices[h]]  # the records that became rows
        row_ops = target.operations([data[i] for i in kept])
        ice = iceberg.events_table(iceberg.open_catalog(lake, target.database), lake,
                                   target.database)  # fmt: skip
        summary.operations = iceberg.apply_operations(ice, rows, row_ops, list(target.unique_keys))
        summary.delivered = rows.num_rows
        summary.files.append(iceberg.TABLE_DIR)
        tables = {}
    for hour, events in sorted(tables.items()):
        where = partition_path(hour_ms_from_label(hour))
        key = f"{prefix}{where}/{stream_name}-delivery-{first}.parquet"
        lake.write_parquet(key, [events], "streaming_events")
        summary.delivered += events.num_rows
        summary.files.append(key)
    if failures:
        catalog = CatalogTable(database, table, kinesis.meta.region_name)
        body = b"".join(
            conversion_error_record(
                records[i]["Data"],
                _arrival_ms(records[i]),
                reason,
                sequence_number=records[i]["SequenceNumber"],
                table=catalog,
            )
            for i, reason in failures
        )
        key = f"{error_prefix}format-conversion-failed/{stream_name}-errors-{first}.json"
        lake.write_bytes(key, body)
        summary.failed = len(failures)
        summary.files.append(key)
    return summary


def _arrival_ms(record: dict[str, Any]) -> int:
    """When Kinesis took the record (ApproximateArrivalTimestamp), as Firehose reports it."""
    stamp = record.get("ApproximateArrivalTimestamp")
    return int(stamp.timestamp() * 1000) if stamp is not None else 0


@command
def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m acme_gen.delivery", description=__doc__)
    parser.add_argument("--stream-name", required=True, help="the Kinesis stream to read")
    parser.add_argument("--bucket", required=True, help="bucket (or s3://bucket/prefix) to write")
    parser.add_argument("--database", default="acme_telemetry", help="Glue database of the table")
    parser.add_argument("--table", default="streaming_events", help="Glue table to convert with")
    parser.add_argument("--table-format", choices=["hive", "iceberg"], default="hive",
                        help="iceberg: commit to the Iceberg table through the Glue catalog, "
                        "as Firehose's Iceberg destination does: insert, unless "
                        "--delivery-stream's metadata query says update or delete")  # fmt: skip
    parser.add_argument("--delivery-stream", metavar="NAME",
                        help="with iceberg: the deployed Firehose stream whose table, unique "
                        "keys and JQ metadata query (each record's operation) to play")  # fmt: skip
    parser.add_argument("--endpoint-url", help="AWS endpoint, e.g. a local server")
    parser.add_argument("--region", default=None, help=REGION_HELP)
    args = parser.parse_args(argv)
    root = args.bucket if args.bucket.startswith("s3://") else f"s3://{args.bucket}"
    session = boto3.session.Session(region_name=args.region)
    lake = Lake(root, args.endpoint_url, session.region_name)
    missing = lake.missing_bucket()
    if missing:
        print(f"error: bucket {missing} does not exist", file=sys.stderr)
        return 2
    destination = None
    if args.delivery_stream:
        if args.table_format != "iceberg":
            print("error: --delivery-stream plays an Iceberg destination: add --table-format "
                  "iceberg", file=sys.stderr)  # fmt: skip
            return 2
        firehose = session.client("firehose", endpoint_url=args.endpoint_url)
        destination = IcebergDestination.deployed(firehose, args.delivery_stream)
    summary = deliver(
        session.client("kinesis", endpoint_url=args.endpoint_url),
        session.client("glue", endpoint_url=args.endpoint_url),
        lake,
        args.stream_name,
        args.database,
        args.table,
        table_format=args.table_format,
        destination=destination,
    )
    operations = ", ".join(f"{n:,} {op}" for op, n in summary.operations.items() if n)
    print(
        f"delivered {summary.delivered:,} records in {len(summary.files)} files"
        + (f" ({operations})" if operations else "")
        + f"; {summary.failed:,} to the error prefix"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
