"""The backfill as a user runs it: layout, resume after a kill, and bad input."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from acme_gen import backfill
from acme_gen.backfill import MANIFEST
from acme_gen.lake.manifest import library_versions

from ..conftest import BACKFILL_ARGS, run_backfill
from ..shared import digest_tree


def test_layout_and_manifest(lake: Path) -> None:
    hours = sorted(p.relative_to(lake / "telemetry").parent.as_posix()
                   for p in (lake / "telemetry").rglob("*.parquet"))  # fmt: skip
    assert hours[0] == "year=2026/month=01/day=14/hour=18"
    assert hours[-1] == "year=2026/month=01/day=16/hour=05"
    assert len(hours) == 36
    for table in ("customers", "titles", "campaigns"):
        assert pq.read_metadata(lake / table / f"{table}.parquet").num_rows > 0
    manifest = json.loads((lake / MANIFEST).read_text())
    assert manifest["generator"]["customers"] == 3300
    assert not (lake / ".staging").exists()
    total = sum(pq.read_metadata(p).num_rows for p in (lake / "telemetry").rglob("*.parquet"))
    assert abs(total / 40_000 - 1) < 0.04  # whole sittings carry the count (README: 3-7%)


# Runs the backfill in-process and SIGKILLs it halfway through its N+1st file write, after
# half the bytes reached staging: a crash at the worst moment, at the same point every time.
_DIE_MID_WRITE = """
import os, signal, sys
from pathlib import Path
from acme_gen.lake import store
real, calls = store.Lake.write_bytes, [0]
def write_or_die(self, relative, data):
    calls[0] += 1
    if calls[0] > int(sys.argv[1]):
        staging = Path(self.path(store.STAGING_DIR))
        staging.mkdir(parents=True, exist_ok=True)
        (staging / "half.tmp").write_bytes(bytes(memoryview(data))[: len(data) // 2])
        os.kill(os.getpid(), signal.SIGKILL)
    real(self, relative, data)
store.Lake.write_bytes = write_or_die
from acme_gen.backfill import main
sys.exit(main(sys.argv[2:]))
"""


def test_killed_run_leaves_no_partial_file_and_resumes_to_same_bytes(
    lake: Path, tmp_path: Path
) -> None:
    out = tmp_path / "killed"
    args = [*BACKFILL_ARGS, "--workers", "1", "--output-dir", str(out)]
    # writes 1-4: manifest and the three dimension tables; then one file per hour
    killed = subprocess.run([sys.executable, "-c", _DIE_MID_WRITE, "10", *args], timeout=300)
    assert killed.returncode == -signal.SIGKILL
    files = list((out / "telemetry").rglob("*.parquet"))
    assert len(files) == 6  # the 7th hour died half-written, in staging only
    for f in files:  # every visible file is complete
        pq.read_metadata(f)
    assert [p.name for p in (out / ".staging").iterdir()] == ["half.tmp"]
    subprocess.run([sys.executable, "-m", "acme_gen.backfill", *args], check=True, timeout=300)
    assert not (out / ".staging").exists()
    assert digest_tree(out) == digest_tree(lake)  # resumed to the uninterrupted run's bytes


def test_rerun_skips_finished_work(lake: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"  # a copy: the shared lake stays as the fixture made it
    shutil.copytree(lake, out)
    result = run_backfill(*[a for a in BACKFILL_ARGS if a != "--quiet"], "--workers", "1",
                          "--output-dir", out)  # fmt: skip
    assert "wrote 0 events" in result.stdout and "36 already complete" in result.stdout
    assert digest_tree(out) == digest_tree(lake)


def test_different_arguments_refused_unless_overwrite(lake: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    run_backfill(*BACKFILL_ARGS, "--workers", "1", "--output-dir", out)
    before = digest_tree(out)
    result = run_backfill(*BACKFILL_ARGS, "--seed", "4", "--output-dir", out, check=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--overwrite" in result.stderr
    assert "seed" in result.stderr
    assert digest_tree(out) == before
    (out / "notes.txt").write_text("mine")
    run_backfill(
        *BACKFILL_ARGS, "--seed", "4", "--output-dir", out, "--overwrite", "--workers", "1"
    )
    assert digest_tree(out) != before
    assert (out / "notes.txt").read_text() == "mine"  # only the dataset is replaced


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--telemetry", "0"], "--telemetry: must be positive"),
        (["--customers", "-5"], "--customers: must be positive"),
        (["--titles", "abc"], "not a whole number"),
        (["--campaigns", "0"], "--campaigns: must be positive"),
        (["--events-per-day", "-1"], "--events-per-day: must be positive"),
        (["--workers", "0"], "--workers: must be positive"),
        (["--seed", "-1"], "--seed: must not be negative"),
        (["--start", "2026-01-10", "--end", "2026-01-05"], "must be after --start"),
        (["--start", "2026-13-45"], "is not a date"),
        (["--end", "yesterday"], "is not a date"),
        (["--telemetry", "10", "--events-per-day", "10"], "not allowed with argument"),
        (["--frobnicate"], "unrecognized arguments: --frobnicate"),
    ],
)
def test_bad_input_one_line_exit_2_nothing_written(
    tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "out"
    result = run_backfill("--output-dir", out, *args, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr
    assert result.stdout == ""
    assert not out.exists()


def test_unwritable_output_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for target in (blocker, blocker / "sub"):
        result = run_backfill("--output-dir", target, "--telemetry", "10", check=False)
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and str(target) in result.stderr
    assert blocker.read_text() == "x"


def test_the_default_range_is_the_last_seven_days(tmp_path: Path) -> None:
    def midnight_ms() -> int:
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        return int(today.timestamp() * 1000)

    before = midnight_ms()  # read on both sides: the test may run across UTC midnight
    plan = backfill.resolve(["--output-dir", str(tmp_path / "o"), "--telemetry", "1000"])
    assert plan.end_ms in {before, midnight_ms()}
    assert plan.end_ms - plan.start_ms == 7 * 86_400_000
    assert not (tmp_path / "o").exists()  # planning writes nothing


def _truncate(f: Path) -> None:
    f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])


def _empty(f: Path) -> None:
    f.write_bytes(b"")


def _foreign(f: Path) -> None:  # a whole Parquet file, but not of this table
    pq.write_table(pa.table({"note": ["mine"]}), f)


@pytest.mark.parametrize("spoil", [_truncate, _empty, _foreign])
def test_resume_writes_again_a_file_that_is_not_complete(
    lake: Path, tmp_path: Path, spoil: Callable[[Path], None]
) -> None:
    out = tmp_path / "out"
    shutil.copytree(lake, out)
    hour = sorted((out / "telemetry").rglob("*.parquet"))[5]
    spoil(hour)
    result = run_backfill(*BACKFILL_ARGS, "--workers", "1", "--output-dir", out)
    assert (
        f"notice: {hour} is not complete" in result.stderr and "writing it again" in result.stderr
    )
    assert digest_tree(out) == digest_tree(lake)


def test_the_manifest_records_the_versions_and_other_versions_are_warned_of(
    lake: Path, tmp_path: Path
) -> None:
    manifest = json.loads((lake / MANIFEST).read_text())
    assert manifest["libraries"] == library_versions()
    out = tmp_path / "out"
    shutil.copytree(lake, out)
    (out / MANIFEST).write_text(json.dumps({**manifest, "libraries": {
        **manifest["libraries"], "numpy": "1.0.0"}}))  # fmt: skip
    resumed = run_backfill(*BACKFILL_ARGS, "--workers", "1", "--output-dir", out)
    warning = f"warning: {out} was made with other library versions (numpy 1.0.0 -> "
    assert resumed.stderr.startswith(warning) and resumed.stderr.count("\n") == 1
    assert json.loads((out / MANIFEST).read_text())["libraries"]["numpy"] == "1.0.0"  # kept
    again = run_backfill(*BACKFILL_ARGS, "--workers", "1", "--output-dir", out, "--overwrite")
    assert again.stderr.startswith(warning)  # the same arguments: --overwrite replaces nothing
    checked = subprocess.run([sys.executable, "-m", "acme_gen.reconcile", "--lake", str(out),
                              "--brief"], capture_output=True, text=True, timeout=300)  # fmt: skip
    assert checked.returncode == 0 and checked.stderr.startswith(warning), checked.stderr


def test_make_run_hints_overwrite_only_for_the_settings_refusal(tmp_path: Path) -> None:
    """make run's OVERWRITE=1 hint belongs to the refusal of a lake made with other
    settings, in the backfill's own line; a bad date gets its error and nothing else."""
    repo = Path(__file__).resolve().parents[3]

    def make_run(*variables: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["make", "-s", "-C", str(repo), "run", *variables],
                              capture_output=True, text=True, timeout=300)  # fmt: skip

    bad = make_run(f"OUTPUT={tmp_path / 'a'}", "START=2026-13-01")
    assert bad.returncode != 0 and "--start" in bad.stderr
    assert "OVERWRITE" not in bad.stderr and "--overwrite" not in bad.stderr
    made = tmp_path / "b"
    run_backfill("--telemetry", "3000", "--start", "2026-01-12", "--end", "2026-01-12T02:00",
                 "--customers", "2000", "--titles", "50", "--campaigns", "5", "--quiet",
                 "--output-dir", made)  # fmt: skip
    other = make_run(f"OUTPUT={made}", "TELEMETRY=5000", "START=2026-01-12", "END=2026-01-13")
    assert other.returncode != 0
    assert "different arguments" in other.stderr and "use OVERWRITE=1 to replace it" in other.stderr


def test_the_settings_refusal_names_each_difference_as_the_flags_say_it(tmp_path: Path) -> None:
    args = ["--customers", "2000", "--titles", "50", "--campaigns", "5", "--quiet", "--start",
            "2026-01-15T18:00", "--end", "2026-01-15T20:00", "--output-dir", tmp_path]  # fmt: skip
    run_backfill("--telemetry", "3000", *args)
    refused = run_backfill("--telemetry", "5000", *args, "--faults", "duplicate=0.01",
                           "--incident", "isp-outage:Comcast Xfinity@2026-01-15T19:00/60m",
                           check=False)  # fmt: skip
    assert refused.returncode == 2
    line = refused.stderr.strip()
    assert "telemetry: 3,000 -> 5,000" in line and " events/day -> " in line
    assert "faults: none -> duplicate=0.01" in line
    assert "incidents: none -> isp-outage:Comcast Xfinity@2026-01-15T19:00Z/60m" in line
    assert "start_ms" not in line and "{" not in line
    assert not re.search(r"\d\.\d{3,}", line)  # no raw floats such as 39601.98


def test_same_arguments_same_bytes_across_worker_counts(lake: Path, tmp_path: Path) -> None:
    one = tmp_path / "one"
    run_backfill(*BACKFILL_ARGS, "--workers", "1", "--output-dir", one)
    assert digest_tree(one) == digest_tree(lake)  # `lake` was written with 2 workers
    again = tmp_path / "again"
    run_backfill(*BACKFILL_ARGS, "--workers", "2", "--output-dir", again)
    assert digest_tree(again) == digest_tree(lake)
