"""A keyed bijection of [0, n), vectorised both ways, with no table of n entries.

Customers are laid out in positions grouped by time zone, city and activity tier so that a
session can pick one by arithmetic; the permutation maps those positions to customer ids
so that ids carry no trace of the layout (CUST-000001 is not the first New Yorker).

A balanced Feistel network on the smallest even number of bits covering n, with cycle
walking (re-applying it until the value falls inside [0, n)): a bijection of [0, n) for any
n, after Black & Rogaway, "Ciphers with Arbitrary Finite Domains" (CT-RSA 2002).
"""

from __future__ import annotations

import numpy as np

from acme_gen.core import rand
from acme_gen.core.arrays import I64, U64

_ROUNDS = 4


class Permutation:
    def __init__(self, n: int, key: int) -> None:
        if n <= 0:
            raise ValueError("a permutation needs at least one element")
        self.n = n
        self._half = max(1, (max(n - 1, 1).bit_length() + 1) // 2)
        self._mask = np.uint64((1 << self._half) - 1)
        keys = rand.hash64(np.array([key], np.uint64), np.arange(_ROUNDS), 0x9E1)
        self._keys: U64 = keys

    def forward(self, x: I64) -> I64:
        """Each x in [0, n) to its image in [0, n)."""
        return self._walk(np.asarray(x, dtype=np.uint64), self._encrypt)

    def inverse(self, y: I64) -> I64:
        """forward's inverse: inverse(forward(x)) == x."""
        return self._walk(np.asarray(y, dtype=np.uint64), self._decrypt)

    def _walk(self, x: U64, step: object) -> I64:
        out = step(x)  # type: ignore[operator]
        outside = np.flatnonzero(out >= self.n)
        while len(outside):
            out[outside] = step(out[outside])  # type: ignore[operator]
            outside = outside[out[outside] >= self.n]
        return out.astype(np.int64)  # type: ignore[no-any-return]

    def _round(self, half: U64, r: int) -> U64:
        return rand.mix64(half ^ self._keys[r]) & self._mask

    def _encrypt(self, x: U64) -> U64:
        bits = np.uint64(self._half)
        left, right = x >> bits, x & self._mask
        for r in range(_ROUNDS):
            left, right = right, left ^ self._round(right, r)
        return (left << bits) | right

    def _decrypt(self, y: U64) -> U64:
        bits = np.uint64(self._half)
        left, right = y >> bits, y & self._mask
        for r in reversed(range(_ROUNDS)):
            left, right = right ^ self._round(left, r), left
        return (left << bits) | right
