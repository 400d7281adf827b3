"""The Iceberg table format locally: python -m acme_gen.backfill --table-format iceberg, and
every reader (query, validate, reconcile, profile) on the table it commits."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from acme_gen import backfill
from acme_gen.lake import iceberg
from acme_gen.lake.sql import connect, example_queries
from acme_gen.lake.store import STAGING_DIR, Lake
from acme_gen.schema import MANIFEST

from ..aws import REGION, LocalAws
from ..conftest import run_backfill, shared_lake

ARGS = ["--telemetry", "60000", "--start", "2026-01-14T12:00", "--end", "2026-01-16",
        "--customers", "2000", "--titles", "100", "--campaigns", "5", "--quiet"]  # fmt: skip


@pytest.fixture(scope="module")
def lakes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return (
        shared_lake(tmp_path_factory, *ARGS, "--workers", "2"),
        shared_lake(tmp_path_factory, *ARGS, "--workers", "2", "--table-format", "iceberg"),
    )


def _rows(lake: Path) -> pa.Table:
    con = connect(lake)
    return con.sql("SELECT * FROM streaming_events ORDER BY event_id").to_arrow_table()


def test_the_same_config_gives_the_same_rows_in_both_formats(lakes: tuple[Path, Path]) -> None:
    hive, ice = lakes
    a, b = _rows(hive), _rows(ice)
    assert a.num_rows > 50_000
    assert a.column_names == b.column_names  # 25 columns, then year/month/day/hour
    assert a.equals(b)


def test_the_table_is_iceberg_v2_partitioned_by_the_hour(lakes: tuple[Path, Path]) -> None:
    table = iceberg.current_table(Lake(lakes[1]))
    assert table.metadata.format_version == 2
    assert [f.name for f in table.spec().fields] == ["year", "month", "day", "hour"]
    files = list(table.scan().plan_files())
    assert len(files) == 36  # one per hour
    pruned = list(table.scan(row_filter="day = '15' AND hour = '07'").plan_files())
    assert len(pruned) == 1 and "hour=07" in pruned[0].file.file_path
    assert len(table.snapshots()) == 2  # one commit per batch of 24 hours


def test_the_seed_queries_give_the_same_answers(lakes: tuple[Path, Path]) -> None:
    hive, ice = (connect(lake) for lake in lakes)
    queries = example_queries()
    assert len(queries) == 12
    for q in queries:
        expected = _answer(ice.execute(q.sql).fetchall(), approx=True)
        assert _answer(hive.execute(q.sql).fetchall()) == expected


def _answer(rows: list[tuple[Any, ...]], approx: bool = False) -> list[tuple[Any, ...]]:
    """Rows as a set (ties in ORDER BY may come in either order), floats compared to a
    relative 1e-9 (a sum over files read in another order differs in the last bits, and
    rounding to a fixed number of digits can split two such values at a boundary)."""
    key = [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in rows]
    return [
        tuple(pytest.approx(v, rel=1e-9) if approx and isinstance(v, float) else v for v in row)
        for _, row in sorted(zip(key, rows, strict=True), key=lambda kr: repr(kr[0]))
    ]


def _module(name: str, *args: str | Path) -> Any:
    return subprocess.run([sys.executable, "-m", f"acme_gen.{name}", *map(str, args)],
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_validate_reconcile_and_profile_read_the_iceberg_table(
    lakes: tuple[Path, Path], tmp_path: Path
) -> None:
    ice = lakes[1]
    validate = _module("validate", "--lake", ice)
    assert validate.returncode == 0, validate.stdout
    assert "PASS schema: 36 files" in validate.stdout
    reconcile = _module("reconcile", "--lake", ice)
    assert reconcile.returncode == 0, reconcile.stdout[-2000:]
    assert "OK: all" in reconcile.stdout
    profile = _module("profile", "--lake", ice, "--out", tmp_path / "p.html")
    assert profile.returncode == 0, profile.stderr


def test_a_killed_run_commits_nothing_half_and_resumes(
    lakes: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "ice"
    plan = backfill.resolve([*ARGS, "--workers", "1", "--table-format", "iceberg",
                             "--output-dir", str(out)])  # fmt: skip
    import importlib

    driver = importlib.import_module("acme_gen.backfill.run")  # the package re-exports run()
    real_engine = driver._run_engine

    def dies_after_30_hours(*args: Any) -> Any:
        for i, result in enumerate(real_engine(*args)):
            if i == 30:
                raise KeyboardInterrupt
            yield result

    monkeypatch.setattr(driver, "_run_engine", dies_after_30_hours)
    with pytest.raises(KeyboardInterrupt):
        backfill.run(plan)
    table = iceberg.current_table(Lake(out))
    assert len(table.snapshots()) == 1  # the first 24 hours; the 6 after them uncommitted
    assert len(list(table.scan().plan_files())) == 24
    monkeypatch.setattr(driver, "_run_engine", real_engine)
    summary = backfill.run(plan)
    assert summary["skipped_partitions"] == 24
    assert _rows(out).equals(_rows(lakes[1]))


# The second commit is stopped by a real Ctrl-C after its new metadata file is written and
# before the catalog's pointer moves to it: the middle of the commit.
_CTRL_C_MID_COMMIT = """
import os, signal, sys
from pyiceberg.catalog import MetastoreCatalog as Catalog
from pyiceberg.table import Table
real_add, real_write, adds = Table.add_files, Catalog._write_metadata, [0]
def add_files(self, *args, **kwargs):
    adds[0] += 1
    return real_add(self, *args, **kwargs)
