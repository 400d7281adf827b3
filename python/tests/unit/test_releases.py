"""App versions: a release stream per platform, no build run before its release, adoption
that rises along an S-curve after each release."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import numpy as np
import pyarrow as pa

from acme_gen.core import releases
from acme_gen.core.platforms import OS_NAMES
from acme_gen.core.releases import APP_VERSION_NAMES, STREAMS, app_version, released_ms
from acme_gen.models import DEVICE_TYPES

KEY = np.array([4], np.uint64)
DAY_MS = 86_400_000


def _ms(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000)


def _stream(name: str) -> int:
    return [s.name for s in STREAMS].index(name)


def test_no_two_platforms_share_a_build_and_every_stream_moves_forward() -> None:
    assert len(set(APP_VERSION_NAMES)) == len(APP_VERSION_NAMES)
    for stream in STREAMS:
        ks = stream.releases()
        assert [stream.released(k) for k in ks] == sorted(stream.released(k) for k in ks)
    tv = releases.stream_table(OS_NAMES)[DEVICE_TYPES.index("tv")]
    assert len(set(tv.tolist())) >= 5, "TV platforms run apps of their own"


def test_a_device_never_runs_a_build_before_its_release() -> None:
    rng = np.random.default_rng(1)
    device = rng.integers(0, 10**8, 50_000).astype(np.int32)
    stream = rng.integers(0, len(STREAMS), 50_000)
    start = rng.integers(_ms("2020-03-01"), _ms("2035-12-01"), 50_000)
    code = app_version(KEY, device, stream, start)
    assert (released_ms(code) <= start).all()
    web = stream == _stream("web")
    names = np.array(APP_VERSION_NAMES)[code[web]][:2000]
    for name, t in zip(names, start[web][:2000], strict=True):  # a web build names its month
        year, month, _ = (int(x) for x in name.split("."))
        moment = datetime.fromtimestamp(t / 1000, tz=UTC)
        assert (year, month) <= (moment.year, moment.month)


def test_adoption_rises_along_an_s_curve_after_each_release() -> None:
    device = np.arange(20_000, dtype=np.int32)
    stream = np.full(20_000, _stream("android"))
    release = APP_VERSION_NAMES.index("8.170.2")  # released 2026-01-06
    shares = []
    for day in ("2026-01-06T12:00", "2026-01-07", "2026-01-09", "2026-01-13", "2026-01-19"):
        code = app_version(KEY, device, stream, np.full(20_000, _ms(day)))
        shares.append(float(np.mean(code >= release)))
    assert shares == sorted(shares) and shares[0] < 0.2 and shares[-1] > 0.8, shares
    tv = np.full(20_000, _stream("tizen"))
    tizen_then = app_version(KEY, device, tv, np.full(20_000, _ms("2026-01-19")))
    newest = app_version(KEY, device, tv, np.full(20_000, _ms("2027-01-01"))).min()
    assert np.mean(tizen_then == tizen_then.max()) < shares[-1], "TVs update more slowly"
    assert newest > tizen_then.max()


def test_no_build_in_the_lake_is_dated_after_its_event(two_days: pa.Table) -> None:
    seen = duckdb.sql(
        "SELECT app_version, device_os, device_type, MIN(event_timestamp) AS first_seen "
        "FROM two_days GROUP BY ALL"
    ).fetchall()
    released = dict(zip(APP_VERSION_NAMES, released_ms(np.arange(len(APP_VERSION_NAMES))).tolist(),
                        strict=True))  # fmt: skip
    for version, _os, _type, first_seen in seen:
        moment = datetime.fromisoformat(str(first_seen).replace("Z", "+00:00"))
        assert released[version] <= moment.timestamp() * 1000, (version, first_seen)
    by_os: dict[tuple[str, str], set[str]] = {}
    for version, os, device_type, _ in seen:
        by_os.setdefault((device_type, os), set()).add(version)
    assert not by_os["mobile", "iOS"] & by_os["mobile", "Android"]
    assert len({v for (t, _), vs in by_os.items() if t == "tv" for v in vs}) >= 5
