"""The generator: events of any time window as a pure function of (config, window).

    gen = TelemetryGenerator(GeneratorConfig(seed=7))
    batch = gen.window(start_ms, end_ms)

Sessions are seeded by their start hour (slot), drawn at 5-minute steps within it; a window's
events are those of every session that started in the window or up to MAX_SESSION_MS before
it and has an event in it.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from acme_gen.config import GeneratorConfig
from acme_gen.core.arrays import I8, I32, I64, U64, B
from acme_gen.core.calibration import events_per_draw, mean_event_delay_ms
from acme_gen.core.events import EventBatch, expand
from acme_gen.core.incidents import apply_incidents
from acme_gen.core.occupancy import playable
from acme_gen.core.sessions import MAX_SESSION_MS, SessionPlan, draw_sessions
from acme_gen.core.sizing import check_world_size
from acme_gen.core.traffic import (
    DAY_MS,
    SLOT_MS,
    START_STEP_MS,
    STEPS_PER_SLOT,
    congestion_factor,
    traffic_curve,
)
from acme_gen.core.world import World, build_world
from acme_gen.time_labels import HOUR_MS

_SLOT_STREAM = 0x510751
# One window's look-back (MAX_SESSION_MS) plus an hour of slots: consecutive windows of a
# forward-moving reader (backfill steps, stream ticks) reuse them; more would only hold memory.
_CACHED_SLOTS = MAX_SESSION_MS // SLOT_MS + 1 + HOUR_MS // SLOT_MS
# A draw is decided against the draws that can still run when it starts: those of the slots
# up to MAX_SESSION_MS before its own. Their occupancy is kept for that look-back and more.
_DECIDING_SLOTS = MAX_SESSION_MS // SLOT_MS + 1
_CACHED_OCCUPANTS = 2 * _DECIDING_SLOTS + HOUR_MS // SLOT_MS
_DRAWN_TOGETHER = 100_000  # sittings per draw_sessions call: bounds a busy hour's temporaries


class TelemetryGenerator:
    def __init__(self, config: GeneratorConfig, world: World | None = None) -> None:
        check_world_size(config)  # never impossible viewing: too few customers is refused
        self.config = config
        self.world = world if world is not None else build_world(config)
        self.mean_events_per_session = self._calibrate_events_per_session()
        self.sessions_per_day = config.events_per_day / self.mean_events_per_session
        self._slots: OrderedDict[int, _CachedSlot] = OrderedDict()
        self._occupants: OrderedDict[int, _CachedOccupant] = OrderedDict()

    def _calibrate_events_per_session(self) -> float:
        """Events per drawn session, physics' refusals counted (calibration.events_per_draw),
        so that events_per_day means events."""
        return events_per_draw(self.config)

    def curve(self, utc_ms: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """Relative viewing intensity per (instant, time zone): the local-time curve, or 1
        everywhere for a flat traffic shape (a constant rate, for load tests)."""
        return traffic_curve(self.config, self.world, utc_ms)

    def expected_sessions(self, step_starts_ms: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        """Mean session starts per (5-minute start step beginning at each instant, time zone)."""
        curve = self.curve(step_starts_ms)
        return self._step_rate * self.world.timezone_activity * curve

    @property
    def _step_rate(self) -> float:
        return self.sessions_per_day * (START_STEP_MS / DAY_MS)

    def draw_slot(self, slot: int, curve: npt.NDArray[np.float64] | None = None) -> SessionPlan:
        """The sessions starting in `slot` (uncached), step by 5-minute step; `curve` is the
        slot's local_curve rows (steps, zones) when the caller computed many slots' at once
        (elementwise arithmetic: same values)."""
        steps = slot * SLOT_MS + np.arange(STEPS_PER_SLOT, dtype=np.int64) * START_STEP_MS
        rng = np.random.default_rng([self.config.seed, _SLOT_STREAM, slot])
        if curve is None:
            curve = self.curve(steps)
        lam = self._step_rate * self.world.timezone_activity * curve
        counts = rng.poisson(lam).astype(np.int64)
        congestion = congestion_factor(curve)
        # Runs of whole steps of at most about _DRAWN_TOGETHER draws each, in order from one
        # stream: the cut depends only on the counts, so the sessions do not depend on who
        # draws them, and a busy hour's temporaries stay bounded.
        group = np.cumsum(counts.sum(axis=1)) // _DRAWN_TOGETHER
        plans = [
            draw_sessions(self.world, rng, counts[at], steps[at], START_STEP_MS, congestion[at])
            for at in (group == g for g in np.unique(group))
        ]
        plan = plans[0] if len(plans) == 1 else SessionPlan.concat(plans)
        if self.config.incidents:
            plan = apply_incidents(
                self.world, self.config.seed, self.config.incidents, slot, plan, lam.sum(axis=1)
            )
        return plan

    def slot_curves(self, slots: list[int]) -> dict[int, npt.NDArray[np.float64]]:
        """local_curve rows (steps, zones) for many slots in one call (not one per slot)."""
        if not slots:
            return {}
        starts = np.asarray(slots, dtype=np.int64)[:, None] * SLOT_MS
        steps = (starts + np.arange(STEPS_PER_SLOT, dtype=np.int64) * START_STEP_MS).ravel()
        curves = self.curve(steps).reshape(len(slots), STEPS_PER_SLOT, -1)
        return dict(zip(slots, curves, strict=True))

    def window(self, start_ms: int, end_ms: int) -> EventBatch:
        """All events with start_ms <= event time < end_ms, ordered by time."""
        if end_ms <= start_ms:
            raise ValueError("window end must be after its start")
        first_slot = (start_ms - MAX_SESSION_MS) // SLOT_MS
        last_slot = (end_ms - 1) // SLOT_MS
        cached = {s: self._usable(s, start_ms) for s in range(first_slot, last_slot + 1)}
        drawn = self.playable_slots([s for s, plan in cached.items() if plan is None])
        plans = []
        for slot, plan in cached.items():
            # Only sessions still running at the window start can reach it. The cache keeps
            # just those, so a later window (start at or after this one) filters less and
            # memory follows the running sessions, not the look-back.
            if plan is None:
                plan = drawn[slot]
            reach = plan.end_ms >= start_ms
            if not reach.all():
                plan = plan.take(reach)
            self._slots[slot] = _CachedSlot(plan, start_ms)
            self._slots.move_to_end(slot)
            plans.append(plan)
        while len(self._slots) > _CACHED_SLOTS:
            self._slots.popitem(last=False)
        plan = SessionPlan.concat(plans)
        runtime = self.world.title_runtime[plan.title]
        return expand(plan, runtime, start_ms, end_ms)

    def playable_slots(self, slots: list[int]) -> dict[int, SessionPlan]:
        """The sessions of each slot that play: its draws, less those physics forbids
        (acme_gen.core.occupancy), decided against the draws of the look-back before them."""
        if not slots:
            return {}
        curves = self.slot_curves(slots)
        drawn = {s: self.draw_slot(s, curves[s]) for s in slots}
        # Earlier draws matter only while still running: those that ended before the first
        # decided start cannot block anything decided here or later, so the context (and
        # its cache) holds just the draws running then.
        since_ms = min(slots) * SLOT_MS
        context = [s for s in range(min(slots) - _DECIDING_SLOTS, max(slots)) if s not in drawn]
        missing = [s for s in context if self._running(s, since_ms) is None]
        curves = self.slot_curves(missing)
        for slot in missing:  # kept pruned at once: a busy hour's draws are millions
            occupant = _Occupant.of(self.draw_slot(slot, curves[slot]))
            self._remember(slot, occupant.take(occupant.end_ms > since_ms), since_ms)
        for slot, plan in drawn.items():
            self._remember(slot, _Occupant.of(plan), -(2**62))
        earlier = [o for o in (self._running(s, since_ms) for s in context) if o is not None]
        decided = [_Occupant.of(p) for p in drawn.values()]
        n_earlier = sum(len(o) for o in earlier)
        decide = np.arange(n_earlier + sum(len(o) for o in decided)) >= n_earlier
        plays = playable(*_Occupant.concat(earlier + decided), decide=decide)[n_earlier:]
        out, offset = {}, 0
        for slot, plan in drawn.items():
            out[slot] = plan.take(plays[offset : offset + len(plan)])
            offset += len(plan)
        while len(self._occupants) > _CACHED_OCCUPANTS:
            self._occupants.popitem(last=False)
        return out

    def _running(self, slot: int, since_ms: int) -> _Occupant | None:
        """The cached draws of `slot` still running at since_ms, if the cache holds them all
        (it was pruned at or before since_ms); pruned to them and kept so."""
        cached = self._occupants.get(slot)
        if cached is None or cached.pruned_at_ms > since_ms:
            return None
        occupant = cached.occupant
        running = occupant.end_ms > since_ms
        if not running.all():
            occupant = occupant.take(running)
            self._remember(slot, occupant, since_ms)
        return occupant

    def _remember(self, slot: int, occupant: _Occupant, pruned_at_ms: int) -> None:
        self._occupants[slot] = _CachedOccupant(occupant, pruned_at_ms)
        self._occupants.move_to_end(slot)

    def _usable(self, slot: int, start_ms: int) -> SessionPlan | None:
        """The cached plan of `slot` if it still holds every session that can reach start_ms
        (it was pruned for a window starting no later); otherwise None."""
        cached = self._slots.get(slot)
        if cached is None or cached.pruned_before_ms > start_ms:
            return None
        return cached.plan


@dataclass(frozen=True)
class _Occupant:
    """What occupancy needs of a slot's draws: who, on which device, when, and the limit."""

    customer: I32
    device: I32
    start_ms: I64
    end_ms: I64
    key: U64
    limit: I8
    sitting: U64
    part: I8
    sitting_start_ms: I64

    def __len__(self) -> int:
        return len(self.key)

    def take(self, index: B) -> _Occupant:
        return _Occupant(*(getattr(self, f.name)[index] for f in fields(self)))

    @staticmethod
    def of(plan: SessionPlan) -> _Occupant:
        return _Occupant(plan.customer, plan.device, plan.start_ms, plan.end_ms, plan.key,
                         plan.stream_limit, plan.sitting, plan.part,
                         plan.sitting_start_ms)  # fmt: skip

    @staticmethod
    def concat(parts: list[_Occupant]) -> tuple[I32, I32, I64, I64, U64, I8, U64, I8, I64]:
        columns = zip(*(tuple(getattr(p, f.name) for f in fields(p)) for p in parts), strict=True)
        return tuple(np.concatenate(list(c)) for c in columns)  # type: ignore[return-value]


@dataclass(frozen=True)
class _CachedOccupant:
    occupant: _Occupant  # the slot's draws with end_ms > pruned_at_ms
    pruned_at_ms: int


@dataclass(frozen=True)
class _CachedSlot:
    plan: SessionPlan  # the slot's sessions with end_ms >= pruned_before_ms
    pruned_before_ms: int


def events_per_day_for_total(
    config: GeneratorConfig, world: World, total_events: int, start_ms: int, end_ms: int
) -> float:
    """The daily volume that makes `total_events` the expected count in [start_ms, end_ms).
    Events come a while after their sitting's draw (a sitting runs for hours), so the range's
    events are those of the draws about that delay earlier: the curve is read there."""
    delay = round(mean_event_delay_ms(config))
    start_ms, end_ms = start_ms - delay, end_ms - delay
    step = START_STEP_MS
    steps = np.arange(start_ms // step, -(-end_ms // step), dtype=np.int64) * step
    curve = traffic_curve(config, world, steps)
    weight = (curve * world.timezone_activity).sum(axis=1)
    # Steps cut by the range edges count by the part inside it.
    inside = (np.minimum(steps + step, end_ms) - np.maximum(steps, start_ms)) / step
    days = float((weight * inside).sum()) * step / DAY_MS
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
