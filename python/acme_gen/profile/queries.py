"""What the profile page shows: one SQL query per section, with how to draw its result."""

from __future__ import annotations

from typing import Any, NamedTuple

import duckdb

from acme_gen.lake import qoe

PLAYBACK_END = "event_type IN ('pause', 'stop', 'complete')"
SESSION_END = "event_type IN ('stop', 'complete')"
FAILED_START = "event_type = 'stop' AND watch_duration_seconds = 0 AND error_count > 0"

# The KPI tiles the page opens with: the qoe_kpis view's whole-lake row (as query --kpis).
KPI_TILES = {"vsf_pct": "video start failures (%)", "ebvs_pct": "exits before video start (%)",
             "rebuffering_ratio_pct": "rebuffering ratio (%)",
             "minutes_per_play": "minutes per play", "completion_pct": "plays completed (%)",
             "plays_per_viewer": "plays per viewer", "peak_concurrent_plays":
             "peak concurrent plays", "mean_concurrent_plays": "mean concurrent plays"}  # fmt: skip


class ProfileQuery(NamedTuple):
    """A section: its one title (the page's heading; charts carry none of their own), its
    SQL, how it is drawn (tiles, table, bar, barh, stacked, line, timeline) and the axes'
    labels, each with its unit. y2 is a timeline's line, on the right-hand axis."""

    title: str
    sql: str
    kind: str
    x: str = ""
    y: str = ""
    y2: str = ""


PROFILE_QUERIES: dict[str, ProfileQuery] = {
    "qoe_kpis": ProfileQuery(
        "QoE KPIs (the qoe_kpis view; definitions in the README)",
        "\n" + qoe.kpi_sql("all", hourly=False),
        "tiles",
    ),
    "qoe_kpis_by_hour": ProfileQuery(
        "QoE KPIs per hour: video start failures (bars) and rebuffering ratio (line)",
        """
SELECT hour, vsf_pct, rebuffering_ratio_pct FROM qoe_kpis
WHERE dimension = 'all' AND hour <> 'all' ORDER BY hour""",
        "timeline",
        "hour of event time (UTC)",
        "video start failures (% of attempts)",
        "rebuffering ratio (% of watch time)",
    ),
    "table_counts": ProfileQuery(
        "Table counts",
        """
SELECT 'streaming_events' AS table_name, COUNT(*) AS row_count FROM streaming_events
UNION ALL SELECT 'customers', COUNT(*) FROM customers
UNION ALL SELECT 'titles', COUNT(*) FROM titles
UNION ALL SELECT 'campaigns', COUNT(*) FROM campaigns""",
        "table",
    ),
    "events_by_hour_of_day": ProfileQuery(
        "Events per hour of day (UTC): the diurnal curve",
        """
SELECT hour, COUNT(*) AS events FROM streaming_events GROUP BY hour ORDER BY hour""",
        "bar",
        "hour of day (UTC)",
        "events (count)",
    ),
    "events_by_day": ProfileQuery(
        "Events per day: the weekly curve",
        """
SELECT year || '-' || month || '-' || day AS day, COUNT(*) AS events
FROM streaming_events GROUP BY 1 ORDER BY 1""",
        "timeline",
        "day (UTC)",
        "events (count)",
    ),
    "events_and_failed_starts_by_hour": ProfileQuery(
        "Events and failed starts per hour",
        f"""
SELECT year || '-' || month || '-' || day || 'T' || hour AS hour, COUNT(*) AS events,
       COUNT(*) FILTER (WHERE {FAILED_START}) AS failed_starts
FROM streaming_events GROUP BY 1 ORDER BY 1""",
        "timeline",
        "hour of event time (UTC)",
        "events (count, bars)",
        "failed starts (count, line)",
    ),
    "event_type_mix": ProfileQuery(
        "Event-type mix",
        """
SELECT event_type, COUNT(*) AS events FROM streaming_events GROUP BY 1 ORDER BY 2 DESC""",
        "barh",
        "events (count)",
        "event type",
    ),
    "sessions_by_device_and_quality": ProfileQuery(
        "Sessions by device and starting quality",
        """
SELECT device_type, quality, COUNT(*) AS sessions FROM streaming_events
WHERE event_type = 'start' GROUP BY 1, 2 ORDER BY 1, 2""",
        "stacked",
        "device type",
        "sessions (count)",
    ),
    "bandwidth_vs_buffering": ProfileQuery(
        "Bandwidth vs rebuffering (stalls per playback stretch)",
        f"""
SELECT POW(2, CAST(FLOOR(LOG2(GREATEST(bandwidth_mbps, 0.5))) AS INTEGER)) AS bandwidth_from_mbps,
       AVG(buffering_events) AS stalls_per_stretch, COUNT(*) AS stretches
FROM streaming_events WHERE {PLAYBACK_END} GROUP BY 1 ORDER BY 1""",
        "line",
        "bandwidth (Mbit/s, bin start; bins double)",
        "stalls per stretch (mean)",
    ),
    "completion_distribution": ProfileQuery(
        "Completion at session end",
        f"""
SELECT CAST(FLOOR(completion_percentage / 10) * 10 AS INTEGER) AS completion_from,
       COUNT(*) AS sessions
FROM streaming_events WHERE {SESSION_END} GROUP BY 1 ORDER BY 1""",
        "bar",
        "completion at the end (% of the runtime, bin start)",
        "sessions (count)",
    ),
    "watch_time_per_session": ProfileQuery(
        "Watch time per session",
        f"""
SELECT CAST(FLOOR(watched / 600) * 10 AS INTEGER) AS minutes_from, COUNT(*) AS sessions
FROM (SELECT session_id, SUM(watch_duration_seconds) AS watched FROM streaming_events
      GROUP BY 1 HAVING COUNT(*) FILTER (WHERE {SESSION_END}) > 0)
GROUP BY 1 ORDER BY 1""",
        "bar",
        "watch time (minutes, 10-minute bins)",
        "sessions (count)",
    ),
    "top_titles": ProfileQuery(
        "Top 20 titles by sessions: the popularity curve",
        """
SELECT e.title_id, t.title_name, COUNT(*) AS sessions
FROM streaming_events e JOIN titles t USING (title_id)
WHERE e.event_type = 'start' GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 20""",
        "barh",
        "sessions (count)",
        "title",
    ),
    "customers_by_country": ProfileQuery(
        "Customers by country",
        """
SELECT country, COUNT(*) AS customers FROM customers GROUP BY 1 ORDER BY 2 DESC, 1""",
        "bar",
        "country (ISO 3166)",
        "customers (count)",
    ),
}


def run_queries(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    out = {}
    for name, query in PROFILE_QUERIES.items():
        cursor = con.execute(query.sql)
        columns = [d[0] for d in cursor.description]
        out[name] = {"columns": columns, "rows": [list(r) for r in cursor.fetchall()]}
    return out
