"""The process-pool engine: hour tasks on the cores of this machine.

A small pool of our own rather than concurrent.futures: on Python 3.11 an interrupted
ProcessPoolExecutor could hang joining workers that wait for work, and ending its workers
makes its manager thread raise InvalidStateError on the cancelled futures. Here the parent
owns the processes: it ends them on any interrupt or failure, and a worker that dies
(killed, out of memory) fails the run at once, naming the worker and its exit."""

from __future__ import annotations

import multiprocessing as mp
import pickle
import queue
import signal
from collections.abc import Iterator, Sequence
from multiprocessing.process import BaseProcess
from typing import Any

from acme_gen.backfill.plan import BackfillPlan
from acme_gen.backfill.task import HourTask
from acme_gen.cli import one_line, process_exit

STOP_WAIT_S = 5.0  # how long an ended worker may take to exit before it is killed
POLL_S = 0.5  # how often the parent looks for dead workers while it waits for results


class WorkerDied(RuntimeError):
    """A pool worker ended without finishing its hours (killed, out of memory)."""


def run_pool(plan: BackfillPlan, hours: list[int], task: HourTask) -> Iterator[tuple[int, int]]:
    """Yield (events, bytes) per hour, in order; `task` serves a single-process run."""
    if plan.workers == 1 or len(hours) <= 1:
        yield from map(task, hours)
        return
    # Contiguous chunks let a worker reuse the session plans that overlap consecutive hours.
    size = max(1, min(24, len(hours) // (plan.workers * 4)))
    ctx = mp.get_context("fork")  # the workers start from the parent's imported modules
    todo: Any = ctx.Queue()
    todo.cancel_join_thread()  # an interrupted run exits without waiting to hand out work
    done: Any = ctx.Queue()
    for first in range(0, len(hours), size):
        todo.put((first, hours[first : first + size]))
    workers = [
        ctx.Process(target=_work, args=(plan, todo, done), name=f"backfill worker {n}")
        for n in range(min(plan.workers, len(hours)))
    ]
    for _ in workers:
        todo.put(None)  # one stop mark per worker, after the chunks
    try:
        for worker in workers:
            worker.start()
        yield from _in_order(len(hours), done, workers)
    finally:
        _end(workers)


def _in_order(count: int, done: Any, workers: Sequence[BaseProcess]) -> Iterator[tuple[int, int]]:
    """The workers' results in hour order; a worker's error is raised here, and a worker
    that exits before the last hour is a WorkerDied."""
    arrived: dict[int, tuple[int, int]] = {}
    for index in range(count):
        while index not in arrived:
            try:
                kind, at, value = done.get(timeout=POLL_S)
            except queue.Empty:
                _check_alive(workers)
                if not all(worker.exitcode is not None for worker in workers):
                    continue
                try:  # all gone: what they sent before exiting is in the pipe by now
                    kind, at, value = done.get(timeout=POLL_S)
                except queue.Empty:
                    raise WorkerDied("every backfill worker ended with hours missing") from None
            if kind == "error":
                raise value
            arrived[at] = value
        yield arrived.pop(index)


def _check_alive(workers: Sequence[BaseProcess]) -> None:
    """Called with no result waiting: a worker gone with an error code died."""
    for worker in workers:
        code = worker.exitcode
        if code is not None and code != 0:
            raise WorkerDied(
                f"{worker.name} died ({process_exit(code)}; out of memory?) before its hours ended"
            )


def _work(plan: BackfillPlan, todo: Any, done: Any) -> None:
    # The parent decides when the run stops: a Ctrl-C at the terminal reaches the whole
    # process group, and the parent ends its workers itself (SIGTERM: no traceback).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        task = HourTask(plan)
        for first, chunk in iter(todo.get, None):
            for offset, hour in enumerate(chunk):
                done.put(("hour", first + offset, task(hour)))
    except Exception as exc:  # the parent raises it, as a single-process run would
        try:  # the queue pickles in a thread of its own, too late to catch: try it here
            pickle.loads(pickle.dumps(exc))
        except Exception:  # an exception that does not survive pickling: its message
            exc = WorkerDied(f"{mp.current_process().name} failed: {one_line(exc)}")
        done.put(("error", -1, exc))
    finally:
        done.close()
        done.join_thread()  # results reach the parent before this process exits


def _end(workers: Sequence[BaseProcess]) -> None:
    """SIGTERM the workers still running, SIGKILL any alive after STOP_WAIT_S; a Ctrl-C
    meanwhile is ignored, so that no worker is left orphaned."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        started = [w for w in workers if w.pid is not None]
        for worker in started:
            if worker.is_alive():
                worker.terminate()
        for worker in started:
            worker.join(STOP_WAIT_S)
            if worker.is_alive():
                worker.kill()
                worker.join()
    finally:
        signal.signal(signal.SIGINT, previous)
