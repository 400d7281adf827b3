"""An EventBatch as the 25 StreamingEvent columns, still without per-row Python objects.

Text columns are either codes into a vocabulary (most of them: ids, names, enumerations) or
fixed-width byte matrices (UUIDs, timestamps). The Arrow writer and the JSON producer both
start from here, so the two outputs cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from acme_gen.core import geo, rand
from acme_gen.core.addresses import address_text
from acme_gen.core.arrays import U64
from acme_gen.core.events import EVENT_ID_HI, EVENT_ID_LO, EventBatch
from acme_gen.core.text import iso_millis_text, uuid4_text
from acme_gen.core.world import CONNECTION_TYPES, World
from acme_gen.invariants import check
from acme_gen.models import DEVICE_TYPES, EVENT_TYPES, QUALITIES, TITLE_TYPES, StreamingEvent

_SESSION_ID_LO = 0x5E55


@dataclass(frozen=True)
class Codes:
    """Codes into a vocabulary: a fixed tuple of strings (which may repeat a value), or an
    array of the distinct values one batch uses (ids, addresses: a (n, width) ASCII matrix
    or a str array), made for that batch."""

    codes: npt.NDArray[np.integer]
    vocab: tuple[str, ...] | npt.NDArray[np.uint8] | npt.NDArray[np.str_]


def _used(
    per_session: npt.NDArray[np.integer],
    session: npt.NDArray[np.integer],
    text: Callable[[np.ndarray], npt.NDArray[np.uint8] | npt.NDArray[np.str_]],
) -> Codes:
    """Codes of each event's entity among the distinct entities of the batch's sessions,
    with the text of each made once (sorted by entity, so the bytes are deterministic)."""
    distinct, index = np.unique(per_session, return_inverse=True)
    return Codes(index.astype(np.int32)[session], text(distinct))


def _used_addresses(hi: U64, lo: U64, session: npt.NDArray[np.integer]) -> Codes:
    """`_used` for 128-bit addresses (two words), sorted by address. A two-key lexsort, not
    np.unique of (hi, lo) records: numpy sorts record dtypes by a generic compare, 10x slower."""
    order = np.lexsort((lo, hi))
    hi, lo = hi[order], lo[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (hi[1:] != hi[:-1]) | (lo[1:] != lo[:-1])
    index = np.empty(len(order), dtype=np.int32)
    index[order] = np.cumsum(first, dtype=np.int32) - 1
    return Codes(index[session], address_text(hi[first], lo[first]))


Column = Codes | npt.NDArray[np.uint8] | npt.NDArray[np.generic]
"""Codes; a (n, width) uint8 matrix of fixed-width ASCII; or a numeric array."""

_CITY_COUNTRY = tuple(c.country for c in geo.CITIES)
_CITY_STATE = tuple(c.state for c in geo.CITIES)
_CITY_NAME = tuple(c.city for c in geo.CITIES)


def event_columns(world: World, batch: EventBatch) -> dict[str, Column]:
    s = batch.sessions
    session = batch.session
    title = s.title[session]
    home = world.population.city(s.customer)
    city = home[session]
    device_type = world.device_type(s.device)
    os = world.device_os(s.device, device_type, home)
    app = world.device_app(s.device, s.start_ms, device_type, os)
    base = rand.event_base(s.key[session], batch.seq)
    session_text = uuid4_text(s.key, rand.hash64(s.key, np.zeros(len(s), np.int64), _SESSION_ID_LO))
    columns: dict[str, Column] = {
        "event_id": uuid4_text(
            rand.hash64(base, None, EVENT_ID_HI), rand.hash64(base, None, EVENT_ID_LO)
        ),
        "event_type": Codes(batch.event_type, EVENT_TYPES),
        "event_timestamp": iso_millis_text(batch.ts_ms),
        "customer_id": _used(s.customer, session, world.customer_id_text),
        "title_id": Codes(title, world.title_ids),
        "session_id": session_text[session],
        "device_id": _used(s.device, session, world.device_id_text),
        "title_type": Codes(world.title_type[title], TITLE_TYPES),
        "device_type": Codes(device_type[session], DEVICE_TYPES),
        "device_os": Codes(os[session], world.os_names),
        "app_version": Codes(app[session], world.app_versions),
        "quality": Codes(batch.quality, QUALITIES),
        "bandwidth_mbps": batch.bandwidth,
        "buffering_events": batch.buffering_events,
        "buffering_duration_seconds": batch.buffering_seconds,
        "error_count": batch.error_count,
        "watch_duration_seconds": batch.watch_seconds,
        "position_seconds": batch.position_seconds,
        "completion_percentage": batch.completion,
        "ip_address": _used_addresses(s.ip_hi, s.ip_lo, session),
        "isp": Codes(s.network[session], world.network_names),
        "connection_type": Codes(s.connection[session], CONNECTION_TYPES),
        "country": Codes(city, _CITY_COUNTRY),
        "state": Codes(city, _CITY_STATE),
        "city": Codes(city, _CITY_NAME),
    }
    check(list(columns) == list(StreamingEvent.model_fields), "columns out of the models' order")
    return columns
