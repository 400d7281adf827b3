"""When people watch, by country and day: each country's evening keeps its own clock
(Spain's prime time is later), and weekends have their own shape, with daytime viewing."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np

from acme_gen.core.traffic import DAY_MS, local_curve

WEDNESDAY = 1_768_348_800_000  # 2026-01-14T00:00Z
STEP = 300_000


def _by_local_hour(tz: str, weekday: int) -> np.ndarray:
    """Mean curve per local hour 0..23 over the instants of a January week whose local
    weekday (Monday 0) is `weekday`."""
    instants = np.arange(WEDNESDAY - DAY_MS, WEDNESDAY + 8 * DAY_MS, STEP, dtype=np.int64)
    curve = local_curve((tz,), instants)[:, 0]
    local = [datetime.fromtimestamp(t / 1000, tz=UTC).astimezone(ZoneInfo(tz)) for t in instants]
    hour = np.array([d.hour for d in local])
    on_day = np.array([d.weekday() == weekday for d in local])
    return np.array([curve[on_day & (hour == h)].mean() for h in range(24)])


def test_the_curve_keeps_a_mean_of_one_over_a_week_in_every_zone() -> None:
    instants = np.arange(WEDNESDAY, WEDNESDAY + 7 * DAY_MS, STEP, dtype=np.int64)
    curve = local_curve(("America/New_York", "Europe/Madrid", "Asia/Seoul"), instants)
    assert np.allclose(curve.mean(axis=0), 1.0, atol=0.01)


def test_spains_evening_peaks_later_than_americas() -> None:
    spain = _by_local_hour("Europe/Madrid", 2)
    america = _by_local_hour("America/New_York", 2)
    assert int(np.argmax(spain)) >= 22 > int(np.argmax(america)) >= 20
    assert spain[23] > america[23] and spain[19] < america[19]


def test_weekends_have_daytime_viewing_not_a_scaled_weekday() -> None:
    for tz in ("America/New_York", "Europe/London"):
        saturday, wednesday = _by_local_hour(tz, 5), _by_local_hour(tz, 2)
        daytime = slice(10, 17)
        day_share = saturday[daytime].sum() / saturday.sum()
        assert day_share > 1.3 * (wednesday[daytime].sum() / wednesday.sum())
        # The evening still peaks, but more broadly than on a workday.
        assert int(np.argmax(saturday)) >= 19
        assert saturday.max() / saturday.mean() < wednesday.max() / wednesday.mean()
