"""The validator passes a generated lake and catches each kind of corruption."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from acme_gen import validate

from ..aws import REGION, LocalAws


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


@pytest.mark.parametrize("damage", ["truncated", "empty", "not parquet"])
def test_an_unreadable_file_is_one_fail_line_and_the_rest_is_checked(
    copy: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    path = _a_file(copy)
    data = path.read_bytes()
    path.write_bytes({"truncated": data[: len(data) // 2], "empty": b"",
                      "not parquet": b"year,month\n2026,01\n"}[damage])  # fmt: skip
    code, lines = _run(copy, capsys)
    assert code == 1 and lines["schema"].startswith("FAIL")
    assert path.name in lines["schema"] and "unreadable" in lines["schema"]
    assert "Traceback" not in capsys.readouterr().err
    # The other files are still read and checked (their events reach the cross checks).
    assert lines["duplicates"].startswith("PASS") and " 0 events" not in lines["duplicates"]


def test_an_unreadable_dimension_table_is_named(
    copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    titles = copy / "titles" / "titles.parquet"
    titles.write_bytes(titles.read_bytes()[:100])
    code, lines = _run(copy, capsys)
    assert code == 1 and lines["dimensions"].startswith("FAIL")
    assert "titles.parquet" in lines["dimensions"] and "unreadable" in lines["dimensions"]


@pytest.mark.parametrize("where", ["another day", "another hour of its own day"])
def test_event_in_the_wrong_partition(
    copy: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    path = _a_file(copy)
    day, hour = path.parent.parent.name[4:], int(path.parent.name[5:])
    if where == "another day":
        elsewhere, label = copy / "telemetry/year=2026/month=01/day=20/hour=00", "2026-01-20T00"
    else:  # the date still matches: only the hour gives it away
        other = (hour + 2) % 24
        elsewhere, label = path.parent.parent / f"hour={other:02d}", f"2026-01-{day}T{other:02d}"
    elsewhere.mkdir(parents=True, exist_ok=True)
    path.rename(elsewhere / path.name)
    code, lines = _run(copy, capsys)
    assert code == 1 and lines["partitions"].startswith("FAIL")
    assert path.name in lines["partitions"] and f"outside hour {label}" in lines["partitions"]


def _session_step(table: pa.Table) -> tuple[int, int]:
    """Row indexes (previous, this) of two consecutive events of one session in the file,
    the previous one having watched and moved already."""
    order = sorted(
        range(table.num_rows),
        key=lambda i: (table["session_id"][i].as_py(), table["event_timestamp"][i].as_py()),
    )
    for prev, this in itertools.pairwise(order):
        same = table["session_id"][prev].as_py() == table["session_id"][this].as_py()
        if (
            same
            and table["watch_duration_seconds"][prev].as_py() > 0
            and (table["position_seconds"][prev].as_py() > 0)
        ):
            return prev, this
    raise AssertionError("no session with two events in the file")


def _after_playback(table: pa.Table) -> int:
    """A row that closes a stretch of playback begun in the same file (its previous event is
    a start or a resume)."""
    order = sorted(
        range(table.num_rows),
        key=lambda i: (table["session_id"][i].as_py(), table["event_timestamp"][i].as_py()),
    )
    for prev, this in itertools.pairwise(order):
        if table["session_id"][prev].as_py() == table["session_id"][this].as_py() and table[
            "event_type"
        ][prev].as_py() in ("start", "resume"):
            return this
    raise AssertionError("no stretch of playback in the file")


def _set(table: pa.Table, column: str, row: int, value: object) -> pa.Table:
    values = table[column].to_pylist()
    values[row] = value
    return table.set_column(table.schema.get_field_index(column), column,
                            pa.array(values, table.schema.field(column).type))  # fmt: skip


@pytest.mark.parametrize("broken", ["complete_before_the_end", "watch_beyond_wall_time",
                                    "watched_while_paused", "position_before_the_start",
                                    "position_past_the_end",
                                    "impossible_transition"])  # fmt: skip
def test_broken_session(copy: Path, capsys: pytest.CaptureFixture[str], broken: str) -> None:
    path = _a_file(copy, 10)
    table = pq.read_table(path)
    _, row = _session_step(table)
    if broken == "complete_before_the_end":
        row = table["event_type"].to_pylist().index("stop")  # a stop is short of the credits
        table = _set(table, "event_type", row, "complete")
    elif broken == "watch_beyond_wall_time":  # more watched since the last event than elapsed
        row = _after_playback(table)  # (after a pause, any watch at all is caught already)
        table = _set(table, "watch_duration_seconds", row, 10**6)
    elif broken == "watched_while_paused":  # a resume has nothing new watched
        row = table["event_type"].to_pylist().index("resume")
        table = _set(table, "watch_duration_seconds", row, 1)
    elif broken == "position_before_the_start":  # seeking back stops at 0
        table = _set(table, "position_seconds", row, -1)
    elif broken == "position_past_the_end":  # and forward at the runtime
        table = _set(table, "position_seconds", row, 10**6)
    else:  # the second event of a session cannot be another start
        table = _set(table, "event_type", row, "start")
    victim = table["event_id"][row].as_py()
    _rewrite(path, table)
    code, lines = _run(copy, capsys)
    assert code == 1 and lines["sessions"].startswith("FAIL"), lines["sessions"]
    # the first offending row is named: file, session, event
    assert lines["sessions"].startswith("FAIL sessions: 1 broken events; first: "), lines
    assert path.name in lines["sessions"] and victim in lines["sessions"]


@pytest.mark.parametrize(("column", "orphan"), [("customer_id", "CUST-999999"),
                                                ("title_id", "TITLE-99999")])  # fmt: skip
def test_orphan_id(
    copy: Path, capsys: pytest.CaptureFixture[str], column: str, orphan: str
) -> None:
    path = _a_file(copy)
    table = pq.read_table(path)
    ids = table[column].to_pylist()
    ids[0] = orphan
    i = table.schema.get_field_index(column)
    _rewrite(path, table.set_column(i, column, pa.array(ids)))
    code, lines = _run(copy, capsys)
    assert code == 1 and lines["references"].startswith("FAIL")
    assert orphan in lines["references"] and path.name in lines["references"]


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


def test_a_lake_on_s3_validates(
    lake: Path, local_aws: LocalAws, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    local_aws.upload_lake(lake, "validate-me")
    code = validate.main(["--lake", "s3://validate-me", "--endpoint-url", local_aws.endpoint,
                          "--region", REGION])  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert code == 0 and len(lines) >= 5 and all(line.startswith("PASS") for line in lines), lines
