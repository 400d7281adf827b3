"""The stable world the telemetry happens in: customers, their devices, titles.

Built once per process from (config, seed) as columns of numpy arrays plus string
vocabularies; events refer to entities by index, and text is produced only at the edge
(Arrow or JSON) by taking from a vocabulary. Dimension tables add descriptive columns
(names, emails, dates) in `acme_gen.lake.dimensions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from acme_gen.config import GeneratorConfig
from acme_gen.core import geo
from acme_gen.core.arrays import F64, I8, I32, I64, U64
from acme_gen.models import DEVICE_TYPES, QUALITIES, TITLE_TYPES

CONNECTION_TYPES = ("fiber", "cable", "dsl", "satellite", "5g", "4g")
CELLULAR_4G = CONNECTION_TYPES.index("4g")
CELLULAR_5G = CONNECTION_TYPES.index("5g")

# Median throughput (Mbit/s) and log-sd by connection type, loosely after Ookla/Opensignal
# national medians; streaming sees less than the line rate.
BANDWIDTH_MEDIAN = {"fiber": 110.0, "cable": 60.0, "dsl": 13.0, "satellite": 22.0, "5g": 45.0,
                    "4g": 12.0}  # fmt: skip
BANDWIDTH_SIGMA = {"fiber": 0.5, "cable": 0.5, "dsl": 0.55, "satellite": 0.6, "5g": 0.65,
                   "4g": 0.7}  # fmt: skip
COUNTRY_BANDWIDTH_FACTOR = {"IN": 0.45, "BR": 0.7, "MX": 0.55, "KR": 1.5, "JP": 1.3}

PLAN_WEIGHTS = (0.30, 0.45, 0.25)
PLAN_QUALITY_CAP = (QUALITIES.index("SD"), QUALITIES.index("HD"), QUALITIES.index("4K"))
DEVICE_TYPE_WEIGHTS = {"mobile": 0.30, "web": 0.17, "tv": 0.38, "tablet": 0.15}
DEVICE_QUALITY_CAP = {"mobile": 1, "web": 2, "tv": 2, "tablet": 1}
DEVICE_COUNT_WEIGHTS = (0.35, 0.35, 0.20, 0.10)  # 1..4 devices per customer

# (os, weight) by device type, and app versions by os family (newest first, most installed).
DEVICE_OS = {
    "mobile": (("iOS", 0.55), ("Android", 0.45)),
    "tablet": (("iPadOS", 0.6), ("Android", 0.3), ("Fire OS", 0.1)),
    "tv": (("Roku OS", 0.3), ("Tizen", 0.2), ("webOS", 0.15), ("Android TV", 0.15),
           ("tvOS", 0.1), ("Fire OS", 0.1)),
    "web": (("Windows", 0.6), ("macOS", 0.28), ("ChromeOS", 0.09), ("Linux", 0.03)),
}  # fmt: skip
APP_VERSIONS = {
    "mobile": ("8.14.2", "8.13.0", "8.12.1", "8.10.3"),
    "tablet": ("8.14.2", "8.13.0", "8.12.1", "8.10.3"),
    "tv": ("5.22.0", "5.21.3", "5.20.1", "5.18.0"),
    "web": ("2026.11.1", "2026.10.2", "2026.09.4", "2026.08.0"),
}
APP_VERSION_WEIGHTS = (0.55, 0.25, 0.12, 0.08)

# movie, series, documentary: series dominate viewing hours (NPAW 2023; Netflix's 2023
# engagement report), and shorter episodes need more of them to carry the hours.
TITLE_TYPE_WEIGHTS = (0.27, 0.63, 0.10)
ZIPF_EXPONENT = 0.9  # title popularity; VoD catalogues are Zipf-like with s just under 1
CARRIER_IP_POOL = 64  # carriers share addresses behind carrier-grade NAT


def _choice(rng: np.random.Generator, weights: tuple[float, ...] | F64, size: int) -> I32:
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(p), size=size, p=p / p.sum()).astype(np.int32)


def _public_ipv4_prefixes(rng: np.random.Generator, n: int) -> I64:
    """Random /16 prefixes outside private, loopback, CGNAT and multicast space."""
    first = rng.integers(11, 223, size=n)
    first = np.where(np.isin(first, (100, 127, 169, 172, 192)), first + 1, first)
    return first * 256 + rng.integers(0, 256, size=n)


def _ipv4_text(prefix16: I64, host: I64) -> list[str]:
    a, b = np.divmod(prefix16, 256)
    c, d = np.divmod(host, 256)
    return [
        f"{w}.{x}.{y}.{z}"
        for w, x, y, z in zip(a.tolist(), b.tolist(), c.tolist(), d.tolist(), strict=True)
    ]


@dataclass(frozen=True, eq=False)
class World:
    config: GeneratorConfig
    # customers
    customer_city: I32  # index into geo.CITIES
    customer_isp: I32  # index into network_names (home ISP)
    customer_connection: I8  # index into CONNECTION_TYPES
    customer_carrier: I32  # index into network_names (mobile carrier)
    customer_plan: I8  # index into PLANS
    customer_activity: F64  # relative viewing propensity, mean 1
    customer_bandwidth: F64  # home throughput median, Mbit/s
    customer_device_start: I32
    customer_device_count: I32
    # devices
    device_customer: I32
    device_type: I8  # index into DEVICE_TYPES
    device_os: I32  # index into os_names
    device_app: I32  # index into app_versions
    device_hi: U64  # 128 bits of the device UUID
    device_lo: U64
    # titles
    title_type: I8  # index into TITLE_TYPES
    title_runtime: I32  # seconds
    title_rank: I32  # popularity rank, 1 = most popular
    title_cumulative: F64  # cumulative popularity, for inverse-CDF sampling
    # networks
    network_names: tuple[str, ...]  # home ISPs then mobile carriers
    carrier_share_5g: F64  # per network; 0 for home ISPs
    ip_addresses: tuple[str, ...]  # home IP per customer, then CARRIER_IP_POOL per carrier
    # time zones: customers grouped by their home time zone
    timezones: tuple[str, ...]
    timezone_activity: F64  # share of total activity per time zone
    customers_by_timezone: I32  # customer indices ordered by time zone
    timezone_cumulative: F64  # group index + cumulative activity share within the group
    # vocabularies
    os_names: tuple[str, ...]
    app_versions: tuple[str, ...]

    @property
    def n_customers(self) -> int:
        return len(self.customer_city)

    @cached_property
    def customer_ids(self) -> tuple[str, ...]:
        width = max(6, len(str(self.n_customers)))
        return tuple(f"CUST-{i:0{width}d}" for i in range(1, self.n_customers + 1))

    @cached_property
    def title_ids(self) -> tuple[str, ...]:
        n = len(self.title_type)
        width = max(5, len(str(n)))
        return tuple(f"TITLE-{i:0{width}d}" for i in range(1, n + 1))

    @cached_property
    def device_ids(self) -> tuple[str, ...]:
        from acme_gen.core.text import uuid4_text

        text = uuid4_text(self.device_hi, self.device_lo)
        return tuple(text.view("S36").ravel().astype(str).tolist())

    def customer_quality_cap(self) -> I8:
        return np.asarray(PLAN_QUALITY_CAP, dtype=np.int8)[self.customer_plan]


def build_world(config: GeneratorConfig) -> World:
    """The world of (config.customers, titles, seed); the same config gives the same world.
    The parts draw from one generator in a fixed order, so each part's draws stay put."""
    rng = np.random.default_rng([config.seed, 0x3091D, config.customers, config.titles])
    n = config.customers
    customer_city, customer_country = _home_cities(rng, n)
    networks = _networks(rng, customer_country)
    customer_plan = _choice(rng, PLAN_WEIGHTS, n).astype(np.int8)
    # Heavy-tailed engagement: a minority of households watches most hours.
    customer_activity = rng.gamma(0.8, 1 / 0.8, size=n)
    devices = _devices(rng, n)
    titles = _titles(rng, config.titles)
    home_ips, carrier_ips, carrier_share_5g = _addresses(rng, networks.customer_isp)
    zones = _timezone_groups(customer_city, customer_activity)
    return World(
        config=config,
        customer_city=customer_city,
        customer_isp=networks.customer_isp,
        customer_connection=networks.customer_connection,
        customer_carrier=networks.customer_carrier,
        customer_plan=customer_plan,
        customer_activity=customer_activity,
        customer_bandwidth=networks.customer_bandwidth,
        customer_device_start=devices.start,
        customer_device_count=devices.count,
        device_customer=devices.customer,
        device_type=devices.type.astype(np.int8),
        device_os=devices.os,
        device_app=devices.app,
        device_hi=devices.bits[0],
        device_lo=devices.bits[1],
        title_type=titles.type,
        title_runtime=titles.runtime,
        title_rank=titles.rank,
        title_cumulative=titles.cumulative,
        network_names=networks.names,
        carrier_share_5g=carrier_share_5g,
        ip_addresses=tuple(home_ips) + tuple(carrier_ips),
        timezones=zones.timezones,
        timezone_activity=zones.total / zones.total.sum(),
        customers_by_timezone=zones.order,
        timezone_cumulative=zones.cumulative,
        os_names=devices.os_names,
        app_versions=devices.app_versions,
    )


