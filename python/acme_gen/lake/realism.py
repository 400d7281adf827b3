"""Published streaming figures and the SQL that measures each on a lake: the behaviour, its
published figure and source, and the range it must fall in. Each measure is one SQL file
under queries/realism/ (with the sessions of _sessions.sql). `python -m acme_gen.realism`
prints the table, the profile page shows it, and tests/e2e/test_calibration.py holds the default
lake to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

REALISM_DIR = Path(__file__).resolve().parents[1] / "queries" / "realism"


@dataclass(frozen=True)
class Benchmark:
    name: str  # the SQL file's stem
    behaviour: str
    published: str  # the figure, with its source
    low: float
    high: float
    unit: str = ""


BENCHMARKS = (
    Benchmark("device_overlaps", "sessions overlapping another on one device",
              "0: a device plays one stream at a time (physics)", 0, 0),
    Benchmark("over_stream_limit", "starts beyond the plan's simultaneous streams",
              "0: basic 1, standard 2, premium 4 streams (plan terms)", 0, 0),
    Benchmark("customer_days_over_24h", "customer-days over 24 h watched",
              "0 (physics)", 0, 0),
    Benchmark("hours_per_active_day", "viewing per active subscriber-day",
              "about 2 h (Netflix engagement reports and shareholder letters)", 1.5, 2.6, "h"),
    Benchmark("rebuffering_ratio", "rebuffering ratio (stall time / watch time)",
              "0.78% (Conviva 2018); 0.2-0.4% VoD (NPAW)", 0.2, 1.5, "%"),
    Benchmark("rebuffered_plays", "plays with any rebuffering",
              "10-40% (Conviva, Mux)", 10, 40, "%"),
    Benchmark("video_start_failures", "video-start failures",
              "0.5-4% of attempts (Conviva State of Streaming)", 0.5, 4, "%"),
    Benchmark("rebuffered_minutes_ratio", "minutes per play, rebuffered / clean",
              "about 12 vs 25 min (Conviva); less watching with more stalls (Krishnan & "
              "Sitaraman, IMC 2012)", 0.3, 0.9, "x"),
    Benchmark("tv_mobile_minutes_ratio", "minutes per play, TV / mobile",
              "28.7 vs 8.6 min (Conviva Q4 2020)", 1.8, 5, "x"),
    Benchmark("tv_share_of_hours", "TV's share of viewing hours",
              "over 75%, 83% in North America (Conviva)", 50, 90, "%"),
    Benchmark("series_share_of_hours", "series' share of viewing hours",
              "67% of playtime is episodic (NPAW 2023); about 70% of Netflix hours (Sarandos, "
              "2014)", 50, 80, "%"),
    Benchmark("autoplay_next_episode", "completed episodes followed by the next within 2 min",
              "auto-play after a 5-15 s countdown (Netflix); binge sittings of 2-6 episodes "
              "(Netflix/Harris Interactive 2013)", 20, 90, "%"),
    Benchmark("continue_where_left", "mid-title starts that continue where the viewer stopped",
              "Continue Watching resumes a title where it was left (Netflix Tech Blog, 2016)",
              50, 100, "%"),
    Benchmark("ipv6_share", "sessions over IPv6",
              "50.1% of Google's users (Google IPv6 statistics, March 2026); by country from "
              "17% (KR) to 86% (FR), mobile networks highest", 30, 70, "%"),
    Benchmark("starlink_median_mbps", "Starlink sessions' median throughput",
              "104.7 Mbit/s US median download (Ookla, Q1 2025); 54 in Q3 2022", 40, 110,
              " Mbit/s"),
    Benchmark("cellular_5g_4g_ratio", "median throughput, 5G / 4G sessions",
              "5G several times 4G: T-Mobile 5G 205 vs 113 Mbit/s overall (Opensignal 2024); "
              "India 5G 150-260 vs 4G 13-22 (Ookla 2025)", 2, 12, "x"),
    Benchmark("top_watch_time_share", "the most common watch time's share of plays",
              "no machine-made values", 0, 0.5, "%"),
    Benchmark("stall_p99_seconds", "99th percentile stall length",
              "heavy-tailed: 10-60 s stalls exist (Conviva, Mux)", 10, 120, "s"),
    Benchmark("quality_change_plays", "plays whose quality changes",
              "routine: ABR switches rungs as throughput moves (Conviva, Mux)", 10, 70, "%"),
    Benchmark("sd_hd_throughput_ratio", "mean throughput, SD / HD events",
              "SD only on thin throughput: SD < HD < 4K (Netflix: HD needs 5, 4K 15 Mbit/s)",
              0.02, 0.8, "x"),
    Benchmark("hd_4k_throughput_ratio", "mean throughput, HD / 4K events",
              "4K needs the most throughput (Netflix: 15 Mbit/s)", 0.1, 0.95, "x"),
    Benchmark("browser_4k_share", "browser viewing in 4K",
              "rare: 4K in a browser needs a particular browser, OS and HDCP 2.2 display "
              "(Netflix Help Center)", 0, 10, "%"),
    Benchmark("phone_4k_share", "phone viewing in 4K", "none: phones stream at most HD", 0, 0,
              "%"),
    Benchmark("complete_at_credits", "where complete fires (median share of the runtime)",
              "at the end credits: a film's run several minutes, an episode's about one",
              90, 97, "%"),
    Benchmark("pause_p99_minutes", "99th percentile pause length",
              "heavy-tailed, up to hours (a call, a meal, the app left paused)", 15, 240,
              " min"),
    Benchmark("film_mean_runtime", "a film's mean runtime (titles)",
              "106 min for released films, 1999-2018 (Stephen Follows, 2019); horror and "
              "animation the shortest genres", 95, 120, " min"),
    Benchmark("comedy_drama_episode_ratio", "median episode length, comedy / drama shows",
              "the half-hour comedy (22-30 min) against the hour drama (45-60 min)", 0.35, 0.7,
              "x"),
)  # fmt: skip


@dataclass(frozen=True)
class Measured:
    benchmark: Benchmark
    value: float

    @property
    def in_range(self) -> bool:
        return self.benchmark.low <= self.value <= self.benchmark.high

    def range_text(self) -> str:
        b = self.benchmark
        return f"{b.low:g}{b.unit}" if b.low == b.high else f"{b.low:g}-{b.high:g}{b.unit}"

    def value_text(self) -> str:
        v = self.value
        return (
            f"{v:,.0f}{self.benchmark.unit}" if abs(v) >= 1000 else f"{v:.3g}{self.benchmark.unit}"
        )


def benchmark_sql(name: str) -> str:
    """The benchmark's query, with the sessions it reads."""
    sessions = (REALISM_DIR / "_sessions.sql").read_text()
    body = (REALISM_DIR / f"{name}.sql").read_text()
    return f"WITH {_without_comments(sessions)}\n{body}"


def measure(con: duckdb.DuckDBPyConnection) -> list[Measured]:
    """Every benchmark measured on the lake behind `con`."""
    out = []
    for b in BENCHMARKS:
        rows = con.execute(benchmark_sql(b.name)).fetchall()
        value = rows[0][0] if rows and rows[0][0] is not None else float("nan")
        out.append(Measured(b, float(value)))
    return out


def _without_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))


def table(results: list[Measured]) -> str:
    """The calibration table as Markdown (the README's)."""
    lines = ["| behaviour | published | range | measured |", "| --- | --- | --- | --- |"]
    for r in results:
        mark = "" if r.in_range else " (out of range)"
        lines.append(f"| {r.benchmark.behaviour} | {r.benchmark.published} | "
                     f"{r.range_text()} | {r.value_text()}{mark} |")  # fmt: skip
    return "\n".join(lines)
