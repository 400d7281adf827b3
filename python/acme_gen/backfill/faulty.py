"""An hour with faults, landed as Firehose would have delivered it.

A row's partition is the hour of its recorded event_timestamp (skewed clocks move it), and
the file it sits in is named for the hour it arrived in: on-time rows in the hour's own file,
late rows and late duplicate copies in `...-arrived-YYYYMMDDHH.parquet` files of their event
hour, a skewed device's rows in the partition its clock claims. Dropped events are not
written; malformed ones go under errors/format-conversion-failed/ in Firehose's error-record
format. Every fault gets a truth row.

File names all start with the source hour's, so a re-run writes the same files again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from acme_gen.core.events import EventBatch
from acme_gen.core.faults import DROP, DUPLICATE, LATE, MALFORMED, event_faults, recorded
from acme_gen.core.world import World
from acme_gen.kinesis.records import json_records, malformed_record
from acme_gen.lake.arrow import ArrowEncoder
from acme_gen.lake.firehose_errors import CONVERSION_FAILED_DIR, conversion_error_record
from acme_gen.lake.store import Lake, encode_parquet
from acme_gen.lake.truth import FAULT_SCHEMA, FAULTS_DIR, fault_rows
from acme_gen.scenario import FaultRates
from acme_gen.schema import TABLE_DIRS
from acme_gen.time_labels import HOUR_MS, day_path, hour_stamp, partition_path

REJECTED = "The record could not be converted with the table's schema"


@dataclass
class FaultyHour:
    """Collects one source hour's faulty rows while its on-time rows stream to its file."""

    world: World
    encoder: ArrowEncoder
    rates: FaultRates
    seed: int
    hour_ms: int
    elsewhere: dict[tuple[int, int], list[pa.Table]] = field(
        default_factory=lambda: defaultdict(list)
    )
    errors: list[bytes] = field(default_factory=list)
    truth: list[pa.Table] = field(default_factory=list)

    def on_time(self, batches: Iterator[EventBatch]) -> Iterator[pa.Table]:
        """The rows of the hour's own file, step by step; the rest is kept for write()."""
        for batch in batches:
            yield self._split(batch)

    def _split(self, batch: EventBatch) -> pa.Table:
        faults = event_faults(self.rates, self.seed, batch)
        shown = recorded(batch, faults)
        table = self.encoder.events_table(shown)
        self.truth.append(fault_rows(table, batch.ts_ms, faults))

        partition = shown.ts_ms // HOUR_MS * HOUR_MS
        arrival = (batch.ts_ms + np.where(faults.kind == LATE, faults.delay_ms, 0)) // HOUR_MS
        kept = np.flatnonzero((faults.kind != DROP) & (faults.kind != MALFORMED))
        copies = np.flatnonzero(faults.kind == DUPLICATE)
        rows = np.concatenate([kept, copies])
        arrival_hour = (
            np.concatenate(
                [arrival[kept], (batch.ts_ms[copies] + faults.delay_ms[copies]) // HOUR_MS]
            )
            * HOUR_MS
        )
        home = (partition[rows] == self.hour_ms) & (arrival_hour == self.hour_ms)
        for p, a in set(
            zip(partition[rows][~home].tolist(), arrival_hour[~home].tolist(), strict=True)
        ):
            pick = rows[(partition[rows] == p) & (arrival_hour == a)]
            self.elsewhere[(p, a)].append(_plain(table.take(pa.array(pick))))

        bad = np.flatnonzero(faults.kind == MALFORMED)
        if len(bad):
            raw, _ = json_records(self.world, shown.rows(bad))
            self.errors += [
                conversion_error_record(malformed_record(r, int(v)), int(t), REJECTED)
                for r, v, t in zip(raw, faults.variant[bad], batch.ts_ms[bad], strict=True)
            ]
        return table.take(pa.array(rows[home]))

    def write(self, lake: Lake, name: str) -> tuple[int, int]:
        """Write what landed elsewhere, the error records and the truth; `name` is the hour
        file's stem. Returns (rows, bytes) of the telemetry written."""
        rows = size = 0
        for (p, a), tables in sorted(self.elsewhere.items()):
            where = f"{TABLE_DIRS['streaming_events']}/{partition_path(p)}"
            path = f"{where}/{name}-arrived-{hour_stamp(a)}"
            n, data = encode_parquet(tables, "streaming_events")
            if data is not None:
                lake.write_bytes(f"{path}.parquet", data)
                rows, size = rows + n, size + data.size
        if self.errors:
            where = f"{CONVERSION_FAILED_DIR}/{day_path(self.hour_ms)}"
            lake.write_bytes(f"{where}/{name}.json", b"".join(self.errors))
        truth = pa.concat_tables(self.truth) if self.truth else FAULT_SCHEMA.empty_table()
        if truth.num_rows:
            lake.write_parquet(f"{FAULTS_DIR}/{name}.parquet", [truth], "truth")
        return rows, size


def _plain(rows: pa.Table) -> pa.Table:
    """A few rows of the hour's table with plain text columns: their dictionaries hold the
    whole step's values (ids by the thousand), which every small file would carry (400 KB
    for a handful of rows); the writer dictionary-encodes what the rows use."""
    columns = [
        c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c for c in rows.columns
    ]
    return pa.Table.from_arrays(columns, names=rows.column_names)
