"""The suite's time budget, kept visible: a test whose own run (its call phase) takes longer
than `test_time_limit` seconds fails the run, unless it is marked
`@pytest.mark.over_budget(reason="...")` with the reason it needs that long. Fixture set-up
is not counted: a shared fixture (a lake, an applied stack) is built once for many tests,
and pytest's --durations table shows it. The offenders are listed at the end. Under xdist
the reports reach the controller, which counts them the same way."""

from __future__ import annotations

from collections import defaultdict

import pytest

LIMIT_OPTION = "test_time_limit"
_spent: dict[str, float] = defaultdict(float)
_excused: set[str] = set()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(LIMIT_OPTION, "seconds a test may take (0: no limit)", default="0")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    check_excuses(items)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "over_budget(reason): this test may take longer than test_time_limit, because"
    )


def check_excuses(items: list[pytest.Item]) -> None:
    """Every over_budget mark gives its reason (called from the conftest's collection hook)."""
    for item in items:
        marker = item.get_closest_marker("over_budget")
        if marker is not None and not str(marker.kwargs.get("reason", "")).strip():
            raise pytest.UsageError(f"{item.nodeid}: over_budget needs a reason=")


def _controller(config: pytest.Config) -> bool:
    """Not an xdist worker: the one process that sees every report and sets the exit code."""
    return not hasattr(config, "workerinput")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        _spent[report.nodeid] += report.duration
    if "over_budget" in report.keywords:
        _excused.add(report.nodeid)


def _over(config: pytest.Config) -> list[tuple[str, float]]:
    limit = float(config.getini(LIMIT_OPTION))
    if limit <= 0:
        return []
    return sorted(
        ((n, s) for n, s in _spent.items() if s > limit and n not in _excused),
        key=lambda pair: -pair[1],
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _controller(session.config) and _over(session.config) and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    over = _over(config) if _controller(config) else []
    if over:
        limit = config.getini(LIMIT_OPTION)
        terminalreporter.section(f"over the {limit} s budget per test", red=True)
        for nodeid, seconds in over:
            terminalreporter.line(f"{seconds:8.1f} s  {nodeid}")
        terminalreporter.line("make it faster, or mark it @pytest.mark.over_budget(reason=...)")
