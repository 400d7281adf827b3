"""What both handlers share at runtime: Powertools logger and metrics, the generator cache."""

from __future__ import annotations

import gc
import os

from aws_lambda_powertools import Logger, Metrics

from acme_gen.config import GeneratorConfig
from acme_gen.core.generator import TelemetryGenerator

METRICS_NAMESPACE = "AcmeTelemetry"  # Terraform sets POWERTOOLS_METRICS_NAMESPACE to this

logger = Logger()
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", METRICS_NAMESPACE))
_generators: dict[GeneratorConfig, TelemetryGenerator] = {}


def generator_for(config: GeneratorConfig) -> TelemetryGenerator:
    """One generator per configuration per container: the world is built on the first call
    and reused by warm invocations."""
    gen = _generators.get(config)
    if gen is None:
        gen = TelemetryGenerator(config)
        _generators[config] = gen
        gc.freeze()  # the world lives for the container: keep it out of every collection
    return gen
