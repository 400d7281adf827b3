"""Incidents: what an outage, a degraded CDN, a bad app release or a premiere does to the
sessions of one start hour (slot).

Only sessions in the incident's scope that start inside its window change; every other
session of the slot is left exactly as drawn, and the sessions an incident adds (retries,
premiere viewers) get keys of their own, so every event outside the scope and window is
byte-identical to the run without the incident. Every draw hashes from the session key or
from (seed, slot, incident), so an incident is as deterministic as the rest.

Viewers behave as measured in the field: after a failed start most retry within a minute
or two, on the same device or another of theirs, and the rest give up (Conviva and Mux
report that a failed start is retried or abandoned, rarely both; Krishnan & Sitaraman, IMC
2012, for abandonment under poor QoE).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from acme_gen.core import geo, rand
from acme_gen.core.arrays import F64, I8, I32, I64, U64, B
from acme_gen.core.rebuffering import (
    BAD_PATH_RATE_MEDIAN,
    BAD_STALL_MEDIAN_S,
    errors_per_minute,
    thin_line_stalls,
)
from acme_gen.core.sessions import (
    MAX_SESSION_MS,
    MAX_STARTUP_MS,
    PLAYED,
    START_FAILURE,
    SessionPlan,
    draw_sessions,
    session_end,
)
from acme_gen.core.traffic import SLOT_MS, START_STEP_MS, STEPS_PER_SLOT, congestion_factor
from acme_gen.core.world import MAX_DEVICES, World
from acme_gen.scenario import SCOPE_NAMES, Incident

# Per kind: the share of in-scope starts that fail, and how much errors rise for the rest.
START_FAILURE_SHARE = {"isp-outage": 0.65, "bad-release": 0.7}
ERROR_FACTOR = {"isp-outage": 6.0, "bad-release": 12.0}
OUTAGE_THROUGHPUT = 0.4  # an ISP in trouble: what is left of the throughput of the rest
CDN_THROUGHPUT = 0.3  # a degraded CDN: throughput falls to this share
CDN_ABANDON_SHARE = 0.5  # viewers who stop early under rebuffering
RETRY_SAME_DEVICE, RETRY_OTHER_DEVICE = 0.45, 0.25  # of failed viewers; the rest give up
RETRY_DELAY_MS = (20_000, 90_000)
PREMIERE_PEAK = 1.0  # extra sessions at the peak, relative to the usual starts of its 5-minute step
PREMIERE_RISE_MS = 15 * 60_000

_HIT, _RETRY, _RETRY_DELAY, _OTHER_DEVICE, _ABANDON, _NEW_KEY = 201, 202, 203, 204, 205, 206
_EXTRA_STALLS, _EXTRA_LENGTH = 207, 208
_PREMIERE_STREAM = 0x9E13
_COUNTRIES = np.array([c.country for c in geo.CITIES])


def check_scopes(world: World, incidents: tuple[Incident, ...]) -> None:
    """Raise ValueError naming the first incident whose scope the world does not have."""
    for incident in incidents:
        known = _scope_values(world, incident.kind)
        if incident.scope not in known:
            shown = sorted(set(known))
            listed = ", ".join(shown[:12]) + (
                f", ... ({len(shown)} in all)" if len(shown) > 12 else ""
            )
            raise ValueError(
                f"unknown {SCOPE_NAMES[incident.kind]} {incident.scope!r} for "
                f"{incident.kind} (known: {listed})"
            )


# A sitting the incident touched keeps emitting events for hours after it started; after a
# day nothing it touched can still be playing.
LINGER_MS = 24 * 3_600_000


def timing_problems(
    incidents: tuple[Incident, ...], start_ms: int, end_ms: int | None
) -> tuple[list[str], list[str]]:
    """(refusals, notices) for incidents against a run's event-time window [start, end)
    (end None: open-ended): one that starts at or after the end, or ended over a day before
    the start, can change nothing; one that ended before the start shows only in sittings
    still playing."""
    refusals, notices = [], []
    for incident in incidents:
        if end_ms is not None and incident.start_ms >= end_ms:
            refusals.append(f"{incident.spec()} starts at or after the run's end: it would "
                            "change nothing")  # fmt: skip
        elif incident.end_ms <= start_ms - LINGER_MS:
            refusals.append(f"{incident.spec()} ended over a day before the run starts: it "
                            "would change nothing")  # fmt: skip
        elif incident.end_ms <= start_ms:
            notices.append(f"{incident.spec()} ended before the run starts: only sittings it "
                           "touched that are still playing show it")  # fmt: skip
    return refusals, notices


def _scope_values(world: World, kind: str) -> tuple[str, ...]:
    if kind == "isp-outage":
        return world.network_names
    if kind == "cdn-degradation":
        return tuple(sorted(set(_COUNTRIES.tolist())))
    if kind == "bad-release":
        return world.app_versions
    return world.title_ids


def apply_incidents(
    world: World,
    seed: int,
    incidents: tuple[Incident, ...],
    slot: int,
    plan: SessionPlan,
    usual_starts: F64,
) -> SessionPlan:
    """The slot's sessions under the incidents; `usual_starts` is the expected session count
    of each of the slot's start steps without them (a premiere's scale)."""
    slot_start = slot * SLOT_MS
    for number, incident in enumerate(incidents):
        if incident.kind == "premiere":  # the slot's extra viewers, while it lasts
            if incident.start_ms < slot_start + SLOT_MS and incident.end_ms > slot_start:
                extra = _premiere(world, seed, incident, number, slot, usual_starts)
                plan = SessionPlan.concat([plan, extra])
        elif _starts_within(incident, plan).any():
            # Not only the slot's own first parts: a sitting drawn hours before the window
            # has later parts (the next episode) that start in it, and they are hit too.
            plan = _disrupt(world, incident, plan)
    return plan


def in_scope(world: World, incident: Incident, plan: SessionPlan) -> B:
    if incident.kind == "isp-outage":
        return np.isin(plan.network, _indices(world.network_names, incident.scope))
    if incident.kind == "cdn-degradation":
        country: B = _COUNTRIES[world.population.city(plan.customer)] == incident.scope
        return country
    if incident.kind == "bad-release":
        apps = world.device_app(plan.device, plan.start_ms)
        return np.isin(apps, _indices(world.app_versions, incident.scope))
    title: B = plan.title == world.title_ids.index(incident.scope)
    return title


def _indices(names: tuple[str, ...], name: str) -> list[int]:
    return [i for i, n in enumerate(names) if n == name]  # 'Starlink' serves two countries


def _starts_within(incident: Incident, plan: SessionPlan) -> B:
    return (plan.start_ms >= incident.start_ms) & (plan.start_ms < incident.end_ms)


def _disrupt(world: World, incident: Incident, plan: SessionPlan) -> SessionPlan:
    hit = in_scope(world, incident, plan) & _starts_within(incident, plan)
    hit &= plan.outcome == PLAYED
    if not hit.any():
        return plan
    # A sitting the incident hits ends with the part it hit: what was planned after it (the
    # next episode, a return) assumed the play went as drawn. A retry takes its place.
    later = _later_parts(plan, plan.sitting[hit], plan.part[hit])
    plan, hit = plan.take(~later), hit[~later]
    index = np.flatnonzero(hit)
    before = plan.take(index)
    if incident.kind == "cdn-degradation":
        degraded = _with_rows(plan, index, _degraded(before))
        return degraded.take(_within_span(degraded))
    fails = rand.uniform(before.key, None, _HIT) < START_FAILURE_SHARE[incident.kind]
    after = _worse(before, incident.kind)
    after = _with_failed(after, fails)
    plan = _with_rows(plan, index, after)
    plan = plan.take(_within_span(plan))  # more stalls may push a late part past the span
    retries = _retries(world, incident, before.take(fails))
    return SessionPlan.concat([plan, retries]) if len(retries) else plan


def _later_parts(plan: SessionPlan, sitting: U64, part: I8) -> B:
    """The parts of `plan` that come after the given parts of their sittings."""
    order = np.lexsort((part, sitting))
    sitting, part = sitting[order], part[order]
    first = np.r_[True, sitting[1:] != sitting[:-1]]
    cut_sitting, cut_part = sitting[first], part[first]  # each sitting's earliest part hit
    at = np.minimum(np.searchsorted(cut_sitting, plan.sitting), len(cut_sitting) - 1)
    later: B = (cut_sitting[at] == plan.sitting) & (plan.part > cut_part[at])
    return later


def _worse(p: SessionPlan, kind: str) -> SessionPlan:
    """Sessions that start but play through the incident: errors spike (and an ISP in
    trouble carries less, so they stall more)."""
    bandwidth = p.bandwidth * (OUTAGE_THROUGHPUT if kind == "isp-outage" else 1.0)
    stalls, stall_cs = _more_stalls(replace(p, bandwidth=bandwidth), p.bandwidth)
    error_rate = np.maximum(errors_per_minute(bandwidth), p.error_rate) * ERROR_FACTOR[kind]
    return _ended(replace(p, bandwidth=bandwidth, stalls=stalls, stall_cs=stall_cs,
                          error_rate=error_rate))  # fmt: skip


def _with_failed(p: SessionPlan, fails: B) -> SessionPlan:
    """Start failures: start, then stop with an error; nothing is watched."""
    zero = np.zeros(len(p), dtype=np.int32)
    return _ended(
        replace(
            p,
            outcome=np.where(fails, START_FAILURE, p.outcome).astype(np.int8),
            watch_total=np.where(fails, zero, p.watch_total).astype(np.int32),
            pauses=np.where(fails, zero, p.pauses).astype(np.int32),
            pause_total_ms=np.where(fails, 0, p.pause_total_ms).astype(np.int64),
            final_pause_ms=np.where(fails, 0, p.final_pause_ms).astype(np.int64),
            rewind_s=np.where(fails, zero, p.rewind_s).astype(np.int32),
            stalls=np.where(fails, zero, p.stalls).astype(np.int32),
            stall_cs=np.where(fails, 0, p.stall_cs).astype(np.int64),
            skip_s=np.where(fails, zero, p.skip_s).astype(np.int32),
            complete=p.complete & ~fails,
        )
    )


def _degraded(p: SessionPlan) -> SessionPlan:
    """A CDN in trouble: throughput falls, start-up slows, rebuffering rises and half the
    viewers give up early."""
    bandwidth = np.maximum(p.bandwidth * CDN_THROUGHPUT, 0.3)
    startup = np.minimum(p.startup_ms + (4_000 / bandwidth).astype(np.int64), MAX_STARTUP_MS)
    share = rand.uniform(p.key, None, _ABANDON)
    abandon = share < CDN_ABANDON_SHARE
    watch = np.where(abandon, np.maximum(p.watch_total * share, 1), p.watch_total)
    p = _shortened(p, watch.astype(np.int32))
    stalls, stall_cs = _more_stalls(replace(p, bandwidth=bandwidth), p.bandwidth, bad_path=True)
    return _ended(
        replace(
            p,
            bandwidth=bandwidth,
            stalls=stalls,
            stall_cs=stall_cs,
            error_rate=np.maximum(errors_per_minute(bandwidth), p.error_rate),
            startup_ms=startup.astype(np.int64),
            complete=p.complete & ~abandon,
        )
    )


def _more_stalls(p: SessionPlan, bandwidth_before: F64, bad_path: bool = False) -> tuple[I32, I64]:
    """The plan's stalls plus those a throughput that fell from bandwidth_before adds (the
    throughput term of the stall hazard in acme_gen.core.rebuffering) and, on a path gone
    bad (a degraded CDN), a bad path's stall rate; each of a bad path's stall length."""
    fall = thin_line_stalls(p.bandwidth) - thin_line_stalls(bandwidth_before)
    extra_per_min = np.maximum(fall, 0) + (BAD_PATH_RATE_MEDIAN if bad_path else 0.0)
    played = p.outcome == PLAYED
    mean = np.where(played, extra_per_min * p.watch_total / 60.0, 0.0)
    extra = rand.geometric(mean, rand.uniform(p.key, None, _EXTRA_STALLS), 2**30)
    noise = np.exp(rand.normal(p.key, None, _EXTRA_LENGTH))
    length_cs = np.maximum(np.rint(BAD_STALL_MEDIAN_S * 100 * noise), 10)
    stalls = (p.stalls + extra).astype(np.int32)
    return stalls, (p.stall_cs + extra * length_cs).astype(np.int64)


def _shortened(p: SessionPlan, watch: I32) -> SessionPlan:
    """The plan watched only `watch` seconds: the stalls and pauses of the part not watched
    go too."""
    kept = watch / np.maximum(p.watch_total, 1)
    pauses = np.minimum((p.pauses * kept).astype(np.int32), np.maximum(watch - 1, 0))
    final_ms = np.where(pauses > 0, p.final_pause_ms * kept, 0).astype(np.int64)
    pause_ms = np.where(
        pauses > 0, np.maximum(p.pause_total_ms * kept, 1000 * pauses + final_ms), 0
    )
    stalls = (p.stalls * kept).astype(np.int32)
    stall_cs = np.maximum((p.stall_cs * kept).astype(np.int64), 10 * stalls)
    return replace(p, watch_total=watch, pauses=pauses.astype(np.int32),
                   pause_total_ms=pause_ms.astype(np.int64), final_pause_ms=final_ms,
                   rewind_s=np.minimum(p.rewind_s, watch // 2).astype(np.int32), stalls=stalls,
                   stall_cs=np.where(stalls > 0, stall_cs, 0).astype(np.int64))  # fmt: skip


def _ended(p: SessionPlan) -> SessionPlan:
    """The plan with its end recomputed from its totals."""
    end = session_end(p.start_ms, p.startup_ms, p.watch_total, p.pause_total_ms, p.stall_cs)
    return replace(p, end_ms=end)


def _retries(world: World, incident: Incident, failed: SessionPlan) -> SessionPlan:
    """The failed viewers who try again a minute or two later, on the same device or another
    of theirs; a retry that meets the incident again fails again, and then they give up."""
    choice = rand.uniform(failed.key, None, _RETRY)
    again = choice < RETRY_SAME_DEVICE + RETRY_OTHER_DEVICE
    p = failed.take(again)
    other = choice[again] >= RETRY_SAME_DEVICE
    count = world.customers(p.customer).device_count
    step = 1 + (rand.uniform(p.key, None, _OTHER_DEVICE) * np.maximum(count - 1, 1)).astype(int)
    first = p.customer.astype(np.int64) * MAX_DEVICES
    device = np.where(other & (count > 1), first + (p.device - first + step) % count, p.device)
    lo, hi = RETRY_DELAY_MS
    delay = lo + (rand.uniform(p.key, None, _RETRY_DELAY) * (hi - lo)).astype(np.int64)
    start = p.start_ms + p.startup_ms + delay
    key = rand.hash64(p.key, None, _NEW_KEY)
    # A retry is the sitting's next part (on this device or another): it ranks with the
    # sitting, so physics decides it with its slot's draws whatever slot the part started in.
    retry = _ended(
        replace(p, key=key, start_ms=start, device=device.astype(np.int32), part=p.part + 1)
    )
    hit = in_scope(world, incident, retry) & _starts_within(incident, retry)
    fails = hit & (rand.uniform(retry.key, None, _HIT) < START_FAILURE_SHARE[incident.kind])
    retry = _with_failed(
        _with_rows(retry, np.flatnonzero(hit), _worse(retry.take(hit), incident.kind)), fails
    )
    return retry.take(_within_span(retry))


def _within_span(p: SessionPlan) -> B:
    """The parts that end within their sitting's span (MAX_SESSION_MS): as when drawn, a part
    that would end past it is not played, so every window's look-back still holds it."""
    within: B = p.end_ms - p.sitting_start_ms <= MAX_SESSION_MS
    return within


