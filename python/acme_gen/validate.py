"""Check a lake against the models: python -m acme_gen.validate --lake output

Checks, each with a one-line verdict; the exit code is 1 on any violation (2 on bad input):
- schema: every telemetry file's columns and Parquet physical types are the declared ones;
- partitions: every event lies in the partition of its own event hour;
- sessions: consecutive events of a session follow start -> (pause -> resume)* -> stop |
  complete (or end paused: pause -> stop), watch and stall time since the previous event fit
  the wall time and nothing is gained while paused, the playhead stays inside the title (it
  seeks both ways), and complete means the position reached the title's credits;
- references: every customer_id and title_id has a row in customers / titles;
- duplicates: no event_id appears twice.
Faults the lake declares in _truth/faults/ (a backfill with --faults) are reported and their
effects expected: declared duplicates may land twice, and sessions with a declared dropped or
malformed event are left out of the sessions check; any undeclared violation still fails.
Works on a local lake or s3:// (with --endpoint-url for a local server).
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from acme_gen.cli import REGION_HELP, Parser, command
from acme_gen.lake.file_check import first_line, schema_problem
from acme_gen.lake.iceberg import is_iceberg
from acme_gen.lake.landed import telemetry_files
from acme_gen.lake.sql import bounded_connection
from acme_gen.lake.store import Lake
from acme_gen.lake.truth import FAULT_SCHEMA, FAULTS_DIR, read_faults
from acme_gen.models import TABLES, StreamingEvent
from acme_gen.schema import TABLE_DIRS, arrow_schema
from acme_gen.time_labels import hour_label, partition_hour_ms

SESSION_COLUMNS = [
    "event_id",
    "session_id",
    "event_type",
    "event_timestamp",
    "customer_id",
    "title_id",
    "watch_duration_seconds",
    "buffering_duration_seconds",
    "position_seconds",
]
ALLOWED_TRANSITIONS = [
    ("start", "pause"),
    ("start", "stop"),
    ("start", "complete"),
    ("pause", "resume"),
    ("pause", "stop"),  # a play that ends on a pause never resumed
    ("resume", "pause"),
    ("resume", "stop"),
    ("resume", "complete"),
]
EXAMPLES = 3
MEMORY_LIMIT = "300MB"  # DuckDB's, for the cross-file checks: it spills to disk past it
CHECKS_DIR = Path(__file__).resolve().parent / "queries" / "checks"


@dataclass
class Verdict:
    check: str
    ok: bool
    detail: str
    skipped: bool = False  # nothing to check against; not a failure

    def line(self) -> str:
        word = "SKIP" if self.skipped else "PASS" if self.ok else "FAIL"
        return f"{word} {self.check}: {self.detail}"


def scan(lake: Lake, con: duckdb.DuckDBPyConnection) -> tuple[list[Verdict], list[str]]:
    """Per-file checks (schema, partitions); each file's columns the cross-file checks need
    go into the `events` table of `con`, one file at a time (memory stays bounded)."""
    files = telemetry_files(lake)
    table_format = "iceberg" if is_iceberg(lake) else "hive"
    model = arrow_schema(StreamingEvent)
    columns = pa.schema([*(model.field(c) for c in SESSION_COLUMNS), pa.field("file", pa.int32())])
    con.register("no_events", columns.empty_table())
    con.execute("CREATE TABLE events AS SELECT * FROM no_events")
    schema_bad: list[str] = []
    partition_bad: list[str] = []
    misplaced = 0
    for index, path in enumerate(files):
        try:
            with lake.fs.open_input_file(path) as f:
                parquet = pq.ParquetFile(f)
                problem = schema_problem(parquet.schema, table_format)
                if problem:
                    schema_bad.append(f"{path}: {problem}")
                    continue
                table = parquet.read(columns=SESSION_COLUMNS)
        except (pa.ArrowException, OSError) as exc:  # truncated, empty or not Parquet at all
            schema_bad.append(f"{path}: unreadable ({first_line(exc)})")
            continue
        partition_hour = partition_hour_ms(path)
        if partition_hour is None:
            partition_bad.append(f"{path}: not under year=/month=/day=/hour=")
            continue
        label = hour_label(partition_hour)
        wrong = pc.not_equal(pc.utf8_slice_codeunits(table["event_timestamp"], 0, 13), label)
        n_wrong = pc.sum(wrong).as_py() or 0
        if n_wrong:
            misplaced += n_wrong
            ids = table.filter(wrong)["event_id"].to_pylist()[:EXAMPLES]
            partition_bad.append(
                f"{path}: {n_wrong} events outside hour {label} ({', '.join(ids)})"
            )
        one_file = table.append_column("file", pa.array([index] * table.num_rows, pa.int32()))
        con.register("one_file", one_file)
        con.execute("INSERT INTO events SELECT * FROM one_file")
        con.unregister("one_file")
    verdicts = [
        Verdict(
            "schema",
            not schema_bad,
            f"{len(files)} files"
            if not schema_bad
            else f"{len(schema_bad)} of {len(files)} files; first: {schema_bad[0]}",
        ),
        Verdict(
            "partitions",
            not partition_bad,
            "every event in its own event hour"
            if not partition_bad
            else f"{misplaced} events; first: {partition_bad[0]}",
        ),
    ]
    return verdicts, files


def _first(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[int, list[tuple[object, ...]]]:
    count = con.execute(f"SELECT COUNT(*) FROM ({sql})").fetchall()[0][0]
    return count, con.execute(f"{sql} LIMIT {EXAMPLES}").fetchall()


def _check_sql(name: str) -> str:
    return (CHECKS_DIR / f"{name}.sql").read_text()


def cross_checks(lake: Lake, con: duckdb.DuckDBPyConnection, files: list[str]) -> list[Verdict]:
    """The checks across files, each one SQL file under queries/checks/ over the events, the
    dimension tables and the declared faults."""
    con.register("file_names", pa.table({"file": pa.array(range(len(files)), pa.int32()),
                                         "name": files}))  # fmt: skip
    prev, now = zip(*ALLOWED_TRANSITIONS, strict=True)
    con.register("allowed_transitions", pa.table({"prev_type": prev, "event_type": now}))
    truth = read_faults(lake)
    con.register("declared", truth if truth is not None else FAULT_SCHEMA.empty_table())
    dims, unreadable = _register_dimensions(con, lake)
    verdicts = [] if truth is None else [_declared_faults(con)]
    if unreadable:
        verdicts.append(Verdict("dimensions", False, "; ".join(unreadable)))
    n_events = con.execute("SELECT COUNT(*) FROM events").fetchall()[0][0]
    verdicts.append(_duplicates(con, n_events, truth is not None))
    verdicts.append(_references(con, dims))
    verdicts.append(_sessions(con))
    return verdicts


def _register_dimensions(con: duckdb.DuckDBPyConnection, lake: Lake) -> tuple[set[str], list[str]]:
    """customers and titles as the lake has them (empty where it has none or cannot be
    read); which it has, and the files it could not read."""
    found, unreadable = set(), []
    for name in ("customers", "titles"):
        path = f"{TABLE_DIRS[name]}/{name}.parquet"
        table = arrow_schema(TABLES[name]).empty_table()
        if lake.exists(path):
            try:
                with lake.fs.open_input_file(lake.path(path)) as f:
                    table = pq.read_table(f)
                found.add(name)
            except (pa.ArrowException, OSError) as exc:
                unreadable.append(f"{lake.path(path)}: unreadable ({first_line(exc)})")
        con.register(name, table)
    return found, unreadable


def _declared_faults(con: duckdb.DuckDBPyConnection) -> Verdict:
    counts = con.execute("SELECT fault, COUNT(*) FROM declared GROUP BY 1 ORDER BY 1").fetchall()
    listed = ", ".join(f"{fault} {n:,}" for fault, n in counts)
    return Verdict("declared faults", True,
                   f"{listed} (from {FAULTS_DIR}/; their effects below are expected, not "
                   "violations)")  # fmt: skip


def _duplicates(con: duckdb.DuckDBPyConnection, events: int, declared: bool) -> Verdict:
    count, rows = _first(con, _check_sql("repeated_ids"))
    if count:
        return Verdict("duplicates", False, f"{count} event_ids repeated; first: {rows}")
    landed = con.execute(_check_sql("declared_duplicates_landed")).fetchall()[0][0]
    if declared:
        text = f"no event_id repeated but the {landed:,} declared duplicates, landed twice"
        return Verdict("duplicates", True, f"{events} events, {text}")
    return Verdict("duplicates", True, f"{events} events, all ids unique")


def _references(con: duckdb.DuckDBPyConnection, dims: set[str]) -> Verdict:
    if len(dims) < 2:
        missing = " and ".join(sorted({"customers", "titles"} - dims))
        return Verdict("references", True, f"no {missing} table in the lake (only the backfill "
                       "writes them; a lake the stream filled has none)", skipped=True)  # fmt: skip
    count, rows = _first(con, _check_sql("orphans"))
    if count:
        return Verdict("references", False, f"{count} orphan events; first: {rows}")
    return Verdict("references", True, "every customer_id and title_id resolves")


def _sessions(con: duckdb.DuckDBPyConnection) -> Verdict:
    count, rows = _first(con, _check_sql("broken_sessions"))
    if count:
        return Verdict("sessions", False, f"{count} broken events; first: {rows}")
    n_sessions = con.execute("SELECT COUNT(DISTINCT session_id) FROM events").fetchall()[0][0]
    gaps = con.execute("SELECT COUNT(DISTINCT session_id) FROM declared "
                       "WHERE fault IN ('drop', 'malformed')").fetchall()[0][0]  # fmt: skip
    excused = f" ({gaps:,} with a declared drop or malformed event not checked)" if gaps else ""
    return Verdict("sessions", True, f"{n_sessions} sessions well-formed{excused}")


def validate(lake: Lake) -> list[Verdict]:
    """Every check. The events' columns go to a DuckDB database in a temporary directory,
    and DuckDB spills to it past MEMORY_LIMIT: validate runs in bounded memory at any size."""
    with tempfile.TemporaryDirectory(prefix="acme-validate-") as scratch:
        con = bounded_connection(f"{scratch}/events.duckdb")
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        try:
            verdicts, files = scan(lake, con)
            return verdicts + cross_checks(lake, con, files)
        finally:
            con.close()


@command
def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m acme_gen.validate", description=__doc__)
    parser.add_argument("--lake", default="output", help="lake root: directory or s3://bucket")
    parser.add_argument("--endpoint-url", help="S3 endpoint, e.g. a local AWS server")
    parser.add_argument("--region", default=None, help=REGION_HELP)
    args = parser.parse_args(argv)
    lake = Lake(args.lake, args.endpoint_url, args.region)
    if not telemetry_files(lake):
        print(f"error: no telemetry Parquet files under {lake.url('telemetry')}", file=sys.stderr)
        return 2
    verdicts = validate(lake)
    for v in verdicts:
        print(v.line())
    return 0 if all(v.ok for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
