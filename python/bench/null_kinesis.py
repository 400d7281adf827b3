"""A null Kinesis sink on 127.0.0.1: it answers DescribeStreamSummary and accepts every
PutRecords, counting records and bytes. For throughput (`make bench`): moto and similar local
servers top out at a few thousand records/s, which would measure the server, not the
producer. With keep=True it also keeps the request bodies, for tests of concurrent
producers: moto's shard numbers a record max + 1 without a lock, so concurrent PutRecords
calls overwrite each other's records there (records go missing that were acknowledged).

    with NullKinesis() as sink:
        boto3.client("kinesis", endpoint_url=sink.url, ...).put_records(...)
        sink.records          # how many
"""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms ACK wait

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        target = self.headers.get("X-Amz-Target", "")
        if target.endswith(".PutRecords"):
            # Count without parsing the JSON: each record carries one PartitionKey.
            n = body.count(b'"PartitionKey"')
            with self.server.lock:
                self.server.records += n
                self.server.bytes += len(body)
                if self.server.kept is not None:
                    self.server.kept.append(body)
            one = b'{"SequenceNumber":"1","ShardId":"shardId-000000000000"}'
            reply = b'{"FailedRecordCount":0,"Records":[' + b",".join([one] * n) + b"]}"
            if (
                self.server.garble_after is not None
                and self.server.records > self.server.garble_after
            ):
                reply = b"<html>502 Bad Gateway</html>"  # a broken proxy's answer, with a 200
        elif target.endswith(".DescribeStreamSummary"):
            name = json.loads(body)["StreamName"]
            reply = json.dumps({"StreamDescriptionSummary": {
                "StreamName": name, "StreamStatus": "ACTIVE", "OpenShardCount": 1,
                "StreamARN": f"arn:aws:kinesis:us-east-1:123456789012:stream/{name}",
            }}).encode()  # fmt: skip
        else:
            self.send_error(400, f"the null sink does not do {target}")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    records = 0
    bytes = 0
    kept: list[bytes] | None = None
    garble_after: int | None = None
    lock = threading.Lock()


class NullKinesis:
    def __init__(self, keep: bool = False, garble_after: int | None = None) -> None:
        """keep: keep every record's Data; garble_after: once that many records are in,
        answer PutRecords with a body that is not Kinesis' (as a broken proxy would)."""
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.kept = [] if keep else None
        self.server.garble_after = garble_after
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def records(self) -> int:
        return self.server.records

    def data(self) -> list[bytes]:
        """Every record's Data, as put (keep=True)."""
        assert self.server.kept is not None, "NullKinesis(keep=True) keeps the records"
        with self.server.lock:
            bodies = list(self.server.kept)
        return [base64.b64decode(r["Data"]) for b in bodies for r in json.loads(b)["Records"]]

    def __enter__(self) -> NullKinesis:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":  # serve until Ctrl-C, for trying the stream command by hand
    with NullKinesis() as sink:
        print(sink.url, flush=True)
        threading.Event().wait()
