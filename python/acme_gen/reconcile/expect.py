"""What should have landed, given the declared faults, and which differences they explain.

The faults are a pure function of the configuration, like the events, so reconcile derives
the truth the backfill wrote to `_truth/` (and the truth of a stream, which writes none)
instead of trusting a file. Per kind, what a fault makes of an expected event:
- drop: it never lands (if it does, it is unexpected);
- malformed: it lands under errors/ instead (if not there, it is missing);
- duplicate: it lands twice once its copy is due, else once or twice;
- late: it lands in its event hour; if it is due after the window's end, it may be absent;
- out_of_order: it lands as usual (order is not kept in a lake);
- skew: it lands in the hour its device's clock claims. Skewed devices' rows are set aside
  and compared once, after the hours, as one group ("skewed clocks").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from acme_gen.config import GeneratorConfig
from acme_gen.core.events import EventBatch
from acme_gen.core.faults import (
    DROP,
    DUPLICATE,
    LATE,
    MALFORMED,
    NO_FAULT,
    device_skew_ms,
    event_faults,
    recorded,
)
from acme_gen.core.world import World
from acme_gen.lake.arrow import ArrowEncoder
from acme_gen.lake.landed import EVENT_SCHEMA
from acme_gen.scenario import FAULT_KINDS

_NAMES = np.array(FAULT_KINDS, dtype=object)


@dataclass
class Expected:
    """Expected rows as recorded (skew applied), with each row's fault and when it (or its
    duplicate copy) is due."""

    rows: pa.Table
    kind: np.ndarray
    due_ms: np.ndarray  # late: arrival; duplicate: the copy's arrival; otherwise event time
    recorded_ms: np.ndarray
    skewed: np.ndarray  # bool: the device's clock is off

    def take(self, mask: np.ndarray) -> Expected:
        return Expected(
            self.rows.filter(pa.array(mask)),
            self.kind[mask],
            self.due_ms[mask],
            self.recorded_ms[mask],
            self.skewed[mask],
        )

    @staticmethod
    def concat(parts: list[Expected]) -> Expected:
        return Expected(
            pa.concat_tables([p.rows for p in parts]) if parts else EVENT_SCHEMA.empty_table(),
            *(
                np.concatenate([getattr(p, f) for p in parts]) if parts else np.zeros(0)
                for f in ("kind", "due_ms", "recorded_ms", "skewed")
            ),
        )


class FaultView:
    def __init__(self, config: GeneratorConfig, world: World, encoder: ArrowEncoder) -> None:
        self.config, self.encoder = config, encoder
        devices = world.owned_devices(np.arange(world.n_customers, dtype=np.int32))
        offsets = device_skew_ms(config.faults, config.seed, devices)
        skewed = np.flatnonzero(offsets)
        text = world.device_id_text(devices[skewed])
        self.skewed_devices = pa.array(
            text.view(f"S{text.shape[1]}").ravel().astype(str), pa.string()
        )
        self.device_offsets = pa.array(offsets[skewed], pa.int64())

    def expected(self, batch: EventBatch) -> Expected:
        faults = event_faults(self.config.faults, self.config.seed, batch)
        shown = recorded(batch, faults)
        due = batch.ts_ms + np.where(np.isin(faults.kind, (LATE, DUPLICATE)), faults.delay_ms, 0)
        rows = self.encoder.events_table(shown).cast(EVENT_SCHEMA)
        return Expected(rows, faults.kind, due, shown.ts_ms, faults.skew_ms != 0)

    def split_landed(self, landed: pa.Table) -> tuple[pa.Table, pa.Table]:
        """(rows of devices with a right clock, rows of skewed devices)."""
        skewed = pc.is_in(landed["device_id"], value_set=self.skewed_devices)
        return landed.filter(pc.invert(skewed)), landed.filter(skewed)

    def true_ms(self, skewed_rows: pa.Table) -> np.ndarray:
        """Event times of skewed devices' landed rows, their clocks' offsets taken off."""
        where = pc.index_in(skewed_rows["device_id"], value_set=self.skewed_devices)
        offset = self.device_offsets.take(where).to_numpy(zero_copy_only=False)
        stamps = pc.cast(skewed_rows["event_timestamp"], pa.timestamp("ms", tz="UTC"))
        true_ms: np.ndarray = stamps.cast(pa.int64()).to_numpy() - offset
        return true_ms


@dataclass
class Settled:
    expected: pa.Table  # rows that must have landed, once each
    landed: pa.Table  # landed rows, declared copies and optional rows taken out
    explained: Counter[str]
    missing: pa.Array  # declared copies or error records that did not arrive


def settle(exp: Expected, landed: pa.Table, error_ids: pa.Array, end_ms: int) -> Settled:
    """Apply the declared faults to what is expected and to what landed, so that what still
    differs is unexplained; count what the faults explain."""
    ids = exp.rows["event_id"]
    explained: Counter[str] = Counter(_NAMES[exp.kind[exp.kind != NO_FAULT]].tolist())
    explained["skew"] += int(exp.skewed.sum())
    malformed = ids.filter(pa.array(exp.kind == MALFORMED))
    in_errors = pc.is_in(malformed, value_set=error_ids)
    missing = [malformed.filter(pc.invert(in_errors))]
    optional = ids.filter(pa.array((exp.kind == LATE) & (exp.due_ms >= end_ms)))
    must = ~np.isin(exp.kind, (DROP, MALFORMED)) & ~((exp.kind == LATE) & (exp.due_ms >= end_ms))
    landed = landed.filter(pc.invert(pc.is_in(landed["event_id"], value_set=optional)))

    dup = exp.kind == DUPLICATE
    if dup.any():
        copies_due = ids.filter(pa.array(dup & (exp.due_ms < end_ms)))
        landed, once = _one_copy_each(landed, ids.filter(pa.array(dup)))
        missing.append(pc.filter(copies_due, pc.is_in(copies_due, value_set=once)))
    return Settled(
        exp.rows.filter(pa.array(must)),
        landed,
        explained,
        pa.concat_arrays(
            [m.combine_chunks() if isinstance(m, pa.ChunkedArray) else m for m in missing]
        ),
    )


def _one_copy_each(landed: pa.Table, declared: pa.Array) -> tuple[pa.Table, pa.Array]:
    """Landed rows with one copy of each declared duplicate taken out, and the declared ids
    that landed only once."""
    position = pa.array(np.arange(landed.num_rows))
    marked = landed.select(["event_id"]).append_column("position", position)
    declared_rows = marked.filter(pc.is_in(marked["event_id"], value_set=declared))
    counts = declared_rows.group_by("event_id").aggregate(
        [("position", "max"), ("position", "count")]
    )
    twice = pc.greater(counts["position_count"], 1)
    extra = counts["position_max"].filter(twice)
    once = counts["event_id"].filter(pc.invert(twice))
    keep = pc.invert(pc.is_in(position, value_set=extra.combine_chunks()))
    return landed.filter(keep), once.combine_chunks()
