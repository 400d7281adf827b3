"""scripts/emr_backfill.py against a local AWS server: packages acme_gen and starts a job."""

from __future__ import annotations

import sys
import tarfile
from pathlib import Path

import pytest

from ..aws import REGION, LocalAws

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "scripts"))
import emr_backfill


def test_package_and_start_a_job_run(
    local_aws: LocalAws,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    s3 = local_aws.client("s3")
    s3.create_bucket(Bucket="lake", CreateBucketConfiguration={"LocationConstraint": REGION})
    emr = local_aws.client("emr-serverless")
    app = emr.create_application(name="acme-data-backfill", releaseLabel="emr-7.9.0", type="SPARK")[
        "applicationId"
    ]
    code = emr_backfill.main(
        [
            "--application-id",
            app,
            "--role-arn",
            "arn:aws:iam::123456789012:role/job",
            "--bucket",
            "lake",
            "--glue-database",
            "blue_telemetry",
            "--endpoint-url",
            local_aws.endpoint,
            "--region",
            REGION,
            "--architecture",
            "X86_64",
            "--",
            "--telemetry",
            "1000000",
            "--start",
            "2026-01-01",
            "--end",
            "2026-01-08",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "started job run" in out
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="lake")["Contents"]]
    archive = next(k for k in keys if k.startswith("emr/acme-spark-x86_64-py3.11-"))
    assert "emr/backfill_entry.py" in keys
    local = tmp_path / "archive.tar.gz"
    s3.download_file("lake", archive, str(local))
    with tarfile.open(local) as tar:
        names = tar.getnames()
    assert "acme_gen/backfill/cli.py" in names and any(n.startswith("pyarrow/") for n in names)
    assert not any("__pycache__" in n for n in names)
    assert any(n.startswith("pyiceberg/") for n in names)  # --table-format iceberg runs there
    runs = emr.list_job_runs(applicationId=app)["jobRuns"]
    assert len(runs) == 1
    driver = emr.get_job_run(applicationId=app, jobRunId=runs[0]["id"])["jobRun"]["jobDriver"]
    submit = driver["sparkSubmit"]
    assert submit["entryPointArguments"][:6] == [
        "--engine", "spark", "--output-dir", "s3://lake", "--glue-database", "blue_telemetry",
    ]  # fmt: skip
    assert submit["entryPointArguments"][-6:] == [
        "--telemetry", "1000000", "--start", "2026-01-01", "--end", "2026-01-08",
    ]  # fmt: skip
    # The workers run the custom image's Python 3.11 with the archive's packages on the path.
    for conf in ("spark.executorEnv.PYSPARK_PYTHON=/usr/bin/python3.11",
                 "spark.emr-serverless.driverEnv.PYSPARK_PYTHON=/usr/bin/python3.11",
                 f"spark.archives=s3://lake/{archive}#environment"):  # fmt: skip
        assert f"--conf {conf}" in submit["sparkSubmitParameters"]


def test_bad_backfill_arguments_stop_before_any_upload(capsys: pytest.CaptureFixture[str]) -> None:
    stack = ["--application-id", "a", "--role-arn", "r", "--bucket", "b", "--glue-database", "d"]
    code = emr_backfill.main([*stack, "--", "--telemetry", "0"])
    assert code == 2
    assert "--telemetry: must be positive" in capsys.readouterr().err
    # make emr-backfill without a Terraform state passes empty values: named, not used
    code = emr_backfill.main([*stack[:-1], "", "--", "--telemetry", "10"])
    assert code == 2
    assert "--glue-database is empty" in capsys.readouterr().err


def test_the_custom_image_matches_the_application_and_pins_the_job(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The image EMR Serverless runs: the base image of the application's release label,
    CPython >= 3.11 for acme_gen, every dependency pinned, and the hadoop user at the end."""
    import re

    import emr_image

    repo = Path(__file__).resolve().parents[3]
    release = re.search(
        r'variable "release_label" \{.*?default\s*=\s*"(emr-[\d.]+)"',
        (repo / "terraform/modules/emr_serverless/variables.tf").read_text(),
        re.S,
    )
    assert release is not None
    dockerfile = emr_image.DOCKERFILE.read_text()
    assert f"public.ecr.aws/emr-serverless/spark/{release.group(1)}:" in dockerfile
    assert re.search(r"python3\.1[1-9]", dockerfile)
    assert dockerfile.rstrip().splitlines()[-1] == "USER hadoop:hadoop"
    tag = "123456789012.dkr.ecr.us-west-2.amazonaws.com/acme-backfill-spark:1"
    assert emr_image.main(["--tag", tag, "--print"]) == 0
    constraint, *requirements, command = capsys.readouterr().out.strip().splitlines()
    assert constraint == "-c constraints.txt"  # the lock: what the pins pull in is pinned too
    assert {r.split("==")[0] for r in requirements} == set(emr_backfill.REQUIREMENTS)
    assert all(re.fullmatch(r"[\w-]+==[\w.]+", r) for r in requirements)
    assert command.startswith(f"docker build --platform linux/arm64 -t {tag} ")
    assert emr_image.main(["--tag", tag.rsplit(":", 1)[0], "--print"]) == 2  # no tag: refused
