"""make emr-image: build (and push) the EMR Serverless image for the Spark backfill.

    python scripts/emr_image.py --tag REPO_URL:1 [--push] [--base-image IMAGE@sha256:...]
    python scripts/emr_image.py --tag REPO_URL:1 --print     # the build context and command only

The build context is docker/emr-serverless/Dockerfile, acme_gen's sources and a
requirements.txt pinned to the versions this checkout was tested with (the EMR job archive's
own list), so the same checkout builds the same image. REPO_URL is
`terraform output -raw emr_backfill_image_repository_url`; pass the pushed URI to
`terraform apply -var emr_backfill_image_uri=...`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_lambda_zip import LOCK, pin
from emr_backfill import REQUIREMENTS

REPO = Path(__file__).resolve().parents[1]
DOCKERFILE = REPO / "docker" / "emr-serverless" / "Dockerfile"
PLATFORMS = {"ARM64": "linux/arm64", "X86_64": "linux/amd64"}


def write_context(target: Path) -> Path:
    """Dockerfile, pinned requirements and acme_gen's sources in `target`."""
    shutil.copy(DOCKERFILE, target / "Dockerfile")
    # The lock constrains what the pins pull in too: the image runs the versions tested here.
    shutil.copy(LOCK, target / "constraints.txt")
    (target / "requirements.txt").write_text(
        "\n".join(["-c constraints.txt", *pin(REQUIREMENTS)]) + "\n"
    )
    shutil.copytree(
        REPO / "python" / "acme_gen",
        target / "acme_gen",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    return target


def build_command(context: Path, tag: str, architecture: str, base_image: str | None) -> list[str]:
    command = ["docker", "build", "--platform", PLATFORMS[architecture], "-t", tag]
    if base_image:
        command += ["--build-arg", f"BASE_IMAGE={base_image}"]
    return [*command, str(context)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tag", required=True, help="image URI with a tag, e.g. REPO_URL:1")
    parser.add_argument("--architecture", choices=list(PLATFORMS), default="ARM64")
    parser.add_argument(
        "--base-image", help="EMR Serverless Spark base image (default: Dockerfile)"
    )
    parser.add_argument("--push", action="store_true", help="docker push the image after building")
    parser.add_argument(
        "--print", action="store_true", help="write the context, print, build nothing"
    )
    args = parser.parse_args(argv)
    if ":" not in args.tag.rsplit("/", 1)[-1]:
        print(
            "error: --tag needs an explicit tag (REPO_URL:TAG); the repository is immutable",
            file=sys.stderr,
        )
        return 2
    with tempfile.TemporaryDirectory(prefix="acme-emr-image-") as tmp:
        context = write_context(Path(tmp))
        command = build_command(context, args.tag, args.architecture, args.base_image)
        if args.print:
            print((context / "requirements.txt").read_text(), end="")
            print(" ".join(command))
            return 0
        if shutil.which("docker") is None:
            print("error: docker is not installed", file=sys.stderr)
            return 2
        subprocess.run(command, check=True)
    if args.push:
        subprocess.run(["docker", "push", args.tag], check=True)
    print(
        f"built {args.tag}: terraform apply -var emr_backfill_enabled=true "
        f"-var emr_backfill_image_uri={args.tag}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
