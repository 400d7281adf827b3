"""The suite's structure: a unit test that needs a server or a lake is named at collection
(tests/tiers.py), and an xdist group runs on one worker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ..tiers import tier_problems


def test_a_unit_test_with_a_server_or_a_lake_is_named() -> None:
    problems = tier_problems([
        ("tests/unit/test_a.py::test_pure", ["tmp_path", "generator"]),
        ("tests/unit/test_a.py::test_lake", ["lake", "tmp_path"]),
        ("tests/unit/test_b.py::test_aws", ["local_aws"]),
        ("tests/adapters/test_c.py::test_aws", ["local_aws", "lake"]),
        ("tests/e2e/test_d.py::test_zip", ["lambda_zip_x86_64"]),
    ])  # fmt: skip
    assert problems == [
        "tests/unit/test_a.py::test_lake: a unit test uses lake: move it to tests/adapters or e2e",
        "tests/unit/test_b.py::test_aws: a unit test uses local_aws: move it to tests/adapters "
        "or e2e",
    ]


def test_a_group_runs_on_one_worker_and_builds_its_module_fixture_once(tmp_path: Path) -> None:
    """make test's `-n 2 --dist loadgroup` keeps an xdist_group's tests together (pytest 9.2
    broke that silently: pytest-xdist#1386), so a module fixture they share is built once."""
    (tmp_path / "test_grouped.py").write_text(
        "import os\nimport pytest\n\npytestmark = pytest.mark.xdist_group('g')\n\n\n"
        "@pytest.fixture(scope='module')\ndef shared():\n"
        "    with open('built', 'a') as f:\n"
        "        f.write(os.environ['PYTEST_XDIST_WORKER'] + '\\n')\n\n\n"
        + "".join(f"def test_{i}(shared):\n    pass\n\n\n" for i in range(6))
    )
    (tmp_path / "test_other.py").write_text(
        "import pytest\n\n\n@pytest.mark.parametrize('i', range(12))\ndef test_o(i):\n    pass\n"
    )
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-n", "2", "--dist", "loadgroup"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert len((tmp_path / "built").read_text().split()) == 1
