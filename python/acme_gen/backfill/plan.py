"""What a backfill will do, checked before anything is written: the plan, the manifest that
records it in the lake, and the refusal of bad or conflicting input (UsageError)."""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acme_gen.cli import SETUP_ERRORS, UsageError, one_line
from acme_gen.config import MODEL_VERSION, GeneratorConfig
from acme_gen.lake.iceberg import DATA_DIR as ICEBERG_DATA_DIR
from acme_gen.lake.manifest import arguments, library_warning, read_manifest
from acme_gen.lake.store import Lake
from acme_gen.models import DIMENSIONS
from acme_gen.scenario import FaultRates, Incident
from acme_gen.schema import MANIFEST, TABLE_DIRS
from acme_gen.time_labels import HOUR_MS, hour_stamp, iso_second, partition_path

BACKFILL_PREFIX = "backfill-"  # telemetry file names; Firehose's never start so


@dataclass(frozen=True)
class BackfillPlan:
    config: GeneratorConfig
    start_ms: int
    end_ms: int
    output: str
    workers: int
    telemetry: int | None
    overwrite: bool
    quiet: bool
    endpoint_url: str | None = None
    region: str | None = None
    glue_database: str | None = None
    engine: str = "process"
    spark_master: str | None = None
    table_format: str = "hive"  # or "iceberg" (acme_gen.lake.iceberg)

    def lake(self) -> Lake:
        return Lake(self.output, self.endpoint_url, self.region)

    def manifest(self) -> dict[str, Any]:
        manifest = {
            "model": MODEL_VERSION,
            "generator": self.config.model_dump(mode="json"),
            "start": iso_second(self.start_ms),
            "end": iso_second(self.end_ms),
            "telemetry": self.telemetry,
        }
        if self.table_format != "hive":  # a Hive lake's manifest is as it always was
            manifest["table_format"] = self.table_format
            if self.glue_database:  # the catalog readers follow to the current snapshot
                manifest["glue_database"] = self.glue_database
        return manifest

    def hours(self) -> list[int]:
        first = self.start_ms // HOUR_MS * HOUR_MS
        return list(range(first, self.end_ms, HOUR_MS))

    def telemetry_file(self, hour_ms: int) -> str:
        """The hour's file, relative to the lake root."""
        name = f"{BACKFILL_PREFIX}{hour_stamp(hour_ms)}-{self.config.fingerprint()[:8]}.parquet"
        table_dir = (
            ICEBERG_DATA_DIR if self.table_format == "iceberg" else TABLE_DIRS["streaming_events"]
        )
        return f"{table_dir}/{partition_path(hour_ms)}/{name}"


def check_output(plan: BackfillPlan) -> None:
    """Refuse an output the run could not write, or one holding another dataset."""
    lake = plan.lake()
    if lake.is_s3:
        try:
            missing = lake.missing_bucket()
        except OSError as exc:
            raise UsageError(f"cannot reach {plan.output}: {str(exc).splitlines()[0]}") from None
        if missing:
            raise UsageError(f"bucket {missing} does not exist")
    else:
        out = Path(plan.output)
        if out.exists() and not out.is_dir():
            raise UsageError(f"--output-dir {out} exists and is not a directory")
        ancestor = out.absolute()
        while not ancestor.exists():
            ancestor = ancestor.parent
        if not ancestor.is_dir() or not _can_create_in(ancestor):
            raise UsageError(f"--output-dir {out} cannot be created or written")
    if lake.exists(MANIFEST):
        existing = read_manifest(lake)
        if arguments(existing) != plan.manifest() and not plan.overwrite:
            raise UsageError(
                f"{plan.output} holds a dataset made with different arguments "
                f"({describe_difference(existing, plan.manifest())}); "
                f"use {_overwrite_flag()} to replace it or choose another --output-dir"
            )
        warning = library_warning(lake, existing, "the hours this run writes")
        if warning and (not plan.overwrite or arguments(existing) == plan.manifest()):
            # (--overwrite replaces the dataset only when the arguments differ)
            print(warning, file=sys.stderr)
    elif any(lake.exists(TABLE_DIRS[t]) for t in DIMENSIONS) and not plan.overwrite:
        raise UsageError(
            f"{plan.output} holds data without a {MANIFEST}; use {_overwrite_flag()} to replace it"
        )


def _overwrite_flag() -> str:
    """How the user asks to overwrite: --overwrite, or what a wrapper says (make run sets
    ACME_OVERWRITE_FLAG=OVERWRITE=1), so the hint appears with this refusal only."""
    return os.environ.get("ACME_OVERWRITE_FLAG") or "--overwrite"


def _can_create_in(directory: Path) -> bool:
    """Whether a directory can be made here (os.access says yes to root even on /proc)."""
    try:
        Path(tempfile.mkdtemp(prefix=".acme-probe-", dir=directory)).rmdir()
    except OSError:
        return False
    return True


def check_catalog(plan: BackfillPlan) -> None:
    """The Glue table the partitions go to exists, and the region and credentials work."""
    import boto3  # only when Glue is asked for: it is slow to import
    from botocore.exceptions import ClientError

    try:
        glue = boto3.client("glue", endpoint_url=plan.endpoint_url, region_name=plan.region)
        glue.get_table(DatabaseName=plan.glue_database, Name="streaming_events")
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "EntityNotFoundException":
            raise UsageError(
                f"--glue-database {plan.glue_database} has no table streaming_events "
                "(terraform apply creates it)"
            ) from None
        raise UsageError(f"--glue-database {plan.glue_database}: {one_line(exc)}") from None
    except SETUP_ERRORS as exc:
        raise UsageError(f"--glue-database {plan.glue_database}: {one_line(exc)}") from None


def describe_difference(old: Any, new: dict[str, Any]) -> str:
    """Every argument that differs, as `name: old -> new` (they are short)."""
    if not isinstance(old, dict):
        return "unreadable manifest"
    flat_old = {**old.get("generator", {}), **{k: v for k, v in old.items() if k != "generator"}}
    flat_new = {**new["generator"], **{k: v for k, v in new.items() if k != "generator"}}
    diffs = [
        f"{k}: {_human(k, flat_old.get(k))} -> {_human(k, v)}"
        for k, v in flat_new.items()
        if flat_old.get(k) != v
    ]
    return ", ".join(diffs) or "manifest differs"


def _human(name: str, value: Any) -> str:
    """A manifest value as the flags say it: events a day, fault and incident specs."""
    try:
        if value is None or value == [] or value == {}:
            return "none"
        if name == "events_per_day":
            return f"{float(value):,.0f} events/day"
        if name == "faults" and isinstance(value, dict):
            return FaultRates.model_validate(value).spec() or "none"
        if name == "incidents" and isinstance(value, list):
            return "; ".join(Incident.model_validate(i).spec() for i in value)
    except (ValueError, TypeError):
        pass  # an older or hand-edited manifest: show it as it is
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)
