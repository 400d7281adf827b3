"""Local SQL: the seed's example queries run unchanged over the lake, and partitions prune."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from acme_gen import query
from acme_gen.lake import sql
from acme_gen.models import StreamingEvent


def test_every_seed_example_query_runs(lake: Path) -> None:
    con = sql.connect(lake)
    queries = sql.example_queries()
    assert len(queries) == 12
    results = {q.name: con.sql(q.sql).fetchall() for q in queries}
    total = sum(pq.read_metadata(p).num_rows for p in (lake / "telemetry").rglob("*.parquet"))
    assert results["01_total_events"] == [(total,)]
    by_type = dict(results["02_events_by_type"])
    assert set(by_type) == {"start", "pause", "resume", "stop", "complete"}
    assert sum(by_type.values()) == total
    assert [r[0] for r in results["08_hourly_distribution"]] == [f"{h:02d}" for h in range(24)]
    assert [r[0] for r in results["09_daily_summary"]] == ["14", "15", "16"]
    single = dict(results["10_single_partition"])
    assert 0 < sum(single.values()) < total
    completion = dict((r[0], r[1]) for r in results["11_completion_by_event_type"])
    assert 90 <= completion["complete"] <= 97  # complete fires at the credits
    assert len(results["12_top_customers_by_watch_time"]) == 10
    assert len(results["06_events_by_country"]) == 10


def test_partition_columns_are_strings_and_dimensions_join(lake: Path) -> None:
    con = sql.connect(lake)
    types = dict(con.sql("DESCRIBE acme_telemetry.streaming_events").fetchall()[i][:2]
                 for i in range(29))  # fmt: skip
    assert all(types[k] == "VARCHAR" for k in ("year", "month", "day", "hour"))
    orphans = con.execute(
        "SELECT COUNT(*) FROM streaming_events e LEFT JOIN customers c USING (customer_id) "
        "WHERE c.customer_id IS NULL"
    ).fetchall()[0]
    assert orphans == (0,)


def _only_hour_07_readable(lake: Path, tmp_path: Path) -> Path:
    """A copy whose every file outside 2026-01-15 hour 07 is corrupt (but the first, which
    DuckDB reads to bind the view's schema): a query that opened one would fail."""
    copy = tmp_path / "lake"
    shutil.copytree(lake, copy)
    for path in sorted((copy / "telemetry").rglob("*.parquet"))[1:]:
        if "day=15/hour=07" not in path.as_posix():
            path.write_bytes(b"not parquet")
    return copy


@pytest.mark.parametrize("view", ["streaming_events", "streaming_events_unique"])
def test_partition_filter_reads_only_its_partition(lake: Path, tmp_path: Path, view: str) -> None:
    con = sql.connect(_only_hour_07_readable(lake, tmp_path))
    rows = con.execute(
        f"SELECT COUNT(*) FROM acme_telemetry.{view} "
        "WHERE year='2026' AND month='01' AND day='15' AND hour='07'"
    ).fetchall()[0]
    assert rows is not None and rows[0] > 0
    with pytest.raises(Exception, match=r"(?i)parquet"):
        con.sql(f"SELECT COUNT(*) FROM acme_telemetry.{view}").fetchall()


def test_unique_view_keeps_one_row_per_event(lake: Path, tmp_path: Path) -> None:
    """At-least-once delivery lands a record twice; streaming_events_unique counts it once."""
    copy = tmp_path / "lake"
    shutil.copytree(lake, copy)
    hour = sorted((copy / "telemetry").rglob("day=15/hour=07/*.parquet"))[0]
    shutil.copy(hour, hour.with_name("redelivered.parquet"))
    con = sql.connect(copy)
    raw, unique, ids = con.execute(
        "SELECT (SELECT COUNT(*) FROM streaming_events), "
        "(SELECT COUNT(*) FROM streaming_events_unique), "
        "(SELECT COUNT(DISTINCT event_id) FROM streaming_events)"
    ).fetchall()[0]
    assert raw - unique == pq.read_metadata(hour).num_rows > 0
    assert unique == ids
    athena_order = [*StreamingEvent.model_fields, "year", "month", "day", "hour"]
    for view in ("streaming_events", "streaming_events_unique"):
        assert [r[0] for r in con.sql(f"DESCRIBE {view}").fetchall()] == athena_order


def test_cli_runs_sql_and_reports_errors(lake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert query.main(["--lake", str(lake), "SELECT COUNT(*) AS n FROM streaming_events"]) == 0
    assert "│" in capsys.readouterr().out
    assert query.main(["--lake", str(lake), "SELECT nope FROM streaming_events"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert query.main(["--lake", str(lake / "missing"), "SELECT 1"]) == 2
    assert "no telemetry" in capsys.readouterr().err


def test_cli_runs_the_examples_and_a_file(
    lake: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert query.main(["--lake", str(lake), "--examples"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n## ") == 12 and "Single partition query" in out
    sql = tmp_path / "mine.sql"
    sql.write_text("SELECT COUNT(DISTINCT session_id) AS sessions FROM streaming_events")
    assert query.main(["--lake", str(lake), "--file", str(sql)]) == 0
    assert "sessions" in capsys.readouterr().out


def test_each_statement_is_printed_in_the_format_asked(
    lake: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every statement's result, not only the last; csv and json give every row."""
    two = "SELECT 1 AS a; SELECT 'x,y' AS b, NULL AS c"
    assert query.main(["--lake", str(lake), two]) == 0
    out = capsys.readouterr().out
    assert out.count("┌") == 2 and "x,y" in out
    assert query.main(["--lake", str(lake), "--format", "csv", two]) == 0
    assert capsys.readouterr().out == '"a"\n1\n\n"b","c"\n"x,y",\n'
    assert query.main(["--lake", str(lake), "--format", "json", two]) == 0
    assert capsys.readouterr().out == '{"a": 1}\n\n{"b": "x,y", "c": null}\n'
    rows = "SELECT event_id FROM streaming_events LIMIT 100"
    assert query.main(["--lake", str(lake), "--format", "json", "--max-rows", "5", rows]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 100  # --max-rows is the table's only


def test_no_duckdb_progress_bar_on_any_connection(lake: Path) -> None:
    """DuckDB draws a bar on stderr for a query past 2 s, one per query; profile and validate
    run dozens, and into a log the bars land as carriage-return fragments on one line. (In a
    subprocess, as a command runs: under pytest's capture DuckDB starts with no bar.)"""
    probe = ("import sys; from acme_gen.lake import sql; print([c.execute(\"SELECT current_setting("
             "'enable_progress_bar')\").fetchone()[0] for c in (sql.bounded_connection(), "
             "sql.connect(sys.argv[1]))])")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", probe, str(lake)], capture_output=True,
                         text=True, timeout=120, check=True).stdout  # fmt: skip
    assert out.strip() == "[False, False]"
