"""python -m acme_gen.stream against a local Kinesis API."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
import orjson
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pytest

from acme_gen.config import GeneratorConfig
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.core.sizing import with_world_size
from acme_gen.kinesis.producer import KinesisProducer, PutRecordsReport, read_records
from acme_gen.lake.arrow import ArrowEncoder
from acme_gen.schema import MANIFEST
from acme_gen.stream import StreamSettings, StreamTotals, stream_share
from bench.null_kinesis import NullKinesis

from ..aws import DUMMY_KEYS, REGION, LocalAws
from ..conftest import run_backfill


def test_run_sends_live_windows_without_gaps(local_aws: LocalAws) -> None:
    kinesis = local_aws.client("kinesis")
    kinesis.create_stream(StreamName="live", ShardCount=1)
    now = [1_768_507_200.0]  # 2026-01-15T20:00:00Z, prime time in the Americas

    def sleep(seconds: float) -> None:
        now[0] += seconds

    config = GeneratorConfig(customers=300_000, titles=50, campaigns=5, events_per_day=40 * 86_400,
                             seed=1)  # fmt: skip
    gen = TelemetryGenerator(config)
    settings = StreamSettings(config, "live", start_ms=int(now[0] * 1000), duration=30)
    totals = stream_share(settings, KinesisProducer(kinesis, "live"), lambda: False,
                          clock=lambda: now[0], sleep=sleep)  # fmt: skip
    expected = gen.window(1_768_507_200_000, 1_768_507_230_000)
    assert totals.generated == totals.sent == len(expected) > 300
    assert totals.failed == 0
    sent = sorted(orjson.loads(r["Data"])["event_id"] for r in read_records(kinesis, "live"))
    window = ArrowEncoder(gen.world).events_table(expected)["event_id"].to_pylist()
    assert sent == sorted(window)  # every event of the 30 s, once: no gap, no overlap


def _wait_for(proc: subprocess.Popen[str], text: str, timeout: float = 60) -> None:
    """Read the process's stderr until `text` appears (the stream prints progress there)."""
    assert proc.stderr is not None
    seen = ""
    deadline = time.monotonic() + timeout
    # From the pipe itself, not the text wrapper: the wrapper's read(1) buffers the rest of
    # what arrived, and select then waits for more that may not come (warm-up is quiet).
    fd = proc.stderr.fileno()
    while text not in seen:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        assert ready, f"no {text!r} on stderr within {timeout} s: {seen!r}"
        chunk = os.read(fd, 4096)
        assert chunk, f"the stream ended before {text!r}: {seen!r}"
        seen += chunk.decode(errors="replace")


def test_ctrl_c_stops_cleanly_with_everything_sent(local_aws: LocalAws) -> None:
    local_aws.client("kinesis").create_stream(StreamName="ctrl-c", ShardCount=1)
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": DUMMY_KEYS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": DUMMY_KEYS["aws_secret_access_key"],
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "acme_gen.stream",
            "--stream-name",
            "ctrl-c",
            "--rate",
            "300/s",
            "--endpoint-url",
            local_aws.endpoint,
            "--region",
            REGION,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for(proc, "Ctrl-C stops")  # the handler is installed
    _wait_for(proc, "sent ")  # and a first batch went out
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err  # 128 + SIGINT, as a shell reports an interrupted run
    match = re.search(r"generated ([\d,]+), sent ([\d,]+), failed 0", out)
    assert match and match.group(1) == match.group(2), out
    sent = int(match.group(2).replace(",", ""))
    assert sent > 0
    assert len(list(read_records(local_aws.client("kinesis"), "ctrl-c"))) == sent


def _popen_stream(endpoint: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": DUMMY_KEYS["aws_access_key_id"],
           "AWS_SECRET_ACCESS_KEY": DUMMY_KEYS["aws_secret_access_key"]}  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "-m", "acme_gen.stream", "--endpoint-url", endpoint, "--region",
         REGION, "--titles", "50", "--campaigns", "5", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_ctrl_c_stops_every_worker_with_everything_sent() -> None:
    with NullKinesis(keep=True) as sink:
        proc = _popen_stream(sink.url, "--stream-name", "s", "--rate", "300/s", "--workers", "2")
        _wait_for(proc, "Ctrl-C stops")
        _wait_for(proc, "sent ")  # both workers are warm and sending
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        ids = [orjson.loads(d)["event_id"] for d in sink.data()]
    assert proc.returncode == 130, err
    match = re.search(r"generated ([\d,]+), sent ([\d,]+), failed 0", out)
    assert match and match.group(1) == match.group(2), out
    assert int(match.group(2).replace(",", "")) == len(ids) == len(set(ids)) > 0


