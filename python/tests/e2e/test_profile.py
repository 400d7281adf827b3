"""The profile page: its numbers equal independent computations on the same lake."""

from __future__ import annotations

import html
import itertools
import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from acme_gen import profile
from acme_gen.lake.sql import connect
from acme_gen.profile import charts as charts_module

from ..conftest import skip_unless_required

# One worker for the file (make test runs --dist loadgroup): the page is rendered once.
pytestmark = pytest.mark.xdist_group("profile-page")


@pytest.fixture(scope="module")
def page(lake: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert profile.main(["--lake", str(lake), "--out", str(out)]) == 0
    text = out.read_text()
    data = re.search(
        r'<script type="application/json" id="acme-profile-data">(.*?)</script>', text, re.S
    )
    assert data
    return out, json.loads(data.group(1))


def _events(lake: Path) -> list[dict[str, Any]]:
    return ds.dataset(lake / "telemetry", format="parquet").to_table().to_pylist()


def test_page_is_self_contained_with_a_chart_per_query(page: tuple[Path, dict[str, Any]]) -> None:
    text = page[0].read_text()
    charts = [q for q in profile.PROFILE_QUERIES.values() if q.kind not in ("table", "tiles")]
    assert text.count("<svg") == len(charts)  # the counts are a table, the KPIs tiles
    # it opens with the KPI tiles and the KPIs over time
    assert (
        text.index('id="qoe_kpis"')
        < text.index('id="qoe_kpis_by_hour"')
        < text.index('id="calibration"')
    )
    assert text.count('class="tile"') == len(profile.KPI_TILES)
    # nothing is fetched: no external scripts, styles, images or links
    assert not re.search(r"""(src|href)=["']?https?:""", text)
    assert "<link" not in text and "<script src" not in text
    assert text.count("<details><summary>SQL</summary>") == len(profile.PROFILE_QUERIES)
    # each chart shows the very SQL that made it, so a reader can run it again
    for query in profile.PROFILE_QUERIES.values():
        assert html.escape(query.sql.strip()) in text


def test_every_id_on_the_page_is_unique_and_every_reference_resolves(
    page: tuple[Path, dict[str, Any]],
) -> None:
    """Matplotlib names each figure's elements alike (figure_1, clip paths by their box): on
    one page a repeated id makes a browser clip or draw one chart with another's element."""
    text = page[0].read_text()
    ids = Counter(re.findall(r'\bid="([^"]+)"', text))
    assert ids and [i for i, n in ids.items() if n > 1] == []
    references = set(re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', text))
    assert references and {r for pair in references for r in pair if r} <= set(ids)
    assert 'class="x-label"' in text and 'id="x-label"' not in text


def test_numbers_match_independent_computations(
    lake: Path, page: tuple[Path, dict[str, Any]]
) -> None:
    data = page[1]
    events = _events(lake)
    counts = dict(data["table_counts"]["rows"])
    assert counts["streaming_events"] == len(events)
    assert counts["customers"] == pq.read_metadata(lake / "customers/customers.parquet").num_rows
    by_hour = Counter(e["event_timestamp"][11:13] for e in events)
    assert {h: n for h, n in data["events_by_hour_of_day"]["rows"]} == dict(by_hour)
    by_day = Counter(e["event_timestamp"][:10] for e in events)
    assert {d: n for d, n in data["events_by_day"]["rows"]} == dict(by_day)
    assert dict(data["event_type_mix"]["rows"]) == dict(Counter(e["event_type"] for e in events))
    starts = [e for e in events if e["event_type"] == "start"]
    by_dq = Counter((e["device_type"], e["quality"]) for e in starts)
    assert {(d, q): n for d, q, n in data["sessions_by_device_and_quality"]["rows"]} == dict(by_dq)
    ends = [e for e in events if e["event_type"] in ("stop", "complete")]
    completion = Counter(int(e["completion_percentage"] // 10) * 10 for e in ends)
    assert dict(data["completion_distribution"]["rows"]) == dict(completion)
    watched = Counter()  # a session's watch time is the sum of its events' counters
    for e in events:
        watched[e["session_id"]] += e["watch_duration_seconds"]
    watch = Counter(watched[e["session_id"]] // 600 * 10 for e in ends)
    assert dict(data["watch_time_per_session"]["rows"]) == dict(watch)
    top = Counter(e["title_id"] for e in starts).most_common(1)[0]
    assert data["top_titles"]["rows"][0][0] == top[0] and data["top_titles"]["rows"][0][2] == top[1]
    customers = pq.read_table(lake / "customers/customers.parquet").to_pylist()
    assert dict(data["customers_by_country"]["rows"]) == dict(
        Counter(c["country"] for c in customers)
    )
    kpis = dict(data["qoe_kpis"]["rows"])  # the tiles: query --kpis, from the same view
    con = connect(lake)
    row = con.execute("SELECT vsf_pct, plays FROM acme_telemetry.qoe_kpis "
                      "WHERE dimension = 'all' AND hour = 'all'").fetchall()[0]  # fmt: skip
    assert kpis["vsf_pct"] == round(row[0], 3) and kpis["plays"] == row[1]
    hourly = data["qoe_kpis_by_hour"]["rows"]
    assert len(hourly) == len({e["event_timestamp"][:13] for e in starts})
    stretches = [e for e in events if e["event_type"] in ("pause", "stop", "complete")]
    assert sum(r[2] for r in data["bandwidth_vs_buffering"]["rows"]) == len(stretches)


# Measures the page as Chromium lays it out, into <pre id="layout"> (the test's copy only).
_LAYOUT_PROBE = """<script>
const box = e => { const r = e.getBoundingClientRect();
  return [r.left, r.top, r.right, r.bottom]; };
const texts = (s, sel) => [...s.querySelectorAll(sel)].filter(t => t.textContent.trim())
  .map(t => ({text: t.textContent, box: box(t)}));
const ticks = (s, sel) => [...s.querySelectorAll(sel)].map(g => [...g.querySelectorAll('text')])
  .filter(ts => ts.length).map(ts => ({text: ts.map(t => t.textContent).join('\\n'),
    line: Math.min(...ts.map(t => t.getBoundingClientRect().height)),
    tilt: Math.max(...ts.map(t => Math.abs(t.getCTM().b))),
    box: [0, 1, 2, 3].map(i => (i < 2 ? Math.min : Math.max)(...ts.map(t => box(t)[i])))}));
const lines = e => { const r = document.createRange(); r.selectNodeContents(e);
  return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; };
const out = {};
for (const s of document.querySelectorAll('section')) {
  out[s.id] = {
    headings: [...s.querySelectorAll('h1, h2, h3')].map(h => h.textContent),
    charts: s.querySelectorAll('svg').length,
    no_data: [...s.querySelectorAll('.no-data')].map(e => e.textContent),
    svg_text: [...s.querySelectorAll('svg text')].map(t => t.textContent),
    xticks: ticks(s, 'svg [id*="-xtick_"]'), yticks: ticks(s, 'svg [id*="-ytick_"]'),
    x_label: texts(s, 'svg .x-label text'), y_label: texts(s, 'svg .y-label text'),
    incidents: [...s.querySelectorAll('svg .incident-label')]
      .map(g => ({text: g.textContent.trim(), box: box(g)})),
    sparse: texts(s, 'svg .sparse-count text'),
    cells: [...s.querySelectorAll('td')].map(td => ({text: td.textContent,
      align: getComputedStyle(td).textAlign, lines: lines(td), prose: td.className === 'prose'})),
  };
}
const pre = document.createElement('pre'); pre.id = 'layout'; pre.textContent = JSON.stringify(out);
document.body.appendChild(pre);
</script>"""


def _chromium() -> str:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        skip_unless_required(
            "Debian's chromium is not installed (make report-check installs it)",
            "ACME_REQUIRE_CHROMIUM",
        )
    assert chromium
    return chromium


def _layout(page: Path, tmp_path: Path) -> dict[str, Any]:
    """The page in headless Chromium at 1400 px: a screenshot of it, and each section's
    layout as the probe measured it."""
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'chromium'}", "--window-size=1400,2400"]  # fmt: skip
    shot = tmp_path / "report.png"
    subprocess.run([_chromium(), *flags, f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120, check=True)  # fmt: skip
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 50_000  # charts, not a blank page
    probed = tmp_path / "probed.html"
    probed.write_text(page.read_text().replace("</body>", _LAYOUT_PROBE + "</body>"))
    dom = subprocess.run([_chromium(), *flags, "--dump-dom", probed.as_uri()],
                         capture_output=True, text=True, timeout=120, check=True)  # fmt: skip
    found = re.search(r'<pre id="layout">(.*?)</pre>', dom.stdout, re.S)
    assert found, "the layout probe did not run"
    return json.loads(html.unescape(found.group(1)))  # type: ignore[no-any-return]


def _overlapping(boxes: list[list[float]]) -> list[tuple[int, int]]:
    return [(i, j) for i, a in enumerate(boxes) for j, b in enumerate(boxes[i + 1 :], i + 1)
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]  # fmt: skip


def _check_reads_well(layout: dict[str, Any]) -> None:
    """What a demo needs of every section, as laid out."""
    charts = [n for n, q in profile.PROFILE_QUERIES.items() if q.kind not in ("table", "tiles")]
    for name, section in layout.items():
        assert len(section["headings"]) == 1, name  # one title per section
        heading = section["headings"][0].strip()
        assert heading not in section["svg_text"], f"{name}: the chart repeats its heading"
        if section["charts"]:
            assert name in charts
            for axis, ticks in (("x_label", "xticks"), ("y_label", "yticks")):
                label = " ".join(t["text"] for t in section[axis])
                assert label.strip(), f"{name}: {axis} missing"
                numeric = all(re.fullmatch(r"[-\d.,]+", t["text"]) for t in section[ticks])
                if numeric:  # a measured axis names its unit, in brackets
                    assert re.search(r"\S \(.+\)", label), f"{name}: {axis} {label!r}"
            for axis in ("xticks", "yticks"):
                ticks = section[axis]
                assert ticks, name
                for tick in ticks:
                    assert tick["line"] >= 9, f"{name}: tick {tick['text']!r} under 9 px"
                    assert tick["tilt"] < 0.01, f"{name}: tick {tick['text']!r} not level"
                assert not _overlapping([t["box"] for t in ticks]), f"{name}: {axis} overlap"
            assert not _overlapping([i["box"] for i in section["incidents"]]), name
        for cell in section["cells"]:
            if cell["prose"]:
                assert cell["align"] in ("left", "start"), f"{name}: {cell['text'][:30]!r}"
            else:  # a short value never breaks (isp-/outage)
                assert cell["lines"] == 1, f"{name}: {cell['text']!r} wraps"


def test_the_page_reads_well_in_headless_chromium(
    page: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    layout = _layout(page[0], tmp_path)
    charts = [n for n, q in profile.PROFILE_QUERIES.items() if q.kind not in ("table", "tiles")]
    assert [n for n, s in layout.items() if s["charts"]] == charts
    _check_reads_well(layout)
    # a thin bandwidth bin shows its count, and only thin bins do
    rows = page[1]["bandwidth_vs_buffering"]["rows"]
    fullest = max(r[2] for r in rows)
    thin = [f"n={n:,}" for _, _, n in rows if n < charts_module.SPARSE_SHARE * fullest]
    assert thin and [t["text"] for t in layout["bandwidth_vs_buffering"]["sparse"]] == thin
    assert not layout["events_and_failed_starts_by_hour"]["incidents"]  # none declared
    text = page[0].read_text()
    assert "declared incidents" not in text.lower() and "Shaded:" not in text


def test_incident_labels_never_overlap_and_prose_reads_left(
    incident_lake: Path, tmp_path: Path
) -> None:
    """Four incidents in one day, two of them back to back: each is shaded and labelled on
    the hourly charts, no two labels touch, and none shades the daily chart."""
    out = tmp_path / "report.html"
    assert profile.main(["--lake", str(incident_lake), "--out", str(out)]) == 0
    layout = _layout(out, tmp_path)
    _check_reads_well(layout)
    for name in ("qoe_kpis_by_hour", "events_and_failed_starts_by_hour"):
        labels = sorted(i["text"] for i in layout[name]["incidents"])
        assert labels == ["1 isp-outage", "2 cdn-degradation", "3 bad-release", "4 premiere"]
    assert not layout["events_by_day"]["incidents"]
    effects = [c for c in layout["incidents"]["cells"] if c["prose"]]
    assert len(effects) == 4 and all(c["lines"] > 1 for c in effects)  # prose wraps, left


def test_a_lake_without_dimension_tables_says_no_data(lake: Path, tmp_path: Path) -> None:
    """A lake only the stream filled (events, no customers or titles): those charts are a
    "no data" line that says why, not bare axes."""
    events_only = tmp_path / "lake"
    shutil.copytree(lake / "telemetry", events_only / "telemetry")
    out = tmp_path / "report.html"
    assert profile.main(["--lake", str(events_only), "--out", str(out)]) == 0
    layout = _layout(out, tmp_path)
    _check_reads_well(layout)
    for name in ("top_titles", "customers_by_country"):
        assert layout[name]["charts"] == 0, name
        assert layout[name]["no_data"] and "the backfill writes" in layout[name]["no_data"][0]
    assert layout["events_by_day"]["charts"] == 1 and not layout["events_by_day"]["no_data"]


def test_a_lake_on_s3_gets_its_report_in_the_lake(
    lake: Path, local_aws: Any, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:  # fmt: skip
    """--help says <lake>/report.html: on s3:// that is an object in the bucket, not a file
    in the working directory."""
    from ..aws import REGION

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.chdir(tmp_path)
    local_aws.upload_lake(lake, "profile-me")
    code = profile.main(["--lake", "s3://profile-me", "--endpoint-url", local_aws.endpoint,
                         "--region", REGION])  # fmt: skip
    assert code == 0 and "profile written to s3://profile-me/report.html" in capsys.readouterr().out
    body = local_aws.client("s3").get_object(Bucket="profile-me", Key="report.html")["Body"].read()
    assert body.startswith(b"<!DOCTYPE html") or b"<html" in body[:200]
    assert not (tmp_path / "report.html").exists()


def test_a_histogram_keeps_its_empty_bins() -> None:
    """Watch time per session: the empty bins between 10 and 200 show as zero bars, so the
    axis reads evenly, not 0, 10, 200, 230."""
    query = profile.PROFILE_QUERIES["watch_time_per_session"]
    rows = [[0, 50], [10, 9], [200, 2], [230, 1]]
    chart = charts_module.svg(query, {"columns": ["minutes_from", "sessions"], "rows": rows}, [])
    ticks = re.findall(r"<g id=\"chart-xtick_\d+\">.*?<text[^>]*>([^<]*)</text>", chart, re.S)
    steps = {int(b) - int(a) for a, b in itertools.pairwise(ticks)}
    assert len(ticks) > 4 and len(steps) == 1, ticks
