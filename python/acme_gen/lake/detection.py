"""Score an incident detector against the truth: flagged (dimension, value, hour) rows, as a
user's alerting SQL gives them (queries/detect/threshold_alerts.sql is a worked example),
against the incidents the lake declares in _truth/incidents.json.

An incident is the set of (its dimension, its scope, UTC hour) for every hour its window
touches, its dimension being the breakdown its scope names: an ISP, a country, an app
version or a title. A flag is true when it names one of those; per incident type, recall is
the share of its incident hours flagged and precision the share of the flags on its
dimension that are true.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from acme_gen.time_labels import HOUR_MS, hour_label

INCIDENT_DIMENSION = {"isp-outage": "isp", "cdn-degradation": "country",
                      "bad-release": "app_version", "premiere": "title_id"}  # fmt: skip
FLAG_COLUMNS = ("dimension", "value", "hour")

Flag = tuple[str, str, str]  # (dimension, value, hour as YYYY-MM-DDTHH)


class FlagsError(ValueError):
    """A flags file that cannot be read as flags."""


def read_flags(path: Path) -> set[Flag]:
    """The (dimension, value, hour) rows of a CSV file with those columns (others ignored);
    an hour may be written to the minute or beyond ('2026-01-15T20:00'), its hour is used."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise FlagsError(f"cannot read flags from {path}: {exc}") from None
    missing = [c for c in FLAG_COLUMNS if c not in header]
    if missing:
        raise FlagsError(f"{path} lacks the column(s) {', '.join(missing)} (wants a header "
                         f"with {', '.join(FLAG_COLUMNS)})")  # fmt: skip
    flags = set()
    for number, row in enumerate(rows, start=2):
        hour = (row["hour"] or "").strip()
        if len(hour) < 13 or hour[10] != "T":
            raise FlagsError(f"{path} line {number}: hour {hour!r} is not YYYY-MM-DDTHH")
        # a short row leaves its missing cells None
        flags.add(((row["dimension"] or "").strip(), (row["value"] or "").strip(), hour[:13]))
    return flags


def incident_hours(incident: dict[str, Any]) -> set[Flag]:
    """Each UTC hour the incident's window [start, end) touches, on its scope."""
    start, end = (_ms(incident[k]) for k in ("start", "end"))
    dimension = INCIDENT_DIMENSION[incident["type"]]
    first = start - start % HOUR_MS
    return {(dimension, incident["scope"], hour_label(h)) for h in range(first, end, HOUR_MS)}


def _ms(text: str) -> int:
    return round(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


@dataclass(frozen=True)
class Score:
    kind: str
    dimension: str
    incident_hours: int
    found: int
    flags: int
    true_flags: int

    @property
    def recall(self) -> float | None:
        return self.found / self.incident_hours if self.incident_hours else None

    @property
    def precision(self) -> float | None:
        return self.true_flags / self.flags if self.flags else None


def score(flags: set[Flag], incidents: list[dict[str, Any]]) -> list[Score]:
    """Per incident type the lake declares, then 'all': how many of its hours the flags
    found, and how many of the flags on its dimension were true."""
    truth = {kind: set().union(*(incident_hours(i) for i in incidents if i["type"] == kind))
             for kind in dict.fromkeys(i["type"] for i in incidents)}  # fmt: skip
    every = set().union(*truth.values()) if truth else set()
    out = []
    for kind, hours in truth.items():
        dimension = INCIDENT_DIMENSION[kind]
        on_dimension = {f for f in flags if f[0] == dimension}
        true_here = on_dimension & every
        out.append(Score(kind, dimension, len(hours), len(hours & flags), len(on_dimension),
                         len(true_here)))  # fmt: skip
    out.append(Score("all", "", len(every), len(every & flags), len(flags), len(flags & every)))
    return out


def score_table(scores: list[Score]) -> pa.Table:
    def rounded(x: float | None) -> float | None:
        return None if x is None else round(x, 3)

    return pa.table({
        "incident_type": [s.kind for s in scores],
        "dimension": [s.dimension for s in scores],
        "incident_hours": [s.incident_hours for s in scores],
        "found": [s.found for s in scores],
        "flags": [s.flags for s in scores],
        "true_flags": [s.true_flags for s in scores],
        "precision": [rounded(s.precision) for s in scores],
        "recall": [rounded(s.recall) for s in scores],
    })  # fmt: skip
