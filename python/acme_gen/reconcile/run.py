"""Reconcile a window hour by hour: regenerate what each hour should hold (with the declared
faults applied, see expect.py) and compare it with what landed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from acme_gen.config import GeneratorConfig
from acme_gen.core.faults import MALFORMED, NO_FAULT
from acme_gen.core.generator import TelemetryGenerator, hour_steps
from acme_gen.lake.arrow import ArrowEncoder
from acme_gen.lake.landed import (
    EVENT_SCHEMA,
    error_ids_by_hour,
    files_by_hour,
    landed_by_hour,
)
from acme_gen.lake.store import Lake
from acme_gen.lake.truth import read_faults
from acme_gen.reconcile.compare import HourReport, compare, first_ids
from acme_gen.reconcile.expect import Expected, FaultView, settle
from acme_gen.scenario import FAULT_KINDS
from acme_gen.time_labels import HOUR_MS, hour_label, iso_millis, iso_minute


def reconcile(
    lake: Lake, config: GeneratorConfig, start_ms: int, end_ms: int
) -> Iterator[HourReport]:
    """Hour by hour over [start, end): only two landed partitions and one expected hour are
    in memory at a time (and, with skewed clocks, the skewed devices' rows)."""
    generator = TelemetryGenerator(config)
    encoder = ArrowEncoder(generator.world)
    errors, _ = error_ids_by_hour(lake)
    all_errors = pa.array(sorted(set().union(*errors.values())), pa.string())
    view = FaultView(config, generator.world, encoder) if config.faults.any() else None
    skewed_expected: list[Expected] = []
    skewed_landed: list[pa.Table] = []
    hours = list(range(start_ms // HOUR_MS * HOUR_MS, end_ms, HOUR_MS))
    for hour, landed in landed_by_hour(lake, hours, files_by_hour(lake)):
        lo, hi = max(hour, start_ms), min(hour + HOUR_MS, end_ms)
        batches = [generator.window(a, b) for a, b in hour_steps(config, hour, lo, hi)]
        if lo != hour or hi != hour + HOUR_MS:  # the window cuts this hour
            stamps = landed["event_timestamp"].to_numpy(zero_copy_only=False)
            keep = (stamps >= iso_millis(lo)) & (stamps < iso_millis(hi))
            landed = landed.filter(pa.array(keep))
        label, failed = iso_minute(hour), errors.get(hour_label(hour), set())
        if view is None:
            expected = pa.concat_tables([encoder.events_table(b) for b in batches])
            yield compare(expected.cast(EVENT_SCHEMA), landed, failed, label)
            continue
        exp = Expected.concat([view.expected(b) for b in batches])
        skewed_expected.append(exp.take(exp.skewed))
        landed, off_clock = view.split_landed(landed)
        skewed_landed.append(off_clock)
        yield _settled_report(exp.take(~exp.skewed), landed, all_errors, failed, label, end_ms)
    if view is not None and view.skewed_devices:
        yield _skew_report(view, skewed_expected, skewed_landed, all_errors, start_ms, end_ms)


def _settled_report(
    exp: Expected,
    landed: pa.Table,
    all_errors: pa.Array,
    failed: set[str],
    label: str,
    end_ms: int,
) -> HourReport:
    settled = settle(exp, landed, all_errors, end_ms)
    declared = set(exp.rows["event_id"].filter(pa.array(exp.kind == MALFORMED)).to_pylist())
    report = compare(settled.expected, settled.landed, failed - declared, label)
    report.expected = exp.rows.num_rows
    report.explained = dict(settled.explained)
    if len(settled.missing):
        report.missing += len(settled.missing)
        report.examples["missing"] = first_ids(settled.missing)
    return report


def _skew_report(
    view: FaultView,
    expected: list[Expected],
    landed: list[pa.Table],
    all_errors: pa.Array,
    start_ms: int,
    end_ms: int,
) -> HourReport:
    """The skewed devices' rows over the whole window: those whose clock puts them inside
    the hours read must have landed there; landed rows generated outside the window are
    another window's."""
    exp = Expected.concat(expected)
    first_hour = start_ms // HOUR_MS * HOUR_MS
    readable = (exp.recorded_ms >= first_hour) & (exp.recorded_ms < end_ms)
    outside = exp.take(~readable)
    rows = pa.concat_tables(landed) if landed else EVENT_SCHEMA.empty_table()
    true_ms = view.true_ms(rows)
    rows = rows.filter(pa.array((true_ms >= start_ms) & (true_ms < end_ms)))
    report = _settled_report(exp.take(readable), rows, all_errors, set(), "skewed clocks", end_ms)
    # Outside the hours read, a skewed row cannot be checked: its faults are only counted.
    faulty = outside.kind[outside.kind != NO_FAULT]
    for kind, n in Counter(np.array(FAULT_KINDS)[faulty].tolist()).items():
        report.explained[kind] = report.explained.get(kind, 0) + n
    report.explained["skew"] = report.explained.get("skew", 0) + len(outside.kind)
    if len(outside.kind):
        report.explained["skew_outside_window"] = len(outside.kind)
    return report


def truth_check(lake: Lake, explained: dict[str, int], start_ms: int, end_ms: int) -> str | None:
    """Whether the faults the lake declares in _truth/faults (for events in the window) are
    the ones the configuration implies; None when the lake declares none."""
    truth = read_faults(lake)
    if truth is None:
        return None
    stamps = truth["event_timestamp"]
    inside = pc.and_(
        pc.greater_equal(stamps, iso_millis(start_ms)), pc.less(stamps, iso_millis(end_ms))
    )
    declared = Counter(truth.filter(inside)["fault"].to_pylist())
    implied = {k: n for k, n in explained.items() if k in FAULT_KINDS and n}
    if dict(declared) == implied:
        return f"agrees: _truth/faults declares the {declared.total():,} faults implied"
    return (
        f"differs: _truth/faults declares {dict(sorted(declared.items()))}, "
        f"the configuration implies {dict(sorted(implied.items()))}"
    )
