"""How many customers a volume of events implies. Events are sparse (a session sends a
handful), so the number of customers, not their appetite, must carry the volume: a world
sized so that an active subscriber watches about two hours a day, as streaming services
report (Netflix's engagement reports and shareholder letters put average viewing near two
hours per member per day), with the long tail that the customers' heavy-tailed activity
gives. A world too small for the volume would need impossible viewing; it is refused.

The figures per session (events, hours watched) are measured once on the calibration sample
of a reference world of the same seed and catalogue, so the size is a pure function of the
configuration.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from acme_gen.config import GeneratorConfig
from acme_gen.core.calibration import calibration_sample, events_per_drawn_sitting
from acme_gen.core.population import TIER_ACTIVITY, TIER_SHARES
from acme_gen.core.sessions import PLAYED

HOURS_PER_ACTIVE_DAY = 2.0  # the target for an average active subscriber-day
# The most a world's customers can watch on average per day: beyond it the volume would need
# households streaming most of their waking hours.
MAX_HOURS_PER_CUSTOMER_DAY = 6.0
REFERENCE_CUSTOMERS = 10_000
ROUND_TO = 100  # sizes are round numbers, stable against the last float bit


class WorldTooSmall(ValueError):
    """--customers cannot carry the volume asked for; the message names the minimum."""


def per_session(config: GeneratorConfig) -> tuple[float, float]:
    """(events, hours watched) per drawn session, its sitting counted, in a reference world of the
    configuration's seed and catalogue (measured once per process)."""
    return _per_session(config.seed, config.titles, config.traffic_shape)


@functools.lru_cache(maxsize=16)
def _per_session(seed: int, titles: int, traffic_shape: str) -> tuple[float, float]:
    reference = GeneratorConfig(
        seed=seed, titles=titles, traffic_shape=traffic_shape, customers=REFERENCE_CUSTOMERS
    )
    sample = calibration_sample(reference)
    watched = np.where(sample.outcome == PLAYED, sample.watch_total, 0)
    drawn = max(int((sample.part == 0).sum()), 1)  # per drawn session, its sitting's parts too
    return events_per_drawn_sitting(sample), float(watched.sum()) / drawn / 3600


def hours_per_active_day(customers: int, sessions_per_day: float, hours_per_session: float
                         ) -> float:  # fmt: skip
    """Mean hours watched per customer who watches at all that day, in a world of
    `customers` in the population's activity tiers (Poisson sessions per day)."""
    rate = sessions_per_day * TIER_ACTIVITY / customers  # tier activity has mean 1
    active = customers * float(np.dot(TIER_SHARES, -np.expm1(-rate)))
    return sessions_per_day * hours_per_session / active


def sized_customers(config: GeneratorConfig) -> int:
    """The customers that give config.events_per_day at HOURS_PER_ACTIVE_DAY."""
    events, hours = per_session(config)
    sessions = config.events_per_day / events
    lo, hi = 1.0, max(2.0, sessions * 10)
    for _ in range(60):  # bisection: hours per active day falls as the world grows
        mid = math.sqrt(lo * hi)
        if hours_per_active_day(round(mid), sessions, hours) > HOURS_PER_ACTIVE_DAY:
            lo = mid
        else:
            hi = mid
    return max(ROUND_TO, round(hi / ROUND_TO) * ROUND_TO)


def minimum_customers(config: GeneratorConfig) -> int:
    """The fewest customers that can carry config.events_per_day."""
    events, hours = per_session(config)
    return math.ceil(config.events_per_day / events * hours / MAX_HOURS_PER_CUSTOMER_DAY)


def check_world_size(config: GeneratorConfig) -> None:
    """Raise WorldTooSmall when config.customers cannot carry config.events_per_day."""
    needed = minimum_customers(config)
    if config.customers < needed:
        raise WorldTooSmall(
            f"--customers {config.customers:,} is too few for {config.events_per_day:,.0f} "
            f"events a day: they would watch over {MAX_HOURS_PER_CUSTOMER_DAY:g} h a day each "
            f"on average; give at least {needed:,} (or leave --customers out to size the "
            "world to the volume)"
        )


def with_world_size(config: GeneratorConfig, customers_given: bool) -> GeneratorConfig:
    """The configuration with its world sized to its volume, or, where the customers were
    given, checked to be enough (WorldTooSmall otherwise): the one rule for every command
    and the Lambdas."""
    if customers_given:
        check_world_size(config)
        return config
    return config.replaced(customers=sized_customers(config))
