"""A keyed bijection of [0, n), vectorised both ways, with no table of n entries.

Customers are laid out in positions grouped by time zone, city and activity tier so that a
session can pick one by arithmetic; the permutation maps those positions to customer ids
so that ids carry no trace of the layout (CUST-000001 is not the first New Yorker).

Swap-or-not (Hoang, Morris & Rogaway, "An Enciphering Scheme Based on a Card Shuffle",
CRYPTO 2012): each round pairs x with K - x (mod n) and swaps the two when a keyed bit of
the pair says so. A round is its own inverse, so the rounds in reverse order undo them, and
it works on any n directly (no cycle walking: the same few array operations per round
whatever the values).
"""

from __future__ import annotations

import numpy as np

from acme_gen.core import rand
from acme_gen.core.arrays import I64

_ROUNDS = 10  # ample for scrambling (not for secrecy: nothing here is secret)


class Permutation:
    def __init__(self, n: int, key: int) -> None:
        if n <= 0:
            raise ValueError("a permutation needs at least one element")
        self.n = n
        bits = rand.hash64(np.array([key], np.uint64), np.arange(2 * _ROUNDS), 0x9E1)
        self._offsets = (bits[:_ROUNDS] % np.uint64(n)).astype(np.int64)
        self._keys = bits[_ROUNDS:]

    def forward(self, x: I64) -> I64:
        """Each x in [0, n) to its image in [0, n)."""
        out = np.asarray(x, dtype=np.int64)
        for r in range(_ROUNDS):
            out = self._round(out, r)
        return out

    def inverse(self, y: I64) -> I64:
        """forward's inverse: inverse(forward(x)) == x."""
        out = np.asarray(y, dtype=np.int64)
        for r in reversed(range(_ROUNDS)):
            out = self._round(out, r)
        return out

    def _round(self, x: I64, r: int) -> I64:
        partner = (self._offsets[r] - x) % self.n
        pair = np.maximum(x, partner).astype(np.uint64)
        swap = (rand.mix64(pair ^ self._keys[r]) & np.uint64(1)).astype(np.bool_)
        return np.where(swap, partner, x)
