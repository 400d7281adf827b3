"""One stream process: its share of the sessions, from warm-up to the last PutRecords.

Each tick sends the events of [cursor, the event time the wall clock has reached) from a
LiveTimeline, so the events sent are exactly TelemetryGenerator.window's for the span, in
time order. When a tick's work takes longer than a tick, the next window is simply longer:
nothing is skipped, and the lag (how far the sent event time is behind the clock) is
reported for the command to act on.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import boto3
import numpy as np
from botocore.config import Config

from acme_gen.config import GeneratorConfig
from acme_gen.core.events import EventBatch
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.core.live import LiveTimeline
from acme_gen.core.world import World
from acme_gen.kinesis.faulty import FaultyRecords
from acme_gen.kinesis.producer import KinesisProducer, PutRecordsError, PutRecordsReport
from acme_gen.kinesis.records import json_records

TICK_SECONDS = 1.0
# A tick sends at most this many ticks' worth of event time: behind the clock, the stream
# catches up in bounded steps (memory stays flat) and reports its lag instead.
CATCH_UP_TICKS = 2
# Errors no later tick will get past: stop at once instead of failing every second.
FINAL_ERRORS = {"ResourceNotFoundException", "AccessDeniedException", "KMSAccessDeniedException"}


@dataclass(frozen=True)
class StreamSettings:
    config: GeneratorConfig
    stream_name: str
    start_ms: int  # event time of the first event (the wall clock's now for a live stream)
    live: bool = True  # start at the clock's now once warm (else at start_ms: a replay)
    speed: float = 1.0  # event-time seconds per wall second
    duration: float | None = None  # wall seconds of sending
    count: int | None = None  # events to send (this share's part of --count)
    threads: int = 4  # PutRecords calls in flight
    table_format: str = "hive"  # iceberg: records carry year/month/day/hour too
    endpoint_url: str | None = None
    region: str | None = None


@dataclass
class StreamTotals:
    generated: int = 0
    sent: int = 0
    failed: int = 0
    retried: int = 0
    calls: int = 0
    warm_up_s: float = 0.0
    warm_slots: int = 0  # start slots to draw before sending (the look-back)
    warm_slots_done: int = 0
    sending_s: float = 0.0  # wall time from the start of sending to now
    lag_s: float = 0.0  # wall seconds the sent event time is behind the clock
    first_ms: int = 0  # event time the sending started at
    cursor_ms: int = 0  # event time sent up to
    error_codes: Counter[str] = field(default_factory=Counter)
    faults: dict[str, int] = field(default_factory=dict)  # injected, per kind
    held: int = 0  # late records and copies not yet due when the stream stopped
    # Every event of [first_ms, cursor_ms) was sent and none after: false when --count
    # stopped inside a tick, or (combined) when the shares stopped at different times.
    window_exact: bool = True
    generate_s: float = 0.0  # wall time drawing and encoding the events sent
    put_s: float = 0.0  # wall time in PutRecords (the sink's latency, retries, throttling)

    def add_report(self, report: PutRecordsReport) -> None:
        self.sent += report.put
        self.failed += report.failed
        self.retried += report.retried
        self.calls += report.calls
        self.error_codes.update(report.error_codes)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def combine(parts: list[StreamTotals]) -> StreamTotals:
        """The totals of several shares running side by side."""
        out = StreamTotals()
        for p in parts:
            for name in ("generated", "sent", "failed", "retried", "calls", "generate_s", "put_s"):
                setattr(out, name, getattr(out, name) + getattr(p, name))
            out.error_codes.update(p.error_codes)
            out.held += p.held
            out.faults = dict(Counter(out.faults) + Counter(p.faults))
        if parts:
            out.warm_up_s = max(p.warm_up_s for p in parts)
            out.warm_slots = sum(p.warm_slots for p in parts)
            out.warm_slots_done = sum(p.warm_slots_done for p in parts)
            out.sending_s = max(p.sending_s for p in parts)
            out.lag_s = max(p.lag_s for p in parts)
            # A share still at its "ready" report (it failed before its first progress
            # report) has no window yet (0, 0): the window is the others', and not exact.
            began = [p for p in parts if p.first_ms]
            if began:
                out.first_ms = min(p.first_ms for p in began)
                out.cursor_ms = min(p.cursor_ms for p in began)
            out.window_exact = all(p.window_exact for p in parts) and (
                len({(p.first_ms, p.cursor_ms) for p in parts}) == 1
            )
        return out


def kinesis_client(endpoint_url: str | None, region: str | None) -> Any:
    """botocore's parameter validation is a third of its PutRecords cost at high rates; the
    producer's batches() already holds every record to Kinesis' limits."""
    config = Config(parameter_validation=False)
    return boto3.client("kinesis", endpoint_url=endpoint_url, region_name=region, config=config)


def stream_share(
    settings: StreamSettings,
    producer: KinesisProducer,
    should_stop: Callable[[], bool],
    *,
    shard: int = 0,
    shards: int = 1,
    go: Callable[[StreamTotals], float] | None = None,
    progress: Callable[[StreamTotals], None] | None = None,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> StreamTotals:
    """Send this share's events; `go` is called once warm and returns the wall time at which
    every share starts sending (the command's barrier), by default now."""
    totals = StreamTotals()
    timeline = LiveTimeline(TelemetryGenerator(settings.config), settings.start_ms, shard, shards)
    if not _warm_up(timeline, totals, should_stop, progress, clock):
        return totals
    pace = _Pace(settings, began=go(totals) if go else clock())
    timeline.skip_to(pace.first_ms)
    totals.first_ms = totals.cursor_ms = pace.first_ms
    records = _Records(timeline.generator.world, settings)
    left = settings.count
    tick = 0
    while not should_stop() and left != 0:
        tick += 1
        sleep(max(0.0, pace.began + tick * TICK_SECONDS - clock()))
        tick_at = clock()
        target = pace.next_target(tick_at, timeline.cursor)
        if target > timeline.cursor:
            batch = timeline.until(target)
            if left is not None and len(batch) >= left:
                totals.window_exact = len(batch) == left
                batch = batch.take(np.arange(left))
            totals.generated += len(batch)
            data, keys = records.of(batch, target)
            generated_at = clock()
            totals.generate_s += generated_at - tick_at
            if data and _send(producer, data, keys, totals):
                break
            totals.put_s += clock() - generated_at
            if left is not None:
                left -= len(batch)
        totals.cursor_ms = timeline.cursor
        now = clock()
        totals.sending_s = now - pace.began
        totals.lag_s = max(0.0, (pace.reached(now) - timeline.cursor) / settings.speed / 1000)
        if progress:
            progress(totals)
        if pace.end_ms is not None and timeline.cursor >= pace.end_ms:
            break
        if settings.duration is not None and now - pace.began >= settings.duration:
            break  # wall time is up, even where a slow sink left event time behind
    records.finish(producer, totals)
    return totals


def _warm_up(
    timeline: LiveTimeline,
    totals: StreamTotals,
    should_stop: Callable[[], bool],
    progress: Callable[[StreamTotals], None] | None,
    clock: Callable[[], float],
) -> bool:
    """Draw the sessions already running; False if asked to stop first (Ctrl-C during a
    minutes-long warm-up stops between slots)."""
    started = clock()

    def warming(done: int, slots: int) -> None:
        totals.warm_slots_done, totals.warm_slots = done, slots
        if progress:
            progress(totals)
        if should_stop():
            raise _StoppedWarmingUp

    try:
        timeline.warm_up(warming)
    except _StoppedWarmingUp:
        return False
    finally:
        totals.warm_up_s = clock() - started
    return True


class _Pace:
    """Where event time stands against the wall clock: sending began at `began` (wall), from
    first_ms (event time: the clock's now when live, else the replay's start)."""

    def __init__(self, settings: StreamSettings, began: float) -> None:
        self.settings, self.began = settings, began
        self.first_ms = int(began * 1000) if settings.live else settings.start_ms
        self.end_ms = (
            None
            if settings.duration is None
            else self.first_ms + int(settings.duration * settings.speed * 1000)
        )

    def reached(self, now: float) -> int:
        """The event time the clock has reached. A replay faster than real time that catches
        up with the present goes on at the clock's pace: no event is sent before its time."""
        elapsed_ms = int((now - self.began) * self.settings.speed * 1000)
        return min(self.first_ms + elapsed_ms, int(now * 1000))

    def next_target(self, now: float, cursor: int) -> int:
        """The event time to send up to this tick: behind the clock, at most CATCH_UP_TICKS
        ticks' worth at once (memory stays flat), and never past the end."""
        step_ms = int(CATCH_UP_TICKS * TICK_SECONDS * self.settings.speed * 1000)
        target = min(self.reached(now), cursor + step_ms)
        return target if self.end_ms is None else min(target, self.end_ms)


class _Records:
    """A tick's events as Kinesis records, with the declared faults applied when there are
    any (late records and copies are held until due, and flushed or counted at the end)."""

    def __init__(self, world: World, settings: StreamSettings) -> None:
        self.world, self.table_format = world, settings.table_format
        config = settings.config
        self.faulty = (
            FaultyRecords(world, config.faults, config.seed, settings.table_format)
            if config.faults.any()
            else None
        )

    def of(self, batch: EventBatch, target_ms: int) -> tuple[list[bytes], list[str]]:
        if self.faulty is not None:
            return self.faulty.records(batch, target_ms)
        if len(batch):
            return json_records(self.world, batch, self.table_format)
        return [], []

    def finish(self, producer: KinesisProducer, totals: StreamTotals) -> None:
        if self.faulty is None:
            return
        flushed = self.faulty.flush()
        if flushed[0]:
            _send(producer, *flushed, totals)
        totals.faults = dict(self.faulty.injected)
        totals.held = self.faulty.held


class _StoppedWarmingUp(Exception):
    pass


def _send(
    producer: KinesisProducer, data: list[bytes], keys: list[str], totals: StreamTotals
) -> bool:
    """Put one tick's records; True if the stream refuses us for good."""
    try:
        totals.add_report(producer.put(data, keys))
    except PutRecordsError as exc:
        totals.add_report(exc.report)
        print(f"\nerror: {exc}", file=sys.stderr)
        if set(exc.report.error_codes) & FINAL_ERRORS:
            print("error: the stream is gone or refuses us; stopping", file=sys.stderr)
            return True
    return False
