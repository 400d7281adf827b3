"""A lossless Kinesis producer: PutRecords in batches within every API limit, retrying only
the records that failed, and never dropping one silently.

    producer = KinesisProducer(boto3.client("kinesis"), "acme-telemetry-stream")
    report = producer.put(data, partition_keys)   # raises PutRecordsError if any record is lost

The Kinesis Data Generator's best-known flaw is ignoring FailedRecordCount; here every
record ends either acknowledged or counted in a PutRecordsError with its error codes.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

# https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html
MAX_RECORDS_PER_CALL = 500
MAX_BYTES_PER_CALL = 5 * 1024 * 1024  # data + partition keys
MAX_BYTES_PER_RECORD = 1024 * 1024  # data + partition key
MAX_PARTITION_KEY_LENGTH = 256

# Whole-call errors worth retrying; anything else (stream gone, access denied) is final.
RETRYABLE_CALL_ERRORS = frozenset({
    "ProvisionedThroughputExceededException", "ThrottlingException", "LimitExceededException",
    "KMSThrottlingException", "InternalFailure", "ServiceUnavailable",
})  # fmt: skip


@dataclass
class PutRecordsReport:
    """What became of records sent with PutRecords (Kinesis' puts, not Firehose's delivery)."""

    records: int = 0
    put: int = 0
    retried: int = 0  # record attempts beyond the first
    failed: int = 0
    calls: int = 0
    error_codes: Counter[str] = field(default_factory=Counter)

    def add(self, other: PutRecordsReport) -> None:
        """Fold in the report of part of the same records (records are counted by put())."""
        self.put += other.put
        self.retried += other.retried
        self.failed += other.failed
        self.calls += other.calls
        self.error_codes.update(other.error_codes)


class PutRecordsError(RuntimeError):
    """Some records were not accepted by Kinesis' PutRecords after every allowed retry."""

    def __init__(self, report: PutRecordsReport) -> None:
        codes = ", ".join(f"{code} x{n}" for code, n in report.error_codes.most_common())
        super().__init__(
            f"{report.failed} of {report.records} records were not delivered ({codes})"
        )
        self.report = report


class PutRecordsReplyError(RuntimeError):
    """PutRecords answered 200 without one result per record: whether they landed is unknown,
    so the caller must stop rather than count them either way (a proxy or not Kinesis)."""

    def __init__(self, sent: int, response: dict[str, Any]) -> None:
        body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
        got = f": {str(body)[:80]}" if body else ""
        super().__init__(
            f"PutRecords of {sent} records got a reply without a result per record "
            f"(is the endpoint Kinesis?{got})"
        )


def batches(data: Sequence[bytes], keys: Sequence[str]) -> Iterator[list[tuple[bytes, str]]]:
    """Consecutive batches within the per-call record and byte limits."""
    batch: list[tuple[bytes, str]] = []
    size = 0
    for record, key in zip(data, keys, strict=True):
        record_size = len(record) + len(key.encode())
        if not 1 <= len(key) <= MAX_PARTITION_KEY_LENGTH:
            raise ValueError(f"partition key length {len(key)} is outside 1-256")
        if record_size > MAX_BYTES_PER_RECORD:
            raise ValueError(f"a record of {record_size} bytes exceeds Kinesis' 1 MiB limit")
        if batch and (
            len(batch) == MAX_RECORDS_PER_CALL or size + record_size > MAX_BYTES_PER_CALL
        ):
            yield batch
            batch, size = [], 0
        batch.append((record, key))
        size += record_size
    if batch:
        yield batch


