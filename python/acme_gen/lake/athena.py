"""The lake through Amazon Athena: run SQL in the stack's workgroup, wait, and read the rows.

boto3 directly rather than PyAthena: three calls (StartQueryExecution, GetQueryExecution,
GetQueryResults) are all it takes, boto3 is already a dependency, and the rows come back as
an Arrow table that prints like the local engine's. The workgroup's settings apply (its
result location under athena-results/, its per-query scan cutoff).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from acme_gen.cli import SetupError

PRICE_PER_TB = 5.0  # Athena SQL, per TB scanned (decimal TB), with a 10 MB minimum per query
MINIMUM_BYTES = 10 * 1000**2
STACK_WORKGROUP = "acme-telemetry"  # the Terraform root's defaults (prefix "acme")
STACK_DATABASE = "acme_telemetry"
_DONE = ("SUCCEEDED", "FAILED", "CANCELLED")
_TYPES = {
    "boolean": pa.bool_(), "tinyint": pa.int64(), "smallint": pa.int64(),
    "integer": pa.int64(), "bigint": pa.int64(), "float": pa.float64(),
    "real": pa.float64(), "double": pa.float64(),
}  # fmt: skip


class AthenaError(SetupError):
    """A query Athena refused or failed, or a workgroup it cannot find (one line)."""


@dataclass
class AthenaResult:
    rows: pa.Table
    query_id: str
    bytes_scanned: int
    seconds: float

    def cost_line(self) -> str:
        """`scanned 1.2 MB in 3.4 s: $0.00005 at $5/TB (10 MB minimum)`."""
        billed = max(self.bytes_scanned, MINIMUM_BYTES) if self.bytes_scanned else 0
        cost = billed / 1000**4 * PRICE_PER_TB
        scanned = _size(self.bytes_scanned)
        return (
            f"athena {self.query_id}: scanned {scanned} in {self.seconds:.1f} s: "
            f"${cost:.5f} at ${PRICE_PER_TB:g}/TB (10 MB minimum)"
        )


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return f"{n:.1f} TB"


def stack_defaults(state: Path) -> dict[str, str]:
    """The workgroup and database from a Terraform state file's outputs, where there is one
    (a local state: terraform/terraform.tfstate); the stack's default names otherwise."""
    defaults = {"workgroup": STACK_WORKGROUP, "database": STACK_DATABASE}
    try:
        outputs = json.loads(state.read_text()).get("outputs", {})
    except (OSError, ValueError):
        return defaults
    for key, output in (("workgroup", "athena_workgroup_name"), ("database", "glue_database_name")):
        value = outputs.get(output, {}).get("value")
        if isinstance(value, str) and value:
            defaults[key] = value
    return defaults


def run_query(
    client: Any,
    sql: str,
    workgroup: str,
    database: str,
    *,
    progress: Callable[[str], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> AthenaResult:
    """Run one statement and wait for it; its rows as an Arrow table (Athena's types where
    they map to numbers, the rest as text, NULL as null)."""
    from botocore.exceptions import BotoCoreError, ClientError

    started = clock()
    try:
        query_id = client.start_query_execution(
            QueryString=sql, WorkGroup=workgroup, QueryExecutionContext={"Database": database}
        )["QueryExecutionId"]
        delay = 0.2
        while True:
            execution = client.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
            state = execution["Status"]["State"]
            scanned = int(execution.get("Statistics", {}).get("DataScannedInBytes", 0))
            if state in _DONE:
                break
            if progress:
                progress(f"athena: {state.lower()} {clock() - started:.0f} s, "
                         f"{_size(scanned)} scanned")  # fmt: skip
            sleep(delay)
            delay = min(delay * 2, 2.0)
        if state != "SUCCEEDED":
            reason = execution["Status"].get("StateChangeReason", "no reason given")
            raise AthenaError(f"athena query {query_id} {state.lower()}: {reason}")
        pages = client.get_paginator("get_query_results").paginate(QueryExecutionId=query_id)
        rows = _rows(list(pages), execution.get("StatementType") == "DML")
    except (BotoCoreError, ClientError) as exc:
        raise AthenaError(f"athena: {str(exc).splitlines()[0]}") from None
    return AthenaResult(rows, query_id, scanned, clock() - started)


def _rows(pages: list[dict[str, Any]], with_header: bool) -> pa.Table:
    """GetQueryResults pages as a table. A SELECT's first row repeats the column names."""
    if not pages:
        return pa.table({})
    columns = pages[0]["ResultSet"].get("ResultSetMetadata", {}).get("ColumnInfo", [])
    names = [c["Name"] for c in columns]
    values = [
        [d.get("VarCharValue") for d in r["Data"]] for p in pages for r in p["ResultSet"]["Rows"]
    ]
    if with_header and values and values[0] == names:
        values = values[1:]
    arrays = []
    for i, column in enumerate(columns):
        text = pa.array([row[i] if i < len(row) else None for row in values], pa.string())
        kind = _TYPES.get(column.get("Type", "varchar").lower())
        try:
            arrays.append(text.cast(kind) if kind is not None else text)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            arrays.append(text)  # a value the type does not parse: show it as Athena sent it
    return pa.Table.from_arrays(arrays, names=names)
