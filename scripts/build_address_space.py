"""Build python/acme_gen/core/data/address_space.csv: the address ranges each network of
acme_gen.core.geo really announces, in its own country, for IPv4 and IPv6.

    python3 scripts/build_address_space.py          # rewrites the file from the pinned data
    python3 scripts/build_address_space.py --check  # exits 1 if the file is not what it gives

Sources, pinned by version and checksum (npm packages of sapics/ip-location-db):
- @ip-location-db/asn: the ranges each autonomous system announces (RouteViews BGP tables,
  with DB-IP and the RIRs' delegations; CC BY 4.0);
- @ip-location-db/geolite2-country: MaxMind GeoLite2 Country (GeoLite2 EULA), to keep only
  the part of a network's space that geolocates to the country the network serves.
A network's ranges are its ASNs' ranges cut to that country's space; the largest
MAX_RANGES of each family are kept (most of the space, a small file). Only this subset is
shipped; the generator draws addresses from it (acme_gen.core.addresses).
"""

from __future__ import annotations

import bisect
import csv
import io
import ipaddress
import sys
import tarfile
from collections import defaultdict
from pathlib import Path

from _pinned_data import build_main, npm_tarball

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))

from acme_gen.core import geo  # noqa: E402
from acme_gen.core.addresses import ADDRESS_SPACE, SOURCES  # noqa: E402

MAX_RANGES = 32  # per network and family
MIN_SIZE = {4: 256, 6: 2**72}  # a /24, a /56: the units addresses are drawn in


def _rows(archive: tarfile.TarFile, member: str) -> csv.Reader:
    stream = archive.extractfile(f"package/{member}")
    if stream is None:
        sys.exit(f"error: {member} missing from the archive")
    return csv.reader(io.TextIOWrapper(stream, encoding="utf-8"))


def _country_space(archive: tarfile.TarFile, family: int) -> dict[str, list[tuple[int, int]]]:
    space: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for first, last, country in _rows(archive, f"geolite2-country-ipv{family}-num.csv"):
        space[country].append((int(first), int(last)))
    return {c: sorted(r) for c, r in space.items()}


def _cut(first: int, last: int, space: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of [first, last] inside the sorted, disjoint ranges of `space`."""
    starts = [a for a, _ in space]
    i = max(bisect.bisect_right(starts, first) - 1, 0)
    parts = []
    while i < len(space) and space[i][0] <= last:
        a, b = max(first, space[i][0]), min(last, space[i][1])
        if a <= b:
            parts.append((a, b))
        i += 1
    return parts


def build() -> str:
    (asn_pkg, asn_pin), (country_pkg, country_pin) = SOURCES.items()
    asn_archive = npm_tarball(asn_pkg, *asn_pin)
    country_archive = npm_tarball(country_pkg, *country_pin)
    networks = [(i.country, i.name, i.asns) for i in geo.ISPS]
    networks += [(c.country, c.name, c.asns) for c in geo.CARRIERS]
    out = io.StringIO()
    out.write("country,network,family,first,last\n")
    for family in (4, 6):
        space = _country_space(country_archive, family)
        announced: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for first, last, asn, _ in _rows(asn_archive, f"asn-ipv{family}-num.csv"):
            announced[int(asn)].append((int(first), int(last)))
        for country, name, asns in networks:
            parts = [p for asn in asns for a, b in announced[asn]
                     for p in _cut(a, b, space.get(country, []))]  # fmt: skip
            parts = [p for p in parts if p[1] - p[0] + 1 >= MIN_SIZE[family]]
            kept = sorted(sorted(parts, key=lambda p: (p[0] - p[1], p[0]))[:MAX_RANGES])
            for a, b in kept:
                first_text = ipaddress.ip_address(a).compressed
                last_text = ipaddress.ip_address(b).compressed
                out.write(f"{country},{name},{family},{first_text},{last_text}\n")
    return out.getvalue()


def main() -> int:
    return build_main(__doc__.splitlines()[0], ADDRESS_SPACE, build, "ranges")


if __name__ == "__main__":
    raise SystemExit(main())
