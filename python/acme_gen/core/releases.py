"""Which app version a device runs when: a release stream per platform, each version
released on a date before any device runs it, and adopted along an S-curve.

Each platform's app ships on its own cadence (phones every two weeks, TV platforms every one
to two months, the web app weekly) and is named in its own scheme: a major number of its own
and a minor that counts its releases (as long-lived apps do: 8.120.0), so no two platforms
share a build, and the web build carries its release month. A device takes each release
after a lag of its own (log-normal: days on phones with auto-update, weeks on TVs, minutes
on the web where a reload serves the new build), so the share on a release rises as an
S-curve after its date and the version mix moves through a long backfill. App stores'
auto-updates install most releases within days (Apple App Store, Google Play staged
rollouts); smart-TV platforms update apps more slowly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from acme_gen.core import rand
from acme_gen.core.arrays import I32, I64, U64
from acme_gen.models import DEVICE_TYPES

DAY_MS = 86_400_000
MAX_LAG_DAYS = 240  # a device never updated in longer is past support: it updates then
FIRST_DAY = datetime(2020, 1, 1, tzinfo=UTC)  # the versions span the dates a lake may hold
LAST_DAY = datetime(2036, 1, 1, tzinfo=UTC)
_LAG = 0xD7  # hash stream of each device's update lag


@dataclass(frozen=True)
class ReleaseStream:
    name: str
    anchor: datetime  # the release named anchor_version
    anchor_version: tuple[int, int, int]  # (major, minor, patch); major 0: named by date
    period_days: int
    lag_median_days: float
    lag_sigma: float

    def releases(self) -> range:
        first = (FIRST_DAY - self.anchor).days // self.period_days
        last = (LAST_DAY - self.anchor).days // self.period_days
        return range(first, last + 1)

    def released(self, k: int) -> datetime:
        return self.anchor + timedelta(days=k * self.period_days)

    def version(self, k: int) -> str:
        major, minor, patch = self.anchor_version
        if not major:  # a web build: year.month.n, the n-th release of its month
            day = self.released(k)
            return f"{day.year}.{day.month:02d}.{(day.day - 1) // self.period_days + 1}"
        return f"{major}.{minor + k}.{(patch + k) % 4}"


STREAMS = (  # tvOS runs the iOS app (one code base); Fire TV the Android TV one
    ReleaseStream("ios", datetime(2026, 1, 8, tzinfo=UTC), (16, 200, 0), 14, 2.5, 1.0),
    ReleaseStream("android", datetime(2026, 1, 6, tzinfo=UTC), (8, 170, 2), 14, 3.0, 1.1),
    ReleaseStream("androidtv", datetime(2026, 1, 5, tzinfo=UTC), (6, 100, 1), 28, 8.0, 1.0),
    ReleaseStream("roku", datetime(2025, 12, 15, tzinfo=UTC), (5, 60, 0), 42, 6.0, 0.9),
    ReleaseStream("tizen", datetime(2025, 12, 1, tzinfo=UTC), (4, 60, 0), 56, 14.0, 1.0),
    ReleaseStream("webos", datetime(2025, 12, 8, tzinfo=UTC), (3, 60, 1), 56, 14.0, 1.0),
    ReleaseStream("web", datetime(2026, 1, 6, tzinfo=UTC), (0, 0, 0), 7, 0.02, 1.0),
)
# The app each (device type, OS) runs; every OS of a type not named runs the type's default.
_STREAM_OF = {
    ("mobile", "iOS"): "ios", ("mobile", "Android"): "android",
    ("tablet", "iPadOS"): "ios", ("tablet", "Android"): "android", ("tablet", "Fire OS"): "android",
    ("tv", "Roku OS"): "roku", ("tv", "Tizen"): "tizen", ("tv", "webOS"): "webos",
    ("tv", "Android TV"): "androidtv", ("tv", "Fire OS"): "androidtv", ("tv", "tvOS"): "ios",
}  # fmt: skip


def _vocabulary() -> tuple[tuple[str, ...], list[int], list[int]]:
    names: list[str] = []
    offsets, firsts = [], []
    for stream in STREAMS:
        offsets.append(len(names))
        firsts.append(stream.releases().start)
        names += [stream.version(k) for k in stream.releases()]
    return tuple(names), offsets, firsts


APP_VERSION_NAMES, _OFFSET, _FIRST = _vocabulary()
_INDEX = {s.name: i for i, s in enumerate(STREAMS)}
_ANCHOR_MS = np.array([int(s.anchor.timestamp() * 1000) for s in STREAMS], np.int64)
_PERIOD_MS = np.array([s.period_days * DAY_MS for s in STREAMS], np.int64)
_LAG_MEDIAN_MS = np.array([s.lag_median_days * DAY_MS for s in STREAMS])
_LAG_SIGMA = np.array([s.lag_sigma for s in STREAMS])
_COUNT = np.array([len(s.releases()) for s in STREAMS], np.int64)


def stream_table(os_names: tuple[str, ...]) -> np.ndarray:
    """(device types, OSes) -> the stream index (web for every OS of a browser)."""
    table = np.full((len(DEVICE_TYPES), len(os_names)), _INDEX["web"], np.int64)
    for (dtype, os), stream in _STREAM_OF.items():
        table[DEVICE_TYPES.index(dtype), os_names.index(os)] = _INDEX[stream]
    return table


def app_version(key: U64, device: I32, stream: I64, start_ms: I64) -> I32:
    """Each device's app version at `start_ms` (a code into APP_VERSION_NAMES): the latest
    release of its stream that its update lag has reached."""
    lag = _LAG_MEDIAN_MS[stream] * np.exp(_LAG_SIGMA[stream] * rand.normal(key, device, _LAG))
    lag = np.minimum(lag, MAX_LAG_DAYS * DAY_MS).astype(np.int64)
    k = np.floor_divide(start_ms - lag - _ANCHOR_MS[stream], _PERIOD_MS[stream])
    within = np.clip(k - np.asarray(_FIRST)[stream], 0, _COUNT[stream] - 1)
    return np.asarray(np.asarray(_OFFSET)[stream] + within, np.int32)


def released_ms(code: I32) -> I64:
    """When each version (a code into APP_VERSION_NAMES) was released."""
    stream = np.searchsorted(np.asarray(_OFFSET), code, side="right") - 1
    k = code - np.asarray(_OFFSET)[stream] + np.asarray(_FIRST)[stream]
    return np.asarray(_ANCHOR_MS[stream] + k * _PERIOD_MS[stream], np.int64)
