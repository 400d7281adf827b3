"""Stage two of generation: expand planned sessions into the events that fall in a window.

Every per-event draw is hashed from (session key, event index, stream) and every running
total is integer arithmetic, so an event's values do not depend on which other sessions are
expanded with it: generating a window whole or in pieces gives identical events.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
import numpy.typing as npt

from acme_gen.core import rand
from acme_gen.core.arrays import F64, I8, I32, I64, U64, B
from acme_gen.core.sessions import (
    PLAYED,
    START_FAILURE,
    SessionPlan,
    SessionRefs,
    events_per_session,
)
from acme_gen.invariants import check
from acme_gen.models import EVENT_TYPES, QUALITIES

# Hash streams: one per kind of per-event draw.
_SEGMENT, _PAUSE, _SEEK, _ERRORS, _BANDWIDTH, _REWIND = 1, 2, 3, 5, 6, 9
_DIP, _DIP_DEPTH, _DIP_FACTOR = 10, 11, 12
THROUGHPUT_DIP_SHARE = 0.12  # events caught in a throughput dip (to 3-33% of the usual)
DIP_STALL_WEIGHT = 6  # a dipped stretch's share of the session's stalls, per second watched
STALLED_DIP_SHARE = 0.6  # stretches with a stall that report the throughput dip behind it
EVENT_ID_HI, EVENT_ID_LO = 7, 8
_WEIGHT_UNITS = float(2**20)  # fixed-point weights keep running sums exact
MAX_ERRORS_PER_STRETCH = 100  # far beyond any drawn count: a bound, not a pile-up

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

    def rows(self, index: npt.NDArray[np.integer]) -> EventBatch:
        """take(), carrying only the sessions those events belong to: the columns derive text
        per session of a batch, so a few rows must not carry a whole step's sessions."""
        picked = self.take(index)
        used, session = np.unique(picked.session, return_inverse=True)
        return replace(picked, sessions=self.sessions.take(used), session=session.astype(np.int32))


def _since_previous(running: I64, seq: I32) -> I64:
    """A running total's increase since the session's previous event (0 at its start)."""
    return np.asarray(running - np.where(seq > 0, np.roll(running, 1), 0), dtype=np.int64)


