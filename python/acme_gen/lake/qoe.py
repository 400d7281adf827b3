"""The QoE KPIs over a lake: the qoe_kpis view (queries/views/, the same SQL as Athena's
Glue view) read by one breakdown, over the whole lake or hour by hour, optionally over a
window of session starts.

Locally the sessions are computed once into a table that the views then read, rather than
once per view that names them (DuckDB does not share a view's result between readers).
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from acme_gen.schema import DATABASE
from acme_gen.time_labels import iso_millis

BREAKDOWNS = ("all", "device_type", "device_os", "app_version", "isp", "country", "title_id")
# What `--kpis` prints, rounded for reading (the view has full precision and a few more).
SHOWN = ("attempts", "plays", "vsf_pct", "ebvs_pct", "rebuffering_ratio_pct",
         "minutes_per_play", "completion_pct", "plays_per_viewer", "peak_concurrent_plays",
         "mean_concurrent_plays", "sd_pct", "hd_pct", "uhd_pct")  # fmt: skip
_COUNTS = {"attempts", "plays", "peak_concurrent_plays"}


class WindowError(ValueError):
    """--start / --end that are not times, or not in order."""


def lake_time(text: str) -> str:
    """An ISO date or time (UTC unless it says otherwise) as the lake writes
    event_timestamp, so that text comparison is time order."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise WindowError(f"not an ISO date or time: {text!r} (e.g. 2026-01-15T20:00)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return iso_millis(round(moment.timestamp() * 1000))


def pin_sessions(
    con: duckdb.DuckDBPyConnection, start: str | None = None, end: str | None = None
) -> int:
    """Compute the sessions once (those starting in [start, end) when given) and point the
    sessions view at them; returns how many there are."""
    lo, hi = (lake_time(t) if t else None for t in (start, end))
    if lo and hi and hi <= lo:
        raise WindowError(f"--end {end} is not after --start {start}")
    where = " AND ".join([*([f"started >= '{lo}'"] if lo else []),
                          *([f"started < '{hi}'"] if hi else [])]) or "TRUE"  # fmt: skip
    con.execute(f"CREATE TEMP TABLE _pinned_sessions AS SELECT * FROM {DATABASE}.sessions "
                f"WHERE {where}")  # fmt: skip
    con.execute(f"CREATE OR REPLACE VIEW {DATABASE}.sessions AS SELECT * FROM _pinned_sessions")
    ((count,),) = con.execute("SELECT COUNT(*) FROM _pinned_sessions").fetchall()
    return int(count)


def kpi_sql(by: str, hourly: bool, database: str = DATABASE) -> str:
    """The KPI table by one breakdown: the whole lake as one KPI a line, or a row per value
    (and per hour with `hourly`), the largest values first."""
    if by not in BREAKDOWNS:
        raise WindowError(f"--by {by}: choose one of {', '.join(BREAKDOWNS)}")
    source = f"FROM {database}.qoe_kpis WHERE dimension = '{by}' AND "
    if by == "all" and not hourly:  # one KPI a line: one read of the view, then a pick
        picks = " ".join(f"WHEN '{c}' THEN CAST(k.{c} AS DOUBLE)" for c in SHOWN)
        names = ", ".join(f"('{c}', {i})" for i, c in enumerate(SHOWN))
        return (
            f"SELECT m.kpi, ROUND(CASE m.kpi {picks} END, 3) AS value\n"
            f"FROM {database}.qoe_kpis AS k\n"
            f"CROSS JOIN (VALUES {names}) AS m (kpi, position)\n"
            f"WHERE k.dimension = 'all' AND k.hour = 'all'\nORDER BY m.position"
        )
    shown = ", ".join(c if c in _COUNTS else f"ROUND({c}, 3) AS {c}" for c in SHOWN)
    label = "hour" if by == "all" else f"value AS {by}, hour" if hourly else f"value AS {by}"
    where, order = ("hour <> 'all'", "value, hour") if hourly else ("hour = 'all'", "attempts DESC")
    return f"SELECT {label}, {shown}\n{source}{where}\nORDER BY {order}"
