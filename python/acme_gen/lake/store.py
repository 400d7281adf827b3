"""The lake: Hive-partitioned Parquet on the local disk or on S3, each file complete or absent.

Local files are written into a hidden staging directory inside the lake and renamed into
place, so a reader (or a killed run) never sees half a file; readers and Athena skip the
dot-prefixed staging directory. On S3 a file is built in memory and sent in one PUT, which
S3 makes visible only once complete.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlparse

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

STAGING_DIR = ".staging"

# Dictionary-encode only columns with few distinct values per file (and the ids that repeat
# within a session); statistics only where they help pruning. UUID columns get neither.
DICTIONARY_COLUMNS = [
    "event_type",
    "customer_id",
    "title_id",
    "session_id",
    "device_id",
    "title_type",
    "device_type",
    "device_os",
    "app_version",
    "quality",
    "ip_address",
    "isp",
    "connection_type",
    "country",
    "state",
    "city",
]
STATISTICS_COLUMNS = ["event_timestamp", "event_type"]


def parquet_options(table: str) -> dict[str, object]:
    # store_schema=False: no Arrow schema in the footer, so a dictionary-encoded input column
    # reads back as the plain string the models declare.
    if table == "streaming_events_iceberg":
        # Iceberg reads a file's partition values and pruning bounds from its statistics.
        return {**parquet_options("streaming_events"), "write_statistics": True}
    if table == "streaming_events":
        return {
            "compression": "snappy",
            "use_dictionary": DICTIONARY_COLUMNS,
            "write_statistics": STATISTICS_COLUMNS,
            "store_schema": False,
        }
    return {"compression": "snappy", "store_schema": False}


def encode_parquet(tables: Iterable[pa.Table], table_name: str) -> tuple[int, pa.Buffer | None]:
    """The tables as row groups of one Parquet file in memory: (rows, file), or (0, None)
    when there are no rows."""
    sink = pa.BufferOutputStream()
    writer: pq.ParquetWriter | None = None
    rows = 0
    for table in tables:
        if table.num_rows == 0:
            continue
        if writer is None:
            writer = pq.ParquetWriter(sink, table.schema, **parquet_options(table_name))
        writer.write_table(table)
        rows += table.num_rows
    if writer is None:
        return 0, None
    writer.close()
    return rows, sink.getvalue()  # an Arrow buffer: written without another copy


def s3_filesystem(endpoint_url: str | None = None, region: str | None = None) -> pafs.FileSystem:
    """pyarrow's S3 filesystem; `endpoint_url` points it at an S3-compatible server. Without
    one, AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL apply, as they do for boto3."""
    endpoint_url = (
        endpoint_url or os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    )
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    options: dict[str, object] = {"region": region} if region else {}
    if endpoint_url:
        parsed = urlparse(endpoint_url)
        options.update(endpoint_override=parsed.netloc, scheme=parsed.scheme or "https")
    return pafs.S3FileSystem(**options)


class Lake:
    """A lake root: a local directory or s3://bucket[/prefix]."""

    def __init__(self, uri: str | Path, endpoint_url: str | None = None, region: str | None = None):
        text = str(uri)
        self.endpoint_url, self.region = endpoint_url, region
        self.is_s3 = text.startswith("s3://")
        if self.is_s3:
            self.fs = s3_filesystem(endpoint_url, region)
            self.root = text[len("s3://") :].rstrip("/")
        else:
            self.fs = pafs.LocalFileSystem()
            self.root = str(Path(text).absolute())
        self.uri = text

    def __str__(self) -> str:
        return self.uri

    def missing_bucket(self) -> str | None:
        """The bucket's name if the lake is on S3 and its bucket does not exist (an S3 error
        such as no credentials or no endpoint raises OSError)."""
        if not self.is_s3:
            return None
        bucket = self.root.split("/")[0]
        return bucket if self.fs.get_file_info(bucket).type == pafs.FileType.NotFound else None

    def path(self, relative: str) -> str:
        return f"{self.root}/{relative}"

    def url(self, relative: str) -> str:
        """The location as Glue and Athena name it."""
        return f"s3://{self.path(relative)}" if self.is_s3 else self.path(relative)

    def exists(self, relative: str) -> bool:
        return bool(self.fs.get_file_info(self.path(relative)).type != pafs.FileType.NotFound)

    def read_text(self, relative: str) -> str | None:
        """The file's text, or None when there is no such file. Any other failure (no
        permission, no endpoint) raises: it is not the same as absent."""
        if not self.exists(relative):
            return None
        with self.fs.open_input_stream(self.path(relative)) as f:
            return bytes(f.read()).decode()

    def write_bytes(self, relative: str, data: bytes | pa.Buffer) -> None:
        if self.is_s3:
            with self.fs.open_output_stream(self.path(relative)) as out:
                out.write(data)
            return
        final = Path(self.path(relative))
        staging = Path(self.path(STAGING_DIR))
        staging.mkdir(parents=True, exist_ok=True)
        tmp = staging / f"{final.name}.{uuid.uuid4().hex}.tmp"
        try:
            with tmp.open("wb") as f:
                f.write(memoryview(data))
            final.parent.mkdir(parents=True, exist_ok=True)
            tmp.replace(final)
        finally:
            tmp.unlink(missing_ok=True)

    def write_parquet(
        self, relative: str, tables: Iterable[pa.Table], table_name: str
    ) -> tuple[int, int]:
        """Write the tables as row groups of one file. Returns (rows, bytes); writes nothing
        and returns (0, 0) when there are no rows."""
        rows, data = encode_parquet(tables, table_name)
        if data is None:
            return 0, 0
        self.write_bytes(relative, data)
        return rows, data.size

    def remove(self, relative: str) -> None:
        info = self.fs.get_file_info(self.path(relative))
        if info.type == pafs.FileType.Directory:
            self.fs.delete_dir(self.path(relative))
        elif info.type == pafs.FileType.File:
            self.fs.delete_file(self.path(relative))

    def remove_files(self, directory: str, prefix: str) -> None:
        """Delete the files under `directory` whose names start with `prefix`, and on disk
        the partition directories that leaves empty."""
        selector = pafs.FileSelector(self.path(directory), allow_not_found=True, recursive=True)
        infos = self.fs.get_file_info(selector)
        for info in infos:
            if info.type == pafs.FileType.File and info.base_name.startswith(prefix):
                self.fs.delete_file(info.path)
        if not self.is_s3:
            dirs = sorted(
                (i.path for i in infos if i.type == pafs.FileType.Directory), key=len, reverse=True
            )
            for d in dirs:
                if not any(Path(d).iterdir()):
                    Path(d).rmdir()

    def clear_staging(self) -> None:
        """Remove what an interrupted local run left in staging (never a finished file)."""
        if not self.is_s3:
            self.remove(STAGING_DIR)
