"""reconcile: regenerates what a window should hold and explains every difference."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from acme_gen import reconcile
from acme_gen.config import MODEL_VERSION
from acme_gen.schema import MANIFEST

HOUR_07 = "year=2026/month=01/day=15/hour=07"
HOUR_08 = "year=2026/month=01/day=15/hour=08"


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, dict]:  # type: ignore[type-arg]
    code = reconcile.main([*map(str, args), "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out else {}


def hour_of(result: dict, hour: str) -> dict:  # type: ignore[type-arg]
    return next(h for h in result["hours"] if h["hour"] == hour)


@pytest.fixture
def copy(lake: Path, tmp_path: Path) -> Path:
    out = tmp_path / "lake"
    shutil.copytree(lake, out)
    return out


def only_file(lake: Path, partition: str) -> Path:
    (path,) = (lake / "telemetry" / partition).glob("*.parquet")
    return path


def test_a_clean_backfill_reconciles(lake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run(capsys, "--lake", lake)
    rows = sum(pq.read_metadata(p).num_rows for p in (lake / "telemetry").rglob("*.parquet"))
    assert code == 0 and result["ok"]
    assert result["expected"] == result["landed"] == rows
    assert len(result["hours"]) == 36  # the manifest's window, 2026-01-14T18 to 01-16T06
    for key in ("missing", "duplicated", "unexpected", "errors", "mismatched", "unexplained"):
        assert result[key] == 0


def test_a_lost_file_and_a_duplicated_file_are_named(
    copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lost = only_file(copy, HOUR_07)
    lost_rows = pq.read_metadata(lost).num_rows
    lost.unlink()
    again = only_file(copy, HOUR_08)
    shutil.copy(again, again.with_name("redelivered.parquet"))
    code, result = run(capsys, "--lake", copy)
    assert code == 1 and not result["ok"]
    assert hour_of(result, "2026-01-15T07:00Z")["missing"] == lost_rows
    assert hour_of(result, "2026-01-15T08:00Z")["duplicated"] == pq.read_metadata(again).num_rows
    assert result["missing"] + result["duplicated"] == result["unexplained"]
    assert reconcile.main(["--lake", str(copy)]) == 1
    verdict = capsys.readouterr().out.splitlines()[-1]
    assert verdict.startswith("FAIL: ")
    assert "missing (2026-01-15T07:00Z)" in verdict and "duplicated (2026-01-15T08:00Z)" in verdict


def test_changed_values_unknown_ids_and_error_records(
    copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = only_file(copy, HOUR_07)
    table = pq.read_table(path)
    quality = table["quality"].to_pylist()
    quality[0] = "4K" if quality[0] != "4K" else "SD"
    ids = table["event_id"].to_pylist()
    failed_id = ids[1]
    ids[2] = "00000000-0000-4000-8000-000000000000"  # never generated
    column = table.schema.get_field_index("quality")
    changed = table.set_column(column, "quality", pa.array(quality))
    changed = changed.set_column(0, "event_id", pa.array(ids))
    # Row 1 failed conversion: Firehose put it under errors/ instead of the table.
    stamp = table["event_timestamp"][1].as_py()
    raw = orjson.dumps({"event_id": failed_id, "event_timestamp": stamp, "buffering_events": "x"})
    errors = copy / "errors" / "format-conversion-failed" / "year=2026" / "failed.json"
    errors.parent.mkdir(parents=True)
    errors.write_text(json.dumps({"rawData": base64.b64encode(raw).decode()}) + "\n")
    keep = pc.not_equal(changed["event_id"], failed_id)
    pq.write_table(changed.filter(keep), path)
    code, result = run(capsys, "--lake", copy)
    hour = hour_of(result, "2026-01-15T07:00Z")
    assert code == 1
    assert hour["mismatched"] == 1 and hour["examples"]["mismatched"] == [
        table["event_id"][0].as_py()
    ]
    assert hour["unexpected"] == 1 and hour["examples"]["unexpected"] == [ids[2]]
    assert hour["errors"] == 1 and hour["examples"]["errors"] == [failed_id]
    # The row whose id was overwritten is now missing; the failed one is not counted twice.
    assert hour["missing"] == 1 and hour["examples"]["missing"] == [table["event_id"][2].as_py()]


def test_late_rows_filed_an_hour_on_count_in_their_own_hour(
    copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A record that arrived late and was written with the next hour's files still counts in
    the hour of its own event_timestamp."""
    own = only_file(copy, HOUR_07)
    table = pq.read_table(own)
    late = table.slice(0, 25)
    pq.write_table(table.slice(25), own)
    pq.write_table(late, copy / "telemetry" / HOUR_08 / "late.parquet")
    code, result = run(capsys, "--lake", copy)
    assert code == 0, [h for h in result["hours"] if h["unexplained"]]
    assert hour_of(result, "2026-01-15T07:00Z")["landed"] == table.num_rows


