"""The package's shape: no import cycle, no module over 400 lines. The layers themselves are
import-linter contracts in pyproject.toml, checked by `make lint`."""

from __future__ import annotations

from pathlib import Path

import grimp

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
