"""python -m acme_gen.stream against a local Kinesis API."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

from acme_gen.config import GeneratorConfig
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.kinesis.producer import KinesisProducer, read_records
from acme_gen.stream import run

from .aws import DUMMY_KEYS, REGION, LocalAws


def test_run_sends_live_windows_without_gaps(local_aws: LocalAws) -> None:
    kinesis = local_aws.client("kinesis")
    kinesis.create_stream(StreamName="live", ShardCount=1)
    now = [1_768_507_200.0]  # 2026-01-15T20:00:00Z, prime time in the Americas

    def sleep(seconds: float) -> None:
        now[0] += seconds

    gen = TelemetryGenerator(
        GeneratorConfig(customers=500, titles=50, campaigns=5, events_per_day=40 * 86_400, seed=1)
    )
    totals = run(
        KinesisProducer(kinesis, "live"),
        gen,
        duration=30,
        stop=[False],
        clock=lambda: now[0],
        sleep=sleep,
    )
    expected = gen.window(1_768_507_200_000, 1_768_507_230_000)
    assert totals.generated == totals.sent == len(expected) > 300
    assert totals.failed == 0
    assert len(list(read_records(kinesis, "live"))) == totals.sent


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
    time.sleep(4)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    match = re.search(r"generated ([\d,]+), sent ([\d,]+), failed 0", out)
    assert match and match.group(1) == match.group(2), out
    sent = int(match.group(2).replace(",", ""))
    assert sent > 0
    assert len(list(read_records(local_aws.client("kinesis"), "ctrl-c"))) == sent
    assert "sent" in err  # the running count


def test_bad_rate_is_refused() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "acme_gen.stream", "--stream-name", "s", "--rate", "fast"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1
