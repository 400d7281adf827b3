"""The validator passes a generated lake and catches each kind of corruption."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from acme_gen import validate


def _run(lake: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, str]]:
    code = validate.main(["--lake", str(lake)])
    lines = capsys.readouterr().out.splitlines()
    return code, {line.split()[1].rstrip(":"): line for line in lines}


@pytest.fixture
def copy(lake: Path, tmp_path: Path) -> Path:
    target = tmp_path / "lake"
    shutil.copytree(lake, target)
    return target


def _a_file(lake: Path, n: int = 5) -> Path:
    return sorted((lake / "telemetry").rglob("*.parquet"))[n]


def _rewrite(path: Path, table: pa.Table) -> None:
    pq.write_table(table, path, compression="snappy")


def test_generated_lake_passes(lake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _run(lake, capsys)
    assert code == 0
    assert set(lines) == {"schema", "partitions", "duplicates", "references", "sessions"}
    assert all(line.startswith("PASS") for line in lines.values())


def test_wrong_physical_type(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _a_file(copy)
    table = pq.read_table(path)
    i = table.schema.get_field_index("buffering_events")
    _rewrite(
        path, table.set_column(i, "buffering_events", table["buffering_events"].cast(pa.int64()))
    )
    code, lines = _run(copy, capsys)
    assert code == 1 and lines["schema"].startswith("FAIL")
    assert path.name in lines["schema"] and "buffering_events is INT64" in lines["schema"]


def test_event_in_the_wrong_partition(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _a_file(copy)
    elsewhere = copy / "telemetry/year=2026/month=01/day=20/hour=00"
    elsewhere.mkdir(parents=True)
    path.rename(elsewhere / path.name)
    code, lines = _run(copy, capsys)
    assert code == 1 and lines["partitions"].startswith("FAIL")
    assert path.name in lines["partitions"] and "outside hour 2026-01-20T00" in lines["partitions"]


def test_broken_session(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _a_file(copy, 10)
    table = pq.read_table(path)
    types = table["event_type"].to_pylist()
    k = types.index("pause")
    types[k] = "complete"  # complete then resume, and not at the end of the title
    victim = table["event_id"][k].as_py()
    i = table.schema.get_field_index("event_type")
    _rewrite(path, table.set_column(i, "event_type", pa.array(types)))
    code, lines = _run(copy, capsys)
    assert code == 1 and lines["sessions"].startswith("FAIL")
    assert victim in lines["sessions"] or path.name in lines["sessions"]


def test_orphan_id(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _a_file(copy)
    table = pq.read_table(path)
    ids = table["customer_id"].to_pylist()
    ids[0] = "CUST-999999"
    i = table.schema.get_field_index("customer_id")
    _rewrite(path, table.set_column(i, "customer_id", pa.array(ids)))
    code, lines = _run(copy, capsys)
    assert code == 1 and lines["references"].startswith("FAIL")
    assert "CUST-999999" in lines["references"] and path.name in lines["references"]


def test_duplicate_event(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _a_file(copy)
    table = pq.read_table(path)
    _rewrite(path, pa.concat_tables([table, table.slice(0, 1)]))
    code, lines = _run(copy, capsys)
    assert code == 1 and lines["duplicates"].startswith("FAIL")
    assert table["event_id"][0].as_py() in lines["duplicates"]
    # the duplicate alone must not be reported as a broken session
    assert lines["sessions"].startswith("PASS")


def test_missing_lake_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert validate.main(["--lake", str(tmp_path / "nothing")]) == 2
    assert capsys.readouterr().err.startswith("error: no telemetry")


def test_a_lake_under_a_hidden_directory_is_read(
    lake: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hidden = tmp_path / ".cache" / "lake"
    shutil.copytree(lake, hidden)
    assert validate.main(["--lake", str(hidden)]) == 0
    assert "no telemetry Parquet files" not in capsys.readouterr().err
