"""How a play unfolds once it starts: how much of the title it covers, where the viewer
seeks (forward over an intro or a dull scene, back to see a moment again), and how often
and how long they pause, including plays abandoned on a pause that is never resumed.

All of these are session-level draws from the slot's generator (see `acme_gen.core.sessions`);
`acme_gen.core.events` splits the totals between a session's events.

- The credits: `complete` fires when the end credits begin, at 90-97% of the runtime (a few
  minutes of a film's end, about a minute of an episode's: `titles.credits_start_seconds`,
  drawn with the catalogue in `acme_gen.core.world`).
- Pauses are heavy-tailed: mostly under a minute or two, some a coffee or a phone call long,
  a few hours (a log-normal mixture). A share of plays end on a pause that is never resumed:
  the player reports the stop when the app closes or the pause times out.
"""

from __future__ import annotations

import numpy as np

from acme_gen.core.arrays import F64, I8, I32, I64, B
from acme_gen.core.rebuffering import soft_cap
from acme_gen.models import TITLE_TYPES

MAX_PAUSES = 8
SHORTEST_PLAY_MEDIAN_S = 20.0
# Forward seeks: the share of plays that skip ahead, and the total skipped (log-normal).
SEEK_SHARE, SEEK_MEDIAN_S, SEEK_SIGMA = 0.95, 30.0, 1.2
# Backward seeks: the share of plays that go back to see a moment again, and how far.
REWIND_SHARE, REWIND_MEDIAN_S, REWIND_SIGMA = 0.15, 20.0, 0.9
# How much of the title a play covers, by device (mobile, web, tv, tablet): the chance to
# watch to the credits relative to the title type's, and Beta(a, b) for the share of what is
# left that a play that stops early covers.
COMPLETE_SHARE = {"movie": 0.40, "series": 0.58, "documentary": 0.35}
DEVICE_COMPLETE_FACTOR = np.array([0.35, 0.75, 1.0, 0.7])
DEVICE_PARTIAL_BETA = np.array([[0.45, 3.2], [0.7, 1.8], [1.0, 1.3], [0.6, 2.2]])

PAUSE_EVERY_S = 2400.0  # one pause per 40 minutes watched, on average
# Pause lengths, a log-normal mixture: short pauses, and breaks (a call, a meal, the school run).
PAUSE_MEDIAN_S, PAUSE_SIGMA = 40.0, 1.2
BREAK_SHARE, BREAK_MEDIAN_S, BREAK_SIGMA = 0.15, 12 * 60.0, 1.0
# Plays with a pause whose last pause is never resumed, and how long until the stop comes.
ENDS_PAUSED_SHARE = 0.25
ABANDONED_MEDIAN_S, ABANDONED_SIGMA = 8 * 60.0, 1.0
MAX_PAUSE_TOTAL_MS = 3 * 3_600_000  # longer totals bend towards it (soft_cap), never clipped


def planned_watch(
    rng: np.random.Generator, title_type: I8, dtype: I8, remaining: I32
) -> tuple[I32, B, I32, I32]:
    """What the viewer means to watch of the `remaining` seconds to the credits if nothing
    goes wrong: all of it, or a share that depends on the device (a phone play is short, a
    TV play long); how far they seek forward on the way (so that even plays of one title to
    its credits differ in watch time); and how far back (seen again, so watched twice)."""
    n = len(title_type)
    base = np.array([COMPLETE_SHARE[t] for t in TITLE_TYPES])[title_type]
    complete = rng.random(n) < base * DEVICE_COMPLETE_FACTOR[dtype]
    a, b = DEVICE_PARTIAL_BETA[dtype].T
    share = rng.beta(a, b)
    # A play that stops early lasts at least a few seconds to a minute or so (zapping).
    least = SHORTEST_PLAY_MEDIAN_S * np.exp(rng.standard_normal(n))
    partial = np.minimum((remaining * share + least).astype(np.int32), remaining - 1)
    partial = np.maximum(partial, 1)
    seeks = rng.random(n) < SEEK_SHARE
    skip = np.where(seeks, SEEK_MEDIAN_S * np.exp(SEEK_SIGMA * rng.standard_normal(n)), 0.0)
    room = np.where(complete, remaining // 3, np.maximum(remaining - 1 - partial, 0))
    skip_s = np.minimum(skip.astype(np.int32), room).astype(np.int32)
    planned = np.where(complete, np.maximum(remaining - skip_s, 1), partial).astype(np.int32)
    skip_s = np.where(complete, remaining - planned, skip_s).astype(np.int32)
    rewinds = rng.random(n) < REWIND_SHARE
    back = REWIND_MEDIAN_S * np.exp(REWIND_SIGMA * rng.standard_normal(n))
    # Never further back than half of what is watched: the playhead stays past the start.
    rewind_s = np.where(rewinds, np.minimum(back, planned // 2), 0).astype(np.int32)
    return (planned + rewind_s).astype(np.int32), complete, skip_s, rewind_s


def pauses(
    rng: np.random.Generator, watch_total: I32, budget_ms: I64, may_end_paused: B
) -> tuple[I32, I64, I64]:
    """Pauses: about one per PAUSE_EVERY_S watched, heavy-tailed in length; a share of the
    plays that pause end on a pause never resumed (may_end_paused: not plays to the credits).
    Returns the pauses, their total (ms) and the abandoned last pause's length (ms, or 0).
    Totals bend below `budget_ms` (the session's room in the look-back)."""
    n = len(watch_total)
    count = np.minimum(rng.poisson(watch_total / PAUSE_EVERY_S), MAX_PAUSES)
    count = np.minimum(count, np.maximum(watch_total - 1, 0)).astype(np.int32)
    session = np.repeat(np.arange(n), count)
    breaks = rng.random(len(session)) < BREAK_SHARE
    median = np.where(breaks, BREAK_MEDIAN_S, PAUSE_MEDIAN_S) * 1000
    sigma = np.where(breaks, BREAK_SIGMA, PAUSE_SIGMA)
    length_ms = 1000 + median * np.exp(sigma * rng.standard_normal(len(session)))
    resumed = np.bincount(session, weights=length_ms, minlength=n)
    ends_paused = may_end_paused & (count > 0) & (rng.random(n) < ENDS_PAUSED_SHARE)
    abandoned = ABANDONED_MEDIAN_S * 1000 * np.exp(ABANDONED_SIGMA * rng.standard_normal(n))
    # The abandoned pause replaces the last resumed one.
    last = np.zeros(n)
    has = count > 0
    last[has] = length_ms[(np.cumsum(count) - 1)[has]]
    total = np.asarray(resumed + np.where(ends_paused, abandoned + 1000 - last, 0.0), np.float64)
    cap = np.minimum(MAX_PAUSE_TOTAL_MS, budget_ms).astype(np.float64)
    scale = np.where(total > 0, _bent(total, cap) / np.maximum(total, 1.0), 1.0)
    final_ms = np.where(ends_paused, (abandoned + 1000) * scale, 0).astype(np.int64)
    total_ms = np.maximum((total * scale).astype(np.int64), 1000 * count + final_ms)
    return count, total_ms, final_ms


def _bent(total: F64, cap: F64) -> F64:
    """soft_cap with a cap per session."""
    return np.asarray(soft_cap(total / cap, 1.0) * cap, dtype=np.float64)


def events_per_play(pauses: I32, ends_paused: B) -> I64:
    """start, (pause, resume) per pause, then stop or complete; a play that ends paused has
    no resume after its last pause."""
    return (2 + 2 * pauses.astype(np.int64) - ends_paused).astype(np.int64)
