"""Backfill history into a local lake: python -m acme_gen.backfill --help

Each hour partition is an independent task (its events are a pure function of the
configuration and the hour), so the work spreads over processes, a killed run resumes where
it stopped, and any split of the work writes the same bytes.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

import pyarrow.fs as pafs
from pydantic import ValidationError

from acme_gen.config import GeneratorConfig
from acme_gen.generator import TelemetryGenerator, events_per_day_for_total
from acme_gen.lake import STAGING_DIR, Lake, partition_path
from acme_gen.schema import TABLE_DIRS
from acme_gen.traffic import HOUR_MS
from acme_gen.world import build_world

MANIFEST = "_acme_manifest.json"
BACKFILL_PREFIX = "backfill-"  # telemetry file names; Firehose's never start so
DIMENSIONS = ("customers", "titles", "campaigns")
DEFAULT_TELEMETRY = 1_000_000
DEFAULT_DAYS = 7
# Rows per row group / generation step: keeps memory flat however large an hour is.
MAX_ROWS_PER_STEP = 200_000
PEAK_TO_MEAN = 2.5  # busiest hour relative to the daily mean hour (see traffic.DIURNAL)


class UsageError(Exception):
    """Bad input: reported as one line on stderr with exit code 2, before anything is written."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _int_at_least(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            rule = "must be positive" if minimum == 1 else f"must be at least {minimum}"
            if minimum == 0:
                rule = "must not be negative"
            raise argparse.ArgumentTypeError(f"{rule}, got {value}")
        return value

    return parse


