"""Physics (acme_gen.core.occupancy): a device plays one session at a time, a customer's
streams never exceed the plan's limit, and the rule is a pure function of earlier draws."""

from __future__ import annotations

import numpy as np
import pytest

from acme_gen.config import GeneratorConfig
from acme_gen.core import occupancy
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.core.occupancy import playable
from acme_gen.core.sessions import SessionPlan
from acme_gen.core.traffic import SLOT_MS

from ..conftest import DAY_MS, T0

MIN = 60_000


def _plays(rows: list[tuple[int, int, int, int]], limit: int = 4,
           sittings: list[tuple[int, int]] | None = None) -> list[bool]:  # fmt: skip
    """rows: (customer, device, start minute, end minute); every row decided. `sittings`:
    (sitting, part) per row; by default each row is a sitting of its own."""
    c, d, s, e = (np.array(col, dtype=np.int64) for col in zip(*rows, strict=True))
    n = len(rows)
    key = np.arange(n, dtype=np.uint64)
    sitting, part = (np.array(col) for col in zip(*(sittings or [(i, 0) for i in range(n)]),
                                                  strict=True))  # fmt: skip
    began = np.array([s[np.flatnonzero(sitting == k)].min() for k in sitting]) * MIN
    flags = playable(c.astype(np.int32), d.astype(np.int32), s * MIN, e * MIN, key,
                     np.full(n, limit, np.int8), sitting.astype(np.uint64),
                     part.astype(np.int8), began, np.ones(n, bool))  # fmt: skip
    return flags.tolist()


def test_a_device_plays_one_session_at_a_time() -> None:
    assert _plays([(0, 0, 0, 60), (0, 0, 30, 90)]) == [True, False]
    assert _plays([(0, 0, 0, 60), (0, 0, 60, 90)]) == [True, True]  # one ends as one starts
    assert _plays([(0, 0, 0, 60), (0, 1, 30, 90)]) == [True, True]  # another device


def test_an_earlier_refused_draw_still_counts() -> None:
    """Deciding against every earlier draw, kept or not, keeps the rule pure: the third
    draw is refused because the second (itself refused) was still running."""
    assert _plays([(0, 0, 0, 60), (0, 0, 50, 120), (0, 0, 100, 130)]) == [True, False, False]


def test_the_plan_limits_simultaneous_streams() -> None:
    rows = [(0, 0, 0, 60), (0, 1, 10, 60), (0, 2, 20, 60)]
    assert _plays(rows, limit=1) == [True, False, False]
    assert _plays(rows, limit=2) == [True, True, False]
    assert _plays(rows, limit=4) == [True, True, True]
    assert _plays([(0, 0, 0, 60), (1, 1, 10, 60)], limit=1) == [True, True]  # two customers


def test_only_the_decided_draws_are_returned_true() -> None:
    c = np.zeros(2, np.int32)
    key = np.arange(2, dtype=np.uint64)
    start = np.array([0, 10]) * MIN
    flags = playable(c, c, start, np.array([5, 20]) * MIN, key, np.ones(2, np.int8), key,
                     np.zeros(2, np.int8), start, np.array([False, True]))  # fmt: skip
    assert flags.tolist() == [False, True]


def test_a_sitting_stops_at_its_first_refused_part() -> None:
    # Sitting 0 plays 0-30, 40-70, 80-100; sitting 1 (earlier: it began at -5) holds the
    # device 45-65, so sitting 0's second part is refused, and its third with it.
    rows = [(0, 0, 0, 30), (0, 0, 40, 70), (0, 0, 80, 100), (1, 0, -5, -1), (1, 0, 45, 65)]
    sittings = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)]
    assert _plays(rows, sittings=sittings) == [True, False, False, True, True]
    # Without the other sitting, every part plays.
    assert _plays(rows[:3], sittings=sittings[:3]) == [True, True, True]


