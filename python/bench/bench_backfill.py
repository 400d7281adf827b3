"""make bench: backfill throughput and memory, against a naive per-row baseline.

Prints, for one worker at 1M, 3M and 10M events: events/s per core, its share of the
800,000/s target (issue "Speed near the hardware limit") and peak RSS; two workers at 10M
(speed-up over one); a per-row mimesis + pandas generator like the seed's; and pyarrow
alone writing the same table (the encode floor). Targets: >= 800k events/s on one core at
3M, peak RSS < 600 MB, two workers >= 1.7x one.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

RANGE = ["--start", "2026-01-12", "--end", "2026-01-19"]
TARGET = 800_000  # events/s on one core
FAULTS = "duplicate=0.01,drop=0.01,late=0.02,skew=0.01,malformed=0.01"  # a realistic mess
_CHILD = """
import json, resource, sys, time
from acme_gen import backfill
t = time.perf_counter()
plan = backfill.resolve(sys.argv[1:])
summary = backfill.run(plan)
summary["wall"] = time.perf_counter() - t
kb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
         resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
summary["peak_rss_mb"] = kb / 1024
print(json.dumps(summary))
"""


def backfill(events: int, workers: int, out: Path, *extra: str) -> dict[str, float]:
    args = [
        "--telemetry",
        str(events),
        "--workers",
        str(workers),
        "--output-dir",
        str(out),
        "--quiet",
        *RANGE,
        *extra,
    ]
    result = subprocess.run([sys.executable, "-c", _CHILD, *args], capture_output=True,
                            text=True, check=True)  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def naive_baseline(rows: int) -> float:
    """Per-row generation as the seed's data_generation/main.py does (Faker-style loop)."""
    import random
    import uuid
    from datetime import UTC, datetime, timedelta

    import pandas as pd
    from mimesis import Address, Internet
    from mimesis.locales import Locale

    address, internet = Address(Locale.EN, seed=1), Internet(seed=1)
    rnd = random.Random(1)
    start = time.perf_counter()
    records = []
    for _ in range(rows):
        ts = datetime(2026, 1, 12, tzinfo=UTC) + timedelta(seconds=rnd.randint(0, 7 * 86400))
        records.append({
            "event_id": str(uuid.uuid4()), "event_type": rnd.choice(["start", "pause", "stop"]),
            "event_timestamp": ts.isoformat(timespec="milliseconds"),
            "customer_id": f"CUST-{rnd.randint(1, 10000):06d}", "title_id": f"TITLE-{rnd.randint(1, 500):05d}",
            "session_id": str(uuid.uuid4()), "device_id": str(uuid.uuid4()),
            "title_type": rnd.choice(["movie", "series"]), "device_type": rnd.choice(["tv", "web"]),
            "device_os": "iOS", "app_version": "1.0", "quality": rnd.choice(["SD", "HD", "4K"]),
            "bandwidth_mbps": rnd.uniform(1, 100), "buffering_events": rnd.randint(0, 3),
            "buffering_duration_seconds": rnd.uniform(0, 10), "error_count": rnd.randint(0, 1),
            "watch_duration_seconds": rnd.randint(0, 7200), "position_seconds": rnd.randint(0, 7200),
            "completion_percentage": rnd.uniform(0, 100), "ip_address": internet.ip_v4(),
            "isp": "Comcast", "connection_type": "cable", "country": address.country_code(),
            "state": address.state(), "city": address.city(),
        })  # fmt: skip
    frame = pd.DataFrame.from_records(records)
    with tempfile.TemporaryDirectory() as tmp:
        frame.to_parquet(Path(tmp) / "naive.parquet", compression="snappy")
    return rows / (time.perf_counter() - start)


def pyarrow_alone(lake: Path) -> float:
    from acme_gen.lake.store import parquet_options

    tables = [pq.read_table(p) for p in sorted((lake / "telemetry").rglob("*.parquet"))[:48]]
    rows = sum(t.num_rows for t in tables)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        for i, t in enumerate(tables):
            pq.write_table(t, Path(tmp) / f"{i}.parquet", **parquet_options("streaming_events"))
        return rows / (time.perf_counter() - start)


