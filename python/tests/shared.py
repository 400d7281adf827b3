"""What the suite builds once per run and every xdist worker shares: a lake is cached by the
configuration that makes it (its backfill flags), so two fixtures asking for the same lake,
in one worker or in two, get one build. Tests treat a shared lake as read-only: one that
needs to change it copies it first."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock


def shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's directory for shared builds: under xdist each worker's base temp dir is
    <run>/popen-gwN, and their parent is the run's own, seen by every worker."""
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared"
    root.mkdir(exist_ok=True)
    return root


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]
) -> Path:
    """`root/name`, made by `build(path)` the first time any worker asks for `name`; the
    others wait for it. A build that failed leaves no mark: the next to ask builds again."""
    root = shared_root(tmp_path_factory)
    path, done = root / name, root / f"{name}.done"
    with FileLock(root / f"{name}.lock"):
        if not done.exists():
            shutil.rmtree(path, ignore_errors=True)  # what a failed build left
            build(path)
            done.touch()
    return path


def configuration_key(*args: object) -> str:
    """A short name for a list of flags: the same flags, the same key."""
    return hashlib.sha256("\0".join(map(str, args)).encode()).hexdigest()[:16]


def digest_tree(root: Path) -> dict[str, str]:
    """Every file under `root` -> the SHA-256 of its bytes."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
