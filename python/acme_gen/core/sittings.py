"""Sittings: what a viewer does when a play ends. A drawn session starts a sitting, and the
sitting goes on while the viewer does (all on the device the sitting started on):

- Auto-play: after an episode's credits the next episode starts on its own after a short
  countdown. Netflix's Post-Play started it after 15 s (2012, The Verge); the countdown is
  now about 5 s ("less than six seconds", Netflix). Binge sittings run 2-6 episodes
  (Netflix/Harris Interactive survey, 2013: 73% define binge-watching so; Deloitte Digital
  Democracy Survey 2016: bingers report about five episodes a sitting). After three
  episodes in a row without a touch of the controls the player asks "Are you still
  watching?" (Netflix Help Center), and many sittings end there.
- Continue-watching: a play stopped before the credits is often taken up again later the
  same sitting (a break, a call, dinner), from where it stopped; players resume a few
  seconds back so that the viewer picks the thread up again.
- A start that failed is retried within seconds, from the same position.

A part of a sitting is a session of its own (its own session_id). Every part starts after
the previous one's last event, on the same device, so parts never overlap; the sitting fits
within MAX_SESSION_MS of its first start (a part that would not is not played), so a window
still needs only that look-back. Occupancy (acme_gen.core.occupancy) keeps a sitting's
parts up to the first one that would collide with another draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from acme_gen.core.arrays import I32, I64, B

MAX_PARTS = 6  # sessions in one sitting, at most
# The chance that a completed episode auto-plays the next, by device (mobile, web, tv,
# tablet): long sittings are a big-screen habit.
AUTOPLAY_SHARE = np.array([0.40, 0.55, 0.68, 0.55])
STILL_WATCHING_AFTER = 3  # episodes in a row before the player asks
STILL_WATCHING_CONTINUE = 0.5  # sittings that answer "yes"
COUNTDOWN_MEDIAN_S, COUNTDOWN_SIGMA = 5.0, 0.5  # auto-play's countdown, or a click on "next"
# A play stopped before the credits (after more than a zap) is taken up again in the sitting.
RETURN_SHARE = 0.35
RETURN_MEDIAN_S, RETURN_SIGMA = 40 * 60.0, 0.9
LEAST_WATCHED_TO_RETURN_S = 120
RESUME_BACK_S = 10  # the player resumes up to this many seconds before the stop
RETRY_SHARE = 0.6  # a failed start retried
RETRY_MEDIAN_S, RETRY_SIGMA = 8.0, 0.6


@dataclass(frozen=True)
class NextParts:
    """The parts that follow: which part each follows (`after`, an index into the previous
    parts), its title, where in it the play starts, and when (ms)."""

    after: I64
    title: I32
    start_position: I32
    start_ms: I64


def next_parts(
    rng: np.random.Generator,
    part: int,
    dtype: np.ndarray,
    played: B,
    failed: B,
    complete: B,
    title: I32,
    next_episode: I32,
    final_position: I32,
    watch_total: I32,
    credits_s: I32,
    end_ms: I64,
) -> NextParts:
    """What follows each of the previous round's parts (the `part`-th of their sittings, 0 for
    the drawn session): draws in a fixed order for every row, so the round is pure."""
    n = len(title)
    u_go, u_gap, u_back = rng.random(n), rng.standard_normal(n), rng.random(n)
    asked = (part + 1) % STILL_WATCHING_AFTER == 0  # "Are you still watching?"
    autoplay = AUTOPLAY_SHARE[dtype] * (STILL_WATCHING_CONTINUE if asked else 1.0)
    binge = played & complete & (next_episode >= 0) & (u_go < autoplay)
    stopped = played & ~complete & (watch_total >= LEAST_WATCHED_TO_RETURN_S)
    stopped &= final_position < credits_s - 1
    back = stopped & (u_go < RETURN_SHARE)
    retry = failed & (u_go < RETRY_SHARE)
    gap_s = np.select(
        [binge, back],
        [1.0 + COUNTDOWN_MEDIAN_S * np.exp(COUNTDOWN_SIGMA * u_gap),
         RETURN_MEDIAN_S * np.exp(RETURN_SIGMA * u_gap)],
        1.0 + RETRY_MEDIAN_S * np.exp(RETRY_SIGMA * u_gap),
    )  # fmt: skip
    after = np.flatnonzero(binge | back | retry)
    resume_at = np.maximum(final_position - (u_back * (RESUME_BACK_S + 1)).astype(np.int32), 0)
    start_position = np.select([binge, back], [0, resume_at], final_position)
    return NextParts(
        after=after,
        title=np.where(binge, next_episode, title)[after].astype(np.int32),
        start_position=start_position[after].astype(np.int32),
        start_ms=(end_ms + (gap_s * 1000).astype(np.int64))[after],
    )
