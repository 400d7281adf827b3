"""The profile page: its numbers equal independent computations on the same lake."""

from __future__ import annotations

import html
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

from .conftest import skip_unless_required


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
    charts = [k for _, _, k in profile.PROFILE_QUERIES.values() if k not in ("table", "tiles")]
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
    for _, sql, _ in profile.PROFILE_QUERIES.values():
        assert html.escape(sql.strip()) in text


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


def test_page_renders_its_charts_in_headless_chromium(
    page: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        skip_unless_required(
            "Debian's chromium is not installed (make report-check installs it)",
            "ACME_REQUIRE_CHROMIUM",
        )
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    dom = subprocess.run(
        [chromium, *flags, "--dump-dom", page[0].as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    charts = [k for _, _, k in profile.PROFILE_QUERIES.values() if k not in ("table", "tiles")]
    assert dom.count("<svg") == len(charts)
    shot = tmp_path / "report.png"
    subprocess.run(
        [chromium, *flags, "--window-size=1000,2400", f"--screenshot={shot}", page[0].as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 50_000  # charts, not a blank page


def test_a_lake_on_s3_gets_its_report_in_the_lake(
    lake: Path, local_aws: Any, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:  # fmt: skip
    """--help says <lake>/report.html: on s3:// that is an object in the bucket, not a file
    in the working directory."""
    from .aws import REGION

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