def main() -> None:
    print(
        f"{'run':34} {'events':>11} {'seconds':>8} {'events/s':>11} {'/core':>11} "
        f"{'of 800k':>8} {'peak RSS':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for events, workers in ((1_000_000, 1), (3_000_000, 1), (10_000_000, 1), (10_000_000, 2)):
            out = Path(tmp) / f"{events}-{workers}"
            r = backfill(events, workers, out)
            results[(events, workers)] = r
            print(f"{f'acme_gen.backfill {events:,} x{workers} worker':34} {r['events']:>11,} "
                  f"{r['seconds']:>8.1f} {r['events_per_second']:>11,.0f} "
                  f"{r['events_per_second'] / workers:>11,.0f} "
                  f"{r['events_per_second'] / workers / TARGET:>8.0%} {r['peak_rss_mb']:>7.0f}MB")  # fmt: skip
        faulty = backfill(3_000_000, 1, Path(tmp) / "faulty", "--faults", FAULTS)
        ice = backfill(3_000_000, 1, Path(tmp) / "iceberg", "--table-format", "iceberg")
        arrow_rate = pyarrow_alone(Path(tmp) / "10000000-1")
        engines = {}
        for engine in ("process", "spark"):
            extra = ["--engine", "spark", "--spark-master", "local[2]"] if engine == "spark" else []
            engines[engine] = backfill(1_000_000, 2, Path(tmp) / f"engine-{engine}", *extra)
    naive = naive_baseline(20_000)
    print(
        f"{'naive per-row mimesis + pandas':34} {20_000:>11,} {'':>8} {naive:>11,.0f} {naive:>11,.0f}"
        f" {naive / TARGET:>8.0%}"
    )
    print(
        f"{'pyarrow write_table alone':34} {'':>11} {'':>8} {arrow_rate:>11,.0f} {arrow_rate:>11,.0f}"
        f" {arrow_rate / TARGET:>8.0%}"
    )
    for engine, r in engines.items():
        print(
            f"{f'engine {engine}, 1M events, 2 cores':34} {r['events']:>11,} {r['wall']:>8.1f} "
            f"{r['events_per_second']:>11,.0f} {r['events_per_second'] / 2:>11,.0f}"
        )
    tasks = 168 / 6  # hours / acme_gen.backfill.spark.HOURS_PER_TASK
    extra = engines["spark"]["wall"] - engines["process"]["wall"]
    one = results[(10_000_000, 1)]["events_per_second"]
    two = results[(10_000_000, 2)]["events_per_second"]
    print()
    print(
        f"Spark local[2] vs process pool at 1M: {extra:+.1f} s wall (JVM start, scheduling), "
        f"~{extra / tasks:.2f} s per 6-hour task"
    )
    print(
        f"one core, 10M: {one:,.0f} events/s (target >= 800,000); "
        f"{one / naive:,.0f}x the naive baseline; {one / arrow_rate:.0%} of pyarrow's write rate"
    )
    three = results[(3_000_000, 1)]
    print(
        f"one core, 3M events over 7 days (168 files): {three['events_per_second']:,.0f} events/s, "
        f"{three['peak_rss_mb']:.0f} MB ({three['events_per_second'] / TARGET:.0%} of the target"
        f" 800,000, < 600 MB)"
    )
    print(
        f"peak RSS at 10M, one worker: {results[(10_000_000, 1)]['peak_rss_mb']:.0f} MB (target < 600)"
    )
    print(f"two workers / one worker at 10M: {two / one:.2f}x (target >= 1.7)")
    print(
        f"one core, 3M events with --faults {FAULTS}: {faulty['events_per_second']:,.0f} "
        f"events/s, {faulty['peak_rss_mb']:.0f} MB "
        f"({faulty['events_per_second'] / three['events_per_second']:.0%} of the clean run)"
    )
    print(
        f"one core, 3M events as an Iceberg table (pyiceberg commits): "
        f"{ice['events_per_second']:,.0f} events/s, {ice['peak_rss_mb']:.0f} MB "
        f"({ice['events_per_second'] / three['events_per_second']:.0%} of the Hive run)"
    )


if __name__ == "__main__":
    main()
