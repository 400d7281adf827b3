"""Physics: a device plays one session at a time, and a customer's simultaneous streams never
exceed the plan's stream limit.

Sessions are drawn per start slot independently of each other (a pure function of the
slot), so two can land on one device at once. The rule that removes them is itself pure: a
drawn session is kept only if no *earlier drawn* session (kept or not) on its device is
still running when it starts, and fewer than its plan's limit of earlier drawn sessions of
its customer are. Kept sessions are then a subset of pure draws in which no two overlap on a
device and no customer exceeds the limit (if two kept sessions overlapped, the later one
would have seen the earlier running), and deciding a session needs only the sessions drawn
in the MAX_SESSION_MS before it: any window is still a pure function of its look-back.

Not yet applied by the generator: applying it needs the refused share calibrated (so that
volumes hold) and a world sized to the volume, which at load-test rates must be drawn on
demand rather than materialised (see the README's calibration table).
"""

from __future__ import annotations

import numpy as np

from acme_gen.core.arrays import I8, I32, I64, U64, B
from acme_gen.core.sessions import MAX_SESSION_MS
from acme_gen.models import PLAN_STREAMS

PLAN_STREAM_LIMITS = PLAN_STREAMS  # by plan: basic, standard, premium


def playable(
    customer: I32, device: I32, start_ms: I64, end_ms: I64, key: U64, limit: I8, decide: B
) -> B:
    """For the sessions at `decide`, whether they play under the rules above; the others
    are only context (earlier draws). Earlier means an earlier start, ties broken by key."""
    order = np.lexsort((key, start_ms))  # the draws in time order
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    free = _device_free(device, start_ms, end_ms, rank)
    within = _below_limit(customer, start_ms, end_ms, rank, limit)
    return np.asarray(free & within & decide, dtype=np.bool_)


def _device_free(device: I32, start_ms: I64, end_ms: I64, rank: I64) -> B:
    """No earlier draw on the device is still running at the start."""
    order = np.lexsort((rank, device))
    dev, start, end = device[order], start_ms[order], end_ms[order]
    first = np.r_[True, dev[1:] != dev[:-1]]
    # Running maximum of the earlier ends within each device: offset each device's ends so
    # the groups increase, then one maximum.accumulate over all of them.
    base = int(end.min()) if len(end) else 0
    span = int(end.max()) - base + 1 if len(end) else 1
    group = np.cumsum(first) - 1
    lifted = (end - base) + group.astype(np.int64) * span
    running = np.maximum.accumulate(lifted)
    earlier = np.r_[np.int64(-1), running[:-1]] - group * span  # the previous element's
    busy = ~first & (earlier + base > start)
    out = np.empty(len(order), np.bool_)
    out[order] = ~busy
    return out


def _below_limit(customer: I32, start_ms: I64, end_ms: I64, rank: I64, limit: I8) -> B:
    """Fewer than the customer's stream limit of earlier draws are running at the start."""
    order = np.lexsort((rank, customer))
    cust, start, end = customer[order], start_ms[order], end_ms[order]
    running = np.zeros(len(order), np.int64)
    lag = 1
    while lag < len(order):
        # Draws `lag` apart in a customer's time order, close enough to overlap at all.
        near = (cust[lag:] == cust[:-lag]) & (start[lag:] - start[:-lag] < MAX_SESSION_MS)
        if not near.any():
            break  # further apart still: nothing earlier can be running
        running[lag:] += near & (end[:-lag] > start[lag:])
        lag += 1
    out = np.empty(len(order), np.bool_)
    out[order] = running < limit[order]
    return out
