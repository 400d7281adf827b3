"""The pipeline test kit end to end: a faulty backfill with incidents, its truth, and the
reconcile and validate verdicts on it; the same faults from the stream, through a local
AWS pipeline (moto Kinesis -> local delivery -> S3), explained by reconcile."""

from __future__ import annotations

import base64
import filecmp
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from acme_gen.lake.firehose_errors import DOCUMENTED_FIELDS
from acme_gen.lake.store import Lake
from acme_gen.lake.truth import read_faults
from bench.null_kinesis import NullKinesis

from ..aws import DUMMY_KEYS, REGION, LocalAws
from ..conftest import run_backfill, shared_lake

FAULTS = "duplicate=0.02,drop=0.02,late=0.03,skew=0.02,malformed=0.02"
INCIDENT = "isp-outage:Comcast Xfinity@2026-01-15T20:00/60m"
ARGS = ["--telemetry", "60000", "--start", "2026-01-15T12:00", "--end", "2026-01-16",
        "--customers", "4000", "--titles", "100", "--campaigns", "5", "--quiet"]  # fmt: skip
WORLD = ["--titles", "50", "--campaigns", "5"]  # the world sized to the volume
STREAM_FAULTS = FAULTS + ",out_of_order=0.03"


def _module(name: str, *args: str | Path, env: dict[str, str] | None = None) -> Any:
    return subprocess.run([sys.executable, "-m", f"acme_gen.{name}", *map(str, args)],
                          capture_output=True, text=True, timeout=300, env=env)  # fmt: skip


@pytest.fixture(scope="module")
def faulty_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_lake(tmp_path_factory, *ARGS, "--workers", "2", "--faults", FAULTS,
                       "--incident", INCIDENT)  # fmt: skip


def test_the_truth_lists_every_fault_beside_the_data(faulty_lake: Path) -> None:
    truth = read_faults(Lake(faulty_lake))
    assert truth is not None
    kinds = dict(zip(*pc.value_counts(truth["fault"]).flatten(), strict=True))
    counts = {k.as_py(): n.as_py() for k, n in kinds.items()}
    assert set(counts) == {"duplicate", "drop", "late", "skew", "malformed"}
    late = truth.filter(pc.equal(truth["fault"], "late"))
    assert pc.min(late["detail_ms"]).as_py() >= 300_000
    assert truth.filter(pc.equal(truth["fault"], "malformed"))["detail"].to_pylist()[0] in (
        "wrong type", "truncated", "missing event_timestamp")  # fmt: skip
    incidents = json.loads((faulty_lake / "_truth" / "incidents.json").read_text())
    assert incidents[0]["type"] == "isp-outage" and incidents[0]["scope"] == "Comcast Xfinity"
    assert (
        incidents[0]["start"] == "2026-01-15T20:00Z" and incidents[0]["end"] == "2026-01-15T21:00Z"
    )
    assert "fail to start" in incidents[0]["expected_effect"]


def test_faulty_rows_land_where_firehose_would_put_them(faulty_lake: Path) -> None:
    truth = read_faults(Lake(faulty_lake))
    assert truth is not None
    ids = {f: set(truth.filter(pc.equal(truth["fault"], f))["event_id"].to_pylist())
           for f in ("drop", "late", "malformed", "duplicate")}  # fmt: skip
    late_files = list(faulty_lake.glob("telemetry/**/*-arrived-*.parquet"))
    assert late_files
    landed: dict[str, int] = {}
    for path in faulty_lake.glob("telemetry/**/*.parquet"):
        for event_id in pq.read_table(path, columns=["event_id"])["event_id"].to_pylist():
            landed[event_id] = landed.get(event_id, 0) + 1
    assert not ids["drop"] & set(landed)
    assert not ids["malformed"] & set(landed)
    assert ids["late"] <= set(landed)
    assert all(landed[i] == 2 for i in ids["duplicate"])
    error_files = faulty_lake.glob("errors/format-conversion-failed/**/*.json")
    records = [
        orjson.loads(line) for path in error_files for line in path.read_bytes().splitlines()
    ]
    assert len(records) == len(ids["malformed"])
    assert all(tuple(r) == DOCUMENTED_FIELDS for r in records)  # Firehose's documented shape
    raw = b"".join(base64.b64decode(r["rawData"]) for r in records)
    assert all(i.encode() in raw for i in ids["malformed"])


