"""Pure planning for the live stream: which window a tick covers and how it is chunked."""

from __future__ import annotations

import json
import math
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from acme_gen.config import GeneratorConfig, TrafficShape
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.core.traffic import SLOT_MS
from acme_gen.scenario import FaultRates, Incident

WINDOW_MS = 5 * 60_000
HEADROOM = 1.25  # chunks are sized on the expected count; busy windows run above it


class StreamSettings(BaseModel):
    """The functions' typed configuration, read from the environment Terraform sets."""

    model_config = ConfigDict(frozen=True)

    events_per_day: float = Field(gt=0, alias="ACME_EVENTS_PER_DAY")
    traffic_shape: TrafficShape = Field("diurnal", alias="ACME_TRAFFIC_SHAPE")
    faults: FaultRates = Field(FaultRates(), alias="ACME_FAULTS")
    incidents: tuple[Incident, ...] = Field((), alias="ACME_INCIDENTS")
    seed: int = Field(ge=0, alias="ACME_SEED")
    customers: int = Field(gt=0, alias="ACME_CUSTOMERS")
    titles: int = Field(gt=0, alias="ACME_TITLES")
    campaigns: int = Field(gt=0, alias="ACME_CAMPAIGNS")
    chunk_events: int = Field(25_000, ge=100, alias="ACME_CHUNK_EVENTS")
    table_format: Literal["hive", "iceberg"] = Field("hive", alias="ACME_TABLE_FORMAT")
    stream_name: str = Field(alias="ACME_STREAM_NAME")
    producer_name: str = Field("acme-data-producer", alias="ACME_PRODUCER_NAME")

    @field_validator("faults", mode="before")
    @classmethod
    def _faults_a_lambda_can_inject(cls, value: Any) -> Any:
        rates = FaultRates.parse(value) if isinstance(value, str) else value
        if isinstance(rates, FaultRates) and (rates.late or rates.out_of_order):
            raise ValueError(
                "late and out_of_order need a sender that holds records "
                "(python -m acme_gen.stream); a Lambda invocation cannot"
            )
        return rates

    @field_validator("incidents", mode="before")
    @classmethod
    def _incidents_from_json(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    @classmethod
    def from_env(cls, environ: dict[str, str]) -> StreamSettings:
        return cls.model_validate({k: v for k, v in environ.items() if k.startswith("ACME_")})

    def generator_config(self) -> GeneratorConfig:
        return GeneratorConfig(
            customers=self.customers,
            titles=self.titles,
            campaigns=self.campaigns,
            events_per_day=self.events_per_day,
            seed=self.seed,
            traffic_shape=self.traffic_shape,
            faults=self.faults,
            incidents=self.incidents,
        )


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
    slots = np.arange(start_ms // SLOT_MS, -(-end_ms // SLOT_MS), dtype=np.int64) * SLOT_MS
    sessions = generator.expected_sessions(slots).sum()
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
