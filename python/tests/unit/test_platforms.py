"""Platforms by country, measured on generated events: the OS and TV-platform mix of the
devices seen in each country follows its market (acme_gen.core.platforms)."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from acme_gen.core.platforms import OS_SHARES


def _share(two_days: pa.Table, country: str, device_type: str, os: str) -> float:
    con = duckdb.connect()
    con.register("devices", two_days.select(["device_id", "country", "device_type", "device_os"]))
    (value,) = con.execute(
        "SELECT AVG(CASE WHEN device_os = $os THEN 1.0 ELSE 0 END) FROM "
        "(SELECT DISTINCT device_id, device_os FROM devices "
        " WHERE country = $country AND device_type = $type)",
        {"os": os, "country": country, "type": device_type},
    ).fetchall()[0]
    assert value is not None, f"no {device_type} devices seen in {country}"
    return float(value)


def test_phones_follow_the_country_ios_is_rare_in_india_and_common_in_the_us(
    two_days: pa.Table,
) -> None:
    assert _share(two_days, "IN", "mobile", "iOS") <= 0.15
    assert _share(two_days, "US", "mobile", "iOS") >= 0.35
    assert _share(two_days, "JP", "mobile", "iOS") > _share(two_days, "DE", "mobile", "iOS")


def test_roku_is_barely_seen_where_it_is_not_sold(two_days: pa.Table) -> None:
    for country in ("JP", "KR", "IN"):
        assert _share(two_days, country, "tv", "Roku OS") <= 0.05, country
    assert _share(two_days, "US", "tv", "Roku OS") >= 0.2
    assert _share(two_days, "KR", "tv", "Tizen") + _share(two_days, "KR", "tv", "webOS") > 0.7


def test_every_countrys_shares_are_a_distribution() -> None:
    for device_type, by_country in OS_SHARES.items():
        for country, shares in by_country.items():
            assert abs(sum(shares) - 1) < 1e-9, (device_type, country)
