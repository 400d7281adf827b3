"""One way from flags and environment variables to a GeneratorConfig: every command that
generates (backfill, stream, reconcile) and the Lambdas build the same configuration from the
same settings, with GeneratorConfig's own defaults."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from acme_gen import cli
from acme_gen.backfill.cli import build_parser as backfill_parser
from acme_gen.backfill.run import _per_hour
from acme_gen.config import ConfigError, GeneratorConfig
from acme_gen.invariants import InvariantError
from acme_gen.lake.iceberg import IcebergUnavailable
from acme_gen.lake.store import Lake
from acme_gen.lambdas.plan import LambdaSettings
from acme_gen.reconcile.cli import build_parser as reconcile_parser
from acme_gen.stream.cli import _parser as stream_parser

FLAGS = ["--customers", "7000", "--titles", "90", "--campaigns", "7", "--seed", "5",
         "--shape", "flat", "--faults", "duplicate=0.01",
         "--incident", "isp-outage:Comcast Xfinity@2026-01-15T20:00/60m"]  # fmt: skip
ENV = {"ACME_CUSTOMERS": "7000", "ACME_TITLES": "90", "ACME_CAMPAIGNS": "7", "ACME_SEED": "5",
       "ACME_TRAFFIC_SHAPE": "flat", "ACME_FAULTS": "duplicate=0.01",
       "ACME_INCIDENTS": '["isp-outage:Comcast Xfinity@2026-01-15T20:00/60m"]',
       "ACME_EVENTS_PER_DAY": "86400", "ACME_STREAM_NAME": "s"}  # fmt: skip
PARSERS = {
    "backfill": lambda: backfill_parser(),
    "stream": lambda: stream_parser(),
    "reconcile": lambda: reconcile_parser(),
}
REQUIRED = {"backfill": [], "stream": ["--stream-name", "s"], "reconcile": ["--lake", "x"]}


@pytest.mark.parametrize("command", PARSERS)
def test_every_command_builds_the_same_config_from_the_same_flags(command: str) -> None:
    args = PARSERS[command]().parse_args([*REQUIRED[command], *FLAGS])
    config = cli.generator_config(args, events_per_day=86_400)
    assert config == GeneratorConfig.from_env(ENV)
    assert config == LambdaSettings.from_env(ENV).config


@pytest.mark.parametrize("command", PARSERS)
def test_the_defaults_are_the_models_own(command: str) -> None:
    args = PARSERS[command]().parse_args(REQUIRED[command])
    assert cli.generator_config(args, events_per_day=150_000) == GeneratorConfig()


def test_a_value_the_model_refuses_is_one_line() -> None:
    args = argparse.Namespace(customers=600_000_000)
    with pytest.raises(cli.UsageError, match=r"^customers: Input should be less than or equal"):
        cli.generator_config(args)
    with pytest.raises(ConfigError, match=r"^traffic_shape: "):
        GeneratorConfig.from_env({"ACME_TRAFFIC_SHAPE": "square"})


def test_replaced_validates() -> None:
    config = GeneratorConfig(customers=10)
    assert config.replaced(events_per_day=5.0).events_per_day == 5.0
    assert config.replaced(events_per_day=5.0).customers == 10
    with pytest.raises(ConfigError, match="events_per_day"):
        config.replaced(events_per_day=-1)


def test_reading_a_lake_file_that_is_not_absent_is_an_error(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    assert lake.read_text("_acme_manifest.json") is None  # absent
    (tmp_path / "_acme_manifest.json").mkdir()  # there, but unreadable as a file
    with pytest.raises(OSError):
        lake.read_text("_acme_manifest.json")


def test_a_missing_extra_is_a_setup_error_and_an_import_bug_is_not() -> None:
    assert issubclass(IcebergUnavailable, cli.SetupError)
    assert not any(issubclass(ImportError, e) for e in cli.SETUP_ERRORS)


def test_an_engine_that_returns_too_few_results_is_a_named_error() -> None:
    assert list(_per_hour([1, 2], iter([(3, 4), (5, 6)]))) == [(1, (3, 4)), (2, (5, 6))]
    with pytest.raises(InvariantError, match="stopped after 1 hours"):
        list(_per_hour([1, 2], iter([(3, 4)])))
    with pytest.raises(InvariantError, match="more than 2"):
        list(_per_hour([1, 2], iter([(3, 4), (5, 6), (7, 8)])))


def test_a_command_reports_a_usage_error_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    @cli.command
    def main() -> int:
        raise cli.UsageError("--x: bad")

    assert main() == 2
    assert capsys.readouterr().err == "error: --x: bad\n"
