"""Invariants of realistic telemetry, checked on two generated days.

Published figures behind the ranges are cited in acme_gen.core.sessions and acme_gen.core.traffic.
"""

from __future__ import annotations

import itertools

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from acme_gen.core.generator import TelemetryGenerator
from acme_gen.core.releases import APP_VERSION_NAMES
from acme_gen.core.traffic import utc_offset_ms
from acme_gen.core.world import MAX_DEVICES
from acme_gen.lake.dimensions import dimension_tables
from acme_gen.models import DEVICE_TYPES, EVENT_TYPES, QUALITIES, TITLE_TYPES, StreamingEvent

from ..conftest import DAY_MS, T0

# One worker for the file (--dist loadgroup): the two days and the week of events are drawn once.
pytestmark = pytest.mark.xdist_group("realism")


@pytest.fixture(scope="module")
def ev(two_days: pa.Table) -> dict[str, np.ndarray]:
    # Ordered by session, then time: each session's events are contiguous.
    t = two_days.sort_by([("session_id", "ascending"), ("event_timestamp", "ascending")])
    return {name: t[name].to_numpy(zero_copy_only=False) for name in t.column_names}


@pytest.fixture(scope="module")
def sessions(ev: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-session summaries of the sessions that start and end inside the two days."""
    sid = ev["session_id"]
    starts = np.flatnonzero(np.r_[True, sid[1:] != sid[:-1]])
    ends = np.r_[starts[1:], len(sid)] - 1
    whole = (ev["event_type"][starts] == "start") & np.isin(
        ev["event_type"][ends], ["stop", "complete"]
    )
    return {"first": starts[whole], "last": ends[whole]}


def test_event_enumerations_and_model_validation(two_days: pa.Table) -> None:
    assert set(pc.unique(two_days["event_type"]).to_pylist()) == set(EVENT_TYPES)
    assert set(pc.unique(two_days["title_type"]).to_pylist()) == set(TITLE_TYPES)
    assert set(pc.unique(two_days["device_type"]).to_pylist()) == set(DEVICE_TYPES)
    assert set(pc.unique(two_days["quality"]).to_pylist()) == set(QUALITIES)
    # every row is a valid StreamingEvent (sampled: pydantic per row is slow)
    for row in two_days.slice(0, 2000).to_pylist():
        StreamingEvent.model_validate(row)
    assert pc.count_distinct(two_days["event_id"]).as_py() == two_days.num_rows


def test_sessions_are_well_formed_state_machines(ev: dict[str, np.ndarray]) -> None:
    sid, etype = ev["session_id"], ev["event_type"]
    same = sid[1:] == sid[:-1]
    prev, nxt = etype[:-1][same], etype[1:][same]
    allowed = {("start", "pause"), ("start", "stop"), ("start", "complete"),
               ("pause", "resume"), ("pause", "stop"), ("resume", "pause"), ("resume", "stop"),
               ("resume", "complete")}  # fmt: skip
    pairs = list(zip(prev.tolist(), nxt.tolist(), strict=True))
    assert set(pairs) <= allowed, set(pairs) - allowed
    assert set(pairs) == allowed
    # Some plays end on a pause never resumed (the app closed or timed out), not most.
    ended = (etype[1:] == "stop")[same]
    after_pause = (prev == "pause") & ended
    assert 0.01 < after_pause.sum() / ended.sum() < 0.15
    # time only moves forward within a session
    assert (ev["event_timestamp"][1:][same] > ev["event_timestamp"][:-1][same]).all()


def test_watch_time_is_a_counter_that_fits_the_wall_time(ev: dict[str, np.ndarray]) -> None:
    """watch_duration_seconds counts the seconds watched since the session's previous event:
    with the stalls since then it fits the wall time since then, nothing is gained while
    paused, and the playhead moves by what was watched."""
    sid, etype = ev["session_id"], ev["event_type"]
    same = sid[1:] == sid[:-1]
    watch, stalled = ev["watch_duration_seconds"], ev["buffering_duration_seconds"]
    assert (watch >= 0).all()
    ts = np.char.rstrip(ev["event_timestamp"].astype(str), "Z").astype("datetime64[ms]")
    wall_s = (ts[1:] - ts[:-1]).astype(np.int64)[same] / 1000
    assert (watch[1:][same] + stalled[1:][same] <= wall_s + 1e-6).all()
    after_pause = (etype[:-1] == "pause")[same]
    assert (watch[1:][same][after_pause] == 0).all()
    assert (stalled[1:][same][after_pause] == 0).all()
    # Viewers seek forward on the way (intros, dull scenes) and sometimes back (to see a
    # moment again): the playhead is not the start plus what was watched.
    moved = (ev["position_seconds"][1:] - ev["position_seconds"][:-1])[same]
    assert 0.2 < (moved > watch[1:][same]).mean() < 0.9
    assert 0.005 < (moved < watch[1:][same]).mean() < 0.1
    assert (moved < 0).any()
    assert (watch[etype == "start"] == 0).all()


def test_completion_is_consistent_with_runtime(
    ev: dict[str, np.ndarray], generator: TelemetryGenerator
) -> None:
    world = generator.world
    index = {t: i for i, t in enumerate(world.title_ids)}
    title = np.array([index[t] for t in ev["title_id"]])
    runtime, credits = world.title_runtime[title], world.title_credits[title]
    pos = ev["position_seconds"]
    assert (pos >= 0).all() and (pos <= runtime).all()
    assert np.allclose(ev["completion_percentage"], np.round(100 * pos / runtime, 2))
    # complete fires where the end credits begin, at 90-97% of the runtime
    complete = ev["event_type"] == "complete"
    assert (pos[complete] == credits[complete]).all()
    share = ev["completion_percentage"][complete]
    assert share.min() >= 89.9 and share.max() <= 97.1 and share.std() > 1
    stop = ev["event_type"] == "stop"
    assert (pos[stop] < credits[stop]).all()


def test_ids_resolve_to_dimension_rows(two_days: pa.Table, generator: TelemetryGenerator) -> None:
    dims = dimension_tables(generator.world)
    for column, table in (("customer_id", "customers"), ("title_id", "titles")):
        known = dims[table][column]
        assert pc.all(pc.is_in(two_days[column], value_set=known)).as_py(), column
    acquired = pc.drop_null(dims["customers"]["acquisition_campaign_id"])
    assert pc.all(pc.is_in(acquired, value_set=dims["campaigns"]["campaign_id"])).as_py()
    # title_type in the events matches the catalogue
    titles = dict(zip(dims["titles"]["title_id"].to_pylist(),
                      dims["titles"]["title_type"].to_pylist(), strict=True))  # fmt: skip
    sample = two_days.slice(0, 5000)
    assert all(
        titles[t] == k
        for t, k in zip(
            sample["title_id"].to_pylist(), sample["title_type"].to_pylist(), strict=True
        )
    )


@pytest.mark.parametrize(
    ("entity", "attributes"),
    [
        ("device_id", ["customer_id", "device_type", "device_os"]),
        ("session_id", ["app_version"]),  # a device updates its app between sessions
        ("customer_id", ["country", "state", "city"]),
        ("title_id", ["title_type"]),
        ("session_id", ["customer_id", "device_id", "title_id", "isp", "ip_address"]),
    ],
)
def test_attributes_are_stable_per_entity(
    two_days: pa.Table, entity: str, attributes: list[str]
) -> None:
    grouped = two_days.group_by(entity).aggregate([(a, "count_distinct") for a in attributes])
    for a in attributes:
        assert pc.max(grouped[f"{a}_count_distinct"]).as_py() == 1, (entity, a)


def test_a_device_updates_its_app_forward_only(two_days: pa.Table) -> None:
    """A device's app version changes only to a later release (acme_gen.core.releases)."""
    code = {name: i for i, name in enumerate(APP_VERSION_NAMES)}  # streams in release order
    rows = duckdb.sql(
        "SELECT device_id, app_version, MIN(event_timestamp) AS first FROM two_days "
        "GROUP BY ALL ORDER BY device_id, first"
    ).fetchall()
    updated = 0
    for (device, version, _), (device_next, version_next, _) in itertools.pairwise(rows):
        if device == device_next:
            assert code[version_next] > code[version], (device, version, version_next)
            updated += 1
    assert updated > 0, "no device updated its app in two days"


def _corr(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.corrcoef(x, y)[0, 1])


def test_qoe_correlations_point_the_right_way(ev: dict[str, np.ndarray]) -> None:
    bw = ev["bandwidth_mbps"]
    log_bw = np.log(bw)
    playback = np.isin(ev["event_type"], ["pause", "stop", "complete"])
    # buffering and errors rise as bandwidth falls
    assert _corr(log_bw[playback], ev["buffering_events"][playback]) < -0.1
    rate_low = ev["buffering_events"][playback & (bw < 5)].mean()
    rate_high = ev["buffering_events"][playback & (bw > 50)].mean()
    # (a bad delivery path stalls a fast line too: a congested peering link, weak Wi-Fi)
    assert rate_low > 3 * rate_high
    assert (
        ev["error_count"][playback & (bw < 5)].mean()
        > ev["error_count"][playback & (bw > 50)].mean()
    )
    # quality rises with bandwidth
    # (plans and devices cap quality too, so the link is clear but not tight)
    q = np.array([QUALITIES.index(x) for x in ev["quality"]])
    assert _corr(log_bw, q) > 0.1
    sd = ev["quality"] == "SD"
    assert sd[bw < 5].mean() > 0.95
    assert sd[bw > 50].mean() < 0.5
    assert (bw[ev["quality"] == "4K"] >= 16).all()
    assert (ev["quality"][ev["device_type"] == "mobile"] != "4K").all()
    # cellular is slower than fibre
    assert np.median(bw[ev["connection_type"] == "4g"]) < np.median(
        bw[ev["connection_type"] == "fiber"]
    )


def test_published_figure_ranges(
    ev: dict[str, np.ndarray], sessions: dict[str, np.ndarray]
) -> None:
    first, last = sessions["first"], sessions["last"]
    assert len(first) > 10_000
    # Video-start failures: a few percent of attempts (Conviva: ~1-2%, worse on bad links).
    failed = (ev["error_count"][first + 1] > 0) & (last == first + 1)
    assert 0.005 < failed.mean() < 0.05
    # Most sessions see no rebuffering at all (Conviva, Mux).
    sid = np.repeat(np.arange(len(first)), last - first + 1)
    idx = np.concatenate(
        [np.arange(a, b + 1) for a, b in zip(first[:3000], last[:3000], strict=True)]
    )
    stalls = np.bincount(sid[: len(idx)], weights=ev["buffering_events"][idx])
    assert 0.6 < (stalls == 0).mean() < 0.95
    # Rebuffering ratio (stall time / watch time) well under 2%.
    played = ev["watch_duration_seconds"].sum()
    rebuffering_ratio = ev["buffering_duration_seconds"].sum() / played
    assert rebuffering_ratio < 0.02
    # Completion: a minority of sessions play to the end.
    assert 0.15 < (ev["event_type"][last] == "complete").mean() < 0.6


def test_evening_peak_over_night_trough_in_local_time(two_days: pa.Table) -> None:
    us_east = pc.equal(two_days["state"], "New York")
    ts = two_days.filter(us_east)["event_timestamp"].to_numpy(zero_copy_only=False)
    starts = np.char.rstrip(ts.astype(str), "Z").astype("datetime64[ms]").astype(np.int64)
    local = starts + utc_offset_ms("America/New_York", T0 // 3_600_000)
    hours = np.bincount((local % DAY_MS) // 3_600_000, minlength=24)
    peak, trough = hours[19:23].mean(), hours[3:6].mean()
    assert 3 < peak / trough < 12, hours


@pytest.fixture(scope="module")
def events_per_day(generator: TelemetryGenerator) -> list[int]:
    """Events generated on each day of the week from Thursday 2026-01-15."""
    return [len(generator.window(T0 + d * DAY_MS, T0 + (d + 1) * DAY_MS)) for d in range(7)]


def test_weekend_busier_than_midweek(events_per_day: list[int]) -> None:
    _thu, _fri, saturday, sunday, _mon, tuesday, wednesday = events_per_day
    assert 1.1 < saturday / wednesday < 1.4 and 1.1 < sunday / tuesday < 1.4


def test_volume_matches_configuration(
    generator: TelemetryGenerator, two_days: pa.Table, events_per_day: list[int]
) -> None:
    # events_per_day is the mean over a week; any two days follow the model's curve.
    assert abs(sum(events_per_day) / 7 / generator.config.events_per_day - 1) < 0.01
    expected = generator.expected_sessions(np.arange(T0, T0 + 2 * DAY_MS, 300_000)).sum()
    # Two days of 150,000 events: sessions of up to 18 events (long TV plays pause more) and
    # Poisson starts leave a spread of about 1% a day.
    assert abs(two_days.num_rows / (expected * generator.mean_events_per_session) - 1) < 0.02


def test_title_popularity_is_zipf_like(two_days: pa.Table) -> None:
    starts = two_days.filter(pc.equal(two_days["event_type"], "start"))
    counts = np.sort(starts.group_by("title_id").aggregate([("title_id", "count")])
                     ["title_id_count"].to_numpy())[::-1]  # fmt: skip
    top_share = counts[: len(counts) // 10].sum() / counts.sum()
    assert 0.3 < top_share < 0.8  # head-heavy, not all-in-one
    ranks = np.arange(1, 51)
    slope = np.polyfit(np.log(ranks), np.log(counts[:50]), 1)[0]
    assert -1.3 < slope < -0.5


def test_one_to_four_devices_per_customer(
    generator: TelemetryGenerator, two_days: pa.Table
) -> None:
    world = generator.world
    counts = world.customers(np.arange(world.n_customers, dtype=np.int32)).device_count
    assert counts.min() == 1 and counts.max() == 4
    shares = np.bincount(counts, minlength=5)[1:] / len(counts)
    assert shares[0] > shares[3] and shares[1] > shares[2] > shares[3] > 0.03
    seen = two_days.group_by("customer_id").aggregate([("device_id", "count_distinct")])
    assert pc.max(seen["device_id_count_distinct"]).as_py() <= 4
    # Every device an event names is one of its customer's own.
    devices = world.owned_devices(np.arange(world.n_customers, dtype=np.int32))
    owner = (devices // MAX_DEVICES).astype(np.int32)
    owned = set(zip(_texts(world.customer_id_text(owner)), _texts(world.device_id_text(devices)),
                    strict=True))  # fmt: skip
    used = two_days.select(["customer_id", "device_id"]).to_pylist()
    assert {(r["customer_id"], r["device_id"]) for r in used} <= owned


def _texts(matrix: np.ndarray) -> list[str]:
    return [bytes(row).decode() for row in matrix]


def test_prime_time_congestion_lowers_throughput(two_days: pa.Table) -> None:
    """The same homes get less bandwidth in their evening peak than in the small hours."""
    ny = two_days.filter(pc.equal(two_days["state"], "New York"))
    ts = ny["event_timestamp"].to_numpy(zero_copy_only=False).astype(str)
    local = np.char.rstrip(ts, "Z").astype("datetime64[ms]").astype(np.int64) + utc_offset_ms(
        "America/New_York", T0 // 3_600_000
    )
    hour = (local % DAY_MS) // 3_600_000
    bandwidth = ny["bandwidth_mbps"].to_numpy()
    evening = np.median(bandwidth[(hour >= 20) & (hour < 23)])
    night = np.median(bandwidth[(hour >= 2) & (hour < 6)])
    assert evening < 0.95 * night, (evening, night)


def test_session_counters_add_up(
    ev: dict[str, np.ndarray], sessions: dict[str, np.ndarray]
) -> None:
    """Counters count what happened since the session's previous event: stall time comes with
    stalls, a session's stalls fit in its wall-clock span, and start has no watch time yet."""
    stalls, stalled = ev["buffering_events"], ev["buffering_duration_seconds"]
    assert np.array_equal(stalls > 0, stalled > 0)
    assert (stalls >= 0).all() and (ev["error_count"] >= 0).all()
    first, last = sessions["first"], sessions["last"]
    cum = np.r_[0.0, np.cumsum(stalled)]
    per_session = cum[last + 1] - cum[first]
    ts = np.char.rstrip(ev["event_timestamp"].astype(str), "Z").astype("datetime64[ms]")
    span = (ts[last] - ts[first]).astype(np.int64) / 1000
    assert (per_session <= span + 1e-6).all()
    assert (ev["watch_duration_seconds"][first] == 0).all()
