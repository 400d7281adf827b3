"""The stream's faults: which records of a tick go out now, which later, which never.

Records are made once per tick (JSON of the events as their devices record them, skew
applied); then, per declared fault:
- drop: not sent;
- malformed: sent, broken (acme_gen.kinesis.records.malformed_record);
- late: held until its arrival time (event time + delay);
- duplicate: sent now, and a copy is held until event time + delay;
- out_of_order: held until the next event of its session is due, then sent after it.
Held records wait in a heap by due time; only the faulty share is touched one by one.
When the stream stops, out-of-order records still held go out (a client flushing its
buffer on exit); late records and copies not yet due do not (they had not arrived).
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from acme_gen.core import rand
from acme_gen.core.events import EventBatch
from acme_gen.core.faults import (
    DROP,
    DUPLICATE,
    LATE,
    MALFORMED,
    NO_FAULT,
    OUT_OF_ORDER,
    event_faults,
    recorded,
)
from acme_gen.core.world import World
from acme_gen.kinesis.records import json_records, malformed_record
from acme_gen.scenario import FAULT_KINDS, FaultRates

Records = tuple[list[bytes], list[str]]  # (data, partition keys)


@dataclass
class FaultyRecords:
    world: World
    rates: FaultRates
    seed: int
    table_format: str = "hive"
    injected: Counter[str] = field(default_factory=Counter)
    _due: list[tuple[int, int, bytes, str]] = field(default_factory=list)  # heap by due ms
    _next: dict[int, list[tuple[bytes, str]]] = field(default_factory=dict)  # by successor
    _order: int = 0

    def records(self, batch: EventBatch, until_ms: int) -> Records:
        """What to send for a tick whose events are `batch` (up to event time until_ms)."""
        data: list[bytes] = []
        keys: list[str] = []
        if len(batch):
            data, keys = self._shape(batch)
        due_data, due_keys = self.due(until_ms)
        return data + due_data, keys + due_keys

    def _shape(self, batch: EventBatch) -> Records:
        faults = event_faults(self.rates, self.seed, batch)
        data, keys = json_records(self.world, recorded(batch, faults), self.table_format)
        kind = faults.kind
        self.injected.update(np.array(FAULT_KINDS)[kind[kind != NO_FAULT]].tolist())
        self.injected["skew"] += int(np.count_nonzero(faults.skew_ms))
        if not (kind != NO_FAULT).any():
            return data, keys
        for i in np.flatnonzero(kind == MALFORMED).tolist():
            data[i] = malformed_record(data[i], int(faults.variant[i]))
        for i in np.flatnonzero((kind == LATE) | (kind == DUPLICATE)).tolist():
            self._hold(int(batch.ts_ms[i] + faults.delay_ms[i]), data[i], keys[i])
        base = rand.event_base(batch.sessions.key[batch.session], batch.seq)
        held = np.flatnonzero(kind == OUT_OF_ORDER)
        successor = rand.event_base(batch.sessions.key[batch.session[held]], batch.seq[held] + 1)
        for i, after in zip(held.tolist(), successor.tolist(), strict=True):
            self._next.setdefault(after, []).append((data[i], keys[i]))
        # After adding: a successor in this same tick releases its record at once.
        released = self._release([int(b) for b in base[np.isin(base, self._next_keys())]])
        now = np.flatnonzero(~np.isin(kind, (DROP, LATE, OUT_OF_ORDER)))
        out = ([data[i] for i in now.tolist()], [keys[i] for i in now.tolist()])
        return out[0] + released[0], out[1] + released[1]

    def _next_keys(self) -> np.ndarray:
        return np.fromiter(self._next, dtype=np.uint64, count=len(self._next))

    def _release(self, successors: list[int]) -> Records:
        data: list[bytes] = []
        keys: list[str] = []
        for s in successors:
            for d, k in self._next.pop(s, []):
                data.append(d)
                keys.append(k)
        return data, keys

    def _hold(self, due_ms: int, data: bytes, key: str) -> None:
        self._order += 1
        heapq.heappush(self._due, (due_ms, self._order, data, key))

    def due(self, until_ms: int) -> Records:
        """Held late records and copies whose time has come (before until_ms)."""
        data: list[bytes] = []
        keys: list[str] = []
        while self._due and self._due[0][0] < until_ms:
            _, _, d, k = heapq.heappop(self._due)
            data.append(d)
            keys.append(k)
        return data, keys

    def flush(self) -> Records:
        """Out-of-order records still held when the stream stops."""
        return self._release(list(self._next))

    @property
    def held(self) -> int:
        return len(self._due) + sum(len(v) for v in self._next.values())
