"""Stage two of generation: expand planned sessions into the events that fall in a window.

Every per-event draw is hashed from (session key, event index, stream) and every running
total is integer arithmetic, so an event's values do not depend on which other sessions are
expanded with it: generating a window whole or in pieces gives identical events.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from acme_gen.core import rand
from acme_gen.core.arrays import F64, I8, I32, I64
from acme_gen.core.sessions import (
    MAX_STALL_SECONDS,
    MAX_STALLS_PER_SEGMENT,
    PLAYED,
    START_FAILURE,
    SessionPlan,
    SessionRefs,
    events_per_session,
)
from acme_gen.models import EVENT_TYPES, QUALITIES

# Hash streams: one per kind of per-event draw.
_SEGMENT, _PAUSE, _STALLS, _STALL_LENGTH, _ERRORS, _BANDWIDTH = 1, 2, 3, 4, 5, 6
EVENT_ID_HI, EVENT_ID_LO = 7, 8
_WEIGHT_UNITS = float(2**20)  # fixed-point weights keep running sums exact

START, PAUSE, RESUME, STOP, COMPLETE = (EVENT_TYPES.index(t) for t in EVENT_TYPES)
# Bitrate ladder: the lowest throughput (Mbit/s) each quality needs, after common
# encoding ladders (HD ~5 Mbit/s, 4K ~15 Mbit/s).
QUALITY_MIN_MBPS = {"SD": 0.0, "HD": 5.0, "4K": 16.0}
_LADDER = np.array([QUALITY_MIN_MBPS[q] for q in QUALITIES[1:]])


@dataclass(frozen=True)
class EventBatch:
    """Events as columns; session-level columns are looked up through `session`."""

    sessions: SessionRefs
    session: I32  # index into `sessions`
    seq: I32  # index of the event within its session
    ts_ms: I64
    event_type: I8
    bandwidth: F64
    quality: I8
    buffering_events: I32
    buffering_seconds: F64
    error_count: I32
    watch_seconds: I32
    position_seconds: I32
    completion: F64

    def __len__(self) -> int:
        return len(self.ts_ms)

    def take(self, index: npt.NDArray[np.integer]) -> EventBatch:
        per_event = {
            f.name: getattr(self, f.name)[index] for f in fields(self) if f.name != "sessions"
        }
        return EventBatch(sessions=self.sessions, **per_event)


def _grouped_cumsum(values: I64, first: I64, session: I32) -> I64:
    """Running sum within each session (exact: integers only)."""
    total = np.cumsum(values)
    before = total[first] - values[first]
    return total - before[session]


def expand(plan: SessionPlan, runtime: I32, start_ms: int, end_ms: int) -> EventBatch:
    """Events with start_ms <= event time < end_ms, ordered by time.

    `runtime` is the title runtime (seconds) of each planned session.
    """
    reach = (plan.start_ms < end_ms) & (plan.latest_end_ms >= start_ms)
    p = plan if reach.all() else plan.take(reach)
    runtime = runtime if reach.all() else runtime[reach]
    n_events = events_per_session(p)
    first = np.cumsum(n_events) - n_events
    session = np.repeat(np.arange(len(p), dtype=np.int32), n_events)
    seq = (np.arange(int(n_events.sum())) - first[session]).astype(np.int32)
    key = rand.event_base(p.key[session], seq)  # per-event draws hash from this
    played = (p.outcome == PLAYED)[session]
    odd = (seq & 1) == 1  # pause or end: closes a stretch of playback
    last = seq == (n_events[session] - 1)

    # Split the session's watch time over its playback stretches (Dirichlet(1, ..., 1)).
    playback = odd & played
    weight = np.where(playback, (-np.log(rand.uniform(key, None, _SEGMENT)) * _WEIGHT_UNITS), 0)
    weight = weight.astype(np.int64) + playback
    weight_run = _grouped_cumsum(weight, first, session)
    weight_total = weight_run[first + n_events - 1][session]
    watch_total = p.watch_total[session].astype(np.int64)
    watched = np.where(last, watch_total, watch_total * weight_run // np.maximum(weight_total, 1))
    # watch_duration_seconds: seconds watched since the session's previous event (a counter,
    # like the stall and error counts), so SUM over a session is its watch time.
    watch = watched - np.where(seq > 0, np.roll(watched, 1), 0)
    stretch_s = watch.astype(np.float64)

    # Split the pause time over the pauses in the same way.
    resume = ~odd & (seq > 0)
    pweight = np.where(resume, -np.log(rand.uniform(key, None, _PAUSE)) * _WEIGHT_UNITS, 0)
    pweight = pweight.astype(np.int64) + resume
    pweight_run = _grouped_cumsum(pweight, first, session)
    pweight_total = pweight_run[first + n_events - 1][session]
    paused = p.pause_total_ms[session] * pweight_run // np.maximum(pweight_total, 1)
    pause_ms = paused - np.where(seq > 0, np.roll(paused, 1), 0)

    # Rebuffering during each stretch: geometric count, log-normal stall lengths.
    stalls = rand.geometric(
        p.stall_rate[session] * stretch_s / 60.0,
        rand.uniform(key, None, _STALLS),
        MAX_STALLS_PER_SEGMENT,
    )
    stall_length = np.clip(2.2 * np.exp(0.45 * rand.normal(key, None, _STALL_LENGTH)), 0.3,
                           MAX_STALL_SECONDS)  # fmt: skip
    stall_s = np.round(np.where(playback, stalls * stall_length, 0.0), 2).astype(np.float64)
    stalls = np.where(playback, stalls, 0)

    # Wall time between events: what was watched, stalled and paused since the previous one
    # (and the start-up before the first frame), so watch + buffering never exceed it.
    step_ms = (
        watch * 1000
        + np.rint(stall_s * 1000).astype(np.int64)
        + pause_ms
        + np.where(seq == 1, p.startup_ms[session], 0)
    )
    step_ms = np.where(seq > 0, np.maximum(step_ms, 1), 0)  # strictly ordered in a session
    ts_ms = p.start_ms[session] + _grouped_cumsum(step_ms, first, session)

    keep = np.flatnonzero((ts_ms >= start_ms) & (ts_ms < end_ms))
    keep = keep[np.argsort(ts_ms[keep], kind="stable")]
    session, seq, key, ts_ms = session[keep], seq[keep], key[keep], ts_ms[keep]
    odd, last, played, playback = odd[keep], last[keep], played[keep], playback[keep]
    watch, watched, stretch_s = watch[keep], watched[keep], stretch_s[keep]

    event_type = np.select(
        [seq == 0, last & p.complete[session], last, odd], [START, COMPLETE, STOP, PAUSE], RESUME
    ).astype(np.int8)
    bandwidth = np.round(
        p.bandwidth[session] * np.exp(0.18 * rand.normal(key, None, _BANDWIDTH)), 2
    )
    quality = np.minimum(np.searchsorted(_LADDER, bandwidth, side="right"), p.quality_cap[session])
    errors = np.where(
        playback,
        rand.geometric(p.error_rate[session] * stretch_s / 60.0,
                       rand.uniform(key, None, _ERRORS), 5),
        ((p.outcome[session] == START_FAILURE) & (seq == 1)).astype(np.int32),
    )  # fmt: skip
    position = p.start_position[session] + watched
    completion = np.round(100.0 * position / runtime[session], 2)
    return EventBatch(
        sessions=p.refs(),
        session=session,
        seq=seq,
        ts_ms=ts_ms,
        event_type=event_type,
        bandwidth=bandwidth,
        quality=quality.astype(np.int8),
        buffering_events=stalls[keep].astype(np.int32),
        buffering_seconds=stall_s[keep],
        error_count=errors.astype(np.int32),
        watch_seconds=watch.astype(np.int32),
        position_seconds=position.astype(np.int32),
        completion=completion,
    )
