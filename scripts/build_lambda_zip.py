"""make lambda-zip: reproducible Lambda packages, dist/acme-lambda-{arm64,x86_64}.zip.

Wheels for CPython 3.13 on the target architecture (pip --platform --only-binary), the
acme_gen sources, no __pycache__, entries sorted with fixed timestamps and modes: the same
inputs give the same bytes. pyarrow, DuckDB and mimesis stay out (the handlers need none).
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "python" / "acme_gen"
PYTHON_VERSION = "3.13"
PLATFORMS = {
    "arm64": ["manylinux2014_aarch64", "manylinux_2_28_aarch64"],
    "x86_64": ["manylinux2014_x86_64", "manylinux_2_28_x86_64"],
}
PYPROJECT = REPO / "python" / "pyproject.toml"
LOCK = REPO / "python" / "requirements.lock"  # make lock: every version the tests ran with
# What the handlers' import graph reaches: the contract, the simulation core, the Kinesis
# adapters and the handlers (import-linter's lean-lambda contract keeps the lake out).
LAMBDA_PARTS = {
    "__init__.py",
    "py.typed",
    "models.py",
    "config.py",
    "scenario.py",
    "time_labels.py",
    "invariants.py",
    "core",
    "kinesis",
    "lambdas",
}
MAX_ZIPPED = 50 * 1024 * 1024
MAX_UNZIPPED = 250 * 1024 * 1024
_EPOCH = (1980, 1, 1, 0, 0, 0)


def find_cpython(version: str) -> str | None:
    """A real CPython of `version` (pyenv's shims refuse when it is not the selected one)."""
    pyenv = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates = sorted(glob.glob(f"{pyenv}/versions/{version}*/bin/python{version}"))
    if candidates:
        return candidates[-1]
    found = shutil.which(f"python{version}")
    return found if found and "/shims/" not in found else None


def runtime_requirements(runtime: str) -> list[str]:
    """A packaged runtime's dependency names, from pyproject.toml's [tool.acme-gen.runtimes]."""
    runtimes = tomllib.loads(PYPROJECT.read_text())["tool"]["acme-gen"]["runtimes"]
    return list(runtimes[runtime])


def pin(names: list[str]) -> list[str]:
    """Requirements pinned to the versions installed here (what the tests ran with)."""
    return [f"{name}=={metadata.version(name)}" for name in names]


def install_for_platform(
    requirements: list[str], target: Path, platforms: list[str], python_version: str
) -> None:
    """Binary wheels for another platform and CPython version into `target` (no build)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--target",
            str(target),
            *(arg for p in platforms for arg in ("--platform", p)),
            "--implementation",
            "cp",
            "--python-version",
            python_version,
            "--only-binary=:all:",
            "--no-compile",
            "--constraint",  # every dependency of a dependency at the version tested here
            str(LOCK),
            *requirements,
        ],
        check=True,
    )


def stage(arch: str, target: Path) -> None:
    requirements = pin(runtime_requirements("lambda"))
    install_for_platform(requirements, target, PLATFORMS[arch], PYTHON_VERSION)
    shutil.copytree(
        PACKAGE,
        target / "acme_gen",
        ignore=lambda d, names: [
            n
            for n in names
            if n == "__pycache__"
            or n.endswith(".pyc")
            or (Path(d) == PACKAGE and n not in LAMBDA_PARTS)
        ],
    )
    for junk in ("bin", "__pycache__"):
        shutil.rmtree(target / junk, ignore_errors=True)
    for cache in list(target.rglob("__pycache__")):
        shutil.rmtree(cache)


def write_zip(source: Path, zip_path: Path) -> tuple[int, int]:
    """Deterministic zip of a directory; returns (zipped, unzipped) bytes."""
    files = sorted(
        (p for p in source.rglob("*") if p.is_file()),
        key=lambda p: p.relative_to(source).as_posix(),
    )
    unzipped = 0
    tmp = zip_path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(source).as_posix(), date_time=_EPOCH)
            mode = 0o755 if os.access(path, os.X_OK) else 0o644
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            data = path.read_bytes()
            unzipped += len(data)
            z.writestr(info, data, compresslevel=9)
    os.replace(tmp, zip_path)
    return zip_path.stat().st_size, unzipped


def build(arch: str, dist: Path) -> Path:
    dist.mkdir(parents=True, exist_ok=True)
    zip_path = dist / f"acme-lambda-{arch}.zip"
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / "package"
        stage(arch, staged)
        zipped, unzipped = write_zip(staged, zip_path)
    if zipped > MAX_ZIPPED or unzipped > MAX_UNZIPPED:
        zip_path.unlink()
        mib = f"{zipped / 2**20:.1f} MiB zipped, {unzipped / 2**20:.1f} MiB unzipped"
        raise SystemExit(f"error: {arch} package is {mib}: over Lambda's 50/250 MiB limits")
    digest = hashlib.sha256(zip_path.read_bytes()).hexdigest()[:16]
    shown = zip_path.relative_to(REPO) if zip_path.is_relative_to(REPO) else zip_path
    mib = f"{zipped / 2**20:.1f} MiB zipped, {unzipped / 2**20:.1f} MiB unzipped"
    print(f"{shown}: {mib}, sha256 {digest}")
    return zip_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--arch", choices=[*PLATFORMS, "all"], default="all")
    parser.add_argument("--dist", type=Path, default=REPO / "dist")
    args = parser.parse_args(argv)
    for arch in PLATFORMS if args.arch == "all" else [args.arch]:
        build(arch, args.dist)
    return 0


if __name__ == "__main__":
    sys.exit(main())
