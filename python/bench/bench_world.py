"""make bench: world set-up and memory at 10k, 1M and 50M customers.

The world is drawn on demand (customers and devices hashed from their ids), so set-up and
memory should not grow with the customer count; a session's customer costs the same in any
world. Each size runs in its own process so that peak RSS is that size's alone. Compared in
the same run with materialising every customer's attributes (what a per-customer table
would hold), the naive way.
"""

from __future__ import annotations

import json
import subprocess
import sys

SIZES = (10_000, 1_000_000, 50_000_000)
_CHILD = """
import json, resource, sys, time
import numpy as np
from acme_gen.config import GeneratorConfig
from acme_gen.core import TelemetryGenerator
n, materialise = int(sys.argv[1]), sys.argv[2] == "1"
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
gen = TelemetryGenerator(GeneratorConfig(customers=n, events_per_day=1_000_000))
setup = time.perf_counter() - t
rng = np.random.default_rng(0)
ids = rng.integers(0, n, 100_000).astype(np.int32)
t = time.perf_counter()
gen.world.customers(ids)
lookup = (time.perf_counter() - t) / len(ids) * 1e9
if materialise:  # every customer's attributes as arrays, in chunks like the dimension table
    t = time.perf_counter()
    parts = [gen.world.customers(np.arange(lo, min(lo + 1_000_000, n), dtype=np.int32))
             for lo in range(0, n, 1_000_000)]
    setup += time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"setup_s": setup, "lookup_ns": lookup, "rss_mb": peak / 1024,
                  "import_rss_mb": base / 1024}))
"""


def measure(n: int, materialise: bool) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(n), "1" if materialise else "0"],
                         capture_output=True, text=True, check=True)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    print("world set-up (generator init, incl. calibration) and peak RSS, by customers")
    for n in SIZES:
        r = measure(n, materialise=False)
        line = (f"  {n:>11,} customers: on demand {r['setup_s']:6.2f} s, {r['rss_mb']:6.0f} MB,"
                f" {r['lookup_ns']:5.0f} ns per customer looked up")  # fmt: skip
        if n <= 1_000_000:  # the naive way at 50M needs gigabytes: measured up to 1M
            m = measure(n, materialise=True)
            line += f"; materialised {m['setup_s']:6.2f} s, {m['rss_mb']:6.0f} MB"
        print(line)


if __name__ == "__main__":
    main()
