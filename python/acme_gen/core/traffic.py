"""When people watch: a diurnal and weekly curve in each customer's local time.

Shape after published SVOD/ISP traffic profiles (e.g. Sandvine's Global Internet Phenomena
reports): a trough around 4-5 am, a prime-time peak at 8-10 pm several times the trough, and
higher weekend viewing. Weekends have a shape of their own: people are home, so mornings
and afternoons carry far more viewing than on a workday, and the evening peak is broader.
Each country's evening keeps its own clock (PRIME_TIME_SHIFT_H): Spain's prime time runs
22:00-24:00 (Barlovento Comunicacion's audience reports of Kantar data), later than the
20:00-23:00 of the US (Nielsen), the UK or Germany; Latin America, India and Korea peak a
little later too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from acme_gen.config import GeneratorConfig
from acme_gen.core import geo
from acme_gen.core.world import World
from acme_gen.invariants import InvariantError
from acme_gen.time_labels import HOUR_MS

# Sessions are drawn by start hour (the slot: one random stream and one vectorised draw per
# hour, so the per-draw cost is paid 24 times a day, not 288), at a 5-minute resolution within
# it: each step's starts follow the curve at the step's start.
SLOT_MS = HOUR_MS
START_STEP_MS = 300_000
STEPS_PER_SLOT = SLOT_MS // START_STEP_MS
DAY_MS = 86_400_000

# Relative session starts by local hour 0..23 (normalised to mean 1 below).
_DIURNAL = np.array([
    0.62, 0.40, 0.28, 0.22, 0.20, 0.21, 0.27, 0.36, 0.42, 0.46, 0.50, 0.55,
    0.62, 0.64, 0.64, 0.68, 0.76, 0.92, 1.12, 1.36, 1.55, 1.58, 1.32, 0.95,
])  # fmt: skip
DIURNAL = _DIURNAL / _DIURNAL.mean()
# Saturday and Sunday: a later morning, a daytime plateau, a broad evening.
_WEEKEND = np.array([
    0.85, 0.60, 0.40, 0.28, 0.22, 0.20, 0.22, 0.30, 0.48, 0.74, 0.92, 1.02,
    1.08, 1.10, 1.10, 1.10, 1.14, 1.20, 1.30, 1.40, 1.46, 1.44, 1.28, 1.06,
])  # fmt: skip
WEEKEND = _WEEKEND / _WEEKEND.mean()
# Hours each country's curve runs later than the reference (a US/UK/German evening).
PRIME_TIME_SHIFT_H = {"ES": 1.5, "MX": 0.5, "BR": 0.5, "IN": 0.5, "KR": 1.0, "JP": 0.5}
# Monday..Sunday.
_WEEKLY = np.array([0.93, 0.91, 0.93, 0.96, 1.05, 1.13, 1.09])
WEEKLY = _WEEKLY / _WEEKLY.mean()


@lru_cache(maxsize=65536)
def utc_offset_ms(timezone: str, utc_hour: int) -> int:
    """Offset of `timezone` from UTC at the start of the UTC hour (DST changes on the hour)."""
    moment = datetime.fromtimestamp(utc_hour * 3600, tz=UTC).astimezone(ZoneInfo(timezone))
    offset = moment.utcoffset()
    if offset is None:
        raise InvariantError(f"{timezone} has no UTC offset")
    return int(offset.total_seconds() * 1000)


def local_curve(
    timezones: tuple[str, ...], utc_ms: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """Relative viewing intensity (mean 1 over a week) at each UTC instant (rows) in each time
    zone (columns), interpolated between hours so the curve has no steps: the weekday or
    weekend shape, shifted to the zone's country's evening."""
    utc_ms = np.asarray(utc_ms, dtype=np.int64)
    hours = utc_ms // HOUR_MS
    unique_hours, hour_index = np.unique(hours, return_inverse=True)
    out = np.empty((len(utc_ms), len(timezones)))
    for g, tz in enumerate(timezones):
        offsets = np.array([utc_offset_ms(tz, int(h)) for h in unique_hours], dtype=np.int64)
        local = utc_ms + offsets[hour_index]
        weekday = (local // DAY_MS + 3) % 7  # 1970-01-01 was a Thursday
        local_hours = ((local % DAY_MS) / HOUR_MS - _shift(tz)) % 24
        h0 = local_hours.astype(np.int64) % 24
        frac = local_hours - np.floor(local_hours)
        shape = np.where((weekday >= 5)[:, None], WEEKEND, DIURNAL)  # (instants, 24)
        rows = np.arange(len(local))
        diurnal = shape[rows, h0] * (1 - frac) + shape[rows, (h0 + 1) % 24] * frac
        out[:, g] = diurnal * WEEKLY[weekday]
    return out


@lru_cache(maxsize=256)
def _shift(timezone: str) -> float:
    countries = {c.country for c in geo.CITIES if c.timezone == timezone}
    return max((PRIME_TIME_SHIFT_H.get(c, 0.0) for c in countries), default=0.0)


def congestion_factor(curve: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Throughput dips at prime time as access networks fill (up to about 15%)."""
    busy = np.clip((curve - 0.6) / (max(DIURNAL.max(), WEEKEND.max()) * WEEKLY.max() - 0.6),
                   0.0, 1.0)  # fmt: skip
    return np.asarray(1.0 - 0.15 * busy, dtype=np.float64)


def traffic_curve(
    config: GeneratorConfig, world: World, utc_ms: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    if config.traffic_shape == "flat":
        return np.ones((len(utc_ms), len(world.timezones)))
    return local_curve(world.timezones, utc_ms)
