"""The stream's words: its progress on a terminal and off one, and the summary's window
with the reconcile command that checks it."""

from __future__ import annotations

import argparse
import shlex
from typing import Any

import pytest

from acme_gen.config import GeneratorConfig
from acme_gen.core.sizing import with_world_size
from acme_gen.kinesis.producer import PutRecordsReport
from acme_gen.scenario import FaultRates, Incident
from acme_gen.stream import StreamSettings, StreamTotals, stream_share
from acme_gen.stream.cli import Progress, bottleneck, window_line


def test_warm_up_shows_its_progress_before_any_sent_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    progress = Progress(asked_rate=5000)
    progress.show(StreamTotals(warm_slots=61, warm_slots_done=30))
    progress.show(StreamTotals(warm_slots=61, warm_slots_done=61))  # warm, not sending yet
    err = capsys.readouterr().err
    assert "warming up: drawing the sessions already running, 49%" in err
    assert "sent" not in err


def test_falling_behind_is_said_once_with_the_achieved_rate(
    capsys: pytest.CaptureFixture[str],
) -> None:
    progress = Progress(asked_rate=5000)
    for lag in (1.0, 6.0, 9.0):
        progress.show(StreamTotals(sent=60_000, sending_s=20.0, lag_s=lag))
    err = capsys.readouterr().err
    assert err.count("cannot keep up") == 1
    assert "3,000 events/s sent of about 5,000/s asked (6 s behind)" in err


def test_progress_off_a_terminal_is_a_plain_line_every_few_seconds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    now = [0.0]
    progress = Progress(asked_rate=100, live=False, clock=lambda: now[0])
    progress.show(StreamTotals(warm_slots=10, warm_slots_done=5))
    progress.go(StreamTotals(warm_up_s=1.0, warm_slots=10, warm_slots_done=10))
    for second in range(1, 13):  # twelve reports, one a second
        now[0] = second
        progress.show(StreamTotals(warm_slots=10, warm_slots_done=10, sent=100 * second,
                                   sending_s=second))  # fmt: skip
    progress.summary(StreamTotals(sent=1200, sending_s=12, warm_slots=10, warm_slots_done=10))
    err = capsys.readouterr().err
    assert "\r" not in err
    lines = err.splitlines()
    assert lines[0] == "warming up: drawing the sessions already running, 50%"
    assert lines[1] == "warm after 1.0 s; sending"
    sent = [line for line in lines if line.startswith("sent ")]
    assert [line.split(" events")[0] for line in sent] == ["sent 100", "sent 600", "sent 1,100"]
    assert "(100/s of 100/s asked)" in sent[0]


def test_progress_at_a_terminal_is_one_live_line_ended_before_what_follows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    progress = Progress(asked_rate=1000, live=True)
    progress.go(StreamTotals(warm_up_s=1.0))
    for second in (1, 2):
        progress.show(StreamTotals(sent=100 * second, sending_s=second))
    progress.show(StreamTotals(sent=300, sending_s=3, lag_s=9.0))  # behind: one warning
    progress.summary(StreamTotals(sent=300, sending_s=3))
    captured = capsys.readouterr()
    assert captured.err.count("\r") == 3
    assert "\nwarning: cannot keep up" in captured.err and captured.err.endswith("\n")
    assert captured.out.startswith("generated 0, sent 300")


def _args(**flags: object) -> argparse.Namespace:
    defaults = {"lake": "s3://lake", "count": None, "customers": None, "endpoint_url": None,
                "region": None}  # fmt: skip
    return argparse.Namespace(**{**defaults, **flags})


CONFIG = GeneratorConfig(customers=9_000, titles=50, campaigns=5, events_per_day=0.3 * 86_400,
                         seed=7, traffic_shape="flat")  # fmt: skip
SENT = StreamTotals(sent=500, first_ms=1_768_507_200_000, cursor_ms=1_768_507_320_500)


