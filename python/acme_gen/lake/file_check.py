"""Is a telemetry file what it claims to be: its columns and Parquet types the model's, and,
before a resume skips it, readable to its footer with rows in it. A truncated file has no
footer (Parquet writes it last), so reading the footer is the completeness check."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from acme_gen.lake.iceberg import ICEBERG_SCHEMA
from acme_gen.lake.store import Lake
from acme_gen.models import StreamingEvent
from acme_gen.schema import arrow_schema

_PHYSICAL = {
    pa.string(): ("BYTE_ARRAY", "String"),
    pa.int32(): ("INT32", "None"),
    pa.float64(): ("DOUBLE", "None"),
}


def schema_problem(parquet_schema: pq.ParquetSchema, table_format: str = "hive") -> str | None:
    """Why the file's columns are not the telemetry table's, or None."""
    expected = arrow_schema(StreamingEvent) if table_format == "hive" else ICEBERG_SCHEMA
    names = [parquet_schema.column(i).name for i in range(len(parquet_schema))]
    if names != expected.names:
        return f"columns {names[:3]}... differ from the model's {expected.names[:3]}..."
    for i, field in enumerate(expected):
        col = parquet_schema.column(i)
        physical, logical = _PHYSICAL[field.type]
        if col.physical_type != physical or (
            logical != "None" and str(col.logical_type) != logical
        ):
            found = f"{col.physical_type}/{col.logical_type}"
            return f"column {field.name} is {found}, expected {physical}"
    return None


def file_problem(lake: Lake, relative: str, table_format: str = "hive") -> str | None:
    """Why the telemetry file at `relative` is not complete, or None when it is."""
    try:
        with lake.fs.open_input_file(lake.path(relative)) as f:
            parquet = pq.ParquetFile(f)
            problem = schema_problem(parquet.schema, table_format)
            rows = parquet.metadata.num_rows
    except (pa.ArrowException, OSError) as exc:  # truncated, empty or not Parquet at all
        return f"unreadable ({first_line(exc)})"
    if problem:
        return problem
    return "no rows" if rows == 0 else None


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
