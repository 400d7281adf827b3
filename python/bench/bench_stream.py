"""make bench (stream part): the live stream's generation, serialisation and sending rates,
its memory, and a Lambda producer chunk at high volume. Targets from the issue "Load-test
scale"; the stream runs as a user runs it (python -m acme_gen.stream) against a null Kinesis
sink (bench/null_kinesis.py, on the other core) or a moto server, both on 127.0.0.1.

Lambda gives 1,769 MB one vCPU (less memory, proportionally less CPU), so local CPU time is
also shown scaled to the configured memory.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import boto3
from moto.server import ThreadedMotoServer
from null_kinesis import NullKinesis

from acme_gen.config import GeneratorConfig
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.core.live import LiveTimeline
from acme_gen.core.sizing import with_world_size
from acme_gen.kinesis.records import json_records
from acme_gen.lambdas.plan import plan_window

PRIME_TIME = 1_768_507_200_000  # 2026-01-15T20:00Z
FIVE_MINUTES = 300_000
ONE_VCPU_MB = 1769
KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
ROOT = Path(__file__).resolve().parents[2]


def show(label: str, value: str, target: str = "") -> None:
    print(f"{label:52} {value:>24}  {target}", flush=True)


def generate_and_serialise() -> None:
    """Per core, in process: the timeline against window() per tick (the naive baseline)."""
    # The world sized to the volume, as the stream sizes it (tens of millions of customers).
    # At 2,000/s: the warm-up at 10,000/s now takes about 17 minutes (first_record below).
    config = with_world_size(
        GeneratorConfig(events_per_day=2_000 * 86_400, traffic_shape="flat"), False
    )
    timeline = LiveTimeline(TelemetryGenerator(config), PRIME_TIME)
    timeline.warm_up()
    cpu, events = time.process_time(), 0
    for tick in range(1, 61):
        batch = timeline.until(PRIME_TIME + tick * 1000)
        events += len(json_records(timeline.generator.world, batch)[0])
    rate = events / (time.process_time() - cpu)
    naive = TelemetryGenerator(config)
    naive.window(PRIME_TIME - 1000, PRIME_TIME)  # its cache warm, as for a running stream
    cpu, naive_events = time.process_time(), 0
    for tick in range(1, 4):
        batch = naive.window(PRIME_TIME + (tick - 1) * 1000, PRIME_TIME + tick * 1000)
        naive_events += len(json_records(naive.world, batch)[0])
    naive_rate = naive_events / (time.process_time() - cpu)
    show("generate + JSON, 1-s ticks at 2k/s (per core)", f"{rate:,.0f} events/s",
         f"(target >= 100,000; window() per tick: {naive_rate:,.0f}/s)")  # fmt: skip


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (workers), in MB."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError):
            continue
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            rss = re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{p}/status").read_text())
            total += int(rss.group(1)) / 1024 if rss else 0
        except OSError:
            continue
    return total


def run_stream(endpoint: str, *flags: str, stream: str = "bench") -> dict[str, float]:
    """Run the command; its summary's figures, the wall time after warm-up, peak tree RSS."""
    cmd = [sys.executable, "-m", "acme_gen.stream", "--stream-name", stream,
           "--endpoint-url", endpoint, "--region", "us-east-1", *flags]  # fmt: skip
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, **KEYS})  # fmt: skip
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, tree_rss_mb(proc.pid))
        time.sleep(0.25)
    out = proc.stdout.read() if proc.stdout else ""
    match = re.search(r"sent ([\d,]+), failed ([\d,]+), retried ([\d,]+) in ([\d.,]+) s: "
                      r"([\d,]+) events/s \(warm-up ([\d.]+) s", out)  # fmt: skip
    if proc.returncode or not match:
        raise SystemExit(f"stream failed ({proc.returncode}): {out}")
    sent, failed, _retried, sending, rate, warm = (
        float(g.replace(",", "")) for g in match.groups()
    )
    return {"sent": sent, "failed": failed, "rate": rate, "sending_s": sending, "warm_up_s": warm,
            "wall_s": time.perf_counter() - started, "rss_mb": peak}  # fmt: skip


def against_null_sink() -> None:
    """Sending throughput: a replay at 10x asks 20,000/s of a stream whose warm-up is that of
    2,000/s. (50,000/s over two workers no longer fits: the warm-up holds about 650 MB per
    1,000 events/s in every worker; see first_record.)"""
    replay = ["--rate", "2000/s", "--shape", "flat", "--start", "2026-01-15T20:00",
              "--speed", "10x", "--duration", "10"]  # fmt: skip
    with NullKinesis() as sink:
        one = run_stream(sink.url, *replay)
        show("end to end, 1 process, asked 20k/s (2k/s at 10x)", f"{one['rate']:,.0f} events/s",
             "(JSON + botocore PutRecords + sink share 2 cores)")  # fmt: skip
        two = run_stream(sink.url, *replay, "--workers", "2")
        show("  the same with --workers 2", f"{two['rate']:,.0f} events/s",
             f"({two['rate'] / one['rate']:.2f}x)")  # fmt: skip
        live = run_stream(sink.url, "--rate", "2000/s", "--duration", "30")
        show("live 2,000/s for 30 s: wall after warm-up", f"{live['sending_s']:.1f} s",
             "(target <= 36 s)")  # fmt: skip
        show("  warm-up (drawing the running sessions)", f"{live['warm_up_s']:.1f} s")
        show("  peak RSS", f"{live['rss_mb']:,.0f} MB")


