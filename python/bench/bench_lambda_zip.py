"""make bench (Lambda package): size headroom and the handlers' cold import from the zip.

Builds the x86_64 package into a temporary directory (as `make lambda-zip` does), unzips it,
and imports both handlers in a fresh CPython 3.13 with nothing else on the path, five times.
A cold import is part of every Lambda cold start; the target is under 1 s here.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
import build_lambda_zip  # noqa: E402

_IMPORT = """
import sys, time
sys.path.insert(0, sys.argv[1])
t = time.perf_counter()
from acme_gen.lambdas import generator, producer
print(time.perf_counter() - t)
"""
DIRECT_UPLOAD_LIMIT = 50 * 2**20


def _cold_import(interpreter: str, root: Path) -> float:
    command = [interpreter, "-I", "-S", "-c", _IMPORT, str(root)]
    return float(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def main() -> None:
    interpreter = build_lambda_zip.find_cpython(build_lambda_zip.PYTHON_VERSION)
    with tempfile.TemporaryDirectory() as tmp:
        package = build_lambda_zip.build("x86_64", Path(tmp) / "dist")
        zipped = package.stat().st_size
        print(
            f"{'Lambda zip (x86_64)':44} {zipped / 2**20:>11.1f} MiB zipped; headroom to the "
            f"50 MiB direct-upload limit {(DIRECT_UPLOAD_LIMIT - zipped) / 2**20:.1f} MiB"
        )
        if interpreter is None:
            print(f"{'handler cold import':44} skipped: no CPython 3.13 here")
            return
        root = Path(tmp) / "task"
        with zipfile.ZipFile(package) as z:
            z.extractall(root)
        seconds = [_cold_import(interpreter, root) for _ in range(5)]
    print(
        f"{'handler cold import (both, from the zip)':44} {statistics.median(seconds):>11.2f} s "
        f"median of 5, max {max(seconds):.2f} s (target < 1 s)"
    )


if __name__ == "__main__":
    main()
