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

import argparse
import shlex
import signal
import sys
import time
from collections.abc import Callable
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
from acme_gen.config import GeneratorConfig
from acme_gen.core.incidents import check_scopes, timing_problems
from acme_gen.core.sizing import with_world_size
from acme_gen.core.world import build_world
from acme_gen.kinesis.producer import KinesisProducer
from acme_gen.stream.share import StreamSettings, StreamTotals, kinesis_client, stream_share
from acme_gen.stream.workers import run_workers
from acme_gen.time_labels import iso_millis, iso_second

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
        help="wall-clock seconds of sending, whatever --speed and the sink's pace (default: "
        "until Ctrl-C or --count)",
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
        help="event time per wall time, e.g. 10x; with --start. It compresses event time, "
        "so events are sent at --rate times this",
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
    parser.add_argument("--lake", default="s3://BUCKET", help="where Firehose delivers the "
                        "stream, for the reconcile command the summary prints")  # fmt: skip
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
    print(window_line(args, config, totals, worker_failed=bool(failures)))
    if failures:
        for line in failures:
            print(f"error: {line}", file=sys.stderr)
        return 1
    if totals.failed:
        return 1
    return 128 + signalled[0] if signalled[0] else 0


class Progress:
    """Progress on stderr: at a terminal one live line, rewritten in place; anywhere else
    (a log, a pipe, CI) a plain line every PLAIN_EVERY_S seconds. With --workers, the
    parent shows the workers' combined totals. One warning when we fall behind."""

    PLAIN_EVERY_S = 5.0

    def __init__(
        self,
        asked_rate: float,
        live: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.asked_rate = asked_rate
        self.live = sys.stderr.isatty() if live is None else live
        self.clock = clock
        self.warned = False
        self.open = False  # a live line is on screen without its newline
        self.last_plain = -float("inf")

    def _line(self, text: str) -> None:
        if self.live:
            print(f"\r{text:<78}", end="", file=sys.stderr, flush=True)
            self.open = True
        elif self.clock() - self.last_plain >= self.PLAIN_EVERY_S:
            self.last_plain = self.clock()
            print(text, file=sys.stderr, flush=True)

    def end_line(self) -> None:
        """End the live line, so what follows starts on a line of its own."""
        if self.open:
            print(file=sys.stderr, flush=True)
            self.open = False

    def say(self, text: str) -> None:
        self.end_line()
        print(text, file=sys.stderr, flush=True)

    def go(self, totals: StreamTotals) -> float:
        self.say(f"warm after {totals.warm_up_s:.1f} s; sending")
        self.last_plain = -float("inf")  # the first sent line comes at once
        return time.time()

    def show(self, totals: StreamTotals) -> None:
        if totals.warm_slots_done < totals.warm_slots:
            done = totals.warm_slots_done / totals.warm_slots
            self._line(f"warming up: drawing the sessions already running, {done:.0%}")
            return
        if totals.sending_s == 0:
            return  # warm, not sending yet
        rate = totals.sent / max(totals.sending_s, 1e-9)
        self._line(
            f"sent {totals.sent:,} events in {totals.sending_s:,.0f} s ({rate:,.0f}/s of "
            f"{self.asked_rate:,.0f}/s asked), lag {totals.lag_s:.1f} s, {totals.failed:,} failed"
        )
        if totals.lag_s > LAG_WARNING_S and not self.warned:
            self.warned = True
            self.say(
                f"warning: cannot keep up: {rate:,.0f} events/s sent of about "
                f"{self.asked_rate:,.0f}/s asked ({totals.lag_s:.0f} s behind); "
                + bottleneck(totals)
            )

    def summary(self, totals: StreamTotals) -> None:
        self.end_line()
        if totals.warm_slots_done < totals.warm_slots:
            print(
                f"stopped during warm-up after {totals.warm_up_s:.1f} s "
                f"({totals.warm_slots_done / totals.warm_slots:.0%} of the running sessions "
                f"drawn): generated {totals.generated:,}, sent {totals.sent:,}"
            )
            return
        rate = totals.sent / max(totals.sending_s, 1e-9)
        print(
            f"generated {totals.generated:,}, sent {totals.sent:,}, failed {totals.failed:,}, "
            f"retried {totals.retried:,} in {totals.sending_s:,.1f} s: {rate:,.0f} events/s "
            f"(warm-up {totals.warm_up_s:.1f} s, {totals.calls:,} PutRecords calls)"
        )
        if totals.faults:
            kinds = ", ".join(f"{k} {n:,}" for k, n in sorted(totals.faults.items()))
            print(
                f"faults injected: {kinds}; {totals.held:,} late records and copies were "
                "not yet due at the stop"
            )


def bottleneck(totals: StreamTotals) -> str:
    """Which side holds the stream back, with the figures: the sink (more PutRecords calls
    in flight or more shards help; more processes only add warm-up and memory) or the
    generator (CPU: more processes help)."""
    if totals.put_s >= totals.generate_s:
        per_call = totals.put_s / max(totals.calls, 1) * 1000
        throttled = f", {totals.retried:,} records retried" if totals.retried else ""
        return (f"the sink is the limit: PutRecords took {totals.put_s:,.1f} s against "
                f"{totals.generate_s:,.1f} s generating ({per_call:,.0f} ms a call{throttled});"
                " raise --threads or the stream's shards, not --workers")  # fmt: skip
    return (f"generation is the limit: {totals.generate_s:,.1f} s generating against "
            f"{totals.put_s:,.1f} s in PutRecords; add --workers (one per core) or lower "
            "--rate")  # fmt: skip


def window_line(args: argparse.Namespace, config: GeneratorConfig, totals: StreamTotals,
                worker_failed: bool = False) -> str:  # fmt: skip
    """The event-time window the run sent, and the reconcile command that checks it landed:
    the same world, volume, faults and incidents, and exactly that window."""
    if totals.sent == 0:
        return "event time covered: none (nothing was sent)"
    if worker_failed or not totals.window_exact or totals.cursor_ms <= totals.first_ms:
        if worker_failed:  # its share stopped where it failed: the window has a hole
            why = "a worker failed"
        elif not totals.window_exact and args.count is not None:
            why = "--count stopped inside a tick"
        elif totals.cursor_ms <= totals.first_ms:
            why = "the run stopped inside its first tick"
        else:
            why = "the workers stopped at different event times"
        covered = (f"about [{iso_millis(totals.first_ms)}, {iso_millis(totals.cursor_ms)})"
                   if totals.cursor_ms > totals.first_ms
                   else f"part of the first tick from {iso_millis(totals.first_ms)}")  # fmt: skip
        return f"event time covered: {covered}; no exact window to reconcile ({why})"
    window = f"[{iso_millis(totals.first_ms)}, {iso_millis(totals.cursor_ms)})"
    command = ["python", "-m", "acme_gen.reconcile", "--lake", args.lake,
               "--events-per-day", _exact(config.events_per_day), "--seed", str(config.seed),
               "--titles", str(config.titles), "--campaigns", str(config.campaigns),
               "--shape", config.traffic_shape]  # fmt: skip
    if args.customers is not None:
        command += ["--customers", str(args.customers)]
    if config.faults.any():
        command += ["--faults", config.faults.spec()]
    for incident in config.incidents:
        command += ["--incident", incident.spec()]
    command += ["--start", iso_millis(totals.first_ms), "--end", iso_millis(totals.cursor_ms)]
    for flag in ("endpoint_url", "region"):
        if getattr(args, flag):
            command += [f"--{flag.replace('_', '-')}", getattr(args, flag)]
    unsent = (f" (expect the {totals.failed:,} records that failed to send as missing)"
              if totals.failed else "")  # fmt: skip
    return (f"event time covered: {window}; once Firehose has delivered it (its buffer "
            f"interval later), check that it all landed{unsent}:\n  "
            + shlex.join(command))  # fmt: skip


def _exact(value: float) -> str:
    """A float as text that parses back to the same float (no rounding of the volume)."""
    return str(int(value)) if value.is_integer() else repr(value)
