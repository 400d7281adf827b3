"""Every text form of a time that the lake, its file names and the commands use, in one place.

All times are UTC milliseconds since the epoch. An event's partition is the hour of its own
event_timestamp, written as zero-padded strings (year=2026/month=01/day=15/hour=07), which is
how Firehose's dynamic partitioning, Glue, Athena and the Iceberg table all name it. A test in
tests/unit/test_architecture.py keeps these formats out of every other module.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

HOUR_MS = 3_600_000
PARTITION_KEYS = ("year", "month", "day", "hour")
# Where each partition value sits in an event_timestamp (2026-01-15T07:...): year, month, ...
TIMESTAMP_SLICES = ((0, 4), (5, 7), (8, 10), (11, 13))
# year=2026/month=01/day=15/hour=07 anywhere in a path: the four values
PARTITION_PATTERN = re.compile(r"year=(\d{4})/month=(\d{2})/day=(\d{2})/hour=(\d{2})/")


def _utc(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def partition_values(ms: int) -> tuple[str, str, str, str]:
    """('2026', '01', '15', '07'): the partition of the hour holding `ms`."""
    t = _utc(ms)
    return f"{t:%Y}", f"{t:%m}", f"{t:%d}", f"{t:%H}"


def partition_path(ms: int) -> str:
    """year=2026/month=01/day=15/hour=07"""
    return "/".join(f"{k}={v}" for k, v in zip(PARTITION_KEYS, partition_values(ms), strict=True))


def day_path(ms: int) -> str:
    """year=2026/month=01/day=15 (Firehose's error output is partitioned by day)"""
    return partition_path(ms).rsplit("/", 1)[0]


def partition_hour_ms(path: str, pattern: re.Pattern[str] = PARTITION_PATTERN) -> int | None:
    """The start of the hour a year=/month=/day=/hour=/ path names (`pattern`: one that
    starts with PARTITION_PATTERN's groups), or None."""
    match = pattern.search(path)
    if not match:
        return None
    y, m, d, h = map(int, match.groups())
    return int(datetime(y, m, d, h, tzinfo=UTC).timestamp() * 1000)


def hour_stamp(ms: int) -> str:
    """2026011507: the hour in file names (backfill-2026011507-..., -arrived-2026011508)."""
    return f"{_utc(ms):%Y%m%d%H}"


def hour_label(ms: int) -> str:
    """2026-01-15T07: the first 13 characters of the event_timestamps of that hour."""
    return f"{_utc(ms):%Y-%m-%dT%H}"


def hour_ms_from_label(label: str) -> int:
    """The start of the hour a 2026-01-15T07 label names."""
    return int(datetime.fromisoformat(f"{label}:00+00:00").timestamp() * 1000)


def iso_minute(ms: int) -> str:
    """2026-01-15T07:00Z: incident times and hour rows in reports."""
    return f"{_utc(ms):%Y-%m-%dT%H:%M}Z"


def iso_second(ms: int) -> str:
    """2026-01-15T07:23:45Z (with the fraction when there is one): a manifest's range."""
    return _utc(ms).isoformat().replace("+00:00", "Z")


def iso_millis(ms: int) -> str:
    """2026-01-15T07:23:45.123Z: the event_timestamp format (text.py encodes it vectorised)."""
    return f"{_utc(ms):%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z"


def day_tick(label: str) -> str:
    """'Thu 15 Jan' for a 2026-01-15 day label: a chart's day axis, read horizontally."""
    return f"{datetime.fromisoformat(label):%a %d %b}"


def hour_tick(label: str, with_day: bool) -> str:
    """'20:00' for a 2026-01-15T20 hour label, or '20:00\\nThu 15 Jan' where a day begins."""
    hour = f"{label[11:13]}:00"
    return f"{hour}\n{day_tick(label[:10])}" if with_day else hour
