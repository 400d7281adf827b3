"""Who plays, on what, and over which network: a drawn session's viewer (its customer is
the population's draw), the device they pick for the local daypart, and the line or cell
they play over.

Device by daypart: phones and tablets in the morning and on the commute, the TV in the
evening (Conviva, State of Streaming: big screens carry over 75% of viewing time, 83% in
North America).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from acme_gen.core import addresses
from acme_gen.core.arrays import F64, I8, I32, I64, U64, B
from acme_gen.core.traffic import utc_offset_ms
from acme_gen.core.world import (
    CELLULAR_4G,
    CELLULAR_5G,
    CELLULAR_FACTOR,
    CITY_COUNTRY,
    MAX_DEVICES,
    MEDIAN_BY_CONNECTION,
    SIGMA_BY_CONNECTION,
    Customers,
    World,
)
from acme_gen.models import DEVICE_TYPES
from acme_gen.time_labels import HOUR_MS

CELLULAR_SHARE = {"mobile": 0.40, "tablet": 0.12, "web": 0.0, "tv": 0.0}
# Drawn sessions that continue a title part-watched before the look-back (a sitting's own
# returns to a title are its later parts: acme_gen.core.sittings).
# Which of a customer's devices a session uses, by local daypart (rows: night 0-6 h, morning
# 6-9 h, day 9-17 h, evening 17-23 h, late 23-24 h; columns: DEVICE_TYPES order mobile, web,
# tv, tablet): relative weights of a device of that type.
DAYPARTS = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4])
DEVICE_DAYPART_WEIGHT = np.array([
    [1.0, 0.6, 0.7, 0.9],   # night: in bed on the phone or tablet, or the TV left on
    [2.2, 0.8, 0.4, 1.2],   # morning and commute: phones
    [1.3, 1.5, 0.6, 1.0],   # day: phones, desktops at work
    [0.5, 0.5, 3.0, 0.8],   # evening: the TV
    [0.9, 0.5, 1.6, 0.9],   # late
])  # fmt: skip


@dataclass(frozen=True)
class Viewer:
    """Who plays, on what and over which network: a sitting's parts share it."""

    customer: I32
    device: I32
    dtype: I8
    network: I32
    connection: I8
    ip_hi: U64
    ip_lo: U64
    bandwidth: F64
    quality_cap: I8
    stream_limit: I8

    def take(self, index: npt.NDArray[np.integer] | B) -> Viewer:
        return Viewer(**{f.name: getattr(self, f.name)[index] for f in fields(self)})


def local_hour(world: World, slot_starts_ms: I64) -> I64:
    """The local hour of day at each slot's start (rows) in each time zone (columns)."""
    offsets = np.array(
        [[utc_offset_ms(tz, start // HOUR_MS) for tz in world.timezones]
         for start in slot_starts_ms.tolist()], dtype=np.int64,
    ).reshape(len(slot_starts_ms), len(world.timezones))  # fmt: skip
    local = slot_starts_ms[:, None] + offsets
    return np.asarray(local // HOUR_MS % 24, dtype=np.int64)


def device_for_daypart(
    world: World, rng: np.random.Generator, customer: I32, count: I32, local_hour: I64
) -> tuple[I32, I8]:
    """One of the customer's devices, weighted by its type's share of the daypart, and its
    type."""
    slots = customer.astype(np.int64)[:, None] * MAX_DEVICES + np.arange(MAX_DEVICES)
    kind = world.device_type(slots.ravel().astype(np.int32)).reshape(slots.shape)
    weights = DEVICE_DAYPART_WEIGHT[DAYPARTS[local_hour]]  # (sessions, device types)
    rows = np.arange(len(customer))[:, None]
    per_device = np.where(np.arange(MAX_DEVICES) < count[:, None], weights[rows, kind], 0.0)
    cumulative = np.cumsum(per_device, axis=1)
    pick = (cumulative < rng.random(len(customer))[:, None] * cumulative[:, -1:]).sum(axis=1)
    pick = np.minimum(pick, count - 1)
    return slots[rows[:, 0], pick].astype(np.int32), kind[rows[:, 0], pick]


def network(
    world: World,
    rng: np.random.Generator,
    people: Customers,
    device: I32,
    dtype: I8,
    start_ms: I64,
    congestion: F64,
) -> tuple[I32, I8, tuple[U64, U64], F64]:
    """The network a session uses (mobile devices are sometimes out of home on the carrier's
    4G/5G), its address (acme_gen.core.addresses) and its throughput (Mbit/s), lower at
    prime time."""
    n = len(dtype)
    p_cell = np.array([CELLULAR_SHARE[d] for d in DEVICE_TYPES])[dtype]
    cellular = rng.random(n) < p_cell
    carrier = people.carrier
    on_5g = rng.random(n) < world.carrier_share_5g[carrier]
    network = np.where(cellular, carrier, people.isp).astype(np.int32)
    connection = np.where(
        cellular, np.where(on_5g, CELLULAR_5G, CELLULAR_4G), people.connection
    ).astype(np.int8)
    # Each session's address, from its home line or its carrier (only the one it uses).
    home, cell = np.flatnonzero(~cellular), np.flatnonzero(cellular)
    ip = (np.empty(n, np.uint64), np.empty(n, np.uint64))
    at_home = addresses.home_address(
        world.key, (device[home] // MAX_DEVICES).astype(np.int32), device[home],
        dtype[home] == DEVICE_TYPES.index("tv"), people.isp[home], start_ms[home],
    )  # fmt: skip
    on_carrier = addresses.mobile_address(world.key, rng, carrier[cell])
    for word in (0, 1):
        ip[word][home], ip[word][cell] = at_home[word], on_carrier[word]
    noise = rng.standard_normal(n)
    line = np.where(
        cellular,
        MEDIAN_BY_CONNECTION[connection]
        * CELLULAR_FACTOR[CITY_COUNTRY[people.city], on_5g.astype(np.int64)]
        * np.exp(SIGMA_BY_CONNECTION[connection] * noise),
        people.bandwidth * np.exp(0.25 * noise),
    )
    return network, connection, ip, np.maximum(line * congestion, 0.3)
