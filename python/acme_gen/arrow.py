"""EventBatch and dimension columns to Arrow, with the schema derived from the models."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from acme_gen.columns import Codes, Column, event_columns
from acme_gen.events import EventBatch
from acme_gen.models import StreamingEvent
from acme_gen.schema import arrow_schema
from acme_gen.world import World

EVENT_SCHEMA = arrow_schema(StreamingEvent)


def fixed_width_strings(text: npt.NDArray[np.uint8]) -> pa.Array:
    """Zero-copy view of a (n, width) ASCII matrix as an Arrow string array."""
    n, width = text.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    data = np.ascontiguousarray(text)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


class ArrowEncoder:
    """Builds Arrow tables for one world; vocabularies are converted once and reused."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._vocab: dict[int, tuple[tuple[str, ...], pa.Array]] = {}

    def _vocabulary(self, vocab: tuple[str, ...]) -> pa.Array:
        cached = self._vocab.get(id(vocab))
        if cached is None or cached[0] is not vocab:
            cached = (vocab, pa.array(vocab, type=pa.string()))
            self._vocab[id(vocab)] = cached
        return cached[1]

    def _array(self, column: Column, field: pa.Field) -> pa.Array:
        if isinstance(column, Codes):
            return self._vocabulary(column.vocab).take(pa.array(column.codes))
        if column.dtype == np.uint8 and column.ndim == 2:
            return fixed_width_strings(column.view(np.uint8))
        return pa.array(column, type=field.type)

    def events_table(self, batch: EventBatch) -> pa.Table:
        columns = event_columns(self.world, batch)
        arrays = [self._array(columns[f.name], f) for f in EVENT_SCHEMA]
        return pa.Table.from_arrays(arrays, schema=EVENT_SCHEMA)


def table_from_columns(schema: pa.Schema, columns: dict[str, Any]) -> pa.Table:
    return pa.Table.from_arrays([pa.array(columns[f.name], type=f.type) for f in schema],
                                schema=schema)  # fmt: skip