def test_a_later_sitting_yields_to_an_earlier_sittings_later_part() -> None:
    """Rank follows the sitting's start: a sitting started at 30 overlaps the part that the
    sitting started at 0 plays from 60, so it is refused (the earlier sitting never depends
    on later ones, so a window still needs only its look-back)."""
    rows = [(0, 0, 0, 20), (0, 0, 60, 90), (1, 0, 30, 80), (1, 0, 30, 50)]
    sittings = [(0, 0), (0, 1), (2, 0), (3, 0)]
    assert _plays(rows[:3], sittings=sittings[:3]) == [True, True, False]
    others = [0, 1, 3]
    assert _plays([rows[i] for i in others], sittings=[sittings[i] for i in others]) == [
        True, True, True,
    ]  # fmt: skip


def _sessions(gen: TelemetryGenerator, start: int, end: int) -> SessionPlan:
    slots = list(range(start // SLOT_MS, end // SLOT_MS))
    return SessionPlan.concat(list(gen.playable_slots(slots).values()))


def test_kept_sessions_never_overlap_on_a_device_nor_exceed_the_limit() -> None:
    # A crowded world (heavy viewers on few devices): physics must still hold.
    gen = TelemetryGenerator(GeneratorConfig(customers=1000, titles=50, events_per_day=40_000))
    plan = _sessions(gen, T0, T0 + DAY_MS)
    order = np.lexsort((plan.start_ms, plan.device))
    same = plan.device[order][1:] == plan.device[order][:-1]
    assert (plan.end_ms[order][:-1][same] <= plan.start_ms[order][1:][same]).all()
    limits = np.array([1, 2, 4])[gen.world.customers(plan.customer).plan]
    for i in np.random.default_rng(0).choice(len(plan), 2000, replace=False):
        running = (plan.customer == plan.customer[i]) & (plan.start_ms <= plan.start_ms[i])
        running &= plan.end_ms > plan.start_ms[i]
        assert running.sum() <= limits[i]


def test_the_decision_does_not_depend_on_the_window() -> None:
    """A quarter day decided at once equals the same decided two slots, or one, at a time
    (sittings run hours past their start slot, so later slots must never matter)."""
    config = GeneratorConfig(customers=1000, titles=50, events_per_day=40_000)
    whole = _sessions(TelemetryGenerator(config), T0, T0 + DAY_MS // 4)
    gen = TelemetryGenerator(config)
    pairs = [_sessions(gen, T0 + i * SLOT_MS, T0 + (i + 2) * SLOT_MS) for i in range(0, 6, 2)]
    assert np.array_equal(whole.key, SessionPlan.concat(pairs).key)
    gen = TelemetryGenerator(config)
    slots = [_sessions(gen, T0 + i * SLOT_MS, T0 + (i + 1) * SLOT_MS) for i in range(6)]
    assert np.array_equal(whole.key, SessionPlan.concat(slots).key)


def test_deciding_in_parts_by_customer_decides_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Large decisions run in parts split by customer (the rules never relate two
    customers): a crowded day decided in many small parts equals it decided whole."""
    config = GeneratorConfig(customers=1000, titles=50, events_per_day=40_000)
    monkeypatch.setattr(occupancy, "_DECIDED_TOGETHER", 10**12)
    whole = _sessions(TelemetryGenerator(config), T0, T0 + DAY_MS)
    monkeypatch.setattr(occupancy, "_DECIDED_TOGETHER", 97)  # hundreds of parts
    parts = _sessions(TelemetryGenerator(config), T0, T0 + DAY_MS)
    assert len(whole) > 10_000 and np.array_equal(whole.key, parts.key)


@pytest.mark.parametrize(
    ("spread_ms", "part_low"),
    [(10**9, 0), (2**60, 0), (10**9, -1)],
    ids=["packed", "too-wide-to-pack", "negative-part"],
)
def test_the_rank_order_is_lexsort_of_start_sitting_part(spread_ms: int, part_low: int) -> None:
    """Packed into one key where the three fit, by lexsort where they do not (starts too far
    apart for the bits, or a negative part): the same order either way, ties included."""
    rng = np.random.default_rng(5)
    n = 5_000
    start = rng.integers(0, spread_ms, 40).astype(np.int64)[rng.integers(0, 40, n)]  # ties
    sitting = rng.integers(0, 2**64, 300, dtype=np.uint64)[rng.integers(0, 300, n)]
    part = rng.integers(part_low, 4, n).astype(np.int8)
    order = occupancy._rank_order(start, sitting, part)
    assert np.array_equal(order, np.lexsort((part, sitting, start)))
