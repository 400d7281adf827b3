"""Physics: a device plays one session at a time, and a customer's simultaneous streams never
exceed the plan's stream limit.

Sittings (a drawn session and the parts that follow it, acme_gen.core.sittings) are drawn
per start slot independently of each other (a pure function of the slot), so two can land
on one device at once. The rule that removes them is itself pure. Draws are ranked by their
sitting's start (then the sitting's key, then the part): a draw is kept only if no
*earlier-ranked* draw (kept or not) on its device overlaps it, and fewer than its plan's
limit of earlier-ranked draws of its customer do; and a sitting stops at its first part that
is not kept. Kept draws are then a subset of pure draws in which no two overlap on a device
(the later-ranked one would have seen the other) and no customer exceeds the limit (at any
moment, the latest-ranked of the running draws saw all the others). Deciding a draw needs
only the sittings that started in the MAX_SESSION_MS before its own: any window is still a
pure function of its look-back, and never of later slots.
"""

from __future__ import annotations

import numpy as np

from acme_gen.core.arrays import I8, I32, I64, U64, B
from acme_gen.core.sessions import MAX_SESSION_MS
from acme_gen.invariants import check
from acme_gen.models import PLAN_STREAMS

PLAN_STREAM_LIMITS = PLAN_STREAMS  # by plan: basic, standard, premium
_DECIDED_TOGETHER = 500_000  # draws per part of a decision (parts split by customer)


def playable(
    customer: I32,
    device: I32,
    start_ms: I64,
    end_ms: I64,
    key: U64,
    limit: I8,
    sitting: U64,
    part: I8,
    sitting_start_ms: I64,
    decide: B,
) -> B:
    """For the draws at `decide`, whether they play under the rules above; the others are
    only context (the sittings started before). A sitting's parts are decided together.

    The rules never relate two customers (a device, a sitting and a plan are one customer's),
    so the draws are decided in parts by customer, which bounds the sorts' temporaries: a
    window's decision holds millions of draws."""
    columns = (customer, device, start_ms, end_ms, key, limit, sitting, part,
               sitting_start_ms, decide)  # fmt: skip
    parts = -(-len(customer) // _DECIDED_TOGETHER)
    if parts <= 1:
        return _decided(columns)
    out = np.zeros(len(customer), np.bool_)
    share = customer % parts
    for p in range(parts):
        at = np.flatnonzero(share == p)
        out[at] = _decided(tuple(c[at] for c in columns))
    return out


def _decided(columns: tuple[np.ndarray, ...]) -> B:
    """playable() over one part: the columns in its argument order."""
    customer, device, start_ms, end_ms, _key, limit, sitting, part, sitting_start_ms, decide = (
        columns
    )
    order = _rank_order(sitting_start_ms, sitting, part)  # the draws in rank order
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    on_device = _earlier_overlapping(device, start_ms, end_ms, sitting_start_ms, rank)
    of_customer = _earlier_overlapping(customer, start_ms, end_ms, sitting_start_ms, rank)
    allowed = (on_device == 0) & (of_customer < limit) & decide
    return _up_to_first_refusal(allowed, sitting, order)


def _rank_order(sitting_start_ms: I64, sitting: U64, part: I8) -> I64:
    """np.lexsort((part, sitting, sitting_start_ms)), by one stable argsort of the three
    packed into an int64 where they fit (a multi-key lexsort is several times slower, and
    deciding a window sorts millions of draws)."""
    if len(part) == 0 or int(part.min()) < 0:
        return np.lexsort((part, sitting, sitting_start_ms))
    keys, sitting_rank = np.unique(sitting, return_inverse=True)  # same order as the keys
    offset = sitting_start_ms - sitting_start_ms.min()
    part_bits = int(part.max()).bit_length()
    sitting_bits = len(keys).bit_length()
    if int(offset.max()).bit_length() + sitting_bits + part_bits > 62:
        return np.lexsort((part, sitting, sitting_start_ms))
    packed = (offset << (sitting_bits + part_bits)) | (sitting_rank.astype(np.int64) << part_bits)
    return np.argsort(packed | part.astype(np.int64), kind="stable")


def _earlier_overlapping(group: I32, start_ms: I64, end_ms: I64, sitting_start_ms: I64,
                         rank: I64) -> I64:  # fmt: skip
    """How many earlier-ranked draws of the same group (device or customer) overlap each."""
    # np.lexsort((rank, group)), packed into one key: ids are >= 0 and rank < 2**32
    check(len(group) == 0 or int(group.min()) >= 0, "a negative device or customer id")
    order = np.argsort((group.astype(np.int64) << 32) | rank)
    grp, start, end = group[order], start_ms[order], end_ms[order]
    began = sitting_start_ms[order]
    count = np.zeros(len(order), np.int64)
    lag = 1
    while lag < len(order):
        # Draws `lag` apart in a group's rank order whose sittings began close enough for
        # them to overlap at all (a sitting's draws end within MAX_SESSION_MS of its start).
        near = (grp[lag:] == grp[:-lag]) & (began[lag:] - began[:-lag] < MAX_SESSION_MS)
        if not near.any():
            break  # further apart still: nothing earlier can overlap
        count[lag:] += near & (start[:-lag] < end[lag:]) & (end[:-lag] > start[lag:])
        lag += 1
    out = np.empty(len(order), np.int64)
    out[order] = count
    return out


def _up_to_first_refusal(allowed: B, sitting: U64, order: I64) -> B:
    """A part plays only if it and every earlier part of its sitting may. `order`: the rank
    order, in which a sitting's parts are adjacent (they share its start) and by part."""
    group = np.cumsum(np.r_[True, sitting[order][1:] != sitting[order][:-1]]) - 1
    # Refusals so far within each sitting: a running count, restarted per sitting.
    refused = np.cumsum(~allowed[order])
    before = np.r_[0, refused][np.searchsorted(group, group, side="left")]
    out = np.empty(len(order), np.bool_)
    out[order] = (refused - before) == 0
    return out