def test_reconcile_explains_every_difference_of_a_faulty_lake(faulty_lake: Path) -> None:
    result = _module("reconcile", "--lake", faulty_lake, "--json")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    report = json.loads(result.stdout)
    assert report["unexplained"] == 0
    assert {"duplicate", "drop", "late", "skew", "malformed"} <= set(report["explained"])
    truth = read_faults(Lake(faulty_lake))
    assert truth is not None
    assert report["explained"]["drop"] == pc.sum(pc.equal(truth["fault"], "drop")).as_py()


def test_reconcile_rejects_an_undeclared_loss(faulty_lake: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "lake"
    shutil.copytree(faulty_lake, copy)
    # late arrivals of an hour inside the window (a skewed file may lie outside it)
    victim = sorted(copy.glob("telemetry/**/hour=20/backfill-2026011520-*-arrived-*.parquet"))[0]
    lost = pq.read_table(victim, columns=["event_id"]).num_rows
    victim.unlink()
    result = _module("reconcile", "--lake", copy, "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["missing"] >= 1 and report["unexplained"] >= 1
    assert report["unexplained"] <= lost + 1  # a lost duplicate copy counts once


def test_validate_reports_declared_faults_and_passes(faulty_lake: Path) -> None:
    result = _module("validate", "--lake", faulty_lake)
    assert result.returncode == 0, result.stdout
    assert "PASS declared faults: drop" in result.stdout
    assert "no event_id repeated but the " in result.stdout
    assert (
        " declared duplicates, landed twice" in result.stdout
        and "all ids unique" not in result.stdout
    )


def test_faults_are_the_same_with_any_number_of_workers_and_resume(
    faulty_lake: Path, tmp_path: Path
) -> None:
    one = tmp_path / "one"
    run_backfill(*ARGS, "--workers", "1", "--faults", FAULTS, "--incident", INCIDENT,
                 "--output-dir", one)  # fmt: skip
    _assert_same_tree(faulty_lake, one)
    main = sorted(one.glob("telemetry/**/backfill-2026011520-????????.parquet"))
    assert len(main) == 1
    main[0].unlink()  # a killed run: the hour's own file is written last
    run_backfill(*ARGS, "--workers", "1", "--faults", FAULTS, "--incident", INCIDENT,
                 "--output-dir", one)  # fmt: skip
    _assert_same_tree(faulty_lake, one)


# Kills the backfill (SIGKILL, no clean-up) right after the first file of one hour is
# committed: of an hour with faults, that is one of the files its faulty rows land in, so the
# hour's own file, whose presence tells a resume the hour is done, is not there yet.
_KILL_AFTER_THE_HOURS_FIRST_FILE = """
import os, signal, sys
from acme_gen.backfill import task
from acme_gen.lake import store
call, write, current = task.HourTask.__call__, store.Lake.write_bytes, [0]
def one_hour(self, hour_ms):
    current[0] = hour_ms
    return call(self, hour_ms)
def write_then_die(self, relative, data):
    write(self, relative, data)
    if current[0] == int(sys.argv[1]):
        os.kill(os.getpid(), signal.SIGKILL)
task.HourTask.__call__, store.Lake.write_bytes = one_hour, write_then_die
from acme_gen.backfill import main
sys.exit(main(sys.argv[2:]))
"""


def test_a_kill_between_a_faulty_hours_files_resumes_to_the_same_bytes(
    faulty_lake: Path, tmp_path: Path
) -> None:
    out = tmp_path / "lake"
    args = [*ARGS, "--workers", "1", "--faults", FAULTS, "--incident", INCIDENT,
            "--output-dir", str(out)]  # fmt: skip
    hour = "1768507200000"  # 2026-01-15T20:00Z
    killed = subprocess.run([sys.executable, "-c", _KILL_AFTER_THE_HOURS_FIRST_FILE, hour, *args],
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert killed.returncode == -9, killed.stderr
    written = [p for p in out.rglob("backfill-2026011520-*") if p.is_file()]
    assert len(written) == 1  # killed between the hour's first file and the rest
    run_backfill(*args)
    _assert_same_tree(faulty_lake, out)


def _assert_same_tree(a: Path, b: Path) -> None:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    _, mismatch, errors = filecmp.cmpfiles(a, b, [str(p) for p in files_a], shallow=False)
    assert not mismatch and not errors


def test_zero_rates_are_byte_identical_to_no_flag(tmp_path: Path) -> None:
    plain, zero = tmp_path / "plain", tmp_path / "zero"
    run_backfill(*ARGS, "--workers", "1", "--output-dir", plain)
    run_backfill(*ARGS, "--workers", "1", "--output-dir", zero, "--faults",
                 "duplicate=0,drop=0,late=0,skew=0,malformed=0")  # fmt: skip
    _assert_same_tree(plain, zero)
    assert not (zero / "_truth").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--faults", "dupe=0.1"], "unknown fault 'dupe'"),
        (["--faults", "drop=1"], "give drop=R with R in [0, 1)"),
        (["--incident", "isp-outage:Nope Net@2026-01-15T20:00/60m"], "unknown ISP 'Nope Net'"),
        (["--incident", "isp-outage:Comcast Xfinity@8pm/60m"], "'8pm' is not a time"),
        (["--faults", "out_of_order=0.1"], "out_of_order is a fault of the stream only"),
    ],
)
def test_bad_specs_get_one_line_and_write_nothing(
    args: list[str], message: str, tmp_path: Path
) -> None:
    out = tmp_path / "lake"
    result = run_backfill(*ARGS, "--output-dir", out, *args, check=False)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def _stream(endpoint: str, *args: str) -> Any:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": DUMMY_KEYS["aws_access_key_id"],
           "AWS_SECRET_ACCESS_KEY": DUMMY_KEYS["aws_secret_access_key"]}  # fmt: skip
    return _module("stream", "--endpoint-url", endpoint, "--region", REGION, *WORLD, *args,
                   env=env)  # fmt: skip


