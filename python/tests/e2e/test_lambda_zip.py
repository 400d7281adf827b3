"""make lambda-zip: the x86_64 package runs both handlers on its own under CPython 3.13."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from acme_gen.kinesis.producer import read_records

from ..aws import DUMMY_KEYS, REGION, LocalAws
from ..conftest import SMALL, skip_unless_required

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "scripts"))
import build_lambda_zip  # noqa: E402


@pytest.fixture(scope="module")
def package(lambda_zip_x86_64: Path) -> Path:
    return lambda_zip_x86_64


def test_zip_is_reproducible_and_lean(package: Path, tmp_path: Path) -> None:
    again = build_lambda_zip.build("x86_64", tmp_path)
    assert (
        hashlib.sha256(again.read_bytes()).digest() == hashlib.sha256(package.read_bytes()).digest()
    )
    with zipfile.ZipFile(package) as z:
        names = z.namelist()
        assert sum(i.file_size for i in z.infolist()) < 250 * 2**20
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert package.stat().st_size < 40 * 2**20  # the README's promise
    assert names == sorted(names)
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith(("pyarrow/", "duckdb/", "mimesis/"))]
    assert "acme_gen/lambdas/producer.py" in names and "acme_gen/core/generator.py" in names
    assert not [n for n in names if n.startswith(("acme_gen/lake/", "acme_gen/backfill/"))]


def deployed_handlers() -> dict[str, str]:
    """The handler paths Terraform deploys, by function role (generator, producer)."""
    main_tf = (REPO / "terraform" / "modules" / "generator" / "main.tf").read_text()
    found = re.findall(r'handler\s*=\s*"(acme_gen\.lambdas\.(\w+)\.handler)"', main_tf)
    return {role: path for path, role in found}


_RUN = """
import importlib, json, os, sys
def load(path):
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)
handlers = json.loads(sys.argv[2])
generator_handler, producer_handler = load(handlers["generator"]), load(handlers["producer"])
class Context:
    function_name = "f"; memory_limit_in_mb = 512; aws_request_id = "r"
    invoked_function_arn = "arn:aws:lambda:us-west-2:123456789012:function:f"
    def get_remaining_time_in_millis(self): return 60000
import numpy, pydantic
assert "/site-packages/" not in numpy.__file__, numpy.__file__
planned = generator_handler({"time": "2026-01-15T20:07:00Z"}, Context())
chunk = json.loads(sys.argv[1])
sent = producer_handler(chunk, Context())
print(json.dumps({"planned": planned, "sent": sent}))
"""


def test_handlers_run_from_the_unzipped_package_alone(
    package: Path, tmp_path: Path, local_aws: LocalAws
) -> None:
    interpreter = build_lambda_zip.find_cpython(build_lambda_zip.PYTHON_VERSION)
    if interpreter is None:
        skip_unless_required("no CPython 3.13 on this machine (pyenv install 3.13)")
    handlers = deployed_handlers()
    assert set(handlers) == {"generator", "producer"}
    root = tmp_path / "task"
    with zipfile.ZipFile(package) as z:
        z.extractall(root)
    local_aws.client("kinesis").create_stream(StreamName="zip-stream", ShardCount=1)
    from ..adapters.test_lambdas import _create_function

    _create_function(local_aws, "zip-producer")
    from acme_gen.lambdas.plan import Chunk

    chunk = Chunk(config=SMALL, window_start_ms=1_768_507_200_000,
                  window_end_ms=1_768_507_500_000, chunk=0, chunks=4)  # fmt: skip
    env = {
        "PATH": "/usr/bin:/bin", "PYTHONPATH": str(root), "HOME": str(tmp_path),
        "AWS_ENDPOINT_URL": local_aws.endpoint, "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": DUMMY_KEYS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": DUMMY_KEYS["aws_secret_access_key"],
        "ACME_EVENTS_PER_DAY": str(SMALL.events_per_day), "ACME_SEED": str(SMALL.seed),
        "ACME_CUSTOMERS": str(SMALL.customers), "ACME_TITLES": str(SMALL.titles),
        "ACME_CAMPAIGNS": str(SMALL.campaigns), "ACME_STREAM_NAME": "zip-stream",
        "ACME_PRODUCER_NAME": "zip-producer", "POWERTOOLS_SERVICE_NAME": "zip-test",
    }  # fmt: skip
    result = subprocess.run(
        [interpreter, "-I", "-S", "-c", f"import sys; sys.path.insert(0, {str(root)!r})\n{_RUN}",
         json.dumps(chunk.payload()), json.dumps(handlers)],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["planned"]["chunks"] >= 1
    assert summary["sent"]["put"] == summary["sent"]["records"] > 0
    delivered = list(read_records(local_aws.client("kinesis"), "zip-stream"))
    assert len(delivered) == summary["sent"]["put"]


EM_AARCH64 = 183  # the ELF header's e_machine for 64-bit ARM
# Lambda's python3.13 runtime runs on Amazon Linux 2023, whose glibc is 2.34.
RUNTIME_GLIBC = (2, 34)


def test_the_arm64_zip_terraform_deploys_is_lean_and_runs_the_same_code(
    package: Path, tmp_path: Path
) -> None:
    """arm64 is Terraform's default: built here, size-checked and compared with x86_64 (no
    arm64 interpreter runs it on this machine; real Lambda does)."""
    arm64 = build_lambda_zip.build("arm64", tmp_path)
    assert arm64.stat().st_size < 40 * 2**20
    with zipfile.ZipFile(arm64) as z, zipfile.ZipFile(package) as x86:
        assert sum(i.file_size for i in z.infolist()) < 250 * 2**20
        names = z.namelist()
        ours = sorted(n for n in names if n.startswith("acme_gen/"))
        assert ours == sorted(n for n in x86.namelist() if n.startswith("acme_gen/"))
        assert all(z.read(n) == x86.read(n) for n in ours)
        native = [n for n in names if n.endswith(".so") or ".so." in n]
        assert native and all("x86_64" not in n for n in native)
        assert any("aarch64" in n for n in names)
        for name in native:  # each native library: 64-bit ARM, for the runtime's glibc
            elf = z.read(name)
            assert elf[:5] == b"\x7fELF\x02", name  # ELF, 64-bit
            assert int.from_bytes(elf[18:20], "little") == EM_AARCH64, name
            needed = {tuple(map(int, v)) for v in re.findall(rb"GLIBC_(\d+)\.(\d+)", elf)}
            assert max(needed, default=(0, 0)) <= RUNTIME_GLIBC, (name, max(needed))
        # The pure-Python packages are the x86_64 zip's (which the handlers run from above),
        # file for file; the Python of a package with native parts (numpy's build config
        # names its machine) must at least compile.
        x86_names = set(x86.namelist())
        with_native = {n.split("/")[0] for n in native}
        for name in (n for n in names if n.endswith(".py")):
            if name.split("/")[0] not in with_native:
                assert name in x86_names and z.read(name) == x86.read(name), name
            else:
                compile(z.read(name), name, "exec")
