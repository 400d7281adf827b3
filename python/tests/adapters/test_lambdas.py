"""The generator and producer handlers, called in-process against a local AWS API."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pytest
from pydantic import ValidationError

from acme_gen.core.generator import TelemetryGenerator
from acme_gen.kinesis.producer import read_records
from acme_gen.lake.arrow import ArrowEncoder
from acme_gen.lambdas import generator as generator_lambda
from acme_gen.lambdas import producer as producer_lambda
from acme_gen.lambdas.plan import Chunk, LambdaSettings, closed_window, plan_window

from ..aws import LocalAws
from ..conftest import SMALL, T0, run_backfill

MIN = 60_000


class Context:
    function_name = "acme-data-producer"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-west-2:123456789012:function:acme-data-producer"
    aws_request_id = "test-request"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


@pytest.fixture
def env(
    monkeypatch: pytest.MonkeyPatch, local_aws: LocalAws, request: pytest.FixtureRequest
) -> dict[str, str]:
    stream = f"s-{request.node.name[:40]}"
    local_aws.client("kinesis").create_stream(StreamName=stream, ShardCount=2)
    values = {
        "ACME_EVENTS_PER_DAY": str(SMALL.events_per_day), "ACME_SEED": str(SMALL.seed),
        "ACME_CUSTOMERS": str(SMALL.customers), "ACME_TITLES": str(SMALL.titles),
        "ACME_CAMPAIGNS": str(SMALL.campaigns), "ACME_CHUNK_EVENTS": "200",
        "ACME_STREAM_NAME": stream, "ACME_PRODUCER_NAME": "acme-data-producer",
        "POWERTOOLS_METRICS_NAMESPACE": "AcmeTelemetry", "POWERTOOLS_SERVICE_NAME": "test",
    }  # fmt: skip
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    return values


def test_closed_window() -> None:
    assert closed_window(T0 + 7 * MIN + 3) == (T0, T0 + 5 * MIN)
    assert closed_window(T0 + 5 * MIN) == (T0, T0 + 5 * MIN)


def test_chunks_partition_the_window(generator: Any) -> None:
    start, end = T0 + 20 * 60 * MIN, T0 + 20 * 60 * MIN + 5 * MIN
    chunks = plan_window(generator, start, end, chunk_events=150)
    assert len(chunks) > 2
    assert [c.start_ms for c in chunks[1:]] == [c.end_ms for c in chunks[:-1]]
    assert chunks[0].start_ms == start and chunks[-1].end_ms == end
    encoder = ArrowEncoder(generator.world)

    def ids(a: int, b: int) -> list[str]:
        return encoder.events_table(generator.window(a, b))["event_id"].to_pylist()  # type: ignore[no-any-return]

    pieces = [ids(c.start_ms, c.end_ms) for c in chunks]
    # the chunks hold exactly the window's events, each once
    assert sorted(i for p in pieces for i in p) == sorted(ids(start, end))
    assert max(len(p) for p in pieces) < 150 * 1.5
    # the payload is small and round-trips
    payload = json.dumps(chunks[1].payload())
    assert len(payload) < 400 and Chunk.model_validate_json(payload) == chunks[1]


def _stream_rows(local_aws: LocalAws, stream: str) -> list[dict[str, Any]]:
    return [orjson.loads(r["Data"]) for r in read_records(local_aws.client("kinesis"), stream)]


def test_producer_sends_its_chunk_and_a_retry_sends_the_same(
    local_aws: LocalAws, env: dict[str, str], generator: Any
) -> None:
    chunk = Chunk(config=SMALL, window_start_ms=T0 + 20 * 60 * MIN,
                  window_end_ms=T0 + 20 * 60 * MIN + 5 * MIN, chunk=1, chunks=3)  # fmt: skip
    kinesis = local_aws.client("kinesis")
    first = producer_lambda.handler(chunk.payload(), Context(), kinesis_client=kinesis)
    again = producer_lambda.handler(chunk.payload(), Context(), kinesis_client=kinesis)
    rows = _stream_rows(local_aws, env["ACME_STREAM_NAME"])
    assert first["put"] == again["put"] == len(rows) // 2 > 50
    expected = generator.window(chunk.start_ms, chunk.end_ms)
    assert first["records"] == len(expected)
    by_id: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_id.setdefault(row["event_id"], []).append(row)
    assert all(len(v) == 2 and v[0] == v[1] for v in by_id.values())  # identical duplicates


def test_each_chunk_takes_its_share_of_the_write_budget(
    local_aws: LocalAws, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """ACME_PUT_RECORDS_PER_SECOND is the stream's budget for the whole window: each of the
    window's chunks, sent at once, paces itself at budget / chunks."""
    from acme_gen.kinesis.producer import KinesisProducer

    rates: list[float | None] = []

    class Recording(KinesisProducer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            rates.append(kwargs.get("records_per_second"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(producer_lambda, "KinesisProducer", Recording)
    chunk = Chunk(config=SMALL, window_start_ms=T0 + 20 * 60 * MIN,
                  window_end_ms=T0 + 20 * 60 * MIN + 5 * MIN, chunk=0, chunks=4)  # fmt: skip
    kinesis = local_aws.client("kinesis")
    producer_lambda.handler(chunk.payload(), Context(), kinesis_client=kinesis)
    monkeypatch.setenv("ACME_PUT_RECORDS_PER_SECOND", "1e6")
    producer_lambda.handler(chunk.payload(), Context(), kinesis_client=kinesis)
    assert rates == [None, 250_000.0]


def _create_function(local_aws: LocalAws, name: str) -> None:
    iam = local_aws.client("iam")
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
        "Principal": {"Service": "lambda.amazonaws.com"}}]}))["Role"]["Arn"]  # fmt: skip
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("handler.py", "def handler(event, context):\n    return event\n")
    local_aws.client("lambda").create_function(
        FunctionName=name, Runtime="python3.13", Role=role, Handler="handler.handler",
        Code={"ZipFile": buf.getvalue()},
    )  # fmt: skip


