"""tests/budget.py: a test over the time budget fails the run unless it says why."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BUDGET = Path(__file__).resolve().parents[1] / "budget.py"


def _run(tmp_path: Path, test: str, limit: str = "0.2") -> subprocess.CompletedProcess[str]:
    shutil.copy(BUDGET, tmp_path / "budget.py")
    (tmp_path / "conftest.py").write_text("from budget import *  # noqa: F403\n")
    (tmp_path / "pytest.ini").write_text(f"[pytest]\ntest_time_limit = {limit}\n")
    (tmp_path / "test_it.py").write_text(f"import time\nimport pytest\n\n{test}\n")
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)  # fmt: skip


SLOW = "def test_slow():\n    time.sleep(0.4)\n"


def test_a_test_over_the_budget_fails_the_run_and_is_named(tmp_path: Path) -> None:
    done = _run(tmp_path, SLOW)
    assert done.returncode == 1, done.stdout
    assert "1 passed" in done.stdout  # the test itself passed: the budget failed the run
    assert "over the 0.2 s budget per test" in done.stdout
    assert "test_it.py::test_slow" in done.stdout


def test_a_fixtures_set_up_is_not_the_tests_time(tmp_path: Path) -> None:
    fixture = "@pytest.fixture\ndef slow():\n    time.sleep(0.4)\n\n"
    done = _run(tmp_path, fixture + "def test_quick(slow):\n    pass\n")
    assert done.returncode == 0 and "budget per test" not in done.stdout, done.stdout


@pytest.mark.parametrize(("limit", "test"), [
    ("0.2", "def test_quick():\n    pass\n"),
    ("0.2", '@pytest.mark.over_budget(reason="sleeps to show the excuse")\n' + SLOW),
    ("0", SLOW),  # no limit
])  # fmt: skip
def test_a_quick_or_excused_test_passes(tmp_path: Path, limit: str, test: str) -> None:
    done = _run(tmp_path, test, limit)
    assert done.returncode == 0, done.stdout
    assert "budget per test" not in done.stdout


def test_an_excuse_needs_a_reason(tmp_path: Path) -> None:
    done = _run(tmp_path, "@pytest.mark.over_budget\n" + SLOW)
    assert done.returncode == 4, done.stdout + done.stderr  # a usage error
    assert "over_budget needs a reason=" in done.stdout + done.stderr
