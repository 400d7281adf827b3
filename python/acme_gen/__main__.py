"""acme-gen COMMAND [ARGS]: one console script for every entry point.

    acme-gen backfill --telemetry 1000000 --output-dir output
    acme-gen query --lake output --examples

Each command is also `python -m acme_gen.COMMAND`; both take the same arguments.
"""

from __future__ import annotations

import importlib
import sys

# Imported only when chosen, so `acme-gen query` does not load pyspark or matplotlib.
COMMANDS = {
    "backfill": ("acme_gen.backfill.cli", "history into the lake (Parquet, disk or S3)"),
    "stream": ("acme_gen.stream", "live events to a Kinesis stream in real time"),
    "delivery": ("acme_gen.delivery", "play Firehose: a Kinesis stream into the lake"),
    "query": ("acme_gen.query", "SQL over the lake with DuckDB, under the Athena names"),
    "validate": ("acme_gen.validate", "check a lake's schema, partitions and sessions"),
    "profile": ("acme_gen.profile", "a one-page HTML profile of a lake"),
    "reconcile": ("acme_gen.reconcile", "did every expected event land exactly once?"),
    "realism": ("acme_gen.realism", "the lake against published streaming figures"),
    "schema": ("acme_gen.schema", "the Glue column file and the Athena DDL"),
}


def _usage() -> str:
    lines = [__doc__.split("\n\n")[0], "", "commands:"]
    lines += [f"  {name:<10}{summary}" for name, (_, summary) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(_usage())
        return 0 if args else 2
    if args[0] not in COMMANDS:
        print(f"error: unknown command {args[0]!r}; one of {', '.join(COMMANDS)}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[args[0]][0])
    return int(module.main(args[1:]))


if __name__ == "__main__":
    sys.exit(main())
