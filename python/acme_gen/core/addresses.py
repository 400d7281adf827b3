"""Where a session comes from on the internet: an address its network really announces in
its own country, IPv4 or IPv6, held as 128 bits (two uint64 words, IPv4 as ::ffff:a.b.c.d)
until the text is written.

The ranges are a pinned subset of public routing and geolocation data
(data/address_space.csv, made by scripts/build_address_space.py from SOURCES), so a GeoIP or
IP-to-ASN lookup of `ip_address` finds the customer's country and the named network.

- A home line keeps its address for days: a lease per customer, with re-assignment at a
  lease boundary (a median of LEASE_DAYS, varying by customer). Over IPv6 the home is
  delegated a /56 for the same lease; a device's interface id is a temporary (privacy)
  address renewed daily (RFC 8981) on phones, tablets and computers, and stable on TVs.
- A mobile session comes from the carrier: over IPv4 one of its carrier-grade NAT pool's
  public addresses (shared by many subscribers), over IPv6 a /64 of its own per attach.
- Which sessions use IPv6 follows each network's share (geo.IPV6_SOURCE): stable per home
  device (its stack and the router decide), per session on a carrier.
"""

from __future__ import annotations

import csv
import ipaddress
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt

from acme_gen.core import geo, rand
from acme_gen.core.arrays import F64, I32, I64, U64, B

ADDRESS_SPACE = resources.files("acme_gen.core") / "data" / "address_space.csv"
# npm package -> (version, integrity): what scripts/build_address_space.py reads.
SOURCES = {
    "@ip-location-db/asn": (
        "2.3.2026061719",
        "sha512-PpqYi7wyEyWwunXBtl+y3Vi403SvNywotWwvmiYCOUtE0SVol/Sf492Ee+eErEznmGapxEQB2SAfrpXuZ9a+vQ==",
    ),
    "@ip-location-db/geolite2-country": (
        "2.3.2026061719",
        "sha512-ik7n01bM4kfbD0LiMEO2oKK4CPINQbB/BaE72kRK1719EZVlriy1iO0KI/S7yazCbAuOHyTPP2Kgy6K3mG2AaA==",
    ),
}

LEASE_DAYS = 12.0  # median home address lease; DHCP and PPPoE leases run for days to weeks
LEASE_SIGMA = 0.6
CGNAT_POOL = 1024  # public addresses per carrier that its subscribers share
MAPPED_V4 = np.uint64(0xFFFF << 32)  # ::ffff:0:0/96, the low word of an IPv4 address
_V4_UNIT = 256  # addresses are drawn as a /24 block and a host in it (never .0 or .255)
_V6_UNIT_BITS = 8  # IPv6 is drawn in /56s: the upper word's low 8 bits are the subnet
_DAY_MS = 86_400_000

# Hash streams.
_LEASE_LENGTH, _LEASE_PHASE, _V4_BLOCK, _V4_HOST, _V6_SITE = 0xA1, 0xA2, 0xA3, 0xA4, 0xA5
_V6_CAPABLE, _IID, _POOL = 0xA6, 0xA7, 0xA8


@dataclass(frozen=True, eq=False)
class _Ranges:
    """One family's ranges of every network, in units (a /24 or a /56), laid end to end
    per network: network k's units are [base[k], base[k] + total[k])."""

    first: I64  # each range's first unit
    start: I64  # cumulative unit count at each range's start (over all networks)
    end: I64  # and at its end
    base: I64  # per network
    total: I64  # per network; 0 where the network has no space of this family

    def pick(self, network: I32, u: F64) -> I64:
        """A unit of each network's space, uniform over it (u uniform in [0, 1))."""
        total = self.total[network]
        position = self.base[network] + np.minimum((u * total).astype(np.int64), total - 1)
        row = np.searchsorted(self.end, position, side="right")
        return np.asarray(self.first[row] + (position - self.start[row]), np.int64)


