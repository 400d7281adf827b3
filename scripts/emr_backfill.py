"""make emr-backfill: package acme_gen for Spark and start a backfill job on EMR Serverless.

    python scripts/emr_backfill.py --application-id APP --role-arn ROLE --bucket BUCKET \\
        -- --telemetry 1000000000 --start 2025-01-01 --end 2026-01-01 --seed 42

1. Builds the executors' Python dependencies (pip --platform for the application's
   architecture and Python version, --only-binary) plus acme_gen into one tar.gz, and an
   entry point script; uploads both under s3://BUCKET/emr/.
2. Starts a job run: spark-submit of the entry point with `--engine spark`, the output and
   Glue database set to the lake, the archive unpacked on every node as ./environment.

The workers need the Python the archive was built for (--python-version, 3.11 by default;
acme_gen needs >= 3.11): EMR Serverless release images ship an older one, so use a custom
image with Python 3.11 (docs: "Customizing an EMR Serverless image").
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_lambda_zip import PLATFORMS as LAMBDA_PLATFORMS
from build_lambda_zip import install_for_platform, pin, runtime_requirements

REPO = Path(__file__).resolve().parents[1]
# EMR Serverless architecture names -> the wheel platforms of make lambda-zip's.
PLATFORMS = {"ARM64": LAMBDA_PLATFORMS["arm64"], "X86_64": LAMBDA_PLATFORMS["x86_64"]}
# What the Spark tasks import (pyspark itself comes with EMR): pyproject.toml's runtime list.
REQUIREMENTS = runtime_requirements("emr")
ENTRY_POINT = '''"""EMR Serverless entry point: the acme_gen backfill on Spark."""
import sys

from acme_gen.backfill import main

sys.exit(main(sys.argv[1:]))
'''


def build_archive(architecture: str, python_version: str, out: Path) -> Path:
    """Dependencies + acme_gen as a tar.gz with sorted entries and fixed times."""
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "environment"
        install_for_platform(pin(REQUIREMENTS), site, PLATFORMS[architecture], python_version)
        shutil.copytree(
            REPO / "python" / "acme_gen",
            site / "acme_gen",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
        shutil.rmtree(site / "bin", ignore_errors=True)
        archive = out / f"acme-spark-{architecture.lower()}-py{python_version}.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            for path in sorted(site.rglob("*"), key=lambda p: p.as_posix()):
                info = tar.gettarinfo(str(path), arcname=str(path.relative_to(site)))
                info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
                if path.is_file():
                    with path.open("rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info)
    return archive


def job_request(
    application_id: str,
    role_arn: str,
    bucket: str,
    archive_key: str,
    entry_key: str,
    glue_database: str,
    backfill_args: list[str],
    python_version: str = "3.11",
) -> dict[str, Any]:
    archive = f"s3://{bucket}/{archive_key}#environment"
    python = f"/usr/bin/python{python_version}"  # the custom image's (make emr-image)
    conf = {
        "spark.archives": archive,
        "spark.emr-serverless.driverEnv.PYSPARK_DRIVER_PYTHON": python,
        "spark.emr-serverless.driverEnv.PYSPARK_PYTHON": python,
        "spark.executorEnv.PYSPARK_PYTHON": python,
        "spark.emr-serverless.driverEnv.PYTHONPATH": "./environment",
        "spark.executorEnv.PYTHONPATH": "./environment",
        "spark.dynamicAllocation.enabled": "true",
    }
    arguments = [
        "--engine",
        "spark",
        "--output-dir",
        f"s3://{bucket}",
        "--glue-database",
        glue_database,
        *backfill_args,
    ]
    return {
        "applicationId": application_id,
        "executionRoleArn": role_arn,
        "name": "acme-telemetry-backfill",
        "jobDriver": {
            "sparkSubmit": {
                "entryPoint": f"s3://{bucket}/{entry_key}",
                "entryPointArguments": arguments,
                "sparkSubmitParameters": " ".join(f"--conf {k}={v}" for k, v in conf.items()),
            }
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--application-id", required=True, help="terraform output emr_backfill_application_id"
    )
    parser.add_argument(
        "--role-arn", required=True, help="terraform output emr_backfill_job_role_arn"
    )
    parser.add_argument("--bucket", required=True, help="terraform output data_bucket_name")
    parser.add_argument(
        "--glue-database", required=True, help="terraform output glue_database_name"
    )
    parser.add_argument("--architecture", choices=list(PLATFORMS), default="ARM64")
    parser.add_argument("--python-version", default="3.11", help="the workers' Python")
    parser.add_argument("--endpoint-url", help="AWS endpoint, e.g. a local server")
    parser.add_argument("--region", default=None)
    parser.add_argument(
        "backfill_args", nargs="*", help="after --: python -m acme_gen.backfill flags"
    )
    args = parser.parse_args(argv)

    # make emr-backfill reads these from the Terraform state: empty means there is none here.
    for flag in ("application_id", "role_arn", "bucket", "glue_database"):
        if not getattr(args, flag):
            name = "--" + flag.replace("_", "-")
            print(f"error: {name} is empty: apply the stack (terraform -chdir=terraform apply "
                  "-var emr_backfill_enabled=true) or pass it", file=sys.stderr)  # fmt: skip
            return 2

    # Reject bad backfill arguments here, before anything is built or started.
    sys.path.insert(0, str(REPO / "python"))
    from acme_gen.backfill import UsageError, build_parser

    try:
        build_parser().parse_args(["--engine", "spark", *args.backfill_args])
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    session = boto3.session.Session(region_name=args.region)
    s3 = session.client("s3", endpoint_url=args.endpoint_url)
    with tempfile.TemporaryDirectory() as tmp:
        archive = build_archive(args.architecture, args.python_version, Path(tmp))
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()[:12]
        archive_key = f"emr/{archive.stem.removesuffix('.tar')}-{digest}.tar.gz"
        s3.upload_file(str(archive), args.bucket, archive_key)
        print(
            f"uploaded s3://{args.bucket}/{archive_key} ({archive.stat().st_size / 2**20:.0f} MiB)"
        )
    entry_key = "emr/backfill_entry.py"
    s3.put_object(Bucket=args.bucket, Key=entry_key, Body=ENTRY_POINT.encode())
    request = job_request(
        args.application_id,
        args.role_arn,
        args.bucket,
        archive_key,
        entry_key,
        args.glue_database,
        args.backfill_args,
        args.python_version,
    )
    emr = session.client("emr-serverless", endpoint_url=args.endpoint_url)
    run = emr.start_job_run(**request)
    print(f"started job run {run['jobRunId']} on application {args.application_id}")
    print(
        f"follow it: aws emr-serverless get-job-run --application-id {args.application_id} "
        f"--job-run-id {run['jobRunId']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
