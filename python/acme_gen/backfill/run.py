"""The backfill's driver: record the plan, write the dimension tables, hand the missing hours
to an engine, register the written partitions in Glue, and sum up."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from acme_gen.backfill.plan import BACKFILL_PREFIX, BackfillPlan
from acme_gen.backfill.pool import run_pool
from acme_gen.backfill.task import HourTask, write_dimensions
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.invariants import InvariantError
from acme_gen.lake import iceberg
from acme_gen.lake.catalog import register_partitions
from acme_gen.lake.file_check import file_problem
from acme_gen.lake.manifest import (
    LIBRARIES_KEY,
    arguments,
    library_versions,
    read_manifest,
)
from acme_gen.lake.store import STAGING_DIR, Lake
from acme_gen.lake.truth import INCIDENTS_FILE, incidents_document
from acme_gen.models import DIMENSIONS
from acme_gen.schema import DATABASE, ERRORS_DIR, MANIFEST, TABLE_DIRS, TRUTH_DIR

FOOTER_READERS = 16  # files whose footer a resume reads at once
COMMIT_HOURS = 24  # hour files per Iceberg commit: a day of partitions in one snapshot


def run(plan: BackfillPlan) -> dict[str, Any]:
    """Write what the lake lacks of the plan; returns the run's figures."""
    lake = plan.lake()
    existing = read_manifest(lake)
    if plan.overwrite and arguments(existing) != plan.manifest():
        remove_dataset(lake)
        existing = None
    # A resumed lake keeps the versions it was first made with: a later check still warns.
    recorded = existing.get(LIBRARIES_KEY) if isinstance(existing, dict) else None
    manifest = {**plan.manifest(), LIBRARIES_KEY: recorded or library_versions()}
    if not lake.is_s3:
        Path(plan.output).mkdir(parents=True, exist_ok=True)
    lake.clear_staging()
    lake.write_bytes(MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode())
    if plan.config.incidents:
        lake.write_bytes(INCIDENTS_FILE, incidents_document(plan.config.incidents))

    began = time.perf_counter()
    generator = TelemetryGenerator(plan.config)
    dim_bytes = write_dimensions(lake, generator)
    hours = plan.hours()
    commits = IcebergCommits(plan, lake) if plan.table_format == "iceberg" else None
    written = (
        [h for h in hours if commits.has(h)] if commits is not None else _written(plan, lake, hours)
    )
    broken = _broken(plan, lake, written)
    todo = sorted((set(hours) - set(written)) | set(broken))
    skipped = len(hours) - len(todo)
    events = size = partitions = 0
    progress = _progress(len(todo), plan.quiet)
    try:
        for hour, (rows, nbytes) in _per_hour(todo, _run_engine(plan, todo, generator)):
            events += rows
            size += nbytes
            partitions += rows > 0
            if commits is not None and rows and not commits.has(hour):
                commits.add(hour)  # a committed file written again keeps its commit
            progress.update(1)
        if commits is not None:
            commits.flush()
    finally:
        progress.close()
        lake.clear_staging()
    registered = 0
    if plan.glue_database and commits is None:
        registered = _register_partitions(plan, lake, hours)
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


class IcebergCommits:
    """The Iceberg table's commits: the written hour files, added COMMIT_HOURS at a time (an
    interrupted run loses at most the uncommitted batch, which a re-run writes again)."""

    def __init__(self, plan: BackfillPlan, lake: Lake) -> None:
        self.plan, self.lake = plan, lake
        self.table = iceberg.events_table(iceberg.open_catalog(lake, plan.glue_database), lake,
                                          plan.glue_database or DATABASE)  # fmt: skip
        self.committed = iceberg.committed_files(self.table)
        self.pending: list[str] = []

    def has(self, hour_ms: int) -> bool:
        return self._url(hour_ms) in self.committed

    def add(self, hour_ms: int) -> None:
        self.pending.append(self._url(hour_ms))
        if len(self.pending) >= COMMIT_HOURS:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.table.add_files(self.pending, snapshot_properties={"acme.writer": "backfill"})
            self.committed.update(self.pending)
            self.pending = []

    def _url(self, hour_ms: int) -> str:
        return iceberg.file_url(self.lake, self.plan.telemetry_file(hour_ms))


def _written(plan: BackfillPlan, lake: Lake, hours: list[int]) -> list[int]:
    return [h for h in hours if lake.exists(plan.telemetry_file(h))]


def _broken(plan: BackfillPlan, lake: Lake, hours: list[int]) -> list[int]:
    """The hours whose file is there but not complete (truncated, foreign, empty): a resume
    writes them again, with a notice. Footers are read in parallel: on S3 each is a GET."""
    table_format = plan.table_format

    def problem(hour: int) -> str | None:
        return file_problem(lake, plan.telemetry_file(hour), table_format)

    with ThreadPoolExecutor(FOOTER_READERS) as readers:
        problems = list(readers.map(problem, hours))
    broken = []
    for hour, why in zip(hours, problems, strict=True):
        if why is not None:
            print(f"notice: {lake.url(plan.telemetry_file(hour))} is not complete ({why}); "
                  "writing it again", file=sys.stderr)  # fmt: skip
            broken.append(hour)
    return broken


def _run_engine(
    plan: BackfillPlan, hours: list[int], generator: TelemetryGenerator
) -> Iterator[tuple[int, int]]:
    if plan.engine == "spark":
        from acme_gen.backfill.spark import run_spark  # pyspark only when asked for

        return run_spark(plan, hours, plan.spark_master)
    return run_pool(plan, hours, HourTask(plan, generator))


def _per_hour(
    hours: list[int], results: Iterator[tuple[int, int]]
) -> Iterator[tuple[int, tuple[int, int]]]:
    """Each hour with its (events, bytes): an engine yields one result per hour, in order; a
    result short or over is a bug, never a silently shorter run."""
    for done, hour in enumerate(hours):
        result = next(results, None)
        if result is None:
            raise InvariantError(f"the {len(hours)}-hour run's engine stopped after {done} hours")
        yield hour, result
    if next(results, None) is not None:
        raise InvariantError(f"the engine returned more than {len(hours)} results")


def _register_partitions(plan: BackfillPlan, lake: Lake, hours: list[int]) -> int:
    """Add every hour that has a file to the Glue table (idempotent: existing ones stay)."""
    import boto3

    if plan.glue_database is None:
        raise InvariantError("partitions are registered only with --glue-database")
    glue = boto3.client("glue", endpoint_url=plan.endpoint_url, region_name=plan.region)
    written = [h for h in hours if lake.exists(plan.telemetry_file(h))]
    location = lake.url(TABLE_DIRS["streaming_events"])
    return register_partitions(glue, plan.glue_database, "streaming_events", location, written)


def remove_dataset(lake: Lake) -> None:
    """Remove only what a backfill writes: its manifest, the dimension tables and the
    backfill-* telemetry files. Events others delivered (Firehose) and files of your own stay."""
    for d in [*(TABLE_DIRS[t] for t in DIMENSIONS), STAGING_DIR, MANIFEST, TRUTH_DIR,
              iceberg.TABLE_DIR, iceberg.CATALOG_FILE]:  # fmt: skip
        lake.remove(d)
    lake.remove_files(TABLE_DIRS["streaming_events"], prefix=BACKFILL_PREFIX)
    lake.remove_files(ERRORS_DIR, prefix=BACKFILL_PREFIX)


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
