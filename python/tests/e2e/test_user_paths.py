"""Every path a new user takes: setup mistakes get one `error: ...` line, the documented exit
code and no traceback, and nothing is written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from acme_gen.config import GeneratorConfig
from acme_gen.kinesis.producer import KinesisProducer
from acme_gen.stream import StreamSettings, stream_share

from ..aws import DUMMY_KEYS, REGION, LocalAws
from ..conftest import BACKFILL_ARGS

UNREACHABLE = "http://127.0.0.1:9"  # nothing listens on the discard port


def command(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    base.update({"AWS_EC2_METADATA_DISABLED": "true", "HOME": "/nonexistent"})
    return subprocess.run([sys.executable, "-m", *map(str, args)], capture_output=True, text=True,
                          env={**base, **(env or {})}, timeout=120)  # fmt: skip


def one_line(result: subprocess.CompletedProcess[str], code: int, *words: str) -> str:
    err = result.stderr
    assert result.returncode == code, (result.stdout, err)
    assert "Traceback" not in err and err.startswith("error: ") and err.count("\n") == 1, err
    for word in words:
        assert word in err, err
    return err


KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
WITH_REGION = {**KEYS, "AWS_DEFAULT_REGION": REGION}


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({**WITH_REGION, "AWS_ENDPOINT_URL": UNREACHABLE}, ["cannot reach", "127.0.0.1:9"]),
        (KEYS, ["no AWS region"]),
        ({"AWS_DEFAULT_REGION": REGION}, ["no AWS credentials"]),
    ],
)
def test_stream_setup_errors_are_one_line(env: dict[str, str], words: list[str]) -> None:
    result = command("acme_gen.stream", "--stream-name", "s", "--duration", "1", env=env)
    one_line(result, 2, "--stream-name s", *words)


def test_stream_refuses_a_missing_stream_before_sending(local_aws: LocalAws) -> None:
    env = {**WITH_REGION, "AWS_ENDPOINT_URL": local_aws.endpoint}
    result = command("acme_gen.stream", "--stream-name", "nope", "--duration", "30", env=env)
    one_line(result, 2, "ResourceNotFoundException")


def test_stream_stops_at_once_when_its_stream_goes(local_aws: LocalAws) -> None:
    kinesis = local_aws.client("kinesis")
    kinesis.create_stream(StreamName="going", ShardCount=1)
    kinesis.delete_stream(StreamName="going")
    ticks = []
    now = [1_768_507_200.0]

    def sleep(seconds: float) -> None:
        ticks.append(seconds)
        now[0] += seconds

    config = GeneratorConfig(customers=150_000, titles=20, campaigns=2, events_per_day=86_400 * 20)
    producer = KinesisProducer(kinesis, "going", sleep=lambda s: None)
    settings = StreamSettings(config, "going", start_ms=int(now[0] * 1000), duration=60)
    totals = stream_share(settings, producer, lambda: False, clock=lambda: now[0], sleep=sleep)
    assert len(ticks) == 1 and totals.failed == totals.generated > 0 and totals.sent == 0


def test_stream_rate_must_be_positive() -> None:
    one_line(command("acme_gen.stream", "--stream-name", "s", "--rate", "-5/s"), 2,
             "must be positive")  # fmt: skip


def test_backfill_checks_the_glue_table_before_writing(local_aws: LocalAws) -> None:
    local_aws.client("s3").create_bucket(
        Bucket="nodb-lake", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    env = {**WITH_REGION, "AWS_ENDPOINT_URL": local_aws.endpoint}
    args = ["acme_gen.backfill", *BACKFILL_ARGS, "--output-dir", "s3://nodb-lake",
            "--endpoint-url", local_aws.endpoint, "--glue-database", "nodb"]  # fmt: skip
    one_line(command(*args, env=env), 2, "--glue-database nodb has no table streaming_events")
    one_line(command(*args, env=KEYS), 2, "no AWS region")
    assert "Contents" not in local_aws.client("s3").list_objects_v2(Bucket="nodb-lake")


def test_backfill_refuses_a_path_it_cannot_create(tmp_path: Path) -> None:
    one_line(command("acme_gen.backfill", *BACKFILL_ARGS, "--output-dir", "/proc/nope"), 2,
             "/proc/nope", "cannot be created")  # fmt: skip
    assert not Path("/proc/nope").exists()


def test_backfill_refusal_lists_every_difference(lake: Path) -> None:
    changed = [*BACKFILL_ARGS]
    for flag, value in (("--customers", "3301"), ("--titles", "121"), ("--campaigns", "11"),
                        ("--seed", "4")):  # fmt: skip
        changed[changed.index(flag) + 1] = value
    err = one_line(command("acme_gen.backfill", *changed, "--output-dir", lake), 2)
    for field in ("customers: 3,300 -> 3,301", "titles: 120 -> 121", "campaigns: 10 -> 11",
                  "seed: 3 -> 4"):  # fmt: skip
        assert field in err


@pytest.mark.parametrize(
    "args",
    [
        ["acme_gen.query", "--lake", "s3://bucket", "SELECT 1"],
        ["acme_gen.validate", "--lake", "s3://bucket"],
        ["acme_gen.profile", "--lake", "s3://bucket", "--out", "/tmp/never.html"],
        ["acme_gen.reconcile", "--lake", "s3://bucket"],
        ["acme_gen.delivery", "--stream-name", "s", "--bucket", "bucket"],
    ],
)
def test_every_command_reports_an_unreachable_endpoint_in_one_line(args: list[str]) -> None:
    one_line(command(*args, env={**WITH_REGION, "AWS_ENDPOINT_URL": UNREACHABLE}), 2)


def test_a_missing_bucket_is_named(local_aws: LocalAws) -> None:
    env = {**WITH_REGION, "AWS_ENDPOINT_URL": local_aws.endpoint}
    for args in (["acme_gen.query", "--lake", "s3://no-such-bucket", "SELECT 1"],
                 ["acme_gen.reconcile", "--lake", "s3://no-such-bucket"]):  # fmt: skip
        one_line(command(*args, env=env), 2, "bucket no-such-bucket does not exist")


def test_a_lake_the_stream_filled_validates_and_profiles(lake: Path, tmp_path: Path) -> None:
    """No dimension tables: the reference check is skipped, the profile still renders."""
    streamed = tmp_path / "streamed"
    (streamed / "telemetry").parent.mkdir(parents=True)
    os.symlink(lake / "telemetry", streamed / "telemetry")
    result = command("acme_gen.validate", "--lake", streamed)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SKIP references: no customers and titles table" in result.stdout
    result = command("acme_gen.profile", "--lake", streamed, "--out", tmp_path / "r.html")
    assert result.returncode == 0 and "notice: no customers, titles, campaigns" in result.stderr
    data = (
        (tmp_path / "r.html").read_text().split('id="acme-profile-data">')[1].split("</script>")[0]
    )
    counts = dict(json.loads(data)["table_counts"]["rows"])
    assert counts["customers"] == 0 and counts["streaming_events"] > 0


def test_schema_ddl_needs_an_s3_url() -> None:
    one_line(command("acme_gen.schema", "--ddl", "bucket"), 2, "s3://")
    assert "LOCATION 's3://b/telemetry/'" in command("acme_gen.schema", "--ddl", "s3://b").stdout


def test_help_shows_defaults_and_keeps_examples_apart() -> None:
    assert "(default: output)" in command("acme_gen.query", "--help").stdout
    delivery = command("acme_gen.delivery", "--help").stdout
    assert "(default: acme_telemetry)" in delivery and "(default: streaming_events)" in delivery
    profile = command("acme_gen.profile", "--help").stdout
    assert "\n\nEvery number and chart" in profile  # paragraphs kept, not run together


def test_dummy_keys_reach_the_local_server(local_aws: LocalAws) -> None:
    """The README's local flow: AWS_ENDPOINT_URL alone points every command at the server."""
    local_aws.client("kinesis").create_stream(StreamName="env-only", ShardCount=1)
    env = {"AWS_ENDPOINT_URL": local_aws.endpoint, "AWS_DEFAULT_REGION": REGION,
           "AWS_ACCESS_KEY_ID": DUMMY_KEYS["aws_access_key_id"],
           "AWS_SECRET_ACCESS_KEY": DUMMY_KEYS["aws_secret_access_key"]}  # fmt: skip
    result = command("acme_gen.stream", "--stream-name", "env-only", "--duration", "2", env=env)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "args", [["schema", "--ddl", "s3://bucket"], ["query", "--examples"]], ids=["schema", "query"]
)
def test_output_into_a_closed_pipe_ends_quietly(args: list[str], lake: Path) -> None:
    """`... | head` closes the pipe early: exit 0, nothing on stderr (no traceback, no error)."""
    extra = ["--lake", str(lake)] if args[0] == "query" else []
    child = subprocess.Popen([sys.executable, "-m", f"acme_gen.{args[0]}", *args[1:], *extra],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # before the child (still importing) writes a byte
    err = child.stderr.read().decode()
    assert child.wait(timeout=300) == 0 and err == ""
