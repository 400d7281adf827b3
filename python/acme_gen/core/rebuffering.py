"""Rebuffering: which sessions stall, how often and for how long, and who leaves because of
it (the sources are cited in acme_gen.core.sessions). Stalls come from the delivery path:
most sessions have none, while lines, ISPs and devices with persistently bad delivery stall
again and again, with heavy-tailed stall lengths; each stall raises the hazard of leaving, so
rebuffered sessions are watched less.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from acme_gen.core import rand
from acme_gen.core.arrays import F64, I8, I32, I64, B
from acme_gen.core.world import World

MAX_STALL_S = 180.0
MAX_STALL_TOTAL_CS = 30 * 60 * 100  # longer totals bend towards it (soft_cap), never clip

# Rebuffering. Stall hazard per minute of playback: a small floor, rising steeply as the
# throughput nears the bitrate ladder; a session on a bad delivery path (a congested peering
# link, a weak Wi-Fi, a struggling device) adds a heavy per-session rate. The chance of a bad
# path is persistent per line and per ISP.
STALL_FLOOR_PER_MIN = 0.001
BAD_PATH_SHARE = 0.28
BAD_PATH_DEVICE = np.array([1.4, 1.3, 0.8, 1.1])  # mobile, web, tv, tablet
BAD_PATH_RATE_MEDIAN, BAD_PATH_RATE_SIGMA = 0.9, 0.7  # stalls per minute
STALL_MEDIAN_S, STALL_SIGMA = 1.8, 0.8  # a good path's stalls: short
BAD_STALL_MEDIAN_S, BAD_STALL_SIGMA = 5.0, 1.0  # a bad path's: p99 over a minute
EXIT_PER_STALL, EXIT_PER_STALL_SECOND = 0.15, 0.01  # the hazard of leaving after a stall

# Per-customer and per-network hash streams (persistent traits, not per-session draws).
_LINE, _NETWORK = 0x11E, 0x4E7


def bad_path_chance(world: World, customer: I32, network: I32, dtype: I8, bandwidth: F64) -> F64:
    """The chance that a session's delivery path is bad: persistent per line (the customer's
    home) and per network, and higher on phones and browsers than on TVs."""
    seed = np.uint64(world.config.seed)
    line_key = rand.event_base(np.full(len(customer), seed, np.uint64), customer)
    network_key = rand.event_base(np.full(len(network), seed, np.uint64), network)
    line = np.exp(0.9 * rand.normal(line_key, None, _LINE) - 0.405)  # mean 1
    isp = np.exp(0.45 * rand.normal(network_key, None, _NETWORK) - 0.101)
    thin = 0.5 + 2.5 * np.exp(-bandwidth / 10.0)  # a thin line is more often a bad path
    chance = BAD_PATH_SHARE * line * isp * BAD_PATH_DEVICE[dtype] * thin
    return np.asarray(np.minimum(chance, 0.9), dtype=np.float64)


def rebuffering(
    rng: np.random.Generator, bandwidth: F64, bad_path_chance: F64, planned: I32
) -> tuple[I32, I32, I64, B]:
    """Stalls over the planned playback: a Poisson process at the session's hazard, each
    stall of a heavy-tailed length; after each stall the viewer may leave. Returns the watch
    time, the stalls, their total length (centiseconds), and whether a stall drove the viewer
    away."""
    n = len(planned)
    bad = rng.random(n) < bad_path_chance
    bad_rate = BAD_PATH_RATE_MEDIAN * np.exp(BAD_PATH_RATE_SIGMA * rng.standard_normal(n))
    per_min = STALL_FLOOR_PER_MIN + thin_line_stalls(bandwidth) + np.where(bad, bad_rate, 0)
    drawn = rng.poisson(per_min * planned / 60.0)
    session = np.repeat(np.arange(n), drawn)
    at_s = rng.random(len(session)) * planned[session]  # when, into the playback
    median = np.where(bad[session], BAD_STALL_MEDIAN_S, STALL_MEDIAN_S)
    sigma = np.where(bad[session], BAD_STALL_SIGMA, STALL_SIGMA)
    length_s = median * np.exp(sigma * rng.standard_normal(len(session)))
    length_s = soft_cap(np.maximum(length_s, 0.1), MAX_STALL_S)  # nobody waits for ever
    leaves = rng.random(len(session)) < EXIT_PER_STALL + EXIT_PER_STALL_SECOND * length_s
    # The first stall the viewer leaves after ends the session: watch up to it.
    exit_at = np.full(n, np.inf)
    stalled = np.flatnonzero(drawn)
    if len(stalled):
        first = np.cumsum(drawn)[stalled] - drawn[stalled]
        exit_at[stalled] = np.minimum.reduceat(np.where(leaves, at_s, np.inf), first)
    kept = at_s <= exit_at[session]
    stalls = np.bincount(session[kept], minlength=n).astype(np.int32)
    stall_cs = np.bincount(session[kept], weights=np.rint(length_s[kept] * 100), minlength=n)
    stall_cs = np.maximum(soft_cap(stall_cs, MAX_STALL_TOTAL_CS), 10 * stalls)  # >= 0.1 s each
    # A stall in the last second of the plan leaves nothing unwatched: the plan was seen out.
    left = np.ceil(exit_at) < planned
    watch = np.where(left, np.maximum(np.ceil(np.where(left, exit_at, 0)), 1), planned)
    return watch.astype(np.int32), stalls, stall_cs.astype(np.int64), left


def thin_line_stalls(bandwidth: F64) -> F64:
    """Stalls per minute that a throughput near the bitrate ladder adds."""
    return np.asarray(0.35 * np.exp(-bandwidth / 2.5), dtype=np.float64)


def errors_per_minute(bandwidth: F64) -> F64:
    """Player errors per minute of playback at a throughput: rising as it thins."""
    return np.asarray(0.0008 + 0.02 * np.exp(-bandwidth / 3.0), dtype=np.float64)


def soft_cap(total: npt.NDArray[np.number[Any]], cap: float) -> F64:
    """Totals above two thirds of `cap` bend smoothly towards it: bounded (the session's
    look-back), yet no value piles up at the bound as a hard clip would make it."""
    knee = cap * 2 / 3
    bent = knee + (cap - knee) * (1 - np.exp(-(total - knee) / (cap - knee)))
    return np.asarray(np.where(total > knee, bent, total), dtype=np.float64)
