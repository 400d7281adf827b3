"""Feed any Kinesis stream in real time (the Kinesis Data Generator use case):

    python -m acme_gen.stream --stream-name acme-telemetry-stream --rate 200/s --duration 60

Events carry live timestamps: each tick sends the events of [last tick, now) from the same
deterministic generator the backfill and the Lambdas use, with the daily volume set so the
mean rate is --rate (the diurnal curve moves it up and down). Ctrl-C stops cleanly after the
batch in flight: everything generated is either sent or reported.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from dataclasses import dataclass
from types import FrameType
from typing import Any

import boto3

from acme_gen.cli import SETUP_ERRORS, Parser, one_line
from acme_gen.config import GeneratorConfig
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.kinesis.producer import DeliveryError, KinesisProducer
from acme_gen.kinesis.records import json_records

TICK_SECONDS = 1.0
# Errors no later tick will get past: stop at once instead of failing every second.
FINAL_ERRORS = {"ResourceNotFoundException", "AccessDeniedException", "KMSAccessDeniedException"}


@dataclass
class StreamTotals:
    generated: int = 0
    sent: int = 0
    failed: int = 0


def _rate(text: str) -> float:
    try:
        value = float(text.removesuffix("/s"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a rate like 100/s") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _values_may_start_with_minus(argv: list[str]) -> list[str]:
    """`--rate -5/s` reaches the rate check (argparse would take -5/s for an option)."""
    out: list[str] = []
    for arg in argv:
        if out and out[-1] in ("--rate", "--duration") and arg.startswith("-"):
            out[-1] = f"{out[-1]}={arg}"
        else:
            out.append(arg)
    return out


def run(
    producer: KinesisProducer,
    generator: TelemetryGenerator,
    duration: float | None,
    stop: list[bool],
    clock: Any = time.time,
    sleep: Any = time.sleep,
    progress: Any = None,
) -> StreamTotals:
    totals = StreamTotals()
    started = clock()
    last_ms = int(started * 1000)
    while not stop[0]:
        sleep(TICK_SECONDS)
        now = clock()
        end_ms = int(now * 1000)
        if duration is not None and now - started >= duration:
            end_ms = int((started + duration) * 1000)
            stop[0] = True
        if end_ms <= last_ms:
            continue
        batch = generator.window(last_ms, end_ms)
        last_ms = end_ms
        if not len(batch):
            continue
        data, keys = json_records(generator.world, batch)
        totals.generated += len(data)
        try:
            report = producer.put(data, keys)
            totals.sent += report.put
        except DeliveryError as exc:
            totals.sent += exc.report.put
            totals.failed += exc.report.failed
            print(f"\nerror: {exc}", file=sys.stderr)
            if set(exc.report.error_codes) & FINAL_ERRORS:
                print("error: the stream is gone or refuses us; stopping", file=sys.stderr)
                stop[0] = True
        if progress:
            progress(totals, now - started)
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m acme_gen.stream", description=__doc__)
    parser.add_argument("--stream-name", required=True)
    parser.add_argument("--rate", type=_rate, default=100.0, help="mean events per second (100/s)")
    parser.add_argument("--duration", type=_positive, help="seconds to run (default: until Ctrl-C)")
    parser.add_argument("--endpoint-url", help="Kinesis endpoint, e.g. a local AWS server")
    parser.add_argument("--region", default=None)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--titles", type=int, default=500)
    parser.add_argument("--campaigns", type=int, default=50)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(_values_may_start_with_minus(sys.argv[1:] if argv is None else argv))
    try:
        config = GeneratorConfig(
            customers=args.customers,
            titles=args.titles,
            campaigns=args.campaigns,
            events_per_day=args.rate * 86_400,
            seed=args.seed,
        )
    except ValueError as exc:
        print(f"error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    try:  # the stream must exist before the first tick, and we must be able to reach it
        client = boto3.client("kinesis", endpoint_url=args.endpoint_url, region_name=args.region)
        client.describe_stream_summary(StreamName=args.stream_name)
    except SETUP_ERRORS as exc:
        print(f"error: --stream-name {args.stream_name}: {one_line(exc)}", file=sys.stderr)
        return 2
    producer = KinesisProducer(client, args.stream_name)
    stop = [False]

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop[0] = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    print(f"streaming to {args.stream_name} at {args.rate:,.0f}/s on average; Ctrl-C stops",
          file=sys.stderr, flush=True)  # fmt: skip

    def show(totals: StreamTotals, elapsed: float) -> None:
        print(
            f"\rsent {totals.sent:,} events in {elapsed:,.0f} s "
            f"({totals.sent / max(elapsed, 1e-9):,.0f}/s), {totals.failed:,} failed",
            end="",
            file=sys.stderr,
            flush=True,
        )

    totals = run(producer, TelemetryGenerator(config), args.duration, stop, progress=show)
    print(f"\ngenerated {totals.generated:,}, sent {totals.sent:,}, failed {totals.failed:,}")
    return 1 if totals.failed else 0


if __name__ == "__main__":
    sys.exit(main())
