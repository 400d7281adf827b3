"""The live timeline (what the stream sends) equals the window function the backfill writes,
event for event and in order, whole or in shares; and its memory follows the running sessions."""

from __future__ import annotations

import itertools

import numpy as np
import pyarrow as pa
import pytest

from acme_gen.config import GeneratorConfig
from acme_gen.core import generator as generator_module
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.core.live import LiveTimeline
from acme_gen.core.sessions import MAX_SESSION_MS
from acme_gen.core.traffic import DAY_MS, SLOT_MS
from acme_gen.lake.arrow import EVENT_SCHEMA, ArrowEncoder

from ..conftest import SMALL, T0

HOUR = 3_600_000
BUSY = SMALL.model_copy(update={"events_per_day": 2_000_000, "customers": 170_000})
# Cut points: sub-second ticks, a slot boundary, an empty tick, several hours in one step.
CUTS = [T0 + 20 * HOUR + 123, T0 + 20 * HOUR + 1_123, T0 + 20 * HOUR + 1_124,
        T0 + 20 * HOUR + 250_000, T0 + 20 * HOUR + 300_000, T0 + 21 * HOUR + 7,
        T0 + 21 * HOUR + 507, T0 + 24 * HOUR]  # fmt: skip


def _table(gen: TelemetryGenerator, batch: object) -> pa.Table:
    return ArrowEncoder(gen.world).events_table(batch).cast(EVENT_SCHEMA)  # type: ignore[arg-type]


@pytest.mark.parametrize("config", [BUSY, BUSY.model_copy(update={"traffic_shape": "flat"})],
                         ids=["diurnal", "flat"])  # fmt: skip
def test_timeline_windows_equal_window_event_for_event(config: GeneratorConfig) -> None:
    reference = TelemetryGenerator(config)
    timeline = LiveTimeline(TelemetryGenerator(config), CUTS[0])
    rows = 0
    for start, end in itertools.pairwise(CUTS):
        expected = _table(reference, reference.window(start, end))
        assert _table(timeline.generator, timeline.until(end)).equals(expected), (start, end)
        rows += expected.num_rows
    assert rows > 50_000


def test_shares_are_disjoint_and_their_union_is_the_window() -> None:
    reference = TelemetryGenerator(BUSY)
    shares = [LiveTimeline(TelemetryGenerator(BUSY), CUTS[0], shard, 3) for shard in range(3)]
    for start, end in itertools.pairwise(CUTS[:5]):
        expected = _table(reference, reference.window(start, end))
        parts = [_table(s.generator, s.until(end)) for s in shares]
        ids = [set(p["event_id"].to_pylist()) for p in parts]
        assert sum(map(len, ids)) == len(set().union(*ids))  # no event in two shares
        union = pa.concat_tables(parts).sort_by([("event_timestamp", "ascending"),
                                                 ("event_id", "ascending")])  # fmt: skip
        assert union.equals(expected.sort_by([("event_timestamp", "ascending"),
                                              ("event_id", "ascending")]))  # fmt: skip
    sizes = [len(s.until(CUTS[-1])) for s in shares]
    assert min(sizes) > 0.25 * sum(sizes)  # keys are uniform: the shares are about equal


def test_skip_to_then_until_is_the_later_window() -> None:
    reference = TelemetryGenerator(BUSY)
    timeline = LiveTimeline(TelemetryGenerator(BUSY), CUTS[0])
    timeline.warm_up()
    timeline.skip_to(CUTS[3])
    expected = _table(reference, reference.window(CUTS[3], CUTS[5]))
    assert _table(timeline.generator, timeline.until(CUTS[5])).equals(expected)
    with pytest.raises(ValueError, match="after its start"):
        timeline.until(CUTS[5])


def test_timeline_memory_follows_running_sessions_not_the_look_back() -> None:
    timeline = LiveTimeline(TelemetryGenerator(BUSY), T0)
    timeline.warm_up()
    look_back_slots = MAX_SESSION_MS // SLOT_MS + 1
    assert 0 < len(timeline._queues) <= look_back_slots
    queued = []
    for hour in range(1, 25):
        timeline.until(T0 + hour * HOUR)
        # queues of slots whose sessions have all ended are gone
        assert min(timeline._queues) >= (T0 + hour * HOUR - MAX_SESSION_MS) // SLOT_MS
        queued.append(timeline.pending)
    assert max(queued) < 3 * np.mean(queued)  # flat over a day (the diurnal swing only)
    # and far below every event of the look-back (what window() per tick expands)
    look_back = TelemetryGenerator(BUSY).window(T0 + 20 * HOUR - MAX_SESSION_MS, T0 + 20 * HOUR)
    assert max(queued) < len(look_back) / 2


def test_generator_cache_holds_one_look_back_of_pruned_plans() -> None:
    gen = TelemetryGenerator(SMALL)
    for hour in range(30):
        gen.window(T0 + hour * HOUR, T0 + (hour + 1) * HOUR)
    assert len(gen._slots) <= generator_module._CACHED_SLOTS
    last_start = T0 + 29 * HOUR
    for cached in gen._slots.values():  # only sessions that can still reach a later window
        assert (cached.plan.end_ms >= cached.pruned_before_ms).all()
    pruned_last = [c for c in gen._slots.values() if c.pruned_before_ms == last_start]
    assert len(pruned_last) == (HOUR + MAX_SESSION_MS) // SLOT_MS  # the last window's slots
    # a window before the pruning point redraws instead of using the pruned plans
    fresh = TelemetryGenerator(SMALL)
    early = (T0 + 28 * HOUR, T0 + 28 * HOUR + 600_000)
    assert _table(gen, gen.window(*early)).equals(_table(fresh, fresh.window(*early)))


def test_flat_shape_has_the_same_rate_all_day_and_diurnal_keeps_its_fingerprint() -> None:
    flat = TelemetryGenerator(SMALL.model_copy(update={"traffic_shape": "flat"}))
    per_slot = flat.expected_sessions(np.arange(T0, T0 + DAY_MS, SLOT_MS)).sum(axis=1)
    assert np.allclose(per_slot, per_slot[0])
    diurnal = TelemetryGenerator(SMALL).expected_sessions(np.arange(T0, T0 + DAY_MS, SLOT_MS))
    assert diurnal.sum(axis=1).max() > 2 * diurnal.sum(axis=1).min()
    # existing datasets' manifests and file names do not change with the new field
    assert "traffic_shape" not in GeneratorConfig().model_dump()
    assert GeneratorConfig().fingerprint() == "9c5b4ea3eb58f717"  # model 8
    assert GeneratorConfig(traffic_shape="flat").fingerprint() != GeneratorConfig().fingerprint()
    assert GeneratorConfig.from_env({"ACME_TRAFFIC_SHAPE": "flat"}).traffic_shape == "flat"
