"""Incidents a KPI rule can find, and the scoring of such a rule against the truth: the
worked example (queries/detect/threshold_alerts.sql) over a lake with one incident of each
type finds every incident hour with few false alarms."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from acme_gen.lake import detection


def _query(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "acme_gen.query", *map(str, args)],
                          capture_output=True, text=True, timeout=600)  # fmt: skip


def test_a_threshold_rule_finds_every_incident_type(incident_lake: Path, tmp_path: Path) -> None:
    alerts = _query("--lake", incident_lake, "--alerts", "--format", "csv")
    assert alerts.returncode == 0, alerts.stderr
    flags = tmp_path / "flags.csv"
    flags.write_text(alerts.stdout)
    scored = _query("--lake", incident_lake, "--score", flags, "--format", "json")
    assert scored.returncode == 0, scored.stderr
    rows = {r["incident_type"]: r for r in map(json.loads, scored.stdout.splitlines())}
    assert set(rows) == {"isp-outage", "cdn-degradation", "bad-release", "premiere", "all"}
    for kind, row in rows.items():
        assert row["recall"] == 1.0, (kind, row)
        assert row["precision"] >= 0.8, (kind, row)


def test_the_kpi_that_moves_is_the_incidents(incident_lake: Path) -> None:
    """VSF by ISP in the outage's hour, rebuffering by country in the CDN's: many times the
    same value's other hours."""
    hourly = _query("--lake", incident_lake, "--kpis", "--by", "isp", "--hourly",
                    "--format", "json")  # fmt: skip
    assert hourly.returncode == 0, hourly.stderr
    comcast = [r for r in map(json.loads, hourly.stdout.splitlines())
               if r["isp"] == "Comcast Xfinity" and r["attempts"] >= 50]  # fmt: skip
    during = [r["vsf_pct"] for r in comcast if r["hour"] == "2026-01-15T20"]
    others = sorted(r["vsf_pct"] for r in comcast if r["hour"] != "2026-01-15T20")
    assert during and during[0] > 10 * others[len(others) // 2] and during[0] > 30


def test_incident_hours_cover_every_hour_the_window_touches() -> None:
    incident = {"type": "isp-outage", "scope": "BT", "start": "2026-01-15T20:30Z",
                "end": "2026-01-15T22:00Z"}  # fmt: skip
    assert detection.incident_hours(incident) == {
        ("isp", "BT", "2026-01-15T20"),
        ("isp", "BT", "2026-01-15T21"),
    }


def test_false_alarms_lower_precision_and_misses_lower_recall() -> None:
    incidents = [
        {"type": "isp-outage", "scope": "BT", "start": "2026-01-15T20:00Z",
         "end": "2026-01-15T22:00Z"},
        {"type": "premiere", "scope": "TITLE-00001", "start": "2026-01-15T18:00Z",
         "end": "2026-01-15T19:00Z"},
    ]  # fmt: skip
    flags = {("isp", "BT", "2026-01-15T20"), ("isp", "Sky", "2026-01-15T20"),
             ("isp", "BT", "2026-01-15T05"),
             ("title_id", "TITLE-00001", "2026-01-15T18")}  # fmt: skip
    by_kind = {s.kind: s for s in detection.score(flags, incidents)}
    assert (by_kind["isp-outage"].recall, by_kind["isp-outage"].precision) == (0.5, 1 / 3)
    assert (by_kind["premiere"].recall, by_kind["premiere"].precision) == (1.0, 1.0)
    assert (by_kind["all"].recall, by_kind["all"].precision) == (2 / 3, 0.5)


def test_a_flags_file_without_its_columns_is_refused_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "flags.csv"
    bad.write_text("isp,when\nBT,2026-01-15T20\n")
    with pytest.raises(detection.FlagsError, match="lacks the column"):
        detection.read_flags(bad)
    bad.write_text("dimension,value,hour\nisp,BT,yesterday\n")
    with pytest.raises(detection.FlagsError, match="line 2: hour 'yesterday'"):
        detection.read_flags(bad)
    bad.write_text("hour,dimension,value\n2026-01-15T20\n")  # a short row: cells missing
    assert detection.read_flags(bad) == {("", "", "2026-01-15T20")}
