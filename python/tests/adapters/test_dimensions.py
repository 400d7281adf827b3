"""Dimension tables that read true: names by locale, campaigns aimed at their customers'
country in their real calendar quarter, ratings that fit the genre."""

from __future__ import annotations

import csv
import re
import statistics
import subprocess
import sys
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from acme_gen.config import GeneratorConfig
from acme_gen.core.world import build_world
from acme_gen.lake.dimensions import LAST_RELEASE_YEAR, dimension_tables, titles_table
from acme_gen.lake.title_names import TITLE_WORDS


@pytest.fixture(scope="module")
def tables() -> dict[str, pa.Table]:
    world = build_world(GeneratorConfig(customers=20_000, titles=400, campaigns=40, seed=5))
    return dimension_tables(world)


def test_campaign_names_carry_the_calendar_quarter_of_their_start(
    tables: dict[str, pa.Table],
) -> None:
    for row in tables["campaigns"].to_pylist():
        start: date = row["start_date"]
        quarter = f"Q{(start.month - 1) // 3 + 1} {start.year}"
        assert quarter in row["campaign_name"], (row["campaign_name"], start)


def test_acquired_customers_live_where_their_campaign_aimed_and_joined_while_it_ran(
    tables: dict[str, pa.Table],
) -> None:
    campaigns = {r["campaign_id"]: r for r in tables["campaigns"].to_pylist()}
    customers = tables["customers"].to_pylist()
    acquired = [c for c in customers if c["acquisition_campaign_id"] is not None]
    assert 0.35 < len(acquired) / len(customers) < 0.6
    aimed = [campaigns[c["acquisition_campaign_id"]]["target_country"] for c in acquired]
    in_target = [c for c, country in zip(acquired, aimed, strict=True) if country == c["country"]]
    assert len(in_target) / len(acquired) >= 0.8
    for c in acquired:
        campaign = campaigns[c["acquisition_campaign_id"]]
        assert campaign["start_date"] <= c["signup_date"] <= campaign["end_date"]


def test_names_follow_the_customers_locale_and_emails_are_ascii(
    tables: dict[str, pa.Table],
) -> None:
    customers = tables["customers"].to_pylist()
    by_country: dict[str, list[dict[str, object]]] = {}
    for c in customers:
        by_country.setdefault(str(c["country"]), []).append(c)
    kana_kanji = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    hangul = re.compile(r"[\uac00-\ud7a3]")
    assert all(kana_kanji.search(str(c["name"])) for c in by_country["JP"])
    korean = [str(c["name"]) for c in by_country["KR"]]
    assert all(hangul.search(name) and " " not in name for name in korean)
    us_last = {str(c["name"]).split()[-1] for c in by_country["US"]}
    in_last = [str(c["name"]).split()[-1] for c in by_country["IN"]]
    assert sum(n in us_last for n in in_last) / len(in_last) < 0.3, "Indian names, not US ones"
    for c in customers:
        email = str(c["email"])
        assert email.isascii() and re.fullmatch(r"[a-z0-9._-]+\d+@[a-z.]+", email), email


def test_ratings_fit_the_genre_and_titles_were_released_before_the_data(
    tables: dict[str, pa.Table],
) -> None:
    titles = tables["titles"].to_pylist()
    kids = [t["maturity_rating"] for t in titles if t["genre"] == "Kids"]
    assert kids and set(kids) <= {"TV-Y", "TV-Y7", "TV-G"}
    horror = {t["maturity_rating"] for t in titles if t["genre"] == "Horror"}
    assert not horror & {"G", "PG", "TV-Y", "TV-Y7", "TV-G"}
    animation = {t["maturity_rating"] for t in titles if t["genre"] == "Animation"}
    assert animation <= {"G", "PG"}
    assert max(t["release_year"] for t in titles) <= LAST_RELEASE_YEAR


def test_titles_read_like_titles_and_are_unique(tables: dict[str, pa.Table]) -> None:
    titles = tables["titles"].to_pylist()
    works = [t["title_name"] for t in titles if t["series_id"] is None]
    shows = {t["series_id"]: t["title_name"].rsplit(" S", 1)[0] for t in titles if t["series_id"]}
    names = works + list(shows.values())
    assert len(names) == len(set(names)), "a title name repeats"
    assert all(1 <= len(n.split()) <= 5 and n[0].isupper() for n in names)
    for t in titles:
        if t["series_id"]:
            suffix = f" S{t['season_number']} E{t['episode_number']}"
            assert t["title_name"] == shows[t["series_id"]] + suffix


def test_the_shipped_title_words_are_what_the_pinned_word_lists_give() -> None:
    script = Path(__file__).resolve().parents[3] / "scripts" / "build_title_words.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_runtimes_follow_type_and_genre() -> None:
    world = build_world(GeneratorConfig(customers=1_000, titles=6_000, campaigns=4, seed=5))
    titles = titles_table(world).to_pylist()

    def median_minutes(kind: str, genre: str | None = None) -> float:
        rows = [t["runtime_seconds"] / 60 for t in titles
                if t["title_type"] == kind and genre in (None, t["genre"])]  # fmt: skip
        assert len(rows) >= 20, (kind, genre)
        return statistics.median(rows)

    films = [t["runtime_seconds"] / 60 for t in titles if t["title_type"] == "movie"]
    assert 100 <= statistics.mean(films) <= 114  # Follows: 106 min for released films
    for short in ("Horror", "Animation"):
        for long in ("Drama", "Action", "Sci-Fi"):
            assert median_minutes("movie", short) + 10 < median_minutes("movie", long)
    assert 20 <= median_minutes("series", "Comedy") <= 32  # the half-hour comedy
    assert 42 <= median_minutes("series", "Drama") <= 62  # the hour drama
    assert median_minutes("series", "Kids") <= 26
    assert 70 <= median_minutes("documentary") <= 110
    # A show keeps its slot: its episodes are within a few minutes of one another.
    by_show: dict[str, list[int]] = {}
    for t in titles:
        if t["series_id"]:
            by_show.setdefault(t["series_id"], []).append(t["runtime_seconds"])
    assert max(max(r) - min(r) for r in by_show.values()) <= 6 * 60


def test_title_words_are_the_part_of_speech_they_stand_for() -> None:
    """WordNet keeps verbs, adjectives and pronouns out of the nouns (no "The Fail")."""
    with TITLE_WORDS.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    nouns = {r["word"] for r in rows if r["kind"] == "noun"}
    adjectives = {r["word"] for r in rows if r["kind"] == "adjective"}
    assert len(nouns) > 800 and len(adjectives) > 150
    assert {"mirror", "storm", "heat", "autumn", "village"} <= nouns
    assert not {"fail", "leave", "carry", "catch", "hold", "anybody", "forever", "heavy"} & nouns
    assert {"heavy", "quiet", "ancient"} <= adjectives and not {"aboard", "ahead"} & adjectives
