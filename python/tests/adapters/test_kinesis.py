"""The Kinesis producer against a local Kinesis API (moto server)."""

from __future__ import annotations

import random
import zlib
from typing import Any

import orjson
import pytest
from botocore.exceptions import ClientError

from acme_gen.kinesis import producer as kinesis
from acme_gen.kinesis.producer import KinesisProducer, PutRecordsError, read_records
from acme_gen.kinesis.records import json_records

from ..aws import LocalAws
from ..conftest import T0


def test_batches_respect_every_limit() -> None:
    data = [b"x" * 100] * 1234
    keys = [f"k{i}" for i in range(1234)]
    sizes = [len(b) for b in kinesis.batches(data, keys)]
    assert sizes == [500, 500, 234]
    big = [b"y" * (900 * 1024)] * 12  # 5 MiB per call holds five of these
    assert [len(b) for b in kinesis.batches(big, ["k"] * 12)] == [5, 5, 2]
    with pytest.raises(ValueError, match="1 MiB"):
        list(kinesis.batches([b"z" * (1024 * 1024)], ["k"]))
    with pytest.raises(ValueError, match="partition key"):
        list(kinesis.batches([b"z"], ["k" * 257]))


@pytest.fixture
def stream(local_aws: LocalAws, request: pytest.FixtureRequest) -> str:
    node = request.node.name  # parametrized tests differ only at the end of their name
    name = f"test-{node[:32]}-{zlib.crc32(node.encode()):08x}".replace("[", "-").replace("]", "")
    local_aws.client("kinesis").create_stream(
        StreamName=name, StreamModeDetails={"StreamMode": "ON_DEMAND"}
    )
    return name


@pytest.fixture(scope="module")
def records(generator: Any) -> tuple[list[bytes], list[str]]:
    batch = generator.window(T0 + 20 * 3_600_000, T0 + 20 * 3_600_000 + 900_000)
    return json_records(generator.world, batch)


def _event_ids(local_aws: LocalAws, stream: str) -> list[str]:
    return [orjson.loads(r["Data"])["event_id"]
            for r in read_records(local_aws.client("kinesis"), stream)]  # fmt: skip


def test_every_record_delivered_once(local_aws: LocalAws, stream: str, records: Any) -> None:
    data, keys = records
    report = KinesisProducer(local_aws.client("kinesis"), stream).put(data, keys)
    assert report.put == report.records == len(data) > 600
    assert report.failed == 0 and report.retried == 0
    sent = sorted(orjson.loads(d)["event_id"] for d in data)
    assert sorted(_event_ids(local_aws, stream)) == sent


class ThrottlingKinesis:
    """Forwards PutRecords to the real local API but refuses a share of the records the way
    Kinesis does under load (a fault no local server produces)."""

    def __init__(self, client: Any, share: float, seed: int = 1) -> None:
        self.client = client
        self.share = share
        self.rng = random.Random(seed)
        self.refused = 0

    def put_records(self, StreamName: str, Records: list[dict[str, Any]]) -> dict[str, Any]:
        refuse = [self.rng.random() < self.share for _ in Records]
        accepted = [r for r, no in zip(Records, refuse, strict=True) if not no]
        real = (
            self.client.put_records(StreamName=StreamName, Records=accepted)["Records"]
            if accepted
            else []
        )
        results, it = [], iter(real)
        for no in refuse:
            if no:
                self.refused += 1
                results.append({"ErrorCode": "ProvisionedThroughputExceededException",
                                "ErrorMessage": "Rate exceeded"})  # fmt: skip
            else:
                results.append(next(it))
        return {"FailedRecordCount": sum(refuse), "Records": results}


def test_throttled_records_are_retried_not_lost(
    local_aws: LocalAws, stream: str, records: Any
) -> None:
    data, keys = records
    proxy = ThrottlingKinesis(local_aws.client("kinesis"), share=0.2)
    report = KinesisProducer(proxy, stream, sleep=lambda s: None).put(data, keys)
    assert proxy.refused > 0.1 * len(data)
    assert report.retried >= proxy.refused
    assert report.put == len(data) and report.failed == 0
    delivered = _event_ids(local_aws, stream)
    assert len(delivered) == len(set(delivered)) == len(data)  # each exactly once


@pytest.mark.parametrize("threads", [1, 4])
def test_records_still_refused_fail_loudly(
    local_aws: LocalAws, stream: str, records: Any, threads: int
) -> None:
    """Every thread's undelivered records count: none is lost from the report."""
    data, keys = records
    proxy = ThrottlingKinesis(local_aws.client("kinesis"), share=1.0)
    producer = KinesisProducer(proxy, stream, max_attempts=3, sleep=lambda s: None,
                               threads=threads)  # fmt: skip
    with pytest.raises(PutRecordsError, match=f"{len(data)} of {len(data)} records") as info:
        producer.put(data, keys)
    assert info.value.report.error_codes["ProvisionedThroughputExceededException"] == len(data)


def test_missing_stream_fails_with_the_undelivered_count(local_aws: LocalAws, records: Any) -> None:
    data, keys = records
    with pytest.raises(PutRecordsError) as info:
        KinesisProducer(local_aws.client("kinesis"), "no-such-stream").put(data, keys)
    report = info.value.report
    assert report.failed == len(data) and report.put == 0
    assert report.error_codes["ResourceNotFoundException"] == len(data)
    assert f"{len(data)} of {len(data)}" in str(info.value)


