"""What the generator measures once about its own model, so that the volume flags mean what
they say: how many events a drawn session yields, after physics (acme_gen.core.occupancy)
refuses the draws that would overlap on a device or exceed a plan's stream limit.

The refused share depends on each customer's own rate, so it is measured by simulating a
reference week of a smaller world with the same per-customer rates (the rules act within a
customer, so a sample of customers gives the same share), at the draw rate whose kept
events are the configuration's volume: found by a fixed-point step, then secant steps.
"""

from __future__ import annotations

import functools

import numpy as np

from acme_gen.config import GeneratorConfig, TrafficShape
from acme_gen.core.occupancy import playable
from acme_gen.core.sessions import MAX_SESSION_MS, SessionPlan, draw_sessions, events_per_session
from acme_gen.core.traffic import DAY_MS, congestion_factor, traffic_curve
from acme_gen.core.world import World, build_world
from acme_gen.scenario import FaultRates
from acme_gen.time_labels import HOUR_MS

_CALIBRATION_STREAM = 0xCA1
_OCCUPANCY_STREAM = 0x0CC
_CALIBRATION_SESSIONS = 160_000  # 40,000 left a 2% volume error on a 300-title catalogue
_CALIBRATION_DAY_MS = 1_767_830_400_000  # 2026-01-08, a Thursday: behaviour follows local time
_CALIBRATION_WEEK_MS = 1_767_571_200_000  # 2026-01-05, a Monday: a week has weekend peaks
_SAMPLE_CUSTOMERS = 6_000  # the tiers hold exactly in any sample (population.lay_out)
_ROUNDS = 4  # evaluations after the first: the secant converges in two or three
_TOLERANCE = 0.002
_MOST_DRAWS = 20  # draws per kept event's worth, at most


def calibration_sample(config: GeneratorConfig) -> SessionPlan:
    """A fixed sample of sessions spread over a reference day as the traffic curve spreads
    them (behaviour follows the local time of day). It depends only on the world and the
    curve, so it is drawn once per process for each (read only: it is shared)."""
    return _calibration_sample(config.seed, config.customers, config.titles, config.traffic_shape)


@functools.lru_cache(maxsize=4)
def _calibration_sample(seed: int, customers: int, titles: int, shape: TrafficShape) -> SessionPlan:
    config = GeneratorConfig(seed=seed, customers=customers, titles=titles, traffic_shape=shape)
    world = build_world(config)
    rng = np.random.default_rng([config.seed, _CALIBRATION_STREAM])
    hours = _CALIBRATION_DAY_MS + np.arange(24, dtype=np.int64) * HOUR_MS
    curve = traffic_curve(config, world, hours)
    weight = world.timezone_activity * curve
    counts = np.round(weight / weight.sum() * _CALIBRATION_SESSIONS).astype(np.int64)
    sample = draw_sessions(world, rng, counts, hours, HOUR_MS, congestion_factor(curve))
    for column in vars(sample).values():
        column.flags.writeable = False  # shared by every caller in the process
    return sample


def events_per_draw(config: GeneratorConfig) -> float:
    """Mean events per drawn session, counting a refused draw as none. Faults and incidents
    act after the draws, so configurations that differ only in them share one measurement
    (measured once per process)."""
    return _events_per_draw(config.replaced(faults=FaultRates(), incidents=()))


@functools.lru_cache(maxsize=16)
def _events_per_draw(config: GeneratorConfig) -> float:
    world = build_world(config)
    per_draw = events_per_drawn_sitting(calibration_sample(config))
    # Find the draw rate x whose kept events x * kept_per_draw(x) are the volume: a
    # fixed-point step first, then secant steps (refusals saturate, so plain fixed-point
    # steps converge slowly where many draws are refused).
    target = config.events_per_day
    x = [target / per_draw]
    kept = [x[0] * _kept_per_draw(config, world, x[0])]
    x.append(x[0] * target / kept[0])
    for _ in range(_ROUNDS):
        kept.append(x[-1] * _kept_per_draw(config, world, x[-1]))
        if abs(kept[-1] / target - 1) < _TOLERANCE or kept[-1] == kept[-2]:
            break
        slope = (kept[-1] - kept[-2]) / (x[-1] - x[-2])
        # Bounded: a world checked by sizing.check_world_size never needs more draws.
        x.append(min(max(x[-1] + (target - kept[-1]) / slope, x[0]), _MOST_DRAWS * x[0]))
    return target / x[-1]


def mean_event_delay_ms(config: GeneratorConfig) -> float:
    """How long after its sitting's draw an event comes, on average (measured once)."""
    return _mean_event_delay_ms(config.replaced(faults=FaultRates(), incidents=()))


@functools.lru_cache(maxsize=16)
def _mean_event_delay_ms(config: GeneratorConfig) -> float:
    sample = calibration_sample(config)
    events = events_per_session(sample)
    # A session's events spread over its span: on average about its middle.
    middle = (sample.start_ms - sample.sitting_start_ms) + (sample.end_ms - sample.start_ms) / 2
    return float(np.dot(events, middle) / max(int(events.sum()), 1))


def events_per_drawn_sitting(plan: SessionPlan) -> float:
    """Events per drawn session with the parts of the sittings it starts."""
    drawn = max(int((plan.part == 0).sum()), 1)
    return float(events_per_session(plan).sum()) / drawn


def _kept_per_draw(config: GeneratorConfig, world: World, draws_per_day: float) -> float:
    """Events kept per drawn session (its sitting's parts counted, a refused draw as none)
    over a reference week of a sample world with the configuration's per-customer rates."""
    customers = min(config.customers, _SAMPLE_CUSTOMERS)
    sample = (
        world
        if customers == config.customers
        else build_world(config.replaced(customers=customers))
    )
    rate = draws_per_day * customers / config.customers
    rng = np.random.default_rng([config.seed, _OCCUPANCY_STREAM])
    look_back = -(-MAX_SESSION_MS // HOUR_MS)
    hours = _CALIBRATION_WEEK_MS + np.arange(-look_back, 7 * 24, dtype=np.int64) * HOUR_MS
    curve = traffic_curve(config, sample, hours)
    counts = rng.poisson(rate * HOUR_MS / DAY_MS * sample.timezone_activity * curve)
    drawn = draw_sessions(sample, rng, counts.astype(np.int64), hours, HOUR_MS,
                          congestion_factor(curve))  # fmt: skip
    decide = drawn.sitting_start_ms >= _CALIBRATION_WEEK_MS
    plays = playable(drawn.customer, drawn.device, drawn.start_ms, drawn.end_ms, drawn.key,
                     drawn.stream_limit, drawn.sitting, drawn.part, drawn.sitting_start_ms,
                     decide)  # fmt: skip
    decided = int((decide & (drawn.part == 0)).sum())
    if decided == 0:
        return events_per_drawn_sitting(drawn) if len(drawn) else 2.0
    return float(events_per_session(drawn.take(plays)).sum()) / decided
