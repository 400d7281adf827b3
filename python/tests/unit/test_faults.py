"""The fault model (acme_gen.core.faults) and the spec strings (acme_gen.scenario)."""

from __future__ import annotations

import numpy as np
import pytest

from acme_gen.config import GeneratorConfig
from acme_gen.core.events import COMPLETE, STOP
from acme_gen.core.faults import (
    DROP,
    DUPLICATE,
    LATE,
    LATE_DELAY_MS,
    MALFORMED,
    NO_FAULT,
    OUT_OF_ORDER,
    event_faults,
    recorded,
)
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.kinesis.records import json_records, malformed_record
from acme_gen.scenario import FaultRates, Incident, SpecError

T0 = 1_768_507_200_000  # 2026-01-15T20:00Z
HOUR = 3_600_000
ALL = FaultRates.parse(
    "duplicate=0.04,drop=0.04,late=0.04,skew=0.05,malformed=0.04,out_of_order=0.04"
)


@pytest.fixture(scope="module")
def generator() -> TelemetryGenerator:
    return TelemetryGenerator(
        GeneratorConfig(events_per_day=2_000_000, customers=170_000, faults=ALL)
    )


def test_each_kind_hits_about_its_share(generator: TelemetryGenerator) -> None:
    batch = generator.window(T0, T0 + HOUR)
    faults = event_faults(ALL, 42, batch)
    n = len(batch)
    assert n > 50_000
    for kind in (DUPLICATE, DROP, LATE, MALFORMED):
        assert abs(np.mean(faults.kind == kind) - 0.04) < 0.006, kind
    # out_of_order spares the last event of a session (nothing comes after it)
    final = (batch.event_type == STOP) | (batch.event_type == COMPLETE)
    assert not (faults.kind[final] == OUT_OF_ORDER).any()
    assert 0.015 < np.mean(faults.kind == OUT_OF_ORDER) < 0.04
    skewed_share = np.mean(faults.skew_ms != 0)
    assert 0.03 < skewed_share < 0.07


def test_delays_and_offsets_have_their_shapes(generator: TelemetryGenerator) -> None:
    faults = event_faults(ALL, 42, generator.window(T0, T0 + HOUR))
    late = faults.delay_ms[faults.kind == LATE]
    assert late.min() >= LATE_DELAY_MS[0] and late.max() <= LATE_DELAY_MS[1]
    assert 8 * 60_000 < np.median(late) < 13 * 60_000  # Pareto(1) from 5 min: median 10 min
    assert np.mean(late > HOUR) > 0.05  # a heavy tail
    copies = faults.delay_ms[faults.kind == DUPLICATE]
    assert 1_500 < np.median(copies) < 2_700, "a copy follows after a median of 2 s"
    assert copies.min() >= 100 and copies.max() <= 15 * 60_000
    assert (faults.delay_ms[~np.isin(faults.kind, (LATE, DUPLICATE))] == 0).all()
    skew = faults.skew_ms[faults.skew_ms != 0]
    assert (skew > 0).any() and (skew < 0).any()  # clocks ahead and behind
    assert (np.abs(skew) % HOUR == 0).any()  # time-zone mistakes: whole hours


def test_a_device_keeps_its_skew_and_order(generator: TelemetryGenerator) -> None:
    batch = generator.window(T0, T0 + HOUR)
    faults = event_faults(ALL, 42, batch)
    device = batch.sessions.device[batch.session]
    for d in np.unique(device[faults.skew_ms != 0])[:50]:
        assert len(np.unique(faults.skew_ms[device == d])) == 1
    shown = recorded(batch, faults)
    assert (shown.ts_ms - batch.ts_ms == faults.skew_ms).all()