def test_whole_call_throttling_is_retried(local_aws: LocalAws, stream: str, records: Any) -> None:
    data, keys = records
    real = local_aws.client("kinesis")
    calls = {"n": 0}

    class Flaky:
        def put_records(self, **kwargs: Any) -> Any:
            calls["n"] += 1
            if calls["n"] % 2:
                raise ClientError({"Error": {"Code": "ThrottlingException"}}, "PutRecords")
            return real.put_records(**kwargs)

    report = KinesisProducer(Flaky(), stream, sleep=lambda s: None).put(data[:900], keys[:900])
    assert report.put == 900 and report.failed == 0
    assert len(_event_ids(local_aws, stream)) == 900


class _AlwaysThrottled:
    """A client whose every PutRecords call is throttled as a whole. No local server throttles
    whole calls, so this one fault is a hand-written stand-in."""

    def __init__(self) -> None:
        self.calls = 0

    def put_records(self, **kwargs: Any) -> Any:
        self.calls += 1
        raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}},
                          "PutRecords")  # fmt: skip


class _Ceiling(random.Random):
    """Jitter that always draws the top of its range, to see the schedule's bounds."""

    def uniform(self, a: float, b: float) -> float:
        return b


def _records(n: int) -> tuple[list[bytes], list[str]]:
    return [b"{}"] * n, [f"k{i}" for i in range(n)]


def test_backoff_grows_exponentially_up_to_max_delay() -> None:
    slept: list[float] = []
    producer = KinesisProducer(_AlwaysThrottled(), "s", max_attempts=8, base_delay=0.05,
                               max_delay=1.0, sleep=slept.append, jitter=_Ceiling())  # fmt: skip
    with pytest.raises(PutRecordsError) as failure:
        producer.put(*_records(3))
    assert slept == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 1.0])  # capped at max_delay
    assert failure.value.report.failed == 3 and failure.value.report.calls == 8
    assert failure.value.report.error_codes == {"ThrottlingException": 3}


def test_jitter_stays_within_zero_and_the_bound() -> None:
    slept: list[float] = []
    producer = KinesisProducer(_AlwaysThrottled(), "s", max_attempts=40, base_delay=0.05,
                               max_delay=2.0, sleep=slept.append,
                               jitter=random.Random(7))  # fmt: skip
    with pytest.raises(PutRecordsError):
        producer.put(*_records(1))
    bounds = [min(2.0, 0.05 * 2**a) for a in range(1, 40)]
    assert all(0 <= s <= b for s, b in zip(slept, bounds, strict=True))
    assert len(set(slept)) == len(slept)  # full jitter: no two waits alike


def test_no_retry_starts_past_the_deadline() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    client = _AlwaysThrottled()
    producer = KinesisProducer(client, "s", max_attempts=50, base_delay=0.5, max_delay=4.0,
                               deadline=106.0, sleep=sleep, clock=lambda: now[0],
                               jitter=_Ceiling())  # fmt: skip
    with pytest.raises(PutRecordsError):
        producer.put(*_records(2))
    assert now[0] <= 106.0 and slept == [1.0, 2.0]  # the next wait (4 s) would pass 106
    assert client.calls == 3


def test_reading_goes_past_empty_pages_until_caught_up() -> None:
    """API GetRecords: "It might take multiple calls to get to a portion of the shard that
    contains records", so an empty page behind the tip is not the end; an empty page with
    MillisBehindLatest 0 is. No server returns such a page on demand: botocore's Stubber
    plays real Kinesis here, with the real client's request and response validation."""
    import boto3
    from botocore.stub import Stubber

    client = boto3.client("kinesis", region_name="us-west-2", aws_access_key_id="testing",
                          aws_secret_access_key="testing")  # fmt: skip
    record = {"SequenceNumber": "1", "Data": b"{}", "PartitionKey": "k"}
    with Stubber(client) as stub:
        shard = {"ShardId": "shardId-0",
                 "HashKeyRange": {"StartingHashKey": "0", "EndingHashKey": "1"},
                 "SequenceNumberRange": {"StartingSequenceNumber": "0"}}  # fmt: skip
        stub.add_response("list_shards", {"Shards": [shard], "NextToken": "more"},
                          {"StreamName": "s"})  # fmt: skip
        stub.add_response("list_shards", {"Shards": []}, {"NextToken": "more"})
        stub.add_response("get_shard_iterator", {"ShardIterator": "i" * 8})
        pages = [([], 86_400_000), ([], 3_600_000), ([record], 0), ([], 0)]
        for records, behind in pages:
            stub.add_response("get_records", {"Records": records, "NextShardIterator": "i" * 8,
                                              "MillisBehindLatest": behind})  # fmt: skip
        assert [r["SequenceNumber"] for r in read_records(client, "s")] == ["1"]
        stub.assert_no_pending_responses()


def test_pacing_spreads_the_calls_at_the_rate(local_aws: LocalAws, stream: str) -> None:
    """records_per_second: a batch starts only when the records before it are within the
    rate, so 1,500 records at 500/s go out over 2 s (three calls), not in one burst."""
    now = [100.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    producer = KinesisProducer(local_aws.client("kinesis"), stream, records_per_second=500,
                               sleep=sleep, clock=lambda: now[0])  # fmt: skip
    data = [orjson.dumps({"i": i}) for i in range(1_500)]
    report = producer.put(data, [str(i) for i in range(1_500)])
    assert report.put == 1_500 and report.calls == 3
    assert now[0] == pytest.approx(102.0)
    with pytest.raises(ValueError, match="one thread"):
        KinesisProducer(local_aws.client("kinesis"), stream, records_per_second=500, threads=4)