@dataclass(frozen=True, eq=False)
class AddressSpace:
    v4: _Ranges
    v6: _Ranges
    ipv6_share: F64  # per network, 0 where it announces no IPv6 in its country


def _ranges(rows: list[list[tuple[int, int]]], unit: int) -> _Ranges:
    firsts, counts, totals = [], [], []
    for ranges in rows:
        units = [(-(-a // unit), (b + 1) // unit) for a, b in ranges]
        units = [(a, b - a) for a, b in units if b > a]
        firsts += [a for a, _ in units]
        counts += [n for _, n in units]
        totals.append(sum(n for _, n in units))
    total = np.array(totals, np.int64)
    end = np.cumsum(np.array(counts, np.int64))
    return _Ranges(
        first=np.array(firsts, np.int64),
        start=end - np.array(counts, np.int64),
        end=end,
        base=np.concatenate([[0], np.cumsum(total)[:-1]]).astype(np.int64),
        total=total,
    )


@cache
def address_space() -> AddressSpace:
    """The shipped ranges of every network, in World.network_names order (ISPs, carriers)."""
    networks = [(i.country, i.name, i.ipv6_share) for i in geo.ISPS]
    networks += [(c.country, c.name, c.ipv6_share) for c in geo.CARRIERS]
    index = {(country, name): k for k, (country, name, _) in enumerate(networks)}
    rows: dict[int, list[list[tuple[int, int]]]] = {
        4: [[] for _ in networks],
        6: [[] for _ in networks],
    }
    with ADDRESS_SPACE.open(encoding="utf-8") as f:
        for record in csv.DictReader(f):
            k = index[(record["country"], record["network"])]
            first = int(ipaddress.ip_address(record["first"]))
            last = int(ipaddress.ip_address(record["last"]))
            if record["family"] == "6":  # the upper 64 bits are enough for /56 units
                first, last = first >> 64, last >> 64
            rows[int(record["family"])][k].append((first, last))
    v4, v6 = _ranges(rows[4], _V4_UNIT), _ranges(rows[6], 1 << _V6_UNIT_BITS)
    share = np.array([s for _, _, s in networks]) * (v6.total > 0)
    return AddressSpace(v4=v4, v6=v6, ipv6_share=share)


def _ipv4(space: AddressSpace, network: I32, u_block: F64, host_hash: U64) -> tuple[U64, U64]:
    block = space.v4.pick(network, u_block)
    host = 1 + (host_hash % np.uint64(_V4_UNIT - 2)).astype(np.int64)
    low = MAPPED_V4 | (block * _V4_UNIT + host).astype(np.uint64)
    return np.zeros(len(network), np.uint64), low


def _site(space: AddressSpace, network: I32, u: F64) -> U64:
    """A /56's upper word (its subnet byte zero)."""
    return (space.v6.pick(network, u) << _V6_UNIT_BITS).astype(np.uint64)


def home_address(
    key: U64, customer: I32, device: I32, stable_iid: B, isp: I32, start_ms: I64
) -> tuple[U64, U64]:
    """The address a home device has at `start_ms`: its line's lease, over IPv4 or IPv6."""
    space = address_space()
    lease_ms = (
        LEASE_DAYS * _DAY_MS * np.exp(LEASE_SIGMA * rand.normal(key, customer, _LEASE_LENGTH))
    )
    phase = rand.uniform(key, customer, _LEASE_PHASE) * lease_ms
    lease = np.floor((start_ms + phase) / lease_ms).astype(np.int64)
    line = customer.astype(np.int64) * 4096 + (lease % 4096)  # a counter per (customer, lease)
    v4_hi, v4_lo = _ipv4(
        space, isp, rand.uniform(key, line, _V4_BLOCK), rand.hash64(key, line, _V4_HOST)
    )
    site = _site(space, isp, rand.uniform(key, line, _V6_SITE))
    day = np.where(stable_iid, 0, start_ms // _DAY_MS + 1)
    iid = rand.hash64(key, device.astype(np.int64) * 65536 + day % 65536, _IID)
    v6 = rand.uniform(key, device, _V6_CAPABLE) < space.ipv6_share[isp]
    return np.where(v6, site, v4_hi), np.where(v6, iid, v4_lo)


def mobile_address(key: U64, rng: np.random.Generator, carrier: I32) -> tuple[U64, U64]:
    """A carrier session's address: a shared CGNAT address or a /64 of its own."""
    space = address_space()
    n = len(carrier)
    pool = carrier.astype(np.int64) * CGNAT_POOL + rng.integers(0, CGNAT_POOL, n)
    v4_hi, v4_lo = _ipv4(
        space, carrier, rand.uniform(key, pool, _POOL), rand.hash64(key, pool, _V4_HOST)
    )
    subnet = rng.integers(0, 1 << _V6_UNIT_BITS, n).astype(np.uint64)
    v6_hi = _site(space, carrier, rng.random(n)) | subnet
    iid = rng.integers(0, np.iinfo(np.int64).max, n).astype(np.uint64) * np.uint64(2) + np.uint64(1)
    v6 = rng.random(n) < space.ipv6_share[carrier]
    return np.where(v6, v6_hi, v4_hi), np.where(v6, iid, v4_lo)


def address_text(hi: U64, lo: U64) -> npt.NDArray[np.str_]:
    """Addresses as text: dotted quads for IPv4 (::ffff:a.b.c.d), RFC 5952 for IPv6."""
    v4 = (hi == 0) & ((lo >> np.uint64(32)) == np.uint64(0xFFFF))
    groups = np.stack(
        [(word >> np.uint64(shift)) & np.uint64(0xFFFF) for word in (hi, lo)
         for shift in (48, 32, 16, 0)], axis=1,
    ).astype(np.int64)  # fmt: skip
    text = _ipv6_text(groups)
    if v4.any():
        quad = [_DECIMAL[(lo[v4] >> np.uint64(s)) & np.uint64(255)] for s in (24, 16, 8, 0)]
        text[v4] = _join(quad, ".")
    return text


def _ipv6_text(groups: I64) -> npt.NDArray[np.str_]:
    """RFC 5952: lower-case hex without leading zeros; the longest run of two or more zero
    groups (the first of equal runs) becomes '::'."""
    n = len(groups)
    zero = groups == 0
    best_start, best_len = np.full(n, -1), np.zeros(n, np.int64)
    run = np.zeros(n, np.int64)
    for g in range(8):  # run[i]: zero groups ending at g
        run = np.where(zero[:, g], run + 1, 0)
        longer = run > best_len
        best_len = np.where(longer, run, best_len)
        best_start = np.where(longer, g - run + 1, best_start)
    compress = best_len >= 2
    hexes = _HEX[groups]
    out = np.empty(n, dtype=object)
    full = ~compress
    if full.any():
        out[full] = _join([hexes[full, g] for g in range(8)], ":")
    runs = zip(best_start[compress].tolist(), best_len[compress].tolist(), strict=True)
    for start, length in set(runs):
        rows = compress & (best_start == start) & (best_len == length)
        head = _join([hexes[rows, g] for g in range(start)], ":") if start else ""
        tail_groups = range(start + length, 8)
        tail = _join([hexes[rows, g] for g in tail_groups], ":") if len(tail_groups) else ""
        out[rows] = np.strings.add(np.strings.add(head, "::"), tail)
    return np.asarray(out.astype(str), np.str_)


def _join(parts: list[npt.NDArray[np.str_]], separator: str) -> npt.NDArray[np.str_]:
    text = parts[0]
    for part in parts[1:]:
        text = np.strings.add(np.strings.add(text, separator), part)
    return np.asarray(text, np.str_)


_DECIMAL = np.array([str(i) for i in range(256)])
_HEX = np.array([f"{i:x}" for i in range(65536)])
