"""The READMEs' shell blocks run as written: every ```bash block of README.md runs, in order,
in one shell in a scratch directory (with the repo's .venv), unless a
`<!-- readme-test: skip: REASON -->` line before it says why not. terraform/README.md's
blocks all need AWS and say so."""

from __future__ import annotations

import os
import re
import socket
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
_BLOCK = re.compile(
    r"(?:<!-- readme-test: skip: (?P<reason>[^>]+) -->\n)?```bash\n(?P<body>.*?)```", re.S
)


def blocks(readme: Path) -> list[tuple[str | None, str]]:
    return [(m["reason"], m["body"]) for m in _BLOCK.finditer(readme.read_text())]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_every_block_runs_or_says_why_not() -> None:
    for readme in (REPO / "README.md", REPO / "terraform" / "README.md"):
        found = blocks(readme)
        assert found, readme
        for reason, body in found:
            assert reason is None or len(reason.strip()) > 10, (readme, body)
    assert all(reason for reason, _ in blocks(REPO / "terraform" / "README.md"))


@pytest.mark.slow
def test_readme_blocks_run_as_written(tmp_path: Path) -> None:
    runnable = [body for reason, body in blocks(REPO / "README.md") if reason is None]
    assert len(runnable) >= 5
    (tmp_path / ".venv").symlink_to(REPO / ".venv")
    script = "set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n"
    script += "\n".join(runnable)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["MOTO_PORT"] = str(_free_port())
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, (done.stdout[-3000:], done.stderr[-3000:])
    assert "error:" not in done.stderr, done.stderr[-3000:]
    assert (tmp_path / "output" / "report.html").exists()
    assert "OK: all" in done.stdout  # reconcile's verdict on the backfilled lake
    assert "delivered " in done.stdout and "0 to the error prefix" in done.stdout
    # Run from the repo root, the examples leave nothing git would offer to commit.
    made = [f"{p.name}/" if p.is_dir() else p.name for p in tmp_path.iterdir() if p.name != ".venv"]
    ignored = subprocess.run(["git", "check-ignore", "--no-index", *made], cwd=REPO,
                             capture_output=True, text=True).stdout.split()  # fmt: skip
    assert sorted(made) == sorted(ignored), sorted(set(made) - set(ignored))