# Issue 23's figures before the behaviour model (--count 1 --shape flat): first record, RSS.
BEFORE_BEHAVIOUR_MODEL = {2_000: (8.4, 356), 10_000: (34.9, 1_400)}


def first_record() -> None:
    """Time from start-up to the first record sent, and peak RSS, at three rates on one
    process: the warm-up draws every session that may still run at the start (five hours
    of starts) and, for physics, decides them against the five hours before those."""
    with NullKinesis() as sink:
        for rate in (2_000, 10_000, 20_000):
            run = run_stream(sink.url, "--rate", f"{rate}/s", "--shape", "flat", "--count", "1")
            before = BEFORE_BEHAVIOUR_MODEL.get(rate)
            was = f"(before the behaviour model: {before[0]} s, {before[1]:,} MB)" if before else ""
            show(f"first record at {rate:,}/s: time; peak RSS",
                 f"{run['wall_s']:.0f} s; {run['rss_mb']:,.0f} MB", was)  # fmt: skip
            show("  MB per 1,000 events/s", f"{run['rss_mb'] / (rate / 1000):,.0f}",
                 "(issue 23's target: first record <= 2 s, <= 60 MB per 1,000/s)")  # fmt: skip


def against_moto() -> None:
    """moto numbers each record max + 1 by scanning its shard, so it slows as a stream fills:
    a fresh stream per run and a fixed count keep the two runs comparable."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client("kinesis", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip
    flags = ["--rate", "5000/s", "--shape", "flat", "--count", "20000", "--customers", "2000"]
    try:
        rates = []
        for workers in ("1", "2"):
            name = f"bench-{workers}"
            client.create_stream(StreamName=name, ShardCount=4)
            client.get_waiter("stream_exists").wait(StreamName=name)
            run = run_stream(endpoint, *flags, "--workers", workers, "--threads", "1",
                             stream=name)  # fmt: skip
            rates.append(run["rate"])
    finally:
        server.stop()
    show("against moto, 20,000 events: 1 process", f"{rates[0]:,.0f} events/s",
         "(moto's own limit: a local server, not Kinesis)")  # fmt: skip
    show("  --workers 2", f"{rates[1]:,.0f} events/s", f"({rates[1] / rates[0]:.2f}x)")


def terraform_default(name: str, module: str = "") -> int:
    text = (ROOT / "terraform" / module / "variables.tf").read_text()
    match = re.search(rf'variable "{name}" {{.*?default\s*=\s*(\d+)', text, re.S)
    assert match, name
    return int(match.group(1))


def lambda_chunk_at_high_volume() -> None:
    memory, timeout = (
        terraform_default("lambda_memory_mb"),
        terraform_default("lambda_timeout_seconds"),
    )
    chunk_events = terraform_default("chunk_events", "modules/generator")
    config = with_world_size(GeneratorConfig(events_per_day=100_000_000), False)
    cpu = time.process_time()
    generator = TelemetryGenerator(config)  # a cold container builds its world first
    chunks = plan_window(generator, PRIME_TIME, PRIME_TIME + FIVE_MINUTES, chunk_events)
    fan_out = time.process_time() - cpu
    times, sizes = [], []
    for chunk in chunks[:3]:  # the first cold, then warm (the container's cache)
        cpu = time.process_time()
        batch = generator.window(chunk.start_ms, chunk.end_ms)
        sizes.append(len(json_records(generator.world, batch)[0]))
        times.append(time.process_time() - cpu)
    scale = ONE_VCPU_MB / memory
    show("Lambda at 100M events/day: chunks per 5-min window", f"{len(chunks)} x ~{sizes[0]:,}",
         f"(chunk_events {chunk_events:,}; prime time)")  # fmt: skip
    show("  generator fan-out (cold, incl. world)", f"{fan_out:.2f} s CPU",
         f"~{fan_out * scale:.1f} s at {memory} MB")  # fmt: skip
    for label, t in (("cold", times[0]), ("warm", min(times[1:]))):
        show(f"  producer chunk, {label}: generate + JSON", f"{t:.2f} s CPU",
             f"~{t * scale:.1f} s at {memory} MB of {timeout} s timeout "
             f"({timeout / (t * scale):.1f}x headroom before PutRecords)")  # fmt: skip


def main() -> None:
    generate_and_serialise()
    lambda_chunk_at_high_volume()
    first_record()
    against_null_sink()
    against_moto()


if __name__ == "__main__":
    main()
