"""Faults: which events the pipeline mistreats, and how, as a pure function of the event.

Per-event faults (duplicate, drop, late, malformed, out_of_order; one at most per event) hash
from the event's own (session key, index), as every per-event draw does, so an event's fault
does not depend on the window, the worker or the engine that generates it. Skew is a
device's clock, off by a stable offset: it hashes from (seed, device), and shifts every
event_timestamp of that device.

Distributions (each clipped to a plausible range):
- duplicate: an at-least-once retry; the copy follows after a log-normal delay (median 2 s:
  a producer's retry timeout, with a tail to minutes for a retried Lambda invocation);
- late: a device offline, then flushing its buffer; Pareto(1) from 5 minutes, capped at 6
  hours (median 10 minutes, a heavy tail to hours);
- skew: most clocks drift by minutes (log-normal, median 4 minutes, behind twice as often
  as ahead); one in five is off by whole hours (a time zone applied twice), up to 5 hours;
- malformed: wrong type, truncated JSON, or a missing event_timestamp (Firehose can neither
  convert nor partition it);
- out_of_order: the record is held back until the next event of its session is sent
  (stream only): never the last event of a session, which has no next one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from acme_gen.core import rand
from acme_gen.core.arrays import F64, I8, I32, I64
from acme_gen.core.events import COMPLETE, STOP, EventBatch
from acme_gen.scenario import FAULT_KINDS, FaultRates
from acme_gen.time_labels import HOUR_MS

NO_FAULT = -1
DUPLICATE, DROP, LATE, SKEW, MALFORMED, OUT_OF_ORDER = (FAULT_KINDS.index(k) for k in FAULT_KINDS)
PER_EVENT = (DUPLICATE, DROP, LATE, MALFORMED, OUT_OF_ORDER)  # drawn per event, exclusive
MALFORMED_VARIANTS = ("wrong type", "truncated", "missing event_timestamp")

# Hash streams of the fault draws (the event streams of acme_gen.core.events are 1-8).
_KIND, _DELAY, _VARIANT, _SKEW_PICK, _SKEW_SIZE, _SKEW_HOURS = 101, 102, 103, 104, 105, 106

MINUTE_MS = 60_000
DUPLICATE_DELAY_MS = (100, 15 * MINUTE_MS)
LATE_DELAY_MS = (5 * MINUTE_MS, 6 * HOUR_MS)
MAX_SKEW_MS = 5 * HOUR_MS + 30 * MINUTE_MS


@dataclass(frozen=True)
class EventFaults:
    """The faults of a batch's events, aligned with them."""

    kind: I8  # a PER_EVENT kind, or NO_FAULT
    delay_ms: I64  # duplicate: the copy's delay; late: the arrival's; otherwise 0
    skew_ms: I64  # the device's clock offset (recorded = true + skew); 0 if right
    variant: I8  # malformed: index into MALFORMED_VARIANTS; otherwise -1

    def __len__(self) -> int:
        return len(self.kind)

    def take(self, index: npt.NDArray[np.integer]) -> EventFaults:
        return EventFaults(
            self.kind[index], self.delay_ms[index], self.skew_ms[index], self.variant[index]
        )

    def any(self) -> bool:
        return bool((self.kind != NO_FAULT).any() or self.skew_ms.any())


def event_faults(rates: FaultRates, seed: int, batch: EventBatch) -> EventFaults:
    n = len(batch)
    base = rand.event_base(batch.sessions.key[batch.session], batch.seq)
    u = rand.uniform(base, None, _KIND)
    bounds = np.cumsum([getattr(rates, FAULT_KINDS[k]) for k in PER_EVENT])
    kind = np.asarray(PER_EVENT, dtype=np.int8)[np.minimum(np.searchsorted(bounds, u, "right"),
                                                           len(PER_EVENT) - 1)]  # fmt: skip
    kind = np.where(u < bounds[-1], kind, NO_FAULT).astype(np.int8)
    final = (batch.event_type == STOP) | (batch.event_type == COMPLETE)
    kind[(kind == OUT_OF_ORDER) & final] = NO_FAULT

    v = rand.uniform(base, None, _DELAY)
    delay = np.zeros(n, dtype=np.int64)
    dup = kind == DUPLICATE
    delay[dup] = _clip(2_000 * np.exp(2.0 * _probit(v[dup])), DUPLICATE_DELAY_MS)
    late = kind == LATE
    delay[late] = _clip(LATE_DELAY_MS[0] / v[late], LATE_DELAY_MS)
    variant = np.where(
        kind == MALFORMED,
        (rand.uniform(base, None, _VARIANT) * len(MALFORMED_VARIANTS)).astype(np.int8),
        -1,
    ).astype(np.int8)
    skew = device_skew_ms(rates, seed, batch.sessions.device[batch.session])
    return EventFaults(kind, delay, skew, variant)


def device_skew_ms(rates: FaultRates, seed: int, device: I32) -> I64:
    """Each device's clock offset in ms (0 for the devices whose clock is right)."""
    if rates.skew == 0:
        return np.zeros(len(device), dtype=np.int64)
    key = device.astype(np.uint64) ^ rand.mix64(np.array([seed], dtype=np.uint64))[0]
    skewed = rand.uniform(key, None, _SKEW_PICK) < rates.skew
    size = rand.uniform(key, None, _SKEW_SIZE)
    ahead = size < 1 / 3  # behind (negative) twice as often as ahead
    drift = 240_000 * np.exp(1.5 * _probit(rand.uniform(key, None, _SKEW_HOURS)))
    hours = 1 + (size * 15).astype(np.int64) % 5  # 1-5 whole hours
    zone = size > 0.8
    magnitude = np.where(zone, hours * HOUR_MS, _clip(drift, (1_000, MAX_SKEW_MS)))
    return np.where(skewed, np.where(ahead, magnitude, -magnitude), 0).astype(np.int64)


def recorded(batch: EventBatch, faults: EventFaults) -> EventBatch:
    """The batch as its devices record it: each event_timestamp off by its device's skew."""
    if not faults.skew_ms.any():
        return batch
    return replace(batch, ts_ms=batch.ts_ms + faults.skew_ms)


def _clip(values: F64, bounds: tuple[int, int]) -> I64:
    return np.clip(values, *bounds).astype(np.int64)


def _probit(u: F64) -> F64:
    """Approximate standard normal quantiles of u (the logistic's, scaled): numpy has no
    erfinv, and a delay's shape needs no more."""
    return np.log(u / (1 - u)) / 1.702
