"""DuckDB over a lake, under the Athena names: the same SQL runs here as in Athena.

`acme_telemetry.streaming_events` carries the partition columns year/month/day/hour as
strings, as in Glue; a filter on them prunes files. The dimension tables are
`acme_telemetry.customers`, `titles` and `campaigns` (also reachable unqualified).
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from acme_gen.lake import iceberg
from acme_gen.lake.store import Lake
from acme_gen.models import DIMENSIONS, TABLES, StreamingEvent
from acme_gen.schema import DATABASE, TABLE_DIRS, arrow_schema
from acme_gen.time_labels import PARTITION_KEYS

QUERIES_DIR = Path(__file__).resolve().parents[1] / "queries"


class LakeError(Exception):
    """The lake is missing or holds no telemetry."""


@dataclass(frozen=True)
class ExampleQuery:
    name: str
    title: str
    sql: str


def example_queries() -> list[ExampleQuery]:
    """The seed README's example queries, kept as .sql files (also Athena named queries)."""
    out = []
    for entry in sorted(QUERIES_DIR.glob("*.sql")):
        sql = entry.read_text()
        title = sql.splitlines()[0].removeprefix("--").strip()
        out.append(ExampleQuery(entry.stem, title, sql))
    return out


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


# Athena's column order: the model's fields, then the partition columns.
_EVENT_COLUMNS = ", ".join([*StreamingEvent.model_fields, *PARTITION_KEYS])


# The views over the lake, each on those before it: the de-duplicated events, the sessions,
# the sessions by breakdown, plays running per minute, the QoE KPIs. Athena's are Glue views
# of the same SQL (terraform/modules/lake).
VIEWS = ("streaming_events_unique", "sessions", "session_dimensions", "concurrent_plays",
         "qoe_kpis")  # fmt: skip


def view_sql(name: str, database: str = DATABASE) -> str:
    """The SQL of view `name` (queries/views/<name>.sql), naming `database`."""
    template = (QUERIES_DIR / "views" / f"{name}.sql").read_text()
    return template.format(columns=_EVENT_COLUMNS, database=database)


def unique_view_sql(database: str = DATABASE) -> str:
    """streaming_events with one row per event_id: the SQL Athena's view runs too."""
    return view_sql("streaming_events_unique", database)


_GLUE_TYPES = {"VARCHAR": "string", "DOUBLE": "double", "BIGINT": "bigint", "BOOLEAN": "boolean"}


def views_document() -> dict[str, dict[str, Any]]:
    """Each view after streaming_events_unique (whose columns are the table's): its
    description (the SQL's first comment line) and its columns as Glue types, as DuckDB
    types them over an empty table. Terraform's Glue views read it from
    terraform/schema/views.json (written by scripts/build_views_json.py)."""
    con = bounded_connection()
    con.execute(f"CREATE SCHEMA {DATABASE}")
    fields = [*arrow_schema(StreamingEvent), *(pa.field(k, pa.string()) for k in PARTITION_KEYS)]
    con.register("_no_events", pa.schema(fields).empty_table())
    con.execute(f"CREATE VIEW {DATABASE}.streaming_events AS SELECT * FROM _no_events")
    _create_views(con)
    out = {}
    for name in VIEWS[1:]:
        rows = con.execute(f"DESCRIBE {DATABASE}.{name}").fetchall()
        first = (QUERIES_DIR / "views" / f"{name}.sql").read_text().splitlines()[0]
        out[name] = {
            "description": first.removeprefix("--").strip(),
            "columns": [{"name": r[0], "type": _GLUE_TYPES[r[1]]} for r in rows],
        }
    return out