_positive_int = _int_at_least(1)
_non_negative_int = _int_at_least(0)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or math.isinf(value):
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def parse_instant(text: str) -> datetime:
    """A date (midnight UTC) or an ISO 8601 date-time; naive times are UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z])"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m acme_gen.backfill",
        description="Generate customers, titles, campaigns and streaming telemetry into a "
        "Hive-partitioned Parquet lake (telemetry/year=/month=/day=/hour=/).",
    )
    parser.add_argument("--customers", type=_positive_int, default=10_000, help="default 10000")
    parser.add_argument("--titles", type=_positive_int, default=500, help="default 500")
    parser.add_argument("--campaigns", type=_positive_int, default=50, help="default 50")
    volume = parser.add_mutually_exclusive_group()
    volume.add_argument(
        "--telemetry",
        type=_positive_int,
        help=f"expected events in the range "
        f"(default {DEFAULT_TELEMETRY:,}); the realised count varies by well under 1%%",
    )
    volume.add_argument(
        "--events-per-day",
        type=_positive_float,
        help="mean daily volume instead of a total: the live stream's setting, so a backfilled "
        "window holds the same events as the streamed one",
    )
    parser.add_argument("--start", type=parse_instant, help="history start (default: --end - 7d)")
    parser.add_argument(
        "--end", type=parse_instant, help="history end, exclusive (default: today 00:00 UTC)"
    )
    parser.add_argument("--seed", type=_non_negative_int, default=42, help="default 42")
    parser.add_argument(
        "--workers",
        type=_positive_int,
        default=os.cpu_count() or 1,
        help="processes (default: number of cores)",
    )
    parser.add_argument(
        "--engine",
        choices=["process", "spark"],
        default="process",
        help="process: a pool of --workers processes; spark: Apache Spark tasks (extra 'spark')",
    )
    parser.add_argument(
        "--spark-master",
        help="Spark master, e.g. 'local[2]' (default: spark-submit's, else local[--workers])",
    )
    parser.add_argument(
        "--output-dir",
        default="output",
        help="lake root: a directory or s3://bucket[/prefix] (./output)",
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


@dataclass(frozen=True)
class BackfillPlan:
    config: GeneratorConfig
    start_ms: int
    end_ms: int
    output: str
    workers: int
    telemetry: int | None
    overwrite: bool
    quiet: bool
    endpoint_url: str | None = None
    region: str | None = None
    glue_database: str | None = None
    engine: str = "process"
    spark_master: str | None = None

    def lake(self) -> Lake:
        return Lake(self.output, self.endpoint_url, self.region)

    def manifest(self) -> dict[str, Any]:
        return {
            "generator": self.config.model_dump(),
            "start": _iso(self.start_ms),
            "end": _iso(self.end_ms),
            "telemetry": self.telemetry,
        }

    def hours(self) -> list[int]:
        first = self.start_ms // HOUR_MS * HOUR_MS
        return list(range(first, self.end_ms, HOUR_MS))

    def steps_per_hour(self) -> int:
        """Generation steps (and row groups) per hour, so no step exceeds MAX_ROWS_PER_STEP."""
        peak_hour = self.config.events_per_day / 24 * PEAK_TO_MEAN
        wanted = math.ceil(peak_hour / MAX_ROWS_PER_STEP)
        return next(d for d in (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120, 240) if d >= wanted)


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat().replace("+00:00", "Z")


def _ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def resolve(argv: list[str] | None) -> BackfillPlan:
    args = build_parser().parse_args(argv)
    end = args.end or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = args.start or end - timedelta(days=DEFAULT_DAYS)
    if end <= start:
        raise UsageError(
            f"--end ({end:%Y-%m-%dT%H:%M:%SZ}) must be after --start ({start:%Y-%m-%dT%H:%M:%SZ})"
        )
    if start.year < 1971 or end.year > 9999:
        raise UsageError("--start/--end must lie between 1971 and 9999")
    start_ms, end_ms = _ms(start), _ms(end)
    base = GeneratorConfig(
        customers=args.customers, titles=args.titles, campaigns=args.campaigns, seed=args.seed
    )
    telemetry = None
    if args.events_per_day is not None:
        events_per_day = args.events_per_day
    else:
        telemetry = args.telemetry or DEFAULT_TELEMETRY
        events_per_day = events_per_day_for_total(build_world(base), telemetry, start_ms, end_ms)
    try:
        config = GeneratorConfig(**{**base.model_dump(), "events_per_day": events_per_day})
    except ValidationError as exc:
        err = exc.errors()[0]
        raise UsageError(f"{err['loc'][0]}: {err['msg']}") from None
    if args.glue_database and not str(args.output_dir).startswith("s3://"):
        raise UsageError("--glue-database needs an s3:// --output-dir")
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
    )
    _check_output(plan)
    return plan


def _spark_master(args: argparse.Namespace) -> str | None:
    if args.engine != "spark" or args.spark_master:
        return args.spark_master  # type: ignore[no-any-return]
    # Under spark-submit the master comes from its configuration.
    return None if "SPARK_ENV_LOADED" in os.environ else f"local[{args.workers}]"


def _check_output(plan: BackfillPlan) -> None:
    lake = plan.lake()
    if lake.is_s3:
        bucket = lake.root.split("/")[0]
        try:
            found = lake.fs.get_file_info(bucket).type != pafs.FileType.NotFound
        except OSError as exc:
            raise UsageError(f"cannot reach {plan.output}: {str(exc).splitlines()[0]}") from None
        if not found:
            raise UsageError(f"bucket {bucket} does not exist")
    else:
        out = Path(plan.output)
        if out.exists() and not out.is_dir():
            raise UsageError(f"--output-dir {out} exists and is not a directory")
        ancestor = out
        while not ancestor.exists():
            ancestor = ancestor.parent
        if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
            raise UsageError(f"--output-dir {out} is not writable")
    if lake.exists(MANIFEST):
        existing = _read_manifest(lake)
        if existing != plan.manifest() and not plan.overwrite:
            raise UsageError(
                f"{plan.output} holds a dataset made with different arguments "
                f"({_describe_difference(existing, plan.manifest())}); "
                "use --overwrite to replace it or choose another --output-dir"
            )
    elif any(lake.exists(TABLE_DIRS[t]) for t in DIMENSIONS) and not plan.overwrite:
        raise UsageError(
            f"{plan.output} holds data without a {MANIFEST}; use --overwrite to replace it"
        )


def _read_manifest(lake: Lake) -> Any:
    try:
        return json.loads(lake.read_text(MANIFEST) or "null")
    except ValueError:
        return None


def _describe_difference(old: Any, new: dict[str, Any]) -> str:
    if not isinstance(old, dict):
        return "unreadable manifest"
    flat_old = {**old.get("generator", {}), **{k: v for k, v in old.items() if k != "generator"}}
    flat_new = {**new["generator"], **{k: v for k, v in new.items() if k != "generator"}}
    diffs = [
        f"{k}: {flat_old.get(k)!r} -> {v!r}" for k, v in flat_new.items() if flat_old.get(k) != v
    ]
    return ", ".join(diffs[:3]) or "manifest differs"


# --- work -----------------------------------------------------------------------------------

_worker_generator: TelemetryGenerator | None = None
_worker_plan: BackfillPlan | None = None


def _init_worker(
    plan: BackfillPlan, ignore_sigint: bool, generator: TelemetryGenerator | None = None
) -> None:
    global _worker_generator, _worker_plan
    if ignore_sigint:  # the parent handles Ctrl-C and lets running tasks finish their file
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_plan = plan
    _worker_generator = generator or TelemetryGenerator(plan.config)


def telemetry_file(plan: BackfillPlan, hour_ms: int) -> str:
    """The hour's file, relative to the lake root."""
    stamp = datetime.fromtimestamp(hour_ms / 1000, tz=UTC)
    name = f"{BACKFILL_PREFIX}{stamp:%Y%m%d%H}-{plan.config.fingerprint()[:8]}.parquet"
    return f"{TABLE_DIRS['streaming_events']}/{partition_path(hour_ms)}/{name}"


