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
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.core.live import LiveTimeline
from acme_gen.kinesis.faulty import FaultyRecords
from acme_gen.kinesis.producer import DeliveryError, DeliveryReport, KinesisProducer
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

    def add_report(self, report: DeliveryReport) -> None:
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
            for name in ("generated", "sent", "failed", "retried", "calls"):
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
            out.first_ms = min(p.first_ms for p in parts)
            out.cursor_ms = min(p.cursor_ms for p in parts)
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
    warm_start = clock()
    timeline = LiveTimeline(TelemetryGenerator(settings.config), settings.start_ms, shard, shards)

    def warming(done: int, slots: int) -> None:
        totals.warm_slots_done, totals.warm_slots = done, slots
        if progress:
            progress(totals)
        if should_stop():  # Ctrl-C during a minutes-long warm-up: stop between slots
            raise _StoppedWarmingUp

    try:
        timeline.warm_up(warming)
    except _StoppedWarmingUp:
        totals.warm_up_s = clock() - warm_start
        return totals
    totals.warm_up_s = clock() - warm_start
    began = go(totals) if go else clock()
    first_ms = int(began * 1000) if settings.live else settings.start_ms
    timeline.skip_to(first_ms)
    totals.first_ms = totals.cursor_ms = first_ms
    end_ms = (
        None
        if settings.duration is None
        else first_ms + int(settings.duration * settings.speed * 1000)
    )
    left = settings.count
    config = settings.config
    faulty = (
        FaultyRecords(timeline.generator.world, config.faults, config.seed, settings.table_format)
        if config.faults.any()
        else None
    )

    def reached(now: float) -> int:
        """The event time the clock has reached. A replay faster than real time that catches
        up with the present goes on at the clock's pace: no event is sent before its time."""
        return min(first_ms + int((now - began) * settings.speed * 1000), int(now * 1000))

    tick = 0
    while not should_stop() and left != 0:
        tick += 1
        sleep(max(0.0, began + tick * TICK_SECONDS - clock()))
        step_ms = int(CATCH_UP_TICKS * TICK_SECONDS * settings.speed * 1000)
        target = min(reached(clock()), timeline.cursor + step_ms)
        if end_ms is not None and target >= end_ms:
            target = end_ms
        if target > timeline.cursor:
            batch = timeline.until(target)
            if left is not None and len(batch) >= left:
                batch = batch.take(np.arange(left))
            totals.generated += len(batch)
            if faulty is not None:
                data, keys = faulty.records(batch, target)
            elif len(batch):
                data, keys = json_records(timeline.generator.world, batch, settings.table_format)
            else:
                data, keys = [], []
            if data and _send(producer, data, keys, totals):
                break
            if left is not None:
                left -= len(batch)
        totals.cursor_ms = timeline.cursor
        now = clock()
        totals.sending_s = now - began
        totals.lag_s = max(0.0, (reached(now) - timeline.cursor) / settings.speed / 1000)
        if progress:
            progress(totals)
        if end_ms is not None and timeline.cursor >= end_ms:
            break
    if faulty is not None:
        flushed = faulty.flush()
        if flushed[0]:
            _send(producer, *flushed, totals)
        totals.faults = dict(faulty.injected)
        totals.held = faulty.held
    return totals


class _StoppedWarmingUp(Exception):
    pass


def _send(
    producer: KinesisProducer, data: list[bytes], keys: list[str], totals: StreamTotals
) -> bool:
    """Put one tick's records; True if the stream refuses us for good."""
    try:
        totals.add_report(producer.put(data, keys))
    except DeliveryError as exc:
        totals.add_report(exc.report)
        print(f"\nerror: {exc}", file=sys.stderr)
        if set(exc.report.error_codes) & FINAL_ERRORS:
            print("error: the stream is gone or refuses us; stopping", file=sys.stderr)
            return True
    return False
