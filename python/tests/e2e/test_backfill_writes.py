"""Every path a backfill writes is in acme_gen.schema.backfill_writes(), the list the EMR job
role's policy is made from (Terraform reads it from tables.json): a new output path that is
not there would be denied on EMR Serverless."""

from __future__ import annotations

import json
from pathlib import Path

from acme_gen.backfill.run import remove_dataset
from acme_gen.lake.store import STAGING_DIR, Lake
from acme_gen.schema import SCHEMA_JSON, backfill_writes

from ..conftest import run_backfill

WORLD = ["--telemetry", "3000", "--start", "2026-01-15T18:00", "--end", "2026-01-15T21:00",
         "--customers", "2000", "--titles", "50", "--campaigns", "5", "--quiet"]  # fmt: skip
LOCAL_ONLY = (f"{STAGING_DIR}/", "_iceberg/")  # a local lake's staging and SQLite catalog


def _allowed(relative: str, writes: list[str]) -> bool:
    return any(relative.startswith(w) if w.endswith("/") else relative == w for w in writes)


def _written(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_every_option_writes_only_where_the_job_role_may(tmp_path: Path) -> None:
    writes = backfill_writes()
    assert json.loads(SCHEMA_JSON.read_text())["backfill_writes"] == writes
    hive, ice = tmp_path / "hive", tmp_path / "ice"
    run_backfill(*WORLD, "--faults", "duplicate=0.02,malformed=0.02,late=0.02,drop=0.01",
                 "--incident", "isp-outage:Comcast Xfinity@2026-01-15T19:00/60m",
                 "--output-dir", hive)  # fmt: skip
    run_backfill(*WORLD, "--table-format", "iceberg", "--output-dir", ice)
    found = _written(hive) + _written(ice)
    tops = {f.split("/")[0] for f in found}
    # the options' own outputs are all there, so the check below covers them
    assert {"telemetry", "customers", "_truth", "errors", "iceberg", "_acme_manifest.json"} <= tops
    outside = [f for f in found if not _allowed(f, [*writes, *LOCAL_ONLY])]
    assert outside == [], outside


def test_overwrite_removes_only_what_the_job_role_may() -> None:
    """--overwrite deletes through remove_dataset: each path it names must be allowed too."""
    removed: list[str] = []

    class Recording(Lake):
        def remove(self, relative: str) -> None:
            removed.append(relative)

        def remove_files(self, directory: str, prefix: str) -> None:
            removed.append(f"{directory}/{prefix}")

    remove_dataset(Recording("/nonexistent"))
    writes = [*backfill_writes(), *LOCAL_ONLY]
    outside = [r for r in removed if not (_allowed(r, writes) or _allowed(f"{r}/", writes))]
    assert outside == [], outside
