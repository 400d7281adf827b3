"""The QoE views (sessions, qoe_kpis) against the truth: the generator knows every session's
outcome, watch time, stalls and completion, so the KPIs the SQL computes from the lake must
equal the KPIs computed from the generated sessions directly."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from acme_gen.config import GeneratorConfig
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.core.sessions import (
    EXIT_BEFORE_START,
    MAX_SESSION_MS,
    PLAYED,
    START_FAILURE,
    SessionPlan,
)
from acme_gen.core.traffic import SLOT_MS
from acme_gen.lake import qoe
from acme_gen.lake.manifest import read_manifest
from acme_gen.lake.sql import QUERIES_DIR, connect
from acme_gen.lake.store import Lake

# One worker for the file (--dist loadgroup): the lake's sessions are drawn once.
pytestmark = pytest.mark.xdist_group("qoe")

REPO = Path(__file__).resolve().parents[3]


def _ms(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


@pytest.fixture(scope="module")
def truth(lake: Path) -> SessionPlan:
    """The sessions the lake's window holds whole: started in it, and ended before its end."""
    manifest = read_manifest(Lake(str(lake)))
    start, end = _ms(manifest["start"]), _ms(manifest["end"])
    generator = TelemetryGenerator(GeneratorConfig.from_values(manifest["generator"]))
    slots = list(range((start - MAX_SESSION_MS) // SLOT_MS, (end - 1) // SLOT_MS + 1))
    plan = SessionPlan.concat(list(generator.playable_slots(slots).values()))
    return plan.take((plan.start_ms >= start) & (plan.end_ms < end))


@pytest.fixture(scope="module")
def kpis(lake: Path) -> dict[str, float]:
    con = connect(lake)
    cursor = con.execute(
        "SELECT * FROM acme_telemetry.qoe_kpis WHERE dimension = 'all' AND hour = 'all'"
    )
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    assert len(rows) == 1
    return rows[0]


def test_the_kpis_are_the_generated_sessions_kpis(truth: SessionPlan, kpis: dict) -> None:
    played = truth.outcome == PLAYED
    watch = truth.watch_total.astype(np.int64).sum()
    stalled = truth.stall_cs.sum() / 100
    assert kpis["attempts"] == len(truth)
    assert kpis["plays"] == played.sum()
    assert kpis["vsf_pct"] == pytest.approx(100 * np.mean(truth.outcome == START_FAILURE))
    assert kpis["ebvs_pct"] == pytest.approx(100 * np.mean(truth.outcome == EXIT_BEFORE_START))
    assert kpis["rebuffering_ratio_pct"] == pytest.approx(100 * stalled / (stalled + watch))
    assert kpis["minutes_per_play"] == pytest.approx(watch / 60 / played.sum())
    assert kpis["completion_pct"] == pytest.approx(100 * np.mean(truth.complete[played]))
    viewers = len(np.unique(truth.customer[played]))
    assert kpis["viewers"] == viewers
    assert kpis["plays_per_viewer"] == pytest.approx(played.sum() / viewers)


def test_each_session_row_is_its_generated_session(truth: SessionPlan, lake: Path) -> None:
    con = connect(lake)
    rows = con.execute(
        "SELECT outcome, COUNT(*), SUM(watch_seconds), SUM(buffering_events), "
        "SUM(CASE WHEN completed THEN 1 ELSE 0 END) FROM acme_telemetry.sessions "
        "WHERE has_start AND has_end GROUP BY outcome"
    ).fetchall()
    got = {r[0]: tuple(int(v) for v in r[1:]) for r in rows}
    names = {
        PLAYED: "played",
        START_FAILURE: "start_failure",
        EXIT_BEFORE_START: "exit_before_start",
    }
    want = {}
    for code, name in names.items():
        of = truth.outcome == code
        if of.any():
            want[name] = (int(of.sum()), int(truth.watch_total[of].sum()),
                          int(truth.stalls[of].sum()), int(truth.complete[of].sum()))  # fmt: skip
    assert got == want


def test_concurrency_never_exceeds_the_sessions_running(lake: Path) -> None:
    con = connect(lake)
    qoe.pin_sessions(con)
    ((peak, whole),) = con.execute(
        "SELECT MAX(plays), (SELECT COUNT(*) FROM acme_telemetry.sessions) "
        "FROM acme_telemetry.concurrent_plays WHERE dimension = 'all'"
    ).fetchall()
    # Brute force at the peak's minute: the sessions whose span covers some part of it.
    ((minute,),) = con.execute(
        "SELECT minute FROM acme_telemetry.concurrent_plays WHERE dimension = 'all' "
        "ORDER BY plays DESC, minute LIMIT 1"
    ).fetchall()
    ((running,),) = con.execute(
        "SELECT COUNT(*) FROM acme_telemetry.sessions "
        "WHERE substr(started, 1, 16) <= ? AND substr(ended, 1, 16) >= ?",
        [minute, minute],
    ).fetchall()
    assert 0 < peak == running < whole


def test_a_window_of_starts_counts_only_the_sessions_starting_in_it(lake: Path) -> None:
    con = connect(lake)
    n = qoe.pin_sessions(con, "2026-01-15T00:00", "2026-01-15T06:00")
    ((attempts, lo, hi),) = con.execute(
        "SELECT COUNT(*), MIN(started), MAX(started) FROM acme_telemetry.sessions"
    ).fetchall()
    assert n == attempts > 0 and lo >= "2026-01-15T00:00" and hi < "2026-01-15T06:00"


def test_the_kpi_command_prints_each_kpi(lake: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "acme_gen.query", "--lake", str(lake), "--kpis", "--by", "isp",
         "--hourly", "--format", "csv"], capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    header, *lines = done.stdout.splitlines()
    assert header.split(",")[:5] == ['"isp"', '"hour"', '"attempts"', '"plays"', '"vsf_pct"']
    assert len(lines) > 24 and all(line.count(",") == header.count(",") for line in lines)


def test_the_views_json_is_what_the_views_sql_gives() -> None:
    script = REPO / "scripts" / "build_views_json.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_view_sql_writes_no_decimal_literals() -> None:
    """Athena (Trino) reads 100.0 as a DECIMAL, and a decimal division rounds to the scale of
    its operands (100.0 * 1 / 3 is 33.3 there, 33.33... in DuckDB); 100e0 is a double in
    both engines."""
    files = [*(QUERIES_DIR / "views").glob("*.sql"), *(QUERIES_DIR / "detect").glob("*.sql")]
    for path in files:
        code = "\n".join(line.split("--")[0] for line in path.read_text().splitlines())
        assert not re.search(r"(?<![\w.])\d+\.\d+", code), path.name
