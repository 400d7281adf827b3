"""The default `make run` lake against published streaming figures (acme_gen.realism): every
behaviour in its published range, and the README's calibration table true to the lake."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from acme_gen.lake import realism
from acme_gen.lake.sql import connect

from ..conftest import shared_lake

# One worker for the file (--dist loadgroup): the make run lake's measures are taken once.
pytestmark = pytest.mark.xdist_group("calibration")

REPO = Path(__file__).resolve().parents[3]
# make run's dataset (Makefile: TELEMETRY, START, END, SEED, TITLES, CAMPAIGNS; no CUSTOMERS)
MAKE_RUN = ["--telemetry", "1000000", "--start", "2026-01-12", "--end", "2026-01-19",
            "--seed", "42", "--titles", "500", "--campaigns", "50", "--quiet"]  # fmt: skip


@pytest.fixture(scope="module")
def default_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_lake(tmp_path_factory, *MAKE_RUN)


@pytest.fixture(scope="module")
def measured(default_lake: Path) -> dict[str, realism.Measured]:
    return {m.benchmark.name: m for m in realism.measure(connect(default_lake))}


def test_the_default_lakes_qoe_kpis_sit_in_the_published_ranges(default_lake: Path) -> None:
    """qoe_kpis on make run's lake: VSF, rebuffering ratio and minutes per play by device
    within the ranges the calibration table cites (Conviva, NPAW)."""
    con = connect(default_lake)
    rows = con.execute(
        "SELECT value, vsf_pct, ebvs_pct, rebuffering_ratio_pct, minutes_per_play "
        "FROM acme_telemetry.qoe_kpis WHERE dimension IN ('all', 'device_type') AND hour = 'all'"
    ).fetchall()
    kpis = {r[0]: r[1:] for r in rows}
    vsf, ebvs, rebuffering, _ = kpis["all"]
    assert 0.5 <= vsf <= 4 and 0.2 <= rebuffering <= 1.5
    assert 0.5 <= ebvs <= 15  # Conviva: EBVS of a few percent, more on slow starts
    assert 1.8 <= kpis["tv"][3] / kpis["mobile"][3] <= 5  # 28.7 vs 8.6 min (Conviva)
    assert 15 <= kpis["tv"][3] <= 45 and 5 <= kpis["mobile"][3] <= 20


@pytest.mark.parametrize("benchmark", realism.BENCHMARKS, ids=lambda b: b.name)
def test_the_default_lake_meets_the_published_figure(
    benchmark: realism.Benchmark, measured: dict[str, realism.Measured]
) -> None:
    result = measured[benchmark.name]
    assert result.in_range, (benchmark.behaviour, result.value, benchmark.low, benchmark.high)


def test_the_readme_calibration_table_is_the_default_lakes(
    measured: dict[str, realism.Measured],
) -> None:
    readme = (REPO / "README.md").read_text()
    table = realism.table([measured[b.name] for b in realism.BENCHMARKS])
    rows = [line for line in table.splitlines()[2:]]
    for row in rows:
        assert row in readme, f"README's calibration table lacks or differs in: {row}"
    assert len(re.findall(r"^\| .* \| .* \| .* \| .* \|$", readme, re.M)) >= len(rows)
