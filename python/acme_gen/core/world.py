"""The stable world the telemetry happens in: customers, their devices, titles, networks.

Customers and devices are never materialised: a customer's attributes (city, ISP, plan,
devices, line speed, home address) are hashed from (seed, world size, id) when a session
needs them, so a world of 50 million customers costs no more to set up than one of ten
thousand (`acme_gen.core.population` lays out where they live and how much they watch).
Device d belongs to customer d // MAX_DEVICES. Titles and networks are small tables built
once. Events refer to entities by index; text is produced only at the edge (Arrow or JSON).
Dimension tables add descriptive columns (names, emails, dates) in `acme_gen.lake.dimensions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from acme_gen.config import GeneratorConfig
from acme_gen.core import geo, platforms, rand, releases
from acme_gen.core.arrays import F64, I8, I32, I64, U64
from acme_gen.core.catalogue import build_catalogue
from acme_gen.core.population import Population, lay_out
from acme_gen.core.text import Bytes2D, prefixed_number_text, uuid4_text
from acme_gen.invariants import check
from acme_gen.models import DEVICE_TYPES, QUALITIES

CONNECTION_TYPES = ("fiber", "cable", "dsl", "satellite", "5g", "4g")
CELLULAR_4G = CONNECTION_TYPES.index("4g")
CELLULAR_5G = CONNECTION_TYPES.index("5g")

# Median throughput (Mbit/s) and log-sd by connection type, loosely after Ookla/Opensignal
# national medians; streaming sees less than the line rate. Satellite is low-orbit
# (Starlink): Ookla's US median was 105 Mbit/s in Q1 2025 (54 in 2022), so a player sees about
# 70-80, above DSL and below fibre; it varies more than a wire (obstructions, cell load).
BANDWIDTH_MEDIAN = {"fiber": 110.0, "cable": 60.0, "dsl": 13.0, "satellite": 80.0, "5g": 45.0,
                    "4g": 12.0}  # fmt: skip
BANDWIDTH_SIGMA = {"fiber": 0.5, "cable": 0.5, "dsl": 0.55, "satellite": 0.7, "5g": 0.65,
                   "4g": 0.7}  # fmt: skip
COUNTRY_BANDWIDTH_FACTOR = {"IN": 0.45, "BR": 0.7, "MX": 0.55, "KR": 1.5, "JP": 1.3}
# Cellular throughput by country and generation (4G, 5G), relative to the medians above,
# after Ookla and Opensignal reports: 5G far ahead of 4G where mid-band 5G is built out (India:
# 5G 150-260 Mbit/s against 4G 13-22 at the Maha Kumbh, Ookla 2025; Brazil: Vivo's 5G nine
# times its overall speed, Opensignal 2025; US: T-Mobile 5G 205 Mbit/s, Opensignal 2024),
# nearer where 5G is mostly low-band or non-standalone (UK: 111 Mbit/s, Ookla H2 2024);
# Korea's and Japan's 4G networks are fast, India's and Mexico's slow.
CELLULAR_COUNTRY_FACTOR = {
    "US": (1.0, 1.5), "CA": (1.1, 1.1), "GB": (0.9, 0.9), "DE": (1.0, 0.9), "FR": (1.1, 1.0),
    "ES": (1.0, 0.9), "BR": (0.8, 1.8), "MX": (0.7, 0.7), "IN": (0.6, 1.6), "JP": (1.2, 1.0),
    "AU": (1.2, 1.2), "KR": (1.5, 2.0),
}  # fmt: skip

PLAN_WEIGHTS = (0.30, 0.45, 0.25)
# The top rung each plan allows (basic, standard, premium), as streaming plans sell them
# (basic 720p and standard 1080p are both HD; premium adds 4K). Below it, the ABR ladder
# picks the rung from the throughput (acme_gen.core.events).
PLAN_QUALITY_CAP = (QUALITIES.index("HD"), QUALITIES.index("HD"), QUALITIES.index("4K"))
DEVICE_TYPE_WEIGHTS = {"mobile": 0.30, "web": 0.17, "tv": 0.38, "tablet": 0.15}
# The share of each device type that can play 4K at all: phones and tablets none, browsers
# few (4K streaming needs a particular browser, OS and HDCP 2.2 display), TVs most (4K sets
# are most of the installed base by 2026). The others top out at HD.
UHD_CAPABLE_SHARE = {"mobile": 0.0, "web": 0.08, "tv": 0.65, "tablet": 0.0}
DEVICE_COUNT_WEIGHTS = (0.35, 0.35, 0.20, 0.10)  # 1..4 devices per customer

MAX_DEVICES = len(DEVICE_COUNT_WEIGHTS)  # device d of customer c is c * MAX_DEVICES + slot

# Hash streams of the per-customer and per-device traits.
_ISP, _CARRIER, _PLAN, _DEVICE_COUNT, _BANDWIDTH = 0xC1, 0xC2, 0xC3, 0xC4, 0xC5
_DEVICE_TYPE, _OS, _UUID_HI, _UUID_LO, _UHD = 0xD1, 0xD2, 0xD4, 0xD5, 0xD6


@dataclass(frozen=True)
class Customers:
    """Attributes of some customers, hashed from their ids on demand."""

    city: I32  # index into geo.CITIES
    isp: I32  # index into network_names (home ISP)
    carrier: I32  # index into network_names (mobile carrier)
    connection: I8  # index into CONNECTION_TYPES (the home line)
    plan: I8  # index into PLANS
    bandwidth: F64  # home throughput median, Mbit/s
    device_count: I32


class _Categorical:
    """Choices from a weight table per group (a country's ISPs, a device type's OSes), by a
    uniform draw: rows of cumulative shares, padded past each row's end."""

    def __init__(self, rows: list[list[tuple[int, float]]]) -> None:
        width = max(len(r) for r in rows)
        self.cumulative = np.full((len(rows), width), 2.0)
        self.value = np.zeros((len(rows), width), np.int32)
        for g, row in enumerate(rows):
            w = np.array([x for _, x in row], np.float64)
            self.cumulative[g, : len(row)] = np.cumsum(w) / w.sum()
            self.cumulative[g, len(row) - 1] = 2.0  # rounding never falls off the end
            self.value[g, : len(row)] = [v for v, _ in row]

    def pick(self, group: npt.NDArray[np.integer], u: F64) -> I32:
        column = (self.cumulative[group] < u[:, None]).sum(axis=1)
        return np.asarray(self.value[group, column], np.int32)


