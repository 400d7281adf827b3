"""Projections of the models: Glue columns, Arrow schema, Athena DDL, and the JSON file
Terraform reads.

    python -m acme_gen.schema            # rewrite terraform/schema/tables.json
    python -m acme_gen.schema --check    # exit 1 if the file is stale
    python -m acme_gen.schema --ddl s3://bucket   # print the Athena DDL
"""

from __future__ import annotations

import json
import sys
import types
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from acme_gen.cli import Parser, command
from acme_gen.models import TABLES, GlueType
from acme_gen.time_labels import PARTITION_KEYS

if TYPE_CHECKING:
    import pyarrow as pa

SCHEMA_JSON = Path(__file__).resolve().parents[2] / "terraform" / "schema" / "tables.json"
DATABASE = "acme_telemetry"
# Where each table lives under the lake root (local directory or s3://bucket/).
TABLE_DIRS = {
    "streaming_events": "telemetry",
    "customers": "customers",
    "titles": "titles",
    "campaigns": "campaigns",
}

# Everything else the backfill writes under the lake root. The EMR job role may write
# exactly these (Terraform reads "backfill_writes" from tables.json), so a new output path
# cannot be left out of its policy; tests/e2e/test_backfill_writes.py walks a lake of every
# option against the list.
ERRORS_DIR = "errors"  # Firehose's error prefix, and the backfill's faulty records
TRUTH_DIR = "_truth"  # the faults' and incidents' truth
ICEBERG_DIR = "iceberg"  # the Iceberg table's data and metadata
MANIFEST = "_acme_manifest.json"


def backfill_writes() -> list[str]:
    """Key prefixes (a trailing '/') and keys a backfill to s3:// writes or deletes."""
    dirs = [*TABLE_DIRS.values(), ERRORS_DIR, TRUTH_DIR, ICEBERG_DIR]
    return [*(f"{d}/" for d in dirs), MANIFEST]


_GLUE_BY_PYTHON: dict[type, str] = {
    str: "string",
    float: "double",
    int: "bigint",
    bool: "boolean",
    date: "date",
}


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return members[0], True
    return annotation, False


def glue_type(field: FieldInfo) -> str:
    annotation, _ = _unwrap_optional(field.annotation)
    # A nullable Int32 keeps its GlueType inside the optional's Annotated member.
    inner = list(getattr(annotation, "__metadata__", ()))
    for meta in [*field.metadata, *inner]:
        if isinstance(meta, GlueType):
            return meta.name
    if get_origin(annotation) is Literal:
        annotation = type(get_args(annotation)[0])
    try:
        return _GLUE_BY_PYTHON[annotation]
    except KeyError:
        raise TypeError(f"no Glue type for annotation {annotation!r}") from None


def glue_columns(model: type[BaseModel]) -> list[dict[str, str]]:
    return [
        {"name": name, "type": glue_type(field), "comment": field.description or ""}
        for name, field in model.model_fields.items()
    ]


def tables_document() -> dict[str, Any]:
    """The document Terraform reads (terraform/schema/tables.json)."""
    return {
        "_generated_by": "python -m acme_gen.schema (do not edit by hand)",
        "database": DATABASE,
        "table_dirs": TABLE_DIRS,
        "backfill_writes": backfill_writes(),
        "tables": {
            name: {
                "columns": glue_columns(model),
                "partition_keys": (
                    [{"name": k, "type": "string"} for k in PARTITION_KEYS]
                    if name == "streaming_events"
                    else []
                ),
            }
            for name, model in TABLES.items()
        },
    }


def render_tables_json() -> str:
    return json.dumps(tables_document(), indent=2) + "\n"


_ARROW_BY_GLUE = {
    "string": "string",
    "double": "float64",
    "int": "int32",
    "bigint": "int64",
    "boolean": "bool_",
    "date": "date32",
}


def arrow_type(glue: str) -> pa.DataType:
    import pyarrow as pa

    return getattr(pa, _ARROW_BY_GLUE[glue])()


def arrow_schema(model: type[BaseModel]) -> pa.Schema:
    """Arrow types of the model's columns. Every field is nullable (Parquet OPTIONAL), as
    Firehose and Athena write them, so files from either path share one physical schema."""
    import pyarrow as pa

    return pa.schema(
        [pa.field(name, arrow_type(glue_type(f))) for name, f in model.model_fields.items()]
    )


def athena_ddl(table: str, location: str) -> str:
    model = TABLES[table]
    cols = ",\n".join(f"  `{c['name']}` {c['type'].upper()}" for c in glue_columns(model))
    partitioned = ""
    if table == "streaming_events":
        keys = ", ".join(f"`{k}` STRING" for k in PARTITION_KEYS)
        partitioned = f"PARTITIONED BY ({keys})\n"
    return (
        f"CREATE EXTERNAL TABLE IF NOT EXISTS {DATABASE}.{table} (\n{cols}\n)\n"
        f"{partitioned}STORED AS PARQUET\nLOCATION '{location}'\n"
        "TBLPROPERTIES ('parquet.compression'='SNAPPY');\n"
    )


@command
def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m acme_gen.schema", description=__doc__)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="fail if tables.json is stale")
    group.add_argument(
        "--ddl", metavar="s3://BUCKET[/PREFIX]", help="print the Athena DDL for a lake on S3"
    )
    args = parser.parse_args(argv)
    if args.ddl is not None and not args.ddl.startswith("s3://"):
        parser.error(f"--ddl takes the lake's S3 URL, like s3://bucket, not {args.ddl!r}")
    if args.ddl:
        for table in TABLES:
            print(athena_ddl(table, f"{args.ddl.rstrip('/')}/{TABLE_DIRS[table]}/"))
        return 0
    wanted = render_tables_json()
    if args.check:
        current = SCHEMA_JSON.read_text() if SCHEMA_JSON.exists() else ""
        if current != wanted:
            print(f"error: {SCHEMA_JSON} is stale; run: python -m acme_gen.schema", file=sys.stderr)
            return 1
        print(f"{SCHEMA_JSON.name} is up to date")
        return 0
    SCHEMA_JSON.parent.mkdir(parents=True, exist_ok=True)
    SCHEMA_JSON.write_text(wanted)
    print(f"wrote {SCHEMA_JSON}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
