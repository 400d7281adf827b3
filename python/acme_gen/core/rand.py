"""Counter-based random numbers: a value is a pure function of (key, counter, stream).

Per-event draws must not depend on which other events are generated alongside, so that a
window's events are the same whether it is generated whole or in pieces. A keyed hash
(SplitMix64's finaliser) gives that, vectorised, with no generator state to carry.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from acme_gen.core.arrays import F64, U64

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def mix64(x: U64) -> U64:
    """SplitMix64 finaliser: a bijective, well-avalanching 64-bit mix (wraps on overflow)."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def event_base(key: U64, counter: npt.NDArray[np.integer]) -> U64:
    """Combine key and counter once; each stream then costs one mix (see hash64)."""
    return key ^ (counter.astype(np.uint64) * _GOLDEN)


def _salt(stream: int) -> np.uint64:
    # The stream constant is mixed first so that streams never collide by simple offset.
    return mix64(np.array([stream + 1], dtype=np.uint64) * _GOLDEN)[0]  # type: ignore[no-any-return]


def hash64(key: U64, counter: npt.NDArray[np.integer] | None, stream: int) -> U64:
    """64 hashed bits per (key, counter) for a stream; counter None means key is already an
    event_base."""
    base = key if counter is None else event_base(key, counter)
    return mix64(base ^ _salt(stream))


def uniform(key: U64, counter: npt.NDArray[np.integer] | None, stream: int) -> F64:
    """Uniform floats in the open interval (0, 1)."""
    bits = hash64(key, counter, stream) >> np.uint64(11)
    return (bits.astype(np.float64) + 0.5) * (1.0 / 2**53)


def normal(key: U64, counter: npt.NDArray[np.integer] | None, stream: int) -> F64:
    """Standard normal draws (Box-Muller on the two 32-bit halves of one hash)."""
    bits = hash64(key, counter, stream)
    scale = 1.0 / 2**32
    u1 = ((bits >> np.uint64(32)).astype(np.float64) + 0.5) * scale
    u2 = ((bits & np.uint64(0xFFFFFFFF)).astype(np.float64) + 0.5) * scale
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


def geometric(mean: F64, u: F64, cap: int) -> npt.NDArray[np.int32]:
    """Counts 0, 1, 2, ... with the given mean (geometric: most zero, a long tail), capped."""
    q = mean / (1.0 + mean)
    with np.errstate(divide="ignore"):
        k = np.floor(np.log(u) / np.log(np.where(q > 0, q, 1e-300)))
    return np.minimum(np.where(q > 0, k, 0), cap).astype(np.int32)