def _worker_pids(parent: int) -> list[int]:
    """The stream's worker processes (spawned children; not multiprocessing's tracker)."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return [int(pid) for pid in children
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]  # fmt: skip


def test_a_worker_killed_mid_stream_fails_the_run_and_says_which() -> None:
    with NullKinesis(keep=True) as sink:
        proc = _popen_stream(sink.url, "--stream-name", "s", "--rate", "300/s", "--workers", "2",
                             "--duration", "600")  # fmt: skip
        _wait_for(proc, "sent ")
        workers = _worker_pids(proc.pid)
        assert len(workers) == 2
        os.kill(workers[1], signal.SIGKILL)
        out, err = proc.communicate(timeout=60)  # long before --duration
    assert proc.returncode == 1, err
    assert re.search(r"error: worker [01] died \(killed by SIGKILL\) after sending [\d,]+ events",
                     err), err  # fmt: skip
    assert "Traceback" not in err and "generated " in out  # the summary of what was sent


def test_a_worker_that_raises_fails_the_run_and_says_which() -> None:
    # A proxy's garbled 200: whether that batch landed is unknown, so the worker raises.
    with NullKinesis(garble_after=400) as sink:
        proc = _popen_stream(sink.url, "--stream-name", "s", "--rate", "300/s", "--workers", "2",
                             "--duration", "600")  # fmt: skip
        out, err = proc.communicate(timeout=120)  # long before --duration
    assert proc.returncode == 1, err
    assert re.search(r"error: worker [01] failed: PutRecords of \d+ records got a reply without "
                     r"a result per record \(is the endpoint Kinesis\?\) after sending [\d,]+ "
                     r"events; the others were stopped", err), err  # fmt: skip
    assert "Traceback" not in err and "generated " in out
    assert "(a worker failed)" in out and "acme_gen.reconcile" not in out  # a hole, no window


def test_a_stream_that_goes_away_stops_every_worker(local_aws: LocalAws) -> None:
    kinesis = local_aws.client("kinesis")
    kinesis.create_stream(StreamName="vanishing", ShardCount=1)
    proc = _popen_stream(local_aws.endpoint, "--stream-name", "vanishing", "--rate", "100/s",
                         "--workers", "2", "--duration", "600")  # fmt: skip
    _wait_for(proc, "sent ")
    kinesis.delete_stream(StreamName="vanishing")
    out, err = proc.communicate(timeout=60)  # long before --duration
    assert proc.returncode == 1, err
    assert "the stream is gone or refuses us; stopping" in err
    assert re.search(r"failed [1-9]", out), out


def test_bad_rate_is_refused() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "acme_gen.stream", "--stream-name", "s", "--rate", "fast"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1


def _stream(endpoint: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": DUMMY_KEYS["aws_access_key_id"],
           "AWS_SECRET_ACCESS_KEY": DUMMY_KEYS["aws_secret_access_key"]}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "acme_gen.stream", "--endpoint-url", endpoint,
         "--region", REGION, "--titles", "50", "--campaigns", "5", *args],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip


def test_replay_sends_exactly_the_past_window_from_two_workers() -> None:
    """--start/--speed replays history with its own timestamps; two workers split it. Against
    the recording sink: moto loses records under concurrent PutRecords (bench/null_kinesis)."""
    replay = ["--start", "2026-01-15T20:00", "--speed", "60x", "--duration", "3"]
    with NullKinesis(keep=True) as sink:
        result = _stream(sink.url, "--stream-name", "replay", "--rate", "20/s", *replay,
                         "--workers", "2", "--threads", "3")  # fmt: skip
        records = [orjson.loads(d) for d in sink.data()]
    assert result.returncode == 0, result.stderr
    # The stream sized its world to the volume, as every command does without --customers.
    config = with_world_size(
        GeneratorConfig(titles=50, campaigns=5, events_per_day=20 * 86_400), False
    )
    gen = TelemetryGenerator(config)
    start = 1_768_507_200_000
    expected = ArrowEncoder(gen.world).events_table(gen.window(start, start + 180_000))
    assert sorted(r["event_id"] for r in records) == sorted(expected["event_id"].to_pylist())
    assert len(records) > 1_000
    match = re.search(r"generated ([\d,]+), sent ([\d,]+), failed 0, retried 0", result.stdout)
    assert match and int(match.group(2).replace(",", "")) == len(records), result.stdout


def test_count_sends_exactly_that_many_in_all(local_aws: LocalAws) -> None:
    local_aws.client("kinesis").create_stream(StreamName="counted", ShardCount=1)
    result = _stream(local_aws.endpoint, "--stream-name", "counted", "--rate", "500/s",
                     "--shape", "flat", "--count", "2500", "--threads", "1")  # fmt: skip
    assert result.returncode == 0, result.stderr
    records = [
        orjson.loads(r["Data"]) for r in read_records(local_aws.client("kinesis"), "counted")
    ]
    assert len(records) == len({r["event_id"] for r in records}) == 2500
    assert "sent 2,500, failed 0" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--speed", "10x"], "--speed needs --start"),
        (["--start", "2099-01-01T00:00"], "is in the future"),
        (["--start", "yesterday"], "is not a date"),
        (["--workers", "0"], "must be positive"),
        (["--threads", "65"], "--threads must be 1-64"),
        (["--count", "0"], "must be positive"),
        (["--count", "-3"], "must be positive"),
        (["--speed", "fastx", "--start", "2026-01-01T00:00"], "is not a number like 10x"),
        (["--rate", "0/s"], "must be positive"),
        (["--shape", "square"], "invalid choice"),
    ],
)
def test_bad_stream_flags_get_one_line(args: list[str], message: str) -> None:
    result = subprocess.run([sys.executable, "-m", "acme_gen.stream", "--stream-name", "s", *args],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr


def test_a_stream_behind_the_clock_catches_up_in_bounded_steps() -> None:
    now = [1_768_507_200.0]  # 2026-01-15T20:00:00Z
    spans: list[float] = []  # event-time seconds each tick sends

    class SlowFirstPut:
        def put(self, data: list[bytes], keys: list[str]) -> Any:
            stamps = [datetime.fromisoformat(orjson.loads(d)["event_timestamp"]) for d in data]
            spans.append((max(stamps) - min(stamps)).total_seconds())
            if len(spans) == 1:
                now[0] += 60  # the first put took a minute: the stream is 60 s behind
            return PutRecordsReport(records=len(data), put=len(data))

    def sleep(seconds: float) -> None:
        now[0] += seconds

    config = GeneratorConfig(customers=300_000, titles=50, campaigns=5, events_per_day=40 * 86_400,
                             seed=1)  # fmt: skip
    settings = StreamSettings(config, "s", start_ms=int(now[0] * 1000), duration=80)
    totals = stream_share(settings, SlowFirstPut(), lambda: False,  # type: ignore[arg-type]
                          clock=lambda: now[0], sleep=sleep)  # fmt: skip
    assert totals.sent > 2_000 and len(spans) > 30
    # Each tick sends at most CATCH_UP_TICKS (2) seconds of event time, however far behind.
    assert max(spans) <= 2.0, max(spans)
    assert max(spans[1:10]) > 1.5  # while behind, it does send whole catch-up steps


def test_count_splits_over_workers() -> None:
    with NullKinesis(keep=True) as sink:
        result = _stream(sink.url, "--stream-name", "counted", "--rate", "500/s", "--shape",
                         "flat", "--count", "2501", "--workers", "2")  # fmt: skip
        ids = [orjson.loads(d)["event_id"] for d in sink.data()]
    assert result.returncode == 0, result.stderr
    assert len(ids) == len(set(ids)) == 2501


def test_producer_threads_send_every_record_once() -> None:
    """Against the recording sink: moto loses records under concurrent PutRecords."""
    data = [orjson.dumps({"n": i}) for i in range(2_345)]
    keys = [str(i) for i in range(2_345)]
    with NullKinesis(keep=True) as sink:
        client = boto3.client("kinesis", endpoint_url=sink.url, region_name=REGION, **DUMMY_KEYS)
        report = KinesisProducer(client, "threads", threads=4).put(data, keys)
        got = sorted(orjson.loads(d)["n"] for d in sink.data())
    assert (report.records, report.put, report.calls, report.failed) == (2_345, 2_345, 5, 0)
    assert got == list(range(2_345))


def test_a_flat_stream_holds_the_same_rows_as_a_flat_backfill(tmp_path: Path) -> None:
    """--shape flat on both sides: the streamed window equals the backfilled one, row for row."""
    replay = ["--start", "2026-01-15T20:00", "--speed", "60x", "--duration", "2"]
    with NullKinesis(keep=True) as sink:
        result = _stream(sink.url, "--stream-name", "flat", "--rate", "20/s", "--shape", "flat",
                         *replay)  # fmt: skip
        streamed = sorted((orjson.loads(d) for d in sink.data()), key=lambda r: r["event_id"])
    assert result.returncode == 0, result.stderr
    out = tmp_path / "lake"
    run_backfill("--events-per-day", str(20 * 86_400), "--shape", "flat",
                 "--titles", "50", "--campaigns", "5", "--start", "2026-01-15T20:00", "--end",
                 "2026-01-15T21:00", "--workers", "1", "--quiet", "--output-dir", out)  # fmt: skip
    assert orjson.loads((out / MANIFEST).read_bytes())["generator"]["traffic_shape"] == "flat"
    table = ds.dataset(out / "telemetry", format="parquet").to_table()
    ts = table["event_timestamp"]
    window = table.filter(pc.and_(pc.greater_equal(ts, "2026-01-15T20:00:00.000Z"),
                                  pc.less(ts, "2026-01-15T20:02:00.000Z")))  # fmt: skip
    assert streamed == sorted(window.to_pylist(), key=lambda r: r["event_id"])
    assert len(streamed) > 1_000
    reconcile = [sys.executable, "-m", "acme_gen.reconcile", "--lake", str(out), "--brief",
                 "--events-per-day", str(20 * 86_400), "--titles", "50",
                 "--campaigns", "5", "--start", "2026-01-15T20:00",
                 "--end", "2026-01-15T21:00"]  # fmt: skip
    assert subprocess.run([*reconcile, "--shape", "flat"], capture_output=True).returncode == 0
    assert subprocess.run(reconcile, capture_output=True).returncode == 1  # diurnal differs


def test_a_fast_replay_that_reaches_the_present_goes_on_in_real_time() -> None:
    now = [1_768_507_200.0]
    sent_at: list[tuple[float, int]] = []  # (wall time, latest event time in the batch)

    class Recorder:
        def put(self, data: list[bytes], keys: list[str]) -> Any:
            latest = max(orjson.loads(d)["event_timestamp"] for d in data)
            sent_at.append((now[0], int(datetime.fromisoformat(latest).timestamp() * 1000)))
            return PutRecordsReport(records=len(data), put=len(data))

    def sleep(seconds: float) -> None:
        now[0] += seconds

    config = GeneratorConfig(
        customers=1_500_000, titles=50, campaigns=5, events_per_day=200 * 86_400
    )
    start_ms = int(now[0] * 1000) - 10_000  # 10 s ago, at 100x: the present within a tick
    settings = StreamSettings(config, "s", start_ms=start_ms, live=False, speed=100, duration=20)
    totals = stream_share(settings, Recorder(), lambda: False,  # type: ignore[arg-type]
                          clock=lambda: now[0], sleep=sleep)  # fmt: skip
    assert all(event_ms < wall * 1000 for wall, event_ms in sent_at)  # nothing from the future
    assert 20 <= now[0] - 1_768_507_200.0 < 20.2  # --duration is wall time
    # 10 s of event time caught up at once, then 20 s of it at the clock's pace
    assert 29_900 <= totals.cursor_ms - start_ms <= 30_100
    gen = TelemetryGenerator(config)
    assert totals.sent == len(gen.window(start_ms, totals.cursor_ms)) > 100


def test_sigterm_during_warm_up_exits_143_and_says_it_never_got_warm() -> None:
    with NullKinesis(keep=True) as sink:
        proc = _popen_stream(sink.url, "--stream-name", "s", "--rate", "1000/s")
        _wait_for(proc, "Ctrl-C stops")
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    assert "stopped during warm-up" in out and "warm-up " not in out.replace("during warm-up", "")
    assert "Traceback" not in err


def test_ctrl_c_during_warm_up_stops_between_slots() -> None:
    calls: list[int] = []

    def should_stop() -> bool:
        calls.append(1)
        return len(calls) > 3  # asked once per slot drawn

    config = GeneratorConfig(
        customers=1_500_000, titles=50, campaigns=5, events_per_day=200 * 86_400
    )
    settings = StreamSettings(config, "s", start_ms=1_768_507_200_000, duration=10)
    seen: list[StreamTotals] = []
    totals = stream_share(settings, None, should_stop, progress=seen.append)  # type: ignore[arg-type]
    assert totals.warm_slots_done == 4 < totals.warm_slots  # stopped long before 61 slots
    assert totals.generated == totals.sent == 0


def test_duration_is_wall_time_even_when_the_sink_is_slow() -> None:
    now = [1_768_507_200.0]

    class SlowSink:  # each PutRecords takes 3 s: far behind a 200/s pace
        def put(self, data: list[bytes], keys: list[str]) -> Any:
            now[0] += 3.0
            return PutRecordsReport(records=len(data), put=len(data))

    def sleep(seconds: float) -> None:
        now[0] += seconds

    config = GeneratorConfig(customers=1_500_000, titles=50, campaigns=5,
                             events_per_day=200 * 86_400)  # fmt: skip
    start_ms = int(now[0] * 1000) - 3_600_000
    settings = StreamSettings(config, "s", start_ms=start_ms, live=False, speed=1, duration=10)
    totals = stream_share(settings, SlowSink(), lambda: False,  # type: ignore[arg-type]
                          clock=lambda: now[0], sleep=sleep)  # fmt: skip
    assert 10 <= now[0] - 1_768_507_200.0 <= 13.5  # the last call may end past it, no more
    assert totals.cursor_ms - start_ms < 10_000  # event time fell behind, and that is said
    assert totals.lag_s > 0
