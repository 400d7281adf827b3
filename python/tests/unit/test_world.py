"""The world drawn on demand: a keyed permutation, the population's cells, and customers and
devices hashed from their ids (pure functions of seed, size and id, with no per-customer
table)."""

from __future__ import annotations

import numpy as np
import pytest

from acme_gen.config import GeneratorConfig
from acme_gen.core import geo
from acme_gen.core.permutation import Permutation
from acme_gen.core.population import TIER_ACTIVITY, TIER_SHARES, apportion, lay_out
from acme_gen.core.world import MAX_DEVICES, build_world
from acme_gen.models import PLAN_STREAMS


@pytest.mark.parametrize("n", [1, 2, 3, 17, 1000, 65_537])
def test_permutation_is_a_bijection_both_ways(n: int) -> None:
    perm = Permutation(n, key=42)
    x = np.arange(n, dtype=np.int64)
    image = perm.forward(x)
    assert np.array_equal(np.sort(image), x)
    assert np.array_equal(perm.inverse(image), x)


def test_permutation_scatters_and_depends_on_the_key() -> None:
    x = np.arange(10_000, dtype=np.int64)
    a, b = Permutation(10_000, key=1).forward(x), Permutation(10_000, key=2).forward(x)
    assert not np.array_equal(a, b)
    # Neighbouring positions land far apart: ids carry no trace of the layout.
    assert np.median(np.abs(np.diff(a))) > 1000


def test_apportion_sums_exactly_and_follows_the_weights() -> None:
    weights = np.array([0.5, 0.3, 0.2])
    assert apportion(10, weights).tolist() == [5, 3, 2]
    assert apportion(1, weights).tolist() == [1, 0, 0]
    split = apportion(1_000_003, np.arange(1.0, 101.0))
    assert split.sum() == 1_000_003
    assert np.abs(split - 1_000_003 * np.arange(1.0, 101.0) / 5050).max() < 1


def test_tier_activity_is_heavy_tailed_with_mean_one() -> None:
    shares = np.asarray(TIER_SHARES)
    assert np.isclose((shares * TIER_ACTIVITY).sum(), 1.0)
    assert (np.diff(TIER_ACTIVITY) > 0).all()
    # The most active fifth of households watches over 40% of the hours (Gamma(0.8)).
    top = np.cumsum(shares[::-1]) <= 0.2 + 1e-9
    assert (shares[::-1][top] * TIER_ACTIVITY[::-1][top]).sum() > 0.4


def test_population_sampling_follows_time_zone_city_and_activity() -> None:
    population = lay_out(200_000, key=7)
    assert population.cell_size.sum() == 200_000
    n = 400_000
    rng = np.random.default_rng(0)
    zone = rng.integers(0, len(population.timezones), n)
    customer, city = population.sample(zone, rng.random(n), rng.random(n))
    assert np.array_equal(city, population.city(customer))
    assert customer.min() >= 0 and customer.max() < 200_000
    city_tz = np.array([geo.CITIES[c].timezone for c in population.city(customer)])
    assert (city_tz == np.array(population.timezones)[zone]).all()
    # Sessions per customer follow activity: the heaviest tier sees many times the lightest.
    tier = population.cell_tier[population.cell_of(customer)]
    per_customer = np.bincount(tier, minlength=len(TIER_SHARES)) / np.bincount(
        population.cell_tier, weights=population.cell_size, minlength=len(TIER_SHARES)
    )
    assert per_customer[-1] > 5 * per_customer[0]


def test_small_worlds_keep_the_tiers() -> None:
    population = lay_out(1000, key=1)
    per_tier = np.bincount(population.cell_tier, weights=population.cell_size)
    assert per_tier.tolist() == apportion(1000, np.asarray(TIER_SHARES)).tolist()


def test_a_customer_is_a_pure_function_of_seed_size_and_id() -> None:
    world = build_world(GeneratorConfig(customers=50_000, seed=3))
    ids = np.array([0, 17, 49_999], dtype=np.int32)
    again = build_world(GeneratorConfig(customers=50_000, seed=3)).customers(ids[::-1])
    first = world.customers(ids)
    for name in ("city", "isp", "carrier", "plan", "device_count", "bandwidth"):
        assert np.array_equal(getattr(first, name), getattr(again, name)[::-1]), name
    other_seed = build_world(GeneratorConfig(customers=50_000, seed=4)).customers(ids)
    assert not np.array_equal(first.bandwidth, other_seed.bandwidth)


def test_customers_attributes_agree_with_each_other() -> None:
    world = build_world(GeneratorConfig(customers=100_000))
    ids = np.arange(100_000, dtype=np.int32)
    people = world.customers(ids)
    isp_country = np.array([i.country for i in geo.ISPS])[people.isp]
    city_country = np.array([c.country for c in geo.CITIES])[people.city]
    assert (isp_country == city_country).all()
    carrier_country = np.array([c.country for c in geo.CARRIERS])[people.carrier - len(geo.ISPS)]
    assert (carrier_country == city_country).all()
    assert np.bincount(people.device_count, minlength=5)[0] == 0
    assert people.device_count.max() == MAX_DEVICES
    assert set(np.unique(people.plan).tolist()) == set(range(len(PLAN_STREAMS)))


def test_devices_are_hashed_per_device_and_ids_are_unique() -> None:
    world = build_world(GeneratorConfig(customers=20_000))
    devices = world.owned_devices(np.arange(20_000, dtype=np.int32))
    assert (devices // MAX_DEVICES < 20_000).all()
    text = world.device_id_text(devices)
    assert len(np.unique(text.view("S36"))) == len(devices)
    assert np.array_equal(world.device_type(devices[::-1]), world.device_type(devices)[::-1])
    shares = np.bincount(world.device_type(devices), minlength=4) / len(devices)
    assert (shares > 0.1).all()


def test_id_text() -> None:
    world = build_world(GeneratorConfig(customers=1_234_567))
    text = world.customer_id_text(np.array([0, 1_234_566], dtype=np.int32))
    assert [bytes(r).decode() for r in text] == ["CUST-0000001", "CUST-1234567"]


def test_a_large_world_is_set_up_without_a_row_per_customer() -> None:
    world = build_world(GeneratorConfig(customers=50_000_000))
    # A cell per (city, activity tier) at most, however many customers.
    assert len(world.population.cell_start) <= len(geo.CITIES) * len(TIER_SHARES)
    assert world.population.cell_start.nbytes < world.n_customers // 10
    sample = world.customers(np.array([0, 49_999_999], dtype=np.int32))
    assert len(sample.city) == 2


def test_throughput_follows_the_network_country_and_generation() -> None:
    """Starlink (low orbit) streams far faster than a geostationary link and DSL, slower
    than fibre; fixed lines keep fibre > cable > DSL; 5G beats 4G most where it is built
    out (India, Korea), and 4G is slower in India than in Korea."""
    from acme_gen.core.world import CELLULAR_FACTOR, CONNECTION_TYPES, MEDIAN_BY_CONNECTION

    median = dict(zip(CONNECTION_TYPES, MEDIAN_BY_CONNECTION.tolist(), strict=True))
    assert median["fiber"] > median["satellite"] > median["cable"] / 2 > median["dsl"]
    assert median["fiber"] > median["cable"] > median["dsl"]
    countries = list(geo.COUNTRY_WEIGHTS)
    india, korea, uk = (CELLULAR_FACTOR[countries.index(c)] for c in ("IN", "KR", "GB"))
    assert india[1] / india[0] > uk[1] / uk[0] and korea[0] > india[0]
