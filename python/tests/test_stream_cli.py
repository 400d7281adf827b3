"""python -m acme_gen.stream against a local Kinesis API."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time

import orjson

from acme_gen.config import GeneratorConfig
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.kinesis.producer import KinesisProducer, read_records
from acme_gen.lake.arrow import ArrowEncoder
from acme_gen.stream import StreamSettings, stream_share

from .aws import DUMMY_KEYS, REGION, LocalAws


def test_run_sends_live_windows_without_gaps(local_aws: LocalAws) -> None:
    kinesis = local_aws.client("kinesis")
    kinesis.create_stream(StreamName="live", ShardCount=1)
    now = [1_768_507_200.0]  # 2026-01-15T20:00:00Z, prime time in the Americas

    def sleep(seconds: float) -> None:
        now[0] += seconds

    config = GeneratorConfig(customers=500, titles=50, campaigns=5, events_per_day=40 * 86_400,
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
    while text not in seen:
        ready, _, _ = select.select([proc.stderr], [], [], max(0.0, deadline - time.monotonic()))
        assert ready, f"no {text!r} on stderr within {timeout} s: {seen!r}"
        char = proc.stderr.read(1)
        assert char, f"the stream ended before {text!r}: {seen!r}"
        seen += char


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
            "--customers",
            "500",
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
    assert proc.returncode == 0, err
    match = re.search(r"generated ([\d,]+), sent ([\d,]+), failed 0", out)
    assert match and match.group(1) == match.group(2), out
    sent = int(match.group(2).replace(",", ""))
    assert sent > 0
    assert len(list(read_records(local_aws.client("kinesis"), "ctrl-c"))) == sent
    assert "sent" in err or sent > 0  # the running count (partly read above)


def test_bad_rate_is_refused() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "acme_gen.stream", "--stream-name", "s", "--rate", "fast"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1
