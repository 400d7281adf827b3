"""The one module that writes times as text: each form, and that they agree with each other
and with the vectorised event_timestamp encoder."""

from __future__ import annotations

import numpy as np

from acme_gen import time_labels as tl
from acme_gen.core.text import iso_millis_text

MS = 1_768_461_825_123  # 2026-01-15T07:23:45.123Z


def test_each_form() -> None:
    assert tl.partition_values(MS) == ("2026", "01", "15", "07")
    assert tl.partition_path(MS) == "year=2026/month=01/day=15/hour=07"
    assert tl.day_path(MS) == "year=2026/month=01/day=15"
    assert tl.hour_stamp(MS) == "2026011507"
    assert tl.hour_label(MS) == "2026-01-15T07"
    assert tl.iso_minute(MS) == "2026-01-15T07:23Z"
    assert tl.iso_millis(MS) == "2026-01-15T07:23:45.123Z"
    assert tl.iso_second(MS - 123) == "2026-01-15T07:23:45Z"


def test_round_trips() -> None:
    hour = MS // tl.HOUR_MS * tl.HOUR_MS
    assert tl.hour_ms_from_label(tl.hour_label(MS)) == hour
    assert tl.partition_hour_ms(f"s3://b/telemetry/{tl.partition_path(MS)}/f.parquet") == hour
    assert tl.partition_hour_ms("telemetry/year=2026/month=01/f.parquet") is None


def test_labels_are_slices_of_the_event_timestamp() -> None:
    """The partition fields of a record and Firehose's partition query both slice the
    event_timestamp: the slices must give the partition values of its hour."""
    rng = np.random.default_rng(3)
    for ms in rng.integers(0, 4_102_444_800_000, 500).tolist():
        stamp = iso_millis_text(np.array([ms])).view("S24").ravel().astype(str)[0]
        assert stamp == tl.iso_millis(ms)
        sliced = tuple(stamp[a:b] for a, b in tl.TIMESTAMP_SLICES)
        assert sliced == tl.partition_values(ms)
        assert stamp[:13] == tl.hour_label(ms)
