"""A one-page profile of a lake: python -m acme_gen.profile --lake output [--out report.html]

Every number and chart comes from one of PROFILE_QUERIES, run with the same DuckDB views as
`python -m acme_gen.query`; the page shows each query under its chart, so a reader can run
it again. Charts are inline SVG (matplotlib), so the page opens offline.
"""

from __future__ import annotations

import html
import io
import json
import sys
from pathlib import Path
from typing import Any

import duckdb

from acme_gen.cli import REGION_HELP, Parser, command, one_line
from acme_gen.lake import qoe
from acme_gen.lake.realism import Measured, measure
from acme_gen.lake.sql import LakeError, connect, missing_dimensions
from acme_gen.lake.store import Lake
from acme_gen.lake.truth import read_incidents

PLAYBACK_END = "event_type IN ('pause', 'stop', 'complete')"
SESSION_END = "event_type IN ('stop', 'complete')"
FAILED_START = "event_type = 'stop' AND watch_duration_seconds = 0 AND error_count > 0"

# The KPI tiles the page opens with: the qoe_kpis view's whole-lake row (as query --kpis).
KPI_TILES = {"vsf_pct": "video start failures (%)", "ebvs_pct": "exits before video start (%)",
             "rebuffering_ratio_pct": "rebuffering ratio (%)",
             "minutes_per_play": "minutes per play", "completion_pct": "plays completed (%)",
             "plays_per_viewer": "plays per viewer", "peak_concurrent_plays":
             "peak concurrent plays", "mean_concurrent_plays": "mean concurrent plays"}  # fmt: skip

# name -> (title, SQL, chart kind)
PROFILE_QUERIES: dict[str, tuple[str, str, str]] = {
    "qoe_kpis": (
        "QoE KPIs (the qoe_kpis view; definitions in the README)",
        "\n" + qoe.kpi_sql("all", hourly=False),
        "tiles",
    ),
    "qoe_kpis_by_hour": (
        "QoE KPIs per hour: video start failures (bars) and rebuffering ratio (line), %",
        """
SELECT hour, vsf_pct, rebuffering_ratio_pct FROM qoe_kpis
WHERE dimension = 'all' AND hour <> 'all' ORDER BY hour""",
        "timeline",
    ),
    "table_counts": (
        "Table counts",
        """
SELECT 'streaming_events' AS table_name, COUNT(*) AS row_count FROM streaming_events
UNION ALL SELECT 'customers', COUNT(*) FROM customers
UNION ALL SELECT 'titles', COUNT(*) FROM titles
UNION ALL SELECT 'campaigns', COUNT(*) FROM campaigns""",
        "table",
    ),
    "events_by_hour_of_day": (
        "Events per hour of day (UTC): the diurnal curve",
        """
SELECT hour, COUNT(*) AS events FROM streaming_events GROUP BY hour ORDER BY hour""",
        "bar",
    ),
    "events_by_day": (
        "Events per day: the weekly curve",
        """
SELECT year || '-' || month || '-' || day AS day, COUNT(*) AS events
FROM streaming_events GROUP BY 1 ORDER BY 1""",
        "timeline",
    ),
    "events_and_failed_starts_by_hour": (
        "Events and failed starts per hour (declared incidents shaded)",
        f"""
SELECT year || '-' || month || '-' || day || 'T' || hour AS hour, COUNT(*) AS events,
       COUNT(*) FILTER (WHERE {FAILED_START}) AS failed_starts
FROM streaming_events GROUP BY 1 ORDER BY 1""",
        "timeline",
    ),
    "event_type_mix": (
        "Event-type mix",
        """
SELECT event_type, COUNT(*) AS events FROM streaming_events GROUP BY 1 ORDER BY 2 DESC""",
        "barh",
    ),
    "sessions_by_device_and_quality": (
        "Sessions by device and starting quality",
        """
SELECT device_type, quality, COUNT(*) AS sessions FROM streaming_events
WHERE event_type = 'start' GROUP BY 1, 2 ORDER BY 1, 2""",
        "stacked",
    ),
    "bandwidth_vs_buffering": (
        "Bandwidth vs rebuffering (stalls per playback stretch)",
        f"""
SELECT POW(2, CAST(FLOOR(LOG2(GREATEST(bandwidth_mbps, 0.5))) AS INTEGER)) AS bandwidth_from_mbps,
       AVG(buffering_events) AS stalls_per_stretch, COUNT(*) AS stretches
FROM streaming_events WHERE {PLAYBACK_END} GROUP BY 1 ORDER BY 1""",
        "line",
    ),
    "completion_distribution": (
        "Completion at session end (%)",
        f"""
SELECT CAST(FLOOR(completion_percentage / 10) * 10 AS INTEGER) AS completion_from,
       COUNT(*) AS sessions
FROM streaming_events WHERE {SESSION_END} GROUP BY 1 ORDER BY 1""",
        "bar",
    ),
    "watch_time_per_session": (
        "Watch time per session (minutes)",
        f"""
SELECT CAST(FLOOR(watched / 600) * 10 AS INTEGER) AS minutes_from, COUNT(*) AS sessions
FROM (SELECT session_id, SUM(watch_duration_seconds) AS watched FROM streaming_events
      GROUP BY 1 HAVING COUNT(*) FILTER (WHERE {SESSION_END}) > 0)
GROUP BY 1 ORDER BY 1""",
        "bar",
    ),
    "top_titles": (
        "Top 20 titles by sessions: the popularity curve",
        """
SELECT e.title_id, t.title_name, COUNT(*) AS sessions
FROM streaming_events e JOIN titles t USING (title_id)
WHERE e.event_type = 'start' GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 20""",
        "barh",
    ),
    "customers_by_country": (
        "Customers by country",
        """
SELECT country, COUNT(*) AS customers FROM customers GROUP BY 1 ORDER BY 2 DESC, 1""",
        "bar",
    ),
}


