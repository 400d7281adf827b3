from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from acme_gen.config import GeneratorConfig
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.lake.arrow import EVENT_SCHEMA, ArrowEncoder

from .aws import LocalAws

DAY_MS = 86_400_000
# 2026-01-15T00:00:00Z, a Thursday
T0 = 1_768_435_200_000

SMALL = GeneratorConfig(customers=12_500, titles=300, campaigns=20, events_per_day=150_000, seed=7)


@pytest.fixture(scope="session")
def generator() -> TelemetryGenerator:
    return TelemetryGenerator(SMALL)


@pytest.fixture(scope="session")
def two_days(generator: TelemetryGenerator) -> pa.Table:
    """Two days of events as the lake would hold them."""
    batch = generator.window(T0, T0 + 2 * DAY_MS)
    return ArrowEncoder(generator.world).events_table(batch).cast(EVENT_SCHEMA)


BACKFILL_ARGS = [
    "--customers", "3300", "--titles", "120", "--campaigns", "10", "--telemetry", "40000",
    "--start", "2026-01-14T18:00", "--end", "2026-01-16T06:00", "--seed", "3", "--quiet",
]  # fmt: skip


def run_backfill(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "acme_gen.backfill", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=300)


@pytest.fixture(scope="session")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small backfilled lake (36 hours, 2 workers), shared read-only by the tests."""
    out = tmp_path_factory.mktemp("lake") / "output"
    run_backfill(*BACKFILL_ARGS, "--workers", "2", "--output-dir", out)
    return out


# One incident of each type in one day (the README's detection example).
INCIDENTS = (
    "isp-outage:Comcast Xfinity@2026-01-15T20:00/60m",
    "cdn-degradation:GB@2026-01-15T21:00/60m",
    "bad-release:8.170.2@2026-01-15T14:00/60m",
    "premiere:TITLE-00042@2026-01-15T18:00/2h",
)


@pytest.fixture(scope="session")
def incident_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-day lake with INCIDENTS, shared read-only by the tests."""
    lake = tmp_path_factory.mktemp("incidents") / "lake"
    flags = [a for spec in INCIDENTS for a in ("--incident", spec)]
    run_backfill("--telemetry", "300000", "--start", "2026-01-15", "--end", "2026-01-16",
                 "--seed", "5", "--titles", "300", "--quiet", *flags,
                 "--output-dir", lake)  # fmt: skip
    return lake


@pytest.fixture(scope="session")
def local_aws() -> Iterator[LocalAws]:
    aws = LocalAws()
    yield aws
    aws.stop()


@pytest.fixture(scope="session")
def lambda_zip_x86_64(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The x86_64 package, built once per session by the same code as `make lambda-zip`."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    import build_lambda_zip

    return build_lambda_zip.build("x86_64", tmp_path_factory.mktemp("dist"))


def skip_unless_required(reason: str, *flags: str) -> None:
    """Skip an optional check a user's machine may lack; fail it where ACME_REQUIRE_ALL (CI,
    which installs everything) or one of `flags` is set, so CI never skips silently."""
    if any(os.environ.get(flag) for flag in ("ACME_REQUIRE_ALL", *flags)):
        pytest.fail(f"{reason} (required here: CI runs every check)")
    pytest.skip(reason)
