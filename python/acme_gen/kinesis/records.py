"""Events as JSON records for Kinesis, exactly matching the Glue schema (names and types),
so Firehose's OpenX JSON SerDe converts every one to Parquet.

Columns are converted to Python lists in C (numpy .tolist()), then orjson serialises one
object per record: a record is the unit Kinesis takes, so this is the one place a row
exists. Measured in `make bench`.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import orjson

from acme_gen.core.columns import Codes, event_columns
from acme_gen.core.events import EventBatch
from acme_gen.core.world import World
from acme_gen.models import StreamingEvent
from acme_gen.time_labels import PARTITION_KEYS, TIMESTAMP_SLICES

FIELDS = tuple(StreamingEvent.model_fields)


_VOCABULARIES: dict[int, tuple[tuple[str, ...], np.ndarray]] = {}


def _vocabulary(vocab: tuple[str, ...]) -> np.ndarray:
    """The vocabulary as an object array, converted once (keyed by identity: hashing a
    large tuple on every call would cost more than the lookup saves)."""
    cached = _VOCABULARIES.get(id(vocab))
    if cached is None or cached[0] is not vocab:
        cached = (vocab, np.array(vocab, dtype=object))
        _VOCABULARIES[id(vocab)] = cached
    return cached[1]


def _ascii_rows(matrix: np.ndarray) -> list[str]:
    # Slices of one ASCII str are compact ASCII strs, which orjson writes fastest
    # (numpy's 'U' strings are 4 bytes a character and several times slower).
    width = matrix.shape[1]
    text = matrix.tobytes().decode("ascii")
    return [text[i : i + width] for i in range(0, len(text), width)]


def _decoded(vocab: tuple[str, ...] | np.ndarray) -> np.ndarray:
    """A vocabulary as an object array of str (a fixed one converted once)."""
    if isinstance(vocab, tuple):
        return _vocabulary(vocab)
    rows = _ascii_rows(vocab) if vocab.ndim == 2 else vocab.tolist()
    return np.asarray(rows, dtype=object)


def column_lists(world: World, batch: EventBatch) -> dict[str, list[object]]:
    out: dict[str, list[object]] = {}
    for name, column in event_columns(world, batch).items():
        if isinstance(column, Codes):
            out[name] = _decoded(column.vocab)[column.codes].tolist()
        elif column.dtype == np.uint8 and column.ndim == 2:
            out[name] = list(_ascii_rows(column))
        else:
            out[name] = column.tolist()
    return out


def json_records(
    world: World, batch: EventBatch, table_format: str = "hive"
) -> tuple[list[bytes], list[str]]:
    """(JSON bytes per event, partition key per event); the key is the session id, which
    spreads load over shards and keeps a session's events in order on one shard.

    For an Iceberg destination the records also carry year/month/day/hour (Firehose maps a
    record's first-level fields to the table's columns by name); Hive's records are as ever.
    """
    dumps = orjson.dumps
    fields = FIELDS if table_format == "hive" else (*FIELDS, *PARTITION_KEYS)
    with _gc_paused():
        columns = column_lists(world, batch)
        if table_format != "hive":
            stamps: list[str] = columns["event_timestamp"]  # type: ignore[assignment]
            for key, (a, b) in zip(PARTITION_KEYS, TIMESTAMP_SLICES, strict=True):
                columns[key] = [t[a:b] for t in stamps]
        values = [columns[name] for name in fields]
        data = [dumps(dict(zip(fields, row, strict=True))) for row in zip(*values, strict=True)]
        keys: list[str] = columns["session_id"]  # type: ignore[assignment]
        del columns, values
    return data, keys


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Tens of thousands of short-lived dicts would set off the cyclic collector again and
    again (measured: 6x slower); none of them can form a cycle."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_BUFFERING_EVENTS = re.compile(rb'"buffering_events":(-?\d+)')
_EVENT_TIMESTAMP = re.compile(rb'"event_timestamp":"[^"]*",')


def malformed_record(raw: bytes, variant: int) -> bytes:
    """A record Firehose's conversion rejects, made from a good one (the variants of
    acme_gen.core.faults.MALFORMED_VARIANTS): an int field as text, the JSON cut short after
    its first fields, or the event_timestamp (the partition key) left out. The event_id stays
    readable in each, so the truth can name the record."""
    if variant == 0:
        return _BUFFERING_EVENTS.sub(rb'"buffering_events":"\1 stalls"', raw, count=1)
    if variant == 1:
        return raw[: max(len(raw) * 3 // 5, 120)]
    return _EVENT_TIMESTAMP.sub(b"", raw, count=1)