def _home_cities(rng: np.random.Generator, n: int) -> tuple[I32, npt.NDArray[np.str_]]:
    """Each customer's city, by city weight within the country's weight, and its country."""
    city_w = np.array([c.weight * geo.COUNTRY_WEIGHTS[c.country] /
                       sum(x.weight for x in geo.CITIES if x.country == c.country)
                       for c in geo.CITIES])  # fmt: skip
    customer_city = _choice(rng, city_w, n)
    city_country = np.array([c.country for c in geo.CITIES])
    return customer_city, city_country[customer_city]


@dataclass(frozen=True)
class _Networks:
    names: tuple[str, ...]
    customer_isp: I32
    customer_carrier: I32
    customer_connection: I8
    customer_bandwidth: F64


def _networks(rng: np.random.Generator, customer_country: npt.NDArray[np.str_]) -> _Networks:
    """A home ISP from the country's market, a mobile carrier likewise, and the line's
    bandwidth from its connection type and country."""
    n = len(customer_country)
    n_isps = len(geo.ISPS)
    customer_isp = np.empty(n, dtype=np.int32)
    customer_carrier = np.empty(n, dtype=np.int32)
    for country in geo.COUNTRY_WEIGHTS:
        members = np.flatnonzero(customer_country == country)
        isps = [k for k, i in enumerate(geo.ISPS) if i.country == country]
        carriers = [k for k, c in enumerate(geo.CARRIERS) if c.country == country]
        isp_w = tuple(geo.ISPS[k].weight for k in isps)
        car_w = tuple(geo.CARRIERS[k].weight for k in carriers)
        customer_isp[members] = np.asarray(isps)[_choice(rng, isp_w, len(members))]
        customer_carrier[members] = n_isps + np.asarray(carriers)[_choice(rng, car_w, len(members))]
    isp_connection = np.array([CONNECTION_TYPES.index(i.connection_type) for i in geo.ISPS])
    customer_connection = isp_connection[customer_isp].astype(np.int8)
    median = np.array([BANDWIDTH_MEDIAN[c] for c in CONNECTION_TYPES])[customer_connection]
    sigma = np.array([BANDWIDTH_SIGMA[c] for c in CONNECTION_TYPES])[customer_connection]
    country_factor = np.array([COUNTRY_BANDWIDTH_FACTOR.get(c, 1.0) for c in customer_country])
    bandwidth = median * country_factor * np.exp(sigma * rng.standard_normal(n))
    names = tuple(i.name for i in geo.ISPS) + tuple(c.name for c in geo.CARRIERS)
    return _Networks(names, customer_isp, customer_carrier, customer_connection, bandwidth)