def test_the_summary_names_the_window_and_the_command_that_reconciles_it() -> None:
    config = CONFIG.model_copy(update={
        "faults": FaultRates(duplicate=0.01, late=0.02),
        "incidents": (Incident.parse("isp-outage:Comcast Xfinity@2026-01-15T20:00/60m"),),
    })  # fmt: skip
    line = window_line(_args(customers=9_000, region="eu-west-1"), config, SENT)
    window, command = line.split("\n")
    assert window.startswith(
        "event time covered: [2026-01-15T20:00:00.000Z, 2026-01-15T20:02:00.500Z)"
    )
    argv = shlex.split(command)
    flags = dict(zip(argv[3::2], argv[4::2], strict=True))
    assert argv[:3] == ["python", "-m", "acme_gen.reconcile"]
    assert float(flags["--events-per-day"]) == config.events_per_day  # not rounded
    assert flags == {
        "--lake": "s3://lake", "--events-per-day": flags["--events-per-day"], "--seed": "7",
        "--titles": "50", "--campaigns": "5", "--shape": "flat", "--customers": "9000",
        "--faults": config.faults.spec(), "--incident": config.incidents[0].spec(),
        "--start": "2026-01-15T20:00:00.000Z", "--end": "2026-01-15T20:02:00.500Z",
        "--region": "eu-west-1",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("args", "totals", "says"),
    [
        (_args(count=10), StreamTotals(**{**SENT.as_dict(), "window_exact": False}),
         "--count stopped inside a tick"),
        (_args(), StreamTotals.combine([SENT, StreamTotals(**{**SENT.as_dict(),
                                                               "cursor_ms": SENT.cursor_ms + 1})]),
         "the workers stopped at different event times"),
        (_args(), StreamTotals(), "event time covered: none (nothing was sent)"),
        (_args(), StreamTotals(sent=201, first_ms=SENT.first_ms, cursor_ms=SENT.first_ms),
         "part of the first tick from 2026-01-15T20:00:00.000Z; no exact window to reconcile "
         "(the run stopped inside its first tick)"),
    ],
)  # fmt: skip
def test_no_reconcile_command_where_the_window_is_not_exact(
    args: argparse.Namespace, totals: StreamTotals, says: str
) -> None:
    line = window_line(args, CONFIG, totals)
    assert says in line and "acme_gen.reconcile" not in line


def test_a_failed_worker_leaves_no_window_to_reconcile_and_failed_records_are_named() -> None:
    line = window_line(_args(), CONFIG, SENT, worker_failed=True)
    assert "a worker failed" in line and "acme_gen.reconcile" not in line
    # ... even when the failed worker's last word was its "ready" report (no window yet) and
    # the other had sent only part of its first tick (CI's race, stop 38)
    ready = StreamTotals(warm_up_s=20.0)
    inside = StreamTotals(sent=201, first_ms=SENT.first_ms, cursor_ms=SENT.first_ms)
    line = window_line(_args(), CONFIG, StreamTotals.combine([ready, inside]), worker_failed=True)
    assert line == ("event time covered: part of the first tick from 2026-01-15T20:00:00.000Z; "
                    "no exact window to reconcile (a worker failed)")  # fmt: skip
    assert not StreamTotals.combine([ready, SENT]).window_exact
    assert StreamTotals.combine([ready, SENT]).first_ms == SENT.first_ms
    failed = StreamTotals(**{**SENT.as_dict(), "failed": 12})
    assert "expect the 12 records that failed to send as missing" in window_line(
        _args(), CONFIG, failed
    )


def test_workers_that_stopped_together_have_one_exact_window() -> None:
    assert StreamTotals.combine([SENT, SENT]).window_exact


def test_a_slow_sink_is_told_from_a_slow_generator_with_the_figures() -> None:
    sink_bound = StreamTotals(calls=40, put_s=12.0, generate_s=1.5, retried=30)
    said = bottleneck(sink_bound)
    assert said.startswith("the sink is the limit: PutRecords took 12.0 s against 1.5 s")
    assert "300 ms a call, 30 records retried" in said and "not --workers" in said
    cpu_bound = StreamTotals(calls=40, put_s=0.4, generate_s=9.0)
    said = bottleneck(cpu_bound)
    assert said.startswith("generation is the limit: 9.0 s generating against 0.4 s")
    assert "add --workers" in said


def test_a_stream_held_back_by_its_sink_is_measured_as_such() -> None:
    """stream_share times both sides: a sink that takes 0.4 s a call, at 200/s asked."""
    now = [1_768_507_200.0]

    class SlowSink:
        def put(self, data: list[bytes], keys: list[str]) -> Any:
            now[0] += 0.4
            return PutRecordsReport(records=len(data), put=len(data), calls=1)

    config = GeneratorConfig(titles=50, campaigns=5, events_per_day=200 * 86_400,
                             traffic_shape="flat")  # fmt: skip
    config = with_world_size(config, False)
    settings = StreamSettings(config, "s", start_ms=int(now[0] * 1000) - 3_600_000, live=False,
                              duration=5, threads=1)  # fmt: skip
    shown: list[StreamTotals] = []
    stream_share(settings, SlowSink(), lambda: False, progress=shown.append,  # type: ignore[arg-type]
                 clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))  # fmt: skip
    assert shown[-1].put_s >= 0.4 * shown[-1].calls > shown[-1].generate_s
    assert bottleneck(shown[-1]).startswith("the sink is the limit")
