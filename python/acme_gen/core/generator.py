"""The generator: events of any time window as a pure function of (config, window).

    gen = TelemetryGenerator(GeneratorConfig(seed=7))
    batch = gen.window(start_ms, end_ms)

Sessions are seeded by their 5-minute start slot; a window's events are those of every
session that started in the window or up to MAX_SESSION_MS before it and has an event in it.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
import numpy.typing as npt

from acme_gen.config import GeneratorConfig
from acme_gen.core.events import EventBatch, expand
from acme_gen.core.sessions import MAX_SESSION_MS, SessionPlan, draw_sessions, events_per_session
from acme_gen.core.traffic import DAY_MS, HOUR_MS, SLOT_MS, congestion_factor, local_curve
from acme_gen.core.world import World, build_world

_SLOT_STREAM = 0x510751
_CALIBRATION_STREAM = 0xCA1
_CALIBRATION_SESSIONS = 40_000
_CACHED_SLOTS = 256  # a little more than one window's look-back: consecutive windows reuse


class TelemetryGenerator:
    def __init__(self, config: GeneratorConfig, world: World | None = None) -> None:
        self.config = config
        self.world = world if world is not None else build_world(config)
        self.mean_events_per_session = self._calibrate_events_per_session()
        self.sessions_per_day = config.events_per_day / self.mean_events_per_session
        self._slots: OrderedDict[int, SessionPlan] = OrderedDict()

    def _calibrate_events_per_session(self) -> float:
        """Sessions yield a variable number of events; measure the mean once on a fixed sample
        so that events_per_day means events, not sessions."""
        world = self.world
        rng = np.random.default_rng([self.config.seed, _CALIBRATION_STREAM])
        counts = np.round(world.timezone_activity * _CALIBRATION_SESSIONS).astype(np.int64)
        ones = np.ones(len(world.timezones))
        sample = draw_sessions(world, rng, counts, 0, SLOT_MS, congestion_factor(ones))
        return float(events_per_session(sample).mean())

    def expected_sessions(self, slot_starts_ms: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """Mean session starts per (slot, time zone)."""
        curve = local_curve(self.world.timezones, slot_starts_ms)
        return self.sessions_per_day * (SLOT_MS / DAY_MS) * self.world.timezone_activity * curve

    def slot_plan(self, slot: int, curve: npt.NDArray[np.float64] | None = None) -> SessionPlan:
        """The sessions starting in `slot`; `curve` is the slot's local_curve row when the
        caller computed many slots' at once (elementwise arithmetic: the same values)."""
        plan = self._slots.get(slot)
        if plan is not None:
            self._slots.move_to_end(slot)
            return plan
        slot_start = slot * SLOT_MS
        rng = np.random.default_rng([self.config.seed, _SLOT_STREAM, slot])
        if curve is None:
            curve = local_curve(self.world.timezones, np.array([slot_start]))[0]
        lam = self.sessions_per_day * (SLOT_MS / DAY_MS) * self.world.timezone_activity * curve
        counts = rng.poisson(lam).astype(np.int64)
        plan = draw_sessions(self.world, rng, counts, slot_start, SLOT_MS, congestion_factor(curve))
        self._slots[slot] = plan
        if len(self._slots) > _CACHED_SLOTS:
            self._slots.popitem(last=False)
        return plan

    def window(self, start_ms: int, end_ms: int) -> EventBatch:
        """All events with start_ms <= event time < end_ms, ordered by time."""
        if end_ms <= start_ms:
            raise ValueError("window end must be after its start")
        first_slot = (start_ms - MAX_SESSION_MS) // SLOT_MS
        last_slot = (end_ms - 1) // SLOT_MS
        # Only sessions still running at the window start can reach it: filter per slot
        # before concatenating, so the look-back costs little.
        plans = []
        # One traffic-curve call for every slot not cached yet, not one per slot.
        missing = [slot for slot in range(first_slot, last_slot + 1) if slot not in self._slots]
        curves = dict(zip(missing, local_curve(
            self.world.timezones, np.asarray(missing, dtype=np.int64) * SLOT_MS
        ), strict=True)) if missing else {}  # fmt: skip
        for slot in range(first_slot, last_slot + 1):
            p = self.slot_plan(slot, curves.get(slot))
            reach = p.latest_end_ms >= start_ms
            plans.append(p if reach.all() else p.take(reach))
        plan = SessionPlan.concat(plans)
        runtime = self.world.title_runtime[plan.title]
        return expand(plan, runtime, start_ms, end_ms)


def events_per_day_for_total(world: World, total_events: int, start_ms: int, end_ms: int) -> float:
    """The daily volume that makes `total_events` the expected count in [start_ms, end_ms)."""
    slots = np.arange(start_ms // SLOT_MS, -(-end_ms // SLOT_MS), dtype=np.int64) * SLOT_MS
    curve = local_curve(world.timezones, slots)
    weight = (curve * world.timezone_activity).sum(axis=1)
    # Slots cut by the range edges count by the part inside it.
    inside = (np.minimum(slots + SLOT_MS, end_ms) - np.maximum(slots, start_ms)) / SLOT_MS
    days = float((weight * inside).sum()) * SLOT_MS / DAY_MS
    return total_events / days


# Rows per generation step (and Parquet row group): keeps memory flat however large an hour.
MAX_ROWS_PER_STEP = 200_000
PEAK_TO_MEAN = 2.5  # busiest hour relative to the daily mean hour (see traffic.DIURNAL)
_STEP_DIVISORS = (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120, 240)


def hour_steps(config: GeneratorConfig, hour_ms: int, lo: int, hi: int) -> list[tuple[int, int]]:
    """The part [lo, hi) of the hour starting at hour_ms, cut into equal steps of at most
    about MAX_ROWS_PER_STEP events. The cut depends only on the configuration, so every
    reader of an hour (backfill, reconcile) generates it in the same pieces."""
    wanted = math.ceil(config.events_per_day / 24 * PEAK_TO_MEAN / MAX_ROWS_PER_STEP)
    steps = next(d for d in _STEP_DIVISORS if d >= wanted)
    step_ms = HOUR_MS // steps
    bounds = [
        (max(lo, hour_ms + i * step_ms), min(hi, hour_ms + (i + 1) * step_ms)) for i in range(steps)
    ]
    return [(a, b) for a, b in bounds if a < b]
