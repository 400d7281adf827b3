"""The Glue catalog adapter: register Hive partitions of the events table."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

BATCH = 100  # BatchCreatePartition takes at most 100 partitions


def partition_values(hour_ms: int) -> list[str]:
    t = datetime.fromtimestamp(hour_ms / 1000, tz=UTC)
    return [f"{t:%Y}", f"{t:%m}", f"{t:%d}", f"{t:%H}"]


def register_partitions(
    glue: Any, database: str, table: str, location: str, hours: Sequence[int]
) -> int:
    """Create the partitions of `hours` under `location` (the table's root URL), copying the
    table's storage descriptor. Partitions that exist already are left as they are, so a
    re-run registers nothing twice. Returns the number of partitions now registered."""
    descriptor = glue.get_table(DatabaseName=database, Name=table)["Table"]["StorageDescriptor"]
    inputs = []
    for hour in hours:
        values = partition_values(hour)
        sd = copy.deepcopy(descriptor)
        keys = ("year", "month", "day", "hour")
        sd["Location"] = (
            location.rstrip("/")
            + "/"
            + "/".join(f"{k}={v}" for k, v in zip(keys, values, strict=True))
            + "/"
        )
        inputs.append({"Values": values, "StorageDescriptor": sd})
    for i in range(0, len(inputs), BATCH):
        response = glue.batch_create_partition(
            DatabaseName=database, TableName=table, PartitionInputList=inputs[i : i + BATCH]
        )
        failures = [e for e in response.get("Errors", [])
                    if e["ErrorDetail"]["ErrorCode"] != "AlreadyExistsException"]  # fmt: skip
        if failures:
            detail = failures[0]["ErrorDetail"]
            raise RuntimeError(
                f"{len(failures)} partitions not registered: "
                f"{detail['ErrorCode']}: {detail.get('ErrorMessage', '')}"
            )
    return len(inputs)
