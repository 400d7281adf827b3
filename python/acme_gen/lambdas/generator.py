"""Generator Lambda: on each EventBridge tick, plan the 5-minute window that just closed and
invoke the producer asynchronously once per chunk (a small payload, never the events)."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime
from typing import Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from acme_gen.core.incidents import check_scopes
from acme_gen.lambdas.plan import LambdaSettings, closed_window, plan_window
from acme_gen.lambdas.runtime import generator_for, logger, metrics


def tick_ms(event: dict[str, Any]) -> int:
    """The schedule's own time (so a retried tick plans the same window), else now."""
    stamp = event.get("time")
    if isinstance(stamp, str):
        return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000)
    return int(time.time() * 1000)


@metrics.log_metrics
@logger.inject_lambda_context
def handler(
    event: dict[str, Any], context: LambdaContext, lambda_client: Any = None
) -> dict[str, Any]:
    settings = LambdaSettings.from_env(dict(os.environ))
    generator = generator_for(settings.config)
    check_scopes(generator.world, settings.config.incidents)  # a bad scope fails the tick, loudly
    start, end = closed_window(tick_ms(event))
    chunks = plan_window(generator, start, end, settings.chunk_events)
    client = lambda_client or boto3.client("lambda")
    for chunk in chunks:
        client.invoke(
            FunctionName=settings.producer_name,
            InvocationType="Event",
            Payload=json.dumps(chunk.payload()).encode(),
        )
    logger.info(
        "planned window",
        extra={"window_start_ms": start, "window_end_ms": end, "chunks": len(chunks)},
    )
    metrics.add_metric(name="ChunksPlanned", unit=MetricUnit.Count, value=len(chunks))
    return {"window_start_ms": start, "window_end_ms": end, "chunks": len(chunks)}