class RecordingLambda:
    """The real (local) Lambda client, remembering what was invoked."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.invocations: list[dict[str, Any]] = []

    def invoke(self, **kwargs: Any) -> Any:
        self.invocations.append(kwargs)
        return self.client.invoke(**kwargs)


def test_generator_fans_out_small_async_invocations(
    local_aws: LocalAws, env: dict[str, str]
) -> None:
    _create_function(local_aws, "acme-data-producer")
    lam = RecordingLambda(local_aws.client("lambda"))
    tick = {"time": "2026-01-15T20:07:12Z", "detail-type": "Scheduled Event"}
    result = generator_lambda.handler(tick, Context(), lambda_client=lam)
    assert (result["window_start_ms"], result["window_end_ms"]) == (
        T0 + 1200 * MIN,
        T0 + 1205 * MIN,
    )
    assert result["chunks"] == len(lam.invocations) >= 2
    for call in lam.invocations:
        assert call["InvocationType"] == "Event" and call["FunctionName"] == "acme-data-producer"
        assert len(call["Payload"]) < 400  # a description of the work, never the events
    chunks = [Chunk.model_validate_json(c["Payload"]) for c in lam.invocations]
    assert [c.chunk for c in chunks] == list(range(result["chunks"]))
    # the same tick (a retried invocation) plans the same work
    again = RecordingLambda(local_aws.client("lambda"))
    generator_lambda.handler(tick, Context(), lambda_client=again)
    assert [c["Payload"] for c in again.invocations] == [c["Payload"] for c in lam.invocations]


def test_streamed_window_equals_backfilled_window(
    local_aws: LocalAws, env: dict[str, str], tmp_path: Path
) -> None:
    settings = LambdaSettings.from_env(env)
    start, end = T0 + 1200 * MIN, T0 + 1205 * MIN
    from acme_gen.lambdas.runtime import generator_for

    for chunk in plan_window(generator_for(settings.config), start, end, 200):
        producer_lambda.handler(
            chunk.payload(), Context(), kinesis_client=local_aws.client("kinesis")
        )
    streamed = sorted(_stream_rows(local_aws, env["ACME_STREAM_NAME"]), key=lambda r: r["event_id"])

    out = tmp_path / "lake"
    world_args = ["--customers", str(SMALL.customers), "--titles", str(SMALL.titles),
                  "--campaigns", str(SMALL.campaigns), "--seed", str(SMALL.seed)]  # fmt: skip
    run_backfill("--events-per-day", str(SMALL.events_per_day), *world_args,
                 "--start", "2026-01-15T20:00", "--end", "2026-01-15T21:00", "--workers", "1",
                 "--quiet", "--output-dir", out)  # fmt: skip
    table = ds.dataset(out / "telemetry", format="parquet").to_table()
    lo, hi = "2026-01-15T20:00:00.000Z", "2026-01-15T20:05:00.000Z"
    ts = table["event_timestamp"]
    window = table.filter(pc.and_(pc.greater_equal(ts, lo), pc.less(ts, hi)))
    backfilled = sorted(window.to_pylist(), key=lambda r: r["event_id"])
    assert len(streamed) == len(backfilled) > 100
    assert streamed == backfilled
    assert pa.Table.from_pylist(streamed).schema.names == table.schema.names


def test_a_failed_chunk_reraises_with_metrics_and_a_deadline_from_the_context(
    local_aws: LocalAws, env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Records Kinesis refuses fail the invocation (so Lambda retries and then the on-failure
    queue takes over), after the failure metrics are out; retries stop before the timeout."""
    deadlines: list[float] = []

    class Recording(producer_lambda.KinesisProducer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            deadlines.append(kwargs["deadline"])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(producer_lambda, "KinesisProducer", Recording)
    monkeypatch.setenv("ACME_STREAM_NAME", "no-such-stream")
    chunk = Chunk(config=SMALL, window_start_ms=T0 + 20 * 60 * MIN,
                  window_end_ms=T0 + 20 * 60 * MIN + 5 * MIN, chunk=0, chunks=3)  # fmt: skip
    started = time.monotonic()
    with pytest.raises(producer_lambda.PutRecordsError) as failure:
        producer_lambda.handler(chunk.payload(), Context(),
                                kinesis_client=local_aws.client("kinesis"))  # fmt: skip
    remaining = Context().get_remaining_time_in_millis() / 1000
    assert started + remaining - producer_lambda.SAFETY_MARGIN_S <= deadlines[0]
    assert deadlines[0] <= time.monotonic() + remaining - producer_lambda.SAFETY_MARGIN_S
    emf = [json.loads(line) for line in capsys.readouterr().out.splitlines()
           if '"_aws"' in line]  # fmt: skip
    assert emf, "the metrics were flushed although the handler raised"
    values = {k: v[0] if isinstance(v, list) else v for k, v in emf[-1].items()}
    assert values["RecordsFailed"] == failure.value.report.failed == failure.value.report.records
    assert values["RecordsPut"] == 0 and values["RecordsGenerated"] > 0


def test_a_flat_traffic_shape_reaches_the_producer_through_the_chunk() -> None:
    environ = {"ACME_EVENTS_PER_DAY": "86400", "ACME_SEED": "1", "ACME_CUSTOMERS": "2000",
               "ACME_TITLES": "10", "ACME_CAMPAIGNS": "2", "ACME_STREAM_NAME": "s"}  # fmt: skip
    assert LambdaSettings.from_env(environ).config.traffic_shape == "diurnal"
    config = LambdaSettings.from_env({**environ, "ACME_TRAFFIC_SHAPE": "flat"}).config
    assert config.traffic_shape == "flat"
    chunk = plan_window(TelemetryGenerator(config), T0, T0 + 300_000, 100)[0]
    assert Chunk.model_validate(chunk.payload()).config.traffic_shape == "flat"
    with pytest.raises(ValueError, match="traffic_shape"):
        LambdaSettings.from_env({**environ, "ACME_TRAFFIC_SHAPE": "square"})
    with pytest.raises(ValueError, match="lacks ACME_SEED"):
        LambdaSettings.from_env({k: v for k, v in environ.items() if k != "ACME_SEED"})


def test_the_lambdas_refuse_faults_they_cannot_hold() -> None:
    environ = {"ACME_EVENTS_PER_DAY": "86400", "ACME_SEED": "1", "ACME_CUSTOMERS": "2000",
               "ACME_TITLES": "10", "ACME_CAMPAIGNS": "2", "ACME_STREAM_NAME": "s"}  # fmt: skip
    for spec in ("late=0.01", "out_of_order=0.01"):
        with pytest.raises(ValidationError, match="late and out_of_order need a sender"):
            LambdaSettings.from_env({**environ, "ACME_FAULTS": spec})
    with pytest.raises(ValueError, match="unknown fault 'dupe'"):
        LambdaSettings.from_env({**environ, "ACME_FAULTS": "dupe=0.1"})


def test_the_producer_injects_the_faults_terraform_sets(
    local_aws: LocalAws, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """ACME_FAULTS / ACME_INCIDENTS (as Terraform sets them) reach the chunk; the producer
    drops, breaks, skews and repeats exactly the events the fault model picks."""
    from acme_gen.core.faults import DROP, DUPLICATE, MALFORMED, event_faults

    monkeypatch.setenv("ACME_FAULTS", "duplicate=0.05,drop=0.05,malformed=0.05,skew=0.05")
    monkeypatch.setenv("ACME_INCIDENTS", '["premiere:TITLE-00003@2026-01-15T20:00/2h"]')
    import os

    config = LambdaSettings.from_env(dict(os.environ)).config
    assert config.incidents[0].scope == "TITLE-00003"
    start = T0 + 20 * 60 * MIN
    chunk = Chunk(config=config, window_start_ms=start, window_end_ms=start + 5 * MIN, chunk=0,
                  chunks=1)  # fmt: skip
    result = producer_lambda.handler(chunk.payload(), Context(),
                                     kinesis_client=local_aws.client("kinesis"))  # fmt: skip
    raw = [r["Data"] for r in read_records(local_aws.client("kinesis"), env["ACME_STREAM_NAME"])]
    gen = TelemetryGenerator(config)
    batch = gen.window(chunk.start_ms, chunk.end_ms)
    faults = event_faults(config.faults, config.seed, batch)
    ids = ArrowEncoder(gen.world).events_table(batch)["event_id"].to_numpy(zero_copy_only=False)
    kind = faults.kind
    assert (
        len(raw) == result["put"] == len(batch) - (kind == DROP).sum() + (kind == DUPLICATE).sum()
    )
    good = []
    for data in raw:
        try:
            row = orjson.loads(data)
            if isinstance(row["buffering_events"], int) and "event_timestamp" in row:
                good.append(row)
        except orjson.JSONDecodeError:
            pass
    assert len(raw) - len(good) == (kind == MALFORMED).sum() > 0
    seen = [r["event_id"] for r in good]
    assert not set(ids[kind == DROP]) & set(seen)
    assert all(seen.count(i) == 2 for i in ids[kind == DUPLICATE])
    assert any(r["title_id"] == "TITLE-00003" for r in good)  # the premiere's viewers


@pytest.mark.filterwarnings("ignore:No application metrics")  # the refused tick adds none
def test_the_generator_carries_incidents_to_the_producer_and_refuses_an_unknown_scope(
    local_aws: LocalAws, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _create_function(local_aws, "acme-incident-producer")
    monkeypatch.setenv("ACME_PRODUCER_NAME", "acme-incident-producer")
    tick = {"time": "2026-01-15T20:07:12Z", "detail-type": "Scheduled Event"}
    monkeypatch.setenv("ACME_INCIDENTS", '["isp-outage:Comcast Xfinity@2026-01-15T20:00/60m"]')
    lam = RecordingLambda(local_aws.client("lambda"))
    generator_lambda.handler(tick, Context(), lambda_client=lam)
    chunk = Chunk.model_validate_json(lam.invocations[0]["Payload"])
    assert chunk.config.incidents[0].scope == "Comcast Xfinity"
    monkeypatch.setenv("ACME_INCIDENTS", '["isp-outage:Nope Net@2026-01-15T20:00/60m"]')
    with pytest.raises(ValueError, match="unknown ISP 'Nope Net'"):
        generator_lambda.handler(tick, Context(), lambda_client=RecordingLambda(lam.client))


def test_the_schedule_fires_once_per_window() -> None:
    """Each tick generates the window that just closed: the EventBridge rate Terraform sets
    must be the window, or windows are sent twice (a faster rate) or skipped (a slower)."""
    import re

    from acme_gen.lambdas.plan import WINDOW_MS

    module = Path(__file__).resolve().parents[3] / "terraform" / "modules" / "generator"
    rates = re.findall(r'schedule_expression\s*=\s*"rate\((\d+) minutes?\)"',
                       (module / "main.tf").read_text())  # fmt: skip
    assert rates == [str(WINDOW_MS // 60_000)]
    assert "schedule_expression" not in (module / "variables.tf").read_text()
