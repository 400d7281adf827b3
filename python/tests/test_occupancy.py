"""Physics (acme_gen.core.occupancy): a device plays one session at a time, a customer's
streams never exceed the plan's limit, and the rule is a pure function of earlier draws.
(The rule is not yet applied by the generator: see the README's calibration table.)"""

from __future__ import annotations

import numpy as np

from acme_gen.core.occupancy import playable

MIN = 60_000


def _plays(rows: list[tuple[int, int, int, int]], limit: int = 4) -> list[bool]:
    """rows: (customer, device, start minute, end minute); every row decided."""
    c, d, s, e = (np.array(col, dtype=np.int64) for col in zip(*rows, strict=True))
    n = len(rows)
    key = np.arange(n, dtype=np.uint64)
    flags = playable(c.astype(np.int32), d.astype(np.int32), s * MIN, e * MIN, key,
                     np.full(n, limit, np.int8), np.ones(n, bool))  # fmt: skip
    return flags.tolist()


def test_a_device_plays_one_session_at_a_time() -> None:
    assert _plays([(0, 0, 0, 60), (0, 0, 30, 90)]) == [True, False]
    assert _plays([(0, 0, 0, 60), (0, 0, 60, 90)]) == [True, True]  # one ends as one starts
    assert _plays([(0, 0, 0, 60), (0, 1, 30, 90)]) == [True, True]  # another device


def test_an_earlier_refused_draw_still_counts() -> None:
    """Deciding against every earlier draw, kept or not, keeps the rule pure: the third
    draw is refused because the second (itself refused) was still running."""
    assert _plays([(0, 0, 0, 60), (0, 0, 50, 120), (0, 0, 100, 130)]) == [True, False, False]


def test_the_plan_limits_simultaneous_streams() -> None:
    rows = [(0, 0, 0, 60), (0, 1, 10, 60), (0, 2, 20, 60)]
    assert _plays(rows, limit=1) == [True, False, False]
    assert _plays(rows, limit=2) == [True, True, False]
    assert _plays(rows, limit=4) == [True, True, True]
    assert _plays([(0, 0, 0, 60), (1, 1, 10, 60)], limit=1) == [True, True]  # two customers


def test_only_the_decided_draws_are_returned_true() -> None:
    c = np.zeros(2, np.int32)
    flags = playable(c, c, np.array([0, 10]) * MIN, np.array([5, 20]) * MIN,
                     np.arange(2, dtype=np.uint64), np.ones(2, np.int8),
                     np.array([False, True]))  # fmt: skip
    assert flags.tolist() == [False, True]
