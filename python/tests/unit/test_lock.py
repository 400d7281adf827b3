"""The determinism contract: python/requirements.lock pins every dependency, the pins satisfy
pyproject.toml, and the libraries that decide the bytes run here at their locked version."""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from acme_gen.lake.manifest import LIBRARIES, library_versions

PYTHON = Path(__file__).resolve().parents[2]
LOCK = PYTHON / "requirements.lock"


def _locked() -> dict[str, str]:
    """The lock's pins that apply to this interpreter, by canonical name."""
    pins: dict[str, str] = {}
    for line in LOCK.read_text().splitlines():
        if not line or line.startswith((" ", "#", "-")):
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate():
            (version,) = (spec.version for spec in requirement.specifier)
            pins[canonicalize_name(requirement.name)] = version
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((PYTHON / "pyproject.toml").read_text())["project"]
    extras = [r for group in project["optional-dependencies"].values() for r in group]
    return [Requirement(r) for r in [*project["dependencies"], *extras]
            if not r.startswith("acme-gen")]  # fmt: skip


def test_every_declared_dependency_is_locked_within_its_range() -> None:
    pins = _locked()
    env = default_environment()
    for requirement in _declared():
        if requirement.marker is not None and not requirement.marker.evaluate(env):
            continue
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{name}=={pins[name]} in requirements.lock is outside {requirement.specifier}: "
            "run make lock"
        )


def test_the_libraries_that_decide_the_bytes_run_at_their_locked_version() -> None:
    pins = _locked()
    for name in LIBRARIES:
        assert metadata.version(name) == pins[canonicalize_name(name)], name
    assert set(library_versions()) == set(LIBRARIES)


def test_every_install_path_uses_the_lock(tmp_path: Path) -> None:
    repo = PYTHON.parent
    assert re.search(r"pip install .*-c python/requirements\.lock", (repo / "Makefile").read_text())
    assert '"--constraint",' in (repo / "scripts" / "build_lambda_zip.py").read_text()
    sys.path.insert(0, str(repo / "scripts"))
    import emr_image

    context = emr_image.write_context(tmp_path)  # the EMR image's build context
    assert (context / "constraints.txt").read_bytes() == LOCK.read_bytes()
    assert (context / "requirements.txt").read_text().startswith("-c constraints.txt\n")
    assert "COPY requirements.txt constraints.txt" in (context / "Dockerfile").read_text()
