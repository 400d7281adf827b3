"""The simulation core: a time window in, event columns out, as a pure function of
(configuration, seed, window). numpy only: no files, no network, no AWS, no Arrow.

    world.py      customers, devices, titles (stable entities)     geo.py   places and ISPs
    traffic.py    diurnal/weekly curve in local time               rand.py  counter-based draws
    sessions.py   stage one: sessions starting in a start slot (an hour)
    events.py     stage two: expand sessions into a window's events
    generator.py  TelemetryGenerator: the window function both engines and the Lambdas call
    live.py       LiveTimeline: consecutive windows for a forward-moving stream, each session
                  expanded once (what the stream command sends)
    columns.py    an EventBatch as the 25 schema columns (codes and byte matrices)
    text.py       fixed-width text (UUIDs, timestamps) as byte matrices
"""

from acme_gen.core.events import EventBatch
from acme_gen.core.generator import TelemetryGenerator, events_per_day_for_total
from acme_gen.core.world import World, build_world

__all__ = ["EventBatch", "TelemetryGenerator", "World", "build_world", "events_per_day_for_total"]