def _uniform_choice(weights: tuple[float, ...]) -> _Categorical:
    return _Categorical([list(enumerate(weights))])


_COUNTRIES = tuple(geo.COUNTRY_WEIGHTS)
CITY_COUNTRY = np.array([_COUNTRIES.index(c.country) for c in geo.CITIES], np.int32)
# Home ISPs by region: a row per (country, state), of the ISPs that serve it.
_REGIONS = sorted({(c.country, c.state) for c in geo.CITIES})
_REGION_INDEX = {region: k for k, region in enumerate(_REGIONS)}
_CITY_REGION = np.array([_REGION_INDEX[c.country, c.state] for c in geo.CITIES], np.int32)


def _serves(isp: geo.Isp, country: str, state: str) -> bool:
    regions = geo.ISP_REGIONS.get((isp.country, isp.name))
    return isp.country == country and (regions is None or state in regions)


_ISPS = _Categorical([[(k, i.weight) for k, i in enumerate(geo.ISPS) if _serves(i, *region)]
                      for region in _REGIONS])  # fmt: skip
_CARRIERS = _Categorical([[(len(geo.ISPS) + k, c.weight) for k, c in enumerate(geo.CARRIERS)
                           if c.country == country] for country in _COUNTRIES])  # fmt: skip
_ISP_CONNECTION = np.array([CONNECTION_TYPES.index(i.connection_type) for i in geo.ISPS], np.int8)
_PLANS = _uniform_choice(PLAN_WEIGHTS)
_DEVICE_COUNTS = _uniform_choice(DEVICE_COUNT_WEIGHTS)
_DEVICE_TYPES = _uniform_choice(tuple(DEVICE_TYPE_WEIGHTS[d] for d in DEVICE_TYPES))
_UHD_SHARE = np.array([UHD_CAPABLE_SHARE[d] for d in DEVICE_TYPES])
MEDIAN_BY_CONNECTION = np.array([BANDWIDTH_MEDIAN[c] for c in CONNECTION_TYPES])
SIGMA_BY_CONNECTION = np.array([BANDWIDTH_SIGMA[c] for c in CONNECTION_TYPES])
_COUNTRY_FACTOR = np.array([COUNTRY_BANDWIDTH_FACTOR.get(c, 1.0) for c in _COUNTRIES])
CELLULAR_FACTOR = np.array([CELLULAR_COUNTRY_FACTOR[c] for c in _COUNTRIES])  # (country, 4g|5g)
_OS_CHOICE = _Categorical(platforms.os_rows())  # row country * len(DEVICE_TYPES) + type
_STREAM = releases.stream_table(platforms.OS_NAMES)  # (device type, OS) -> release stream


