"""Running the real Terraform root from tests: CLI, offline provider mirror, a stack copy."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_IMPLIED_MIRRORS = (
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
)
_SEARCH_ROOTS = ("/opt", "/srv", "/usr/local", "~")


def provider_mirror() -> Path | None:
    """A filesystem mirror holding hashicorp/aws, as scripts/tf-check.sh finds it."""
    candidates = [os.environ.get("TF_PROVIDER_MIRROR", ""), *_IMPLIED_MIRRORS]
    for c in candidates:
        if c and (Path(c).expanduser() / "registry.terraform.io/hashicorp/aws").is_dir():
            return Path(c).expanduser()
    for root in _SEARCH_ROOTS:
        for depth in range(1, 4):
            pattern = "/".join(["*"] * depth) + "/registry.terraform.io/hashicorp/aws"
            for hit in Path(root).expanduser().glob(pattern):
                if ".terraform" not in hit.parts:
                    return hit.parents[2]
    return None


def cli_config(directory: Path) -> Path | None:
    mirror = provider_mirror()
    if mirror is None:
        return None
    path = directory / "terraformrc"
    path.write_text(
        "provider_installation {\n  filesystem_mirror {\n"
        f'    path    = "{mirror}"\n    include = ["registry.terraform.io/hashicorp/aws"]\n'
        "  }\n}\n"
    )
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
