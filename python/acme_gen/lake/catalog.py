"""The Glue catalog adapter: register Hive partitions of the events table."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from acme_gen.time_labels import partition_path, partition_values

BATCH = 100  # BatchCreatePartition takes at most 100 partitions


def register_partitions(
    glue: Any, database: str, table: str, location: str, hours: Sequence[int]
) -> int:
    """Create the partitions of `hours` under `location` (the table's root URL), copying the
    table's storage descriptor. Partitions that exist already are left as they are, so a
    re-run registers nothing twice. Returns the number of partitions now registered."""
    descriptor = glue.get_table(DatabaseName=database, Name=table)["Table"]["StorageDescriptor"]
    inputs = []
    for hour in hours:
        sd = copy.deepcopy(descriptor)
        sd["Location"] = f"{location.rstrip('/')}/{partition_path(hour)}/"
        inputs.append({"Values": list(partition_values(hour)), "StorageDescriptor": sd})
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
