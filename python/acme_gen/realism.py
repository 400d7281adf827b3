"""How a lake compares with what the field publishes: each behaviour, its published figure and
source, the value measured on the lake with DuckDB, and whether it is in range.

    python -m acme_gen.realism --lake output            # the calibration table
    python -m acme_gen.realism --lake output --json

Each measure is one SQL file under queries/realism/ (with the sessions of _sessions.sql), so
an analyst can run it with `python -m acme_gen.query`. The README's calibration table lists
the same rows; tests/e2e/test_calibration.py holds a generated lake to every range. Exit code 0
when every value is in range, 1 otherwise, 2 on bad input.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict

import duckdb

from acme_gen.cli import REGION_HELP, Parser, command
from acme_gen.lake.realism import measure, table
from acme_gen.lake.sql import LakeError, connect


@command
def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m acme_gen.realism", description=__doc__)
    parser.add_argument("--lake", required=True, help="lake root: directory or s3://bucket")
    parser.add_argument("--endpoint-url", help="S3 endpoint, e.g. a local AWS server")
    parser.add_argument("--region", default=None, help=REGION_HELP)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    try:
        results = measure(connect(args.lake, args.endpoint_url, args.region))
    except (LakeError, duckdb.Error) as exc:
        print(f"error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    if args.json:
        rows = [{**asdict(r.benchmark), "value": r.value, "in_range": r.in_range} for r in results]
        print(json.dumps({"ok": all(r.in_range for r in results), "benchmarks": rows}))
    else:
        print(table(results))
    return 0 if all(r.in_range for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
