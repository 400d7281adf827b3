"""The key invariant: a window's events are a pure function of (config, seed, window)."""

from __future__ import annotations

import itertools

import pyarrow as pa

from acme_gen.config import GeneratorConfig
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.lake.arrow import EVENT_SCHEMA, ArrowEncoder

from ..conftest import SMALL, T0

HOUR = 3_600_000


def _table(gen: TelemetryGenerator, start: int, end: int) -> pa.Table:
    # decoded: each piece's dictionaries hold only the values it uses
    return ArrowEncoder(gen.world).events_table(gen.window(start, end)).cast(EVENT_SCHEMA)


def test_window_whole_equals_window_in_pieces() -> None:
    whole = _table(TelemetryGenerator(SMALL), T0, T0 + 3 * HOUR)
    # a fresh generator (no cached plans), odd piece boundaries, pieces out of order
    gen = TelemetryGenerator(SMALL)
    cuts = [T0, T0 + 1_234_567, T0 + HOUR, T0 + HOUR + 300_001, T0 + 3 * HOUR]
    pieces = [_table(gen, a, b) for a, b in reversed(list(itertools.pairwise(cuts)))]
    assert whole.num_rows > 10_000
    assert pa.concat_tables(pieces[::-1]).equals(whole)


def test_five_minute_windows_equal_the_hour() -> None:
    gen = TelemetryGenerator(SMALL)
    hour = _table(gen, T0 + 20 * HOUR, T0 + 21 * HOUR)
    fives = [_table(TelemetryGenerator(SMALL), a, a + 300_000)
             for a in range(T0 + 20 * HOUR, T0 + 21 * HOUR, 300_000)]  # fmt: skip
    assert pa.concat_tables(fives).equals(hour)


def test_seed_and_config_change_the_events() -> None:
    base = _table(TelemetryGenerator(SMALL), T0, T0 + HOUR)
    ids = set(base["event_id"].to_pylist())
    for change in ({"seed": SMALL.seed + 1}, {"customers": SMALL.customers + 1},
                   {"events_per_day": SMALL.events_per_day * 2}):  # fmt: skip
        other = _table(TelemetryGenerator(GeneratorConfig(**{**SMALL.model_dump(), **change})),
                       T0, T0 + HOUR)  # fmt: skip
        assert not other.equals(base), change
        assert len(ids & set(other["event_id"].to_pylist())) < len(ids) / 2, change


def test_a_few_rows_of_a_batch_carry_only_their_sessions_and_the_same_values() -> None:
    """EventBatch.rows (the malformed rows a faulty backfill serialises): the events' columns
    are those of take(), from a batch that holds just their sessions."""
    import numpy as np

    gen = TelemetryGenerator(SMALL)
    batch = gen.window(T0 + 20 * HOUR, T0 + 21 * HOUR)
    pick = np.arange(0, len(batch), 97)
    few = batch.rows(pick)
    assert len(few.sessions) == len(np.unique(batch.session[pick])) < len(batch.sessions)
    encoder = ArrowEncoder(gen.world)
    rows = encoder.events_table(few).cast(EVENT_SCHEMA)
    assert rows.equals(encoder.events_table(batch.take(pick)).cast(EVENT_SCHEMA))
