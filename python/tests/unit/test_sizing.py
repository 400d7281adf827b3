"""The world is sized to the volume (acme_gen.core.sizing): about 2 h per active
subscriber-day when --customers is left out, and a world too small is refused in one line."""

from __future__ import annotations

import pytest

from acme_gen.config import GeneratorConfig
from acme_gen.core import sizing
from acme_gen.lambdas.plan import LambdaSettings


def test_the_sized_world_watches_about_two_hours_per_active_day() -> None:
    config = GeneratorConfig(events_per_day=400_000)
    customers = sizing.sized_customers(config)
    events, hours = sizing.per_session(config)
    per_day = sizing.hours_per_active_day(customers, 400_000 / events, hours)
    assert abs(per_day - sizing.HOURS_PER_ACTIVE_DAY) < 0.05
    assert customers % sizing.ROUND_TO == 0


def test_more_events_need_more_customers_not_more_viewing() -> None:
    small = sizing.sized_customers(GeneratorConfig(events_per_day=100_000))
    large = sizing.sized_customers(GeneratorConfig(events_per_day=1_000_000))
    assert 8 < large / small < 12


def test_a_world_too_small_is_refused_naming_the_minimum() -> None:
    config = GeneratorConfig(customers=500, events_per_day=1_000_000)
    with pytest.raises(sizing.WorldTooSmall, match=r"give at least [\d,]+"):
        sizing.check_world_size(config)
    sizing.check_world_size(config.replaced(customers=sizing.minimum_customers(config)))


def test_the_lambdas_size_the_world_as_the_commands_do() -> None:
    environ = {"ACME_EVENTS_PER_DAY": "400000", "ACME_SEED": "42", "ACME_TITLES": "500",
               "ACME_CAMPAIGNS": "50", "ACME_STREAM_NAME": "s"}  # fmt: skip
    config = LambdaSettings.from_env(environ).config
    assert config.customers == sizing.sized_customers(GeneratorConfig(events_per_day=400_000))
    with pytest.raises(ValueError, match="ACME_CUSTOMERS: --customers 10 is too few"):
        LambdaSettings.from_env({**environ, "ACME_CUSTOMERS": "10"})
