from __future__ import annotations

import uuid
from datetime import UTC, datetime

import numpy as np

from acme_gen.core.text import iso_millis_text, uuid4_text


def test_uuid4_text_is_rfc4122_v4() -> None:
    rng = np.random.default_rng(1)
    hi, lo = rng.integers(0, 2**64, (2, 1000), dtype=np.uint64)
    text = uuid4_text(hi, lo).view("S36").ravel().astype(str)
    for value, h, low in zip(text[:50], hi[:50], lo[:50], strict=True):
        parsed = uuid.UUID(value)
        assert parsed.version == 4 and str(parsed) == value
        # the bits are the input's, apart from version and variant
        mask = ~((0xF << 76) | (0x3 << 62))
        assert parsed.int & mask == ((int(h) << 64) | int(low)) & mask
    assert len(set(text)) == 1000


def test_iso_millis_matches_datetime() -> None:
    rng = np.random.default_rng(2)
    ms = np.concatenate([
        rng.integers(0, 4_102_444_800_000, 2000),  # 1970..2100
        np.array([951_782_400_000, 951_868_799_999, 1_709_164_800_123]),  # leap days
    ])  # fmt: skip
    text = iso_millis_text(ms).view("S24").ravel().astype(str)
    for value, m in zip(text, ms.tolist(), strict=True):
        expected = datetime.fromtimestamp(m / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")
        assert value == f"{expected}.{m % 1000:03d}Z"
