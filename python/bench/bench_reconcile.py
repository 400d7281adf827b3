"""make bench (reconcile, validate, profile): events/s on one core and peak RSS over 1M-, 3M-
and 10M-event lakes, beside a naive reconcile (the whole lake and the whole expected set in
pandas, one merge) at 1M.

Targets: reconcile >= 800,000 events/s on one core at 10M, memory flat (hour by hour; issue
"Speed near the hardware limit"); validate and profile < 1 GB at 10M (issue "Stop, fail and resume safely": before,
validate held every event's columns in memory, 1.1 GB at 1M and 3.8 GB at 5M).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RANGE = ["--start", "2026-01-12", "--end", "2026-01-19"]
_CHILD = """
import contextlib, io, json, resource, sys, time
from acme_gen import reconcile
t = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = reconcile.main(["--lake", sys.argv[1], "--json"])
result = json.loads(out.getvalue())
kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"code": code, "events": result["expected"], "seconds": time.perf_counter() - t,
                  "peak_rss_mb": kb / 1024}))
"""
# validate or profile in a child of its own: its peak RSS alone.
_COMMAND = """
import contextlib, importlib, io, json, resource, sys, time
command = importlib.import_module("acme_gen." + sys.argv[2])
t = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    code = command.main(["--lake", sys.argv[1], *sys.argv[3:]])
kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"code": code, "seconds": time.perf_counter() - t, "peak_rss_mb": kb / 1024}))
"""
_NAIVE = """
import json, sys, time
import pandas as pd, pyarrow.dataset as ds
from acme_gen.config import GeneratorConfig
from acme_gen.core.generator import TelemetryGenerator
from acme_gen.lake.arrow import ArrowEncoder
t = time.perf_counter()
manifest = json.load(open(sys.argv[1] + "/_acme_manifest.json"))
gen = TelemetryGenerator(GeneratorConfig(**manifest["generator"]))
start = int(pd.Timestamp(manifest["start"]).timestamp() * 1000)
end = int(pd.Timestamp(manifest["end"]).timestamp() * 1000)
expected = ArrowEncoder(gen.world).events_table(gen.window(start, end)).to_pandas()
landed = ds.dataset(sys.argv[1] + "/telemetry", format="parquet").to_table().to_pandas()
merged = expected.merge(landed, on="event_id", how="outer", indicator=True)
missing = int((merged["_merge"] == "left_only").sum())
print(json.dumps({"events": len(expected), "missing": missing,
                  "seconds": time.perf_counter() - t}))
"""


def _backfill(events: int, out: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "acme_gen.backfill", "--telemetry", str(events), "--output-dir",
         str(out), "--quiet", "--workers", "2", *RANGE],
        check=True,
    )  # fmt: skip


def _run(script: str, lake: Path, *args: str) -> dict[str, float]:
    # One core: taskset pins the child, as the target is per core.
    cmd = ["taskset", "-c", "0", sys.executable, "-c", script, str(lake), *args]
    result = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for events in (1_000_000, 3_000_000, 10_000_000):
            lake = Path(tmp) / f"lake{events}"
            _backfill(events, lake)
            ours = _run(_CHILD, lake)
            assert ours["code"] == 0, ours
            rate = ours["events"] / ours["seconds"]
            print(
                f"{f'reconcile {events / 1e6:.0f}M events, 1 core':44} {rate:>11,.0f} events/s "
                f"({rate / 800_000:.0%} of the 800,000 target), peak RSS {ours['peak_rss_mb']:,.0f} MB"
            )
            for name, extra in (("validate", []), ("profile", ["--out", f"{lake}/report.html"])):
                checked = _run(_COMMAND, lake, name, *extra)
                assert checked["code"] == 0, checked
                print(f"{f'  {name} {events / 1e6:.0f}M events, 1 core':44} "
                      f"{events / checked['seconds']:>11,.0f} events/s, peak RSS "
                      f"{checked['peak_rss_mb']:,.0f} MB (target < 1,024 MB)")  # fmt: skip
            if events == 1_000_000:
                started = time.perf_counter()
                naive = _run(_NAIVE, lake)
                naive_rate = naive["events"] / (time.perf_counter() - started)
                print(
                    f"{'  naive (whole lake in pandas, one merge)':44} {naive_rate:>11,.0f} "
                    f"events/s; ours is {rate / naive_rate:.1f}x"
                )


if __name__ == "__main__":
    main()
