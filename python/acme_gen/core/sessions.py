"""Stage one of generation: which playback sessions start in a 5-minute slot, and how each
will go (session-level draws only; events are expanded later in `acme_gen.core.events`).

A slot's sessions are a pure function of (config, slot): the slot's own generator draws
every field for every session in a fixed order. Each session carries a 64-bit key from
which its per-event draws are hashed, and an upper bound on its end, so a window only
expands the sessions that can reach it.

Calibration (sources cited where a number comes from one):
- Video-start failures: Conviva's State of Streaming reports put VSF at about 1-2% of
  attempts, higher on poor connections.
- Exits before video start: Krishnan & Sitaraman, "Video Stream Quality Impacts Viewer
  Behavior" (IMC 2012): viewers begin to abandon after a 2 s start-up delay, and each further
  second adds about 5.8% abandonment.
- Rebuffering: most sessions have none (Conviva and Mux report rebuffering ratios well under
  1% of viewing time); stalls become frequent as throughput nears the bitrate, and viewers
  who see more rebuffering watch less (Krishnan & Sitaraman; Dobrian et al., SIGCOMM 2011).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from acme_gen.core import geo
from acme_gen.core.arrays import F64, I8, I32, I64, U64, B
from acme_gen.core.world import (
    BANDWIDTH_MEDIAN,
    BANDWIDTH_SIGMA,
    CARRIER_IP_POOL,
    CELLULAR_4G,
    CELLULAR_5G,
    CONNECTION_TYPES,
    DEVICE_QUALITY_CAP,
    World,
)
from acme_gen.invariants import check
from acme_gen.models import DEVICE_TYPES, TITLE_TYPES

PLAYED, START_FAILURE, EXIT_BEFORE_START = 0, 1, 2

MAX_PAUSES = 8
MAX_PAUSE_TOTAL_MS = 3_600_000
MAX_STALLS_PER_SEGMENT = 10
MAX_STALL_SECONDS = 20.0
MAX_STARTUP_MS = 30_000
# Longest a session can span: the longest runtime (200 min) + pauses + stalls + start-up.
MAX_SESSION_MS = 5 * 3_600_000

CELLULAR_SHARE = {"mobile": 0.40, "tablet": 0.12, "web": 0.0, "tv": 0.0}
COMPLETE_SHARE = {"movie": 0.42, "series": 0.55, "documentary": 0.35}
RESUME_SHARE = 0.28  # sessions that continue a title part-watched earlier
PAUSE_EVERY_S = 2400.0  # one pause per 40 minutes watched, on average
MEAN_PAUSE_MS = 90_000.0


@dataclass(frozen=True)
class SessionRefs:
    """What an event's columns read of its session (identity, who, what, where from): the
    part of a plan that must outlive expansion."""

    key: U64
    customer: I32
    device: I32
    title: I32
    network: I32
    connection: I8
    ip: I32

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
    ip: I32  # index into World.ip_addresses
    bandwidth: F64  # session mean throughput, Mbit/s
    quality_cap: I8  # highest quality the plan and device allow
    outcome: I8  # PLAYED, START_FAILURE or EXIT_BEFORE_START
    complete: B  # plays to the end of the title
    start_position: I32  # seconds into the title at start
    watch_total: I32  # seconds watched in the session
    pauses: I32
    pause_total_ms: I64
    startup_ms: I64
    stall_rate: F64  # expected stalls per minute of playback
    error_rate: F64  # expected errors per minute of playback
    latest_end_ms: I64  # no event of the session is later than this

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
    slot_start_ms: int,
    slot_ms: int,
    congestion: F64,
    title_override: int | None = None,
) -> SessionPlan:
    """Sessions for `counts[g]` starts in each time-zone group g within one slot; all of one
    title, watched from its beginning, with `title_override` (a premiere's extra viewers)."""
    n = int(counts.sum())
    n_groups = len(counts)
    group = np.repeat(np.arange(n_groups), counts)
    pos = np.searchsorted(world.timezone_cumulative, group + rng.random(n))
    customer = world.customers_by_timezone[np.minimum(pos, world.n_customers - 1)]
    start_ms = slot_start_ms + (rng.random(n) * slot_ms).astype(np.int64)
    device = (
        world.customer_device_start[customer]
        + (rng.random(n) * world.customer_device_count[customer]).astype(np.int32)
    ).astype(np.int32)
    n_titles = len(world.title_type)
    title = np.minimum(np.searchsorted(world.title_cumulative, rng.random(n)), n_titles - 1)
    title = (
        title.astype(np.int32) if title_override is None else np.full(n, title_override, np.int32)
    )
    dtype = world.device_type[device]

    # Network: mobile devices are sometimes out of home on the carrier's 4G/5G.
    p_cell = np.array([CELLULAR_SHARE[d] for d in DEVICE_TYPES])[dtype]
    cellular = rng.random(n) < p_cell
    carrier = world.customer_carrier[customer]
    on_5g = rng.random(n) < world.carrier_share_5g[carrier]
    network = np.where(cellular, carrier, world.customer_isp[customer]).astype(np.int32)
    connection = np.where(
        cellular, np.where(on_5g, CELLULAR_5G, CELLULAR_4G), world.customer_connection[customer]
    ).astype(np.int8)
    n_isps = len(geo.ISPS)  # network_names holds home ISPs first, then carriers
    pool_slot = rng.integers(0, CARRIER_IP_POOL, n)
    ip = np.where(
        cellular, world.n_customers + (carrier - n_isps) * CARRIER_IP_POOL + pool_slot, customer
    ).astype(np.int32)
    noise = rng.standard_normal(n)
    median = np.array([BANDWIDTH_MEDIAN[c] for c in CONNECTION_TYPES])[connection]
    sigma = np.array([BANDWIDTH_SIGMA[c] for c in CONNECTION_TYPES])[connection]
    bandwidth = (
        np.where(
            cellular,
            median * np.exp(sigma * noise),
            world.customer_bandwidth[customer] * np.exp(0.25 * noise),
        )
        * congestion[group]
    )
    bandwidth = np.maximum(bandwidth, 0.3)
    device_cap = np.array([DEVICE_QUALITY_CAP[d] for d in DEVICE_TYPES], dtype=np.int8)[dtype]
    quality_cap = np.minimum(world.customer_quality_cap()[customer], device_cap)

    # Start-up: slower on thin connections; failures and early exits as cited above.
    startup_s = np.exp(np.log(1.2) + 0.5 * rng.standard_normal(n)) + 4.0 / bandwidth
    startup_ms = np.minimum((startup_s * 1000).astype(np.int64), MAX_STARTUP_MS)
    startup_s = startup_ms / 1000.0
    p_fail = 0.01 + 0.10 * np.exp(-bandwidth / 1.5)
    p_exit = 0.01 + np.clip(0.058 * (startup_s - 2.0), 0.0, 0.6)
    r = rng.random(n)
    outcome = np.where(
        r < p_fail, START_FAILURE, np.where(r < p_fail + p_exit, EXIT_BEFORE_START, PLAYED)
    ).astype(np.int8)
    played = outcome == PLAYED

    runtime = world.title_runtime[title]
    resumed = (rng.random(n) < RESUME_SHARE) & (title_override is None)
    start_position = np.where(
        resumed, (runtime * rng.uniform(0.05, 0.85, n)).astype(np.int32), 0
    ).astype(np.int32)
    remaining = runtime - start_position

    # QoE: stalls and errors rise steeply as throughput falls toward the bitrate ladder.
    stall_rate = 0.003 + 0.45 * np.exp(-bandwidth / 3.0)
    error_rate = 0.0008 + 0.02 * np.exp(-bandwidth / 3.0)
    base_complete = np.array([COMPLETE_SHARE[t] for t in TITLE_TYPES])[world.title_type[title]]
    complete = played & (rng.random(n) < base_complete * np.exp(-6.0 * stall_rate))
    partial = np.clip((remaining * rng.beta(0.75, 1.6, n)).astype(np.int32), 20, remaining - 1)
    watch_total = np.where(played, np.where(complete, remaining, partial), 0).astype(np.int32)

    pauses = np.where(played, np.minimum(rng.poisson(watch_total / PAUSE_EVERY_S), MAX_PAUSES), 0)
    pauses = pauses.astype(np.int32)
    pause_total = rng.gamma(np.maximum(pauses, 1), MEAN_PAUSE_MS)
    pause_total_ms = np.where(pauses > 0, np.minimum(pause_total, MAX_PAUSE_TOTAL_MS), 0)
    pause_total_ms = pause_total_ms.astype(np.int64)
    key = rng.integers(0, 2**64, n, dtype=np.uint64)

    latest_end_ms = latest_end(start_ms, startup_ms, watch_total, pauses, pause_total_ms)
    check(
        n == 0 or int((latest_end_ms - start_ms).max()) <= MAX_SESSION_MS,
        "a session outlasts MAX_SESSION_MS, so the look-back would miss its events",
    )
    return SessionPlan(
        key=key,
        start_ms=start_ms,
        customer=customer.astype(np.int32),
        device=device,
        title=title,
        network=network,
        connection=connection,
        ip=ip,
        bandwidth=bandwidth,
        quality_cap=quality_cap,
        outcome=outcome,
        complete=complete,
        start_position=start_position,
        watch_total=watch_total,
        pauses=pauses,
        pause_total_ms=pause_total_ms,
        startup_ms=startup_ms,
        stall_rate=stall_rate,
        error_rate=error_rate,
        latest_end_ms=latest_end_ms.astype(np.int64),
    )


def latest_end(start_ms: I64, startup_ms: I64, watch_total: I32, pauses: I32,
               pause_total_ms: I64) -> I64:  # fmt: skip
    """An upper bound on a session's last event time: start-up, watching, pauses and the
    most rebuffering its stretches can hold."""
    stall_bound_ms = (pauses + 1) * int(MAX_STALLS_PER_SEGMENT * MAX_STALL_SECONDS * 1000)
    end = start_ms + startup_ms + watch_total.astype(np.int64) * 1000 + pause_total_ms
    return (end + stall_bound_ms).astype(np.int64)


def events_per_session(plan: SessionPlan) -> I64:
    """start, (pause, resume) per pause, then stop or complete; two events if it never played."""
    return np.where(plan.outcome == PLAYED, 2 + 2 * plan.pauses, 2).astype(np.int64)
