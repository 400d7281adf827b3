"""The manifest a backfill leaves in the lake root: its generator configuration and window,
checked on every re-run and read by reconcile to regenerate what the lake should hold, and
the versions of the libraries that decide the bytes, as they were when the lake was made."""

from __future__ import annotations

import json
from importlib import metadata
from typing import Any

from acme_gen.lake.store import Lake
from acme_gen.schema import MANIFEST

LIBRARIES_KEY = "libraries"
# The libraries whose version decides the bytes: numpy's random streams (NumPy promises the
# same Generator stream only for the same version), pyarrow's Parquet writer, the name
# vocabularies of Faker and mimesis, and the zone data. python/requirements.lock pins them.
LIBRARIES = ("numpy", "pyarrow", "faker", "mimesis", "tzdata")


def read_manifest(lake: Lake) -> Any:
    """The parsed manifest, or None when absent or unreadable."""
    try:
        return json.loads(lake.read_text(MANIFEST) or "null")
    except ValueError:
        return None


def library_versions() -> dict[str, str]:
    return {name: metadata.version(name) for name in LIBRARIES}


def arguments(manifest: Any) -> Any:
    """The manifest without its library versions: what a re-run must match exactly."""
    if not isinstance(manifest, dict):
        return manifest
    return {k: v for k, v in manifest.items() if k != LIBRARIES_KEY}


def library_change(manifest: Any) -> str | None:
    """`numpy 2.4.6 -> 2.5.0, ...` when the lake was made with other versions of the
    libraries that decide the bytes; None when the same, or not recorded (an older lake)."""
    recorded = manifest.get(LIBRARIES_KEY) if isinstance(manifest, dict) else None
    if not isinstance(recorded, dict):
        return None
    here = library_versions()
    changed = [f"{name} {recorded[name]} -> {here[name]}" for name in LIBRARIES
               if name in recorded and recorded[name] != here[name]]  # fmt: skip
    return ", ".join(changed) or None


def library_warning(lake: Lake, manifest: Any, what: str) -> str | None:
    """The one-line warning a resume or a reconcile prints when the versions differ."""
    change = library_change(manifest)
    if change is None:
        return None
    return (f"warning: {lake} was made with other library versions ({change}); {what} may "
            "differ from its bytes (README: Deterministic)")  # fmt: skip