_worker_encoder: Any = None
_worker_lake_cache: Lake | None = None


def _worker_lake() -> Lake:
    global _worker_lake_cache
    assert _worker_plan is not None
    if _worker_lake_cache is None or _worker_lake_cache.uri != _worker_plan.output:
        _worker_lake_cache = _worker_plan.lake()
    return _worker_lake_cache


def _encoder(gen: TelemetryGenerator) -> Any:
    """One encoder per worker: it converts the world's vocabularies to Arrow once."""
    global _worker_encoder
    from acme_gen.arrow import ArrowEncoder

    if _worker_encoder is None or _worker_encoder.world is not gen.world:
        _worker_encoder = ArrowEncoder(gen.world)
    return _worker_encoder


def _generate_hour(hour_ms: int) -> tuple[int, int]:
    """Write one hour partition; returns (events, bytes)."""
    assert _worker_generator is not None and _worker_plan is not None
    gen, plan = _worker_generator, _worker_plan
    lo, hi = max(hour_ms, plan.start_ms), min(hour_ms + HOUR_MS, plan.end_ms)
    steps = plan.steps_per_hour()
    step_ms = HOUR_MS // steps
    encoder = _encoder(gen)
    bounds = [
        (max(lo, hour_ms + i * step_ms), min(hi, hour_ms + (i + 1) * step_ms)) for i in range(steps)
    ]
    tables = (encoder.events_table(gen.window(a, b)) for a, b in bounds if a < b)
    return _worker_lake().write_parquet(telemetry_file(plan, hour_ms), tables, "streaming_events")


