"""The package's shape: no import cycle, no module over 400 lines. The layers themselves are
import-linter contracts in pyproject.toml, checked by `make lint`."""

from __future__ import annotations

import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

import acme_gen

PACKAGE = Path(acme_gen.__file__).parent
MAX_LINES = 400


def test_no_import_cycle() -> None:
    graph = grimp.build_graph("acme_gen")
    cycles = [
        (importer, imported)
        for importer in sorted(graph.modules)
        for imported in sorted(graph.find_modules_directly_imported_by(importer))
        if graph.chain_exists(importer=imported, imported=importer)
    ]
    assert cycles == [], f"import cycles through these direct imports: {cycles}"


def test_no_module_over_400_lines() -> None:
    sizes = {
        str(path.relative_to(PACKAGE)): len(path.read_text().splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert len(sizes) > 30
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def _external_imports(graph: grimp.ImportGraph, modules: list[str]) -> set[str]:
    """Top-level third-party packages the modules import, directly or through acme_gen."""
    reached = set(modules)
    for module in modules:
        reached |= graph.find_upstream_modules(module)
    externals = {
        imported.split(".")[0]
        for module in reached
        if module.startswith("acme_gen")
        for imported in graph.find_modules_directly_imported_by(module)
        if not imported.startswith("acme_gen")
    }
    return {name for name in externals if name not in sys.stdlib_module_names}


def _required_distributions(extras: bool = False) -> set[str]:
    """The dependencies' names; with extras, those of the non-dev extras too."""
    project = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    if extras:
        optional = project["optional-dependencies"]
        requirements += [r for name, reqs in optional.items() if name != "dev" for r in reqs]
    return {re.split(r"[<>=!~\[; ]", req)[0].lower() for req in requirements}


def test_a_plain_install_has_what_the_main_job_imports() -> None:
    """`pip install ./python` (no extras) must run backfill, query, validate and profile."""
    graph = grimp.build_graph("acme_gen", include_external_packages=True)
    main_job = [
        m for m in graph.modules if m.startswith(("acme_gen.backfill", "acme_gen.query"))
        or m in ("acme_gen.validate", "acme_gen.profile")
    ]  # fmt: skip
    providers = importlib.metadata.packages_distributions()
    needed = {
        dist.lower() for name in _external_imports(graph, main_job) for dist in providers[name]
    }
    assert {"pyarrow", "duckdb", "numpy", "matplotlib"} <= needed
    # pyspark is the extra `spark` (--engine spark), pyiceberg the extra `iceberg` (an Iceberg
    # table): each imported only when asked for, with a one-line error naming the extra.
    assert needed - _required_distributions() == {"pyspark", "pyiceberg"}


# Writing a time as text: strftime-style codes, or a partition path built by hand.
_TIME_FORMATTING = re.compile(r"%Y|%m|%H:%M|strftime|year=\{|[\"']year=[\"']")


def test_only_time_labels_formats_times_and_partitions() -> None:
    """One module writes hours, partitions and ISO times as text (acme_gen/time_labels.py):
    a second formatter is where file names and partitions drift apart."""
    offenders = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in PACKAGE.rglob("*.py")
        if path.name != "time_labels.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if _TIME_FORMATTING.search(line)
    ]
    assert offenders == []


def _runtimes() -> dict[str, list[str]]:
    pyproject = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())
    return dict(pyproject["tool"]["acme-gen"]["runtimes"])


@pytest.mark.parametrize(
    ("runtime", "entry_points"),
    [("lambda", ("acme_gen.lambdas",)), ("emr", ("acme_gen.backfill.spark", "acme_gen.backfill"))],
)
def test_each_packaged_runtime_installs_what_its_code_imports(
    runtime: str, entry_points: tuple[str, ...]
) -> None:
    """The Lambda zip and the EMR archive install pyproject's [tool.acme-gen.runtimes] lists:
    each is a part of the dependencies and has every package its entry points import."""
    listed = {_normal(name) for name in _runtimes()[runtime]}
    assert listed <= {_normal(name) for name in _required_distributions(extras=True)}
    graph = grimp.build_graph("acme_gen", include_external_packages=True)
    modules = [m for m in graph.modules if m.startswith(entry_points)]
    providers = importlib.metadata.packages_distributions()
    needed = {_normal(d) for name in _external_imports(graph, modules) for d in providers[name]}
    # botocore comes with boto3 and pydantic-core with pydantic; on EMR, pyspark comes with
    # the image and tqdm is imported only on a terminal
    given = {"botocore", "pydantic-core"} | ({"pyspark", "tqdm"} if runtime == "emr" else set())
    assert needed - given <= listed


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
