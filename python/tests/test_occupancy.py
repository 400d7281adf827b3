"""Physics (acme_gen.core.occupancy): a device plays one session at a time, a customer's
streams never exceed the plan's limit, and the rule is a pure function of earlier draws."""

from __future__ import annotations

import numpy as np

from acme_gen.config import GeneratorConfig
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.core.occupancy import playable
from acme_gen.core.sessions import SessionPlan

from .conftest import DAY_MS, T0

MIN = 60_000


def _plays(rows: list[tuple[int, int, int, int]], limit: int = 4) -> list[bool]:
    """rows: (customer, device, start minute, end minute); every row decided."""
    c, d, s, e = (np.array(col, dtype=np.int64) for col in zip(*rows, strict=True))
    n = len(rows)
    key = np.arange(n, dtype=np.uint64)
    flags = playable(c.astype(np.int32), d.astype(np.int32), s * MIN, e * MIN, key,
                     np.full(n, limit, np.int8), np.ones(n, bool))  # fmt: skip
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
    flags = playable(c, c, np.array([0, 10]) * MIN, np.array([5, 20]) * MIN,
                     np.arange(2, dtype=np.uint64), np.ones(2, np.int8),
                     np.array([False, True]))  # fmt: skip
    assert flags.tolist() == [False, True]


def _sessions(gen: TelemetryGenerator, start: int, end: int) -> SessionPlan:
    slots = list(range(start // 300_000, end // 300_000))
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
    """One day decided at once equals the same day decided an hour at a time."""
    config = GeneratorConfig(customers=1000, titles=50, events_per_day=40_000)
    whole = _sessions(TelemetryGenerator(config), T0, T0 + DAY_MS // 4)
    gen = TelemetryGenerator(config)
    parts = [_sessions(gen, T0 + h * 3_600_000, T0 + (h + 1) * 3_600_000) for h in range(6)]
    assert np.array_equal(whole.key, SessionPlan.concat(parts).key)
