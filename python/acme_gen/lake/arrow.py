"""EventBatch and dimension columns to Arrow, with the schema derived from the models."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from acme_gen.core.columns import Codes, Column, event_columns
from acme_gen.core.events import EventBatch
from acme_gen.core.world import World
from acme_gen.models import StreamingEvent
from acme_gen.schema import arrow_schema

EVENT_SCHEMA = arrow_schema(StreamingEvent)
_SMALL_VOCABULARY = 256


def fixed_width_strings(text: npt.NDArray[np.uint8]) -> pa.Array:
    """Zero-copy view of a (n, width) ASCII matrix as an Arrow string array."""
    n, width = text.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    data = np.ascontiguousarray(text)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


class ArrowEncoder:
    """Builds Arrow tables for one world; vocabularies are converted once and reused.

    Text columns with a vocabulary come out dictionary-encoded; the lake writer stores them
    as plain Parquet strings (BYTE_ARRAY/UTF8), so readers see EVENT_SCHEMA exactly."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._vocab: dict[int, tuple[tuple[str, ...], pa.Array, npt.NDArray[np.int32]]] = {}

    def _vocabulary(self, vocab: tuple[str, ...]) -> tuple[pa.Array, npt.NDArray[np.int32]]:
        """The distinct values of a vocabulary as Arrow, and each code's index among them.

        Vocabularies may repeat a value (two countries' "Starlink"); a Parquet dictionary
        must not, or the writer falls back to plain encoding."""
        cached = self._vocab.get(id(vocab))
        if cached is None or cached[0] is not vocab:
            distinct, index = np.unique(np.array(vocab, dtype=object), return_inverse=True)
            cached = (vocab, pa.array(distinct.tolist(), type=pa.string()), index.astype(np.int32))
            self._vocab[id(vocab)] = cached
        return cached[1], cached[2]

    def _array(self, column: Column, field: pa.Field) -> pa.Array:
        if isinstance(column, Codes):
            return self._dictionary_array(column)
        if column.dtype == np.uint8 and column.ndim == 2:
            return fixed_width_strings(column.view(np.uint8))
        return pa.array(column, type=field.type)

    def _dictionary_array(self, column: Codes) -> pa.Array:
        """Codes as an Arrow dictionary array: the Parquet writer then writes the dictionary
        as given instead of hashing every string. Large vocabularies (ids) are cut down to
        the entries this batch uses, keeping vocabulary order so the bytes are deterministic."""
        if isinstance(column.vocab, np.ndarray):  # distinct already, and only what is used
            values = column.vocab
            dictionary = (
                fixed_width_strings(values.view(np.uint8))
                if values.ndim == 2
                else pa.array(values, pa.string())
            )
            return pa.DictionaryArray.from_arrays(
                pa.array(column.codes, type=pa.int32()), dictionary
            )
        vocab, distinct_index = self._vocabulary(column.vocab)
        codes = distinct_index[column.codes]
        if len(vocab) > _SMALL_VOCABULARY:
            used = np.zeros(len(vocab), dtype=bool)
            used[codes] = True
            codes = (np.cumsum(used, dtype=np.int32) - 1)[codes]
            vocab = vocab.take(pa.array(np.flatnonzero(used)))
        return pa.DictionaryArray.from_arrays(pa.array(codes, type=pa.int32()), vocab)

    def events_table(self, batch: EventBatch) -> pa.Table:
        columns = event_columns(self.world, batch)
        arrays = [self._array(columns[f.name], f) for f in EVENT_SCHEMA]
        return pa.Table.from_arrays(arrays, names=EVENT_SCHEMA.names)


def table_from_columns(schema: pa.Schema, columns: dict[str, Any]) -> pa.Table:
    def array(values: Any, field: pa.Field) -> pa.Array:
        if isinstance(values, pa.Array):
            return values.cast(field.type)
        return pa.array(values, type=field.type)

    return pa.Table.from_arrays([array(columns[f.name], f) for f in schema], schema=schema)
