"""Generation settings shared by the backfill, the stream and the Lambdas.

The events of a window are a pure function of (GeneratorConfig, window), so this model is
also what a dataset's manifest records and compares on resume.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

TrafficShape = Literal["diurnal", "flat"]
TRAFFIC_SHAPES: tuple[str, ...] = get_args(TrafficShape)  # the --shape choices


class GeneratorConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    customers: int = Field(10_000, gt=0, le=50_000_000, description="customers in the world")
    titles: int = Field(500, gt=0, le=10_000_000, description="titles in the catalogue")
    campaigns: int = Field(50, gt=0, le=1_000_000, description="marketing campaigns")
    events_per_day: float = Field(
        150_000, gt=0, le=1e11, description="mean events per day across the week"
    )
    seed: int = Field(42, ge=0, lt=2**63, description="world and traffic seed")
    traffic_shape: TrafficShape = Field(
        "diurnal", description="diurnal: local-time daily/weekly curve; flat: a constant rate"
    )

    @model_serializer(mode="wrap")
    def _without_default_shape(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """The diurnal shape is left out, as it was before the field existed, so existing
        datasets' manifests and file names (the fingerprint) stay as they were."""
        data: dict[str, Any] = handler(self)
        if data.get("traffic_shape") == "diurnal":
            del data["traffic_shape"]
        return data

    @classmethod
    def from_env(cls, environ: dict[str, str]) -> GeneratorConfig:
        """From the ACME_<FIELD> variables Terraform sets on the Lambdas (ACME_SEED, ...)."""
        return cls.model_validate(
            {
                f: environ[f"ACME_{f.upper()}"]
                for f in cls.model_fields
                if f"ACME_{f.upper()}" in environ
            }
        )

    def fingerprint(self) -> str:
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]