def _with_rows(plan: SessionPlan, index: np.ndarray, rows: SessionPlan) -> SessionPlan:
    """`plan` with the sessions at `index` replaced by `rows`."""
    fields = {}
    for name in plan.__dataclass_fields__:
        column = getattr(plan, name).copy()
        column[index] = getattr(rows, name)
        fields[name] = column
    return SessionPlan(**fields)


def _premiere(
    world: World, seed: int, incident: Incident, number: int, slot: int, usual_starts: F64
) -> SessionPlan:
    """Extra viewers of one title, starting from its beginning: a launch curve that rises
    over the first quarter hour and decays over the incident (most of a premiere's first-day
    audience comes in its first hours), read at each start step's middle."""
    steps = slot * SLOT_MS + np.arange(STEPS_PER_SLOT, dtype=np.int64) * START_STEP_MS
    t = np.maximum(steps + START_STEP_MS / 2 - incident.start_ms, 0.0)
    decay = max((incident.end_ms - incident.start_ms) / 3, 1_800_000)
    intensity = (1 - np.exp(-t / PREMIERE_RISE_MS)) * np.exp(-t / decay)
    rng = np.random.default_rng([seed, _PREMIERE_STREAM, slot, number])
    share = world.timezone_activity / world.timezone_activity.sum()
    counts = rng.poisson((usual_starts * PREMIERE_PEAK * intensity)[:, None] * share[None, :])
    ones = np.ones(counts.shape)
    title = world.title_ids.index(incident.scope)
    extra = draw_sessions(
        world,
        rng,
        counts.astype(np.int64),
        steps,
        START_STEP_MS,
        congestion_factor(ones),
        title_override=title,
    )
    return extra.take(_starts_within(incident, extra))
