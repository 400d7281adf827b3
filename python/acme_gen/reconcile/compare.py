"""Classify the differences between what one hour should hold and what landed for it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from acme_gen.lake.landed import EVENT_SCHEMA

EXAMPLES = 3
COUNTS = ("expected", "landed", "missing", "duplicated", "unexpected", "errors", "mismatched")


@dataclass
class HourReport:
    hour: str
    expected: int = 0
    landed: int = 0
    missing: int = 0
    duplicated: int = 0
    unexpected: int = 0
    errors: int = 0
    mismatched: int = 0
    examples: dict[str, list[str]] = field(default_factory=dict)
    explained: dict[str, int] = field(default_factory=dict)  # what declared faults explain

    @property
    def unexplained(self) -> int:
        return self.missing + self.duplicated + self.unexpected + self.errors + self.mismatched


def compare(
    expected: pa.Table,
    landed: pa.Table,
    failed_ids: set[str],
    hour: str,
    columns: Sequence[str] = tuple(EVENT_SCHEMA.names[1:]),
) -> HourReport:
    """Classify every difference between the expected rows of one hour (unique event_ids) and
    the rows that landed for it. Vectorised: hash lookups and column comparisons in Arrow."""
    report = HourReport(hour, expected.num_rows, landed.num_rows)
    if landed.num_rows == expected.num_rows and landed.equals(expected):
        return report  # the backfill's case: the same rows in the same order
    expected_ids, landed_ids = expected["event_id"], landed["event_id"]
    missing = expected_ids.filter(pc.invert(pc.is_in(expected_ids, value_set=landed_ids)))
    in_errors = pc.is_in(missing, value_set=pa.array(sorted(failed_ids), pa.string()))
    position = pc.index_in(landed_ids, value_set=expected_ids)  # null: never generated
    known = pc.is_valid(position)
    found = {
        "missing": missing.filter(pc.invert(in_errors)),
        "errors": missing.filter(in_errors),
        "unexpected": pc.unique(landed_ids.filter(pc.invert(known))),
    }
    if pc.count_distinct(landed_ids).as_py() < landed.num_rows:
        copies = pc.value_counts(landed_ids)
        found["duplicated"] = copies.field("values").filter(pc.greater(copies.field("counts"), 1))
    matched = landed.filter(known)
    counterpart = expected.take(position.filter(known))
    differs = pa.array(np.zeros(matched.num_rows, dtype=bool))
    for name in columns:
        a, b = matched[name], counterpart[name]
        same = pc.or_(pc.fill_null(pc.equal(a, b), False), pc.and_(pc.is_null(a), pc.is_null(b)))
        differs = pc.or_(differs, pc.invert(same))
    found["mismatched"] = pc.unique(matched["event_id"].filter(differs))
    for kind, ids in found.items():
        if len(ids):
            setattr(report, kind, len(ids))
            report.examples[kind] = first_ids(ids)
    return report


def first_ids(ids: pa.Array | pa.ChunkedArray) -> list[str]:
    """A few ids to show, the same ones each run."""
    return list(ids.take(pc.array_sort_indices(ids)[:EXAMPLES]).to_pylist())
