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
from .budget import (  # noqa: F401  (hooks: the suite's time budget per test)
    check_excuses,
    pytest_addoption,
    pytest_configure,
    pytest_runtest_logreport,
    pytest_sessionfinish,
    pytest_terminal_summary,
)
from .shared import built_once, configuration_key
from .tiers import tier_problems


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    check_excuses(items)
    problems = tier_problems((item.nodeid, getattr(item, "fixturenames", ())) for item in items)
    if problems:
        raise pytest.UsageError("\n".join(problems))


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


def shared_lake(tmp_path_factory: pytest.TempPathFactory, *args: str | Path) -> Path:
    """The lake `python -m acme_gen.backfill *args` writes, built once per run for every
    xdist worker (tests/shared.py) and shared read-only: a test that changes it copies it."""
    name = f"lake-{configuration_key(*args)}"
    return built_once(tmp_path_factory, name, lambda out: run_backfill(*args, "--output-dir", out))


@pytest.fixture(scope="session")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small backfilled lake (36 hours, 2 workers), shared read-only by the tests."""
    return shared_lake(tmp_path_factory, *BACKFILL_ARGS, "--workers", "2")


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
    flags = [a for spec in INCIDENTS for a in ("--incident", spec)]
    return shared_lake(tmp_path_factory, "--telemetry", "300000", "--start", "2026-01-15",
                       "--end", "2026-01-16", "--seed", "5", "--titles", "300", "--quiet",
                       *flags)  # fmt: skip


@pytest.fixture(scope="session")
def local_aws() -> Iterator[LocalAws]:
    aws = LocalAws()
    yield aws
    aws.stop()


@pytest.fixture(scope="session")
def lambda_zip_x86_64(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The x86_64 package, built once per run (for every xdist worker) by the same code as
    `make lambda-zip`."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    import build_lambda_zip

    dist = built_once(tmp_path_factory, "dist", lambda d: build_lambda_zip.build("x86_64", d))
    return dist / "acme-lambda-x86_64.zip"


def skip_unless_required(reason: str, *flags: str) -> None:
    """Skip an optional check a user's machine may lack; fail it where ACME_REQUIRE_ALL (CI,
    which installs everything) or one of `flags` is set, so CI never skips silently."""
    if any(os.environ.get(flag) for flag in ("ACME_REQUIRE_ALL", *flags)):
        pytest.fail(f"{reason} (required here: CI runs every check)")
    pytest.skip(reason)
