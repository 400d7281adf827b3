"""When people watch: a diurnal and weekly curve in each customer's local time.

Shape after published SVOD/ISP traffic profiles (e.g. Sandvine's Global Internet Phenomena
reports): a trough around 4-5 am, a prime-time peak at 8-10 pm several times the trough, and
higher weekend viewing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from acme_gen.config import GeneratorConfig
from acme_gen.core.world import World
from acme_gen.invariants import InvariantError
from acme_gen.time_labels import HOUR_MS

SLOT_MS = 300_000  # sessions are seeded by 5-minute start slot
DAY_MS = 86_400_000

# Relative session starts by local hour 0..23 (normalised to mean 1 below).
_DIURNAL = np.array([
    0.62, 0.40, 0.28, 0.22, 0.20, 0.21, 0.27, 0.36, 0.42, 0.46, 0.50, 0.55,
    0.62, 0.64, 0.64, 0.68, 0.76, 0.92, 1.12, 1.36, 1.55, 1.58, 1.32, 0.95,
])  # fmt: skip
DIURNAL = _DIURNAL / _DIURNAL.mean()
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
    zone (columns), interpolated between hours so the curve has no steps."""
    utc_ms = np.asarray(utc_ms, dtype=np.int64)
    hours = utc_ms // HOUR_MS
    unique_hours, hour_index = np.unique(hours, return_inverse=True)
    out = np.empty((len(utc_ms), len(timezones)))
    for g, tz in enumerate(timezones):
        offsets = np.array([utc_offset_ms(tz, int(h)) for h in unique_hours], dtype=np.int64)
        local = utc_ms + offsets[hour_index]
        local_hours = (local % DAY_MS) / HOUR_MS
        h0 = local_hours.astype(np.int64) % 24
        frac = local_hours - np.floor(local_hours)
        diurnal = DIURNAL[h0] * (1 - frac) + DIURNAL[(h0 + 1) % 24] * frac
        weekday = (local // DAY_MS + 3) % 7  # 1970-01-01 was a Thursday
        out[:, g] = diurnal * WEEKLY[weekday]
    return out


def congestion_factor(curve: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Throughput dips at prime time as access networks fill (up to about 15%)."""
    busy = np.clip((curve - 0.6) / (DIURNAL.max() * WEEKLY.max() - 0.6), 0.0, 1.0)
    return np.asarray(1.0 - 0.15 * busy, dtype=np.float64)


def traffic_curve(
    config: GeneratorConfig, world: World, utc_ms: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    if config.traffic_shape == "flat":
        return np.ones((len(utc_ms), len(world.timezones)))
    return local_curve(world.timezones, utc_ms)