@dataclass(frozen=True)
class _Devices:
    count: I32
    start: I32
    customer: I32
    type: I32
    os: I32
    app: I32
    bits: U64  # two rows: the id's high and low 64 bits
    os_names: tuple[str, ...]
    app_versions: tuple[str, ...]


def _devices(rng: np.random.Generator, n: int) -> _Devices:
    """1-4 devices per customer, each with a stable type, OS and app version."""
    device_count = (_choice(rng, DEVICE_COUNT_WEIGHTS, n) + 1).astype(np.int32)
    device_start = (np.cumsum(device_count) - device_count).astype(np.int32)
    n_dev = int(device_count.sum())
    device_customer = np.repeat(np.arange(n, dtype=np.int32), device_count)
    device_type = _choice(rng, tuple(DEVICE_TYPE_WEIGHTS[d] for d in DEVICE_TYPES), n_dev)
    os_names: list[str] = []
    app_versions: list[str] = []
    device_os = np.empty(n_dev, dtype=np.int32)
    device_app = np.empty(n_dev, dtype=np.int32)
    for t, dtype_name in enumerate(DEVICE_TYPES):
        members = np.flatnonzero(device_type == t)
        choices = DEVICE_OS[dtype_name]
        os_pick = _choice(rng, tuple(w for _, w in choices), len(members))
        device_os[members] = np.asarray(_indices(os_names, [o for o, _ in choices]))[os_pick]
        app_index = _indices(app_versions, list(APP_VERSIONS[dtype_name]))
        device_app[members] = np.asarray(app_index)[_choice(rng, APP_VERSION_WEIGHTS, len(members))]
    bits = rng.integers(0, 2**64, size=(2, n_dev), dtype=np.uint64)
    return _Devices(device_count, device_start, device_customer, device_type, device_os,
                    device_app, bits, tuple(os_names), tuple(app_versions))  # fmt: skip


