"""The lake's writes: a file appears whole, by one rename from staging, or not at all; and a
faulty hour writes its own file last, so that its presence means the hour is done."""

from __future__ import annotations

from pathlib import Path

import pytest

from acme_gen.backfill import resolve
from acme_gen.backfill.task import HourTask
from acme_gen.lake.store import STAGING_DIR, Lake


def test_a_file_appears_whole_by_one_rename_from_staging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    renames: list[tuple[Path, Path, bool, bytes]] = []
    real = Path.replace

    def spy(self: Path, target: Path) -> Path:  # type: ignore[override]
        renames.append((self, Path(target), Path(target).exists(), self.read_bytes()))
        return real(self, target)

    monkeypatch.setattr(Path, "replace", spy)
    data = bytes(range(256)) * 1000
    Lake(tmp_path).write_bytes("table/part/file.parquet", data)
    ((source, target, existed, staged),) = renames
    assert source.parent == tmp_path / STAGING_DIR  # written in staging ...
    assert target == tmp_path / "table/part/file.parquet" and not existed  # ... renamed once
    assert staged == data  # complete before the rename
    assert target.read_bytes() == data and not list((tmp_path / STAGING_DIR).iterdir())


def test_a_write_that_fails_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(self: Path, target: Path) -> Path:  # type: ignore[override]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", disk_full)
    with pytest.raises(OSError, match="No space left"):
        Lake(tmp_path).write_bytes("table/file.parquet", b"x" * 100)
    assert not (tmp_path / "table/file.parquet").exists()
    assert not list((tmp_path / STAGING_DIR).iterdir())  # the temporary file is gone too


def test_a_faulty_hour_writes_its_own_file_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = resolve(["--telemetry", "20000", "--start", "2026-01-14T18:00", "--end",
                    "2026-01-14T22:00", "--seed", "3", "--faults",
                    "drop=0.02,duplicate=0.02,late=0.05,malformed=0.02",
                    "--output-dir", str(tmp_path / "out")])  # fmt: skip
    written: list[str] = []
    real = Lake.write_bytes

    def spy(self: Lake, relative: str, data: bytes) -> None:
        written.append(relative)
        real(self, relative, data)

    monkeypatch.setattr(Lake, "write_bytes", spy)
    hour = plan.hours()[2]
    HourTask(plan)(hour)
    own = plan.telemetry_file(hour)
    assert len(written) > 1 and written[-1] == own  # late files and truth first, then its own
    assert written.count(own) == 1
