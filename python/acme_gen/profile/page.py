"""A one-page profile of a lake: python -m acme_gen.profile --lake output [--out report.html]

Every number and chart comes from one of PROFILE_QUERIES, run with the same DuckDB views as
`python -m acme_gen.query`; the page shows each query under its chart, so a reader can run
it again. Charts are inline SVG (matplotlib), so the page opens offline.
"""

from __future__ import annotations

import html
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
from acme_gen.profile.charts import SPARSE_SHARE, svg
from acme_gen.profile.queries import KPI_TILES, PROFILE_QUERIES, run_queries


def _table(data: dict[str, Any], prose: tuple[str, ...] = ()) -> str:
    """Numbers right-aligned, on one line; the `prose` columns left-aligned and wrapped."""
    prose_at = {i for i, c in enumerate(data["columns"]) if c in prose}
    head = "".join(f"<th>{html.escape(c)}</th>" for c in data["columns"])
    body = "".join(
        "<tr>" + "".join(_cell(v, i in prose_at) for i, v in enumerate(row)) + "</tr>"
        for row in data["rows"]
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _cell(value: Any, prose: bool) -> str:
    kind = "prose" if prose else "num" if isinstance(value, int | float) else "word"
    return f'<td class="{kind}">{html.escape(_fmt(value))}</td>'


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
td, th { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; vertical-align: top; }
td.num { text-align: right; } td.num, td.word { white-space: nowrap; }
details pre { background: #f5f5f5; padding: 0.8em; overflow-x: auto; }
.tiles { display: flex; flex-wrap: wrap; gap: 0.6em; }
.tile { border: 1px solid #ccc; border-radius: 4px; padding: 0.5em 0.8em; min-width: 9em; }
.tile b { display: block; font-size: 1.4em; }
.no-data { border: 1px dashed #bbb; color: #666; padding: 2em; text-align: center; }
.note { color: #555; font-size: 0.9em; }
"""


def render(
    lake: str,
    results: dict[str, dict[str, Any]],
    incidents: list[dict[str, Any]] | None = None,
    calibration: list[Measured] | None = None,
    missing: list[str] | None = None,
) -> str:
    """The page; `missing`: the dimension tables the lake lacks (their charts say so)."""
    incidents = incidents or []
    charts = []
    for name, query in PROFILE_QUERIES.items():
        rows = results[name]["rows"]
        if query.kind == "tiles":
            figure = _tiles(results[name])
        elif not rows:
            figure = _no_data(query.sql, missing or [])
        elif query.kind == "table":
            figure = _table(results[name])
        else:
            figure = _with_notes(svg(query, results[name], incidents, name))
        charts.append(
            f'<section id="{name}"><h2>{html.escape(query.title)}</h2>{figure}'
            f"<details><summary>SQL</summary><pre>{html.escape(query.sql.strip())}</pre>"
            "</details></section>"
        )
    context = [_calibration_section(calibration)] if calibration else []
    if incidents:
        listed = {"columns": ["#", "type", "scope", "start", "end", "expected effect"],
                  "rows": [[n, i["type"], i["scope"], i["start"], i["end"], i["expected_effect"]]
                           for n, i in enumerate(incidents, 1)]}  # fmt: skip
        context.insert(0, '<section id="incidents"><h2>Declared incidents (from '
                       f"_truth/incidents.json)</h2>{_table(listed, ('expected effect',))}"
                       "</section>")  # fmt: skip
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


def _no_data(sql: str, missing: list[str]) -> str:
    absent = [t for t in missing if f" {t} " in f" {sql} ".replace("\n", " ")]
    why = (f"this lake has no {' or '.join(absent)} table (the backfill writes the dimension "
           "tables; a lake only the stream filled has none)" if absent
           else "its query returns no rows in this lake")  # fmt: skip
    return f'<p class="no-data">No data: {html.escape(why)}.</p>'


def _with_notes(chart: str) -> str:
    """The chart, and a line on each mark it uses that is not self-explanatory."""
    notes = []
    if 'class="sparse-count"' in chart:
        notes.append(f"Hollow points: bins with under {SPARSE_SHARE:.0%} of the fullest bin's "
                     "rows, labelled with their count (n).")  # fmt: skip
    if 'class="incident-label"' in chart:
        notes.append("Shaded: the declared incidents, numbered as in their table.")
    return chart + "".join(f'<p class="note">{html.escape(n)}</p>' for n in notes)


def _calibration_section(measured: list[Measured]) -> str:
    """The lake against published figures (acme_gen.lake.realism), as the README lists it."""
    rows = [[m.benchmark.behaviour, m.benchmark.published, m.range_text(), m.value_text(),
             "in range" if m.in_range else "OUT OF RANGE"] for m in measured]  # fmt: skip
    listed = {"columns": ["behaviour", "published", "range", "measured", ""], "rows": rows}
    return ('<section id="calibration"><h2>Calibration: the lake against published figures'
            f"</h2>{_table(listed, ('behaviour', 'published'))}<p>Each measure is a SQL file under "
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
        missing = missing_dimensions(con)
        page = render(args.lake, run_queries(con), incidents, measure(con), missing)
    except (LakeError, duckdb.Error) as exc:
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return 2
    if missing:
        print(f"notice: no {', '.join(missing)} tables in {args.lake} (only the backfill writes "
              "them): their charts say no data", file=sys.stderr)  # fmt: skip
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
