"""SQL over a local lake with DuckDB, under the Athena names.

    python -m acme_gen.query --lake output "SELECT COUNT(*) FROM acme_telemetry.streaming_events"
    python -m acme_gen.query --lake output --examples      # the seed README's queries
    python -m acme_gen.query --athena --examples           # the same, in the stack's Athena
    python -m acme_gen.query --lake output --kpis --by isp --hourly   # the QoE KPIs
    python -m acme_gen.query --lake output --alerts --format csv > flags.csv   # incident alerts
    python -m acme_gen.query --lake output --score flags.csv  # alerts against the incidents

`acme_telemetry.streaming_events` carries the partition columns year/month/day/hour as
strings, as in Glue; a filter on them prunes files. The dimension tables are
`acme_telemetry.customers`, `titles` and `campaigns` (also reachable unqualified). The
views `sessions`, `qoe_kpis`, `concurrent_plays` and `session_dimensions` give the QoE
metrics (--kpis prints them: VSF, EBVS, rebuffering ratio, minutes per play, ...).

--athena runs the same SQL in Amazon Athena instead: in the stack's workgroup and database
(from terraform/terraform.tfstate's outputs where there is one, else the default stack's
names), waiting for each query, then printing its rows the same way and, on stderr, the
bytes it scanned and what that cost.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv

from acme_gen.cli import REGION_HELP, Parser, command
from acme_gen.lake import athena, detection, qoe
from acme_gen.lake.sql import QUERIES_DIR, LakeError, connect, example_queries
from acme_gen.lake.store import Lake
from acme_gen.lake.truth import read_incidents


@command
def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m acme_gen.query", description=__doc__)
    parser.add_argument("--lake", default="output", help="lake root: directory or s3://bucket")
    parser.add_argument("--endpoint-url", help="S3 endpoint, e.g. a local AWS server")
    parser.add_argument("--region", default=None, help=REGION_HELP)
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("sql", nargs="?", help="SQL to run")
    what.add_argument("--file", type=Path, help="run the SQL in this file")
    what.add_argument("--examples", action="store_true", help="run the seed's example queries")
    what.add_argument(
        "--kpis",
        action="store_true",
        help="print the QoE KPIs (the qoe_kpis view; definitions in the README)",
    )
    what.add_argument(
        "--alerts",
        action="store_true",
        help="run the worked incident detector (queries/detect/threshold_alerts.sql): a "
        "threshold rule per incident type over the hourly KPIs, a dimension,value,hour row "
        "per alert",
    )
    what.add_argument(
        "--score",
        type=Path,
        metavar="FLAGS_CSV",
        help="score incident alerts: a CSV of dimension,value,hour rows (e.g. "
        "--alerts --format csv) against the lake's "
        "_truth/incidents.json, as precision and recall per incident type",
    )
    kpis = parser.add_argument_group("QoE KPIs (with --kpis)")
    kpis.add_argument(
        "--by", choices=qoe.BREAKDOWNS, default="all", help="one row per value of this dimension"
    )
    kpis.add_argument(
        "--hourly",
        action="store_true",
        help="one row per value and hour the sessions started in (UTC)",
    )
    kpis.add_argument("--start", help="only sessions starting at or after this ISO time (UTC)")
    kpis.add_argument("--end", help="only sessions starting before this ISO time (UTC)")
    parser.add_argument("--max-rows", type=int, default=40,
                        help="rows to print per result as a table")  # fmt: skip
    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="table: boxed, up to --max-rows; csv: a header and every row; "
                        "json: every row as one JSON object a line (JSON Lines). Each "
                        "statement's result is printed, a blank line between")  # fmt: skip
    remote = parser.add_argument_group("Athena")
    remote.add_argument(
        "--athena", action="store_true", help="run in Amazon Athena (--lake is not read)"
    )
    remote.add_argument("--workgroup", help="Athena workgroup (default: the stack's)")
    remote.add_argument("--database", help="Glue database (default: the stack's)")
    remote.add_argument("--tf-state", type=Path, default=Path("terraform/terraform.tfstate"),
                        help="Terraform state whose outputs give the defaults")  # fmt: skip
    args = parser.parse_args(argv)
    if not args.kpis and (args.by != "all" or args.hourly or args.start or args.end):
        parser.error("--by, --hourly, --start and --end go with --kpis")
    if args.athena and (args.start or args.end):
        parser.error("--start/--end are local only; in Athena read qoe_kpis by its hour column")
    try:
        if args.score:
            return _score(args)
        if args.kpis:
            queries = [
                (
                    "QoE KPIs"
                    + ("" if args.by == "all" else f" by {args.by}")
                    + (", hourly" if args.hourly else ""),
                    qoe.kpi_sql(args.by, args.hourly),
                )
            ]
        elif args.alerts:
            queries = [("Incident alerts", ALERTS_SQL.read_text())]
        elif args.examples:
            queries = [(q.title, q.sql) for q in example_queries()]
        elif args.file:
            queries = [(str(args.file), args.file.read_text())]
        else:
            queries = [("", args.sql)]
        if args.athena:
            return _in_athena(args, queries)
        con = connect(args.lake, args.endpoint_url, args.region)
        if args.kpis:
            qoe.pin_sessions(con, args.start, args.end)
        printed = 0
        for title, sql in queries:
            if title and args.format == "table":
                print(f"\n## {title}")
            for statement in con.extract_statements(sql):
                relation = con.sql(statement.query)
                if relation is None:
                    continue
                if printed and args.format != "table":
                    print()
                if args.format == "table":
                    relation.show(max_rows=args.max_rows, max_width=250 if args.kpis else 160)
                else:
                    # to_arrow_reader from DuckDB 1.4 (fetch_record_batch before, deprecated)
                    reader = getattr(relation, "to_arrow_reader", relation.fetch_record_batch)
                    emit(reader(), args.format)
                printed += 1
    except (LakeError, athena.AthenaError, qoe.WindowError, detection.FlagsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except duckdb.Error as exc:
        print(f"error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    return 0


FORMATS = ("table", "csv", "json")
ALERTS_SQL = QUERIES_DIR / "detect" / "threshold_alerts.sql"


def _score(args: argparse.Namespace) -> int:
    incidents = read_incidents(Lake(args.lake, args.endpoint_url, args.region))
    if not incidents:
        raise LakeError(f"{args.lake} declares no incidents (_truth/incidents.json) to score")
    result = detection.score_table(detection.score(detection.read_flags(args.score), incidents))
    if args.format == "table":
        duckdb.from_arrow(result).show(max_rows=args.max_rows, max_width=160)
    else:
        emit(result.to_reader(), args.format)
    return 0


def emit(batches: pa.RecordBatchReader, fmt: str) -> None:
    """Every row of the result on stdout as CSV (with a header) or JSON Lines."""
    if fmt == "csv":
        sys.stdout.flush()
        with pa_csv.CSVWriter(sys.stdout.buffer, batches.schema) as writer:
            for batch in batches:
                writer.write_batch(batch)
        sys.stdout.buffer.flush()
        return
    for batch in batches:
        for row in batch.to_pylist():
            sys.stdout.write(json.dumps(row, default=str, ensure_ascii=False) + "\n")


def _in_athena(args: argparse.Namespace, queries: list[tuple[str, str]]) -> int:
    import boto3

    defaults = athena.stack_defaults(args.tf_state)
    workgroup = args.workgroup or defaults["workgroup"]
    database = args.database or defaults["database"]
    client = boto3.client("athena", endpoint_url=args.endpoint_url, region_name=args.region)
    on_terminal = sys.stderr.isatty()

    def progress(line: str) -> None:
        print(f"\r{line}", end="", file=sys.stderr, flush=True)

    for title, sql in queries:
        if title and args.format == "table":  # csv and json stay machine-readable
            print(f"\n## {title}")
        # The queries name acme_telemetry; Terraform's named queries name the stack's own.
        sql = sql.replace(f"{athena.STACK_DATABASE}.", f"{database}.")
        result = athena.run_query(client, sql, workgroup, database,
                                  progress=progress if on_terminal else None)  # fmt: skip
        if on_terminal:
            print("\r\033[K", end="", file=sys.stderr)
        if not result.rows.num_columns:
            pass
        elif args.format == "table":
            duckdb.from_arrow(result.rows).show(max_rows=args.max_rows, max_width=160)
        else:
            emit(result.rows.to_reader(), args.format)
        print(result.cost_line(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
