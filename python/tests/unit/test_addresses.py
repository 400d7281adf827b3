"""Addresses that geolocate: each network's sessions come from the space it announces in its
country (checked against an independent GeoIP and IP-to-ASN database, GeoLite2 as packaged
by geoip2fast), over IPv4 and IPv6, with home leases that last days."""

from __future__ import annotations

import csv
import ipaddress
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from geoip2fast import GeoIP2Fast

from acme_gen.core import addresses, geo
from acme_gen.core.addresses import address_space, address_text, home_address, mobile_address

DAY_MS = 86_400_000
T0 = 1_768_435_200_000

# What GeoLite2 calls each network's autonomous systems (an expectation of our own, not read
# from the shipped table): the brand's lower-cased name unless given here.
ORGANISATIONS = {
    "Charter Spectrum": "charter|bhn|twc",
    "AT&T Fiber": "att-internet",
    "AT&T Mobility": "att-mobility",
    "Verizon Fios": "uunet",
    "Verizon Wireless": "cellco",
    "Cox Communications": "cxa|cox",
    "CenturyLink": "centurylink|qwest",
    "T-Mobile Home Internet": "t-mobile",
    "Starlink": "spacex|starlink",
    "Bell Canada": "bacom|bell",
    "Bell Mobility": "bacom|bell",
    "Rogers Wireless": "rogers",
    "Telus Mobility": "telus",
    "BT": "british telecom|ee limited",
    "EE": "british telecom|ee limited",
    "Sky Broadband": "sky uk",
    "Three UK": "three|hutchison",
    "O2 UK": "o2|telefonica",
    "Telekom": "deutsche telekom",
    "Telekom Mobil": "deutsche telekom",
    "Vodafone DE Mobil": "vodafone",
    "O2": "telefonica germany",
    "O2 Mobil": "telefonica germany",
    "Orange Mobile": "orange",
    "SFR": "radiotelephone|sfr",
    "SFR Mobile": "radiotelephone|sfr",
    "Bouygues Mobile": "bouygues",
    "Free Mobile": "free",
    "Movistar": "telefonica de espana",
    "Movistar Movil": "telefonica de espana",
    "Vodafone ES Movil": "vodafone",
    "Orange ES Movil": "orange espagne",
    "Orange Spain": "orange espagne",
    "Claro Internet": "claro",
    "Vivo Fibra": "telefonica brasil",
    "Vivo": "telefonica brasil",
    "Nio Fibra": "v tal",
    "TIM Ultrafibra": "tim",
    "TIM Brasil": "tim",
    "Telmex Infinitum": "uninet",
    "Telcel": "radiomovil",
    "izzi": "television internacional|cablemas",
    "JioFiber": "reliance jio",
    "Jio": "reliance jio",
    "Airtel Xstream": "airtel",
    "ACT Fibernet": "atria",
    "BSNL": "national internet backbone|bharat",
    "Vi": "vodafone idea|idea cellular",
    "NTT Docomo OCN": "ntt communications",
    "NTT Docomo": "ntt docomo",
    "KDDI au Hikari": "kddi",
    "au by KDDI": "kddi",
    "SoftBank Hikari": "softbank",
    "SoftBank Mobile": "softbank",
    "J:COM": "jcom",
    "Telstra Mobile": "telstra",
    "Optus": "optus|microplex",
    "Optus Mobile": "optus|microplex",
    "TPG": "tpg",
    "Vodafone AU": "vodafone australia",
    "KT": "korea telecom",
    "KT Mobile": "korea telecom",
    "LG U+": "lg powercomm|lg dacom",
    "LG U+ Mobile": "lg powercomm|lg dacom",
    "SK Broadband": "sk broadband",
    "SK Telecom": "sk telecom",
    "Vidéotron": "videotron",
    "Totalplay": "total play",
}


@pytest.fixture(scope="module")
def geolite() -> GeoIP2Fast:
    return GeoIP2Fast(geoip2fast_data_file="geoip2fast-asn-ipv6.dat.gz", verbose=False)


def _texts(hi: np.ndarray, lo: np.ndarray) -> list[str]:
    out = []
    for h, low in zip(hi.tolist(), lo.tolist(), strict=True):
        address = ipaddress.IPv6Address((h << 64) | low)
        out.append(str(address.ipv4_mapped) if address.ipv4_mapped else address.compressed)
    return out


def test_address_text_is_rfc_5952_and_dotted_quads() -> None:
    rng = np.random.default_rng(5)
    hi = rng.integers(0, 2**63, 5000).astype(np.uint64) * np.uint64(2)
    lo = rng.integers(0, 2**63, 5000).astype(np.uint64) * np.uint64(3)
    for word in (hi, lo):  # zero groups, alone and in runs, where RFC 5952 has rules
        for shift in (48, 32, 16, 0):
            word[rng.random(5000) < 0.4] &= ~np.uint64(0xFFFF << shift)
    hi[:50] = 0
    lo[:50] = addresses.MAPPED_V4 | rng.integers(0, 2**32, 50).astype(np.uint64)
    hi[50:54] = [0, 0, 0x20010DB8 << 32, 0]
    lo[50:54] = [0, 1, 1, 0x10000]
    assert address_text(hi, lo).tolist() == _texts(hi, lo)


