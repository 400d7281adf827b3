"""Firehose's error output for a record its data format conversion rejected, in the one shape
AWS documents (Amazon Data Firehose Developer Guide, "Handling errors for data format
conversion"): one JSON document per line under errors/format-conversion-failed/.

    {"attemptsMade", "arrivalTimestamp", "ErrorCode", "ErrorMessage", "attemptEndingTimestamp",
     "rawData" (base64), "sequenceNumber", "subSequenceNumber", "dataCatalogTable": {...}}

The backfill's faulty hours and the local Firehose stand-in (acme_gen.delivery) both write it
here; reconcile reads only rawData (lake/landed.py), which every version of the shape has.
Where a writer has no Kinesis sequence number (a backfill never went through Kinesis), the
field is null.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import orjson

from acme_gen.schema import ERRORS_DIR

CONVERSION_FAILED_DIR = f"{ERRORS_DIR}/format-conversion-failed"
CONVERSION_FAILED = "DataFormatConversion.Failed"
DOCUMENTED_FIELDS = ("attemptsMade", "arrivalTimestamp", "ErrorCode", "ErrorMessage",
                     "attemptEndingTimestamp", "rawData", "sequenceNumber", "subSequenceNumber",
                     "dataCatalogTable")  # fmt: skip


@dataclass(frozen=True)
class CatalogTable:
    """The Glue table Firehose converted with (dataCatalogTable)."""

    database: str
    table: str
    region: str | None = None
    catalog_id: str | None = None


def conversion_error_record(
    raw: bytes,
    arrival_ms: int,
    message: str,
    *,
    sequence_number: str | None = None,
    sub_sequence_number: int | None = None,
    table: CatalogTable | None = None,
) -> bytes:
    """One line of the error output: the record's raw bytes and why it was rejected."""
    catalog = (
        {
            "catalogId": table.catalog_id,
            "databaseName": table.database,
            "tableName": table.table,
            "region": table.region,
            "versionId": None,
            "catalogArn": None,
        }
        if table
        else None
    )
    document = {
        "attemptsMade": 1,
        "arrivalTimestamp": arrival_ms,
        "ErrorCode": CONVERSION_FAILED,
        "ErrorMessage": message,
        "attemptEndingTimestamp": arrival_ms,
        "rawData": base64.b64encode(raw).decode(),
        "sequenceNumber": sequence_number,
        "subSequenceNumber": sub_sequence_number,
        "dataCatalogTable": catalog,
    }
    return orjson.dumps(document) + b"\n"