def missing_dimensions(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Dimension tables the lake lacks (a lake only the stream filled: the backfill writes
    them). They are present as empty views, so every query still runs."""
    return [name for (name,) in con.execute("SELECT name FROM _missing_dimensions").fetchall()]


def _create_views(con: duckdb.DuckDBPyConnection) -> None:
    present = {r[0] for r in con.execute(
        f"SELECT table_name FROM information_schema.tables WHERE table_schema = '{DATABASE}'"
    ).fetchall()}  # fmt: skip
    missing = [t for t in DIMENSIONS if t not in present]
    for table in missing:
        con.register(f"_empty_{table}", arrow_schema(TABLES[table]).empty_table())
        con.execute(f"CREATE VIEW {DATABASE}.{table} AS SELECT * FROM _empty_{table}")
    con.register("_missing_dimensions", pa.table({"name": pa.array(missing, pa.string())}))
    for name in VIEWS:
        con.execute(f"CREATE VIEW {DATABASE}.{name} AS {view_sql(name)}")
    con.execute(f"SET schema = '{DATABASE}'")


MEMORY_LIMIT = "500MB"  # DuckDB's: past it, joins, sorts and aggregates spill to disk


def bounded_connection(database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that holds at most MEMORY_LIMIT and spills to a temporary
    directory of its own (removed with the connection): queries over a lake of any size
    run in bounded memory, not in 80% of the machine's, DuckDB's default."""
    scratch = tempfile.mkdtemp(prefix="acme-duckdb-")
    # No DuckDB progress bar: the commands run many queries each, and a bar per query (sent
    # to a log as carriage-return fragments) buries the commands' own lines.
    con = duckdb.connect(database, config={"memory_limit": MEMORY_LIMIT,
                                           "temp_directory": scratch})  # fmt: skip
    con.execute("SET enable_progress_bar = false")
    weakref.finalize(con, shutil.rmtree, scratch, True)
    return con


def connect(
    lake: str | Path, endpoint_url: str | None = None, region: str | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake's tables as views; `lake` is a directory or
    s3://bucket[/prefix] (read through pyarrow's S3 filesystem, so no DuckDB extension)."""
    if str(lake).startswith("s3://"):
        return _connect_arrow_dataset(Lake(str(lake), endpoint_url, region))
    if iceberg.is_iceberg(Lake(str(lake))):
        return _connect_arrow_dataset(Lake(str(lake)))  # the same dataset path serves a local table
    lake = Path(lake)
    telemetry = lake / TABLE_DIRS["streaming_events"]
    if not any(telemetry.glob("year=*/month=*/day=*/hour=*/*.parquet")):
        raise LakeError(f"no telemetry Parquet files under {telemetry}")
    con = bounded_connection()
    con.execute(f"CREATE SCHEMA {DATABASE}")
    hive_types = ", ".join(f"'{k}': VARCHAR" for k in PARTITION_KEYS)
    glob = telemetry / "year=*" / "month=*" / "day=*" / "hour=*" / "*.parquet"
    con.execute(
        f"CREATE VIEW {DATABASE}.streaming_events AS SELECT {_EVENT_COLUMNS} FROM read_parquet("
        f"{_quote(glob)}, hive_partitioning = true, hive_types = {{{hive_types}}})"
    )
    for table in DIMENSIONS:
        files = lake / TABLE_DIRS[table]
        if any(files.glob("*.parquet")):
            con.execute(
                f"CREATE VIEW {DATABASE}.{table} AS "
                f"SELECT * FROM read_parquet({_quote(files / '*.parquet')})"
            )
    _create_views(con)
    return con


def _connect_arrow_dataset(lake: Lake) -> duckdb.DuckDBPyConnection:
    """Views over pyarrow datasets: a lake on S3, or an Iceberg table's current files."""
    import pyarrow.dataset as ds

    missing = lake.missing_bucket()
    if missing:
        raise LakeError(f"bucket {missing} does not exist")
    partitioning = ds.partitioning(
        pa.schema([(k, pa.string()) for k in PARTITION_KEYS]), flavor="hive"
    )
    if iceberg.is_iceberg(lake):  # the current snapshot's files carry year/month/day/hour
        events = ds.dataset(iceberg.data_files(lake), filesystem=lake.fs, format="parquet")
    else:
        events = ds.dataset(
            lake.path(TABLE_DIRS["streaming_events"]),
            filesystem=lake.fs,
            format="parquet",
            partitioning=partitioning,
            exclude_invalid_files=False,
        )
    if not events.files:
        where = iceberg.TABLE_DIR if iceberg.is_iceberg(lake) else TABLE_DIRS["streaming_events"]
        raise LakeError(f"no telemetry Parquet files under {lake.url(where)}")
    con = bounded_connection()
    con.execute(f"CREATE SCHEMA {DATABASE}")
    con.register("_streaming_events", events)
    con.execute(
        f"CREATE VIEW {DATABASE}.streaming_events AS SELECT {_EVENT_COLUMNS} FROM _streaming_events"
    )
    for table in DIMENSIONS:
        if lake.exists(TABLE_DIRS[table]):
            con.register(
                f"_{table}",
                ds.dataset(lake.path(TABLE_DIRS[table]), filesystem=lake.fs, format="parquet"),
            )
            con.execute(f"CREATE VIEW {DATABASE}.{table} AS SELECT * FROM _{table}")
    _create_views(con)
    return con