def write_metadata(*args, **kwargs):
    real_write(*args, **kwargs)
    if adds[0] == 2:
        os.kill(os.getpid(), signal.SIGINT)
Table.add_files, Catalog._write_metadata = add_files, staticmethod(write_metadata)
from acme_gen.backfill import main
sys.exit(main(sys.argv[1:]))
"""


def test_ctrl_c_mid_commit_keeps_the_last_commit_and_resumes(
    lakes: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "ice"
    args = [*ARGS, "--workers", "2", "--table-format", "iceberg", "--output-dir", str(out)]
    stopped = subprocess.run([sys.executable, "-c", _CTRL_C_MID_COMMIT, *args],
                             capture_output=True, text=True, timeout=300)  # fmt: skip
    assert stopped.returncode == 130, stopped.stderr
    assert "Traceback" not in stopped.stderr
    assert stopped.stderr.strip().splitlines()[-1].startswith("interrupted: finished partitions")
    table = iceberg.current_table(Lake(out))
    assert len(table.snapshots()) == 1  # the first day; the stopped commit is not current
    newest = max((out / iceberg.TABLE_DIR / "metadata").glob("*.metadata.json"))
    assert not table.metadata_location.endswith(newest.name)  # it was stopped mid-commit
    assert len(list(table.scan().plan_files())) == 24
    assert not (out / STAGING_DIR).exists()
    resumed = run_backfill(*args)
    assert resumed.returncode == 0
    assert len(iceberg.current_table(Lake(out)).snapshots()) == 2
    assert _rows(out).equals(_rows(lakes[1]))


def test_resume_writes_again_a_committed_file_that_is_not_complete(
    lakes: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "ice"  # built here: an Iceberg table's metadata names absolute paths
    run_backfill(*ARGS, "--workers", "2", "--table-format", "iceberg", "--output-dir", out)
    snapshots = len(iceberg.current_table(Lake(out)).snapshots())
    spoiled = sorted((out / iceberg.DATA_DIR).rglob("*.parquet"))[3]
    spoiled.write_bytes(spoiled.read_bytes()[:1000])  # truncated, its commit still there
    result = run_backfill(*ARGS, "--workers", "1", "--table-format", "iceberg",
                          "--output-dir", out)  # fmt: skip
    assert f"notice: {spoiled} is not complete" in result.stderr
    assert len(iceberg.current_table(Lake(out)).snapshots()) == snapshots  # no new commit
    assert _rows(out).equals(_rows(lakes[1]))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--faults", "drop=0.1"], "--faults writes a Hive lake"),
        (["--output-dir", "s3://bucket"], "needs --glue-database"),
    ],
)
def test_bad_iceberg_arguments_get_one_line(args: list[str], message: str, tmp_path: Path) -> None:
    result = run_backfill(*ARGS, "--table-format", "iceberg", "--output-dir", tmp_path / "x",
                          *args, check=False)  # fmt: skip
    assert result.returncode == 2 and message in result.stderr
    assert not (tmp_path / "x").exists()


def test_iceberg_data_files_hold_the_hive_rows_plus_their_partition(
    lakes: tuple[Path, Path],
) -> None:
    hive, ice = lakes
    name = "backfill-2026011507-*.parquet"
    hive_file = next((hive / "telemetry").rglob(name))
    ice_file = next((ice / "iceberg" / "streaming_events" / "data").rglob(name))
    a = ds.dataset(hive_file, format="parquet").to_table()
    b = ds.dataset(ice_file, format="parquet").to_table()
    assert b.select(a.column_names).equals(a)
    assert set(b["hour"].to_pylist()) == {"07"}


def test_a_backfill_to_s3_commits_through_glue(local_aws: LocalAws) -> None:
    """--table-format iceberg with s3:// and --glue-database: pyiceberg's Glue catalog holds
    the table (partitioned), and reconcile reads it back from S3."""
    import os

    local_aws.client("s3").create_bucket(
        Bucket="ice-backfill", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    local_aws.client("glue").create_database(DatabaseInput={"Name": "ice_backfill"})
    where = ["--endpoint-url", local_aws.endpoint, "--region", REGION]
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    args = ["--telemetry", "5000", "--start", "2026-01-15T18:00", "--end", "2026-01-15T21:00",
            "--customers", "8500", "--titles", "50", "--campaigns", "5", "--quiet"]  # fmt: skip
    backfilled = subprocess.run(
        [sys.executable, "-m", "acme_gen.backfill", *args, "--table-format", "iceberg",
         "--output-dir", "s3://ice-backfill", "--glue-database", "ice_backfill", *where],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert backfilled.returncode == 0, backfilled.stderr
    glue_table = local_aws.client("glue").get_table(DatabaseName="ice_backfill",
                                                    Name="streaming_events")["Table"]  # fmt: skip
    assert glue_table["Parameters"]["table_type"].upper() == "ICEBERG"
    assert glue_table["Parameters"]["metadata_location"].startswith("s3://ice-backfill/iceberg/")
    # Metadata a failed commit left, numbered above the current one: the readers follow
    # Glue's pointer (as Athena does), not the highest number. This one has no snapshot.
    s3 = local_aws.client("s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="ice-backfill",
            Prefix="iceberg/streaming_events/metadata/")["Contents"]]  # fmt: skip
    first = min(k for k in keys if k.endswith(".metadata.json"))
    stale = first.rsplit("/", 1)[0] + "/99999-00000000-0000-0000-0000-000000000000.metadata.json"
    s3.copy_object(Bucket="ice-backfill", Key=stale,
                   CopySource={"Bucket": "ice-backfill", "Key": first})  # fmt: skip
    manifest = json.loads(s3.get_object(Bucket="ice-backfill", Key=MANIFEST)["Body"].read())
    assert manifest["glue_database"] == "ice_backfill"
    check = subprocess.run(
        [sys.executable, "-m", "acme_gen.reconcile", "--lake", "s3://ice-backfill", *where],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert check.returncode == 0 and "OK: all" in check.stdout, check.stdout + check.stderr


def test_without_pyiceberg_an_iceberg_lake_gets_one_line_naming_the_extra(
    lakes: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from acme_gen import validate

    monkeypatch.setitem(sys.modules, "pyiceberg", None)  # import pyiceberg now fails
    assert validate.main(["--lake", str(lakes[1])]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "error: an Iceberg table needs pyiceberg: pip install 'acme-gen[iceberg]'"
