"""Stage one of generation: which playback sessions start in a slot (an hour, drawn in 5-minute
steps), and how each will go (session-level draws only; events are expanded later in
`acme_gen.core.events`).

A slot's sessions are a pure function of (config, slot): the slot's own generator draws
every field for every session in a fixed order. Each session carries a 64-bit key from
which its per-event draws are hashed, and its exact end (the time of its last event), so a
window only expands the sessions that reach it.

Behaviour follows cause, calibrated to published figures (the README's calibration table
lists each with the value measured on the default lake):
- Device by daypart: phones and tablets in the morning and on the commute, the TV in the
  evening (Conviva, State of Streaming: big screens carry over 75% of viewing time, 83% in
  North America). Minutes per play depend on the device: Conviva Q4 2020 put TV at 28.7
  minutes per play against 8.6 on mobile.
- Video-start failures: Conviva's State of Streaming reports put VSF at about 0.5-4% of
  attempts, higher on poor connections and some platforms.
- Exits before video start: Krishnan & Sitaraman, "Video Stream Quality Impacts Viewer
  Behavior" (IMC 2012): viewers begin to abandon after a 2 s start-up delay, and each further
  second adds about 5.8% abandonment.
- Rebuffering: stalls come from the delivery path. Most sessions have none; lines, ISPs and
  devices with persistently bad delivery stall again and again, with heavy-tailed stall
  lengths (10-60 s stalls exist). Each stall raises the hazard of leaving, so rebuffered
  sessions are watched less (Krishnan & Sitaraman; Dobrian et al., "Understanding the Impact
  of Video Quality on User Engagement", SIGCOMM 2011: a 1% rise in buffering ratio cuts
  viewing by minutes). Targets: rebuffering ratio 0.2-1.5% of viewing time (Conviva 2018:
  0.78%; NPAW VoD 0.2-0.4%), 10-40% of plays with any rebuffering.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from acme_gen.core import viewers
from acme_gen.core.arrays import F64, I8, I32, I64, U64, B
from acme_gen.core.playback import events_per_play, planned_watch
from acme_gen.core.playback import pauses as pause_draws
from acme_gen.core.rebuffering import bad_path_chance, errors_per_minute, rebuffering
from acme_gen.core.sittings import MAX_PARTS, next_parts
from acme_gen.core.viewers import Viewer
from acme_gen.core.world import (
    PLAN_QUALITY_CAP,
    World,
)
from acme_gen.invariants import check
from acme_gen.models import PLAN_STREAMS
from acme_gen.time_labels import HOUR_MS

PLAYED, START_FAILURE, EXIT_BEFORE_START = 0, 1, 2

MAX_STARTUP_MS = 30_000
_SPARE_MS = 120_000  # room kept for pauses when a session's playback nearly fills its span
# Longest a session can span: the longest runtime (200 min) + pauses + stalls + start-up.
MAX_SESSION_MS = 5 * HOUR_MS

# Drawn sessions that continue a title part-watched before the look-back (a sitting's own
# returns to a title are its later parts: acme_gen.core.sittings).
RESUME_SHARE = 0.10

# Video-start failures by platform (mobile, web, tv, tablet): browsers and phones fail more.
START_FAILURE_DEVICE = np.array([1.3, 1.6, 0.8, 1.0])


@dataclass(frozen=True)
class SessionRefs:
    """What an event's columns read of its session (identity, who, what, where from): the
    part of a plan that must outlive expansion."""

    key: U64
    start_ms: I64
    customer: I32
    device: I32
    title: I32
    network: I32
    connection: I8
    ip_hi: U64  # the address's upper and lower 64 bits (acme_gen.core.addresses)
    ip_lo: U64

    def __len__(self) -> int:
        return len(self.key)

    def take(self, index: npt.NDArray[np.integer] | B) -> SessionRefs:
        return SessionRefs(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @staticmethod
    def concat(refs: list[SessionRefs]) -> SessionRefs:
        return SessionRefs(
            **{
                f.name: np.concatenate([getattr(r, f.name) for r in refs])
                for f in fields(SessionRefs)
            }
        )


@dataclass(frozen=True)
class SessionPlan:
    key: U64
    start_ms: I64
    customer: I32
    device: I32
    title: I32
    network: I32  # index into World.network_names
    connection: I8  # index into CONNECTION_TYPES
    ip_hi: U64  # the address's upper and lower 64 bits (acme_gen.core.addresses)
    ip_lo: U64
    bandwidth: F64  # session mean throughput, Mbit/s
    quality_cap: I8  # highest quality the plan and device allow
    stream_limit: I8  # the plan's simultaneous streams (acme_gen.core.occupancy)
    outcome: I8  # PLAYED, START_FAILURE or EXIT_BEFORE_START
    complete: B  # plays to the end of the title
    start_position: I32  # seconds into the title at start
    credits_s: I32  # the title's credits start: where `complete` fires
    skip_s: I32  # seconds the viewer seeks forward over the session (intros, dull scenes)
    rewind_s: I32  # seconds the viewer seeks back (and watches again) over the session
    watch_total: I32  # seconds watched in the session
    pauses: I32
    pause_total_ms: I64
    final_pause_ms: I64  # a last pause never resumed (the play ends on it), or 0
    startup_ms: I64
    stalls: I32  # rebuffering events in the session
    stall_cs: I64  # their total length, centiseconds
    error_rate: F64  # expected errors per minute of playback
    end_ms: I64  # the time of the session's last event
    sitting: U64  # the key of its sitting's first session (acme_gen.core.sittings)
    part: I8  # its place in the sitting, 0 for the drawn session
    sitting_start_ms: I64  # when the sitting's first session started

    def __len__(self) -> int:
        return len(self.key)

    def refs(self) -> SessionRefs:
        return SessionRefs(**{f.name: getattr(self, f.name) for f in fields(SessionRefs)})

    def take(self, index: npt.NDArray[np.integer] | B) -> SessionPlan:
        return SessionPlan(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @staticmethod
    def concat(plans: list[SessionPlan]) -> SessionPlan:
        return SessionPlan(
            **{
                f.name: np.concatenate([getattr(p, f.name) for p in plans])
                for f in fields(SessionPlan)
            }
        )


def draw_sessions(
    world: World,
    rng: np.random.Generator,
    counts: npt.NDArray[np.int64],
    slot_start_ms: int | I64,
    slot_ms: int,
    congestion: F64,
    title_override: int | None = None,
) -> SessionPlan:
    """Sittings for `counts[g]` starts in each time-zone group g within one slot: each drawn
    session and the parts that follow it (acme_gen.core.sittings); all of one title, watched
    from its beginning, with `title_override` (a premiere's extra viewers). Every part draws
    from `rng` in this order, so the slot's sessions are fixed. Many slots at once (one call,
    for a calibration): `counts` and `congestion` (slots, zones) with `slot_start_ms` per
    slot."""
    counts_2d = np.atleast_2d(counts)
    zones = counts_2d.shape[1]
    cell = np.repeat(np.arange(counts_2d.size), counts_2d.ravel())
    slot, group = np.divmod(cell, zones)
    n = len(cell)
    starts = np.atleast_1d(np.asarray(slot_start_ms, dtype=np.int64))
    customer, city = world.population.sample(group, rng.random(n), rng.random(n))
    people = world.customers(customer, city)
    start_ms = starts[slot] + (rng.random(n) * slot_ms).astype(np.int64)
    hour = viewers.local_hour(world, starts)[slot, group]
    device, dtype = viewers.device_for_daypart(world, rng, customer, people.device_count, hour)
    n_titles = len(world.title_type)
    title = np.minimum(np.searchsorted(world.title_cumulative, rng.random(n)), n_titles - 1)
    title = (
        title.astype(np.int32) if title_override is None else np.full(n, title_override, np.int32)
    )
    network, connection, (ip_hi, ip_lo), bandwidth = viewers.network(
        world, rng, people, device, dtype, start_ms, np.atleast_2d(congestion)[slot, group]
    )
    device_cap = world.device_quality_cap(device, dtype)
    who = Viewer(
        customer=customer.astype(np.int32),
        device=device,
        dtype=dtype,
        network=network,
        connection=connection,
        ip_hi=ip_hi,
        ip_lo=ip_lo,
        bandwidth=bandwidth,
        quality_cap=np.minimum(np.asarray(PLAN_QUALITY_CAP, np.int8)[people.plan], device_cap),
        stream_limit=np.asarray(PLAN_STREAMS, np.int8)[people.plan],
    )
    runtime = world.title_runtime[title]
    resumed = (rng.random(n) < RESUME_SHARE) & (title_override is None)
    start_position = np.where(
        resumed, (runtime * rng.uniform(0.05, 0.85, n)).astype(np.int32), 0
    ).astype(np.int32)
    parts = [_play(world, rng, who, start_ms, title, start_position, None, 0)]
    watchers = [who]
    for part in range(1, MAX_PARTS):
        last, seen = parts[-1], watchers[-1]
        follow = next_parts(
            rng, part - 1, seen.dtype, last.outcome == PLAYED, last.outcome == START_FAILURE,
            last.complete, last.title, world.title_next[last.title], final_position(last),
            last.watch_total, last.credits_s, last.end_ms,
        )  # fmt: skip
        if len(follow.after) == 0:
            break
        seen = seen.take(follow.after)
        sitting = (last.sitting[follow.after], last.sitting_start_ms[follow.after])
        plan = _play(world, rng, seen, follow.start_ms, follow.title, follow.start_position,
                     sitting, part)  # fmt: skip
        # A part that would end past the sitting's span is not played: the sitting ends.
        within = plan.end_ms - plan.sitting_start_ms <= MAX_SESSION_MS
        if not within.all():  # most parts fit: copying every column for them is waste
            plan, seen = plan.take(within), seen.take(within)
        parts.append(plan)
        watchers.append(seen)
    plan = SessionPlan.concat(parts)
    check(
        len(plan) == 0 or int((plan.end_ms - plan.sitting_start_ms).max()) <= MAX_SESSION_MS,
        "a sitting outlasts MAX_SESSION_MS, so the look-back would miss its events",
    )
    return plan


def _play(
    world: World,
    rng: np.random.Generator,
    who: Viewer,
    start_ms: I64,
    title: I32,
    start_position: I32,
    sitting: tuple[U64, I64] | None,
    part: int,
) -> SessionPlan:
    """One play each: its start-up, how much it watches, stalls and pauses; `sitting` is
    the sitting's key and start of the part it follows (None for a sitting's first)."""
    n = len(title)
    startup_ms, outcome = _start_up(rng, who.bandwidth, who.dtype)
    played = outcome == PLAYED
    credits = world.title_credits[title]
    title_type = world.title_type[title]
    planned, complete, skip_s, rewind_s = planned_watch(
        rng, title_type, who.dtype, credits - start_position
    )
    bad_path = bad_path_chance(world, who.customer, who.network, who.dtype, who.bandwidth)
    watch_total, stalls, stall_cs, left = rebuffering(rng, who.bandwidth, bad_path, planned)
    watch_total = np.where(played, watch_total, 0).astype(np.int32)
    complete = played & complete & ~left
    # A play cut short by a stall may have watched less than it went back.
    rewind_s = np.where(played, np.minimum(rewind_s, watch_total // 2), 0).astype(np.int32)
    stalls = np.where(played, stalls, 0).astype(np.int32)
    stall_cs = np.where(played, stall_cs, 0).astype(np.int64)
    room_ms = MAX_SESSION_MS - startup_ms - watch_total * 1000 - stall_cs * 10 - _SPARE_MS
    pauses, pause_total_ms, final_pause_ms = pause_draws(
        rng, watch_total, np.maximum(room_ms, _SPARE_MS), ~complete
    )
    key = rng.integers(0, 2**64, n, dtype=np.uint64)
    end_ms = session_end(start_ms, startup_ms, watch_total, pause_total_ms, stall_cs)
    check(
        n == 0 or int((end_ms - start_ms).max()) <= MAX_SESSION_MS,
        "a session outlasts MAX_SESSION_MS, so the look-back would miss its events",
    )
    return SessionPlan(
        key=key,
        start_ms=start_ms,
        customer=who.customer,
        device=who.device,
        title=title,
        network=who.network,
        connection=who.connection,
        ip_hi=who.ip_hi,
        ip_lo=who.ip_lo,
        bandwidth=who.bandwidth,
        quality_cap=who.quality_cap,
        stream_limit=who.stream_limit,
        outcome=outcome,
        complete=complete,
        start_position=start_position,
        credits_s=credits,
        skip_s=np.where(played, skip_s, 0).astype(np.int32),
        rewind_s=rewind_s,
        watch_total=watch_total,
        pauses=pauses,
        pause_total_ms=pause_total_ms,
        final_pause_ms=final_pause_ms,
        startup_ms=startup_ms,
        stalls=stalls,
        stall_cs=stall_cs,
        error_rate=errors_per_minute(who.bandwidth),
        end_ms=end_ms,
        sitting=key if sitting is None else sitting[0],
        part=np.full(n, part, np.int8),
        sitting_start_ms=start_ms if sitting is None else sitting[1],
    )


def final_position(plan: SessionPlan) -> I32:
    """The playhead at a session's last event: where it started, plus what it watched and
    skipped, less what it went back over (acme_gen.core.events places it so)."""
    return (plan.start_position + plan.watch_total + plan.skip_s - plan.rewind_s).astype(np.int32)


def _start_up(rng: np.random.Generator, bandwidth: F64, dtype: I8) -> tuple[I64, I8]:
    """Start-up time (slower on thin connections) and the outcome: played, a start failure,
    or an exit before the video started (as cited above)."""
    n = len(bandwidth)
    startup_s = np.exp(np.log(1.2) + 0.5 * rng.standard_normal(n)) + 4.0 / bandwidth
    startup_ms = np.minimum((startup_s * 1000).astype(np.int64), MAX_STARTUP_MS)
    startup_s = startup_ms / 1000.0
    p_fail = (0.006 + 0.10 * np.exp(-bandwidth / 1.5)) * START_FAILURE_DEVICE[dtype]
    p_exit = 0.01 + np.clip(0.058 * (startup_s - 2.0), 0.0, 0.6)
    r = rng.random(n)
    outcome = np.where(
        r < p_fail, START_FAILURE, np.where(r < p_fail + p_exit, EXIT_BEFORE_START, PLAYED)
    ).astype(np.int8)
    return startup_ms, outcome


def session_end(start_ms: I64, startup_ms: I64, watch_total: I32, pause_total_ms: I64,
                stall_cs: I64) -> I64:  # fmt: skip
    """The time of a session's last event: start-up, then what it watched, paused and
    stalled (events.expand splits exactly these totals between the events)."""
    end = start_ms + startup_ms + watch_total.astype(np.int64) * 1000 + pause_total_ms
    return (end + stall_cs * 10).astype(np.int64)


def events_per_session(plan: SessionPlan) -> I64:
    """start, (pause, resume) per pause, then stop or complete (a play that ends paused has
    no resume after its last pause); two events if it never played."""
    played = events_per_play(plan.pauses, plan.final_pause_ms > 0)
    return np.where(plan.outcome == PLAYED, played, 2).astype(np.int64)
