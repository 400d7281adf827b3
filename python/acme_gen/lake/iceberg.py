"""The telemetry as an Apache Iceberg table (format v2) through pyiceberg.

Layout: `<lake>/iceberg/streaming_events/{data,metadata}/`, partitioned by identity on the
year/month/day/hour string columns, which the data files carry as columns (so every seed
query runs unchanged, and the filters prune). Locally the catalog is SQLite inside the lake
(`<lake>/_iceberg/catalog.db`: no server); on s3:// with a Glue database it is Glue.

Readers need no catalog: the current snapshot's data files are read from the newest
metadata file (what Athena reads through Glue), or from the local catalog where there is one.
A commit is one atomic swap of the metadata pointer, so a killed writer leaves files no
snapshot names (harmless, rewritten identically on resume), never half a commit.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs

from acme_gen.cli import SetupError
from acme_gen.lake.store import Lake
from acme_gen.models import StreamingEvent
from acme_gen.schema import DATABASE, ICEBERG_DIR, arrow_schema
from acme_gen.time_labels import PARTITION_KEYS, partition_values

TABLE = "streaming_events"
TABLE_DIR = f"{ICEBERG_DIR}/{TABLE}"
DATA_DIR = f"{TABLE_DIR}/data"
CATALOG_FILE = "_iceberg/catalog.db"
ICEBERG_SCHEMA = pa.schema(
    [*arrow_schema(StreamingEvent), *(pa.field(k, pa.string()) for k in PARTITION_KEYS)]
)
TABLE_PROPERTIES = {
    "format-version": "2",
    "write.format.default": "parquet",
    "write.parquet.compression-codec": "snappy",
}
_METADATA = re.compile(r"(\d+)-[0-9a-f-]+\.metadata\.json$")


class IcebergUnavailable(SetupError):
    """pyiceberg is not installed (the extra 'iceberg'): a setup error, one line."""


def require_pyiceberg() -> None:
    try:
        import pyiceberg  # noqa: F401
    except ImportError:
        raise IcebergUnavailable(
            "an Iceberg table needs pyiceberg: pip install 'acme-gen[iceberg]'"
        ) from None


def with_partition_columns(events: pa.Table, hour_ms: int) -> pa.Table:
    """The rows of the hour starting at hour_ms with its year/month/day/hour as columns."""
    n = events.num_rows
    for name, value in zip(PARTITION_KEYS, partition_values(hour_ms), strict=True):
        events = events.append_column(name, pa.array([value] * n, pa.string()))
    return events


def _file_io_properties(lake: Lake) -> dict[str, str]:
    if not lake.is_s3:
        return {}
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    props = {"s3.endpoint": lake.endpoint_url or endpoint or ""}
    region = lake.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if region:
        props["s3.region"] = region
    return {k: v for k, v in props.items() if v}


def open_catalog(lake: Lake, glue_database: str | None = None) -> Any:
    """The table's catalog: SQLite inside a local lake, Glue for s3:// (pyiceberg's own)."""
    require_pyiceberg()
    if lake.is_s3:
        from pyiceberg.catalog.glue import GlueCatalog

        props = _file_io_properties(lake)
        if "s3.endpoint" in props:
            props["glue.endpoint"] = props["s3.endpoint"]
        if "s3.region" in props:
            props["glue.region"] = props["s3.region"]
        return GlueCatalog("glue", **props)
    from pyiceberg.catalog.sql import SqlCatalog

    db = Path(lake.path(CATALOG_FILE))
    db.parent.mkdir(parents=True, exist_ok=True)
    return SqlCatalog("acme", uri=f"sqlite:///{db}", warehouse=f"file://{lake.root}")


def events_table(catalog: Any, lake: Lake, database: str = DATABASE) -> Any:
    """The streaming_events Iceberg table, created (v2, partitioned) if the catalog lacks it."""
    from pyiceberg.exceptions import (
        NamespaceAlreadyExistsError,
        NoSuchIcebergTableError,
        NoSuchPropertyException,
        NoSuchTableError,
    )
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.transforms import IdentityTransform

    identifier = f"{database}.{TABLE}"
    try:
        return catalog.load_table(identifier)
    except (NoSuchIcebergTableError, NoSuchPropertyException, ValueError) as exc:
        # A Glue table pyiceberg cannot read as Iceberg, kept as it is: a Hive lake's, with
        # another table_type, none (terraform/modules/lake's), or no Parameters at all.
        if not lake.is_s3 or (isinstance(exc, ValueError) and "Glue table" not in str(exc)):
            raise
        raise SetupError(
            f"{identifier} in the Glue catalog is not an Iceberg table pyiceberg can open "
            f'({exc}); a Hive lake\'s? deploy with table_format = "iceberg" or drop '
            "--table-format iceberg"
        ) from None
    except NoSuchTableError:
        pass
    with contextlib.suppress(NamespaceAlreadyExistsError):
        catalog.create_namespace(database)
    schema = _iceberg_schema()
    first_partition_id = len(ICEBERG_SCHEMA) - len(PARTITION_KEYS) + 1  # ids are 1-based
    spec = PartitionSpec(
        *(
            PartitionField(first_partition_id + i, 1000 + i, IdentityTransform(), name)
            for i, name in enumerate(PARTITION_KEYS)
        )
    )
    return catalog.create_table(
        identifier,
        schema=schema,
        partition_spec=spec,
        location=file_url(lake, TABLE_DIR),
        properties=TABLE_PROPERTIES,
    )


def _iceberg_schema() -> Any:
    """ICEBERG_SCHEMA with field ids 1..n in column order (the partition spec names them)."""
    from pyiceberg.schema import Schema
    from pyiceberg.types import DoubleType, IntegerType, NestedField, StringType

    types = {pa.string(): StringType(), pa.int32(): IntegerType(), pa.float64(): DoubleType()}
    return Schema(
        *(
            NestedField(i, f.name, types[f.type], required=False)
            for i, f in enumerate(ICEBERG_SCHEMA, start=1)
        )
    )


def file_url(lake: Lake, relative: str) -> str:
    """A path in the lake as Iceberg metadata names it (s3://... or file://...)."""
    return lake.url(relative) if lake.is_s3 else f"file://{lake.path(relative)}"


def committed_files(table: Any) -> set[str]:
    """Data files the table's current snapshot holds."""
    return {task.file.file_path for task in table.scan().plan_files()}


def is_iceberg(lake: Lake) -> bool:
    return lake.exists(CATALOG_FILE) or lake.exists(f"{TABLE_DIR}/metadata")


def current_table(lake: Lake) -> Any:
    """The table as its catalog's pointer describes it: the SQLite catalog inside a local
    lake; on s3:// Glue's metadata_location (what Athena follows), so metadata a failed
    commit left is not read as current. Without a catalog, the newest metadata file."""
    require_pyiceberg()
    if lake.exists(CATALOG_FILE):
        return events_table(open_catalog(lake), lake)
    from pyiceberg.table import StaticTable

    location = _glue_pointer(lake) if lake.is_s3 else None
    if location is None:
        selector = pafs.FileSelector(lake.path(f"{TABLE_DIR}/metadata"), allow_not_found=True)
        versions = [
            (int(m.group(1)), info.path)
            for info in lake.fs.get_file_info(selector)
            if (m := _METADATA.search(info.path))
        ]
        if not versions:
            return None
        newest = max(versions)[1]
        location = f"s3://{newest}" if lake.is_s3 else f"file://{newest}"
    return StaticTable.from_metadata(location, properties=_file_io_properties(lake))


def catalog_database(lake: Lake) -> str:
    """The Glue database of the lake's table: the one the backfill committed through (its
    manifest says), else the stack's default."""
    from acme_gen.lake.manifest import read_manifest

    manifest = read_manifest(lake)
    found = manifest.get("glue_database") if isinstance(manifest, dict) else None
    return str(found) if found else DATABASE


_told: set[str] = set()


def _glue_pointer(lake: Lake) -> str | None:
    """Glue's metadata_location for the lake's table, or None (with a notice, once) where
    Glue has no such table of this lake or cannot be asked."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    database = catalog_database(lake)
    props = _file_io_properties(lake)
    glue = boto3.client("glue", endpoint_url=props.get("s3.endpoint"),
                        region_name=props.get("s3.region"))  # fmt: skip
    why = None
    try:
        table = glue.get_table(DatabaseName=database, Name=TABLE)["Table"]
        location = table.get("Parameters", {}).get("metadata_location", "")
        if location.startswith(lake.url(f"{TABLE_DIR}/")):
            return str(location)
        why = f"Glue's {database}.{TABLE} points elsewhere ({location or 'nowhere'})"
    except (BotoCoreError, ClientError) as exc:
        why = f"Glue's {database}.{TABLE}: {str(exc).splitlines()[0]}"
    if why not in _told:
        _told.add(why)
        print(f"notice: {why}; reading the newest metadata file under {lake.url(TABLE_DIR)} "
              "(metadata of a failed commit would be read too)", file=sys.stderr)  # fmt: skip
    return None


def data_files(lake: Lake) -> list[str]:
    """The current snapshot's data files as paths on the lake's filesystem."""
    table = current_table(lake)
    if table is None:
        return []
    return sorted(re.sub(r"^(s3|file)://", "", p) for p in committed_files(table))


OPERATIONS = ("insert", "update", "delete")


def apply_operations(
    table: Any, rows: pa.Table, operations: list[str], unique_keys: list[str]
) -> dict[str, int]:
    """Commit rows to the table as Firehose's Iceberg destination does with each record's
    operation (Firehose guide, "Configure unique keys"): insert appends (a duplicate stays),
    update replaces the row of the same unique keys or inserts it when there is none, delete
    removes it. One snapshot for all. Real Firehose writes an update as a delete file plus
    an insert (merge-on-read, until compaction); pyiceberg rewrites the affected data files
    instead (copy-on-write): the rows a reader sees are the same."""
    from pyiceberg import expressions

    # Loosely typed: the expression classes' constructors type-check differently from one
    # pyiceberg and mypy to the next, while the calls are the documented ones.
    expr: Any = expressions
    ops = pa.array(operations, pa.string())
    counts = {op: int(pc.sum(pc.equal(ops, op)).as_py() or 0) for op in OPERATIONS}
    if (counts["update"] or counts["delete"]) and not unique_keys:
        raise ValueError("update and delete need unique keys, and the destination has none")
    chosen = {op: rows.filter(pc.equal(ops, op)) for op in OPERATIONS}
    with table.transaction() as tx:
        if counts["delete"]:
            keys = chosen["delete"].select(unique_keys).to_pylist()
            if len(unique_keys) == 1:
                tx.delete(expr.In(unique_keys[0], [k[unique_keys[0]] for k in keys]))
            else:
                matches = [expr.And(*(expr.EqualTo(c, k[c]) for c in unique_keys)) for k in keys]
                tx.delete(matches[0] if len(matches) == 1 else expr.Or(*matches))
        if counts["update"]:
            tx.upsert(_last_per_key(chosen["update"], unique_keys), join_cols=unique_keys)
        if counts["insert"]:
            tx.append(chosen["insert"])
    return counts


def _last_per_key(rows: pa.Table, keys: list[str]) -> pa.Table:
    """One row per key, the last delivered (an update of a row updated in the same batch)."""
    position = pa.array(range(rows.num_rows))
    grouped = rows.select(keys).append_column("_i", position).group_by(keys)
    last = grouped.aggregate([("_i", "max")])["_i_max"].to_numpy()
    return rows.take(np.sort(last))
