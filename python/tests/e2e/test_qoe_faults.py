"""What each fault kind does to the QoE KPIs, against the same lake without faults (whose
KPIs tests/adapters/test_qoe.py holds to the generator's truth):

- duplicate, late: no effect; the views read streaming_events_unique, and a late record
  lands in its event-hour partition;
- skew: totals unchanged (the same sessions, plays, watch and stall time), hours move;
- drop, malformed: exactly the loss of those events (a lost start or end takes the session
  out of the attempts, a lost event its counters), nothing else.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from acme_gen.lake.sql import VIEWS, connect, view_sql
from acme_gen.schema import DATABASE

from ..conftest import BACKFILL_ARGS, run_backfill

TOTALS = ("attempts", "plays", "vsf_pct", "ebvs_pct", "rebuffering_ratio_pct",
          "minutes_per_play", "completion_pct", "viewers", "sd_pct", "hd_pct",
          "uhd_pct")  # fmt: skip


def _kpis(con: duckdb.DuckDBPyConnection, database: str = DATABASE) -> dict[tuple, dict]:
    cursor = con.execute(f"SELECT * FROM {database}.qoe_kpis")
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    return {(r["dimension"], r["value"], r["hour"]): r for r in rows}


def _faulty(tmp_path_factory: pytest.TempPathFactory, faults: str) -> Path:
    lake = tmp_path_factory.mktemp("faulty") / "lake"
    run_backfill(*BACKFILL_ARGS, "--faults", faults, "--output-dir", lake)
    return lake


def _same(got: dict, want: dict, columns: tuple[str, ...]) -> None:
    for c in columns:
        if want[c] is None:  # a ratio over nothing (no plays in that hour)
            assert got[c] is None, c
        else:
            assert got[c] == pytest.approx(want[c], rel=1e-9, abs=1e-9), c


@pytest.fixture(scope="module")
def clean(lake: Path) -> dict[tuple, dict]:
    return _kpis(connect(lake))


@pytest.mark.parametrize("faults", ["duplicate=0.05", "late=0.05"])
def test_duplicates_and_late_records_leave_every_kpi_as_it_was(
    faults: str, clean: dict[tuple, dict], tmp_path_factory: pytest.TempPathFactory
) -> None:
    got = _kpis(connect(_faulty(tmp_path_factory, faults)))
    assert got.keys() == clean.keys()
    for key, row in clean.items():
        _same(got[key], row, tuple(row)[3:])


def test_duplicates_would_inflate_watch_time_without_the_unique_view(
    lake: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    con = connect(_faulty(tmp_path_factory, "duplicate=0.05"))
    ((raw, unique),) = con.execute(
        "SELECT (SELECT SUM(watch_duration_seconds) FROM acme_telemetry.streaming_events), "
        "(SELECT SUM(watch_duration_seconds) FROM acme_telemetry.streaming_events_unique)"
    ).fetchall()
    assert raw > unique * 1.02


def test_skewed_clocks_keep_the_totals_and_move_the_hours(
    clean: dict[tuple, dict], tmp_path_factory: pytest.TempPathFactory
) -> None:
    got = _kpis(connect(_faulty(tmp_path_factory, "skew=0.05")))
    _same(got[("all", "all", "all")], clean[("all", "all", "all")], TOTALS)
    hourly = [k for k in clean if k[0] == "all" and k[2] != "all"]
    assert any(got.get(k, {}).get("attempts") != clean[k]["attempts"] for k in hourly)


@pytest.mark.parametrize("faults", ["drop=0.03", "malformed=0.03"])
def test_lost_records_take_exactly_their_events_with_them(
    faults: str, lake: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    faulty = _faulty(tmp_path_factory, faults)
    lost = pq.read_table(faulty / "_truth" / "faults").select(["event_id"])
    # The expected KPIs: the clean lake's events less the lost ones, through the same views.
    con = connect(lake)
    con.register("_lost", lost)
    con.execute("CREATE SCHEMA expected")
    con.execute("CREATE VIEW expected.streaming_events_unique AS SELECT * FROM "
                "acme_telemetry.streaming_events_unique WHERE event_id NOT IN "
                "(SELECT event_id FROM _lost)")  # fmt: skip
    for name in VIEWS[1:]:
        con.execute(f"CREATE VIEW expected.{name} AS {view_sql(name, 'expected')}")
    want = _kpis(con, "expected")
    got = _kpis(connect(faulty))
    assert got.keys() == want.keys()
    for key, row in want.items():
        _same(got[key], row, tuple(row)[3:])
    assert (
        got[("all", "all", "all")]["attempts"]
        < _kpis(connect(lake))[("all", "all", "all")]["attempts"]
    )
