"""The models are the one schema source; every projection must agree with them."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from acme_gen import schema
from acme_gen.lake.store import DICTIONARY_COLUMNS
from acme_gen.models import StreamingEvent

# DESIGN.md / the seed's DDL, in order.
EXPECTED = [
    ("event_id", "string"), ("event_type", "string"), ("event_timestamp", "string"),
    ("customer_id", "string"), ("title_id", "string"), ("session_id", "string"),
    ("device_id", "string"), ("title_type", "string"), ("device_type", "string"),
    ("device_os", "string"), ("app_version", "string"), ("quality", "string"),
    ("bandwidth_mbps", "double"), ("buffering_events", "int"),
    ("buffering_duration_seconds", "double"), ("error_count", "int"),
    ("watch_duration_seconds", "int"), ("position_seconds", "int"),
    ("completion_percentage", "double"), ("ip_address", "string"), ("isp", "string"),
    ("connection_type", "string"), ("country", "string"), ("state", "string"), ("city", "string"),
]  # fmt: skip
PHYSICAL = {"string": ("BYTE_ARRAY", "String"), "int": ("INT32", None),
            "double": ("DOUBLE", None)}  # fmt: skip


def test_glue_columns_match_the_design() -> None:
    cols = schema.glue_columns(StreamingEvent)
    assert [(c["name"], c["type"]) for c in cols] == EXPECTED
    assert all(c["comment"] for c in cols)


def test_tables_json_is_current() -> None:
    assert schema.SCHEMA_JSON.read_text() == schema.render_tables_json(), (
        "terraform/schema/tables.json is stale: run `make schema`"
    )
    doc = json.loads(schema.SCHEMA_JSON.read_text())
    events = doc["tables"]["streaming_events"]
    assert [(c["name"], c["type"]) for c in events["columns"]] == EXPECTED
    assert [k["name"] for k in events["partition_keys"]] == ["year", "month", "day", "hour"]


def test_schema_check_fails_when_stale(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    stale = tmp_path / "tables.json"
    stale.write_text(schema.render_tables_json().replace('"int"', '"bigint"', 1))
    monkeypatch.setattr(schema, "SCHEMA_JSON", stale)
    assert schema.main(["--check"]) == 1
    assert schema.main([]) == 0
    assert schema.main(["--check"]) == 0


def test_arrow_schema_types() -> None:
    arrow = schema.arrow_schema(StreamingEvent)
    assert arrow.names == [n for n, _ in EXPECTED]
    assert [str(f.type) for f in arrow] == [
        {"string": "string", "int": "int32", "double": "double"}[t] for _, t in EXPECTED
    ]


def test_ddl_lists_columns_and_partitions() -> None:
    ddl = schema.athena_ddl("streaming_events", "s3://bucket/telemetry/")
    assert "`buffering_events` INT," in ddl
    assert "PARTITIONED BY (`year` STRING, `month` STRING, `day` STRING, `hour` STRING)" in ddl
    assert "STORED AS PARQUET" in ddl


def test_written_parquet_physical_types(lake: Path) -> None:
    files = sorted((lake / "telemetry").rglob("*.parquet"))
    assert files
    for path in files[:5]:
        parquet_schema = pq.ParquetFile(path).schema
        for (name, glue), col in zip(EXPECTED, parquet_schema, strict=True):
            physical, logical = PHYSICAL[glue]
            assert col.name == name
            assert col.physical_type == physical, (path, name)
            if logical:
                assert str(col.logical_type) == logical, (path, name)
        assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "SNAPPY"
        # readers see the declared types, not the writer's dictionary-encoded input
        assert pq.read_schema(path).equals(schema.arrow_schema(StreamingEvent))


def test_low_cardinality_columns_stay_dictionary_encoded(lake: Path) -> None:
    """A writer fallback to plain encoding (e.g. a dictionary with repeated values) would
    silently double the files' size."""
    path = sorted((lake / "telemetry").rglob("*.parquet"))[10]
    meta = pq.read_metadata(path).row_group(0)
    for i in range(meta.num_columns):
        col = meta.column(i)
        if col.path_in_schema in DICTIONARY_COLUMNS:
            assert "RLE_DICTIONARY" in col.encodings, col.path_in_schema
