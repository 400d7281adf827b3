"""A real local AWS API (moto server on 127.0.0.1) for adapter tests, with dummy keys."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import urllib.request
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

REGION = "us-west-2"
DUMMY_KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


# A moto server in a process of its own: prints its port (the kernel's pick), serves until
# its stdin closes.
_OWN_PROCESS = """
import logging, sys
from moto.server import ThreadedMotoServer
logging.getLogger("werkzeug").setLevel(logging.ERROR)
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
"""


class LocalAws:
    """A moto server on 127.0.0.1 at a port the kernel picks.

    moto keeps its state in the process: two servers in one process share every bucket and
    stream. The session's server is shared on purpose (tests use names of their own); an
    applied stack gets `own_process=True`, so tests that run beside it on the same xdist
    worker cannot touch its resources (a Lambda function of the same name, say)."""

    def __init__(self, own_process: bool = False) -> None:
        self.server: ThreadedMotoServer | None = None
        self.process: subprocess.Popen[str] | None = None
        if own_process:
            self.process = subprocess.Popen([sys.executable, "-c", _OWN_PROCESS],
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            text=True)  # fmt: skip
            assert self.process.stdout is not None
            port = int(self.process.stdout.readline())
            self.endpoint = f"http://127.0.0.1:{port}"
        else:
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
        if self.server is not None:
            self.server.stop()
        if self.process is not None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
