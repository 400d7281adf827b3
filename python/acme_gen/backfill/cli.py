"""python -m acme_gen.backfill: parse the arguments into a BackfillPlan, run it, print the
summary. Bad input is one `error: ...` line and exit code 2, before anything is written."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime, timedelta

from acme_gen.backfill.plan import BackfillPlan, check_catalog, check_output
from acme_gen.backfill.pool import WorkerDied
from acme_gen.backfill.run import run
from acme_gen.cli import (
    SETUP_ERRORS,
    Parser,
    UsageError,
    add_generator_flags,
    command,
    generator_config,
    interrupt_exit_code,
    one_line,
    parse_instant,
    positive_int,
    positive_number,
)
from acme_gen.core.generator import events_per_day_for_total
from acme_gen.core.incidents import check_scopes, timing_problems
from acme_gen.core.sizing import with_world_size
from acme_gen.core.world import build_world
from acme_gen.lake.iceberg import IcebergUnavailable, require_pyiceberg
from acme_gen.time_labels import iso_second

DEFAULT_TELEMETRY = 1_000_000
DEFAULT_DAYS = 7


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="python -m acme_gen.backfill",
        description="Generate customers, titles, campaigns and streaming telemetry into a "
        "Hive-partitioned Parquet lake (telemetry/year=/month=/day=/hour=/).",
    )
    add_generator_flags(parser, stream=False)
    volume = parser.add_mutually_exclusive_group()
    volume.add_argument(
        "--telemetry",
        type=positive_int,
        help=f"expected events in the range "
        f"(default {DEFAULT_TELEMETRY:,}); the realised count is within about 1%% from 1M "
        "events up, and varies more below (up to 7%% at 10,000)",
    )
    volume.add_argument(
        "--events-per-day",
        type=positive_number(),
        help="mean daily volume instead of a total: the live stream's setting, so a backfilled "
        "window holds the same events as the streamed one",
    )
    parser.add_argument("--start", type=parse_instant, help="history start (default: --end - 7d)")
    parser.add_argument(
        "--end", type=parse_instant, help="history end, exclusive (default: today 00:00 UTC)"
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=os.cpu_count() or 1,
        help="processes (default: number of cores)",
    )
    parser.add_argument(
        "--engine",
        choices=["process", "spark"],
        default="process",
        help="process: a pool of --workers processes; spark: Apache Spark tasks, with the "
        "extra 'spark'",
    )
    parser.add_argument(
        "--spark-master",
        help="Spark master, e.g. 'local[2]' (default: spark-submit's, else local[--workers])",
    )
    parser.add_argument(
        "--table-format",
        choices=["hive", "iceberg"],
        default="hive",
        help="hive: Parquet in year=/month=/day=/hour= partitions; iceberg: an Apache Iceberg "
        "table (v2) with those partitions, committed through pyiceberg: a SQLite catalog inside a "
        "local lake, Glue with s3:// and --glue-database",
    )
    parser.add_argument(
        "--output-dir",
        default="output",
        help="lake root: a directory or s3://bucket[/prefix]",
    )
    parser.add_argument("--endpoint-url", help="S3/Glue endpoint, e.g. a local AWS server")
    parser.add_argument("--region", default=None, help="AWS region for s3:// and Glue")
    parser.add_argument(
        "--glue-database", help="register the written partitions in this Glue database (s3:// only)"
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace a dataset in --output-dir made with different arguments",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    return parser


def _ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def resolve(argv: list[str] | None) -> BackfillPlan:
    args = build_parser().parse_args(argv)
    end = args.end or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = args.start or end - timedelta(days=DEFAULT_DAYS)
    if end <= start:
        raise UsageError(
            f"--end ({iso_second(_ms(end))}) must be after --start ({iso_second(_ms(start))})"
        )
    if start.year < 1971 or end.year > 9999:
        raise UsageError("--start/--end must lie between 1971 and 9999")
    start_ms, end_ms = _ms(start), _ms(end)
    if args.faults.out_of_order:
        raise UsageError("out_of_order is a fault of the stream only: a lake keeps no send order")
    base = generator_config(args)
    telemetry = None
    if args.events_per_day is not None:
        config = generator_config(args, events_per_day=args.events_per_day, size=with_world_size)
    else:
        telemetry = args.telemetry or DEFAULT_TELEMETRY
        rough = events_per_day_for_total(base, build_world(base), telemetry, start_ms, end_ms)
        config = generator_config(args, events_per_day=rough, size=with_world_size)
        # The daily volume for the total, in the world the run will have.
        volume = events_per_day_for_total(config, build_world(config), telemetry, start_ms,
                                          end_ms)  # fmt: skip
        config = config.replaced(events_per_day=volume)
    try:
        check_scopes(build_world(config), config.incidents)
    except ValueError as exc:
        raise UsageError(f"--incident: {exc}") from None
    refusals, notices = timing_problems(config.incidents, start_ms, end_ms)
    if refusals:
        raise UsageError(
            f"--incident {refusals[0]} (the run is {iso_second(start_ms)} to {iso_second(end_ms)})"
        )
    for notice in notices:
        print(f"notice: --incident {notice}", file=sys.stderr)
    if args.glue_database and not str(args.output_dir).startswith("s3://"):
        raise UsageError("--glue-database needs an s3:// --output-dir")
    if args.table_format == "iceberg":
        try:
            require_pyiceberg()
        except IcebergUnavailable as exc:
            raise UsageError(str(exc)) from None
        if str(args.output_dir).startswith("s3://") and not args.glue_database:
            raise UsageError("an Iceberg table on s3:// needs --glue-database (its catalog)")
        if config.faults.any():
            raise UsageError(
                "--faults writes a Hive lake (Firehose's layout); drop --table-format iceberg"
            )
    if args.spark_master and args.engine != "spark":
        raise UsageError("--spark-master goes with --engine spark")
    if args.engine == "spark":
        try:
            import pyspark  # noqa: F401
        except ImportError:
            raise UsageError(
                "--engine spark needs pyspark: pip install 'acme-gen[spark]'"
            ) from None
    plan = BackfillPlan(
        config,
        start_ms,
        end_ms,
        str(args.output_dir),
        args.workers,
        telemetry,
        args.overwrite,
        args.quiet,
        args.endpoint_url,
        args.region,
        args.glue_database,
        args.engine,
        _spark_master(args),
        args.table_format,
    )
    check_output(plan)
    if plan.glue_database and plan.table_format == "hive":  # Iceberg: pyiceberg creates it
        check_catalog(plan)
    return plan


def _spark_master(args: argparse.Namespace) -> str | None:
    if args.engine != "spark" or args.spark_master:
        return args.spark_master  # type: ignore[no-any-return]
    # Under spark-submit the master comes from its configuration.
    return None if "SPARK_ENV_LOADED" in os.environ else f"local[{args.workers}]"


@command
def main(argv: list[str] | None = None) -> int:
    try:
        plan = resolve(argv)  # a UsageError here: nothing is written yet
    except KeyboardInterrupt as exc:
        print("interrupted while planning: nothing was written", file=sys.stderr)
        return interrupt_exit_code(exc)
    try:
        summary = run(plan)
    except SETUP_ERRORS as exc:  # the lake or Glue failed mid-run: finished hours are kept
        print(f"error: {one_line(exc)}; run the same command to resume", file=sys.stderr)
        return 1
    except WorkerDied as exc:
        print(f"error: {exc}; run the same command to resume", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (Stopped): 128 + the signal's number
        print(
            "interrupted: finished partitions are kept; run the same command to resume",
            file=sys.stderr,
        )
        return interrupt_exit_code(exc)
    if not plan.quiet:
        where = (
            f"on Spark {plan.spark_master or '(spark-submit)'}"
            if plan.engine == "spark"
            else f"with {plan.workers} worker(s)"
        )
        glue = (
            f"; {summary['registered_partitions']} partitions in Glue" if plan.glue_database else ""
        )
        print(
            f"wrote {summary['events']:,} events in {summary['partitions']:,} partitions "
            f"({summary['skipped_partitions']:,} already complete), "
            f"{summary['bytes'] / 1e6:,.1f} MB, in {summary['seconds']:.1f} s: "
            f"{summary['events_per_second']:,.0f} events/s {where} -> {plan.output}{glue}"
        )
    return 0