def _indices(names: list[str], wanted: list[str]) -> list[int]:
    """Positions of `wanted` in `names`, appending those not there yet."""
    for name in wanted:
        if name not in names:
            names.append(name)
    return [names.index(name) for name in wanted]


@dataclass(frozen=True)
class _Titles:
    type: I8
    runtime: I32
    rank: I32
    cumulative: F64


def _titles(rng: np.random.Generator, n_titles: int) -> _Titles:
    """Type, runtime, and Zipf popularity over a shuffled rank."""
    title_type = _choice(rng, TITLE_TYPE_WEIGHTS, n_titles).astype(np.int8)
    movie = np.clip(rng.normal(112, 22, n_titles), 75, 200)
    episode = rng.choice([22.0, 30.0, 45.0, 55.0, 60.0], n_titles) + rng.normal(0, 2, n_titles)
    documentary = np.clip(rng.normal(85, 25, n_titles), 40, 150)
    minutes = np.select(
        [title_type == TITLE_TYPES.index("movie"), title_type == TITLE_TYPES.index("series")],
        [movie, episode],
        documentary,
    )
    title_rank = (rng.permutation(n_titles) + 1).astype(np.int32)
    popularity = 1.0 / title_rank.astype(np.float64) ** ZIPF_EXPONENT
    return _Titles(title_type, np.round(minutes * 60).astype(np.int32), title_rank,
                   np.cumsum(popularity) / popularity.sum())  # fmt: skip


def _addresses(rng: np.random.Generator, customer_isp: I32) -> tuple[list[str], list[str], F64]:
    """A home address per customer inside its ISP's prefix; a small shared pool per carrier;
    and each network's share of 5G (carriers only)."""
    n_isps, n_carriers = len(geo.ISPS), len(geo.CARRIERS)
    prefixes = _public_ipv4_prefixes(rng, n_isps + n_carriers)
    home_ips = _ipv4_text(prefixes[customer_isp], rng.integers(1, 65535, size=len(customer_isp)))
    pool_prefix = np.repeat(prefixes[n_isps:], CARRIER_IP_POOL)
    carrier_ips = _ipv4_text(pool_prefix, rng.integers(1, 65535, size=len(pool_prefix)))
    share_5g = np.array([0.0] * n_isps + [c.share_5g for c in geo.CARRIERS])
    return home_ips, carrier_ips, share_5g


@dataclass(frozen=True)
class _TimezoneGroups:
    timezones: tuple[str, ...]
    order: I32  # customers sorted by time zone
    total: F64  # each zone's activity
    cumulative: F64  # zone g's customers span [g, g + 1), by activity


def _timezone_groups(customer_city: I32, activity: F64) -> _TimezoneGroups:
    """Customers grouped by time zone for the local-time traffic curve."""
    city_tz = [c.timezone for c in geo.CITIES]
    timezones = tuple(sorted({city_tz[i] for i in np.unique(customer_city).tolist()}))
    customer_tz = np.array([timezones.index(city_tz[i]) if city_tz[i] in timezones else -1
                            for i in range(len(geo.CITIES))])[customer_city]  # fmt: skip
    order = np.argsort(customer_tz, kind="stable").astype(np.int32)
    group_of_sorted = customer_tz[order]
    act_sorted = activity[order]
    group_total = np.bincount(group_of_sorted, weights=act_sorted, minlength=len(timezones))
    within = np.cumsum(act_sorted) - np.repeat(
        np.concatenate([[0.0], np.cumsum(group_total)[:-1]]),
        np.bincount(group_of_sorted, minlength=len(timezones)),
    )
    cumulative = group_of_sorted + within / group_total[group_of_sorted]
    # Close each group at exactly g + 1 so rounding can never spill a draw into the next zone.
    group_last = np.flatnonzero(np.diff(np.append(group_of_sorted, -1)) != 0)
    cumulative[group_last] = group_of_sorted[group_last] + 1.0
    return _TimezoneGroups(timezones, order, np.asarray(group_total, np.float64), cumulative)
