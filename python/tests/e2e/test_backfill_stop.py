"""Stopping a backfill: Ctrl-C, SIGTERM, a second Ctrl-C, a worker killed or failing. Each
ends the run within seconds, with every worker gone, one line and no traceback, and the
re-run resumes to the uninterrupted run's bytes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import BACKFILL_ARGS, run_backfill
from ..shared import digest_tree

# Runs the backfill with two workers; at the start of the Nth hour a worker records its pid
# and does `ACTION`, then keeps writing its hour, so the stop lands mid-hour every time.
_STOP_MID_HOUR = """
import os, signal, sys, time
from acme_gen.backfill import task
real, calls = task.HourTask.__call__, [0]
def hour_then_stop(self, hour_ms):
    calls[0] += 1
    with open(sys.argv[3], "a") as pids:
        pids.write(f"{os.getpid()}\\n")
    if calls[0] == int(sys.argv[1]):
        ACTION
    return real(self, hour_ms)
task.HourTask.__call__ = hour_then_stop
from acme_gen.backfill import main
sys.exit(main(sys.argv[4:]))
"""
ACTIONS = {
    "ctrl-c": "os.kill(os.getppid(), signal.SIGINT)",
    "sigterm": "os.kill(os.getppid(), signal.SIGTERM)",
    # Ctrl-C every 20 ms for 2 s: one lands in each step of the clean-up.
    "ctrl-c again and again": "import subprocess; subprocess.Popen(['sh', '-c', "
    "f'for i in $(seq 100); do kill -INT {os.getppid()} || exit; sleep 0.02; done'], "
    "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)",
    "worker killed": "os.kill(os.getpid(), signal.SIGKILL)",
    "worker fails": "raise OSError('No space left on device')",
    # an error the queue cannot pickle (a lock in it): its message still reaches the parent
    "worker fails oddly": "import threading; e = OSError('disk on fire'); "
    "e.lock = threading.Lock(); raise e",
}


def _stop_mid_hour(
    tmp_path: Path, action: str, out: Path
) -> tuple[subprocess.CompletedProcess[str], set[int]]:
    pids = tmp_path / "pids"
    script = _STOP_MID_HOUR.replace("ACTION", ACTIONS[action])
    args = [*BACKFILL_ARGS, "--workers", "2", "--output-dir", str(out)]
    result = subprocess.run([sys.executable, "-c", script, "3", "unused", str(pids), *args],
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    return result, {int(p) for p in pids.read_text().split()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"  # not a zombie


@pytest.mark.parametrize(
    ("action", "code", "message"),
    [
        ("ctrl-c", 130, "interrupted: finished partitions are kept"),
        ("sigterm", 143, "interrupted: finished partitions are kept"),
        ("ctrl-c again and again", 130, "interrupted: finished partitions are kept"),
        ("worker killed", 1, " died (killed by SIGKILL; out of memory?) before its hours ended"),
        ("worker fails", 1, "error: No space left on device; run the same command to resume"),
        ("worker fails oddly", 1, " failed: disk on fire; run the same command to resume"),
    ],
)
def test_a_stop_mid_hour_ends_every_worker_and_resumes_to_the_same_bytes(
    lake: Path, tmp_path: Path, action: str, code: int, message: str
) -> None:
    out = tmp_path / "out"
    result, workers = _stop_mid_hour(tmp_path, action, out)
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert workers and not any(_alive(pid) for pid in workers)
    assert not (out / ".staging").exists()
    done = list((out / "telemetry").rglob("*.parquet"))
    assert 0 < len(done) < 36 if not action.startswith("worker fails") else len(done) < 36
    run_backfill(*BACKFILL_ARGS, "--workers", "2", "--output-dir", out)
    assert digest_tree(out) == digest_tree(lake)


# Sends the signal while the backfill sizes the world, before anything is written.
_STOP_WHILE_PLANNING = """
import os, signal, sys
from acme_gen.backfill import cli
real = cli.events_per_day_for_total
def stop_then_size(*args):
    os.kill(os.getpid(), int(sys.argv[1]))
    return real(*args)
cli.events_per_day_for_total = stop_then_size
sys.exit(cli.main(sys.argv[2:]))
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_while_planning_writes_nothing(tmp_path: Path, signum: int) -> None:
    out = tmp_path / "out"
    args = ["--telemetry", "20000", "--start", "2026-01-14", "--end", "2026-01-15",
            "--output-dir", str(out)]  # fmt: skip
    result = subprocess.run([sys.executable, "-c", _STOP_WHILE_PLANNING, str(int(signum)), *args],
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 128 + signum
    assert result.stderr == "interrupted while planning: nothing was written\n"
    assert not out.exists()
