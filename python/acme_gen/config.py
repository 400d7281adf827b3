"""Generation settings shared by the backfill, the stream and the Lambdas.

The events of a window are a pure function of (GeneratorConfig, window), so this model is
also what a dataset's manifest records and compares on resume.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
)

from acme_gen.scenario import FaultRates, Incident, first_error

# The generation model's version: bumped whenever the same configuration generates other
# events. It is part of the fingerprint (backfill file names) and of a lake's manifest, so a
# lake made by another model is never resumed or reconciled as if it were this one's.
# 2: watch_duration_seconds counts the seconds watched since the session's previous event.
# 3: the world is drawn on demand (customers and devices hashed from their ids) and sized to
#    the volume; physics (one stream per device, plan stream limits); complete at the credits;
#    backward seeks; heavy-tailed pauses, and plays that end paused.
# 4: sittings (auto-play to the next episode, returns to where a play stopped, retries);
#    shows with seasons and episodes in the titles table.
# 5: addresses from the space each network announces in its country, IPv4 and IPv6, with
#    home leases of days (acme_gen.core.addresses); current network brands.
# 6: runtimes by type and genre (the genre is drawn with the catalogue, acme_gen.core.catalogue).
# 7: sessions drawn per start hour (one random stream an hour, 5-minute steps within it).
# 8: an ISP outage's fall in throughput adds stalls to the plays that go on through it (it
#    was read backwards, so it added none).
MODEL_VERSION = 8

TrafficShape = Literal["diurnal", "flat"]
TRAFFIC_SHAPES: tuple[str, ...] = get_args(TrafficShape)  # the --shape choices


class ConfigError(ValueError):
    """A generation setting the model refuses; the message names it in one line."""


class GeneratorConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    customers: int = Field(10_000, gt=0, le=500_000_000, description="customers in the world")
    titles: int = Field(500, gt=0, le=10_000_000, description="titles in the catalogue")
    campaigns: int = Field(50, gt=0, le=1_000_000, description="marketing campaigns")
    events_per_day: float = Field(
        150_000, gt=0, le=1e11, description="mean events per day across the week"
    )
    seed: int = Field(42, ge=0, lt=2**63, description="world and traffic seed")
    traffic_shape: TrafficShape = Field(
        "diurnal", description="diurnal: local-time daily/weekly curve; flat: a constant rate"
    )

    faults: FaultRates = Field(
        FaultRates(), description="injected faults, each kind's share of events (--faults)"
    )
    incidents: tuple[Incident, ...] = Field((), description="incidents (--incident, repeatable)")

    @field_validator("faults", mode="before")
    @classmethod
    def _faults_from_spec(cls, value: Any) -> Any:
        return FaultRates.parse(value) if isinstance(value, str) else value

    @field_validator("incidents", mode="before")
    @classmethod
    def _incidents_from_json(cls, value: Any) -> Any:
        """ACME_INCIDENTS is a JSON list of spec strings (Terraform's jsonencode)."""
        if isinstance(value, str):
            value = json.loads(value) if value.strip() else []
        return tuple(value)

    @model_serializer(mode="wrap")
    def _without_defaults(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Fields added later are left out at their defaults, as before they existed, so
        existing datasets' manifests and file names (the fingerprint) stay as they were, and
        a run with every fault rate at 0 is the run without faults."""
        data: dict[str, Any] = handler(self)
        if data.get("traffic_shape") == "diurnal":
            del data["traffic_shape"]
        if not self.faults.any():
            data.pop("faults", None)
        if not self.incidents:
            data.pop("incidents", None)
        return data

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> GeneratorConfig:
        """The one way in from outside (flags, the Lambdas' environment, a manifest): fields
        by name, None or absent for the default; ConfigError names the first bad value."""
        try:
            return cls.model_validate({k: v for k, v in values.items() if v is not None})
        except ValidationError as exc:
            raise ConfigError(first_error(exc)) from None

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> GeneratorConfig:
        """From the ACME_<FIELD> variables Terraform sets on the Lambdas (ACME_SEED, ...)."""
        return cls.from_values({f: environ.get(f"ACME_{f.upper()}") for f in cls.model_fields})

    def replaced(self, **fields: Any) -> GeneratorConfig:
        """This configuration with some fields changed, validated like any other."""
        return self.from_values({**self.model_dump(), **fields})

    def fingerprint(self) -> str:
        """This configuration under this model version, in 16 hex digits."""
        text = f"{self.model_dump_json()} model {MODEL_VERSION}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]