def _split(
    totals: npt.NDArray[np.integer],
    floor: int,
    where: B,
    stream: int,
    key: U64,
    first: I64,
    n_events: I64,
    session: I32,
) -> I64:
    """Each session's total split between its events at `where` in random shares (Dirichlet
    weights hashed per event), each share at least `floor`: the running split, exact in
    integers, whose last value is the total."""
    weight = np.where(where, -np.log(rand.uniform(key, None, stream)) * _WEIGHT_UNITS, 0)
    weight = weight.astype(np.int64) + where
    run = _grouped_cumsum(weight, first, session)
    total_weight = run[first + n_events - 1][session]
    parts = _grouped_cumsum(where.astype(np.int64), first, session)
    total = totals[session].astype(np.int64)
    spare = total - floor * parts[first + n_events - 1][session]
    return np.asarray(spare * run // np.maximum(total_weight, 1) + floor * parts, dtype=np.int64)


def _grouped_cumsum(values: I64, first: I64, session: I32) -> I64:
    """Running sum within each session (exact: integers only)."""
    total = np.cumsum(values)
    before = total[first] - values[first]
    return total - before[session]


def expand(plan: SessionPlan, runtime: I32, start_ms: int, end_ms: int) -> EventBatch:
    """Events with start_ms <= event time < end_ms, ordered by time.

    `runtime` is the title runtime (seconds) of each planned session. The plan's totals
    (watch time, pause time, stalls and their length) are split exactly between the events,
    so a session's last event falls at its plan's end_ms.
    """
    reach = (plan.start_ms < end_ms) & (plan.end_ms >= start_ms)
    p = plan if reach.all() else plan.take(reach)
    runtime = runtime if reach.all() else runtime[reach]
    n_events = events_per_session(p)
    first = np.cumsum(n_events) - n_events
    session = np.repeat(np.arange(len(p), dtype=np.int32), n_events)
    seq = (np.arange(int(n_events.sum())) - first[session]).astype(np.int32)
    key = rand.event_base(p.key[session], seq)  # per-event draws hash from this
    played = (p.outcome == PLAYED)[session]
    last = seq == (n_events[session] - 1)
    ends_paused = (p.final_pause_ms > 0)[session]
    odd = (seq & 1) == 1  # pause or end: closes a stretch of playback
    playback = odd & played
    resume = ~odd & (seq > 0) & ~(last & ends_paused)  # not the stop after a last pause
    watched = _split(p.watch_total, 1, playback, _SEGMENT, key, first, n_events, session)
    resumed_ms = p.pause_total_ms - p.final_pause_ms
    paused = _split(resumed_ms, 1000, resume, _PAUSE, key, first, n_events, session)
    paused += np.where(last, p.final_pause_ms[session], 0)
    skipped = _split(p.skip_s, 0, playback, _SEEK, key, first, n_events, session)
    rewound = _split(p.rewind_s, 0, playback, _REWIND, key, first, n_events, session)
    # Counters count what happened since the session's previous event (watch_duration_seconds
    # included): SUM over a session is its total.
    watch = _since_previous(watched, seq)
    # Stalls fall in proportion to the playback, several times more in a stretch whose
    # throughput dipped (the buffer drains), and their time with them (centiseconds).
    dip = rand.uniform(key, None, _DIP)
    in_dip = playback & (dip < THROUGHPUT_DIP_SHARE)
    exposure = _grouped_cumsum(watch * np.where(in_dip, DIP_STALL_WEIGHT, 1), first, session)
    total_exposure = np.maximum(exposure[first + n_events - 1][session], 1)
    stalled = p.stalls[session].astype(np.int64) * exposure // total_exposure
    stalled_cs = p.stall_cs[session] * stalled // np.maximum(p.stalls[session], 1)
    stall_cs = _since_previous(stalled_cs, seq)
    stalls = _since_previous(stalled, seq)
    stretch_s = watch.astype(np.float64)
    stall_s = stall_cs / 100.0

    # Wall time between events: what was watched, stalled and paused since the previous one
    # (and the start-up before the first frame), so watch + buffering never exceed it.
    step_ms = (
        watch * 1000
        + stall_cs * 10
        + _since_previous(paused, seq)
        + np.where(seq == 1, p.startup_ms[session], 0)
    )
    check(bool((step_ms[seq > 0] > 0).all()), "events of a session must be strictly ordered")
    ts_ms = p.start_ms[session] + _grouped_cumsum(step_ms, first, session)

    keep = np.flatnonzero((ts_ms >= start_ms) & (ts_ms < end_ms))
    keep = keep[np.argsort(ts_ms[keep], kind="stable")]
    session, seq, key, ts_ms = session[keep], seq[keep], key[keep], ts_ms[keep]
    odd, last, played, playback = odd[keep], last[keep], played[keep], playback[keep]
    watch, watched, stretch_s = watch[keep], watched[keep], stretch_s[keep]
    skipped, rewound = skipped[keep], rewound[keep]
    stalls, stall_s = stalls[keep], stall_s[keep]

    event_type = np.select(
        [seq == 0, last & p.complete[session], last, odd], [START, COMPLETE, STOP, PAUSE], RESUME
    ).astype(np.int8)
    # Throughput moves within a session (cross traffic, Wi-Fi, a cell edge), now and then
    # dropping to a fraction for a while; the ABR ladder follows it, so plays change quality.
    # A stretch that stalled mostly measured a throughput that fell (that is why it stalled).
    dip, depth = dip[keep], rand.uniform(key, None, _DIP_DEPTH)
    fell = (dip < THROUGHPUT_DIP_SHARE) | ((stalls > 0) & (depth < STALLED_DIP_SHARE))
    dipped = np.where(fell, 0.03 + 0.3 * rand.uniform(key, None, _DIP_FACTOR), 1.0)
    bandwidth = np.round(
        p.bandwidth[session] * dipped * np.exp(0.3 * rand.normal(key, None, _BANDWIDTH)), 2
    )
    bandwidth = np.maximum(bandwidth, 0.1)
    quality = np.minimum(np.searchsorted(_LADDER, bandwidth, side="right"), p.quality_cap[session])
    errors = np.where(
        playback,
        rand.geometric(p.error_rate[session] * stretch_s / 60.0,
                       rand.uniform(key, None, _ERRORS), MAX_ERRORS_PER_STRETCH),
        ((p.outcome[session] == START_FAILURE) & (seq == 1)).astype(np.int32),
    )  # fmt: skip
    # Seeks move the playhead both ways, so it is no longer the start plus what was watched.
    # A session's last event lands exactly at its planned end (the credits, for a complete);
    # before it, the playhead stays inside the title and short of the credits.
    position = p.start_position[session] + watched + skipped - rewound
    position = np.where(last, position, np.clip(position, 0, p.credits_s[session] - 1))
    completion = np.round(100.0 * position / runtime[session], 2)
    return EventBatch(
        sessions=p.refs(),
        session=session,
        seq=seq,
        ts_ms=ts_ms,
        event_type=event_type,
        bandwidth=bandwidth,
        quality=quality.astype(np.int8),
        buffering_events=stalls.astype(np.int32),
        buffering_seconds=stall_s,
        error_count=errors.astype(np.int32),
        watch_seconds=watch.astype(np.int32),
        position_seconds=position.astype(np.int32),
        completion=completion,
    )
