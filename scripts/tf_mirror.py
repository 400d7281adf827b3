"""Find a local filesystem mirror of the hashicorp/aws provider, so `terraform init` works
offline where the machine has one (make tf-check, make tf-init, the Terraform tests).

    python3 scripts/tf_mirror.py            # prints the mirror's directory, or nothing
    python3 scripts/tf_mirror.py --config F # also writes a Terraform CLI config using it to F

Where to look: TF_PROVIDER_MIRROR, Terraform's implied local mirror directories, then a
shallow search of the usual install roots. Elsewhere init downloads the provider as usual.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

PROVIDER = "registry.terraform.io/hashicorp/aws"
_IMPLIED_MIRRORS = (
    "~/.terraform.d/plugins",
    f"{os.environ.get('XDG_DATA_HOME', '~/.local/share')}/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
)
_SEARCH_ROOTS = ("/opt", "/srv", "/usr/local", "~")


def provider_mirror() -> Path | None:
    """A filesystem mirror directory holding hashicorp/aws, or None."""
    for candidate in (os.environ.get("TF_PROVIDER_MIRROR", ""), *_IMPLIED_MIRRORS):
        if candidate and (Path(candidate).expanduser() / PROVIDER).is_dir():
            return Path(candidate).expanduser()
    for root in _SEARCH_ROOTS:
        for depth in range(1, 4):
            pattern = "/".join(["*"] * depth) + f"/{PROVIDER}"
            for hit in sorted(Path(root).expanduser().glob(pattern)):
                if ".terraform" not in hit.parts:
                    return hit.parents[2]
    return None


def cli_config_text(mirror: Path) -> str:
    """A Terraform CLI configuration that installs hashicorp/aws from `mirror`."""
    return (
        "provider_installation {\n  filesystem_mirror {\n"
        f'    path    = "{mirror}"\n    include = ["{PROVIDER}"]\n'
        "  }\n}\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, help="write a CLI config using the mirror here")
    args = parser.parse_args()
    mirror = provider_mirror()
    if mirror is not None:
        if args.config:
            args.config.write_text(cli_config_text(mirror))
        print(mirror)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
