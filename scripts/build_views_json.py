"""Write terraform/schema/views.json: the columns and descriptions of the lake's views (the
sessions and the QoE KPIs), as DuckDB types the same SQL; the Glue views read it.

    python3 scripts/build_views_json.py          # rewrites the file
    python3 scripts/build_views_json.py --check  # exits 1 if the views' SQL changed it
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from _pinned_data import build_main

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))

from acme_gen.lake.sql import views_document  # noqa: E402

TARGET = ROOT / "terraform" / "schema" / "views.json"


def build() -> str:
    document = {"_generated_by": "python3 scripts/build_views_json.py (do not edit by hand)"}
    return json.dumps({**document, "views": views_document()}, indent=2) + "\n"


if __name__ == "__main__":
    raise SystemExit(build_main(__doc__.splitlines()[0], TARGET, build, "lines"))
