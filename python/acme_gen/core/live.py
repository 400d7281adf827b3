"""A forward-moving stream's events: consecutive windows from a start time on, each equal to
`TelemetryGenerator.window` over the same bounds (event for event, in the same order), for
one share of the sessions.

    timeline = LiveTimeline(generator, start_ms, shard=0, shards=2)
    batch = timeline.until(start_ms + 1_000)      # [start, start + 1 s)
    batch = timeline.until(start_ms + 2_000)      # [start + 1 s, start + 2 s)

`window()` expands every session that can still reach a window, each time: fine for an hour
of backfill, but a one-second tick at 5,000 events/s would re-expand about four million running
sessions to emit five thousand events. The timeline instead decides each start slot's
sessions when the slot comes due and expands each session once, a few minutes before its
start (a slot is an hour of starts: expanding it whole would hold an hour of future events),
keeping only its events still ahead, sorted by time; a window is then a slice of each slot's
queue. Memory follows the running sessions' remaining events, not the rate times the
look-back.

Sharding: session keys are uniform 64-bit draws, so `key % shards` splits the sessions into
disjoint shares of about equal size; the union of every shard's windows is the window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

import numpy as np

from acme_gen.core.arrays import I32
from acme_gen.core.events import EventBatch, expand
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.core.sessions import MAX_SESSION_MS, SessionPlan, SessionRefs, draw_sessions
from acme_gen.core.traffic import SLOT_MS
from acme_gen.invariants import check

_NO_END = 2**62
_DECIDED_AT_ONCE = 1  # slots (hours) whose draws physics decides in one pass: each holds
# its context of draws, so more at once only adds memory
_EXPAND_SESSIONS = 100_000  # sessions expanded at once: bounds the temporaries' memory
_EXPAND_AHEAD_MS = 300_000  # sessions are expanded in 5-minute batches of their starts
_PER_EVENT = tuple(f.name for f in fields(EventBatch) if f.name != "sessions")


# Stored narrower than EventBatch's dtypes while queued and widened again on the way out,
# values unchanged: event index < 2 + 2 * MAX_PAUSES, stalls per stretch well under 2**15,
# errors per stretch <= MAX_ERRORS_PER_STRETCH.
_QUEUED_AS: dict[str, type[np.signedinteger[Any]]] = {
    "seq": np.int8,
    "buffering_events": np.int16,
    "error_count": np.int8,
}
# Values expand rounded to 2 decimals (np.round: rint(x * 100) / 100) are kept as those
# integer hundredths: dividing by 100 again gives the very same float64.
_HUNDREDTHS = ("bandwidth", "buffering_seconds")


class _SlotQueue:
    """One start slot's events not yet emitted, sorted by time, equal times by the session's
    position in the slot's plan (`head` is the next). `position` is each of events.sessions'
    place in the plan, ascending."""

    def __init__(
        self, events: EventBatch, title_runtime: np.ndarray, origin_ms: int, position: I32
    ) -> None:
        used, session = np.unique(events.session, return_inverse=True)
        self.sessions = events.sessions.take(used)  # only sessions with events to come
        self.position = position[used]
        self.wide = {n: getattr(events, n).dtype for n in _PER_EVENT}
        self.columns = {n: _narrow(n, getattr(events, n)) for n in _PER_EVENT}
        self.columns["session"] = session.astype(np.int32)
        del self.columns["completion"]  # derived from position on the way out, as expand does
        self.title_runtime = title_runtime
        # Times as int32 offsets from the slot start: a session spans at most 5 hours.
        self.origin_ms = origin_ms
        self.columns["ts_ms"] = (events.ts_ms - origin_ms).astype(np.int32)
        self.head = 0

    def __len__(self) -> int:
        return len(self.columns["ts_ms"])

    def remaining(self) -> int:
        return len(self) - self.head

    def rows(self, start: int, stop: int) -> EventBatch:
        """Events [start, stop), with only the sessions they refer to (the columns derive
        text per session of a batch: a batch must not carry a whole slot's sessions)."""
        return self.positioned_rows(start, stop)[0]

    def positioned_rows(self, start: int, stop: int) -> tuple[EventBatch, I32]:
        """rows(), and the position in the slot's plan of each of their sessions."""
        columns = {n: c[start:stop].astype(self.wide[n]) for n, c in self.columns.items()}
        columns["ts_ms"] += self.origin_ms
        for name in _HUNDREDTHS:
            columns[name] = self.columns[name][start:stop] / 100.0
        used, session = np.unique(columns["session"], return_inverse=True)
        columns["session"] = session.astype(np.int32)
        sessions = self.sessions.take(used)
        runtime = self.title_runtime[sessions.title[columns["session"]]]
        columns["completion"] = np.round(100.0 * columns["position_seconds"] / runtime, 2)
        return EventBatch(sessions=sessions, **columns), self.position[used]


def _narrow(name: str, column: np.ndarray) -> np.ndarray:
    if name in _HUNDREDTHS:
        return np.rint(column * 100.0).astype(np.int32)
    narrow = _QUEUED_AS.get(name)
    if narrow is None:
        return column
    check(len(column) == 0 or int(column.max()) <= np.iinfo(narrow).max,
          f"{name} does not fit the queue's {np.dtype(narrow)}")  # fmt: skip
    return column.astype(narrow)


class LiveTimeline:
    def __init__(
        self, generator: TelemetryGenerator, start_ms: int, shard: int = 0, shards: int = 1
    ) -> None:
        if not 0 <= shard < shards:
            raise ValueError(f"shard {shard} is not in 0..{shards - 1}")
        self.generator = generator
        self.cursor = start_ms
        self.shard, self.shards = shard, shards
        self._queues: dict[int, _SlotQueue] = {}
        self._unexpanded: dict[int, _Unexpanded] = {}
        self._loaded_through = (start_ms - MAX_SESSION_MS) // SLOT_MS - 1
        zones = len(generator.world.timezones)
        none = np.zeros(zones, np.int64)
        no_sessions = draw_sessions(generator.world, np.random.default_rng(0), none, 0, SLOT_MS,
                                    np.ones(zones))  # fmt: skip
        self._nothing = expand(no_sessions, np.zeros(0, np.int32), 0, 1)

    @property
    def pending(self) -> int:
        """Events expanded and not yet emitted."""
        return sum(q.remaining() for q in self._queues.values())

    def warm_up(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Draw and expand every session running at the cursor (the first window's cost);
        `progress(slots_done, slots)` after each start slot."""
        self._load(self.cursor // SLOT_MS, progress)
        self._expand_due(self.cursor + 1)

    def skip_to(self, end_ms: int) -> None:
        """Move the cursor to end_ms without emitting (a live stream starts when warm)."""
        if end_ms > self.cursor:
            self._advance(end_ms, emit=False)

    def until(self, end_ms: int) -> EventBatch:
        """The events in [cursor, end_ms), ordered by time; the cursor moves to end_ms."""
        if end_ms <= self.cursor:
            raise ValueError("window end must be after its start")
        return _merge(self._advance(end_ms, emit=True)) or self._nothing

    def _advance(self, end_ms: int, emit: bool) -> list[EventBatch]:
        self._load((end_ms - 1) // SLOT_MS)
        self._expand_due(end_ms)
        parts = []
        for slot in sorted(self._queues):
            queue = self._queues[slot]
            ts = queue.columns["ts_ms"]
            offset = min(end_ms - queue.origin_ms, np.iinfo(np.int32).max)  # every ts is below
            stop = queue.head + int(np.searchsorted(ts[queue.head :], offset, side="left"))
            if stop > queue.head:
                if emit:
                    parts.append(queue.rows(queue.head, stop))
                queue.head = stop
            if queue.remaining() == 0:
                del self._queues[slot]  # every event of its sessions is out
            elif queue.head > len(ts) // 2:  # free the emitted part
                rest, position = queue.positioned_rows(queue.head, len(ts))
                self._queues[slot] = _SlotQueue(
                    rest, queue.title_runtime, queue.origin_ms, position
                )
        self.cursor = end_ms
        return parts

    def _load(self, last_slot: int, progress: Callable[[int, int], None] | None = None) -> None:
        slots = list(range(self._loaded_through + 1, last_slot + 1))
        plans: dict[int, SessionPlan] = {}
        for done, slot in enumerate(slots, 1):
            if slot not in plans:  # the sessions that play, a few slots decided at a time
                plans = self.generator.playable_slots(slots[done - 1 : done - 1 + _DECIDED_AT_ONCE])
            plan = plans[slot]
            if self.shards > 1:
                plan = plan.take(plan.key % np.uint64(self.shards) == np.uint64(self.shard))
            plan = plan.take(plan.end_ms >= self.cursor)
            if len(plan):
                self._unexpanded[slot] = _Unexpanded.of(plan)
            self._loaded_through = slot
            if progress:
                progress(done, len(slots))

    def _expand_due(self, end_ms: int) -> None:
        """Expand the loaded sessions that start before end_ms, or rather before the next
        _EXPAND_AHEAD_MS boundary after it (a batch per few minutes, not per tick), into
        their slots' queues."""
        until = -(-end_ms // _EXPAND_AHEAD_MS) * _EXPAND_AHEAD_MS
        runtime = self.generator.world.title_runtime
        for slot in sorted(self._unexpanded):
            waiting = self._unexpanded[slot]
            due, position, later = waiting.split(until)
            if later is None:
                del self._unexpanded[slot]
            else:
                self._unexpanded[slot] = later
            if len(due) == 0:
                continue
            events = self._expand_all(due)
            queue = self._queues.get(slot)
            if queue is not None and queue.remaining():
                rest, rest_position = queue.positioned_rows(queue.head, len(queue))
                events, position = _by_position(rest, rest_position, events, position)
            queue = _SlotQueue(events, runtime, slot * SLOT_MS, position)
            if len(queue):
                self._queues[slot] = queue

    def _expand_all(self, plan: SessionPlan) -> EventBatch:
        """Every event of `plan` from the cursor on, by time (in pieces: the same events in the
        same order as one call, since equal times keep session order under a stable sort)."""
        runtime = self.generator.world.title_runtime[plan.title]
        pieces = [
            expand(plan.take(np.arange(i, min(i + _EXPAND_SESSIONS, len(plan)))),
                   runtime[i : i + _EXPAND_SESSIONS], self.cursor, _NO_END)
            for i in range(0, len(plan), _EXPAND_SESSIONS)
        ]  # fmt: skip
        return _merge(pieces) or self._nothing


class _Unexpanded:
    """A slot's decided sessions not expanded yet, by start time, with their positions in the
    slot's plan."""

    def __init__(self, plan: SessionPlan, position: I32) -> None:
        self.plan, self.position = plan, position

    @staticmethod
    def of(plan: SessionPlan) -> _Unexpanded:
        order = np.argsort(plan.start_ms, kind="stable").astype(np.int32)
        return _Unexpanded(plan.take(order), order)

    def split(self, until_ms: int) -> tuple[SessionPlan, I32, _Unexpanded | None]:
        """(the sessions starting before until_ms in plan order, their positions, the rest)."""
        n = int(np.searchsorted(self.plan.start_ms, until_ms, side="left"))
        if n == 0:  # nothing due (most ticks): no copy
            return self.plan.take(np.zeros(0, np.int32)), self.position[:0], self
        in_plan_order = np.argsort(self.position[:n], kind="stable")
        due = self.plan.take(in_plan_order)
        position = self.position[:n][in_plan_order]
        if n == len(self.position):
            return due, position, None
        rest = np.arange(n, len(self.position))
        return due, position, _Unexpanded(self.plan.take(rest), self.position[n:])


def _by_position(a: EventBatch, a_position: I32, b: EventBatch, b_position: I32
                 ) -> tuple[EventBatch, I32]:  # fmt: skip
    """Two batches of one slot's events as one, ordered as the slot's events expanded at
    once are: by time, equal times by the session's position in the plan."""
    position = np.concatenate([a_position, b_position])
    order = np.argsort(position, kind="stable")
    rank = np.empty(len(order), np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    session = rank[np.concatenate([a.session, b.session + np.int32(len(a_position))])]
    ts = np.concatenate([a.ts_ms, b.ts_ms])
    by_time = np.lexsort((session, ts))
    columns = {n: np.concatenate([getattr(a, n), getattr(b, n)])[by_time] for n in _PER_EVENT
               if n != "session"}  # fmt: skip
    sessions = SessionRefs.concat([a.sessions, b.sessions]).take(order)
    return EventBatch(sessions=sessions, session=session[by_time], **columns), position[order]


def _merge(parts: list[EventBatch]) -> EventBatch | None:
    """One batch ordered by time; equal times keep the parts' order (slot, then session)."""
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    offsets = np.cumsum([0] + [len(p.sessions) for p in parts[:-1]])
    columns = {n: np.concatenate([getattr(p, n) for p in parts]) for n in _PER_EVENT}
    columns["session"] = np.concatenate(
        [p.session + np.int32(off) for p, off in zip(parts, offsets, strict=True)]
    ).astype(np.int32)
    order = np.argsort(columns["ts_ms"], kind="stable")
    return EventBatch(
        sessions=SessionRefs.concat([p.sessions for p in parts]),
        **{n: c[order] for n, c in columns.items()},
    )