class KinesisProducer:
    def __init__(
        self,
        client: Any,
        stream_name: str,
        *,
        max_attempts: int = 8,
        base_delay: float = 0.05,
        max_delay: float = 2.0,
        deadline: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: random.Random | None = None,
        threads: int = 1,
        records_per_second: float | None = None,
    ) -> None:
        """`deadline` is a clock() value after which no retry starts (e.g. the Lambda's
        remaining time minus a margin). `records_per_second` paces the calls (one thread):
        a batch starts only once the records before it are within the rate, so a window's
        fan-out shares the stream's write capacity instead of arriving as one burst."""
        if records_per_second is not None and (records_per_second <= 0 or threads != 1):
            raise ValueError("records_per_second must be positive, with one thread")
        self.client = client
        self.stream_name = stream_name
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.deadline = deadline
        self.sleep = sleep
        self.clock = clock
        self.jitter = jitter or random.Random()
        self.threads = threads
        self.records_per_second = records_per_second
        self._pool: ThreadPoolExecutor | None = None

    def put(self, data: Sequence[bytes], keys: Sequence[str]) -> PutRecordsReport:
        """Send every record; raise PutRecordsError (with the report) if any is lost.

        With `threads` > 1, that many PutRecords calls are in flight at once (a real Kinesis
        round trip takes tens of ms); boto3 clients are thread-safe."""
        report = PutRecordsReport(records=len(data))
        if self.threads == 1:
            started, sent = self.clock(), 0
            for batch in batches(data, keys):
                if self.records_per_second and sent:
                    wait = started + sent / self.records_per_second - self.clock()
                    if wait > 0:
                        self.sleep(wait)
                self._put_batch(batch, report)
                sent += len(batch)
        else:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="put-records")
            parts = list(self._pool.map(self._put_alone, batches(data, keys)))
            for part in parts:
                report.add(part)
        if report.failed:
            raise PutRecordsError(report)
        return report

    def _put_alone(self, batch: list[tuple[bytes, str]]) -> PutRecordsReport:
        report = PutRecordsReport()
        self._put_batch(batch, report)
        return report

    def _backoff(self, attempt: int) -> bool:
        """Sleep before retry `attempt` (exponential, full jitter); False if out of time."""
        if attempt >= self.max_attempts:
            return False
        delay = self.jitter.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))
        if self.deadline is not None and self.clock() + delay > self.deadline:
            return False
        self.sleep(delay)
        return True

    def _put_batch(self, batch: list[tuple[bytes, str]], report: PutRecordsReport) -> None:
        pending = batch
        attempt = 0
        while pending:
            if attempt:
                report.retried += len(pending)
            try:
                report.calls += 1
                response = self.client.put_records(
                    StreamName=self.stream_name,
                    Records=[{"Data": d, "PartitionKey": k} for d, k in pending],
                )
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "ClientError")
                attempt += 1
                if code in RETRYABLE_CALL_ERRORS and self._backoff(attempt):
                    continue
                report.failed += len(pending)
                report.error_codes[code] += len(pending)
                return
            results = response.get("Records")
            if not isinstance(results, list) or len(results) != len(pending):
                raise PutRecordsReplyError(len(pending), response)
            failed = [rec for rec, res in zip(pending, results, strict=True) if "ErrorCode" in res]
            report.put += len(pending) - len(failed)
            if not failed:
                return
            attempt += 1
            if not self._backoff(attempt):
                report.failed += len(failed)
                report.error_codes.update(res["ErrorCode"] for res in results if "ErrorCode" in res)
                return
            pending = failed


def read_records(client: Any, stream_name: str) -> Iterator[dict[str, Any]]:
    """Every record in every shard of the stream, oldest first per shard, until caught up."""
    for shard in list(_shards(client, stream_name)):
        iterator = client.get_shard_iterator(
            StreamName=stream_name, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            response = client.get_records(ShardIterator=iterator, Limit=10_000)
            yield from response["Records"]
            # API GetRecords: an empty page does not mean the end ("It might take multiple
            # calls to get to a portion of the shard that contains records"); caught up is an
            # empty page with MillisBehindLatest 0, and a closed shard has no next iterator.
            if not response["Records"] and response.get("MillisBehindLatest", 0) == 0:
                break
            iterator = response.get("NextShardIterator")


def _shards(client: Any, stream_name: str) -> Iterator[dict[str, Any]]:
    """Every shard of the stream, over ListShards' pages (NextToken)."""
    page = client.list_shards(StreamName=stream_name)
    yield from page["Shards"]
    while page.get("NextToken"):
        page = client.list_shards(NextToken=page["NextToken"])
        yield from page["Shards"]