def test_every_network_has_announced_ipv4_space_and_the_table_is_well_formed() -> None:
    networks = {(i.country, i.name) for i in geo.ISPS} | {(c.country, c.name) for c in geo.CARRIERS}
    assert len(networks) == len(geo.ISPS) + len(geo.CARRIERS), "a network name repeats"
    with addresses.ADDRESS_SPACE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {(r["country"], r["network"]) for r in rows} <= networks
    for r in rows:
        first, last = ipaddress.ip_address(r["first"]), ipaddress.ip_address(r["last"])
        assert first.version == last.version == int(r["family"]) and first <= last
        assert first.is_global and last.is_global, r
    space = address_space()
    assert (space.v4.total > 0).all()
    assert ((space.ipv6_share > 0) <= (space.v6.total > 0)).all()


def test_drawn_addresses_lie_in_their_networks_ranges() -> None:
    space = address_space()
    networks = np.arange(len(space.v4.total), dtype=np.int32).repeat(200)
    rng = np.random.default_rng(2)
    hi, lo = mobile_address(np.array([9], np.uint64), rng, networks)
    with addresses.ADDRESS_SPACE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    names = [(i.country, i.name) for i in geo.ISPS] + [(c.country, c.name) for c in geo.CARRIERS]
    ranges: dict[int, list[tuple[int, int]]] = {}
    for r in rows:
        k = names.index((r["country"], r["network"]))
        a, b = int(ipaddress.ip_address(r["first"])), int(ipaddress.ip_address(r["last"]))
        if r["family"] == "4":
            a, b = a | (0xFFFF << 32), b | (0xFFFF << 32)
        ranges.setdefault(k, []).append((a, b))
    values = [(h << 64) | low for h, low in zip(hi.tolist(), lo.tolist(), strict=True)]
    outside = [
        (names[k], v) for k, v in zip(networks.tolist(), values, strict=True)
        if not any(a <= v <= b for a, b in ranges[k])
    ]  # fmt: skip
    assert not outside, outside[:3]
    v4 = np.array([(v >> 32) == 0xFFFF for v in values])
    assert not np.isin(lo[v4] & np.uint64(255), [0, 255]).any(), "a network or broadcast address"


def test_a_home_keeps_its_address_for_days_and_is_reassigned_now_and_then() -> None:
    key = np.array([11], np.uint64)
    customer = np.arange(2000, dtype=np.int32)
    device = customer * 4
    isp = np.zeros(2000, np.int32)  # Comcast: IPv4 and IPv6
    tv = np.ones(2000, bool)

    def at(t_ms: int, stable: np.ndarray = tv) -> list[str]:
        start = np.full(2000, t_ms, np.int64)
        return address_text(*home_address(key, customer, device, stable, isp, start)).tolist()

    hour_later = np.mean([a == b for a, b in zip(at(T0), at(T0 + 3_600_000), strict=True)])
    assert hour_later > 0.99
    days = np.array([at(T0 + d * DAY_MS) for d in range(60)])  # (days, customers)
    leases = np.array([len(set(days[:, c])) for c in range(2000)])
    assert 1.5 < np.median(leases) < 12, "a lease of days to weeks"
    assert np.mean(np.array([len(set(days[:3, c])) for c in range(2000)]) == 1) > 0.7
    # A phone's IPv6 interface id is a temporary address, renewed daily (RFC 8981).
    phone = np.zeros(2000, bool)
    today, tomorrow = at(T0, phone), at(T0 + DAY_MS, phone)
    v6 = [":" in a for a in today]
    renewed = np.mean([a != b for a, b, s in zip(today, tomorrow, v6, strict=True) if s])
    assert renewed > 0.99
    assert 0.6 < np.mean(v6) < 0.85, "Comcast's IPv6 share, per device"


def test_sessions_geolocate_to_the_customers_country_and_network(
    two_days: pa.Table, geolite: GeoIP2Fast
) -> None:
    """IP-to-country >= 95% of sessions; IP-to-ASN >= 80% of IPv4 sessions on the named
    network; IPv6 >= 10% of sessions, more on carriers than on home lines."""
    first = pc.equal(two_days["event_type"], "start")
    sessions = two_days.filter(first).select(["ip_address", "isp", "country", "connection_type"])
    rows = sessions.to_pylist()
    in_country = on_network = v4 = 0
    for row in rows:
        found = geolite.lookup(row["ip_address"])
        in_country += found.country_code == row["country"]
        if ":" not in row["ip_address"]:
            v4 += 1
            pattern = ORGANISATIONS.get(row["isp"], row["isp"].lower())
            on_network += bool(re.search(pattern, found.asn_name.lower()))
    assert in_country / len(rows) >= 0.95
    assert on_network / v4 >= 0.80
    ipv6 = np.array([":" in r["ip_address"] for r in rows])
    cellular = np.isin([r["connection_type"] for r in rows], ["4g", "5g"])
    fixed_wireless = np.array([r["isp"] == "T-Mobile Home Internet" for r in rows])
    assert ipv6.mean() >= 0.10
    assert ipv6[cellular & ~fixed_wireless].mean() > ipv6[~cellular].mean()
