"""What a device runs: its operating system (or TV platform), by country and device type.

Shares are rounded from published market shares (2024-2025):
- phones and tablets: StatCounter's mobile and tablet OS shares by country (iOS about 57% of
  US phones, 65% in Japan, 50% in the UK, about 20% in Spain, Brazil and Mexico, 4-5% in
  India; iPads most tablets in rich markets; Amazon's Fire tablets where Amazon sells them);
- TVs: the platforms where they are sold and lead (Roku the largest US streaming platform
  and present in Canada, Mexico and the UK, barely elsewhere and not sold in Japan, Korea or
  India; Samsung's Tizen and LG's webOS leading smart TVs in Europe and Korea; Google's
  Android/Google TV leading in India and Japan; Fire TV strong in the US, UK and Germany);
- computers: StatCounter's desktop OS shares (Windows most everywhere; macOS near 30% in
  the US, UK and Australia, about 10% in Korea and India; ChromeOS mostly in the US).
"""

from __future__ import annotations

from acme_gen.core import geo
from acme_gen.models import DEVICE_TYPES

PLATFORM_SOURCE = "StatCounter OS shares by country; TV platforms where sold (2024-2025)"

# Column order per device type; rows: country -> shares in that order.
OS_COLUMNS = {
    "mobile": ("iOS", "Android"),
    "tablet": ("iPadOS", "Android", "Fire OS"),
    "tv": ("Roku OS", "Tizen", "webOS", "Android TV", "tvOS", "Fire OS"),
    "web": ("Windows", "macOS", "ChromeOS", "Linux"),
}
OS_SHARES: dict[str, dict[str, tuple[float, ...]]] = {
    "mobile": {
        "US": (0.57, 0.43), "CA": (0.58, 0.42), "GB": (0.50, 0.50), "DE": (0.36, 0.64),
        "FR": (0.35, 0.65), "ES": (0.22, 0.78), "BR": (0.18, 0.82), "MX": (0.20, 0.80),
        "IN": (0.05, 0.95), "JP": (0.65, 0.35), "AU": (0.55, 0.45), "KR": (0.28, 0.72),
    },
    "tablet": {
        "US": (0.58, 0.30, 0.12), "CA": (0.60, 0.34, 0.06), "GB": (0.58, 0.33, 0.09),
        "DE": (0.50, 0.44, 0.06), "FR": (0.52, 0.48, 0.0), "ES": (0.40, 0.60, 0.0),
        "BR": (0.30, 0.70, 0.0), "MX": (0.35, 0.65, 0.0), "IN": (0.30, 0.68, 0.02),
        "JP": (0.68, 0.29, 0.03), "AU": (0.62, 0.38, 0.0), "KR": (0.40, 0.60, 0.0),
    },
    "tv": {
        "US": (0.35, 0.16, 0.09, 0.12, 0.08, 0.20), "CA": (0.30, 0.18, 0.10, 0.14, 0.10, 0.18),
        "GB": (0.06, 0.26, 0.16, 0.14, 0.10, 0.28), "DE": (0.02, 0.30, 0.18, 0.18, 0.08, 0.24),
        "FR": (0.01, 0.32, 0.20, 0.30, 0.10, 0.07), "ES": (0.01, 0.34, 0.22, 0.30, 0.06, 0.07),
        "BR": (0.08, 0.34, 0.20, 0.30, 0.03, 0.05), "MX": (0.30, 0.26, 0.14, 0.22, 0.03, 0.05),
        "IN": (0.0, 0.18, 0.12, 0.61, 0.02, 0.07), "JP": (0.0, 0.05, 0.15, 0.56, 0.06, 0.18),
        "AU": (0.02, 0.30, 0.18, 0.22, 0.13, 0.15), "KR": (0.0, 0.55, 0.35, 0.08, 0.02, 0.0),
    },
    "web": {
        "US": (0.58, 0.30, 0.09, 0.03), "CA": (0.62, 0.28, 0.06, 0.04),
        "GB": (0.62, 0.30, 0.04, 0.04), "DE": (0.70, 0.22, 0.02, 0.06),
        "FR": (0.70, 0.22, 0.03, 0.05), "ES": (0.76, 0.16, 0.02, 0.06),
        "BR": (0.84, 0.08, 0.02, 0.06), "MX": (0.82, 0.12, 0.02, 0.04),
        "IN": (0.82, 0.08, 0.02, 0.08), "JP": (0.78, 0.18, 0.02, 0.02),
        "AU": (0.60, 0.32, 0.05, 0.03), "KR": (0.86, 0.10, 0.01, 0.03),
    },
}  # fmt: skip


def _vocabulary() -> tuple[str, ...]:
    names: list[str] = []
    for d in DEVICE_TYPES:
        names += [o for o in OS_COLUMNS[d] if o not in names]
    return tuple(names)


OS_NAMES = _vocabulary()
COUNTRIES = tuple(geo.COUNTRY_WEIGHTS)


def os_rows() -> list[list[tuple[int, float]]]:
    """(OS index, share) rows, one per (country, device type): row country * 4 + type."""
    return [
        [(OS_NAMES.index(o), w) for o, w in zip(OS_COLUMNS[d], OS_SHARES[d][c], strict=True)
         if w > 0]
        for c in COUNTRIES for d in DEVICE_TYPES
    ]  # fmt: skip
