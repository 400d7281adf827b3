"""Running the real Terraform root from tests: CLI, offline provider mirror, a stack copy."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
from tf_mirror import cli_config_text, provider_mirror  # noqa: E402  (scripts/ is no package)


def cli_config(directory: Path) -> Path | None:
    """A Terraform CLI config in `directory` using the local provider mirror, if any."""
    mirror = provider_mirror()
    if mirror is None:
        return None
    path = directory / "terraformrc"
    path.write_text(cli_config_text(mirror))
    return path


# Test-only provider settings for the local AWS server (merged by Terraform's override rule);
# the endpoint itself comes from the standard AWS_ENDPOINT_URL variable.
LOCAL_AWS_OVERRIDE = """provider "aws" {
  s3_use_path_style           = true
  skip_credentials_validation = true
  skip_metadata_api_check     = true
}
"""


def stack_copy(directory: Path) -> Path:
    """The real root in a scratch directory (state and .terraform stay out of the repo),
    with the paths it reads (python/acme_gen/queries) reachable as in the repo."""
    root = directory / "terraform"
    shutil.copytree(
        REPO / "terraform",
        root,
        ignore=shutil.ignore_patterns(".terraform", "tests", "*.tfstate*", "tf_resources.json"),
    )
    (directory / "python").symlink_to(REPO / "python")
    (root / "local_aws_override.tf").write_text(LOCAL_AWS_OVERRIDE)
    return root
