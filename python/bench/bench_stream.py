"""make bench (stream part): JSON serialisation rate and one Lambda-sized window end to end
against a local Kinesis API (moto server on 127.0.0.1).

Targets (issue "The live stream"): >= 200,000 records/s serialised per core; a 5-minute
window of 50,000 events (generation + serialisation + PutRecords) inside the 60 s timeout at
512 MB. Lambda gives 512 MB about 0.29 of a vCPU (1,769 MB = one vCPU), so the local CPU
time is also shown scaled by 1769/512.
"""

from __future__ import annotations

import logging
import time

import boto3
from moto.server import ThreadedMotoServer

from acme_gen.config import GeneratorConfig
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.kinesis.producer import KinesisProducer
from acme_gen.kinesis.records import json_records

WINDOW_START = 1_768_507_200_000  # 2026-01-15T20:00Z
FIVE_MINUTES = 300_000
LAMBDA_CPU_SCALE = 1769 / 512


def main() -> None:
    # 50,000 events in a prime-time 5-minute window
    config = GeneratorConfig(events_per_day=13_500_000)
    gen = TelemetryGenerator(config)
    gen.window(WINDOW_START - FIVE_MINUTES, WINDOW_START)  # warm the slot cache like a warm Lambda

    batch = gen.window(WINDOW_START, WINDOW_START + FIVE_MINUTES)
    rates = []
    for _ in range(3):
        start = time.process_time()
        data, keys = json_records(gen.world, batch)
        rates.append(len(data) / (time.process_time() - start))
    print(
        f"{'JSON serialisation (orjson, column lists)':44} {max(rates):>11,.0f} records/s per core "
        f"(target >= 200,000)"
    )

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    client = boto3.client(
        "kinesis",
        endpoint_url=f"http://{host}:{port}",
        region_name="us-west-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_stream(StreamName="bench", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    try:
        cold = TelemetryGenerator(config)  # a cold container builds its world first
        wall, cpu = time.perf_counter(), time.process_time()
        batch = cold.window(WINDOW_START, WINDOW_START + FIVE_MINUTES)
        generated = time.process_time() - cpu
        data, keys = json_records(cold.world, batch)
        serialised = time.process_time() - cpu
        report = KinesisProducer(client, "bench").put(data, keys)
        wall = time.perf_counter() - wall
        cpu_ours = serialised
    finally:
        server.stop()
    print(
        f"{'5-minute window, cold, to local Kinesis':44} {report.put:>11,} records in {wall:.1f} s wall "
        f"({report.calls} PutRecords calls)"
    )
    print(
        f"{'  generation + serialisation CPU':44} {cpu_ours:>11.2f} s; at 512 MB (~0.29 vCPU) "
        f"about {cpu_ours * LAMBDA_CPU_SCALE:.1f} s + PutRecords time (60 s timeout)"
    )
    print(f"{'  of which generation':44} {generated:>11.2f} s")


if __name__ == "__main__":
    main()
