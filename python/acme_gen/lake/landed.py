"""What landed in a lake, hour by hour: the telemetry rows of each event hour (Firehose's or
the backfill's files alike), and the records Firehose put under errors/ instead.

A row belongs to the hour of its own event_timestamp. Rows are read from their hour's
partition and from the next one (a record that arrived late and was filed one hour on), so
each landed row is counted once, in its own hour; a row whose timestamp matches neither
partition stays with the partition it was found in, where it is unexpected.
"""

from __future__ import annotations

import base64
import re
from collections import defaultdict
from collections.abc import Iterator

import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from acme_gen.lake import iceberg
from acme_gen.lake.store import Lake
from acme_gen.models import StreamingEvent
from acme_gen.schema import ERRORS_DIR, TABLE_DIRS, arrow_schema
from acme_gen.time_labels import HOUR_MS, PARTITION_PATTERN, hour_label, partition_hour_ms

EVENT_SCHEMA = arrow_schema(StreamingEvent)
_HOUR_FILE = re.compile(PARTITION_PATTERN.pattern + r"[^/]+\.parquet$")  # directly in the hour
_EVENT_ID = re.compile(rb'"event_id"\s*:\s*"([^"]+)"')
_EVENT_HOUR = re.compile(rb'"event_timestamp"\s*:\s*"(\d{4}-\d{2}-\d{2}T\d{2})')


class LandedError(Exception):
    """A file in the lake cannot be read as telemetry."""


def telemetry_files(lake: Lake) -> list[str]:
    """Every telemetry Parquet file, skipping hidden paths inside the table (staging); the
    lake itself may lie under a hidden directory such as ~/.cache. In an Iceberg lake, the
    data files of the table's current snapshot."""
    if iceberg.is_iceberg(lake):
        return iceberg.data_files(lake)
    root = lake.path(TABLE_DIRS["streaming_events"]).rstrip("/") + "/"
    selector = pafs.FileSelector(root, allow_not_found=True, recursive=True)
    return sorted(
        i.path
        for i in lake.fs.get_file_info(selector)
        if i.type == pafs.FileType.File
        and i.path.endswith(".parquet")
        and not any(part.startswith(".") for part in i.path.removeprefix(root).split("/"))
    )


def files_by_hour(lake: Lake) -> dict[int, list[str]]:
    """Telemetry files by the start of their partition's hour (files outside the layout are
    left out)."""
    out: dict[int, list[str]] = defaultdict(list)
    for path in telemetry_files(lake):
        hour = partition_hour_ms(path, _HOUR_FILE)
        if hour is not None:
            out[hour].append(path)
    return out


def _read_partition(lake: Lake, paths: list[str]) -> pa.Table:
    tables = []
    for path in paths:
        try:
            table = pq.read_table(path, filesystem=lake.fs, columns=EVENT_SCHEMA.names)
            tables.append(table.cast(EVENT_SCHEMA))
        except (OSError, ValueError, pa.ArrowInvalid, KeyError) as exc:
            raise LandedError(f"{path}: {str(exc).splitlines()[0]}") from None
    return pa.concat_tables(tables) if tables else EVENT_SCHEMA.empty_table()


def landed_by_hour(
    lake: Lake, hours: list[int], by_hour: dict[int, list[str]]
) -> Iterator[tuple[int, pa.Table]]:
    """(hour, rows that landed for it) for consecutive `hours`, two partitions in memory."""
    following: pa.Table | None = None
    for hour in hours:
        own = following if following is not None else _read_partition(lake, by_hour[hour])
        following = _read_partition(lake, by_hour[hour + HOUR_MS])
        own_hours = pc.utf8_slice_codeunits(own["event_timestamp"], 0, 13)
        late = pc.utf8_slice_codeunits(following["event_timestamp"], 0, 13)
        yield (
            hour,
            pa.concat_tables(
                [
                    own.filter(pc.not_equal(own_hours, hour_label(hour - HOUR_MS))),
                    following.filter(pc.equal(late, hour_label(hour))),
                ]
            ),
        )


def error_ids_by_hour(lake: Lake) -> tuple[dict[str, set[str]], int]:
    """Event ids of the records under errors/ by their event hour label ("" for a record
    without an event_timestamp), and how many error records name no event id."""
    selector = pafs.FileSelector(lake.path(ERRORS_DIR), allow_not_found=True, recursive=True)
    by_hour: dict[str, set[str]] = defaultdict(set)
    unattributed = 0
    for info in lake.fs.get_file_info(selector):
        if info.type != pafs.FileType.File:
            continue
        with lake.fs.open_input_stream(info.path) as f:
            lines = bytes(f.read()).splitlines()
        for line in filter(None, lines):
            try:
                raw = base64.b64decode(orjson.loads(line)["rawData"])
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                unattributed += 1
                continue
            event_id, event_hour = _EVENT_ID.search(raw), _EVENT_HOUR.search(raw)
            if event_id:  # no event_timestamp: under "", attributed by id alone
                hour = event_hour.group(1).decode() if event_hour else ""
                by_hour[hour].add(event_id.group(1).decode())
            else:
                unattributed += 1
    return by_hour, unattributed
