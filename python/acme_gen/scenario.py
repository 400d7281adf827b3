"""What a test scenario declares: fault rates and incidents, parsed from the command line's
and the Lambdas' spec strings.

    --faults duplicate=0.01,late=0.02,skew=0.001
    --incident "isp-outage:Comcast Xfinity@2026-01-15T20:00/60m"

Both are part of GeneratorConfig, so the faulty events (and the truth beside them) are a pure
function of (configuration, window), like the events themselves. Whether a scope names
something in the world (an ISP, a country, an app version, a title) is checked against the
world by acme_gen.core.incidents.check_scopes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from acme_gen.time_labels import iso_minute

FaultKind = Literal["duplicate", "drop", "late", "skew", "malformed", "out_of_order"]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)
IncidentKind = Literal["isp-outage", "cdn-degradation", "bad-release", "premiere"]
INCIDENT_KINDS: tuple[str, ...] = get_args(IncidentKind)
SCOPE_NAMES = {
    "isp-outage": "ISP",
    "cdn-degradation": "country",
    "bad-release": "app_version",
    "premiere": "title_id",
}
_MINUTE_MS = 60_000
_DURATION_UNITS = {"m": _MINUTE_MS, "h": 60 * _MINUTE_MS, "d": 1440 * _MINUTE_MS}
_MAX_INCIDENT_MS = 7 * 1440 * _MINUTE_MS


class SpecError(ValueError):
    """A spec string that does not parse; its message names the problem in one line."""


class FaultRates(BaseModel):
    """Each kind's share of events (skew: of devices, so of their events), in [0, 1)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    duplicate: float = Field(0.0, ge=0, lt=1)
    drop: float = Field(0.0, ge=0, lt=1)
    late: float = Field(0.0, ge=0, lt=1)
    skew: float = Field(0.0, ge=0, lt=1)
    malformed: float = Field(0.0, ge=0, lt=1)
    out_of_order: float = Field(0.0, ge=0, lt=1)

    @model_validator(mode="after")
    def _one_fault_per_event(self) -> FaultRates:
        # Skew is a device's clock; the others are drawn per event, one kind at most.
        total = self.duplicate + self.drop + self.late + self.malformed + self.out_of_order
        if total >= 1:
            raise ValueError(f"the per-event fault rates add up to {total:g}; they must be < 1")
        return self

    def any(self) -> bool:
        return any(getattr(self, k) > 0 for k in FAULT_KINDS)

    def spec(self) -> str:
        """The --faults text for these rates ('' when none)."""
        return ",".join(f"{k}={getattr(self, k):g}" for k in FAULT_KINDS if getattr(self, k))

    @classmethod
    def parse(cls, text: str) -> FaultRates:
        """'duplicate=0.01,late=0.02' (kinds not named are 0)."""
        rates: dict[str, float] = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            kind, sep, value = part.partition("=")
            kind = kind.strip()
            if kind not in FAULT_KINDS:
                raise SpecError(f"unknown fault {kind!r} (one of {', '.join(FAULT_KINDS)})")
            try:
                rate = float(value) if sep else float("nan")
            except ValueError:
                rate = float("nan")
            if not 0 <= rate < 1:
                raise SpecError(f"fault rate {part!r}: give {kind}=R with R in [0, 1)")
            if kind in rates:
                raise SpecError(f"fault {kind!r} given twice")
            rates[kind] = rate
        try:
            return cls(**rates)
        except ValueError as exc:
            raise SpecError(first_error(exc)) from None


class Incident(BaseModel):
    """One incident: what kind, whom it hits (scope), and when [start_ms, end_ms)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: IncidentKind
    scope: str = Field(min_length=1)
    start_ms: int
    end_ms: int

    @model_validator(mode="before")
    @classmethod
    def _from_spec(cls, value: Any) -> Any:
        return _parse_incident(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _positive_span(self) -> Incident:
        if not 0 < self.end_ms - self.start_ms <= _MAX_INCIDENT_MS:
            raise ValueError("an incident lasts more than 0 and at most 7 days")
        return self

    def spec(self) -> str:
        minutes = (self.end_ms - self.start_ms) // _MINUTE_MS
        return f"{self.kind}:{self.scope}@{iso_minute(self.start_ms)}/{minutes}m"

    @classmethod
    def parse(cls, text: str) -> Incident:
        try:
            return cls.model_validate(text)
        except ValueError as exc:
            raise SpecError(first_error(exc)) from None


_INCIDENT = re.compile(r"^(?P<kind>[a-z-]+):(?P<scope>.+)@(?P<start>[^@/]+)/(?P<duration>[^/]+)$")


def _parse_incident(text: str) -> dict[str, Any]:
    """TYPE:SCOPE@START/DURATION, e.g. isp-outage:Comcast Xfinity@2026-01-15T20:00/60m."""
    match = _INCIDENT.match(text.strip())
    if not match:
        raise SpecError(f"incident {text!r}: expected TYPE:SCOPE@START/DURATION")
    kind = match["kind"]
    if kind not in INCIDENT_KINDS:
        raise SpecError(f"unknown incident type {kind!r} (one of {', '.join(INCIDENT_KINDS)})")
    try:
        start = datetime.fromisoformat(match["start"].strip())
    except ValueError:
        raise SpecError(
            f"incident start {match['start']!r} is not a time (YYYY-MM-DDTHH:MM, UTC)"
        ) from None
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    duration = re.fullmatch(r"\s*(\d+)\s*([mhd])\s*", match["duration"])
    if not duration:
        raise SpecError(f"incident duration {match['duration']!r}: give it as 90m, 2h or 1d")
    start_ms = int(start.timestamp() * 1000)
    length = int(duration[1]) * _DURATION_UNITS[duration[2]]
    return {"kind": kind, "scope": match["scope"].strip(), "start_ms": start_ms,
            "end_ms": start_ms + length}  # fmt: skip


def first_error(exc: ValueError) -> str:
    """A pydantic error's first complaint as one line: `field: message`."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(map(str, first["loc"]))
        message = str(first["msg"]).removeprefix("Value error, ")
        return f"{where}: {message}" if where else message
    return str(exc)
