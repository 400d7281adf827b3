"""Feed any Kinesis stream in real time (the Kinesis Data Generator use case):

    python -m acme_gen.stream --stream-name acme-telemetry-stream --rate 200/s --duration 60
    python -m acme_gen.stream --stream-name s --rate 10000/s --shape flat --workers 2 --count 10_000
    python -m acme_gen.stream --stream-name s --start 2026-01-15T20:00 --speed 10x --duration 60

Events come from the same deterministic generator the backfill and the Lambdas use, with the
daily volume set so the mean rate is --rate (the diurnal curve moves it up and down; --shape
flat holds it constant). A live stream starts at the wall clock's now once warm (warming up
draws the sessions already running: seconds at high rates); --start replays a past window with
its original timestamps, --speed times faster than real time. --workers N splits the sessions
between N processes by session key: the union of what they send is exactly the window's events.
Ctrl-C stops cleanly after the batch in flight: everything generated is either sent or
reported. --faults and --incident make the stream as messy as a real one, reproducibly
(see "Test your pipeline" in the README).
"""

from __future__ import annotations

import signal
import sys
import time
from types import FrameType

from acme_gen.cli import (
    SETUP_ERRORS,
    Parser,
    UsageError,
    add_generator_flags,
    command,
    generator_config,
    one_line,
    parse_instant,
    positive_int,
    positive_number,
)
from acme_gen.core.incidents import check_scopes, timing_problems
from acme_gen.core.sizing import with_world_size
from acme_gen.core.world import build_world
from acme_gen.kinesis.producer import KinesisProducer
from acme_gen.stream.share import StreamSettings, StreamTotals, kinesis_client, stream_share
from acme_gen.stream.workers import run_workers
from acme_gen.time_labels import iso_second

LAG_WARNING_S = 5.0  # behind the clock by more than this: say once that we cannot keep up


def _values_may_start_with_minus(argv: list[str]) -> list[str]:
    """`--rate -5/s` reaches the rate check (argparse would take -5/s for an option)."""
    out: list[str] = []
    for arg in argv:
        if out and out[-1] in ("--rate", "--duration", "--count", "--speed") and arg[:1] == "-":
            out[-1] = f"{out[-1]}={arg}"
        else:
            out.append(arg)
    return out


def _parser() -> Parser:
    parser = Parser(prog="python -m acme_gen.stream", description=__doc__)
    parser.add_argument("--stream-name", required=True,
                        help="the Kinesis data stream to put the records to")  # fmt: skip
    parser.add_argument(
        "--rate",
        type=positive_number("/s", "100/s"),
        default=100.0,
        help="mean events per second, e.g. 200/s",
    )
    parser.add_argument(
        "--duration",
        type=positive_number(),
        help="seconds of sending (default: until Ctrl-C or --count)",
    )
    parser.add_argument(
        "--count", type=positive_int, help="send this many events in all, then stop"
    )
    parser.add_argument(
        "--start",
        type=parse_instant,
        help="replay from this past time (UTC unless "
        "it says otherwise), with the events' original timestamps",
    )
    parser.add_argument(
        "--speed",
        type=positive_number("x", "10x"),
        default=1.0,
        help="event time per wall time, e.g. 10x; with --start",
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        help="processes, each sending a disjoint share of the sessions",
    )
    parser.add_argument(
        "--threads", type=positive_int, default=4, help="PutRecords calls in flight per process"
    )
    parser.add_argument("--endpoint-url", help="Kinesis endpoint, e.g. a local AWS server")
    parser.add_argument("--region", default=None, help="AWS region (default: the environment's)")
    add_generator_flags(parser, stream=True)
    parser.add_argument("--table-format", choices=["hive", "iceberg"], default="hive",
                        help="iceberg: add year/month/day/hour to each record, for a Firehose "
                        "Iceberg destination, which maps fields to columns by name")  # fmt: skip
    return parser


