"""The READMEs' shell blocks run as written: every ```bash block of README.md runs, in order,
in one shell in a scratch directory (with the repo's .venv), unless a
`<!-- readme-test: skip: REASON -->` line before it says why not. terraform/README.md's
blocks all need AWS and say so."""

from __future__ import annotations

import os
import random
import re
import socket
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
_BLOCK = re.compile(
    r"(?:<!-- readme-test: skip: (?P<reason>[^>]+) -->\n)?```bash\n(?P<body>.*?)```", re.S
)


def blocks(readme: Path) -> list[tuple[str | None, str]]:
    return [(m["reason"], m["body"]) for m in _BLOCK.finditer(readme.read_text())]


def _free_port() -> int:
    """A free port the kernel never hands out for a bind to port 0.

    The README starts its own server on this port a while after this check. Every other
    local server in the suite binds port 0, which draws from the ephemeral range, so a port
    below that range cannot be taken in between (were it taken, the README's wait loop
    would talk to the other server)."""
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for port in random.Random(os.getpid()).sample(range(10_000, low), 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in 10000-{low}")


def test_every_block_runs_or_says_why_not() -> None:
    for readme in (REPO / "README.md", REPO / "terraform" / "README.md"):
        found = blocks(readme)
        assert found, readme
        for reason, body in found:
            assert reason is None or len(reason.strip()) > 10, (readme, body)
    assert all(reason for reason, _ in blocks(REPO / "terraform" / "README.md"))


def test_the_readme_servers_port_is_free_and_outside_the_ephemeral_range() -> None:
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    port = _free_port()
    assert 10_000 <= port < low
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))  # still free: nothing holds it open


@pytest.mark.slow
@pytest.mark.over_budget(
    reason="runs every README block as a user would, one after the other: "
    "make run's 1M-event lake, queries, the live stream, delivery, reconcile"
)
def test_readme_blocks_run_as_written(tmp_path: Path) -> None:
    runnable = [body for reason, body in blocks(REPO / "README.md") if reason is None]
    assert len(runnable) >= 5
    (tmp_path / ".venv").symlink_to(REPO / ".venv")
    script = "set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n"
    script += "\n".join(runnable)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["MOTO_PORT"] = str(_free_port())
    done = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900
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
