"""Stream adapters: events as JSON records matching the Glue schema, and a lossless Kinesis
producer and reader. No pyarrow: this is what the Lambda zip carries.

    records.py   EventBatch -> JSON records (one orjson object per record)
    producer.py  KinesisProducer (batched, retried PutRecords), read_records
"""

from acme_gen.kinesis.producer import (
    KinesisProducer,
    PutRecordsError,
    PutRecordsReport,
    read_records,
)
from acme_gen.kinesis.records import json_records

__all__ = ["KinesisProducer", "PutRecordsError", "PutRecordsReport", "json_records", "read_records"]