@command
def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(_values_may_start_with_minus(sys.argv[1:] if argv is None else argv))
    if args.speed != 1.0 and args.start is None:
        parser.error("--speed needs --start (a live stream runs at the clock's pace)")
    if args.start is not None and args.start.timestamp() > time.time():
        parser.error(f"--start {args.start.isoformat()} is in the future")
    for name in ("workers", "threads"):
        if getattr(args, name) > 64:
            parser.error(f"--{name} must be 1-64, got {getattr(args, name)}")
    config = generator_config(args, events_per_day=args.rate * 86_400, size=with_world_size)
    try:
        check_scopes(build_world(config), config.incidents)
    except ValueError as exc:
        raise UsageError(f"--incident: {exc}") from None
    first_ms = int((args.start.timestamp() if args.start else time.time()) * 1000)
    last_ms = first_ms + int(args.duration * args.speed * 1000) if args.duration else None
    refusals, notices = timing_problems(config.incidents, first_ms, last_ms)
    if refusals:
        raise UsageError(f"--incident {refusals[0]} (the stream starts {iso_second(first_ms)})")
    for notice in notices:
        print(f"notice: --incident {notice}", file=sys.stderr)
    try:  # the stream must exist before the first tick, and we must be able to reach it
        client = kinesis_client(args.endpoint_url, args.region)
        client.describe_stream_summary(StreamName=args.stream_name)
        region = client.meta.region_name
    except SETUP_ERRORS as exc:
        print(f"error: --stream-name {args.stream_name}: {one_line(exc)}", file=sys.stderr)
        return 2
    start = args.start.timestamp() if args.start else time.time()
    settings = StreamSettings(
        config=config,
        stream_name=args.stream_name,
        start_ms=int(start * 1000),
        live=args.start is None,
        speed=args.speed,
        duration=args.duration,
        count=args.count,
        threads=args.threads,
        table_format=args.table_format,
        endpoint_url=args.endpoint_url,
        region=region,
    )
    stop = [False]
    signalled = [0]  # the first stop signal: the exit code is 128 + its number, as shells do

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop[0] = True
        signalled[0] = signalled[0] or signum

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    what = (
        f"replaying from {iso_second(int(args.start.timestamp() * 1000))} at {args.speed:g}x"
        if args.start
        else "streaming"
    )
    print(
        f"{what} to {args.stream_name} at {args.rate:,.0f}/s ({args.traffic_shape}), "
        f"{args.workers} worker(s); warming up; Ctrl-C stops",
        file=sys.stderr,
        flush=True,
    )
    progress = Progress(args.rate * args.speed)
    if args.workers == 1:
        producer = KinesisProducer(client, args.stream_name, threads=args.threads)
        totals = stream_share(
            settings, producer, lambda: stop[0], go=progress.go, progress=progress.show
        )
        failures: list[str] = []
    else:
        totals, failures = run_workers(settings, args.workers, stop, progress)
    progress.summary(totals)
    if failures:
        for line in failures:
            print(f"error: {line}", file=sys.stderr)
        return 1
    if totals.failed:
        return 1
    return 128 + signalled[0] if signalled[0] else 0


class Progress:
    """The live line (sent, rate, lag) on stderr, and the one warning when we fall behind."""

    def __init__(self, asked_rate: float) -> None:
        self.asked_rate = asked_rate
        self.warned = False

    def go(self, totals: StreamTotals) -> float:
        print(f"\rwarm after {totals.warm_up_s:.1f} s; sending{' ' * 30}", file=sys.stderr,
              flush=True)  # fmt: skip
        return time.time()

    def show(self, totals: StreamTotals) -> None:
        if totals.warm_slots_done < totals.warm_slots:
            print(f"\rwarming up: drawing the sessions already running, "
                  f"{totals.warm_slots_done / totals.warm_slots:.0%}", end="", file=sys.stderr,
                  flush=True)  # fmt: skip
            return
        if totals.sending_s == 0:
            return  # warm, not sending yet
        rate = totals.sent / max(totals.sending_s, 1e-9)
        print(
            f"\rsent {totals.sent:,} events in {totals.sending_s:,.0f} s ({rate:,.0f}/s), "
            f"lag {totals.lag_s:.1f} s, {totals.failed:,} failed",
            end="",
            file=sys.stderr,
            flush=True,
        )
        if totals.lag_s > LAG_WARNING_S and not self.warned:
            self.warned = True
            print(
                f"\nwarning: cannot keep up: {rate:,.0f} events/s sent of about "
                f"{self.asked_rate:,.0f}/s asked ({totals.lag_s:.0f} s behind); add --workers "
                "or lower --rate",
                file=sys.stderr,
                flush=True,
            )

    def summary(self, totals: StreamTotals) -> None:
        if totals.warm_slots_done < totals.warm_slots:
            print(
                f"\nstopped during warm-up after {totals.warm_up_s:.1f} s "
                f"({totals.warm_slots_done / totals.warm_slots:.0%} of the running sessions "
                f"drawn): generated {totals.generated:,}, sent {totals.sent:,}"
            )
            return
        rate = totals.sent / max(totals.sending_s, 1e-9)
        print(
            f"\ngenerated {totals.generated:,}, sent {totals.sent:,}, failed {totals.failed:,}, "
            f"retried {totals.retried:,} in {totals.sending_s:,.1f} s: {rate:,.0f} events/s "
            f"(warm-up {totals.warm_up_s:.1f} s, {totals.calls:,} PutRecords calls)"
        )
        if totals.faults:
            kinds = ", ".join(f"{k} {n:,}" for k, n in sorted(totals.faults.items()))
            print(
                f"faults injected: {kinds}; {totals.held:,} late records and copies were "
                "not yet due at the stop"
            )