def _write_dimensions(plan: BackfillPlan, lake: Lake, world_gen: TelemetryGenerator) -> int:
    from acme_gen.dimensions import dimension_tables

    def path(table: str) -> str:
        return f"{TABLE_DIRS[table]}/{table}.parquet"

    pending = [t for t in DIMENSIONS if not lake.exists(path(t))]
    if not pending:
        return 0
    tables = dimension_tables(world_gen.world)
    return sum(lake.write_parquet(path(name), [tables[name]], name)[1] for name in pending)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _run_tasks(
    plan: BackfillPlan, hours: list[int], generator: TelemetryGenerator
) -> Iterator[tuple[int, int]]:
    if plan.engine == "spark":
        from acme_gen.spark_engine import run_spark

        yield from run_spark(plan, hours, plan.spark_master)
        return
    if plan.workers == 1 or len(hours) <= 1:
        _init_worker(plan, ignore_sigint=False, generator=generator)
        for h in hours:
            yield _generate_hour(h)
        return
    # Contiguous chunks let a worker reuse the session plans that overlap consecutive hours.
    chunk = max(1, min(24, len(hours) // (plan.workers * 4)))
    pool = ProcessPoolExecutor(plan.workers, initializer=_init_worker, initargs=(plan, True))
    try:
        yield from pool.map(_generate_hour, hours, chunksize=chunk)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run(plan: BackfillPlan) -> dict[str, Any]:
    lake = plan.lake()
    if plan.overwrite and _read_manifest(lake) != plan.manifest():
        _remove_dataset(lake)
    if not lake.is_s3:
        Path(plan.output).mkdir(parents=True, exist_ok=True)
    lake.clear_staging()
    lake.write_bytes(MANIFEST, (json.dumps(plan.manifest(), indent=2) + "\n").encode())

    began = time.perf_counter()
    generator = TelemetryGenerator(plan.config)
    dim_bytes = _write_dimensions(plan, lake, generator)
    hours = plan.hours()
    todo = [h for h in hours if not lake.exists(telemetry_file(plan, h))]
    skipped = len(hours) - len(todo)
    events = size = partitions = 0
    progress = _progress(len(todo), plan.quiet)
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        for rows, nbytes in _run_tasks(plan, todo, generator):
            events += rows
            size += nbytes
            partitions += rows > 0
            progress.update(1)
    finally:
        signal.signal(signal.SIGTERM, previous)
        progress.close()
        lake.clear_staging()
    registered = _register_partitions(plan, lake, hours) if plan.glue_database else 0
    elapsed = time.perf_counter() - began
    return {
        "events": events,
        "partitions": partitions,
        "skipped_partitions": skipped,
        "registered_partitions": registered,
        "bytes": size + dim_bytes,
        "seconds": elapsed,
        "events_per_second": events / elapsed if elapsed > 0 else 0.0,
        "workers": plan.workers,
    }


def _register_partitions(plan: BackfillPlan, lake: Lake, hours: list[int]) -> int:
    """Add every hour that has a file to the Glue table (idempotent: existing ones stay)."""
    import boto3

    from acme_gen.catalog import register_partitions

    assert plan.glue_database is not None
    glue = boto3.client("glue", endpoint_url=plan.endpoint_url, region_name=plan.region)
    written = [h for h in hours if lake.exists(telemetry_file(plan, h))]
    location = lake.url(TABLE_DIRS["streaming_events"])
    return register_partitions(glue, plan.glue_database, "streaming_events", location, written)


def _remove_dataset(lake: Lake) -> None:
    """Remove only what a backfill writes: its manifest, the dimension tables and the
    backfill-* telemetry files. Events others delivered (Firehose) and files of your own stay."""
    for d in [*(TABLE_DIRS[t] for t in DIMENSIONS), STAGING_DIR, MANIFEST]:
        lake.remove(d)
    lake.remove_files(TABLE_DIRS["streaming_events"], prefix=BACKFILL_PREFIX)


class _NoProgress:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, quiet: bool) -> Any:
    if quiet or not sys.stderr.isatty():
        return _NoProgress()
    from tqdm import tqdm

    return tqdm(total=total, unit="hour", desc="telemetry", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    try:
        plan = resolve(argv)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        summary = run(plan)
    except KeyboardInterrupt:
        print(
            "interrupted: finished partitions are kept; run the same command to resume",
            file=sys.stderr,
        )
        return 130
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


if __name__ == "__main__":
    sys.exit(main())
