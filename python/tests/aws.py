"""A real local AWS API (moto server on 127.0.0.1) for adapter tests, with dummy keys."""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

REGION = "us-west-2"
DUMMY_KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


class LocalAws:
    def __init__(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        # moto runs no Lambda code (tests call handlers in-process): no Docker for invoke.
        self._post("/moto-api/config", {"lambda": {"use_docker": False}})

    def _post(self, path: str, body: dict[str, Any]) -> None:
        request = urllib.request.Request(self.endpoint + path, data=json.dumps(body).encode(),
                                         method="POST")  # fmt: skip
        urllib.request.urlopen(request, timeout=10).read()

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.endpoint, region_name=REGION, **DUMMY_KEYS)

    def upload_lake(self, lake: Any, bucket: str) -> None:
        """A new bucket holding a local lake's Parquet files under the same keys."""
        from acme_gen.lake.store import s3_filesystem

        self.client("s3").create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        fs = s3_filesystem(self.endpoint, REGION)
        for path in lake.rglob("*.parquet"):
            with fs.open_output_stream(f"{bucket}/{path.relative_to(lake)}") as out:
                out.write(path.read_bytes())

    def reset(self) -> None:
        self._post("/moto-api/reset", {})

    def stop(self) -> None:
        self.server.stop()
