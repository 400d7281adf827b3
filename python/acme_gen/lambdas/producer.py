"""Producer Lambda: regenerate one chunk deterministically and put it to Kinesis.

A retried invocation sends the very same records (same event_ids); records Kinesis still
refuses after the retries fail the invocation, so Lambda's retry and on-failure destination
take over. Nothing is dropped silently."""

from __future__ import annotations

import os
import time
from typing import Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from acme_gen.kinesis.faulty import FaultyRecords
from acme_gen.kinesis.producer import KinesisProducer, PutRecordsError, PutRecordsReport
from acme_gen.kinesis.records import json_records
from acme_gen.lambdas.plan import Chunk, LambdaSettings
from acme_gen.lambdas.runtime import generator_for, logger, metrics

SAFETY_MARGIN_S = 5.0  # stop retrying this long before the function's timeout


def _record_metrics(report: PutRecordsReport, generated: int) -> None:
    metrics.add_metric(name="RecordsGenerated", unit=MetricUnit.Count, value=generated)
    metrics.add_metric(name="RecordsPut", unit=MetricUnit.Count, value=report.put)
    metrics.add_metric(name="RecordsRetried", unit=MetricUnit.Count, value=report.retried)
    metrics.add_metric(name="RecordsFailed", unit=MetricUnit.Count, value=report.failed)


@metrics.log_metrics
@logger.inject_lambda_context
def handler(
    event: dict[str, Any], context: LambdaContext, kinesis_client: Any = None
) -> dict[str, Any]:
    settings = LambdaSettings.from_env(dict(os.environ))
    chunk = Chunk.model_validate(event)
    generator = generator_for(chunk.config)
    batch = generator.window(chunk.start_ms, chunk.end_ms)
    config = chunk.config
    if config.faults.any():
        # Late and out-of-order records cannot wait past an invocation (the settings refuse
        # them); a duplicate's copy goes out in the same call, after the chunk.
        faulty = FaultyRecords(generator.world, config.faults, config.seed, settings.table_format)
        data, keys = faulty.records(batch, chunk.end_ms)
        copies = faulty.due(2**62)
        data, keys = data + copies[0], keys + copies[1]
    else:
        data, keys = json_records(generator.world, batch, settings.table_format)
    deadline = time.monotonic() + context.get_remaining_time_in_millis() / 1000 - SAFETY_MARGIN_S
    # The window's chunks run at once: each takes its share of the stream's write budget.
    budget = settings.put_records_per_second
    producer = KinesisProducer(
        kinesis_client or boto3.client("kinesis"),
        settings.stream_name,
        deadline=deadline,
        records_per_second=budget / chunk.chunks if budget else None,
    )
    log = {
        "window_start_ms": chunk.window_start_ms,
        "chunk": chunk.chunk,
        "chunks": chunk.chunks,
        "events": len(batch),
        "records": len(data),
    }
    try:
        report = producer.put(data, keys)
    except PutRecordsError as exc:
        _record_metrics(exc.report, len(batch))
        logger.error(
            "records not delivered",
            extra={**log, "failed": exc.report.failed, "error_codes": dict(exc.report.error_codes)},
        )
        raise
    _record_metrics(report, len(batch))
    logger.info("chunk delivered", extra={**log, "put": report.put, "retried": report.retried})
    return {**log, "put": report.put, "retried": report.retried}