def test_a_window_that_cuts_hours(lake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run(
        capsys, "--lake", lake, "--start", "2026-01-15T07:30", "--end", "2026-01-15T09:15"
    )
    assert code == 0
    assert [h["hour"] for h in result["hours"]] == [
        "2026-01-15T07:00Z", "2026-01-15T08:00Z", "2026-01-15T09:00Z",
    ]  # fmt: skip
    whole = pq.read_metadata(only_file(lake, HOUR_08)).num_rows
    assert hour_of(result, "2026-01-15T08:00Z")["expected"] == whole
    # The cut hours expect exactly the events of their part inside the window.
    seven = pq.read_table(only_file(lake, HOUR_07), columns=["event_timestamp"])
    inside = pc.sum(pc.greater_equal(seven["event_timestamp"], "2026-01-15T07:30")).as_py()
    assert 0 < inside < seven.num_rows
    assert hour_of(result, "2026-01-15T07:00Z")["expected"] == inside


def test_a_lake_without_manifest_takes_the_configuration_from_flags(
    copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = json.loads((copy / MANIFEST).read_text())
    (copy / MANIFEST).unlink()
    code = reconcile.main(["--lake", str(copy)])
    assert code == 2
    assert "--events-per-day" in capsys.readouterr().err
    generator = manifest["generator"]
    flags = [f"--{k.replace('_', '-')}={generator[k]}" for k in
             ("events_per_day", "seed", "customers", "titles", "campaigns")]  # fmt: skip
    code, result = run(capsys, "--lake", copy, *flags, "--start", manifest["start"],
                       "--end", manifest["end"])  # fmt: skip
    assert code == 0 and result["expected"] > 0
    code, result = run(capsys, "--lake", copy, *flags[:-2], "--customers=3301", "--titles=120",
                       "--start", manifest["start"], "--end", manifest["end"])  # fmt: skip
    assert code == 1 and result["unexpected"] > 0  # another world: nothing matches


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "yesterday"], "'yesterday' is not a date"),
        (["--start", "2026-01-16", "--end", "2026-01-15"], "must be after --start"),
        (["--events-per-day", "0", "--start", "2026-01-15", "--end", "2026-01-16"],
         "--events-per-day: must be positive"),
        (["--nope"], "unrecognized arguments"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(
    lake: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert reconcile.main(["--lake", str(lake), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and message in err


def test_compare_is_symmetric_in_what_it_reports() -> None:
    ids = pa.array(["a", "b", "c"])
    expected = pa.table({"event_id": ids, "x": pa.array([1, None, 3], pa.int32())})
    landed = pa.table({"event_id": pa.array(["a", "b", "b", "d"]),
                       "x": pa.array([1, None, None, 4], pa.int32())})  # fmt: skip
    report = reconcile.compare(expected, landed, {"c"}, "h", columns=["x"])
    assert (report.missing, report.errors, report.duplicated, report.unexpected) == (0, 1, 1, 1)
    assert report.mismatched == 0  # null == null
    report = reconcile.compare(expected, landed.set_column(1, "x", pa.array([2, 0, None, 4],
                               pa.int32())), set(), "h", columns=["x"])  # fmt: skip
    assert report.examples["mismatched"] == ["a", "b"] and report.missing == 1


def test_a_lake_of_another_model_is_refused(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same configuration generates other events under another model version: such a lake
    is not reconciled (everything would differ) and not resumed by the backfill."""
    manifest = json.loads((copy / MANIFEST).read_text())
    (copy / MANIFEST).write_text(json.dumps({**manifest, "model": 1}))
    assert reconcile.main(["--lake", str(copy)]) == 2
    expected = f"generated by model 1; this acme_gen generates model {MODEL_VERSION}"
    assert expected in capsys.readouterr().err


def test_a_lambda_whose_environment_cannot_be_read_is_refused_not_defaulted() -> None:
    """Lambda API, EnvironmentResponse: with a key it cannot use, GetFunctionConfiguration
    answers Environment.Error and no variables; reconcile must not fall back to defaults."""
    from acme_gen.cli import UsageError
    from acme_gen.reconcile.cli import lambda_settings

    error = {"ErrorCode": "KMSAccessDeniedException", "Message": "Lambda was unable to decrypt"}
    unreadable = {"Environment": {"Error": error}}
    with pytest.raises(UsageError, match="KMSAccessDeniedException: Lambda was unable to decrypt"):
        lambda_settings("acme-producer", unreadable)
    with pytest.raises(UsageError, match="no ACME_EVENTS_PER_DAY"):
        lambda_settings("some-other-function", {"Environment": {"Variables": {"X": "1"}}})
    with pytest.raises(UsageError, match="no ACME_EVENTS_PER_DAY"):
        lambda_settings("no-environment", {})
    settings = {"ACME_EVENTS_PER_DAY": "150000", "ACME_SEED": "7"}
    assert lambda_settings("acme-producer", {"Environment": {"Variables": settings}}) == settings
