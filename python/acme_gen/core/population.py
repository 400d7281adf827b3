"""Where the customers live and how much they watch, without a row per customer.

A world of any size (tens of millions of customers at load-test rates) is laid out in
positions: cells of (time zone, city, activity tier) in that order, each a run of
positions sized by the city's weight and the tier's share. A session picks its customer by
arithmetic on the cells (a time zone, then a cell by its share of the zone's viewing, then a
position), and a keyed permutation turns positions into customer ids. Every other attribute
of a customer is hashed from the id (see `acme_gen.core.world`), so nothing is materialised
per customer and any customer is a pure function of (seed, world size, id).

Engagement is heavy-tailed: a minority of households watches most hours. Activity follows
a Gamma(0.8) law with mean 1 (over 40% of viewing from the most active fifth), held as
tiers of equal activity: the share of customers in each tier and its mean activity.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from acme_gen.core import geo
from acme_gen.core.arrays import F64, I32, I64
from acme_gen.core.permutation import Permutation

ACTIVITY_SHAPE = 0.8
# Population share of each activity tier, lightest first; finer at the heavy end, where
# most of the viewing is.
TIER_SHARES = (0.20, 0.20, 0.15, 0.15, 0.10, 0.08, 0.05, 0.03, 0.02, 0.01, 0.005, 0.004, 0.001)
_TIER_SAMPLE = 1_000_000


def _tier_activity() -> F64:
    """Mean activity within each tier's quantile band of the Gamma law (a fixed sample)."""
    rng = np.random.default_rng(0x71E5)
    sample = np.sort(rng.gamma(ACTIVITY_SHAPE, 1 / ACTIVITY_SHAPE, _TIER_SAMPLE))
    edges = np.round(np.cumsum((0.0, *TIER_SHARES)) * _TIER_SAMPLE).astype(np.int64)
    means = np.array([sample[a:b].mean() for a, b in itertools.pairwise(edges)])
    return np.asarray(means / (means * np.asarray(TIER_SHARES)).sum(), dtype=np.float64)


TIER_ACTIVITY = _tier_activity()


def apportion(total: int, weights: F64) -> I64:
    """`total` split in proportion to `weights` in whole numbers (largest remainders, ties to
    the first), summing exactly to `total`."""
    exact = total * weights / weights.sum()
    whole = np.floor(exact).astype(np.int64)
    short = total - int(whole.sum())
    order = np.argsort(-(exact - whole), kind="stable")
    whole[order[:short]] += 1
    return np.asarray(whole, np.int64)


@dataclass(frozen=True, eq=False)
class Population:
    n_customers: int
    timezones: tuple[str, ...]  # the time zones that have customers
    timezone_activity: F64  # each zone's share of all viewing
    cell_start: I64  # first position of each cell
    cell_size: I64
    cell_city: I32  # index into geo.CITIES
    cell_tier: I32
    cell_cumulative: F64  # zone g's cells span [g, g + 1), by their share of its viewing
    permutation: Permutation

    def sample(self, zone: I64, u_cell: F64, u_position: F64) -> tuple[I32, I32]:
        """Customers of the given time zones, each with chance proportional to its activity
        (u_cell and u_position uniform in (0, 1)), and their cities."""
        cell = np.searchsorted(self.cell_cumulative, zone + u_cell)
        cell = np.minimum(cell, len(self.cell_start) - 1)
        position = self.cell_start[cell] + (u_position * self.cell_size[cell]).astype(np.int64)
        return self.permutation.forward(position).astype(np.int32), self.cell_city[cell]

    def cell_of(self, customer: I32) -> I64:
        position = self.permutation.inverse(customer.astype(np.int64))
        return np.searchsorted(self.cell_start, position, side="right") - 1

    def city(self, customer: I32) -> I32:
        return self.cell_city[self.cell_of(customer)]

    def activity(self, customer: I32) -> F64:
        return np.asarray(TIER_ACTIVITY[self.cell_tier[self.cell_of(customer)]], np.float64)


def _city_weight() -> F64:
    """Each city's share of all customers: its population's share of its country's, times
    the country's share."""
    countries = list(geo.COUNTRY_WEIGHTS)
    country = np.array([countries.index(c.country) for c in geo.CITIES])
    population = np.array([c.weight for c in geo.CITIES])
    total = np.bincount(country, weights=population, minlength=len(countries))
    share = np.array([geo.COUNTRY_WEIGHTS[c] for c in countries])
    return np.asarray(population / total[country] * share[country], np.float64)


def lay_out(n_customers: int, key: int) -> Population:
    """Cells for `n_customers`: tiers by their shares, and each tier's customers over the
    cities by their weight within their country's weight (so the tiers hold in any world,
    small ones too), ordered by time zone so that a zone is a run of cells."""
    city_weight = _city_weight()
    per_tier = apportion(n_customers, np.asarray(TIER_SHARES))
    per_cell = np.stack([apportion(int(n), city_weight) for n in per_tier], axis=1)
    per_city = per_cell.sum(axis=1)  # per_cell: (cities, tiers)
    city_tz = [c.timezone for c in geo.CITIES]
    timezones = tuple(sorted({city_tz[i] for i in np.flatnonzero(per_city)}))
    zone_of = {tz: g for g, tz in enumerate(timezones)}
    city_zone = np.array([zone_of.get(tz, -1) for tz in city_tz], np.int64)
    city, tier = np.nonzero(per_cell)
    order = np.lexsort((tier, city, city_zone[city]))  # by zone, then city, then tier
    zone = city_zone[city[order]]
    cell_city = city[order].astype(np.int32)
    cell_tier = tier[order].astype(np.int32)
    cell_size = per_cell[cell_city, cell_tier].astype(np.int64)
    weight = cell_size * TIER_ACTIVITY[cell_tier]
    zone_total = np.bincount(zone, weights=weight, minlength=len(timezones))
    within = np.cumsum(weight) - np.repeat(
        np.concatenate([[0.0], np.cumsum(zone_total)[:-1]]), np.bincount(zone)
    )
    cumulative = zone + within / zone_total[zone]
    # Close each zone at exactly g + 1 so rounding can never spill a draw into the next.
    last = np.flatnonzero(np.diff(np.append(zone, -1)) != 0)
    cumulative[last] = zone[last] + 1.0
    return Population(
        n_customers=n_customers,
        timezones=timezones,
        timezone_activity=np.asarray(zone_total / zone_total.sum(), np.float64),
        cell_start=np.concatenate([[0], np.cumsum(cell_size)[:-1]]).astype(np.int64),
        cell_size=cell_size,
        cell_city=cell_city,
        cell_tier=cell_tier,
        cell_cumulative=cumulative,
        permutation=Permutation(n_customers, key),
    )
