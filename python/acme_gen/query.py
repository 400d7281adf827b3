"""SQL over a local lake with DuckDB, under the Athena names.

    python -m acme_gen.query --lake output "SELECT COUNT(*) FROM acme_telemetry.streaming_events"
    python -m acme_gen.query --lake output --examples      # the seed README's queries

`acme_telemetry.streaming_events` carries the partition columns year/month/day/hour as
strings, as in Glue; a filter on them prunes files. The dimension tables are
`acme_telemetry.customers`, `titles` and `campaigns` (also reachable unqualified).
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from acme_gen.cli import Parser, command
from acme_gen.lake.sql import LakeError, connect, example_queries


@command
def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m acme_gen.query", description=__doc__)
    parser.add_argument("--lake", default="output", help="lake root: directory or s3://bucket")
    parser.add_argument("--endpoint-url", help="S3 endpoint, e.g. a local AWS server")
    parser.add_argument("--region", default=None)
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("sql", nargs="?", help="SQL to run")
    what.add_argument("--file", type=Path, help="run the SQL in this file")
    what.add_argument("--examples", action="store_true", help="run the seed's example queries")
    parser.add_argument("--max-rows", type=int, default=40, help="rows to print per result")
    args = parser.parse_args(argv)
    try:
        con = connect(args.lake, args.endpoint_url, args.region)
        if args.examples:
            queries = [(q.title, q.sql) for q in example_queries()]
        elif args.file:
            queries = [(str(args.file), args.file.read_text())]
        else:
            queries = [("", args.sql)]
        for title, sql in queries:
            if title:
                print(f"\n## {title}")
            relation = con.sql(sql)
            if relation is not None:
                relation.show(max_rows=args.max_rows, max_width=160)
    except LakeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except duckdb.Error as exc:
        print(f"error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
