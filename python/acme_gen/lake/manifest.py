"""The manifest a backfill leaves in the lake root: its generator configuration and window,
checked on every re-run and read by reconcile to regenerate what the lake should hold."""

from __future__ import annotations

import json
from typing import Any

from acme_gen.lake.store import Lake

MANIFEST = "_acme_manifest.json"


def read_manifest(lake: Lake) -> Any:
    """The parsed manifest, or None when absent or unreadable."""
    try:
        return json.loads(lake.read_text(MANIFEST) or "null")
    except ValueError:
        return None
