"""--workers N: N processes, one share of the sessions each (by session key), started from a
barrier so that every share begins sending at the same wall time; their progress and totals
come back over one pipe per worker (a queue shared by all would share a write lock, which a
worker killed while holding it keeps for ever). Ctrl-C reaches the parent, which tells the
workers to stop after the batch in flight."""

from __future__ import annotations

import multiprocessing as mp
import signal
import time
from collections import Counter
from dataclasses import replace
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol, cast

from acme_gen.cli import one_line, process_exit
from acme_gen.kinesis.producer import KinesisProducer
from acme_gen.stream.share import (
    FINAL_ERRORS,
    StreamSettings,
    StreamTotals,
    kinesis_client,
    stream_share,
)


class Reporter(Protocol):
    def go(self, totals: StreamTotals) -> float: ...
    def show(self, totals: StreamTotals) -> None: ...


def run_workers(
    settings: StreamSettings, workers: int, stop: list[bool], progress: Reporter
) -> tuple[StreamTotals, list[str]]:
    """N processes, one share each; a barrier so all start sending at the same wall time.
    Returns the combined totals and one line per worker that failed or died: any such line
    stops the others, and the run fails (its share was not sent)."""
    ctx = mp.get_context("spawn")  # no fork of a process holding threads and sockets
    go_at: Any = ctx.Value("d", 0.0)
    go_event: Any = ctx.Event()
    stop_event: Any = ctx.Event()
    pipes = [ctx.Pipe(duplex=False) for _ in range(workers)]
    procs = [
        ctx.Process(
            target=_worker,
            args=(settings, shard, workers, pipes[shard][1], go_at, go_event, stop_event),
            daemon=True,
        )
        for shard in range(workers)
    ]
    for proc in procs:
        proc.start()
    for _, sending_end in pipes:
        sending_end.close()  # the parent's copy: a dead worker's pipe then reads as closed
    readers: dict[Connection[Any, Any], int] = {pipes[shard][0]: shard for shard in range(workers)}
    latest: dict[int, StreamTotals] = {}
    ready: dict[int, StreamTotals] = {}
    done: set[int] = set()
    failures: list[str] = []

    def fail(shard: int, why: str) -> None:
        sent = latest[shard].sent if shard in latest else 0
        failures.append(f"worker {shard} {why} after sending {sent:,} events; the others "
                        "were stopped and its share of the rest was not sent")  # fmt: skip
        stop_event.set()
        done.add(shard)

    def died(shard: int) -> None:
        procs[shard].join(timeout=5)  # its pipe closed: it is exiting, or gone
        code = procs[shard].exitcode
        fail(shard, f"died ({process_exit(code)})" if code is not None else "stopped talking")

    def handle(shard: int, kind: str, data: dict[str, Any]) -> None:
        if kind == "failed":
            fail(shard, f"failed: {data['message']}")
            return
        totals = _totals(data)
        if kind == "ready":
            ready[shard] = latest[shard] = totals  # no stale warm-up line once sending
            if len(ready) == workers:
                go_at.value = progress.go(StreamTotals.combine(list(ready.values())))
                go_event.set()
            return
        latest[shard] = totals
        if kind == "done":
            done.add(shard)
            if set(totals.error_codes) & FINAL_ERRORS:  # the stream refuses one: all stop
                stop_event.set()
        progress.show(StreamTotals.combine(list(latest.values())))

    while len(done) < workers:
        if stop[0]:
            stop_event.set()
        for ready_one in wait(list(readers), timeout=0.2):
            conn = cast(Connection, ready_one)
            shard = readers[conn]
            try:
                kind, _, data = conn.recv()
            except (EOFError, OSError, ValueError, TypeError, AttributeError):
                del readers[conn]  # closed (or cut off mid-message) before it said done
                if shard not in done:
                    died(shard)
                continue
            handle(shard, kind, data)
    for proc in procs:
        proc.join(timeout=30)
    return StreamTotals.combine(list(latest.values())), failures


def _totals(data: dict[str, Any]) -> StreamTotals:
    return StreamTotals(**{**data, "error_codes": Counter(data.get("error_codes", {}))})


def _worker(
    settings: StreamSettings,
    shard: int,
    shards: int,
    reports: Connection[Any, Any],
    go_at: Any,
    go_event: Any,
    stop_event: Any,
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    try:
        client = kinesis_client(settings.endpoint_url, settings.region)
        producer = KinesisProducer(client, settings.stream_name, threads=settings.threads)
        count = settings.count
        if count is not None:  # this share's part of the total
            count = count // shards + (shard < count % shards)
        share = replace(settings, count=count)

        def go(totals: StreamTotals) -> float:
            reports.send(("ready", shard, totals.as_dict()))
            while not go_event.wait(0.2):
                if stop_event.is_set():
                    return time.time()
            return float(go_at.value)

        last = [0.0]

        def progress(totals: StreamTotals) -> None:
            if time.monotonic() - last[0] >= 0.5:
                last[0] = time.monotonic()
                reports.send(("progress", shard, totals.as_dict()))

        totals = stream_share(
            share, producer, stop_event.is_set, shard=shard, shards=shards, go=go, progress=progress
        )
        reports.send(("done", shard, totals.as_dict()))
    except Exception as exc:  # reported to the parent, which stops the others
        reports.send(("failed", shard, {"message": one_line(exc)}))