@dataclass(frozen=True, eq=False)
class World:
    config: GeneratorConfig
    population: Population
    key: U64  # (1,) the world's hash key, from the seed
    # titles
    title_type: I8  # index into TITLE_TYPES
    title_genre: I8  # index into catalogue.GENRES[the title's type]
    title_runtime: I32  # seconds
    title_credits: I32  # the second the end credits begin
    title_rank: I32  # popularity rank, 1 = most popular
    title_cumulative: F64  # cumulative popularity, for inverse-CDF sampling
    title_show: I32  # an episode's show (catalogue.NO_SHOW for films and documentaries)
    title_season: I32  # 1-based for episodes, 0 otherwise
    title_episode: I32  # 1-based within the season, 0 otherwise
    title_next: I32  # the episode auto-play goes on to, -1 if none
    # networks: home ISPs, then mobile carriers
    network_names: tuple[str, ...]
    carrier_share_5g: F64  # per network; 0 for home ISPs
    os_names: tuple[str, ...] = platforms.OS_NAMES
    app_versions: tuple[str, ...] = releases.APP_VERSION_NAMES

    @property
    def n_customers(self) -> int:
        return self.population.n_customers

    @property
    def timezones(self) -> tuple[str, ...]:
        return self.population.timezones

    @property
    def timezone_activity(self) -> F64:
        return self.population.timezone_activity

    @cached_property
    def title_ids(self) -> tuple[str, ...]:
        n = len(self.title_type)
        width = max(5, len(str(n)))
        return tuple(f"TITLE-{i:0{width}d}" for i in range(1, n + 1))

    def customers(self, customer: I32, city: I32 | None = None) -> Customers:
        """The customers' attributes; `city` when the caller knows it already (a sample)."""
        city = self.population.city(customer) if city is None else city
        country = CITY_COUNTRY[city]
        isp = _ISPS.pick(_CITY_REGION[city], self._uniform(customer, _ISP))
        connection = _ISP_CONNECTION[isp]
        bandwidth = (MEDIAN_BY_CONNECTION[connection] * _COUNTRY_FACTOR[country]
                     * np.exp(SIGMA_BY_CONNECTION[connection]
                              * rand.normal(self.key, customer, _BANDWIDTH)))  # fmt: skip
        return Customers(
            city=city,
            isp=isp,
            carrier=_CARRIERS.pick(country, self._uniform(customer, _CARRIER)),
            connection=connection,
            plan=_PLANS.pick(
                np.zeros(len(customer), np.int32), self._uniform(customer, _PLAN)
            ).astype(np.int8),
            bandwidth=bandwidth,
            device_count=_DEVICE_COUNTS.pick(
                np.zeros(len(customer), np.int32), self._uniform(customer, _DEVICE_COUNT)
            )
            + 1,
        )

    def device_type(self, device: I32) -> I8:
        return _DEVICE_TYPES.pick(
            np.zeros(len(device), np.int32), self._uniform(device, _DEVICE_TYPE)
        ).astype(np.int8)

    def device_quality_cap(self, device: I32, dtype: I8) -> I8:
        """The top quality each device can play (UHD_CAPABLE_SHARE)."""
        capable = self._uniform(device, _UHD) < _UHD_SHARE[dtype]
        return np.where(capable, QUALITIES.index("4K"), QUALITIES.index("HD")).astype(np.int8)

    def device_os(self, device: I32, dtype: I8 | None = None, city: I32 | None = None) -> I32:
        """Each device's OS, by its type and its owner's country (acme_gen.core.platforms);
        `city` when the caller knows the owners' cities already."""
        dtype = self.device_type(device) if dtype is None else dtype
        city = self.population.city(device // MAX_DEVICES) if city is None else city
        group = CITY_COUNTRY[city] * len(DEVICE_TYPES) + dtype
        return _OS_CHOICE.pick(group, self._uniform(device, _OS))

    def device_app(
        self, device: I32, start_ms: I64, dtype: I8 | None = None, os: I32 | None = None
    ) -> I32:
        """Each device's app version at `start_ms` (acme_gen.core.releases)."""
        dtype = self.device_type(device) if dtype is None else dtype
        os = self.device_os(device, dtype) if os is None else os
        return releases.app_version(self.key, device, _STREAM[dtype, os], start_ms)

    def customer_id_text(self, customer: I32) -> Bytes2D:
        """'CUST-000042' for customer 41: fixed width for the world's size."""
        width = max(6, len(str(self.n_customers)))
        return prefixed_number_text("CUST-", customer.astype(np.int64) + 1, width)

    def device_id_text(self, device: I32) -> Bytes2D:
        return uuid4_text(
            rand.hash64(self.key, device, _UUID_HI), rand.hash64(self.key, device, _UUID_LO)
        )

    def owned_devices(self, customer: I32) -> I32:
        """All devices of the customers, in customer order."""
        count = self.customers(customer).device_count
        first = np.repeat(customer.astype(np.int64) * MAX_DEVICES, count)
        within = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
        return (first + within).astype(np.int32)

    def _uniform(self, counter: npt.NDArray[np.integer], stream: int) -> F64:
        return rand.uniform(self.key, counter, stream)


def build_world(config: GeneratorConfig) -> World:
    """The world of (config.customers, titles, seed); the same config gives the same world.
    Only the small tables (titles, networks, the population's cells) are built here;
    customers and devices are hashed from their ids when a session needs them."""
    check(config.customers * MAX_DEVICES < 2**31, "device indices must fit in 32 bits")
    key = rand.hash64(np.array([config.seed], np.uint64), np.array([config.customers]), 0x3091D)
    rng = np.random.default_rng([config.seed, 0x3091D, config.titles])
    titles = build_catalogue(rng, config.titles)
    return World(
        config=config,
        population=lay_out(config.customers, int(key[0])),
        key=key,
        title_type=titles.type,
        title_genre=titles.genre,
        title_runtime=titles.runtime,
        title_credits=titles.credits,
        title_rank=titles.rank,
        title_cumulative=titles.cumulative,
        title_show=titles.show,
        title_season=titles.season,
        title_episode=titles.episode,
        title_next=titles.next_episode,
        network_names=tuple(i.name for i in geo.ISPS) + tuple(c.name for c in geo.CARRIERS),
        carrier_share_5g=np.array([0.0] * len(geo.ISPS) + [c.share_5g for c in geo.CARRIERS]),
    )
