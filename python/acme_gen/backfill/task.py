"""The hour task: the unit of work every backfill engine runs (process pool, Spark).

An hour's events are a pure function of the plan's configuration and the hour, so the task
writes the same bytes to the same name wherever and however often it runs. The lake commits
each file atomically (rename on disk, one PUT on S3): a retried or speculative task leaves
an identical file, never a duplicate or a partial one.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from acme_gen.backfill.faulty import FaultyHour
from acme_gen.backfill.plan import BackfillPlan
from acme_gen.core.generator import TelemetryGenerator, hour_steps
from acme_gen.lake.arrow import ArrowEncoder
from acme_gen.lake.dimensions import dimension_chunks
from acme_gen.lake.iceberg import with_partition_columns
from acme_gen.lake.store import Lake, encode_parquet
from acme_gen.models import DIMENSIONS
from acme_gen.schema import TABLE_DIRS
from acme_gen.time_labels import HOUR_MS


class HourTask:
    """Writes hour partitions of one plan. Build one per process and call it for consecutive
    hours: it keeps what hours share (the world, the session plans that overlap consecutive
    hours, the Arrow vocabularies, the lake's filesystem)."""

    def __init__(self, plan: BackfillPlan, generator: TelemetryGenerator | None = None) -> None:
        self.plan = plan
        self.generator = generator or TelemetryGenerator(plan.config)
        self.encoder = ArrowEncoder(self.generator.world)
        self.lake = plan.lake()

    def __call__(self, hour_ms: int) -> tuple[int, int]:
        """Write the hour partition starting at `hour_ms`; returns (events, bytes)."""
        plan, gen = self.plan, self.generator
        lo, hi = max(hour_ms, plan.start_ms), min(hour_ms + HOUR_MS, plan.end_ms)
        steps = hour_steps(plan.config, hour_ms, lo, hi)
        path = plan.telemetry_file(hour_ms)
        if plan.table_format == "iceberg":  # the same rows, with the partition columns
            tables = (
                with_partition_columns(self.encoder.events_table(gen.window(a, b)), hour_ms)
                for a, b in steps
            )
            return self.lake.write_parquet(path, tables, "streaming_events_iceberg")
        if not plan.config.faults.any():
            tables = (self.encoder.events_table(gen.window(a, b)) for a, b in steps)
            return self.lake.write_parquet(path, tables, "streaming_events")
        # With faults, some rows land in other files: those (and the truth) are written
        # first, the hour's own file last, so its presence still means the hour is done (a
        # resume skips the hours whose file is there; a kill between the two writes is tested).
        config = plan.config
        hour = FaultyHour(gen.world, self.encoder, config.faults, config.seed, hour_ms)
        rows, data = encode_parquet(
            hour.on_time(gen.window(a, b) for a, b in steps), "streaming_events"
        )
        elsewhere_rows, elsewhere_bytes = hour.write(self.lake, PurePosixPath(path).stem)
        if data is not None:
            self.lake.write_bytes(path, data)
        return rows + elsewhere_rows, (data.size if data is not None else 0) + elsewhere_bytes


def write_dimensions(lake: Lake, generator: TelemetryGenerator) -> int:
    """Write the dimension tables the lake lacks; returns the bytes written."""

    def path(table: str) -> str:
        return f"{TABLE_DIRS[table]}/{table}.parquet"

    pending = [t for t in DIMENSIONS if not lake.exists(path(t))]
    if not pending:
        return 0
    tables = dimension_chunks(generator.world)
    return sum(lake.write_parquet(path(name), tables[name], name)[1] for name in pending)