def run_queries(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    out = {}
    for name, (_, sql, _) in PROFILE_QUERIES.items():
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        out[name] = {"columns": columns, "rows": [list(r) for r in cursor.fetchall()]}
    return out


def _svg(
    kind: str,
    title: str,
    data: dict[str, Any],
    incidents: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "acme"  # stable element ids: same data, same page
    rows = data["rows"]
    fig, ax = plt.subplots(figsize=(8, 3.6))
    labels = [str(r[0]) for r in rows]
    if kind == "stacked":
        groups = sorted({r[0] for r in rows})
        qualities = sorted({r[1] for r in rows})
        bottom = [0] * len(groups)
        for q in qualities:
            values = [sum(r[2] for r in rows if r[0] == g and r[1] == q) for g in groups]
            ax.bar(groups, values, bottom=bottom, label=q)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        ax.legend(title="quality")
    elif kind == "barh":
        names = [str(r[1]) if len(r) > 2 else str(r[0]) for r in rows][::-1]
        ax.barh(names, [r[-1] for r in rows][::-1], color="#3b6ea8")
    elif kind == "timeline":
        _timeline(ax, rows, data["columns"], incidents)
    elif kind == "line":
        ax.plot([r[0] for r in rows], [r[1] for r in rows], marker="o", color="#b5432f")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("bandwidth (Mbit/s)")
        ax.set_ylabel("stalls per stretch")
    else:
        ax.bar(labels, [r[-1] for r in rows], color="#3b6ea8")
        if len(labels) > 12:
            ax.tick_params(axis="x", labelrotation=90)
    ax.set_title(title, fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg") :]


def _timeline(ax: Any, rows: list[list[Any]], columns: list[str],
              incidents: list[dict[str, Any]]) -> None:  # fmt: skip
    """Bars per period (a day or an hour), a failed-starts line where the query has one, and
    each declared incident shaded over the periods it overlaps."""
    labels = [str(r[0]) for r in rows]
    ax.bar(range(len(rows)), [r[1] for r in rows], color="#3b6ea8", label=columns[1])
    if len(columns) > 2:
        twin = ax.twinx()
        twin.plot(range(len(rows)), [r[2] for r in rows], color="#b5432f", label=columns[2])
        twin.set_ylabel(columns[2].replace("_", " "), color="#b5432f")
    step = max(1, len(labels) // 16)
    ax.set_xticks(range(0, len(labels), step), labels[::step], rotation=90, fontsize=7)
    for incident in incidents:
        start, end = incident["start"].rstrip("Z"), incident["end"].rstrip("Z")
        # a period overlaps [start, end) if it begins before the end and ends after the start
        hit = [i for i, label in enumerate(labels)
               if _period(label)[0] < end and _period(label)[1] > start]  # fmt: skip
        if hit:
            ax.axvspan(hit[0] - 0.5, hit[-1] + 0.5, color="#e8a33d", alpha=0.3)
            ax.annotate(f"{incident['type']}: {incident['scope']}", (hit[0] - 0.4, 0),
                        xycoords=("data", "axes fraction"), xytext=(0, 4),
                        textcoords="offset points", fontsize=7, rotation=90)  # fmt: skip


def _period(label: str) -> tuple[str, str]:
    """Start and end of a day ('2026-01-15') or hour ('2026-01-15T07') label, as text that
    compares with an incident's 'YYYY-MM-DDTHH:MM'."""
    return (
        (label + "T00:00", label + "T24:00") if len(label) == 10 else (label + ":00", label + ":60")
    )


def _table(data: dict[str, Any]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in data["columns"])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_fmt(v))}</td>" for v in row) + "</tr>"
        for row in data["rows"]
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _tiles(data: dict[str, Any]) -> str:
    values = {kpi: value for kpi, value in data["rows"]}
    tiles = "".join(
        f'<div class="tile"><b>{html.escape(_tile_value(values.get(kpi)))}</b>'
        f"{html.escape(label)}</div>"
        for kpi, label in KPI_TILES.items()
    )
    return f'<div class="tiles">{tiles}</div>'


def _tile_value(value: float | None) -> str:
    if value is None:
        return "no data"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
section { margin: 2em 0; } h2 { font-size: 1.1em; } table { border-collapse: collapse; }
td, th { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: right; }
details pre { background: #f5f5f5; padding: 0.8em; overflow-x: auto; }
.tiles { display: flex; flex-wrap: wrap; gap: 0.6em; }
.tile { border: 1px solid #ccc; border-radius: 4px; padding: 0.5em 0.8em; min-width: 9em; }
.tile b { display: block; font-size: 1.4em; }
"""


def render(
    lake: str,
    results: dict[str, dict[str, Any]],
    incidents: list[dict[str, Any]] | None = None,
    calibration: list[Measured] | None = None,
) -> str:
    incidents = incidents or []
    charts = []
    for name, (title, sql, kind) in PROFILE_QUERIES.items():
        if kind == "tiles":
            figure = _tiles(results[name])
        elif kind == "table":
            figure = _table(results[name])
        else:
            figure = _svg(kind, title, results[name], incidents)
        charts.append(
            f'<section id="{name}"><h2>{html.escape(title)}</h2>{figure}'
            f"<details><summary>SQL</summary><pre>{html.escape(sql.strip())}</pre></details>"
            "</section>"
        )
    context = [_calibration_section(calibration)] if calibration else []
    if incidents:
        listed = {"columns": ["type", "scope", "start", "end", "expected effect"],
                  "rows": [[i["type"], i["scope"], i["start"], i["end"], i["expected_effect"]]
                           for i in incidents]}  # fmt: skip
        context.insert(0, '<section id="incidents"><h2>Declared incidents (from '
                       f"_truth/incidents.json)</h2>{_table(listed)}</section>")  # fmt: skip
    # The page opens with the KPI tiles and the KPIs over time, then the incidents and the
    # calibration, then the shape of the data.
    sections = charts[:2] + context + charts[2:]
    data = json.dumps(results, default=str).replace("</", "<\\/")
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>ACME telemetry profile: {html.escape(lake)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>ACME telemetry profile</h1><p>Lake: <code>{html.escape(lake)}</code>. "
        "Each chart's SQL runs unchanged with <code>python -m acme_gen.query</code>.</p>"
        + "".join(sections)
        + f'<script type="application/json" id="acme-profile-data">{data}</script>'
        + "</body></html>\n"
    )


def _calibration_section(measured: list[Measured]) -> str:
    """The lake against published figures (acme_gen.lake.realism), as the README lists it."""
    rows = [[m.benchmark.behaviour, m.benchmark.published, m.range_text(), m.value_text(),
             "in range" if m.in_range else "OUT OF RANGE"] for m in measured]  # fmt: skip
    listed = {"columns": ["behaviour", "published", "range", "measured", ""], "rows": rows}
    return ('<section id="calibration"><h2>Calibration: the lake against published figures'
            f"</h2>{_table(listed)}<p>Each measure is a SQL file under "
            "<code>queries/realism/</code>; <code>python -m acme_gen.realism</code> prints "
            "this table.</p></section>")  # fmt: skip


@command
def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m acme_gen.profile", description=__doc__)
    parser.add_argument("--lake", default="output", help="lake root: directory or s3://bucket")
    parser.add_argument("--out", type=Path, help="HTML file (default: <lake>/report.html)")
    parser.add_argument("--endpoint-url", help="S3 endpoint, e.g. a local AWS server")
    parser.add_argument("--region", default=None, help=REGION_HELP)
    args = parser.parse_args(argv)
    on_s3 = args.lake.startswith("s3://") and args.out is None  # the page goes into the lake
    out = args.out or Path(args.lake) / "report.html"
    try:
        con = connect(args.lake, args.endpoint_url, args.region)
        qoe.pin_sessions(con)  # the sessions once, for every KPI query
        incidents = read_incidents(Lake(args.lake, args.endpoint_url, args.region))
        page = render(args.lake, run_queries(con), incidents, measure(con))
        missing = missing_dimensions(con)
    except (LakeError, duckdb.Error) as exc:
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return 2
    if missing:
        print(f"notice: no {', '.join(missing)} tables in {args.lake} (only the backfill writes "
              "them): their charts are empty", file=sys.stderr)  # fmt: skip
    if on_s3:
        lake = Lake(args.lake, args.endpoint_url, args.region)
        lake.write_bytes("report.html", page.encode())  # one PUT: all or nothing
        print(f"profile written to {lake.url('report.html')}")
        return 0
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(page)
    tmp.replace(out)
    print(f"profile written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
