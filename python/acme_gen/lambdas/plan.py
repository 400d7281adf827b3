"""The Lambdas' settings, and pure planning for them: which window a tick covers and how it
is chunked."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from acme_gen.config import ConfigError, GeneratorConfig
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.core.sizing import WorldTooSmall, with_world_size
from acme_gen.core.traffic import START_STEP_MS

WINDOW_MS = 5 * 60_000
HEADROOM = 1.25  # chunks are sized on the expected count; busy windows run above it


# Terraform always sets these: a function without one is misconfigured, not defaulted.
# Without ACME_CUSTOMERS the world is sized to the volume, as the commands size it.
REQUIRED_ENV = ("ACME_EVENTS_PER_DAY", "ACME_SEED", "ACME_TITLES", "ACME_CAMPAIGNS",
                "ACME_STREAM_NAME")  # fmt: skip


class LambdaSettings(BaseModel):
    """The functions' typed configuration, read from the environment Terraform sets: the
    generation settings (GeneratorConfig.from_env, as every command builds them) and the
    functions' own."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    config: GeneratorConfig
    stream_name: str = Field(min_length=1)
    chunk_events: int = Field(25_000, ge=100)
    table_format: Literal["hive", "iceberg"] = "hive"
    producer_name: str = "acme-data-producer"
    # The stream's write capacity a window's producers share (records/s), so a busy window
    # is spread out rather than sent as one burst; None: as fast as Kinesis accepts.
    put_records_per_second: float | None = Field(None, gt=0)

    @field_validator("config")
    @classmethod
    def _faults_a_lambda_can_inject(cls, config: GeneratorConfig) -> GeneratorConfig:
        if config.faults.late or config.faults.out_of_order:
            raise ValueError(
                "late and out_of_order need a sender that holds records "
                "(python -m acme_gen.stream); a Lambda invocation cannot"
            )
        return config

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> LambdaSettings:
        missing = [name for name in REQUIRED_ENV if name not in environ]
        if missing:
            raise ConfigError(f"the function's environment lacks {', '.join(missing)}")
        own = {name: environ.get(f"ACME_{name.upper()}") for name in
               ("stream_name", "chunk_events", "table_format", "producer_name",
                "put_records_per_second")}  # fmt: skip
        values: dict[str, Any] = {k: v for k, v in own.items() if v is not None}
        config = GeneratorConfig.from_env(environ)
        try:
            config = with_world_size(config, "ACME_CUSTOMERS" in environ)
        except WorldTooSmall as exc:
            raise ConfigError(f"ACME_CUSTOMERS: {exc}") from None
        return cls(config=config, **values)


class Chunk(BaseModel):
    """What the generator sends the producer: a small, replayable description of the work."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    config: GeneratorConfig
    window_start_ms: int
    window_end_ms: int
    chunk: int = Field(ge=0)
    chunks: int = Field(ge=1)

    @property
    def start_ms(self) -> int:
        return (
            self.window_start_ms
            + (self.window_end_ms - self.window_start_ms) * self.chunk // self.chunks
        )

    @property
    def end_ms(self) -> int:
        return (
            self.window_start_ms
            + (self.window_end_ms - self.window_start_ms) * (self.chunk + 1) // self.chunks
        )

    def payload(self) -> dict[str, Any]:
        return self.model_dump()


def closed_window(tick_ms: int, window_ms: int = WINDOW_MS) -> tuple[int, int]:
    """The last whole window that ended at or before the tick."""
    end = tick_ms // window_ms * window_ms
    return end - window_ms, end


def expected_events(generator: TelemetryGenerator, start_ms: int, end_ms: int) -> float:
    step = START_STEP_MS
    steps = np.arange(start_ms // step, -(-end_ms // step), dtype=np.int64) * step
    sessions = generator.expected_sessions(steps).sum()
    return float(sessions * generator.mean_events_per_session)


def plan_window(
    generator: TelemetryGenerator, start_ms: int, end_ms: int, chunk_events: int
) -> list[Chunk]:
    """Split the window into equal time slices, enough that none should exceed chunk_events.
    A slice's events are a pure function of the slice, so a retried producer resends the
    very same records."""
    n = max(1, math.ceil(expected_events(generator, start_ms, end_ms) * HEADROOM / chunk_events))
    return [
        Chunk(
            config=generator.config,
            window_start_ms=start_ms,
            window_end_ms=end_ms,
            chunk=i,
            chunks=n,
        )
        for i in range(n)
    ]
