"""ACME telemetry: realistic, deterministic video-streaming events for the data lake."""

__version__ = "0.1.0"
