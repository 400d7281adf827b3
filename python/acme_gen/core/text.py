"""Fixed-width text columns built as byte matrices, vectorised (no per-row formatting).

A (n, width) uint8 matrix is both a numpy 'S' array and the data buffer of an Arrow string
array, so the lake and the JSON producer share these without a Python loop per row.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Bytes2D = npt.NDArray[np.uint8]
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
# byte value -> its two hex digits, as one 16-bit cell in memory order
_HEX_PAIRS = (
    np.stack([_HEX[np.arange(256) >> 4], _HEX[np.arange(256) & 15]], axis=1)
    .copy()
    .view(np.uint16)[:, 0]
)
_UUID_GROUPS = ((0, 8, 0), (9, 13, 8), (14, 18, 12), (19, 23, 16), (24, 36, 20))


def uuid4_text(hi: npt.NDArray[np.uint64], lo: npt.NDArray[np.uint64]) -> Bytes2D:
    """RFC 4122 version-4 UUIDs ('xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx') from 128 random bits."""
    n = len(hi)
    raw = np.empty((n, 16), dtype=np.uint8)
    raw[:, :8] = hi.astype(">u8").view(np.uint8).reshape(n, 8)
    raw[:, 8:] = lo.astype(">u8").view(np.uint8).reshape(n, 8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    digits = _HEX_PAIRS[raw].view(np.uint8).reshape(n, 32)  # two hex digits per byte at once
    out = np.full((n, 36), ord("-"), dtype=np.uint8)
    for start, stop, src in _UUID_GROUPS:
        out[:, start:stop] = digits[:, src : src + stop - start]
    return out


# "00".."99" as byte pairs: two digits per lookup instead of one divide per digit.
_PAIRS = np.array([[48 + i // 10, 48 + i % 10] for i in range(100)], dtype=np.uint8)


def _put_digits(out: Bytes2D, col: int, width: int, values: npt.NDArray[np.int64]) -> None:
    """Write `values` as zero-padded decimals of `width` digits at column `col`."""
    end = col + width
    while end - col >= 2:
        values, pair = np.divmod(values, 100)
        out[:, end - 2 : end] = _PAIRS[pair]
        end -= 2
    if end > col:
        out[:, col] = 48 + values % 10


def prefixed_number_text(prefix: str, values: npt.NDArray[np.int64], width: int) -> Bytes2D:
    """'<prefix><values zero-padded to width digits>' as a fixed-width matrix."""
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    out = np.empty((len(values), len(head) + width), dtype=np.uint8)
    out[:, : len(head)] = head
    _put_digits(out, len(head), width, values)
    return out


def civil_from_days(days: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], ...]:
    """(year, month, day) of days since 1970-01-01 (Howard Hinnant's algorithm)."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def iso_millis_text(ts_ms: npt.NDArray[np.int64]) -> Bytes2D:
    """'YYYY-MM-DDTHH:MM:SS.mmmZ' (UTC) for epoch milliseconds."""
    days, rem = np.divmod(ts_ms, 86_400_000)
    year, month, day = civil_from_days(days)
    out = np.empty((len(ts_ms), 24), dtype=np.uint8)
    for col, char in ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, "."), (23, "Z")):
        out[:, col] = ord(char)
    _put_digits(out, 0, 4, year)
    _put_digits(out, 5, 2, month)
    _put_digits(out, 8, 2, day)
    _put_digits(out, 11, 2, rem // 3_600_000)
    _put_digits(out, 14, 2, rem // 60_000 % 60)
    _put_digits(out, 17, 2, rem // 1000 % 60)
    _put_digits(out, 20, 3, rem % 1000)
    return out
