"""The tiers hold: a unit test (tests/unit/) needs no local AWS server, no lake and no
Lambda package; collection stops with the test and the fixture named when one does."""

from __future__ import annotations

from collections.abc import Iterable

# The shared fixtures that start a server or run a command (tests/conftest.py).
NOT_IN_UNIT = frozenset({"local_aws", "lake", "incident_lake", "lambda_zip_x86_64"})


def tier_problems(tests: Iterable[tuple[str, Iterable[str]]]) -> list[str]:
    """(node id, fixture names) of each collected test -> one line per misplaced test."""
    return [
        f"{nodeid}: a unit test uses {', '.join(sorted(used))}: move it to tests/adapters or e2e"
        for nodeid, fixtures in tests
        if nodeid.startswith("tests/unit/") and (used := NOT_IN_UNIT & set(fixtures))
    ]