def test_faults_do_not_depend_on_how_the_window_is_cut(generator: TelemetryGenerator) -> None:
    whole = generator.window(T0, T0 + HOUR)
    halves = [generator.window(T0, T0 + HOUR // 2), generator.window(T0 + HOUR // 2, T0 + HOUR)]
    f_whole = event_faults(ALL, 42, whole)
    f_parts = [event_faults(ALL, 42, h) for h in halves]
    assert (f_whole.kind == np.concatenate([f.kind for f in f_parts])).all()
    assert (f_whole.delay_ms == np.concatenate([f.delay_ms for f in f_parts])).all()
    assert (f_whole.skew_ms == np.concatenate([f.skew_ms for f in f_parts])).all()


def test_zero_rates_inject_nothing(generator: TelemetryGenerator) -> None:
    faults = event_faults(FaultRates(), 42, generator.window(T0, T0 + HOUR))
    assert not faults.any()
    assert (faults.kind == NO_FAULT).all()


def test_malformed_records_fail_to_parse_or_convert(generator: TelemetryGenerator) -> None:
    import orjson

    data, _ = json_records(generator.world, generator.window(T0, T0 + 60_000))
    good = data[0]
    wrong_type, truncated, no_stamp = (malformed_record(good, v) for v in range(3))
    assert isinstance(orjson.loads(wrong_type)["buffering_events"], str)
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(truncated)
    assert "event_timestamp" not in orjson.loads(no_stamp)
    for raw in (wrong_type, truncated, no_stamp):
        assert orjson.loads(good)["event_id"].encode() in raw  # the truth can name it


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("dupe=0.1", "unknown fault 'dupe'"),
        ("drop=1", "fault rate 'drop=1'"),
        ("drop=-0.1", "fault rate 'drop=-0.1'"),
        ("late", "fault rate 'late'"),
        ("drop=0.5,late=0.6", "add up to 1.1"),
        ("drop=0.1,drop=0.2", "given twice"),
    ],
)
def test_bad_fault_specs_say_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        FaultRates.parse(spec)


def test_fault_spec_round_trips() -> None:
    rates = FaultRates.parse(" duplicate=0.01, late=0.2 ")
    assert (rates.duplicate, rates.late, rates.drop) == (0.01, 0.2, 0.0)
    assert FaultRates.parse(rates.spec()) == rates
    assert not FaultRates.parse("drop=0").any()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("isp-outage:Comcast Xfinity@2026-01-15T20:00", "expected TYPE:SCOPE@START/DURATION"),
        ("meteor:Comcast Xfinity@2026-01-15T20:00/60m", "unknown incident type 'meteor'"),
        ("isp-outage:Comcast Xfinity@yesterday/60m", "'yesterday' is not a time"),
        ("isp-outage:Comcast Xfinity@2026-01-15T20:00/60 minutes", "give it as 90m"),
        ("isp-outage:Comcast Xfinity@2026-01-15T20:00/0m", "more than 0"),
        ("isp-outage:Comcast Xfinity@2026-01-15T20:00/8d", "at most 7 days"),
    ],
)
def test_bad_incident_specs_say_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        Incident.parse(spec)


def test_incident_spec_round_trips() -> None:
    incident = Incident.parse("isp-outage:Comcast Xfinity@2026-01-15T20:00/90m")
    assert (incident.kind, incident.scope) == ("isp-outage", "Comcast Xfinity")
    assert (incident.start_ms, incident.end_ms - incident.start_ms) == (T0, 90 * 60_000)
    assert Incident.parse(incident.spec()) == incident


def test_the_lambdas_settings_carry_faults_and_incidents() -> None:
    config = GeneratorConfig.from_env(
        {
            "ACME_FAULTS": "drop=0.01",
            "ACME_INCIDENTS": '["premiere:TITLE-00001@2026-01-15T20:00/2h"]',
        }
    )
    assert config.faults.drop == 0.01
    assert config.incidents[0].kind == "premiere"
    assert GeneratorConfig.model_validate_json(config.model_dump_json()) == config


def test_no_faults_and_no_incidents_keep_the_fingerprint() -> None:
    base = GeneratorConfig()
    assert GeneratorConfig(faults="drop=0", incidents=[]).fingerprint() == base.fingerprint()
    assert GeneratorConfig(faults="drop=0.1").fingerprint() != base.fingerprint()
