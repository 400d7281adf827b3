"""scripts/tf_mirror.py: the one provider-mirror finder (make tf-check and the Terraform
tests both use it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ..terraform_env import REPO

sys.path.insert(0, str(REPO / "scripts"))
import tf_mirror


def test_the_environment_variable_names_the_mirror(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / tf_mirror.PROVIDER).mkdir(parents=True)
    monkeypatch.setenv("TF_PROVIDER_MIRROR", str(tmp_path))
    assert tf_mirror.provider_mirror() == tmp_path
    config = tmp_path / "rc"
    out = subprocess.run(
        [sys.executable, str(REPO / "scripts/tf_mirror.py"), "--config", str(config)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert out.stdout.strip() == str(tmp_path)
    assert f'path    = "{tmp_path}"' in config.read_text()
    assert 'include = ["registry.terraform.io/hashicorp/aws"]' in config.read_text()


def test_a_directory_without_the_provider_is_no_mirror(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TF_PROVIDER_MIRROR", str(tmp_path))
    assert tf_mirror.provider_mirror() != tmp_path
