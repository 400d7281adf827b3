"""The local lake: Hive-partitioned Parquet files, each either complete or absent.

Files are written into a hidden staging directory inside the lake and renamed into place,
so a reader (or a killed run) never sees half a file; readers and Athena skip the
dot-prefixed staging directory.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterable
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

STAGING_DIR = ".staging"

# Dictionary-encode only columns with few distinct values per file (and the ids that repeat
# within a session); statistics only where they help pruning. UUID columns get neither.
DICTIONARY_COLUMNS = [
    "event_type", "customer_id", "title_id", "session_id", "device_id", "title_type", "device_type",
    "device_os", "app_version", "quality", "ip_address", "isp", "connection_type", "country",
    "state", "city",
]  # fmt: skip
STATISTICS_COLUMNS = ["event_timestamp", "event_type", "customer_id", "title_id"]


def parquet_options(table: str) -> dict[str, object]:
    # store_schema=False: no Arrow schema in the footer, so a dictionary-encoded input column
    # reads back as the plain string the models declare.
    if table == "streaming_events":
        return {
            "compression": "snappy",
            "use_dictionary": DICTIONARY_COLUMNS,
            "write_statistics": STATISTICS_COLUMNS,
            "store_schema": False,
        }
    return {"compression": "snappy", "store_schema": False}


def partition_path(hour_start_ms: int) -> str:
    t = datetime.fromtimestamp(hour_start_ms / 1000, tz=UTC)
    return f"year={t:%Y}/month={t:%m}/day={t:%d}/hour={t:%H}"


def write_parquet(
    final_path: Path, tables: Iterable[pa.Table], table_name: str, lake: Path
) -> tuple[int, int]:
    """Write row groups to a staged file, then rename it into place. Returns (rows, bytes);
    writes nothing and returns (0, 0) when there are no rows."""
    staging = lake / STAGING_DIR
    staging.mkdir(parents=True, exist_ok=True)
    tmp = staging / f"{final_path.name}.{uuid.uuid4().hex}.tmp"
    rows = 0
    try:
        writer: pq.ParquetWriter | None = None
        for table in tables:
            if table.num_rows == 0:
                continue
            if writer is None:
                writer = pq.ParquetWriter(tmp, table.schema, **parquet_options(table_name))
            writer.write_table(table)
            rows += table.num_rows
        if writer is None:
            return 0, 0
        writer.close()
        final_path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final_path)
        return rows, final_path.stat().st_size
    finally:
        with suppress(FileNotFoundError):
            tmp.unlink()


def clear_staging(lake: Path) -> None:
    """Remove what an interrupted run left in staging (never a finished file)."""
    shutil.rmtree(lake / STAGING_DIR, ignore_errors=True)
