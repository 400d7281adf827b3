"""Commands refuse what they cannot do in one line, exit 2, before writing anything: a world
too small for the volume (acme_gen.core.sizing), an incident outside the backfill's range."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import run_backfill


@pytest.mark.parametrize("command", ["backfill", "stream"])
def test_the_commands_refuse_a_world_too_small(command: str) -> None:
    args = {"backfill": ["--customers", "50", "--telemetry", "1000000", "--output-dir", "x"],
            "stream": ["--customers", "50", "--rate", "1000/s", "--stream-name", "s"]}  # fmt: skip
    out = subprocess.run([sys.executable, "-m", f"acme_gen.{command}", *args[command]],
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert out.returncode == 2
    assert (
        out.stderr.startswith("error: --customers 50 is too few for")
        and out.stderr.count("\n") == 1
    )


def test_the_backfill_refuses_an_incident_outside_its_range(tmp_path: Path) -> None:
    refused = run_backfill("--telemetry", "3000", "--start", "2026-01-15", "--end",
                           "2026-01-15T02:00", "--customers", "2000", "--titles", "50",
                           "--campaigns", "5", "--incident",
                           "isp-outage:Comcast Xfinity@2027-01-15T20:00/60m",
                           "--output-dir", tmp_path / "x", check=False)  # fmt: skip
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "starts at or after the run's end" in refused.stderr
    assert not (tmp_path / "x").exists()
