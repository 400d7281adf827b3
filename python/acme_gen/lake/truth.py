"""The truth beside the data: `<lake>/_truth/faults/*.parquet`, one row per injected fault,
and `<lake>/_truth/incidents.json`, the declared incidents with their expected effects.

Readers and Athena skip `_`-prefixed directories, so the truth never mixes with the data.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from acme_gen.core.faults import MALFORMED_VARIANTS, NO_FAULT, SKEW, EventFaults
from acme_gen.core.text import iso_millis_text
from acme_gen.lake.arrow import fixed_width_strings
from acme_gen.lake.store import Lake
from acme_gen.scenario import FAULT_KINDS, Incident
from acme_gen.schema import TRUTH_DIR
from acme_gen.time_labels import iso_minute

FAULTS_DIR = f"{TRUTH_DIR}/faults"
INCIDENTS_FILE = f"{TRUTH_DIR}/incidents.json"
FAULT_SCHEMA = pa.schema(
    [
        pa.field("event_id", pa.string()),
        pa.field("session_id", pa.string()),
        pa.field("fault", pa.string()),
        pa.field("event_timestamp", pa.string()),  # as generated (before any skew)
        pa.field("detail_ms", pa.int64()),  # duplicate/late: delay; skew: the clock's offset
        pa.field("detail", pa.string()),  # malformed: how; drop: never sent; ...
    ]
)
_DETAIL = {
    "duplicate": "copy sent detail_ms after the original",
    "drop": "never sent",
    "late": "arrives detail_ms after its event time",
    "skew": "device clock off by detail_ms (recorded = true + detail_ms)",
    "out_of_order": "sent after the next event of its session",
}
EFFECTS = {
    "isp-outage": "sessions on the ISP starting in the window: 65% fail to start (error on "
    "the start attempt), the rest play at 40% of their throughput with 6x the errors; 45% "
    "of failed viewers retry on the same device and 25% on another within 20-90 s",
    "cdn-degradation": "sessions in the country starting in the window: throughput falls to "
    "30%, start-up slows, rebuffering and errors rise, quality drops, half stop early",
    "bad-release": "sessions on devices with the app version starting in the window: 70% "
    "crash on start (an error), the rest see 12x the errors; failed viewers retry, on "
    "another device (another app version) in a quarter of cases",
    "premiere": "extra sessions of the title from its beginning, rising over 15 minutes to "
    "as many as the usual starts and decaying over the window",
}


def fault_rows(events: pa.Table, true_ms: np.ndarray, faults: EventFaults) -> pa.Table:
    """The truth rows of a batch's events (`true_ms`: event times as generated, before any
    skew): one per per-event fault, one per event of a skewed device."""
    per_event = np.flatnonzero(faults.kind != NO_FAULT)
    skewed = np.flatnonzero(faults.skew_ms != 0)
    index = np.concatenate([per_event, skewed])
    kinds = np.concatenate([faults.kind[per_event], np.full(len(skewed), SKEW, np.int8)])
    names = np.array(FAULT_KINDS, dtype=object)[kinds]
    detail_ms = np.concatenate([faults.delay_ms[per_event], faults.skew_ms[skewed]])
    variants = np.array(MALFORMED_VARIANTS, dtype=object)
    details = np.array([_DETAIL.get(k, "") for k in FAULT_KINDS], dtype=object)[kinds]
    malformed = np.concatenate([faults.variant[per_event], np.full(len(skewed), -1, np.int8)])
    details = np.where(malformed >= 0, variants[np.maximum(malformed, 0)], details)
    has_ms = np.isin(names, ["duplicate", "late", "skew"])
    take = pa.array(index, pa.int64())
    return pa.table(
        [
            events["event_id"].take(take),
            events["session_id"].take(take),
            pa.array(names, pa.string()),
            fixed_width_strings(iso_millis_text(true_ms[index])),
            pa.array(detail_ms, pa.int64(), mask=~has_ms),
            pa.array(details, pa.string()),
        ],
        schema=FAULT_SCHEMA,
    )


def read_faults(lake: Lake) -> pa.Table | None:
    """Every truth row, or None when the lake declares no faults."""
    selector = pafs.FileSelector(lake.path(FAULTS_DIR), allow_not_found=True, recursive=True)
    paths = sorted(
        i.path
        for i in lake.fs.get_file_info(selector)
        if i.type == pafs.FileType.File and i.path.endswith(".parquet")
    )
    if not paths:
        return None
    return pa.concat_tables(
        pq.read_table(p, filesystem=lake.fs, schema=FAULT_SCHEMA) for p in paths
    )


def incidents_document(incidents: tuple[Incident, ...]) -> bytes:
    return (json.dumps([incident_entry(i) for i in incidents], indent=2) + "\n").encode()


def incident_entry(incident: Incident) -> dict[str, Any]:
    return {
        "type": incident.kind,
        "scope": incident.scope,
        "start": iso_minute(incident.start_ms),
        "end": iso_minute(incident.end_ms),
        "spec": incident.spec(),
        "expected_effect": EFFECTS[incident.kind],
    }


def read_incidents(lake: Lake) -> list[dict[str, Any]]:
    text = lake.read_text(INCIDENTS_FILE)
    return list(json.loads(text)) if text else []