REPLAY = ["--rate", "20/s", "--start", "2026-01-15T20:00", "--speed", "60x", "--duration", "2"]


def test_stream_faults_are_the_same_with_any_number_of_workers() -> None:
    sent = []
    for workers in ("1", "2"):
        with NullKinesis(keep=True) as sink:
            result = _stream(sink.url, "--stream-name", "s", *REPLAY, "--workers", workers,
                             "--faults", STREAM_FAULTS, "--incident", INCIDENT)  # fmt: skip
            assert result.returncode == 0, result.stderr
            sent.append(sorted(sink.data()))
    assert sent[0] == sent[1]
    assert "faults injected: drop" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--faults", "late=2"], "give late=R"),
        (["--incident", "premiere:TITLE-99999@2026-01-15T20:00/1h"], "unknown title_id"),
        (["--incident", "premiere:TITLE-00001@tonight/1h"], "'tonight' is not a time"),
    ],
)
def test_bad_stream_specs_get_one_line(args: list[str], message: str) -> None:
    result = _stream("http://127.0.0.1:9", "--stream-name", "s", *REPLAY, *args)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_a_faulty_stream_through_the_local_pipeline_is_explained(local_aws: LocalAws) -> None:
    """stream --faults -> Kinesis (moto) -> local delivery (Firehose's stand-in) -> S3; then
    reconcile, told the same flags, explains every difference; without them it fails."""
    local_aws.client("kinesis").create_stream(StreamName="faulty-kit", ShardCount=1)
    local_aws.client("s3").create_bucket(
        Bucket="faulty-kit", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    result = _stream(local_aws.endpoint, "--stream-name", "faulty-kit", *REPLAY, "--threads", "1",
                     "--faults", STREAM_FAULTS, "--incident", INCIDENT,
                     "--lake", "s3://faulty-kit")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "event time covered: [2026-01-15T20:00:00.000Z, 2026-01-15T20:02:00.000Z)" in (
        result.stdout
    )
    # The summary's command, as printed: the same world, faults, incidents and window.
    printed = [line for line in result.stdout.splitlines() if "acme_gen.reconcile" in line]
    assert len(printed) == 1, result.stdout
    python, *command = shlex.split(printed[0])
    assert python == "python" and command[:2] == ["-m", "acme_gen.reconcile"]
    window = command[command.index("--start") + 1], command[command.index("--end") + 1]
    assert window == ("2026-01-15T20:00:00.000Z", "2026-01-15T20:02:00.000Z")
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    where = ["--endpoint-url", local_aws.endpoint, "--region", REGION]
    delivered = _module(
        "delivery", "--stream-name", "faulty-kit", "--bucket", "faulty-kit", *where, env=env
    )
    assert delivered.returncode == 0, delivered.stderr
    assert "to the error prefix" in delivered.stdout
    explained = subprocess.run([sys.executable, *command, "--json"], capture_output=True,
                               text=True, env=env)  # fmt: skip
    assert explained.returncode == 0, explained.stdout[-3000:] + explained.stderr
    report = json.loads(explained.stdout)
    assert {"duplicate", "drop", "late", "malformed", "out_of_order", "skew"} <= set(
        report["explained"]
    )
    at = command.index("--faults")
    undeclared = subprocess.run([sys.executable, *command[:at], *command[at + 2 :]],
                                capture_output=True, text=True, env=env)  # fmt: skip
    assert undeclared.returncode == 1, undeclared.stdout[-3000:]


def test_validate_still_fails_on_an_undeclared_duplicate(faulty_lake: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "lake"
    shutil.copytree(faulty_lake, copy)
    original = sorted(copy.glob("telemetry/**/hour=20/backfill-2026011520-????????.parquet"))[0]
    shutil.copy(original, original.with_name("copied-by-hand.parquet"))
    result = _module("validate", "--lake", copy)
    assert result.returncode == 1
    assert "FAIL duplicates" in result.stdout and "PASS declared faults" in result.stdout


def test_profile_marks_the_declared_incidents(faulty_lake: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = _module("profile", "--lake", faulty_lake, "--out", out)
    assert result.returncode == 0, result.stderr
    page = out.read_text()
    assert "Declared incidents" in page and "Comcast Xfinity" in page
    chart = page[page.index('id="events_and_failed_starts_by_hour"') :]
    section = chart[: chart.index("</section>")]
    assert 'class="incident-label"' in section and "1 isp-outage" in section  # numbered as listed


def test_reconcile_checks_the_declared_truth(faulty_lake: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "lake"
    shutil.copytree(faulty_lake, copy)
    result = _module("reconcile", "--lake", copy, "--json")
    assert json.loads(result.stdout)["truth"].startswith("agrees")
    sorted(copy.glob("_truth/faults/*.parquet"))[5].unlink()  # the truth of one hour is lost
    result = _module("reconcile", "--lake", copy)
    assert result.returncode == 1
    assert "FAIL: truth differs: _truth/faults declares" in result.stdout


def test_reconcile_names_a_declared_duplicate_whose_copy_never_landed(
    faulty_lake: Path, tmp_path: Path
) -> None:
    import shutil

    copy = tmp_path / "lake"
    shutil.copytree(faulty_lake, copy)
    truth = read_faults(Lake(copy))
    assert truth is not None
    duplicates = truth.filter(pc.equal(truth["fault"], "duplicate"))
    victim = duplicates["event_id"][0].as_py()
    files = [
        f
        for f in sorted(copy.glob("telemetry/**/*.parquet"))
        if victim in pq.read_table(f, columns=["event_id"])["event_id"].to_pylist()
    ]
    table = pq.read_table(files[-1])
    rows = table["event_id"].to_pylist()
    keep = [i for i, e in enumerate(rows) if e != victim or i != rows.index(victim)]
    pq.write_table(table.take(keep), files[-1])  # one copy of the two taken out
    result = _module("reconcile", "--lake", copy, "--json")
    assert result.returncode == 1, result.stdout[-1000:]
    report = json.loads(result.stdout)
    assert report["missing"] == 1 and report["unexplained"] == 1


def test_reconcile_names_a_malformed_record_found_nowhere(
    faulty_lake: Path, tmp_path: Path
) -> None:
    import shutil

    copy = tmp_path / "lake"
    shutil.copytree(faulty_lake, copy)
    errors = sorted(copy.glob("errors/**/*.json"))[0]
    lines = errors.read_text().splitlines(keepends=True)
    errors.write_text("".join(lines[1:]))  # its record neither in errors/ nor in the table
    result = _module("reconcile", "--lake", copy, "--json")
    assert result.returncode == 1, result.stdout[-1000:]
    report = json.loads(result.stdout)
    assert report["missing"] == 1 and report["unexplained"] == 1


def test_a_file_of_late_or_repeated_rows_carries_only_their_own_values(faulty_lake: Path) -> None:
    """A late or duplicate row lands in a small file of its arrival hour; that file's
    dictionaries hold its rows' ids, not the whole hour's (400 KB for a handful of rows)."""
    files = sorted(faulty_lake.glob("telemetry/**/*-arrived-*.parquet"))
    assert len(files) > 20
    ids = ["customer_id", "session_id", "device_id", "ip_address"]
    for path in files:
        table = pq.read_table(path, read_dictionary=ids)
        for name in ids:
            for chunk in table[name].chunks:
                assert len(chunk.dictionary) <= len(chunk), (path.name, name)
