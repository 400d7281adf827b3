"""The process-pool engine: hour tasks on the cores of this machine."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from acme_gen.backfill.plan import BackfillPlan
from acme_gen.backfill.task import HourTask
from acme_gen.invariants import InvariantError

# The worker process's task, built once by the pool's initializer (a pool calls a plain
# function in each worker, so the state it reuses across hours lives here).
_task: HourTask | None = None


def _start_worker(plan: BackfillPlan) -> None:
    global _task
    # The parent handles Ctrl-C and lets running tasks finish their file.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _task = HourTask(plan)


def _run_hour(hour_ms: int) -> tuple[int, int]:
    if _task is None:
        raise InvariantError("the pool initializer builds the task")
    return _task(hour_ms)


def run_pool(plan: BackfillPlan, hours: list[int], task: HourTask) -> Iterator[tuple[int, int]]:
    """Yield (events, bytes) per hour, in order; `task` serves a single-process run."""
    if plan.workers == 1 or len(hours) <= 1:
        yield from map(task, hours)
        return
    # Contiguous chunks let a worker reuse the session plans that overlap consecutive hours.
    chunk = max(1, min(24, len(hours) // (plan.workers * 4)))
    pool = ProcessPoolExecutor(plan.workers, initializer=_start_worker, initargs=(plan,))
    try:
        yield from pool.map(_run_hour, hours, chunksize=chunk)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
